use super::*;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use crate::{Crs, StudyArea};
use chrono::TimeZone;
use rand::{RngExt, SeedableRng};

/// A small town 4 km × 4 km: a busy square at (1000, 1000) in the evenings (violence), a school yard
/// at (3000, 3000) in the afternoons (vandalism), and scattered background ("other").
/// Returns the incidents, their problem areas and the study area.
fn town(seed: u64) -> (Incidents, ProblemAreas, StudyArea) {
    let (inc, areas, study, _) = town_with_fraud(seed, 0);
    (inc, areas, study)
}

/// [`town`] plus `fraud` telephone-fraud reports (harm 5 each, not patrollable) at an elderly home at
/// (2000, 600); returns also the patrollable flag of each incident.
fn town_with_fraud(seed: u64, fraud: usize) -> (Incidents, ProblemAreas, StudyArea, Vec<bool>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    let mut area_of = Vec::new();
    let mut harm = Vec::new();
    let tz = chrono::FixedOffset::east_opt(3600).unwrap();
    let mut push = |x: f64, y: f64, day: u32, hour: u32, area: usize, h: f64| {
        let t = tz.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap();
        b.push(IncidentRecord {
            x,
            y,
            weight: 1.0,
            category: ["violence", "vandalism", "other", "fraud"][area],
            time: Some(IncidentTime::new(t, TimeResolution::Minute)),
            id: String::new(),
            lonlat: None,
        })
        .unwrap();
        area_of.push(area);
        harm.push(h);
    };
    for _ in 0..120 {
        let (dx, dy) = (rng.random_range(-80.0..80.0), rng.random_range(-80.0..80.0));
        push(
            1000.0 + dx,
            1000.0 + dy,
            rng.random_range(1..29),
            rng.random_range(20..23),
            0,
            3.0,
        );
    }
    for _ in 0..60 {
        let (dx, dy) = (rng.random_range(-60.0..60.0), rng.random_range(-60.0..60.0));
        push(
            3000.0 + dx,
            3000.0 + dy,
            rng.random_range(1..29),
            rng.random_range(14..16),
            1,
            2.0,
        );
    }
    for _ in 0..80 {
        push(
            rng.random_range(0.0..4000.0),
            rng.random_range(0.0..4000.0),
            rng.random_range(1..29),
            rng.random_range(0..24),
            2,
            1.0,
        );
    }
    for _ in 0..fraud {
        let (dx, dy) = (rng.random_range(-30.0..30.0), rng.random_range(-30.0..30.0));
        push(
            2000.0 + dx,
            600.0 + dy,
            rng.random_range(1..29),
            rng.random_range(9..17),
            3,
            5.0,
        );
    }
    let inc = b.build();
    let mut names: Vec<String> = vec!["violence".into(), "vandalism".into(), "other".into()];
    if fraud > 0 {
        names.push("fraud".into());
    }
    let patrollable = area_of.iter().map(|&a| a != 3).collect();
    let areas = ProblemAreas::new(names, area_of, harm).unwrap();
    let study = StudyArea::new(MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: 0.0, y: 0.0},
            geo::coord! {x: 4000.0, y: 4000.0},
        )
        .to_polygon(),
    ]))
    .unwrap();
    (inc, areas, study, patrollable)
}

