//! Judging hotspot methods on a later period: hit rate, PAI, PEI* and RRI at fixed area coverages.
//!
//! Every method is fitted on a training set and turned into a **ranking of grid
//! cells** on one common [`GridSpec`] (the [`EvalGrid`]); the top cells up to an
//! area budget (a *coverage*: the share of study-area cells, 0-1) are its hotspot
//! map, and that map is judged on the test set. All methods share the grid and
//! the budget, so their numbers are comparable.
//!
//! ## Measures (for a selection of `k` of the `A` study-area cells)
//! - **Hit rate** `n / N`: the share of the test incidents that fall in the selected cells.
//! - **PAI**, the Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008, *Security
//!   Journal* 21:4-28): `(n / N) / (k / A)`, hit rate over area share.
//! - **PEI\***, the Predictive Efficiency Index with the optimum recomputed for the
//!   same number of cells (White, Hunt & Green 2023, after Hunt 2016's PEI): `n / n*`,
//!   where `n*` is the most test incidents any `k` cells could capture (the sum of
//!   the `k` largest test counts). It is 1 for a perfect map and is unaffected by ties,
//!   since only the number of cells enters `n*`.
//! - **RRI**, the Recapture Rate Index (Levine 2008, *Security Journal* 21:295-302):
//!   `(n_test / n_train) / (N_test / N_train)`, the rate at which the selected cells
//!   recapture incidents relative to the whole area; `None` when the selected cells held
//!   no training incident.
//!
//! Harm-weighted variants (when the incident weights are not all 1, e.g. from a
//! harm table) replace every count by a sum of weights.
//!
//! ## Ranking and ties
//! A method gives one score per cell (higher = hotter). Cells are ranked by score,
//! descending, and ties (and non-finite scores, ranked last) by the cell's linear
//! index, ascending; so a ranking is deterministic. Only cells of the study area
//! (all cells when no study area is given) are ranked.
//!
//! ## Coverage to cells
//! A coverage `c` selects `k = max(1, round(c * A))` cells (at most `A`). The
//! reported `coverage` is the realised `k / A`, which is what PAI divides by.
//!
//! Test incidents outside the study-area cells are not counted in `N`.

mod adapters;
mod change;
mod compare;
mod methods;
mod split;
mod zones;

/// The calendar period, now at [`crate::period::Period`] (kept here so existing code builds).
pub use crate::period::Period;
pub use adapters::{DbscanMethod, GiStarMethod, HdbscanMethod, KdeMethod};
pub use change::{OverdispersedChange, QuasiPoissonRatio, quasi_poisson_change};
pub use change::{ZoneChange, compare};
pub use compare::{ComparedZone, Zone, ZoneCounts, count_zones};
pub use compare::{MonthCount, MonthlyCounts, count_zones_monthly};
pub use methods::{
    GridCounts, HotspotMethod, METHOD_NAMES, MethodOptions, PreviousPeriod, ScoreFn, builtin,
};
pub use split::{PeriodSplit, Shares};
pub use zones::{
    BeforeAfter, ChangeCell, DensityDifference, change_cells, density_difference,
    density_difference_by_share, hotspot_zones, hotspot_zones_by_share, read_zones, school_zones,
};

use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use serde::Serialize;
use std::time::Instant;

/// The common grid of an evaluation and which of its cells form the study area.
#[derive(Clone, Debug)]
pub struct EvalGrid {
    spec: GridSpec,
    active: Vec<bool>,
    n_active: usize,
}

impl EvalGrid {
    /// A grid whose study area is the cells with their centre inside `area`, or every cell when `area` is `None`.
    ///
    /// # Errors
    /// [`Error::InsufficientData`] when no cell centre lies in the study area
    /// (make the cells smaller or check the study area's CRS).
    pub fn new(spec: GridSpec, area: Option<&StudyArea>) -> Result<Self> {
        let active: Vec<bool> = match area {
            None => vec![true; spec.len()],
            Some(a) => (0..spec.len())
                .map(|i| {
                    let (c, r) = spec.col_row(i);
                    let [x, y] = spec.centre(c, r);
                    a.contains(x, y)
                })
                .collect(),
        };
        let n_active = active.iter().filter(|&&b| b).count();
        if n_active == 0 {
            return Err(Error::InsufficientData(format!(
                "no {} m cell has its centre inside the study area; use smaller cells or check that the study area is in the incidents' CRS",
                spec.cell_m
            )));
        }
        Ok(Self {
            spec,
            active,
            n_active,
        })
    }

