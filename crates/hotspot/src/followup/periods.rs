//! Follow-up periods: tertials (T1 January-April, T2 May-August, T3 September-December), months or quarters.

use crate::error::{Error, Result};
use crate::period::Period;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The length of the follow-up periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Police tertials: T1 Jan-Apr, T2 May-Aug, T3 Sep-Dec.
    Tertial,
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

impl PeriodKind {
    /// Parses `tertial`, `month` or `quarter`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for anything else.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tertial" => Ok(Self::Tertial),
            "month" => Ok(Self::Month),
            "quarter" => Ok(Self::Quarter),
            _ => Err(Error::invalid(
                "periods",
                s,
                "use tertial, month or quarter",
            )),
        }
    }

    fn months(self) -> u32 {
        match self {
            Self::Tertial => 4,
            Self::Month => 1,
            Self::Quarter => 3,
        }
    }

    fn label(self, year: i32, index: u32) -> String {
        match self {
            Self::Tertial => format!("{year}-T{}", index + 1),
            Self::Month => format!("{year}-{:02}", index + 1),
            Self::Quarter => format!("{year}-Q{}", index + 1),
        }
    }
}

/// One follow-up period, possibly covered only partly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FollowupPeriod {
    /// `2026-T1`, `2026-05` or `2026-Q2`.
    pub label: String,
    /// The whole calendar period.
    pub full: Period,
    /// The days covered (within `--from..--to` and the data).
    pub covered: Period,
    /// True when `covered` is shorter than `full`; counts are then compared
    /// with an expected count scaled to the covered days.
    pub partial: bool,
}

fn month_start(y: i32, m0: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y + (m0 / 12) as i32, m0 % 12 + 1, 1)
}

/// The periods of `kind` that overlap `from..=to`, clipped to `from..=to` and
/// to `data_end` (the last day the data cover): periods after the data are not
/// invented; a period covered only partly is marked.
///
/// # Errors
/// [`Error::InvalidParameter`] when `to` is before `from`; [`Error::InsufficientData`]
/// when the data end before `from`.
pub fn periods(
    kind: PeriodKind,
    from: NaiveDate,
    to: NaiveDate,
    data_end: NaiveDate,
) -> Result<Vec<FollowupPeriod>> {
    if to < from {
        return Err(Error::invalid(
            "to",
            to,
            format!("must not be before --from {from}"),
        ));
    }
    let end = to.min(data_end);
    if end < from {
        return Err(Error::InsufficientData(format!(
            "the data end on {data_end}, before --from {from}: nothing to follow up"
        )));
    }
    let step = kind.months();
    let mut y = from.year();
    let mut idx = (from.month0()) / step;
    let mut out = Vec::new();
    while let (Some(s), Some(e_next)) =
        (month_start(y, idx * step), month_start(y, (idx + 1) * step))
    {
        if s > end {
            break;
        }
        let e = e_next.pred_opt().unwrap_or(e_next);
        let full = Period::new(s, e)?;
        let covered = Period::new(s.max(from), e.min(end))?;
        out.push(FollowupPeriod {
            label: kind.label(y, idx),
            partial: covered != full,
            full,
            covered,
        });
        idx += 1;
        if idx * step >= 12 {
            idx = 0;
            y += 1;
        }
    }
    Ok(out)
}
