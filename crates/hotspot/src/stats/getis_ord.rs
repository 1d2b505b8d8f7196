//! Getis-Ord Gi* hot spot analysis on a fishnet: closed-form z-scores, two-sided normal p-values,
//! Benjamini-Hochberg FDR, ArcGIS `Gi_Bin` classes and conditional-permutation pseudo p-values.
//!
//! # Definition
//! Getis & Ord (1992), Ord & Getis (1995); the form used by ArcGIS's Hot Spot
//! Analysis and by esda's `G_Local(star=True)`:
//!
//! `z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n sum_j w_ij^2 - W_i^2) / (n - 1)))`
//!
//! with `n` the number of cells, `xbar` their mean, `S` the *population*
//! standard deviation (divide by `n`), `W_i = sum_j w_ij`, and the sums running
//! over all `j` including `i` itself (the "star").
//!
//! # Speed
//! For square cells with binary distance-band weights (the default) the sums
//! use the fact that the band is the same stencil of cell offsets everywhere:
//! for each row offset `dy` the stencil covers a contiguous run of columns, so
//! `sum_j w_ij x_j` is a handful of differences of row prefix sums (exact for
//! whole-number counts; plain summation of the runs otherwise). Complexity
//! `O(cells x (2R+1))` with `R` the band in cells. Other weights and hexagons
//! build explicit neighbour lists with the R-tree ([`SpatialWeights`]).
//!
//! # Degenerate inputs
//! - All counts equal (`S = 0`, including a single cell): z is undefined; we
//!   return `z = 0`, `p = 1`, bin 0 and say so in [`GiStarResult::note`].
//! - A cell whose neighbourhood is the whole grid (or, more generally, whose
//!   variance term `n sum w^2 - W^2` is 0): `z = 0`, `p = 1`.
//! - A cell without neighbours other than itself still has a defined z (its own
//!   value against the mean); it is reported with `n_neighbours = 0`.

use crate::area_at_risk::AreaAtRisk;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::stats::fdr::benjamini_hochberg;
use crate::stats::fishnet::{CellShape, Fishnet};
use crate::stats::weights::{BAND_TOL, SpatialWeights};
use crate::study_area::StudyArea;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

/// How neighbouring cells are weighted.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WeightScheme {
    /// `w_ij = 1` for cell centres within `<= distance_m` (ArcGIS FIXED_DISTANCE_BAND). The default.
    DistanceBand,
    /// `w_ij = s / d_ij` within `distance_m`, `s` the centre spacing, self weight 1
    /// (ArcGIS INVERSE_DISTANCE with a cutoff, scaled; Gi* is scale invariant).
    InverseDistance,
    /// `w_ij = 1` for the `k` nearest cells (ties by cell order), plus the cell itself.
    KNearest {
        /// Number of neighbours.
        k: usize,
    },
}

/// Checked parameters of [`hot_spots`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GiStarParams {
    cell_m: f64,
    distance_m: f64,
    shape: CellShape,
    weights: WeightScheme,
    fdr: bool,
    permutations: usize,
    seed: u64,
}

impl GiStarParams {
    /// Square cells of `cell_m` metres, binary distance band `distance_m`
    /// metres, FDR on, no permutations.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when either is not a positive finite number.
    pub fn new(cell_m: f64, distance_m: f64) -> Result<Self> {
        if !(cell_m.is_finite() && cell_m > 0.0) {
            return Err(Error::invalid(
                "cell_m",
                cell_m,
                "the cell size must be a positive number of metres",
            ));
        }
        if !(distance_m.is_finite() && distance_m > 0.0) {
            return Err(Error::invalid(
                "distance_m",
                distance_m,
                "the distance band must be a positive number of metres (typically 1-5 cell sizes)",
            ));
        }
        Ok(Self {
            cell_m,
            distance_m,
            shape: CellShape::Square,
            weights: WeightScheme::DistanceBand,
            fdr: true,
            permutations: 0,
            seed: 0,
        })
    }

    /// Use this cell shape.
    pub fn with_shape(mut self, shape: CellShape) -> Self {
        self.shape = shape;
        self
    }

    /// Use these weights.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `KNearest { k: 0 }`.
    pub fn with_weights(mut self, weights: WeightScheme) -> Result<Self> {
        if let WeightScheme::KNearest { k: 0 } = weights {
            return Err(Error::invalid("k", 0, "k nearest cells needs k >= 1"));
        }
        self.weights = weights;
        Ok(self)
    }

    /// Turn the Benjamini-Hochberg FDR correction of the bins on (default) or off.
    pub fn with_fdr(mut self, fdr: bool) -> Self {
        self.fdr = fdr;
        self
    }

    /// Add conditional-permutation pseudo p-values with `permutations` draws (0 = none) from `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] above 99,999 permutations.
    pub fn with_permutations(mut self, permutations: usize, seed: u64) -> Result<Self> {
        if permutations > 99_999 {
            return Err(Error::invalid(
                "permutations",
                permutations,
                "use at most 99999 (999 or 9999 are usual)",
            ));
        }
        self.permutations = permutations;
        self.seed = seed;
        Ok(self)
    }

