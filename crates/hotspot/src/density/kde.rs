//! The exact kernel density estimate on a grid: options, checks, and the parallel scatter.
//!
//! For cell centre `c` the estimate is `D(c) = s * sum_i w_i * K_{h_i}(|c - p_i|)`
//! (Silverman 1986, eq. 4.2 with weights; with a per-incident `h_i` for the
//! adaptive estimate, Silverman 1986 §5.3 "sample point" form), where `K_h` is a
//! [`Kernel`] in "per square metre" and `s` converts to the requested
//! [`DensityUnits`]. No binning: every cell centre within the kernel's support of
//! an incident receives exactly its kernel value.
//!
//! **Algorithm.** Incidents are bucketed (in index order) into fixed bands of
//! [`BAND_ROWS`] grid rows that their kernel disc touches; bands are computed in
//! parallel, each scattering its incidents' kernels into its own rows. Every cell
//! therefore sums its contributions in incident-index order whatever the number
//! of threads, so the output is bit-identical for any rayon pool.
//! Complexity `O(n * (h/cell)^2 + cells)` time, `O(cells + n)` memory.

use super::bandwidth::{Bandwidth, BandwidthReport, adaptive_bandwidths, rule_bandwidth};
use super::kernels::{self, Kernel, Profile};
use crate::error::{Error, Result};
use crate::grid::{DEFAULT_MAX_CELLS, GridSpec, Raster};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use rayon::prelude::*;
use serde::Serialize;

/// Rows per parallel band. Fixed (not derived from the thread count) so the
/// work split, and hence the result, never depends on the pool.
pub const BAND_ROWS: usize = 8;

/// The unit of the cell values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DensityUnits {
    /// Weighted incidents per square kilometre (the default).
    #[default]
    PerKm2,
    /// Weighted incidents per square metre.
    PerM2,
    /// Expected weighted incidents in the cell: density times the cell area.
    ExpectedCount,
}

impl DensityUnits {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            DensityUnits::PerKm2 => "per-km2",
            DensityUnits::PerM2 => "per-m2",
            DensityUnits::ExpectedCount => "expected-count",
        }
    }

    /// Parses `per-km2`, `per-m2` or `expected-count`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the allowed values.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "per-km2" | "km2" => Ok(DensityUnits::PerKm2),
            "per-m2" | "m2" => Ok(DensityUnits::PerM2),
            "expected-count" | "count" => Ok(DensityUnits::ExpectedCount),
            _ => Err(Error::invalid(
                "units",
                text,
                "use per-km2, per-m2 or expected-count",
            )),
        }
    }

    /// Factor from "per square metre" to this unit for cells of `cell_m` metres.
    pub fn scale(self, cell_m: f64) -> f64 {
        match self {
            DensityUnits::PerKm2 => 1e6,
            DensityUnits::PerM2 => 1.0,
            DensityUnits::ExpectedCount => cell_m * cell_m,
        }
    }

    /// Factor turning a cell value into a count of weighted incidents in the cell.
    pub fn cell_count_factor(self, cell_m: f64) -> f64 {
        match self {
            DensityUnits::PerKm2 => cell_m * cell_m / 1e6,
            DensityUnits::PerM2 => cell_m * cell_m,
            DensityUnits::ExpectedCount => 1.0,
        }
    }
}

/// Where the grid lies.
#[derive(Clone, Debug, Default)]
pub enum Extent {
    /// The incidents' bounding box padded by the kernel support radius (the default).
    #[default]
    Data,
    /// The bounding box of a study area (no padding).
    Area(StudyArea),
    /// An explicit grid (its cell size overrides [`KdeOptions::cell_m`]).
    Grid(GridSpec),
}

/// Options of the estimate, as given; [`Kde::new`] checks them.
#[derive(Clone, Debug)]
pub struct KdeOptions {
    /// The kernel (quartic by default).
    pub kernel: Kernel,
    /// Bandwidth (metres), rule or adaptive.
    pub bandwidth: Bandwidth,
    /// Cell side in metres.
    pub cell_m: f64,
    /// Grid placement.
    pub extent: Extent,
    /// Unit of the values.
    pub units: DensityUnits,
    /// Largest grid allowed (default [`DEFAULT_MAX_CELLS`]).
    pub max_cells: u64,
}

