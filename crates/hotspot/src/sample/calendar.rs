//! The generator's calendar: every local hour of 2025-2026 in Europe/Stockholm, school days and holidays, and the daily and weekly rhythms of each problem area.

use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone, Weekday};
use chrono_tz::Europe::Stockholm;

/// A date as (year, month, day).
pub(crate) type Ymd = (i32, u32, u32);

/// First day of the generated period.
pub(crate) const FIRST_DAY: (i32, u32, u32) = (2025, 1, 1);
/// Number of days generated: 2025-01-01 ..= 2026-12-31.
pub(crate) const DAYS: usize = 730;

/// School holidays of the generator (inclusive date ranges), an approximation
/// of a Södermanland municipality's calendar for 2025-2026: Christmas, winter
/// (sportlov, week 9), Easter, Ascension bridge day, summer, autumn (week 44).
pub(crate) const SCHOOL_HOLIDAYS: &[(Ymd, Ymd)] = &[
    ((2025, 1, 1), (2025, 1, 7)),
    ((2025, 2, 24), (2025, 2, 28)),
    ((2025, 4, 14), (2025, 4, 21)),
    ((2025, 5, 29), (2025, 5, 30)),
    ((2025, 6, 13), (2025, 8, 18)),
    ((2025, 10, 27), (2025, 10, 31)),
    ((2025, 12, 20), (2026, 1, 7)),
    ((2026, 2, 23), (2026, 2, 27)),
    ((2026, 4, 3), (2026, 4, 10)),
    ((2026, 5, 14), (2026, 5, 15)),
    ((2026, 6, 12), (2026, 8, 17)),
    ((2026, 10, 26), (2026, 10, 30)),
    ((2026, 12, 19), (2026, 12, 31)),
];

/// Swedish public holidays (and eves treated as holidays) in 2025-2026 on weekdays.
const PUBLIC_HOLIDAYS: &[(i32, u32, u32)] = &[
    (2025, 1, 1),
    (2025, 1, 6),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 1),
    (2025, 5, 29),
    (2025, 6, 6),
    (2025, 6, 20),
    (2025, 12, 24),
    (2025, 12, 25),
    (2025, 12, 26),
    (2025, 12, 31),
    (2026, 1, 1),
    (2026, 1, 6),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 1),
    (2026, 5, 14),
    (2026, 6, 19),
    (2026, 12, 24),
    (2026, 12, 25),
    (2026, 12, 31),
];

fn date(t: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(t.0, t.1, t.2).unwrap_or(NaiveDate::MIN)
}

/// Facts about one calendar day used by the rhythm functions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DayInfo {
    pub(crate) date: NaiveDate,
    pub(crate) weekday: Weekday,
    /// Saturday, Sunday or a public holiday.
    pub(crate) day_off: bool,
    /// Inside a school holiday (weekends included).
    pub(crate) school_holiday: bool,
    /// The previous evening was a Friday, Saturday or the eve of a day off.
    pub(crate) after_party_night: bool,
}

impl DayInfo {
    /// A weekday with school: Monday-Friday, not a holiday of either kind.
    pub(crate) fn school_day(&self) -> bool {
        !self.day_off && !self.school_holiday
    }
}

/// One local hour of the period.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    /// Index into [`Calendar::days`].
    pub(crate) day: u16,
    /// Local hour 0-23.
    pub(crate) hour: u8,
    /// Whether this local hour exists (it does not in the spring DST gap).
    pub(crate) exists: bool,
    /// UTC offset in seconds (the earlier one in the autumn repeated hour).
    pub(crate) offset_s: i32,
    /// Unix time of the start of the hour.
    pub(crate) start_ts: i64,
    /// `YYYY-MM-DDTHH:` as ASCII.
    pub(crate) prefix: [u8; 14],
    /// `+01:00` or `+02:00` as ASCII.
    pub(crate) offset_txt: [u8; 6],
}

/// Every local hour of 2025-2026 with its day facts.
#[derive(Clone, Debug)]
pub(crate) struct Calendar {
    pub(crate) days: Vec<DayInfo>,
    pub(crate) slots: Vec<Slot>,
}

