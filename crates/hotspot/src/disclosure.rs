//! Disclosure control: the rules that turn a [`Situation`] into its public form, and the one check
//! every public output passes, in one place.
//!
//! Public mode (`public = true` in `report.toml`) promises that no output reveals an incident position
//! or a count below `min_count`, and that what it leaves out cannot be located
//! (the rules with what an attacker could and could not learn: `docs/report.md`):
//! - **suppression**: a count `c` with `0 < c < min_count` is not shown ([`Suppress::count`]; zero is
//!   shown, it reveals no record); the situation's serialisation applies it to every count;
//! - **support on incidents and positions** ([`Rules`]): a density cell, hotspot or cluster is shown
//!   only when at least `min_count` incidents on at least `min_positions` distinct positions (to the
//!   metre) support it, so five events at one home make no public peak;
//! - **masked looks like empty**: a density cell without that support within the kernel's reach gets
//!   [`EMPTY_VALUE`], exactly the value of land with no incident in reach, never NODATA
//!   ([`mask_surface`]): the disc around a suppressed isolated incident reads as empty land;
//! - **small areas left out**: hotspots and clusters without that support are dropped and counted;
//! - **hull generalisation**: a cluster is outlined by the convex hull of the corners of the count-grid
//!   cells holding its incidents, never by its incidents ([`grid_hull`]);
//! - **centre snapping**: patrol zone centres and the route start are snapped to a 50 m grid
//!   ([`snap_centre`]), since a density peak or cluster centroid can lie on an incident;
//! - **dates at month precision** ([`month_precision`]) and no hash of an input file.
//!
//! [`publish`] applies the rules to a situation; the renderers only draw what they are given.
//! [`check`] tests a situation against them, and [`check_files`] every file of a public output
//! folder before it is put in place (grids, layers, tables, the interactive map, the text).

mod files;

pub use files::check_files;

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use crate::situation::{Outcome, Situation};
use geo::{BoundingRect, ConvexHull, Intersects, MultiPoint, MultiPolygon, Point};
use serde::Serialize;

/// The value a masked density cell gets: the value of a cell with no incident in reach.
pub const EMPTY_VALUE: f64 = 0.0;

/// Support a public density cell, hotspot or cluster needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Fewest incidents (`min_count`).
    pub min_incidents: u64,
    /// Fewest distinct positions, to the metre (`min_positions`).
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

    /// The rules of a situation's parameters.
    pub fn of(params: &crate::situation::SituationParams) -> Self {
        Self {
            min_incidents: params.min_count,
            min_positions: params.min_positions,
        }
    }
}

/// Position key to the metre: events at one address count once.
fn position_key(p: [f64; 2]) -> (i64, i64) {
    (p[0].round() as i64, p[1].round() as i64)
}

