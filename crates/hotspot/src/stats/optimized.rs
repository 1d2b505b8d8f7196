//! Scale choice for hot spot analysis, after ArcGIS's Optimized Hot Spot Analysis:
//! cell size from nearest-neighbour distances, distance band from the first peak of
//! incremental spatial autocorrelation, locational outliers left out of the choice.
//!
//! ArcGIS documents the procedure ("How Optimized Hot Spot Analysis works"); it
//! does not publish every constant, so the rules below are this crate's reading
//! of it, each reported in [`ScaleChoice::reasons`]:
//!
//! 1. **Locational outliers.** Nearest-neighbour distances are computed between
//!    distinct locations (coincident incidents count once). A location whose
//!    distance exceeds the mean by more than three standard deviations is a
//!    locational outlier and is left out of steps 2 and 4 (it is still counted in
//!    the analysis itself).
//! 2. **Cell size** (when not given): the mean nearest-neighbour distance between
//!    the remaining distinct locations, rounded to whole metres; raised if needed
//!    so the fishnet stays within [`MAX_AUTO_CELLS`] cells (reported).
//! 3. **Incremental spatial autocorrelation.** Global Moran's I (binary band,
//!    randomisation z) of the cell counts at [`ISA_STEPS`] distances starting at
//!    one cell size and growing by one cell size.
//! 4. **Distance band** (when not given): the first distance whose z is a peak
//!    (larger than both neighbours in the sequence) and significant (z > 1.96).
//!    Fallback when there is no such peak: the mean distance from each non-empty
//!    cell to its K-th nearest non-empty cell, K = 5 % of the non-empty cells
//!    clamped to 3..=30 (ArcGIS's documented fallback is "the average distance
//!    to K nearest neighbours"), never less than one cell size.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use crate::stats::fishnet::Fishnet;
use crate::stats::moran::global_moran_fishnet;
use crate::stats::nearest_neighbour::nearest_distances;
use crate::study_area::StudyArea;

/// Largest fishnet the automatic cell size will produce.
pub const MAX_AUTO_CELLS: usize = 250_000;
/// Distances tried by the incremental spatial autocorrelation.
pub const ISA_STEPS: usize = 10;

/// One step of the incremental spatial autocorrelation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct IsaStep {
    /// Distance band, metres.
    pub distance_m: f64,
    /// Global Moran's I.
    pub moran_i: f64,
    /// Its z-score (randomisation).
    pub z: f64,
}

/// The chosen scale and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ScaleChoice {
    /// Cell size, metres.
    pub cell_m: f64,
    /// Distance band, metres.
    pub distance_m: f64,
    /// Locational outliers (incident indices) left out of the choice.
    pub outliers: Vec<usize>,
    /// The incremental spatial autocorrelation profile (empty when both were given).
    pub isa: Vec<IsaStep>,
    /// One sentence per decision.
    pub reasons: Vec<String>,
}