    /// Cell size, metres.
    pub fn cell_m(&self) -> f64 {
        self.cell_m
    }
    /// Distance band, metres.
    pub fn distance_m(&self) -> f64 {
        self.distance_m
    }
    /// Cell shape.
    pub fn shape(&self) -> CellShape {
        self.shape
    }
    /// Weight scheme.
    pub fn weights(&self) -> WeightScheme {
        self.weights
    }
    /// Whether FDR correction decides the bins.
    pub fn fdr(&self) -> bool {
        self.fdr
    }
    /// Number of permutations (0 = none).
    pub fn permutations(&self) -> usize {
        self.permutations
    }
    /// Permutation seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// Gi* statistics for a set of features (cells or points).
#[derive(Clone, Debug, Default)]
pub struct GiStar {
    /// z-score per feature.
    pub z: Vec<f64>,
    /// Two-sided normal p-value `2 (1 - Phi(|z|))`.
    pub p: Vec<f64>,
    /// Benjamini-Hochberg adjusted `p`.
    pub p_fdr: Vec<f64>,
    /// Conditional-permutation two-sided pseudo p-values, when asked for.
    pub p_sim: Option<Vec<f64>>,
    /// Neighbours of each feature, not counting itself.
    pub n_neighbours: Vec<u32>,
    /// Mean of the values.
    pub mean: f64,
    /// Population standard deviation of the values.
    pub sd: f64,
    /// Set when z is undefined everywhere (all values equal, or one feature).
    pub note: Option<String>,
}

/// Result of [`hot_spots`]: the fishnet and Gi* per cell.
#[derive(Clone, Debug)]
pub struct GiStarResult {
    /// The cells and counts.
    pub fishnet: Fishnet,
    /// The statistics, parallel to the fishnet's cells.
    pub gi: GiStar,
    /// ArcGIS `Gi_Bin`: -3..3 for cold/hot spots at 99/95/90% confidence, 0 not significant.
    pub bin: Vec<i8>,
    /// The parameters used.
    pub params: GiStarParams,
}

impl GiStarResult {
    /// Degenerate-input note, if any.
    pub fn note(&self) -> Option<&str> {
        self.gi.note.as_deref()
    }

    /// Cells per ArcGIS bin: index `bin + 3`, so `[cold 99%, cold 95%, cold 90%, not significant,
    /// hot 90%, hot 95%, hot 99%]`.
    pub fn bin_counts(&self) -> [usize; 7] {
        let mut n = [0; 7];
        for &b in &self.bin {
            n[(b.clamp(-3, 3) + 3) as usize] += 1;
        }
        n
    }

    /// The cells in order of decreasing z (ties by cell index; a NaN z sorts first, as in
    /// [`f64::total_cmp`]), at most `n` of them.
    pub fn hottest(&self, n: usize) -> Vec<usize> {
        let z = &self.gi.z;
        let mut order: Vec<usize> = (0..z.len()).collect();
        order.sort_by(|&a, &b| z[b].total_cmp(&z[a]).then(a.cmp(&b)));
        order.truncate(n);
        order
    }
}

/// The ArcGIS `Gi_Bin` class from a z-score and its (possibly FDR-adjusted)
/// two-sided p-value: `±3` for `p <= 0.01`, `±2` for `p <= 0.05`, `±1` for
/// `p <= 0.10`, sign of z; 0 otherwise (and for z = 0 or NaN).
pub fn gi_bin(z: f64, p: f64) -> i8 {
    let level = if p <= 0.01 {
        3
    } else if p <= 0.05 {
        2
    } else if p <= 0.10 {
        1
    } else {
        0
    };
    if z > 0.0 {
        level
    } else if z < 0.0 {
        -level
    } else {
        0
    }
}

/// Two-sided normal p-value of a z-score (1 for NaN).
pub fn two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    (2.0 * Normal::standard().sf(z.abs())).min(1.0)
}

/// Hot spot analysis: incidents counted into a fishnet (empty cells included;
/// inside `area` when given, else the rectangle of the incidents' extent) and
/// Gi* per cell with p-values, FDR and bins.
///
/// Complexity: see the module documentation; memory `O(cells)`.
///
/// # Errors
/// As [`Fishnet::square`]; [`Error::InvalidParameter`] when `KNearest.k` is not
/// smaller than the number of cells.
///
/// # Example
/// ```
/// use hotspot::{Crs, Incidents};
/// use hotspot::stats::getis_ord::{hot_spots, GiStarParams};
/// let x: Vec<f64> = (0..50).map(|i| 5.0 + (i % 5) as f64).chain((0..10).map(|i| i as f64 * 9.0)).collect();
/// let y: Vec<f64> = (0..50).map(|i| 5.0 + (i / 10) as f64).chain((0..10).map(|i| 80.0 - i as f64 * 7.0)).collect();
/// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y)?;
/// let r = hot_spots(&inc, None, &GiStarParams::new(10.0, 15.0)?)?;
/// let hottest = (0..r.bin.len()).max_by(|&a, &b| r.gi.z[a].total_cmp(&r.gi.z[b])).unwrap();
/// assert_eq!((r.fishnet.col[hottest], r.fishnet.row[hottest]), (0, 0));
/// assert_eq!(r.bin[hottest], 3);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn hot_spots(
    incidents: &Incidents,
    area: Option<&StudyArea>,
    params: &GiStarParams,
) -> Result<GiStarResult> {
    let fishnet = match params.shape {
        CellShape::Square => Fishnet::square(incidents, params.cell_m, area)?,
        CellShape::Hexagon => Fishnet::hexagons(incidents, params.cell_m, area)?,
    };
    hot_spots_on(fishnet, params)
}

