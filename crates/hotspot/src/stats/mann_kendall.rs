//! The Mann-Kendall test for a monotonic trend in a series, with the correction for ties.
//!
//! Source: Mann (1945), Kendall (1975), in the form given by Gilbert (1987),
//! *Statistical Methods for Environmental Pollution Monitoring*, §16.4:
//!
//! - `S = Σ_{i<j} sign(x_j − x_i)`;
//! - `Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18`, where `t_g` is the size of the g-th group of tied values;
//! - `Z = (S−1)/√Var(S)` if `S > 0`, `0` if `S = 0`, `(S+1)/√Var(S)` if `S < 0` (continuity correction);
//! - the p value is two-sided from the standard normal, `2(1 − Φ(|Z|))`.
//!
//! The normal approximation is the one ArcGIS's Emerging Hot Spot Analysis uses on
//! each location's Gi* series; for very short series (n < 10) Gilbert tabulates exact
//! probabilities instead, which this module does not do.
//!
//! Complexity `O(n²)` time (the series are short: one value per time step), `O(n log n)` for the ties.

use super::getis_ord::two_sided_p;
use crate::error::{Error, Result};
use serde::Serialize;

/// The result of a Mann-Kendall test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MannKendall {
    /// Series length.
    pub n: usize,
    /// The statistic `S` (positive: increasing).
    pub s: i64,
    /// Variance of `S` under no trend, corrected for ties.
    pub var_s: f64,
    /// Standardised statistic with continuity correction (0 when `Var(S) = 0`).
    pub z: f64,
    /// Two-sided p value from the normal approximation (1 when `Var(S) = 0`).
    pub p: f64,
    /// Kendall's tau-a, `S / (n(n−1)/2)` (0 for `n < 2`).
    pub tau: f64,
}

impl MannKendall {
    /// The trend at significance level `alpha` (two-sided): +1 increasing, −1 decreasing, 0 none.
    pub fn trend(&self, alpha: f64) -> i8 {
        if self.p < alpha {
            if self.s > 0 { 1 } else { -1 }
        } else {
            0
        }
    }
}

/// Mann-Kendall trend test of `x`, in time order.
///
/// Degenerate input: a series shorter than 2, or all tied, has `S = 0`, `Var(S) = 0`
/// (for n < 2), `Z = 0` and `p = 1`.
///
/// # Errors
/// [`Error::InvalidParameter`] when a value is not finite.
///
/// # Example
/// ```
/// use hotspot::stats::mann_kendall::mann_kendall;
/// let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])?;
/// assert_eq!(mk.s, 45);
/// assert!(mk.p < 0.001 && mk.trend(0.05) == 1);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn mann_kendall(x: &[f64]) -> Result<MannKendall> {
    if let Some((i, v)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::invalid(
            "series",
            v,
            format!("value {i} of the series is not a finite number"),
        ));
    }
    let n = x.len();
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += match x[j].partial_cmp(&x[i]) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut k = 0;
    while k < n {
        let mut e = k + 1;
        while e < n && sorted[e] == sorted[k] {
            e += 1;
        }
        let t = (e - k) as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        k = e;
    }
    let nf = n as f64;
    let var_s = ((nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0).max(0.0);
    let z = if var_s <= 0.0 || s == 0 {
        0.0
    } else if s > 0 {
        (s as f64 - 1.0) / var_s.sqrt()
    } else {
        (s as f64 + 1.0) / var_s.sqrt()
    };
    let p = if var_s <= 0.0 { 1.0 } else { two_sided_p(z) };
    let pairs = nf * (nf - 1.0) / 2.0;
    Ok(MannKendall {
        n,
        s,
        var_s,
        z,
        p,
        tau: if pairs > 0.0 { s as f64 / pairs } else { 0.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked example by hand: D. Little, "A Mann-Kendall Example ('By Hand')",
    /// College of the Holy Cross (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt):
    /// 14 values, one tied pair; S = 54, V = 14·13·33/18 − 2·1·9/18, Z = 2.9058, one-sided p ≈ 0.0018.
    #[test]
    fn worked_example_with_one_tie() {
        let x = [
            12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7,
        ];
        let mk = mann_kendall(&x).unwrap();
        assert_eq!(mk.s, 54);
        let v = 14.0 * 13.0 * 33.0 / 18.0 - 2.0 * 1.0 * 9.0 / 18.0;
        assert!((mk.var_s - v).abs() < 1e-9);
        assert!((mk.z - 2.9058).abs() < 5e-5, "{}", mk.z);
        assert!((mk.p / 2.0 - 0.0018).abs() < 5e-5, "{}", mk.p);
        assert_eq!(mk.trend(0.05), 1);
    }

    /// Brute-force twin: S from counting concordant minus discordant pairs on a
    /// reversed series is −S, and the tie variance from a direct group count.
    #[test]
    fn reversal_negates_and_ties_reduce_variance() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0];
        let mk = mann_kendall(&x).unwrap();
        let mut r = x;
        r.reverse();
        let mr = mann_kendall(&r).unwrap();
        assert_eq!(mk.s, -mr.s);
        assert_eq!(mk.var_s, mr.var_s);
        assert_eq!(mk.z, -mr.z);
        // Groups: 1 (x2), 3 (x2), 5 (x3): ties term 2·1·9 + 2·1·9 + 3·2·11 = 102.
        let n = 11.0;
        assert!((mk.var_s - (n * (n - 1.0) * (2.0 * n + 5.0) - 102.0) / 18.0).abs() < 1e-9);
    }

    #[test]
    fn degenerate_series() {
        let c = mann_kendall(&[2.0; 6]).unwrap();
        assert_eq!((c.s, c.z, c.p, c.var_s), (0, 0.0, 1.0, 0.0));
        let one = mann_kendall(&[1.0]).unwrap();
        assert_eq!((one.s, one.p), (0, 1.0));
        assert_eq!(mann_kendall(&[]).unwrap().n, 0);
        assert!(mann_kendall(&[1.0, f64::NAN]).is_err());
        let down = mann_kendall(&[5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0, -2.0, -3.0, -4.0]).unwrap();
        assert_eq!(down.trend(0.05), -1);
    }
}
