//! `hotspot compare` run as a user would: the real binary in a temp dir.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hotspot"))
}

/// Zone A (x 550 000..550 200) falls from 20 to 5; the rest stays at 40 per half year.
fn setup(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut s = String::from("id,x,y,date\n");
    let mut k = 0;
    let mut add = |x: f64, n: usize, year: i32, s: &mut String| {
        for j in 0..n {
            k += 1;
            let m = 1 + j % 6;
            s.push_str(&format!(
                "{k},{},6545050,{year}-{m:02}-{:02}\n",
                x + (j % 7) as f64,
                1 + j % 28
            ));
        }
    };
    add(550_100.0, 20, 2025, &mut s);
    add(550_100.0, 5, 2026, &mut s);
    add(551_500.0, 40, 2025, &mut s);
    add(551_500.0, 40, 2026, &mut s);
    let inc = dir.join("inc.csv");
    std::fs::write(&inc, s).unwrap();
    let zones = dir.join("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[550000,6545000],[550200,6545000],[550200,6545200],[550000,6545200],[550000,6545000]]]}}]}"#,
    )
    .unwrap();
    (inc, zones)
}

#[test]
fn compare_zone_against_control() {
    let dir = tempfile::tempdir().unwrap();
    let (inc, zones) = setup(dir.path());
    let change = dir.path().join("change.geojson");
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args([
            "--crs",
            "EPSG:3006",
            "--before",
            "2025-01..2025-06",
            "--after",
            "2026-01..2026-06",
        ])
        .arg("--zones")
        .arg(&zones)
        .arg("--change-map")
        .arg(&change)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let z = &v[0];
    assert_eq!(z["zone"], "A");
    assert_eq!(
        (z["before"].as_u64(), z["after"].as_u64()),
        (Some(20), Some(5))
    );
    assert_eq!(
        (z["control_before"].as_u64(), z["control_after"].as_u64()),
        (Some(40), Some(40))
    );
    // Per day: (5/181) / (20/181) = 0.25 (both half years have 181 days).
    assert!((z["rate_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!(z["ci_high"].as_f64().unwrap() < 1.0);
    assert!((z["control_ratio"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((z["relative_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&change).unwrap()).unwrap();
    assert!(!fc["features"].as_array().unwrap().is_empty());
    // No zones at all is a usage error naming the flags.
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args(["--crs", "EPSG:3006", "--before", "2025", "--after", "2026"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--zones"));
    // Overlapping periods are refused.
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args([
            "--crs",
            "EPSG:3006",
            "--before",
            "2025",
            "--after",
            "2025-06",
            "--hotspots",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlaps"));
}
