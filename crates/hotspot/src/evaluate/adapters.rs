//! The analysis methods as cell scorers: KDE, DBSCAN, HDBSCAN and Gi* on the evaluation grid.
//!
//! | method | score of a cell | default parameters |
//! |---|---|---|
//! | `kde` | the kernel density at the cell centre ([`crate::density`], quartic kernel) | bandwidth chosen by temporal cross-validation of PAI on the training data ([`crate::density::bandwidth_cv`]; the ArcGIS rule without times), at least one cell |
//! | `kde-arcgis` | as `kde` | bandwidth by the ArcGIS rule on the training data, at least one cell (the old default, for comparison) |
//! | `dbscan` | rank of (density of the cell's densest cluster, the cell's clustered weight) | `min_points` 10, `eps` suggested from the k-distance curve (at least 1 m) |
//! | `hdbscan` | as `dbscan` | `min_cluster_size` 20 |
//! | `gistar` | the cell's Getis-Ord Gi* z-score ([`crate::stats::getis_ord`], binary distance band) | band 2 cells |
//!
//! For the clustering methods a cluster's *density* is its weight per occupied
//! cell; cells are ordered by the densest cluster with an incident in them, then by
//! their own clustered weight, then by index; cells with only noise come last. So a
//! coverage budget is spent on whole dense clusters first — how an analyst would
//! read a cluster map.
//!
//! Interval incidents split by the training period's edge (see [`super::PeriodSplit`]): `kde` and
//! `gistar` are fitted on harm × share ([`Split::train_by_share`]); `dbscan` and `hdbscan` on the
//! incidents with at least half of their interval in the training period ([`Split::train_whole`]),
//! since their thresholds count whole points.

use super::{HotspotMethod, MethodOptions, Split};
use crate::cluster::{DbscanParams, HdbscanParams, NOISE, dbscan, hdbscan, suggest_eps};
use crate::density::bandwidth::rule_bandwidth;
use crate::density::{
    BandwidthRule, Extent, Kde, KdeOptions, Kernel, PredictiveOptions, select_bandwidth,
};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::stats::fishnet::Fishnet;
use crate::stats::getis_ord::{GiStarParams, hot_spots_on};
use std::sync::Mutex;

/// `kde`: kernel density of the training incidents on the evaluation grid.
#[derive(Debug, Default)]
pub struct KdeMethod {
    bandwidth_m: Option<f64>,
    used_m: Mutex<Option<f64>>,
    arcgis: bool,
}

impl KdeMethod {
    /// A fixed bandwidth in metres, or `None` for the ArcGIS rule on the training data,
    /// raised to one cell when the rule gives less (a surface needs at least that).
    pub fn new(bandwidth_m: Option<f64>) -> Self {
        Self {
            bandwidth_m,
            used_m: Mutex::new(None),
            arcgis: false,
        }
    }

    /// `kde-arcgis`: the ArcGIS rule on the training data (at least one cell), never cross-validated.
    pub fn arcgis() -> Self {
        Self {
            arcgis: true,
            ..Self::default()
        }
    }
}

impl HotspotMethod for KdeMethod {
    fn name(&self) -> &str {
        if self.arcgis { "kde-arcgis" } else { "kde" }
    }
    fn params(&self) -> String {
        let used = self.used_m.lock().ok().and_then(|g| *g);
        let how = if self.arcgis {
            "arcgis rule"
        } else {
            "temporal cross-validation of PAI, arcgis rule without times"
        };
        match (self.bandwidth_m, used) {
            (Some(b), _) => format!("kernel=quartic bandwidth_m={b}"),
            (None, Some(u)) => {
                format!("kernel=quartic bandwidth_m={u:.0} ({how}, >= 1 cell)")
            }
            (None, None) => format!("kernel=quartic bandwidth={how}, >= 1 cell"),
        }
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        let train = split.train_by_share();
        let train: &Incidents = &train;
        if train.is_empty() {
            return Ok(vec![0.0; spec.len()]);
        }
        let cv = if self.arcgis || self.bandwidth_m.is_some() {
            None
        } else {
            // Candidates from one cell up, scored on the evaluation's own cells.
            let min_m = 50f64.max(spec.cell_m);
            let o = PredictiveOptions {
                min_m,
                max_m: 400f64.max(min_m),
                score_cell_m: Some(spec.cell_m),
                ..PredictiveOptions::default()
            };
            select_bandwidth(train, Kernel::Quartic, &o, None)?.chosen_m
        };
        let bw = match self.bandwidth_m.or(cv) {
            Some(b) => b.max(spec.cell_m),
            None => rule_bandwidth(train, BandwidthRule::Arcgis, Kernel::Quartic)
                .map(|r| r.bandwidth_m)
                .unwrap_or(spec.cell_m)
                .max(spec.cell_m),
        };
        if let Ok(mut g) = self.used_m.lock() {
            *g = Some(bw);
        }
        let mut o = KdeOptions::new(bw, spec.cell_m);
        o.extent = Extent::Grid(*spec);
        let s = Kde::new(o)?.estimate(train)?;
        if s.raster.values.len() != spec.len() {
            return Err(Error::invalid(
                "grid",
                format!("{} cells", s.raster.values.len()),
                format!(
                    "the density surface must lie on the evaluation grid ({} cells)",
                    spec.len()
                ),
            ));
        }
        Ok(s.raster.values)
    }
}

