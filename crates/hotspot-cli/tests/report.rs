//! `hotspot report` end to end: the real binary on a small synthetic scene in
//! a temp dir. Checks structure (files, legend and scale-bar texts, languages)
//! and the public-mode guarantees (no incident coordinate anywhere, no count
//! below the threshold in any table, layer or summary, no external URL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use std::path::{Path, PathBuf};

/// Synthetic incidents around Vingåker: two clusters, scattered points, and
/// a rare category with 2 incidents (to be suppressed in public mode).
fn scene(dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let mut csv = String::from("id,datetime,latitude,longitude,category\n");
    let mut coords = Vec::new();
    let cats = [
        "Skadegörelse",
        "Misshandel",
        "Klotter",
        "Hastighetsöverträdelse",
        "Bedrägeri",
        "Stöld",
    ];
    let mut k = 0u64;
    let mut push =
        |lat: f64, lon: f64, cat: &str, month: u32, day: u32, hour: u32, csv: &mut String| {
            k += 1;
            let (la, lo) = (format!("{lat:.6}"), format!("{lon:.6}"));
            csv.push_str(&format!(
                "{k},2025-{month:02}-{day:02}T{hour:02}:17:00+01:00,{la},{lo},{cat}\n"
            ));
            coords.push((la, lo));
        };
    for i in 0..240u32 {
        let a = i as f64 * 2.399_963;
        let r = 0.0009 * (i as f64).sqrt() / 4.0;
        let (clat, clon) = if i % 3 == 0 {
            (59.0459, 15.8731)
        } else {
            (59.0421, 15.8904)
        };
        push(
            clat + r * a.sin(),
            clon + 2.0 * r * a.cos(),
            cats[(i % 6) as usize],
            1 + i % 12,
            1 + i % 28,
            (i * 7) % 24,
            &mut csv,
        );
    }
    for i in 0..40u32 {
        push(
            59.02 + 0.001 * (i * 37 % 50) as f64,
            15.80 + 0.003 * (i * 53 % 60) as f64,
            "Stöld",
            1 + i % 12,
            2,
            12,
            &mut csv,
        );
    }
    push(59.04812, 15.88123, "Olaga hot", 3, 3, 22, &mut csv);
    push(59.04133, 15.86771, "Olaga hot", 4, 4, 23, &mut csv);
    std::fs::write(dir.join("incidents.csv"), csv).unwrap();
    std::fs::write(
        dir.join("boundary.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Test"},"geometry":{"type":"Polygon","coordinates":[[[15.75,58.99],[16.0,58.99],[16.0,59.1],[15.75,59.1],[15.75,58.99]]]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("schools.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Testskolan"},"geometry":{"type":"Point","coordinates":[15.8735,59.0462]}},{"type":"Feature","properties":{"name":"Bäckskolan"},"geometry":{"type":"Point","coordinates":[15.8890,59.0425]}}]}"#,
    )
    .unwrap();
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        "place = \"Testby\"\nsource = \"syntetiska testdata\"\nincidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\n",
    )
    .unwrap();
    (cfg, coords)
}

