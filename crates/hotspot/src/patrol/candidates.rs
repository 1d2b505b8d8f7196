//! Candidate zone centres for the covering problem: kernel-density peaks, cluster centroids, a grid,
//! incident locations and caller-given points (schools, a file), merged and deduplicated deterministically.
//!
//! # Sources (see [`candidate_set`])
//! - **peaks**: local maxima of a kernel density surface computed with [`crate::density`]: quartic kernel,
//!   fixed bandwidth `h = r` (the zone radius, so the kernel's support is one zone), cells of `r / 5`, the
//!   harm weights as incident weights, grid over the incidents padded by `h`. A cell is a peak when its value
//!   is at least that of each of its 8 neighbours (neighbours outside the raster are ignored) and above the
//!   floor [`PEAK_FLOOR_SHARE`] × the surface maximum. Equal-valued 8-connected cells form a plateau, which is
//!   a peak only when no cell around it is higher; it gives one centre, the plateau cell nearest to the
//!   plateau's mean position (ties to the lower row-major index). See [`raster_peaks`].
//! - **clusters**: centroids (unweighted mean position, [`crate::cluster::ClusterSummary::centroid`]) of
//!   DBSCAN clusters ([`crate::cluster::dbscan`], Ester et al. 1996) of the incidents with positive harm,
//!   `eps = r / 2` and `min_points = 5`` ([`CLUSTER_MIN_POINTS`]): a dense group of at least five incidents
//!   whose neighbourhoods chain at half a zone radius.
//! - **grid**: points of a square lattice of spacing `r / 2` anchored at the south-west corner of the
//!   incidents' bounding box, each kept only if it covers an incident with positive harm (the circles of
//!   radius `r` around lattice points of spacing `r/2` leave no gap).
//! - **incidents**: every distinct incident location with positive harm.
//! - **schools** / **file** / forced points: given by the caller, always kept.
//!
//! The default is peaks + clusters + grid (issue 6). Candidates are listed in the order given, peaks,
//! clusters, incidents, grid; a candidate at the same position (to the centimetre) as an earlier one is
//! dropped, so the union is duplicate-free and the greedy's ties (to the lower index) credit the earlier
//! source. Adding sources can only raise the optimum of the covering problem; the greedy is a heuristic, so
//! its value over a larger set is usually but not provably at least its value over a smaller one.
//!
//! # Patrollable incidents ([`PatrollableFilter`])
//! Every source and the covering weigh incidents by harm, and an incident of harm 0 is not covered. By
//! default patrol zones weigh only **patrollable** incidents ([`crate::categories::CategoryEntry::patrollable`]:
//! not fraud, not online or phone offences): [`PatrollableFilter::weights`] sets the harm of the others to
//! 0 before candidates and cover are built, so a cluster of telephone fraud at an elderly home draws no
//! zone. [`PatrollableFilter::IncludeAll`] (the `--include-all` flag) keeps every incident.

use crate::cluster::{DbscanParams, dbscan, summarize_with};
use crate::density::{Kde, KdeOptions};
use crate::error::{Error, Result};
use crate::grid::Raster;
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use std::collections::HashSet;

/// Which incidents patrol zones weigh: only the patrollable ones (default) or all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatrollableFilter {
    /// Only incidents whose category is patrollable (the default).
    #[default]
    PatrollableOnly,
    /// Every incident (`--include-all`).
    IncludeAll,
}

/// What [`PatrollableFilter::weights`] left out, for the output and the report's method notes.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct PatrollableSummary {
    /// Incidents weighed by the zones (positive harm after the filter).
    pub weighed_incidents: usize,
    /// Incidents left out because their category is not patrollable.
    pub excluded_incidents: usize,
    /// Their harm.
    pub excluded_harm: f64,
}

impl PatrollableFilter {
    /// `IncludeAll` when `include_all`, else `PatrollableOnly`.
    pub fn from_include_all(include_all: bool) -> Self {
        if include_all {
            Self::IncludeAll
        } else {
            Self::PatrollableOnly
        }
    }