/// Distinct positions (to the metre) of the incidents `members`.
pub fn distinct_positions(incidents: &Incidents, members: &[usize]) -> u64 {
    let mut keys: Vec<(i64, i64)> = members
        .iter()
        .map(|&i| position_key(incidents.position(i)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len() as u64
}

/// Indices of the incidents inside (or on the edge of) `area`, ascending.
pub fn incidents_in(
    incidents: &Incidents,
    index: &SpatialIndex,
    area: &MultiPolygon<f64>,
) -> Vec<usize> {
    let Some(r) = area.bounding_rect() else {
        return Vec::new();
    };
    index
        .in_rect(r.min().x, r.min().y, r.max().x, r.max().y)
        .into_iter()
        .filter(|&i| {
            let [x, y] = incidents.position(i);
            area.intersects(&Point::new(x, y))
        })
        .collect()
}

/// Small-count suppression: in public mode a count `c` with `0 < c < min` is not shown (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

/// Sets to [`EMPTY_VALUE`] every cell of `raster` (NODATA included) that fewer than
/// `rules.min_incidents` incidents on fewer than `rules.min_positions` distinct positions within
/// `reach_m` of its centre support; returns how many cells were changed. A masked cell then holds
/// exactly what a cell with nothing in reach holds, so the masked area does not stand out.
pub fn mask_surface(
    raster: &mut crate::grid::Raster,
    incidents: &Incidents,
    reach_m: f64,
    rules: &Rules,
) -> usize {
    let index = SpatialIndex::from_xy(incidents.x(), incidents.y());
    let spec = raster.spec;
    let mut masked = 0;
    for (i, v) in raster.values.iter_mut().enumerate() {
        if v.to_bits() == EMPTY_VALUE.to_bits() {
            continue;
        }
        let (c, row) = spec.col_row(i);
        let [x, y] = spec.centre(c, row);
        if !v.is_finite()
            || !index.supported_within(x, y, reach_m, rules.min_incidents, rules.min_positions)
        {
            *v = EMPTY_VALUE;
            masked += 1;
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

/// Turns `s` into its public form under `rules`: masks the surface, drops hotspots and clusters
/// without the support (renumbering the rest), generalises cluster hulls and snaps patrol centres.
/// Counts are suppressed when the situation is serialised or rendered ([`Situation::suppress`]).
pub fn publish(mut s: Situation, rules: Rules) -> Situation {
    s.suppress = Suppress {
        public: true,
        min: rules.min_incidents,
    };
    if let Outcome::Done(d) = &mut s.density {
        // The support is counted on the incidents the surface was computed from.
        let inc = s.geocoding.density_input(&s.incidents);
        let index = SpatialIndex::new(&inc);
        let reach = d.surface.bandwidth.support_radius_m;
        d.cells_masked = mask_surface(&mut d.surface.raster, &inc, reach, &rules);
        let before = d.hotspots.hotspots.len();
        let inc = &*inc;
        d.hotspots.hotspots.retain(|h| {
            let m = incidents_in(inc, &index, &h.geometry);
            rules.supports(h.incidents as u64, distinct_positions(inc, &m))
        });
        d.hotspots_suppressed += before - d.hotspots.hotspots.len();
        for (k, h) in d.hotspots.hotspots.iter_mut().enumerate() {
            h.rank = k + 1;
        }
    }
    if let Outcome::Done(c) = &mut s.clusters {
        let before = c.clusters.len();
        let inc = &s.incidents;
        c.clusters.retain(|k| {
            rules.supports(k.summary.count as u64, distinct_positions(inc, &k.members))
        });
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
    s.params.min_count = rules.min_incidents;
    s.params.min_positions = rules.min_positions;
    s
}

/// Checks that a public situation keeps the rules: every density cell is empty ([`EMPTY_VALUE`])
/// or supported, every hotspot and cluster shown is supported, every patrol centre lies on the
/// snap grid. Internal situations pass.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `public` and the first rule broken.
pub fn check(s: &Situation) -> Result<()> {
    if !s.suppress.public {
        return Ok(());
    }
    let rules = Rules::of(&s.params);
    let broken = |what: String| Err(Error::invalid("public", true, what));
    if let Outcome::Done(d) = &s.density {
        let inc = s.geocoding.density_input(&s.incidents);
        let inc = &*inc;
        let index = SpatialIndex::new(inc);
        let spec = d.surface.raster.spec;
        let reach = d.surface.bandwidth.support_radius_m;
        for (i, &v) in d.surface.raster.values.iter().enumerate() {
            if v.to_bits() == EMPTY_VALUE.to_bits() {
                continue;
            }
            let (c, r) = spec.col_row(i);
            let [x, y] = spec.centre(c, r);
            if !v.is_finite()
                || !index.supported_within(x, y, reach, rules.min_incidents, rules.min_positions)
            {
                return broken(format!(
                    "density cell ({c}, {r}) shows {v} without {} incidents on {} positions in reach",
                    rules.min_incidents, rules.min_positions
                ));
            }
        }
        if let Some(h) = d.hotspots.hotspots.iter().find(|h| {
            let m = incidents_in(inc, &index, &h.geometry);
            !rules.supports(h.incidents as u64, distinct_positions(inc, &m))
        }) {
            return broken(format!(
                "hotspot {} holds fewer than {} incidents or {} positions",
                h.rank, rules.min_incidents, rules.min_positions
            ));
        }
    }
    let inc = &s.incidents;
    if let Outcome::Done(c) = &s.clusters
        && let Some(k) = c
            .clusters
            .iter()
            .find(|k| !rules.supports(k.summary.count as u64, distinct_positions(inc, &k.members)))
    {
        return broken(format!(
            "cluster {} holds fewer than {} incidents or {} positions",
            k.rank, rules.min_incidents, rules.min_positions
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

    /// A scene: a busy square of 40 incidents on 40 positions, five events at one home 2 km away,
    /// and one isolated incident 2 km the other way.
    fn scene() -> Incidents {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for k in 0..40 {
            x.push(5_000.0 + (k % 8) as f64 * 15.0);
            y.push(5_000.0 + (k / 8) as f64 * 15.0);
        }
        for _ in 0..5 {
            x.push(7_000.0);
            y.push(5_000.0);
        }
        x.push(3_000.0);
        y.push(5_000.0);
        Incidents::from_xy(crate::Crs::SWEREF99_TM, &x, &y).unwrap()
    }

    #[test]
    fn masked_cells_are_indistinguishable_from_empty_ones() {
        let inc = scene();
        let spec = crate::grid::GridSpec::new(2_000.0, 4_000.0, 50.0, 120, 40).unwrap();
        let reach = 300.0;
        // A density: positive wherever something is in reach, as a kernel would give.
        let index = SpatialIndex::new(&inc);
        let mut r = crate::grid::Raster::filled(spec, 0.0);
        for (i, v) in r.values.iter_mut().enumerate() {
            let (c, row) = spec.col_row(i);
            let [cx, cy] = spec.centre(c, row);
            *v = index.count_within(cx, cy, reach) as f64 * 0.1;
        }
        let masked = mask_surface(&mut r, &inc, reach, &Rules::default());
        assert!(masked > 0);
        for (i, &v) in r.values.iter().enumerate() {
            let (c, row) = spec.col_row(i);
            let [cx, cy] = spec.centre(c, row);
            let near = |px: f64| (cx - px).hypot(cy - 5_000.0) <= reach;
            if near(3_000.0) || near(7_000.0) {
                // The isolated incident and the home read exactly as empty land.
                assert_eq!(v.to_bits(), EMPTY_VALUE.to_bits(), "cell at ({cx}, {cy})");
            }
        }
        // The square keeps its peak; only two values remain below it: empty and shown.
        assert!(r.values.iter().any(|&v| v > 0.0));
        assert!(r.values.iter().all(|v| v.is_finite()));
        // Moving the isolated incident elsewhere gives the same public grid.
        let mut x2 = inc.x().to_vec();
        *x2.last_mut().unwrap() = 2_500.0;
        let inc2 = Incidents::from_xy(crate::Crs::SWEREF99_TM, &x2, inc.y()).unwrap();
        let index2 = SpatialIndex::new(&inc2);
        let mut r2 = crate::grid::Raster::filled(spec, 0.0);
        for (i, v) in r2.values.iter_mut().enumerate() {
            let (c, row) = spec.col_row(i);
            let [cx, cy] = spec.centre(c, row);
            *v = index2.count_within(cx, cy, reach) as f64 * 0.1;
        }
        mask_surface(&mut r2, &inc2, reach, &Rules::default());
        assert_eq!(r.values, r2.values);
    }

    #[test]
    fn five_events_at_one_home_are_not_a_public_peak() {
        let inc = scene();
        let rules = Rules::default();
        let home: Vec<usize> = (40..45).collect();
        assert_eq!(distinct_positions(&inc, &home), 1);
        assert!(!rules.supports(5, distinct_positions(&inc, &home)));
        let square: Vec<usize> = (0..40).collect();
        assert_eq!(distinct_positions(&inc, &square), 40);
        assert!(rules.supports(40, 40));
        let index = SpatialIndex::new(&inc);
        // 5 incidents within reach of the home, all on one position: not supported.
        assert!(!index.supported_within(7_000.0, 5_000.0, 300.0, 5, 3));
        assert!(index.supported_within(7_000.0, 5_000.0, 300.0, 5, 1));
        assert!(index.supported_within(5_050.0, 5_030.0, 300.0, 5, 3));
        let area = MultiPolygon(vec![crate::schools::circle([7_000.0, 5_000.0], 20.0)]);
        assert_eq!(incidents_in(&inc, &index, &area), home);
    }

    #[test]
    fn hex_hashes_are_found_only_at_64_digits() {
        assert!(files::hex_hash(&format!("sha256 {}", "ab".repeat(32))).is_some());
        assert!(files::hex_hash(&"ab".repeat(31)).is_none());
        assert!(files::hex_hash(&"ab".repeat(40)).is_none());
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