/// The texts of an SVG's `<text>` elements joined by single spaces (a legend entry wrapped over
/// two lines reads as one), with a space at each end.
fn svg_text(svg: &str) -> String {
    let mut out = String::from(" ");
    for part in svg.split("<text").skip(1) {
        let Some(start) = part.find('>') else {
            continue;
        };
        let Some(end) = part.find("</text>") else {
            continue;
        };
        for w in part[start + 1..end].split_whitespace() {
            out.push_str(w);
            out.push(' ');
        }
    }
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn text_files(dir: &Path) -> Vec<(PathBuf, String)> {
    files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "png" && e != "gpkg"))
        .map(|p| {
            let t = std::fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect()
}

#[test]
fn internal_report_has_every_part_in_swedish() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = scene(dir.path());
    let out = dir.path().join("out");
    let o = run(&[
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("report.html"), "total-time line: {stderr}");
    for f in [
        "report.html",
        "summary.json",
        "manifest.json",
        "maps/overview.svg",
        "maps/overview.png",
        "maps/chart_monthly.svg",
        "maps/chart_hour_weekday.png",
        "layers/incidents.geojson",
        "layers/boundary.geojson",
        "layers/count_grid.geojson",
        "tables/problem_areas.csv",
        "tables/categories.csv",
        "tables/monthly.csv",
        "tables/hour_weekday.csv",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    assert!(
        !out.join("maps/overview_a4.png").exists(),
        "print = false in the config"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(html.contains("Lägesbild Testby"));
    assert!(html.contains("Våld, hot och trakasserier"));
    assert!(!html.contains("⟦"), "untranslated key");
    // Self-contained: no URL, no external resource.
    for bad in ["http://", "https://", " src=", "url(", "@import"] {
        assert!(!html.contains(bad), "report.html holds {bad}");
    }
    // Links: the table of contents and the report's own map page only.
    assert!(
        html.matches("href=\"").count()
            == html.matches("href=\"#").count() + html.matches("href=\"map.html\"").count()
    );
    // The map SVG: legend entries, scale bar, school labels.
    let svg = std::fs::read_to_string(out.join("maps/overview.svg")).unwrap();
    for t in [
        "Teckenförklaring",
        "Kommungräns",
        "Skola",
        "Testskolan",
        "Bäckskolan",
        "Händelser efter problemområde",
    ] {
        assert!(
            svg.contains(&format!("\n{t}\n</text>")),
            "overview.svg lacks {t}"
        );
    }
    assert!(
        svg.contains(" km\n</text>") || svg.contains("00 m\n</text>"),
        "scale bar text"
    );
    // The school map is framed on every zone: both schools keep their labels.
    let svg = std::fs::read_to_string(out.join("maps/schools.svg")).unwrap();
    for t in ["Testskolan", "Bäckskolan", "Skolzon (300 m)"] {
        assert!(
            svg.contains(&format!("\n{t}\n</text>")),
            "schools.svg lacks {t}"
        );
    }
    // Cluster hulls: a map with its legend entry and labels, a layer, a table, a section.
    let svg = std::fs::read_to_string(out.join("maps/clusters.svg")).unwrap();
    for t in ["Klustergräns (HDBSCAN, minst 20 händelser)", "K1", "K2"] {
        assert!(
            svg_text(&svg).contains(&format!(" {t} ")),
            "clusters.svg lacks {t}"
        );
    }
    let hulls: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/cluster_hulls.geojson")).unwrap(),
    )
    .unwrap();
    let feats = hulls["features"].as_array().unwrap();
    assert_eq!(feats.len(), 2, "the two planted clusters");
    assert_eq!(feats[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(feats[0]["properties"]["incidents"], 160);
    assert!(out.join("tables/clusters.csv").is_file());
    assert!(html.contains("Kluster av händelser (HDBSCAN)"));
    // PNG dimensions (screen size).
    let png = std::fs::read(out.join("maps/overview.png")).unwrap();
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1600);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 1131);
    // Summary counts add up; the manifest hashes the inputs.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["counts"]["incidents"], 282);
    let by_area: u64 = s["counts"]["by_area"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_area, 282);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["inputs"]["incidents"]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    // Same run again: byte-identical outputs.
    let out2 = dir.path().join("out2");
    let o = run(&[
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--threads",
        "1",
        "-q",
    ]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "--quiet prints nothing");
    for f in [
        "report.html",
        "summary.json",
        "maps/overview.svg",
        "maps/overview.png",
        "tables/monthly.csv",
    ] {
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(out2.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn public_english_report_reveals_no_incident_and_no_small_count() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, coords) = scene(dir.path());
    let out = dir.path().join("pub");
    let o = run(&[
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--public",
        "--lang",
        "en",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("layers/incidents.geojson").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Situation report Testby"));
    assert!(html.contains("Public version"));
    assert!(
        html.contains("&lt;5"),
        "the report says what was suppressed"
    );
    assert!(!html.contains("⟦"));
    for bad in ["http://", "https://", " src=", "url("] {
        assert!(!html.contains(bad));
    }
    let texts = text_files(&out);
    // No incident coordinate (as written in the input) in any file.
    for (p, t) in &texts {
        for (la, lo) in &coords {
            if p.extension().is_some_and(|e| e == "geojson") {
                // GeoJSON writes [lon, lat] with 7 decimals: look for the pair.
                for (pos, _) in t.match_indices(lo.as_str()) {
                    let rest = t[pos + lo.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
                    assert!(
                        !rest.starts_with(&format!(",{la}")),
                        "{} holds incident position {la},{lo}",
                        p.display()
                    );
                }
            } else {
                assert!(
                    !(t.contains(la.as_str()) && t.contains(lo.as_str())),
                    "{} holds incident coordinate {la},{lo}",
                    p.display()
                );
            }
        }
    }
    // No count between 1 and 4 in any table.
    let min = 5;
    for p in files(&out.join("tables")) {
        let mut r = csv::Reader::from_path(&p).unwrap();
        // Ranks and orders are not counts.
        let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        for rec in r.records() {
            for (k, cell) in rec.unwrap().iter().enumerate() {
                if head[k] == "rank" || head[k].ends_with("_order") {
                    continue;
                }
                if let Ok(v) = cell.parse::<u64>() {
                    assert!(v == 0 || v >= min, "{} holds count {v}", p.display());
                }
            }
        }
    }
    // Nor in the layers' properties or the summary.
    let grid: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/count_grid.geojson")).unwrap(),
    )
    .unwrap();
    for f in grid["features"].as_array().unwrap() {
        assert!(f["properties"]["incidents"].as_u64().unwrap() >= min);
    }
    fn walk(v: &serde_json::Value, min: u64, path: &str) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(x) = n.as_u64() {
                    assert!(x == 0 || x >= min, "summary {path} = {x}");
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, min, path)),
            serde_json::Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| walk(x, min, &format!("{path}.{k}"))),
            _ => {}
        }
    }
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    walk(&s["counts"], min, "counts");
    assert!(
        s["counts"]["by_category"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["incidents"].is_null()),
        "the 2 'Olaga hot' are suppressed"
    );
    assert_eq!(s["mode"], "public");
    // Cluster hulls in public mode: from grid cells (corners on the 250 m
    // grid), only clusters of at least 5 incidents.
    let hulls: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/cluster_hulls.geojson")).unwrap(),
    )
    .unwrap();
    let feats = hulls["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    for f in feats {
        assert!(f["properties"]["incidents"].as_u64().unwrap() >= min);
        assert_eq!(f["properties"]["hull"], "convex_hull_of_grid_cells");
    }
    let svg = std::fs::read_to_string(out.join("maps/clusters.svg")).unwrap();
    assert!(
        svg_text(&svg).contains("Cluster outline (cells holding the cluster&apos;s incidents)")
    );
    assert!(html.contains("Incident clusters (HDBSCAN)"));
    // The English map has English texts and no incident dots legend.
    let svg = std::fs::read_to_string(out.join("maps/overview.svg")).unwrap();
    assert!(svg.contains("\nLegend\n</text>"));
    assert!(svg.contains("\nIncidents per cell (250 × 250 m)\n</text>"));
    assert!(!svg.contains("\nIncidents by problem area\n</text>\n<circle"));
}

