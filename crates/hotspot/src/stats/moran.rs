//! Moran's I: global (Moran 1950; moments of Cliff & Ord 1981) with normal,
//! randomisation and permutation inference, and local Moran's I (LISA; Anselin 1995)
//! with high-high / low-low / high-low / low-high classes.
//!
//! With `z_i = x_i - xbar`, `S0 = sum_ij w_ij`:
//! `I = (n / S0) sum_ij w_ij z_i z_j / sum_i z_i^2`, `E[I] = -1 / (n - 1)`.
//! Variances: under normality `(n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E[I]^2`;
//! under randomisation (Cliff & Ord 1981, eq. 1.38) with kurtosis `b2 = m4 / m2^2`
//! `[n((n^2 - 3n + 3) S1 - n S2 + 3 S0^2) - b2((n^2 - n) S1 - 2n S2 + 6 S0^2)] / ((n-1)(n-2)(n-3) S0^2) - E[I]^2`,
//! `S1 = 1/2 sum_ij (w_ij + w_ji)^2`, `S2 = sum_i (w_i. + w_.i)^2`. These are esda's
//! `z_norm` and `z_rand`; p-values here are two-sided.
//!
//! Degenerate inputs (fewer than 4 features, all values equal, no weights at
//! all): I and z are set to 0, p to 1, and [`GlobalMoran::note`] says why.
//! Features without neighbours ("islands") stay in `n` with a zero spatial lag,
//! as in esda.

use crate::error::{Error, Result};
use crate::stats::fishnet::Fishnet;
use crate::stats::getis_ord::{draw_table, square_band_sums_of, two_sided_p};
use crate::stats::weights::SpatialWeights;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Global Moran's I and its inference.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GlobalMoran {
    /// Number of features.
    pub n: usize,
    /// Moran's I.
    pub i: f64,
    /// `E[I] = -1 / (n - 1)`.
    pub expected: f64,
    /// Variance under the normality assumption.
    pub var_norm: f64,
    /// Variance under randomisation.
    pub var_rand: f64,
    /// z under normality.
    pub z_norm: f64,
    /// z under randomisation (the usual choice).
    pub z_rand: f64,
    /// Two-sided p of `z_norm`.
    pub p_norm: f64,
    /// Two-sided p of `z_rand`.
    pub p_rand: f64,
    /// Permutation pseudo p-value (one-sided in the direction of the observed I,
    /// `(1 + #{as or more extreme}) / (permutations + 1)`, as esda's `p_sim`).
    pub p_sim: Option<f64>,
    /// Permutations used.
    pub permutations: usize,
    /// Why I is set to 0, if it is.
    pub note: Option<String>,
}

struct Moments {
    s0: f64,
    s1: f64,
    s2: f64,
}

#[allow(clippy::needless_range_loop)]
fn moments(w: &SpatialWeights) -> Moments {
    let n = w.len();
    let mut s0 = 0.0;
    let mut s1x2 = 0.0;
    let mut col = vec![0.0; n];
    let mut row = vec![0.0; n];
    for i in 0..n {
        let (nb, wt) = w.neighbours(i);
        for (&j, &wij) in nb.iter().zip(wt) {
            let j = j as usize;
            s0 += wij;
            row[i] += wij;
            col[j] += wij;
            let (nj, wj) = w.neighbours(j);
            match nj.binary_search(&(i as u32)) {
                Ok(p) => s1x2 += (wij + wj[p]).powi(2),
                Err(_) => s1x2 += 2.0 * wij * wij,
            }
        }
    }
    let s2 = (0..n).map(|i| (row[i] + col[i]).powi(2)).sum();
    Moments {
        s0,
        s1: s1x2 / 2.0,
        s2,
    }
}

