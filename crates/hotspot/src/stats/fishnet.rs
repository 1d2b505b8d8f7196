//! Fishnets: incidents counted into square or hexagonal cells, empty cells included.
//!
//! Square cells follow [`GridSpec`]: a cell holds the incidents with
//! `x0 <= x < x0 + cell` in each axis, row 0 is the southernmost. Hexagons are
//! pointy-top, centres `cell_m` apart along a row, rows `cell_m * sqrt(3) / 2`
//! apart with odd rows shifted east by half a cell; an incident belongs to the
//! hexagon with the nearest centre (ties to the lower row, then column).
//! When a [`StudyArea`] is given, the cells analysed are those whose centre lies
//! inside it (boundary inclusive), and incidents in no analysed cell are counted
//! as outside; without one, every cell of the rectangle is analysed.

use crate::error::{Error, Result};
use crate::grid::{DEFAULT_MAX_CELLS, GridSpec};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use rayon::prelude::*;

/// The shape of fishnet cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CellShape {
    /// Square cells aligned to multiples of the cell size.
    Square,
    /// Pointy-top hexagons; `cell_m` is the distance between neighbouring centres (width across flats).
    Hexagon,
}

/// Cells of a fishnet with the (weighted) count of incidents in each.
///
/// Columns are parallel: cell `k` is at `(col[k], row[k])` with centre
/// `(x[k], y[k])` and holds `count[k]` (the sum of incident weights, the number
/// of incidents when unweighted). Cells are in row-major order, row 0 south.
#[derive(Clone, Debug)]
pub struct Fishnet {
    /// Cell shape.
    pub shape: CellShape,
    /// Cell size in metres (square side; hexagon width across flats).
    pub cell_m: f64,
    /// For squares: the full rectangular grid. For hexagons: `x0, y0` is the
    /// centre of hexagon (0, 0), `cols`/`rows` the lattice shape (cell_m as given).
    pub frame: GridSpec,
    /// Column of each analysed cell.
    pub col: Vec<u32>,
    /// Row of each analysed cell (0 south).
    pub row: Vec<u32>,
    /// Centre easting, metres.
    pub x: Vec<f64>,
    /// Centre northing, metres.
    pub y: Vec<f64>,
    /// Sum of incident weights in the cell.
    pub count: Vec<f64>,
    /// Incidents counted into some cell.
    pub n_counted: usize,
    /// Incidents in no analysed cell (outside the study area or the grid).
    pub n_outside: usize,
    /// For squares: index into `frame` of each analysed cell. `None` when every
    /// frame cell is analysed (then cell `k` is frame cell `k`).
    pub(crate) frame_index: Option<Vec<usize>>,
}

impl Fishnet {
    /// Number of analysed cells.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// Whether no cell is analysed.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// Whether every count is a whole number small enough for exact `f64` sums.
    pub(crate) fn integer_counts(&self) -> bool {
        let tot: f64 = self.count.iter().sum();
        tot < 2f64.powi(52) && self.count.iter().all(|c| c.fract() == 0.0)
    }

    /// Square cells of `cell_m` covering the study area's bounding box (when
    /// given) or the incidents' extent, aligned to multiples of `cell_m`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad cell size; [`Error::InsufficientData`]
    /// without incidents and without a study area; [`Error::LimitExceeded`] for a
    /// grid of more than 100 million cells.
    pub fn square(incidents: &Incidents, cell_m: f64, area: Option<&StudyArea>) -> Result<Self> {
        let bbox = extent(incidents, area)?;
        let spec = GridSpec::covering(bbox, cell_m, 0.0)?;
        Self::square_on(incidents, spec, area)
    }

