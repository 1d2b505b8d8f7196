//! Reading incident times: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` with or without an offset, one-digit hours, dates and months.
//!
//! Accepted forms (after trimming):
//!
//! | input | resolution |
//! |---|---|
//! | `2024-03` | [`TimeResolution::Month`] |
//! | `2024-03-17` (also `2024/03/17`) | [`TimeResolution::Day`] |
//! | `2024-03-17 21:05`, `2024-03-17T21:05` | [`TimeResolution::Minute`] |
//! | `2024-03-17 21:05:09[.123]`, `2026-08-22 9:48:12` | [`TimeResolution::Second`] |
//!
//! Any form with a clock time may end in an offset: `Z`, `+02:00`, `+0200` or
//! `+02`, with or without a space before it (`2026-08-22 9:48:12 +02:00`).
//!
//! Times without an offset are local times in the configured zone (default
//! Europe/Stockholm). Daylight-saving transitions are handled as follows:
//! - **gap** (a local time that does not exist, e.g. 2026-03-29 02:30 in
//!   Stockholm): read with the offset in force *before* the gap, so 02:30 is
//!   01:30 UTC, shown as 03:30+02:00 (the same rule as RFC 5545 and java.time);
//! - **fold** (a local time that occurs twice, e.g. 2026-10-25 02:30): the
//!   *earlier* instant (02:30+02:00) is taken.
//!
//! Days and months are stored as local midnight of the day / of the first of
//! the month, with their resolution, so no hour is invented.

use crate::time::{IncidentTime, TimeResolution};
use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    /// Reads between `min` and `max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
}

/// Parses a time written in one of the accepted forms; `None` when it is not one.
///
/// # Example
/// ```
/// use hotspot::ingest::parse_time;
/// use hotspot::TimeResolution;
/// let t = parse_time("2026-08-22 9:48:12 +02:00", chrono_tz::Europe::Stockholm).unwrap();
/// assert_eq!(t.resolution(), TimeResolution::Second);
/// assert_eq!(t.hour(), Some(9));
/// let m = parse_time("2024-03", chrono_tz::Europe::London).unwrap();
/// assert_eq!((m.resolution(), m.hour()), (TimeResolution::Month, None));
/// ```
pub fn parse_time(text: &str, tz: Tz) -> Option<IncidentTime> {
    let mut c = Cursor {
        b: text.trim().as_bytes(),
        i: 0,
    };
    let year = c.digits(4, 4)? as i32;
    let sep = c.peek()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    c.i += 1;
    let month = c.digits(1, 2)?;
    if c.done() {
        let d = NaiveDate::from_ymd_opt(year, month, 1)?;
        return Some(local(d.and_time(NaiveTime::MIN), tz, TimeResolution::Month));
    }
    if !c.eat(sep) {
        return None;
    }
    let day = c.digits(1, 2)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if c.done() {
        return Some(local(
            date.and_time(NaiveTime::MIN),
            tz,
            TimeResolution::Day,
        ));
    }
    match c.peek()? {
        b'T' | b't' | b' ' => c.i += 1,
        _ => return None,
    }
    c.skip_spaces();
    let hour = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2, 2)?;
    let mut second = 0;
    let mut nano = 0;
    let mut resolution = TimeResolution::Minute;
    if c.eat(b':') {
        second = c.digits(2, 2)?;
        resolution = TimeResolution::Second;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let frac = c.digits(1, 9)?;
            let n = c.i - start;
            nano = frac * 10u32.pow(9 - n as u32);
            // Ignore digits beyond nanoseconds.
            while matches!(c.peek(), Some(b'0'..=b'9')) {
                c.i += 1;
            }
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    if second >= 60 {
        return None;
    }
    let naive = date.and_time(time);
    c.skip_spaces();
    if c.done() {
        return Some(local(naive, tz, resolution));
    }
    let offset_secs: i32 = match c.peek()? {
        b'Z' | b'z' => {
            c.i += 1;
            0
        }
        s @ (b'+' | b'-') => {
            c.i += 1;
            let hh = c.digits(2, 2)? as i32;
            c.eat(b':');
            let mm = if c.done() { 0 } else { c.digits(2, 2)? as i32 };
            if hh > 23 || mm > 59 {
                return None;
            }
            let v = hh * 3600 + mm * 60;
            if s == b'-' { -v } else { v }
        }
        _ => return None,
    };
    if !c.done() {
        return None;
    }
    let off = FixedOffset::east_opt(offset_secs)?;
    let dt = off.from_local_datetime(&naive).single()?;
    Some(IncidentTime::new(dt, resolution))
}

/// The end of the period a time names, in seconds since 1970: the instant for
/// minute and second records, the next local midnight (in `tz`) for a day, the
/// first of the next month for a month.
pub(crate) fn end_of(t: &IncidentTime, tz: Tz) -> i64 {
    let next = match t.resolution() {
        TimeResolution::Minute | TimeResolution::Second => return t.timestamp(),
        TimeResolution::Day => t.instant().date_naive().succ_opt(),
        TimeResolution::Month => t
            .instant()
            .date_naive()
            .checked_add_months(chrono::Months::new(1)),
    };
    match next {
        Some(d) => local(d.and_time(NaiveTime::MIN), tz, t.resolution()).timestamp(),
        None => t.timestamp(),
    }
}

