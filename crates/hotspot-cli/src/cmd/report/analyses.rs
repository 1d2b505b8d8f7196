//! The analyses the report shows, run through the library: kernel density and
//! hotspots (`hotspot::density`), school zones (`hotspot::schools`) and patrol
//! zones with times and a route (`hotspot::patrol`). Each returns plain
//! results; `report.rs` turns them into text, tables, layers and maps.

use super::config::Settings;
use hotspot::categories::{Classification, ProblemArea};
use hotspot::density::{
    Bandwidth, BandwidthRule, DensitySurface, Extent, Hotspots, Kde, KdeOptions, find_hotspots,
    hotspots::HotspotThreshold,
};
use hotspot::patrol::{self, CoverProblem, PatrolParams, Windows};
use hotspot::schools::{self, ProblemAreas, School, SchoolReport, ZoneParams};
use hotspot::{Incidents, SpatialIndex, StudyArea};

/// Density surface and hotspots.
pub struct Density {
    /// The surface (public mode: cells resting on fewer than `min_count` incidents set to NaN).
    pub surface: DensitySurface,
    /// Hotspots at the configured threshold (public mode: those with fewer than `min_count` incidents removed).
    pub hotspots: Hotspots,
    /// Hotspots dropped for holding fewer than `hotspot_min_incidents` (public: also `min_count`).
    pub hotspots_suppressed: usize,
    /// Surface cells masked in public mode.
    pub cells_masked: usize,
}

/// Kernel density (quartic; bandwidth given or by the ArcGIS rule) on the
/// study area's grid, hotspots as the top `hotspot_top_percent` of the cells.
pub fn density(
    s: &Settings,
    inc: &Incidents,
    study: Option<&StudyArea>,
) -> hotspot::Result<Density> {
    let mut opts = KdeOptions::new(s.bandwidth_m.unwrap_or(300.0), s.cell_m);
    if s.bandwidth_m.is_none() {
        opts.bandwidth = Bandwidth::Rule(BandwidthRule::Arcgis);
    }
    if let Some(a) = study {
        opts.extent = Extent::Area(a.clone());
    }
    let mut surface = Kde::new(opts)?.estimate(inc)?;
    let mut hotspots = find_hotspots(
        &surface,
        inc,
        HotspotThreshold::TopAreaPercent(s.hotspot_top_percent),
    )?;
    let mut cells_masked = 0;
    if s.public {
        // A surface cell is shown only where at least `min_count` incidents lie within the kernel's reach.
        let index = SpatialIndex::from_xy(inc.x(), inc.y());
        let r = surface.bandwidth.support_radius_m;
        let spec = surface.raster.spec;
        for (i, v) in surface.raster.values.iter_mut().enumerate() {
            if *v > 0.0 {
                let (c, row) = spec.col_row(i);
                let [x, y] = spec.centre(c, row);
                if (index.count_within(x, y, r) as u64) < s.min_count {
                    *v = f64::NAN;
                    cells_masked += 1;
                }
            }
        }
    }
    // Hotspots resting on a handful of incidents are kernel bumps, not places to act on.
    let min = if s.public {
        s.hotspot_min_incidents.max(s.min_count)
    } else {
        s.hotspot_min_incidents
    };
    let before = hotspots.hotspots.len();
    hotspots.hotspots.retain(|h| h.incidents as u64 >= min);
    let hotspots_suppressed = before - hotspots.hotspots.len();
    for (k, h) in hotspots.hotspots.iter_mut().enumerate() {
        h.rank = k + 1;
    }
    Ok(Density {
        surface,
        hotspots,
        hotspots_suppressed,
        cells_masked,
    })
}

/// The problem areas of the citizen promise as the school analysis' columns.
pub fn problem_areas(cls: &Classification) -> hotspot::Result<ProblemAreas> {
    ProblemAreas::new(
        ProblemArea::ALL
            .iter()
            .map(|a| a.id().to_string())
            .collect(),
        cls.areas().iter().map(|a| a.index()).collect(),
        cls.harms().to_vec(),
    )
}

/// School zones of `radius` metres with exact rate-ratio tests (95 %).
pub fn schools(
    s: &Settings,
    inc: &Incidents,
    cls: &Classification,
    list: &[School],
    study: &StudyArea,
) -> hotspot::Result<SchoolReport> {
    let params = ZoneParams::new(
        s.school_radius_m,
        vec![0.0, 100.0, 200.0, 300.0, 500.0],
        0.95,
    )?;
    schools::analyse(inc, &problem_areas(cls)?, list, study, &params)
}