impl KdeOptions {
    /// Quartic kernel, fixed bandwidth `bandwidth_m`, cells of `cell_m`, grid from the data, per km2.
    pub fn new(bandwidth_m: f64, cell_m: f64) -> Self {
        Self {
            kernel: Kernel::Quartic,
            bandwidth: Bandwidth::Fixed(bandwidth_m),
            cell_m,
            extent: Extent::Data,
            units: DensityUnits::PerKm2,
            max_cells: DEFAULT_MAX_CELLS,
        }
    }
}

/// Checked estimate options. Build with [`Kde::new`], run with [`Kde::estimate`].
#[derive(Clone, Debug)]
pub struct Kde {
    opts: KdeOptions,
}

/// A density surface and how it was made.
#[derive(Clone, Debug)]
pub struct DensitySurface {
    /// Values at cell centres in [`DensitySurface::units`].
    pub raster: Raster,
    /// Unit of the values.
    pub units: DensityUnits,
    /// Kernel used.
    pub kernel: Kernel,
    /// Bandwidth used and the rule behind it.
    pub bandwidth: BandwidthReport,
    /// Number of incidents.
    pub incidents: usize,
    /// Sum of their weights.
    pub total_weight: f64,
    /// Per-incident bandwidths (adaptive only), metres.
    pub(crate) per_incident_h: Option<Vec<f64>>,
}

impl DensitySurface {
    /// The sum over cells converted to weighted incidents (`sum * cell area` in
    /// consistent units); equals the total weight when no kernel mass falls off the grid.
    pub fn mass(&self) -> f64 {
        self.raster.sum() * self.units.cell_count_factor(self.raster.spec.cell_m)
    }
}

/// Bandwidth resolved for one run: one value or one per incident.
pub(crate) enum Resolved {
    Fixed(f64),
    PerIncident(Vec<f64>),
}

impl Kde {
    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a non-positive or non-finite cell size or
    /// fixed bandwidth, an adaptive `k = 0` or bad floor, or a zero cell limit.
    pub fn new(opts: KdeOptions) -> Result<Self> {
        let cell = match &opts.extent {
            Extent::Grid(g) => g.cell_m,
            _ => opts.cell_m,
        };
        if !(cell.is_finite() && cell > 0.0) {
            return Err(Error::invalid(
                "cell_m",
                cell,
                "the cell size must be a positive number of metres, e.g. 50",
            ));
        }
        match opts.bandwidth {
            Bandwidth::Fixed(h) if !(h.is_finite() && h > 0.0) => {
                return Err(Error::invalid(
                    "bandwidth_m",
                    h,
                    "the bandwidth must be a positive number of metres, e.g. 300",
                ));
            }
            Bandwidth::Adaptive { k: 0, .. } => {
                return Err(Error::invalid(
                    "k",
                    0,
                    "the adaptive minimum sample must be at least 1",
                ));
            }
            Bandwidth::Adaptive { min_m: Some(m), .. } if !(m.is_finite() && m > 0.0) => {
                return Err(Error::invalid(
                    "min_bandwidth_m",
                    m,
                    "the adaptive bandwidth floor must be a positive number of metres",
                ));
            }
            _ => {}
        }
        if opts.max_cells == 0 {
            return Err(Error::invalid(
                "max_cells",
                0,
                "the cell limit must be at least 1",
            ));
        }
        Ok(Self { opts })
    }

    /// The checked options.
    pub fn options(&self) -> &KdeOptions {
        &self.opts
    }

    fn cell_m(&self) -> f64 {
        match &self.opts.extent {
            Extent::Grid(g) => g.cell_m,
            _ => self.opts.cell_m,
        }
    }