/// Hot spot analysis on the area at risk: square cells of the area's grid, only
/// the cells in the area analysed (mean, variance, neighbours and permutations
/// all over those cells), so a cell is compared with the inhabited town rather
/// than with lakes and forest. Incidents in cells outside the area are counted
/// in [`Fishnet::n_outside`].
///
/// # Errors
/// [`Error::InvalidParameter`] when the area's cell size differs from
/// `params.cell_m` or the shape is not square; otherwise as [`hot_spots`].
pub fn hot_spots_at_risk(
    incidents: &Incidents,
    at_risk: &AreaAtRisk,
    params: &GiStarParams,
) -> Result<GiStarResult> {
    let spec = *at_risk.spec();
    if params.shape != CellShape::Square || (spec.cell_m - params.cell_m).abs() > 1e-9 {
        return Err(Error::invalid(
            "cell_m",
            spec.cell_m,
            format!(
                "the area at risk must be built on square cells of the Gi* cell size ({} m)",
                params.cell_m
            ),
        ));
    }
    let full = Fishnet::square_on(incidents, spec, None)?;
    let keep: Vec<usize> = (0..spec.len())
        .filter(|&k| at_risk.contains_cell(k))
        .collect();
    let mut n_outside = full.n_outside;
    let mut n_counted = 0usize;
    for i in 0..incidents.len() {
        let [x, y] = incidents.position(i);
        if let Some((c, r)) = spec.cell_of(x, y) {
            if at_risk.contains_cell(spec.index(c, r)) {
                n_counted += 1;
            } else {
                n_outside += 1;
            }
        }
    }
    let pick = |v: &[f64]| keep.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    let fishnet = Fishnet {
        shape: CellShape::Square,
        cell_m: spec.cell_m,
        frame: spec,
        col: keep.iter().map(|&k| full.col[k]).collect(),
        row: keep.iter().map(|&k| full.row[k]).collect(),
        x: pick(&full.x),
        y: pick(&full.y),
        count: pick(&full.count),
        n_counted,
        n_outside,
        frame_index: Some(keep),
    };
    hot_spots_on(fishnet, params)
}

/// Gi* on an existing fishnet (for example one built with [`Fishnet::square_on`]).
///
/// # Errors
/// As [`hot_spots`].
pub fn hot_spots_on(fishnet: Fishnet, params: &GiStarParams) -> Result<GiStarResult> {
    let gi = if fishnet.shape == CellShape::Square && params.weights == WeightScheme::DistanceBand {
        gi_star_square_band(
            &fishnet,
            params.distance_m,
            params.permutations,
            params.seed,
        )
    } else {
        let w = match params.weights {
            WeightScheme::DistanceBand => {
                SpatialWeights::distance_band(&fishnet.x, &fishnet.y, params.distance_m)?
            }
            WeightScheme::InverseDistance => {
                SpatialWeights::inverse_distance(&fishnet.x, &fishnet.y, params.distance_m)?
            }
            WeightScheme::KNearest { k } => SpatialWeights::k_nearest(&fishnet.x, &fishnet.y, k)?,
        };
        gi_star_with(&fishnet.count, &w, params.permutations, params.seed)?
    };
    // With permutations the bins come from the pseudo p-values (FDR-adjusted
    // when FDR is on), as in ArcGIS's conditional-permutation option and esda.
    let p_sim_fdr = gi.p_sim.as_ref().map(|p| benjamini_hochberg(p));
    let bin = (0..gi.z.len())
        .map(|i| {
            let p = match (&gi.p_sim, &p_sim_fdr) {
                (Some(_), Some(f)) if params.fdr => f[i],
                (Some(ps), _) => ps[i],
                _ if params.fdr => gi.p_fdr[i],
                _ => gi.p[i],
            };
            gi_bin(gi.z[i], p)
        })
        .collect();
    Ok(GiStarResult {
        fishnet,
        gi,
        bin,
        params: params.clone(),
    })
}

/// Gi* for arbitrary features with values `x` and weights `w` (self weights from
/// [`SpatialWeights::self_weight`]), optionally with `permutations`
/// conditional-permutation draws seeded by `seed`.
///
/// # Errors
/// [`Error::InvalidParameter`] when `x` and `w` differ in length or a value is not finite.
pub fn gi_star(x: &[f64], w: &SpatialWeights) -> Result<GiStar> {
    gi_star_with(x, w, 0, 0)
}