/// One recommended patrol zone.
pub struct Zone {
    /// 1 = chosen first.
    pub rank: usize,
    /// Centre, metres.
    pub centre: [f64; 2],
    /// Incidents (all areas) inside.
    pub members: Vec<usize>,
    /// Harm inside.
    pub harm: f64,
    /// Prediction accuracy index.
    pub pai: f64,
    /// Share of the harm-weighted incidents covered.
    pub share_incidents: f64,
    /// The smallest 2-hour windows holding half of its incidents with an hour.
    pub windows: Windows,
    /// Weekday × hour table.
    pub week: [[u64; 24]; 7],
    /// The weekdays with most incidents (Monday = 0), most first, up to 3.
    pub top_days: Vec<usize>,
}

/// Patrol zones and the route through them.
pub struct Patrol {
    /// Zones in rank order.
    pub zones: Vec<Zone>,
    /// Visiting order (indices into `zones`), starting at zone 1.
    pub route: Vec<usize>,
    /// Length of the closed route, metres.
    pub route_m: f64,
    /// Harm covered over all harm.
    pub covered_share: f64,
}

/// Patrol zones by harm-weighted maximal coverage (disjoint circles), times
/// by smallest 2-hour windows holding half the zone's incidents, and a
/// nearest-neighbour + 2-opt route from zone 1.
pub fn patrol(
    s: &Settings,
    inc: &Incidents,
    cls: &Classification,
    study: &StudyArea,
) -> hotspot::Result<Patrol> {
    // Only the five problem areas steer the patrols: "other" carries no weight here.
    let harm: Vec<f64> = (0..inc.len())
        .map(|i| {
            if cls.area(i) == ProblemArea::Other {
                0.0
            } else {
                cls.harm(i)
            }
        })
        .collect();
    let params = PatrolParams::new(s.patrol_zones, s.patrol_radius_m, 0.0)?;
    // The default candidate set of `hotspot patrol`: density peaks, cluster centroids and the grid.
    let sources = patrol::CandidateSources::default();
    let centres: Vec<[f64; 2]> =
        patrol::candidate_set(inc, &harm, s.patrol_radius_m, &sources, &[])?
            .iter()
            .map(|c| c.pos)
            .collect();
    let problem = CoverProblem::new(inc.x(), inc.y(), &harm, &centres, &params)?;
    let sel = problem.greedy(s.patrol_zones, &[])?;
    let stats = patrol::zone_stats(
        inc.x(),
        inc.y(),
        &harm,
        &problem,
        &sel,
        s.patrol_radius_m,
        study,
    );
    let total: f64 = harm.iter().sum();
    let zones: Vec<Zone> = stats
        .into_iter()
        .map(|z| {
            let (week, no_hour) = patrol::week_table(inc.times(), &z.members);
            let mut hours = [0u64; 24];
            for d in &week {
                for (h, v) in d.iter().enumerate() {
                    hours[h] += v;
                }
            }
            let windows = patrol::smallest_windows(&hours, no_hour, 0.5);
            let mut days: Vec<(u64, usize)> = week
                .iter()
                .enumerate()
                .map(|(d, r)| (r.iter().sum(), d))
                .collect();
            days.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let top_days = days
                .iter()
                .take(3)
                .filter(|d| d.0 > 0)
                .map(|d| d.1)
                .collect();
            Zone {
                rank: z.rank,
                centre: z.centre,
                members: z.members,
                harm: z.harm,
                pai: z.pai,
                share_incidents: z.share_incidents,
                windows,
                week,
                top_days,
            }
        })
        .collect();
    let pts: Vec<[f64; 2]> = zones.iter().map(|z| z.centre).collect();
    let (route, route_m) = match pts.first() {
        Some(start) => {
            let r = patrol::plan_route(*start, &pts[1..]);
            let mut order = vec![0];
            order.extend(r.order.iter().map(|i| i + 1));
            (order, r.length_m)
        }
        None => (Vec::new(), 0.0),
    };
    Ok(Patrol {
        covered_share: if total > 0.0 {
            sel.covered_weight / total
        } else {
            0.0
        },
        zones,
        route,
        route_m,
    })
}

/// Getis-Ord Gi* on square cells of `grid_m` with a binary distance band of
/// two cells and Benjamini-Hochberg FDR (`hotspot::stats::getis_ord`).
pub fn gi_star(
    s: &Settings,
    inc: &Incidents,
    study: Option<&StudyArea>,
) -> hotspot::Result<hotspot::stats::getis_ord::GiStarResult> {
    let params = hotspot::stats::getis_ord::GiStarParams::new(s.grid_m, 2.0 * s.grid_m)?;
    hotspot::stats::getis_ord::hot_spots(inc, study, &params)
}

