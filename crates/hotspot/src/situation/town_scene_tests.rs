//! A seeded town-like scene for the whole situation: micro-places, a busy street with a school on
//! it (no excess of its own), a school with its own vandalism excess, and a phone-fraud cluster at an
//! elderly home. The conclusions the report draws must come out right.

use super::*;
use crate::ingest::{ReadOptions, read_path};
use crate::schools::SchoolShape;
use crate::schools::controlled::Flag;
use rand::{RngExt, SeedableRng};

const SCHOOL_STREET: (f64, f64) = (1400.0, 2000.0);
const SCHOOL_EXCESS: (f64, f64) = (2600.0, 2800.0);
const ELDERLY_HOME: (f64, f64) = (1700.0, 2500.0);
const PLACES: [(f64, f64); 4] = [
    (1000.0, 1200.0),
    (3000.0, 1100.0),
    (2000.0, 3300.0),
    (3300.0, 2900.0),
];

/// The scene as a lon/lat CSV; returns the path and the row indices of the incidents placed exactly
/// at the street school, the school with an excess and the elderly home.
fn scene_csv(dir: &std::path::Path) -> (std::path::PathBuf, [usize; 3]) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1515);
    let mut text = String::from("id,datetime,latitude,longitude,category\n");
    let (lon0, lat0) = (15.87f64, 59.04f64);
    let m_lon = 1.0 / (111_320.0 * lat0.to_radians().cos());
    let m_lat = 1.0 / 111_320.0;
    let mut id = 0usize;
    let mut row = |rng: &mut rand_chacha::ChaCha8Rng, dx: f64, dy: f64, cat: &str| -> usize {
        id += 1;
        let day = rng.random_range(0..730i64);
        let date =
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day);
        let hour = rng.random_range(0..24);
        text.push_str(&format!(
            "{id},{date}T{hour:02}:15:00+01:00,{:.7},{:.7},{cat}\n",
            lat0 + dy * m_lat,
            lon0 + dx * m_lon
        ));
        id - 1
    };
    let normal = |rng: &mut rand_chacha::ChaCha8Rng| {
        let u: f64 = rng.random_range(1e-12..1.0);
        let v: f64 = rng.random_range(0.0..1.0);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let marks = [
        row(&mut rng, SCHOOL_STREET.0, SCHOOL_STREET.1, "Stöld"),
        row(&mut rng, SCHOOL_EXCESS.0, SCHOOL_EXCESS.1, "Stöld"),
        row(&mut rng, ELDERLY_HOME.0, ELDERLY_HOME.1, "Bedrägeri"),
    ];
    // The town: thefts over a disc of 1200 m.
    for _ in 0..700 {
        let (a, r) = (
            rng.random_range(0.0..std::f64::consts::TAU),
            1200.0 * rng.random_range(0.0f64..1.0).sqrt(),
        );
        row(
            &mut rng,
            2000.0 + r * a.cos(),
            2000.0 + r * a.sin(),
            "Stöld",
        );
    }
    // The busy street y = 2000, x 600..3400: a third vandalism everywhere along it.
    for k in 0..1200 {
        let x = rng.random_range(600.0..3400.0);
        let y = 2000.0 + 12.0 * normal(&mut rng);
        row(
            &mut rng,
            x,
            y,
            if k % 3 == 0 {
                "Skadegörelse"
            } else {
                "Stöld"
            },
        );
    }
    // The school with its own excess: 80 vandalism within 100 m.
    for _ in 0..80 {
        let (dx, dy) = (60.0 * normal(&mut rng), 60.0 * normal(&mut rng));
        row(
            &mut rng,
            SCHOOL_EXCESS.0 + dx,
            SCHOOL_EXCESS.1 + dy,
            "Skadegörelse",
        );
    }
    // Micro-places of violence, 40 m spread.
    for &(cx, cy) in &PLACES {
        for _ in 0..220 {
            let (dx, dy) = (40.0 * normal(&mut rng), 40.0 * normal(&mut rng));
            row(&mut rng, cx + dx, cy + dy, "Misshandel");
        }
    }
    // Phone fraud registered at the elderly home.
    for _ in 0..500 {
        let (dx, dy) = (10.0 * normal(&mut rng), 10.0 * normal(&mut rng));
        row(
            &mut rng,
            ELDERLY_HOME.0 + dx,
            ELDERLY_HOME.1 + dy,
            "Bedrägeri",
        );
    }
    let p = dir.join("scene.csv");
    std::fs::write(&p, text).unwrap();
    (p, marks)
}

#[test]
fn the_town_scene_gives_places_fair_school_flags_and_no_patrol_on_fraud() {
    let dir = std::env::temp_dir().join(format!("hotspot-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, marks) = scene_csv(&dir);
    let mut data = read_path(&csv, &ReadOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let [x0, y0, x1, y1] = data.incidents.bbox().unwrap();
    data.study_area = StudyArea::new(geo::MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: x0 - 1500.0, y: y0 - 1500.0},
            geo::coord! {x: x1 + 1500.0, y: y1 + 1500.0},
        )
        .to_polygon(),
    ]));
    let pos = |k: usize| data.incidents.position(marks[k]);
    let schools = vec![
        School {
            name: "Gatuskolan".into(),
            level: None,
            shape: SchoolShape::Point(pos(0)),
        },
        School {
            name: "Backeskolan".into(),
            level: None,
            shape: SchoolShape::Point(pos(1)),
        },
    ];
    let params = SituationParams::new(&SituationKeys {
        school_radius_m: Some(150.0),
        ..Default::default()
    })
    .unwrap();
    let table = CategoryTable::default_table();
    let s = situation(SituationInput::new(&data, &table, &schools), &params).unwrap();
    let n = s.incidents.len() as f64;

    // Hotspots are places, not the town.
    let d = s.density.done().unwrap();
    assert_eq!(
        d.surface.bandwidth.method, "temporal-cv-pai",
        "times allow a predictive choice"
    );
    assert!(!d.hotspots.hotspots.is_empty());
    for h in &d.hotspots.hotspots {
        assert!(
            h.incidents as f64 / n <= 0.25,
            "H{} holds {}",
            h.rank,
            h.incidents
        );
        assert!(h.area_km2 <= 1.0, "H{} is {} km2", h.rank, h.area_km2);
    }

    // Only the school with its own excess is `higher`, and for vandalism.
    let rep = s.schools_report.done().unwrap();
    let c = rep
        .controlled
        .as_ref()
        .expect("the situation runs the controlled comparison");
    assert_eq!(c.rows.len(), rep.rows.len());
    let vand = ProblemArea::VandalismGraffitiLittering.index();
    let flag = |school: usize, area: usize| {
        c.rows
            .iter()
            .find(|r| r.school == school && r.problem_area == Some(area))
            .map(|r| r.flag)
    };
    assert_eq!(flag(1, vand), Some(Flag::Higher), "{c:?}");
    assert!(
        c.rows
            .iter()
            .filter(|r| r.school == 0)
            .all(|r| r.flag != Flag::Higher),
        "the street school has no excess of its own: {c:?}"
    );

    // No patrol zone sits on the phone-fraud cluster.
    let p = s.patrol.done().unwrap();
    let home = pos(2);
    for z in &p.zones {
        let dist = ((z.centre[0] - home[0]).powi(2) + (z.centre[1] - home[1]).powi(2)).sqrt();
        assert!(
            dist > params.patrol_radius_m,
            "zone {} is {dist:.0} m from the elderly home",
            z.rank
        );
    }
}