/// As [`gi_star`] with permutation inference.
///
/// # Errors
/// As [`gi_star`].
pub fn gi_star_with(
    x: &[f64],
    w: &SpatialWeights,
    permutations: usize,
    seed: u64,
) -> Result<GiStar> {
    if x.len() != w.len() {
        return Err(Error::invalid(
            "weights",
            format!("{} features", w.len()),
            format!("weights must cover the {} values", x.len()),
        ));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "values",
            x[i],
            format!("value {i} must be finite"),
        ));
    }
    let n = x.len();
    let sums: Vec<(f64, f64, f64)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (nb, wt) = w.neighbours(i);
            let sw = w.self_weight(i);
            let mut wi = sw;
            let mut s1 = sw * sw;
            let mut l = sw * x[i];
            for (&j, &wij) in nb.iter().zip(wt) {
                wi += wij;
                s1 += wij * wij;
                l += wij * x[j as usize];
            }
            (wi, s1, l)
        })
        .collect();
    let n_nb = (0..n).map(|i| w.cardinality(i) as u32).collect();
    let mut out = finish(x, &sums, n_nb);
    if permutations > 0 && out.note.is_none() {
        out.p_sim = Some(permutation_p(x, permutations, seed, &sums, |i| {
            let (nb, wt) = w.neighbours(i);
            (nb.len(), w.self_weight(i), Some(wt))
        }));
    }
    Ok(out)
}

/// Mean and population SD (two-pass).
pub(crate) fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.max(0.0).sqrt())
}

/// z, p and FDR from the per-feature sums `(W_i, sum w^2, sum w x)`.
fn finish(x: &[f64], sums: &[(f64, f64, f64)], n_neighbours: Vec<u32>) -> GiStar {
    let n = x.len();
    let (mean, sd) = mean_sd(x);
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let note = if n < 2 {
        Some(format!(
            "{n} cell(s): Gi* is undefined; z set to 0 and p to 1"
        ))
    } else if !(sd > 1e-12 * scale) {
        Some(format!(
            "all {n} cells have the same value ({mean}): Gi* is undefined (zero variance); z set to 0 and p to 1"
        ))
    } else {
        None
    };
    let nf = n as f64;
    let z: Vec<f64> = sums
        .par_iter()
        .map(|&(wi, s1, l)| {
            if note.is_some() {
                return 0.0;
            }
            let var = (nf * s1 - wi * wi) / (nf - 1.0);
            if !(var > 1e-12 * nf * s1) {
                return 0.0;
            }
            (l - mean * wi) / (sd * var.sqrt())
        })
        .collect();
    let p: Vec<f64> = z.par_iter().map(|&z| two_sided_p(z)).collect();
    let p_fdr = benjamini_hochberg(&p);
    GiStar {
        z,
        p,
        p_fdr,
        p_sim: None,
        n_neighbours,
        mean,
        sd,
        note,
    }
}

/// Half-widths (in cells) of the binary band stencil per row offset `dy = -R..=R`.
pub(crate) fn band_stencil(cell_m: f64, distance_m: f64) -> Vec<usize> {
    let lim = distance_m * distance_m * (1.0 + BAND_TOL);
    let r = (distance_m / cell_m * (1.0 + BAND_TOL)).floor() as i64;
    (-r..=r)
        .map(|dy| {
            let mut h = 0i64;
            while (((h + 1) * (h + 1) + dy * dy) as f64) * cell_m * cell_m <= lim {
                h += 1;
            }
            h as usize
        })
        .collect()
}

/// Per analysed cell `(W_i, sum w^2, sum w x)` for binary band weights on a square fishnet.
pub(crate) fn square_band_sums(f: &Fishnet, distance_m: f64) -> (Vec<(f64, f64, f64)>, Vec<u32>) {
    square_band_sums_of(f, &f.count, f.integer_counts(), distance_m)
}

