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
//! [`BAND_ROWS`] grid rows that their kernel disc touches, and each band's
//! incidents are copied into one contiguous array; bands are computed in
//! parallel, each scattering its incidents' kernels into its own rows. Every cell
//! therefore sums its contributions in incident-index order whatever the number
//! of threads, so the output is bit-identical for any rayon pool. The band loop
//! is compiled twice, for baseline x86-64 and for AVX2 (picked at run time);
//! with independent lanes and no fused multiply-add both do the same IEEE
//! operations, so the output is also bit-identical across CPUs.
//! Complexity `O(n * (h/cell)^2 + cells)` time, `O(cells + n)` memory (the
//! copies held at a time are capped at 64 MiB, or one band's incidents when a
//! single band holds more).

use super::bandwidth::{
    Bandwidth, BandwidthReport, BandwidthRule, adaptive_bandwidths, rule_bandwidth,
};
use super::bandwidth_cv::select_bandwidth;
use super::kernels::{self, Kernel, Profile};
use crate::area_at_risk::AreaAtRisk;
use crate::error::{Error, Result};
use crate::grid::{DEFAULT_MAX_CELLS, GridSpec, Raster};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use rayon::prelude::*;
use serde::Serialize;

/// Rows per parallel band. Fixed (not derived from the thread count) so the
/// work split, and hence the result, never depends on the pool.
pub const BAND_ROWS: usize = 16;

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
    /// The area at risk the predictive bandwidth is scored over (`None`: the
    /// cells within the largest candidate of an incident).
    pub at_risk: Option<AreaAtRisk>,
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
            at_risk: None,
        }
    }

    /// The defaults for prediction: quartic kernel, bandwidth chosen by temporal
    /// cross-validation ([`Bandwidth::Predictive`], the ArcGIS rule without
    /// times), cells of `cell_m`, grid from the data, per km2.
    pub fn predictive(cell_m: f64) -> Self {
        Self {
            bandwidth: Bandwidth::default(),
            ..Self::new(300.0, cell_m)
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
                    selection: None,
                },
            )),
            Bandwidth::Predictive(p) => {
                let sel = select_bandwidth(inc, k, &p, self.opts.at_risk.as_ref())?;
                match sel.chosen_m {
                    Some(h) => Ok((
                        Resolved::Fixed(h),
                        BandwidthReport {
                            method: sel.method,
                            kernel: k.name(),
                            bandwidth_m: h,
                            support_radius_m: h * k.support_factor(),
                            n: inc.total_weight(),
                            standard_distance_m: None,
                            median_distance_m: None,
                            adaptive: None,
                            selection: Some(sel),
                        },
                    )),
                    None => {
                        let mut r = rule_bandwidth(inc, BandwidthRule::Arcgis, k)?;
                        r.selection = Some(sel);
                        Ok((Resolved::Fixed(r.bandwidth_m), r))
                    }
                }
            }
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
                    selection: None,
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
    scatter_tuned(grid, kernel, units, x, y, w, h, Tuning::default())
}

/// How [`scatter`] runs. The output does not change by a bit with either knob
/// (tests vary both); they exist so that the tests can reach every path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tuning {
    /// Bytes of packed incident copies held at once.
    pub pack_budget_bytes: usize,
    /// Least number of incidents per packing chunk.
    pub pack_chunk: usize,
    /// Use the widest vector instructions the CPU offers (AVX2 on x86-64,
    /// detected at run time); `false` runs the baseline build for every CPU.
    pub wide: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            pack_budget_bytes: PACK_BUDGET_BYTES,
            pack_chunk: PACK_CHUNK,
            wide: true,
        }
    }
}

