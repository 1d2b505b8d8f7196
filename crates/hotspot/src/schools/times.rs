//! When incidents happen at schools: the time classes (school hours, evening, night, weekend, holiday)
//! of each school zone and problem area from **aoristic weights**, and the out-of-hours share against the
//! **same problem area elsewhere** in the comparison area.
//!
//! # Time classes
//! Each incident spreads a total weight of 1 over the classes of the local hours its time covers
//! ([`SchoolCalendar::class_weights`]; Ratcliffe 2002, *J. Quant. Criminol.* 18(1), 7-23; Ratcliffe &
//! McCullagh 1998): an exact time puts 1 in its class; a record "between Friday 16:00 and Monday 07:00"
//! puts 6/63 in evening, 9/63 in night and 48/63 in weekend. A time unknown (no time, date only, an
//! interval longer than [`AoristicOptions::max_span_days`]) goes to `time_unknown` and out of every share.
//! The shares are over the incidents with an hour; the rows say how many had an interval.
//!
//! # Out of hours, against what
//! The zone's out-of-hours share (the weight outside `school_hours`, over the incidents with an hour) is
//! compared with the same problem area's share among the incidents of the comparison area (the area at
//! risk, else the study area) **outside every school zone**: vandalism is out of hours almost everywhere
//! (most hours of the week are), so the question is whether it is *more* so at the school than elsewhere,
//! not whether it is more so than clock time. The exact two-sided binomial test
//! ([`binomial_test_two_sided`]) and the Clopper-Pearson interval use the out-of-hours weight rounded to
//! the nearest whole incident out of the incidents with an hour: exact when every time is exact, an
//! approximation (at most half an incident off) when intervals spread weight.
//!
//! Determinism: the per-incident weights are computed in parallel and summed in index order.

use super::{ProblemAreas, SchoolReport};
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::schools::calendar::{ClassWeights, SchoolCalendar, TimeClass};
use crate::schools::controlled::ComparisonArea;
use crate::stats::poisson::{binomial_test_two_sided, clopper_pearson};
use crate::study_area::StudyArea;
use crate::temporal::{AoristicOptions, TimeTotals, TimeUse};
use rayon::prelude::*;
use serde::Serialize;

/// Time classes of one school and problem area, with the same problem area elsewhere.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeClassRow {
    /// Index of the school in the input slice.
    pub school: usize,
    /// Problem area, `None` for all.
    pub problem_area: Option<usize>,
    /// The zone's aoristic class weights (zone incidents inside the comparison area).
    pub zone: ClassWeights,
    /// The same problem area in the comparison area outside every school zone.
    pub elsewhere: ClassWeights,
    /// Zone incidents with an hour (exact or an interval within the maximum span).
    pub known_hour: u64,
    /// Their weight outside school hours.
    pub out_of_hours: f64,
    /// `out_of_hours / known_hour` (`NaN` when no incident has an hour).
    pub share: f64,
    /// Exact 95 % interval of the share (see the module doc).
    pub share_lower: f64,
    /// Upper limit.
    pub share_upper: f64,
    /// The same problem area's out-of-hours share elsewhere (`NaN` when none there has an hour).
    pub baseline_share: f64,
    /// Incidents with an hour behind the baseline.
    pub baseline_known_hour: u64,
    /// Exact two-sided binomial p-value of `share = baseline_share` (1 when not testable).
    pub p_value: f64,
}

impl TimeClassRow {
    /// The zone's share of each class among its incidents with an hour, indexed like
    /// [`TimeClass::ALL`] (`time_unknown` 0).
    pub fn shares(&self) -> [f64; 6] {
        self.zone.known_shares()
    }
}

/// The time classes of every school zone ([`time_classes`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeClasses {
    /// Rows in the order of [`SchoolReport::rows`].
    pub rows: Vec<TimeClassRow>,
    /// How the times of all incidents of the comparison area were used (exact, interval, unknown).
    pub totals: TimeTotals,
    /// The comparison area: `study-area`, `polygons` or `mask`.
    pub comparison_area: &'static str,
    /// School hours `(start, end)` of the calendar used.
    pub school_hours: (u32, u32),
}

