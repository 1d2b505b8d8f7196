//! The area at risk: the part of the study area where incidents can happen, as a cell mask on a grid.
//!
//! Every analysis that compares a place with "elsewhere" (hotspot thresholds,
//! Gi*, the KDE significance threshold, the bandwidth cross-validation) should
//! compare it with places where incidents could have happened, not with lakes
//! and forest. The area at risk is
//!
//! * the study area (all cells when none is given),
//! * minus water polygons (`--water`),
//! * and, when given, restricted to the union of "at risk" polygons
//!   (`--at-risk FILE`: built-up or populated areas) and/or to the cells whose
//!   centre lies within `M` metres of at least one incident of the whole data
//!   span (`--at-risk-from-incidents M`; both restrictions apply when both are given).
//!
//! **Effect.** Restricting the reference area raises the mean cell count and
//! removes the long run of empty cells: a "top 1 %" threshold becomes 1 % of
//! the places that matter (a higher threshold, so smaller hotspots), Gi* compares
//! a cell with the inhabited town instead of the forest (fewer, more meaningful
//! hot cells, and cold spots become possible), and simulated incidents fall where
//! people are. The choice is recorded in [`AreaAtRiskSummary`].
//!
//! **Rasterisation.** A cell belongs to the area when its centre does. Polygons
//! are filled by scanline (even-odd rule per polygon over its exterior and
//! interior rings, union over polygons), `O(edges x rows + cells)`; the
//! incident buffer stamps a disc of cells per incident, `O(n (M/cell)^2)`. A
//! centre exactly on a polygon edge may fall either side (measure zero).

use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use geo::{Area, LineString, MultiPolygon, Polygon};
use serde::Serialize;

/// What the area at risk is made of, before it is put on a grid.
#[derive(Clone, Debug, Default)]
pub struct AreaAtRiskOptions {
    /// The study area; `None`: every cell of the grid.
    pub study_area: Option<StudyArea>,
    /// Water (lakes, sea, rivers as polygons), removed from the area.
    pub water: Option<MultiPolygon<f64>>,
    /// Built-up or populated polygons; when given, only cells inside them stay.
    pub at_risk: Option<MultiPolygon<f64>>,
    /// When given, only cells whose centre lies within this many metres of an incident stay.
    pub from_incidents_m: Option<f64>,
}

/// What the mask holds and how it was made (plain data for output and method notes).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaAtRiskSummary {
    /// Cells of the grid.
    pub grid_cells: usize,
    /// Cells in the area at risk.
    pub cells: usize,
    /// Area at risk, km2 (cells times cell area).
    pub area_km2: f64,
    /// Area of the whole grid, km2.
    pub grid_km2: f64,
    /// Cells of the study area (before water and restrictions).
    pub study_area_cells: usize,
    /// Cells removed as water.
    pub water_cells: usize,
    /// Cells removed by the at-risk polygons.
    pub outside_at_risk_cells: usize,
    /// Cells removed as farther than `from_incidents_m` from every incident.
    pub far_from_incidents_cells: usize,
    /// The incident buffer used, metres.
    pub from_incidents_m: Option<f64>,
    /// The rule in words.
    pub description: String,
}

/// A cell mask on a grid: `true` where the cell is in the area at risk.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaAtRisk {
    spec: GridSpec,
    mask: Vec<bool>,
    summary: AreaAtRiskSummary,
}

impl AreaAtRisk {
    /// Every cell of `spec` (no restriction).
    pub fn whole_grid(spec: GridSpec) -> Self {
        let n = spec.len();
        Self::from_mask(spec, vec![true; n], "every cell of the grid".into())
    }

    /// A mask given directly (one `bool` per cell of `spec`, row-major).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the mask does not have one entry per cell.
    pub fn with_mask(spec: GridSpec, mask: Vec<bool>, description: String) -> Result<Self> {
        if mask.len() != spec.len() {
            return Err(Error::invalid(
                "mask",
                format!("{} cells", mask.len()),
                format!(
                    "the mask must have one entry per grid cell ({})",
                    spec.len()
                ),
            ));
        }
        Ok(Self::from_mask(spec, mask, description))
    }

