//! Emerging hot spots: a space-time cube of counts, Gi* per bin over a space-time
//! neighbourhood, a Mann-Kendall trend per location, and the ArcGIS pattern classes.
//!
//! # Method
//! Follows ESRI, *How Emerging Hot Spot Analysis works* and *How Create Space Time
//! Cube works* (ArcGIS Pro documentation, Space Time Pattern Mining toolbox):
//!
//! 1. **Cube.** Incidents are counted in bins `(cell, step)`: the cells of a
//!    [`GridSpec`] and consecutive calendar steps (days, ISO weeks starting Monday, or
//!    months) covering the time span.
//! 2. **Gi\* per bin.** The neighbours of bin `(i, t)` are the bins `(j, u)` whose cell
//!    centre lies within `band_m` of cell `i`'s centre (cell `i` itself included) and
//!    `t − time_window <= u <= t` (the bin's own step and `time_window` previous steps;
//!    ArcGIS's "neighborhood time step", default 1). With binary weights `w`, the
//!    Getis-Ord Gi\* z-score (Getis & Ord 1992; Ord & Getis 1995) is
//!    `z = (Σ w x − X̄ W) / (S √((n Σw² − W²)/(n − 1)))`, with `W = Σ w`, `X̄` and `S`
//!    (population standard deviation) over all `n` bins of the cube — the same closed
//!    form as ArcGIS and PySAL esda. Bins outside the cube are not neighbours.
//!    A bin is a significant hot (cold) spot when `z > 0` (`z < 0`) and its two-sided
//!    p value is below `alpha`; with `fdr` the p values are first corrected by the
//!    Benjamini-Hochberg false discovery rate over all bins (ArcGIS Pro applies an FDR correction).
//! 3. **Trend.** The Mann-Kendall test ([`super::mann_kendall`]) on each location's
//!    series of Gi\* z-scores, significant at `trend_alpha`.
//! 4. **Classes** (ArcGIS definitions, quoted in substance; cold spots mirror them):
//!    - *No pattern detected*: none of the patterns below.
//!    - *New hot spot*: a significant hot spot for the final time step that has never been a significant hot spot before.
//!    - *Consecutive hot spot*: a single uninterrupted run of at least two significant hot
//!      spot bins in the final time steps; never a significant hot spot before that run,
//!      and less than 90% of all bins are significant hot spots.
//!    - *Intensifying hot spot*: a significant hot spot for 90% of the time steps,
//!      including the final one, and the intensity of clustering (the Gi\* z-scores) is
//!      increasing over time with a significant trend.
//!    - *Persistent hot spot*: a significant hot spot for 90% of the time steps, with no
//!      significant trend in the intensity of clustering.
//!    - *Diminishing hot spot*: a significant hot spot for 90% of the time steps,
//!      including the final one, with a significant decreasing trend.
//!    - *Sporadic hot spot*: a significant hot spot for the final time step with a history
//!      of being an on-again, off-again hot spot; less than 90% of the steps are hot and
//!      none is a significant cold spot.
//!    - *Oscillating hot spot*: a significant hot spot for the final time step that was a
//!      significant cold spot in some earlier step; less than 90% of the steps are hot.
//!    - *Historical hot spot*: the final time step is not hot, but at least 90% of the
//!      time steps have been significant hot spots.
//!
//!    Order of the checks where the wording overlaps: new, consecutive, then (90% rule)
//!    intensifying / diminishing / persistent, then oscillating, then sporadic; a
//!    location hot in at least 90% of steps but not in the last is *historical*
//!    (persistent therefore also requires the final step to be hot). Hot patterns are
//!    checked before cold ones; a location can satisfy at most one side since the final
//!    step is either hot or cold, except for the historical classes, where the side
//!    with at least 90% wins.
//!
//! Only cells with at least one incident in some step ("locations with data") are
//! classified; empty cells still take part in the cube's mean and deviation.
//!
//! Complexity: `O(C·T·(K + τ))` for `C` cells, `T` steps, `K` cells in the distance
//! band and `τ = time_window`; `O(C·T)` memory.

use super::fdr::benjamini_hochberg;
use super::getis_ord::two_sided_p;
use super::mann_kendall::{MannKendall, mann_kendall};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::period::Period;
use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use serde::Serialize;

/// Length of one time step of the cube.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeStep {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

