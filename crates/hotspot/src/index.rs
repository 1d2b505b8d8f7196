//! The R-tree over incident positions (`rstar`, bulk-loaded once): radius and k-nearest queries.
//!
//! Every analysis that asks "who is near whom" goes through [`SpatialIndex`].
//! Distances are Euclidean in working-CRS metres; radius queries are inclusive
//! (`d <= r`), the convention of DBSCAN and of distance-band weights.

mod disc_count;

pub use disc_count::DiscCounter;

use crate::incident::Incidents;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

type Entry = GeomWithData<[f64; 2], u32>;

/// An R-tree of points, each tagged with its index in the source slices.
///
/// Built in `O(n log n)` by bulk loading; queries are `O(log n + k)`.
/// `SpatialIndex` is `Send + Sync`: queries from rayon workers share one tree.
#[derive(Debug, Clone)]
pub struct SpatialIndex {
    tree: RTree<Entry>,
    len: usize,
}

impl SpatialIndex {
    /// Indexes all incidents.
    pub fn new(incidents: &Incidents) -> Self {
        Self::from_xy(incidents.x(), incidents.y())
    }

    /// Indexes points given as coordinate slices of equal length (extra values in
    /// the longer slice are ignored). Point `i` is reported as index `i`.
    ///
    /// Sets larger than `u32::MAX` points are not supported (that is 4 billion
    /// incidents; memory runs out long before).
    pub fn from_xy(x: &[f64], y: &[f64]) -> Self {
        let entries: Vec<Entry> = x
            .iter()
            .zip(y)
            .enumerate()
            .map(|(i, (&x, &y))| GeomWithData::new([x, y], i as u32))
            .collect();
        let len = entries.len();
        Self {
            tree: RTree::bulk_load(entries),
            len,
        }
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Calls `f(index, squared_distance)` for every point with distance `<= radius_m`
    /// of `(x, y)`, in no particular order.
    pub fn for_each_within(&self, x: f64, y: f64, radius_m: f64, mut f: impl FnMut(usize, f64)) {
        if !(radius_m >= 0.0) {
            return;
        }
        let r2 = radius_m * radius_m;
        for e in self.tree.locate_within_distance([x, y], r2) {
            let [px, py] = *e.geom();
            let d2 = (px - x) * (px - x) + (py - y) * (py - y);
            // rstar already guarantees d2 <= r2; recompute so the caller gets the value.
            if d2 <= r2 {
                f(e.data as usize, d2);
            }
        }
    }

    /// Indices of all points with distance `<= radius_m` of `(x, y)`, sorted ascending.
    pub fn within(&self, x: f64, y: f64, radius_m: f64) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_within(x, y, radius_m, |i, _| out.push(i));
        out.sort_unstable();
        out
    }

    /// Number of points with distance `<= radius_m` of `(x, y)`.
    pub fn count_within(&self, x: f64, y: f64, radius_m: f64) -> usize {
        let mut n = 0;
        self.for_each_within(x, y, radius_m, |_, _| n += 1);
        n
    }

    /// Whether at least `min_points` points on at least `min_positions` distinct positions (to the
    /// metre) lie within `radius_m` of `(x, y)`; stops as soon as both are reached.
    pub fn supported_within(
        &self,
        x: f64,
        y: f64,
        radius_m: f64,
        min_points: u64,
        min_positions: u64,
    ) -> bool {
        if min_points == 0 && min_positions == 0 {
            return true;
        }
        if !(radius_m >= 0.0) {
            return false;
        }
        let r2 = radius_m * radius_m;
        let mut n = 0u64;
        let mut seen: Vec<(i64, i64)> = Vec::new();
        for e in self.tree.locate_within_distance([x, y], r2) {
            let [px, py] = *e.geom();
            n += 1;
            let k = (px.round() as i64, py.round() as i64);
            if (seen.len() as u64) < min_positions && !seen.contains(&k) {
                seen.push(k);
            }
            if n >= min_points && seen.len() as u64 >= min_positions {
                return true;
            }
        }
        false
    }

    /// Indices of points inside the axis-aligned rectangle (inclusive bounds).
    pub fn in_rect(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope(&AABB::from_corners([min_x, min_y], [max_x, max_y]))
            .map(|e| e.data as usize)
            .collect();
        out.sort_unstable();
        out
    }

