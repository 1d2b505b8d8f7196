//! HDBSCAN (Campello, Moulavi & Sander 2013; McInnes & Healy 2017) with scikit-learn's semantics.
//!
//! 1. **Core distance** of a point: distance to its `min_samples`-th nearest
//!    incident, itself included (scikit-learn's convention).
//! 2. **Mutual reachability** `mrd(p, q) = max(core(p), core(q), d(p, q))`; its
//!    minimum spanning tree is built by Borůvka's algorithm on a KD-tree
//!    ([`mst`]), never from a distance matrix.
//! 3. The single-linkage hierarchy of that tree is **condensed** with
//!    `min_cluster_size`, cluster **stabilities** `Σ (λ_p − λ_birth)` are
//!    computed with `λ = 1/distance`, and flat clusters are **selected** by excess
//!    of mass (`eom`, default) or as the tree's leaves (`leaf`), optionally merged
//!    below `cluster_selection_epsilon` metres and allowing the root as the
//!    single cluster (`allow_single_cluster`), all as in scikit-learn 1.3+.
//! 4. **Probabilities** are scikit-learn's: `min(λ_p, λ_max(C)) / λ_max(C)` with
//!    `λ_max(C)` the largest λ at which anything leaves cluster `C`.
//!    **Outlier scores** are GLOSH (Campello, Moulavi, Zimek & Sander 2015):
//!    `(λ_max − λ_p) / λ_max` where `λ_max` is the largest λ in the subtree of the
//!    condensed cluster the point leaves (0 for points leaving at λ = ∞, i.e.
//!    duplicates of a point whose core distance is 0; 1 when `λ_max` is ∞ but
//!    the point's λ is finite).
//!
//! Labels are renumbered like DBSCAN's: by descending size, then lowest
//! incident index (scikit-learn numbers by condensed-tree order instead; the
//! partition is the same).
//!
//! # Ties
//! With equal mutual-reachability distances (duplicate positions, lattices,
//! and all core distances capped by `min_samples`) the single-linkage
//! hierarchy is not binary. scikit-learn merges tied edges one at a time in
//! the order of an unstable sort, so its result on ties depends on that order.
//! Here all edges of one weight merge their components in one n-ary node
//! (each child of size `>= min_cluster_size` becomes a cluster when there are
//! at least two such children), so the result is independent of input order,
//! of the thread count and of which equal-weight spanning tree was found. On
//! tie-free data the two agree exactly. With many incidents at one address
//! whose core distance is 0, their λ is ∞; stabilities then use the
//! convention `∞ − ∞ = 0`.
//!
//! # Complexity
//! `O(n k log n)` for the core distances, `O(n log n)` per Borůvka round (in
//! practice; pruned by component and by core distance) over `O(log n)`
//! rounds, `O(n log n)` for sorting the tree edges and `O(n)` for the rest.
//! Memory `O(n)`.

mod mst;
mod tree;

pub use tree::ClusterSelection;

/// The earlier name of [`ClusterSelection`] (kept so that existing code builds).
pub type Selection = ClusterSelection;

use crate::error::{Error, Result};
use crate::incident::Incidents;

/// Checked HDBSCAN parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HdbscanParams {
    min_cluster_size: usize,
    min_samples: usize,
    selection: ClusterSelection,
    epsilon_m: f64,
    allow_single_cluster: bool,
}

impl HdbscanParams {
    /// `min_cluster_size` (>= 2): smallest group of incidents called a cluster.
    /// `min_samples` defaults to `min_cluster_size`; selection `eom`; epsilon 0;
    /// `allow_single_cluster` false — scikit-learn's defaults.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `min_cluster_size`.
    pub fn new(min_cluster_size: usize) -> Result<Self> {
        if min_cluster_size < 2 {
            return Err(Error::invalid(
                "min_cluster_size",
                min_cluster_size,
                "must be >= 2",
            ));
        }
        Ok(Self {
            min_cluster_size,
            min_samples: min_cluster_size,
            selection: ClusterSelection::Eom,
            epsilon_m: 0.0,
            allow_single_cluster: false,
        })
    }

    /// Sets `min_samples` (>= 1, the point itself included) for core distances.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `min_samples`.
    pub fn min_samples(mut self, min_samples: usize) -> Result<Self> {
        if min_samples == 0 {
            return Err(Error::invalid(
                "min_samples",
                min_samples,
                "must be >= 1 (the point itself counts)",
            ));
        }
        self.min_samples = min_samples;
        Ok(self)
    }

    /// Sets the cluster selection method.
    pub fn selection(mut self, selection: ClusterSelection) -> Self {
        self.selection = selection;
        self
    }

    /// Sets `cluster_selection_epsilon` in metres (finite, >= 0): clusters born
    /// below this distance are merged into their parent.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `cluster_selection_epsilon`.
    pub fn cluster_selection_epsilon(mut self, epsilon_m: f64) -> Result<Self> {
        if !(epsilon_m.is_finite() && epsilon_m >= 0.0) {
            return Err(Error::invalid(
                "cluster_selection_epsilon",
                epsilon_m,
                "must be a finite distance in metres >= 0",
            ));
        }
        self.epsilon_m = epsilon_m;
        Ok(self)
    }

    /// Allows the whole data set (the root) to be returned as one cluster.
    pub fn allow_single_cluster(mut self, allow: bool) -> Self {
        self.allow_single_cluster = allow;
        self
    }