impl Calendar {
    pub(crate) fn new() -> Calendar {
        let first = date(FIRST_DAY);
        let holidays: Vec<(NaiveDate, NaiveDate)> = SCHOOL_HOLIDAYS
            .iter()
            .map(|&(a, b)| (date(a), date(b)))
            .collect();
        let public: Vec<NaiveDate> = PUBLIC_HOLIDAYS.iter().map(|&d| date(d)).collect();
        let is_day_off = |d: NaiveDate| {
            matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || public.contains(&d)
        };
        let mut days = Vec::with_capacity(DAYS);
        for k in 0..DAYS {
            let d = first + Duration::days(k as i64);
            let prev = d - Duration::days(1);
            days.push(DayInfo {
                date: d,
                weekday: d.weekday(),
                day_off: is_day_off(d),
                school_holiday: holidays.iter().any(|&(a, b)| a <= d && d <= b),
                // The night after Friday or Saturday, or into any day off.
                after_party_night: matches!(prev.weekday(), Weekday::Fri | Weekday::Sat)
                    || is_day_off(d),
            });
        }
        let mut slots = Vec::with_capacity(DAYS * 24);
        for (k, di) in days.iter().enumerate() {
            for h in 0..24u32 {
                let naive = di.date.and_hms_opt(h, 0, 0).unwrap_or_default();
                let local = Stockholm.from_local_datetime(&naive).earliest();
                let (exists, offset_s, start_ts) = match local {
                    Some(t) => (true, t.offset().fix().local_minus_utc(), t.timestamp()),
                    None => (false, 3600, 0),
                };
                let mut prefix = [0u8; 14];
                let p = format!("{}T{:02}:", di.date.format("%Y-%m-%d"), h);
                prefix.copy_from_slice(&p.as_bytes()[..14]);
                let mut offset_txt = [0u8; 6];
                let o = format!(
                    "{}{:02}:{:02}",
                    if offset_s < 0 { '-' } else { '+' },
                    offset_s.abs() / 3600,
                    (offset_s.abs() % 3600) / 60
                );
                offset_txt.copy_from_slice(&o.as_bytes()[..6]);
                slots.push(Slot {
                    day: k as u16,
                    hour: h as u8,
                    exists,
                    offset_s,
                    start_ts,
                    prefix,
                    offset_txt,
                });
            }
        }
        Calendar { days, slots }
    }
}

/// The generator's components: the five problem areas and the background.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rhythm {
    Violence,
    Youth,
    Vandalism,
    Traffic,
    Fraud,
    Background,
}

const VIOLENCE_HOURS: [f64; 24] = [
    6.0, 6.0, 5.0, 3.0, 1.5, 0.8, 0.6, 0.8, 1.0, 1.0, 1.2, 1.4, 1.6, 1.7, 1.9, 2.2, 2.6, 3.0, 3.4,
    3.8, 4.4, 5.0, 6.0, 6.5,
];
const YOUTH_SCHOOL_DAY: [f64; 24] = [
    0.3, 0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.2, 0.4, 0.4, 0.4, 0.4, 0.6, 0.8, 1.5, 3.0, 3.5, 3.5,
    3.5, 3.5, 3.0, 2.5, 1.5, 0.8,
];
const YOUTH_FREE_DAY: [f64; 24] = [
    1.0, 0.6, 0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 2.0, 2.5, 3.0, 3.2, 3.2,
    3.2, 3.2, 3.0, 3.0, 2.5, 1.8,
];
const VANDALISM_EVENING: [f64; 24] = [
    1.6, 1.0, 0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 1.0,
    1.5, 2.2, 2.8, 3.2, 3.2, 2.8, 2.2,
];
const VANDALISM_FREE_DAY: [f64; 24] = [
    1.6, 1.0, 0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.3, 0.5, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 2.2,
    2.8, 3.2, 3.2, 2.8, 2.2,
];
const TRAFFIC_HOURS: [f64; 24] = [
    1.5, 1.0, 0.7, 0.4, 0.3, 0.5, 1.0, 1.5, 1.2, 1.0, 1.0, 1.1, 1.2, 1.2, 1.4, 1.8, 2.4, 2.8, 3.0,
    3.2, 3.2, 3.0, 2.6, 2.0,
];
const FRAUD_HOURS: [f64; 24] = [
    0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.6, 1.5, 2.5, 2.8, 2.2, 2.6, 2.6, 2.2, 1.5,
    0.8, 0.4, 0.3, 0.2, 0.1, 0.05, 0.05,
];

