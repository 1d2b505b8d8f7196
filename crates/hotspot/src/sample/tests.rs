use super::*;
use crate::categories::CategoryTable;
use chrono::{Datelike, Timelike, Weekday};

fn csv_bytes(scene: &Scene, n: u64) -> Vec<u8> {
    let mut v = Vec::new();
    scene.write_csv(n, &mut v).unwrap();
    v
}

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/vingaker")
}

/// The committed sample: `hotspot sample --out data/vingaker --n 4000 --seed 2025`.
pub(super) const COMMITTED_SEED: u64 = 2025;
pub(super) const COMMITTED_N: u64 = 4000;

#[test]
fn same_seed_gives_same_bytes_whatever_the_thread_count() {
    let scene = Scene::vingaker(11).unwrap();
    let n = 2 * CHUNK + 123; // three chunks, the last partial
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| csv_bytes(&scene, n));
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| csv_bytes(&scene, n));
    assert!(one == three, "thread count changed the output");
    let again = csv_bytes(&Scene::vingaker(11).unwrap(), n);
    assert!(one == again);
    let other = csv_bytes(&Scene::vingaker(12).unwrap(), n);
    assert!(one != other, "a different seed must give different data");
    // A smaller n is a prefix of a larger one.
    let small = csv_bytes(&scene, 1000);
    assert!(one.starts_with(&small));
    let text = String::from_utf8(one).unwrap();
    assert_eq!(text.lines().count() as u64, n + 1);
    assert_eq!(text.lines().next(), Some(CSV_HEADER));
    assert!(text.lines().last().unwrap().starts_with(&format!("{n},")));
}

#[test]
fn zero_rows_give_a_header_only_file_and_limits_are_checked() {
    let scene = Scene::vingaker(1).unwrap();
    assert_eq!(
        csv_bytes(&scene, 0),
        b"id,datetime,latitude,longitude,category,senast\n"
    );
    assert!(scene.generate(0).unwrap().is_empty());
    assert!(matches!(
        scene.write_csv(MAX_CSV_ROWS + 1, std::io::sink()),
        Err(Error::LimitExceeded { .. })
    ));
    assert!(matches!(
        scene.generate(MAX_IN_MEMORY + 1),
        Err(Error::LimitExceeded { .. })
    ));
}

#[test]
fn csv_rows_are_well_formed_and_match_the_in_memory_incidents() {
    let scene = Scene::vingaker(5).unwrap();
    let n = 3000;
    let text = String::from_utf8(csv_bytes(&scene, n as u64)).unwrap();
    let inc = scene.generate(n).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut rows = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), 6);
        assert_eq!(&rec[0], inc.ids()[i]);
        let t = chrono::DateTime::parse_from_rfc3339(&rec[1]).unwrap();
        let it = inc.times()[i].unwrap();
        assert_eq!(t, it.instant());
        assert_eq!(t.offset(), it.instant().offset());
        assert_eq!(rec[1].to_string(), it.instant().to_rfc3339());
        let lat: f64 = rec[2].parse().unwrap();
        let lon: f64 = rec[3].parse().unwrap();
        assert_eq!(inc.lonlat()[i], Some([lon, lat]));
        assert_eq!(&rec[4], inc.category(i));
        let span = match &rec[5] {
            "" => 0,
            to => (chrono::DateTime::parse_from_rfc3339(to).unwrap() - t).num_seconds(),
        };
        assert_eq!(span, i64::from(inc.interval_lengths()[i]), "row {}", i + 1);
        rows += 1;
    }
    assert_eq!(rows, n);
    // SWEREF 99 TM of the town centre is about E 549917, N 6545388.
    let [x0, y0, x1, y1] = inc.bbox().unwrap();
    assert!(x0 > 530_000.0 && x1 < 570_000.0 && y0 > 6_530_000.0 && y1 < 6_565_000.0);
}