/// As [`square_band_sums`] for other values on the fishnet's cells.
pub(crate) fn square_band_sums_of(
    f: &Fishnet,
    values: &[f64],
    exact_prefix: bool,
    distance_m: f64,
) -> (Vec<(f64, f64, f64)>, Vec<u32>) {
    let spec = f.frame;
    let (cols, rows) = (spec.cols, spec.rows);
    let mut vals = vec![0.0f64; spec.len()];
    let mut mask = vec![0.0f64; spec.len()];
    match &f.frame_index {
        Some(ix) => {
            for (k, &g) in ix.iter().enumerate() {
                vals[g] = values[k];
                mask[g] = 1.0;
            }
        }
        None => {
            vals.copy_from_slice(values);
            mask.fill(1.0);
        }
    }
    let stencil = band_stencil(spec.cell_m, distance_m);
    let r = (stencil.len() / 2) as i64;
    let prefix = |v: &[f64]| -> Vec<f64> {
        let mut p = vec![0.0f64; rows * (cols + 1)];
        p.par_chunks_mut(cols + 1).enumerate().for_each(|(rr, pr)| {
            let mut acc = 0.0;
            for c in 0..cols {
                acc += v[rr * cols + c];
                pr[c + 1] = acc;
            }
        });
        p
    };
    let pm = prefix(&mask);
    let pv = if exact_prefix {
        prefix(&vals)
    } else {
        Vec::new()
    };
    let mut full: Vec<(f64, f64, f64)> = vec![(0.0, 0.0, 0.0); spec.len()];
    full.par_chunks_mut(cols).enumerate().for_each(|(rr, out)| {
        for (c, o) in out.iter_mut().enumerate() {
            let (mut wsum, mut l) = (0.0, 0.0);
            for (s, &h) in stencil.iter().enumerate() {
                let r2 = rr as i64 + s as i64 - r;
                if r2 < 0 || r2 >= rows as i64 {
                    continue;
                }
                let r2 = r2 as usize;
                let lo = c.saturating_sub(h);
                let hi = (c + h).min(cols - 1);
                let base = r2 * (cols + 1);
                wsum += pm[base + hi + 1] - pm[base + lo];
                if exact_prefix {
                    l += pv[base + hi + 1] - pv[base + lo];
                } else {
                    l += vals[r2 * cols + lo..=r2 * cols + hi].iter().sum::<f64>();
                }
            }
            *o = (wsum, wsum, l);
        }
    });
    let pick = |g: usize| full[g];
    let sums: Vec<(f64, f64, f64)> = match &f.frame_index {
        Some(ix) => ix.iter().map(|&g| pick(g)).collect(),
        None => full,
    };
    let nn = sums
        .iter()
        .map(|s| (s.0 as u32).saturating_sub(1))
        .collect();
    (sums, nn)
}

fn gi_star_square_band(f: &Fishnet, distance_m: f64, permutations: usize, seed: u64) -> GiStar {
    let (sums, nn) = square_band_sums(f, distance_m);
    let mut out = finish(&f.count, &sums, nn);
    if permutations > 0 && out.note.is_none() {
        let nn = out.n_neighbours.clone();
        out.p_sim = Some(permutation_p(&f.count, permutations, seed, &sums, |i| {
            (nn[i] as usize, 1.0, None)
        }));
    }
    out
}

/// Conditional permutation (Anselin 1995; esda's `crand`): for feature `i` its
/// own value stays, and its `k_i` neighbour slots receive `k_i` values drawn
/// without replacement from the other `n - 1` features. As in esda, one table
/// of `permutations x max k` random draws (ChaCha8 seeded with `seed`) is shared
/// by all features, index `>= i` shifted by one to skip `i`; so results do not
/// depend on the thread count. The pseudo p-value is two-sided around the
/// permutation expectation `E_i = w_ii x_i + (sum_j w_ij) mean_{j != i} x_j`:
/// `(1 + #{|sim - E_i| >= |obs - E_i|}) / (permutations + 1)`.
fn permutation_p<'a>(
    x: &[f64],
    permutations: usize,
    seed: u64,
    sums: &[(f64, f64, f64)],
    nb: impl Fn(usize) -> (usize, f64, Option<&'a [f64]>) + Sync,
) -> Vec<f64> {
    let n = x.len();
    if n < 2 {
        return vec![1.0; n];
    }
    let kmax = (0..n).map(|i| nb(i).0).max().unwrap_or(0).min(n - 1);
    let table = draw_table(n - 1, kmax, permutations, seed);
    let total: f64 = x.iter().sum();
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    (0..n)
        .into_par_iter()
        .map(|i| {
            let (k, sw, wt) = nb(i);
            let k = k.min(kmax);
            if k == 0 {
                return 1.0;
            }
            let wsum: f64 = wt.map_or(k as f64, |w| w.iter().sum());
            let e = sw * x[i] + wsum * (total - x[i]) / (n - 1) as f64;
            let obs = (sums[i].2 - e).abs() - 1e-9 * scale * (1.0 + wsum);
            let mut extreme = 0usize;
            for p in 0..permutations {
                let row = &table[p * kmax..p * kmax + k];
                let mut s = sw * x[i];
                match wt {
                    Some(w) => {
                        for (m, &r) in row.iter().enumerate() {
                            let j = r as usize + usize::from(r as usize >= i);
                            s += w[m] * x[j];
                        }
                    }
                    None => {
                        for &r in row {
                            let j = r as usize + usize::from(r as usize >= i);
                            s += x[j];
                        }
                    }
                }
                if (s - e).abs() >= obs {
                    extreme += 1;
                }
            }
            (extreme + 1) as f64 / (permutations + 1) as f64
        })
        .collect()
}