impl std::str::FromStr for TimeStep {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "day" => Ok(TimeStep::Day),
            "week" => Ok(TimeStep::Week),
            "month" => Ok(TimeStep::Month),
            _ => Err(Error::invalid("step", s, "use day, week or month")),
        }
    }
}

impl TimeStep {
    fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            TimeStep::Day => d,
            TimeStep::Week => d - TimeDelta::days(d.weekday().num_days_from_monday() as i64),
            TimeStep::Month => d.with_day(1).unwrap_or(d),
        }
    }
    fn next(self, d: NaiveDate) -> NaiveDate {
        match self {
            TimeStep::Day => d + TimeDelta::days(1),
            TimeStep::Week => d + TimeDelta::days(7),
            TimeStep::Month => d + Months::new(1),
        }
    }

    /// Consecutive steps covering `span` (the first and last may extend beyond it to whole steps).
    pub fn steps(self, span: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let mut s = self.start_of(span.start);
        while s <= span.end {
            let n = self.next(s);
            let e = n.pred_opt().unwrap_or(s);
            out.push(Period { start: s, end: e });
            s = n;
        }
        out
    }
}

/// Counts per (cell, time step).
#[derive(Clone, Debug)]
pub struct SpaceTimeCube {
    /// The cells.
    pub spec: GridSpec,
    /// The time steps, oldest first.
    pub steps: Vec<Period>,
    /// Counts, `counts[t * spec.len() + cell]`.
    pub counts: Vec<f64>,
}

/// The local date in `tz` of an instant in seconds since 1970.
fn local_date(secs: i64, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.with_timezone(&tz).date_naive())
}

/// The largest cube (bins) built unless the caller asks otherwise.
pub const MAX_BINS: u64 = 50_000_000;

impl SpaceTimeCube {
    /// Counts `incidents` (weights ignored) in the cells of `spec` and the steps covering `span`
    /// (default: the incidents' first to last date). Incidents without a time, outside the
    /// span, or off the grid are not counted; the number not counted is returned beside the cube.
    ///
    /// An incident with a from/to interval ([`Incidents::interval_lengths`]) adds to each step it
    /// overlaps the share of its interval inside that step ([`Period::share`]: local midnights in
    /// `tz`, the zone the times were read in), so it adds 1 in all when the interval lies inside the
    /// span; a part outside the span is not counted (the incident counts as not counted only when
    /// nothing of it is inside). The default span then runs to the last day of the latest interval.
    /// Exact times add 1 to the step of their local date, as before; Gi\* takes the fractional
    /// counts as they are (it is defined for any real-valued attribute, Ord & Getis 1995).
    ///
    /// # Errors
    /// [`Error::InsufficientData`] without any timed incident; [`Error::InvalidParameter`] for
    /// a day or week step on month-resolution times; [`Error::LimitExceeded`] above [`MAX_BINS`] bins.
    pub fn build(
        incidents: &Incidents,
        spec: GridSpec,
        step: TimeStep,
        span: Option<Period>,
        tz: chrono_tz::Tz,
    ) -> Result<(Self, usize)> {
        let Some((first, last)) = incidents.time_span() else {
            return Err(Error::InsufficientData(
                "emerging hot spots need incident times; none of the incidents has one".into(),
            ));
        };
        if step != TimeStep::Month
            && incidents.time_resolution() == Some(crate::time::TimeResolution::Month)
        {
            return Err(Error::invalid(
                "step",
                format!("{step:?}").to_lowercase(),
                "some incidents only have a month; use --step month",
            ));
        }
        let span = match span {
            Some(p) => p,
            None => {
                // The last day any interval reaches (its last second's local date).
                let reach = (0..incidents.len())
                    .filter(|&i| incidents.interval_lengths()[i] > 0)
                    .filter_map(|i| local_date(incidents.interval(i)?.1 - 1, tz))
                    .max();
                let end = last.instant().date_naive();
                Period::new(
                    first.instant().date_naive(),
                    reach.map_or(end, |r| r.max(end)),
                )?
            }
        };
        let steps = step.steps(span);
        let bins = (steps.len() as u64).saturating_mul(spec.len() as u64);
        if bins > MAX_BINS {
            return Err(Error::LimitExceeded {
                what: "space-time cube bins",
                requested: bins,
                limit: MAX_BINS,
                hint: "use larger cells, a longer time step or a shorter period".into(),
            });
        }
        let c = spec.len();
        let mut counts = vec![0.0; steps.len() * c];
        let mut dropped = 0usize;
        let t0 = steps.first().map(|p| p.start);
        let step_of = |d: NaiveDate| -> Option<usize> {
            let t0 = t0?;
            if d < t0 {
                return None;
            }
            let k = match step {
                TimeStep::Day => (d - t0).num_days(),
                TimeStep::Week => (d - t0).num_days() / 7,
                TimeStep::Month => {
                    i64::from((d.year() - t0.year()) * 12 + d.month() as i32 - t0.month() as i32)
                }
            };
            usize::try_from(k).ok().filter(|&k| k < steps.len())
        };
        for i in 0..incidents.len() {
            let Some(t) = incidents.times()[i] else {
                dropped += 1;
                continue;
            };
            let [x, y] = incidents.position(i);
            let cell = spec.cell_of(x, y).map(|(cc, rr)| spec.index(cc, rr));
            if incidents.interval_lengths()[i] > 0 {
                // Share of the interval in each step it overlaps, clipped to the span.
                let (Some(cell), Some((a, b))) = (cell, incidents.interval(i)) else {
                    dropped += 1;
                    continue;
                };
                let first_day = local_date(a, tz).map_or(span.start, |d| d.max(span.start));
                let last_day = local_date(b - 1, tz).map_or(span.end, |d| d.min(span.end));
                let mut any = false;
                if let (Some(k0), Some(k1)) = (step_of(first_day), step_of(last_day)) {
                    for (k, st) in steps.iter().enumerate().take(k1 + 1).skip(k0) {
                        let part = Period {
                            start: st.start.max(span.start),
                            end: st.end.min(span.end),
                        };
                        if part.start > part.end {
                            continue;
                        }
                        let (pa, pb) = part.bounds(tz);
                        let sh = crate::temporal::share_in(incidents, i, pa, pb).unwrap_or(0.0);
                        if sh > 0.0 {
                            counts[k * c + cell] += sh;
                            any = true;
                        }
                    }
                }
                if !any {
                    dropped += 1;
                }
                continue;
            }
            let d = t.instant().date_naive();
            let k = if span.contains(&t) { step_of(d) } else { None };
            match (k, cell) {
                (Some(k), Some(cell)) => counts[k * c + cell] += 1.0,
                _ => dropped += 1,
            }
        }
        Ok((
            Self {
                spec,
                steps,
                counts,
            },
            dropped,
        ))
    }

