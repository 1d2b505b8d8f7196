//! The plan's out-of-sample check and its weekday / hour tests on seeded town scenes.

use super::*;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::patrol::holdout::HoldoutOutcome;
use crate::time::{IncidentTime, TimeResolution};
use crate::{Crs, StudyArea};
use chrono::{Datelike, TimeZone};
use geo::Area;
use rand::{RngExt, SeedableRng};

/// One incident of the scene: position, local time, problem area (0 violence, 1 vandalism, 2 other,
/// 3 fraud).
type Row = (f64, f64, chrono::DateTime<chrono::FixedOffset>, usize);

/// A 4 km × 4 km town over 2025: a square at (1000, 1000) with violence on Friday nights (70 % of its
/// incidents on Fridays 20-23, the rest any day and hour), a street at (3000, 3000) with vandalism on
/// any day and hour, 800 background incidents on any day and hour, and 150 telephone-fraud reports (not
/// patrollable) at an elderly home at (2000, 600). Every incident's month is uniform over the year.
fn year_town(seed: u64) -> Vec<Row> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let tz = chrono::FixedOffset::east_opt(3600).unwrap();
    let mut rows = Vec::new();
    let any_time = |rng: &mut rand_chacha::ChaCha8Rng| {
        let d = chrono::NaiveDate::from_ymd_opt(
            2025,
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        )
        .unwrap();
        tz.from_local_datetime(&d.and_hms_opt(rng.random_range(0..24), 0, 0).unwrap())
            .unwrap()
    };
    for _ in 0..140 {
        let (dx, dy) = (rng.random_range(-80.0..80.0), rng.random_range(-80.0..80.0));
        let t = if rng.random_bool(0.7) {
            // A Friday night: move a random day of the year to the Friday of its week.
            let t = any_time(&mut rng);
            let d = t.date_naive();
            let fri = d + chrono::TimeDelta::days(4 - d.weekday().num_days_from_monday() as i64);
            let fri = if fri.year() == 2025 {
                fri
            } else {
                fri - chrono::TimeDelta::days(7)
            };
            tz.from_local_datetime(&fri.and_hms_opt(rng.random_range(20..24), 0, 0).unwrap())
                .unwrap()
        } else {
            any_time(&mut rng)
        };
        rows.push((1000.0 + dx, 1000.0 + dy, t, 0));
    }
    for _ in 0..120 {
        let (dx, dy) = (rng.random_range(-70.0..70.0), rng.random_range(-70.0..70.0));
        rows.push((3000.0 + dx, 3000.0 + dy, any_time(&mut rng), 1));
    }
    for _ in 0..800 {
        let (x, y) = (rng.random_range(0.0..4000.0), rng.random_range(0.0..4000.0));
        rows.push((x, y, any_time(&mut rng), 2));
    }
    for _ in 0..150 {
        let (dx, dy) = (rng.random_range(-30.0..30.0), rng.random_range(-30.0..30.0));
        rows.push((2000.0 + dx, 600.0 + dy, any_time(&mut rng), 3));
    }
    rows
}

fn build(rows: &[Row], with_times: bool) -> (Incidents, ProblemAreas, Vec<bool>) {
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for &(x, y, t, a) in rows {
        b.push(IncidentRecord {
            x,
            y,
            weight: 1.0,
            category: ["violence", "vandalism", "other", "fraud"][a],
            time: with_times.then(|| IncidentTime::new(t, TimeResolution::Minute)),
            id: String::new(),
            lonlat: None,
        })
        .unwrap();
    }
    let names = ["violence", "vandalism", "other", "fraud"]
        .map(String::from)
        .to_vec();
    let area_of: Vec<usize> = rows.iter().map(|r| r.3).collect();
    let harm = area_of.iter().map(|&a| [3.0, 2.0, 1.0, 5.0][a]).collect();
    let patrollable = area_of.iter().map(|&a| a != 3).collect();
    (
        b.build(),
        ProblemAreas::new(names, area_of, harm).unwrap(),
        patrollable,
    )
}

