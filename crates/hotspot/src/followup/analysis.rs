//! The whole follow-up of one incident set: every zone (and all zones together) x problem area (and
//! all) x period against the baseline, displacement per zone and the patrol dose, as plain data for
//! `hotspot follow-up` and the report's follow-up section.

use super::patrols::{Dose, PatrolLog, dose};
use super::periods::{FollowupPeriod, PeriodKind, periods};
use super::stats::{
    Baseline, DayWeight, Displacement, PeriodRow, Wdq, baseline, count_displacement_weighted,
    follow, interval, rounded_count, signal, wdq, weight_in,
};
use super::zones::FollowupZone;
use crate::categories::{Classification, ProblemArea};
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::period::Period;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// How the follow-up is run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FollowupParams {
    /// The baseline period (e.g. 2025).
    pub baseline: Period,
    /// First day followed up.
    pub from: NaiveDate,
    /// Last day followed up (clipped to the data).
    pub to: NaiveDate,
    /// Period length.
    pub kind: PeriodKind,
    /// Buffer ring for displacement, metres.
    pub buffer_m: f64,
    /// Expected count = the count of the same calendar span of the baseline year
    /// ([`follow_seasonal`]) instead of the baseline rate times the days ([`follow`]).
    pub seasonal: bool,
    /// Interval level, e.g. 0.95.
    pub level: f64,
}

/// What [`analyse`] works on.
#[derive(Clone, Copy, Debug)]
pub struct FollowupInput<'a> {
    /// Incidents (working CRS, with times).
    pub incidents: &'a Incidents,
    /// Their problem areas.
    pub classification: &'a Classification,
    /// The zones.
    pub zones: &'a [FollowupZone],
    /// The study area for the displacement control; `None` = the incidents' box.
    pub study: Option<&'a geo::MultiPolygon<f64>>,
    /// The patrol log, if any.
    pub patrols: Option<&'a PatrolLog>,
    /// The zone whose local days an interval incident is spread over (the zone the times were read
    /// in, `--timezone`; see [`crate::temporal::day_shares`]). Exact times count on their date as
    /// written whatever the zone.
    pub timezone: chrono_tz::Tz,
}

/// One zone (or all zones) x problem area (or all) followed period by period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// Zone name, or `all zones`.
    pub zone: String,
    /// Index into the zones, `None` for all zones together.
    pub zone_index: Option<usize>,
    /// Problem area, `None` = all incidents.
    pub problem_area: Option<ProblemArea>,
    /// The baseline.
    pub baseline: Baseline,
    /// One row per period.
    pub rows: Vec<PeriodRow>,
}

impl Series {
    /// `all` or the problem area's id.
    pub fn area_id(&self) -> &'static str {
        self.problem_area.map(|a| a.id()).unwrap_or("all")
    }

    /// The baseline mean per period of `days` days (rate x days).
    pub fn baseline_mean(&self, days: i64) -> f64 {
        self.baseline.rate_per_day * days as f64
    }
}

/// Displacement of one zone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneDisplacement {
    /// Zone name.
    pub zone: String,
    /// Counts in zone, buffer and control before and after.
    pub counts: Displacement,
    /// WDQ and net effect.
    pub wdq: Wdq,
}

/// The follow-up (see the module docs of [`crate::followup`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Followup {
    /// The parameters.
    pub params: FollowupParams,
    /// The periods followed up.
    pub periods: Vec<FollowupPeriod>,
    /// Zone names in file order.
    pub zones: Vec<String>,
    /// Zones in file order, each with all its problem areas (all first), then `all zones`.
    pub series: Vec<Series>,
    /// Displacement per zone, before = baseline, after = `from..to` clipped to the data.
    pub displacement: Vec<ZoneDisplacement>,
    /// Dose per zone and period when a patrol log was given.
    pub dose: Option<Vec<Dose>>,
    /// Incidents without a time (left out).
    pub without_time: usize,
}

impl Followup {
    /// The series of `zone` (a name, or `all zones`) and problem area.
    pub fn series_of(&self, zone: &str, area: Option<ProblemArea>) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.zone == zone && s.problem_area == area)
    }
}

/// The label of all zones together in [`Followup::series`].
pub const ALL_ZONES: &str = "all zones";

