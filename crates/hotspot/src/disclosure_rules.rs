//! Disclosure rules for public output: masking that does not stand out, thresholds on distinct
//! positions as well as incidents, and one check ([`check_public`]) every public output passes.
//!
//! Round 2 merges this file into `disclosure.rs`; until then it is self-contained.
//!
//! The rules (documented with what an attacker can and cannot learn in `docs/report.md`):
//! 1. **A value is public only if enough incidents and enough distinct positions support it**:
//!    at least `min_incidents` incidents and at least `min_positions` distinct positions (to the
//!    metre) in the cell, zone or kernel reach ([`Rules::supports`]). Five events at one home are
//!    one position, so they do not make a public peak.
//! 2. **Masked looks like empty**: a masked grid cell gets [`EMPTY_VALUE`], exactly the value of
//!    a cell with no incident in reach (0), never NODATA or NaN; so the masked disc around an
//!    isolated incident cannot be told from empty land ([`mask_grid`]).
//!    A masked count is shown as "fewer than k", and so is a count of 0 ([`public_count`]): a
//!    reader cannot tell "none" from "a few".
//! 3. **Times at month precision** ([`month_precision`]); no hash of an input file (a hash
//!    confirms a guessed file).
//! 4. **One check before writing** ([`check_public`]): no point layer of incidents, no incident
//!    coordinate in any text, no count between 1 and k-1, no grid cell whose value is neither
//!    empty nor supported, no exact date, no 64-hex-digit hash.

use crate::index::SpatialIndex;
use serde::Serialize;
use std::collections::HashSet;

/// The value a masked grid cell gets: the value of a cell with no incident in reach.
pub const EMPTY_VALUE: f64 = 0.0;

/// Thresholds for public values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rules {
    /// Fewest incidents behind a public value (e.g. 5).
    pub min_incidents: u64,
    /// Fewest distinct positions behind a public value (e.g. 3).
    pub min_positions: u64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            min_incidents: 5,
            min_positions: 3,
        }
    }
}

impl Rules {
    /// Whether `incidents` incidents on `positions` distinct positions may be shown.
    pub fn supports(&self, incidents: u64, positions: u64) -> bool {
        incidents >= self.min_incidents && positions >= self.min_positions
    }
}

/// A count as it may be published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicCount {
    /// The exact count (at least the threshold).
    Exact(u64),
    /// "Fewer than k": counts 0 to k-1 alike, so none and a few look the same.
    FewerThan(u64),
}

impl std::fmt::Display for PublicCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublicCount::Exact(n) => write!(f, "{n}"),
            PublicCount::FewerThan(k) => write!(f, "<{k}"),
        }
    }
}

/// The public form of a count with `positions` distinct positions behind it.
pub fn public_count(count: u64, positions: u64, rules: &Rules) -> PublicCount {
    if rules.supports(count, positions) {
        PublicCount::Exact(count)
    } else {
        PublicCount::FewerThan(rules.min_incidents)
    }
}

/// Position key to the metre: events at one address count once.
fn position_key(x: f64, y: f64) -> (i64, i64) {
    (x.round() as i64, y.round() as i64)
}

/// For each point `(cx[k], cy[k])`: incidents and distinct positions within `radius_m`.
pub fn support_within(
    x: &[f64],
    y: &[f64],
    cx: &[f64],
    cy: &[f64],
    radius_m: f64,
) -> (Vec<u64>, Vec<u64>) {
    let idx = SpatialIndex::from_xy(x, y);
    let mut counts = Vec::with_capacity(cx.len());
    let mut positions = Vec::with_capacity(cx.len());
    for (&px, &py) in cx.iter().zip(cy) {
        let mut n = 0u64;
        let mut seen: HashSet<(i64, i64)> = HashSet::new();
        idx.for_each_within(px, py, radius_m, |j, _| {
            n += 1;
            seen.insert(position_key(x[j], y[j]));
        });
        counts.push(n);
        positions.push(seen.len() as u64);
    }
    (counts, positions)
}

/// What [`mask_grid`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MaskSummary {
    /// Cells set to [`EMPTY_VALUE`] because too few incidents or positions support them.
    pub masked: u64,
    /// Cells left as they were.
    pub kept: u64,
}

/// Sets every cell not supported by `rules` to [`EMPTY_VALUE`]; `incidents[k]` and
/// `positions[k]` are the support of cell `k` (e.g. from [`support_within`] with the kernel's
/// reach). Non-finite values (NODATA) become [`EMPTY_VALUE`] too, so no cell stands out.
pub fn mask_grid(
    values: &mut [f64],
    incidents: &[u64],
    positions: &[u64],
    rules: &Rules,
) -> MaskSummary {
    let mut s = MaskSummary { masked: 0, kept: 0 };
    for (k, v) in values.iter_mut().enumerate() {
        let n = incidents.get(k).copied().unwrap_or(0);
        let p = positions.get(k).copied().unwrap_or(0);
        if rules.supports(n, p) && v.is_finite() {
            s.kept += 1;
        } else {
            if *v != EMPTY_VALUE {
                s.masked += 1;
            }
            *v = EMPTY_VALUE;
        }
    }
    s
}