/// Chooses the cell size and/or distance band that were not given (see the module docs).
///
/// # Errors
/// [`Error::InsufficientData`] with fewer than 3 distinct locations when the
/// cell size must be chosen; fishnet errors as [`Fishnet::square`];
/// [`Error::InvalidParameter`] for a given value that is not positive.
pub fn choose_scale(
    incidents: &Incidents,
    area: Option<&StudyArea>,
    cell_m: Option<f64>,
    distance_m: Option<f64>,
) -> Result<ScaleChoice> {
    for (name, v) in [("cell_m", cell_m), ("distance_m", distance_m)] {
        if let Some(v) = v
            && !(v.is_finite() && v > 0.0)
        {
            return Err(Error::invalid(
                name,
                v,
                "must be a positive number of metres",
            ));
        }
    }
    let mut reasons = Vec::new();
    // Distinct locations.
    let mut locs: Vec<(f64, f64, usize)> = (0..incidents.len())
        .map(|i| (incidents.x()[i], incidents.y()[i], i))
        .collect();
    locs.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    locs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let lx: Vec<f64> = locs.iter().map(|l| l.0).collect();
    let ly: Vec<f64> = locs.iter().map(|l| l.1).collect();
    let mut outliers = Vec::new();
    let mut keep = vec![true; locs.len()];
    let mut mean_nn = None;
    if locs.len() >= 3 {
        let d = nearest_distances(&lx, &ly)?;
        let m = d.iter().sum::<f64>() / d.len() as f64;
        let sd = (d.iter().map(|v| (v - m).powi(2)).sum::<f64>() / d.len() as f64).sqrt();
        let lim = m + 3.0 * sd;
        for (k, &dk) in d.iter().enumerate() {
            if dk > lim {
                keep[k] = false;
            }
        }
        let out_locs: std::collections::HashSet<(u64, u64)> = (0..locs.len())
            .filter(|&k| !keep[k])
            .map(|k| (lx[k].to_bits(), ly[k].to_bits()))
            .collect();
        for i in 0..incidents.len() {
            if out_locs.contains(&(incidents.x()[i].to_bits(), incidents.y()[i].to_bits())) {
                outliers.push(i);
            }
        }
        let kept: Vec<f64> = (0..d.len()).filter(|&k| keep[k]).map(|k| d[k]).collect();
        mean_nn = Some(kept.iter().sum::<f64>() / kept.len().max(1) as f64);
        reasons.push(format!(
            "{} distinct locations among {} incidents; {} location(s) ({} incident(s)) are locational outliers (nearest-neighbour distance above mean + 3 SD = {:.1} m) and are left out of the scale decision",
            locs.len(),
            incidents.len(),
            out_locs.len(),
            outliers.len(),
            lim
        ));
    }
    let cell = match cell_m {
        Some(c) => {
            reasons.push(format!("cell size {c} m given"));
            c
        }
        None => {
            let Some(m) = mean_nn else {
                return Err(Error::InsufficientData(
                    "choosing a cell size needs at least 3 distinct incident locations; give --cell".into(),
                ));
            };
            let mut c = m.round().max(1.0);
            reasons.push(format!(
                "cell size {c} m: mean nearest-neighbour distance between distinct locations without outliers ({m:.1} m), rounded"
            ));
            let ext = match area {
                Some(a) => a.bbox(),
                None => incidents.bbox().unwrap_or([0.0; 4]),
            };
            let cells = |c: f64| {
                ((ext[2] - ext[0]) / c + 1.0).ceil() * ((ext[3] - ext[1]) / c + 1.0).ceil()
            };
            if cells(c) > MAX_AUTO_CELLS as f64 {
                let before = c;
                while cells(c) > MAX_AUTO_CELLS as f64 {
                    c = (c * 1.1).ceil();
                }
                reasons.push(format!(
                    "cell size raised from {before} m to {c} m to keep the fishnet within {MAX_AUTO_CELLS} cells"
                ));
            }
            c
        }
    };
    if let Some(d) = distance_m {
        reasons.push(format!("distance band {d} m given"));
        return Ok(ScaleChoice {
            cell_m: cell,
            distance_m: d,
            outliers,
            isa: Vec::new(),
            reasons,
        });
    }
    // Incremental spatial autocorrelation on the fishnet built without outliers.
    let kept_inc = if outliers.is_empty() {
        incidents.clone()
    } else {
        let mut is_out = vec![false; incidents.len()];
        for &i in &outliers {
            is_out[i] = true;
        }
        incidents.filter(|i| !is_out[i])
    };
    let f = Fishnet::square(&kept_inc, cell, area)?;
    let mut isa = Vec::with_capacity(ISA_STEPS);
    for k in 1..=ISA_STEPS {
        let d = cell * k as f64;
        let m = global_moran_fishnet(&f, d)?;
        isa.push(IsaStep {
            distance_m: d,
            moran_i: m.i,
            z: m.z_rand,
        });
    }
    let peak = (0..isa.len()).find(|&k| {
        let z = isa[k].z;
        let left = if k == 0 {
            f64::NEG_INFINITY
        } else {
            isa[k - 1].z
        };
        let right = if k + 1 == isa.len() {
            f64::INFINITY
        } else {
            isa[k + 1].z
        };
        z > 1.96 && z > left && z > right
    });
    let distance = match peak {
        Some(k) => {
            reasons.push(format!(
                "distance band {} m: first significant peak of incremental spatial autocorrelation (Moran's I z = {:.2}) over {} distances from {} m in steps of {} m",
                isa[k].distance_m, isa[k].z, ISA_STEPS, cell, cell
            ));
            isa[k].distance_m
        }
        None => {
            let nz: Vec<usize> = (0..f.len()).filter(|&k| f.count[k] > 0.0).collect();
            let kk = ((nz.len() as f64 * 0.05).round() as usize).clamp(3, 30);
            let fallback = if nz.len() > kk {
                let xs: Vec<f64> = nz.iter().map(|&k| f.x[k]).collect();
                let ys: Vec<f64> = nz.iter().map(|&k| f.y[k]).collect();
                let idx = SpatialIndex::from_xy(&xs, &ys);
                let s: f64 = (0..xs.len())
                    .map(|i| idx.kth_distance(xs[i], ys[i], kk + 1).unwrap_or(0.0))
                    .sum();
                (s / xs.len() as f64).max(cell)
            } else {
                cell * 2.0
            };
            reasons.push(format!(
                "distance band {fallback:.0} m: no significant peak of incremental spatial autocorrelation, so the mean distance from each of the {} non-empty cells to its {kk}-th nearest non-empty cell (at least one cell size) is used",
                nz.len()
            ));
            fallback.round()
        }
    };
    Ok(ScaleChoice {
        cell_m: cell,
        distance_m: distance,
        outliers,
        isa,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;

    #[test]
    fn outliers_are_reported_and_a_peak_is_found_for_blobs() {
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut s = 5u64;
        let mut r = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        // Clusters of radius ~300 m on a 5 km square, plus one far outlier.
        for c in 0..8 {
            let (cx, cy) = (
                600.0 + (c % 4) as f64 * 1200.0,
                1000.0 + (c / 4) as f64 * 3000.0,
            );
            for _ in 0..150 {
                x.push(cx + (r() - 0.5) * 600.0);
                y.push(cy + (r() - 0.5) * 600.0);
            }
        }
        for _ in 0..200 {
            x.push(r() * 5000.0);
            y.push(r() * 5000.0);
        }
        x.push(60_000.0);
        y.push(60_000.0);
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let c = choose_scale(&inc, None, None, None).unwrap();
        assert_eq!(c.outliers, vec![x.len() - 1]);
        assert!(c.cell_m >= 5.0 && c.cell_m < 200.0, "{c:?}");
        assert_eq!(c.isa.len(), ISA_STEPS);
        assert!(c.distance_m >= c.cell_m);
        assert!(c.reasons.len() >= 3);
        // Given values are kept.
        let g = choose_scale(&inc, None, Some(100.0), Some(250.0)).unwrap();
        assert_eq!((g.cell_m, g.distance_m), (100.0, 250.0));
        assert!(g.isa.is_empty());
        assert!(choose_scale(&inc, None, Some(-1.0), None).is_err());
    }

    #[test]
    fn too_few_locations_need_a_cell_size() {
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[1.0, 1.0, 2.0], &[1.0, 1.0, 2.0]).unwrap();
        assert!(matches!(
            choose_scale(&inc, None, None, None),
            Err(Error::InsufficientData(_))
        ));
        let c = choose_scale(&inc, None, Some(1.0), None).unwrap();
        assert!(c.distance_m >= 1.0);
    }
}
