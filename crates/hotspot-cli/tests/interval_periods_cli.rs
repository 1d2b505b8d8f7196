//! `hotspot compare` and `hotspot follow-up` on a small CSV whose from/to columns (`starttid`,
//! `sluttid`) are found without flags: interval incidents count by the share of their interval in
//! each period, checked against shares computed by hand.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, stderr};

/// Zone A (x 550 000..550 200) and a control far from it; times in Stockholm time.
fn setup(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let rows = [
        // A. Exact, before.
        (550_100, "2025-03-10 12:00", ""),
        // A. 12 h: 6 h on 30 June (before), 6 h on 1 July (neither half year).
        (550_100, "2025-06-30 18:00", "2025-07-01 06:00"),
        // A. 12 h: 4 h in 2025 (1/3), 8 h on 1 January 2026 (2/3).
        (550_100, "2025-12-31 20:00", "2026-01-01 08:00"),
        // A. Exact, after.
        (550_100, "2026-02-01 10:00", ""),
        // Control: 3 exact before.
        (551_500, "2025-02-03 10:00", ""),
        (551_500, "2025-02-04 10:00", ""),
        (551_500, "2025-02-05 10:00", ""),
        // Control: 48 h, 12 h on 30 June (1/4 before), the rest in July 2025.
        (551_500, "2025-06-30 12:00", "2025-07-02 12:00"),
        // Control: 2 exact after and one whole day (30 June 2026) after.
        (551_500, "2026-03-03 10:00", ""),
        (551_500, "2026-03-04 10:00", ""),
        (551_500, "2026-06-30 00:00", "2026-07-01 00:00"),
    ];
    let mut s = String::from("id,x,y,starttid,sluttid\n");
    for (k, (x, from, to)) in rows.iter().enumerate() {
        s.push_str(&format!("{},{x},6545050,{from},{to}\n", k + 1));
    }
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

fn near(v: &serde_json::Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[test]
fn compare_counts_interval_shares() {
    let dir = tempfile::tempdir().unwrap();
    let (inc, zones) = setup(dir.path());
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
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let z = &v[0];
    // A: 1 + 1/2 before, 2/3 + 1 after; control 3 + 1/4 before, 2 + 1 after.
    assert!(near(&z["before"], 1.5), "{z}");
    assert!(near(&z["after"], 2.0 / 3.0 + 1.0), "{z}");
    assert!(near(&z["control_before"], 3.25), "{z}");
    assert!(near(&z["control_after"], 3.0), "{z}");
}

#[test]
fn follow_up_counts_interval_shares() {
    let dir = tempfile::tempdir().unwrap();
    let (inc, _) = setup(dir.path());
    // Follow-up zones are lon/lat GeoJSON: a 100 m circle around A's incidents (550 100, 6 545 050).
    let circle = dir.path().join("circle.geojson");
    std::fs::write(
        &circle,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A","radius":100},"geometry":{"type":"Point","coordinates":[15.873110,59.041950]}}]}"#,
    )
    .unwrap();
    let zones = circle;
    let out_dir = dir.path().join("fu");
    let o = bin()
        .args(["-q", "follow-up"])
        .arg(&inc)
        .args(["--crs", "EPSG:3006"])
        .arg("--zones")
        .arg(&zones)
        .args([
            "--baseline",
            "2025",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--periods",
            "month",
            "--buffer",
            "50",
        ])
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // Baseline of A: 1 + (1/2 + 1/2) + 1/3 = 7/3 over 365 days; the data end on 30 June 2026.
    let rate = 7.0 / 3.0 / 365.0;
    let mut r = csv::Reader::from_path(out_dir.join("followup.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| &x[0] == "A" && &x[1] == "all")
        .collect();
    let periods: Vec<&str> = rows.iter().map(|x| &x[2]).collect();
    assert_eq!(
        periods,
        [
            "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"
        ]
    );
    // January 2/3 (shown as 1), February 1, the rest 0.
    let counts: Vec<&str> = rows.iter().map(|x| &x[3]).collect();
    assert_eq!(counts, ["1", "1", "0", "0", "0", "0"]);
    assert_eq!(&rows[0][4], format!("{:.2}", rate * 31.0));
    assert_eq!(&rows[1][4], format!("{:.2}", rate * 28.0));
    assert_eq!(&rows[5][8], "false");
    // Displacement: before = 2025, after = 2026-01-01..2026-06-30.
    let mut r = csv::Reader::from_path(out_dir.join("displacement.csv")).unwrap();
    let d = r.records().next().unwrap().unwrap();
    assert_eq!(&d[0], "A");
    // Zone 7/3 before, 2/3 + 1 after; buffer none; control 3 + 1 before, 2 + 1 after.
    assert_eq!(
        (&d[1], &d[2], &d[3], &d[4], &d[5], &d[6]),
        ("2.333", "1.667", "0", "0", "4", "3")
    );
}
