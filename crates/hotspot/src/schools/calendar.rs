//! School calendar and time classes: school hours (Monday-Friday 08-16 outside holidays) against evenings,
//! nights, weekends and holidays, with the hours each class covers so that shares can be compared with time.
//!
//! The Swedish default ([`SchoolCalendar::swedish_default`]) is **approximate**: school holidays are set by
//! each municipality; the dates below follow the usual pattern for Södermanland (sportlov week 8, påsklov
//! around Easter, sommarlov mid-June to mid-August, höstlov week 44, jullov from just before Christmas to
//! just after Epiphany) plus the public holidays and "klämdagar" on weekdays. Give the municipality's real
//! dates in the configuration when they matter.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::temporal::{AoristicOptions, TimeTotals, TimeUse, for_each_piece};
use crate::time::IncidentTime;
use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use serde::{Deserialize, Serialize};

/// The time class of an incident (disjoint; every incident gets exactly one).
///
/// Precedence: no hour → `TimeUnknown`; Saturday/Sunday → `Weekend`; a weekday inside a holiday range →
/// `Holiday`; otherwise by hour on a school day: `SchoolHours` (`start..end`, default 08:00-15:59),
/// `Evening` (end..22:00), `Night` (22:00 to the start of the next school day, including early morning).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeClass {
    /// Monday-Friday during school hours on a school day.
    SchoolHours,
    /// School day from the end of school to 22:00.
    Evening,
    /// School day 22:00-24:00 and 00:00 to the start of school.
    Night,
    /// Saturday or Sunday (any hour).
    Weekend,
    /// A weekday inside a school holiday (any hour).
    Holiday,
    /// The record has no hour (date or month resolution, or no time): never guessed.
    TimeUnknown,
}

impl TimeClass {
    /// All classes in output order.
    pub const ALL: [TimeClass; 6] = [
        TimeClass::SchoolHours,
        TimeClass::Evening,
        TimeClass::Night,
        TimeClass::Weekend,
        TimeClass::Holiday,
        TimeClass::TimeUnknown,
    ];

    /// Column name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeClass::SchoolHours => "school_hours",
            TimeClass::Evening => "evening",
            TimeClass::Night => "night",
            TimeClass::Weekend => "weekend",
            TimeClass::Holiday => "holiday",
            TimeClass::TimeUnknown => "time_unknown",
        }
    }

    /// Position in [`TimeClass::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// School hours and holiday date ranges (inclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct SchoolCalendar {
    start_hour: u32,
    end_hour: u32,
    holidays: Vec<(NaiveDate, NaiveDate)>,
}

/// The `[calendar]` table of a configuration file.
///
/// ```toml
/// [calendar]
/// school_start_hour = 8
/// school_end_hour = 16
/// holidays = [["2025-02-17", "2025-02-21"], ["2025-06-13", "2025-08-18"]]
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// First school hour (default 8).
    pub school_start_hour: Option<u32>,
    /// Hour school ends (exclusive, default 16).
    pub school_end_hour: Option<u32>,
    /// Holiday ranges as `["YYYY-MM-DD", "YYYY-MM-DD"]`, inclusive; replaces the default calendar.
    pub holidays: Option<Vec<[String; 2]>>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

impl SchoolCalendar {
    /// A calendar with school hours `start_hour..end_hour` (Mon-Fri) and inclusive holiday ranges.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `start_hour < end_hour <= 22` (the evening class needs room),
    /// or when a range ends before it starts.
    pub fn new(
        start_hour: u32,
        end_hour: u32,
        holidays: Vec<(NaiveDate, NaiveDate)>,
    ) -> Result<Self> {
        if !(start_hour < end_hour && end_hour <= 22) {
            return Err(Error::invalid(
                "school_hours",
                format!("{start_hour}-{end_hour}"),
                "need start < end <= 22 (hours of the day)",
            ));
        }
        for (a, b) in &holidays {
            if b < a {
                return Err(Error::invalid(
                    "holidays",
                    format!("{a}..{b}"),
                    "a holiday range must not end before it starts",
                ));
            }
        }
        let mut holidays = holidays;
        holidays.sort();
        Ok(Self {
            start_hour,
            end_hour,
            holidays,
        })
    }