#[test]
fn all_points_lie_inside_the_boundary() {
    let scene = Scene::vingaker(3).unwrap();
    let area = scene.study_area(Crs::SWEREF99_TM).unwrap();
    assert!((area.area_km2() - 442.6).abs() < 2.0, "{}", area.area_km2());
    let inc = scene.generate(20_000).unwrap();
    let outside = (0..inc.len())
        .filter(|&i| !area.contains(inc.x()[i], inc.y()[i]))
        .count();
    assert_eq!(outside, 0);
    // The uniform background reaches far corners: the points span most of the bbox.
    let [bx0, by0, bx1, by1] = area.bbox();
    let [x0, y0, x1, y1] = inc.bbox().unwrap();
    assert!(x1 - x0 > 0.8 * (bx1 - bx0) && y1 - y0 > 0.8 * (by1 - by0));
}

#[test]
fn category_mix_matches_the_scene_definition() {
    let scene = Scene::vingaker(8).unwrap();
    let table = CategoryTable::default_table();
    let n = 20_000;
    let inc = scene.generate(n).unwrap();
    let c = table.classify(&inc);
    assert!(c.unknown().is_empty(), "{:?}", c.unknown());
    let expect = scene.expected_area_shares(&table);
    assert!((expect.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let counts = c.counts_by_area();
    for a in ProblemArea::ALL {
        let p = expect[a.index()];
        let mean = p * n as f64;
        let sd = (n as f64 * p * (1.0 - p)).sqrt();
        let got = counts[a.index()] as f64;
        assert!((got - mean).abs() < 5.0 * sd, "{a}: {got} vs {mean}");
        assert!(got > 0.0, "{a} never generated");
    }
    // Every category the scene writes is one the default table knows.
    for cat in scene.categories() {
        assert!(table.lookup(cat).is_some(), "{cat}");
    }
}

#[test]
fn time_rhythms_are_plausible() {
    let scene = Scene::vingaker(9).unwrap();
    let table = CategoryTable::default_table();
    let inc = scene.generate(30_000).unwrap();
    let c = table.classify(&inc);
    let cal = Calendar::new();
    let day_of = |t: &IncidentTime| {
        let d = t.date().unwrap();
        cal.days[(d - cal.days[0].date).num_days() as usize]
    };
    let mut vand = (0usize, 0usize); // (in school hours, total)
    let mut viol_party_night = (0usize, 0usize); // (00-05 after Fri/Sat, all 00-05)
    let mut fraud_office = (0usize, 0usize);
    for i in 0..inc.len() {
        let t = inc.times()[i].unwrap();
        let d = t.date().unwrap();
        assert!(d.year() == 2025 || d.year() == 2026, "{t}");
        let local = t.instant();
        // No time in the spring DST gap, offsets are Stockholm's.
        assert!(
            local.offset().local_minus_utc() == 3600 || local.offset().local_minus_utc() == 7200
        );
        let expect_offset = chrono::TimeZone::from_local_datetime(
            &chrono_tz::Europe::Stockholm,
            &local.naive_local(),
        )
        .earliest()
        .map(|x| x.fixed_offset());
        assert_eq!(expect_offset, Some(local), "{t}");
        let hour = t.hour().unwrap();
        let day = day_of(&t);
        match c.area(i) {
            ProblemArea::VandalismGraffitiLittering => {
                vand.1 += 1;
                if calendar::in_school_hours(&day, hour as u8) {
                    vand.0 += 1;
                }
            }
            ProblemArea::ViolenceThreats if hour < 5 => {
                viol_party_night.1 += 1;
                if matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
                    viol_party_night.0 += 1;
                }
            }
            ProblemArea::FraudElderly => {
                fraud_office.1 += 1;
                if (8..17).contains(&local.hour()) {
                    fraud_office.0 += 1;
                }
            }
            _ => {}
        }
    }
    let share = |p: (usize, usize)| p.0 as f64 / p.1 as f64;
    // Vandalism at schools is mostly out of hours: school hours are about 19 %
    // of the week's hours (8 h x ~190 school days) but hold < 10 % of vandalism.
    assert!(
        share(vand) < 0.10,
        "vandalism in school hours: {}",
        share(vand)
    );
    // Two nights of seven hold well over half of the night violence.
    assert!(share(viol_party_night) > 0.5, "{}", share(viol_party_night));
    assert!(share(fraud_office) > 0.85, "{}", share(fraud_office));
}

#[test]
fn planted_hotspots_appear_where_intended() {
    let scene = Scene::vingaker(4).unwrap();
    let n = 30_000;
    let inc = scene.generate(n).unwrap();
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    let area_km2 = scene.study_area(Crs::SWEREF99_TM).unwrap().area_km2();
    assert!(scene.hotspots().len() >= 12);
    for h in scene.hotspots() {
        assert!(h.name.ends_with("(fiktiv)"));
        let [cx, cy] = proj.to_metres(h.lon, h.lat).unwrap();
        let r = 2.0 * h.sigma_m;
        let within = (0..inc.len())
            .filter(|&i| (inc.x()[i] - cx).hypot(inc.y()[i] - cy) <= r)
            .count() as f64;
        // P(|N2(0, s)| <= 2s) = 1 - exp(-2) = 0.8647.
        let planted = h.expected_share() * n as f64 * (1.0 - (-2.0f64).exp());
        assert!(
            within >= 0.8 * planted,
            "{}: {within} < 0.8 x {planted}",
            h.name
        );
        // Density inside is far above the municipality average.
        let disc_km2 = std::f64::consts::PI * r * r / 1e6;
        let ratio = (within / disc_km2) / (n as f64 / area_km2);
        assert!(ratio > 20.0, "{}: density ratio {ratio}", h.name);
    }
}

#[test]
fn schools_layer_is_valid_geojson_with_names_and_levels() {
    let scene = Scene::vingaker(0).unwrap();
    let text = scene.schools_geojson();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection")
    };
    assert_eq!(fc.features.len(), 6);
    let area = scene.study_area(Crs::SWEREF99_TM).unwrap();
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    let mut levels = std::collections::BTreeSet::new();
    for f in &fc.features {
        let props = f.properties.as_ref().unwrap();
        let name = props["name"].as_str().unwrap();
        assert!(name.contains("(fiktiv)"), "{name}");
        let level = props["level"].as_str().unwrap();
        assert!(["F-6", "7-9", "gymnasium"].contains(&level));
        levels.insert(level.to_string());
        let geojson::GeometryValue::Point { coordinates } = &f.geometry.as_ref().unwrap().value
        else {
            panic!("not a point")
        };
        let [x, y] = proj.to_metres(coordinates[0], coordinates[1]).unwrap();
        assert!(area.contains(x, y));
    }
    assert_eq!(levels.len(), 3);
    for s in [scene.places_geojson(), scene.hotspots_geojson()] {
        assert!(s.parse::<geojson::GeoJson>().is_ok());
    }
    // All places are invented and say so.
    assert!(scene.places().iter().all(|p| p.name.ends_with("(fiktiv)")));
    assert!(scene.roads().iter().all(|r| r.name.ends_with("(fiktiv)")));
}

