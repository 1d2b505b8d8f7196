//! Issue 14, done-when: `hotspot patrol` and `hotspot report` choose the same zones (one library
//! call, `hotspot::patrol::plan`) on more than one scene and parameter set, and the planner's
//! example prints the report's `analyses` exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::run;
use std::path::Path;

/// The centre of a zone polygon of a GeoJSON layer: the mean of its outer ring's vertices (the
/// closing vertex left out), lon/lat.
fn ring_centre(geometry: &serde_json::Value) -> [f64; 2] {
    let c = &geometry["coordinates"];
    let ring = if geometry["type"] == "MultiPolygon" {
        c[0][0].as_array().unwrap()
    } else {
        c[0].as_array().unwrap()
    };
    let n = ring.len() - 1;
    let mut m = [0.0, 0.0];
    for p in &ring[..n] {
        m[0] += p[0].as_f64().unwrap() / n as f64;
        m[1] += p[1].as_f64().unwrap() / n as f64;
    }
    m
}

/// Runs `hotspot report CONFIG` with `report_flags` and `hotspot patrol` on the same files with
/// `patrol_flags`; asserts both succeed and give the same zones in the same order (same number,
/// centres within 1e-5°, same incident count, harm and windows), and that the library call of the
/// example gives the report's `analyses`. Returns the number of zones.
fn agree(
    dir: &Path,
    cfg: &Path,
    report_flags: &[&str],
    patrol_flags: &[&str],
    patrol_files: &[(&str, &str)],
    extra_config: &str,
) -> usize {
    let out = dir.join("report_out");
    let pat = dir.join("patrol_out");
    let mut ra = vec![
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ];
    ra.extend_from_slice(report_flags);
    let o = run(&ra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let incidents = dir.join("incidents.csv");
    let mut pa = vec!["patrol", incidents.to_str().unwrap()];
    let file_args: Vec<(String, String)> = patrol_files
        .iter()
        .map(|(flag, name)| (flag.to_string(), dir.join(name).to_string_lossy().into()))
        .collect();
    for (f, p) in &file_args {
        pa.push(f);
        pa.push(p);
    }
    pa.extend_from_slice(patrol_flags);
    pa.extend_from_slice(&["--out", pat.to_str().unwrap()]);
    let o = run(&pa);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let layer: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/patrol_zones.geojson")).unwrap(),
    )
    .unwrap();
    let report_zones = layer["features"].as_array().unwrap();
    let mut csv = csv::Reader::from_path(pat.join("patrol_zones.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("a column of patrol_zones.csv")
    };
    let (c_rank, c_lon, c_lat) = (col("rank"), col("lon"), col("lat"));
    let (c_inc, c_harm, c_win) = (col("incidents"), col("harm"), col("windows"));
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty(), "no patrol zone chosen");
    assert_eq!(report_zones.len(), rows.len(), "number of zones");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let zones = summary["analyses"]["patrol"]["zones"].as_array().unwrap();
    assert_eq!(zones.len(), rows.len());
    for (k, ((f, r), z)) in report_zones.iter().zip(&rows).zip(zones).enumerate() {
        // Zones are numbered 1, 2, ... in the order chosen, in both.
        assert_eq!(
            r[c_rank].to_string(),
            (k + 1).to_string(),
            "patrol zone rank"
        );
        let c = ring_centre(&f["geometry"]);
        let lon: f64 = r[c_lon].parse().unwrap();
        let lat: f64 = r[c_lat].parse().unwrap();
        // Circle vertices are rounded to 7 decimals, the CSV centre to 6: same centre within 1e-5°.
        assert!(
            (c[0] - lon).abs() < 1e-5 && (c[1] - lat).abs() < 1e-5,
            "zone {}: report {c:?}, patrol {lon},{lat}",
            k + 1
        );
        assert_eq!(z["incidents"].as_u64().unwrap().to_string(), &r[c_inc]);
        assert_eq!(format!("{:.2}", z["harm"].as_f64().unwrap()), &r[c_harm]);
        assert_eq!(z["windows"].as_str().unwrap(), &r[c_win]);
    }
    // The planner's example builds the same analyses from the config with the library alone
    // (the flags given to the report written as config keys).
    let example_cfg = dir.join("example.toml");
    std::fs::write(
        &example_cfg,
        std::fs::read_to_string(cfg).unwrap() + extra_config,
    )
    .unwrap();
    let s = hotspot_examples::situation_from_config(&example_cfg).unwrap();
    assert_eq!(serde_json::to_value(&s).unwrap(), summary["analyses"]);
    rows.len()
}

/// The synthetic Vingåker-like scene of `hotspot sample`: `n` incidents, schools, places, roads,
/// water and the municipal boundary, with a report config naming them.
fn sample_scene(dir: &Path, n: &str, seed: &str) -> std::path::PathBuf {
    let o = run(&[
        "sample",
        "--out",
        dir.to_str().unwrap(),
        "--n",
        n,
        "--seed",
        seed,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        "place = \"Vingåker\"\nsource = \"syntetiska testdata\"\nincidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\n",
    )
    .unwrap();
    cfg
}

const FILES: [(&str, &str); 2] = [
    ("--schools", "schools.geojson"),
    ("--boundary", "boundary.geojson"),
];

#[test]
fn sample_town_default_and_wide_zones_agree() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = sample_scene(dir.path(), "1500", "7");
    // The defaults of both commands.
    let n = agree(dir.path(), &cfg, &[], &[], &FILES, "");
    assert!(n >= 2, "{n} zones");
    // Few wide zones.
    let n = agree(
        dir.path(),
        &cfg,
        &["--patrol-zones", "2", "--patrol-radius-m", "400"],
        &["--zones", "2", "--radius", "400"],
        &FILES,
        "patrol_zones = 2\npatrol_radius_m = 400\n",
    );
    assert_eq!(n, 2);
}

#[test]
fn sample_town_many_small_zones_every_category_and_a_period_agree() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = sample_scene(dir.path(), "1200", "11");
    // Many small zones, weighing every category too.
    let n = agree(
        dir.path(),
        &cfg,
        &[
            "--patrol-zones",
            "6",
            "--patrol-radius-m",
            "150",
            "--include-all",
        ],
        &["--zones", "6", "--radius", "150", "--include-all"],
        &FILES,
        "patrol_zones = 6\npatrol_radius_m = 150\ninclude_all = true\n",
    );
    assert_eq!(n, 6);
    // Half a year only.
    agree(
        dir.path(),
        &cfg,
        &[
            "--patrol-zones",
            "3",
            "--from",
            "2025-01-01",
            "--to",
            "2025-06-30",
        ],
        &["--zones", "3", "--from", "2025-01-01", "--to", "2025-06-30"],
        &FILES,
        "patrol_zones = 3\nfrom = \"2025-01-01\"\nto = \"2025-06-30\"\n",
    );
}