fn add(a: &mut ClassWeights, w: &[f64; 6], u: TimeUse) {
    for (x, y) in a.weights.iter_mut().zip(w) {
        *x += y;
    }
    a.totals.add(u);
}

fn empty() -> ClassWeights {
    ClassWeights {
        weights: [0.0; 6],
        totals: TimeTotals::default(),
    }
}

/// Time classes and the out-of-hours comparison of every zone of `report` (from
/// [`super::analyse`] on the same `incidents`, `areas` and `study`); see the module documentation.
///
/// # Errors
/// [`Error::InvalidParameter`] when `areas` does not describe `incidents` or `opts` is invalid.
pub fn time_classes(
    incidents: &Incidents,
    areas: &ProblemAreas,
    report: &SchoolReport,
    calendar: &SchoolCalendar,
    study: &StudyArea,
    comparison: ComparisonArea<'_>,
    opts: &AoristicOptions,
) -> Result<TimeClasses> {
    if areas.len() != incidents.len() {
        return Err(Error::invalid(
            "problem_areas",
            format!("{} incidents described", areas.len()),
            format!("must describe all {} incidents", incidents.len()),
        ));
    }
    opts.validate()?;
    let n_areas = areas.names().len();
    let (x, y) = (incidents.x(), incidents.y());
    let in_pop: Vec<bool> = (0..incidents.len())
        .into_par_iter()
        .map(|i| study.contains(x[i], y[i]) && comparison.contains(x[i], y[i]))
        .collect();
    // Per incident of the comparison area: its class weights and how its time was used.
    let per: Vec<([f64; 6], TimeUse)> = (0..incidents.len())
        .into_par_iter()
        .map(|i| {
            if in_pop[i] {
                calendar.incident_class_weights(incidents, i, opts)
            } else {
                ([0.0; 6], TimeUse::NoTime)
            }
        })
        .collect();
    let mut in_zone = vec![false; incidents.len()];
    for z in &report.zones {
        for &i in &z.members {
            in_zone[i] = true;
        }
    }
    // Elsewhere per column (index n_areas = all), and the totals of the whole comparison area.
    let mut base = vec![empty(); n_areas + 1];
    let mut totals = TimeTotals::default();
    for i in (0..incidents.len()).filter(|&i| in_pop[i]) {
        totals.add(per[i].1);
        if in_zone[i] {
            continue;
        }
        for k in [areas.area_of()[i], n_areas] {
            add(&mut base[k], &per[i].0, per[i].1);
        }
    }
    let known_of = |c: &ClassWeights| c.totals.exact + c.totals.interval;
    let out_of = |c: &ClassWeights| -> f64 {
        c.weights[..TimeClass::TimeUnknown.index()]
            .iter()
            .sum::<f64>()
            - c.weights[TimeClass::SchoolHours.index()]
    };
    let mut rows = Vec::with_capacity(report.rows.len());
    for rr in &report.rows {
        let Some(z) = report.zones.iter().find(|z| z.school == rr.school) else {
            continue;
        };
        let k = rr.problem_area.unwrap_or(n_areas);
        let mut zone = empty();
        for &i in z
            .members
            .iter()
            .filter(|&&i| in_pop[i] && (k == n_areas || areas.area_of()[i] == k))
        {
            add(&mut zone, &per[i].0, per[i].1);
        }
        let b = &base[k];
        let (known, out) = (known_of(&zone), out_of(&zone));
        let p0 = out_of(b) / known_of(b) as f64;
        let whole = (out.round() as u64).min(known);
        let (lo, hi) = clopper_pearson(whole, known, 0.95)?;
        let p_value = if known > 0 && p0 > 0.0 && p0 < 1.0 {
            binomial_test_two_sided(whole, known, p0)?
        } else {
            1.0
        };
        rows.push(TimeClassRow {
            school: rr.school,
            problem_area: rr.problem_area,
            zone,
            elsewhere: *b,
            known_hour: known,
            out_of_hours: out,
            share: out / known as f64,
            share_lower: lo,
            share_upper: hi,
            baseline_share: p0,
            baseline_known_hour: known_of(b),
            p_value,
        });
    }
    Ok(TimeClasses {
        rows,
        totals,
        comparison_area: comparison.label(),
        school_hours: calendar.school_hours(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use crate::schools::{School, SchoolShape, ZoneParams, analyse};
    use crate::time::{IncidentTime, TimeResolution};
    use chrono::DateTime;
    use geo::{MultiPolygon, polygon};

    /// Incidents at `(x, y)` of problem area `area` with `from` and optional `to` (RFC 3339).
    fn scene(rows: &[(f64, f64, usize, &str, &str)]) -> (Incidents, ProblemAreas) {
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (k, (x, y, _, from, to)) in rows.iter().enumerate() {
            let t = DateTime::parse_from_rfc3339(from).unwrap();
            let len = if to.is_empty() {
                0
            } else {
                let end = DateTime::parse_from_rfc3339(to).unwrap();
                u32::try_from((end - t).num_seconds()).unwrap()
            };
            b.push_interval(
                IncidentRecord {
                    x: *x,
                    y: *y,
                    weight: 1.0,
                    category: "c",
                    time: Some(IncidentTime::new(t, TimeResolution::Minute)),
                    id: k.to_string(),
                    lonlat: None,
                },
                len,
            )
            .unwrap();
        }
        let inc = b.build();
        let areas = ProblemAreas::new(
            vec!["vandalism".into(), "violence".into()],
            rows.iter().map(|r| r.2).collect(),
            vec![1.0; rows.len()],
        )
        .unwrap();
        (inc, areas)
    }

    fn study() -> StudyArea {
        StudyArea::new(MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 3000.0, y: 0.0), (x: 3000.0, y: 1000.0), (x: 0.0, y: 1000.0)
        ]]))
        .unwrap()
    }

    #[test]
    fn hand_computed_classes_and_baseline() {
        // School at (500, 500). In its zone, vandalism:
        //  0: across midnight, Tue 2025-03-11 21:00 - Wed 01:00 (1 h evening, 3 h night);
        //  1: across the week boundary into sportlov, Sun 2025-02-16 20:00 - Mon 02:00
        //     (4 h weekend, 2 h holiday);
        //  2: across the spring clock change, Sat 2025-03-29 23:00 - Mon 2025-03-31 01:00 local:
        //     25 real hours (the hour 02-03 on Sunday does not exist): 24 h weekend, 1 h night;
        //  3: a 3-day weekend window, Fri 2025-03-14 16:00 - Mon 07:00 (6 evening, 2 + 7 night,
        //     48 weekend of 63 h);
        //  4: exact, Tue 2025-03-11 10:00 (school hours).
        // Violence in the zone: one exact school-hours incident.
        // Elsewhere (x = 2500), vandalism: 2 exact in school hours, 2 exact in the evening, one with no
        // hour (date only is modelled by an interval over the maximum span: 20 days).
        let rows = [
            (
                450.0,
                500.0,
                0,
                "2025-03-11T21:00:00+01:00",
                "2025-03-12T01:00:00+01:00",
            ),
            (
                460.0,
                500.0,
                0,
                "2025-02-16T20:00:00+01:00",
                "2025-02-17T02:00:00+01:00",
            ),
            (
                470.0,
                500.0,
                0,
                "2025-03-29T23:00:00+01:00",
                "2025-03-31T01:00:00+02:00",
            ),
            (
                480.0,
                500.0,
                0,
                "2025-03-14T16:00:00+01:00",
                "2025-03-17T07:00:00+01:00",
            ),
            (490.0, 500.0, 0, "2025-03-11T10:00:00+01:00", ""),
            (500.0, 510.0, 1, "2025-03-11T10:00:00+01:00", ""),
            (2500.0, 500.0, 0, "2025-03-12T09:00:00+01:00", ""),
            (2500.0, 510.0, 0, "2025-03-12T11:00:00+01:00", ""),
            (2500.0, 520.0, 0, "2025-03-12T18:00:00+01:00", ""),
            (2500.0, 530.0, 0, "2025-03-12T20:00:00+01:00", ""),
            (
                2500.0,
                540.0,
                0,
                "2025-03-01T00:00:00+01:00",
                "2025-03-21T00:00:00+01:00",
            ),
        ];
        let (inc, areas) = scene(&rows);
        let schools = vec![School {
            name: "A".into(),
            level: None,
            shape: SchoolShape::Point([500.0, 500.0]),
        }];
        let st = study();
        let rep = analyse(&inc, &areas, &schools, &st, &ZoneParams::default()).unwrap();
        let cal = SchoolCalendar::swedish_default();
        let t = time_classes(
            &inc,
            &areas,
            &rep,
            &cal,
            &st,
            ComparisonArea::StudyArea,
            &AoristicOptions::default(),
        )
        .unwrap();
        let v = t.rows.iter().find(|r| r.problem_area == Some(0)).unwrap();
        let k = |c: TimeClass| c.index();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let w = &v.zone.weights;
        assert!(close(w[k(TimeClass::SchoolHours)], 1.0), "{w:?}");
        assert!(close(w[k(TimeClass::Evening)], 0.25 + 6.0 / 63.0), "{w:?}");
        assert!(
            close(w[k(TimeClass::Night)], 0.75 + 1.0 / 25.0 + 9.0 / 63.0),
            "{w:?}"
        );
        assert!(
            close(
                w[k(TimeClass::Weekend)],
                4.0 / 6.0 + 24.0 / 25.0 + 48.0 / 63.0
            ),
            "{w:?}"
        );
        assert!(close(w[k(TimeClass::Holiday)], 2.0 / 6.0), "{w:?}");
        assert_eq!((v.zone.totals.interval, v.zone.totals.exact), (4, 1));
        assert_eq!(v.known_hour, 5);
        assert!(close(v.out_of_hours, 4.0));
        assert!(close(v.share, 0.8));
        let sh = v.shares();
        assert!(close(sh[k(TimeClass::SchoolHours)], 0.2));
        // Baseline: the same problem area elsewhere, 2 of 4 with an hour out of hours; the 20-day
        // interval is time unknown. Not clock time (which would be about 76 % out of hours).
        assert_eq!(v.baseline_known_hour, 4);
        assert!(close(v.baseline_share, 0.5));
        assert_eq!(v.elsewhere.totals.too_long, 1);
        assert!(close(v.elsewhere.weights[k(TimeClass::TimeUnknown)], 1.0));
        // Exact binomial by hand: X ~ Bin(5, 0.5), x = 4: 2 * P(X >= 4) = 2 * 6/32.
        assert!(close(v.p_value, 0.375), "{}", v.p_value);
        // The all row: the zone adds the violence school-hours incident; elsewhere is the same five.
        let a = t.rows.iter().find(|r| r.problem_area.is_none()).unwrap();
        assert_eq!(a.known_hour, 6);
        assert!(close(a.share, 4.0 / 6.0));
        assert!(close(a.baseline_share, 0.5));
        // Violence has no incident elsewhere: baseline NaN, not testable.
        let vi = t.rows.iter().find(|r| r.problem_area == Some(1)).unwrap();
        assert!(vi.baseline_share.is_nan() && vi.p_value == 1.0);
        assert_eq!(t.totals.interval, 4);
        assert_eq!(t.totals.too_long, 1);
        // The same on one thread and on two.
        let run = |n: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
                .install(|| {
                    time_classes(
                        &inc,
                        &areas,
                        &rep,
                        &cal,
                        &st,
                        ComparisonArea::StudyArea,
                        &AoristicOptions::default(),
                    )
                    .unwrap()
                })
        };
        // (Debug text: a NaN baseline is not == itself.)
        assert_eq!(format!("{:?}", run(1)), format!("{t:?}"));
        assert_eq!(format!("{:?}", run(2)), format!("{t:?}"));
    }
}
