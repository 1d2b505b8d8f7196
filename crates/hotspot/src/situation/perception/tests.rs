//! A seeded town: violence on the square, vandalism at a school nobody pins, an underpass many
//! people pin where nothing is recorded, a lake with a few pins in it. The section must class and
//! name them right, on the area at risk, and keep the public rules.

use super::*;
use crate::basemap::{Basemap, BasemapSources, NameLang};
use crate::categories::CategoryTable;
use crate::ingest::{Ingested, read_path};
use crate::situation::{SituationKeys, SituationParams, situation};
use rand::{RngExt, SeedableRng};

const LON0: f64 = 15.87;
const LAT0: f64 = 59.04;

fn lonlat(dx: f64, dy: f64) -> (f64, f64) {
    let m_lon = 1.0 / (111_320.0 * LAT0.to_radians().cos());
    (LON0 + dx * m_lon, LAT0 + dy / 111_320.0)
}

struct Scene {
    _dir: tempfile::TempDir,
    data: Ingested,
    pins: PathBuf,
    places: PathBuf,
    lake: geo::MultiPolygon<f64>,
}

fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2020);
    let mut inc = String::from("id,datetime,latitude,longitude,category\n");
    let mut id = 0;
    let mut add = |text: &mut String, dx: f64, dy: f64, cat: &str| {
        id += 1;
        let (lon, lat) = lonlat(dx, dy);
        text.push_str(&format!(
            "{id},2025-03-10T21:00:00+01:00,{lat:.7},{lon:.7},{cat}\n"
        ));
    };
    for _ in 0..150 {
        let (dx, dy) = (rng.random_range(-50.0..50.0), rng.random_range(-50.0..50.0));
        add(&mut inc, 1500.0 + dx, 1500.0 + dy, "Misshandel");
    }
    for _ in 0..80 {
        let (dx, dy) = (rng.random_range(-50.0..50.0), rng.random_range(-50.0..50.0));
        add(&mut inc, 1500.0 + dx, 500.0 + dy, "Skadegörelse");
    }
    // Scattered thefts, none within 300 m of the underpass (nothing is recorded there).
    let mut thefts = 0;
    while thefts < 100 {
        let (dx, dy) = (rng.random_range(0.0..3000.0), rng.random_range(0.0..3000.0));
        if (dx - 625.0f64).hypot(dy - 2390.0) < 300.0 {
            continue;
        }
        add(&mut inc, dx, dy, "Stöld");
        thefts += 1;
    }
    let p_inc = dir.path().join("incidents.csv");
    std::fs::write(&p_inc, inc).unwrap();
    // Pins: 12 on the square (weight 1), 9 at the underpass (weight 5 each: 45 respondents),
    // 4 in the lake, 10 scattered.
    let mut pins = String::from("latitude,longitude,weight,concern\n");
    let mut pin = |dx: f64, dy: f64, w: u32, what: &str| {
        let (lon, lat) = lonlat(dx, dy);
        pins.push_str(&format!("{lat:.7},{lon:.7},{w},{what}\n"));
    };
    for k in 0..12 {
        pin(1480.0 + 3.0 * k as f64, 1510.0, 1, "bråk");
    }
    for k in 0..9 {
        pin(610.0 + 4.0 * k as f64, 2390.0, 5, "mörkt");
    }
    for k in 0..4 {
        pin(2700.0 + 5.0 * k as f64, 2700.0, 1, "ensligt");
    }
    for _ in 0..10 {
        pin(
            rng.random_range(100.0..2900.0),
            rng.random_range(100.0..2900.0),
            1,
            "övrigt",
        );
    }
    let p_pins = dir.path().join("perceived.csv");
    std::fs::write(&p_pins, pins).unwrap();
    let places = dir.path().join("places.geojson");
    let feat = |name: &str, dx: f64, dy: f64| {
        let (lon, lat) = lonlat(dx, dy);
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"name":"{name}"}}}}"#
        )
    };
    std::fs::write(
        &places,
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
            feat("Gångtunneln", 625.0, 2390.0),
            feat("Skolan", 1500.0, 500.0),
            feat("Torget", 1500.0, 1500.0)
        ),
    )
    .unwrap();
    let data = read_path(&p_inc, &ReadOptions::default()).unwrap();
    // The lake, 2600-2900 m east and north, in the working CRS.
    let c = |dx: f64, dy: f64| {
        let (lon, lat) = lonlat(dx, dy);
        let [x, y] = data.projector.to_metres(lon, lat).unwrap();
        geo::coord! {x: x, y: y}
    };
    let lake = geo::MultiPolygon(vec![geo::Polygon::new(
        geo::LineString(vec![
            c(2550.0, 2550.0),
            c(2950.0, 2550.0),
            c(2950.0, 2950.0),
            c(2550.0, 2950.0),
            c(2550.0, 2550.0),
        ]),
        vec![],
    )]);
    Scene {
        _dir: dir,
        data,
        pins: p_pins,
        places,
        lake,
    }
}

