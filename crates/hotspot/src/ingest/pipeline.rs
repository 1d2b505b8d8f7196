//! The format-independent second half of ingest: row checks, CRS choice, projection, outlier and study-area checks.

use super::columns::CoordinateKind;
use super::options::ReadOptions;
use super::report::{IngestReport, InputFormat, RawRow, Rejection};
use super::{Ingested, RejectReason};
use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use crate::incident::{CategoryId, Columns, Incidents};
use crate::time::IncidentTime;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A row that passed the per-row checks.
#[derive(Debug)]
pub(crate) struct Row {
    pub line: u64,
    pub raw: RawRow,
    /// Longitude or easting.
    pub a: f64,
    /// Latitude or northing.
    pub b: f64,
    pub weight: f64,
    /// Index into [`Parsed::categories`].
    pub category: u32,
    pub time: Option<IncidentTime>,
    pub id: String,
}

/// Everything a reader hands to [`finish`].
pub(crate) struct Parsed {
    pub source: PathBuf,
    pub format: InputFormat,
    pub kind: CoordinateKind,
    /// For projected input: the CRS of the coordinates, and why.
    pub input_crs: Option<(Crs, String)>,
    pub columns: BTreeMap<&'static str, String>,
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    /// Category names of the rows, indexed by [`Row::category`].
    pub categories: Vec<String>,
    pub rejections: Vec<Rejection>,
}

/// Category names in order of first appearance, without an allocation per row.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    names: Vec<String>,
    ids: std::collections::HashMap<String, u32>,
}

impl Interner {
    /// The id of `name`, adding it if new.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), i);
        i
    }

    /// The names, indexed by id.
    pub fn into_names(self) -> Vec<String> {
        self.names
    }
}

/// Result of checking one coordinate pair on its own.
pub(crate) fn check_coordinates(
    kind: CoordinateKind,
    a: f64,
    b: f64,
) -> std::result::Result<(), (RejectReason, String)> {
    if !a.is_finite() || !b.is_finite() {
        return Err((RejectReason::NonFinite, format!("coordinates ({a}, {b})")));
    }
    if a == 0.0 && b == 0.0 {
        return Err((RejectReason::NullIsland, "coordinates 0,0".into()));
    }
    if kind == CoordinateKind::LonLat {
        let (lon, lat) = (a, b);
        if !(-90.0..=90.0).contains(&lat) {
            if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                return Err((
                    RejectReason::SwappedLatLon,
                    format!(
                        "latitude {lat} is outside -90..90 and longitude {lon} would be a valid latitude"
                    ),
                ));
            }
            return Err((
                RejectReason::LatitudeOutOfRange,
                format!("latitude {lat} is outside -90..90"),
            ));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err((
                RejectReason::LongitudeOutOfRange,
                format!("longitude {lon} is outside -180..180"),
            ));
        }
    }
    Ok(())
}

/// Parses a coordinate or weight: `.` decimals, and `,` decimals when `decimal_comma`.
pub(crate) fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    if decimal_comma && s.contains(',') {
        if s.contains('.') {
            return None;
        }
        return s.replacen(',', ".", 1).parse().ok();
    }
    s.parse().ok()
}

/// Median of the values (mean of the two middle ones for an even count); `None` when empty.
pub(crate) fn median(mut v: Vec<f64>) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(0.5 * (lo + hi))
}

fn first_rejection_error(source: &std::path::Path, rejections: &[Rejection]) -> Option<Error> {
    rejections
        .iter()
        .min_by_key(|r| r.line)
        .map(|r| Error::Rejected {
            path: source.to_path_buf(),
            line: r.line,
            reason: r.reason,
            detail: r.detail.clone(),
        })
}

