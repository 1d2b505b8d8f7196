use super::*;
use crate::crs::Crs;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use chrono::{FixedOffset, TimeZone};
use geo::polygon;

fn t(y: i32, m: u32, d: u32, h: u32, res: TimeResolution) -> Option<IncidentTime> {
    let off = FixedOffset::east_opt(3600).unwrap();
    Some(IncidentTime::new(
        off.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap(),
        res,
    ))
}

/// The constructed case (metres):
/// study area 0..2000 × 0..1000 (2 km²); school A point (500,500), B point (800,500) (zones overlap),
/// C grounds 1600..1700 × 400..600.
fn case() -> (Incidents, ProblemAreas, Vec<School>, StudyArea) {
    use TimeResolution::{Day, Minute};
    let rows: Vec<(f64, f64, &str, Option<IncidentTime>)> = vec![
        (400.0, 500.0, "vandalism", t(2025, 3, 11, 19, Minute)), // A; evening
        (400.0, 500.0, "vandalism", t(2025, 3, 15, 2, Minute)),  // A; weekend
        (650.0, 500.0, "violence", t(2025, 3, 11, 10, Minute)),  // A and B; school hours
        (800.0, 600.0, "vandalism", t(2025, 3, 12, 0, Day)),     // B; time unknown
        (1650.0, 500.0, "violence", t(2025, 2, 19, 23, Minute)), // C (inside); holiday
        (1890.0, 500.0, "vandalism", t(2025, 3, 13, 23, Minute)), // C (190 m); night
        (100.0, 100.0, "violence", None),                        // none, 566 m from A
        (1200.0, 850.0, "vandalism", None),                      // none, 472 m from C
        (2100.0, 500.0, "vandalism", None),                      // outside the study area
    ];
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, (x, y, c, time)) in rows.iter().enumerate() {
        b.push(IncidentRecord {
            x: *x,
            y: *y,
            weight: 1.0,
            category: c,
            time: *time,
            id: k.to_string(),
            lonlat: None,
        })
        .unwrap();
    }
    let inc = b.build();
    let names = vec!["vandalism".to_string(), "violence".to_string()];
    let area_of: Vec<usize> = rows
        .iter()
        .map(|r| usize::from(r.2 == "violence"))
        .collect();
    let harm: Vec<f64> = area_of
        .iter()
        .map(|&a| if a == 1 { 5.0 } else { 2.0 })
        .collect();
    let areas = ProblemAreas::new(names, area_of, harm).unwrap();
    let schools = vec![
        School {
            name: "A".into(),
            level: Some("F-6".into()),
            shape: SchoolShape::Point([500.0, 500.0]),
        },
        School {
            name: "B".into(),
            level: None,
            shape: SchoolShape::Point([800.0, 500.0]),
        },
        School {
            name: "C".into(),
            level: None,
            shape: SchoolShape::Area(MultiPolygon::new(vec![polygon![
                (x: 1600.0, y: 400.0), (x: 1700.0, y: 400.0), (x: 1700.0, y: 600.0), (x: 1600.0, y: 600.0)
            ]])),
        },
    ];
    let study = StudyArea::new(MultiPolygon::new(vec![polygon![
        (x: 0.0, y: 0.0), (x: 2000.0, y: 0.0), (x: 2000.0, y: 1000.0), (x: 0.0, y: 1000.0)
    ]]))
    .unwrap();
    (inc, areas, schools, study)
}

fn row(rep: &SchoolReport, school: usize, area: Option<usize>) -> &ZoneRow {
    rep.rows
        .iter()
        .find(|r| r.school == school && r.problem_area == area)
        .unwrap()
}

fn binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    let mut c = 1.0;
    for j in 0..k {
        c *= (n - j) as f64 / (j + 1) as f64;
    }
    c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
}