fn run_scene(sc: &Scene, public: bool, pins: &Path) -> (Situation, Outcome<PerceptionSection>) {
    let params = SituationParams::new(&SituationKeys {
        public: Some(public),
        patrol_zones: Some(2),
        ..Default::default()
    })
    .unwrap();
    let table = CategoryTable::default_table();
    let basemap = Basemap::read(
        &BasemapSources {
            places: Some(sc.places.clone()),
            ..Default::default()
        },
        &sc.data.projector,
    )
    .unwrap();
    let input = SituationInput {
        data: &sc.data,
        categories: &table,
        schools: &[],
        water: Some(&sc.lake),
        at_risk: None,
        basemap: Some(&basemap),
        name_lang: NameLang::Sv,
        followup: None,
        perception: None,
    };
    let sit = situation(input, &params).unwrap();
    let spec = PerceptionSpec {
        perceived: pins.to_path_buf(),
        cell_m: None,
    };
    let out = perception(&input, &sit, Some(&spec));
    // The one call runs the same section when the input asks for it.
    let with = situation(input.with_perception(&spec), &params).unwrap();
    assert_eq!(
        serde_json::to_value(&with).unwrap()["perception"],
        crate::situation::perception::perception_value(&Situation {
            perception: out.clone(),
            ..sit.clone()
        })
        .unwrap_or(serde_json::Value::Null)
    );
    (sit, out)
}

use std::path::Path;

#[test]
fn the_underpass_is_perceived_only_the_school_recorded_only_on_the_area_at_risk() {
    let sc = scene();
    let (sit, out) = run_scene(&sc, false, &sc.pins);
    let ps = match out {
        Outcome::Done(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(ps.compared_on, ComparedOn::AreaAtRisk);
    assert_eq!((ps.rows_read, ps.accepted, ps.rejected), (35, 35, 0));
    // The same library call on an area at risk built independently gives the same cells.
    let grid = GridSpec::covering(sit.incidents.bbox().unwrap(), 250.0, 0.0).unwrap();
    let area = crate::area_at_risk::AreaAtRisk::build(
        grid,
        &crate::area_at_risk::AreaAtRiskOptions {
            water: Some(sc.lake.clone()),
            ..Default::default()
        },
        &sit.incidents,
    )
    .unwrap();
    let pins = read_perceived(
        &sc.pins,
        &ReadOptions {
            crs: Some(sit.crs),
            ..Default::default()
        },
    )
    .unwrap()
    .pins;
    let direct =
        compare_at_risk(&sit.incidents, &pins, &area, &PerceptionOptions::default()).unwrap();
    assert_eq!(direct.cells, ps.result.cells);
    // The four lake pins (weight 1) are left out: in the comparison area are 12 + 45 + the
    // scattered ones that are not in the lake.
    let scattered_dry = (0..pins.len())
        .filter(|&i| pins.weights()[i] == 1.0 && pins.category(i) == "övrigt")
        .filter(|&i| {
            let [x, y] = pins.position(i);
            area.contains(x, y)
        })
        .count() as u64;
    assert_eq!(ps.result.sppt.perceived_total, 12 + 45 + scattered_dry);
    assert!(ps.result.perceived_outside >= 4);
    // Classes and names.
    let first = &ps.places[0];
    assert_eq!(first.class, PerceptionClass::PerceivedOnly);
    assert_eq!(first.name.as_ref().unwrap().name, "Gångtunneln");
    assert_eq!(first.recorded, 0);
    assert!(first.perceived >= 40, "{first:?}");
    // Recorded only: the school nobody pins, and the square (45 % of the incidents, 17 % of pins).
    let recorded_only: Vec<&str> = ps
        .places
        .iter()
        .filter(|p| p.class == PerceptionClass::RecordedOnly)
        .map(|p| p.name.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(recorded_only[..2], ["Torget", "Skolan"]);
    assert!(
        !ps.places
            .iter()
            .any(|p| p.class == PerceptionClass::PerceivedOnly
                && p.name.as_ref().unwrap().name == "Skolan")
    );
    // summary.json
    let mut sit = sit;
    sit.perception = Outcome::Done(ps);
    let v = sit.analyses_value();
    assert_eq!(v["perception"]["places"][0]["place"], "Gångtunneln");
    assert_eq!(v["perception"]["compared_on"], "area_at_risk");
}

#[test]
fn public_mode_shows_no_cell_or_place_below_min_count() {
    let sc = scene();
    let (_, out) = run_scene(&sc, true, &sc.pins);
    let ps = match out {
        Outcome::Done(p) => p,
        other => panic!("{other:?}"),
    };
    let (_, internal) = run_scene(&sc, false, &sc.pins);
    let internal = internal.done().unwrap().clone();
    let small = |n: u64| n > 0 && n < 5;
    assert!(ps.suppressed > 0);
    assert_eq!(
        ps.result.cells.len() + ps.suppressed,
        internal.result.cells.len()
    );
    assert!(
        ps.result
            .cells
            .iter()
            .all(|c| !small(c.recorded) && !small(c.perceived))
    );
    for p in &ps.places {
        assert!(!small(p.recorded) && !small(p.perceived), "{p:?}");
    }
    // The much-pinned underpass with no incidents stays visible.
    assert_eq!(ps.places[0].name.as_ref().unwrap().name, "Gångtunneln");
}

#[test]
fn an_empty_perception_file_fails_with_its_name() {
    let sc = scene();
    let empty = sc._dir.path().join("tom.csv");
    std::fs::write(&empty, "latitude,longitude,weight\n").unwrap();
    let (_, out) = run_scene(&sc, false, &empty);
    match out {
        Outcome::Failed(e) => assert!(e.contains("tom.csv"), "{e}"),
        other => panic!("{other:?}"),
    }
}
