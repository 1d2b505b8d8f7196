//! Spatial weights between features (cells or points): distance band, inverse distance, k nearest, explicit lists.
//!
//! Stored compressed (CSR): for feature `i`, its neighbours `j != i` and weights
//! `w_ij` are `neighbours[offsets[i]..offsets[i+1]]`, sorted by `j`. The feature
//! itself is never stored; statistics that include it (Gi*) add it explicitly
//! with [`SpatialWeights::self_weight`].

use crate::error::{Error, Result};
use crate::index::SpatialIndex;

/// Relative tolerance for "centres within `<= d`": `dist^2 <= d^2 (1 + 1e-9)`, so
/// that centres computed in floating point exactly on the band edge are neighbours.
pub(crate) const BAND_TOL: f64 = 1e-9;

/// Sparse spatial weights (neighbours exclude the feature itself).
#[derive(Clone, Debug, PartialEq)]
pub struct SpatialWeights {
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
    weights: Vec<f64>,
    self_weight: Vec<f64>,
}

impl SpatialWeights {
    /// Weights from explicit lists: `lists[i]` holds `(j, w_ij)` pairs for `j != i`.
    /// Self weight (used by Gi*) is 1 for every feature.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when an index is out of range or equals `i`,
    /// is repeated, or a weight is negative or not finite.
    pub fn from_lists(lists: &[Vec<(usize, f64)>]) -> Result<Self> {
        let n = lists.len();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut neighbours = Vec::new();
        let mut weights = Vec::new();
        for (i, l) in lists.iter().enumerate() {
            let mut l = l.clone();
            l.sort_by_key(|&(j, _)| j);
            for (k, &(j, w)) in l.iter().enumerate() {
                if j >= n || j == i || (k > 0 && l[k - 1].0 == j) {
                    return Err(Error::invalid(
                        "weights",
                        format!("neighbour {j} of feature {i}"),
                        format!(
                            "neighbours must be distinct indices in 0..{n} other than the feature itself"
                        ),
                    ));
                }
                if !(w.is_finite() && w >= 0.0) {
                    return Err(Error::invalid(
                        "weights",
                        w,
                        format!("weight of ({i}, {j}) must be finite and >= 0"),
                    ));
                }
                neighbours.push(j as u32);
                weights.push(w);
            }
            offsets.push(neighbours.len());
        }
        Ok(Self {
            offsets,
            neighbours,
            weights,
            self_weight: vec![1.0; n],
        })
    }

    /// Binary distance-band weights: `w_ij = 1` when `|p_i - p_j| <= d` (within
    /// the tolerance `1e-9` relative on the squared distance), else 0. Self weight 1.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for mismatched lengths, or `d` not positive and finite.
    pub fn distance_band(x: &[f64], y: &[f64], d: f64) -> Result<Self> {
        Self::banded(x, y, d, |_| 1.0)
    }

    /// Inverse-distance weights within the band `d`: `w_ij = s / |p_i - p_j|` with
    /// `s` the smallest distance between two distinct features (so that the
    /// nearest neighbours weigh 1, as the feature itself does). Features at the
    /// same position get weight 1. Gi* is invariant to a common factor of all
    /// weights, so this is ArcGIS's `1/d` with the self weight set to `1/s`.
    ///
    /// # Errors
    /// As [`SpatialWeights::distance_band`].
    pub fn inverse_distance(x: &[f64], y: &[f64], d: f64) -> Result<Self> {
        check_xy(x, y)?;
        let idx = SpatialIndex::from_xy(x, y);
        let mut s = f64::INFINITY;
        for i in 0..x.len() {
            for (j, dist) in idx.k_nearest(x[i], y[i], 2) {
                if j != i && dist > 0.0 {
                    s = s.min(dist);
                }
            }
        }
        if !s.is_finite() {
            s = 1.0;
        }
        Self::banded(
            x,
            y,
            d,
            |dist| if dist > 0.0 { (s / dist).min(1.0) } else { 1.0 },
        )
    }

    /// k-nearest-neighbour weights: `w_ij = 1` for the `k` features nearest to `i`
    /// (ties broken by index). Asymmetric in general. Self weight 1.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `k` is 0 or not smaller than the number of features.
    pub fn k_nearest(x: &[f64], y: &[f64], k: usize) -> Result<Self> {
        check_xy(x, y)?;
        let n = x.len();
        if k == 0 || k >= n {
            return Err(Error::invalid(
                "k",
                k,
                format!(
                    "k must be between 1 and the number of features minus one ({})",
                    n.saturating_sub(1)
                ),
            ));
        }
        let idx = SpatialIndex::from_xy(x, y);
        let lists: Vec<Vec<(usize, f64)>> = (0..n)
            .map(|i| {
                // k_nearest orders ties by index, so the set is deterministic.
                let mut c: Vec<(usize, f64)> = idx
                    .k_nearest(x[i], y[i], k + 1)
                    .into_iter()
                    .filter(|&(j, _)| j != i)
                    .collect();
                c.truncate(k);
                c.into_iter().map(|(j, _)| (j, 1.0)).collect()
            })
            .collect();
        Self::from_lists(&lists)
    }

