//! The patrol log (`zone,start,end[,crew,kind]`): minutes per zone and period,
//! short visits and long presence counted apart; bad rows counted and reported.

use super::periods::FollowupPeriod;
use crate::error::{Error, Result};
use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Visits up to this long count as short visits (Koper 1995, *Justice
/// Quarterly* 12(4): stops of about 10-15 minutes gave the longest residual
/// deterrence); longer ones as long presence.
pub const SHORT_VISIT_MAX_MIN: f64 = 15.0;

/// One accepted log row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatrolRow {
    /// Zone name as in the zones file.
    pub zone: String,
    /// Start (local time).
    pub start: NaiveDateTime,
    /// End (local time), after start.
    pub end: NaiveDateTime,
    /// Crew (optional).
    pub crew: String,
    /// Kind of measure: patrol (default), camera, lighting, meeting, ...
    pub kind: String,
}

/// The log as read.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PatrolLog {
    /// Accepted rows in file order.
    pub rows: Vec<PatrolRow>,
    /// Rejected rows: (1-based line, reason).
    pub rejected: Vec<(u64, String)>,
}

fn parse_dt(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.naive_local())
}

/// Parses a patrol log from text (`name` names it in errors). Rows with a
/// wrong number of fields, an unreadable time, an end not after the start, a
/// visit over 24 hours or an unknown zone (when `zones` is non-empty) are
/// rejected with their line and reason.
///
/// # Errors
/// [`Error::Parse`] when the header lacks `zone`, `start` or `end`, or the text is empty.
pub fn parse_patrols(text: &str, name: &Path, zones: &[String]) -> Result<PatrolLog> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let perr = |line: Option<u64>, message: String| Error::Parse {
        path: name.to_path_buf(),
        line,
        message,
    };
    let Some((_, header)) = lines.find(|(_, l)| !l.trim().is_empty()) else {
        return Err(perr(
            None,
            "the patrol log is empty: expected a header zone,start,end[,crew,kind]".into(),
        ));
    };
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let pos = |n: &str| cols.iter().position(|c| c == n);
    let (Some(iz), Some(is), Some(ie)) = (pos("zone"), pos("start"), pos("end")) else {
        return Err(perr(
            Some(1),
            format!("the header {header:?} needs the columns zone, start and end"),
        ));
    };
    let (icrew, ikind) = (pos("crew"), pos("kind"));
    let mut log = PatrolLog::default();
    for (i, l) in lines {
        let line = i as u64 + 1;
        if l.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = l.split(',').map(str::trim).collect();
        if f.len() != cols.len() {
            log.rejected.push((
                line,
                format!("{} fields, the header has {}", f.len(), cols.len()),
            ));
            continue;
        }
        let zone = f[iz].to_string();
        if !zones.is_empty() && !zones.contains(&zone) {
            log.rejected.push((line, format!("unknown zone {zone:?}")));
            continue;
        }
        let (Some(start), Some(end)) = (parse_dt(f[is]), parse_dt(f[ie])) else {
            log.rejected
                .push((line, format!("unreadable time {:?} or {:?}", f[is], f[ie])));
            continue;
        };
        if end <= start {
            log.rejected
                .push((line, "the end is not after the start".into()));
            continue;
        }
        if end - start > TimeDelta::hours(24) {
            log.rejected
                .push((line, "a visit longer than 24 hours".into()));
            continue;
        }
        let get = |k: Option<usize>| k.map(|k| f[k].to_string()).unwrap_or_default();
        let kind = get(ikind);
        log.rows.push(PatrolRow {
            zone,
            start,
            end,
            crew: get(icrew),
            kind: if kind.is_empty() {
                "patrol".into()
            } else {
                kind
            },
        });
    }
    Ok(log)
}

/// Reads a patrol log file; see [`parse_patrols`].
///
/// # Errors
/// [`Error::Io`] when unreadable; as [`parse_patrols`].
pub fn read_patrols(path: &Path, zones: &[String]) -> Result<PatrolLog> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_patrols(&text, path, zones)
}

/// Dose in one zone and period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dose {
    /// Zone name.
    pub zone: String,
    /// Period label.
    pub period: String,
    /// Visits of at most [`SHORT_VISIT_MAX_MIN`] minutes.
    pub short_visits: u64,
    /// Their minutes.
    pub short_minutes: f64,
    /// Longer visits.
    pub long_visits: u64,
    /// Their minutes.
    pub long_minutes: f64,
    /// Minutes of other measures (kind other than patrol), by kind.
    pub other: BTreeMap<String, f64>,
}

/// Minutes per zone and period. A visit is counted in the period of its
/// start day; one that crosses a period boundary counts wholly in the first.
pub fn dose(log: &PatrolLog, periods: &[FollowupPeriod]) -> Vec<Dose> {
    let mut m: BTreeMap<(String, usize), Dose> = BTreeMap::new();
    for r in &log.rows {
        let day = r.start.date();
        let Some(k) = periods
            .iter()
            .position(|p| p.covered.start <= day && day <= p.covered.end)
        else {
            continue;
        };
        let d = m.entry((r.zone.clone(), k)).or_insert_with(|| Dose {
            zone: r.zone.clone(),
            period: periods[k].label.clone(),
            ..Dose::default()
        });
        let min = (r.end - r.start).num_seconds() as f64 / 60.0;
        if r.kind != "patrol" {
            *d.other.entry(r.kind.clone()).or_default() += min;
        } else if min <= SHORT_VISIT_MAX_MIN {
            d.short_visits += 1;
            d.short_minutes += min;
        } else {
            d.long_visits += 1;
            d.long_minutes += min;
        }
    }
    m.into_values().collect()
}
