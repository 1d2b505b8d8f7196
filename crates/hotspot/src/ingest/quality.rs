//! Positional quality of an incident set: how many distinct positions, how many incidents share
//! one position ("stacks": geocoded to a municipality centre, a station, a placeholder), and the
//! warnings a user must see before trusting a map ([`positional_quality`], [`warnings`],
//! [`drop_stacked`]).
//!
//! Ratcliffe (2004, "Geocoding crime and a first estimate of a minimum
//! acceptable hit rate", IJGIS 18(1)) puts the minimum acceptable geocoding
//! hit rate at 85 %: [`PositionalQuality::usable_share`] is compared with it.
//! Positions are the same when they agree to the centimetre in the working CRS.

use super::IngestReport;
use crate::incident::Incidents;
use serde::Serialize;
use std::collections::HashMap;

/// Ratcliffe's (2004) minimum acceptable share of records with a usable position.
pub const RATCLIFFE_MIN_HIT_RATE: f64 = 0.85;

/// The default `--stack-min`: a position shared by at least this many incidents is a stack.
pub const DEFAULT_STACK_MIN: usize = 10;

/// How many incidents of one category lie on a stack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryCount {
    /// Category name (empty without a category column).
    pub category: String,
    /// Incidents of that category on the position.
    pub count: u64,
}

/// One position shared by at least `stack_min` incidents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stack {
    /// Position in the working CRS, metres.
    pub x: f64,
    /// Position in the working CRS, metres.
    pub y: f64,
    /// Longitude and latitude as read, for lon/lat input.
    pub lonlat: Option<[f64; 2]>,
    /// Incidents on the position.
    pub count: u64,
    /// Their categories, most frequent first (ties by name).
    pub categories: Vec<CategoryCount>,
}

/// Positional quality of an incident set (`inspect --json` key `positional_quality`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PositionalQuality {
    /// Incidents considered (accepted rows).
    pub incidents: u64,
    /// Rows read, accepted or not.
    pub rows_read: u64,
    /// Share of the rows read that have a usable position (accepted / read).
    pub usable_share: f64,
    /// Whether `usable_share` reaches Ratcliffe's 85 % minimum.
    pub meets_ratcliffe_minimum: bool,
    /// Distinct positions (to the centimetre).
    pub distinct_positions: u64,
    /// Incidents on the most crowded position.
    pub largest_stack: u64,
    /// The threshold: positions with at least this many incidents are stacks.
    pub stack_min: u64,
    /// Incidents on stacks.
    pub stacked_incidents: u64,
    /// `stacked_incidents / incidents` (0 without incidents).
    pub stacked_share: f64,
    /// Number of stacks.
    pub stacks: u64,
    /// The largest stacks (at most 10), largest first, ties by position.
    pub top_stacks: Vec<Stack>,
}

/// A problem with the input that a user must see: `code` is stable, `message` says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable code, e.g. `stacked_positions`, `outside_boundary`, `lat_lon_swapped`, `few_incidents`.
    pub code: &'static str,
    /// What was found and what it means for the analysis.
    pub message: String,
}

fn key(x: f64, y: f64) -> (i64, i64) {
    ((x * 100.0).round() as i64, (y * 100.0).round() as i64)
}

/// Incidents per position key, and the first incident index of each position.
fn groups(inc: &Incidents) -> HashMap<(i64, i64), (u64, usize)> {
    let mut m: HashMap<(i64, i64), (u64, usize)> = HashMap::new();
    for (i, (&x, &y)) in inc.x().iter().zip(inc.y()).enumerate() {
        m.entry(key(x, y)).or_insert((0, i)).0 += 1;
    }
    m
}

/// Measures the positional quality of `inc`; `rows_read` is the number of input rows (for the
/// usable share), `stack_min` the stack threshold (at least 2).
pub fn positional_quality(inc: &Incidents, rows_read: u64, stack_min: usize) -> PositionalQuality {
    let stack_min = stack_min.max(2) as u64;
    let g = groups(inc);
    let n = inc.len() as u64;
    let mut stacks: Vec<((i64, i64), u64, usize)> = g
        .iter()
        .filter(|(_, (c, _))| *c >= stack_min)
        .map(|(k, (c, first))| (*k, *c, *first))
        .collect();
    stacks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let stacked: u64 = stacks.iter().map(|s| s.1).sum();
    let top: Vec<Stack> = stacks
        .iter()
        .take(10)
        .map(|&(k, count, first)| {
            let mut cats: HashMap<&str, u64> = HashMap::new();
            for i in 0..inc.len() {
                if key(inc.x()[i], inc.y()[i]) == k {
                    *cats.entry(inc.category(i)).or_default() += 1;
                }
            }
            let mut categories: Vec<CategoryCount> = cats
                .into_iter()
                .map(|(c, count)| CategoryCount {
                    category: c.to_string(),
                    count,
                })
                .collect();
            categories.sort_by(|a, b| b.count.cmp(&a.count).then(a.category.cmp(&b.category)));
            Stack {
                x: inc.x()[first],
                y: inc.y()[first],
                lonlat: inc.lonlat().get(first).copied().flatten(),
                count,
                categories,
            }
        })
        .collect();
    let usable_share = if rows_read == 0 {
        0.0
    } else {
        n as f64 / rows_read as f64
    };
    PositionalQuality {
        incidents: n,
        rows_read,
        usable_share,
        meets_ratcliffe_minimum: usable_share >= RATCLIFFE_MIN_HIT_RATE,
        distinct_positions: g.len() as u64,
        largest_stack: g.values().map(|v| v.0).max().unwrap_or(0),
        stack_min,
        stacked_incidents: stacked,
        stacked_share: if n == 0 {
            0.0
        } else {
            stacked as f64 / n as f64
        },
        stacks: stacks.len() as u64,
        top_stacks: top,
    }
}

