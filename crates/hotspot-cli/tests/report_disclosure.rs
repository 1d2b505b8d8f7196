//! Public reports that survive inspection, stacked positions left out of density, and names from
//! input that cannot attack a spreadsheet or a browser (issue 18).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use std::path::{Path, PathBuf};

/// A small town: two busy places (a square and a street, many positions each) inside a boundary,
/// plus `extra` rows `(lat, lon, category)`; two schools named `schools`; a fixed bandwidth so the
/// surface does not depend on where a single incident lies.
fn town(dir: &Path, extra: &[(f64, f64, &str)], schools: [&str; 2], cfg_extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut csv = String::from("id,datetime,latitude,longitude,category\n");
    let cats = ["Skadegörelse", "Misshandel", "Klotter", "Stöld"];
    for i in 0..120u32 {
        let a = i as f64 * 2.399_963;
        let r = 0.0012 * ((i % 40) as f64).sqrt() / 8.0;
        // A square and a street by the schools, and a centre 1.5 km from both.
        let (clat, clon) = match i % 3 {
            0 => (59.0459, 15.8731),
            1 => (59.0421, 15.8904),
            _ => (59.0550, 15.8450),
        };
        csv.push_str(&format!(
            "a{i:04},2025-{:02}-{:02}T{:02}:17:00+01:00,{:.6},{:.6},{}\n",
            2 + i % 10,
            1 + i % 28,
            (i * 7) % 24,
            clat + r * a.sin(),
            clon + 2.0 * r * a.cos(),
            cats[(i % 4) as usize]
        ));
    }
    for (k, (lat, lon, cat)) in extra.iter().enumerate() {
        csv.push_str(&format!(
            "x{k:04},2025-06-{:02}T12:00:00+01:00,{lat:.6},{lon:.6},{cat}\n",
            1 + k % 28
        ));
    }
    std::fs::write(dir.join("incidents.csv"), csv).unwrap();
    std::fs::write(
        dir.join("boundary.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Test"},"geometry":{"type":"Polygon","coordinates":[[[15.75,58.99],[16.0,58.99],[16.0,59.1],[15.75,59.1],[15.75,58.99]]]}}]}"#,
    )
    .unwrap();
    let school = |name: &str, lon: f64, lat: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"name":{}}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#,
            serde_json::to_string(name).unwrap()
        )
    };
    std::fs::write(
        dir.join("schools.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            school(schools[0], 15.8735, 59.0462),
            school(schools[1], 15.8890, 59.0425)
        ),
    )
    .unwrap();
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        format!(
            "place = \"Testby\"\nincidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\nbandwidth_m = 200\nhotspot_min_incidents = 5\n{cfg_extra}"
        ),
    )
    .unwrap();
    cfg
}

