//! Fuzz-style property test: seeded mutations of the files in `data/` go through the CSV and
//! GeoJSON incident readers, the boundary reader and the schools, candidate-point, follow-up
//! zone and basemap (roads, places, water) layers.
//! Every case must return `Ok` or an `Err`: a panic fails the test with the case's seed.
//!
//! About 2,600 cases in all (byte-level mutations of every file, plus structural mutations of
//! GeoJSON coordinates: positions with 0 or 1 numbers, strings, nulls, empty rings, NaN-like
//! values, self-intersecting rings), on the first lines of each file so the test stays fast.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hotspot::Crs;
use hotspot::Projector;
use hotspot::ingest::{Boundary, ReadOptions, read_path};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

/// The first `lines` lines of a text file (CSV files in `data/` run to megabytes).
fn head(path: &Path, lines: usize) -> Vec<u8> {
    let text = std::fs::read(path).unwrap();
    let mut n = 0;
    let end = text
        .iter()
        .position(|&b| {
            if b == b'\n' {
                n += 1;
            }
            n == lines
        })
        .unwrap_or(text.len());
    text[..end].to_vec()
}

const TOKENS: &[&[u8]] = &[
    b",",
    b";",
    b"\"",
    b"\n",
    b"\r\n",
    b"-",
    b"1e309",
    b"NaN",
    b"-0",
    b"999999999",
    b"[",
    b"]",
    b"{",
    b"}",
    b"[1]",
    b"[]",
    b"null",
    b"\"x\"",
    b"\xff\xfe",
    b"\xc3",
    b"0,0",
    b"\t",
];

/// One byte-level mutation: flip, delete a range, duplicate a range, insert a token, truncate.
fn mutate_bytes(rng: &mut ChaCha8Rng, src: &[u8]) -> Vec<u8> {
    let mut v = src.to_vec();
    for _ in 0..rng.random_range(1..4) {
        if v.is_empty() {
            v.extend_from_slice(TOKENS[rng.random_range(0..TOKENS.len())]);
            continue;
        }
        let i = rng.random_range(0..v.len());
        match rng.random_range(0..5) {
            0 => v[i] = rng.random(),
            1 => {
                let j = (i + rng.random_range(1..64)).min(v.len());
                v.drain(i..j);
            }
            2 => {
                let j = (i + rng.random_range(1..64)).min(v.len());
                let piece = v[i..j].to_vec();
                v.splice(i..i, piece);
            }
            3 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                v.splice(i..i, t.iter().copied());
            }
            _ => v.truncate(i),
        }
    }
    v
}