/// The incidents without those on stacks (positions with at least `stack_min` incidents), and
/// how many were left out. This is the default for density and hotspot input; `--keep-stacked`
/// means not calling it.
pub fn drop_stacked(inc: &Incidents, stack_min: usize) -> (Incidents, usize) {
    let stack_min = stack_min.max(2) as u64;
    let g = groups(inc);
    let keep: Vec<usize> = (0..inc.len())
        .filter(|&i| {
            g.get(&key(inc.x()[i], inc.y()[i]))
                .is_none_or(|v| v.0 < stack_min)
        })
        .collect();
    let dropped = inc.len() - keep.len();
    (inc.subset(&keep), dropped)
}

/// Fewer incidents than this earn a `few_incidents` warning: hotspot maps of fewer events are
/// mostly noise (a kernel density of 30 points shows where the 30 points are).
pub const FEW_INCIDENTS: u64 = 30;

/// The warnings for an ingest: stacks, rows outside the boundary, swapped rows, few incidents,
/// a low geocoding rate.
pub fn warnings(report: &IngestReport, q: &PositionalQuality) -> Vec<Warning> {
    let mut out = Vec::new();
    if q.stacks > 0 {
        out.push(Warning {
            code: "stacked_positions",
            message: format!(
                "{} of {} incidents ({:.1} %) lie on {} position(s) shared by at least {} incidents (largest: {}); such positions are usually geocoding placeholders (a municipality or district centre), not places. Density and hotspots leave them out by default (--keep-stacked keeps them)",
                q.stacked_incidents,
                q.incidents,
                100.0 * q.stacked_share,
                q.stacks,
                q.stack_min,
                q.largest_stack
            ),
        });
    }
    let by = report.rejected_by_reason();
    let outside = by
        .get(&super::RejectReason::OutsideStudyArea)
        .copied()
        .unwrap_or(0);
    if outside > 0 {
        out.push(Warning {
            code: "outside_boundary",
            message: format!(
                "{outside} of {} rows lie outside the boundary and were rejected",
                report.rows_read
            ),
        });
    }
    let swapped = by
        .get(&super::RejectReason::SwappedLatLon)
        .copied()
        .unwrap_or(0);
    if swapped > 0 {
        out.push(Warning {
            code: "lat_lon_swapped",
            message: format!(
                "{swapped} rows have latitude and longitude swapped and were rejected; fix them at the source"
            ),
        });
    }
    if q.incidents < FEW_INCIDENTS {
        out.push(Warning {
            code: "few_incidents",
            message: format!(
                "only {} incidents: too few for a reliable hotspot map (at least {FEW_INCIDENTS} advised)",
                q.incidents
            ),
        });
    }
    if q.rows_read > 0 && !q.meets_ratcliffe_minimum {
        out.push(Warning {
            code: "low_geocoding_rate",
            message: format!(
                "{:.1} % of the rows have a usable position, below Ratcliffe's (2004) 85 % minimum: the map may be biased towards well-geocoded areas",
                100.0 * q.usable_share
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;

    fn scene() -> Incidents {
        // 12 incidents on (0,0), 3 on (5,5), 5 single.
        let mut x = vec![0.0; 12];
        let mut y = vec![0.0; 12];
        x.extend([5.0, 5.0, 5.0, 1.0, 2.0, 3.0, 4.0, 6.0]);
        y.extend([5.0, 5.0, 5.0, 1.0, 2.0, 3.0, 4.0, 6.0]);
        Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap()
    }

    #[test]
    fn stacked_positions_are_counted_by_hand() {
        let q = positional_quality(&scene(), 25, 10);
        assert_eq!(q.incidents, 20);
        assert_eq!(q.distinct_positions, 7);
        assert_eq!(q.largest_stack, 12);
        assert_eq!(q.stacks, 1);
        assert_eq!(q.stacked_incidents, 12);
        assert!((q.stacked_share - 0.6).abs() < 1e-12);
        assert!((q.usable_share - 0.8).abs() < 1e-12);
        assert!(!q.meets_ratcliffe_minimum);
        assert_eq!(q.top_stacks.len(), 1);
        assert_eq!(q.top_stacks[0].count, 12);
        assert_eq!(q.top_stacks[0].categories[0].count, 12);
        let q3 = positional_quality(&scene(), 20, 3);
        assert_eq!(q3.stacks, 2);
        assert_eq!(q3.stacked_incidents, 15);
        assert_eq!(q3.top_stacks[1].count, 3);
    }

    #[test]
    fn drop_stacked_leaves_out_exactly_the_stacks() {
        let (kept, dropped) = drop_stacked(&scene(), 10);
        assert_eq!(dropped, 12);
        assert_eq!(kept.len(), 8);
        assert!(kept.x().iter().all(|&x| x != 0.0));
        let (kept, dropped) = drop_stacked(&scene(), 3);
        assert_eq!((kept.len(), dropped), (5, 15));
    }
}
