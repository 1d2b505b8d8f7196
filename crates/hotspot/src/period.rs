//! Calendar periods (`2025-01-01..2025-12-31`, inclusive) and which incidents fall in them.
//!
//! # Incidents with a from/to interval
//! An incident recorded as "between from and to" ([`Incidents::interval_lengths`]) belongs to a
//! period by the share of its interval inside it ([`Period::share`]): the seconds of `[from, to)` that
//! lie between local midnight of the first day and local midnight after the last day (in the zone the
//! times were read in), divided by the interval's length. A Friday 16:00 to Monday 07:00 window split
//! by a period ending on Sunday counts 56/63 in it and 7/63 in the next. This is the aoristic rule
//! (Ratcliffe 2002) applied to days instead of hours; the shares of consecutive periods add up to 1.
//! [`Period::select`] keeps the old rule (the day of `from`) for analyses that need whole incidents;
//! [`Period::select_weighted`] and [`Period::weighted_count`] give the shares. Exact times get 1 or 0,
//! by [`Period::contains`].

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::time::IncidentTime;
use chrono::{Datelike, Months, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// An inclusive range of calendar days, `start..=end`, in the local dates the incidents were recorded in.
///
/// An incident belongs to a period when the local date of its instant lies in the
/// range. Month-resolution records carry the first of their month as instant
/// (see [`IncidentTime`]), so a month record counts in a period when the first
/// day of its month does: periods aligned to whole months are then exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Period {
    /// First day, included.
    pub start: NaiveDate,
    /// Last day, included.
    pub end: NaiveDate,
}

