//! Patrol zones chosen by harm-weighted maximal coverage, when to patrol them, and a route through them.
//!
//! # The covering problem
//! Choose `k` circles of radius `r` (default 250 m) among candidate centres so that the total harm weight of
//! the incidents inside at least one circle is largest: the maximal covering location problem (Church &
//! ReVelle 1974, *Papers of the Regional Science Association* 32, 101-118). Coverage
//! `f(S) = Σ_i w_i·[i within r of some centre in S]` is monotone and submodular, so the greedy algorithm
//! (add the centre with the largest marginal gain, k times) reaches at least `1 − 1/e ≈ 63.2 %` of the
//! optimum (Nemhauser, Wolsey & Fisher 1978, *Math. Programming* 14, 265-294). Gains are evaluated lazily
//! (Minoux 1978): a stale gain is an upper bound of the current one, so a candidate whose refreshed gain
//! still tops the queue is the greedy choice; [`CoverProblem::greedy`] and its plain twin
//! [`CoverProblem::greedy_plain`] pick the same centres (ties to the lower candidate index).
//!
//! **Overlap limit.** Zones may overlap by at most `max_overlap` of a circle's area; for equal circles this is
//! a minimum distance between centres (the lens area is decreasing in the distance). With a limit below 1
//! the problem is no longer a plain cardinality constraint and the `1 − 1/e` guarantee does not hold in
//! general; [`CoverProblem::exact`] (branch and bound with the submodular bound
//! `f(S ∪ T) ≤ f(S) + Σ_{t∈T} Δ(t | S)`) gives the optimum on small cases, to show the gap.
//!
//! **Candidates** ([`mod@candidates`] module, [`candidate_set`]): kernel-density peaks, DBSCAN cluster centroids
//! and a grid of spacing `r/2` by default (issue 6), optionally incident locations, schools and the
//! caller's points, deduplicated by position. Forced centres (e.g. the top school) are chosen first and
//! count towards `k`.
//!
//! **Zone shapes.** Circles of radius `r` ([`CoverProblem::new`]) or grid-cell clusters
//! ([`CoverProblem::from_cells`], see the [`cells`] module): connected sets of `m` cells grown from a
//! seed cell; the covering and the greedy are the same, over these fixed sets.
//!
//! Per zone ([`zone_stats`]): incidents and harm inside (a zone's own circle, so incidents in an overlap
//! count for each zone), shares of incidents and of the study area, and the prediction accuracy index
//! `PAI = (n_zone / N) / (A_zone / A)` (Chainey, Tompson & Uhlig 2008, *Security Journal* 21, 4-28).
//!
//! Complexity: building the coverage lists is O(C·(log n + m)) for C candidates with m incidents each;
//! lazy greedy needs O(C log C) heap work plus the refreshed gains, usually a small multiple of k·m.

pub mod candidates;
pub mod cells;
pub mod holdout;
pub mod plan;
pub mod profile;
pub mod route;
pub mod when;

pub use candidates::{
    Candidate, CandidateSource, CandidateSources, MAX_CANDIDATES, PatrollableFilter,
    PatrollableSummary, candidate_set, candidates, cluster_centroids, density_peaks, raster_peaks,
    read_points,
};
pub use cells::{CellZoneParams, CellZones};
pub use holdout::{HoldoutChoice, HoldoutOutcome, HoldoutResult};
pub use plan::{PatrolPlan, PlanInput, PlanParams, PlanShape, PlanZone, plan};
pub use route::{Route, plan_route};
pub use when::{Visit, WeekTable, Windows, smallest_windows, visit_plan, week_table};

use crate::error::{Error, Result};
use crate::index::SpatialIndex;
use crate::study_area::StudyArea;
use geo::{Area, BooleanOps, MultiPolygon};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Checked parameters of the zone choice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatrolParams {
    k: usize,
    radius_m: f64,
    max_overlap: f64,
}