fn input<'a>(inc: &'a Incidents, areas: &'a ProblemAreas, study: &'a StudyArea) -> PlanInput<'a> {
    PlanInput {
        incidents: inc,
        areas,
        schools: &[],
        study: Some(study),
        candidates: &[],
        patrollable: None,
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[test]
fn the_two_hot_places_are_the_first_two_zones_at_their_hours() {
    let (inc, areas, study) = town(7);
    let p = plan(
        input(&inc, &areas, &study),
        &PlanParams::new(2, 150.0, 0.0).unwrap(),
    )
    .unwrap();
    assert_eq!(p.zones.len(), 2);
    // Zone 1 on the square (the most harm), zone 2 on the school yard.
    assert!(
        dist(p.zones[0].centre, [1000.0, 1000.0]) < 100.0,
        "{:?}",
        p.zones[0].centre
    );
    assert!(
        dist(p.zones[1].centre, [3000.0, 3000.0]) < 100.0,
        "{:?}",
        p.zones[1].centre
    );
    // The square's windows lie in the evening, the yard's in the afternoon.
    assert!(
        p.zones[0]
            .windows
            .starts
            .iter()
            .all(|&h| (19..=22).contains(&h)),
        "{:?}",
        p.zones[0].windows
    );
    assert!(
        p.zones[1]
            .windows
            .starts
            .iter()
            .all(|&h| (13..=15).contains(&h)),
        "{:?}",
        p.zones[1].windows
    );
    assert!(p.zones[0].windows.share() >= DEFAULT_WINDOW_SHARE);
    // Categories: violence first in zone 1, counted from the members.
    assert_eq!(p.zones[0].categories[0].0, "violence");
    let n: usize = p.zones[0].categories.iter().map(|c| c.1).sum();
    assert_eq!(n, p.zones[0].incidents);
    // Week table holds every member (all have an hour).
    let w: u64 = p.zones[0].week.iter().flatten().sum();
    assert_eq!(w as usize, p.zones[0].incidents);
    // Covered harm is the greedy's and at most the total.
    assert!(p.covered_harm <= p.total_harm && p.covered_harm > 0.5 * 3.0 * 120.0);
    assert!((p.total_harm - (120.0 * 3.0 + 60.0 * 2.0 + 80.0)).abs() < 1e-9);
}

#[test]
fn the_plan_is_the_pipeline_of_its_parts() {
    // Same zones as the library's pieces called by hand (default candidates, greedy, zone_stats).
    let (inc, areas, study) = town(11);
    let params = PlanParams::new(3, 200.0, 0.0).unwrap();
    let p = plan(input(&inc, &areas, &study), &params).unwrap();
    let cands =
        candidate_set(&inc, areas.harm(), 200.0, &CandidateSources::default(), &[]).unwrap();
    let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
    let problem =
        CoverProblem::new(inc.x(), inc.y(), areas.harm(), &centres, params.zones()).unwrap();
    let sel = problem.greedy(3, &[]).unwrap();
    let got: Vec<[f64; 2]> = p.zones.iter().map(|z| z.centre).collect();
    let want: Vec<[f64; 2]> = sel.chosen.iter().map(|&c| centres[c]).collect();
    assert_eq!(got, want);
    assert_eq!(p.covered_harm, sel.covered_weight);
    // The printed shares: covered incidents over all analysed (no filter: every incident).
    assert_eq!(p.analysed, inc.len());
    assert_eq!(
        p.covered_incident_share(),
        sel.covered_count as f64 / inc.len() as f64
    );
    assert_eq!(p.covered_share(), sel.covered_weight / p.total_harm);
}

#[test]
fn route_starts_at_zone_one_or_the_given_point() {
    let (inc, areas, study) = town(3);
    let p = plan(
        input(&inc, &areas, &study),
        &PlanParams::new(3, 150.0, 0.0).unwrap(),
    )
    .unwrap();
    let r = p.route.as_ref().unwrap();
    assert!(!r.from_start_point);
    assert_eq!(r.order[0], 0);
    let mut sorted = r.order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2]);
    // The closed tour's length by hand.
    let c: Vec<[f64; 2]> = r.order.iter().map(|&k| p.zones[k].centre).collect();
    let by_hand: f64 = (0..c.len()).map(|i| dist(c[i], c[(i + 1) % c.len()])).sum();
    assert!((r.length_m - by_hand).abs() < 1e-6);
    let start = [0.0, 0.0];
    let q = plan(
        input(&inc, &areas, &study),
        &PlanParams::new(3, 150.0, 0.0).unwrap().start(Some(start)),
    )
    .unwrap();
    let r = q.route.unwrap();
    assert!(r.from_start_point);
    assert_eq!(r.order.len(), 3);
    // Same zones whatever the start.
    let a: Vec<_> = p.zones.iter().map(|z| z.centre).collect();
    let b: Vec<_> = q.zones.iter().map(|z| z.centre).collect();
    assert_eq!(a, b);
}