/// [`scatter`] with explicit [`Tuning`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn scatter_tuned(
    grid: &GridSpec,
    kernel: Kernel,
    units: DensityUnits,
    x: &[f64],
    y: &[f64],
    w: &[f64],
    h: &Resolved,
    tuning: Tuning,
) -> Vec<f64> {
    let run = match kernel {
        Kernel::Quartic => scatter_k::<kernels::Quartic>,
        Kernel::Epanechnikov => scatter_k::<kernels::Epanechnikov>,
        Kernel::Triangular => scatter_k::<kernels::Triangular>,
        Kernel::Uniform => scatter_k::<kernels::Uniform>,
        Kernel::Gaussian => scatter_k::<kernels::Gaussian>,
    };
    run(grid, kernel, units, x, y, w, h, tuning)
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

/// Index range `[lo, hi]` (inclusive, clamped to `[0, n - 1]`) of the cells
/// whose centres may lie within `r` of coordinate `v`, on an axis starting at
/// `origin` with cells of `inv_cell⁻¹` metres; `None` if none can.
///
/// A superset of the exact range (widened by a cell each side; the distance
/// test decides), from truncating casts: `f64::floor`/`ceil` are libm calls on
/// baseline x86-64 and this runs for every incident and band.
#[inline(always)]
fn axis_range(origin: f64, inv_cell: f64, n: usize, v: f64, r: f64) -> Option<(usize, usize)> {
    let lo = (v - r - origin) * inv_cell - 0.5;
    let hi = (v + r - origin) * inv_cell - 0.5;
    let max = n as f64 - 1.0;
    // Also false for NaN.
    if !(hi >= -1.0 && lo <= max + 1.0) {
        return None;
    }
    // `as usize` saturates at 0 and truncates: lo_t <= ceil(lo), so lo_t - 1 <= ceil(lo) - 1.
    let lo_t = (lo as usize).saturating_sub(1);
    // hi >= -1 here; trunc(hi) + 1 >= floor(hi) + 1 for hi >= -1.
    let hi_t = ((hi.min(max) + 1.0) as usize).min(n - 1);
    (lo_t <= hi_t).then_some((lo_t, hi_t))
}

/// Row range `[lo, hi]` (inclusive, clamped, widened by one row each side;
/// the distance test decides) whose centres may lie within `r` of `y`.
#[inline(always)]
fn row_range(grid: &GridSpec, y: f64, r: f64) -> Option<(usize, usize)> {
    axis_range(grid.y0, 1.0 / grid.cell_m, grid.rows, y, r)
}

/// Bytes of packed incident copies the scatter holds at once (see [`scatter_k`]).
const PACK_BUDGET_BYTES: usize = 64 << 20;

/// Least number of incidents per packing chunk. Chunks depend on the number
/// of incidents and bands only, never on the thread count.
const PACK_CHUNK: usize = 1 << 16;

/// Most per-chunk band counts held (chunks times bands).
const PACK_COUNTS: usize = 1 << 22;

/// Splits `buf`, laid out band by band (bands `bands`) and within a band chunk
/// by chunk, into one list per chunk of its part of each band:
/// `out[c][b - bands.start]` has `counts[c][b]` elements. Empty lists if `buf`
/// is empty (no per-incident bandwidths).
fn split_by_chunk<'a, T>(
    buf: &'a mut [T],
    counts: &[Vec<usize>],
    bands: std::ops::Range<usize>,
) -> Vec<Vec<&'a mut [T]>> {
    let mut out: Vec<Vec<&'a mut [T]>> = (0..counts.len()).map(|_| Vec::new()).collect();
    if buf.is_empty() {
        return out;
    }
    let mut rest = buf;
    for b in bands {
        for (c, part) in out.iter_mut().enumerate() {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(counts[c][b]);
            part.push(head);
            rest = tail;
        }
    }
    out
}