    /// The harm weights the zones weigh: `harm[i]`, or 0 where `patrollable[i]` is false (unless
    /// `IncludeAll`), with a summary of what was left out. Pass the weights as `harm` to
    /// [`candidate_set`], [`super::CoverProblem::new`] and [`super::zone_stats`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the slices differ in length.
    pub fn weights(
        self,
        harm: &[f64],
        patrollable: &[bool],
    ) -> Result<(Vec<f64>, PatrollableSummary)> {
        if harm.len() != patrollable.len() {
            return Err(Error::invalid(
                "patrollable",
                format!("{} values", patrollable.len()),
                format!("one flag per incident ({}) is needed", harm.len()),
            ));
        }
        let mut sum = PatrollableSummary::default();
        let w: Vec<f64> = harm
            .iter()
            .zip(patrollable)
            .map(|(&h, &p)| {
                if p || self == Self::IncludeAll {
                    if h > 0.0 {
                        sum.weighed_incidents += 1;
                    }
                    h
                } else {
                    sum.excluded_incidents += 1;
                    sum.excluded_harm += h;
                    0.0
                }
            })
            .collect();
        Ok((w, sum))
    }
}

/// Where a candidate centre came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CandidateSource {
    /// Given by the caller without a more specific origin.
    Given,
    /// An incident location.
    Incident,
    /// A grid point (or, for cell zones, a cell holding harm).
    Grid,
    /// A peak of the kernel density surface.
    Peak,
    /// A DBSCAN cluster centroid.
    Cluster,
    /// A school location.
    School,
    /// A point read from a candidates file.
    File,
    /// The top school, forced in.
    Forced,
}

impl CandidateSource {
    /// Name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateSource::Given => "given",
            CandidateSource::Incident => "incident",
            CandidateSource::Grid => "grid",
            CandidateSource::Peak => "peak",
            CandidateSource::Cluster => "cluster",
            CandidateSource::School => "school",
            CandidateSource::File => "file",
            CandidateSource::Forced => "top school (forced)",
        }
    }
}

/// A candidate centre in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// `[x, y]` in metres.
    pub pos: [f64; 2],
    /// Origin.
    pub source: CandidateSource,
}

/// Largest number of candidate centres (grid + incidents + given); checked before the coverage lists are built.
pub const MAX_CANDIDATES: usize = 200_000;

/// Density peaks below this share of the surface maximum are not candidates.
pub const PEAK_FLOOR_SHARE: f64 = 0.05;

/// DBSCAN `min_points` for cluster-centroid candidates (`eps` is half the zone radius).
pub const CLUSTER_MIN_POINTS: usize = 5;

/// Which candidate sources to use. `schools` is read by callers that have schools (they pass them as
/// given candidates); the library's [`candidate_set`] computes the other four.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CandidateSources {
    /// Kernel density peaks.
    pub peaks: bool,
    /// DBSCAN cluster centroids.
    pub clusters: bool,
    /// Grid points.
    pub grid: bool,
    /// Incident locations.
    pub incidents: bool,
    /// School locations (used by the caller).
    pub schools: bool,
}

impl Default for CandidateSources {
    /// Peaks, clusters and grid: the candidate set of issue 6.
    fn default() -> Self {
        Self {
            peaks: true,
            clusters: true,
            grid: true,
            incidents: false,
            schools: false,
        }
    }
}

