//! The report's perception section on a small seeded town: the underpass many people pin with
//! nothing recorded is named as perceived only, the school nobody pins as recorded only; in
//! public mode a pinned place below `min_count` is neither drawn, listed, named nor counted.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, stderr};
use std::fmt::Write as _;
use std::path::Path;

const LON0: f64 = 15.87;
const LAT0: f64 = 59.04;

fn lonlat(dx: f64, dy: f64) -> (f64, f64) {
    let m_lon = 1.0 / (111_320.0 * LAT0.to_radians().cos());
    (LON0 + dx * m_lon, LAT0 + dy / 111_320.0)
}

/// A deterministic scatter in `[-r, r]` (no RNG crate needed).
fn jitter(k: usize, r: f64) -> (f64, f64) {
    let a = (k as f64 * 2.399_963).sin();
    let b = (k as f64 * 1.618_034).cos();
    (a * r, b * r)
}

fn scene(dir: &Path) -> std::path::PathBuf {
    let mut inc = String::from("id,datetime,latitude,longitude,category\n");
    let mut id = 0;
    let mut add = |dx: f64, dy: f64, cat: &str| {
        id += 1;
        let (lon, lat) = lonlat(dx, dy);
        let day = 1 + id % 28;
        writeln!(
            inc,
            "{id},2025-03-{day:02}T{:02}:10:00+01:00,{lat:.7},{lon:.7},{cat}",
            id % 24
        )
        .unwrap();
    };
    for k in 0..120 {
        let (x, y) = jitter(k, 50.0);
        add(1500.0 + x, 1500.0 + y, "Misshandel");
    }
    for k in 0..60 {
        let (x, y) = jitter(k + 500, 50.0);
        add(1500.0 + x, 500.0 + y, "Skadegörelse");
    }
    // 30 thefts on a coarse lattice away from the underpass and the glade.
    for k in 0..30 {
        add(
            300.0 + 500.0 * (k % 6) as f64,
            300.0 + 450.0 * (k / 6) as f64,
            "Stöld",
        );
    }
    std::fs::write(dir.join("incidents.csv"), inc).unwrap();
    let mut pins = String::from("latitude,longitude,weight,concern\n");
    let mut pin = |dx: f64, dy: f64, w: u32, what: &str| {
        let (lon, lat) = lonlat(dx, dy);
        writeln!(pins, "{lat:.7},{lon:.7},{w},{what}").unwrap();
    };
    for k in 0..10 {
        let (x, y) = jitter(k + 900, 40.0);
        pin(1500.0 + x, 1500.0 + y, 1, "bråk");
    }
    for k in 0..30 {
        let (x, y) = jitter(k + 1200, 20.0);
        pin(620.0 + x, 2380.0 + y, 1, "mörk gångtunnel");
    }
    // The glade: one pin standing for 4 respondents, nothing recorded (below min_count 5).
    pin(2620.0, 2630.0, 4, "ensligt");
    std::fs::write(dir.join("perceived.csv"), pins).unwrap();
    let feat = |name: &str, dx: f64, dy: f64| {
        let (lon, lat) = lonlat(dx, dy);
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"name":"{name}"}}}}"#
        )
    };
    std::fs::write(
        dir.join("places.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
            feat("Gångtunneln", 620.0, 2380.0),
            feat("Skolan", 1500.0, 500.0),
            feat("Torget", 1500.0, 1500.0),
            feat("Gläntan", 2620.0, 2630.0)
        ),
    )
    .unwrap();
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        "incidents = \"incidents.csv\"\nplaces = \"places.geojson\"\nperceived = \"perceived.csv\"\nprint = false\npatrol_zones = 2\nlang = \"sv\"\n",
    )
    .unwrap();
    cfg
}