impl PatrolParams {
    /// `k` zones (1..=100) of radius `radius_m` (> 0, ≤ 5000 m) overlapping by at most `max_overlap`
    /// (0 = disjoint, 1 = no limit) of a circle's area.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `zones`, `radius_m` or `max_overlap`.
    pub fn new(k: usize, radius_m: f64, max_overlap: f64) -> Result<Self> {
        if !(1..=100).contains(&k) {
            return Err(Error::invalid("zones", k, "choose between 1 and 100 zones"));
        }
        if !(radius_m > 0.0 && radius_m <= 5000.0) {
            return Err(Error::invalid(
                "radius_m",
                radius_m,
                "zone radius must be > 0 and <= 5000 metres",
            ));
        }
        if !(0.0..=1.0).contains(&max_overlap) {
            return Err(Error::invalid(
                "max_overlap",
                max_overlap,
                "share of a zone's area, between 0 (disjoint) and 1 (no limit)",
            ));
        }
        Ok(Self {
            k,
            radius_m,
            max_overlap,
        })
    }

    /// Number of zones.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Zone radius in metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Largest overlap share allowed.
    pub fn max_overlap(&self) -> f64 {
        self.max_overlap
    }

    /// The minimum distance between centres that keeps the overlap within `max_overlap`.
    pub fn min_separation_m(&self) -> f64 {
        min_separation(self.radius_m, self.max_overlap)
    }
}

/// Share of a circle of radius `r` covered by an equal circle at centre distance `d`.
pub fn overlap_share(r: f64, d: f64) -> f64 {
    if d >= 2.0 * r {
        return 0.0;
    }
    let lens = 2.0 * r * r * (d / (2.0 * r)).acos() - 0.5 * d * (4.0 * r * r - d * d).sqrt();
    lens / (std::f64::consts::PI * r * r)
}

fn min_separation(r: f64, max_overlap: f64) -> f64 {
    if max_overlap >= 1.0 {
        return 0.0;
    }
    if max_overlap <= 0.0 {
        return 2.0 * r;
    }
    let (mut lo, mut hi) = (0.0, 2.0 * r);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if overlap_share(r, mid) > max_overlap {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// A chosen set of centres: the greedy's or the exact solver's answer to a maximal covering
/// problem ([`CoverProblem`]). Formerly `Selection` (still reachable under that name).
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    /// Candidate indices in the order chosen.
    pub chosen: Vec<usize>,
    /// Covered weight `f(S)` (each incident once).
    pub covered_weight: f64,
    /// Number of covered incidents (each once).
    pub covered_count: usize,
    /// Marginal gain of each choice, in order.
    pub gains: Vec<f64>,
}

/// The earlier name of [`Cover`] (kept so that existing code builds).
pub type Selection = Cover;

/// A maximal covering instance: which incidents each candidate covers, and their weights.
#[derive(Clone, Debug)]
pub struct CoverProblem {
    centres: Vec<[f64; 2]>,
    covers: Vec<Vec<u32>>,
    weights: Vec<f64>,
    shape: Shape,
}

/// Zone shape and what the overlap limit means for it.
#[derive(Clone, Debug)]
enum Shape {
    /// Circles: centres at least `min_sep` apart.
    Circles { min_sep: f64 },
    /// Cell zones sharing at most `max_overlap` of the smaller zone's cells.
    Cells {
        zones: Box<CellZones>,
        max_overlap: f64,
    },
}

fn check_weights(x: &[f64], y: &[f64], weights: &[f64]) -> Result<()> {
    if x.len() != y.len() || x.len() != weights.len() {
        return Err(Error::invalid(
            "weights",
            format!("{} / {} / {}", x.len(), y.len(), weights.len()),
            "x, y and weights need one value per incident",
        ));
    }
    if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(Error::invalid(
            "weights",
            w,
            "harm weights must be finite and >= 0",
        ));
    }
    Ok(())
}

