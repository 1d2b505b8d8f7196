use super::*;
use crate::ingest::{ReadOptions, read_path};
use crate::schools::SchoolShape;
use rand::{RngExt, SeedableRng};

/// A small town near Vingåker (lon/lat): a square with evening violence ("Misshandel") 300 m east of
/// a school with afternoon vandalism ("Skadegörelse") around it, and scattered thefts.
fn town_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let mut text = String::from("id,datetime,latitude,longitude,category\n");
    let (lon0, lat0) = (15.87f64, 59.04f64);
    let m_lon = 1.0 / (111_320.0 * lat0.to_radians().cos());
    let m_lat = 1.0 / 111_320.0;
    let mut id = 0;
    let mut row = |dx: f64, dy: f64, day: u32, hour: u32, cat: &str| {
        id += 1;
        text.push_str(&format!(
            "{id},2025-03-{day:02}T{hour:02}:15:00+01:00,{:.6},{:.6},{cat}\n",
            lat0 + dy * m_lat,
            lon0 + dx * m_lon
        ));
    };
    for _ in 0..150 {
        let (dx, dy) = (rng.random_range(-60.0..60.0), rng.random_range(-60.0..60.0));
        row(
            1500.0 + dx,
            1500.0 + dy,
            rng.random_range(1..29),
            rng.random_range(20..23),
            "Misshandel",
        );
    }
    for _ in 0..80 {
        let (dx, dy) = (rng.random_range(-80.0..80.0), rng.random_range(-80.0..80.0));
        row(
            1500.0 + dx,
            500.0 + dy,
            rng.random_range(1..29),
            rng.random_range(13..16),
            "Skadegörelse",
        );
    }
    for _ in 0..100 {
        row(
            rng.random_range(0.0..3000.0),
            rng.random_range(0.0..3000.0),
            rng.random_range(1..29),
            rng.random_range(0..24),
            "Stöld",
        );
    }
    let p = dir.join("town.csv");
    std::fs::write(&p, text).unwrap();
    p
}

fn build(public: bool) -> (Situation, Ingested) {
    // A fresh folder per call: tests run in parallel threads of one process.
    let dir = tempfile::tempdir().unwrap();
    let data = read_path(&town_csv(dir.path()), &ReadOptions::default()).unwrap();
    let params = SituationParams::new(&SituationKeys {
        public: Some(public),
        patrol_zones: Some(2),
        patrol_radius_m: Some(150.0),
        ..Default::default()
    })
    .unwrap();
    let table = CategoryTable::default_table();
    let s = situation(
        SituationInput {
            data: &data,
            categories: &table,
            schools: &[],
            water: None,
            at_risk: None,
            basemap: None,
            name_lang: crate::basemap::NameLang::Sv,
            followup: None,
            perception: None,
        },
        &params,
    )
    .unwrap();
    (s, data)
}

#[test]
fn counts_and_the_patrol_plan_are_those_of_the_library_calls() {
    let (s, data) = build(false);
    assert_eq!(s.counts.total, 330);
    assert_eq!(s.rows_read, 330);
    let area = |a: ProblemArea| s.counts.by_area[a.index()];
    assert_eq!(area(ProblemArea::ViolenceThreats), 150);
    assert_eq!(area(ProblemArea::VandalismGraffitiLittering), 80);
    assert_eq!(s.counts.by_area.iter().sum::<u64>(), 330);
    // Evening violence: the 20-22 o'clock cells of the week table hold at least the 150 incidents.
    let evening: u64 = s
        .counts
        .hour_weekday
        .iter()
        .map(|d| d[20] + d[21] + d[22])
        .sum();
    assert!(evening >= 150);
    // The patrol plan is patrol::plan with the same defaults on the same data.
    let cls = CategoryTable::default_table().classify(&data.incidents);
    let direct = crate::patrol::plan(
        PlanInput {
            incidents: &data.incidents,
            areas: &ProblemAreas::from_classification(&cls),
            schools: &[],
            study: None,
            candidates: &[],
            patrollable: Some(cls.patrollable()),
        },
        &PlanParams::new(2, 150.0, 0.0).unwrap(),
    )
    .unwrap();
    let p = s.patrol.done().unwrap();
    let a: Vec<_> = p.zones.iter().map(|z| z.centre).collect();
    let b: Vec<_> = direct.zones.iter().map(|z| z.centre).collect();
    assert_eq!(a, b);
    // Zone 1 on the square (most harm), found from the data alone.
    let sq = p.zones[0].categories[0].clone();
    assert_eq!(sq.0, "violence");
    // Schools were not given: skipped, not failed.
    assert!(matches!(
        s.schools_report,
        Outcome::Skipped(Skip::NoSchools)
    ));
    // The hotspot list is ranked 1.. and each holds at least hotspot_min_incidents.
    let d = s.density.done().unwrap();
    assert!(!d.hotspots.hotspots.is_empty());
    for (k, h) in d.hotspots.hotspots.iter().enumerate() {
        assert_eq!(h.rank, k + 1);
        assert!(h.incidents as u64 >= s.params.hotspot_min_incidents);
    }
    // The serialisation is the analyses object, with the counts of the incidents.
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v, s.analyses_value());
    assert_eq!(v["counts"]["incidents"], 330);
    assert_eq!(v["patrol"]["zones"].as_array().unwrap().len(), 2);
    assert!(crate::disclosure::check(&s).is_ok());
}