    /// Resolves the bandwidth for these incidents.
    pub(crate) fn resolve_bandwidth(&self, inc: &Incidents) -> Result<(Resolved, BandwidthReport)> {
        let k = self.opts.kernel;
        let cell = self.cell_m();
        match self.opts.bandwidth {
            Bandwidth::Fixed(h) => Ok((
                Resolved::Fixed(h),
                BandwidthReport {
                    method: "fixed",
                    kernel: k.name(),
                    bandwidth_m: h,
                    support_radius_m: h * k.support_factor(),
                    n: inc.total_weight(),
                    standard_distance_m: None,
                    median_distance_m: None,
                    adaptive: None,
                },
            )),
            Bandwidth::Rule(rule) => {
                let r = rule_bandwidth(inc, rule, k)?;
                Ok((Resolved::Fixed(r.bandwidth_m), r))
            }
            Bandwidth::Adaptive { k: kk, min_m } => {
                let floor = min_m.unwrap_or(cell);
                let (h, s) = adaptive_bandwidths(inc, kk, floor)?;
                let report = BandwidthReport {
                    method: "adaptive",
                    kernel: k.name(),
                    bandwidth_m: s.median_m,
                    support_radius_m: s.max_m * k.support_factor(),
                    n: inc.total_weight(),
                    standard_distance_m: None,
                    median_distance_m: None,
                    adaptive: Some(s),
                };
                Ok((Resolved::PerIncident(h), report))
            }
        }
    }

    /// The grid this run would use for `inc` with support radius `support_m`.
    fn grid_for(&self, inc: &Incidents, support_m: f64) -> Result<GridSpec> {
        let cell = self.cell_m();
        match &self.opts.extent {
            Extent::Grid(g) => {
                if (g.len() as u64) > self.opts.max_cells {
                    return Err(Error::LimitExceeded {
                        what: "grid cells",
                        requested: g.len() as u64,
                        limit: self.opts.max_cells,
                        hint: "use a larger cell size or a smaller grid".into(),
                    });
                }
                Ok(*g)
            }
            Extent::Area(a) => {
                GridSpec::covering_with_limit(a.bbox(), cell, 0.0, self.opts.max_cells)
            }
            Extent::Data => {
                let bbox = inc.bbox().ok_or_else(|| {
                    Error::InsufficientData(
                        "no incidents, so the grid extent is undefined; give a study area or an explicit grid"
                            .into(),
                    )
                })?;
                GridSpec::covering_with_limit(bbox, cell, support_m, self.opts.max_cells)
            }
        }
    }

    /// The grid this run would use, after the bandwidth and limit checks,
    /// without computing the surface.
    ///
    /// # Errors
    /// As [`Kde::estimate`], except that nothing is estimated.
    pub fn plan(&self, inc: &Incidents) -> Result<(GridSpec, BandwidthReport)> {
        let (_, report) = self.resolve_bandwidth(inc)?;
        let grid = self.checked_grid(inc, &report)?;
        Ok((grid, report))
    }

    fn checked_grid(&self, inc: &Incidents, report: &BandwidthReport) -> Result<GridSpec> {
        let cell = self.cell_m();
        let h = match report.adaptive {
            Some(ref a) => a.min_m,
            None => report.bandwidth_m,
        };
        if h < cell {
            return Err(Error::invalid(
                "bandwidth_m",
                format!("{h:.3}"),
                format!(
                    "the bandwidth ({}) is under one cell ({cell} m), so the surface would be a scatter of isolated cells; use a cell size of at most {} m or a larger bandwidth",
                    report.method,
                    (h / 2.0).max(f64::MIN_POSITIVE)
                ),
            ));
        }
        // The extent the user sees: the data's box, the study area, or the grid.
        let (w, hgt) = match &self.opts.extent {
            Extent::Data => match inc.bbox() {
                Some(b) => (b[2] - b[0], b[3] - b[1]),
                None => (0.0, 0.0),
            },
            Extent::Area(a) => {
                let b = a.bbox();
                (b[2] - b[0], b[3] - b[1])
            }
            Extent::Grid(g) => (g.x1() - g.x0, g.y1() - g.y0),
        };
        let span = w.max(hgt);
        let h_check = match report.adaptive {
            Some(ref a) => a.median_m,
            None => report.bandwidth_m,
        };
        if span > 0.0 && h_check > span {
            return Err(Error::invalid(
                "bandwidth_m",
                format!("{h_check:.3}"),
                format!(
                    "the bandwidth ({}) exceeds the extent ({w:.0} m x {hgt:.0} m), so the surface would be one smeared kernel; use a bandwidth under {span:.0} m (metres, not km?)",
                    report.method
                ),
            ));
        }
        // Only now the grid (and its size limit): a bandwidth in km instead of m
        // gets the message above, not a grid-size error.
        self.grid_for(inc, report.support_radius_m)
    }

