//! Grid geometry shared by every raster analysis: aligned square cells, and rasters of values on them.
//!
//! Cells are aligned to whole multiples of the cell size in the working CRS, so
//! two runs on different data with the same cell size share cell boundaries
//! and their rasters can be compared cell by cell. Row 0 is the southernmost
//! row; column 0 the westernmost. A cell holds the points with
//! `x0 <= x < x0 + cell` and `y0 <= y < y0 + cell`.

use crate::error::{Error, Result};

/// The largest grid any analysis will allocate unless the caller raises it.
pub const DEFAULT_MAX_CELLS: u64 = 100_000_000;

/// A rectangular grid of square cells in working-CRS metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSpec {
    /// West edge of column 0, metres.
    pub x0: f64,
    /// South edge of row 0, metres.
    pub y0: f64,
    /// Cell side, metres.
    pub cell_m: f64,
    /// Number of columns (west to east).
    pub cols: usize,
    /// Number of rows (south to north).
    pub rows: usize,
}

impl GridSpec {
    /// A grid from its lower-left corner, cell size and shape.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a non-positive or non-finite cell size, or an
    /// empty shape; [`Error::LimitExceeded`] beyond [`DEFAULT_MAX_CELLS`] cells.
    pub fn new(x0: f64, y0: f64, cell_m: f64, cols: usize, rows: usize) -> Result<Self> {
        Self::new_with_limit(x0, y0, cell_m, cols, rows, DEFAULT_MAX_CELLS)
    }

    /// As [`GridSpec::new`] with an explicit cell limit.
    ///
    /// # Errors
    /// As [`GridSpec::new`].
    pub fn new_with_limit(
        x0: f64,
        y0: f64,
        cell_m: f64,
        cols: usize,
        rows: usize,
        max_cells: u64,
    ) -> Result<Self> {
        if !(cell_m.is_finite() && cell_m > 0.0) {
            return Err(Error::invalid(
                "cell_m",
                cell_m,
                "the cell size must be a positive number of metres",
            ));
        }
        if !(x0.is_finite() && y0.is_finite()) {
            return Err(Error::invalid(
                "origin",
                format!("({x0}, {y0})"),
                "the grid origin must be finite",
            ));
        }
        if cols == 0 || rows == 0 {
            return Err(Error::invalid(
                "grid",
                format!("{cols} x {rows}"),
                "a grid needs at least one row and one column",
            ));
        }
        let n = (cols as u64).saturating_mul(rows as u64);
        if n > max_cells {
            return Err(Error::LimitExceeded {
                what: "grid cells",
                requested: n,
                limit: max_cells,
                hint: format!(
                    "a {cols} x {rows} grid of {cell_m} m cells is too large; use a larger cell size (at least {:.0} m for this extent) or a smaller extent",
                    cell_m * ((n as f64 / max_cells as f64).sqrt()).ceil()
                ),
            });
        }
        Ok(Self {
            x0,
            y0,
            cell_m,
            cols,
            rows,
        })
    }

    /// The smallest aligned grid covering `bbox = [min_x, min_y, max_x, max_y]`
    /// grown by `pad_m` on every side. Edges are whole multiples of `cell_m`, and a
    /// point exactly on the east or north edge of the padded box still falls in a cell.
    ///
    /// # Errors
    /// As [`GridSpec::new`], and for a non-finite or inverted box or negative padding.
    pub fn covering(bbox: [f64; 4], cell_m: f64, pad_m: f64) -> Result<Self> {
        Self::covering_with_limit(bbox, cell_m, pad_m, DEFAULT_MAX_CELLS)
    }

    /// As [`GridSpec::covering`] with an explicit cell limit.
    ///
    /// # Errors
    /// As [`GridSpec::covering`].
    pub fn covering_with_limit(
        bbox: [f64; 4],
        cell_m: f64,
        pad_m: f64,
        max_cells: u64,
    ) -> Result<Self> {
        if !(cell_m.is_finite() && cell_m > 0.0) {
            return Err(Error::invalid(
                "cell_m",
                cell_m,
                "the cell size must be a positive number of metres",
            ));
        }
        if !(pad_m.is_finite() && pad_m >= 0.0) {
            return Err(Error::invalid(
                "pad_m",
                pad_m,
                "padding must be a non-negative number of metres",
            ));
        }
        let [a, b, c, d] = bbox;
        if !(a.is_finite() && b.is_finite() && c.is_finite() && d.is_finite()) || a > c || b > d {
            return Err(Error::invalid(
                "extent",
                format!("{bbox:?}"),
                "the extent must be finite with min <= max",
            ));
        }
        let x0 = ((a - pad_m) / cell_m).floor() * cell_m;
        let y0 = ((b - pad_m) / cell_m).floor() * cell_m;
        let x1 = ((c + pad_m) / cell_m).floor() * cell_m + cell_m;
        let y1 = ((d + pad_m) / cell_m).floor() * cell_m + cell_m;
        let cols_f = ((x1 - x0) / cell_m).round();
        let rows_f = ((y1 - y0) / cell_m).round();
        if cols_f * rows_f > max_cells as f64 {
            let n = (cols_f * rows_f).min(u64::MAX as f64) as u64;
            return Err(Error::LimitExceeded {
                what: "grid cells",
                requested: n,
                limit: max_cells,
                hint: format!(
                    "the extent {:.0} m x {:.0} m at {cell_m} m cells needs {cols_f} x {rows_f} cells; use a cell size of at least {:.0} m or a smaller extent",
                    x1 - x0,
                    y1 - y0,
                    cell_m * (cols_f * rows_f / max_cells as f64).sqrt().ceil()
                ),
            });
        }
        Self::new_with_limit(x0, y0, cell_m, cols_f as usize, rows_f as usize, max_cells)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cols * self.rows
    }