/// Global Moran's I of `x` with weights `w` (neighbours only; the self weight is
/// ignored), with `permutations` random permutations (0 = none) seeded by `seed`.
///
/// Complexity `O(nnz)` plus `O(permutations x (n + nnz))`.
///
/// # Errors
/// [`Error::InvalidParameter`] when lengths differ or a value is not finite.
///
/// # Example
/// ```
/// use hotspot::stats::{moran::global_moran, weights::SpatialWeights};
/// // A line of 6 features, values rising: strong positive autocorrelation.
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// let w = SpatialWeights::distance_band(&x, &[0.0; 6], 1.0)?;
/// let m = global_moran(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &w, 0, 0)?;
/// assert!((m.i - 0.6).abs() < 1e-12);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn global_moran(
    x: &[f64],
    w: &SpatialWeights,
    permutations: usize,
    seed: u64,
) -> Result<GlobalMoran> {
    check(x, w)?;
    let n = x.len();
    let (mean, _) = crate::stats::getis_ord::mean_sd(x);
    let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let m = moments(w);
    // Fixed chunks added in order: the same bits at every thread count.
    let lag = |z: &[f64]| -> f64 {
        crate::stats::sum::par_sum(n, |i| {
            let (nb, wt) = w.neighbours(i);
            z[i] * nb
                .iter()
                .zip(wt)
                .map(|(&j, &wij)| wij * z[j as usize])
                .sum::<f64>()
        })
    };
    let cross = if n >= 4 && m.s0 > 0.0 { lag(&z) } else { 0.0 };
    let mut out = from_parts(x, &z, cross, m.s0, m.s1, m.s2);
    if permutations > 0 && out.note.is_none() {
        let sims: Vec<f64> = (0..permutations)
            .into_par_iter()
            .map(|p| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(p as u64);
                let mut zz = z.clone();
                zz.shuffle(&mut rng);
                lag(&zz)
            })
            .collect();
        out.p_sim = Some(folded_p(cross, &sims));
        out.permutations = permutations;
    }
    Ok(out)
}

/// Global Moran's I of a square fishnet's counts with binary distance-band
/// weights (cell centres within `distance_m`, the cell itself excluded), using
/// the same exact stencil sums as Gi*: `O(cells x band)` without building
/// neighbour lists. Used by the optimized hot spot analysis.
///
/// # Errors
/// [`Error::InvalidParameter`] when the fishnet is hexagonal or `distance_m` is not positive.
pub fn global_moran_fishnet(f: &Fishnet, distance_m: f64) -> Result<GlobalMoran> {
    if f.shape != crate::stats::fishnet::CellShape::Square {
        return Err(Error::invalid(
            "shape",
            "hexagon",
            "the stencil Moran's I needs square cells",
        ));
    }
    if !(distance_m.is_finite() && distance_m > 0.0) {
        return Err(Error::invalid(
            "distance_m",
            distance_m,
            "must be a positive number of metres",
        ));
    }
    let x = &f.count;
    let (mean, _) = crate::stats::getis_ord::mean_sd(x);
    let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let (sums, nn) = square_band_sums_of(f, &z, false, distance_m);
    // Lag excludes the cell itself: band sum minus own value.
    let cross: f64 = (0..z.len()).map(|i| z[i] * (sums[i].2 - z[i])).sum();
    let s0: f64 = nn.iter().map(|&k| k as f64).sum();
    let s2: f64 = nn.iter().map(|&k| (2.0 * k as f64).powi(2)).sum();
    Ok(from_parts(x, &z, cross, s0, 2.0 * s0, s2))
}