#[test]
fn committed_sample_is_reproduced_byte_for_byte() {
    let dir = data_dir();
    let scene = Scene::vingaker(COMMITTED_SEED).unwrap();
    let csv = std::fs::read(dir.join("incidents.csv")).unwrap();
    assert!(
        csv == csv_bytes(&scene, COMMITTED_N),
        "data/vingaker/incidents.csv differs from `hotspot sample --n {COMMITTED_N} --seed {COMMITTED_SEED}`"
    );
    let schools = std::fs::read_to_string(dir.join("schools.geojson")).unwrap();
    assert_eq!(schools, scene.schools_geojson());
    let places = std::fs::read_to_string(dir.join("places.geojson")).unwrap();
    assert_eq!(places, scene.places_geojson());
    let roads = std::fs::read_to_string(dir.join("roads.geojson")).unwrap();
    assert_eq!(roads, scene.roads_geojson());
    let water = std::fs::read_to_string(dir.join("water.geojson")).unwrap();
    assert_eq!(water, scene.water_geojson());
    let hot = std::fs::read_to_string(dir.join("hotspots.geojson")).unwrap();
    assert_eq!(hot, scene.hotspots_geojson());
    let boundary = std::fs::read_to_string(dir.join("boundary.geojson")).unwrap();
    assert_eq!(boundary, VINGAKER_BOUNDARY_GEOJSON);
}