    /// The `k` points nearest to `(x, y)` as `(index, distance_m)`, nearest first;
    /// ties in distance are ordered by index. Fewer than `k` when the index is smaller.
    pub fn k_nearest(&self, x: f64, y: f64, k: usize) -> Vec<(usize, f64)> {
        if k == 0 {
            return Vec::new();
        }
        let mut out: Vec<(usize, f64)> = Vec::with_capacity(k);
        let mut last_d2 = f64::NEG_INFINITY;
        // Take all points tied with the k-th so that the index tie-break is exact.
        for (e, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&[x, y]) {
            if out.len() >= k && d2 > last_d2 {
                break;
            }
            last_d2 = d2;
            out.push((e.data as usize, d2));
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out.truncate(k);
        out.into_iter().map(|(i, d2)| (i, d2.sqrt())).collect()
    }

    /// Distance from `(x, y)` to its `k`-th nearest indexed point (`k >= 1`), or
    /// `None` when fewer than `k` points are indexed.
    pub fn kth_distance(&self, x: f64, y: f64, k: usize) -> Option<f64> {
        if k == 0 {
            return Some(0.0);
        }
        self.tree
            .nearest_neighbor_iter_with_distance_2(&[x, y])
            .nth(k - 1)
            .map(|(_, d2)| d2.sqrt())
    }

    /// The nearest point to `(x, y)` as `(index, distance_m)`; ties go to the lower index.
    pub fn nearest(&self, x: f64, y: f64) -> Option<(usize, f64)> {
        self.k_nearest(x, y, 1).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_within(xs: &[f64], ys: &[f64], x: f64, y: f64, r: f64) -> Vec<usize> {
        (0..xs.len())
            .filter(|&i| (xs[i] - x).powi(2) + (ys[i] - y).powi(2) <= r * r)
            .collect()
    }

    fn brute_knn(xs: &[f64], ys: &[f64], x: f64, y: f64, k: usize) -> Vec<(usize, f64)> {
        let mut v: Vec<(usize, f64)> = (0..xs.len())
            .map(|i| (i, (xs[i] - x).powi(2) + (ys[i] - y).powi(2)))
            .collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v.truncate(k);
        v.into_iter().map(|(i, d2)| (i, d2.sqrt())).collect()
    }

    // Integer-valued coordinates on a small lattice give many exact duplicates
    // and many ties exactly at the radius.
    fn points() -> impl Strategy<Value = Vec<(f64, f64)>> {
        prop::collection::vec((0i32..12, 0i32..12), 0..120).prop_map(|v| {
            v.into_iter()
                .map(|(a, b)| (a as f64 * 5.0, b as f64 * 5.0))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn radius_query_equals_brute_force(pts in points(), qx in 0i32..12, qy in 0i32..12, r in 0i32..6) {
            let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
            let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
            let idx = SpatialIndex::from_xy(&xs, &ys);
            let (qx, qy, r) = (qx as f64 * 5.0, qy as f64 * 5.0, r as f64 * 5.0);
            prop_assert_eq!(idx.within(qx, qy, r), brute_within(&xs, &ys, qx, qy, r));
            prop_assert_eq!(idx.count_within(qx, qy, r), brute_within(&xs, &ys, qx, qy, r).len());
        }

        #[test]
        fn k_nearest_equals_brute_force(pts in points(), qx in 0i32..12, qy in 0i32..12, k in 0usize..15) {
            let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
            let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
            let idx = SpatialIndex::from_xy(&xs, &ys);
            let (qx, qy) = (qx as f64 * 5.0 + 1.5, qy as f64 * 5.0);
            let got = idx.k_nearest(qx, qy, k);
            let want = brute_knn(&xs, &ys, qx, qy, k);
            prop_assert_eq!(&got, &want);
            if k >= 1 {
                prop_assert_eq!(idx.kth_distance(qx, qy, k), want.get(k - 1).map(|p| p.1));
            }
        }
    }

    #[test]
    fn radius_is_inclusive() {
        let idx = SpatialIndex::from_xy(&[0.0, 3.0, 3.0], &[0.0, 4.0, 4.0000001]);
        assert_eq!(idx.within(0.0, 0.0, 5.0), vec![0, 1]);
    }

    #[test]
    fn empty_index_answers_empty() {
        let idx = SpatialIndex::from_xy(&[], &[]);
        assert!(idx.within(0.0, 0.0, 10.0).is_empty());
        assert_eq!(idx.nearest(0.0, 0.0), None);
        assert_eq!(idx.kth_distance(0.0, 0.0, 1), None);
    }
}
