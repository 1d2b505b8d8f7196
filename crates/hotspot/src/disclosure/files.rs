//! The one check every file of a public output folder passes before the folder is put in place
//! ([`check_files`]): whatever writer made a file, the same rules hold for it.

use super::{EMPTY_VALUE, Rules};
use crate::error::{Error, Result};
use crate::index::SpatialIndex;
use crate::situation::{Outcome, Situation};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Column names and GeoJSON property keys that hold incident counts.
fn is_count_key(k: &str) -> bool {
    matches!(k, "incidents" | "count" | "n" | "events" | "total")
        || k.ends_with("_incidents")
        || k.ends_with("_count")
}

/// Checks every file under `dir` (a public output folder, before it is put in place) against the
/// disclosure rules of the public situation `s`; internal situations pass. Per file:
/// - no layer of incident points (a file named `incidents.*`), and no Point or MultiPoint in a
///   GeoJSON layer within 5 cm of an incident that is not a school;
/// - ESRI ASCII grids (`.asc`): no NODATA cell, every non-empty cell supported by the
///   [`Rules`] within the kernel's reach;
/// - CSV tables and GeoJSON properties: no count column (`incidents`, `count`, `n`, `*_count`,
///   ...) holds a value between 1 and `min_count - 1`;
/// - every text file (JSON, GeoJSON, HTML, SVG, CSV, QML): neither the exact date of the first or
///   last incident (unless it is a bound the user set with `from`/`to`) nor a 64-hex-digit hash.
///
/// PNG files are drawn from the same layers and are not read back; GeoPackages hold the same
/// features as the GeoJSON layers checked here.
///
/// # Errors
/// [`Error::InvalidParameter`] (`public`) naming the file and what it would disclose.
pub fn check_files(dir: &Path, s: &Situation) -> Result<()> {
    if !s.suppress.public {
        return Ok(());
    }
    super::check(s)?;
    let rules = Rules::of(&s.params);
    // Grids are checked on the incidents the density surface was computed from; point layers
    // against every incident.
    let index = SpatialIndex::new(&s.geocoding.density_input(&s.incidents));
    let all = SpatialIndex::new(&s.incidents);
    let projector = crate::crs::Projector::new(s.crs)?;
    let dates = incident_dates(s);
    let schools: Vec<[f64; 2]> = s.schools.iter().map(|k| k.location()).collect();
    let reach = match &s.density {
        Outcome::Done(d) => d.surface.bandwidth.support_radius_m,
        _ => 0.0,
    };
    let ctx = Ctx {
        rules,
        index: &index,
        all: &all,
        schools: &schools,
        projector: &projector,
        dates: &dates,
        reach,
    };
    for rel in files_under(dir)? {
        let path = dir.join(&rel);
        let name = rel.to_string_lossy().replace('\\', "/");
        if let Err(reason) = ctx.check_file(&path) {
            return Err(Error::invalid(
                "public",
                true,
                format!("{name} would disclose {reason}; the public report was not written"),
            ));
        }
    }
    Ok(())
}

struct Ctx<'a> {
    rules: Rules,
    index: &'a SpatialIndex,
    all: &'a SpatialIndex,
    schools: &'a [[f64; 2]],
    projector: &'a crate::crs::Projector,
    dates: &'a [String],
    reach: f64,
}

type Verdict = std::result::Result<(), String>;