    /// Computes the density surface of `inc`.
    ///
    /// Returns a [`DensitySurface`] whose raster has one value per cell centre
    /// in the requested units. Degenerate inputs: no incidents give an error
    /// with [`Extent::Data`] (no extent) and an all-zero surface otherwise; one
    /// incident, or all at one point, give that kernel (times the total weight)
    /// with a fixed bandwidth, while the rules report [`Error::InsufficientData`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the bandwidth is under one cell or over
    /// the extent; [`Error::LimitExceeded`] when the grid would exceed the cell
    /// limit; [`Error::InsufficientData`] as above. All checked before the surface is computed.
    ///
    /// # Example
    /// ```
    /// use hotspot::{Crs, Incidents};
    /// use hotspot::density::{Kde, KdeOptions};
    /// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[1000.0, 3000.0], &[2000.0, 2600.0])?;
    /// let s = Kde::new(KdeOptions::new(300.0, 50.0))?.estimate(&inc)?;
    /// // Sum times the cell area (in km2) gives back the two incidents.
    /// assert!((s.mass() - 2.0).abs() < 0.01);
    /// # Ok::<(), hotspot::Error>(())
    /// ```
    pub fn estimate(&self, inc: &Incidents) -> Result<DensitySurface> {
        let (resolved, report) = self.resolve_bandwidth(inc)?;
        let grid = self.checked_grid(inc, &report)?;
        let values = scatter(
            &grid,
            self.opts.kernel,
            self.opts.units,
            inc.x(),
            inc.y(),
            inc.weights(),
            &resolved,
        );
        let per_incident_h = match resolved {
            Resolved::PerIncident(h) => Some(h),
            Resolved::Fixed(_) => None,
        };
        Ok(DensitySurface {
            raster: Raster { spec: grid, values },
            units: self.opts.units,
            kernel: self.opts.kernel,
            bandwidth: report,
            incidents: inc.len(),
            total_weight: inc.total_weight(),
            per_incident_h,
        })
    }

    /// One surface per category on a common grid (the grid of all incidents, the
    /// bandwidth resolved once from all incidents), in category-id order.
    /// Categories with no incidents give an all-zero surface.
    ///
    /// # Errors
    /// As [`Kde::estimate`] on all incidents.
    pub fn estimate_per_category(&self, inc: &Incidents) -> Result<Vec<(String, DensitySurface)>> {
        let all = self.estimate(inc)?;
        let mut out = Vec::with_capacity(inc.category_names().len());
        for (cid, name) in inc.category_names().iter().enumerate() {
            let idx: Vec<usize> = (0..inc.len())
                .filter(|&i| inc.category_ids()[i] as usize == cid)
                .collect();
            let sub = inc.subset(&idx);
            let resolved = match &all.per_incident_h {
                Some(h) => Resolved::PerIncident(idx.iter().map(|&i| h[i]).collect()),
                None => Resolved::Fixed(all.bandwidth.bandwidth_m),
            };
            let values = scatter(
                &all.raster.spec,
                self.opts.kernel,
                self.opts.units,
                sub.x(),
                sub.y(),
                sub.weights(),
                &resolved,
            );
            out.push((
                name.clone(),
                DensitySurface {
                    raster: Raster {
                        spec: all.raster.spec,
                        values,
                    },
                    units: self.opts.units,
                    kernel: self.opts.kernel,
                    bandwidth: all.bandwidth.clone(),
                    incidents: sub.len(),
                    total_weight: sub.total_weight(),
                    per_incident_h: None,
                },
            ));
        }
        Ok(out)
    }
}