/// The length in seconds of the interval `[from, to)` of an incident recorded
/// as "between `from` and `to`" (see [`crate::Incidents::interval_lengths`]).
///
/// - `to` equal to `from` (same instant and resolution) is an exact time: 0;
/// - `to` recorded as a date or month runs to the end of that day or month
///   (`from 2025-03-14 16:00 to 2025-03-17` ends at midnight before the 18th);
/// - an interval that ends where it starts is an exact time: 0;
/// - one that ends before it starts is an error: the text says why;
/// - lengths beyond `u32::MAX` seconds (136 years) are capped there (such an
///   interval is "time unknown" under any sensible `--max-time-span`).
pub(crate) fn interval_len(
    from: &IncidentTime,
    to: &IncidentTime,
    tz: Tz,
) -> std::result::Result<u32, String> {
    if from == to {
        return Ok(0);
    }
    let (start, end) = (from.timestamp(), end_of(to, tz));
    if end < start {
        return Err(format!("time_to {to} is before time_from {from}"));
    }
    Ok(u32::try_from(end - start).unwrap_or(u32::MAX))
}

/// The interval length of a row from its to-time field (empty: an exact time),
/// or the rejection: an unreadable to time, or one before the from time.
pub(crate) fn interval_to(
    text: &str,
    from: &IncidentTime,
    tz: Tz,
) -> std::result::Result<u32, (super::RejectReason, String)> {
    if text.is_empty() {
        return Ok(0);
    }
    let to = parse_time(text, tz).ok_or_else(|| {
        (
            super::RejectReason::UnreadableTime,
            format!("time_to = {text:?}"),
        )
    })?;
    interval_len(from, &to, tz).map_err(|why| (super::RejectReason::TimeToBeforeFrom, why))
}

/// The ingest report's line on from/to intervals: how many incidents have one,
/// and how many of those are longer than `max_days` (time unknown for hour
/// analyses); `None` when no incident has an interval.
pub(crate) fn interval_note(incidents: &crate::Incidents, max_days: f64) -> Option<String> {
    let lens = incidents.interval_lengths();
    let with = lens.iter().filter(|&&s| s > 0).count();
    if with == 0 {
        return None;
    }
    let max_s = max_days * 86_400.0;
    let long = lens.iter().filter(|&&s| f64::from(s) > max_s).count();
    Some(format!(
        "{with} of {} incidents have a from/to time interval (aoristic weights spread each over its hours); {long} of them span more than {max_days} days and count as time unknown for hour analyses (--max-time-span)",
        incidents.len()
    ))
}