/// The scatter proper.
///
/// Incidents are bucketed, in index order, into the bands of [`BAND_ROWS`] rows
/// their support touches. Each band's incidents are copied into one contiguous
/// array (position, weight, and the bandwidth when it varies) so that a band
/// streams through memory instead of gathering from the full columns: that
/// gather was a cache miss per incident and band, a third of the run time at
/// 1M incidents. The copying runs in parallel over fixed chunks of incidents,
/// each writing its own part of every band. Bands are packed in consecutive
/// groups holding at most `tuning.pack_budget_bytes` of copies, so memory stays
/// bounded for any input. A band's cells receive their incidents in index
/// order, whatever the grouping and the thread count.
#[allow(clippy::too_many_arguments)]
fn scatter_k<P: Profile>(
    grid: &GridSpec,
    kernel: Kernel,
    units: DensityUnits,
    x: &[f64],
    y: &[f64],
    w: &[f64],
    h: &Resolved,
    tuning: Tuning,
) -> Vec<f64> {
    let (cols, rows) = (grid.cols, grid.rows);
    let mut values = vec![0.0f64; grid.len()];
    let n = x.len().min(y.len()).min(w.len());
    if n == 0 || cols == 0 || rows == 0 {
        return values;
    }
    let scale = units.scale(grid.cell_m);
    let per_incident = match h {
        Resolved::Fixed(_) => None,
        Resolved::PerIncident(v) => Some(v.as_slice()),
    };
    let h_of = |i: usize| -> f64 {
        match h {
            Resolved::Fixed(v) => *v,
            Resolved::PerIncident(v) => v[i],
        }
    };
    // Bands each incident touches, and per chunk of incidents (a fixed size,
    // not the thread count) how many go to each band.
    let nbands = rows.div_ceil(BAND_ROWS);
    let ranges: Vec<Option<(u32, u32)>> = (0..n)
        .into_par_iter()
        .map(|i| {
            if !(w[i] > 0.0) {
                return None;
            }
            let r = h_of(i) * kernel.support_factor();
            row_range(grid, y[i], r)
                .map(|(lo, hi)| ((lo / BAND_ROWS) as u32, (hi / BAND_ROWS) as u32))
        })
        .collect();
    // Chunks of at least `pack_chunk` incidents, and few enough that the
    // per-chunk counts stay under PACK_COUNTS entries.
    let chunk = tuning
        .pack_chunk
        .max(1)
        .max(n.div_ceil((PACK_COUNTS / nbands).max(1)));
    let counts: Vec<Vec<usize>> = ranges
        .par_chunks(chunk)
        .map(|rs| {
            let mut c = vec![0usize; nbands];
            for &(a, b) in rs.iter().flatten() {
                for band in a..=b {
                    c[band as usize] += 1;
                }
            }
            c
        })
        .collect();
    let mut start = vec![0usize; nbands + 1];
    for b in 0..nbands {
        start[b + 1] = start[b] + counts.iter().map(|c| c[b]).sum::<usize>();
    }

    let (x0, cell) = (grid.x0, grid.cell_m);
    // Cell-centre eastings, computed as `GridSpec::centre` does; a slice the
    // inner loop can stream (and the compiler vectorise).
    let cxs: Vec<f64> = (0..cols).map(|c| x0 + (c as f64 + 0.5) * cell).collect();
    let item_bytes = 3 * 8 + if per_incident.is_some() { 8 } else { 0 };
    let mut g0 = 0;
    while g0 < nbands {
        // Consecutive bands g0..g1 whose copies fit the budget (at least one band).
        let mut g1 = g0 + 1;
        while g1 < nbands && (start[g1 + 1] - start[g0]) * item_bytes <= tuning.pack_budget_bytes {
            g1 += 1;
        }
        let base = start[g0];
        let len = start[g1] - base;
        let mut items = vec![[0.0f64; 3]; len];
        let mut hs = vec![0.0f64; if per_incident.is_some() { len } else { 0 }];
        // Each chunk copies its incidents into its own part of each band, so
        // every band lists its incidents in index order.
        let item_parts = split_by_chunk(&mut items, &counts, g0..g1);
        let h_parts = split_by_chunk(&mut hs, &counts, g0..g1);
        ranges
            .par_chunks(chunk)
            .zip(item_parts)
            .zip(h_parts)
            .enumerate()
            .for_each(|(c, ((rs, mut parts), mut hparts))| {
                let mut pos = vec![0usize; g1 - g0];
                for (k, r) in rs.iter().enumerate() {
                    let Some((a, b)) = *r else { continue };
                    let i = c * chunk + k;
                    for band in (a as usize).max(g0)..=(b as usize).min(g1 - 1) {
                        let (slot, p) = (band - g0, pos[band - g0]);
                        parts[slot][p] = [x[i], y[i], w[i]];
                        if let Some(v) = per_incident {
                            hparts[slot][p] = v[i];
                        }
                        pos[slot] += 1;
                    }
                }
            });
        let rows_end = (g1 * BAND_ROWS).min(rows);
        let shared = Shared {
            grid,
            kernel,
            scale,
            fixed_h: match h {
                Resolved::Fixed(v) => *v,
                Resolved::PerIncident(_) => f64::NAN,
            },
            cxs: &cxs,
        };
        values[g0 * BAND_ROWS * cols..rows_end * cols]
            .par_chunks_mut(BAND_ROWS * cols)
            .enumerate()
            .for_each(|(k, out)| {
                let band = g0 + k;
                let (s0, s1) = (start[band] - base, start[band + 1] - base);
                let items = &items[s0..s1];
                let hs = (!hs.is_empty()).then(|| &hs[s0..s1]);
                if tuning.wide {
                    scatter_band_wide::<P>(&shared, band, out, items, hs);
                } else {
                    scatter_band::<P>(&shared, band, out, items, hs);
                }
            });
        g0 = g1;
    }
    values
}

