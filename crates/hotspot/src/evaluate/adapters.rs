//! The analysis methods as cell scorers: KDE, DBSCAN, HDBSCAN and Gi* on the evaluation grid.
//!
//! | method | score of a cell | default parameters |
//! |---|---|---|
//! | `kde` | the kernel density at the cell centre ([`crate::density`], quartic kernel) | bandwidth by the ArcGIS rule |
//! | `dbscan` | rank of (density of the cell's densest cluster, the cell's clustered weight) | `min_points` 10, `eps` suggested from the k-distance curve |
//! | `hdbscan` | as `dbscan` | `min_cluster_size` 20 |
//! | `gistar` | the cell's Getis-Ord Gi* z-score ([`crate::stats::getis_ord`], binary distance band) | band 2 cells |
//!
//! For the clustering methods a cluster's *density* is its weight per occupied
//! cell; cells are ordered by the densest cluster with an incident in them, then by
//! their own clustered weight, then by index; cells with only noise come last. So a
//! coverage budget is spent on whole dense clusters first — how an analyst would
//! read a cluster map.

use super::{HotspotMethod, MethodOptions, Split};
use crate::cluster::{DbscanParams, HdbscanParams, NOISE, dbscan, hdbscan, suggest_eps};
use crate::density::{Bandwidth, BandwidthRule, Extent, Kde, KdeOptions};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::stats::fishnet::Fishnet;
use crate::stats::getis_ord::{GiStarParams, hot_spots_on};

/// `kde`: kernel density of the training incidents on the evaluation grid.
#[derive(Clone, Copy, Debug, Default)]
pub struct KdeMethod {
    /// Fixed bandwidth in metres; `None` for the ArcGIS rule.
    pub bandwidth_m: Option<f64>,
}

impl HotspotMethod for KdeMethod {
    fn name(&self) -> &str {
        "kde"
    }
    fn params(&self) -> String {
        match self.bandwidth_m {
            Some(b) => format!("kernel=quartic bandwidth_m={b}"),
            None => "kernel=quartic bandwidth=arcgis rule".into(),
        }
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        if split.train.is_empty() {
            return Ok(vec![0.0; spec.len()]);
        }
        let mut o = KdeOptions::new(self.bandwidth_m.unwrap_or(1.0), spec.cell_m);
        if self.bandwidth_m.is_none() {
            o.bandwidth = Bandwidth::Rule(BandwidthRule::Arcgis);
        }
        o.extent = Extent::Grid(*spec);
        let s = Kde::new(o)?.estimate(split.train)?;
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
#[derive(Clone, Copy, Debug)]
pub struct DbscanMethod {
    /// Radius in metres; `None` suggests one from the k-distance curve of the training data.
    pub eps_m: Option<f64>,
    /// Minimum points (the point itself included).
    pub min_points: usize,
}

impl HotspotMethod for DbscanMethod {
    fn name(&self) -> &str {
        "dbscan"
    }
    fn params(&self) -> String {
        match self.eps_m {
            Some(e) => format!("eps_m={e} min_points={}", self.min_points),
            None => format!("eps_m=suggested min_points={}", self.min_points),
        }
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        if split.train.len() < 2 {
            return Ok(vec![0.0; spec.len()]);
        }
        let eps = match self.eps_m {
            Some(e) => e,
            None => suggest_eps(split.train, self.min_points)?.eps_m,
        };
        let d = dbscan(split.train, &DbscanParams::new(eps, self.min_points)?)?;
        Ok(cluster_scores(spec, split.train, &d.labels))
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
        if split.train.len() < self.min_cluster_size.max(2) {
            return Ok(vec![0.0; spec.len()]);
        }
        let h = hdbscan(split.train, &HdbscanParams::new(self.min_cluster_size)?)?;
        Ok(cluster_scores(spec, split.train, &h.labels))
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
        let fishnet = Fishnet::square_on(split.train, *spec, None)?;
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
        "kde" => Some(Box::new(KdeMethod {
            bandwidth_m: opts.bandwidth_m,
        })),
        "dbscan" => Some(Box::new(DbscanMethod {
            eps_m: opts.eps_m,
            min_points: opts.min_points.unwrap_or(10),
        })),
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
}