    /// The grid.
    pub fn spec(&self) -> &GridSpec {
        &self.spec
    }

    /// Whether cell `i` (linear index) is in the study area.
    pub fn is_active(&self, i: usize) -> bool {
        self.active.get(i).copied().unwrap_or(false)
    }

    /// Number of study-area cells `A`.
    pub fn n_active(&self) -> usize {
        self.n_active
    }

    /// Sum of incident weights (or counts, when `weighted` is false) per cell; incidents off the grid are ignored.
    pub fn counts(&self, incidents: &Incidents, weighted: bool) -> Vec<f64> {
        let mut v = vec![0.0; self.spec.len()];
        for i in 0..incidents.len() {
            let [x, y] = incidents.position(i);
            if let Some((c, r)) = self.spec.cell_of(x, y) {
                v[self.spec.index(c, r)] += if weighted {
                    incidents.weights()[i]
                } else {
                    1.0
                };
            }
        }
        v
    }

    /// Sum of `shares` (times the incident weights, when `weighted`) per cell: the counts of a period
    /// whose interval incidents count by their share ([`PeriodSplit`]); incidents off the grid are ignored.
    pub fn share_counts(&self, incidents: &Incidents, shares: &[f64], weighted: bool) -> Vec<f64> {
        let mut v = vec![0.0; self.spec.len()];
        for (i, &s) in shares.iter().enumerate().take(incidents.len()) {
            let [x, y] = incidents.position(i);
            if let Some((c, r)) = self.spec.cell_of(x, y) {
                v[self.spec.index(c, r)] += if weighted {
                    incidents.weights()[i] * s
                } else {
                    s
                };
            }
        }
        v
    }

    /// Ranks the study-area cells by `scores` (one per grid cell), hottest first; see the module doc for ties.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `scores` does not have one value per cell.
    pub fn rank(&self, scores: &[f64]) -> Result<Vec<usize>> {
        if scores.len() != self.spec.len() {
            return Err(Error::invalid(
                "scores",
                format!("{} values", scores.len()),
                format!("one score per grid cell ({}) is needed", self.spec.len()),
            ));
        }
        let mut idx: Vec<usize> = (0..self.spec.len()).filter(|&i| self.active[i]).collect();
        idx.sort_by(|&a, &b| {
            let (sa, sb) = (scores[a], scores[b]);
            match (sa.is_finite(), sb.is_finite()) {
                (true, true) => sb.total_cmp(&sa).then(a.cmp(&b)),
                (true, false) => std::cmp::Ordering::Less,
                (false, true) => std::cmp::Ordering::Greater,
                (false, false) => a.cmp(&b),
            }
        });
        Ok(idx)
    }

    /// Number of cells a coverage selects: `max(1, round(c * A))`, at most `A`.
    pub fn cells_for(&self, coverage: f64) -> usize {
        ((coverage * self.n_active as f64).round() as usize).clamp(1, self.n_active)
    }
}

/// Checks coverages: each finite and in `(0, 1]`.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `coverage`.
pub fn check_coverages(coverages: &[f64]) -> Result<()> {
    if coverages.is_empty() {
        return Err(Error::invalid(
            "coverage",
            "(none)",
            "give at least one coverage, e.g. 1%,5%,10%",
        ));
    }
    for &c in coverages {
        if !(c > 0.0 && c <= 1.0) {
            return Err(Error::invalid(
                "coverage",
                c,
                "a coverage is a share of the study area in (0, 1], e.g. 0.05 or 5%",
            ));
        }
    }
    Ok(())
}

