//! Choosing DBSCAN's `eps`: the sorted k-distance curve and its knee (Kneedle).
//!
//! Ester et al. (1996, §4.2) propose plotting, for every point, the distance to
//! its k-th nearest neighbour, sorted, and taking `eps` where the curve bends:
//! points left of the bend sit in dense areas, points right of it are noise.
//! The knee is found with Kneedle (Satopää, Albrecht, Irwin & Raghavan 2011):
//! both axes are scaled to `[0, 1]` and the knee is the point of the
//! increasing, convex curve farthest below the chord from the first to the
//! last point (largest `x − y`; ties to the lowest rank).
//!
//! Here the k-distance counts the incident itself (`k`-th nearest *including
//! itself*), so an incident is a DBSCAN core point for `min_points = k` exactly
//! when its k-distance is `<= eps`: the suggested `eps` makes the share of
//! incidents left of the knee core points.

use crate::cluster::hdbscan::KdTree;
use crate::error::{Error, Result};
use crate::incident::Incidents;

/// A proposed `eps` with the curve's summary and the reasoning.
#[derive(Clone, Debug, PartialEq)]
pub struct EpsSuggestion {
    /// The `k` used (= DBSCAN `min_points`).
    pub k: usize,
    /// Number of incidents on the curve.
    pub n: usize,
    /// Proposed radius in metres (the k-distance at the knee).
    pub eps_m: f64,
    /// 1-based rank of the knee on the ascending curve.
    pub knee_rank: usize,
    /// Share of incidents whose k-distance is `<= eps_m` (the would-be core points).
    pub core_share: f64,
    /// `(q, k-distance)` at q = 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99 and 1.
    pub quantiles: Vec<(f64, f64)>,
    /// Plain-language explanation for analysts.
    pub explanation: String,
}

/// Proposes DBSCAN's `eps` for `min_points = k` from the knee of the sorted
/// k-distance curve.
///
/// # Errors
/// [`Error::InvalidParameter`] when `k` is 0; [`Error::InsufficientData`] when
/// there are fewer than `k` incidents or fewer than 3.
///
/// Complexity `O(n k log n)` time, `O(n)` memory.
pub fn suggest_eps(incidents: &Incidents, k: usize) -> Result<EpsSuggestion> {
    suggest_eps_xy(incidents.x(), incidents.y(), k)
}

/// [`suggest_eps`] on coordinate slices in metres (equal lengths; finite values).
///
/// # Errors
/// As [`suggest_eps`].
pub fn suggest_eps_xy(x: &[f64], y: &[f64], k: usize) -> Result<EpsSuggestion> {
    if k == 0 {
        return Err(Error::invalid("min_points", k, "must be >= 1"));
    }
    let n = x.len().min(y.len());
    if n < k.max(3) {
        return Err(Error::InsufficientData(format!(
            "a k-distance curve with k = {k} needs at least {} incidents, got {n}",
            k.max(3)
        )));
    }
    let tree = KdTree::new(&x[..n], &y[..n]);
    let mut d = tree.kth_distances(k);
    d.sort_by(f64::total_cmp);
    let (lo, hi) = (d[0], d[n - 1]);
    let knee = if hi > lo {
        let mut best = (f64::NEG_INFINITY, 0);
        for (i, &v) in d.iter().enumerate() {
            let gap = i as f64 / (n - 1) as f64 - (v - lo) / (hi - lo);
            if gap > best.0 {
                best = (gap, i);
            }
        }
        best.1
    } else {
        n - 1
    };
    let eps = d[knee];
    let core = d.partition_point(|&v| v <= eps);
    let q = |p: f64| d[((p * (n - 1) as f64).round() as usize).min(n - 1)];
    let quantiles: Vec<(f64, f64)> = [0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 1.0]
        .iter()
        .map(|&p| (p, q(p)))
        .collect();
    let share = core as f64 / n as f64;
    let explanation = if hi > lo {
        format!(
            "For each of the {n} incidents the distance to its {k}-th nearest incident (itself included) \
             was computed and sorted. The curve bends (Kneedle: farthest point below the chord of the \
             scaled curve) at rank {} of {n}, distance {eps:.1} m. With --eps {eps:.1} --min-points {k}, \
             {:.1}% of incidents have at least {k} incidents within eps and are core points; the \
             steep part of the curve to the right ({:.1}% of incidents) is where incidents are \
             isolated and would be noise or border points. Choose a smaller eps for tighter, \
             fewer hotspots, a larger one to merge neighbouring ones.",
            knee + 1,
            100.0 * share,
            100.0 * (1.0 - share)
        )
    } else {
        format!(
            "All {n} incidents have the same {k}-distance ({eps:.3} m): the curve is flat and has \
             no knee; any eps >= {eps:.3} m makes every incident a core point."
        )
    };
    Ok(EpsSuggestion {
        k,
        n,
        eps_m: eps,
        knee_rank: knee + 1,
        core_share: share,
        quantiles,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knee_separates_dense_grid_from_sparse_points() {
        // 400 points on a 1 m lattice (k-distance 1 for k = 5 inside: itself + 4 neighbours)
        // plus 20 isolated points 100 m apart.
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..20 {
            for j in 0..20 {
                x.push(i as f64);
                y.push(j as f64);
            }
        }
        for i in 0..20 {
            x.push(1000.0 + 100.0 * i as f64);
            y.push(5000.0);
        }
        let s = suggest_eps_xy(&x, &y, 5).unwrap();
        // Brute-force k-distances to check the curve endpoints.
        let kd = |p: usize| {
            let mut v: Vec<f64> = (0..x.len())
                .map(|q| ((x[p] - x[q]).powi(2) + (y[p] - y[q]).powi(2)).sqrt())
                .collect();
            v.sort_by(f64::total_cmp);
            v[4]
        };
        let mut all: Vec<f64> = (0..x.len()).map(kd).collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(s.quantiles.last().unwrap().1, all[all.len() - 1]);
        // The knee sits at the end of the dense part (lattice corners have k-distance 2):
        // eps = 2 m, the 400 lattice points core, the 20 isolated ones not.
        assert_eq!(s.eps_m, 2.0);
        assert_eq!(s.knee_rank, 400);
        assert_eq!(s.core_share, 400.0 / 420.0);
        assert!(s.explanation.contains("--min-points 5"));
        assert!(suggest_eps_xy(&x[..2], &y[..2], 1).is_err());
        assert!(suggest_eps_xy(&x, &y, 0).is_err());
        let flat = suggest_eps_xy(&[1.0; 10], &[1.0; 10], 3).unwrap();
        assert_eq!(flat.eps_m, 0.0);
    }
}