    /// Number of time steps.
    pub fn n_steps(&self) -> usize {
        self.steps.len()
    }

    /// Count in bin `(cell, step)`.
    pub fn count(&self, cell: usize, step: usize) -> f64 {
        self.counts[step * self.spec.len() + cell]
    }
}

/// Gi\* z-score of every bin (layout as [`SpaceTimeCube::counts`]) with binary weights over
/// the space-time neighbourhood described in the module doc.
///
/// Degenerate: a cube whose bins are all equal (including all zero) has `S = 0`; every z is then 0,
/// as is the z of a bin whose neighbourhood is the whole cube (zero variance of the sum).
///
/// # Errors
/// [`Error::InvalidParameter`] for a negative or non-finite `band_m`.
pub fn cube_gistar(cube: &SpaceTimeCube, band_m: f64, time_window: usize) -> Result<Vec<f64>> {
    if !(band_m.is_finite() && band_m >= 0.0) {
        return Err(Error::invalid(
            "band_m",
            band_m,
            "the neighbourhood distance must be a non-negative number of metres",
        ));
    }
    let spec = cube.spec;
    let c = spec.len();
    let t_n = cube.n_steps();
    let n = (c * t_n) as f64;
    let x = &cube.counts;
    let mean = x.iter().sum::<f64>() / n;
    let var = (x.iter().map(|v| v * v).sum::<f64>() / n - mean * mean).max(0.0);
    let s = var.sqrt();
    // Cell offsets within the band (centre distances are whole multiples of the cell size).
    let reach = (band_m / spec.cell_m).floor() as i64;
    let mut offsets = Vec::new();
    for dr in -reach..=reach {
        for dc in -reach..=reach {
            let d2 = ((dc * dc + dr * dr) as f64) * spec.cell_m * spec.cell_m;
            if d2 <= band_m * band_m * (1.0 + 1e-12) {
                offsets.push((dc, dr));
            }
        }
    }
    // Spatial window sums and neighbour counts per step.
    let mut sp_sum = vec![0.0; c * t_n];
    let mut sp_w = vec![0usize; c];
    for i in 0..c {
        let (col, row) = spec.col_row(i);
        let mut w = 0;
        for &(dc, dr) in &offsets {
            let (cc, rr) = (col as i64 + dc, row as i64 + dr);
            if cc < 0 || rr < 0 || cc >= spec.cols as i64 || rr >= spec.rows as i64 {
                continue;
            }
            let j = spec.index(cc as usize, rr as usize);
            w += 1;
            for t in 0..t_n {
                sp_sum[t * c + i] += x[t * c + j];
            }
        }
        sp_w[i] = w;
    }
    let mut z = vec![0.0; c * t_n];
    if s <= 0.0 || n < 2.0 {
        return Ok(z);
    }
    for t in 0..t_n {
        let u0 = t.saturating_sub(time_window);
        let steps_in = (t - u0 + 1) as f64;
        for i in 0..c {
            let sum: f64 = (u0..=t).map(|u| sp_sum[u * c + i]).sum();
            let w = sp_w[i] as f64 * steps_in;
            let denom = s * ((n * w - w * w) / (n - 1.0)).sqrt();
            z[t * c + i] = if denom > 0.0 {
                (sum - mean * w) / denom
            } else {
                0.0
            };
        }
    }
    Ok(z)
}