    /// Always false: a grid has at least one cell.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Area of one cell in square metres.
    pub fn cell_area_m2(&self) -> f64 {
        self.cell_m * self.cell_m
    }

    /// East edge of the grid.
    pub fn x1(&self) -> f64 {
        self.x0 + self.cols as f64 * self.cell_m
    }

    /// North edge of the grid.
    pub fn y1(&self) -> f64 {
        self.y0 + self.rows as f64 * self.cell_m
    }

    /// Bounding box `[x0, y0, x1, y1]`.
    pub fn bbox(&self) -> [f64; 4] {
        [self.x0, self.y0, self.x1(), self.y1()]
    }

    /// Linear index of `(col, row)`: `row * cols + col` (row 0 south).
    pub fn index(&self, col: usize, row: usize) -> usize {
        row * self.cols + col
    }

    /// `(col, row)` of a linear index.
    pub fn col_row(&self, index: usize) -> (usize, usize) {
        (index % self.cols, index / self.cols)
    }

    /// The cell holding `(x, y)`, if inside the grid (`x0 <= x < x0 + cell`).
    pub fn cell_of(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let c = ((x - self.x0) / self.cell_m).floor();
        let r = ((y - self.y0) / self.cell_m).floor();
        if c >= 0.0 && r >= 0.0 && c < self.cols as f64 && r < self.rows as f64 {
            Some((c as usize, r as usize))
        } else {
            None
        }
    }

    /// Centre of cell `(col, row)` in metres.
    pub fn centre(&self, col: usize, row: usize) -> [f64; 2] {
        [
            self.x0 + (col as f64 + 0.5) * self.cell_m,
            self.y0 + (row as f64 + 0.5) * self.cell_m,
        ]
    }

    /// Corners `[x0, y0, x1, y1]` of cell `(col, row)`.
    pub fn cell_bounds(&self, col: usize, row: usize) -> [f64; 4] {
        let x0 = self.x0 + col as f64 * self.cell_m;
        let y0 = self.y0 + row as f64 * self.cell_m;
        [x0, y0, x0 + self.cell_m, y0 + self.cell_m]
    }
}

/// Values on a [`GridSpec`], row-major with row 0 in the south.
#[derive(Clone, Debug, PartialEq)]
pub struct Raster {
    /// The grid.
    pub spec: GridSpec,
    /// One value per cell, `values[spec.index(col, row)]`.
    pub values: Vec<f64>,
}

impl Raster {
    /// A raster filled with `value`.
    pub fn filled(spec: GridSpec, value: f64) -> Self {
        Self {
            spec,
            values: vec![value; spec.len()],
        }
    }

    /// Value of cell `(col, row)`.
    pub fn get(&self, col: usize, row: usize) -> f64 {
        self.values[self.spec.index(col, row)]
    }

    /// Largest value (NaN ignored), `None` if all are NaN.
    pub fn max(&self) -> Option<f64> {
        self.values
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .reduce(f64::max)
    }

    /// Sum of all values (NaN ignored).
    pub fn sum(&self) -> f64 {
        self.values.iter().filter(|v| !v.is_nan()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_grid_is_aligned_and_contains_the_box() {
        let g = GridSpec::covering([1003.0, 2017.0, 1480.0, 2240.0], 50.0, 100.0).unwrap();
        assert_eq!(g.x0, 900.0);
        assert_eq!(g.y0, 1900.0);
        assert!(g.x1() > 1580.0 && g.y1() > 2340.0);
        assert_eq!(g.x0 % 50.0, 0.0);
        assert!(g.cell_of(1480.0 + 100.0, 2240.0 + 100.0).is_some());
        // Same cell size on other data: same boundaries.
        let h = GridSpec::covering([1210.0, 2110.0, 1300.0, 2130.0], 50.0, 0.0).unwrap();
        assert_eq!(((h.x0 - g.x0) / 50.0).fract(), 0.0);
    }

    #[test]
    fn cell_membership_is_half_open() {
        let g = GridSpec::new(0.0, 0.0, 10.0, 3, 2).unwrap();
        assert_eq!(g.cell_of(0.0, 0.0), Some((0, 0)));
        assert_eq!(g.cell_of(10.0, 9.999), Some((1, 0)));
        assert_eq!(g.cell_of(30.0, 5.0), None);
        assert_eq!(g.cell_of(-0.001, 5.0), None);
        assert_eq!(g.centre(2, 1), [25.0, 15.0]);
        assert_eq!(g.col_row(g.index(2, 1)), (2, 1));
    }

    #[test]
    fn too_large_grid_is_refused_before_allocation() {
        let e = GridSpec::covering([0.0, 0.0, 1e6, 1e6], 1.0, 0.0).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("cell size of at least"), "{msg}");
        assert!(GridSpec::new(0.0, 0.0, 0.0, 1, 1).is_err());
        assert!(GridSpec::new(0.0, 0.0, 1.0, 0, 1).is_err());
    }
}
