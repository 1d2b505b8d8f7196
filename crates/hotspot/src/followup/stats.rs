//! The interval of a count under the baseline, the signal, and the weighted displacement quotient.

use crate::error::{Error, Result};
use serde::Serialize;
use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};

/// Pearson's dispersion of counts `y` against expected `mu` (same length,
/// `mu > 0`): `sum (y - mu)^2 / mu / (k - 1)`, floored at 1; 1 with fewer than 2 values.
pub fn dispersion(y: &[f64], mu: &[f64]) -> f64 {
    let k = y.len().min(mu.len());
    if k < 2 {
        return 1.0;
    }
    let x2: f64 = y
        .iter()
        .zip(mu)
        .filter(|(_, m)| **m > 0.0)
        .map(|(y, m)| (y - m) * (y - m) / m)
        .sum();
    (x2 / (k - 1) as f64).max(1.0)
}

/// A two-sided interval for a count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Lower quantile (a count below it is signalled `lower`).
    pub lower: u64,
    /// Upper quantile (a count above it is signalled `higher`).
    pub upper: u64,
}

/// The `level` interval (e.g. 0.95) of a count with mean `expected` and
/// variance `phi * expected`: negative binomial quantiles for `phi > 1`,
/// Poisson for `phi = 1` (see the module docs of [`crate::followup`]).
///
/// # Errors
/// [`Error::InvalidParameter`] for a negative or non-finite expected count,
/// `phi < 1`, or a level outside (0, 1).
pub fn interval(expected: f64, phi: f64, level: f64) -> Result<Interval> {
    if !(expected.is_finite() && expected >= 0.0) {
        return Err(Error::invalid(
            "expected",
            expected,
            "must be a finite count >= 0",
        ));
    }
    if !(phi.is_finite() && phi >= 1.0) {
        return Err(Error::invalid("dispersion", phi, "must be finite and >= 1"));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::invalid(
            "level",
            level,
            "must lie strictly between 0 and 1, e.g. 0.95",
        ));
    }
    if expected == 0.0 {
        return Ok(Interval { lower: 0, upper: 0 });
    }
    let a = (1.0 - level) / 2.0;
    let (lo, hi) = if phi > 1.0 + 1e-9 {
        let d = NegativeBinomial::new(expected / (phi - 1.0), 1.0 / phi)
            .map_err(|e| Error::invalid("dispersion", phi, e.to_string()))?;
        (quantile(|x| d.cdf(x), a), quantile(|x| d.cdf(x), 1.0 - a))
    } else {
        let d = Poisson::new(expected)
            .map_err(|e| Error::invalid("expected", expected, e.to_string()))?;
        (quantile(|x| d.cdf(x), a), quantile(|x| d.cdf(x), 1.0 - a))
    };
    Ok(Interval {
        lower: lo,
        upper: hi,
    })
}

/// Smallest `x` with `cdf(x) >= q` (exponential then binary search).
fn quantile(cdf: impl Fn(u64) -> f64, q: f64) -> u64 {
    let mut hi = 1u64;
    while cdf(hi) < q && hi < (1 << 40) {
        hi *= 2;
    }
    let mut lo = 0u64;
    if cdf(0) >= q {
        return 0;
    }
    // cdf(lo) < q <= cdf(hi)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The signal of a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Fewer than the interval allows.
    Lower,
    /// More than the interval allows.
    Higher,
    /// Within normal variation.
    None,
}

impl Signal {
    /// `lower`, `higher` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Lower => "lower",
            Signal::Higher => "higher",
            Signal::None => "none",
        }
    }
}

/// `lower` below the interval, `higher` above it, else `none`.
pub fn signal(count: u64, iv: Interval) -> Signal {
    if count < iv.lower {
        Signal::Lower
    } else if count > iv.upper {
        Signal::Higher
    } else {
        Signal::None
    }
}

/// Counts in zone, buffer ring and control before and after.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Displacement {
    /// Zone before (R_b).
    pub zone_before: f64,
    /// Zone after (R_a).
    pub zone_after: f64,
    /// Buffer before (B_b).
    pub buffer_before: f64,
    /// Buffer after (B_a).
    pub buffer_after: f64,
    /// Control before (C_b).
    pub control_before: f64,
    /// Control after (C_a).
    pub control_after: f64,
}

/// How a WDQ reads (Bowers & Johnson 2003).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WdqReading {
    /// WDQ > 0: the buffer improved too (diffusion of benefit).
    DiffusionOfBenefit,
    /// WDQ < 0: the buffer got worse relative to the control (displacement).
    Displacement,
    /// WDQ = 0: no change in the buffer relative to the control.
    NoBufferChange,
    /// The zone did not improve relative to the control: WDQ is undefined.
    Undefined,
}