/// A location's emerging hot or cold spot pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // names are the ArcGIS pattern names, defined in the module doc
pub enum EmergingClass {
    NoPattern,
    NewHotSpot,
    ConsecutiveHotSpot,
    IntensifyingHotSpot,
    PersistentHotSpot,
    DiminishingHotSpot,
    SporadicHotSpot,
    OscillatingHotSpot,
    HistoricalHotSpot,
    NewColdSpot,
    ConsecutiveColdSpot,
    IntensifyingColdSpot,
    PersistentColdSpot,
    DiminishingColdSpot,
    SporadicColdSpot,
    OscillatingColdSpot,
    HistoricalColdSpot,
}

impl EmergingClass {
    /// The patterns in legend order: hot (new, consecutive, intensifying, persistent, diminishing,
    /// sporadic, oscillating, historical), then cold in the same order; [`EmergingClass::NoPattern`]
    /// is not among them.
    pub const PATTERNS: [EmergingClass; 16] = [
        EmergingClass::NewHotSpot,
        EmergingClass::ConsecutiveHotSpot,
        EmergingClass::IntensifyingHotSpot,
        EmergingClass::PersistentHotSpot,
        EmergingClass::DiminishingHotSpot,
        EmergingClass::SporadicHotSpot,
        EmergingClass::OscillatingHotSpot,
        EmergingClass::HistoricalHotSpot,
        EmergingClass::NewColdSpot,
        EmergingClass::ConsecutiveColdSpot,
        EmergingClass::IntensifyingColdSpot,
        EmergingClass::PersistentColdSpot,
        EmergingClass::DiminishingColdSpot,
        EmergingClass::SporadicColdSpot,
        EmergingClass::OscillatingColdSpot,
        EmergingClass::HistoricalColdSpot,
    ];

    /// The ArcGIS pattern name, e.g. `"New Hot Spot"`.
    pub fn label(self) -> &'static str {
        use EmergingClass::*;
        match self {
            NoPattern => "No Pattern Detected",
            NewHotSpot => "New Hot Spot",
            ConsecutiveHotSpot => "Consecutive Hot Spot",
            IntensifyingHotSpot => "Intensifying Hot Spot",
            PersistentHotSpot => "Persistent Hot Spot",
            DiminishingHotSpot => "Diminishing Hot Spot",
            SporadicHotSpot => "Sporadic Hot Spot",
            OscillatingHotSpot => "Oscillating Hot Spot",
            HistoricalHotSpot => "Historical Hot Spot",
            NewColdSpot => "New Cold Spot",
            ConsecutiveColdSpot => "Consecutive Cold Spot",
            IntensifyingColdSpot => "Intensifying Cold Spot",
            PersistentColdSpot => "Persistent Cold Spot",
            DiminishingColdSpot => "Diminishing Cold Spot",
            SporadicColdSpot => "Sporadic Cold Spot",
            OscillatingColdSpot => "Oscillating Cold Spot",
            HistoricalColdSpot => "Historical Cold Spot",
        }
    }
}

/// Significance state of one bin: +1 significant hot, −1 significant cold, 0 neither.
pub type BinState = i8;

