//! Exact DBSCAN (Ester, Kriegel, Sander & Xu 1996) on a grid of cells of side `eps/√2`, in parallel.
//!
//! # Definition (scikit-learn's semantics, with a deterministic border rule)
//! - A point is **core** when the incidents within distance `<= eps` of it,
//!   itself included, number at least `min_points` (or, weighted, when their
//!   weights sum to at least `min_points`, like scikit-learn's `sample_weight`).
//! - **Clusters** are the connected components of the graph joining core points
//!   within `eps` of each other.
//! - A non-core point within `eps` of at least one core point is a **border**
//!   point: it joins the cluster of its *nearest* core point; when several
//!   core points of different clusters are equally near it joins the one with
//!   the lower cluster number. Every other point is **noise** (`-1`).
//! - Clusters are numbered `0, 1, …` by descending size (number of incidents),
//!   then by the lowest incident index in the cluster.
//!
//! The border rule and the numbering refer to each other (a tied border point
//! changes a size, a size can change a number). The result is defined as the
//! fixed point reached by numbering the clusters *without* the tied border
//! points, giving each tied border point to its lowest-numbered candidate,
//! then renumbering and reassigning until nothing changes; each round after the first moves incidents only to
//! larger-or-equal clusters, so the sorted size vector grows lexicographically
//! and the loop ends (in practice after one or two rounds; ties need exact
//! equal distances).
//!
//! Because of the lowest-index rule, two clusters of equal size swap numbers
//! when the input is permuted; everything else (the partition, core flags, the
//! numbers of clusters of distinct sizes) is independent of input order and of
//! the number of threads.
//!
//! # Algorithm
//! 1. Incidents at exactly the same position are merged into *sites* (address
//!    points often carry hundreds of incidents); everything below works on sites,
//!    so duplicates cost nothing quadratic.
//! 2. Sites are sorted into square cells of side `s = eps/√2·(1−10⁻⁶)`: any two
//!    sites in one cell are within `eps`. A cell holding at least `min_points`
//!    incidents (weight) makes all its sites core. Sites in sparser cells count
//!    their neighbours in the 5×5 block of cells around them, stopping as soon
//!    as `min_points` is reached.
//! 3. Core sites of one cell are connected. Neighbouring cells holding core sites
//!    are joined in a concurrent union-find when some pair of their core sites is
//!    within `eps` (checked only if the cells are not already joined, with an
//!    early exit on the first pair found and a bounding-box pre-filter).
//! 4. Each non-core site looks for its nearest core sites in the 5×5 block.
//!
//! Complexity: `O(n log n)` for the sort, plus `O(Σ_sites min(m, block size))`
//! for the core test, plus, for each pair of neighbouring core cells, at most
//! the product of their numbers of distinct core positions (usually one pair
//! suffices). Memory is `O(n)`: about 40 bytes per incident plus 60 per
//! distinct position, independent of `eps`; no neighbourhood is ever stored.

#![allow(clippy::needless_range_loop)] // parallel arrays indexed together

use crate::error::{Error, Result};
use crate::incident::Incidents;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

/// Label of a noise point.
pub const NOISE: i32 = -1;

/// Checked DBSCAN parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DbscanParams {
    eps_m: f64,
    min_points: usize,
    weighted: bool,
}

impl DbscanParams {
    /// `eps_m`: neighbourhood radius in metres (finite, > 0); `min_points`: incidents
    /// (itself included) needed within `eps_m` for a core point (>= 1).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `eps_m` or `min_points`.
    pub fn new(eps_m: f64, min_points: usize) -> Result<Self> {
        if !(eps_m.is_finite() && eps_m > 0.0) {
            return Err(Error::invalid(
                "eps_m",
                eps_m,
                "must be a finite distance in metres > 0",
            ));
        }
        if min_points == 0 {
            return Err(Error::invalid(
                "min_points",
                min_points,
                "must be >= 1 (the point itself counts)",
            ));
        }
        Ok(Self {
            eps_m,
            min_points,
            weighted: false,
        })
    }

