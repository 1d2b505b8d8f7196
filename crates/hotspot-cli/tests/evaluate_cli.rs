//! `hotspot evaluate` and `hotspot emerging` run as a user would: the real binary in a temp dir.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::bin;
use std::path::Path;

/// A small CSV (SWEREF 99 TM) with a busy corner that stays busy: 2025 trains, 2026 tests.
fn write_csv(dir: &Path) -> std::path::PathBuf {
    let mut s = String::from("id,x,y,date\n");
    let mut k = 0;
    for m in 1..=12 {
        for (x, y, n) in [(550_050.0, 6_545_050.0, 4), (551_950.0, 6_546_950.0, 1)] {
            for j in 0..n {
                k += 1;
                s.push_str(&format!(
                    "{k},{},{y},2025-{m:02}-{:02}\n",
                    x + j as f64,
                    1 + j
                ));
            }
        }
    }
    for m in 1..=3 {
        for (x, y, n) in [(550_050.0, 6_545_050.0, 3), (551_050.0, 6_546_050.0, 1)] {
            for j in 0..n {
                k += 1;
                s.push_str(&format!("{k},{x},{y},2026-{m:02}-{:02}\n", 1 + j));
            }
        }
    }
    let p = dir.join("inc.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn evaluate_json_csv_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_csv(dir.path());
    let csv = dir.path().join("t.csv");
    let out = bin()
        .args(["-q", "evaluate"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--train",
            "2025",
            "--test",
            "2026-01..2026-03",
        ])
        .args([
            "--coverage",
            "1%,50%",
            "--methods",
            "grid,previous",
            "--cell",
            "500",
            "--json",
        ])
        .arg("--csv")
        .arg(&csv)
        .arg("--chart")
        .arg(dir.path().join("pai.chart"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    // The PAI chart: PNG of the chart size, SVG with one legend entry per method and the axis titles.
    let png = std::fs::read(dir.path().join("pai.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 700);
    let svg = std::fs::read_to_string(dir.path().join("pai.svg")).unwrap();
    for t in [
        "grid",
        "previous",
        "PAI",
        "Area coverage (share of the study area)",
        "50 %",
    ] {
        assert!(
            svg.contains(&format!("\n{t}\n</text>")),
            "pai.svg lacks {t}"
        );
    }
    // One marker (fill + outline) per defined point, plus one legend marker per method.
    let defined = rows.iter().filter(|r| !r["pai"].is_null()).count();
    assert_eq!(svg.matches("<circle").count(), 2 + 2 * defined);
    for key in [
        "method", "coverage", "hit_rate", "pai", "pei_star", "rri", "seconds",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    // Grid of 500 m cells over the 1.9 km box: 4 x 4 = 16 cells, 1% -> 1 cell (the busy corner).
    assert_eq!(rows[0]["method"], "grid");
    assert_eq!(rows[0]["cells"], 1);
    assert!((rows[0]["coverage"].as_f64().unwrap() - 1.0 / 16.0).abs() < 1e-12);
    assert!((rows[0]["hit_rate"].as_f64().unwrap() - 0.75).abs() < 1e-12);
    assert!((rows[0]["pai"].as_f64().unwrap() - 0.75 * 16.0).abs() < 1e-9);
    assert!((rows[0]["pei_star"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("origin,method,coverage,"), "{text}");
    assert_eq!(text.lines().count(), 5);
    // Markdown by default.
    let md = bin()
        .args(["-q", "evaluate"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--train",
            "2025",
            "--test",
            "2026-01..2026-03",
        ])
        .args(["--methods", "grid", "--cell", "500"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.starts_with("| method | coverage |"), "{md}");
}

#[test]
fn evaluate_rejects_bad_flags_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_csv(dir.path());
    for (extra, says) in [
        (vec!["--coverage", "150%"], "coverage"),
        (vec!["--methods", "magic"], "method"),
        (vec!["--test", "2025-06"], "overlaps"),
        (vec!["--rolling", "weekly"], "--rolling"),
    ] {
        let mut args = vec!["--crs", "EPSG:3006", "--train", "2025"];
        if extra[0] != "--test" {
            args.extend(["--test", "2026-01"]);
        }
        args.extend(extra.iter().copied());
        let out = bin()
            .args(["-q", "evaluate"])
            .arg(&input)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{extra:?}: {err}");
    }
}

#[test]
fn evaluate_rolling_monthly_gives_one_origin_per_month() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_csv(dir.path());
    let out = bin()
        .args(["-q", "evaluate"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--train",
            "2025-07..2025-12",
            "--test",
            "2026-01..2026-03",
        ])
        .args([
            "--methods",
            "grid",
            "--cell",
            "500",
            "--coverage",
            "5%",
            "--rolling",
            "monthly",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let origins: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["2026-01", "2026-02", "2026-03"]);
    assert_eq!(v[1]["train"], "2025-08-01..2026-01-31");
}

#[test]
fn emerging_writes_cells_with_classes() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_csv(dir.path());
    let gj = dir.path().join("em.geojson");
    let out = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--cell",
            "500",
            "--step",
            "month",
            "--json",
            "-o",
        ])
        .arg(&gj)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total: u64 = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["cells"].as_u64().unwrap())
        .sum();
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gj).unwrap()).unwrap();
    let feats = fc["features"].as_array().unwrap();
    // Three cells ever had an incident.
    assert_eq!(feats.len(), 3);
    assert_eq!(total, 3);
    for f in feats {
        assert!(f["properties"]["pattern"].is_string());
        assert!(f["properties"]["trend_p"].is_number());
    }
    // Same input, same bytes.
    let gj2 = dir.path().join("em2.geojson");
    let out2 = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--cell",
            "500",
            "--threads",
            "1",
            "-o",
        ])
        .arg(&gj2)
        .output()
        .unwrap();
    assert!(out2.status.success());
    assert_eq!(std::fs::read(&gj).unwrap(), std::fs::read(&gj2).unwrap());
    // A day step on 15 months of data is fine; too few steps is an error with a hint.
    let out3 = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--cell",
            "500",
            "--period",
            "2026-01..2026-03",
            "-o",
        ])
        .arg(dir.path().join("x.geojson"))
        .output()
        .unwrap();
    // Too few incidents is bad input (exit 2), as the README says.
    assert_eq!(out3.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out3.stderr).contains("at least 10"));
}