fn square() -> StudyArea {
    StudyArea::new(MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: 0.0, y: 0.0},
            geo::coord! {x: 4000.0, y: 4000.0},
        )
        .to_polygon(),
    ]))
    .unwrap()
}

fn run(rows: &[Row], with_times: bool, params: &PlanParams) -> Result<PatrolPlan> {
    let (inc, areas, flags) = build(rows, with_times);
    let study = square();
    plan(
        PlanInput {
            incidents: &inc,
            areas: &areas,
            schools: &[],
            study: Some(&study),
            candidates: &[],
            patrollable: Some(&flags),
        },
        params,
    )
}

#[test]
fn zones_chosen_on_nine_months_are_scored_on_the_last_three_then_refitted() {
    let rows = year_town(11);
    let params = PlanParams::new(3, 250.0, 0.0).unwrap();
    let p = run(&rows, true, &params).unwrap();
    let HoldoutOutcome::Scored(h) = &p.holdout else {
        panic!("not scored: {:?}", p.holdout)
    };
    // 12 months: the default holds out the last quarter, October to December.
    assert_eq!((h.split.span_months, h.split.holdout_months), (12, 3));
    assert_eq!(h.split.holdout_from.to_string(), "2025-10");
    assert!(h.split.holdout_is_default && h.refitted);
    assert_eq!(h.scored, "patrollable");
    // The parts hold the patrollable incidents of their months, counted directly.
    let months = |r: &Row| r.2.month();
    let train_n = rows.iter().filter(|r| r.3 != 3 && months(r) < 10).count();
    let test_n = rows.iter().filter(|r| r.3 != 3 && months(r) >= 10).count();
    assert_eq!(
        (h.split.train_incidents, h.split.test_incidents),
        (train_n, test_n)
    );
    // Brute force: held-out incidents within the radius of a training zone's centre (the zone is a
    // polygon inscribed in the circle; no incident lies in the 1 m band where the two could differ).
    let dist = |r: &Row, c: [f64; 2]| (r.0 - c[0]).hypot(r.1 - c[1]);
    let centres: Vec<[f64; 2]> = h.training_zones.iter().map(|z| z.centre).collect();
    let test_rows: Vec<&Row> = rows
        .iter()
        .filter(|r| r.3 != 3 && months(r) >= 10)
        .collect();
    assert!(
        test_rows
            .iter()
            .all(|r| centres.iter().all(|&c| (dist(r, c) - 250.0).abs() > 1.0))
    );
    let hits = test_rows
        .iter()
        .filter(|r| centres.iter().any(|&c| dist(r, c) < 250.0))
        .count();
    assert_eq!(h.score.held_out.in_zones, hits);
    let hit = hits as f64 / test_n as f64;
    assert!((h.score.held_out.hit_rate - hit).abs() < 1e-12);
    // PAI = hit rate / area share; the zones are disjoint, so the union is the sum of their areas.
    let area: f64 = h
        .training_zones
        .iter()
        .map(|z| z.geometry.unsigned_area())
        .sum();
    let share = area / 16e6;
    assert!((h.score.area_share - share).abs() < 1e-9);
    assert!((h.score.held_out.pai - hit / share).abs() < 1e-6 * hit / share);
    // The two stable places are found on nine months and still hold the next three: out of sample
    // the zones catch far more than their area share, and somewhat less than in sample.
    assert!(h.score.held_out.pai > 5.0, "{}", h.score.held_out.pai);
    assert!(h.score.held_out.hit_rate <= h.score.in_sample.hit_rate + 0.05);
    // Refitted on every month: the plan's zones sit where the training zones were.
    assert_eq!(h.refit_match.len(), p.zones.len());
    assert!(h.refit_match[0].is_some() && h.refit_match[1].is_some());
    // No zone on the phone-fraud cluster, in training or refitted.
    for c in centres.iter().chain(p.zones.iter().map(|z| &z.centre)) {
        assert!((c[0] - 2000.0).hypot(c[1] - 600.0) > 250.0, "{c:?}");
    }
    // Explicit months and "off".
    let p2 = run(
        &rows,
        true,
        &params.clone().holdout(HoldoutChoice::Months(2)).unwrap(),
    )
    .unwrap();
    assert_eq!(
        p2.holdout.scored().unwrap().split.holdout_from.to_string(),
        "2025-11"
    );
    let p0 = run(
        &rows,
        true,
        &params.clone().holdout(HoldoutChoice::Off).unwrap(),
    )
    .unwrap();
    assert_eq!(p0.holdout, HoldoutOutcome::Off);
    // The recommended zones do not depend on the check.
    assert_eq!(
        p0.zones.iter().map(|z| z.centre).collect::<Vec<_>>(),
        p.zones.iter().map(|z| z.centre).collect::<Vec<_>>()
    );
}

