//! Disclosure control: the rules that turn a [`Situation`] into its public form, in one place.
//!
//! Public mode (`public = true` in `report.toml`) promises that no output reveals an incident position
//! or a count below `min_count`:
//! - **suppression**: a count `c` with `0 < c < min_count` is not shown ([`Suppress::count`]; zero is
//!   shown, it reveals no record); the situation's serialisation applies it to every count;
//! - **surface masking**: a density cell is shown only where at least `min_count` incidents lie within
//!   the kernel's reach ([`mask_surface`]);
//! - **small areas left out**: hotspots and clusters with fewer than `min_count` incidents are dropped
//!   and counted;
//! - **hull generalisation**: a cluster is outlined by the convex hull of the corners of the count-grid
//!   cells holding its incidents, never by its incidents ([`grid_hull`]);
//! - **centre snapping**: patrol zone centres and the route start are snapped to a 50 m grid
//!   ([`snap_centre`]), since a density peak or cluster centroid can lie on an incident.
//!
//! [`publish`] applies all of them to a situation; the renderers only draw what they are given.
//! [`check`] tests a situation against the rules, so a writer can refuse a public output that breaks
//! them.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use crate::situation::{Outcome, Situation};
use geo::{ConvexHull, MultiPoint, MultiPolygon, Point};

/// Small-count suppression: in public mode a count `c` with `0 < c < min` is not shown (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suppress {
    /// Public mode on.
    pub public: bool,
    /// Smallest count shown.
    pub min: u64,
}

impl Suppress {
    /// The count, or `None` when suppressed.
    pub fn count(&self, c: u64) -> Option<u64> {
        if self.public && c > 0 && c < self.min {
            None
        } else {
            Some(c)
        }
    }
}

/// Grid of the snapped centres, metres.
pub const SNAP_M: f64 = 50.0;

/// A centre snapped to the [`SNAP_M`] grid.
pub fn snap_centre(c: [f64; 2]) -> [f64; 2] {
    [
        (c[0] / SNAP_M).round() * SNAP_M,
        (c[1] / SNAP_M).round() * SNAP_M,
    ]
}

/// Sets to NaN every positive cell of `raster` with fewer than `min_count` incidents within
/// `reach_m` of its centre; returns how many cells were masked.
pub fn mask_surface(
    raster: &mut crate::grid::Raster,
    incidents: &Incidents,
    reach_m: f64,
    min_count: u64,
) -> usize {
    let index = SpatialIndex::from_xy(incidents.x(), incidents.y());
    let spec = raster.spec;
    let mut masked = 0;
    for (i, v) in raster.values.iter_mut().enumerate() {
        if *v > 0.0 {
            let (c, row) = spec.col_row(i);
            let [x, y] = spec.centre(c, row);
            if (index.count_within(x, y, reach_m) as u64) < min_count {
                *v = f64::NAN;
                masked += 1;
            }
        }
    }
    masked
}

/// The convex hull of the corners of the `grid_m` cells (aligned to multiples of `grid_m`) holding
/// the incidents `members`.
pub fn grid_hull(incidents: &Incidents, members: &[usize], grid_m: f64) -> MultiPolygon<f64> {
    let g = grid_m;
    let mut corners: Vec<(i64, i64)> = Vec::new();
    for &i in members {
        let [x, y] = incidents.position(i);
        let (c, r) = ((x / g).floor() as i64, (y / g).floor() as i64);
        corners.extend([(c, r), (c + 1, r), (c, r + 1), (c + 1, r + 1)]);
    }
    corners.sort_unstable();
    corners.dedup();
    let mp: MultiPoint<f64> = corners
        .iter()
        .map(|&(c, r)| Point::new(c as f64 * g, r as f64 * g))
        .collect();
    MultiPolygon(vec![mp.convex_hull()])
}

/// Turns `s` into its public form with threshold `min_count`: masks the surface, drops small hotspots
/// and clusters (renumbering the rest), generalises cluster hulls and snaps patrol centres. Counts are
/// suppressed when the situation is serialised or rendered ([`Situation::suppress`]).
pub fn publish(mut s: Situation, min_count: u64) -> Situation {
    s.suppress = Suppress {
        public: true,
        min: min_count,
    };
    if let Outcome::Done(d) = &mut s.density {
        let reach = d.surface.bandwidth.support_radius_m;
        d.cells_masked = mask_surface(&mut d.surface.raster, &s.incidents, reach, min_count);
        let before = d.hotspots.hotspots.len();
        d.hotspots
            .hotspots
            .retain(|h| h.incidents as u64 >= min_count);
        d.hotspots_suppressed += before - d.hotspots.hotspots.len();
        for (k, h) in d.hotspots.hotspots.iter_mut().enumerate() {
            h.rank = k + 1;
        }
    }
    if let Outcome::Done(c) = &mut s.clusters {
        let before = c.clusters.len();
        c.clusters.retain(|k| k.summary.count as u64 >= min_count);
        c.suppressed += before - c.clusters.len();
        for (k, cl) in c.clusters.iter_mut().enumerate() {
            cl.rank = k + 1;
            cl.hull = grid_hull(&s.incidents, &cl.members, s.params.grid_m);
        }
        c.hull_rule = "convex_hull_of_grid_cells";
    }
    if let Outcome::Done(p) = &mut s.patrol {
        let r = s.params.patrol_radius_m;
        for z in &mut p.zones {
            z.centre = snap_centre(z.centre);
            if z.cells == 0 {
                z.geometry = MultiPolygon(vec![crate::schools::circle(z.centre, r)]);
            }
        }
        if let Some(route) = &mut p.route {
            route.start = snap_centre(route.start);
        }
        // The zones of the out-of-sample check are places too (their scores stay as computed).
        if let crate::patrol::HoldoutOutcome::Scored(h) = &mut p.holdout {
            for z in &mut h.training_zones {
                z.centre = snap_centre(z.centre);
            }
        }
    }
    s.params.public = true;
    s.params.min_count = min_count;
    s
}

