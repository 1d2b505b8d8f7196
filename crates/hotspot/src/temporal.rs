//! Uncertain times: aoristic weights over the hours of the week for incidents recorded as "between from
//! and to", and the weekday × hour table built on them.
//!
//! # Method
//! Aoristic analysis (Ratcliffe, J. H. & McCullagh, M. J. (1998). Aoristic crime analysis. *International
//! Journal of Geographical Information Science* 12(7), 751-764; Ratcliffe, J. H. (2002). Aoristic
//! signatures and the spatio-temporal analysis of high volume crime patterns. *Journal of Quantitative
//! Criminology* 18(1), 7-23): an incident known only to have happened somewhere in `[from, to)` spreads
//! a total weight of 1 over the hours of the week, each hour getting the share of the interval's time
//! that falls in it. Here the share is counted in seconds (for times written to the minute, the same as
//! counting minutes). An exact time puts weight 1 in its hour.
//!
//! # Local time
//! An exact time counts in the hour *as written* (its own UTC offset), like every other hour analysis.
//! An interval is walked in real (UTC) time and each second is placed in the local hour of
//! [`AoristicOptions::timezone`] (the zone the times were read in, `--timezone`, default
//! Europe/Stockholm). Across a daylight-saving change the real length counts: the spring-forward hour
//! (02:00-03:00 in Stockholm) receives nothing, the autumn hour that occurs twice receives both. The walk
//! cuts at every local whole hour, which is exact for zones whose offset changes at whole hours by whole
//! hours (all of Europe and the Americas).
//!
//! # Time unknown
//! An incident counts as time unknown (weight nowhere) when it has no time, only a date or month
//! (exact), or an interval longer than [`AoristicOptions::max_span_days`] (`--max-time-span`, default
//! 14 days: such an interval says almost nothing about the hour). The totals say how many of each.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use chrono::{Datelike, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

/// Weekday names in table order (Monday first).
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// How aoristic weights are computed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AoristicOptions {
    /// Zone whose local hours an interval is walked in (see the module doc).
    pub timezone: Tz,
    /// Intervals longer than this many days count as time unknown.
    pub max_span_days: f64,
}

impl Default for AoristicOptions {
    fn default() -> Self {
        Self {
            timezone: chrono_tz::Europe::Stockholm,
            max_span_days: crate::ingest::DEFAULT_MAX_TIME_SPAN_DAYS,
        }
    }
}

impl AoristicOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `max_span_days` is positive and finite.
    pub fn validate(&self) -> Result<()> {
        if !(self.max_span_days > 0.0 && self.max_span_days.is_finite()) {
            return Err(Error::invalid(
                "max_time_span",
                self.max_span_days,
                "must be a positive number of days (e.g. 14)",
            ));
        }
        Ok(())
    }

    fn max_span_s(&self) -> f64 {
        self.max_span_days * 86_400.0
    }
}

/// How one incident's time was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUse {
    /// An exact time with an hour: weight 1 in that hour.
    Exact,
    /// An interval: weight spread over its hours.
    Interval,
    /// No time at all.
    NoTime,
    /// Only a date or a month, no hour.
    NoHour,
    /// An interval longer than the maximum span.
    TooLong,
}

impl TimeUse {
    /// Whether the incident's weight went into hours.
    pub fn has_hours(self) -> bool {
        matches!(self, TimeUse::Exact | TimeUse::Interval)
    }
}

/// Calls `f(local start of piece, weight)` for each piece of incident `i`'s weight over local hours:
/// once with weight 1 for an exact time, once per local hour the interval touches for an interval
/// (weights summing to 1), never for a time unknown. The local date-time passed is the start of the
/// piece (for an exact time, the time as written). Returns how the time was used.
///
/// Panics if `i >= incidents.len()`, like slice indexing.
pub fn for_each_piece(
    incidents: &Incidents,
    i: usize,
    opts: &AoristicOptions,
    mut f: impl FnMut(NaiveDateTime, f64),
) -> TimeUse {
    let Some(t) = incidents.times()[i] else {
        return TimeUse::NoTime;
    };
    let len = incidents.interval_lengths()[i];
    if len == 0 {
        if !t.resolution().has_hour() {
            return TimeUse::NoHour;
        }
        f(t.instant().naive_local(), 1.0);
        return TimeUse::Exact;
    }
    if f64::from(len) > opts.max_span_s() {
        return TimeUse::TooLong;
    }
    let start = t.timestamp();
    walk(
        start,
        start + i64::from(len),
        opts.timezone,
        |local, secs| {
            f(local, secs as f64 / f64::from(len));
        },
    );
    TimeUse::Interval
}