fn report(cfg: &Path, out: &Path, public: bool) -> (serde_json::Value, String) {
    let mut c = bin();
    c.args(["-q", "report"]).arg(cfg).arg("--out").arg(out);
    if public {
        c.arg("--public");
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    (v, html)
}

/// The HTML without its inline SVG maps (whose basemap labels name every place of the basemap).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("</svg>").map_or("", |j| &rest[i + j + 6..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn perception_section_names_the_places_and_public_mode_hides_small_cells() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let (v, html) = report(&cfg, &dir.path().join("int"), false);
    let p = &v["analyses"]["perception"];
    let places: Vec<(String, String)> = p["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["class"].as_str().unwrap().to_string(),
                x["place"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let has = |c: &str, n: &str| places.iter().any(|(a, b)| a == c && b == n);
    assert!(has("perceived_only", "Gångtunneln"), "{places:?}");
    assert!(has("perceived_only", "Gläntan"), "{places:?}");
    assert!(has("recorded_only", "Skolan"), "{places:?}");
    assert_eq!(p["compared_on"], "extent");
    let text = text_of(&html);
    assert!(text.contains("Upplevd otrygghet och anmälda händelser"));
    assert!(text.contains("S-index är"));
    assert!(
        text.contains("Gläntan: 4 markeringar, 0 anmälda händelser"),
        "{text}"
    );
    assert!(text.contains("belysning"));
    let s = p["s_index"].as_f64().unwrap();
    let (sim, n) = (
        p["similar"].as_u64().unwrap(),
        p["cells_compared"].as_u64().unwrap(),
    );
    assert_eq!(s, sim as f64 / n as f64);
    let int_po = p["perceived_only"].as_u64().unwrap();
    let int_layer =
        std::fs::read_to_string(dir.path().join("int/layers/perception_cells.geojson")).unwrap();
    assert!(
        std::fs::read_to_string(dir.path().join("int/map.html"))
            .unwrap()
            .contains("perceived_only")
    );

    // Public: the glade (4 respondents, nothing recorded) is not drawn, listed, named or counted.
    let (v, html) = report(&cfg, &dir.path().join("pub"), true);
    let p = &v["analyses"]["perception"];
    assert!(p["cells_suppressed_public"].as_u64().unwrap() >= 1);
    let summary = serde_json::to_string(&v).unwrap();
    assert!(!summary.contains("Gläntan"));
    let text = text_of(&html);
    assert!(
        !text.contains("Gläntan"),
        "the public text names a suppressed place"
    );
    assert!(text.contains("Gångtunneln: 30 markeringar, 0 anmälda händelser"));
    // The counts of the public text are of the cells shown: the glade's cell is not among them.
    assert_eq!(p["perceived_only"].as_u64().unwrap() + 1, int_po);
    let layer: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("pub/layers/perception_cells.geojson")).unwrap(),
    )
    .unwrap();
    let feats = layer["features"].as_array().unwrap();
    let int_n = serde_json::from_str::<serde_json::Value>(&int_layer).unwrap()["features"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        feats.len() + p["cells_suppressed_public"].as_u64().unwrap() as usize,
        int_n
    );
    for f in feats {
        for k in ["recorded", "perceived"] {
            let c = f["properties"][k].as_u64().unwrap();
            assert!(c == 0 || c >= 5, "{f}");
        }
    }
}

/// Rows of `perception_cells.csv` as (lon, lat, perceived, class).
fn cells(out: &Path) -> Vec<(f64, f64, f64, String)> {
    let mut r = csv::Reader::from_path(out.join("perception_cells.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (lo, la, pe, cl) = (col("lon"), col("lat"), col("perceived"), col("class"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[lo].parse().unwrap(),
                rec[la].parse().unwrap(),
                rec[pe].parse().unwrap(),
                rec[cl].to_string(),
            )
        })
        .collect()
}

#[test]
fn perception_command_compares_on_the_area_at_risk_when_water_is_given() {
    let dir = tempfile::tempdir().unwrap();
    scene(dir.path());
    // A lake over the underpass: its pins are on water, outside the area at risk.
    let corner = |dx: f64, dy: f64| {
        let (lon, lat) = lonlat(dx, dy);
        format!("[{lon},{lat}]")
    };
    std::fs::write(
        dir.path().join("lake.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{},{},{},{},{}]]}}}}]}}"#,
            corner(300.0, 2100.0),
            corner(950.0, 2100.0),
            corner(950.0, 2700.0),
            corner(300.0, 2700.0),
            corner(300.0, 2100.0)
        ),
    )
    .unwrap();
    let run = |out: &Path, water: bool| {
        let mut c = bin();
        c.current_dir(dir.path())
            .args([
                "-q",
                "perception",
                "incidents.csv",
                "--perceived",
                "perceived.csv",
                "--out",
            ])
            .arg(out);
        if water {
            c.args(["--water", "lake.geojson"]);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let sppt: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("sppt.json")).unwrap()).unwrap();
        (cells(out), sppt)
    };
    let (plain, s_plain) = run(&dir.path().join("plain"), false);
    let (wet, s_wet) = run(&dir.path().join("wet"), true);
    let (ulon, ulat) = lonlat(620.0, 2380.0);
    let near = |c: &(f64, f64, f64, String)| {
        ((c.0 - ulon) * 111_320.0 * LAT0.to_radians().cos()).hypot((c.1 - ulat) * 111_320.0) < 250.0
    };
    // Without water the underpass is perceived only; on the area at risk its cells are not compared.
    assert!(
        plain.iter().any(|c| near(c) && c.3 == "perceived_only"),
        "{plain:?}"
    );
    assert!(!wet.iter().any(|c| near(c) && c.2 > 0.0), "{wet:?}");
    let n = |s: &serde_json::Value| s["cells"]["n_compared"].as_u64().unwrap();
    assert!(n(&s_wet) < n(&s_plain), "{} vs {}", n(&s_wet), n(&s_plain));
    // The torget cells (on land) are compared either way.
    let (tlon, tlat) = lonlat(1500.0, 1500.0);
    let at_torget = |v: &[(f64, f64, f64, String)]| {
        v.iter().any(|c| {
            ((c.0 - tlon) * 111_320.0 * LAT0.to_radians().cos()).hypot((c.1 - tlat) * 111_320.0)
                < 250.0
                && c.2 > 0.0
        })
    };
    assert!(at_torget(&plain) && at_torget(&wet));
}