#[derive(PartialEq)]
struct HeapItem {
    gain: f64,
    cand: usize,
}
impl Eq for HeapItem {}
impl Ord for HeapItem {
    fn cmp(&self, o: &Self) -> Ordering {
        self.gain
            .total_cmp(&o.gain)
            .then_with(|| o.cand.cmp(&self.cand))
    }
}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl CoverProblem {
    /// Builds the instance: incidents at `x`, `y` with weights (harm; 0 = not to be covered), candidate
    /// centres, and the parameters' radius and overlap limit.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the slices differ in length or a weight is negative or not finite.
    pub fn new(
        x: &[f64],
        y: &[f64],
        weights: &[f64],
        centres: &[[f64; 2]],
        params: &PatrolParams,
    ) -> Result<Self> {
        check_weights(x, y, weights)?;
        let index = SpatialIndex::from_xy(x, y);
        let covers = centres
            .iter()
            .map(|c| {
                index
                    .within(c[0], c[1], params.radius_m)
                    .into_iter()
                    .filter(|&i| weights[i] > 0.0)
                    .map(|i| i as u32)
                    .collect()
            })
            .collect();
        Ok(Self {
            centres: centres.to_vec(),
            covers,
            weights: weights.to_vec(),
            shape: Shape::Circles {
                min_sep: params.min_separation_m(),
            },
        })
    }

    /// Builds the instance over grid-cell zones: zone `j` covers the positive-weight incidents in its
    /// cells; zones may share at most `max_overlap` of the smaller zone's cells (the radius in `params` is
    /// not used). The zones' reference points ([`CoverProblem::centre`]) are [`CellZones::anchors`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the slices differ in length or a weight is negative or not finite.
    pub fn from_cells(
        x: &[f64],
        y: &[f64],
        weights: &[f64],
        zones: CellZones,
        max_overlap: f64,
    ) -> Result<Self> {
        check_weights(x, y, weights)?;
        // Positive-weight incidents sorted by cell, then each zone gathers its cells' runs.
        let mut binned: Vec<(u32, u32)> = (0..x.len())
            .filter(|&i| weights[i] > 0.0)
            .filter_map(|i| zones.cell_of(x[i], y[i]).map(|k| (k as u32, i as u32)))
            .collect();
        binned.sort_unstable();
        let covers = zones
            .zones
            .iter()
            .map(|z| {
                let mut v: Vec<u32> = Vec::new();
                for &k in &z.cells {
                    let from = binned.partition_point(|&(c, _)| c < k);
                    let to = binned.partition_point(|&(c, _)| c <= k);
                    v.extend(binned[from..to].iter().map(|&(_, i)| i));
                }
                v.sort_unstable();
                v
            })
            .collect();
        Ok(Self {
            centres: zones.anchors(),
            covers,
            weights: weights.to_vec(),
            shape: Shape::Cells {
                zones: Box::new(zones),
                max_overlap,
            },
        })
    }

    /// Reference point of candidate `c` (circle centre or cell-zone anchor), metres.
    pub fn centre(&self, c: usize) -> [f64; 2] {
        self.centres[c]
    }

    /// The cell zones, when the zones are grid-cell clusters.
    pub fn cell_zones(&self) -> Option<&CellZones> {
        match &self.shape {
            Shape::Cells { zones, .. } => Some(zones),
            Shape::Circles { .. } => None,
        }
    }

    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.centres.len()
    }

    /// Whether there is no candidate.
    pub fn is_empty(&self) -> bool {
        self.centres.is_empty()
    }

    /// Incidents covered by candidate `c`.
    pub fn covers(&self, c: usize) -> &[u32] {
        &self.covers[c]
    }

    fn gain(&self, c: usize, covered: &[bool]) -> f64 {
        self.covers[c]
            .iter()
            .filter(|&&i| !covered[i as usize])
            .map(|&i| self.weights[i as usize])
            .sum()
    }

    fn compatible(&self, c: usize, chosen: &[usize]) -> bool {
        match &self.shape {
            Shape::Circles { min_sep, .. } => chosen.iter().all(|&s| {
                let (a, b) = (self.centres[c], self.centres[s]);
                s != c && (a[0] - b[0]).hypot(a[1] - b[1]) >= min_sep - 1e-9
            }),
            Shape::Cells { zones, max_overlap } => chosen.iter().all(|&s| {
                let (a, b) = (&zones.zones[c].cells, &zones.zones[s].cells);
                let shared = cells::shared_cells(a, b) as f64;
                s != c && shared <= max_overlap * a.len().min(b.len()) as f64 + 1e-9
            }),
        }
    }

    /// Coverage `f(S)` and covered count of a set of candidates.
    pub fn value(&self, set: &[usize]) -> (f64, usize) {
        let mut covered = vec![false; self.weights.len()];
        let (mut v, mut n) = (0.0, 0);
        for &c in set {
            for &i in &self.covers[c] {
                if !covered[i as usize] {
                    covered[i as usize] = true;
                    v += self.weights[i as usize];
                    n += 1;
                }
            }
        }
        (v, n)
    }

    fn check_forced(&self, forced: &[usize]) -> Result<()> {
        for (j, &f) in forced.iter().enumerate() {
            if f >= self.len() {
                return Err(Error::invalid("forced", f, "not a candidate index"));
            }
            if !self.compatible(f, &forced[..j]) {
                return Err(Error::invalid(
                    "forced",
                    f,
                    "forced zones overlap more than max_overlap allows",
                ));
            }
        }
        Ok(())
    }

    fn finish(&self, chosen: Vec<usize>, gains: Vec<f64>) -> Cover {
        let (covered_weight, covered_count) = self.value(&chosen);
        Cover {
            chosen,
            covered_weight,
            covered_count,
            gains,
        }
    }

    /// Lazy greedy (see the module doc): `forced` candidates first, then up to `k` in total; stops early
    /// when no compatible candidate adds positive weight.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when a forced index is out of range or forced zones conflict.
    pub fn greedy(&self, k: usize, forced: &[usize]) -> Result<Cover> {
        self.check_forced(forced)?;
        let mut covered = vec![false; self.weights.len()];
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        let mut gains = Vec::with_capacity(k);
        for &f in forced.iter().take(k) {
            gains.push(self.gain(f, &covered));
            for &i in &self.covers[f] {
                covered[i as usize] = true;
            }
            chosen.push(f);
        }
        let mut heap: BinaryHeap<HeapItem> = (0..self.len())
            .map(|c| HeapItem {
                gain: self.gain(c, &covered),
                cand: c,
            })
            .filter(|h| h.gain > 0.0)
            .collect();
        while chosen.len() < k {
            let Some(top) = heap.pop() else { break };
            if !self.compatible(top.cand, &chosen) {
                continue;
            }
            let g = self.gain(top.cand, &covered);
            if !(g > 0.0) {
                continue;
            }
            let item = HeapItem {
                gain: g,
                cand: top.cand,
            };
            if heap.peek().is_some_and(|next| *next > item) {
                heap.push(item);
                continue;
            }
            for &i in &self.covers[top.cand] {
                covered[i as usize] = true;
            }
            chosen.push(top.cand);
            gains.push(g);
        }
        Ok(self.finish(chosen, gains))
    }

    /// Plain greedy, every gain recomputed each round: the brute-force twin of [`CoverProblem::greedy`].
    ///
    /// # Errors
    /// As [`CoverProblem::greedy`].
    pub fn greedy_plain(&self, k: usize, forced: &[usize]) -> Result<Cover> {
        self.check_forced(forced)?;
        let mut chosen: Vec<usize> = forced.iter().take(k).copied().collect();
        let mut covered = vec![false; self.weights.len()];
        let mut gains = Vec::new();
        for &f in &chosen {
            gains.push(self.gain(f, &covered));
            for &i in &self.covers[f] {
                covered[i as usize] = true;
            }
        }
        while chosen.len() < k {
            let mut best: Option<(f64, usize)> = None;
            for c in 0..self.len() {
                if !self.compatible(c, &chosen) {
                    continue;
                }
                let g = self.gain(c, &covered);
                if g > 0.0 && best.is_none_or(|(bg, _)| g > bg) {
                    best = Some((g, c));
                }
            }
            let Some((g, c)) = best else { break };
            for &i in &self.covers[c] {
                covered[i as usize] = true;
            }
            chosen.push(c);
            gains.push(g);
        }
        Ok(self.finish(chosen, gains))
    }

    /// Exact optimum by branch and bound (forced candidates included), or `None` when the search needs
    /// more than `work_limit` units of work (one unit = one incident looked at while evaluating a gain;
    /// about 1e8 units per second in a release build). The greedy value is the starting incumbent.
    ///
    /// # Errors
    /// As [`CoverProblem::greedy`].
    pub fn exact(&self, k: usize, forced: &[usize], work_limit: u64) -> Result<Option<Cover>> {
        let greedy = self.greedy(k, forced)?;
        let mut best = (greedy.covered_weight, greedy.chosen.clone());
        let mut covered = vec![0u32; self.weights.len()];
        let mut chosen: Vec<usize> = forced.iter().take(k).copied().collect();
        let mut value = 0.0;
        for &f in &chosen {
            for &i in &self.covers[f] {
                if covered[i as usize] == 0 {
                    value += self.weights[i as usize];
                }
                covered[i as usize] += 1;
            }
        }
        // Branch over candidates with a positive gain after the forced zones, largest first.
        let init: Vec<f64> = (0..self.len())
            .map(|c| {
                self.covers[c]
                    .iter()
                    .filter(|&&i| covered[i as usize] == 0)
                    .map(|&i| self.weights[i as usize])
                    .sum()
            })
            .collect();
        let mut order: Vec<usize> = (0..self.len())
            .filter(|&c| !forced.contains(&c) && init[c] > 0.0)
            .collect();
        order.sort_by(|&a, &b| init[b].total_cmp(&init[a]).then(a.cmp(&b)));
        let stand: Vec<f64> = order.iter().map(|&c| init[c]).collect();
        let mut work = 0u64;
        let complete = self.branch(
            &order,
            &stand,
            0,
            k,
            &mut chosen,
            &mut covered,
            value,
            &mut best,
            &mut work,
            work_limit,
        );
        if !complete {
            return Ok(None);
        }
        let mut sel = self.finish(best.1.clone(), Vec::new());
        let mut cov = vec![false; self.weights.len()];
        for &c in &sel.chosen {
            sel.gains.push(self.gain(c, &cov));
            for &i in &self.covers[c] {
                cov[i as usize] = true;
            }
        }
        Ok(Some(sel))
    }

    /// Depth-first branch and bound over `order` (candidates sorted by decreasing stand-alone coverage
    /// `stand[j]`, which bounds every later marginal gain by submodularity). At a node with value `v` and
    /// `free` zones left, no completion from position `j` on can add more than `free · stand[j]`, nor more
    /// than the sum of the next `free` stand-alone values: both prune.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &self,
        order: &[usize],
        stand: &[f64],
        from: usize,
        k: usize,
        chosen: &mut Vec<usize>,
        covered: &mut [u32],
        value: f64,
        best: &mut (f64, Vec<usize>),
        work: &mut u64,
        limit: u64,
    ) -> bool {
        *work += 1;
        if *work > limit {
            return false;
        }
        if value > best.0 + 1e-9 {
            *best = (value, chosen.clone());
        }
        if chosen.len() >= k {
            return true;
        }
        let free = k - chosen.len();
        let bound: f64 = value + stand[from..].iter().take(free).sum::<f64>();
        if bound <= best.0 + 1e-9 {
            return true;
        }
        for j in from..order.len() {
            if value + free as f64 * stand[j] <= best.0 + 1e-9 {
                break;
            }
            let c = order[j];
            if !self.compatible(c, chosen) {
                continue;
            }
            *work += self.covers[c].len() as u64 + 1;
            if *work > limit {
                return false;
            }
            let g: f64 = self.covers[c]
                .iter()
                .filter(|&&i| covered[i as usize] == 0)
                .map(|&i| self.weights[i as usize])
                .sum();
            if !(g > 0.0) {
                continue;
            }
            for &i in &self.covers[c] {
                covered[i as usize] += 1;
            }
            chosen.push(c);
            let ok = self.branch(
                order,
                stand,
                j + 1,
                k,
                chosen,
                covered,
                value + g,
                best,
                work,
                limit,
            );
            chosen.pop();
            for &i in &self.covers[c] {
                covered[i as usize] -= 1;
            }
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Statistics of one chosen zone.
#[derive(Clone, Debug)]
pub struct ZoneStats {
    /// 1-based rank (order of choice).
    pub rank: usize,
    /// Centre in metres (circle centre, or the anchor cell centre of a cell zone, see [`CellZones::anchors`]).
    pub centre: [f64; 2],
    /// Incidents inside this zone (each zone counts its own; overlaps count for each).
    pub members: Vec<usize>,
    /// Their harm.
    pub harm: f64,
    /// `members / N` of the incidents analysed.
    pub share_incidents: f64,
    /// Zone area inside the study area over the study area.
    pub share_area: f64,
    /// Prediction accuracy index `share_incidents / share_area`.
    pub pai: f64,
    /// Marginal harm added when chosen.
    pub marginal_harm: f64,
    /// The zone's shape in metres (circle as a 64-gon, or the union of its cells), not clipped.
    pub geometry: MultiPolygon<f64>,
    /// Zone area inside the study area, m2.
    pub area_m2: f64,
    /// Number of grid cells (0 for a circle).
    pub cells: usize,
}

/// Per-zone statistics for a cover: `x`, `y`, `harm` of the analysed incidents, the study area (for
/// the area share; zones are clipped to it). For circles `radius_m` is the radius (as in the problem);
/// for cell zones it is not used, members are the incidents in the zone's cells and the area is that of
/// the cells.
pub fn zone_stats(
    x: &[f64],
    y: &[f64],
    harm: &[f64],
    problem: &CoverProblem,
    selection: &Cover,
    radius_m: f64,
    study: &StudyArea,
) -> Vec<ZoneStats> {
    let n = x.len() as f64;
    let index = SpatialIndex::from_xy(x, y);
    selection
        .chosen
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let centre = problem.centres[c];
            let (members, geometry, cells) = match problem.cell_zones() {
                None => (
                    index.within(centre[0], centre[1], radius_m),
                    MultiPolygon::new(vec![crate::schools::circle(centre, radius_m)]),
                    0,
                ),
                Some(z) => {
                    let own = &z.zones[c].cells;
                    let members = (0..x.len())
                        .filter(|&i| {
                            z.cell_of(x[i], y[i])
                                .is_some_and(|cell| own.binary_search(&(cell as u32)).is_ok())
                        })
                        .collect();
                    (members, z.polygon(c), own.len())
                }
            };
            let h: f64 = members.iter().map(|&i| harm[i]).sum();
            let area = geometry.intersection(study.polygons()).unsigned_area();
            let share_incidents = members.len() as f64 / n;
            let share_area = area / study.area_m2();
            ZoneStats {
                rank: k + 1,
                centre,
                harm: h,
                share_incidents,
                share_area,
                pai: share_incidents / share_area,
                marginal_harm: selection.gains.get(k).copied().unwrap_or(f64::NAN),
                members,
                geometry,
                area_m2: area,
                cells,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