/// `emerging --map`: a 10 x 10 block of 250 m cells with one incident per cell
/// and month, and one cell with 15 more every month (a persistent hot spot).
/// The map's legend lists exactly the patterns present, in their colours.
#[test]
fn emerging_map_lists_the_patterns_present() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("id,x,y,date\n");
    let mut k = 0;
    for m in 1..=12 {
        for c in 0..10 {
            for r in 0..10 {
                k += 1;
                let (x, y) = (
                    550_000.0 + 250.0 * c as f64 + 125.0,
                    6_545_000.0 + 250.0 * r as f64 + 125.0,
                );
                s.push_str(&format!("{k},{x},{y},2025-{m:02}-10\n"));
            }
        }
        for j in 0..15 {
            k += 1;
            s.push_str(&format!("{k},551260,6546260,2025-{m:02}-{:02}\n", 1 + j));
        }
    }
    let input = dir.path().join("inc.csv");
    std::fs::write(&input, s).unwrap();
    let gj = dir.path().join("em.geojson");
    let out = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args([
            "--crs",
            "EPSG:3006",
            "--cell",
            "250",
            "--step",
            "month",
            "-o",
        ])
        .arg(&gj)
        .arg("--map")
        .arg(dir.path().join("patterns.png"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gj).unwrap()).unwrap();
    let present: std::collections::BTreeSet<String> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["pattern"].as_str().unwrap().to_string())
        .filter(|p| p != "No Pattern Detected")
        .collect();
    assert!(
        present.iter().any(|p| p.ends_with("Hot Spot")),
        "the busy cell is a hot spot: {present:?}"
    );
    let png = std::fs::read(dir.path().join("patterns.png")).unwrap();
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1600);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 1131);
    let svg = std::fs::read_to_string(dir.path().join("patterns.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|x| x.1.trim()))
        .collect();
    assert!(texts.contains(&"Emerging hot spots") && texts.contains(&"Pattern"));
    let all = [
        "New",
        "Consecutive",
        "Intensifying",
        "Persistent",
        "Diminishing",
        "Sporadic",
        "Oscillating",
        "Historical",
    ];
    for kind in ["Hot", "Cold"] {
        for a in all {
            let name = format!("{a} {kind} Spot");
            assert_eq!(
                texts.contains(&name.as_str()),
                present.contains(&name),
                "legend entry {name}"
            );
        }
    }
    assert!(!texts.contains(&"No Pattern Detected"));
    // Persistent hot spots in their colour (ColorBrewer red #EF6548).
    if present.contains("Persistent Hot Spot") {
        assert!(svg.contains("#EF6548"));
    }
}

/// `emerging --map` with `--places`/`--roads` from a GeoPackage (SWEREF 99 TM layers): the map
/// draws the basemap under the cells and labels the place and the major road.
#[test]
fn emerging_map_draws_basemap_layers_from_a_geopackage() {
    use hotspot::gpkg::{Layer, write_gpkg};
    use hotspot::output::OutFeature;
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("id,x,y,date\n");
    let mut k = 0;
    for m in 1..=12 {
        for c in 0..6 {
            for r in 0..6 {
                k += 1;
                let (x, y) = (550_125.0 + 250.0 * c as f64, 6_545_125.0 + 250.0 * r as f64);
                s.push_str(&format!("{k},{x},{y},2025-{m:02}-10\n"));
            }
        }
        for j in 0..15 {
            k += 1;
            s.push_str(&format!("{k},550760,6545760,2025-{m:02}-{:02}\n", 1 + j));
        }
    }
    let input = dir.path().join("inc.csv");
    std::fs::write(&input, s).unwrap();
    let props = |v: serde_json::Value| v.as_object().unwrap().clone();
    let places = vec![OutFeature {
        geometry: geo::Geometry::Point(geo::Point::new(550_760.0, 6_545_760.0)),
        properties: props(serde_json::json!({"namn": "Torget", "objekttyp": "torg"})),
    }];
    let roads = vec![OutFeature {
        geometry: geo::Geometry::LineString(geo::LineString::from(vec![
            (549_900.0, 6_545_300.0),
            (551_700.0, 6_545_300.0),
        ])),
        properties: props(serde_json::json!({"name": "Storgatan", "highway": "primary"})),
    }];
    let gpkg = dir.path().join("topo.gpkg");
    write_gpkg(
        &gpkg,
        &[Layer::new("places", &places), Layer::new("roads", &roads)],
        hotspot::Crs::SWEREF99_TM,
    )
    .unwrap();
    let out = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args(["--crs", "EPSG:3006", "--cell", "250", "-o"])
        .arg(dir.path().join("em.geojson"))
        .arg("--map")
        .arg(dir.path().join("patterns.png"))
        .arg("--places")
        .arg(format!("{}:places", gpkg.display()))
        .arg("--roads")
        .arg(format!("{}:roads", gpkg.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("patterns.png").is_file());
    let svg = std::fs::read_to_string(dir.path().join("patterns.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|x| x.1.trim()))
        .collect();
    assert!(texts.contains(&"Torget"), "{texts:?}");
    assert!(texts.contains(&"Roads"), "{texts:?}");
    // A layer of the wrong kind is an error naming the file and the right flag.
    let bad = bin()
        .args(["-q", "emerging"])
        .arg(&input)
        .args(["--crs", "EPSG:3006", "--cell", "250", "-o"])
        .arg(dir.path().join("em2.geojson"))
        .arg("--map")
        .arg(dir.path().join("p2.png"))
        .arg("--roads")
        .arg(format!("{}:places", gpkg.display()))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--places"));
}
