//! Incident times: an instant with the offset it was recorded in, and the resolution it was recorded at.
//!
//! Police data come as full timestamps, dates alone, or months (`2024-03`, as UK
//! open data). A month is kept as a month: analyses that need an hour or a weekday
//! ask [`IncidentTime::hour`] / [`IncidentTime::weekday`], which answer `None`
//! when the record does not carry that information, so nothing invents a midnight.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Weekday};
use serde::Serialize;

/// How precisely a time was recorded, from coarse to fine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeResolution {
    /// Only the year and month are known (`2024-03`).
    Month,
    /// Only the date is known (`2024-03-17`).
    Day,
    /// Hours and minutes are known (`2024-03-17 21:05`).
    Minute,
    /// Seconds are known.
    Second,
}

impl TimeResolution {
    /// Lower-case name, as written in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeResolution::Month => "month",
            TimeResolution::Day => "day",
            TimeResolution::Minute => "minute",
            TimeResolution::Second => "second",
        }
    }

    /// Whether the hour of day is known at this resolution.
    pub fn has_hour(self) -> bool {
        self >= TimeResolution::Minute
    }

    /// Whether the calendar date (and so the weekday) is known at this resolution.
    pub fn has_date(self) -> bool {
        self >= TimeResolution::Day
    }
}

impl std::fmt::Display for TimeResolution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When an incident happened: the instant (with the local UTC offset it was
/// recorded in) and the resolution of the record.
///
/// For [`TimeResolution::Day`] the instant is local midnight of that day, for
/// [`TimeResolution::Month`] local midnight of the first of the month; use the
/// accessors, which respect the resolution, rather than reading the instant's hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncidentTime {
    instant: DateTime<FixedOffset>,
    resolution: TimeResolution,
}

impl IncidentTime {
    /// A time from its instant and resolution.
    pub fn new(instant: DateTime<FixedOffset>, resolution: TimeResolution) -> Self {
        Self {
            instant,
            resolution,
        }
    }

    /// The instant, in the offset it was recorded in.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// Seconds since 1970-01-01T00:00:00Z (start of the period for day and month records).
    pub fn timestamp(&self) -> i64 {
        self.instant.timestamp()
    }

    /// The resolution of the record.
    pub fn resolution(&self) -> TimeResolution {
        self.resolution
    }

    /// Local hour of day 0-23, or `None` when only a date or month was recorded.
    pub fn hour(&self) -> Option<u32> {
        self.resolution.has_hour().then(|| self.instant.hour())
    }

    /// Local weekday, or `None` when only a month was recorded.
    pub fn weekday(&self) -> Option<Weekday> {
        self.resolution.has_date().then(|| self.instant.weekday())
    }

    /// Local calendar date, or `None` when only a month was recorded.
    pub fn date(&self) -> Option<NaiveDate> {
        self.resolution
            .has_date()
            .then(|| self.instant.date_naive())
    }

    /// Local (year, month), known at every resolution.
    pub fn year_month(&self) -> (i32, u32) {
        (self.instant.year(), self.instant.month())
    }

    /// The time as written in outputs: RFC 3339 for minute and second
    /// resolution, `YYYY-MM-DD` for days, `YYYY-MM` for months.
    pub fn to_display_string(&self) -> String {
        match self.resolution {
            TimeResolution::Month => self.instant.format("%Y-%m").to_string(),
            TimeResolution::Day => self.instant.format("%Y-%m-%d").to_string(),
            TimeResolution::Minute | TimeResolution::Second => self.instant.to_rfc3339(),
        }
    }
}

impl std::fmt::Display for IncidentTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_display_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn month_resolution_hides_hour_and_weekday() {
        let t = FixedOffset::east_opt(3600)
            .unwrap()
            .with_ymd_and_hms(2024, 3, 1, 0, 0, 0)
            .unwrap();
        let it = IncidentTime::new(t, TimeResolution::Month);
        assert_eq!(it.hour(), None);
        assert_eq!(it.weekday(), None);
        assert_eq!(it.year_month(), (2024, 3));
        assert_eq!(it.to_string(), "2024-03");
    }

    #[test]
    fn minute_resolution_gives_local_hour() {
        let t = FixedOffset::east_opt(7200)
            .unwrap()
            .with_ymd_and_hms(2026, 8, 22, 9, 48, 0)
            .unwrap();
        let it = IncidentTime::new(t, TimeResolution::Minute);
        assert_eq!(it.hour(), Some(9));
        assert_eq!(it.weekday(), Some(Weekday::Sat));
    }
}
