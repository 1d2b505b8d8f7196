//! CLI tests of `hotspot schools` and `hotspot patrol` on a small constructed case, run with the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use std::path::Path;

const LON0: f64 = 15.87;
const LAT0: f64 = 59.045;

/// Degrees for metres east/north near (LON0, LAT0).
fn at(east_m: f64, north_m: f64) -> (f64, f64) {
    let lat = LAT0 + north_m / 111_200.0;
    let lon = LON0 + east_m / (111_200.0 * LAT0.to_radians().cos());
    (lon, lat)
}

/// 12 vandalism incidents within ~60 m of the school (weekday evenings), 8 assaults 1 km east
/// (Saturday nights), 4 thefts spread far away; a 4 km × 4 km boundary; one school at the origin.
fn write_case(dir: &Path) {
    let mut csv = String::from("id,datetime,latitude,longitude,category\n");
    let mut id = 0;
    let mut push = |e: f64, n: f64, t: &str, c: &str, csv: &mut String| {
        id += 1;
        let (lon, lat) = at(e, n);
        csv.push_str(&format!("{id},{t},{lat:.6},{lon:.6},{c}\n"));
    };
    for k in 0..12 {
        let a = k as f64 * 0.5;
        push(
            40.0 * a.cos(),
            40.0 * a.sin(),
            &format!("2025-03-{:02}T19:{:02}:00+01:00", 10 + (k % 5), k),
            "Skadegörelse",
            &mut csv,
        );
    }
    for k in 0..8 {
        push(
            1000.0 + 10.0 * k as f64,
            5.0 * k as f64,
            &format!("2025-03-15T23:{:02}:00+01:00", k),
            "Misshandel",
            &mut csv,
        );
    }
    for (e, n) in [
        (-1500.0, -1500.0),
        (1500.0, -1500.0),
        (-1500.0, 1500.0),
        (1500.0, 1200.0),
    ] {
        push(e, n, "2025-04-02", "Stöld", &mut csv);
    }
    std::fs::write(dir.join("incidents.csv"), csv).unwrap();
    let (lon, lat) = at(0.0, 0.0);
    std::fs::write(
        dir.join("schools.geojson"),
        format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"Testskolan","level":"F-6"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}]}}"#),
    )
    .unwrap();
    let c: Vec<(f64, f64)> = [
        (-2000.0, -2000.0),
        (2000.0, -2000.0),
        (2000.0, 2000.0),
        (-2000.0, 2000.0),
        (-2000.0, -2000.0),
    ]
    .iter()
    .map(|&(e, n)| at(e, n))
    .collect();
    let ring: Vec<String> = c.iter().map(|(a, b)| format!("[{a},{b}]")).collect();
    std::fs::write(
        dir.join("boundary.geojson"),
        format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#, ring.join(",")),
    )
    .unwrap();
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

