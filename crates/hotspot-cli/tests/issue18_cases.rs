//! Regression tests for the cases of issue 18 ("Honest input and safe output"), each named after
//! its case: bad geometry, wholesale mistakes, nothing usable, exit codes and limits checked
//! before work.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{data, run, stderr};
use std::path::{Path, PathBuf};

/// The first `n` incidents of the Vingåker sample.
fn small_csv(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(data("vingaker/incidents.csv")).unwrap();
    let small: String = text.lines().take(n + 1).map(|l| format!("{l}\n")).collect();
    let p = dir.join("incidents.csv");
    std::fs::write(&p, small).unwrap();
    p
}

/// The sample rows rewritten by `f(fields) -> fields` under `header`.
fn rewritten(
    dir: &Path,
    name: &str,
    header: &str,
    f: impl Fn(usize, &[&str]) -> String,
) -> PathBuf {
    let text = std::fs::read_to_string(small_csv(dir, 300)).unwrap();
    let mut out = format!("{header}\n");
    for (k, l) in text.lines().skip(1).enumerate() {
        let v: Vec<&str> = l.split(',').collect();
        out.push_str(&f(k, &v));
        out.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, out).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn self_intersecting_boundary_of_10000_vertices_is_refused_at_once_naming_the_vertex() {
    // Once a vertices^2.7 run (3,000 vertices: 73 s; 10,000: killed after 200 s).
    let dir = tempfile::tempdir().unwrap();
    let inc = small_csv(dir.path(), 100);
    let n = 10_000;
    let mut ring: Vec<String> = (0..n)
        .map(|k| {
            let a = k as f64 / n as f64 * std::f64::consts::TAU;
            // A star whose points cross: every vertex jumps by 0.37 of a turn.
            let b = a * 3.7;
            format!(
                "[{:.6},{:.6}]",
                15.87 + 0.05 * b.cos(),
                59.05 + 0.03 * b.sin()
            )
        })
        .collect();
    ring.push(ring[0].clone());
    let b = dir.path().join("b.geojson");
    std::fs::write(
        &b,
        format!(
            r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            ring.join(",")
        ),
    )
    .unwrap();
    let out = dir.path().join("sch");
    let o = run(&[
        "schools",
        s(&inc),
        "--schools",
        s(&data("vingaker/schools.geojson")),
        "--boundary",
        s(&b),
        "--out",
        s(&out),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("crosses itself at vertex"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn boundary_with_a_duplicated_feature_does_not_fail_on_a_parameter_the_user_never_set() {
    // Once "invalid parameter `exposure_a` = 0".
    let dir = tempfile::tempdir().unwrap();
    let inc = small_csv(dir.path(), 300);
    let text = std::fs::read_to_string(data("vingaker/boundary.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let feats = v["features"].as_array().unwrap();
    let doubled = serde_json::json!({"type": "FeatureCollection",
        "features": feats.iter().chain(feats.iter()).collect::<Vec<_>>()});
    let b = dir.path().join("b.geojson");
    std::fs::write(&b, doubled.to_string()).unwrap();
    let o = run(&[
        "schools",
        s(&inc),
        "--schools",
        s(&data("vingaker/schools.geojson")),
        "--boundary",
        s(&b),
        "--out",
        s(&dir.path().join("sch")),
        "-q",
    ]);
    assert!(!stderr(&o).contains("exposure_a"), "{}", stderr(&o));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn world_covering_boundary_is_an_error_that_says_what_is_wrong() {
    // Once: every incident marked as outside.
    let dir = tempfile::tempdir().unwrap();
    let inc = small_csv(dir.path(), 50);
    let b = dir.path().join("world.geojson");
    std::fs::write(
        &b,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-180,-85],[180,-85],[180,85],[-180,85],[-180,-85]]]}}"#,
    )
    .unwrap();
    let o = run(&["inspect", s(&inc), "--boundary", s(&b), "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("world.geojson") && e.contains("spans longitude"),
        "{e}"
    );
}

#[test]
fn gistar_geojson_memory_is_estimated_before_work() {
    // Once 5.4 GB at 1.9M cells and an abort at 7.6M cells.
    let dir = tempfile::tempdir().unwrap();
    let inc = small_csv(dir.path(), 300);
    let out = dir.path().join("gi.geojson");
    let o = run(&[
        "gistar",
        s(&inc),
        "--cell",
        "10",
        "--geojson",
        s(&out),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("GeoJSON") || e.contains("memory"), "{e}");
    assert!(
        e.contains("--cell"),
        "the hint names the flag to change: {e}"
    );
    assert!(!out.exists());
}

#[test]
fn one_bad_value_does_not_decide_how_the_whole_file_is_read() {
    // Once: a single x above 180 made every row "projected, CRS unknown".
    let dir = tempfile::tempdir().unwrap();
    let p = rewritten(
        dir.path(),
        "xy.csv",
        "id,datetime,x,y,category,senast",
        |k, v| {
            let x = if k == 3 { "200.5" } else { v[3] };
            format!("{},{},{x},{},{}", v[0], v[1], v[2], v[4..].join(","))
        },
    );
    let o = run(&["inspect", s(&p), "--json", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows_read"], 300);
    assert_eq!(j["accepted"], 299, "{j}");
    assert_eq!(j["rejected"], 1);
}

#[test]
fn every_row_rejected_exits_2_and_writes_no_report() {
    // Once exit 1 (or 0 with an empty report).
    let dir = tempfile::tempdir().unwrap();
    rewritten(
        dir.path(),
        "bad.csv",
        "id,datetime,latitude,longitude,category,senast",
        |_, v| format!("{},{},abc,{},{}", v[0], v[1], v[3], v[4..].join(",")),
    );
    let cfg = dir.path().join("r.toml");
    std::fs::write(&cfg, "incidents = \"bad.csv\"\nprint = false\n").unwrap();
    let out = dir.path().join("rep");
    let o = run(&["report", s(&cfg), "--out", s(&out), "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("none of the 300 rows"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "no report folder");
}

#[test]
fn lat_lon_swapped_throughout_is_an_error_with_the_fix() {
    // Once accepted and placed in the Arabian Sea.
    let dir = tempfile::tempdir().unwrap();
    let p = rewritten(
        dir.path(),
        "sw.csv",
        "id,datetime,latitude,longitude,category,senast",
        |_, v| format!("{},{},{},{},{}", v[0], v[1], v[3], v[2], v[4..].join(",")),
    );
    let o = run(&["inspect", s(&p), "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("latitude and longitude look swapped") && e.contains("--lon latitude"),
        "{e}"
    );
}

#[test]
fn missing_file_exits_2_with_its_cause_printed_once() {
    let o = run(&["inspect", "no-such-file.csv", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).matches("No such file").count(),
        1,
        "{}",
        stderr(&o)
    );
}

#[test]
fn negative_bandwidth_reaches_the_parameter_check() {
    let dir = tempfile::tempdir().unwrap();
    let inc = small_csv(dir.path(), 50);
    let o = run(&["kde", s(&inc), "--bandwidth", "-300", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("must be a positive"), "{}", stderr(&o));
}

#[test]
fn police_notices_on_ten_points_are_named_stacked_positions_by_inspect() {
    // The bundled notices put 2,471 events on 10 municipality centres and nothing said so.
    let f = data("polisen-events-sodermanland/events.csv");
    let o = run(&["inspect", s(&f), "--json", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let q = &j["positional_quality"];
    assert_eq!(q["distinct_positions"], 10);
    assert_eq!(q["largest_stack"], 1560);
    assert_eq!(q["stack_min"], 10);
    assert_eq!(q["stacked_share"], 1.0);
    assert_eq!(q["top_stacks"][0]["count"], 1560);
    assert!(
        q["top_stacks"][0]["categories"][0]["count"]
            .as_u64()
            .unwrap()
            > 0
    );
    let codes: Vec<&str> = j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"stacked_positions"), "{codes:?}");
    // A threshold above the largest stack finds none.
    let o = run(&["inspect", s(&f), "--json", "--stack-min", "2000", "-q"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["positional_quality"]["stacked_share"], 0.0);
    assert!(
        !j["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "stacked_positions")
    );
}