/// Chooses the working CRS, projects, applies the outlier and study-area checks and builds the incidents.
pub(crate) fn finish(p: Parsed, opts: &ReadOptions) -> Result<Ingested> {
    let Parsed {
        source,
        format,
        kind,
        input_crs,
        columns,
        notes,
        rows,
        categories,
        mut rejections,
    } = p;
    let rows_read = (rows.len() + rejections.len()) as u64;
    if rows.is_empty() {
        if opts.strict
            && let Some(e) = first_rejection_error(&source, &rejections)
        {
            return Err(e);
        }
        let mut by: BTreeMap<RejectReason, u64> = BTreeMap::new();
        for r in &rejections {
            *by.entry(r.reason).or_default() += 1;
        }
        let reasons: Vec<String> = by.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        return Err(Error::InsufficientData(format!(
            "{}: none of the {rows_read} rows has usable coordinates ({})",
            source.display(),
            reasons.join(", ")
        )));
    }

    // Working CRS.
    // Component-wise median of the rows that passed the per-row checks.
    let (med_a, med_b) = rayon::join(
        || median(rows.iter().map(|r| r.a).collect()).unwrap_or(0.0),
        || median(rows.iter().map(|r| r.b).collect()).unwrap_or(0.0),
    );
    let mut notes = notes;
    if columns.contains_key("time")
        && opts.timezone == chrono_tz::Europe::Stockholm
        && kind == CoordinateKind::LonLat
    {
        let (lon, lat) = (med_a, med_b);
        if Crs::default_for_lonlat(lon, lat) != Crs::SWEREF99_TM {
            notes.push(format!(
                "times without a UTC offset (if any) are read in the default zone Europe/Stockholm, but the data lie at ({lon:.3}, {lat:.3}), outside Sweden: give their zone with --timezone (e.g. America/Chicago, Europe/London)"
            ));
        }
    }
    let (crs, crs_reason) = match kind {
        CoordinateKind::Projected => match input_crs {
            Some(c) => c,
            None => {
                return Err(Error::Parse {
                    path: source,
                    line: None,
                    message: "projected coordinates need their CRS: give it with --crs EPSG:NNNN (e.g. EPSG:3006 for SWEREF 99 TM)".into(),
                });
            }
        },
        CoordinateKind::LonLat => match opts.crs {
            Some(c) => (c, "given with --crs".to_string()),
            None => {
                let (lon, lat) = (med_a, med_b);
                let c = Crs::default_for_lonlat(lon, lat);
                let why = if c == Crs::SWEREF99_TM {
                    format!("SWEREF 99 TM: the median position ({lon:.4}, {lat:.4}) lies in Sweden")
                } else {
                    format!("WGS84 UTM zone of the median position ({lon:.4}, {lat:.4})")
                };
                (c, why)
            }
        },
    };
    let projector = Projector::new(crs)?;
    let lonlat = kind == CoordinateKind::LonLat;

    // Project, in parallel, keeping order. `None` marks a failed projection (rare:
    // its error is computed again for the rejection's message).
    let pos: Vec<Option<[f64; 2]>> = if lonlat {
        rows.par_iter()
            .with_min_len(4096)
            .map(|r| projector.to_metres(r.a, r.b).ok())
            .collect()
    } else {
        rows.iter().map(|r| Some([r.a, r.b])).collect()
    };

    // Centre for the outlier check: the median position (for lon/lat input
    // projected; if that fails, the median of the projected positions).
    let centre = if lonlat {
        projector.to_metres(med_a, med_b).ok()
    } else {
        Some([med_a, med_b])
    };
    let centre = match centre {
        Some(c) => c,
        None => {
            let ok: Vec<[f64; 2]> = pos.iter().flatten().copied().collect();
            [
                median(ok.iter().map(|p| p[0]).collect()).unwrap_or(0.0),
                median(ok.iter().map(|p| p[1]).collect()).unwrap_or(0.0),
            ]
        }
    };

    let study_area = opts
        .boundary
        .as_ref()
        .map(|b| b.to_study_area(&projector))
        .transpose()?;
    let max_d = opts.max_distance_m;
    let placed = |p: [f64; 2]| -> Option<(RejectReason, String)> {
        if let Some(sa) = &study_area
            && !sa.contains(p[0], p[1])
        {
            return Some((
                RejectReason::OutsideStudyArea,
                "outside the study area".to_string(),
            ));
        }
        if let Some(m) = max_d {
            let d = ((p[0] - centre[0]).powi(2) + (p[1] - centre[1]).powi(2)).sqrt();
            if !(d <= m) {
                return Some((
                    RejectReason::FarFromData,
                    format!(
                        "{:.1} km from the median position (limit {} km)",
                        d / 1000.0,
                        m / 1000.0
                    ),
                ));
            }
        }
        None
    };
    // Only the rejected rows get a verdict: (row index, reason, detail), in row order.
    let verdicts: Vec<(usize, RejectReason, String)> = rows
        .par_iter()
        .zip(pos.par_iter())
        .enumerate()
        .with_min_len(4096)
        .filter_map(|(k, (r, p))| match p {
            None => {
                let why = match projector.to_metres(r.a, r.b) {
                    Err(e) => e.to_string(),
                    Ok(_) => "projection failed".to_string(),
                };
                Some((
                    k,
                    RejectReason::FarFromData,
                    format!("cannot be projected to {crs}: {why}"),
                ))
            }
            Some(p) => {
                let bad = placed(*p)?;
                if lonlat
                    && check_coordinates(kind, r.b, r.a).is_ok()
                    && let Ok(q) = projector.to_metres(r.b, r.a)
                    && placed(q).is_none()
                {
                    return Some((
                        k,
                        RejectReason::SwappedLatLon,
                        format!(
                            "lat {} lon {} lie {}; swapped they fit the data",
                            r.b,
                            r.a,
                            if bad.0 == RejectReason::OutsideStudyArea {
                                "outside the study area"
                            } else {
                                "far from the rest"
                            }
                        ),
                    ));
                }
                Some((k, bad.0, bad.1))
            }
        })
        .collect();

    // The accepted rows become the columns, in parallel. Rejected rows (the
    // verdicts, in row order) join the rejections.
    let mut accepted = vec![true; rows.len()];
    for (k, reason, detail) in verdicts {
        accepted[k] = false;
        rejections.push(Rejection {
            line: rows[k].line,
            reason,
            detail,
            raw: rows[k].raw,
        });
    }
    // Category ids renumbered in order of first appearance among accepted rows
    // (rejected rows' categories are dropped), with a table instead of hashing names.
    let mut remap: Vec<CategoryId> = vec![CategoryId::MAX; categories.len().max(1)];
    let mut names: Vec<String> = Vec::new();
    for (r, _) in rows.iter().zip(&accepted).filter(|(_, ok)| **ok) {
        let c = r.category as usize;
        if let Some(slot) = remap.get_mut(c)
            && *slot == CategoryId::MAX
        {
            *slot = names.len() as CategoryId;
            names.push(categories.get(c).cloned().unwrap_or_default());
        }
    }
    let keep: Vec<usize> = (0..rows.len()).filter(|&k| accepted[k]).collect();
    let column = |f: &(dyn Fn(usize) -> f64 + Sync)| -> Vec<f64> {
        keep.par_iter().with_min_len(4096).map(|&k| f(k)).collect()
    };
    let xs = column(&|k| pos[k].map_or(f64::NAN, |p| p[0]));
    let ys = column(&|k| pos[k].map_or(f64::NAN, |p| p[1]));
    let weights = column(&|k| rows[k].weight);
    let cats: Vec<CategoryId> = keep
        .par_iter()
        .with_min_len(4096)
        .map(|&k| remap.get(rows[k].category as usize).copied().unwrap_or(0))
        .collect();
    let times: Vec<Option<IncidentTime>> = keep
        .par_iter()
        .with_min_len(4096)
        .map(|&k| rows[k].time)
        .collect();
    let lonlats: Vec<Option<[f64; 2]>> = keep
        .par_iter()
        .with_min_len(4096)
        .map(|&k| lonlat.then_some([rows[k].a, rows[k].b]))
        .collect();
    drop(keep);
    drop(pos);
    let ids: Vec<String> = rows
        .into_par_iter()
        .zip(accepted.into_par_iter())
        .with_min_len(4096)
        .filter_map(|(r, ok)| ok.then_some(r.id))
        .collect();
    let incidents = Incidents::from_columns(
        crs,
        Columns {
            x: xs,
            y: ys,
            weight: weights,
            category: cats,
            category_names: names,
            time: times,
            id: ids,
            lonlat: lonlats,
        },
    )?;
    rejections.sort_by_key(|r| r.line);
    if opts.strict
        && let Some(e) = first_rejection_error(&source, &rejections)
    {
        return Err(e);
    }
    let report = IngestReport {
        source,
        format,
        rows_read,
        accepted: incidents.len() as u64,
        rejections,
        columns,
        coordinates: kind,
        crs,
        crs_reason,
        notes,
    };
    Ok(Ingested {
        incidents,
        report,
        projector,
        study_area,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn numbers_with_decimal_commas() {
        assert_eq!(parse_number("59,045", true), Some(59.045));
        assert_eq!(parse_number("59,045", false), None);
        assert_eq!(parse_number("1,234.5", true), None);
        assert_eq!(parse_number("-15.87", true), Some(-15.87));
        assert!(parse_number("NaN", false).is_some_and(f64::is_nan));
        assert_eq!(parse_number("abc", false), None);
    }

    #[test]
    fn coordinate_checks() {
        let ll = CoordinateKind::LonLat;
        assert!(check_coordinates(ll, 15.87, 59.04).is_ok());
        let r = |a, b| check_coordinates(ll, a, b).unwrap_err().0;
        assert_eq!(r(0.0, 0.0), RejectReason::NullIsland);
        assert_eq!(r(f64::NAN, 1.0), RejectReason::NonFinite);
        assert_eq!(r(1.0, f64::INFINITY), RejectReason::NonFinite);
        assert_eq!(r(59.0, 95.0), RejectReason::SwappedLatLon);
        assert_eq!(r(100.0, 95.0), RejectReason::LatitudeOutOfRange);
        assert_eq!(r(190.0, 59.0), RejectReason::LongitudeOutOfRange);
        assert!(check_coordinates(CoordinateKind::Projected, 549_917.0, 6_545_387.0).is_ok());
    }
}