impl Ctx<'_> {
    fn check_file(&self, path: &Path) -> Verdict {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if stem == "incidents" {
            return Err("a layer of incident points (never public)".into());
        }
        if !matches!(
            ext.as_str(),
            "asc" | "json" | "geojson" | "html" | "svg" | "csv" | "qml" | "txt" | "md"
        ) {
            return Ok(());
        }
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("nothing (unreadable: {e})"))?;
        self.text(&text)?;
        match ext.as_str() {
            "asc" => self.grid(path),
            "geojson" => self.geojson(&text),
            "csv" => self.csv(&text),
            _ => Ok(()),
        }
    }

    fn text(&self, text: &str) -> Verdict {
        if let Some(d) = self.dates.iter().find(|d| contains_alone(text, d)) {
            return Err(format!(
                "the exact date of the first or last incident ({d}): give months (YYYY-MM)"
            ));
        }
        if let Some(h) = hex_hash(text) {
            return Err(format!(
                "the hash {h}... (it confirms a guessed input file): leave it to the internal manifest"
            ));
        }
        Ok(())
    }

    fn small(&self, v: u64) -> bool {
        v > 0 && v < self.rules.min_incidents
    }

    fn grid(&self, path: &Path) -> Verdict {
        let r = crate::raster_io::read_ascii_grid(path).map_err(|e| format!("nothing ({e})"))?;
        for (i, &v) in r.values.iter().enumerate() {
            if v.to_bits() == EMPTY_VALUE.to_bits() {
                continue;
            }
            let (c, row) = r.spec.col_row(i);
            if !v.is_finite() {
                return Err(format!(
                    "cell ({c}, {row}) as NODATA, which stands out from empty cells ({EMPTY_VALUE})"
                ));
            }
            let [x, y] = r.spec.centre(c, row);
            if !self.index.supported_within(
                x,
                y,
                self.reach,
                self.rules.min_incidents,
                self.rules.min_positions,
            ) {
                return Err(format!(
                    "cell ({c}, {row}) = {v}, which fewer than {} incidents on {} positions support",
                    self.rules.min_incidents, self.rules.min_positions
                ));
            }
        }
        Ok(())
    }

    fn csv(&self, text: &str) -> Verdict {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let head: Vec<String> = match r.headers() {
            Ok(h) => h
                .iter()
                .map(|s| s.trim_start_matches('\'').to_string())
                .collect(),
            Err(_) => return Ok(()),
        };
        for (line, rec) in r.records().enumerate() {
            let Ok(rec) = rec else { continue };
            for (k, cell) in rec.iter().enumerate() {
                if head.get(k).is_some_and(|h| is_count_key(h))
                    && let Ok(v) = cell.trim().parse::<u64>()
                    && self.small(v)
                {
                    return Err(format!(
                        "the count {v} in column `{}` of row {} (below min_count {})",
                        head[k],
                        line + 1,
                        self.rules.min_incidents
                    ));
                }
            }
        }
        Ok(())
    }

    fn geojson(&self, text: &str) -> Verdict {
        let v: Value =
            serde_json::from_str(text).map_err(|e| format!("nothing (bad JSON: {e})"))?;
        let feats = v["features"].as_array().cloned().unwrap_or_default();
        for (k, f) in feats.iter().enumerate() {
            if let Some(props) = f["properties"].as_object() {
                for (key, val) in props {
                    if is_count_key(key)
                        && let Some(n) = val.as_u64()
                        && self.small(n)
                    {
                        return Err(format!(
                            "the count {n} in property `{key}` of feature {k} (below min_count {})",
                            self.rules.min_incidents
                        ));
                    }
                }
            }
            let g = &f["geometry"];
            let points: Vec<&Value> = match g["type"].as_str() {
                Some("Point") => vec![&g["coordinates"]],
                Some("MultiPoint") => g["coordinates"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            for p in points {
                let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
                    continue;
                };
                let Ok([x, y]) = self.projector.to_metres(lon, lat) else {
                    continue;
                };
                let at_school = self
                    .schools
                    .iter()
                    .any(|s| (s[0] - x).hypot(s[1] - y) <= 0.05);
                if !at_school && self.all.count_within(x, y, 0.05) > 0 {
                    return Err(format!(
                        "an incident position ({lon}, {lat}) as the point of feature {k}"
                    ));
                }
            }
        }
        Ok(())
    }
}

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The days of the first and last incident, less the period bounds the user set (`from`/`to`,
/// the follow-up's periods), as written:
/// `YYYY-MM-DD` and the report's Swedish and English forms (`3 mars 2025`, `3 March 2025`).
fn incident_dates(s: &Situation) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    for d in incident_days(s) {
        let m = d.month0() as usize;
        out.push(d.format("%Y-%m-%d").to_string());
        out.push(format!("{} {} {}", d.day(), MONTHS_SV[m], d.year()));
        out.push(format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()));
    }
    out
}

fn incident_days(s: &Situation) -> Vec<chrono::NaiveDate> {
    let days: Vec<chrono::NaiveDate> = s
        .incidents
        .times()
        .iter()
        .flatten()
        .filter_map(|t| t.date())
        .collect();
    // Bounds the user set: the period, and the follow-up's periods (calendar bounds).
    let mut set = vec![s.params.from, s.params.to];
    if let Outcome::Done(f) = &s.followup {
        let p = &f.followup.params;
        set.extend([
            Some(p.from),
            Some(p.to),
            Some(p.baseline.start),
            Some(p.baseline.end),
        ]);
    }
    [days.iter().min(), days.iter().max()]
        .into_iter()
        .flatten()
        .filter(|d| !set.contains(&Some(**d)))
        .copied()
        .collect()
}

/// Whether `pat` occurs in `text` with no digit right before or after it (`3 mars` is not in
/// `13 mars`).
fn contains_alone(text: &str, pat: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices(pat).any(|(i, _)| {
        let before = i.checked_sub(1).and_then(|k| b.get(k));
        let after = b.get(i + pat.len());
        !before.is_some_and(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit)
    })
}

/// The first run of exactly 64 hex digits (a SHA-256) in `text`, shortened to 12, if any.
pub(super) fn hex_hash(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut run = 0usize;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_hexdigit() {
            run += 1;
            if run == 64 && !b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
                let start = i + 1 - 64;
                return Some(&text[start..start + 12]);
            }
        } else {
            run = 0;
        }
    }
    None
}

/// Every file under `dir`, relative to it, sorted (symlinks listed, not followed).
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = dir.join(&rel);
        for e in std::fs::read_dir(&here).map_err(|e| Error::io(&here, e))? {
            let e = e.map_err(|e| Error::io(&here, e))?;
            let ft = e.file_type().map_err(|err| Error::io(e.path(), err))?;
            let r = rel.join(e.file_name());
            if ft.is_dir() {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    Ok(out)
}