/// Runs the follow-up: [`periods`], [`baseline`] and [`follow`] (or [`follow_seasonal`]) for every
/// zone and all zones x every problem area and all, [`count_displacement`] and [`wdq`] per zone, and
/// [`dose`] when a log is given. An exact time counts on its local date; an interval incident
/// counts in each day by its share ([`crate::temporal::day_shares`] in
/// [`FollowupInput::timezone`]), so in the baseline, a period, a month of the dispersion and the
/// before/after counts of the displacement by the share of its interval inside them. The data end on
/// [`last_day`].
///
/// # Errors
/// As [`periods`], [`follow`], [`follow_seasonal`] and [`count_displacement`];
/// [`Error::InsufficientData`] when no incident has a time.
pub fn analyse(input: FollowupInput<'_>, params: &FollowupParams) -> Result<Followup> {
    let inc = input.incidents;
    let shares: Vec<Vec<(NaiveDate, f64)>> = (0..inc.len())
        .map(|i| crate::temporal::day_shares(inc, i, input.timezone))
        .collect();
    let without_time = inc.times().iter().filter(|t| t.is_none()).count();
    let data_end =
        last_of(&shares).ok_or_else(|| Error::InsufficientData("no incident has a time".into()))?;
    let pers = periods(params.kind, params.from, params.to, data_end)?;
    use geo::Contains;
    let inside: Vec<Vec<bool>> = input
        .zones
        .iter()
        .map(|z| {
            (0..inc.len())
                .map(|i| {
                    let [x, y] = inc.position(i);
                    z.area.contains(&geo::Point::new(x, y))
                })
                .collect()
        })
        .collect();
    let mut zone_sel: Vec<(String, Option<usize>)> = input
        .zones
        .iter()
        .enumerate()
        .map(|(k, z)| (z.name.clone(), Some(k)))
        .collect();
    zone_sel.push((ALL_ZONES.into(), None));
    let mut areas: Vec<Option<ProblemArea>> = vec![None];
    areas.extend(ProblemArea::ALL.into_iter().map(Some));
    let cls = input.classification;
    let mut series = Vec::new();
    for (zname, zk) in &zone_sel {
        for pa in &areas {
            let ds: Vec<(NaiveDate, f64)> = (0..inc.len())
                .filter(|&i| match zk {
                    Some(k) => inside[*k][i],
                    None => inside.iter().any(|v| v[i]),
                })
                .filter(|&i| pa.is_none_or(|a| cls.area(i) == a))
                .flat_map(|i| shares[i].iter().copied())
                .collect();
            let b = baseline(&ds, params.baseline);
            let rows = if params.seasonal {
                follow_seasonal(&ds, &b, &pers, params.level)?
            } else {
                follow(&ds, &b, &pers, params.level)?
            };
            series.push(Series {
                zone: zname.clone(),
                zone_index: *zk,
                problem_area: *pa,
                baseline: b,
                rows,
            });
        }
    }
    let after_p = Period::new(params.from, params.to.min(data_end))?;
    let pos = |p: Period| -> Vec<([f64; 2], f64)> {
        (0..inc.len())
            .map(|i| (inc.position(i), weight_in(&shares[i], &p)))
            .filter(|(_, w)| *w > 0.0)
            .collect()
    };
    let (before, after) = (pos(params.baseline), pos(after_p));
    // Without a boundary the control is the incidents' box padded by 1 m (the one study-area
    // fallback, `ingest::layers::padded_box`).
    let study = match input.study {
        Some(a) => a.clone(),
        None => crate::ingest::layers::padded_box(inc, &[], 1.0)?
            .polygons()
            .clone(),
    };
    let displacement = input
        .zones
        .iter()
        .map(|z| {
            let d = count_displacement_weighted(&before, &after, &z.area, params.buffer_m, &study)?;
            Ok(ZoneDisplacement {
                zone: z.name.clone(),
                counts: d,
                wdq: wdq(&d),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Followup {
        params: params.clone(),
        dose: input.patrols.map(|log| dose(log, &pers)),
        periods: pers,
        zones: input.zones.iter().map(|z| z.name.clone()).collect(),
        series,
        displacement,
        without_time,
    })
}

/// The last local day the data cover: the latest day with a share of an incident
/// ([`crate::temporal::day_shares`] in `tz`; for exact times the latest date as written, for an
/// interval the day its end falls in). `None` when no incident has a time.
pub fn last_day(incidents: &Incidents, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    let shares: Vec<Vec<(NaiveDate, f64)>> = (0..incidents.len())
        .map(|i| crate::temporal::day_shares(incidents, i, tz))
        .collect();
    last_of(&shares)
}

fn last_of(shares: &[Vec<(NaiveDate, f64)>]) -> Option<NaiveDate> {
    shares.iter().filter_map(|v| v.last().map(|d| d.0)).max()
}

/// `d` moved to `year` (29 February becomes 28 February in a common year).
fn in_year(d: NaiveDate, year: i32) -> Option<NaiveDate> {
    d.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), d.day().min(28)))
}

/// The same calendar span as `p` in the latest year of the baseline that holds it whole.
pub fn seasonal_span(p: &Period, base: &Period) -> Option<Period> {
    let years = p.end.year() - p.start.year();
    (base.start.year()..=base.end.year() - years)
        .rev()
        .filter_map(|y| {
            let s = in_year(p.start, y)?;
            let e = in_year(p.end, y + years)?;
            Period::new(s, e).ok()
        })
        .find(|q| base.start <= q.start && q.end <= base.end)
}

/// As [`follow`], but the expected count of a period is the count of the same calendar span of
/// the baseline ([`seasonal_span`]: the covered days moved to the latest baseline year that holds
/// them), so a summer with more incidents than a winter is compared with last summer. The dispersion
/// is still `baseline.phi`, Pearson's estimate against a flat rate, which includes the seasonal
/// swing and so errs towards a wider interval. An expected count of 0 gives the interval 0..0.
///
/// # Errors
/// [`Error::InvalidParameter`] when a period has no same span inside the baseline (use a baseline
/// of whole calendar years); as [`interval`].
pub fn follow_seasonal<D: DayWeight>(
    dates: &[D],
    base: &Baseline,
    periods: &[FollowupPeriod],
    level: f64,
) -> Result<Vec<PeriodRow>> {
    periods
        .iter()
        .map(|p| {
            let c = &p.covered;
            let span = seasonal_span(c, &base.period).ok_or_else(|| {
                Error::invalid(
                    "seasonal",
                    format!("{}..{}", c.start, c.end),
                    format!(
                        "the baseline {}..{} holds no same calendar span; give a baseline of whole years",
                        base.period.start, base.period.end
                    ),
                )
            })?;
            let weighted = weight_in(dates, c);
            let count = rounded_count(weighted);
            let expected = weight_in(dates, &span);
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