#[test]
fn without_times_or_a_long_enough_span_the_check_says_why() {
    let rows = year_town(12);
    let params = PlanParams::new(2, 250.0, 0.0).unwrap();
    let p = run(&rows, false, &params).unwrap();
    match &p.holdout {
        HoldoutOutcome::NotScored { reason } => {
            assert!(reason.contains("no incident has a time"), "{reason}")
        }
        o => panic!("{o:?}"),
    }
    // One month only.
    let march: Vec<Row> = rows.iter().copied().filter(|r| r.2.month() == 3).collect();
    let p = run(&march, true, &params).unwrap();
    match &p.holdout {
        HoldoutOutcome::NotScored { reason } => assert!(reason.contains("one month"), "{reason}"),
        o => panic!("{o:?}"),
    }
    // Holding out every month leaves nothing to train on: an error naming the key.
    let e = run(
        &rows,
        true,
        &params.clone().holdout(HoldoutChoice::Months(12)).unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("holdout"), "{e}");
    assert!(params.clone().holdout(HoldoutChoice::Months(500)).is_err());
}

#[test]
fn a_friday_night_zone_names_friday_and_a_noise_zone_reads_any_day() {
    for seed in [11, 21, 31] {
        let rows = year_town(seed);
        let p = run(&rows, true, &PlanParams::new(2, 250.0, 0.0).unwrap()).unwrap();
        let near = |c: [f64; 2], x: f64, y: f64| (c[0] - x).hypot(c[1] - y) < 250.0;
        let square = p
            .zones
            .iter()
            .find(|z| near(z.centre, 1000.0, 1000.0))
            .unwrap();
        let street = p
            .zones
            .iter()
            .find(|z| near(z.centre, 3000.0, 3000.0))
            .unwrap_or_else(|| {
                panic!("{:?}", p.zones.iter().map(|z| z.centre).collect::<Vec<_>>())
            });
        // The square: Friday first, and its hours (20-24) differ from the area's.
        assert_eq!(
            square.top_days.first(),
            Some(&4),
            "seed {seed}: {:?}",
            square.profile.weekday
        );
        assert!(square.profile.weekday.p_adjusted < 0.001);
        assert!(square.profile.hour.distinct());
        // The street's days and hours differ from the area's only by noise: any day.
        assert!(
            street.top_days.is_empty(),
            "seed {seed}: {:?}",
            street.profile.weekday
        );
        assert!(
            !street.profile.hour.distinct(),
            "seed {seed}: {:?}",
            street.profile.hour
        );
        // Yet its busiest days are still there to show beside the counts.
        assert_eq!(street.busiest_days.len(), 3);
        // The counts tested are the zone's patrollable incidents, one per weekday.
        let n: u64 = street.profile.weekday.counts.iter().sum();
        assert_eq!(n as usize, street.members.len());
        // Holm over the plan: adjusted p-values are never below the raw ones.
        for z in &p.zones {
            assert!(z.profile.weekday.p_adjusted >= z.profile.weekday.p_value);
            assert!(z.profile.hour.p_adjusted >= z.profile.hour.p_value);
        }
    }
}