/// Relative rate of a component in local hour `hour` of `day`.
///
/// - violence: evenings and nights, three times as high in the nights after
///   Friday and Saturday (and before days off), evenings of Friday and
///   Saturday 2.5 times; 20 % more in summer (June-August);
/// - youth at risk: afternoons and evenings after school, later on days off;
/// - vandalism: low in school hours (08-16 on school days), evenings and
///   nights high, 30 % more in school holidays and 20 % more on weekends;
/// - traffic: evenings, 30 % more on Friday and Saturday and in May-August;
/// - fraud: office hours on weekdays, a third of that on days off;
/// - background: flat.
pub(crate) fn rate(r: Rhythm, day: &DayInfo, hour: usize) -> f64 {
    let month = day.date.month();
    let summer = (6..=8).contains(&month);
    match r {
        Rhythm::Violence => {
            let mut w = VIOLENCE_HOURS[hour];
            if hour < 5 && day.after_party_night {
                w *= 3.0;
            }
            if hour >= 18 && matches!(day.weekday, Weekday::Fri | Weekday::Sat) {
                w *= 2.5;
            }
            if summer {
                w *= 1.2;
            }
            w
        }
        Rhythm::Youth => {
            let base = if day.school_day() {
                YOUTH_SCHOOL_DAY[hour]
            } else {
                YOUTH_FREE_DAY[hour]
            };
            if matches!(day.weekday, Weekday::Fri | Weekday::Sat) && hour >= 18 {
                base * 1.3
            } else {
                base
            }
        }
        Rhythm::Vandalism => {
            let mut w = if day.school_day() {
                VANDALISM_EVENING[hour]
            } else {
                VANDALISM_FREE_DAY[hour]
            };
            if day.school_holiday {
                w *= 1.3;
            }
            if day.day_off {
                w *= 1.2;
            }
            w
        }
        Rhythm::Traffic => {
            let mut w = TRAFFIC_HOURS[hour];
            if matches!(day.weekday, Weekday::Fri | Weekday::Sat) {
                w *= 1.3;
            }
            if (5..=8).contains(&month) {
                w *= 1.3;
            }
            w
        }
        Rhythm::Fraud => {
            let w = FRAUD_HOURS[hour];
            if day.day_off { w / 3.0 } else { w }
        }
        Rhythm::Background => 1.0,
    }
}

/// Cumulative weights over all slots for one rhythm (0 for hours that do not exist).
pub(crate) fn slot_cdf(cal: &Calendar, r: Rhythm) -> Vec<f64> {
    let mut acc = 0.0;
    cal.slots
        .iter()
        .map(|s| {
            if s.exists {
                acc += rate(r, &cal.days[s.day as usize], s.hour as usize);
            }
            acc
        })
        .collect()
}

/// Whether a local time is in school hours: a school day, 08:00-15:59.
#[cfg(test)]
pub(crate) fn in_school_hours(day: &DayInfo, hour: u8) -> bool {
    day.school_day() && (8..16).contains(&hour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_covers_two_years_with_dst() {
        let c = Calendar::new();
        assert_eq!(c.days.len(), 730);
        assert_eq!(
            c.days[729].date,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        // 2025-03-30 02:00 does not exist in Stockholm; 2026-03-29 neither.
        let missing: Vec<_> = c
            .slots
            .iter()
            .filter(|s| !s.exists)
            .map(|s| String::from_utf8_lossy(&s.prefix).into_owned())
            .collect();
        assert_eq!(missing, ["2025-03-30T02:", "2026-03-29T02:"]);
        let s = &c.slots[0];
        assert_eq!(&s.prefix, b"2025-01-01T00:");
        assert_eq!(&s.offset_txt, b"+01:00");
        assert_eq!(s.start_ts, 1_735_686_000);
        let july = &c.slots[181 * 24 + 12]; // 2025-07-01 12:00
        assert_eq!(&july.prefix, b"2025-07-01T12:");
        assert_eq!(&july.offset_txt, b"+02:00");
        // consecutive existing slots are one hour apart except around the autumn change
        let ts: Vec<i64> = c
            .slots
            .iter()
            .filter(|s| s.exists)
            .map(|s| s.start_ts)
            .collect();
        let gaps = ts.windows(2).filter(|w| w[1] - w[0] != 3600).count();
        assert_eq!(gaps, 2, "the repeated autumn hour is skipped once a year");
    }

    #[test]
    fn school_days_and_holidays() {
        let c = Calendar::new();
        let day = |y, m, d| {
            let dt = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            *c.days.iter().find(|x| x.date == dt).unwrap()
        };
        assert!(day(2025, 3, 12).school_day()); // a Wednesday in term
        assert!(!day(2025, 3, 15).school_day()); // Saturday
        assert!(!day(2025, 7, 9).school_day()); // summer
        assert!(!day(2026, 12, 24).school_day());
        assert!(day(2025, 3, 15).after_party_night); // Friday night
        assert!(!day(2025, 3, 13).after_party_night); // Wednesday night
        assert!(in_school_hours(&day(2025, 3, 12), 9));
        assert!(!in_school_hours(&day(2025, 3, 12), 17));
    }
}