    fn banded(x: &[f64], y: &[f64], d: f64, w: impl Fn(f64) -> f64) -> Result<Self> {
        check_xy(x, y)?;
        if !(d.is_finite() && d > 0.0) {
            return Err(Error::invalid(
                "distance_m",
                d,
                "the distance band must be a positive number of metres",
            ));
        }
        let n = x.len();
        let idx = SpatialIndex::from_xy(x, y);
        let lim = d * d * (1.0 + BAND_TOL);
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut neighbours = Vec::new();
        let mut weights = Vec::new();
        for i in 0..n {
            let mut c: Vec<(usize, f64)> = Vec::new();
            idx.for_each_within(x[i], y[i], d * (1.0 + BAND_TOL), |j, _| {
                let d2 = (x[j] - x[i]).powi(2) + (y[j] - y[i]).powi(2);
                if j != i && d2 <= lim {
                    c.push((j, d2.sqrt()));
                }
            });
            c.sort_by_key(|&(j, _)| j);
            for (j, dist) in c {
                neighbours.push(j as u32);
                weights.push(w(dist));
            }
            offsets.push(neighbours.len());
        }
        Ok(Self {
            offsets,
            neighbours,
            weights,
            self_weight: vec![1.0; n],
        })
    }

    /// Row-standardised copy: each row, including the self weight, sums to 1
    /// (rows with no weight stay zero). This is how esda/PySAL row-standardise
    /// Gi* weights (`star=True`, transform `R`).
    pub fn row_standardised_with_self(&self) -> Self {
        let mut out = self.clone();
        for i in 0..self.len() {
            let r = self.offsets[i]..self.offsets[i + 1];
            let tot: f64 = self.weights[r.clone()].iter().sum::<f64>() + self.self_weight[i];
            if tot > 0.0 {
                for w in &mut out.weights[r] {
                    *w /= tot;
                }
                out.self_weight[i] /= tot;
            }
        }
        out
    }

    /// Row-standardised copy of the neighbour weights (self weight untouched):
    /// the usual transform for Moran's I.
    pub fn row_standardised(&self) -> Self {
        let mut out = self.clone();
        for i in 0..self.len() {
            let r = self.offsets[i]..self.offsets[i + 1];
            let tot: f64 = self.weights[r.clone()].iter().sum();
            if tot > 0.0 {
                for w in &mut out.weights[r] {
                    *w /= tot;
                }
            }
        }
        out
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Neighbours of `i` (excluding `i`) and their weights.
    pub fn neighbours(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.neighbours[r.clone()], &self.weights[r])
    }

    /// Number of neighbours of `i` (excluding `i`).
    pub fn cardinality(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }

    /// The weight `w_ii` of feature `i` in statistics that include it (Gi*).
    pub fn self_weight(&self, i: usize) -> f64 {
        self.self_weight[i]
    }

    /// Features without any neighbour ("islands").
    pub fn islands(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.cardinality(i) == 0)
            .collect()
    }
}

fn check_xy(x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(Error::invalid(
            "y",
            format!("{} values", y.len()),
            format!("x and y must have the same length ({})", x.len()),
        ));
    }
    if x.len() > u32::MAX as usize {
        return Err(Error::LimitExceeded {
            what: "features in a weights matrix",
            requested: x.len() as u64,
            limit: u32::MAX as u64,
            hint: "use a larger cell size".into(),
        });
    }
    if let Some(i) = (0..x.len()).find(|&i| !(x[i].is_finite() && y[i].is_finite())) {
        return Err(Error::invalid(
            "position",
            format!("({}, {})", x[i], y[i]),
            format!("feature {i}: coordinates must be finite"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_point_band_matches_published_neighbours() {
        let x = [10.0, 20.0, 40.0, 15.0, 30.0, 30.0];
        let y = [10.0, 10.0, 10.0, 20.0, 20.0, 30.0];
        let w = SpatialWeights::distance_band(&x, &y, 15.0).unwrap();
        let want: [&[u32]; 6] = [&[1, 3], &[0, 3, 4], &[4], &[0, 1, 4], &[1, 2, 3, 5], &[4]];
        for (i, n) in want.iter().enumerate() {
            assert_eq!(w.neighbours(i).0, *n, "feature {i}");
        }
        assert!(w.islands().is_empty());
    }

    #[test]
    fn knn_and_validation() {
        let x = [0.0, 1.0, 3.0, 7.0];
        let y = [0.0; 4];
        let w = SpatialWeights::k_nearest(&x, &y, 1).unwrap();
        assert_eq!(w.neighbours(0).0, &[1]);
        assert_eq!(w.neighbours(2).0, &[1]);
        assert_eq!(w.neighbours(3).0, &[2]);
        assert!(SpatialWeights::k_nearest(&x, &y, 4).is_err());
        assert!(SpatialWeights::distance_band(&x, &y, 0.0).is_err());
        assert!(SpatialWeights::from_lists(&[vec![(0, 1.0)]]).is_err());
        let id = SpatialWeights::inverse_distance(&x, &y, 10.0).unwrap();
        let (n, wt) = id.neighbours(0);
        assert_eq!(n, &[1, 2, 3]);
        assert_eq!(wt, &[1.0, 1.0 / 3.0, 1.0 / 7.0]);
    }
}
