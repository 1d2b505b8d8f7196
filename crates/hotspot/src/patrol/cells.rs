//! Grid-cell-cluster patrol zones: a zone is a 4-connected set of `m` square grid cells.
//!
//! # Formulation
//! Square cells of side `c` (aligned to multiples of `c`, as [`crate::grid::GridSpec::covering`]) hold the
//! harm of the incidents inside them. From a *seed* cell a zone is grown greedily: start with the seed and
//! repeatedly add the 4-neighbour of the zone with the largest cell harm (ties, e.g. among empty cells:
//! nearer the seed, then the lower row-major index) until the zone has `m` cells, adding only cells inside
//! the seed's block of `(2d+1) × (2d+1)` cells, `d = ⌈(√m − 1)/2⌉` (the smallest square block that can
//! hold `m` cells: this keeps zones compact). The grid is padded by `d` cells, so every zone has exactly `m`
//! cells and all zones have the same area, as circles do; a seed in an empty cell grows through the
//! nearest empty cells towards harm inside its block. So each seed defines one fixed zone.
//!
//! Seeds are the cells holding the candidate centres (density peaks, cluster centroids, schools, …) and,
//! for the `grid` source, every cell holding positive harm. The choice of `k` zones among these fixed
//! candidate zones is then the maximum k-coverage problem, the set form of the maximal covering location
//! problem (Church & ReVelle 1974; Hochbaum & Pathria 1998, *Naval Research Logistics* 45, 615-627): the same
//! lazy greedy as for circles, with the same `1 − 1/e` guarantee relative to the best `k` of the candidate
//! zones (not of all connected shapes, a harder problem). Grid cells as the unit of hot-spot policing
//! follow the micro-place literature (Weisburd 2015, *Criminology* 53, 133-157); the PAI over cells is
//! Chainey, Tompson & Uhlig (2008).
//!
//! **Overlap limit.** Two zones are compatible when the cells they share are at most `max_overlap` × the
//! cell count of the smaller zone (0 = disjoint).
//!
//! Defaults ([`CellZoneParams::for_radius`]): `c = r / 2` and `m = round(π r² / c²) = 13`, so a zone has
//! about the area of a circle of radius `r` (203,125 m² against 196,350 m² for r = 250 m) and fits in a
//! 5 × 5 block (`d = 2`).
//!
//! Complexity: O(n log n) to bin the incidents, O(m²) per seed to grow zones, then as for circles.

use super::candidates::{Candidate, CandidateSource, MAX_CANDIDATES};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use geo::{MultiPolygon, Polygon};
use std::collections::HashSet;

/// Largest grid for cell zones (cells), checked before the grid is allocated.
pub const MAX_CELL_GRID: u64 = 20_000_000;

/// Checked parameters of grid-cell-cluster zones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellZoneParams {
    cell_m: f64,
    max_cells: usize,
}

impl CellZoneParams {
    /// Cells of `cell_m` metres (> 0, <= 5000), zones of `max_cells` cells (1..=100; every zone has exactly
    /// this many, see the module doc).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `cell_m` or `zone_cells`.
    pub fn new(cell_m: f64, max_cells: usize) -> Result<Self> {
        if !(cell_m > 0.0 && cell_m <= 5000.0) {
            return Err(Error::invalid(
                "cell_m",
                cell_m,
                "cell side must be > 0 and <= 5000 metres",
            ));
        }
        if !(1..=100).contains(&max_cells) {
            return Err(Error::invalid(
                "zone_cells",
                max_cells,
                "a zone has between 1 and 100 cells",
            ));
        }
        Ok(Self { cell_m, max_cells })
    }

    /// Defaults for zones comparable to circles of radius `radius_m`: cells of `r/2`,
    /// `round(π r² / (r/2)²) = 13` cells.
    ///
    /// # Errors
    /// As [`CellZoneParams::new`].
    pub fn for_radius(radius_m: f64) -> Result<Self> {
        let c = radius_m / 2.0;
        let m = (std::f64::consts::PI * radius_m * radius_m / (c * c)).round() as usize;
        Self::new(c, m)
    }