/// Above this many incidents the report leaves out the HDBSCAN clusters (and
/// says so). The 1M report with them takes 18.6 s on the 2-core machine
/// (`docs/report.md`).
pub const CLUSTER_LIMIT: usize = 2_000_000;

/// HDBSCAN's smallest minimum cluster size in the report (the same default as
/// `hotspot evaluate`'s `hdbscan` method).
pub const CLUSTER_MIN_SIZE: usize = 20;

/// The minimum cluster size for `n` incidents: [`CLUSTER_MIN_SIZE`], or 0.1 %
/// of the incidents when that is more, so that a large data set is not split
/// into hundreds of small groups of background incidents (at 100 000
/// incidents a cluster needs 100).
pub fn cluster_min_size(n: usize) -> usize {
    CLUSTER_MIN_SIZE.max(n.div_ceil(1000))
}

/// One incident cluster with the hull the report draws.
pub struct Cluster {
    /// 1 = the largest cluster.
    pub rank: usize,
    /// The library's summary (counts, categories, hulls, ellipse, profiles).
    pub summary: hotspot::cluster::ClusterSummary,
    /// The hull drawn and written: the concave hull of the incidents
    /// (internal), or in public mode the convex hull of the corners of the
    /// `grid_m` count-grid cells holding the cluster's incidents, so that no
    /// incident position is drawn or written. Empty for degenerate clusters
    /// (all incidents on one point or one line).
    pub hull: geo::MultiPolygon<f64>,
}

/// Incident clusters by HDBSCAN and their hulls.
pub struct Clusters {
    /// Clusters shown, largest first (public mode: those with at least `min_count` incidents).
    pub clusters: Vec<Cluster>,
    /// Clusters left out in public mode for holding fewer than `min_count` incidents.
    pub suppressed: usize,
    /// Minimum cluster size used.
    pub min_cluster_size: usize,
}

/// HDBSCAN clusters (Campello, Moulavi & Sander 2013; `hotspot::cluster`)
/// with `min_cluster_size` [`cluster_min_size`] and `min_samples` the same
/// capped at 50 (scikit-learn's default `min_samples = min_cluster_size` would
/// make the core distances a 1000-nearest-neighbour search at 1M incidents),
/// summarised by
/// `hotspot::cluster::summarize` (concave hulls).
pub fn clusters(s: &Settings, inc: &Incidents) -> hotspot::Result<Clusters> {
    use geo::{ConvexHull, MultiPoint, Point};
    let min_cluster_size = cluster_min_size(inc.len());
    let params = hotspot::cluster::HdbscanParams::new(min_cluster_size)?
        .min_samples(min_cluster_size.min(50))?;
    let h = hotspot::cluster::hdbscan(inc, &params)?;
    let public = s.public;
    let summaries = hotspot::cluster::summarize_with(inc, &h.labels, !public)?;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); h.n_clusters];
    if public {
        for (i, &l) in h.labels.iter().enumerate() {
            if let Some(m) = usize::try_from(l).ok().and_then(|l| members.get_mut(l)) {
                m.push(i);
            }
        }
    }
    let mut out = Vec::new();
    let mut suppressed = 0;
    for summary in summaries {
        if public && (summary.count as u64) < s.min_count {
            suppressed += 1;
            continue;
        }
        let hull = if public {
            // Corners of the count-grid cells (aligned to multiples of grid_m) holding members.
            let g = s.grid_m;
            let mut corners: Vec<(i64, i64)> = Vec::new();
            for &i in members.get(summary.cluster as usize).map_or(&[][..], |m| m) {
                let [x, y] = inc.position(i);
                let (c, r) = ((x / g).floor() as i64, (y / g).floor() as i64);
                corners.extend([(c, r), (c + 1, r), (c, r + 1), (c + 1, r + 1)]);
            }
            corners.sort_unstable();
            corners.dedup();
            let mp: MultiPoint<f64> = corners
                .iter()
                .map(|&(c, r)| Point::new(c as f64 * g, r as f64 * g))
                .collect();
            geo::MultiPolygon(vec![mp.convex_hull()])
        } else {
            match &summary.concave_hull {
                geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p.clone()]),
                _ => geo::MultiPolygon(Vec::new()),
            }
        };
        out.push(Cluster {
            rank: out.len() + 1,
            summary,
            hull,
        });
    }
    Ok(Clusters {
        clusters: out,
        suppressed,
        min_cluster_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_size_grows_with_the_data() {
        assert_eq!(cluster_min_size(0), 20);
        assert_eq!(cluster_min_size(4_000), 20);
        assert_eq!(cluster_min_size(20_000), 20);
        assert_eq!(cluster_min_size(20_001), 21);
        assert_eq!(cluster_min_size(100_000), 100);
    }
}