/// The weighted displacement quotient and the total net effect.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Wdq {
    /// `(B_a/C_a - B_b/C_b) / (R_a/C_a - R_b/C_b)`; `None` when undefined.
    pub wdq: Option<f64>,
    /// The reading.
    pub reading: WdqReading,
    /// Success measure `R_a/C_a - R_b/C_b` (negative when the zone improved).
    pub success_measure: Option<f64>,
    /// Total net effect `(R_b C_a/C_b - R_a) + (B_b C_a/C_b - B_a)`: incidents
    /// prevented in zone and buffer beyond the control's trend (Bowers & Johnson 2003).
    pub net_effect: Option<f64>,
}

/// Bowers & Johnson's (2003) WDQ of `d`. Undefined (with the reading
/// [`WdqReading::Undefined`]) when the zone did not improve (success measure
/// >= 0) or a control count is zero; the net effect needs both control counts.
pub fn wdq(d: &Displacement) -> Wdq {
    let Displacement {
        zone_before: rb,
        zone_after: ra,
        buffer_before: bb,
        buffer_after: ba,
        control_before: cb,
        control_after: ca,
    } = *d;
    if cb <= 0.0 || ca <= 0.0 {
        return Wdq {
            wdq: None,
            reading: WdqReading::Undefined,
            success_measure: None,
            net_effect: None,
        };
    }
    let sm = ra / ca - rb / cb;
    let k = ca / cb;
    let net = (rb * k - ra) + (bb * k - ba);
    if sm >= 0.0 {
        return Wdq {
            wdq: None,
            reading: WdqReading::Undefined,
            success_measure: Some(sm),
            net_effect: Some(net),
        };
    }
    let v = (ba / ca - bb / cb) / sm;
    let reading = if v > 0.0 {
        WdqReading::DiffusionOfBenefit
    } else if v < 0.0 {
        WdqReading::Displacement
    } else {
        WdqReading::NoBufferChange
    };
    Wdq {
        wdq: Some(v),
        reading,
        success_measure: Some(sm),
        net_effect: Some(net),
    }
}

/// One incident's weight on one local day: a bare date weighs 1 (an exact time), a `(date, share)`
/// pair its share (an interval incident's share of that day, [`crate::temporal::day_shares`]).
/// [`baseline`], [`follow`] and [`follow_seasonal`] sum these weights.
pub trait DayWeight {
    /// The local date.
    fn local_date(&self) -> chrono::NaiveDate;
    /// The weight on that date (1 for an exact time).
    fn weight(&self) -> f64;
}

impl DayWeight for chrono::NaiveDate {
    fn local_date(&self) -> chrono::NaiveDate {
        *self
    }
    fn weight(&self) -> f64 {
        1.0
    }
}

impl DayWeight for (chrono::NaiveDate, f64) {
    fn local_date(&self) -> chrono::NaiveDate {
        self.0
    }
    fn weight(&self) -> f64 {
        self.1
    }
}

/// The summed weight of `dates` in `period` (both ends included), added in slice order.
pub(crate) fn weight_in<D: DayWeight>(dates: &[D], period: &crate::period::Period) -> f64 {
    dates
        .iter()
        .filter(|d| period.start <= d.local_date() && d.local_date() <= period.end)
        .map(DayWeight::weight)
        // From +0.0: `sum` of no f64 is -0.0, which would print as `-0.00`.
        .fold(0.0, |a, w| a + w)
}

/// A weighted count as an integer: the nearest one (halves up). Exact-time counts are whole
/// numbers already and stay as they are.
pub fn rounded_count(w: f64) -> u64 {
    if w.is_finite() && w > 0.0 {
        w.round() as u64
    } else {
        0
    }
}

/// The baseline of one zone (or all zones) and problem area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Baseline {
    /// The baseline period.
    pub period: crate::period::Period,
    /// Incidents in the baseline: [`Baseline::weighted_count`] rounded to the nearest integer.
    pub count: u64,
    /// Incidents in the baseline, interval incidents by their share of it.
    pub weighted_count: f64,
    /// Incidents per day (the weighted count over the days).
    pub rate_per_day: f64,
    /// Pearson dispersion of the baseline's monthly (weighted) counts (>= 1).
    pub phi: f64,
    /// The baseline's monthly counts (weighted counts rounded to the nearest integer).
    pub monthly: Vec<u64>,
}