#[test]
fn area_and_period_filters_and_bad_parameters() {
    let (inc, areas, study) = town(5);
    let only = PlanParams::new(1, 150.0, 0.0)
        .unwrap()
        .areas(vec!["vandalism".into()]);
    let p = plan(input(&inc, &areas, &study), &only).unwrap();
    assert_eq!(p.analysed, 60);
    assert!(dist(p.zones[0].centre, [3000.0, 3000.0]) < 100.0);
    let bad = PlanParams::new(1, 150.0, 0.0)
        .unwrap()
        .areas(vec!["drugs".into()]);
    let e = plan(input(&inc, &areas, &study), &bad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("areas") && e.contains("violence, vandalism, other"),
        "{e}"
    );
    // A period of the first week keeps only incidents dated 1-7 March.
    let d = |day| NaiveDate::from_ymd_opt(2025, 3, day).unwrap();
    let week = PlanParams::new(1, 150.0, 0.0)
        .unwrap()
        .period(Some(d(1)), Some(d(7)))
        .unwrap();
    let p = plan(input(&inc, &areas, &study), &week).unwrap();
    let by_hand = inc
        .times()
        .iter()
        .filter(|t| t.as_ref().and_then(|t| t.date()).is_some_and(|x| x <= d(7)))
        .count();
    assert_eq!(p.analysed, by_hand);
    assert!(
        PlanParams::new(1, 150.0, 0.0)
            .unwrap()
            .period(Some(d(7)), Some(d(1)))
            .is_err()
    );
    assert!(
        PlanParams::new(1, 150.0, 0.0)
            .unwrap()
            .window_share(0.0)
            .is_err()
    );
    assert!(
        PlanParams::new(1, 150.0, 0.0)
            .unwrap()
            .visits(400, 1)
            .is_err()
    );
    let forced = PlanParams::new(1, 150.0, 0.0)
        .unwrap()
        .force_top_school(300.0)
        .unwrap();
    let e = plan(input(&inc, &areas, &study), &forced)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--schools"), "{e}");
}

#[test]
fn without_a_study_area_the_padded_box_is_used() {
    let (inc, areas, _) = town(9);
    let mut i = PlanInput {
        incidents: &inc,
        areas: &areas,
        schools: &[],
        study: None,
        candidates: &[],
        patrollable: None,
    };
    let p = plan(i, &PlanParams::new(1, 100.0, 0.0).unwrap()).unwrap();
    assert!(p.study_area_is_box);
    let [x0, y0, x1, y1] = inc.bbox().unwrap();
    let want = (x1 - x0 + 200.0) * (y1 - y0 + 200.0);
    assert!((p.study.area_m2() - want).abs() < 1e-6 * want);
    i.candidates = &[[3500.0, 500.0]];
    let p = plan(i, &PlanParams::new(2, 100.0, 0.0).unwrap()).unwrap();
    assert!(p.candidates.iter().any(|(s, n)| s == "file" && *n == 1));
}

#[test]
fn a_fraud_cluster_draws_a_zone_only_when_every_incident_is_included() {
    // 200 fraud reports × harm 5 = 1000 outweigh the square (120 × 3 = 360) and the yard (60 × 2).
    let (inc, areas, study, flags) = town_with_fraud(7, 200);
    let home = [2000.0, 600.0];
    let i = PlanInput {
        patrollable: Some(&flags),
        ..input(&inc, &areas, &study)
    };
    let p = plan(i, &PlanParams::new(2, 150.0, 0.0).unwrap()).unwrap();
    for z in &p.zones {
        assert!(
            dist(z.centre, home) > 150.0,
            "a zone on the fraud cluster: {:?}",
            z.centre
        );
    }
    assert!(
        dist(p.zones[0].centre, [1000.0, 1000.0]) < 100.0,
        "{:?}",
        p.zones[0].centre
    );
    assert!(
        dist(p.zones[1].centre, [3000.0, 3000.0]) < 100.0,
        "{:?}",
        p.zones[1].centre
    );
    assert!(!p.include_all);
    assert_eq!(p.patrollable.excluded_incidents, 200);
    assert!((p.patrollable.excluded_harm - 1000.0).abs() < 1e-9);
    assert_eq!(p.patrollable.weighed_incidents, 260);
    // The fraud reports stay in the incidents analysed; the harm the zones weigh leaves them out.
    assert_eq!(p.analysed, 460);
    assert!((p.total_harm - (120.0 * 3.0 + 60.0 * 2.0 + 80.0)).abs() < 1e-9);
    let all = plan(
        i,
        &PlanParams::new(2, 150.0, 0.0).unwrap().include_all(true),
    )
    .unwrap();
    assert!(all.include_all);
    assert_eq!(all.patrollable.excluded_incidents, 0);
    assert!(
        dist(all.zones[0].centre, home) < 100.0,
        "{:?}",
        all.zones[0].centre
    );
    assert!((all.total_harm - (1000.0 + 560.0)).abs() < 1e-9);
    // Without flags (no category table) every incident is patrollable.
    let none = plan(
        input(&inc, &areas, &study),
        &PlanParams::new(2, 150.0, 0.0).unwrap(),
    )
    .unwrap();
    assert_eq!(none.zones[0].centre, all.zones[0].centre);
}