/// `permutations` rows of `k` distinct indices in `0..m`, by partial Fisher-Yates.
pub(crate) fn draw_table(m: usize, k: usize, permutations: usize, seed: u64) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pool: Vec<u32> = (0..m as u32).collect();
    let mut table = Vec::with_capacity(permutations * k);
    for _ in 0..permutations {
        for t in 0..k {
            let j = rng.random_range(t..m);
            pool.swap(t, j);
            table.push(pool[t]);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;
    use crate::grid::GridSpec;

    fn toy() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        (
            vec![10.0, 20.0, 40.0, 15.0, 30.0, 30.0],
            vec![10.0, 10.0, 10.0, 20.0, 20.0, 30.0],
            vec![2.0, 3.0, 3.2, 5.0, 8.0, 7.0],
        )
    }

    // Published values: esda 2.9.0 G_Local(star=True), reference_values.json.
    #[test]
    fn six_point_example_binary_matches_esda() {
        let (x, y, v) = toy();
        let w = SpatialWeights::distance_band(&x, &y, 15.0).unwrap();
        let g = gi_star(&v, &w).unwrap();
        let zs = [
            -1.3972762620115442,
            -0.2891776156271273,
            0.6506496351610379,
            -0.2891776156271273,
            1.2345208835198738,
            2.024243309389896,
        ];
        let p1 = [
            0.08116525565671923,
            0.3862227302855575,
            0.2576363409118714,
            0.3862227302855575,
            0.10850443490039863,
            0.021472561709936267,
        ];
        for i in 0..6 {
            assert!(
                (g.z[i] - zs[i]).abs() < 1e-12,
                "{i}: {} vs {}",
                g.z[i],
                zs[i]
            );
            // esda's p_norm is one-tailed; ours is two-sided.
            assert!(
                (g.p[i] - 2.0 * p1[i]).abs() < 1e-9,
                "{} vs {}",
                g.p[i],
                2.0 * p1[i]
            );
        }
    }

    /// Row-standardised weights: the closed form is invariant to scaling a row,
    /// so Gi* with row-standardised weights equals Gi* with binary weights. esda's
    /// published "row-standardised" values differ only because esda's variance
    /// uses `W_i (n - W_i)` (exact for binary weights) with `W_i = 1`; we
    /// reproduce them with that shortcut to show where the difference lies.
    #[test]
    fn six_point_example_row_standardised_versus_esda() {
        let (x, y, v) = toy();
        let wb = SpatialWeights::distance_band(&x, &y, 15.0).unwrap();
        let w = wb.row_standardised_with_self();
        let g = gi_star(&v, &w).unwrap();
        let b = gi_star(&v, &wb).unwrap();
        for i in 0..6 {
            assert!((g.z[i] - b.z[i]).abs() < 1e-12);
        }
        let esda = [
            -0.624880941040924,
            -0.0914459913718423,
            0.4115069611732913,
            -0.0914459913718423,
            0.2469041767039752,
            1.2802438792057955,
        ];
        let n = 6.0;
        let sum: f64 = v.iter().sum();
        let (mean, sd) = mean_sd(&v);
        for i in 0..6 {
            let (nb, wt) = w.neighbours(i);
            let gi = (w.self_weight(i) * v[i]
                + nb.iter()
                    .zip(wt)
                    .map(|(&j, &wij)| wij * v[j as usize])
                    .sum::<f64>())
                / sum;
            let wi = 1.0;
            let var = wi * (n - wi) / ((n - 1.0) * n * n) * sd * sd / (mean * mean);
            let z = (gi - wi / n) / var.sqrt();
            assert!((z - esda[i]).abs() < 1e-12, "{i}: {z} vs {}", esda[i]);
        }
    }

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Brute-force twin: the stencil path equals explicit R-tree neighbour lists.
    #[test]
    fn square_band_fast_path_equals_explicit_weights() {
        let mut s = 7u64;
        for &(cols, rows, cell, d, weighted) in &[
            (9usize, 7usize, 10.0, 15.0, false),
            (12, 5, 10.0, 30.0, false),
            (6, 6, 5.0, 5.0, true),
            (20, 11, 3.0, 10.0, true),
        ] {
            let spec = GridSpec::new(100.0, 200.0, cell, cols, rows).unwrap();
            let n = 300;
            let xs: Vec<f64> = (0..n)
                .map(|_| 100.0 + lcg(&mut s).powi(2) * cell * cols as f64)
                .collect();
            let ys: Vec<f64> = (0..n)
                .map(|_| 200.0 + lcg(&mut s) * cell * rows as f64)
                .collect();
            let mut inc = Incidents::from_xy(Crs::SWEREF99_TM, &xs, &ys).unwrap();
            if weighted {
                let w: Vec<f64> = (0..n).map(|_| lcg(&mut s) * 3.0).collect();
                inc = inc.with_weights(w).unwrap();
            }
            let f = Fishnet::square_on(&inc, spec, None).unwrap();
            let fast = gi_star_square_band(&f, d, 0, 0);
            let w = SpatialWeights::distance_band(&f.x, &f.y, d).unwrap();
            let slow = gi_star(&f.count, &w).unwrap();
            for i in 0..f.len() {
                assert!(
                    (fast.z[i] - slow.z[i]).abs() < 1e-9,
                    "cell {i}: {} vs {}",
                    fast.z[i],
                    slow.z[i]
                );
                assert_eq!(fast.n_neighbours[i], slow.n_neighbours[i]);
            }
        }
    }

    #[test]
    fn fast_path_with_study_area_equals_explicit_weights() {
        use geo::{MultiPolygon, polygon};
        let p = polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 40.0), (x: 40.0, y: 100.0), (x: 0.0, y: 100.0)];
        let area = StudyArea::new(MultiPolygon::new(vec![p])).unwrap();
        let mut s = 3u64;
        let xs: Vec<f64> = (0..400).map(|_| lcg(&mut s) * 100.0).collect();
        let ys: Vec<f64> = (0..400).map(|_| lcg(&mut s).sqrt() * 100.0).collect();
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &xs, &ys).unwrap();
        let f = Fishnet::square(&inc, 10.0, Some(&area)).unwrap();
        assert!(f.n_outside > 0 && f.len() < 100);
        let fast = gi_star_square_band(&f, 25.0, 0, 0);
        let slow = gi_star(
            &f.count,
            &SpatialWeights::distance_band(&f.x, &f.y, 25.0).unwrap(),
        )
        .unwrap();
        for i in 0..f.len() {
            assert!((fast.z[i] - slow.z[i]).abs() < 1e-9);
        }
    }

    #[test]
    fn degenerate_inputs_give_defined_results() {
        // All counts equal.
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[5.0, 15.0, 5.0, 15.0],
            &[5.0, 5.0, 15.0, 15.0],
        )
        .unwrap();
        let r = hot_spots(&inc, None, &GiStarParams::new(10.0, 10.0).unwrap()).unwrap();
        assert_eq!(r.fishnet.len(), 4);
        assert!(r.gi.z.iter().all(|&z| z == 0.0));
        assert!(r.gi.p.iter().all(|&p| p == 1.0));
        assert!(r.bin.iter().all(|&b| b == 0));
        assert!(r.note().unwrap().contains("same value"));
        // One cell.
        let one = Incidents::from_xy(Crs::SWEREF99_TM, &[1.0, 2.0], &[1.0, 2.0]).unwrap();
        let r = hot_spots(
            &one,
            None,
            &GiStarParams::new(10.0, 10.0)
                .unwrap()
                .with_permutations(99, 1)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(r.fishnet.len(), 1);
        assert_eq!((r.gi.z[0], r.gi.p[0], r.bin[0]), (0.0, 1.0, 0));
        // No neighbours: band smaller than the cell. Defined, finite.
        let inc =
            Incidents::from_xy(Crs::SWEREF99_TM, &[1.0, 2.0, 25.0], &[1.0, 2.0, 1.0]).unwrap();
        let r = hot_spots(&inc, None, &GiStarParams::new(10.0, 5.0).unwrap()).unwrap();
        assert!(r.gi.z.iter().all(|z| z.is_finite()));
        assert!(r.gi.n_neighbours.iter().all(|&k| k == 0));
        // Band covering every cell: variance term zero -> z 0.
        let r = hot_spots(&inc, None, &GiStarParams::new(10.0, 1000.0).unwrap()).unwrap();
        assert!(r.gi.z.iter().all(|&z| z == 0.0));
        // No incidents, no area.
        let empty = Incidents::empty(Crs::SWEREF99_TM).unwrap();
        assert!(matches!(
            hot_spots(&empty, None, &GiStarParams::new(10.0, 10.0).unwrap()),
            Err(Error::InsufficientData(_))
        ));
        assert!(GiStarParams::new(0.0, 1.0).is_err());
        assert!(GiStarParams::new(1.0, f64::NAN).is_err());
    }

    #[test]
    fn permutation_p_is_seeded_thread_independent_and_agrees_with_normal_p() {
        let mut s = 11u64;
        let mut xs: Vec<f64> = (0..600).map(|_| lcg(&mut s) * 200.0).collect();
        let mut ys: Vec<f64> = (0..600).map(|_| lcg(&mut s) * 200.0).collect();
        for _ in 0..150 {
            xs.push(50.0 + lcg(&mut s) * 20.0);
            ys.push(50.0 + lcg(&mut s) * 20.0);
        }
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &xs, &ys).unwrap();
        let params = GiStarParams::new(10.0, 20.0)
            .unwrap()
            .with_permutations(199, 42)
            .unwrap();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| hot_spots(&inc, None, &params).unwrap())
        };
        let a = run(1);
        let b = run(2);
        assert_eq!(a.gi.p_sim, b.gi.p_sim);
        let ps = a.gi.p_sim.unwrap();
        // The cluster centre is extreme under both inferences.
        let k = a.fishnet.frame.index(6, 6);
        assert!(a.gi.z[k] > 5.0);
        assert_eq!(ps[k], 1.0 / 200.0);
        // Cells with |z| < 0.5 are rarely extreme by permutation.
        let calm: Vec<f64> = (0..ps.len())
            .filter(|&i| a.gi.z[i].abs() < 0.5)
            .map(|i| ps[i])
            .collect();
        assert!(calm.iter().sum::<f64>() / calm.len() as f64 > 0.4);
        let other = hot_spots(
            &inc,
            None,
            &params.clone().with_permutations(199, 43).unwrap(),
        )
        .unwrap();
        assert_ne!(other.gi.p_sim.unwrap(), ps);
    }

    #[test]
    fn draw_table_rows_are_distinct() {
        let t = draw_table(10, 10, 5, 1);
        for row in t.chunks(10) {
            let mut r = row.to_vec();
            r.sort();
            assert_eq!(r, (0..10).collect::<Vec<u32>>());
        }
    }

    #[test]
    fn bin_counts_and_hottest_cells_by_hand() {
        let inc =
            Incidents::from_xy(Crs::SWEREF99_TM, &[0.0, 5.0, 25.0], &[0.0, 5.0, 25.0]).unwrap();
        let mut r = hot_spots(&inc, None, &GiStarParams::new(10.0, 15.0).unwrap()).unwrap();
        r.bin = vec![3, 0, -1, 0, 2, 3, -3];
        assert_eq!(r.bin_counts(), [1, 0, 1, 2, 0, 1, 2]);
        r.gi.z = vec![1.0, f64::NAN, 2.5, -4.0, 2.5, 0.0];
        // Decreasing z, the tie 2.5 by index (2 before 4); total_cmp puts a positive NaN first.
        assert_eq!(r.hottest(10), [1, 2, 4, 0, 5, 3]);
        assert_eq!(r.hottest(2), [1, 2]);
    }

    #[test]
    fn bins_follow_arcgis_levels() {
        assert_eq!(gi_bin(3.0, 0.005), 3);
        assert_eq!(gi_bin(-2.0, 0.04), -2);
        assert_eq!(gi_bin(1.7, 0.09), 1);
        assert_eq!(gi_bin(1.0, 0.3), 0);
        assert_eq!(gi_bin(0.0, 0.001), 0);
        assert!(
            (two_sided_p(1.959963984540054) - 0.05).abs() < 1e-9,
            "{}",
            two_sided_p(1.959963984540054)
        );
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn at_risk_gi_star_tests_only_the_town_and_equals_brute_force_on_its_cells() {
        use crate::area_at_risk::AreaAtRisk;
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        // A town in the western half of a 20 x 20 grid of 10 m cells; forest east.
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..600 {
            x.push(rng.random_range(0.0..100.0));
            y.push(rng.random_range(0.0..200.0));
        }
        for _ in 0..60 {
            x.push(rng.random_range(40.0..60.0));
            y.push(rng.random_range(90.0..110.0));
        }
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let spec = GridSpec::new(0.0, 0.0, 10.0, 20, 20).unwrap();
        let mask: Vec<bool> = (0..spec.len()).map(|k| spec.col_row(k).0 < 10).collect();
        let area = AreaAtRisk::with_mask(spec, mask, "west half".into()).unwrap();
        let params = GiStarParams::new(10.0, 15.0)
            .unwrap()
            .with_permutations(99, 7)
            .unwrap();
        let r = hot_spots_at_risk(&inc, &area, &params).unwrap();
        assert_eq!(r.fishnet.len(), 200);
        assert!(r.fishnet.col.iter().all(|&c| c < 10));
        assert_eq!(r.fishnet.n_counted, 660);
        // Brute force over the analysed cells only.
        let w = SpatialWeights::distance_band(&r.fishnet.x, &r.fishnet.y, 15.0).unwrap();
        let g = gi_star(&r.fishnet.count, &w).unwrap();
        for i in 0..200 {
            assert!((g.z[i] - r.gi.z[i]).abs() < 1e-9, "{i}");
        }
        // Bins come from the FDR-adjusted pseudo p-values.
        let ps = benjamini_hochberg(r.gi.p_sim.as_ref().unwrap());
        for i in 0..200 {
            assert_eq!(r.bin[i], gi_bin(r.gi.z[i], ps[i]));
        }
        // On the whole box the empty forest makes the western cells look hot.
        let whole = hot_spots_on(
            Fishnet::square_on(&inc, spec, None).unwrap(),
            &GiStarParams::new(10.0, 15.0).unwrap(),
        )
        .unwrap();
        let hot = |b: &[i8]| b.iter().filter(|&&v| v == 3).count();
        let at_risk_normal =
            hot_spots_at_risk(&inc, &area, &GiStarParams::new(10.0, 15.0).unwrap()).unwrap();
        assert!(
            hot(&whole.bin) > hot(&at_risk_normal.bin),
            "{} vs {}",
            hot(&whole.bin),
            hot(&at_risk_normal.bin)
        );
        // Mismatched cell size is refused.
        assert!(hot_spots_at_risk(&inc, &area, &GiStarParams::new(20.0, 30.0).unwrap()).is_err());
    }
}