    /// Zones comparable to circles of radius `radius_m` (`hotspot patrol --zone-shape cells`): cells of
    /// `cell_m` (default `r/2`) and `zone_cells` cells (default the circle's area in cells,
    /// `round(π r² / cell²)`, kept within 1..=100: 13 with the default cell).
    ///
    /// # Errors
    /// As [`CellZoneParams::new`] (a given `zone_cells` outside 1..=100 is an error, not clamped).
    pub fn for_circle(
        radius_m: f64,
        cell_m: Option<f64>,
        zone_cells: Option<usize>,
    ) -> Result<Self> {
        let cell = cell_m.unwrap_or(radius_m / 2.0);
        let m = match zone_cells {
            Some(m) => m,
            None => (std::f64::consts::PI * radius_m * radius_m / (cell * cell))
                .round()
                .clamp(1.0, 100.0) as usize,
        };
        Self::new(cell, m)
    }

    /// Cell side in metres.
    pub fn cell_m(&self) -> f64 {
        self.cell_m
    }

    /// Number of cells in a zone.
    pub fn max_cells(&self) -> usize {
        self.max_cells
    }

    /// Half-width `d` of the block a zone is confined to (in cells).
    pub fn reach(&self) -> usize {
        (((self.max_cells as f64).sqrt() - 1.0) / 2.0)
            .ceil()
            .max(0.0) as usize
    }
}

/// One candidate zone.
#[derive(Clone, Debug, PartialEq)]
pub struct CellZone {
    /// Seed cell (row-major index in [`CellZones::spec`]).
    pub seed: usize,
    /// Cells of the zone, sorted row-major indices (the seed included).
    pub cells: Vec<u32>,
    /// Where the seed came from.
    pub source: CandidateSource,
}

/// The cell grid and the candidate zones grown on it.
#[derive(Clone, Debug)]
pub struct CellZones {
    /// The grid.
    pub spec: GridSpec,
    /// Harm per cell (positive-weight incidents only).
    pub cell_harm: Vec<f64>,
    /// Candidate zones, one per distinct seed, in seed order.
    pub zones: Vec<CellZone>,
    params: CellZoneParams,
}

/// Grows the zone of `seed` (see the module doc). Returns sorted cell indices.
pub fn grow_zone(
    spec: &GridSpec,
    cell_harm: &[f64],
    seed: usize,
    params: &CellZoneParams,
) -> Vec<u32> {
    let (sc, sr) = spec.col_row(seed);
    let d = params.reach() as i64;
    let mut zone = vec![seed];
    while zone.len() < params.max_cells {
        let mut best: Option<(f64, i64, usize)> = None;
        for &z in &zone {
            let (c, r) = spec.col_row(z);
            for (dc, dr) in [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)] {
                let (nc, nr) = (c as i64 + dc, r as i64 + dr);
                if nc < 0 || nr < 0 || nc as usize >= spec.cols || nr as usize >= spec.rows {
                    continue;
                }
                if (nc - sc as i64).abs() > d || (nr - sr as i64).abs() > d {
                    continue;
                }
                let k = spec.index(nc as usize, nr as usize);
                let h = cell_harm[k];
                if zone.contains(&k) {
                    continue;
                }
                let d2 = (nc - sc as i64).pow(2) + (nr - sr as i64).pow(2);
                let better = match best {
                    None => true,
                    Some((bh, bd, bk)) => h > bh || (h == bh && (d2 < bd || (d2 == bd && k < bk))),
                };
                if better {
                    best = Some((h, d2, k));
                }
            }
        }
        match best {
            Some((_, _, k)) => zone.push(k),
            None => break,
        }
    }
    let mut cells: Vec<u32> = zone.into_iter().map(|k| k as u32).collect();
    cells.sort_unstable();
    cells
}

