//! Analyses of the situation report that need more than the incident file: the follow-up of the
//! promise against a baseline ([`followup`]), with the zones and the patrol log the config names.

use super::{Outcome, Situation, SituationParams, Skip};
use crate::categories::CategoryTable;
use crate::crs::Crs;
use crate::crs::Projector;
use crate::error::{Error, Result};
use crate::followup::{
    Followup, FollowupInput, FollowupParams, FollowupZone, PeriodKind, analyse, read_patrols,
    read_zones,
};
use crate::incident::Incidents;
use crate::ingest::Ingested;
use crate::period::Period;
use serde_json::{Value, json};
use std::path::PathBuf;

/// What the report's follow-up section is run with (the config's `baseline`, `zones`, `patrols`,
/// `followup_from`, `followup_to`, `periods`, `buffer_m`, `seasonal`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FollowupSpec {
    /// The baseline period, e.g. `2025`.
    pub baseline: String,
    /// Zones file; `None` = the report's recommended patrol zones (circles named `Zon 1`, ...).
    pub zones: Option<PathBuf>,
    /// Patrol log.
    pub patrols: Option<PathBuf>,
    /// First day followed up; default the day after the baseline.
    pub from: Option<chrono::NaiveDate>,
    /// Last day followed up; default the last day of the data.
    pub to: Option<chrono::NaiveDate>,
    /// `tertial` (default), `month` or `quarter`.
    pub periods: Option<String>,
    /// Buffer ring for displacement, metres (default 200).
    pub buffer_m: Option<f64>,
    /// Seasonal expected counts.
    pub seasonal: bool,
}

/// The follow-up of the report: [`crate::followup::analyse`] on every incident of the file (not
/// only the report's period: the baseline lies before it), with the zones file or the situation's
/// patrol zones, and the patrol log's rejected rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowupSection {
    /// The follow-up.
    pub followup: Followup,
    /// Where the zones came from: `file` or `patrol_plan`.
    pub zones_from: &'static str,
    /// Patrol log rows accepted and rejected (line, reason), when a log was given.
    pub patrol_rows: Option<(usize, Vec<(u64, String)>)>,
}

fn circle(c: [f64; 2], r: f64) -> geo::MultiPolygon<f64> {
    let ring: Vec<geo::Coord<f64>> = (0..=64)
        .map(|i| {
            let a = i as f64 / 64.0 * std::f64::consts::TAU;
            geo::coord! { x: c[0] + r * a.cos(), y: c[1] + r * a.sin() }
        })
        .collect();
    geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString(ring), vec![])])
}