/// Checks that a public situation keeps the rules: every hotspot and cluster shown holds at least
/// `min_count` incidents, every patrol centre lies on the snap grid. Internal situations pass.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `public` and the first rule broken.
pub fn check(s: &Situation) -> Result<()> {
    if !s.suppress.public {
        return Ok(());
    }
    let min = s.suppress.min;
    let broken = |what: String| Err(Error::invalid("public", true, what));
    if let Outcome::Done(d) = &s.density
        && let Some(h) = d
            .hotspots
            .hotspots
            .iter()
            .find(|h| (h.incidents as u64) < min)
    {
        return broken(format!(
            "hotspot {} holds fewer than {min} incidents",
            h.rank
        ));
    }
    if let Outcome::Done(c) = &s.clusters
        && let Some(k) = c.clusters.iter().find(|k| (k.summary.count as u64) < min)
    {
        return broken(format!(
            "cluster {} holds fewer than {min} incidents",
            k.rank
        ));
    }
    if let Outcome::Done(p) = &s.patrol
        && let Some(z) = p.zones.iter().find(|z| snap_centre(z.centre) != z.centre)
    {
        return broken(format!("patrol zone {} has an unsnapped centre", z.rank));
    }
    Ok(())
}

/// Puts a public summary's dates at month precision: every string under the keys `from` and `to`
/// (outside `parameters`, which holds what the user set) that begins with a date `YYYY-MM-DD`
/// becomes `YYYY-MM`. The exact first and last incident dates of a period taken from the data
/// would confirm a single incident someone already knows of; a month does not single one out.
pub fn month_precision(v: &mut serde_json::Value) {
    use serde_json::Value;
    fn is_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit)
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "parameters" {
                    continue;
                }
                match x {
                    Value::String(s) if (k == "from" || k == "to") && is_date(s) => {
                        s.truncate(7);
                    }
                    _ => month_precision(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(month_precision),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn month_precision_truncates_period_dates_but_not_parameters() {
        let mut v = serde_json::json!({
            "period": {"from": "2025-01-07", "to": "2026-12-31T23:00:00+01:00"},
            "analyses": {"period": {"from": "2025-01-07", "to": null}, "x": [{"from": "2025-02-03"}]},
            "parameters": {"from": "2025-01-07"},
            "name": "2025-01-07",
        });
        super::month_precision(&mut v);
        assert_eq!(v["period"]["from"], "2025-01");
        assert_eq!(v["period"]["to"], "2026-12");
        assert_eq!(v["analyses"]["period"]["from"], "2025-01");
        assert!(v["analyses"]["period"]["to"].is_null());
        assert_eq!(v["analyses"]["x"][0]["from"], "2025-02");
        assert_eq!(v["parameters"]["from"], "2025-01-07");
        assert_eq!(v["name"], "2025-01-07");
    }

    use super::*;

    #[test]
    fn suppression_hides_small_positive_counts_only() {
        let s = Suppress {
            public: true,
            min: 5,
        };
        assert_eq!(s.count(0), Some(0));
        assert_eq!(s.count(1), None);
        assert_eq!(s.count(4), None);
        assert_eq!(s.count(5), Some(5));
        let internal = Suppress {
            public: false,
            min: 5,
        };
        assert_eq!(internal.count(1), Some(1));
    }

    #[test]
    fn grid_hull_covers_whole_cells_and_snapping_rounds() {
        let inc =
            Incidents::from_xy(crate::Crs::SWEREF99_TM, &[10.0, 260.0], &[10.0, 20.0]).unwrap();
        let h = grid_hull(&inc, &[0, 1], 250.0);
        use geo::Area;
        // Two cells side by side: 500 m × 250 m.
        assert!((h.unsigned_area() - 125_000.0).abs() < 1e-6);
        assert_eq!(snap_centre([124.0, 126.0]), [100.0, 150.0]);
    }
}