/// Hit rate, PAI and PEI\* of one selection, by counts or by harm weights.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Capture {
    /// Test incidents (or harm) in the selected cells, `n`.
    pub captured: f64,
    /// Test incidents (or harm) in the study area, `N`.
    pub total: f64,
    /// The most any selection of the same number of cells could capture, `n*`.
    pub best_possible: f64,
    /// `n / N`; `None` when `N = 0`.
    pub hit_rate: Option<f64>,
    /// `(n / N) / (k / A)`; `None` when `N = 0`.
    pub pai: Option<f64>,
    /// `n / n*`; `None` when `n* = 0`.
    pub pei_star: Option<f64>,
}

/// The measures of one method at one coverage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoverageResult {
    /// The coverage asked for (0-1).
    pub coverage_requested: f64,
    /// The realised coverage `k / A` (0-1).
    pub coverage: f64,
    /// Number of cells selected, `k`.
    pub cells: usize,
    /// Area selected in km².
    pub area_km2: f64,
    /// Counts.
    pub counts: Capture,
    /// Training incidents in the selected cells (for RRI).
    pub train_captured: f64,
    /// Recapture rate index; `None` when the selection or the study area held no training (or no test) incident.
    pub rri: Option<f64>,
    /// Harm-weighted measures, when the incidents carry non-unit weights.
    pub harm: Option<Capture>,
}

/// Measures the ranking `ranked` (hottest first, as from [`EvalGrid::rank`]) at each coverage.
///
/// `train` is used for RRI only. Harm-weighted measures are added when either set
/// has a weight other than 1.
///
/// Complexity: `O(C log C + n)` for `C` cells and `n` incidents.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad coverage.
pub fn measure(
    grid: &EvalGrid,
    ranked: &[usize],
    train: &Incidents,
    test: &Incidents,
    coverages: &[f64],
) -> Result<Vec<CoverageResult>> {
    measure_split(
        grid,
        ranked,
        &Split {
            train,
            test,
            train_period: None,
            test_period: None,
            shares: None,
        },
        coverages,
    )
}

/// [`measure`] on a split whose interval incidents count by their share of the period
/// ([`Split::shares`], see [`PeriodSplit`]): every count `n`, `N`, `n*` and the RRI's training
/// counts are sums of shares, the harm-weighted ones sums of harm × share. Without shares it is
/// [`measure`].
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad coverage.
pub fn measure_split(
    grid: &EvalGrid,
    ranked: &[usize],
    split: &Split<'_>,
    coverages: &[f64],
) -> Result<Vec<CoverageResult>> {
    check_coverages(coverages)?;
    let (train, test) = (split.train, split.test);
    let weighted = !(train.is_unweighted() && test.is_unweighted());
    let (test_n, train_n, test_w) = match split.shares {
        None => (
            grid.counts(test, false),
            grid.counts(train, false),
            weighted.then(|| grid.counts(test, true)),
        ),
        Some(s) => (
            grid.share_counts(test, s.test, false),
            grid.share_counts(train, s.train, false),
            weighted.then(|| grid.share_counts(test, s.test, true)),
        ),
    };
    let active: Vec<usize> = (0..grid.spec.len()).filter(|&i| grid.active[i]).collect();
    let sorted_desc = |v: &[f64]| {
        let mut s: Vec<f64> = active.iter().map(|&i| v[i]).collect();
        s.sort_by(|a, b| b.total_cmp(a));
        s
    };
    let best_n = sorted_desc(&test_n);
    let best_w = test_w.as_deref().map(sorted_desc);
    let total_test: f64 = active.iter().map(|&i| test_n[i]).sum();
    let total_train: f64 = active.iter().map(|&i| train_n[i]).sum();
    let total_w: f64 = test_w
        .as_deref()
        .map(|w| active.iter().map(|&i| w[i]).sum())
        .unwrap_or(0.0);
    let a = grid.n_active as f64;
    let mut out = Vec::with_capacity(coverages.len());
    for &c in coverages {
        let k = grid.cells_for(c).min(ranked.len());
        let sel = &ranked[..k];
        let share = k as f64 / a;
        let captured: f64 = sel.iter().map(|&i| test_n[i]).sum();
        let train_captured: f64 = sel.iter().map(|&i| train_n[i]).sum();
        let counts = capture(captured, total_test, best_n[..k].iter().sum(), share);
        let harm = match (&test_w, &best_w) {
            (Some(w), Some(bw)) => Some(capture(
                sel.iter().map(|&i| w[i]).sum(),
                total_w,
                bw[..k].iter().sum(),
                share,
            )),
            _ => None,
        };
        let rri = if train_captured > 0.0 && total_train > 0.0 && total_test > 0.0 {
            Some((captured / train_captured) / (total_test / total_train))
        } else {
            None
        };
        out.push(CoverageResult {
            coverage_requested: c,
            coverage: share,
            cells: k,
            area_km2: k as f64 * grid.spec.cell_area_m2() / 1e6,
            counts,
            train_captured,
            rri,
            harm,
        });
    }
    Ok(out)
}