fn from_parts(x: &[f64], z: &[f64], cross: f64, s0: f64, s1: f64, s2: f64) -> GlobalMoran {
    let n = x.len();
    let nf = n as f64;
    let m2 = z.iter().map(|v| v * v).sum::<f64>() / nf.max(1.0);
    let m4 = z.iter().map(|v| v.powi(4)).sum::<f64>() / nf.max(1.0);
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let expected = if n > 1 { -1.0 / (nf - 1.0) } else { 0.0 };
    let note = if n < 4 {
        Some(format!(
            "{n} feature(s): Moran's I needs at least 4; I and z set to 0, p to 1"
        ))
    } else if !(m2.sqrt() > 1e-12 * scale) {
        Some("all values are equal: Moran's I is undefined; I and z set to 0, p to 1".to_string())
    } else if !(s0 > 0.0) {
        Some("no feature has a neighbour at this distance: Moran's I is undefined; I and z set to 0, p to 1".into())
    } else {
        None
    };
    if let Some(note) = note {
        return GlobalMoran {
            n,
            i: 0.0,
            expected,
            var_norm: 0.0,
            var_rand: 0.0,
            z_norm: 0.0,
            z_rand: 0.0,
            p_norm: 1.0,
            p_rand: 1.0,
            p_sim: None,
            permutations: 0,
            note: Some(note),
        };
    }
    let i = nf / s0 * cross / (m2 * nf);
    let e2 = expected * expected;
    let var_norm = (nf * nf * s1 - nf * s2 + 3.0 * s0 * s0) / ((nf * nf - 1.0) * s0 * s0) - e2;
    let b2 = m4 / (m2 * m2);
    let var_rand = (nf * ((nf * nf - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s0 * s0)
        - b2 * ((nf * nf - nf) * s1 - 2.0 * nf * s2 + 6.0 * s0 * s0))
        / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0) * s0 * s0)
        - e2;
    let zf = |v: f64| {
        if v > 0.0 {
            (i - expected) / v.sqrt()
        } else {
            0.0
        }
    };
    let (z_norm, z_rand) = (zf(var_norm), zf(var_rand));
    GlobalMoran {
        n,
        i,
        expected,
        var_norm,
        var_rand,
        z_norm,
        z_rand,
        p_norm: two_sided_p(z_norm),
        p_rand: two_sided_p(z_rand),
        p_sim: None,
        permutations: 0,
        note: None,
    }
}

/// esda's folded pseudo p: `larger = #{sim >= obs}`, folded to the smaller tail.
fn folded_p(obs: f64, sims: &[f64]) -> f64 {
    let perms = sims.len();
    let tol = 1e-12 * obs.abs().max(1e-300);
    let mut larger = sims.iter().filter(|&&s| s >= obs - tol).count();
    if perms - larger < larger {
        larger = perms - larger;
    }
    (larger + 1) as f64 / (perms + 1) as f64
}

/// Local Moran quadrant of a significant feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LisaClass {
    /// High value among high neighbours (hot spot).
    HighHigh,
    /// Low value among low neighbours (cold spot).
    LowLow,
    /// High value among low neighbours (outlier).
    HighLow,
    /// Low value among high neighbours (outlier).
    LowHigh,
    /// Not significant at the chosen level.
    NotSignificant,
}

impl LisaClass {
    /// Short label: `HH`, `LL`, `HL`, `LH` or `ns`.
    pub fn as_str(self) -> &'static str {
        match self {
            LisaClass::HighHigh => "HH",
            LisaClass::LowLow => "LL",
            LisaClass::HighLow => "HL",
            LisaClass::LowHigh => "LH",
            LisaClass::NotSignificant => "ns",
        }
    }
}

/// Local Moran's I per feature.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalMoran {
    /// `I_i = (z_i / m2) sum_j w_ij z_j`, `m2 = sum z^2 / n`.
    pub i: Vec<f64>,
    /// Conditional-permutation pseudo p (esda's folded one-sided `p_sim`).
    pub p_sim: Vec<f64>,
    /// Quadrant class when `p_sim <= alpha`, else [`LisaClass::NotSignificant`].
    pub class: Vec<LisaClass>,
}