/// Walks `[start, end)` (seconds since 1970) in pieces that end at local whole hours of `tz`, calling
/// `f(local start of piece, seconds in piece)`.
fn walk(start: i64, end: i64, tz: Tz, mut f: impl FnMut(NaiveDateTime, i64)) {
    let mut t = start;
    while t < end {
        let Some(local) = tz.timestamp_opt(t, 0).single() else {
            break;
        };
        let into = i64::from(local.minute() * 60 + local.second());
        let next = (t + 3600 - into).min(end);
        f(local.naive_local(), next - t);
        t = next;
    }
}

/// Counts of incidents by how their time was used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TimeTotals {
    /// Incidents looked at.
    pub incidents: u64,
    /// With an exact time and hour.
    pub exact: u64,
    /// With a from/to interval within the maximum span (weights spread).
    pub interval: u64,
    /// Time unknown for hour analyses: `no_time + no_hour + too_long`.
    pub unknown: u64,
    /// Of `unknown`: no time.
    pub no_time: u64,
    /// Of `unknown`: a date or month only.
    pub no_hour: u64,
    /// Of `unknown`: an interval longer than the maximum span.
    pub too_long: u64,
}

impl TimeTotals {
    /// Adds one incident.
    pub fn add(&mut self, u: TimeUse) {
        self.incidents += 1;
        match u {
            TimeUse::Exact => self.exact += 1,
            TimeUse::Interval => self.interval += 1,
            TimeUse::NoTime => self.no_time += 1,
            TimeUse::NoHour => self.no_hour += 1,
            TimeUse::TooLong => self.too_long += 1,
        }
        self.unknown = self.no_time + self.no_hour + self.too_long;
    }

    fn merge(&mut self, o: &TimeTotals) {
        self.incidents += o.incidents;
        self.exact += o.exact;
        self.interval += o.interval;
        self.no_time += o.no_time;
        self.no_hour += o.no_hour;
        self.too_long += o.too_long;
        self.unknown = self.no_time + self.no_hour + self.too_long;
    }

    /// One-line description, e.g. `120 incidents: 80 exact, 30 with an interval, 10 time unknown`.
    pub fn summary(&self) -> String {
        format!(
            "{} incidents: {} exact, {} with a from/to interval (aoristic weights), {} time unknown ({} no time, {} date or month only, {} interval longer than the maximum span)",
            self.incidents,
            self.exact,
            self.interval,
            self.unknown,
            self.no_time,
            self.no_hour,
            self.too_long
        )
    }
}

/// The aoristic weekday × hour table: `weights[weekday][hour]`, Monday = 0, local hours 0-23.
///
/// The sum of all cells is `totals.exact + totals.interval` (up to rounding).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekHourTable {
    /// Weekday names of the rows, Monday first.
    pub weekdays: Vec<&'static str>,
    /// Aoristic weight per weekday (row) and hour (column).
    pub weights: Vec<[f64; 24]>,
    /// How the incidents' times were used.
    pub totals: TimeTotals,
}

/// Incidents per block of the parallel sum: fixed, so the sums do not depend on the thread count.
const CHUNK: usize = 4096;