fn capture(captured: f64, total: f64, best_possible: f64, share: f64) -> Capture {
    let hit_rate = (total > 0.0).then(|| captured / total);
    Capture {
        captured,
        total,
        best_possible,
        hit_rate,
        pai: hit_rate.map(|h| h / share),
        pei_star: (best_possible > 0.0).then(|| captured / best_possible),
    }
}

/// The training and test sets of one evaluation, with their periods when known.
#[derive(Clone, Copy, Debug)]
pub struct Split<'a> {
    /// Incidents the methods are fitted on.
    pub train: &'a Incidents,
    /// Incidents the maps are judged on.
    pub test: &'a Incidents,
    /// Training period, if the split was made by time.
    pub train_period: Option<Period>,
    /// Test period, if the split was made by time.
    pub test_period: Option<Period>,
    /// Shares of interval incidents in their period ([`PeriodSplit`]); `None` counts every incident
    /// whole (share 1), as for data without intervals.
    pub shares: Option<Shares<'a>>,
}

/// One method's results on one split.
#[derive(Clone, Debug, Serialize)]
pub struct MethodEvaluation {
    /// Method name.
    pub method: String,
    /// Method parameters, `key=value` separated by spaces.
    pub params: String,
    /// Seconds spent fitting the method and ranking cells (wall clock; the only field that varies between runs).
    pub seconds: f64,
    /// One row per coverage, in the order asked.
    pub rows: Vec<CoverageResult>,
}

/// Fits each method on `split.train`, ranks the cells of `grid` and measures the ranking on `split.test`
/// ([`measure_split`]: interval incidents count by their share of the period when [`Split::shares`]
/// is given; see [`PeriodSplit`] for what the methods are fitted on).
///
/// # Errors
/// The first method error, or [`Error::InvalidParameter`] for a bad coverage.
pub fn evaluate(
    grid: &EvalGrid,
    split: &Split<'_>,
    methods: &[&dyn HotspotMethod],
    coverages: &[f64],
) -> Result<Vec<MethodEvaluation>> {
    check_coverages(coverages)?;
    let mut out = Vec::with_capacity(methods.len());
    for m in methods {
        let t0 = Instant::now();
        let scores = m.score(grid.spec(), split)?;
        let ranked = grid.rank(&scores)?;
        let seconds = t0.elapsed().as_secs_f64();
        let rows = measure_split(grid, &ranked, split, coverages)?;
        out.push(MethodEvaluation {
            method: m.name().to_string(),
            params: m.params(),
            seconds,
            rows,
        });
    }
    Ok(out)
}

/// One origin of a rolling evaluation: the test month and the results there.
#[derive(Clone, Debug, Serialize)]
pub struct RollingStep {
    /// The training window (the `train_months` months before the test month).
    pub train: Period,
    /// The test month.
    pub test: Period,
    /// Results per method.
    pub results: Vec<MethodEvaluation>,
}