#[test]
fn micro_degree_formatting() {
    let mut b = Vec::new();
    push_micro(&mut b, 59_045_123);
    b.push(b' ');
    push_micro(&mut b, 15_000_007);
    b.push(b' ');
    push_micro(&mut b, -1_500_000);
    b.push(b' ');
    push_micro(&mut b, 0);
    assert_eq!(
        String::from_utf8(b).unwrap(),
        "59.045123 15.000007 -1.500000 0.000000"
    );
    assert_eq!(csv_field("Misshandel, grov"), "\"Misshandel, grov\"");
    assert_eq!(csv_field("Klotter"), "Klotter");
}

#[test]
fn reading_the_committed_csv_gives_the_in_memory_incidents_with_no_rejection() {
    use crate::ingest::{Boundary, ReadOptions, read_path};
    let dir = data_dir();
    let opts = ReadOptions {
        boundary: Some(Boundary::read(&dir.join("boundary.geojson"), None).unwrap()),
        ..ReadOptions::default()
    };
    let read = read_path(&dir.join("incidents.csv"), &opts).unwrap();
    assert_eq!(read.report.rejected(), 0, "{}", read.report.summary());
    let got = read.incidents;
    let want = Scene::vingaker(COMMITTED_SEED)
        .unwrap()
        .generate(COMMITTED_N as usize)
        .unwrap();
    assert_eq!(got.crs(), want.crs());
    assert_eq!(got.len(), want.len());
    assert_eq!(got.x(), want.x());
    assert_eq!(got.y(), want.y());
    assert_eq!(got.times(), want.times());
    assert_eq!(got.interval_lengths(), want.interval_lengths());
    assert!(got.has_intervals());
    assert_eq!(got.ids(), want.ids());
    assert_eq!(got.lonlat(), want.lonlat());
    for i in 0..got.len() {
        assert_eq!(got.category(i), want.category(i));
    }
}

#[test]
fn synthetic_basemap_layers_read_cleanly_lie_inside_and_keep_off_the_places() {
    use crate::basemap::{Basemap, LayerKind, NameKind, NameLang, Namer, RoadClass, geojson_layer};
    use geo::Contains;
    let scene = Scene::vingaker(COMMITTED_SEED).unwrap();
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    let area = scene.study_area(Crs::SWEREF99_TM).unwrap();
    let mut b = Basemap::default();
    for (kind, text) in [
        (LayerKind::Places, scene.places_geojson()),
        (LayerKind::Roads, scene.roads_geojson()),
        (LayerKind::Water, scene.water_geojson()),
    ] {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for f in v["features"].as_array().unwrap() {
            assert_eq!(f["properties"]["synthetic"], true);
            assert!(
                f["properties"]["name"]
                    .as_str()
                    .unwrap()
                    .ends_with("(fiktiv)")
            );
        }
        let p = std::path::Path::new(kind.key());
        b.add_layer(kind, p, geojson_layer(&v, p).unwrap(), &proj)
            .unwrap();
    }
    assert!(b.skipped.is_empty());
    assert_eq!(b.places.len(), scene.places().len());
    assert_eq!(
        b.roads
            .iter()
            .filter(|r| r.class == RoadClass::Major)
            .count(),
        3
    );
    assert_eq!(b.water.len(), 3);
    for r in &b.roads {
        for c in &r.line.0 {
            assert!(area.contains(c.x, c.y), "{:?} outside", r.name);
        }
    }
    for w in &b.water {
        for c in w.0.iter().flat_map(|p| p.exterior().0.iter()) {
            assert!(area.contains(c.x, c.y));
        }
        // No place (nor its planted hotspot's 1-sigma disc centre) is in the water.
        for p in &b.places {
            assert!(
                !w.contains(&geo::Point::new(p.xy[0], p.xy[1])),
                "{} in water",
                p.name
            );
        }
    }
    // Every planted hotspot is named after its own place.
    let namer = Namer::new(&b, 150.0, NameLang::Sv).unwrap();
    for h in scene.hotspots() {
        let [x, y] = proj.to_metres(h.lon, h.lat).unwrap();
        let n = namer.name([x + 30.0, y - 20.0]).unwrap();
        assert_eq!((n.kind, n.name.as_str()), (NameKind::Place, h.name));
    }
}