fn run(
    data: &Ingested,
    table: &CategoryTable,
    sit: &Situation,
    spec: &FollowupSpec,
) -> Result<FollowupSection> {
    let baseline = Period::parse("baseline", &spec.baseline)?;
    let projector = Projector::new(data.report.crs)?;
    let (zones, zones_from): (Vec<FollowupZone>, _) = match &spec.zones {
        Some(p) => (read_zones(p, &projector)?, "file"),
        None => {
            let zs = sit
                .patrol
                .done()
                .map(|p| {
                    p.zones
                        .iter()
                        .map(|z| FollowupZone {
                            name: format!("Zon {}", z.rank),
                            area: circle(z.centre, sit.params.patrol_radius_m),
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            if zs.is_empty() {
                return Err(Error::InsufficientData(
                    "no zones to follow up: give `zones` or let the report choose patrol zones"
                        .into(),
                ));
            }
            (zs, "patrol_plan")
        }
    };
    let log = match &spec.patrols {
        Some(p) => {
            let names: Vec<String> = zones.iter().map(|z| z.name.clone()).collect();
            Some(read_patrols(p, &names)?)
        }
        None => None,
    };
    let inc = &data.incidents;
    // Interval incidents are spread over the local days of the zone the times were read in.
    let tz = sit.params.aoristic.timezone;
    let last = crate::followup::last_day(inc, tz)
        .ok_or_else(|| Error::InsufficientData("no incident has a time".into()))?;
    let from = spec
        .from
        .or_else(|| baseline.end.succ_opt())
        .unwrap_or(baseline.end);
    let params = FollowupParams {
        baseline,
        from,
        to: spec.to.unwrap_or(last),
        kind: PeriodKind::parse(spec.periods.as_deref().unwrap_or("tertial"))?,
        buffer_m: spec.buffer_m.unwrap_or(200.0),
        seasonal: spec.seasonal,
        level: 0.95,
    };
    let cls = table.classify(inc);
    let followup = analyse(
        FollowupInput {
            incidents: inc,
            classification: &cls,
            zones: &zones,
            study: data.study_area.as_ref().map(|a| a.polygons()),
            patrols: log.as_ref(),
            timezone: tz,
        },
        &params,
    )?;
    Ok(FollowupSection {
        followup,
        zones_from,
        patrol_rows: log.map(|l| (l.rows.len(), l.rejected)),
    })
}

/// The report's follow-up: [`Outcome::Skipped`] ([`Skip::NotConfigured`]) without a spec,
/// [`Outcome::Failed`] with the message when the zones, the log or the periods do not fit the data.
pub fn followup(
    data: &Ingested,
    table: &CategoryTable,
    sit: &Situation,
    spec: Option<&FollowupSpec>,
) -> Outcome<FollowupSection> {
    match spec {
        None => Outcome::Skipped(Skip::NotConfigured),
        Some(spec) => Outcome::from_result(run(data, table, sit, spec)),
    }
}

/// The `followup` object of `summary.json` (counts suppressed below `min_count` in public mode).
pub fn followup_value(sit: &Situation) -> Option<Value> {
    let fs = sit.followup.done()?;
    let f = &fs.followup;
    Some(json!({
        "baseline": {"from": f.params.baseline.start, "to": f.params.baseline.end},
        "from": f.params.from,
        "to": f.params.to,
        "periods": f.params.kind,
        "seasonal": f.params.seasonal,
        "interval": "negative binomial, variance phi x mean, phi from the baseline's monthly counts (95 %)",
        "zones_from": fs.zones_from,
        "series": f.series.iter().map(|s| json!({
            "zone": s.zone,
            "problem_area": s.area_id(),
            "baseline_count": sit.cv(s.baseline.count),
            "phi": s.baseline.phi,
            "rows": s.rows.iter().map(|r| json!({
                "period": r.period,
                "partial": r.partial,
                "count": sit.cv(r.count),
                "expected": r.expected,
                "lower": r.lower,
                "upper": r.upper,
                "signal": if sit.count(r.count).is_some() { json!(r.signal.as_str()) } else { Value::Null },
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "displacement": f.displacement.iter().map(|d| json!({
            "zone": d.zone,
            "wdq": d.wdq.wdq,
            "reading": d.wdq.reading,
            "net_effect": d.wdq.net_effect,
        })).collect::<Vec<_>>(),
        "patrol_rows_rejected": fs.patrol_rows.as_ref().map(|p| p.1.len()),
    }))
}

/// Positions within this many metres count as one place in the report's repeat locations (an
/// address, a shop front, a stairwell; geocoded positions of one address scatter by a few metres).
pub const REPORT_REPEAT_TOLERANCE_M: f64 = 25.0;

/// Repeat locations of the situation's incidents ([`crate::stats::repeats::repeats`], positions
/// within [`REPORT_REPEAT_TOLERANCE_M`], at least 2 incidents); in public mode no location below
/// `min_count` is listed.
pub fn repeats(sit: &Situation) -> Outcome<crate::stats::repeats::Repeats> {
    repeats_of(&sit.incidents, &sit.params, sit.crs)
}

/// [`repeats`] of the incidents themselves, in working CRS `crs` (what
/// [`crate::situation::situation`] runs before the [`Situation`] exists).
pub fn repeats_of(
    incidents: &Incidents,
    params: &SituationParams,
    crs: Crs,
) -> Outcome<crate::stats::repeats::Repeats> {
    if incidents.is_empty() {
        return Outcome::Skipped(Skip::NoIncidents);
    }
    let opts = crate::stats::repeats::RepeatOptions {
        public_min_count: params.public.then_some(params.min_count.max(1) as usize),
        tolerance_m: REPORT_REPEAT_TOLERANCE_M,
        ..Default::default()
    };
    Outcome::from_result(
        Projector::new(crs).and_then(|p| crate::stats::repeats::repeats(incidents, &p, &opts)),
    )
}

/// The `repeats` object of `summary.json`: totals and the 30-day repeat probability; the ten
/// locations with most incidents only in internal mode.
pub fn repeats_value(sit: &Situation) -> Option<Value> {
    let r = sit.repeats.done()?;
    let c30 = r.curve.iter().find(|c| c.days == 30);
    Some(json!({
        "repeat_locations": r.repeat_locations,
        "incidents_at_repeat_locations": sit.cv(r.incidents_at_repeat_locations as u64),
        "share_at_repeat_locations": r.share_at_repeat_locations,
        "probability_30_days": c30.map(|c| c.probability),
        "expected_random_times_30_days": c30.map(|c| c.expected_random_times),
        "top": if sit.params.public { Value::Null } else {
            json!(r.listed.iter().take(10).map(|l| json!({
                "lon": l.lon, "lat": l.lat, "incidents": l.incidents,
                "first": l.first, "last": l.last,
                "median_days_between": l.median_days_between,
            })).collect::<Vec<_>>())
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circles_hold_their_radius() {
        let c = circle([100.0, 200.0], 50.0);
        use geo::Contains;
        assert!(c.contains(&geo::Point::new(140.0, 200.0)));
        assert!(!c.contains(&geo::Point::new(151.0, 200.0)));
    }
}