/// Ranks cells by (cluster density, clustered weight in the cell), as described in the module doc.
fn cluster_scores(spec: &GridSpec, inc: &Incidents, labels: &[i32]) -> Vec<f64> {
    let n_clusters = labels
        .iter()
        .copied()
        .max()
        .map_or(0, |m| (m + 1).max(0) as usize);
    let mut cell_of = vec![usize::MAX; inc.len()];
    let mut weight = vec![0.0; n_clusters];
    let mut cells_of: Vec<Vec<usize>> = vec![Vec::new(); n_clusters];
    let mut clustered = vec![0.0; spec.len()];
    for i in 0..inc.len() {
        let [x, y] = inc.position(i);
        let Some((c, r)) = spec.cell_of(x, y) else {
            continue;
        };
        let k = spec.index(c, r);
        cell_of[i] = k;
        if labels[i] != NOISE && labels[i] >= 0 {
            let l = labels[i] as usize;
            weight[l] += inc.weights()[i];
            cells_of[l].push(k);
            clustered[k] += inc.weights()[i];
        }
    }
    let mut best = vec![0.0f64; spec.len()];
    for l in 0..n_clusters {
        let cells = &mut cells_of[l];
        cells.sort_unstable();
        cells.dedup();
        if cells.is_empty() {
            continue;
        }
        let d = weight[l] / cells.len() as f64;
        for &k in cells.iter() {
            best[k] = best[k].max(d);
        }
    }
    let mut order: Vec<usize> = (0..spec.len()).collect();
    order.sort_by(|&a, &b| {
        best[b]
            .total_cmp(&best[a])
            .then(clustered[b].total_cmp(&clustered[a]))
            .then(a.cmp(&b))
    });
    let mut score = vec![0.0; spec.len()];
    let n = spec.len() as f64;
    for (rank, &k) in order.iter().enumerate() {
        if best[k] > 0.0 {
            score[k] = n - rank as f64;
        }
    }
    score
}

/// `dbscan`: DBSCAN clusters of the training incidents, ranked by density.
#[derive(Debug)]
pub struct DbscanMethod {
    eps_m: Option<f64>,
    min_points: usize,
    used_eps: Mutex<Option<f64>>,
}

impl DbscanMethod {
    /// Radius in metres (`None`: suggested from the k-distance curve of the training
    /// data with `k = min_points`) and minimum points (the point itself included).
    pub fn new(eps_m: Option<f64>, min_points: usize) -> Self {
        Self {
            eps_m,
            min_points,
            used_eps: Mutex::new(None),
        }
    }
}

impl HotspotMethod for DbscanMethod {
    fn name(&self) -> &str {
        "dbscan"
    }
    fn params(&self) -> String {
        let used = self.used_eps.lock().ok().and_then(|g| *g);
        match (self.eps_m, used) {
            (Some(e), _) => format!("eps_m={e} min_points={}", self.min_points),
            (None, Some(u)) => format!("eps_m={u:.1} (suggested) min_points={}", self.min_points),
            (None, None) => format!("eps_m=suggested min_points={}", self.min_points),
        }
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        let train = split.train_whole();
        let train: &Incidents = &train;
        if train.len() < 2 {
            return Ok(vec![0.0; spec.len()]);
        }
        let eps = match self.eps_m {
            Some(e) => e,
            // Many incidents at one address make the suggested radius 0: raise it to 1 m.
            None => suggest_eps(train, self.min_points)?.eps_m.max(1.0),
        };
        if let Ok(mut g) = self.used_eps.lock() {
            *g = Some(eps);
        }
        let d = dbscan(train, &DbscanParams::new(eps, self.min_points)?)?;
        Ok(cluster_scores(spec, train, &d.labels))
    }
}

/// `hdbscan`: HDBSCAN clusters of the training incidents, ranked by density.
#[derive(Clone, Copy, Debug)]
pub struct HdbscanMethod {
    /// Minimum cluster size.
    pub min_cluster_size: usize,
}

impl HotspotMethod for HdbscanMethod {
    fn name(&self) -> &str {
        "hdbscan"
    }
    fn params(&self) -> String {
        format!("min_cluster_size={}", self.min_cluster_size)
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        let train = split.train_whole();
        let train: &Incidents = &train;
        if train.len() < self.min_cluster_size.max(2) {
            return Ok(vec![0.0; spec.len()]);
        }
        let h = hdbscan(train, &HdbscanParams::new(self.min_cluster_size)?)?;
        Ok(cluster_scores(spec, train, &h.labels))
    }
}