impl CellZones {
    /// Builds the grid over the positive-weight incidents and the seed positions (padded by the block
    /// half-width), bins the harm, and grows one zone per distinct seed cell: the cells of `seeds` in order
    /// (a seed in an already used cell is skipped), then, with `grid_seeds`, every other cell holding
    /// positive harm in row-major order (source [`CandidateSource::Grid`]).
    ///
    /// Degenerate inputs: no incident with positive weight and no seed give no zone.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the slices differ in length or a weight is negative or not finite;
    /// [`Error::LimitExceeded`] when the grid would exceed [`MAX_CELL_GRID`] cells or there would be more
    /// than [`MAX_CANDIDATES`] zones.
    pub fn build(
        x: &[f64],
        y: &[f64],
        weights: &[f64],
        params: &CellZoneParams,
        seeds: &[Candidate],
        grid_seeds: bool,
    ) -> Result<Self> {
        if x.len() != y.len() || x.len() != weights.len() {
            return Err(Error::invalid(
                "weights",
                format!("{} / {} / {}", x.len(), y.len(), weights.len()),
                "x, y and weights need one value per incident",
            ));
        }
        if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(Error::invalid(
                "weights",
                w,
                "harm weights must be finite and >= 0",
            ));
        }
        let mut pts: Vec<[f64; 2]> = (0..x.len())
            .filter(|&i| weights[i] > 0.0)
            .map(|i| [x[i], y[i]])
            .collect();
        pts.extend(seeds.iter().map(|s| s.pos));
        let empty = GridSpec::new(0.0, 0.0, params.cell_m, 1, 1)?;
        if pts.is_empty() {
            return Ok(Self {
                spec: empty,
                cell_harm: vec![0.0],
                zones: Vec::new(),
                params: *params,
            });
        }
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in &pts {
            bbox = [
                bbox[0].min(p[0]),
                bbox[1].min(p[1]),
                bbox[2].max(p[0]),
                bbox[3].max(p[1]),
            ];
        }
        let pad = params.reach() as f64 * params.cell_m;
        let spec = GridSpec::covering_with_limit(bbox, params.cell_m, pad, MAX_CELL_GRID)
            .map_err(|e| {
                e.with_limit_hint("cell zones need a grid over the incidents: use larger cells (--cell-m) or a smaller area/period")
            })?;
        let mut cell_harm = vec![0.0; spec.len()];
        for i in 0..x.len() {
            if weights[i] > 0.0
                && let Some((c, r)) = spec.cell_of(x[i], y[i])
            {
                cell_harm[spec.index(c, r)] += weights[i];
            }
        }
        let mut used = HashSet::new();
        let mut order: Vec<(usize, CandidateSource)> = Vec::new();
        for s in seeds {
            if let Some((c, r)) = spec.cell_of(s.pos[0], s.pos[1]) {
                let k = spec.index(c, r);
                if used.insert(k) {
                    order.push((k, s.source));
                }
            }
        }
        if grid_seeds {
            for (k, h) in cell_harm.iter().enumerate() {
                if *h > 0.0 && used.insert(k) {
                    order.push((k, CandidateSource::Grid));
                }
            }
        }
        if order.len() > MAX_CANDIDATES {
            return Err(Error::LimitExceeded {
                what: "patrol candidate zones",
                requested: order.len() as u64,
                limit: MAX_CANDIDATES as u64,
                hint: "use larger cells (--cell-m) or a smaller area/period".into(),
            });
        }
        let zones = order
            .into_iter()
            .map(|(seed, source)| CellZone {
                seed,
                cells: grow_zone(&spec, &cell_harm, seed, params),
                source,
            })
            .collect();
        Ok(Self {
            spec,
            cell_harm,
            zones,
            params: *params,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &CellZoneParams {
        &self.params
    }

    /// The cell index of a point, if on the grid.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<usize> {
        self.spec.cell_of(x, y).map(|(c, r)| self.spec.index(c, r))
    }

    /// Reference point of each zone (its reported centre and route stop): the centre of the zone's cell
    /// nearest the mean position of its cells (ties to the lower index), so it lies inside the zone.
    pub fn anchors(&self) -> Vec<[f64; 2]> {
        self.zones
            .iter()
            .map(|z| {
                let pos: Vec<(u32, [f64; 2])> = z
                    .cells
                    .iter()
                    .map(|&k| {
                        let (c, r) = self.spec.col_row(k as usize);
                        (k, self.spec.centre(c, r))
                    })
                    .collect();
                let n = pos.len() as f64;
                let mx = pos.iter().map(|p| p.1[0]).sum::<f64>() / n;
                let my = pos.iter().map(|p| p.1[1]).sum::<f64>() / n;
                let d2 = |p: &[f64; 2]| (p[0] - mx).powi(2) + (p[1] - my).powi(2);
                pos.iter()
                    .min_by(|a, b| d2(&a.1).total_cmp(&d2(&b.1)).then(a.0.cmp(&b.0)))
                    .map_or([mx, my], |p| p.1)
            })
            .collect()
    }

    /// The zone's cells as one (multi)polygon: the union of its squares.
    pub fn polygon(&self, zone: usize) -> MultiPolygon<f64> {
        let squares: Vec<Polygon<f64>> = self.zones[zone]
            .cells
            .iter()
            .map(|&k| {
                let (c, r) = self.spec.col_row(k as usize);
                let [x0, y0, x1, y1] = self.spec.cell_bounds(c, r);
                geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 })
                    .to_polygon()
            })
            .collect();
        geo::unary_union(&squares)
    }
}

/// Number of cells two sorted cell lists share.
pub(crate) fn shared_cells(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}