    /// Approximate Swedish school calendar for 2025 and 2026 (Södermanland pattern), school hours 08-16.
    ///
    /// Holidays: jullov to 2025-01-07; sportlov 2025-02-17..21 (week 8); påsklov 2025-04-14..21;
    /// 1 May 2025; Ascension 2025-05-29..30; 6 June 2025; sommarlov 2025-06-13..08-18; höstlov 2025-10-27..31
    /// (week 44); jullov 2025-12-22..2026-01-07; sportlov 2026-02-16..20 (week 8); påsklov 2026-03-30..04-06;
    /// 1 May 2026; Ascension 2026-05-14..15; sommarlov 2026-06-12..08-17; höstlov 2026-10-26..30 (week 44);
    /// jullov 2026-12-21..2027-01-08. Dates outside 2025-2026 count as term time: give a calendar for them.
    pub fn swedish_default() -> Self {
        let holidays = vec![
            (d(2024, 12, 20), d(2025, 1, 7)),
            (d(2025, 2, 17), d(2025, 2, 21)),
            (d(2025, 4, 14), d(2025, 4, 21)),
            (d(2025, 5, 1), d(2025, 5, 2)),
            (d(2025, 5, 29), d(2025, 5, 30)),
            (d(2025, 6, 6), d(2025, 6, 6)),
            (d(2025, 6, 13), d(2025, 8, 18)),
            (d(2025, 10, 27), d(2025, 10, 31)),
            (d(2025, 12, 22), d(2026, 1, 7)),
            (d(2026, 2, 16), d(2026, 2, 20)),
            (d(2026, 3, 30), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 1)),
            (d(2026, 5, 14), d(2026, 5, 15)),
            (d(2026, 6, 12), d(2026, 8, 17)),
            (d(2026, 10, 26), d(2026, 10, 30)),
            (d(2026, 12, 21), d(2027, 1, 8)),
        ];
        Self {
            start_hour: 8,
            end_hour: 16,
            holidays,
        }
    }

    /// The calendar described by a `[calendar]` table; missing fields fall back to the Swedish default.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the field for a bad date or hour.
    pub fn from_config(cfg: &CalendarConfig) -> Result<Self> {
        let def = Self::swedish_default();
        let holidays = match &cfg.holidays {
            None => def.holidays,
            Some(ranges) => {
                let mut out = Vec::with_capacity(ranges.len());
                for [a, b] in ranges {
                    let parse = |s: &str| {
                        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
                            Error::invalid(
                                "calendar.holidays",
                                s,
                                format!("not a YYYY-MM-DD date: {e}"),
                            )
                        })
                    };
                    out.push((parse(a)?, parse(b)?));
                }
                out
            }
        };
        Self::new(
            cfg.school_start_hour.unwrap_or(def.start_hour),
            cfg.school_end_hour.unwrap_or(def.end_hour),
            holidays,
        )
    }

    /// School hours `(start, end)`, end exclusive.
    pub fn school_hours(&self) -> (u32, u32) {
        (self.start_hour, self.end_hour)
    }

    /// The holiday ranges, sorted.
    pub fn holidays(&self) -> &[(NaiveDate, NaiveDate)] {
        &self.holidays
    }

    /// Whether `date` lies inside a holiday range.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|(a, b)| *a <= date && date <= *b)
    }

    fn class_of_date_hour(&self, date: NaiveDate, hour: u32) -> TimeClass {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            TimeClass::Weekend
        } else if self.is_holiday(date) {
            TimeClass::Holiday
        } else if hour >= self.start_hour && hour < self.end_hour {
            TimeClass::SchoolHours
        } else if hour >= self.end_hour && hour < 22 {
            TimeClass::Evening
        } else {
            TimeClass::Night
        }
    }

    /// The class of an incident time; `None` or a time without an hour gives [`TimeClass::TimeUnknown`].
    pub fn classify(&self, t: Option<&IncidentTime>) -> TimeClass {
        match t.and_then(|t| Some((t.date()?, t.hour()?))) {
            Some((date, hour)) => self.class_of_date_hour(date, hour),
            None => TimeClass::TimeUnknown,
        }
    }

    /// The time-class shares of the incidents `members` with aoristic weights (Ratcliffe 2002; see
    /// [`crate::temporal`]): an exact time puts 1 in its class, an interval spreads 1 over the classes
    /// of the local hours it covers (a Friday 16:00 to Monday 07:00 window on a term week: 8/63
    /// evening/night of Friday, 48/63 weekend, 7/63 Monday night), a time unknown (no time, date
    /// only, interval over the maximum span) puts 1 in [`TimeClass::TimeUnknown`]. The weights sum to
    /// the number of members.
    ///
    /// Panics if an index is out of range, like slice indexing.
    pub fn class_weights(
        &self,
        incidents: &Incidents,
        members: &[usize],
        opts: &AoristicOptions,
    ) -> ClassWeights {
        let mut weights = [0.0; 6];
        let mut totals = TimeTotals::default();
        for &i in members {
            let (w, u) = self.incident_class_weights(incidents, i, opts);
            for (a, b) in weights.iter_mut().zip(&w) {
                *a += b;
            }
            totals.add(u);
        }
        ClassWeights { weights, totals }
    }

    /// The class weights of incident `i` alone (summing to 1; a time unknown puts 1 in
    /// [`TimeClass::TimeUnknown`]) and how its time was used; see [`SchoolCalendar::class_weights`].
    ///
    /// Panics if `i` is out of range, like slice indexing.
    pub fn incident_class_weights(
        &self,
        incidents: &Incidents,
        i: usize,
        opts: &AoristicOptions,
    ) -> ([f64; 6], TimeUse) {
        let mut weights = [0.0; 6];
        let u = for_each_piece(incidents, i, opts, |local, w| {
            weights[self.class_of_date_hour(local.date(), local.hour()).index()] += w;
        });
        if !u.has_hours() {
            weights[TimeClass::TimeUnknown.index()] += 1.0;
        }
        (weights, u)
    }

    /// Hours each class covers between `first` and `last` (inclusive dates), indexed like [`TimeClass::ALL`]
    /// (`TimeUnknown` gets 0). Used to compare the share of incidents in a class with its share of time.
    pub fn class_hours(&self, first: NaiveDate, last: NaiveDate) -> [f64; 6] {
        let mut out = [0.0; 6];
        let mut day = first;
        while day <= last {
            for h in 0..24 {
                out[self.class_of_date_hour(day, h).index()] += 1.0;
            }
            match day.succ_opt() {
                Some(n) => day = n,
                None => break,
            }
        }
        out
    }
}