    /// `min_cluster_size`.
    pub fn min_cluster_size_value(&self) -> usize {
        self.min_cluster_size
    }

    /// `min_samples`.
    pub fn min_samples_value(&self) -> usize {
        self.min_samples
    }
}

/// Result of [`hdbscan`].
#[derive(Clone, Debug, PartialEq)]
pub struct Hdbscan {
    /// Cluster per incident (input order), `-1` for noise.
    pub labels: Vec<i32>,
    /// Membership strength in `[0, 1]` (0 for noise).
    pub probabilities: Vec<f64>,
    /// GLOSH outlier score in `[0, 1]`.
    pub outlier_scores: Vec<f64>,
    /// Stability (excess of mass, in incidents per metre) of each cluster, by cluster number.
    pub stabilities: Vec<f64>,
    /// Number of clusters.
    pub n_clusters: usize,
}

/// Runs HDBSCAN on incident positions (metres).
///
/// Degenerate inputs: fewer incidents than `min_cluster_size` (including none
/// and one) gives all noise with probability 0 and outlier score 0. Incidents
/// all at one point have core distance 0 and λ = ∞ everywhere: no split is
/// ever found, so the result is all noise unless `allow_single_cluster` is set,
/// which makes them one cluster.
///
/// # Errors
/// [`Error::InvalidParameter`] when `min_samples` exceeds the number of
/// incidents (the core distance is undefined) and there are at least
/// `min_cluster_size` of them.
///
/// # Example
/// ```
/// use hotspot::{Crs, Incidents};
/// use hotspot::cluster::{hdbscan, HdbscanParams};
/// let mut x = Vec::new();
/// let mut y = Vec::new();
/// for i in 0..20 {
///     x.push((i % 5) as f64 + 0.01 * i as f64);
///     y.push((i / 5) as f64);
///     x.push(1000.0 + (i % 5) as f64 + 0.013 * i as f64);
///     y.push((i / 5) as f64);
/// }
/// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y)?;
/// let r = hdbscan(&inc, &HdbscanParams::new(5)?)?;
/// assert_eq!(r.n_clusters, 2);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn hdbscan(incidents: &Incidents, params: &HdbscanParams) -> Result<Hdbscan> {
    hdbscan_xy(incidents.x(), incidents.y(), params)
}

/// [`hdbscan`] on raw coordinate slices in metres.
///
/// # Errors
/// As [`hdbscan`]; also [`Error::InvalidParameter`] for slices of different
/// length or non-finite coordinates.
pub fn hdbscan_xy(x: &[f64], y: &[f64], params: &HdbscanParams) -> Result<Hdbscan> {
    let n = x.len();
    if y.len() != n {
        return Err(Error::invalid(
            "y",
            format!("{} values", y.len()),
            format!("x and y must have the same length ({n})"),
        ));
    }
    if let Some(i) = (0..n).find(|&i| !x[i].is_finite() || !y[i].is_finite()) {
        return Err(Error::invalid(
            "x/y",
            format!("({}, {})", x[i], y[i]),
            format!("coordinates of incident {i} must be finite"),
        ));
    }
    if n >= u32::MAX as usize / 2 {
        return Err(Error::LimitExceeded {
            what: "incidents for HDBSCAN",
            requested: n as u64,
            limit: u32::MAX as u64 / 2 - 1,
            hint: "split the data".into(),
        });
    }
    if n < params.min_cluster_size {
        return Ok(Hdbscan {
            labels: vec![-1; n],
            probabilities: vec![0.0; n],
            outlier_scores: vec![0.0; n],
            stabilities: Vec::new(),
            n_clusters: 0,
        });
    }
    if params.min_samples > n {
        return Err(Error::invalid(
            "min_samples",
            params.min_samples,
            format!("must be at most the number of incidents ({n})"),
        ));
    }
    let tree = mst::KdTree::new(x, y);
    let core = tree.kth_distances(params.min_samples);
    let edges = mst::boruvka_mst(&tree, &core);
    drop(core);
    drop(tree);
    let flat = tree::flat_clusters(
        n,
        edges,
        params.min_cluster_size,
        params.selection,
        params.epsilon_m,
        params.allow_single_cluster,
    );
    // Renumber: descending size, then lowest incident index.
    let mut stats: std::collections::HashMap<u32, (usize, usize)> = Default::default();
    for (i, &c) in flat.cluster.iter().enumerate() {
        if c != u32::MAX {
            let e = stats.entry(c).or_insert((0, i));
            e.0 += 1;
        }
    }
    let mut order: Vec<(u32, usize, usize)> =
        stats.into_iter().map(|(c, (s, m))| (c, s, m)).collect();
    order.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let mut number: std::collections::HashMap<u32, i32> = Default::default();
    for (k, &(c, _, _)) in order.iter().enumerate() {
        number.insert(c, k as i32);
    }
    let labels = flat
        .cluster
        .iter()
        .map(|c| number.get(c).copied().unwrap_or(-1))
        .collect();
    let stabilities = order
        .iter()
        .map(|&(c, _, _)| flat.stability.get(c as usize - n).copied().unwrap_or(0.0))
        .collect();
    Ok(Hdbscan {
        labels,
        probabilities: flat.probability,
        outlier_scores: flat.outlier,
        stabilities,
        n_clusters: order.len(),
    })
}

pub(crate) use mst::KdTree;
#[cfg(test)]
pub(crate) use mst::boruvka_mst;