    /// Counts incident weights towards `min_points` instead of incidents
    /// (scikit-learn's `sample_weight`). Off by default.
    pub fn weighted(mut self, weighted: bool) -> Self {
        self.weighted = weighted;
        self
    }

    /// The radius in metres.
    pub fn eps_m(&self) -> f64 {
        self.eps_m
    }

    /// The core threshold.
    pub fn min_points(&self) -> usize {
        self.min_points
    }

    /// Whether weights count towards `min_points`.
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }
}

/// Result of [`dbscan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dbscan {
    /// Cluster number per incident (input order), [`NOISE`] for noise.
    pub labels: Vec<i32>,
    /// Whether each incident is a core point.
    pub core: Vec<bool>,
    /// Number of clusters (labels run `0..n_clusters`).
    pub n_clusters: usize,
}

/// Runs DBSCAN on incidents (positions in metres; weights used when
/// [`DbscanParams::weighted`] is set).
///
/// Degenerate inputs: no incidents gives empty labels; a single incident is a
/// cluster of one when `min_points` is 1 and noise otherwise; incidents all at
/// one point form one cluster when there are at least `min_points` of them
/// (weight), else all are noise.
///
/// # Errors
/// [`Error::InvalidParameter`] when `eps_m` is so small relative to the extent of
/// the data that a cell grid would need more than 2³⁰ cells per axis.
///
/// # Example
/// ```
/// use hotspot::{Crs, Incidents};
/// use hotspot::cluster::{dbscan, DbscanParams};
/// let x = [0.0, 1.0, 2.0, 100.0];
/// let y = [0.0, 0.0, 0.0, 0.0];
/// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y)?;
/// let r = dbscan(&inc, &DbscanParams::new(1.0, 3)?)?;
/// assert_eq!(r.labels, vec![0, 0, 0, -1]);
/// assert_eq!(r.core, vec![false, true, false, false]);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn dbscan(incidents: &Incidents, params: &DbscanParams) -> Result<Dbscan> {
    let w = params.weighted.then(|| incidents.weights());
    dbscan_xy(incidents.x(), incidents.y(), w, params)
}