/// Classifies one location from its per-step states (oldest first) and the
/// Mann-Kendall trend of its Gi\* z-scores (+1 significant increase, −1 decrease, 0 none).
///
/// "Intensity of clustering" follows the side: for cold spots an *intensifying* cold
/// spot has a significant *decreasing* z trend (ever colder), a *diminishing* one an increasing trend.
pub fn classify(states: &[BinState], trend: i8) -> EmergingClass {
    use EmergingClass::*;
    let hot = side(states, 1, trend);
    let cold = side(states, -1, -trend);
    match (hot, cold) {
        (Some(h), _) if !matches!(h, Side::Historical) => hot_class(h),
        (_, Some(c)) if !matches!(c, Side::Historical) => cold_class(c),
        (Some(h), _) => hot_class(h),
        (_, Some(c)) => cold_class(c),
        _ => NoPattern,
    }
}

#[derive(Clone, Copy)]
enum Side {
    New,
    Consecutive,
    Intensifying,
    Persistent,
    Diminishing,
    Sporadic,
    Oscillating,
    Historical,
}

fn hot_class(s: Side) -> EmergingClass {
    use EmergingClass::*;
    match s {
        Side::New => NewHotSpot,
        Side::Consecutive => ConsecutiveHotSpot,
        Side::Intensifying => IntensifyingHotSpot,
        Side::Persistent => PersistentHotSpot,
        Side::Diminishing => DiminishingHotSpot,
        Side::Sporadic => SporadicHotSpot,
        Side::Oscillating => OscillatingHotSpot,
        Side::Historical => HistoricalHotSpot,
    }
}

fn cold_class(s: Side) -> EmergingClass {
    use EmergingClass::*;
    match s {
        Side::New => NewColdSpot,
        Side::Consecutive => ConsecutiveColdSpot,
        Side::Intensifying => IntensifyingColdSpot,
        Side::Persistent => PersistentColdSpot,
        Side::Diminishing => DiminishingColdSpot,
        Side::Sporadic => SporadicColdSpot,
        Side::Oscillating => OscillatingColdSpot,
        Side::Historical => HistoricalColdSpot,
    }
}

/// The pattern on one side (`want` = +1 hot, −1 cold); `trend` already oriented so that +1 = intensifying.
fn side(states: &[BinState], want: i8, trend: i8) -> Option<Side> {
    let n = states.len();
    let last = *states.last()?;
    let k = states.iter().filter(|&&s| s == want).count();
    let ninety = k as f64 >= 0.9 * n as f64;
    if last != want {
        return (k > 0 && ninety).then_some(Side::Historical);
    }
    if k == 1 {
        return Some(Side::New);
    }
    let run = states.iter().rev().take_while(|&&s| s == want).count();
    if run == k && run >= 2 && !ninety {
        return Some(Side::Consecutive);
    }
    if ninety {
        return Some(match trend {
            1 => Side::Intensifying,
            -1 => Side::Diminishing,
            _ => Side::Persistent,
        });
    }
    if states.contains(&-want) {
        Some(Side::Oscillating)
    } else {
        Some(Side::Sporadic)
    }
}

/// Parameters of an emerging hot spot analysis, checked.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EmergingParams {
    /// Neighbourhood distance in metres (cell centres within it, the cell itself included).
    pub band_m: f64,
    /// Previous time steps in the neighbourhood (ArcGIS default 1).
    pub time_window: usize,
    /// Significance level of a hot or cold bin (two-sided), in (0, 1).
    pub alpha: f64,
    /// Benjamini-Hochberg FDR correction of the bin p values.
    pub fdr: bool,
    /// Significance level of the Mann-Kendall trend, in (0, 1).
    pub trend_alpha: f64,
    /// Fewest time steps accepted (ArcGIS requires 10).
    pub min_steps: usize,
}

impl EmergingParams {
    /// Checked parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter out of range.
    pub fn new(
        band_m: f64,
        time_window: usize,
        alpha: f64,
        fdr: bool,
        trend_alpha: f64,
    ) -> Result<Self> {
        if !(band_m.is_finite() && band_m >= 0.0) {
            return Err(Error::invalid(
                "band_m",
                band_m,
                "the neighbourhood distance must be a non-negative number of metres",
            ));
        }
        for (name, v) in [("alpha", alpha), ("trend_alpha", trend_alpha)] {
            if !(v > 0.0 && v < 1.0) {
                return Err(Error::invalid(
                    name,
                    v,
                    "a significance level is in (0, 1), e.g. 0.05",
                ));
            }
        }
        Ok(Self {
            band_m,
            time_window,
            alpha,
            fdr,
            trend_alpha,
            min_steps: 10,
        })
    }
}