/// The baseline of the incidents on `dates` (local dates, or `(date, share)` pairs: see
/// [`DayWeight`]) over `period`: rate per day and the dispersion of its calendar months (partial
/// first or last months weighted by their days). Rate and dispersion use the weighted counts
/// unrounded.
pub fn baseline<D: DayWeight>(dates: &[D], period: crate::period::Period) -> Baseline {
    let months = period.months();
    let y: Vec<f64> = months.iter().map(|m| weight_in(dates, m)).collect();
    let weighted = weight_in(dates, &period);
    let rate = weighted / period.days() as f64;
    let mu: Vec<f64> = months.iter().map(|m| rate * m.days() as f64).collect();
    Baseline {
        period,
        count: rounded_count(weighted),
        weighted_count: weighted,
        rate_per_day: rate,
        phi: dispersion(&y, &mu),
        monthly: y.iter().map(|&w| rounded_count(w)).collect(),
    }
}

/// One period of a zone's follow-up (a row of `followup.csv` without zone and problem area).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodRow {
    /// Period label, e.g. `2026-T1`.
    pub period: String,
    /// True when the period is covered only partly (expected scaled to the covered days).
    pub partial: bool,
    /// Days covered.
    pub days: i64,
    /// Incidents in the covered days: [`PeriodRow::weighted_count`] rounded to the nearest integer
    /// (the signal compares this with the interval).
    pub count: u64,
    /// Incidents in the covered days, interval incidents by their share of them.
    pub weighted_count: f64,
    /// Baseline rate times the covered days.
    pub expected: f64,
    /// Lower end of the interval.
    pub lower: u64,
    /// Upper end of the interval.
    pub upper: u64,
    /// The signal.
    pub signal: Signal,
}

/// Counts the incidents on `dates` (see [`DayWeight`]) in each period and compares them with the
/// baseline (see the module docs of [`crate::followup`]).
///
/// # Errors
/// As [`interval`].
pub fn follow<D: DayWeight>(
    dates: &[D],
    base: &Baseline,
    periods: &[super::FollowupPeriod],
    level: f64,
) -> Result<Vec<PeriodRow>> {
    periods
        .iter()
        .map(|p| {
            let c = &p.covered;
            let weighted = weight_in(dates, c);
            let count = rounded_count(weighted);
            let expected = base.rate_per_day * c.days() as f64;
            let iv = interval(expected, base.phi, level)?;
            Ok(PeriodRow {
                period: p.label.clone(),
                partial: p.partial,
                days: c.days(),
                count,
                weighted_count: weighted,
                expected,
                lower: iv.lower,
                upper: iv.upper,
                signal: signal(count, iv),
            })
        })
        .collect()
}

/// Counts for [`wdq`]: incident positions before and after, a zone, a buffer
/// ring of `buffer_m` around it (points outside the zone within `buffer_m` of
/// it) and the control (the rest of the study area). Points outside the
/// study area are not counted anywhere, so a buffer reaching beyond the study
/// area is clipped by it. Other zones are ignored (zones are measured one at a time).
///
/// # Errors
/// [`Error::InvalidParameter`] for a negative or non-finite buffer.
pub fn count_displacement(
    before: &[[f64; 2]],
    after: &[[f64; 2]],
    zone: &geo::MultiPolygon<f64>,
    buffer_m: f64,
    study_area: &geo::MultiPolygon<f64>,
) -> Result<Displacement> {
    let one = |p: &[[f64; 2]]| p.iter().map(|&q| (q, 1.0)).collect::<Vec<_>>();
    count_displacement_weighted(&one(before), &one(after), zone, buffer_m, study_area)
}

/// As [`count_displacement`], each position with a weight (an interval incident's share of the
/// before or after period); the counts are the summed weights, added in slice order.
///
/// # Errors
/// As [`count_displacement`].
pub fn count_displacement_weighted(
    before: &[([f64; 2], f64)],
    after: &[([f64; 2], f64)],
    zone: &geo::MultiPolygon<f64>,
    buffer_m: f64,
    study_area: &geo::MultiPolygon<f64>,
) -> Result<Displacement> {
    use geo::{Contains, Distance, Euclidean};
    if !(buffer_m.is_finite() && buffer_m >= 0.0) {
        return Err(Error::invalid(
            "buffer",
            buffer_m,
            "must be a non-negative number of metres",
        ));
    }
    let classify = |pts: &[([f64; 2], f64)]| {
        let (mut z, mut b, mut c) = (0.0, 0.0, 0.0);
        for &([x, y], w) in pts {
            let p = geo::Point::new(x, y);
            if !study_area.contains(&p) {
                continue;
            }
            let d = if zone.contains(&p) {
                0.0
            } else {
                Euclidean.distance(&p, zone)
            };
            if d == 0.0 {
                z += w;
            } else if d <= buffer_m {
                b += w;
            } else {
                c += w;
            }
        }
        (z, b, c)
    };
    let (zb, bb, cb) = classify(before);
    let (za, ba, ca) = classify(after);
    Ok(Displacement {
        zone_before: zb,
        zone_after: za,
        buffer_before: bb,
        buffer_after: ba,
        control_before: cb,
        control_after: ca,
    })
}