#[test]
fn the_public_form_keeps_the_disclosure_rules() {
    let (s, _) = build(true);
    assert!(s.suppress.public);
    crate::disclosure::check(&s).unwrap();
    let p = s.patrol.done().unwrap();
    for z in &p.zones {
        assert_eq!(z.centre, crate::disclosure::snap_centre(z.centre));
    }
    let d = s.density.done().unwrap();
    assert!(d.hotspots.hotspots.iter().all(|h| h.incidents as u64 >= 5));
    // Counts below min_count are null in the serialisation, others shown.
    assert_eq!(s.count(3), None);
    assert_eq!(s.count(0), Some(0));
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["counts"]["incidents"], 330);
    // A tampered public situation fails the check.
    let mut bad = s.clone();
    if let Outcome::Done(p) = &mut bad.patrol {
        p.zones[0].centre[0] += 1.0;
    }
    assert!(crate::disclosure::check(&bad).is_err());
}

#[test]
fn schools_without_a_boundary_are_skipped_and_with_one_analysed() {
    let (_, mut data) = build(false);
    let school = School {
        name: "Skolan".into(),
        level: None,
        shape: SchoolShape::Point(data.incidents.position(200)),
    };
    let table = CategoryTable::default_table();
    let params = SituationParams::default();
    let schools = std::slice::from_ref(&school);
    let s = situation(
        SituationInput {
            data: &data,
            categories: &table,
            schools,
            water: None,
            at_risk: None,
            basemap: None,
            name_lang: crate::basemap::NameLang::Sv,
            followup: None,
            perception: None,
        },
        &params,
    )
    .unwrap();
    assert!(matches!(
        s.schools_report,
        Outcome::Skipped(Skip::NoBoundary)
    ));
    let [x0, y0, x1, y1] = data.incidents.bbox().unwrap();
    data.study_area = StudyArea::new(geo::MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: x0 - 100.0, y: y0 - 100.0},
            geo::coord! {x: x1 + 100.0, y: y1 + 100.0},
        )
        .to_polygon(),
    ]));
    let s = situation(
        SituationInput {
            data: &data,
            categories: &table,
            schools,
            water: None,
            at_risk: None,
            basemap: None,
            name_lang: crate::basemap::NameLang::Sv,
            followup: None,
            perception: None,
        },
        &params,
    )
    .unwrap();
    let rep = s.schools_report.done().unwrap();
    assert_eq!(school_ranking(rep).len(), 1);
    assert!(s.analyses_value()["schools"]["ranking"][0]["school"] == "Skolan");
}

#[test]
fn results_are_named_and_recommendations_follow_the_plan() {
    use crate::basemap::{Basemap, NameKind, NameLang, Place};
    let (mut s, _) = build(false);
    let plan = s.patrol.done().unwrap().clone();
    // The evening-violence square is the first zone; put "Torget" 40 m from its centre and a
    // station 2 km away.
    let c = plan.zones[0].centre;
    let bm = Basemap {
        places: vec![
            Place {
                name: "Torget".into(),
                kind: "square".into(),
                xy: [c[0] + 40.0, c[1]],
            },
            Place {
                name: "Station".into(),
                kind: "station".into(),
                xy: [c[0] + 2000.0, c[1] + 2000.0],
            },
        ],
        ..Default::default()
    };
    s.names = names::name_results(&s, &bm, 150.0, NameLang::Sv).unwrap();
    assert_eq!(s.names.patrol.len(), plan.zones.len());
    let n0 = s.names.patrol[0].as_ref().unwrap();
    assert_eq!(
        (n0.name.as_str(), n0.kind, n0.distance_m),
        ("Torget", NameKind::Place, 40.0)
    );
    let recs = s.recommendations();
    assert_eq!(recs.len(), plan.zones.len());
    assert_eq!(recs[0].place.as_deref(), Some("Torget"));
    // 150 assaults at 20-22 h: violence is the zone's main area and the hours are the evening.
    assert_eq!(recs[0].problem_areas[0], "violence");
    let start: u32 = recs[0].hours[..2].parse().unwrap();
    assert!((20..=22).contains(&start), "{}", recs[0].hours);
    assert_eq!(recs[0].days.len(), plan.zones[0].top_days.len());
    let v = s.recommendations_value();
    assert_eq!(v[0]["rank"], 1);
    assert_eq!(v[0]["place"], "Torget");
    // A hotspot at the square is named too; far results get "nära X (N m)".
    let hs = &s.names.hotspots;
    assert!(!hs.is_empty());
    assert!(hs.iter().flatten().any(|n| n.name == "Torget"));
    assert!(
        hs.iter()
            .flatten()
            .all(|n| n.kind != NameKind::Near || n.name.starts_with("nära "))
    );
}