fn report(cfg: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The values of the cells of an ESRI ASCII grid whose centres lie within `r_m` of `(lat, lon)`.
fn cells_near(p: &Path, lat: f64, lon: f64, r_m: f64) -> Vec<f64> {
    let text = std::fs::read_to_string(p).unwrap();
    let head: Vec<f64> = text
        .lines()
        .take(6)
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    let (ncols, nrows, x0, y0, cell) = (
        head[0] as usize,
        head[1] as usize,
        head[2],
        head[3],
        head[4],
    );
    let pr = hotspot::crs::Projector::new(hotspot::Crs::SWEREF99_TM).unwrap();
    let [hx, hy] = pr.to_metres(lon, lat).unwrap();
    grid_values(p)
        .into_iter()
        .enumerate()
        .filter(|(k, _)| {
            let (row_from_top, col) = (k / ncols, k % ncols);
            let cx = x0 + (col as f64 + 0.5) * cell;
            let cy = y0 + ((nrows - 1 - row_from_top) as f64 + 0.5) * cell;
            (cx - hx).hypot(cy - hy) < r_m
        })
        .map(|(_, v)| v)
        .collect()
}

/// The values of an ESRI ASCII grid.
fn grid_values(p: &Path) -> Vec<f64> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .skip(6)
        .flat_map(|l| {
            l.split_whitespace()
                .map(|v| v.parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn planted_isolated_suppressed_incident_cannot_be_located_from_density_png_or_layers() {
    let dir = tempfile::tempdir().unwrap();
    // The same town with one isolated incident planted in the west, or in the east.
    let west = town(
        &dir.path().join("w"),
        &[(59.0300, 15.8100, "Misshandel")],
        ["Testskolan", "Bäckskolan"],
        "",
    );
    let east = town(
        &dir.path().join("e"),
        &[(59.0700, 15.9600, "Misshandel")],
        ["Testskolan", "Bäckskolan"],
        "",
    );
    let (ow, oe) = (dir.path().join("rw"), dir.path().join("re"));
    report(&west, &ow, &["--public"]);
    report(&east, &oe, &["--public"]);
    // Public outputs are the same wherever the suppressed incident lies: it cannot be located.
    for f in [
        "layers/density.asc",
        "maps/hotspots.png",
        "maps/hotspots.svg",
        "layers/hotspots.geojson",
    ] {
        let (a, b) = (
            std::fs::read(ow.join(f)).unwrap(),
            std::fs::read(oe.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs with the isolated incident's position");
    }
    // No NODATA: masked cells hold exactly the empty value.
    let v = grid_values(&ow.join("layers/density.asc"));
    assert!(v.iter().all(|x| *x >= 0.0), "no NODATA cell");
    assert!(v.iter().any(|x| *x > 0.0), "the busy places stay");
    // The internal report does show it (so the test can fail): its grids differ.
    let (iw, ie) = (dir.path().join("iw"), dir.path().join("ie"));
    report(&west, &iw, &[]);
    report(&east, &ie, &[]);
    assert_ne!(
        std::fs::read(iw.join("layers/density.asc")).unwrap(),
        std::fs::read(ie.join("layers/density.asc")).unwrap()
    );
}

#[test]
fn five_events_at_one_home_make_no_public_peak() {
    let dir = tempfile::tempdir().unwrap();
    let home = (59.0600, 15.8200);
    let rows: Vec<(f64, f64, &str)> = (0..5).map(|_| (home.0, home.1, "Misshandel")).collect();
    let cfg = town(dir.path(), &rows, ["Testskolan", "Bäckskolan"], "");
    let (int, publ) = (dir.path().join("int"), dir.path().join("pub"));
    report(&cfg, &int, &[]);
    report(&cfg, &publ, &["--public"]);
    let (vi, vp) = (
        grid_values(&int.join("layers/density.asc")),
        grid_values(&publ.join("layers/density.asc")),
    );
    assert_eq!(vi.len(), vp.len());
    // Around the home (the busy places are > 1.5 km away): lit internally, empty in public.
    let near_i = cells_near(&int.join("layers/density.asc"), home.0, home.1, 150.0);
    let near_p = cells_near(&publ.join("layers/density.asc"), home.0, home.1, 150.0);
    assert!(
        !near_i.is_empty() && near_i.iter().all(|v| *v > 0.0),
        "internal shows the home"
    );
    assert!(
        near_p.iter().all(|v| *v == 0.0),
        "public: no peak at the home"
    );
    assert!(vp.iter().any(|v| *v > 0.0), "public keeps the busy places");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(publ.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        s["analyses"]["density"]["cells_masked_public"]
            .as_u64()
            .map(|m| m > 0),
        Some(true)
    );
}

#[test]
fn stacked_positions_are_left_out_of_density_unless_keep_stacked() {
    let dir = tempfile::tempdir().unwrap();
    // 30 events on one placeholder point far from the busy places.
    let rows: Vec<(f64, f64, &str)> = (0..30).map(|_| (59.0650, 15.9400, "Stöld")).collect();
    let cfg = town(
        dir.path(),
        &rows,
        ["Testskolan", "Bäckskolan"],
        "lang = \"en\"\n",
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    report(&cfg, &a, &[]);
    report(&cfg, &b, &["--keep-stacked"]);
    let sum = |o: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(o.join("summary.json")).unwrap()).unwrap()
    };
    let (sa, sb) = (sum(&a), sum(&b));
    let g = &sa["analyses"]["geocoding"];
    assert_eq!(g["stacked_incidents"], 30);
    assert_eq!(g["left_out_of_density"], 30);
    assert_eq!(g["largest_stack"], 30);
    assert!((g["stacked_share"].as_f64().unwrap() - 30.0 / 150.0).abs() < 1e-12);
    assert_eq!(g["meets_ratcliffe_minimum"], true);
    assert_eq!(sb["analyses"]["geocoding"]["left_out_of_density"], 0);
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(
        html.contains("Ratcliffe"),
        "the report states the geocoding quality"
    );
    assert!(
        html.contains("30 incidents lie on 1 stacked positions"),
        "says how many"
    );
    // The placeholder makes no hotspot by default, and a top one when kept.
    let at = |o: &Path| cells_near(&o.join("layers/density.asc"), 59.0650, 15.9400, 60.0);
    assert!(
        at(&a).iter().all(|v| *v == 0.0),
        "left out, the placeholder makes no density"
    );
    assert!(at(&b).iter().all(|v| *v > 0.0), "kept, it does");
}

/// Names an attacker could put in a category, school or place name.
const PAYLOADS: [&str; 4] = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"];

#[test]
fn report_csv_injection_names_get_a_leading_apostrophe_in_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    for (k, p) in PAYLOADS.iter().enumerate() {
        for j in 0..6 {
            rows.push((59.0459 + 0.0001 * j as f64, 15.8731 + 0.0001 * k as f64, *p));
        }
    }
    let cfg = town(dir.path(), &rows, ["=1+1", "@SUM(1)"], "");
    let out = dir.path().join("rep");
    report(&cfg, &out, &[]);
    let mut seen = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(out.join("tables")).unwrap() {
        let p = e.unwrap().path();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&p)
            .unwrap();
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                let first = cell.chars().next();
                let numeric = cell.parse::<f64>().is_ok();
                assert!(
                    numeric || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                    "{}: cell {cell:?} would run as a formula",
                    p.display()
                );
                if let Some(rest) = cell.strip_prefix('\'')
                    && PAYLOADS.contains(&rest)
                {
                    seen.insert(rest.to_string());
                }
            }
        }
    }
    // Category names reach the tables (school names too), apostrophed.
    for p in ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1)"] {
        assert!(
            seen.contains(p),
            "{p} not found apostrophed in tables/: {seen:?}"
        );
    }
}

#[test]
fn report_html_and_svg_escape_names_from_input() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "<script>alert(1)</script>";
    let attr = "\"><img src=x onerror=alert(2)>";
    let rows: Vec<(f64, f64, &str)> = (0..8)
        .map(|j| (59.0459 + 0.0001 * j as f64, 15.8731, evil))
        .collect();
    let cfg = town(
        dir.path(),
        &rows,
        [evil, attr],
        "title = \"<b onmouseover=alert(3)>T</b>\"\nlang = \"en\"\n",
    );
    let out = dir.path().join("rep");
    report(&cfg, &out, &[]);
    let mut checked = 0;
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "html" | "svg") {
                continue;
            }
            let t = std::fs::read_to_string(&p).unwrap();
            for bad in ["<script>alert", "<img src=x", "<b onmouseover"] {
                assert!(!t.contains(bad), "{} holds raw {bad}", p.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 3);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown, escaped"
    );
}