    fn from_mask(spec: GridSpec, mask: Vec<bool>, description: String) -> Self {
        let cells = mask.iter().filter(|&&b| b).count();
        let n = spec.len();
        let a = spec.cell_area_m2() / 1e6;
        Self {
            spec,
            mask,
            summary: AreaAtRiskSummary {
                grid_cells: n,
                cells,
                area_km2: cells as f64 * a,
                grid_km2: n as f64 * a,
                study_area_cells: n,
                water_cells: 0,
                outside_at_risk_cells: 0,
                far_from_incidents_cells: 0,
                from_incidents_m: None,
                description,
            },
        }
    }

    /// The area at risk of `opts` on `spec`; `incidents` are used only for
    /// [`AreaAtRiskOptions::from_incidents_m`] (pass all incidents of the data span).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a buffer that is not a positive finite
    /// number of metres; [`Error::InsufficientData`] when no cell is left, with
    /// the step that removed the last cells.
    pub fn build(spec: GridSpec, opts: &AreaAtRiskOptions, incidents: &Incidents) -> Result<Self> {
        if let Some(m) = opts.from_incidents_m
            && !(m.is_finite() && m > 0.0)
        {
            return Err(Error::invalid(
                "at_risk_from_incidents",
                m,
                "give a positive distance in metres, e.g. 200",
            ));
        }
        let n = spec.len();
        let mut mask = match &opts.study_area {
            Some(a) => fill_polygons(&spec, a.polygons()),
            None => vec![true; n],
        };
        let study_cells = count(&mask);
        let mut water_cells = 0;
        if let Some(w) = &opts.water {
            let water = fill_polygons(&spec, w);
            for (m, &wet) in mask.iter_mut().zip(&water) {
                if *m && wet {
                    *m = false;
                    water_cells += 1;
                }
            }
        }
        let mut outside_at_risk = 0;
        if let Some(p) = &opts.at_risk {
            let inside = fill_polygons(&spec, p);
            for (m, &ok) in mask.iter_mut().zip(&inside) {
                if *m && !ok {
                    *m = false;
                    outside_at_risk += 1;
                }
            }
        }
        let mut far = 0;
        if let Some(r) = opts.from_incidents_m {
            let near = near_incidents(&spec, incidents, r);
            for (m, &ok) in mask.iter_mut().zip(&near) {
                if *m && !ok {
                    *m = false;
                    far += 1;
                }
            }
        }
        let mut parts = vec![if opts.study_area.is_some() {
            "the study area".to_string()
        } else {
            "the grid".to_string()
        }];
        if opts.water.is_some() {
            parts.push("minus water".into());
        }
        if opts.at_risk.is_some() {
            parts.push("inside the at-risk polygons".into());
        }
        if let Some(r) = opts.from_incidents_m {
            parts.push(format!("within {r} m of an incident"));
        }
        let cells = count(&mask);
        if cells == 0 {
            let step = if far > 0 {
                "the incident buffer (use a larger --at-risk-from-incidents)"
            } else if outside_at_risk > 0 {
                "the at-risk polygons (check their CRS and extent)"
            } else if water_cells > 0 {
                "the water polygons (check that water is not the whole area)"
            } else {
                "the study area (use smaller cells or check its CRS)"
            };
            return Err(Error::InsufficientData(format!(
                "the area at risk holds no {} m cell after {step}",
                spec.cell_m
            )));
        }
        let mut out = Self::from_mask(spec, mask, parts.join(", "));
        out.summary.study_area_cells = study_cells;
        out.summary.water_cells = water_cells;
        out.summary.outside_at_risk_cells = outside_at_risk;
        out.summary.far_from_incidents_cells = far;
        out.summary.from_incidents_m = opts.from_incidents_m;
        Ok(out)
    }

    /// The grid.
    pub fn spec(&self) -> &GridSpec {
        &self.spec
    }

    /// One `bool` per cell, row-major.
    pub fn mask(&self) -> &[bool] {
        &self.mask
    }

    /// Whether cell `index` is in the area.
    pub fn contains_cell(&self, index: usize) -> bool {
        self.mask.get(index).copied().unwrap_or(false)
    }