#[test]
fn schools_command_writes_tables_and_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_case(d);
    let out = d.join("out");
    let o = run(&[
        "schools",
        d.join("incidents.csv").to_str().unwrap(),
        "--schools",
        d.join("schools.geojson").to_str().unwrap(),
        "--boundary",
        d.join("boundary.geojson").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("Testskolan") && stdout.contains("Vandalism in school zones by time"),
        "{stdout}"
    );
    let (h, rows) = read_csv(&out.join("school_zones.csv"));
    for col in [
        "school",
        "problem_area",
        "incidents",
        "harm",
        "rate_per_km2",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "p",
        "excess",
        "rank",
    ] {
        assert!(h.contains(&col.to_string()), "missing column {col}");
    }
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 7); // all + six problem areas
    let all = rows
        .iter()
        .find(|r| r[col("problem_area")] == "all")
        .unwrap();
    assert_eq!(all[col("incidents")], "12");
    let vand = rows
        .iter()
        .find(|r| r[col("problem_area")] == "vandalism")
        .unwrap();
    assert_eq!(vand[col("incidents")], "12");
    // 12 of 24 incidents on π·0.09 of 16 km²: rate ratio (12/0.28274)/(12/15.71726) ≈ 55.6.
    let rr: f64 = all[col("rate_ratio")].parse().unwrap();
    let a = std::f64::consts::PI * 0.09;
    assert!(
        (rr - (12.0 / a) / (12.0 / (16.0 - a))).abs() / rr < 0.01,
        "{rr}"
    );
    // Controlled columns: LQ of vandalism = (12/12) / (12/24) = 2, exact interval from
    // Clopper-Pearson (12 of 12): lower 0.025^(1/12) / 0.5, upper 1 / 0.5.
    let lq: f64 = vand[col("location_quotient")].parse().unwrap();
    let lo: f64 = vand[col("lq_lower")].parse().unwrap();
    let hi: f64 = vand[col("lq_upper")].parse().unwrap();
    assert!((lq - 2.0).abs() < 1e-9, "{lq}");
    assert!((lo - 0.025f64.powf(1.0 / 12.0) / 0.5).abs() < 1e-3, "{lo}");
    assert!((hi - 2.0).abs() < 1e-9, "{hi}");
    assert!(["higher", "lower", "none"].contains(&vand[col("flag")].as_str()));
    assert_eq!(all[col("p_adjusted")], "", "the all row is not tested");
    let (_, prof) = read_csv(&out.join("school_time_profile.csv"));
    // All twelve in the evening of term-time weekdays.
    assert_eq!(prof[0][2..8], ["0", "12", "0", "0", "0", "0"]);
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("school_zones.geojson")).unwrap())
            .unwrap();
    let props = &gj["features"][0]["properties"];
    assert_eq!(props["incidents"], 12);
    assert!(props["rate_ratio"].is_number() && props["vandalism_incidents"] == 12);
    for f in [
        "schools.geojson",
        "school_distance_rings.csv",
        "school_totals.csv",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn patrol_command_finds_the_two_clusters() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_case(d);
    let out = d.join("out");
    let (slon, slat) = at(500.0, -500.0);
    let start = format!("{slon},{slat}");
    let o = run(&[
        "patrol",
        d.join("incidents.csv").to_str().unwrap(),
        "--zones",
        "2",
        "--radius",
        "250",
        "--schools",
        d.join("schools.geojson").to_str().unwrap(),
        "--boundary",
        d.join("boundary.geojson").to_str().unwrap(),
        "--start",
        &start,
        "--exact",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("greedy reaches 100.0%"), "{stdout}");
    let (h, rows) = read_csv(&out.join("patrol_zones.csv"));
    for col in [
        "rank",
        "lon",
        "lat",
        "radius_m",
        "incidents",
        "harm",
        "share_incidents",
        "share_area",
        "pai",
        "windows",
    ] {
        assert!(h.contains(&col.to_string()), "missing column {col}");
    }
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 2);
    let mut counts: Vec<&str> = rows.iter().map(|r| r[col("incidents")].as_str()).collect();
    counts.sort();
    assert_eq!(counts, ["12", "8"]);
    // The assaults all happened 23:00-23:59: their zone's window is 22-00 or 23-01.
    let assault = rows.iter().find(|r| r[col("incidents")] == "8").unwrap();
    assert!(
        ["22-00", "23-01"].contains(&assault[col("windows")].as_str()),
        "{:?}",
        assault
    );
    let school = rows.iter().find(|r| r[col("incidents")] == "12").unwrap();
    assert_eq!(school[col("nearest_school")], "Testskolan");
    // Days named only where the weekday test distinguishes them, else "every day".
    for r in &rows {
        let d = &r[col("days")];
        assert!(
            d == "every day" || d.split(' ').all(|x| x.len() == 3),
            "{d}"
        );
    }
    // Out of sample: March and April 2025, the default holds out April. Zones chosen on March hold
    // all 20 March incidents and none of the 4 thefts of April, far from them (hit rate 0, PAI 0).
    let hj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("patrol_holdout.json")).unwrap())
            .unwrap();
    assert_eq!(hj["status"], "scored", "{hj}");
    assert_eq!(hj["span"]["holdout_from"], "2025-04");
    assert_eq!(hj["span"]["holdout_months"], 1);
    assert_eq!(hj["in_sample"]["incidents"], 20);
    assert_eq!(hj["in_sample"]["hit_rate"], 1.0);
    assert_eq!(
        (
            hj["held_out"]["incidents"].as_u64(),
            hj["held_out"]["in_zones"].as_u64()
        ),
        (Some(4), Some(0))
    );
    assert_eq!(hj["held_out"]["pai"], 0.0);
    assert_eq!(hj["refitted"], true);
    assert!(stdout.contains("Out of sample:"), "{stdout}");
    // --holdout 0: no check, and it says so.
    let o0 = run(&[
        "patrol",
        d.join("incidents.csv").to_str().unwrap(),
        "--zones",
        "2",
        "--holdout",
        "0",
        "--boundary",
        d.join("boundary.geojson").to_str().unwrap(),
        "--out",
        d.join("out0").to_str().unwrap(),
    ]);
    assert!(
        o0.status.success(),
        "{}",
        String::from_utf8_lossy(&o0.stderr)
    );
    let hj: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("out0").join("patrol_holdout.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(hj["status"], "off");
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("patrol_route.geojson")).unwrap())
            .unwrap();
    assert!(
        gj["features"][0]["properties"]["length_km"]
            .as_f64()
            .unwrap()
            > 1.0
    );
    let (_, plan) = read_csv(&out.join("patrol_plan.csv"));
    assert!(!plan.is_empty());
    // Same seed, same plan.
    let o2 = run(&[
        "patrol",
        d.join("incidents.csv").to_str().unwrap(),
        "--zones",
        "2",
        "-q",
        "--boundary",
        d.join("boundary.geojson").to_str().unwrap(),
        "--out",
        d.join("out2").to_str().unwrap(),
    ]);
    assert!(o2.status.success());
    assert!(o2.stdout.is_empty());
    assert_eq!(
        std::fs::read(out.join("patrol_plan.csv")).unwrap(),
        std::fs::read(d.join("out2").join("patrol_plan.csv")).unwrap()
    );
}