/// What every band of one scatter shares.
struct Shared<'a> {
    grid: &'a GridSpec,
    kernel: Kernel,
    scale: f64,
    /// The bandwidth when it is fixed (NaN when it varies per incident).
    fixed_h: f64,
    /// Cell-centre eastings.
    cxs: &'a [f64],
}

/// [`scatter_band`] compiled for the widest vector unit the CPU has (AVX2 on
/// x86-64, chosen at run time by `multiversion`; elsewhere the baseline build).
/// Lanes are independent and nothing is fused (no FMA), so every lane does
/// the same IEEE operations as the baseline code: the output is bit-identical
/// on every CPU.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn scatter_band_wide<P: Profile>(
    s: &Shared<'_>,
    band: usize,
    out: &mut [f64],
    items: &[[f64; 3]],
    hs: Option<&[f64]>,
) {
    scatter_band::<P>(s, band, out, items, hs)
}

/// One band: scatters `items` (`[x, y, w]`, in incident-index order; with their
/// bandwidths `hs` when they vary) into the band's rows `out`.
#[inline(always)]
fn scatter_band<P: Profile>(
    s: &Shared<'_>,
    band: usize,
    out: &mut [f64],
    items: &[[f64; 3]],
    hs: Option<&[f64]>,
) {
    let (grid, kernel, scale, fixed, cxs) = (s.grid, s.kernel, s.scale, s.fixed_h, s.cxs);
    let (cols, y0, cell) = (grid.cols, grid.y0, grid.cell_m);
    let inv_cell = 1.0 / cell;
    let row0 = band * BAND_ROWS;
    let band_rows = out.len() / cols;
    for (j, &[px, py, wi]) in items.iter().enumerate() {
        let hi_ = hs.map_or(fixed, |v| v[j]);
        let (r2, inv_h2, coef) = incident_consts(kernel, scale, wi, hi_);
        let r = r2.sqrt();
        let Some((rlo, rhi)) = axis_range(y0, inv_cell, grid.rows, py, r) else {
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
        let Some((clo, chi)) = axis_range(grid.x0, inv_cell, cols, px, r) else {
            continue;
        };
        // Pad the range to a width that depends on `r` only (`hi - lo + 1 <=
        // 2r/cell + 4` by construction of `axis_range`): with a fixed bandwidth
        // every row loop then runs the same number of times, which the branch
        // predictor learns; a varying trip count cost a misprediction per row.
        let chi = chi.max((clo + (2.0 * r * inv_cell) as usize + 3).min(cols - 1));
        let cx = &cxs[clo..=chi];
        for row in rlo..=rhi {
            let cy = y0 + (row as f64 + 0.5) * cell;
            let dy = cy - py;
            let dy2 = dy * dy;
            if !(dy2 <= r2) {
                continue;
            }
            let at = (row - row0) * cols;
            let line = &mut out[at + clo..=at + chi];
            for (v, &cx) in line.iter_mut().zip(cx) {
                let dx = cx - px;
                let d2 = dx * dx + dy2;
                let k = coef * P::eval(d2 * inv_h2);
                *v += if d2 < r2 { k } else { 0.0 };
            }
        }
    }
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

    /// Every path of the scatter (baseline or AVX2 band loop, one or many
    /// packing groups and chunks) gives the same bits, and they are the brute
    /// force's values.
    #[test]
    fn every_scatter_path_gives_the_same_bits() {
        let inc = random_set(5, 400);
        let hs: Vec<f64> = (0..inc.len())
            .map(|i| 20.0 + (i % 7) as f64 * 9.0)
            .collect();
        // Some incidents lie east of the grid; their kernels still reach in.
        let grid = GridSpec::new(499_900.0, 6_499_920.0, 6.0, 80, 70).unwrap();
        for kernel in Kernel::ALL {
            for h in [Resolved::Fixed(45.0), Resolved::PerIncident(hs.clone())] {
                let run = |t: Tuning| {
                    scatter_tuned(
                        &grid,
                        kernel,
                        DensityUnits::PerKm2,
                        inc.x(),
                        inc.y(),
                        inc.weights(),
                        &h,
                        t,
                    )
                };
                let best = run(Tuning::default());
                let per_h = match &h {
                    Resolved::Fixed(v) => vec![*v; inc.len()],
                    Resolved::PerIncident(v) => v.clone(),
                };
                let want = brute_force(
                    &grid,
                    kernel,
                    DensityUnits::PerKm2,
                    inc.x(),
                    inc.y(),
                    inc.weights(),
                    &per_h,
                );
                assert_close(&best, &want, kernel.name());
                for (budget, chunk, wide) in [
                    (PACK_BUDGET_BYTES, PACK_CHUNK, false),
                    (1, PACK_CHUNK, true),
                    (700, 13, true),
                    (1, 1, false),
                ] {
                    let t = Tuning {
                        pack_budget_bytes: budget,
                        pack_chunk: chunk,
                        wide,
                    };
                    let got = run(t);
                    assert!(
                        got.iter()
                            .zip(&best)
                            .all(|(a, b)| a.to_bits() == b.to_bits()),
                        "{kernel} {t:?}"
                    );
                }
            }
        }
    }

    /// `axis_range` holds every cell whose centre is within `r` (as the
    /// scatter computes the distance), and says `None` only when there is none.
    #[test]
    fn axis_range_is_a_superset_of_the_support() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20_000 {
            let origin = rng.random_range(-1e6..1e6);
            let cell = rng.random_range(0.5..200.0);
            let n = rng.random_range(1..60usize);
            let v = origin + rng.random_range(-30.0..90.0) * cell;
            let r = rng.random_range(0.0..20.0) * cell;
            let got = axis_range(origin, 1.0 / cell, n, v, r);
            for i in 0..n {
                let d = origin + (i as f64 + 0.5) * cell - v;
                if d * d < r * r {
                    let (lo, hi) = got.unwrap_or_else(|| panic!("{i} dropped: none"));
                    assert!((lo..=hi).contains(&i), "{i} outside {lo}..={hi}");
                }
            }
            if let Some((lo, hi)) = got {
                assert!(lo <= hi && hi < n);
            }
        }
        assert_eq!(axis_range(0.0, 1.0, 10, f64::NAN, 1.0), None);
        assert_eq!(axis_range(0.0, 1.0, 10, 1e300, 1.0), None);
        assert_eq!(axis_range(0.0, 1.0, 10, -1e300, 1.0), None);
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