/// Local Moran's I (Anselin 1995) with conditional permutation inference (own
/// value fixed, neighbours drawn without replacement from the others; one shared
/// seeded draw table as in esda, so results do not depend on threads) and the
/// quadrant classes at significance `alpha`.
///
/// All values equal or fewer than 3 features: every `I_i` is 0, p 1, class `ns`.
///
/// # Errors
/// [`Error::InvalidParameter`] for mismatched lengths, non-finite values,
/// `permutations` 0 or above 99,999, or `alpha` outside (0, 1).
pub fn local_moran(
    x: &[f64],
    w: &SpatialWeights,
    permutations: usize,
    seed: u64,
    alpha: f64,
) -> Result<LocalMoran> {
    check(x, w)?;
    if permutations == 0 || permutations > 99_999 {
        return Err(Error::invalid(
            "permutations",
            permutations,
            "use 99 to 99999 (999 is usual)",
        ));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            alpha,
            "the significance level must be in (0, 1)",
        ));
    }
    let n = x.len();
    let (mean, sd) = crate::stats::getis_ord::mean_sd(x);
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if n < 3 || !(sd > 1e-12 * scale) {
        return Ok(LocalMoran {
            i: vec![0.0; n],
            p_sim: vec![1.0; n],
            class: vec![LisaClass::NotSignificant; n],
        });
    }
    let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let m2 = sd * sd;
    let kmax = (0..n)
        .map(|i| w.cardinality(i))
        .max()
        .unwrap_or(0)
        .min(n - 1);
    let table = draw_table(n - 1, kmax, permutations, seed);
    let res: Vec<(f64, f64, LisaClass)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (nb, wt) = w.neighbours(i);
            let lag: f64 = nb
                .iter()
                .zip(wt)
                .map(|(&j, &wij)| wij * z[j as usize])
                .sum();
            let ii = z[i] / m2 * lag;
            let k = nb.len().min(kmax);
            if k == 0 {
                return (ii, 1.0, LisaClass::NotSignificant);
            }
            let sims: Vec<f64> = (0..permutations)
                .map(|p| {
                    let row = &table[p * kmax..p * kmax + k];
                    let s: f64 = row
                        .iter()
                        .zip(wt)
                        .map(|(&r, &wij)| wij * z[r as usize + usize::from(r as usize >= i)])
                        .sum();
                    z[i] / m2 * s
                })
                .collect();
            let p = folded_p(ii, &sims);
            let class = if p > alpha {
                LisaClass::NotSignificant
            } else {
                match (z[i] > 0.0, lag > 0.0) {
                    (true, true) => LisaClass::HighHigh,
                    (false, false) => LisaClass::LowLow,
                    (true, false) => LisaClass::HighLow,
                    (false, true) => LisaClass::LowHigh,
                }
            };
            (ii, p, class)
        })
        .collect();
    Ok(LocalMoran {
        i: res.iter().map(|r| r.0).collect(),
        p_sim: res.iter().map(|r| r.1).collect(),
        class: res.iter().map(|r| r.2).collect(),
    })
}