impl Period {
    /// A period from its first and last day (both included).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self> {
        if end < start {
            return Err(Error::invalid(
                "period",
                format!("{start}..{end}"),
                "the last day must not be before the first day",
            ));
        }
        Ok(Self { start, end })
    }

    /// Parses `YYYY-MM-DD..YYYY-MM-DD` (both days included), or `YYYY-MM..YYYY-MM`
    /// (first day of the first month to last day of the last month), or a single `YYYY-MM` / `YYYY`.
    ///
    /// `name` is the parameter name used in errors (e.g. `--train`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `name` for anything else.
    ///
    /// # Example
    /// ```
    /// use hotspot::period::Period;
    /// let p = Period::parse("train", "2025-01..2025-06")?;
    /// assert_eq!(p.to_string(), "2025-01-01..2025-06-30");
    /// assert_eq!(p.days(), 181);
    /// # Ok::<(), hotspot::Error>(())
    /// ```
    pub fn parse(name: &'static str, s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::invalid(
                name,
                s,
                format!(
                    "{why}; write a period as 2025-01-01..2025-12-31, 2025-01..2025-06, 2025-03 or 2025"
                ),
            )
        };
        let s_trim = s.trim();
        let (a, b) = match s_trim.split_once("..") {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s_trim, s_trim),
        };
        let start = parse_bound(a, false).ok_or_else(|| bad("cannot read the first day"))?;
        let end = parse_bound(b, true).ok_or_else(|| bad("cannot read the last day"))?;
        if end < start {
            return Err(bad("the last day is before the first day"));
        }
        Ok(Self { start, end })
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether the local date of `t` lies in the period.
    pub fn contains(&self, t: &IncidentTime) -> bool {
        let d = t.instant().date_naive();
        self.start <= d && d <= self.end
    }

    /// Whether the two periods share a day.
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Indices of the incidents whose time lies in the period (incidents without a time are never in it).
    pub fn select(&self, incidents: &Incidents) -> Vec<usize> {
        incidents
            .times()
            .iter()
            .enumerate()
            .filter(|(_, t)| t.as_ref().is_some_and(|t| self.contains(t)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Seconds since 1970 of local midnight at the start of the first day and after the last day, in `tz`.
    pub fn bounds(&self, tz: Tz) -> (i64, i64) {
        let midnight = |d: NaiveDate| {
            let naive = d.and_time(NaiveTime::MIN);
            match tz.from_local_datetime(&naive).earliest() {
                Some(t) => t.timestamp(),
                // Midnight inside a DST gap: the first instant of the day is an hour later.
                None => tz
                    .from_local_datetime(&(naive + chrono::TimeDelta::hours(1)))
                    .earliest()
                    .map_or(naive.and_utc().timestamp(), |t| t.timestamp()),
            }
        };
        let after = self.end.succ_opt().unwrap_or(self.end);
        (midnight(self.start), midnight(after))
    }

    /// The share (0 to 1) of incident `i` that belongs to the period (see the module doc): 1 or 0 for
    /// an exact time ([`Period::contains`]), the share of its interval inside the period for an
    /// interval incident (its days in the local dates of `tz`), 0 without a time.
    ///
    /// Panics if `i >= incidents.len()`, like slice indexing.
    pub fn share(&self, incidents: &Incidents, i: usize, tz: Tz) -> f64 {
        let Some(t) = incidents.times()[i] else {
            return 0.0;
        };
        if incidents.interval_lengths()[i] == 0 {
            return if self.contains(&t) { 1.0 } else { 0.0 };
        }
        let (a, b) = self.bounds(tz);
        crate::temporal::share_in(incidents, i, a, b).unwrap_or(0.0)
    }

    /// [`Period::share`] of every incident, in index order (the period's bounds computed once).
    pub fn shares(&self, incidents: &Incidents, tz: Tz) -> Vec<f64> {
        let (a, b) = self.bounds(tz);
        let len = incidents.interval_lengths();
        incidents
            .times()
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                None => 0.0,
                Some(t) if len[i] == 0 => f64::from(u8::from(self.contains(t))),
                Some(_) => crate::temporal::share_in(incidents, i, a, b).unwrap_or(0.0),
            })
            .collect()
    }

    /// The incidents with a share in the period above 0, with their shares, in index order.
    pub fn select_weighted(&self, incidents: &Incidents, tz: Tz) -> Vec<(usize, f64)> {
        (0..incidents.len())
            .map(|i| (i, self.share(incidents, i, tz)))
            .filter(|(_, s)| *s > 0.0)
            .collect()
    }

    /// The sum of the shares: the (aoristic) number of incidents in the period.
    pub fn weighted_count(&self, incidents: &Incidents, tz: Tz) -> f64 {
        (0..incidents.len())
            .map(|i| self.share(incidents, i, tz))
            .sum()
    }

    /// The calendar months that start inside the period, each as a whole-month period
    /// (clipped to the period's end). Used for rolling-origin evaluation.
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut m = first_of_month(self.start);
        if m < self.start {
            m = m + Months::new(1);
        }
        while m <= self.end {
            let last = (m + Months::new(1)).pred_opt().unwrap_or(m);
            out.push(Period {
                start: m,
                end: last.min(self.end),
            });
            m = m + Months::new(1);
        }
        out
    }

    /// The period of `days` days that ends the day before `self.start`.
    pub fn preceding(&self, days: i64) -> Option<Period> {
        let end = self.start.pred_opt()?;
        let start = end.checked_sub_signed(chrono::TimeDelta::try_days(days.max(1) - 1)?)?;
        Some(Period { start, end })
    }

    /// The `months` whole calendar months that end the day before `self.start`
    /// (from the first of the month `months` months before `self.start`'s month).
    pub fn preceding_months(&self, months: u32) -> Option<Period> {
        let end = self.start.pred_opt()?;
        let start = first_of_month(self.start).checked_sub_months(Months::new(months))?;
        (start <= end).then_some(Period { start, end })
    }

    /// Whole calendar months spanned by the period, rounded to the nearest month (at least 1).
    pub fn approx_months(&self) -> u32 {
        ((self.days() as f64 / 30.436875).round() as u32).max(1)
    }

    /// The last `days` days of the period (the whole period when it is shorter).
    pub fn last_days(&self, days: i64) -> Period {
        let days = days.clamp(1, self.days());
        let start = self
            .end
            .checked_sub_signed(chrono::TimeDelta::days(days - 1))
            .unwrap_or(self.start)
            .max(self.start);
        Period {
            start,
            end: self.end,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn parse_bound(s: &str, is_end: bool) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let (y, m) = if let Some((y, m)) = s.split_once('-') {
        (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)
    } else if s.len() == 4 {
        let y = s.parse::<i32>().ok()?;
        return if is_end {
            NaiveDate::from_ymd_opt(y, 12, 31)
        } else {
            NaiveDate::from_ymd_opt(y, 1, 1)
        };
    } else {
        return None;
    };
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    if is_end {
        (first + Months::new(1)).pred_opt()
    } else {
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn parses_the_forms_and_rejects_inverted() {
        let p = Period::parse("train", "2025-01-01..2025-12-31").unwrap();
        assert_eq!((p.start, p.end), (d(2025, 1, 1), d(2025, 12, 31)));
        assert_eq!(p.days(), 365);
        let q = Period::parse("test", "2024-02").unwrap();
        assert_eq!((q.start, q.end), (d(2024, 2, 1), d(2024, 2, 29)));
        assert_eq!(Period::parse("x", "2025").unwrap().days(), 365);
        let e = Period::parse("--train", "2025-12-31..2025-01-01").unwrap_err();
        assert!(e.to_string().contains("--train"), "{e}");
        assert!(Period::parse("--test", "last year").is_err());
    }

    #[test]
    fn interval_incidents_belong_by_their_share() {
        use crate::temporal::tests::scene;
        use chrono_tz::Europe::Stockholm;
        let inc = scene(&[
            // Friday 16:00 to Monday 07:00 (63 h) across the end of a period ending on Sunday.
            ("2025-03-14 16:00", "2025-03-17 07:00"),
            // Exact times on either side.
            ("2025-03-16 23:59", ""),
            ("2025-03-17 00:00", ""),
            // Across the spring DST change: 2025-03-29 22:00 to 2025-03-30 04:00 local = 5 real hours,
            // 2 on the 29th and 3 on the 30th.
            ("2025-03-29 22:00", "2025-03-30 04:00"),
            // No time.
            ("", ""),
        ]);
        let p1 = Period::parse("p", "2025-03-10..2025-03-16").unwrap();
        let p2 = Period::parse("p", "2025-03-17..2025-03-23").unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(p1.share(&inc, 0, Stockholm), 56.0 / 63.0));
        assert!(close(p2.share(&inc, 0, Stockholm), 7.0 / 63.0));
        assert_eq!(
            (p1.share(&inc, 1, Stockholm), p2.share(&inc, 1, Stockholm)),
            (1.0, 0.0)
        );
        assert_eq!(
            (p1.share(&inc, 2, Stockholm), p2.share(&inc, 2, Stockholm)),
            (0.0, 1.0)
        );
        assert_eq!(p1.share(&inc, 4, Stockholm), 0.0);
        let sat = Period::new(d(2025, 3, 29), d(2025, 3, 29)).unwrap();
        let sun = Period::new(d(2025, 3, 30), d(2025, 3, 30)).unwrap();
        assert!(close(sat.share(&inc, 3, Stockholm), 2.0 / 5.0));
        assert!(close(sun.share(&inc, 3, Stockholm), 3.0 / 5.0));
        // Shares of consecutive periods add up to 1; the weighted count is the sum of shares.
        let w = p1.select_weighted(&inc, Stockholm);
        assert_eq!(w.iter().map(|x| x.0).collect::<Vec<_>>(), vec![0, 1]);
        assert!(close(p1.weighted_count(&inc, Stockholm), 1.0 + 56.0 / 63.0));
        let month = Period::parse("p", "2025-03").unwrap();
        assert!(close(month.weighted_count(&inc, Stockholm), 4.0));
        // The unweighted selection keeps the day of `from`.
        assert_eq!(p1.select(&inc), vec![0, 1]);
    }

    #[test]
    fn months_and_windows() {
        let p = Period::parse("p", "2026-01-15..2026-03-10").unwrap();
        let m = p.months();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], Period::new(d(2026, 2, 1), d(2026, 2, 28)).unwrap());
        assert_eq!(m[1], Period::new(d(2026, 3, 1), d(2026, 3, 10)).unwrap());
        let pre = m[0].preceding(31).unwrap();
        assert_eq!(pre, Period::new(d(2026, 1, 1), d(2026, 1, 31)).unwrap());
        assert_eq!(
            m[1].preceding_months(2).unwrap(),
            Period::new(d(2026, 1, 1), d(2026, 2, 28)).unwrap()
        );
        assert_eq!(
            Period::parse("p", "2025-01..2025-06")
                .unwrap()
                .approx_months(),
            6
        );
        let y = Period::parse("p", "2025").unwrap();
        assert_eq!(y.approx_months(), 12);
        assert_eq!(y.last_days(30).start, d(2025, 12, 2));
        assert_eq!(y.last_days(1000), y);
    }
}