    /// Square cells of a given grid (for example one shared with another run).
    ///
    /// # Errors
    /// [`Error::InsufficientData`] when the study area holds no cell centre.
    pub fn square_on(
        incidents: &Incidents,
        spec: GridSpec,
        area: Option<&StudyArea>,
    ) -> Result<Self> {
        let n = spec.len();
        let inside: Option<Vec<bool>> = area.map(|a| {
            (0..n)
                .into_par_iter()
                .map(|k| {
                    let (c, r) = spec.col_row(k);
                    let [cx, cy] = spec.centre(c, r);
                    a.contains(cx, cy)
                })
                .collect()
        });
        let mut full = vec![0.0f64; n];
        let (mut n_counted, mut n_outside) = (0usize, 0usize);
        for i in 0..incidents.len() {
            let [x, y] = incidents.position(i);
            match spec.cell_of(x, y) {
                Some((c, r)) if inside.as_ref().is_none_or(|m| m[spec.index(c, r)]) => {
                    full[spec.index(c, r)] += incidents.weights()[i];
                    n_counted += 1;
                }
                _ => n_outside += 1,
            }
        }
        let frame_index: Option<Vec<usize>> = inside.map(|m| (0..n).filter(|&k| m[k]).collect());
        if frame_index.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::InsufficientData(format!(
                "no {} m cell has its centre inside the study area; use a smaller cell size",
                spec.cell_m
            )));
        }
        let ks: Vec<usize> = match &frame_index {
            Some(v) => v.clone(),
            None => (0..n).collect(),
        };
        let mut col = Vec::with_capacity(ks.len());
        let mut row = Vec::with_capacity(ks.len());
        let mut x = Vec::with_capacity(ks.len());
        let mut y = Vec::with_capacity(ks.len());
        let mut count = Vec::with_capacity(ks.len());
        for &k in &ks {
            let (c, r) = spec.col_row(k);
            let [cx, cy] = spec.centre(c, r);
            col.push(c as u32);
            row.push(r as u32);
            x.push(cx);
            y.push(cy);
            count.push(full[k]);
        }
        Ok(Self {
            shape: CellShape::Square,
            cell_m: spec.cell_m,
            frame: spec,
            col,
            row,
            x,
            y,
            count,
            n_counted,
            n_outside,
            frame_index,
        })
    }

    /// Pointy-top hexagons with centres `cell_m` apart covering the study area's
    /// bounding box (when given) or the incidents' extent.
    ///
    /// # Errors
    /// As [`Fishnet::square`].
    pub fn hexagons(incidents: &Incidents, cell_m: f64, area: Option<&StudyArea>) -> Result<Self> {
        if !(cell_m.is_finite() && cell_m > 0.0) {
            return Err(Error::invalid(
                "cell_m",
                cell_m,
                "the cell size must be a positive number of metres",
            ));
        }
        let [a, b, c, d] = extent(incidents, area)?;
        let h = cell_m * 3f64.sqrt() / 2.0;
        // Lattice origin one step outside the box so every point of it is covered.
        let x0 = (a / cell_m).floor() * cell_m - cell_m;
        let y0 = (b / h).floor() * h - h;
        let cols_f = ((c - x0) / cell_m).ceil() + 2.0;
        let rows_f = ((d - y0) / h).ceil() + 2.0;
        if cols_f * rows_f > DEFAULT_MAX_CELLS as f64 {
            return Err(Error::LimitExceeded {
                what: "hexagon cells",
                requested: (cols_f * rows_f).min(u64::MAX as f64) as u64,
                limit: DEFAULT_MAX_CELLS,
                hint: format!(
                    "use a cell size of at least {:.0} m or a smaller extent",
                    cell_m * (cols_f * rows_f / DEFAULT_MAX_CELLS as f64).sqrt().ceil()
                ),
            });
        }
        let (cols, rows) = (cols_f as usize, rows_f as usize);
        let frame = GridSpec::new(x0, y0, cell_m, cols, rows)?;
        let centre = |c: usize, r: usize| -> [f64; 2] {
            let off = if r % 2 == 1 { cell_m / 2.0 } else { 0.0 };
            [x0 + c as f64 * cell_m + off, y0 + r as f64 * h]
        };
        let n = cols * rows;
        let inside: Vec<bool> = (0..n)
            .into_par_iter()
            .map(|k| {
                let [cx, cy] = centre(k % cols, k / cols);
                area.is_none_or(|a| a.contains(cx, cy))
            })
            .collect();
        let mut full = vec![0.0f64; n];
        let (mut n_counted, mut n_outside) = (0usize, 0usize);
        for i in 0..incidents.len() {
            let [x, y] = incidents.position(i);
            let re = ((y - y0) / h).round() as i64;
            let mut best: Option<(f64, usize)> = None;
            for r in (re - 1)..=(re + 1) {
                if r < 0 || r >= rows as i64 {
                    continue;
                }
                let off = if r % 2 == 1 { cell_m / 2.0 } else { 0.0 };
                let ce = ((x - x0 - off) / cell_m).round() as i64;
                for c in (ce - 1)..=(ce + 1) {
                    if c < 0 || c >= cols as i64 {
                        continue;
                    }
                    let [cx, cy] = centre(c as usize, r as usize);
                    let d2 = (x - cx).powi(2) + (y - cy).powi(2);
                    let k = r as usize * cols + c as usize;
                    if best.is_none_or(|(bd, bk)| d2 < bd || (d2 == bd && k < bk)) {
                        best = Some((d2, k));
                    }
                }
            }
            match best {
                Some((_, k)) if inside[k] => {
                    full[k] += incidents.weights()[i];
                    n_counted += 1;
                }
                _ => n_outside += 1,
            }
        }
        let ks: Vec<usize> = (0..n).filter(|&k| inside[k]).collect();
        if ks.is_empty() {
            return Err(Error::InsufficientData(format!(
                "no {cell_m} m hexagon has its centre inside the study area; use a smaller cell size"
            )));
        }
        let mut out = Self {
            shape: CellShape::Hexagon,
            cell_m,
            frame,
            col: Vec::with_capacity(ks.len()),
            row: Vec::with_capacity(ks.len()),
            x: Vec::with_capacity(ks.len()),
            y: Vec::with_capacity(ks.len()),
            count: Vec::with_capacity(ks.len()),
            n_counted,
            n_outside,
            frame_index: None,
        };
        for &k in &ks {
            let (c, r) = (k % cols, k / cols);
            let [cx, cy] = centre(c, r);
            out.col.push(c as u32);
            out.row.push(r as u32);
            out.x.push(cx);
            out.y.push(cy);
            out.count.push(full[k]);
        }
        Ok(out)
    }

    /// Corner coordinates (closed ring, metres) of cell `k`.
    pub fn cell_ring(&self, k: usize) -> Vec<[f64; 2]> {
        match self.shape {
            CellShape::Square => {
                let [a, b, c, d] = self
                    .frame
                    .cell_bounds(self.col[k] as usize, self.row[k] as usize);
                vec![[a, b], [c, b], [c, d], [a, d], [a, b]]
            }
            CellShape::Hexagon => {
                let r = self.cell_m / 3f64.sqrt();
                let mut ring: Vec<[f64; 2]> = (0..6)
                    .map(|i| {
                        let ang =
                            std::f64::consts::PI / 6.0 + i as f64 * std::f64::consts::PI / 3.0;
                        [self.x[k] + r * ang.cos(), self.y[k] + r * ang.sin()]
                    })
                    .collect();
                ring.push(ring[0]);
                ring
            }
        }
    }
}