/// Aoristic time-class weights of a set of incidents ([`SchoolCalendar::class_weights`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClassWeights {
    /// Weight per class, indexed like [`TimeClass::ALL`]; sums to `totals.incidents`.
    pub weights: [f64; 6],
    /// How the incidents' times were used (how many had an interval, how many were unknown).
    pub totals: TimeTotals,
}

impl ClassWeights {
    /// Share of the incidents with a known hour in each class (`TimeUnknown` excluded, `NaN` when none
    /// has an hour), indexed like [`TimeClass::ALL`] with 0 for `TimeUnknown`.
    pub fn known_shares(&self) -> [f64; 6] {
        let known: f64 = self.weights[..5].iter().sum();
        let mut out = [0.0; 6];
        for (o, w) in out.iter_mut().zip(&self.weights).take(5) {
            *o = w / known;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TimeResolution;
    use chrono::{FixedOffset, TimeZone};

    fn t(y: i32, m: u32, day: u32, h: u32, res: TimeResolution) -> IncidentTime {
        let off = FixedOffset::east_opt(3600).unwrap();
        IncidentTime::new(off.with_ymd_and_hms(y, m, day, h, 30, 0).unwrap(), res)
    }

    #[test]
    fn classes_follow_the_precedence() {
        let c = SchoolCalendar::swedish_default();
        // Tuesday 2025-03-11 term time.
        assert_eq!(
            c.classify(Some(&t(2025, 3, 11, 10, TimeResolution::Minute))),
            TimeClass::SchoolHours
        );
        assert_eq!(
            c.classify(Some(&t(2025, 3, 11, 8, TimeResolution::Minute))),
            TimeClass::SchoolHours
        );
        assert_eq!(
            c.classify(Some(&t(2025, 3, 11, 16, TimeResolution::Minute))),
            TimeClass::Evening
        );
        assert_eq!(
            c.classify(Some(&t(2025, 3, 11, 22, TimeResolution::Minute))),
            TimeClass::Night
        );
        assert_eq!(
            c.classify(Some(&t(2025, 3, 11, 7, TimeResolution::Minute))),
            TimeClass::Night
        );
        // Saturday.
        assert_eq!(
            c.classify(Some(&t(2025, 3, 15, 10, TimeResolution::Minute))),
            TimeClass::Weekend
        );
        // Wednesday in sportlov (week 8).
        assert_eq!(
            c.classify(Some(&t(2025, 2, 19, 10, TimeResolution::Minute))),
            TimeClass::Holiday
        );
        // Saturday in summer: weekend wins.
        assert_eq!(
            c.classify(Some(&t(2025, 7, 5, 10, TimeResolution::Minute))),
            TimeClass::Weekend
        );
        // Date only, month only, none: unknown, never guessed.
        assert_eq!(
            c.classify(Some(&t(2025, 3, 15, 0, TimeResolution::Day))),
            TimeClass::TimeUnknown
        );
        assert_eq!(
            c.classify(Some(&t(2025, 3, 1, 0, TimeResolution::Month))),
            TimeClass::TimeUnknown
        );
        assert_eq!(c.classify(None), TimeClass::TimeUnknown);
    }

    #[test]
    fn class_weights_spread_intervals_over_classes() {
        use crate::temporal::tests::scene;
        let c = SchoolCalendar::swedish_default();
        let opts = AoristicOptions::default();
        let k = |cl: TimeClass| cl.index();
        // A 3-day weekend window in term time: Friday 2025-03-14 16:00 to Monday 07:00 (63 hours):
        // Friday 16-22 evening (6 h), Friday 22-24 night (2 h), weekend 48 h, Monday 00-07 night (7 h).
        let inc = scene(&[("2025-03-14 16:00", "2025-03-17 07:00")]);
        let w = c.class_weights(&inc, &[0], &opts);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(w.weights[k(TimeClass::Evening)], 6.0 / 63.0));
        assert!(close(w.weights[k(TimeClass::Night)], 9.0 / 63.0));
        assert!(close(w.weights[k(TimeClass::Weekend)], 48.0 / 63.0));
        assert_eq!(w.weights[k(TimeClass::SchoolHours)], 0.0);
        assert_eq!(w.totals.interval, 1);
        // Across midnight on a school night (Tue 21:00 - Wed 01:00): 1 h evening, 3 h night.
        // Across the week boundary into a holiday (Sun 2025-02-16 20:00 - Mon 02:00 of sportlov):
        // 4 h weekend, 2 h holiday. Across the spring change (Sun 2025-03-30 01:30-03:30): weekend.
        // An exact school-hours time and a date-only record.
        let inc = scene(&[
            ("2025-03-11 21:00", "2025-03-12 01:00"),
            ("2025-02-16 20:00", "2025-02-17 02:00"),
            ("2025-03-30 01:30", "2025-03-30 03:30"),
            ("2025-03-11 10:00", ""),
            ("2025-03-11", ""),
        ]);
        let w = c.class_weights(&inc, &[0, 1, 2, 3, 4], &opts);
        assert!(close(w.weights[k(TimeClass::Evening)], 0.25));
        assert!(close(w.weights[k(TimeClass::Night)], 0.75));
        assert!(close(w.weights[k(TimeClass::Weekend)], 4.0 / 6.0 + 1.0));
        assert!(close(w.weights[k(TimeClass::Holiday)], 2.0 / 6.0));
        assert!(close(w.weights[k(TimeClass::SchoolHours)], 1.0));
        assert!(close(w.weights[k(TimeClass::TimeUnknown)], 1.0));
        assert!(close(w.weights.iter().sum::<f64>(), 5.0));
        assert_eq!(
            (w.totals.interval, w.totals.exact, w.totals.no_hour),
            (3, 1, 1)
        );
        let sh = w.known_shares();
        assert!(close(sh[k(TimeClass::SchoolHours)], 0.25));
        assert_eq!(sh[k(TimeClass::TimeUnknown)], 0.0);
        // Exact times give the same classes as `classify`.
        let inc = scene(&[("2025-03-11 10:00", ""), ("2025-03-15 23:00", "")]);
        let w = c.class_weights(&inc, &[0, 1], &opts);
        for i in 0..2 {
            assert_eq!(w.weights[c.classify(inc.times()[i].as_ref()).index()], 1.0);
        }
    }

    #[test]
    fn class_hours_of_one_term_week() {
        let c = SchoolCalendar::swedish_default();
        // Mon 2025-03-10 .. Sun 2025-03-16: 5 school days.
        let h = c.class_hours(d(2025, 3, 10), d(2025, 3, 16));
        assert_eq!(h[TimeClass::SchoolHours.index()], 40.0);
        assert_eq!(h[TimeClass::Evening.index()], 30.0);
        assert_eq!(h[TimeClass::Night.index()], 50.0);
        assert_eq!(h[TimeClass::Weekend.index()], 48.0);
        assert_eq!(h[TimeClass::Holiday.index()], 0.0);
        assert_eq!(h.iter().sum::<f64>(), 168.0);
    }

    #[test]
    fn config_overrides_and_validates() {
        let cfg: CalendarConfig = toml::from_str(
            "school_start_hour = 9\nholidays = [[\"2025-03-10\", \"2025-03-11\"]]\n",
        )
        .unwrap();
        let c = SchoolCalendar::from_config(&cfg).unwrap();
        assert_eq!(c.school_hours(), (9, 16));
        assert!(c.is_holiday(d(2025, 3, 11)) && !c.is_holiday(d(2025, 2, 19)));
        let bad: CalendarConfig =
            toml::from_str("holidays = [[\"2025-13-01\", \"2025-03-11\"]]").unwrap();
        assert!(SchoolCalendar::from_config(&bad).is_err());
        assert!(SchoolCalendar::new(16, 8, vec![]).is_err());
        assert!(SchoolCalendar::new(8, 16, vec![(d(2025, 2, 2), d(2025, 2, 1))]).is_err());
    }
}