    /// Whether the point lies in a cell of the area (false outside the grid).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.spec
            .cell_of(x, y)
            .is_some_and(|(c, r)| self.mask[self.spec.index(c, r)])
    }

    /// Number of cells in the area.
    pub fn cells(&self) -> usize {
        self.summary.cells
    }

    /// How it was made.
    pub fn summary(&self) -> &AreaAtRiskSummary {
        &self.summary
    }

    /// The same area on another grid: a cell of `spec` is in it when its centre
    /// lies in a cell of this mask.
    pub fn resampled(&self, spec: GridSpec) -> Self {
        let mask = (0..spec.len())
            .map(|k| {
                let (c, r) = spec.col_row(k);
                let [x, y] = spec.centre(c, r);
                self.contains(x, y)
            })
            .collect();
        Self::from_mask(
            spec,
            mask,
            format!("{} (resampled)", self.summary.description),
        )
    }
}

fn count(m: &[bool]) -> usize {
    m.iter().filter(|&&b| b).count()
}

/// Cells whose centre lies inside `polys` (even-odd per polygon, union over polygons).
pub(crate) fn fill_polygons(spec: &GridSpec, polys: &MultiPolygon<f64>) -> Vec<bool> {
    let mut mask = vec![false; spec.len()];
    let mut xs: Vec<f64> = Vec::new();
    for poly in polys {
        if !(poly.unsigned_area() > 0.0) {
            continue;
        }
        fill_polygon(spec, poly, &mut mask, &mut xs);
    }
    mask
}

fn rings(poly: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(poly.exterior()).chain(poly.interiors())
}

