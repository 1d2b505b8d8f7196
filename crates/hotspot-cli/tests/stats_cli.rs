//! The real `hotspot` binary: gistar, stats and near-repeat on real and tiny data in temp dirs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bin, data};

#[test]
fn gistar_memphis_writes_every_cell_matching_the_reference() {
    let memphis = data("memphis-robberies/memphis_robberies.csv")
        .display()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let cells = dir.path().join("cells.csv");
    let gj = dir.path().join("cells.geojson");
    let out = bin()
        .args([
            "gistar",
            memphis.as_str(),
            "--cell",
            "1000",
            "--distance",
            "1500",
            "--quiet",
        ])
        .arg("--cells")
        .arg(&cells)
        .arg("--geojson")
        .arg(&gj)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("1140 square cells of 1000 m"), "{stdout}");
    assert!(out.stderr.is_empty(), "--quiet keeps stderr empty");
    let text = std::fs::read_to_string(&cells).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "col,row,x,y,count,n_neighbours,z,p,p_fdr,bin"
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 38 * 30);
    // Reference: cell (20, 7) has the largest z, 11.385869195941531, and 12 robberies.
    let top = rows.iter().find(|r| r[0] == "20" && r[1] == "7").unwrap();
    assert_eq!(top[4], "12");
    assert!((top[6].parse::<f64>().unwrap() - 11.385869195941531).abs() < 1e-9);
    assert_eq!(top[9], "3");
    assert!(
        rows.iter().filter(|r| r[4] == "0").count() > 500,
        "empty cells are listed"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gj).unwrap()).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 1140);
    assert_eq!(v["features"][0]["geometry"]["type"], "Polygon");
    // Deterministic across thread counts.
    let again = dir.path().join("again.csv");
    let st = bin()
        .args([
            "gistar",
            memphis.as_str(),
            "--cell",
            "1000",
            "--distance",
            "1500",
            "-q",
            "--threads",
            "1",
        ])
        .arg("--cells")
        .arg(&again)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        std::fs::read(&cells).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

fn tiny_csv(dir: &std::path::Path) -> std::path::PathBuf {
    // A cluster near (500 100, 6 500 100) in SWEREF 99 TM with daily times, plus a spread background.
    let mut s = String::from("x,y,time\n");
    for i in 0..60 {
        let (x, y) = if i < 30 {
            (
                500_100.0 + (i % 6) as f64 * 15.0,
                6_500_100.0 + (i / 6) as f64 * 15.0,
            )
        } else {
            (
                500_000.0 + ((i * 7919) % 2000) as f64,
                6_500_000.0 + ((i * 104_729) % 2000) as f64,
            )
        };
        s.push_str(&format!("{x},{y},2024-03-{:02}\n", 1 + i % 28));
    }
    let p = dir.join("tiny.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn gistar_without_scale_reports_its_choices() {
    let dir = tempfile::tempdir().unwrap();
    let input = tiny_csv(dir.path());
    let out = bin()
        .arg("gistar")
        .arg(&input)
        .args(["--crs", "EPSG:3006", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("scale: cell size"), "{s}");
    assert!(s.contains("scale: distance band"), "{s}");
}

#[test]
fn stats_json_has_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let input = tiny_csv(dir.path());
    let out = bin()
        .arg("stats")
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--json",
            "-q",
            "--permutations",
            "99",
            "--cell",
            "100",
            "--distance",
            "150",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "centrography",
        "nearest_neighbour",
        "moran",
        "knox",
        "notes",
    ] {
        assert!(!v[k].is_null(), "{k} missing: {v}");
    }
    assert_eq!(v["incidents"], 60);
    assert!(v["nearest_neighbour"]["ratio"].as_f64().unwrap() > 0.0);
    assert_eq!(v["nearest_neighbour"]["area_source"], "convex_hull");
    assert_eq!(v["knox"]["time_resolution"], "day");
    assert!(v["moran"]["i"].as_f64().unwrap().is_finite());
    assert_eq!(v["moran"]["cells"], 400);
}

#[test]
fn near_repeat_table_and_bad_bands() {
    let dir = tempfile::tempdir().unwrap();
    let input = tiny_csv(dir.path());
    let csv = dir.path().join("nr.csv");
    let out = bin()
        .arg("near-repeat")
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--space-bands",
            "0,50,100",
            "--time-bands",
            "3,7",
            "--permutations",
            "99",
            "-q",
            "--json",
        ])
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["space_labels"].as_array().unwrap().len(), 4);
    assert_eq!(v["time_labels"].as_array().unwrap().len(), 3);
    let total: u64 = v["observed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(total, 60 * 59 / 2);
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap().lines().count(),
        1 + 4 * 3
    );
    let bad = bin()
        .arg("near-repeat")
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--space-bands",
            "100,50",
            "--time-bands",
            "7",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("space_bands"));
    let bad = bin()
        .arg("gistar")
        .arg(&input)
        .args(["--crs", "EPSG:3006", "--cell", "0", "--distance", "10"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cell_m"));
}