#[test]
fn found_later_records_are_weekday_afternoon_to_weekday_morning_intervals_around_the_event() {
    // The same scene with the interval draws switched off gives every row's own event time, so
    // each interval can be checked against the time it was drawn around.
    let scene = Scene::vingaker(3).unwrap();
    let mut exact = Scene::vingaker(3).unwrap();
    exact.found_pm.iter_mut().for_each(|p| *p = 0);
    let n = 20_000;
    let inc = scene.generate(n).unwrap();
    let truth = exact.generate(n).unwrap();
    assert!(!truth.has_intervals());
    assert_eq!(inc.x(), truth.x(), "intervals must not move the rows");
    let cal = Calendar::new();
    let weekday =
        |d: chrono::NaiveDate| !cal.days[(d - cal.days[0].date).num_days() as usize].day_off;
    let mut found = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for i in 0..n {
        let cat = inc.category(i);
        let t = truth.times()[i].unwrap().instant();
        let seen = weekday(t.date_naive()) && (7..16).contains(&t.hour());
        let e = found.entry(cat).or_default();
        e.1 += usize::from(!seen);
        let len = inc.interval_lengths()[i];
        let from = inc.times()[i].unwrap().instant();
        if len == 0 {
            assert_eq!(from, t, "an exact record keeps its time");
            continue;
        }
        e.0 += 1;
        assert!(
            FOUND_LATER.iter().any(|f| f.0 == cat),
            "{cat} is never found later"
        );
        let to = (from + chrono::Duration::seconds(i64::from(len)))
            .with_timezone(&chrono_tz::Europe::Stockholm);
        // The event lies in [from, to).
        assert!(
            from <= t && t < to,
            "row {}: {from} .. {to} around {t}",
            i + 1
        );
        // It was not seen: not on a weekday between 07 and 16.
        assert!(!seen, "{t}");
        // From: the last weekday 16:00:00; to: a weekday 07:00-07:45.
        assert_eq!((from.hour(), from.minute(), from.second()), (16, 0, 0));
        assert!(weekday(from.date_naive()) && weekday(to.date_naive()));
        assert!(to.hour() == 7 && to.minute() < 45, "{to}");
        // No later weekday 16:00 before the event, no earlier weekday 07:00 after it.
        let mut d = from.date_naive().succ_opt().unwrap();
        while d <= t.date_naive() {
            assert!(
                !weekday(d) || (d == t.date_naive() && t.hour() < 16),
                "{from} {t}"
            );
            d = d.succ_opt().unwrap();
        }
        let mut d = t.date_naive();
        while d < to.date_naive() {
            assert!(
                !weekday(d) || (d == t.date_naive() && t.hour() >= 7),
                "{t} {to}"
            );
            d = d.succ_opt().unwrap();
        }
    }
    // The per-category chances, among the records that were not seen (within 4 standard errors;
    // the few events within 5 days of the period's ends stay exact).
    for (cat, pm) in FOUND_LATER {
        let (k, unseen) = found[cat];
        let share = k as f64 / unseen as f64;
        let chance = *pm as f64 / 1000.0;
        let se = (chance * (1.0 - chance) / unseen as f64).sqrt();
        assert!((share - chance).abs() < 4.0 * se, "{cat}: {k}/{unseen}");
    }
    assert_eq!(found["Misshandel"].0, 0);
}