#[test]
fn bad_config_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = scene(dir.path());
    std::fs::write(&cfg, "incidents = \"incidents.csv\"\ncell_size = 5\n").unwrap();
    let o = run(&["report", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("cell_size") && e.contains("report.toml"), "{e}");
    std::fs::write(&cfg, "incidents = \"nope.csv\"\n").unwrap();
    let o = run(&["report", cfg.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.csv"));
}

/// Mean of a polygon's ring vertices (without the closing one): the centre of a patrol circle.
fn ring_centre(geometry: &serde_json::Value) -> [f64; 2] {
    // The report writes each circle as a MultiPolygon: first polygon, outer ring.
    let c = &geometry["coordinates"];
    let ring = if geometry["type"] == "MultiPolygon" {
        c[0][0].as_array().unwrap()
    } else {
        c[0].as_array().unwrap()
    };
    let n = ring.len() - 1;
    let mut c = [0.0, 0.0];
    for p in &ring[..n] {
        c[0] += p[0].as_f64().unwrap() / n as f64;
        c[1] += p[1].as_f64().unwrap() / n as f64;
    }
    c
}

#[test]
fn patrol_and_report_choose_the_same_zones_and_the_example_prints_the_analyses() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = scene(dir.path());
    let out = dir.path().join("out");
    let o = run(&[
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--patrol-zones",
        "4",
        "--patrol-radius-m",
        "200",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pat = dir.path().join("patrol");
    let o = run(&[
        "patrol",
        dir.path().join("incidents.csv").to_str().unwrap(),
        "--zones",
        "4",
        "--radius",
        "200",
        "--schools",
        dir.path().join("schools.geojson").to_str().unwrap(),
        "--boundary",
        dir.path().join("boundary.geojson").to_str().unwrap(),
        "--out",
        pat.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let layer: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/patrol_zones.geojson")).unwrap(),
    )
    .unwrap();
    let report_zones = layer["features"].as_array().unwrap();
    let mut csv = csv::Reader::from_path(pat.join("patrol_zones.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(report_zones.len(), 4);
    assert_eq!(rows.len(), 4);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for (k, (f, r)) in report_zones.iter().zip(&rows).enumerate() {
        let c = ring_centre(&f["geometry"]);
        let lon: f64 = r[1].parse().unwrap();
        let lat: f64 = r[2].parse().unwrap();
        // Circle vertices are rounded to 7 decimals, the CSV centre to 6: same centre within 1e-5°.
        assert!(
            (c[0] - lon).abs() < 1e-5 && (c[1] - lat).abs() < 1e-5,
            "zone {}: report {c:?}, patrol {lon},{lat}",
            k + 1
        );
        let z = &summary["analyses"]["patrol"]["zones"][k];
        assert_eq!(z["incidents"].as_u64().unwrap().to_string(), &r[4]);
        assert_eq!(format!("{:.2}", z["harm"].as_f64().unwrap()), &r[5]);
        assert_eq!(z["windows"].as_str().unwrap(), &r[9]);
    }
    // The planner's example builds the same analyses from the config with the library alone.
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg).unwrap() + "patrol_zones = 4\npatrol_radius_m = 200\n",
    )
    .unwrap();
    let s = hotspot_examples::situation_from_config(&cfg).unwrap();
    assert_eq!(serde_json::to_value(&s).unwrap(), summary["analyses"]);
}

#[test]
fn places_name_the_patrol_zones_and_the_report_leads_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = scene(dir.path());
    // One named place at each of the scene's two clusters, and a road.
    std::fs::write(
        dir.path().join("places.geojson"),
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Torget","kind":"square"},"geometry":{"type":"Point","coordinates":[15.8731,59.0459]}},
{"type":"Feature","properties":{"name":"Bäcktorget","kind":"square"},"geometry":{"type":"Point","coordinates":[15.8904,59.0421]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("roads.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Storgatan","highway":"primary"},"geometry":{"type":"LineString","coordinates":[[15.86,59.044],[15.90,59.044]]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "report",
        cfg.to_str().unwrap(),
        "--places",
        dir.path().join("places.geojson").to_str().unwrap(),
        "--roads",
        dir.path().join("roads.geojson").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let recs = summary["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty());
    for r in recs {
        let place = r["place"].as_str().unwrap();
        assert!(!place.is_empty());
        assert!(
            r["hours"].as_str().unwrap().chars().all(|c| c != '-'),
            "{r}"
        );
        assert!(!r["problem_areas"].as_array().unwrap().is_empty());
    }
    // The busiest zone sits on one of the two clusters, so it is named after its square (or
    // "nära X (N m)" when its centre is just over 150 m away).
    let first = recs[0]["place"].as_str().unwrap();
    assert!(first.to_lowercase().contains("torget"), "{first}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let answer = html.find("Vad vi föreslår").unwrap();
    assert!(answer < html.find("id=\"summary\"").unwrap());
    assert!(html[answer..].contains(first));
    assert!(html.contains("Bedrägerier mot äldre ("));
    let csv = std::fs::read_to_string(out.join("tables/patrol_zones.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(&head[..4], &["rank", "place", "lon", "lat"]);
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[1], first);
    let (lon, lat): (f64, f64) = (row[2].parse().unwrap(), row[3].parse().unwrap());
    let near = |a: f64, b: f64| (lon - a).abs() < 0.005 && (lat - b).abs() < 0.0025;
    assert!(
        near(15.8731, 59.0459) || near(15.8904, 59.0421),
        "{lon} {lat}"
    );
    let layer: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("layers/patrol_zones.geojson")).unwrap(),
    )
    .unwrap();
    let p = &layer["features"][0]["properties"];
    assert_eq!(p["place"], first);
    for k in ["days", "hours", "harm", "problem_areas"] {
        assert!(!p[k].is_null(), "{k}");
    }
    // Every hotspot, cluster and school carries a name too: in its table, its layer and (hotspots,
    // schools) summary.json, the same name in each. With a place given, a result always gets one
    // ("nära X (N m)" at the farthest).
    for (table, layer_name, json_list) in [
        (
            "hotspots",
            "hotspots",
            Some(&summary["analyses"]["hotspots"]["hotspots"]),
        ),
        ("clusters", "cluster_hulls", None),
        (
            "schools",
            "school_zones",
            Some(&summary["analyses"]["schools"]["ranking"]),
        ),
    ] {
        let csv = std::fs::read_to_string(out.join(format!("tables/{table}.csv"))).unwrap();
        let mut lines = csv.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = head.iter().position(|h| *h == "place").expect(table);
        let names: Vec<String> = lines
            .map(|l| l.split(',').nth(col).unwrap_or_default().to_string())
            .collect();
        assert!(!names.is_empty(), "{table}: no rows");
        assert!(names.iter().all(|n| !n.is_empty()), "{table}: {names:?}");
        let layer: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("layers/{layer_name}.geojson"))).unwrap(),
        )
        .unwrap();
        let feats = layer["features"].as_array().unwrap();
        assert!(!feats.is_empty(), "{layer_name}");
        for f in feats {
            let n = f["properties"]["place"].as_str().expect(layer_name);
            assert!(
                names.iter().any(|m| m == n),
                "{layer_name}: {n} not in {table}.csv"
            );
        }
        if let Some(list) = json_list {
            let list = list.as_array().unwrap();
            assert!(!list.is_empty(), "{table}");
            for (k, h) in list.iter().enumerate() {
                let n = h["place"].as_str().expect(table);
                if table == "hotspots" {
                    assert_eq!(n, names[k], "hotspot {k}");
                } else {
                    assert!(names.iter().any(|m| m == n), "{table}: {n}");
                }
            }
        }
    }
}