/// A date or time reduced to its month, `YYYY-MM` (public summaries give no exact day).
pub fn month_precision(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%Y-%m").to_string()
}

/// One public output as [`check_public`] sees it.
#[derive(Clone, Debug)]
pub enum PublicItem<'a> {
    /// A grid with each cell's support.
    Grid {
        /// File name, for the error.
        name: &'a str,
        /// Cell values as they will be written.
        values: &'a [f64],
        /// Incidents supporting each cell.
        incidents: &'a [u64],
        /// Distinct positions supporting each cell.
        positions: &'a [u64],
    },
    /// A table or layer of counts with the distinct positions behind each.
    Counts {
        /// File name, for the error.
        name: &'a str,
        /// `(count, positions)`; a count already shown as "fewer than k" is `None`.
        cells: &'a [(Option<u64>, u64)],
    },
    /// Text (HTML, JSON, CSV, GeoJSON, a manifest).
    Text {
        /// File name, for the error.
        name: &'a str,
        /// The text as it will be written.
        text: &'a str,
    },
    /// A layer of incident points: never public.
    IncidentPoints {
        /// File name, for the error.
        name: &'a str,
    },
}

/// Why a public output was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("public output {name} would disclose: {reason}")]
pub struct Violation {
    /// The output concerned.
    pub name: String,
    /// What it would reveal.
    pub reason: String,
}

/// Checks a public output against the rules: every public file passes this before it is written.
/// `incident_lonlat` are the incidents' positions as read (text must not contain them to 5
/// decimals, about 1 m).
///
/// # Errors
/// The first [`Violation`] found.
pub fn check_public(
    item: &PublicItem<'_>,
    rules: &Rules,
    incident_lonlat: &[[f64; 2]],
) -> Result<(), Violation> {
    let v = |name: &str, reason: String| Violation {
        name: name.to_string(),
        reason,
    };
    match item {
        PublicItem::IncidentPoints { name } => {
            Err(v(name, "a layer of incident points is never public".into()))
        }
        PublicItem::Grid {
            name,
            values,
            incidents,
            positions,
        } => {
            for (k, &val) in values.iter().enumerate() {
                let n = incidents.get(k).copied().unwrap_or(0);
                let p = positions.get(k).copied().unwrap_or(0);
                if !val.is_finite() {
                    return Err(v(
                        name,
                        format!(
                            "cell {k} is NODATA, which stands out from empty cells ({EMPTY_VALUE})"
                        ),
                    ));
                }
                if val != EMPTY_VALUE && !rules.supports(n, p) {
                    return Err(v(
                        name,
                        format!(
                            "cell {k} shows {val} from {n} incident(s) on {p} position(s) (needs {} and {})",
                            rules.min_incidents, rules.min_positions
                        ),
                    ));
                }
            }
            Ok(())
        }
        PublicItem::Counts { name, cells } => {
            for (k, &(c, p)) in cells.iter().enumerate() {
                if let Some(c) = c
                    && !rules.supports(c, p)
                {
                    return Err(v(
                        name,
                        format!(
                            "entry {k} shows the count {c} from {p} position(s); counts below {} (or on fewer than {} positions), 0 included, must read \"<{}\"",
                            rules.min_incidents, rules.min_positions, rules.min_incidents
                        ),
                    ));
                }
            }
            Ok(())
        }
        PublicItem::Text { name, text } => {
            if let Some(d) = exact_date(text) {
                return Err(v(
                    name,
                    format!("the exact date {d}: give months (YYYY-MM)"),
                ));
            }
            if let Some(h) = hex_hash(text) {
                return Err(v(
                    name,
                    format!(
                        "the hash {h}… (it confirms a guessed input file): leave it to the internal manifest"
                    ),
                ));
            }
            for ll in incident_lonlat {
                for pair in [
                    format!("{:.5},{:.5}", ll[0], ll[1]),
                    format!("{:.5}, {:.5}", ll[0], ll[1]),
                    format!("[{:.5},{:.5}", ll[0], ll[1]),
                ] {
                    if text.contains(&pair) {
                        return Err(v(name, format!("an incident position ({pair})")));
                    }
                }
            }
            Ok(())
        }
    }
}