#[test]
fn hand_checked_counts_areas_and_rate_ratios() {
    let (inc, areas, schools, study) = case();
    let rep = analyse(&inc, &areas, &schools, &study, &ZoneParams::default()).unwrap();
    assert_eq!(rep.incidents_in_study_area, 8);
    assert_eq!(rep.incidents_outside_study_area, 1);
    assert_eq!(rep.zones.len(), 3);
    assert_eq!(rep.zones[0].members, vec![0, 1, 2]);
    assert_eq!(rep.zones[1].members, vec![2, 3]);
    assert_eq!(rep.zones[2].members, vec![4, 5]);
    let circle_km2 = std::f64::consts::PI * 0.09;
    assert!(rep.zones[0].area_exact && (rep.zones[0].area_km2 - circle_km2).abs() < 1e-15);
    // C: rectangle + perimeter strips + circle = 0.02 + 0.6·0.3 + π·0.09 km².
    let c_exact = 0.02 + 0.18 + circle_km2;
    assert!(!rep.zones[2].area_exact);
    assert!(
        (rep.zones[2].area_km2 - c_exact).abs() / c_exact < 5e-4,
        "{}",
        rep.zones[2].area_km2
    );

    // School A, all: 3 of 8 in 0.2827 of 2 km².
    let a = row(&rep, 0, None);
    assert_eq!((a.incidents, a.harm), (3, 9.0));
    let rest = 2.0 - circle_km2;
    let rr = (3.0 / circle_km2) / (5.0 / rest);
    let t = a.test.unwrap();
    assert!((t.ratio - rr).abs() < 1e-12, "{} vs {rr}", t.ratio);
    assert!((a.rate_per_km2 - 3.0 / circle_km2).abs() < 1e-9);
    let share = circle_km2 / 2.0;
    assert!((a.excess - (3.0 - 8.0 * share)).abs() < 1e-12);
    assert!((a.harm_excess - (9.0 - 25.0 * share)).abs() < 1e-12);
    // p: 2 · P(X >= 3), X ~ Bin(8, share), summed by hand.
    let upper: f64 = (3..=8).map(|k| binom_pmf(k, 8, share)).sum();
    assert!(
        (t.p_value - (2.0 * upper).min(1.0)).abs() < 1e-10,
        "{} vs {}",
        t.p_value,
        2.0 * upper
    );
    // Vandalism at A: 2 of the 5 vandalism incidents.
    let av = row(&rep, 0, Some(0));
    assert_eq!(av.incidents, 2);
    assert!((av.test.unwrap().ratio - (2.0 / circle_km2) / (3.0 / rest)).abs() < 1e-12);
    // Ranking by harm excess: A (9), B (7, same area), C (7, larger area).
    assert_eq!(
        (a.rank, row(&rep, 1, None).rank, row(&rep, 2, None).rank),
        (1, 2, 3)
    );
    // Rows come ordered by overall rank, `all` first.
    assert_eq!(rep.rows[0].school, 0);
    assert!(rep.rows[0].problem_area.is_none());
    assert_eq!(rep.rows.len(), 9);
}

#[test]
fn overlapping_zones_count_for_both_schools_once_in_totals() {
    let (inc, areas, schools, study) = case();
    let rep = analyse(&inc, &areas, &schools, &study, &ZoneParams::default()).unwrap();
    let per_school: u64 = rep
        .rows
        .iter()
        .filter(|r| r.problem_area.is_none())
        .map(|r| r.incidents)
        .sum();
    assert_eq!(per_school, 7); // incident 2 counted for A and for B
    let all = &rep.totals[0];
    assert!(all.problem_area.is_none());
    assert_eq!((all.incidents_study_area, all.incidents_in_zones), (8, 6));
    assert_eq!(all.share_in_zones(), 0.75); // 6 of 8
    // Union area: two circles r = 300 at distance 300 (lens 2r²acos(1/2) − 150·sqrt(270000)) plus C.
    let r2 = 0.09;
    let lens = 2.0 * r2 * (0.5f64).acos() - 0.15 * (0.27f64).sqrt();
    let union = 2.0 * std::f64::consts::PI * r2 - lens + rep.zones[2].area_km2;
    let t = all.test.unwrap();
    assert!(
        (t.exposure_a - union).abs() / union < 5e-4,
        "{} vs {union}",
        t.exposure_a
    );
    assert_eq!(t.count_a, 6);
    assert_eq!(rep.totals[2].incidents_in_zones, 2); // violence: incidents 2 and 4
}