/// Reads a naive local time in `tz`, resolving DST gaps and folds as documented in the module.
fn local(naive: NaiveDateTime, tz: Tz, resolution: TimeResolution) -> IncidentTime {
    let dt: DateTime<FixedOffset> = match tz.from_local_datetime(&naive) {
        LocalResult::Single(d) => d.fixed_offset(),
        LocalResult::Ambiguous(earlier, _later) => earlier.fixed_offset(),
        LocalResult::None => {
            // In a gap: use the offset in force a day earlier (before the transition).
            let before = naive - chrono::Duration::days(1);
            let off = tz.offset_from_utc_datetime(&before).fix();
            let utc = naive - chrono::Duration::seconds(i64::from(off.local_minus_utc()));
            tz.from_utc_datetime(&utc).fixed_offset()
        }
    };
    IncidentTime::new(dt, resolution)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    fn p(s: &str) -> IncidentTime {
        parse_time(s, Stockholm).unwrap_or_else(|| panic!("could not parse {s:?}"))
    }

    #[test]
    fn interval_lengths_follow_the_rules() {
        let len = |a: &str, b: &str| interval_len(&p(a), &p(b), Stockholm);
        assert_eq!(len("2025-03-14 16:00", "2025-03-17 07:00"), Ok(63 * 3600));
        assert_eq!(len("2025-03-14 16:00", "2025-03-14 16:00"), Ok(0));
        assert_eq!(len("2025-03-14 16:00", "2025-03-14 16:00:00"), Ok(0));
        assert_eq!(len("2025-03-14", "2025-03-14"), Ok(0));
        // A date as `to` runs to the end of that day; a month to its end.
        assert_eq!(len("2025-03-14 16:00", "2025-03-14"), Ok(8 * 3600));
        assert_eq!(len("2025-03-14", "2025-03-16"), Ok(3 * 86_400));
        // February and March, with the spring change: one hour short.
        assert_eq!(len("2025-02", "2025-03"), Ok((28 + 31) * 86_400 - 3600));
        // Across the spring change (2025-03-30 02:00 -> 03:00): 1 real hour.
        assert_eq!(len("2025-03-30 01:30", "2025-03-30 03:30"), Ok(3600));
        // A day `to` on the spring-change day has 23 hours.
        assert_eq!(len("2025-03-30", "2025-03-30 00:00"), Ok(0));
        assert_eq!(len("2025-03-29 00:00", "2025-03-30"), Ok((24 + 23) * 3600));
        let e = len("2025-03-14 16:00", "2025-03-14 15:59").unwrap_err();
        assert!(e.contains("before"), "{e}");
        assert!(len("2025-03-14 16:00", "2025-03-13").is_err());
    }

    #[test]
    fn every_accepted_form() {
        let cases = [
            (
                "2026-08-22T09:48:12+02:00",
                "2026-08-22T09:48:12+02:00",
                TimeResolution::Second,
            ),
            (
                "2026-08-22T07:48:12Z",
                "2026-08-22T07:48:12+00:00",
                TimeResolution::Second,
            ),
            (
                "2026-08-22 9:48:12 +02:00",
                "2026-08-22T09:48:12+02:00",
                TimeResolution::Second,
            ),
            (
                "2026-08-22 09:48:12+0200",
                "2026-08-22T09:48:12+02:00",
                TimeResolution::Second,
            ),
            (
                "2026-08-22 09:48 -05",
                "2026-08-22T09:48:00-05:00",
                TimeResolution::Minute,
            ),
            (
                "2026-08-22 09:48",
                "2026-08-22T09:48:00+02:00",
                TimeResolution::Minute,
            ),
            (
                "2026-01-22 09:48:30",
                "2026-01-22T09:48:30+01:00",
                TimeResolution::Second,
            ),
            (
                "2019-01-01T01:30:00",
                "2019-01-01T01:30:00+01:00",
                TimeResolution::Second,
            ),
            (
                "2026-08-22 09:48:12.250",
                "2026-08-22T09:48:12.250+02:00",
                TimeResolution::Second,
            ),
            (" 2012-07-02 ", "2012-07-02", TimeResolution::Day),
            ("2012/07/02", "2012-07-02", TimeResolution::Day),
            ("2024-03", "2024-03", TimeResolution::Month),
        ];
        for (input, shown, res) in cases {
            let t = p(input);
            assert_eq!(t.to_string(), shown, "{input}");
            assert_eq!(t.resolution(), res, "{input}");
        }
        // A month is midnight of the first, local time, and has no hour or weekday.
        let m = p("2024-03");
        assert_eq!(m.instant().to_rfc3339(), "2024-03-01T00:00:00+01:00");
        assert_eq!((m.hour(), m.weekday()), (None, None));
        // A day has a weekday but no hour.
        let d = p("2012-07-02");
        assert_eq!((d.hour(), d.weekday()), (None, Some(chrono::Weekday::Mon)));
    }

    #[test]
    fn unreadable_times_are_refused() {
        for s in [
            "",
            "yesterday",
            "2024",
            "2024-13",
            "2024-02-30",
            "17/03/2024",
            "2024-03-17 25:00",
            "2024-03-17 10:61",
            "2024-03-17 10:00:60",
            "2024-03-17 10:00 +25:00",
            "2024-03-17x",
            "2024-03-17 10:00 CET",
            "2024-03-17 10",
        ] {
            assert!(
                parse_time(s, Stockholm).is_none(),
                "{s:?} should be unreadable"
            );
        }
    }

    #[test]
    fn dst_gap_and_fold_in_stockholm() {
        // Spring forward 2026-03-29 02:00 -> 03:00: 02:30 does not exist and is
        // read with the winter offset, i.e. 01:30 UTC = 03:30 summer time.
        let gap = p("2026-03-29 02:30");
        assert_eq!(gap.instant().to_rfc3339(), "2026-03-29T03:30:00+02:00");
        assert_eq!(gap.timestamp(), p("2026-03-29T01:30:00Z").timestamp());
        // Fall back 2026-10-25 03:00 -> 02:00: 02:30 occurs twice; the earlier is taken.
        let fold = p("2026-10-25 02:30");
        assert_eq!(fold.instant().to_rfc3339(), "2026-10-25T02:30:00+02:00");
        assert_eq!(fold.timestamp(), p("2026-10-25T00:30:00Z").timestamp());
        // Just outside the transitions nothing moves.
        assert_eq!(
            p("2026-03-29 01:59").instant().to_rfc3339(),
            "2026-03-29T01:59:00+01:00"
        );
        assert_eq!(
            p("2026-10-25 03:00").instant().to_rfc3339(),
            "2026-10-25T03:00:00+01:00"
        );
    }

    #[test]
    fn other_zones() {
        let t = parse_time("2019-07-01 12:00", chrono_tz::America::Chicago).unwrap();
        assert_eq!(t.instant().to_rfc3339(), "2019-07-01T12:00:00-05:00");
        let t = parse_time("2024-03", chrono_tz::Europe::London).unwrap();
        assert_eq!(t.instant().to_rfc3339(), "2024-03-01T00:00:00+00:00");
    }
}