/// The patrol windows of the situation use the aoristic weights in the time zone and with the
/// maximum span the situation is given (issue 19): 30 assaults "between Friday 23:00 and Saturday
/// 01:00" and 30 "between Sunday 23:30 and Monday 00:30" at one square, 40 thefts elsewhere.
#[test]
fn situation_passes_the_time_zone_and_span_to_the_patrol_windows() {
    let dir =
        std::env::temp_dir().join(format!("hotspot-situation-aoristic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (lon0, lat0) = (15.87f64, 59.04f64);
    let m_lon = 1.0 / (111_320.0 * lat0.to_radians().cos());
    let mut text = String::from("id,from,to,latitude,longitude,category\n");
    for k in 0..60 {
        let (f, t) = if k % 2 == 0 {
            ("2025-03-14T23:00:00+01:00", "2025-03-15T01:00:00+01:00")
        } else {
            ("2025-03-16T23:30:00+01:00", "2025-03-17T00:30:00+01:00")
        };
        let dx = (k % 10) as f64 * 5.0;
        text.push_str(&format!(
            "{k},{f},{t},{lat0:.6},{:.6},Misshandel\n",
            lon0 + dx * m_lon
        ));
    }
    for k in 0..40 {
        let dx = 1000.0 + 60.0 * k as f64;
        text.push_str(&format!(
            "t{k},2025-03-{:02}T{:02}:10:00+01:00,,{:.6},{:.6},Stöld\n",
            1 + k % 28,
            k % 24,
            lat0 + 0.01,
            lon0 + dx * m_lon
        ));
    }
    let p = dir.join("intervals.csv");
    std::fs::write(&p, text).unwrap();
    let data = read_path(&p, &ReadOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let table = CategoryTable::default_table();
    let run = |aoristic: crate::temporal::AoristicOptions| {
        let mut params = SituationParams::new(&SituationKeys {
            patrol_zones: Some(1),
            patrol_radius_m: Some(150.0),
            ..Default::default()
        })
        .unwrap();
        params.aoristic = aoristic;
        let s = situation(SituationInput::new(&data, &table, &[]), &params).unwrap();
        s.patrol.done().unwrap().zones[0].clone()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // Stockholm (UTC+1 in March): half of each interval in each hour, by hand.
    let z = run(crate::temporal::AoristicOptions::default());
    assert_eq!(z.with_interval, 60);
    let w = &z.week_weights;
    assert!(
        close(w[4][23], 15.0) && close(w[5][0], 15.0),
        "Fri 23 / Sat 00"
    );
    assert!(
        close(w[6][23], 15.0) && close(w[0][0], 15.0),
        "Sun 23 / Mon 00 across the week"
    );
    assert_eq!(z.windows.label(), "23-01");
    // Walked in UTC the same instants fall an hour earlier: Fri 22-24, Sun 22-24.
    let z = run(crate::temporal::AoristicOptions {
        timezone: chrono_tz::UTC,
        ..Default::default()
    });
    let w = &z.week_weights;
    assert!(close(w[4][22], 15.0) && close(w[4][23], 15.0));
    assert!(close(w[6][22], 15.0) && close(w[6][23], 15.0) && close(w[0][0], 0.0));
    assert_eq!(z.windows.label(), "22-00");
    // A maximum span shorter than the intervals: they count as without an hour.
    let z = run(crate::temporal::AoristicOptions {
        max_span_days: 0.01,
        ..Default::default()
    });
    assert_eq!((z.with_interval, z.windows.without_hour), (0, 60));
}