/// [`dbscan`] on raw coordinate slices (metres) with optional weights (used
/// only when `params` is weighted; `None` means weight 1 each).
///
/// # Errors
/// As [`dbscan`]; also [`Error::InvalidParameter`] when the slices differ in
/// length, or a coordinate or weight is not finite (weights must be >= 0).
pub fn dbscan_xy(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    params: &DbscanParams,
) -> Result<Dbscan> {
    let n = x.len();
    if y.len() != n {
        return Err(Error::invalid(
            "y",
            format!("{} values", y.len()),
            format!("x and y must have the same length ({n})"),
        ));
    }
    if n >= 1 << 31 {
        return Err(Error::LimitExceeded {
            what: "incidents for DBSCAN",
            requested: n as u64,
            limit: (1u64 << 31) - 1,
            hint: "split the data".into(),
        });
    }
    let weights = if params.weighted { weights } else { None };
    if let Some(w) = weights {
        if w.len() != n {
            return Err(Error::invalid(
                "weights",
                format!("{} values", w.len()),
                format!("one weight per incident ({n}) is needed"),
            ));
        }
        if let Some(i) = w.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(Error::invalid(
                "weights",
                w[i],
                format!("weight of incident {i} must be finite and >= 0"),
            ));
        }
    }
    if let Some(i) = (0..n).find(|&i| !x[i].is_finite() || !y[i].is_finite()) {
        return Err(Error::invalid(
            "x/y",
            format!("({}, {})", x[i], y[i]),
            format!("coordinates of incident {i} must be finite"),
        ));
    }
    if n == 0 {
        return Ok(Dbscan {
            labels: Vec::new(),
            core: Vec::new(),
            n_clusters: 0,
        });
    }
    let grid = Grid::build(x, y, weights, params.eps_m)?;
    let min = params.min_points as f64;
    let eps2 = params.eps_m * params.eps_m;

    // 2. Core sites.
    let site_core: Vec<bool> = (0..grid.cells.len())
        .into_par_iter()
        .flat_map_iter(|c| {
            let g = &grid;
            let dense = g.cells[c].weight >= min;
            let block = if dense { Vec::new() } else { g.block(c) };
            g.sites_of(c).map(move |s| {
                dense || {
                    let (sx, sy) = (g.sx[s], g.sy[s]);
                    let mut acc = 0.0;
                    'outer: for &(a, b) in &block {
                        for t in g.cells[a].site_start as usize..g.cells[b].site_end as usize {
                            let dx = g.sx[t] - sx;
                            let dy = g.sy[t] - sy;
                            if dx * dx + dy * dy <= eps2 {
                                acc += g.sw[t];
                                if acc >= min {
                                    break 'outer;
                                }
                            }
                        }
                    }
                    acc >= min
                }
            })
        })
        .collect();

    // 3. Connect core cells.
    let ncell = grid.cells.len();
    let cell_has_core: Vec<bool> = (0..ncell)
        .into_par_iter()
        .map(|c| grid.sites_of(c).any(|s| site_core[s]))
        .collect();
    let cell_box: Vec<[f64; 4]> = (0..ncell)
        .into_par_iter()
        .map(|c| grid.core_bbox(c, &site_core))
        .collect();
    let uf = UnionFind::new(ncell);
    (0..ncell)
        .into_par_iter()
        .filter(|&c| cell_has_core[c])
        .for_each(|c| {
            for (a, b) in grid.block(c) {
                for d in a..=b {
                    if d <= c || !cell_has_core[d] || uf.find(c) == uf.find(d) {
                        continue;
                    }
                    if grid.cells_connected(c, d, &site_core, &cell_box, eps2) {
                        uf.union(c as u32, d as u32);
                    }
                }
            }
        });
    let cell_comp: Vec<u32> = (0..ncell)
        .into_par_iter()
        .map(|c| {
            if cell_has_core[c] {
                uf.find(c)
            } else {
                u32::MAX
            }
        })
        .collect();
    drop(uf);

    // 4. Border sites: the components of their nearest core sites.
    let nsite = grid.sx.len();
    const TIE: u32 = 1 << 31;
    let mut site_comp: Vec<u32> = (0..ncell)
        .into_par_iter()
        .flat_map_iter(|c| {
            let g = &grid;
            let cc = cell_comp[c];
            let block = if g.sites_of(c).all(|s| site_core[s]) {
                Vec::new()
            } else {
                g.block(c)
            };
            let (site_core, cell_comp) = (&site_core, &cell_comp);
            g.sites_of(c).map(move |s| {
                if site_core[s] {
                    return cc;
                }
                let mut first = u32::MAX;
                let mut tie = false;
                g.nearest_cores(s, &block, site_core, cell_comp, eps2, |comp, reset| {
                    if reset {
                        first = comp;
                        tie = false;
                    } else if comp != first {
                        tie = true;
                    }
                });
                if tie { first | TIE } else { first }
            })
        })
        .collect();
    let mut ties: Vec<(u32, Vec<u32>)> = Vec::new();
    for s in 0..nsite {
        if site_comp[s] != u32::MAX && site_comp[s] & TIE != 0 {
            let c = grid.cell_of_site(s);
            let block = grid.block(c);
            let mut comps: Vec<u32> = Vec::new();
            grid.nearest_cores(s, &block, &site_core, &cell_comp, eps2, |comp, reset| {
                if reset {
                    comps.clear();
                }
                if !comps.contains(&comp) {
                    comps.push(comp);
                }
            });
            comps.sort_unstable();
            // Left out of the first numbering; see the module doc.
            site_comp[s] = u32::MAX;
            ties.push((s as u32, comps));
        }
    }

    // Numbering with the tie fixed point.
    let site_count: Vec<u32> = (0..nsite)
        .map(|s| grid.site_pt_start[s + 1] - grid.site_pt_start[s])
        .collect();
    let site_min_idx: Vec<u32> = (0..nsite)
        .map(|s| grid.order[grid.site_pt_start[s] as usize])
        .collect();
    let number = |site_comp: &[u32]| -> (Vec<u32>, usize) {
        // component root -> (size, min index)
        let mut stats: std::collections::HashMap<u32, (u64, u32)> = Default::default();
        for s in 0..nsite {
            let c = site_comp[s];
            if c == u32::MAX {
                continue;
            }
            let e = stats.entry(c).or_insert((0, u32::MAX));
            e.0 += site_count[s] as u64;
            e.1 = e.1.min(site_min_idx[s]);
        }
        let mut v: Vec<(u32, u64, u32)> = stats.into_iter().map(|(c, (k, m))| (c, k, m)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        let mut num = vec![u32::MAX; ncell];
        for (i, &(c, _, _)) in v.iter().enumerate() {
            num[c as usize] = i as u32;
        }
        (num, v.len())
    };
    let (mut num, mut n_clusters) = number(&site_comp);
    for _round in 0..10_000 {
        let mut changed = false;
        for (s, comps) in &ties {
            let best = comps.iter().copied().min_by_key(|&c| num[c as usize]);
            if let Some(b) = best
                && site_comp[*s as usize] != b
            {
                site_comp[*s as usize] = b;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        (num, n_clusters) = number(&site_comp);
    }

    let mut labels = vec![NOISE; n];
    let mut core = vec![false; n];
    for s in 0..nsite {
        let lab = match site_comp[s] {
            u32::MAX => NOISE,
            c => num[c as usize] as i32,
        };
        for p in grid.site_pt_start[s]..grid.site_pt_start[s + 1] {
            let i = grid.order[p as usize] as usize;
            labels[i] = lab;
            core[i] = site_core[s];
        }
    }
    Ok(Dbscan {
        labels,
        core,
        n_clusters,
    })
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    key: u64,
    site_start: u32,
    site_end: u32,
    weight: f64,
}

/// Incidents merged into sites (distinct positions) sorted into cells.
struct Grid {
    /// Input indices sorted by (cell, x, y, index).
    order: Vec<u32>,
    /// Site `s` holds `order[site_pt_start[s]..site_pt_start[s+1]]`.
    site_pt_start: Vec<u32>,
    sx: Vec<f64>,
    sy: Vec<f64>,
    /// Weight (or count) of each site.
    sw: Vec<f64>,
    cells: Vec<Cell>,
}

const MAX_CELLS_PER_AXIS: f64 = (1u64 << 30) as f64;

impl Grid {
    fn build(x: &[f64], y: &[f64], w: Option<&[f64]>, eps: f64) -> Result<Grid> {
        let n = x.len();
        let (x0, x1) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| {
            (a.0.min(v), a.1.max(v))
        });
        let (y0, y1) = y.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| {
            (a.0.min(v), a.1.max(v))
        });
        let side = eps / std::f64::consts::SQRT_2 * (1.0 - 1e-6);
        let span = (x1 - x0).max(y1 - y0);
        if !(span / side < MAX_CELLS_PER_AXIS) {
            return Err(Error::invalid(
                "eps_m",
                eps,
                format!(
                    "too small for data spanning {span:.3} m: at most 2^30 grid cells per axis; use eps_m >= {:.3e}",
                    span / MAX_CELLS_PER_AXIS * std::f64::consts::SQRT_2 * 1.000_01
                ),
            ));
        }
        let key = |i: usize| -> u64 {
            let cx = ((x[i] - x0) / side).floor() as u64;
            let cy = ((y[i] - y0) / side).floor() as u64;
            (cx << 32) | cy
        };
        // Order-preserving integer image of an f64 (equal exactly when the bits are equal).
        let ord = |v: f64| -> u64 {
            let b = v.to_bits();
            if b >> 63 == 1 { !b } else { b | (1 << 63) }
        };
        // Sorted by (cell, x, y, index): positions inline, so the sort streams memory.
        let mut keyed: Vec<(u64, u64, u64, u32)> = (0..n)
            .into_par_iter()
            .map(|i| (key(i), ord(x[i]), ord(y[i]), i as u32))
            .collect();
        keyed.par_sort_unstable();
        let keyed: Vec<(u64, u32)> = keyed.into_par_iter().map(|t| (t.0, t.3)).collect();
        let mut order = Vec::with_capacity(n);
        let mut site_pt_start = Vec::new();
        let mut sx = Vec::new();
        let mut sy = Vec::new();
        let mut sw: Vec<f64> = Vec::new();
        let mut cells: Vec<Cell> = Vec::new();
        for (p, &(k, i)) in keyed.iter().enumerate() {
            let i = i as usize;
            let wi = w.map_or(1.0, |w| w[i]);
            let new_cell = cells.last().is_none_or(|c| c.key != k);
            let new_site = new_cell
                || sx
                    .last()
                    .is_some_and(|&v: &f64| v.to_bits() != x[i].to_bits())
                || sy
                    .last()
                    .is_some_and(|&v: &f64| v.to_bits() != y[i].to_bits());
            if new_site {
                if new_cell {
                    if let Some(c) = cells.last_mut() {
                        c.site_end = sx.len() as u32;
                    }
                    cells.push(Cell {
                        key: k,
                        site_start: sx.len() as u32,
                        site_end: 0,
                        weight: 0.0,
                    });
                }
                site_pt_start.push(p as u32);
                sx.push(x[i]);
                sy.push(y[i]);
                sw.push(0.0);
            }
            if let Some(v) = sw.last_mut() {
                *v += wi;
            }
            if let Some(c) = cells.last_mut() {
                c.weight += wi;
            }
            order.push(i as u32);
        }
        if let Some(c) = cells.last_mut() {
            c.site_end = sx.len() as u32;
        }
        site_pt_start.push(n as u32);
        Ok(Grid {
            order,
            site_pt_start,
            sx,
            sy,
            sw,
            cells,
        })
    }

    fn sites_of(&self, c: usize) -> std::ops::Range<usize> {
        self.cells[c].site_start as usize..self.cells[c].site_end as usize
    }

    /// The cells of the 5×5 block around cell `c`, as inclusive ranges of cell
    /// indices (one per column; cells are sorted by column then row).
    fn block(&self, c: usize) -> Vec<(usize, usize)> {
        let k = self.cells[c].key;
        let (cx, cy) = ((k >> 32) as i64, (k & 0xFFFF_FFFF) as i64);
        let mut out = Vec::with_capacity(5);
        for dx in -2i64..=2 {
            let col = cx + dx;
            if col < 0 {
                continue;
            }
            let lo = ((col as u64) << 32) | (cy - 2).max(0) as u64;
            let hi = ((col as u64) << 32) | (cy + 2) as u64;
            let a = self.cells.partition_point(|e| e.key < lo);
            let b = self.cells.partition_point(|e| e.key <= hi);
            if a < b {
                out.push((a, b - 1));
            }
        }
        out
    }

    /// The cell holding site `s`.
    fn cell_of_site(&self, s: usize) -> usize {
        self.cells.partition_point(|c| (c.site_end as usize) <= s)
    }

    /// Calls `f(component, reset)` for every core site at the smallest distance
    /// `<= eps` from site `s` seen so far; `reset` is true when a strictly nearer
    /// one starts a new list.
    fn nearest_cores(
        &self,
        s: usize,
        block: &[(usize, usize)],
        core: &[bool],
        cell_comp: &[u32],
        eps2: f64,
        mut f: impl FnMut(u32, bool),
    ) {
        let (sx, sy) = (self.sx[s], self.sy[s]);
        let mut best = f64::INFINITY;
        for &(a, b) in block {
            for d in a..=b {
                if cell_comp[d] == u32::MAX {
                    continue;
                }
                for t in self.sites_of(d) {
                    if !core[t] {
                        continue;
                    }
                    let dx = self.sx[t] - sx;
                    let dy = self.sy[t] - sy;
                    let d2 = dx * dx + dy * dy;
                    if d2 > eps2 || d2 > best {
                        continue;
                    }
                    let reset = d2 < best;
                    best = d2;
                    f(cell_comp[d], reset);
                }
            }
        }
    }

    /// Bounding box of the core sites of cell `c` (empty box when none).
    fn core_bbox(&self, c: usize, core: &[bool]) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for s in self.sites_of(c).filter(|&s| core[s]) {
            b[0] = b[0].min(self.sx[s]);
            b[1] = b[1].min(self.sy[s]);
            b[2] = b[2].max(self.sx[s]);
            b[3] = b[3].max(self.sy[s]);
        }
        b
    }

    /// Whether some core site of cell `c` is within `eps` of some core site of cell `d`.
    ///
    /// Decided from the core bounding boxes when they are farther than `eps`
    /// (no) or entirely within `eps` of each other (yes); otherwise pairs are
    /// checked, each side pre-filtered to sites near the other's box, with an
    /// early exit on the first pair found.
    fn cells_connected(
        &self,
        c: usize,
        d: usize,
        core: &[bool],
        bx: &[[f64; 4]],
        eps2: f64,
    ) -> bool {
        let (bc, bd) = (&bx[c], &bx[d]);
        let gap = |lo1: f64, hi1: f64, lo2: f64, hi2: f64| (lo2 - hi1).max(lo1 - hi2).max(0.0);
        let gx = gap(bc[0], bc[2], bd[0], bd[2]);
        let gy = gap(bc[1], bc[3], bd[1], bd[3]);
        if gx * gx + gy * gy > eps2 {
            return false;
        }
        let fx = (bc[2] - bd[0]).abs().max((bd[2] - bc[0]).abs());
        let fy = (bc[3] - bd[1]).abs().max((bd[3] - bc[1]).abs());
        if fx * fx + fy * fy <= eps2 {
            return true;
        }
        let eps = eps2.sqrt();
        let near = |s: usize, b: &[f64; 4]| {
            self.sx[s] >= b[0] - eps
                && self.sx[s] <= b[2] + eps
                && self.sy[s] >= b[1] - eps
                && self.sy[s] <= b[3] + eps
        };
        for t in self.sites_of(d).filter(|&t| core[t] && near(t, bc)) {
            let (tx, ty) = (self.sx[t], self.sy[t]);
            for s in self.sites_of(c).filter(|&s| core[s] && near(s, bd)) {
                let dx = self.sx[s] - tx;
                let dy = self.sy[s] - ty;
                if dx * dx + dy * dy <= eps2 {
                    return true;
                }
            }
        }
        false
    }
}

/// A lock-free union-find over `u32` ids; a set's root is its smallest id.
pub(crate) struct UnionFind {
    parent: Vec<AtomicU32>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).map(AtomicU32::new).collect(),
        }
    }

    pub(crate) fn find(&self, x: usize) -> u32 {
        let mut x = x as u32;
        loop {
            let p = self.parent[x as usize].load(Ordering::Acquire);
            if p == x {
                return x;
            }
            let gp = self.parent[p as usize].load(Ordering::Acquire);
            if gp != p {
                // Path halving; a failed exchange only means someone else helped.
                let _ = self.parent[x as usize].compare_exchange(
                    p,
                    gp,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
            x = p;
        }
    }

    pub(crate) fn union(&self, a: u32, b: u32) {
        loop {
            let ra = self.find(a as usize);
            let rb = self.find(b as usize);
            if ra == rb {
                return;
            }
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if self.parent[hi as usize]
                .compare_exchange(hi, lo, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }
}