/// Every array of numbers (a position) in a JSON value, as a path of indices/keys.
fn positions(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Array(a) if a.first().is_some_and(Value::is_number) => out.push(path.clone()),
        Value::Array(a) => {
            for (k, x) in a.iter().enumerate() {
                path.push(Value::from(k));
                positions(x, path, out);
                path.pop();
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Value::from(k.as_str()));
                positions(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path`, or `None` when an earlier mutation removed it.
fn at<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = match p {
            Value::Number(n) => cur.get_mut(n.as_u64()? as usize)?,
            Value::String(s) => cur.get_mut(s.as_str())?,
            _ => return None,
        };
    }
    Some(cur)
}

/// One structural mutation of a GeoJSON document's coordinates.
fn mutate_geojson(rng: &mut ChaCha8Rng, doc: &Value) -> Vec<u8> {
    let mut d = doc.clone();
    let mut ps = Vec::new();
    positions(&d, &mut Vec::new(), &mut ps);
    for _ in 0..rng.random_range(1..3) {
        if ps.is_empty() {
            break;
        }
        let path = ps[rng.random_range(0..ps.len())].clone();
        let Some(target) = at(&mut d, &path) else {
            continue;
        };
        *target = match rng.random_range(0..9) {
            0 => Value::Array(vec![]),
            1 => Value::Array(vec![Value::from(15.9)]),
            2 => Value::from("15.9"),
            3 => Value::Null,
            4 => serde_json::json!([1e300, -1e300]),
            5 => serde_json::json!([59.05, 15.87]),
            6 => serde_json::json!([550000.0, 6545000.0]),
            7 => serde_json::json!([[15.9, 59.0]]),
            _ => {
                // Cut the ring or line holding this position to one element.
                let parent = &path[..path.len() - 1];
                if let Some(Value::Array(a)) = at(&mut d, parent) {
                    a.truncate(1);
                }
                continue;
            }
        };
    }
    serde_json::to_vec(&d).unwrap()
}

/// Runs one reader on one mutated file; returns a description of a panic, if any.
fn run_case(
    what: &str,
    path: &Path,
    f: impl FnOnce(&Path) + std::panic::UnwindSafe,
) -> Option<String> {
    let p = path.to_path_buf();
    std::panic::catch_unwind(move || f(&p)).err().map(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("{what} on {}: panic {msg}", path.display())
    })
}

fn readers(kind: &str, path: &Path) -> Vec<Option<String>> {
    let mut out = Vec::new();
    out.push(run_case("read_path", path, |p| {
        let _ = read_path(p, &ReadOptions::default());
    }));
    if kind == "geojson" {
        out.push(run_case("Boundary::read", path, |p| {
            if let Ok(b) = Boundary::read(p, None) {
                let _ = b.to_study_area(&Projector::new(Crs::SWEREF99_TM).unwrap());
            }
        }));
        out.push(run_case("read_schools", path, |p| {
            let pr = Projector::new(Crs::SWEREF99_TM).unwrap();
            let _ = hotspot::schools::read_schools(p, &pr);
        }));
        out.push(run_case("read_points", path, |p| {
            let pr = Projector::new(Crs::SWEREF99_TM).unwrap();
            let _ = hotspot::patrol::candidates::read_points(p, &pr);
        }));
        out.push(run_case("read_zones", path, |p| {
            let pr = Projector::new(Crs::SWEREF99_TM).unwrap();
            let _ = hotspot::followup::read_zones(p, &pr);
        }));
        out.push(run_case("Basemap::read", path, |p| {
            let pr = Projector::new(Crs::SWEREF99_TM).unwrap();
            let src = hotspot::basemap::BasemapSources {
                places: Some(p.to_path_buf()),
                roads: Some(p.to_path_buf()),
                water: Some(p.to_path_buf()),
                buildings: None,
            };
            let _ = hotspot::basemap::Basemap::read(&src, &pr);
        }));
    }
    out
}

#[test]
fn mutated_data_files_give_errors_never_panics() {
    // Quiet the default hook: the panics are collected and reported below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let dir = tempfile::tempdir().unwrap();
    let csvs = [
        ("vingaker/incidents.csv", 120),
        ("polisen-events-sodermanland/events.csv", 80),
        ("memphis-robberies/memphis_robberies.csv", 80),
        ("sf-crime-2012/incidents.csv", 60),
        (
            "west-yorkshire-synthetic/west-yorkshire-street-synthetic.csv",
            60,
        ),
    ];
    let geojsons = [
        "vingaker/boundary.geojson",
        "vingaker/schools.geojson",
        "vingaker/places.geojson",
        "vingaker/hotspots.geojson",
        "vingaker/zones.geojson",
        "vingaker/roads.geojson",
        "john-snow/pumps.geojson",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut panics = Vec::new();
    let mut cases = 0usize;
    for (k, (rel, lines)) in csvs.iter().enumerate() {
        let src = head(&data(rel), *lines);
        for i in 0..300 {
            let p = dir.path().join(format!("c{k}_{i}.csv"));
            std::fs::write(&p, mutate_bytes(&mut rng, &src)).unwrap();
            panics.extend(readers("csv", &p).into_iter().flatten());
            cases += 1;
            let _ = std::fs::remove_file(&p);
        }
    }
    for (k, rel) in geojsons.iter().enumerate() {
        let src = std::fs::read(data(rel)).unwrap();
        let doc: Value = serde_json::from_slice(&src).unwrap();
        for i in 0..220 {
            let bytes = if i % 3 == 0 {
                mutate_bytes(&mut rng, &src)
            } else {
                mutate_geojson(&mut rng, &doc)
            };
            let p = dir.path().join(format!("g{k}_{i}.geojson"));
            std::fs::write(&p, bytes).unwrap();
            panics.extend(readers("geojson", &p).into_iter().flatten());
            cases += 1;
            let _ = std::fs::remove_file(&p);
        }
    }
    std::panic::set_hook(hook);
    assert!(cases >= 2_900, "{cases} cases");
    assert!(
        panics.is_empty(),
        "{} panics, first: {:?}",
        panics.len(),
        &panics[..panics.len().min(5)]
    );
}

#[test]
fn geojson_position_with_one_number_is_an_error_naming_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.geojson");
    std::fs::write(
        &p,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,59.0],[15.9],[15.9,59.1],[15.8,59.0]]]}}]}"#,
    )
    .unwrap();
    let e = Boundary::read(&p, None).unwrap_err().to_string();
    assert!(e.contains("feature 1") && e.contains("1 value"), "{e}");
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    let e = hotspot::schools::read_schools(&p, &proj)
        .unwrap_err()
        .to_string();
    assert!(e.contains("feature 1"), "{e}");
}

#[test]
fn boundary_with_a_duplicated_feature_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.geojson");
    let f = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,59.0],[15.9,59.0],[15.9,59.1],[15.8,59.1],[15.8,59.0]]]}}"#;
    std::fs::write(
        &p,
        format!(r#"{{"type":"FeatureCollection","features":[{f},{f}]}}"#),
    )
    .unwrap();
    let b = Boundary::read(&p, None).unwrap();
    assert_eq!(b.duplicates_merged(), 1);
    assert_eq!(b.polygons().0.len(), 1);
}

#[test]
fn self_intersecting_boundary_is_refused_naming_the_vertex() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.geojson");
    std::fs::write(
        &p,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,59.0],[15.9,59.1],[15.9,59.0],[15.8,59.1],[15.8,59.0]]]}}"#,
    )
    .unwrap();
    let e = Boundary::read(&p, None).unwrap_err().to_string();
    assert!(e.contains("crosses itself at vertex"), "{e}");
}