/// One classified location.
#[derive(Clone, Debug, Serialize)]
pub struct EmergingCell {
    /// Linear cell index in the cube's grid.
    pub cell: usize,
    /// Pattern.
    pub class: EmergingClass,
    /// Incidents over all steps.
    pub total: f64,
    /// Steps with a significant hot spot.
    pub hot_steps: usize,
    /// Steps with a significant cold spot.
    pub cold_steps: usize,
    /// Mann-Kendall test on the cell's Gi\* z-scores.
    pub trend: MannKendall,
    /// Gi\* z-score of the final step.
    pub last_z: f64,
}

/// The result: the cube and every classified location (cells with data, by cell index).
#[derive(Clone, Debug)]
pub struct EmergingResult {
    /// The cube.
    pub cube: SpaceTimeCube,
    /// Gi\* z per bin.
    pub z: Vec<f64>,
    /// Per-bin state (+1 hot, −1 cold, 0 none).
    pub states: Vec<BinState>,
    /// Classified locations.
    pub cells: Vec<EmergingCell>,
}

impl EmergingResult {
    /// The number of classified locations of each class: every pattern of
    /// [`EmergingClass::PATTERNS`] in that order, then [`EmergingClass::NoPattern`]; a class no
    /// location has counts 0.
    pub fn pattern_counts(&self) -> Vec<(EmergingClass, usize)> {
        let mut out: Vec<(EmergingClass, usize)> = EmergingClass::PATTERNS
            .iter()
            .chain([&EmergingClass::NoPattern])
            .map(|&c| (c, 0))
            .collect();
        for cell in &self.cells {
            if let Some(e) = out.iter_mut().find(|(c, _)| *c == cell.class) {
                e.1 += 1;
            }
        }
        out
    }
}

/// Runs the analysis on a built cube.
///
/// # Errors
/// [`Error::InsufficientData`] with fewer than `params.min_steps` steps.
pub fn emerging_hot_spots(cube: SpaceTimeCube, params: &EmergingParams) -> Result<EmergingResult> {
    let t_n = cube.n_steps();
    if t_n < params.min_steps.max(1) {
        return Err(Error::InsufficientData(format!(
            "the cube has {t_n} time steps; emerging hot spot analysis needs at least {} (ArcGIS's minimum); use a shorter step or a longer period",
            params.min_steps
        )));
    }
    let z = cube_gistar(&cube, params.band_m, params.time_window)?;
    let p: Vec<f64> = z.iter().map(|&v| two_sided_p(v)).collect();
    let sig = significant(&p, params.alpha, params.fdr);
    let states: Vec<BinState> = z
        .iter()
        .zip(&sig)
        .map(|(&v, &s)| match (s, v > 0.0, v < 0.0) {
            (true, true, _) => 1,
            (true, _, true) => -1,
            _ => 0,
        })
        .collect();
    let c = cube.spec.len();
    let mut cells = Vec::new();
    for i in 0..c {
        let total: f64 = (0..t_n).map(|t| cube.counts[t * c + i]).sum();
        if total <= 0.0 {
            continue;
        }
        let zs: Vec<f64> = (0..t_n).map(|t| z[t * c + i]).collect();
        let st: Vec<BinState> = (0..t_n).map(|t| states[t * c + i]).collect();
        let mk = mann_kendall(&zs)?;
        cells.push(EmergingCell {
            cell: i,
            class: classify(&st, mk.trend(params.trend_alpha)),
            total,
            hot_steps: st.iter().filter(|&&s| s == 1).count(),
            cold_steps: st.iter().filter(|&&s| s == -1).count(),
            trend: mk,
            last_z: zs[t_n - 1],
        });
    }
    Ok(EmergingResult {
        cube,
        z,
        states,
        cells,
    })
}

/// Which p values are significant at `alpha`: `p < alpha`, or with `fdr` the
/// Benjamini-Hochberg (1995) adjusted value `q <= alpha` ([`crate::stats::fdr`]).
fn significant(p: &[f64], alpha: f64, fdr: bool) -> Vec<bool> {
    if fdr {
        benjamini_hochberg(p).iter().map(|&q| q <= alpha).collect()
    } else {
        p.iter().map(|&v| v < alpha).collect()
    }
}

#[cfg(test)]
mod tests;
