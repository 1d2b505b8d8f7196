//! `hotspot kde`, run as the real binary in temp dirs on the committed Vingåker sample.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

mod common;

use common::{data, run, stderr};
use serde_json::Value;

fn vingaker() -> String {
    data("vingaker/incidents.csv").to_str().unwrap().to_string()
}

#[test]
fn writes_a_grid_gdal_can_read_and_hotspots_with_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let asc = dir.path().join("grid.asc");
    let gj = dir.path().join("hot.geojson");
    let input = vingaker();
    let o = run(&[
        "kde",
        &input,
        "--bandwidth",
        "300",
        "--cell",
        "100",
        "--out",
        asc.to_str().unwrap(),
        "--hotspots",
        gj.to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["bandwidth"]["method"], "fixed");
    assert_eq!(v["bandwidth"]["bandwidth_m"], 300.0);
    assert_eq!(v["units"], "per-km2");
    assert_eq!(v["incidents"], 4000);
    // Grid padded by the bandwidth: all kernel mass is on the grid.
    let mass = v["mass"].as_f64().unwrap();
    assert!((mass - 4000.0).abs() < 4.0, "mass {mass}");
    let r = hotspot::raster_io::read_ascii_grid(&asc).unwrap();
    assert_eq!(r.spec.cols as u64, v["grid"]["cols"].as_u64().unwrap());
    assert_eq!(r.spec.x0 % 100.0, 0.0);
    assert!((r.sum() * 0.01 - mass).abs() < 1e-6 * mass);
    let prj = std::fs::read_to_string(dir.path().join("grid.prj")).unwrap();
    // ESRI WKT, which GDAL identifies as EPSG:3006 with full confidence.
    assert!(prj.starts_with("PROJCS[\"SWEREF99_TM\""), "{prj}");
    assert!(!prj.contains("TOWGS84"), "{prj}");
    // Hotspots: RFC 7946 lon/lat, statistics present, half the weight inside (default rule).
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(&gj).unwrap()).unwrap();
    let feats = fc["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    let first = &feats[0];
    assert_eq!(first["geometry"]["type"], "MultiPolygon");
    let lon = first["geometry"]["coordinates"][0][0][0][0]
        .as_f64()
        .unwrap();
    assert!((15.0..17.0).contains(&lon), "{lon}");
    for k in [
        "rank",
        "incidents",
        "weight",
        "area_km2",
        "peak_density",
        "share",
        "categories",
    ] {
        assert!(first["properties"].get(k).is_some(), "missing {k}");
    }
    let share: f64 = feats
        .iter()
        .map(|f| f["properties"]["share"].as_f64().unwrap())
        .sum();
    assert!((0.35..0.8).contains(&share), "share {share}");
    assert_eq!(
        v["hotspots"]["rule"],
        "smallest area holding 50% of the weight"
    );
}

#[test]
fn output_is_byte_identical_for_1_2_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = vingaker();
    let mut files = Vec::new();
    for t in ["1", "2", "4"] {
        let asc = dir.path().join(format!("g{t}.asc"));
        let gj = dir.path().join(format!("h{t}.geojson"));
        let o = run(&[
            "kde",
            &input,
            "--bandwidth",
            "adaptive:10",
            "--cell",
            "100",
            "--threads",
            t,
            "--out",
            asc.to_str().unwrap(),
            "--hotspots",
            gj.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        files.push((std::fs::read(&asc).unwrap(), std::fs::read(&gj).unwrap()));
    }
    assert!(files[0] == files[1] && files[1] == files[2]);
}

#[test]
fn a_tif_out_is_a_geotiff_with_tif_siblings_and_the_same_bytes_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = vingaker();
    let mut files = Vec::new();
    for t in ["1", "2"] {
        let tif = dir.path().join(format!("g{t}.tif"));
        let o = run(&[
            "kde",
            &input,
            "--bandwidth",
            "300",
            "--cell",
            "100",
            "--threads",
            t,
            "--out",
            tif.to_str().unwrap(),
            "--per-category",
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&tif).unwrap();
        // Little-endian classic TIFF.
        assert_eq!(&bytes[..4], b"II*\0");
        assert!(!dir.path().join(format!("g{t}.prj")).exists());
        assert!(dir.path().join(format!("g{t}_Skadegörelse.tif")).exists());
        files.push(bytes);
    }
    assert!(files[0] == files[1]);
}

#[test]
fn bad_bandwidth_and_grid_are_refused_with_a_fix() {
    let input = vingaker();
    let o = run(&[
        "kde",
        &input,
        "--bandwidth",
        "20",
        "--cell",
        "50",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("under one cell"), "{}", stderr(&o));
    let o = run(&[
        "kde",
        &input,
        "--bandwidth",
        "300000",
        "--cell",
        "50",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exceeds the extent"), "{}", stderr(&o));
    let o = run(&[
        "kde",
        &input,
        "--bandwidth",
        "300",
        "--cell",
        "1",
        "--max-cells",
        "1000000",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cell size of at least"),
        "{}",
        stderr(&o)
    );
    let o = run(&["kde", &input, "--kernel", "box", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("epanechnikov"), "{}", stderr(&o));
}

#[test]
fn rule_significance_relative_risk_harm_and_per_category() {
    let dir = tempfile::tempdir().unwrap();
    let asc = dir.path().join("v.asc");
    let gj = dir.path().join("sig.geojson");
    let input = vingaker();
    let o = run(&[
        "kde",
        &input,
        "--bandwidth",
        "arcgis",
        "--cell",
        "200",
        "--out",
        asc.to_str().unwrap(),
        "--per-category",
        "--relative-risk",
        "Skadegörelse",
        "--hotspots",
        gj.to_str().unwrap(),
        "--significance",
        "99",
        "--harm",
        "default",
        "--json",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["bandwidth"]["method"], "arcgis");
    assert!(v["bandwidth"]["standard_distance_m"].as_f64().unwrap() > 0.0);
    let sig = &v["significance"];
    assert_eq!(sig["simulations"], 99);
    assert!(sig["p99"].as_f64().unwrap() >= sig["p95"].as_f64().unwrap());
    // Hotspots lie strictly above the 99% threshold.
    assert!(v["hotspots"]["threshold"].as_f64().unwrap() > sig["p99"].as_f64().unwrap());
    // Harm weights change the total weight.
    assert!(v["total_weight"].as_f64().unwrap() > 4000.0);
    assert!(dir.path().join("v_rr.asc").exists());
    assert!(dir.path().join("v_Skadegörelse.asc").exists());
    let rr = hotspot::raster_io::read_ascii_grid(&dir.path().join("v_rr.asc")).unwrap();
    assert!(rr.values.iter().any(|x| x.is_nan()) && rr.values.iter().any(|x| *x > 0.0));
}