/// `gistar`: the Gi* z-score of each cell (counts on the evaluation grid, binary distance band).
#[derive(Clone, Copy, Debug, Default)]
pub struct GiStarMethod {
    /// Distance band in metres; `None` for two cells.
    pub band_m: Option<f64>,
}

impl HotspotMethod for GiStarMethod {
    fn name(&self) -> &str {
        "gistar"
    }
    fn params(&self) -> String {
        match self.band_m {
            Some(b) => format!("band_m={b}"),
            None => "band=2 cells".into(),
        }
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        let band = self.band_m.unwrap_or(2.0 * spec.cell_m);
        let fishnet = Fishnet::square_on(&split.train_by_share(), *spec, None)?;
        let (cols, rows) = (fishnet.col.clone(), fishnet.row.clone());
        let res = hot_spots_on(fishnet, &GiStarParams::new(spec.cell_m, band)?)?;
        let mut s = vec![f64::NEG_INFINITY; spec.len()];
        for (k, z) in res.gi.z.iter().enumerate() {
            s[spec.index(cols[k] as usize, rows[k] as usize)] =
                if z.is_finite() { *z } else { 0.0 };
        }
        Ok(s)
    }
}

/// Builds a clustering or density method from options (the part of [`super::builtin`] that needs those modules).
pub(super) fn analysis_method(name: &str, opts: &MethodOptions) -> Option<Box<dyn HotspotMethod>> {
    match name {
        "kde" => Some(Box::new(KdeMethod::new(opts.bandwidth_m))),
        "kde-arcgis" => Some(Box::new(KdeMethod::arcgis())),
        "dbscan" => Some(Box::new(DbscanMethod::new(
            opts.eps_m,
            opts.min_points.unwrap_or(10),
        ))),
        "hdbscan" => Some(Box::new(HdbscanMethod {
            min_cluster_size: opts.min_cluster_size.unwrap_or(20),
        })),
        "gistar" => Some(Box::new(GiStarMethod {
            band_m: opts.band_m,
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;

    #[test]
    fn cluster_scores_rank_dense_clusters_first() {
        // Grid 4 x 1 of 10 m. Cluster 0: 6 incidents over cells 0 and 1 (density 3);
        // cluster 1: 4 incidents in cell 3 (density 4); a noise point in cell 2.
        let x = [5.0, 5.0, 5.0, 5.0, 15.0, 15.0, 35.0, 35.0, 35.0, 35.0, 25.0];
        let y = [5.0; 11];
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, NOISE];
        let spec = GridSpec::new(0.0, 0.0, 10.0, 4, 1).unwrap();
        let s = cluster_scores(&spec, &inc, &labels);
        // Order: cell 3 (density 4), cell 0 (density 3, weight 4), cell 1 (density 3, weight 2); cell 2 noise.
        assert!(s[3] > s[0] && s[0] > s[1] && s[1] > s[2]);
        assert_eq!(s[2], 0.0);
    }

    /// Every analysis method puts a planted dense spot at the top of its ranking.
    #[test]
    fn every_method_finds_a_planted_spot() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..300 {
            // Planted spot in cell (12, 7) of a 20 x 20 grid of 50 m cells.
            x.push(600.0 + rng.random::<f64>() * 50.0);
            y.push(350.0 + rng.random::<f64>() * 50.0);
        }
        for _ in 0..150 {
            // A second, smaller spot in cell (3, 15): HDBSCAN (scikit-learn defaults, no
            // single cluster) only labels clusters when the tree splits.
            x.push(150.0 + rng.random::<f64>() * 50.0);
            y.push(750.0 + rng.random::<f64>() * 50.0);
        }
        for _ in 0..200 {
            x.push(rng.random::<f64>() * 1000.0);
            y.push(rng.random::<f64>() * 1000.0);
        }
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let spec = GridSpec::new(0.0, 0.0, 50.0, 20, 20).unwrap();
        let grid = super::super::EvalGrid::new(spec, None).unwrap();
        let split = Split {
            train: &inc,
            test: &inc,
            train_period: None,
            test_period: None,
            shares: None,
        };
        let target = spec.index(12, 7);
        for name in ["kde", "dbscan", "hdbscan", "gistar"] {
            let m = analysis_method(name, &MethodOptions::default()).unwrap();
            let ranked = grid.rank(&m.score(&spec, &split).unwrap()).unwrap();
            assert!(ranked[..3].contains(&target), "{name}: {:?}", &ranked[..5]);
        }
        // Degenerate: no training incident gives a defined (all-zero or all-equal) ranking.
        let empty = Incidents::empty(Crs::SWEREF99_TM).unwrap();
        let none = Split {
            train: &empty,
            ..split
        };
        for name in ["kde", "dbscan", "hdbscan"] {
            let m = analysis_method(name, &MethodOptions::default()).unwrap();
            assert!(
                m.score(&spec, &none).unwrap().iter().all(|&v| v == 0.0),
                "{name}"
            );
        }
    }
}