/// The first `YYYY-MM-DD` in `text` (a digit run of exactly that shape), if any.
fn exact_date(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let is_d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let shape = (0..4).all(|k| is_d(i + k))
            && b[i + 4] == b'-'
            && is_d(i + 5)
            && is_d(i + 6)
            && b[i + 7] == b'-'
            && is_d(i + 8)
            && is_d(i + 9);
        let alone = (i == 0 || !b[i - 1].is_ascii_digit()) && !is_d(i + 10);
        (shape && alone).then(|| &text[i..i + 10])
    })
}

/// The first run of 64 hex digits (a SHA-256) in `text`, shortened to 12, if any.
fn hex_hash(text: &str) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_cells_are_indistinguishable_from_empty_ones() {
        // One isolated incident at (0,0) and a cluster of 6 on 4 positions at (1000,0).
        let x = [0.0, 1000.0, 1000.0, 1000.0, 1010.0, 1020.0, 1030.0];
        let y = [0.0; 7];
        let cx: Vec<f64> = (0..12).map(|k| -500.0 + k as f64 * 200.0).collect();
        let cy = vec![0.0; cx.len()];
        let (n, p) = support_within(&x, &y, &cx, &cy, 300.0);
        // A density: positive wherever something is in reach, as a kernel would give.
        let mut values: Vec<f64> = n.iter().map(|&c| c as f64 * 0.1).collect();
        let rules = Rules::default();
        let s = mask_grid(&mut values, &n, &p, &rules);
        assert!(s.masked > 0, "the isolated incident's cells are masked");
        // Masked cells hold exactly the empty value: the disc around (0,0) reads as empty land.
        for k in 0..cx.len() {
            if (cx[k] - 0.0).abs() <= 300.0 {
                assert_eq!(values[k], EMPTY_VALUE, "cell at {}", cx[k]);
            }
        }
        assert!(values.iter().any(|&v| v > 0.0), "the cluster stays");
        let distinct: HashSet<u64> = values
            .iter()
            .filter(|v| **v <= 0.0)
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(distinct.len(), 1, "one value for masked and empty cells");
        check_public(
            &PublicItem::Grid {
                name: "density.asc",
                values: &values,
                incidents: &n,
                positions: &p,
            },
            &rules,
            &[],
        )
        .unwrap();
    }

    #[test]
    fn five_events_at_one_home_are_not_a_public_peak() {
        let rules = Rules::default();
        assert_eq!(public_count(5, 1, &rules), PublicCount::FewerThan(5));
        assert_eq!(public_count(5, 3, &rules), PublicCount::Exact(5));
        assert_eq!(public_count(0, 0, &rules), PublicCount::FewerThan(5));
        assert_eq!(public_count(2, 2, &rules).to_string(), "<5");
    }

    #[test]
    fn check_public_refuses_what_would_disclose() {
        let rules = Rules::default();
        let nan = [f64::NAN];
        let e = check_public(
            &PublicItem::Grid {
                name: "d.asc",
                values: &nan,
                incidents: &[1],
                positions: &[1],
            },
            &rules,
            &[],
        )
        .unwrap_err();
        assert!(e.reason.contains("NODATA"), "{e}");
        let e = check_public(
            &PublicItem::Grid {
                name: "d.asc",
                values: &[0.3],
                incidents: &[4],
                positions: &[4],
            },
            &rules,
            &[],
        )
        .unwrap_err();
        assert!(e.reason.contains("4 incident"), "{e}");
        assert!(
            check_public(
                &PublicItem::IncidentPoints {
                    name: "incidents.geojson"
                },
                &rules,
                &[]
            )
            .is_err()
        );
        let cells = [(Some(7), 5), (Some(3), 3)];
        assert!(
            check_public(
                &PublicItem::Counts {
                    name: "t.csv",
                    cells: &cells
                },
                &rules,
                &[]
            )
            .is_err()
        );
        let ok = [(Some(7), 5), (None, 1)];
        check_public(
            &PublicItem::Counts {
                name: "t.csv",
                cells: &ok,
            },
            &rules,
            &[],
        )
        .unwrap();
        let text = |t: &str| {
            check_public(
                &PublicItem::Text {
                    name: "s.json",
                    text: t,
                },
                &rules,
                &[[15.87123, 59.04567]],
            )
        };
        assert!(text(r#"{"first":"2025-03-14"}"#).is_err());
        text(r#"{"first":"2025-03"}"#).unwrap();
        assert!(text(&format!("sha256 {}", "ab".repeat(32))).is_err());
        assert!(text("[15.87123,59.04567]").is_err());
        text("[15.8,59.0]").unwrap();
    }

    #[test]
    fn month_precision_drops_the_day() {
        let t = chrono::DateTime::parse_from_rfc3339("2025-03-14T22:10:00+01:00").unwrap();
        assert_eq!(month_precision(&t), "2025-03");
    }
}