fn extent(incidents: &Incidents, area: Option<&StudyArea>) -> Result<[f64; 4]> {
    match area {
        Some(a) => Ok(a.bbox()),
        None => incidents.bbox().ok_or_else(|| {
            Error::InsufficientData(
                "no incidents and no study area: the fishnet has no extent".into(),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;
    use geo::{MultiPolygon, polygon};

    #[test]
    fn square_counts_include_empty_cells_and_half_open_edges() {
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[0.0, 10.0, 19.99, 25.0],
            &[0.0, 0.0, 5.0, 25.0],
        )
        .unwrap();
        let f = Fishnet::square(&inc, 10.0, None).unwrap();
        assert_eq!((f.frame.cols, f.frame.rows), (3, 3));
        assert_eq!(f.len(), 9);
        assert_eq!(f.count, vec![1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(f.n_counted, 4);
        assert_eq!(f.n_outside, 0);
        assert_eq!((f.x[4], f.y[4]), (15.0, 15.0));
    }

    #[test]
    fn study_area_restricts_cells_and_counts_outside() {
        let p =
            polygon![(x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 0.0, y: 10.0)];
        let area = StudyArea::new(MultiPolygon::new(vec![p])).unwrap();
        let inc =
            Incidents::from_xy(Crs::SWEREF99_TM, &[1.0, 15.0, 50.0], &[1.0, 5.0, 5.0]).unwrap();
        let f = Fishnet::square(&inc, 5.0, Some(&area)).unwrap();
        assert_eq!(f.len(), 8);
        assert_eq!(f.n_counted, 2);
        assert_eq!(f.n_outside, 1);
        assert_eq!(f.count.iter().sum::<f64>(), 2.0);
    }

    #[test]
    fn hexagon_membership_is_nearest_centre() {
        let xs: Vec<f64> = (0..200).map(|i| (i as f64 * 7.31) % 97.0).collect();
        let ys: Vec<f64> = (0..200).map(|i| (i as f64 * 3.17) % 53.0).collect();
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &xs, &ys).unwrap();
        let f = Fishnet::hexagons(&inc, 10.0, None).unwrap();
        assert_eq!(f.n_counted, 200);
        // Brute force: nearest centre over all cells.
        let mut brute = vec![0.0; f.len()];
        for i in 0..200 {
            let k = (0..f.len())
                .min_by(|&a, &b| {
                    let da = (xs[i] - f.x[a]).powi(2) + (ys[i] - f.y[a]).powi(2);
                    let db = (xs[i] - f.x[b]).powi(2) + (ys[i] - f.y[b]).powi(2);
                    da.total_cmp(&db).then(a.cmp(&b))
                })
                .unwrap();
            brute[k] += 1.0;
        }
        assert_eq!(brute, f.count);
        // Neighbouring centres are cell_m apart.
        let d = (f.x[1] - f.x[0]).hypot(f.y[1] - f.y[0]);
        assert!((d - 10.0).abs() < 1e-9);
    }
}