impl CandidateSources {
    /// The names accepted by [`CandidateSources::parse`].
    pub const NAMES: [&'static str; 5] = ["peaks", "clusters", "grid", "incidents", "schools"];

    /// Parses a comma-separated list of source names (`peaks,clusters,grid,incidents,schools`; `default`
    /// stands for `peaks,clusters,grid`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `candidate_sources` for an unknown or empty name, or an empty list.
    pub fn parse(text: &str) -> Result<Self> {
        let mut s = Self {
            peaks: false,
            clusters: false,
            grid: false,
            incidents: false,
            schools: false,
        };
        let mut any = false;
        for name in text.split(',').map(str::trim) {
            match name {
                "peaks" => s.peaks = true,
                "clusters" => s.clusters = true,
                "grid" => s.grid = true,
                "incidents" => s.incidents = true,
                "schools" => s.schools = true,
                "default" => {
                    s.peaks = true;
                    s.clusters = true;
                    s.grid = true;
                }
                _ => {
                    return Err(Error::invalid(
                        "candidate_sources",
                        name,
                        format!(
                            "unknown candidate source; use a comma-separated list of {} (or default)",
                            Self::NAMES.join(", ")
                        ),
                    ));
                }
            }
            any = true;
        }
        if !any {
            return Err(Error::invalid(
                "candidate_sources",
                text,
                "give at least one source",
            ));
        }
        Ok(s)
    }

    /// The selected names, comma-separated, in [`CandidateSources::NAMES`] order.
    pub fn label(&self) -> String {
        let on = [
            self.peaks,
            self.clusters,
            self.grid,
            self.incidents,
            self.schools,
        ];
        Self::NAMES
            .iter()
            .zip(on)
            .filter(|(_, b)| *b)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Local maxima of a raster: indices (row-major) of one representative cell per peak, in increasing order.
///
/// A cell with a value `> floor` is a peak candidate when it is `>=` each of its (up to 8) neighbours
/// inside the raster. Its plateau (the 8-connected cells of exactly equal value) is a peak when every
/// plateau cell is `>=` all its neighbours, i.e. nothing next to the plateau is higher; the representative
/// is the plateau cell nearest the plateau's mean (col, row), ties to the lower index. Non-finite values
/// are never peaks and do not block a neighbour. O(cells).
pub fn raster_peaks(raster: &Raster, floor: f64) -> Vec<usize> {
    let spec = &raster.spec;
    let (cols, rows) = (spec.cols, spec.rows);
    let v = &raster.values;
    let neighbours = |k: usize| {
        let (c, r) = (k % cols, k / cols);
        let mut out = Vec::with_capacity(8);
        for dr in -1i64..=1 {
            for dc in -1i64..=1 {
                if dr == 0 && dc == 0 {
                    continue;
                }
                let (cc, rr) = (c as i64 + dc, r as i64 + dr);
                if cc >= 0 && rr >= 0 && (cc as usize) < cols && (rr as usize) < rows {
                    out.push(rr as usize * cols + cc as usize);
                }
            }
        }
        out
    };
    let top = |k: usize| {
        v[k].is_finite()
            && neighbours(k)
                .iter()
                .all(|&j| !v[j].is_finite() || v[k] >= v[j])
    };
    let mut seen = vec![false; v.len()];
    let mut peaks = Vec::new();
    for k in 0..v.len() {
        if seen[k] || !(v[k] > floor) || !top(k) {
            continue;
        }
        // Flood the plateau of exactly equal values.
        let mut plateau = vec![k];
        seen[k] = true;
        let mut at = 0;
        let mut is_peak = true;
        while at < plateau.len() {
            let p = plateau[at];
            at += 1;
            if !top(p) {
                is_peak = false;
            }
            for j in neighbours(p) {
                if !seen[j] && v[j] == v[k] {
                    seen[j] = true;
                    plateau.push(j);
                }
            }
        }
        if !is_peak {
            continue;
        }
        let n = plateau.len() as f64;
        let mc = plateau.iter().map(|&p| (p % cols) as f64).sum::<f64>() / n;
        let mr = plateau.iter().map(|&p| (p / cols) as f64).sum::<f64>() / n;
        let d2 = |p: usize| ((p % cols) as f64 - mc).powi(2) + ((p / cols) as f64 - mr).powi(2);
        let rep = plateau
            .iter()
            .copied()
            .min_by(|&a, &b| d2(a).total_cmp(&d2(b)).then(a.cmp(&b)));
        if let Some(rep) = rep {
            peaks.push(rep);
        }
    }
    peaks.sort_unstable();
    peaks
}

/// The incidents with positive harm, with the harm as weights (`None` when there are none).
fn positive(inc: &Incidents, harm: &[f64]) -> Result<Option<Incidents>> {
    if harm.len() != inc.len() {
        return Err(Error::invalid(
            "harm",
            format!("{} values", harm.len()),
            format!("one harm weight per incident ({}) is needed", inc.len()),
        ));
    }
    let idx: Vec<usize> = (0..inc.len()).filter(|&i| harm[i] > 0.0).collect();
    if idx.is_empty() {
        return Ok(None);
    }
    let w = idx.iter().map(|&i| harm[i]).collect();
    Ok(Some(inc.subset(&idx).with_weights(w)?))
}

/// Peaks of the harm-weighted kernel density surface (see the module doc: quartic kernel, bandwidth
/// `radius_m`, cells of `radius_m / 5`, floor [`PEAK_FLOOR_SHARE`] of the maximum), as cell centres in
/// metres, in row-major order of the density grid.
///
/// Degenerate inputs: no incident with positive harm gives no peak; when the incidents span less than
/// one bandwidth (the surface would be one smeared kernel) the harm-weighted mean position is the one peak.
///
/// # Errors
/// [`Error::InvalidParameter`] for a harm vector of the wrong length or a bad weight;
/// [`Error::LimitExceeded`] when the density grid would exceed the library's cell limit (use a larger radius
/// or leave `peaks` out of the candidate sources).
pub fn density_peaks(inc: &Incidents, harm: &[f64], radius_m: f64) -> Result<Vec<[f64; 2]>> {
    let Some(sub) = positive(inc, harm)? else {
        return Ok(Vec::new());
    };
    let Some(b) = sub.bbox() else {
        return Ok(Vec::new());
    };
    if (b[2] - b[0]).max(b[3] - b[1]) <= radius_m {
        let w = sub.total_weight();
        let mx = sub
            .x()
            .iter()
            .zip(sub.weights())
            .map(|(x, w)| x * w)
            .sum::<f64>()
            / w;
        let my = sub
            .y()
            .iter()
            .zip(sub.weights())
            .map(|(y, w)| y * w)
            .sum::<f64>()
            / w;
        return Ok(vec![[mx, my]]);
    }
    let kde = Kde::new(KdeOptions::new(radius_m, radius_m / 5.0))?;
    let surface = kde.estimate(&sub).map_err(|e| {
        e.with_limit_hint("density peaks need a raster of cells of radius/5 over the incidents: use a larger radius or leave `peaks` out of the candidate sources")
    })?;
    let floor = PEAK_FLOOR_SHARE * surface.raster.max().unwrap_or(0.0);
    let spec = surface.raster.spec;
    Ok(raster_peaks(&surface.raster, floor.max(0.0))
        .into_iter()
        .map(|k| {
            let (c, r) = spec.col_row(k);
            spec.centre(c, r)
        })
        .collect())
}

/// Centroids of DBSCAN clusters of the incidents with positive harm (`eps = radius_m / 2`,
/// `min_points =` [`CLUSTER_MIN_POINTS`]), in cluster-number order (largest cluster first).
///
/// Degenerate inputs: fewer than [`CLUSTER_MIN_POINTS`] incidents with harm give no cluster.
///
/// # Errors
/// As [`crate::cluster::dbscan`], and [`Error::InvalidParameter`] for a harm vector of the wrong length.
pub fn cluster_centroids(inc: &Incidents, harm: &[f64], radius_m: f64) -> Result<Vec<[f64; 2]>> {
    let Some(sub) = positive(inc, harm)? else {
        return Ok(Vec::new());
    };
    let params = DbscanParams::new(radius_m / 2.0, CLUSTER_MIN_POINTS)?;
    let labels = dbscan(&sub, &params)?.labels;
    Ok(summarize_with(&sub, &labels, false)?
        .iter()
        .map(|s| s.centroid)
        .collect())
}

/// Lattice points of spacing `radius_m / 2` (anchored at the south-west corner of the positive-weight
/// incidents' box) that cover an incident with positive weight, in row-major order. Only points near an
/// incident are enumerated, so a sparse large extent costs no more than a dense small one.
fn grid_points(x: &[f64], y: &[f64], weights: &[f64], radius_m: f64) -> Result<Vec<[f64; 2]>> {
    let pos: Vec<usize> = (0..x.len()).filter(|&i| weights[i] > 0.0).collect();
    if pos.is_empty() {
        return Ok(Vec::new());
    }
    let x0 = pos.iter().map(|&i| x[i]).fold(f64::INFINITY, f64::min);
    let y0 = pos.iter().map(|&i| y[i]).fold(f64::INFINITY, f64::min);
    let x1 = pos.iter().map(|&i| x[i]).fold(f64::NEG_INFINITY, f64::max);
    let y1 = pos.iter().map(|&i| y[i]).fold(f64::NEG_INFINITY, f64::max);
    let step = radius_m / 2.0;
    let nx = ((x1 - x0) / step).floor() as u64 + 1;
    let ny = ((y1 - y0) / step).floor() as u64 + 1;
    if nx.saturating_mul(ny) > 1u64 << 52 {
        return Err(Error::LimitExceeded {
            what: "patrol candidate grid points",
            requested: nx.saturating_mul(ny),
            limit: 1u64 << 52,
            hint: "use a larger --radius or a smaller area/period".into(),
        });
    }
    // Lattice points within the square of side 2r around each incident; the exact test follows.
    let mut keys: Vec<u64> = Vec::new();
    let reach = 2i64;
    for &i in &pos {
        let c = ((x[i] - x0) / step).floor() as i64;
        let r = ((y[i] - y0) / step).floor() as i64;
        for rr in (r - reach)..=(r + reach + 1) {
            for cc in (c - reach)..=(c + reach + 1) {
                if rr >= 0 && cc >= 0 && (rr as u64) < ny && (cc as u64) < nx {
                    keys.push(rr as u64 * nx + cc as u64);
                }
            }
        }
        if keys.len() > 16 * MAX_CANDIDATES {
            keys.sort_unstable();
            keys.dedup();
            if keys.len() > 4 * MAX_CANDIDATES {
                return Err(Error::LimitExceeded {
                    what: "patrol candidate grid points",
                    requested: keys.len() as u64,
                    limit: 4 * MAX_CANDIDATES as u64,
                    hint: "use a larger --radius or a smaller area/period".into(),
                });
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let index = SpatialIndex::from_xy(x, y);
    let covers = |p: [f64; 2]| {
        let mut any = false;
        index.for_each_within(p[0], p[1], radius_m, |i, _| any |= weights[i] > 0.0);
        any
    };
    Ok(keys
        .into_iter()
        .map(|k| [x0 + (k % nx) as f64 * step, y0 + (k / nx) as f64 * step])
        .filter(|&p| covers(p))
        .collect())
}

/// Distinct incident locations with positive weight, sorted by (x, y).
fn incident_points(x: &[f64], y: &[f64], weights: &[f64]) -> Vec<[f64; 2]> {
    let mut pts: Vec<[f64; 2]> = (0..x.len())
        .filter(|&i| weights[i] > 0.0)
        .map(|i| [x[i], y[i]])
        .collect();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    pts
}

/// Appends `pts` with `source`, skipping positions (to the centimetre) already present.
fn push_unique(
    out: &mut Vec<Candidate>,
    seen: &mut HashSet<(i64, i64)>,
    pts: &[[f64; 2]],
    source: CandidateSource,
) {
    for &pos in pts {
        let key = (
            (pos[0] * 100.0).round() as i64,
            (pos[1] * 100.0).round() as i64,
        );
        if seen.insert(key) {
            out.push(Candidate { pos, source });
        }
    }
}

fn check_count(n: usize) -> Result<()> {
    if n > MAX_CANDIDATES {
        return Err(Error::LimitExceeded {
            what: "patrol candidate centres",
            requested: n as u64,
            limit: MAX_CANDIDATES as u64,
            hint: "use a larger --radius, a smaller area/period, or fewer candidate sources".into(),
        });
    }
    Ok(())
}

/// Candidate centres: `given` first, then distinct incident locations, then grid points of spacing
/// `radius_m / 2` (see the module doc), each kept only if it covers an incident with positive weight
/// (given points are always kept). No density peaks or cluster centroids: see [`candidate_set`].
///
/// # Errors
/// [`Error::LimitExceeded`] when there would be more than [`MAX_CANDIDATES`] centres (give fewer incidents or a
/// larger radius).
pub fn candidates(
    x: &[f64],
    y: &[f64],
    weights: &[f64],
    radius_m: f64,
    given: &[[f64; 2]],
) -> Result<Vec<Candidate>> {
    let mut out: Vec<Candidate> = given
        .iter()
        .map(|&pos| Candidate {
            pos,
            source: CandidateSource::Given,
        })
        .collect();
    let pts = incident_points(x, y, weights);
    out.extend(pts.iter().map(|&pos| Candidate {
        pos,
        source: CandidateSource::Incident,
    }));
    check_count(out.len())?;
    let grid = grid_points(x, y, weights, radius_m)?;
    check_count(out.len() + grid.len())?;
    out.extend(grid.iter().map(|&pos| Candidate {
        pos,
        source: CandidateSource::Grid,
    }));
    Ok(out)
}

/// The candidate set from the chosen `sources` (see the module doc for each and the order): `given`
/// (kept as given, e.g. a forced school first), then density peaks, cluster centroids, incident
/// locations and grid points, deduplicated by position. `harm` is one weight per incident of `inc`
/// (0 = not to be covered); `schools` in `sources` is ignored here (pass schools in `given`).
///
/// # Errors
/// As [`density_peaks`] and [`cluster_centroids`]; [`Error::LimitExceeded`] beyond [`MAX_CANDIDATES`].
///
/// # Example
/// ```
/// use hotspot::{Crs, Incidents};
/// use hotspot::patrol::{CandidateSource, CandidateSources, candidate_set};
/// let x: Vec<f64> = (0..12).map(|i| 1000.0 + (i % 4) as f64 * 10.0).collect();
/// let y: Vec<f64> = (0..12).map(|i| 2000.0 + (i / 4) as f64 * 10.0).collect();
/// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y)?;
/// let c = candidate_set(&inc, &vec![1.0; 12], 250.0, &CandidateSources::default(), &[])?;
/// // All within one bandwidth: the one peak is the mean position, the cluster centroid (the same
/// // point) is dropped as a duplicate, and grid points follow.
/// assert_eq!((c[0].source, c[0].pos), (CandidateSource::Peak, [1015.0, 2010.0]));
/// assert!(c[1..].iter().all(|c| c.source == CandidateSource::Grid));
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn candidate_set(
    inc: &Incidents,
    harm: &[f64],
    radius_m: f64,
    sources: &CandidateSources,
    given: &[Candidate],
) -> Result<Vec<Candidate>> {
    if harm.len() != inc.len() {
        return Err(Error::invalid(
            "harm",
            format!("{} values", harm.len()),
            format!("one harm weight per incident ({}) is needed", inc.len()),
        ));
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for g in given {
        push_unique(&mut out, &mut seen, &[g.pos], g.source);
    }
    if sources.peaks {
        let p = density_peaks(inc, harm, radius_m)?;
        push_unique(&mut out, &mut seen, &p, CandidateSource::Peak);
    }
    if sources.clusters {
        let c = cluster_centroids(inc, harm, radius_m)?;
        push_unique(&mut out, &mut seen, &c, CandidateSource::Cluster);
    }
    check_count(out.len())?;
    if sources.incidents {
        let p = incident_points(inc.x(), inc.y(), harm);
        check_count(out.len() + p.len())?;
        push_unique(&mut out, &mut seen, &p, CandidateSource::Incident);
    }
    if sources.grid {
        let g = grid_points(inc.x(), inc.y(), harm, radius_m)?;
        check_count(out.len() + g.len())?;
        push_unique(&mut out, &mut seen, &g, CandidateSource::Grid);
    }
    Ok(out)
}

/// Reads candidate centres from a GeoJSON FeatureCollection of Points (RFC 7946 lon/lat), projected to
/// metres with `projector` (e.g. density peaks or cluster centroids written by other commands).
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Parse`] naming the feature for a non-point geometry or a
/// coordinate that cannot be projected.
pub fn read_points(
    path: &std::path::Path,
    projector: &crate::crs::Projector,
) -> Result<Vec<[f64; 2]>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let features = crate::ingest::geojson::parse_features(
        &text,
        path,
        "a FeatureCollection of Point features",
    )?;
    let mut out = Vec::with_capacity(features.len());
    for (k, f) in features.iter().enumerate() {
        let bad = |m: String| Error::Parse {
            path: path.to_path_buf(),
            line: Some(k as u64 + 1),
            message: format!("feature {}: {m}", k + 1),
        };
        let g: Option<geo::Geometry<f64>> = f.geometry.clone().and_then(|g| g.try_into().ok());
        match g {
            Some(geo::Geometry::Point(p)) => out.push(
                projector
                    .to_metres(p.x(), p.y())
                    .map_err(|e| bad(e.to_string()))?,
            ),
            _ => return Err(bad("candidate centres must be Point geometries".into())),
        }
    }
    Ok(out)
}
