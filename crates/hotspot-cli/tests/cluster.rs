//! `hotspot cluster` end to end: the real binary in a temp dir.
#![allow(clippy::unwrap_used)] // test helpers

mod common;

use common::run;
use std::path::Path;

/// Two tight groups near Vingåker (lon/lat) plus two isolated incidents; ids are strings.
fn write_input(dir: &Path) -> String {
    let mut s = String::from("id,category,datetime,longitude,latitude\n");
    for i in 0..12 {
        let d = i as f64 * 0.00005;
        s.push_str(&format!(
            "A{i},skadegörelse,2025-03-0{} 2{}:00,{:.6},{:.6}\n",
            1 + i % 7,
            i % 4,
            15.87 + d,
            59.045 + d
        ));
    }
    for i in 0..8 {
        let d = i as f64 * 0.00004;
        s.push_str(&format!(
            "B{i},misshandel,2025-04-1{} 1{}:30,{:.6},{:.6}\n",
            i % 9,
            i % 10,
            15.90 + d,
            59.05 - d
        ));
    }
    s.push_str("C1,bedrägeri,2025-05-01,15.80,59.00\nC2,bedrägeri,2025-05,15.95,59.10\n");
    let p = dir.join("incidents.csv");
    std::fs::write(&p, s).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn dbscan_writes_labels_and_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let labels = dir.path().join("labels.csv");
    let clusters = dir.path().join("clusters.geojson");
    let out = run(&[
        "cluster",
        &input,
        "--method",
        "dbscan",
        "--eps",
        "30",
        "--min-points",
        "4",
        "--labels",
        labels.to_str().unwrap(),
        "--clusters",
        clusters.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 clusters"), "{stdout}");
    let text = std::fs::read_to_string(&labels).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,cluster");
    assert_eq!(lines.len(), 1 + 22);
    assert_eq!(lines[1], "A0,0");
    assert_eq!(lines[13], "B0,1");
    assert_eq!(&lines[21..], &["C1,-1", "C2,-1"]);
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&clusters).unwrap()).unwrap();
    let feats = gj["features"].as_array().unwrap();
    assert_eq!(feats.len(), 8); // 2 clusters × (convex, concave, 1 SD, 2 SD)
    let p = &feats[0]["properties"];
    assert_eq!(p["cluster"], 0);
    assert_eq!(p["count"], 12);
    assert_eq!(p["shape"], "convex_hull");
    assert_eq!(p["categories"]["skadegörelse"], 12);
    let lon = feats[0]["geometry"]["coordinates"][0][0][0]
        .as_f64()
        .unwrap();
    assert!((15.86..15.88).contains(&lon), "{lon}");
    // Byte-identical whatever the thread count.
    let labels2 = dir.path().join("labels2.csv");
    let clusters2 = dir.path().join("clusters2.geojson");
    let out = run(&[
        "--threads",
        "1",
        "cluster",
        &input,
        "--eps",
        "30",
        "--min-points",
        "4",
        "--labels",
        labels2.to_str().unwrap(),
        "--clusters",
        clusters2.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(&labels).unwrap(),
        std::fs::read(&labels2).unwrap()
    );
    assert_eq!(
        std::fs::read(&clusters).unwrap(),
        std::fs::read(&clusters2).unwrap()
    );
}

#[test]
fn hdbscan_and_suggest_eps_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let labels = dir.path().join("h.csv");
    let out = run(&[
        "cluster",
        &input,
        "--method",
        "hdbscan",
        "--min-cluster-size",
        "5",
        "--labels",
        labels.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&labels).unwrap();
    assert!(text.contains("\nA0,") && text.lines().count() == 23);
    assert!(text.contains("C1,-1") && text.contains("C2,-1"));
    let out = run(&[
        "cluster",
        &input,
        "--suggest-eps",
        "--min-points",
        "4",
        "-q",
    ]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.starts_with("suggested eps: ") && s.contains("Kneedle"),
        "{s}"
    );
    for bad in [
        vec!["cluster", &input, "--method", "dbscan", "--eps", "30"],
        vec!["cluster", &input, "--eps=0", "--min-points", "4"],
        vec!["cluster", &input, "--method", "hdbscan"],
        vec![
            "cluster",
            &input,
            "--method",
            "hdbscan",
            "--min-cluster-size",
            "1",
        ],
    ] {
        let out = run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("eps") || err.contains("min_cluster_size"),
            "{err}"
        );
    }
}