/// The exact scatter, parallel over bands of rows; dispatches on the kernel.
pub(crate) fn scatter(
    grid: &GridSpec,
    kernel: Kernel,
    units: DensityUnits,
    x: &[f64],
    y: &[f64],
    w: &[f64],
    h: &Resolved,
) -> Vec<f64> {
    match kernel {
        Kernel::Quartic => scatter_k::<kernels::Quartic>(grid, kernel, units, x, y, w, h),
        Kernel::Epanechnikov => scatter_k::<kernels::Epanechnikov>(grid, kernel, units, x, y, w, h),
        Kernel::Triangular => scatter_k::<kernels::Triangular>(grid, kernel, units, x, y, w, h),
        Kernel::Uniform => scatter_k::<kernels::Uniform>(grid, kernel, units, x, y, w, h),
        Kernel::Gaussian => scatter_k::<kernels::Gaussian>(grid, kernel, units, x, y, w, h),
    }
}

/// Per-incident constants: `(r^2, 1/h^2, coefficient)` with `coefficient = w c s / h^2`.
#[inline(always)]
fn incident_consts(kernel: Kernel, scale: f64, w: f64, h: f64) -> (f64, f64, f64) {
    let r = h * kernel.support_factor();
    (
        r * r,
        1.0 / (h * h),
        w * kernel.constant() * scale / (h * h),
    )
}

/// Row range `[lo, hi]` (inclusive, clamped, widened by one row each side;
/// the distance test decides) whose centres may lie within `r` of `y`.
#[inline(always)]
fn row_range(grid: &GridSpec, y: f64, r: f64) -> Option<(usize, usize)> {
    let lo = ((y - r - grid.y0) / grid.cell_m - 0.5).ceil() - 1.0;
    let hi = ((y + r - grid.y0) / grid.cell_m - 0.5).floor() + 1.0;
    let max = grid.rows as f64 - 1.0;
    if hi < 0.0 || lo > max || lo.is_nan() || hi.is_nan() {
        return None;
    }
    Some((lo.max(0.0) as usize, hi.min(max) as usize))
}