/// Rolling-origin evaluation by month: for each calendar month `M` starting inside
/// `test_span`, the methods are fitted on the `train_months` whole calendar months just
/// before `M` and judged on `M` (a sliding-window rolling origin, Tashman 2000,
/// "Out-of-sample tests of forecasting accuracy", *Int. J. Forecasting* 16:437-450).
///
/// Each origin is a [`PeriodSplit`] with its days in the local dates of `tz` (the zone the times
/// were read in): an interval incident across a month's edge is judged in each test month by its
/// share there, and trained on by its share of the training window.
///
/// # Errors
/// [`Error::InvalidParameter`] when `train_months < 1` or `test_span` holds no month start;
/// method errors as in [`evaluate`].
pub fn rolling_monthly(
    grid: &EvalGrid,
    incidents: &Incidents,
    train_months: u32,
    test_span: Period,
    methods: &[&dyn HotspotMethod],
    coverages: &[f64],
    tz: chrono_tz::Tz,
) -> Result<Vec<RollingStep>> {
    if train_months < 1 {
        return Err(Error::invalid(
            "train_months",
            train_months,
            "the training window needs at least one month",
        ));
    }
    let months = test_span.months();
    if months.is_empty() {
        return Err(Error::invalid(
            "test",
            test_span,
            "rolling monthly evaluation needs a test period containing the first day of a month",
        ));
    }
    let mut out = Vec::with_capacity(months.len());
    for m in months {
        let Some(tp) = m.preceding_months(train_months) else {
            continue;
        };
        let ps = PeriodSplit::new(incidents, tp, m, tz);
        out.push(RollingStep {
            train: tp,
            test: m,
            results: evaluate(grid, &ps.split(), methods, coverages)?,
        });
    }
    Ok(out)
}

/// One point of a method's PAI-by-coverage curve, averaged over the origins of an evaluation
/// ([`mean_pai_curve`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The coverage asked for (share of the study-area cells).
    pub coverage_requested: f64,
    /// The arithmetic mean of the coverages reached (`k / A`) over the origins.
    pub coverage: f64,
    /// The arithmetic mean of the PAI over the origins where it is defined; `None` when it is
    /// defined at none (no test incident).
    pub pai: Option<f64>,
    /// Number of origins with a row at this coverage.
    pub origins: usize,
}

/// The PAI-by-coverage curve of `method` over several origins (the steps of a rolling-origin
/// evaluation, [`rolling_monthly`], or one plain split): per requested coverage, the arithmetic
/// mean of the realised coverage and of the PAI (Chainey, Tompson & Uhlig 2008) over the origins,
/// the usual summary of a rolling origin (Tashman 2000, *Int. J. Forecasting* 16:437-450).
/// Origins where the PAI is undefined leave it out of its mean. Points are in order of the
/// mean coverage (ties in order of the requested coverage); a method absent from every origin
/// gives no point.
pub fn mean_pai_curve<'a>(
    origins: impl IntoIterator<Item = &'a [MethodEvaluation]>,
    method: &str,
) -> Vec<CurvePoint> {
    // requested coverage (as ordered bits) -> (requested, sum of coverage, sum of PAI, n, n with PAI)
    let mut acc: std::collections::BTreeMap<u64, (f64, f64, f64, usize, usize)> =
        std::collections::BTreeMap::new();
    for results in origins {
        for m in results.iter().filter(|m| m.method == method) {
            for r in &m.rows {
                let e = acc.entry(r.coverage_requested.to_bits()).or_insert((
                    r.coverage_requested,
                    0.0,
                    0.0,
                    0,
                    0,
                ));
                e.1 += r.coverage;
                e.3 += 1;
                if let Some(p) = r.counts.pai {
                    e.2 += p;
                    e.4 += 1;
                }
            }
        }
    }
    let mut points: Vec<CurvePoint> = acc
        .into_values()
        .map(|(req, c, p, n, np)| CurvePoint {
            coverage_requested: req,
            coverage: c / n as f64,
            pai: (np > 0).then(|| p / np as f64),
            origins: n,
        })
        .collect();
    points.sort_by(|a, b| a.coverage.total_cmp(&b.coverage));
    points
}

#[cfg(test)]
mod tests;