#[test]
fn distance_rings_hand_checked() {
    let (inc, areas, schools, study) = case();
    let rep = analyse(&inc, &areas, &schools, &study, &ZoneParams::default()).unwrap();
    let counts: Vec<u64> = rep.rings.iter().map(|r| r.incidents).collect();
    assert_eq!(counts, vec![4, 2, 0, 1, 1]);
    let total: f64 = rep.rings.iter().map(|r| r.area_km2).sum();
    assert!((total - 2.0).abs() < 1e-9, "{total}");
    // Innermost ring: ~ two disjoint 100 m circles plus C's 100 m buffer (0.02 + 0.06 + π·0.01).
    let inner = 2.0 * std::f64::consts::PI * 0.01 + 0.02 + 0.06 + std::f64::consts::PI * 0.01;
    assert!((rep.rings[0].area_km2 - inner).abs() / inner < 1e-3);
    let study_rate = 8.0 / 2.0;
    assert!(
        (rep.rings[0].ratio_to_study_area - 4.0 / rep.rings[0].area_km2 / study_rate).abs() < 1e-9
    );
    assert!(rep.rings[4].to_m.is_infinite());
}

#[test]
fn time_classes_hand_checked() {
    let (inc, areas, schools, study) = case();
    let rep = analyse(&inc, &areas, &schools, &study, &ZoneParams::default()).unwrap();
    let t = time_classes(
        &inc,
        &areas,
        &rep,
        &SchoolCalendar::swedish_default(),
        &study,
        controlled::ComparisonArea::StudyArea,
        &crate::temporal::AoristicOptions::default(),
    )
    .unwrap();
    let get = |s: usize, a: Option<usize>| {
        t.rows
            .iter()
            .find(|r| r.school == s && r.problem_area == a)
            .unwrap()
            .zone
            .weights
    };
    // [school, evening, night, weekend, holiday, unknown]; exact times: whole incidents.
    assert_eq!(get(0, None), [1.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
    assert_eq!(get(0, Some(0)), [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
    assert_eq!(get(1, None), [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    assert_eq!(get(2, None), [0.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    let a = t
        .rows
        .iter()
        .find(|r| r.school == 0 && r.problem_area.is_none())
        .unwrap();
    assert!((a.share - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(a.known_hour, 3);
    // Elsewhere (outside every zone, with an hour): none of the study area's incidents outside the
    // zones has a time, so there is no baseline.
    assert!(a.baseline_share.is_nan() && a.p_value == 1.0);
}

#[test]
fn degenerate_inputs() {
    let (_, _, schools, study) = case();
    let empty = Incidents::empty(Crs::SWEREF99_TM).unwrap();
    let areas = ProblemAreas::new(vec!["x".into()], vec![], vec![]).unwrap();
    let rep = analyse(&empty, &areas, &schools, &study, &ZoneParams::default()).unwrap();
    assert!(
        rep.rows
            .iter()
            .all(|r| r.incidents == 0 && r.test.unwrap().p_value == 1.0)
    );
    assert!(rep.rows.iter().all(|r| r.test.unwrap().ratio.is_nan()));
    // A school far away is listed, not analysed; none inside is an error.
    let far = School {
        name: "far".into(),
        level: None,
        shape: SchoolShape::Point([50_000.0, 50_000.0]),
    };
    let mut s2 = schools.clone();
    s2.push(far.clone());
    let rep = analyse(&empty, &areas, &s2, &study, &ZoneParams::default()).unwrap();
    assert_eq!(rep.outside_study_area, vec!["far".to_string()]);
    assert!(matches!(
        analyse(&empty, &areas, &[far], &study, &ZoneParams::default()),
        Err(Error::InsufficientData(_))
    ));
    assert!(analyse(&empty, &areas, &[], &study, &ZoneParams::default()).is_err());
    // Parameters and problem areas are checked.
    assert!(ZoneParams::new(0.0, vec![0.0, 100.0], 0.95).is_err());
    assert!(ZoneParams::new(300.0, vec![0.0, 100.0, 100.0], 0.95).is_err());
    assert!(ZoneParams::new(300.0, vec![10.0, 100.0], 0.95).is_err());
    assert!(ProblemAreas::new(vec!["all".into()], vec![0], vec![1.0]).is_err());
    assert!(ProblemAreas::new(vec!["a".into()], vec![1], vec![1.0]).is_err());
    assert!(ProblemAreas::new(vec!["a".into()], vec![0], vec![-1.0]).is_err());
    // A zone covering the whole study area has no test.
    let tiny = StudyArea::new(MultiPolygon::new(vec![polygon![
        (x: 450.0, y: 450.0), (x: 550.0, y: 450.0), (x: 550.0, y: 550.0), (x: 450.0, y: 550.0)
    ]]))
    .unwrap();
    let rep = analyse(&empty, &areas, &schools[..1], &tiny, &ZoneParams::default()).unwrap();
    assert!(rep.rows[0].test.is_none());
    assert!((rep.zones[0].area_km2 - 0.01).abs() < 1e-9);
}

#[test]
fn schools_from_geojson_points_and_polygons_with_named_errors() {
    let p = Projector::new(Crs::SWEREF99_TM).unwrap();
    let path = Path::new("schools.geojson");
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Slottsskolan","level":"F-6"},"geometry":{"type":"Point","coordinates":[16.05,59.04]}},
      {"type":"Feature","properties":{"namn":"Vingåkersskolan"},"geometry":{"type":"Polygon","coordinates":[[[16.06,59.04],[16.062,59.04],[16.062,59.041],[16.06,59.041],[16.06,59.04]]]}}
    ]}"#;
    let s = parse_schools(text, path, &p).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].level.as_deref(), Some("F-6"));
    assert!(matches!(s[0].shape, SchoolShape::Point(_)));
    let SchoolShape::Area(mp) = &s[1].shape else {
        panic!()
    };
    // 0.002° lon × 0.001° lat at 59° N ≈ 115 m × 111 m.
    let a = mp.unsigned_area();
    assert!(a > 11_000.0 && a < 14_000.0, "{a}");
    let [x0, y0] = s[0].location();
    assert!((s[0].distance_to(x0 + 30.0, y0 + 40.0) - 50.0).abs() < 1e-9);

    let missing = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"X"},"geometry":{"type":"Point","coordinates":[16.05,59.04]}},
      {"type":"Feature","properties":{"level":"7-9"},"geometry":{"type":"Point","coordinates":[16.05,59.04]}}]}"#;
    let e = parse_schools(missing, path, &p).unwrap_err().to_string();
    assert!(e.contains("feature 2") && e.contains("name"), "{e}");
    let line = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Y"},"geometry":{"type":"LineString","coordinates":[[16.05,59.04],[16.06,59.04]]}}]}"#;
    let e = parse_schools(line, path, &p).unwrap_err().to_string();
    assert!(
        e.contains("feature 1 (Y)") && e.contains("LineString"),
        "{e}"
    );
    let dup = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Z"},"geometry":{"type":"Point","coordinates":[16.05,59.04]}},
      {"type":"Feature","properties":{"name":"Z"},"geometry":{"type":"Point","coordinates":[16.06,59.04]}}]}"#;
    assert!(
        parse_schools(dup, path, &p)
            .unwrap_err()
            .to_string()
            .contains("repeats feature 1")
    );
    let metres = r#"{"type":"Feature","properties":{"name":"M"},"geometry":{"type":"Point","coordinates":[549000,6545000]}}"#;
    assert!(
        parse_schools(metres, path, &p)
            .unwrap_err()
            .to_string()
            .contains("lon/lat")
    );
    assert!(parse_schools("{}", path, &p).is_err());
    assert!(parse_schools(r#"{"type":"FeatureCollection","features":[]}"#, path, &p).is_err());
}

#[test]
fn circle_polygon_has_the_circle_area() {
    let c = circle([10.0, 20.0], 300.0);
    let a = c.unsigned_area();
    let exact = std::f64::consts::PI * 90_000.0;
    assert!((a - exact).abs() / exact < 1e-12, "{a} vs {exact}");
}

mod controlled_tests {
    use super::*;
    use crate::schools::controlled::{ComparisonArea, ControlParams, Flag, holm};
    use rand::{RngExt, SeedableRng};

    #[test]
    fn holm_by_hand() {
        // Sorted 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1, running max 0.06).
        let a = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in a.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{a:?}");
        }
        assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
    }

    /// A town of 4 x 4 km: three busy streets (y = 1000, y = 3000, x = 2000) holding most incidents,
    /// a thin background everywhere, the same category mix everywhere (30 % vandalism, 30 % violence,
    /// 40 % other). Schools 0-2 sit in the streets with nothing of their own; school 3 (a quiet
    /// residential block) and school 4 (in a street) each have 60 extra vandalism incidents within 80 m.
    fn town() -> (Incidents, ProblemAreas, Vec<School>, StudyArea) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
        let mut pts: Vec<(f64, f64, usize)> = Vec::new();
        let mix = |u: f64| {
            if u < 0.3 {
                0
            } else if u < 0.6 {
                1
            } else {
                2
            }
        };
        for _ in 0..6000 {
            let s = rng.random_range(0..3u32);
            let along = rng.random_range(0.0..4000.0);
            let off = rng.random_range(-20.0..20.0);
            let (x, y) = match s {
                0 => (along, 1000.0 + off),
                1 => (along, 3000.0 + off),
                _ => (2000.0 + off, along),
            };
            pts.push((x, y, mix(rng.random::<f64>())));
        }
        for _ in 0..1500 {
            let (x, y) = (rng.random_range(0.0..4000.0), rng.random_range(0.0..4000.0));
            pts.push((x, y, mix(rng.random::<f64>())));
        }
        for (cx, cy) in [(700.0, 2200.0), (3300.0, 1000.0)] {
            for _ in 0..60 {
                let a = rng.random_range(0.0..std::f64::consts::TAU);
                let d = rng.random_range(0.0..80.0);
                pts.push((cx + d * a.cos(), cy + d * a.sin(), 0));
            }
        }
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &pts.iter().map(|p| p.0).collect::<Vec<_>>(),
            &pts.iter().map(|p| p.1).collect::<Vec<_>>(),
        )
        .unwrap();
        let areas = ProblemAreas::new(
            vec!["vandalism".into(), "violence".into(), "other".into()],
            pts.iter().map(|p| p.2).collect(),
            vec![1.0; pts.len()],
        )
        .unwrap();
        let schools = [
            (1000.0, 1000.0),
            (3000.0, 3000.0),
            (2000.0, 1600.0),
            (700.0, 2200.0),
            (3300.0, 1000.0),
        ]
        .iter()
        .enumerate()
        .map(|(k, &(x, y))| School {
            name: format!("S{k}"),
            level: None,
            shape: SchoolShape::Point([x, y]),
        })
        .collect();
        let study = StudyArea::new(MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 4000.0, y: 0.0), (x: 4000.0, y: 4000.0), (x: 0.0, y: 4000.0)
        ]]))
        .unwrap();
        (inc, areas, schools, study)
    }

    #[test]
    fn only_schools_with_their_own_excess_are_higher() {
        let (inc, areas, schools, study) = town();
        let zp = ZoneParams::default();
        let rep = analyse(&inc, &areas, &schools, &study, &zp).unwrap();
        // The naive rate ratio against the whole town calls every street school significant.
        for s in 0..3 {
            let t = row(&rep, s, Some(0)).test.unwrap();
            assert!(t.ratio > 1.5 && t.p_value < 1e-6, "school {s}: {t:?}");
        }
        let params = ControlParams::new(9_999, 1_999, 7, 0.05).unwrap();
        let run = || {
            controlled(
                &inc,
                &areas,
                &schools,
                &rep,
                &study,
                zp.radius_m(),
                ComparisonArea::StudyArea,
                &params,
            )
            .unwrap()
        };
        let c = run();
        let higher: Vec<(usize, Option<usize>)> = c
            .rows
            .iter()
            .filter(|r| r.flag == Flag::Higher)
            .map(|r| (r.school, r.problem_area))
            .collect();
        let mut sorted = higher.clone();
        sorted.sort();
        assert_eq!(sorted, vec![(3, Some(0)), (4, Some(0))], "{:#?}", c.rows);
        for r in c.rows.iter().filter(|r| r.school < 3) {
            assert_eq!(r.flag, Flag::None, "{r:?}");
        }
        // The all rows are not tested; every other row is.
        for r in &c.rows {
            assert_eq!(r.p_adjusted.is_none(), r.problem_area.is_none());
        }
        // The excess schools' placebo excess is near the 60 planted incidents.
        for s in [3, 4] {
            let r = c
                .rows
                .iter()
                .find(|r| r.school == s && r.problem_area == Some(0))
                .unwrap();
            assert!(r.placebo_excess > 35.0 && r.placebo_excess < 85.0, "{r:?}");
            assert_eq!(r.controlled_rank.min(2), r.controlled_rank, "{r:?}");
        }
        // LQ brute force for school 0, vandalism: counts by scanning every incident.
        let r = c
            .rows
            .iter()
            .find(|r| r.school == 0 && r.problem_area == Some(0))
            .unwrap();
        let (x, y) = (inc.x(), inc.y());
        let in_zone = |i: usize| (x[i] - 1000.0).hypot(y[i] - 1000.0) <= 300.0;
        let nz = (0..inc.len()).filter(|&i| in_zone(i)).count() as f64;
        let nzk = (0..inc.len())
            .filter(|&i| in_zone(i) && areas.area_of()[i] == 0)
            .count() as f64;
        let nk = areas.area_of().iter().filter(|&&a| a == 0).count() as f64;
        let lq = (nzk / nz) / (nk / inc.len() as f64);
        assert!(
            (r.location_quotient - lq).abs() < 1e-12,
            "{} vs {lq}",
            r.location_quotient
        );
        let (lo, hi) = crate::stats::poisson::clopper_pearson(nzk as u64, nz as u64, 0.95).unwrap();
        let share = nk / inc.len() as f64;
        assert!((r.lq_lower - lo / share).abs() < 1e-12 && (r.lq_upper - hi / share).abs() < 1e-12);
        assert!(
            r.lq_lower < 1.0 && r.lq_upper > 1.0,
            "a street school has the usual mix: {r:?}"
        );
        // Same result on one thread and on two.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(run);
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(run);
        assert_eq!(one, c);
        assert_eq!(two, c);
        // A comparison area given as polygons equal to the study area changes nothing.
        let c2 = controlled(
            &inc,
            &areas,
            &schools,
            &rep,
            &study,
            zp.radius_m(),
            ComparisonArea::Polygons(study.polygons()),
            &params,
        )
        .unwrap();
        assert_eq!(c2.rows, c.rows);
        assert!(ControlParams::new(10, 5, 1, 0.05).is_err());
        assert!(ControlParams::new(100, 200, 1, 0.05).is_err());
    }

    /// Like the sample's villages: a town (Gaussian, sigma 900 m, 6000 incidents), a thin background
    /// and two villages 4.5 and 6.5 km out, Gaussian bumps (sigma 350 m, 300 incidents each), all of the
    /// same mix, each village with a school 120 m from its centre. School V0 has nothing of its own; school V1 has 50 extra vandalism within 80 m.
    fn villages() -> (Incidents, ProblemAreas, Vec<School>, StudyArea) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(515);
        let mix = |u: f64| usize::from(u >= 0.3) + usize::from(u >= 0.6);
        let mut pts: Vec<(f64, f64, usize)> = Vec::new();
        let normal = |rng: &mut rand_chacha::ChaCha8Rng| {
            let u: f64 = 1.0 - rng.random::<f64>();
            let v: f64 = rng.random();
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        for _ in 0..6000 {
            let (dx, dy) = (900.0 * normal(&mut rng), 900.0 * normal(&mut rng));
            pts.push((2500.0 + dx, 2000.0 + dy, mix(rng.random::<f64>())));
        }
        for _ in 0..1000 {
            let (x, y) = (
                rng.random_range(0.0..10_000.0),
                rng.random_range(0.0..4000.0),
            );
            pts.push((x, y, mix(rng.random::<f64>())));
        }
        for cx in [7000.0, 9000.0] {
            for _ in 0..300 {
                let (dx, dy) = (350.0 * normal(&mut rng), 350.0 * normal(&mut rng));
                pts.push((cx + dx, 2000.0 + dy, mix(rng.random::<f64>())));
            }
        }
        for _ in 0..50 {
            let a = rng.random_range(0.0..std::f64::consts::TAU);
            let d = rng.random_range(0.0..80.0);
            pts.push((9120.0 + d * a.cos(), 2000.0 + d * a.sin(), 0));
        }
        let pts: Vec<(f64, f64, usize)> = pts
            .into_iter()
            .filter(|p| (0.0..10_000.0).contains(&p.0) && (0.0..4000.0).contains(&p.1))
            .collect();
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &pts.iter().map(|p| p.0).collect::<Vec<_>>(),
            &pts.iter().map(|p| p.1).collect::<Vec<_>>(),
        )
        .unwrap();
        let areas = ProblemAreas::new(
            vec!["vandalism".into(), "violence".into(), "other".into()],
            pts.iter().map(|p| p.2).collect(),
            vec![1.0; pts.len()],
        )
        .unwrap();
        let schools = [(7120.0, 2000.0), (9120.0, 2000.0), (2000.0, 2500.0)]
            .iter()
            .enumerate()
            .map(|(k, &(x, y))| School {
                name: format!("V{k}"),
                level: None,
                shape: SchoolShape::Point([x, y]),
            })
            .collect();
        let study = StudyArea::new(MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 10_000.0, y: 0.0), (x: 10_000.0, y: 4000.0), (x: 0.0, y: 4000.0)
        ]]))
        .unwrap();
        (inc, areas, schools, study)
    }

    #[test]
    fn a_village_school_with_the_village_mix_is_not_higher() {
        let (inc, areas, schools, study) = villages();
        let zp = ZoneParams::default();
        let rep = analyse(&inc, &areas, &schools, &study, &zp).unwrap();
        let params = ControlParams::new(9_999, 1_999, 3, 0.05).unwrap();
        let c = controlled(
            &inc,
            &areas,
            &schools,
            &rep,
            &study,
            zp.radius_m(),
            ComparisonArea::StudyArea,
            &params,
        )
        .unwrap();
        let get = |s: usize, k: usize| {
            c.rows
                .iter()
                .find(|r| r.school == s && r.problem_area == Some(k))
                .unwrap()
        };
        // The village bump fills the zone and thins out in its ring: against placebos with an equally
        // busy ring, V0 has more of every kind (the placebo test alone would flag it) ...
        let v0 = get(0, 1);
        assert!(v0.placebo_p < 0.01 && v0.placebo_excess > 0.0, "{v0:?}");
        // ... but the village's usual mix: LQ near 1, so no flag in any problem area.
        for k in 0..3 {
            let r = get(0, k);
            assert!(r.lq_lower < 1.0 && r.lq_upper > 1.0, "{r:?}");
            assert_eq!(r.flag, Flag::None, "{r:?}");
        }
        // V1's own vandalism is found; its violence (diluted share) is not called higher.
        assert_eq!(get(1, 0).flag, Flag::Higher, "{:?}", get(1, 0));
        assert_ne!(get(1, 1).flag, Flag::Higher);
        // A school in the town with the town's usual rate: nothing.
        for k in 0..3 {
            assert_eq!(get(2, k).flag, Flag::None, "{:?}", get(2, k));
        }
        // lq_p is the exact two-sided binomial test of LQ = 1, and p_adjusted is Holm over
        // max(placebo_p, lq_p) (recomputed here from the rows).
        let nk = areas.area_of().iter().filter(|&&a| a == 0).count() as f64;
        let share = nk / inc.len() as f64;
        let r = get(1, 0);
        let want =
            crate::stats::poisson::binomial_test_two_sided(r.incidents, r.zone_incidents, share)
                .unwrap();
        assert!((r.lq_p - want).abs() < 1e-12, "{} vs {want}", r.lq_p);
        let tested: Vec<&crate::schools::controlled::ControlledRow> =
            c.rows.iter().filter(|r| r.problem_area.is_some()).collect();
        let p: Vec<f64> = tested.iter().map(|r| r.placebo_p.max(r.lq_p)).collect();
        for (r, a) in tested.iter().zip(holm(&p)) {
            assert_eq!(r.p_adjusted, Some(a));
        }
        // The placebo test alone (Holm over placebo_p) would call V0 higher: the defect the LQ
        // condition removes.
        let p_placebo: Vec<f64> = tested.iter().map(|r| r.placebo_p).collect();
        let alone = tested
            .iter()
            .zip(holm(&p_placebo))
            .filter(|(r, a)| r.school == 0 && *a < 0.05 && r.placebo_excess > 0.0)
            .count();
        assert!(alone >= 1, "{tested:#?}");
    }

    #[test]
    fn out_of_hours_against_the_same_area_elsewhere() {
        use TimeResolution::Minute;
        // School A at (500, 500); 4 vandalism in its zone (3 evening, 1 school hours); elsewhere 10
        // vandalism, 5 in school hours and 5 in the evening: baseline 0.5.
        let mut rows: Vec<(f64, f64, Option<IncidentTime>)> = vec![
            (450.0, 500.0, t(2025, 3, 11, 19, Minute)),
            (450.0, 500.0, t(2025, 3, 12, 19, Minute)),
            (550.0, 500.0, t(2025, 3, 13, 20, Minute)),
            (500.0, 550.0, t(2025, 3, 11, 10, Minute)),
        ];
        for k in 0..10 {
            let h = if k < 5 { 10 } else { 19 };
            rows.push((1500.0 + k as f64, 500.0, t(2025, 3, 11, h, Minute)));
        }
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (k, (x, y, time)) in rows.iter().enumerate() {
            b.push(IncidentRecord {
                x: *x,
                y: *y,
                weight: 1.0,
                category: "vandalism",
                time: *time,
                id: k.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        let inc = b.build();
        let areas =
            ProblemAreas::new(vec!["vandalism".into()], vec![0; 14], vec![1.0; 14]).unwrap();
        let schools = vec![School {
            name: "A".into(),
            level: None,
            shape: SchoolShape::Point([500.0, 500.0]),
        }];
        let (_, _, _, study) = case();
        let rep = analyse(&inc, &areas, &schools, &study, &ZoneParams::default()).unwrap();
        let cal = SchoolCalendar::swedish_default();
        let o = crate::schools::time_classes(
            &inc,
            &areas,
            &rep,
            &cal,
            &study,
            ComparisonArea::StudyArea,
            &crate::temporal::AoristicOptions::default(),
        )
        .unwrap()
        .rows;
        let v = o.iter().find(|r| r.problem_area == Some(0)).unwrap();
        assert_eq!(
            (v.known_hour, v.out_of_hours, v.baseline_known_hour),
            (4, 3.0, 10)
        );
        assert!((v.baseline_share - 0.5).abs() < 1e-15);
        assert!((v.share - 0.75).abs() < 1e-15);
        // Two-sided exact binomial: 2 P(X >= 3 | 4, 0.5) = 2 * 5/16.
        assert!((v.p_value - 0.625).abs() < 1e-12, "{}", v.p_value);
        let expect = |k: u64| binom_pmf(k, 4, 0.5);
        assert!(((expect(3) + expect(4)) * 2.0 - 0.625).abs() < 1e-12);
    }
}

#[test]
fn schools_are_read_from_a_geopackage_layer_in_its_declared_crs() {
    use crate::gpkg::{Layer as GLayer, write_gpkg};
    use crate::output::OutFeature;
    let dir = tempfile::tempdir().unwrap();
    let school = |x: f64, y: f64, name: &str| OutFeature {
        geometry: geo::Geometry::Point(geo::Point::new(x, y)),
        properties: serde_json::json!({"namn": name, "skolform": "grundskola"})
            .as_object()
            .unwrap()
            .clone(),
    };
    let feats = vec![
        school(540_000.0, 6_540_000.0, "Norrskolan"),
        school(541_000.0, 6_540_500.0, "Söderskolan"),
    ];
    let f = dir.path().join("skolor.gpkg");
    write_gpkg(
        &f,
        &[GLayer::new("skolor", &feats)],
        crate::Crs::SWEREF99_TM,
    )
    .unwrap();
    let projector = crate::Projector::new(crate::Crs::SWEREF99_TM).unwrap();
    for spec in [
        f.clone(),
        std::path::PathBuf::from(format!("{}:skolor", f.display())),
    ] {
        let s = read_schools(&spec, &projector).unwrap();
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Norrskolan", "Söderskolan"]);
        assert_eq!(s[0].level.as_deref(), Some("grundskola"));
        // Through lon/lat and back: within a millimetre of the written position.
        let [x, y] = s[1].location();
        assert!(
            (x - 541_000.0).abs() < 1e-3 && (y - 6_540_500.0).abs() < 1e-3,
            "{x} {y}"
        );
    }
    // A layer name that does not exist is an error naming the file's layers.
    let bad = std::path::PathBuf::from(format!("{}:vagar", f.display()));
    let e = read_schools(&bad, &projector).unwrap_err().to_string();
    assert!(e.contains("skolor"), "{e}");
}

#[test]
fn study_pad_is_the_outer_ring_or_the_radius() {
    let p = ZoneParams::new(300.0, vec![0.0, 100.0, 500.0], 0.95).unwrap();
    assert_eq!(p.study_pad_m(), 500.0);
    let p = ZoneParams::new(800.0, vec![0.0, 100.0, 500.0], 0.95).unwrap();
    assert_eq!(p.study_pad_m(), 800.0);
}