impl WeekHourTable {
    /// The table of the incidents `members` (indices into `incidents`; `None` = all).
    ///
    /// Deterministic: blocks of a fixed size are summed in parallel and the block sums added in order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad options or an index out of range.
    pub fn compute(
        incidents: &Incidents,
        members: Option<&[usize]>,
        opts: &AoristicOptions,
    ) -> Result<Self> {
        opts.validate()?;
        let all: Vec<usize>;
        let members = match members {
            Some(m) => {
                if let Some(&bad) = m.iter().find(|&&i| i >= incidents.len()) {
                    return Err(Error::invalid(
                        "members",
                        bad,
                        format!("index out of range ({} incidents)", incidents.len()),
                    ));
                }
                m
            }
            None => {
                all = (0..incidents.len()).collect();
                &all
            }
        };
        let parts: Vec<([[f64; 24]; 7], TimeTotals)> = members
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut w = [[0.0; 24]; 7];
                let mut tot = TimeTotals::default();
                for &i in chunk {
                    let u = for_each_piece(incidents, i, opts, |local, x| {
                        w[local.weekday().num_days_from_monday() as usize]
                            [local.hour() as usize] += x;
                    });
                    tot.add(u);
                }
                (w, tot)
            })
            .collect();
        let mut weights = [[0.0; 24]; 7];
        let mut totals = TimeTotals::default();
        for (w, t) in &parts {
            for (row, part) in weights.iter_mut().zip(w) {
                for (a, b) in row.iter_mut().zip(part) {
                    *a += b;
                }
            }
            totals.merge(t);
        }
        Ok(Self {
            weekdays: WEEKDAYS.to_vec(),
            weights: weights.to_vec(),
            totals,
        })
    }

    /// One table per problem area that has incidents, in [`crate::categories::ProblemArea::ALL`] order, each of the
    /// incidents `classification` puts in that area (`hotspot temporal --by problem-area`).
    ///
    /// # Errors
    /// As [`WeekHourTable::compute`].
    pub fn by_problem_area(
        incidents: &Incidents,
        classification: &crate::categories::Classification,
        opts: &AoristicOptions,
    ) -> Result<Vec<(crate::categories::ProblemArea, Self)>> {
        let mut out = Vec::new();
        for area in crate::categories::ProblemArea::ALL {
            let members: Vec<usize> = (0..incidents.len())
                .filter(|&i| classification.area(i) == area)
                .collect();
            if members.is_empty() {
                continue;
            }
            out.push((area, Self::compute(incidents, Some(&members), opts)?));
        }
        Ok(out)
    }

    /// Total weight per local hour of day (all weekdays).
    pub fn by_hour(&self) -> [f64; 24] {
        let mut out = [0.0; 24];
        for row in &self.weights {
            for (o, v) in out.iter_mut().zip(row) {
                *o += v;
            }
        }
        out
    }

    /// The table as CSV: header `weekday,h00,...,h23`, rows Monday to Sunday, weights with 6 decimals.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("weekday");
        for h in 0..24 {
            s.push_str(&format!(",h{h:02}"));
        }
        s.push('\n');
        for (name, row) in self.weekdays.iter().zip(&self.weights) {
            s.push_str(name);
            for v in row {
                s.push_str(&format!(",{v:.6}"));
            }
            s.push('\n');
        }
        s
    }
}

/// The share of incident `i`'s time that lies in `[start, end)` (seconds since 1970): for an exact time
/// 1 or 0, for an interval the overlap divided by its length; `None` without a time.
///
/// This is how an interval incident belongs to a period (see [`crate::period::Period::share`]).
pub fn share_in(incidents: &Incidents, i: usize, start: i64, end: i64) -> Option<f64> {
    let (a, b) = incidents.interval(i)?;
    if a == b {
        return Some(if a >= start && a < end { 1.0 } else { 0.0 });
    }
    let overlap = (b.min(end) - a.max(start)).max(0);
    Some(overlap as f64 / (b - a) as f64)
}

/// Incident `i` spread over local calendar days: `(date, share)` pairs in date order, the shares
/// summing to 1. An exact time gives its date as written with share 1; an interval `[from, to)` gives
/// each local day of `tz` it touches (cut at local midnights, as [`crate::period::Period::bounds`])
/// the seconds of the interval in that day divided by its length, so summing the shares of the days
/// of a period gives [`crate::period::Period::share`]. Intervals longer than the maximum span are
/// spread too (the span limit is for hour analyses only). No time gives no pairs.
///
/// A Friday 16:00 to Monday 07:00 window gives Friday 8/63, Saturday 24/63, Sunday 24/63 and Monday
/// 7/63. Panics if `i >= incidents.len()`, like slice indexing.
pub fn day_shares(incidents: &Incidents, i: usize, tz: Tz) -> Vec<(chrono::NaiveDate, f64)> {
    let Some(t) = incidents.times()[i] else {
        return Vec::new();
    };
    let Some((a, b)) = incidents.interval(i) else {
        return Vec::new();
    };
    if a == b {
        return vec![(t.instant().date_naive(), 1.0)];
    }
    let len = (b - a) as f64;
    let mut out = Vec::new();
    let mut at = a;
    while at < b {
        let Some(local) = tz.timestamp_opt(at, 0).single() else {
            break;
        };
        let day = local.date_naive();
        let (_, midnight) = crate::period::Period {
            start: day,
            end: day,
        }
        .bounds(tz);
        // A midnight not after `at` cannot happen for real zones; end the walk rather than loop.
        let next = if midnight > at { midnight.min(b) } else { b };
        out.push((day, (next - at) as f64 / len));
        at = next;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