fn fill_polygon(spec: &GridSpec, poly: &Polygon<f64>, mask: &mut [bool], xs: &mut Vec<f64>) {
    let (mut ymin, mut ymax) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in poly.exterior().coords() {
        ymin = ymin.min(c.y);
        ymax = ymax.max(c.y);
    }
    let cell = spec.cell_m;
    let r0 = (((ymin - spec.y0) / cell - 0.5).ceil().max(0.0)) as usize;
    let r1f = ((ymax - spec.y0) / cell - 0.5).floor();
    if !(r1f >= 0.0) {
        return;
    }
    let r1 = (r1f as usize).min(spec.rows.saturating_sub(1));
    for row in r0..=r1 {
        let yc = spec.y0 + (row as f64 + 0.5) * cell;
        xs.clear();
        for ring in rings(poly) {
            for l in ring.lines() {
                let (a, b) = (l.start, l.end);
                // Half-open rule: an edge counts when yc is in [min y, max y).
                if (a.y <= yc) != (b.y <= yc) {
                    let t = (yc - a.y) / (b.y - a.y);
                    xs.push(a.x + t * (b.x - a.x));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            // Columns whose centre x0 + (c + 0.5) cell lies in [pair[0], pair[1]].
            let c0 = ((pair[0] - spec.x0) / cell - 0.5).ceil().max(0.0);
            let c1 = ((pair[1] - spec.x0) / cell - 0.5).floor();
            if !(c1 >= c0) || c0 >= spec.cols as f64 {
                continue;
            }
            let (c0, c1) = (c0 as usize, (c1 as usize).min(spec.cols - 1));
            let base = row * spec.cols;
            mask[base + c0..=base + c1].fill(true);
        }
    }
}

/// Cells whose centre lies within `r` metres of some incident.
pub(crate) fn near_incidents(spec: &GridSpec, inc: &Incidents, r: f64) -> Vec<bool> {
    let mut mask = vec![false; spec.len()];
    let cell = spec.cell_m;
    let r2 = r * r;
    for i in 0..inc.len() {
        let [x, y] = inc.position(i);
        let r0 = ((y - r - spec.y0) / cell - 0.5).ceil().max(0.0);
        let r1 = ((y + r - spec.y0) / cell - 0.5).floor();
        if !(r1 >= r0) || r0 >= spec.rows as f64 {
            continue;
        }
        let (r0, r1) = (r0 as usize, (r1 as usize).min(spec.rows - 1));
        for row in r0..=r1 {
            let dy = spec.y0 + (row as f64 + 0.5) * cell - y;
            let half = (r2 - dy * dy).max(0.0).sqrt();
            let c0 = ((x - half - spec.x0) / cell - 0.5).ceil().max(0.0);
            let c1 = ((x + half - spec.x0) / cell - 0.5).floor();
            if !(c1 >= c0) || c0 >= spec.cols as f64 {
                continue;
            }
            let (c0, c1) = (c0 as usize, (c1 as usize).min(spec.cols - 1));
            mask[row * spec.cols + c0..=row * spec.cols + c1].fill(true);
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use geo::{Contains, Point, polygon};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn grid() -> GridSpec {
        GridSpec::new(0.0, 0.0, 10.0, 60, 40).unwrap()
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn scanline_fill_matches_point_in_polygon_on_every_cell() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let g = grid();
        for _ in 0..20 {
            // A random star-shaped polygon with a hole, plus a second polygon.
            let (cx, cy) = (
                rng.random_range(100.0..500.0),
                rng.random_range(100.0..300.0),
            );
            let ring: Vec<(f64, f64)> = (0..9)
                .map(|k| {
                    let a = k as f64 / 9.0 * std::f64::consts::TAU;
                    let rr = rng.random_range(60.0..200.0);
                    (cx + rr * a.cos(), cy + rr * a.sin())
                })
                .collect();
            let hole: Vec<(f64, f64)> = (0..5)
                .map(|k| {
                    let a = k as f64 / 5.0 * std::f64::consts::TAU;
                    (cx + 30.0 * a.cos(), cy + 30.0 * a.sin())
                })
                .collect();
            let p = Polygon::new(LineString::from(ring), vec![LineString::from(hole)]);
            let q = polygon![(x: 520.0, y: 10.0), (x: 700.0, y: 10.0), (x: 600.0, y: 150.0)];
            let mp = MultiPolygon::new(vec![p, q]);
            let m = fill_polygons(&g, &mp);
            for k in 0..g.len() {
                let (c, r) = g.col_row(k);
                let [x, y] = g.centre(c, r);
                assert_eq!(m[k], mp.contains(&Point::new(x, y)), "cell {c},{r}");
            }
        }
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn buffer_matches_brute_force_and_water_is_removed() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let x: Vec<f64> = (0..30).map(|_| rng.random_range(-50.0..650.0)).collect();
        let y: Vec<f64> = (0..30).map(|_| rng.random_range(-50.0..450.0)).collect();
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let g = grid();
        let near = near_incidents(&g, &inc, 37.0);
        for k in 0..g.len() {
            let (c, r) = g.col_row(k);
            let [cx, cy] = g.centre(c, r);
            let brute = x
                .iter()
                .zip(&y)
                .any(|(a, b)| (a - cx).powi(2) + (b - cy).powi(2) <= 37.0 * 37.0);
            assert_eq!(near[k], brute, "cell {c},{r}");
        }
        // Water: a 200 x 100 m lake removes exactly its 20 x 10 cells.
        let lake = polygon![(x: 100.0, y: 100.0), (x: 300.0, y: 100.0), (x: 300.0, y: 200.0), (x: 100.0, y: 200.0)];
        let opts = AreaAtRiskOptions {
            water: Some(MultiPolygon::new(vec![lake])),
            ..Default::default()
        };
        let a = AreaAtRisk::build(g, &opts, &inc).unwrap();
        assert_eq!(a.summary().water_cells, 200);
        assert_eq!(a.cells(), 2400 - 200);
        assert!(!a.contains(150.0, 150.0) && a.contains(350.0, 150.0));
        assert!((a.summary().area_km2 - 2200.0 * 100.0 / 1e6).abs() < 1e-12);
        // Everything removed: a clear error.
        let all = AreaAtRiskOptions {
            from_incidents_m: Some(1.0),
            ..Default::default()
        };
        let far = Incidents::from_xy(Crs::SWEREF99_TM, &[5000.0], &[5000.0]).unwrap();
        let e = AreaAtRisk::build(g, &all, &far).unwrap_err().to_string();
        assert!(e.contains("incident buffer"), "{e}");
        assert!(
            AreaAtRisk::build(
                g,
                &AreaAtRiskOptions {
                    from_incidents_m: Some(-3.0),
                    ..Default::default()
                },
                &inc
            )
            .is_err()
        );
    }
}