fn scatter_k<P: Profile>(
    grid: &GridSpec,
    kernel: Kernel,
    units: DensityUnits,
    x: &[f64],
    y: &[f64],
    w: &[f64],
    h: &Resolved,
) -> Vec<f64> {
    let (cols, rows) = (grid.cols, grid.rows);
    let mut values = vec![0.0f64; grid.len()];
    let n = x.len().min(y.len()).min(w.len());
    if n == 0 {
        return values;
    }
    let scale = units.scale(grid.cell_m);
    let h_of = |i: usize| -> f64 {
        match h {
            Resolved::Fixed(v) => *v,
            Resolved::PerIncident(v) => v[i],
        }
    };
    // Bucket incidents by band, in index order (counting sort).
    let nbands = rows.div_ceil(BAND_ROWS);
    let band_range = |i: usize| -> Option<(usize, usize)> {
        if !(w[i] > 0.0) {
            return None;
        }
        let r = h_of(i) * kernel.support_factor();
        row_range(grid, y[i], r).map(|(lo, hi)| (lo / BAND_ROWS, hi / BAND_ROWS))
    };
    let ranges: Vec<Option<(u32, u32)>> = (0..n)
        .into_par_iter()
        .map(|i| band_range(i).map(|(a, b)| (a as u32, b as u32)))
        .collect();
    let mut start = vec![0usize; nbands + 1];
    for &(a, b) in ranges.iter().flatten() {
        for band in a..=b {
            start[band as usize + 1] += 1;
        }
    }
    for b in 0..nbands {
        start[b + 1] += start[b];
    }
    let mut fill = start.clone();
    let mut bucket = vec![0u32; start[nbands]];
    for (i, r) in ranges.iter().enumerate() {
        if let Some((a, b)) = *r {
            for band in a..=b {
                bucket[fill[band as usize]] = i as u32;
                fill[band as usize] += 1;
            }
        }
    }
    drop(ranges);

    let (x0, y0, cell) = (grid.x0, grid.y0, grid.cell_m);
    // Cell-centre eastings, computed as `GridSpec::centre` does; a slice the
    // inner loop can stream (and the compiler vectorise).
    let cxs: Vec<f64> = (0..cols).map(|c| x0 + (c as f64 + 0.5) * cell).collect();
    values
        .par_chunks_mut(BAND_ROWS * cols)
        .enumerate()
        .for_each(|(band, out)| {
            let row0 = band * BAND_ROWS;
            let band_rows = out.len() / cols;
            for &i in &bucket[start[band]..start[band + 1]] {
                let i = i as usize;
                let (px, py) = (x[i], y[i]);
                let hi_ = h_of(i);
                let (r2, inv_h2, coef) = incident_consts(kernel, scale, w[i], hi_);
                let r = r2.sqrt();
                let Some((rlo, rhi)) = row_range(grid, py, r) else {
                    continue;
                };
                let rlo = rlo.max(row0);
                let rhi = rhi.min(row0 + band_rows - 1);
                if rlo > rhi {
                    continue;
                }
                // One column range per incident, from the bounding square of the
                // support (the distance test below keeps the disc): a few more
                // evaluations per row, but no square root, division or rounding
                // per row, which cost more than the evaluations they save.
                let clo = ((px - r - x0) / cell - 0.5).ceil() - 1.0;
                let chi = ((px + r - x0) / cell - 0.5).floor() + 1.0;
                if chi < 0.0 || clo > cols as f64 - 1.0 || clo.is_nan() || chi.is_nan() {
                    continue;
                }
                let clo = clo.max(0.0) as usize;
                let chi = chi.min(cols as f64 - 1.0) as usize;
                for row in rlo..=rhi {
                    let cy = y0 + (row as f64 + 0.5) * cell;
                    let dy = cy - py;
                    let dy2 = dy * dy;
                    if !(dy2 <= r2) {
                        continue;
                    }
                    let line = &mut out[(row - row0) * cols + clo..=(row - row0) * cols + chi];
                    for (v, &cx) in line.iter_mut().zip(&cxs[clo..=chi]) {
                        let dx = cx - px;
                        let d2 = dx * dx + dy2;
                        let k = coef * P::eval(d2 * inv_h2);
                        *v += if d2 < r2 { k } else { 0.0 };
                    }
                }
            }
        });
    values
}