#[test]
fn bad_inputs_give_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_case(d);
    std::fs::write(
        d.join("bad.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"level":"7-9"},"geometry":{"type":"Point","coordinates":[15.87,59.04]}}]}"#,
    )
    .unwrap();
    let inc = d.join("incidents.csv");
    let o = run(&[
        "schools",
        inc.to_str().unwrap(),
        "--schools",
        d.join("bad.geojson").to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("feature 1") && err.contains("name"), "{err}");
    let o = run(&[
        "schools",
        inc.to_str().unwrap(),
        "--schools",
        d.join("schools.geojson").to_str().unwrap(),
        "--radius",
        "0",
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("radius_m"));
    let o = run(&[
        "patrol",
        inc.to_str().unwrap(),
        "--zones",
        "0",
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "patrol",
        inc.to_str().unwrap(),
        "--areas",
        "burglary",
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown problem area"));
    let o = run(&[
        "patrol",
        inc.to_str().unwrap(),
        "--start",
        "north",
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn patrol_candidate_sources_and_cell_zones() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_case(d);
    let inc = d.join("incidents.csv");
    let boundary = d.join("boundary.geojson");
    let schools = d.join("schools.geojson");
    let run = |extra: &[&str], out: &Path| {
        let mut args = vec![
            "patrol",
            inc.to_str().unwrap(),
            "--zones",
            "2",
            "--boundary",
            boundary.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    // All sources by name: every chosen zone names one of them.
    let out = d.join("all");
    let o = run(
        &[
            "--candidate-sources",
            "peaks,clusters,grid,incidents,schools",
            "--schools",
            schools.to_str().unwrap(),
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("sources peaks,clusters,grid,incidents,schools"),
        "{stdout}"
    );
    let (h, rows) = read_csv(&out.join("patrol_zones.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 2);
    let mut counts: Vec<&str> = rows.iter().map(|r| r[col("incidents")].as_str()).collect();
    counts.sort();
    assert_eq!(counts, ["12", "8"]);
    for r in &rows {
        assert!(
            ["peak", "cluster", "grid", "incident", "school"].contains(&r[col("source")].as_str()),
            "{r:?}"
        );
        assert_eq!(r[col("shape")], "circle");
        assert_eq!(r[col("radius_m")], "250");
    }
    // Default sources: the two clusters' centroids (12 vandalism incidents on a 40 m ring round the school,
    // 8 assaults in a 70 m line) are candidates; the zones still hold 12 and 8.
    let out = d.join("default");
    let o = run(&[], &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("sources peaks,clusters,grid)"));
    let (_, rows) = read_csv(&out.join("patrol_zones.csv"));
    let mut counts: Vec<&str> = rows.iter().map(|r| r[col("incidents")].as_str()).collect();
    counts.sort();
    assert_eq!(counts, ["12", "8"]);

    // Cell zones: 100 m cells, 4 cells per zone.
    let out = d.join("cells");
    let o = run(
        &[
            "--zone-shape",
            "cells",
            "--cell-m",
            "100",
            "--zone-cells",
            "4",
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (h, rows) = read_csv(&out.join("patrol_zones.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    for name in [
        "source",
        "shape",
        "cells",
        "cell_m",
        "area_m2",
        "share_area",
        "pai",
    ] {
        assert!(h.contains(&name.to_string()), "missing column {name}");
    }
    let mut counts: Vec<&str> = rows.iter().map(|r| r[col("incidents")].as_str()).collect();
    counts.sort();
    assert_eq!(counts, ["12", "8"]);
    for r in &rows {
        assert_eq!(r[col("shape")], "cells");
        assert_eq!(r[col("cells")], "4");
        assert_eq!(r[col("cell_m")], "100.0");
        assert_eq!(r[col("area_m2")], "40000");
        assert_eq!(r[col("radius_m")], "");
        // 4 cells of 1 ha in a study area of about 16 km2 (the boundary is drawn in degrees).
        let share: f64 = r[col("share_area")].parse().unwrap();
        assert!((share - 0.0025).abs() < 0.0025 * 0.01, "{share}");
    }
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("patrol_zones.geojson")).unwrap())
            .unwrap();
    let f = &gj["features"][0];
    assert!(["Polygon", "MultiPolygon"].contains(&f["geometry"]["type"].as_str().unwrap()));
    for key in [
        "rank", "source", "shape", "cells", "cell_m", "area_m2", "pai", "windows",
    ] {
        assert!(f["properties"].get(key).is_some(), "missing property {key}");
    }

    // Bad values name the flag.
    let o = run(&["--candidate-sources", "peaks,blobs"], &d.join("bad"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("candidate_sources"));
    let o = run(&["--candidate-sources", "schools"], &d.join("bad"));
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--cell-m", "100"], &d.join("bad"));
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["--zone-shape", "cells", "--zone-cells", "0"],
        &d.join("bad"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("zone_cells"));
}

#[test]
fn patrol_names_zones_after_places_when_given() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/vingaker");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = common::run(&[
        "patrol",
        data.join("incidents.csv").to_str().unwrap(),
        "--places",
        data.join("places.geojson").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("patrol_zones.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("rank,place,lon,lat,"));
    // The sample's densest violence sits on its square (data/vingaker/README.md).
    assert!(
        lines.next().unwrap().starts_with("1,Torget (fiktiv),"),
        "{csv}"
    );
    let layer = std::fs::read_to_string(out.join("patrol_zones.geojson")).unwrap();
    assert!(layer.contains("\"place\":\"Torget (fiktiv)\""));
}