fn check(x: &[f64], w: &SpatialWeights) -> Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::fishnet::Fishnet;
    use crate::{Crs, Incidents};

    /// Brute force over the dense matrix.
    fn dense_moran(x: &[f64], w: &SpatialWeights) -> (f64, f64, f64) {
        let n = x.len();
        let mut m = vec![vec![0.0; n]; n];
        for (i, row) in m.iter_mut().enumerate() {
            let (nb, wt) = w.neighbours(i);
            for (&j, &v) in nb.iter().zip(wt) {
                row[j as usize] = v;
            }
        }
        let mean = x.iter().sum::<f64>() / n as f64;
        let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
        let s0: f64 = m.iter().flatten().sum();
        let mut num = 0.0;
        let mut s1 = 0.0;
        for i in 0..n {
            for j in 0..n {
                num += m[i][j] * z[i] * z[j];
                s1 += (m[i][j] + m[j][i]).powi(2);
            }
        }
        let s2: f64 = (0..n)
            .map(|i| (m[i].iter().sum::<f64>() + (0..n).map(|j| m[j][i]).sum::<f64>()).powi(2))
            .sum();
        let i = n as f64 / s0 * num / z.iter().map(|v| v * v).sum::<f64>();
        (i, s1 / 2.0, s2)
    }

    #[test]
    fn matches_dense_brute_force_with_asymmetric_weights() {
        let xs: Vec<f64> = (0..40).map(|i| ((i * 37) % 23) as f64).collect();
        let ys: Vec<f64> = (0..40).map(|i| ((i * 17) % 19) as f64).collect();
        let v: Vec<f64> = (0..40)
            .map(|i| ((i * 7) % 11) as f64 + xs[i] * 0.3)
            .collect();
        let w = SpatialWeights::k_nearest(&xs, &ys, 4)
            .unwrap()
            .row_standardised();
        let m = global_moran(&v, &w, 0, 0).unwrap();
        let (i, s1, s2) = dense_moran(&v, &w);
        assert!((m.i - i).abs() < 1e-12);
        let mm = moments(&w);
        assert!((mm.s1 - s1).abs() < 1e-9 && (mm.s2 - s2).abs() < 1e-9);
    }

    #[test]
    fn line_example_by_hand() {
        // Values 1..6 on a line, rook neighbours: z = -2.5..2.5, sum z^2 = 17.5,
        // sum_ij w_ij z_i z_j = 2 * sum z_i z_(i+1) = 2 * 8.75 = 17.5; S0 = 10;
        // I = 6/10 * 17.5 / 17.5 = 0.6.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let w = SpatialWeights::distance_band(&x, &[0.0; 6], 1.0).unwrap();
        let m = global_moran(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &w, 0, 0).unwrap();
        assert!((m.i - 0.6).abs() < 1e-12, "{}", m.i);
        assert_eq!(m.expected, -0.2);
    }

    #[test]
    fn fishnet_stencil_equals_explicit_weights() {
        let xs: Vec<f64> = (0..500)
            .map(|i| ((i * 7919) % 1000) as f64 / 10.0)
            .collect();
        let ys: Vec<f64> = (0..500)
            .map(|i| (((i * 104729) % 1000) as f64 / 10.0).powf(1.3) / 4.0)
            .collect();
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &xs, &ys).unwrap();
        let f = Fishnet::square(&inc, 10.0, None).unwrap();
        let a = global_moran_fishnet(&f, 15.0).unwrap();
        let w = SpatialWeights::distance_band(&f.x, &f.y, 15.0).unwrap();
        let b = global_moran(&f.count, &w, 0, 0).unwrap();
        assert!((a.i - b.i).abs() < 1e-12);
        assert!((a.z_rand - b.z_rand).abs() < 1e-9);
        assert!((a.z_norm - b.z_norm).abs() < 1e-9);
    }

    #[test]
    fn permutation_and_degenerate() {
        let x: Vec<f64> = (0..30).map(|i| i as f64).collect();
        let w = SpatialWeights::distance_band(&x, &[0.0; 30], 1.0).unwrap();
        let v: Vec<f64> = (0..30).map(|i| (i / 10) as f64).collect();
        let m = global_moran(&v, &w, 199, 5).unwrap();
        assert_eq!(m.p_sim, Some(1.0 / 200.0));
        let m2 = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| global_moran(&v, &w, 199, 5).unwrap());
        assert_eq!(m, m2);
        let flat = global_moran(&[3.0; 30], &w, 99, 1).unwrap();
        assert_eq!((flat.i, flat.p_rand), (0.0, 1.0));
        assert!(flat.note.is_some());
        let l = local_moran(&[3.0; 30], &w, 99, 1, 0.05).unwrap();
        assert!(l.class.iter().all(|&c| c == LisaClass::NotSignificant));
        assert!(local_moran(&v, &w, 0, 1, 0.05).is_err());
    }

    #[test]
    fn local_moran_classes() {
        // A high block, a low block, one high outlier in the low block.
        let n = 40;
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let w = SpatialWeights::distance_band(&x, &vec![0.0; n], 3.0).unwrap();
        let mut v: Vec<f64> = (0..n).map(|i| if i < 20 { 10.0 } else { 0.0 }).collect();
        v[30] = 10.0;
        let l = local_moran(&v, &w, 999, 3, 0.05).unwrap();
        let sum_i: f64 = l.i.iter().sum();
        let g = global_moran(&v, &w, 0, 0).unwrap();
        let s0: f64 = (0..n).map(|i| w.neighbours(i).1.iter().sum::<f64>()).sum();
        // sum of local I = S0 * I (Anselin 1995, with m2 = sum z^2 / n)
        assert!((sum_i - s0 * g.i).abs() < 1e-9);
        assert_eq!(l.class[5], LisaClass::HighHigh);
        assert_eq!(l.class[35], LisaClass::LowLow);
        assert_eq!(l.class[30], LisaClass::HighLow);
    }
}