/// Brute-force twin: every cell against every incident, in index order, with
/// the same arithmetic. For tests only.
#[cfg(test)]
pub(crate) fn brute_force(
    grid: &GridSpec,
    kernel: Kernel,
    units: DensityUnits,
    x: &[f64],
    y: &[f64],
    w: &[f64],
    h: &[f64],
) -> Vec<f64> {
    let scale = units.scale(grid.cell_m);
    let mut out = vec![0.0; grid.len()];
    for row in 0..grid.rows {
        for col in 0..grid.cols {
            let [cx, cy] = grid.centre(col, row);
            let mut s = 0.0;
            for i in 0..x.len() {
                if !(w[i] > 0.0) {
                    continue;
                }
                let d = ((cx - x[i]).powi(2) + (cy - y[i]).powi(2)).sqrt();
                s += w[i] * scale * kernel.value(d, h[i]);
            }
            out[grid.index(col, row)] = s;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IncidentRecord;
    use crate::crs::Crs;
    use crate::incident::IncidentsBuilder;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Random incidents on a coarse lattice (many exact duplicates), random weights.
    fn random_set(seed: u64, n: usize) -> Incidents {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for i in 0..n {
            let x = 500_000.0 + (rng.random_range(0..12) as f64) * 37.0;
            let y = 6_500_000.0 + (rng.random_range(0..9) as f64) * 41.0;
            let weight = [1.0, 0.5, 2.0, 0.0, 3.25][rng.random_range(0..5)];
            b.push(IncidentRecord {
                x,
                y,
                weight,
                category: ["a", "b"][i % 2],
                time: None,
                id: i.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        b.build()
    }

    /// Equal up to 1e-12 of the surface maximum; zero exactly where the twin is zero.
    fn assert_close(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len());
        let max = want.iter().copied().fold(0.0, f64::max);
        assert!(max > 0.0, "{what}: empty surface");
        for (a, b) in got.iter().zip(want) {
            assert!((a - b).abs() <= 1e-12 * max, "{what}: {a} vs {b}");
            assert_eq!(*a == 0.0, *b == 0.0, "{what}: support differs ({a} vs {b})");
        }
    }

    #[test]
    fn scatter_equals_brute_force_for_every_kernel() {
        for seed in 0..3u64 {
            let inc = random_set(seed, 60);
            for kernel in Kernel::ALL {
                for units in [DensityUnits::PerKm2, DensityUnits::ExpectedCount] {
                    let h = if kernel == Kernel::Gaussian {
                        30.0
                    } else {
                        95.0
                    };
                    let mut o = KdeOptions::new(h, 20.0);
                    o.kernel = kernel;
                    o.units = units;
                    let s = Kde::new(o).unwrap().estimate(&inc).unwrap();
                    let hs = vec![h; inc.len()];
                    let want = brute_force(
                        &s.raster.spec,
                        kernel,
                        units,
                        inc.x(),
                        inc.y(),
                        inc.weights(),
                        &hs,
                    );
                    assert_close(
                        &s.raster.values,
                        &want,
                        &format!("{kernel} {}", units.name()),
                    );
                }
            }
        }
    }

    #[test]
    fn adaptive_scatter_equals_brute_force() {
        let inc = random_set(7, 80);
        for kernel in [Kernel::Quartic, Kernel::Triangular] {
            let mut o = KdeOptions::new(1.0, 10.0);
            o.kernel = kernel;
            o.bandwidth = Bandwidth::Adaptive { k: 5, min_m: None };
            let s = Kde::new(o).unwrap().estimate(&inc).unwrap();
            let h = s.per_incident_h.clone().unwrap();
            assert!(h.iter().all(|&v| v >= 10.0));
            let want = brute_force(
                &s.raster.spec,
                kernel,
                s.units,
                inc.x(),
                inc.y(),
                inc.weights(),
                &h,
            );
            assert_close(&s.raster.values, &want, kernel.name());
        }
    }

    #[test]
    fn total_mass_is_total_weight_away_from_the_edge() {
        let inc = random_set(3, 200);
        for kernel in Kernel::ALL {
            let mut o = KdeOptions::new(
                if kernel == Kernel::Gaussian {
                    40.0
                } else {
                    150.0
                },
                10.0,
            );
            o.kernel = kernel;
            let s = Kde::new(o).unwrap().estimate(&inc).unwrap();
            let rel = (s.mass() - inc.total_weight()).abs() / inc.total_weight();
            assert!(
                rel < 2e-3,
                "{kernel}: mass {} vs {}",
                s.mass(),
                inc.total_weight()
            );
            // The other units agree.
            let mut o2 = KdeOptions::new(s.bandwidth.bandwidth_m, 10.0);
            o2.kernel = kernel;
            o2.units = DensityUnits::ExpectedCount;
            let c = Kde::new(o2).unwrap().estimate(&inc).unwrap();
            assert!((c.raster.sum() - s.mass()).abs() < 1e-9 * s.mass());
        }
    }

    #[test]
    fn a_single_incident_gives_its_kernel_at_cell_centres() {
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[1010.0], &[2020.0]).unwrap();
        let s = Kde::new(KdeOptions::new(300.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap();
        let g = s.raster.spec;
        let mut positive = 0;
        for row in 0..g.rows {
            for col in 0..g.cols {
                let [cx, cy] = g.centre(col, row);
                let d = ((cx - 1010.0f64).powi(2) + (cy - 2020.0f64).powi(2)).sqrt();
                let want = 1e6 * Kernel::Quartic.value(d, 300.0);
                assert!((s.raster.get(col, row) - want).abs() <= 1e-12 * want.max(1e-300));
                if d < 300.0 {
                    positive += 1;
                    assert!(s.raster.get(col, row) > 0.0);
                } else {
                    assert_eq!(s.raster.get(col, row), 0.0);
                }
            }
        }
        assert!(positive > 100, "{positive}");
    }

    #[test]
    fn degenerate_inputs_are_defined() {
        let none = Incidents::empty(Crs::SWEREF99_TM).unwrap();
        let e = Kde::new(KdeOptions::new(300.0, 50.0))
            .unwrap()
            .estimate(&none)
            .unwrap_err();
        assert!(e.to_string().contains("no incidents"), "{e}");
        let mut o = KdeOptions::new(300.0, 50.0);
        o.extent = Extent::Grid(GridSpec::new(0.0, 0.0, 50.0, 20, 20).unwrap());
        let z = Kde::new(o).unwrap().estimate(&none).unwrap();
        assert!(z.raster.values.iter().all(|&v| v == 0.0));
        // All at one point: the kernel times the count.
        let same = Incidents::from_xy(Crs::SWEREF99_TM, &[1000.0; 4], &[1000.0; 4]).unwrap();
        let one = Incidents::from_xy(Crs::SWEREF99_TM, &[1000.0], &[1000.0]).unwrap();
        let a = Kde::new(KdeOptions::new(300.0, 50.0))
            .unwrap()
            .estimate(&same)
            .unwrap();
        let b = Kde::new(KdeOptions::new(300.0, 50.0))
            .unwrap()
            .estimate(&one)
            .unwrap();
        assert_eq!(a.raster.spec, b.raster.spec);
        for (p, q) in a.raster.values.iter().zip(&b.raster.values) {
            assert!((p - 4.0 * q).abs() <= 1e-12 * p.abs());
        }
    }

    #[test]
    fn bandwidth_and_grid_limits_are_checked_first() {
        let inc = random_set(1, 20);
        let e = Kde::new(KdeOptions::new(10.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap_err();
        assert!(e.to_string().contains("under one cell"), "{e}");
        let e = Kde::new(KdeOptions::new(50_000.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap_err();
        assert!(e.to_string().contains("exceeds the extent"), "{e}");
        let mut o = KdeOptions::new(300.0, 1.0);
        o.max_cells = 1000;
        let e = Kde::new(o).unwrap().estimate(&inc).unwrap_err();
        assert!(matches!(e, Error::LimitExceeded { .. }), "{e}");
        assert!(Kde::new(KdeOptions::new(-1.0, 50.0)).is_err());
        assert!(Kde::new(KdeOptions::new(300.0, f64::NAN)).is_err());
    }

    #[test]
    fn thread_count_does_not_change_a_bit() {
        let inc = random_set(11, 500);
        let mut o = KdeOptions::new(90.0, 7.0);
        o.kernel = Kernel::Quartic;
        let kde = Kde::new(o).unwrap();
        let run = |t: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            pool.install(|| kde.estimate(&inc).unwrap().raster.values)
        };
        let one = run(1);
        for t in [2, 4] {
            let other = run(t);
            assert!(
                one.iter()
                    .zip(&other)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
    }

    #[test]
    fn per_category_surfaces_add_up() {
        let inc = random_set(5, 100);
        let kde = Kde::new(KdeOptions::new(100.0, 20.0)).unwrap();
        let all = kde.estimate(&inc).unwrap();
        let cats = kde.estimate_per_category(&inc).unwrap();
        assert_eq!(cats.len(), 2);
        assert_eq!(cats[0].0, "a");
        for (i, v) in all.raster.values.iter().enumerate() {
            let s: f64 = cats.iter().map(|c| c.1.raster.values[i]).sum();
            assert!((s - v).abs() <= 1e-9 * v.abs().max(1e-9));
        }
    }
}
