//! Builds `map.html` from a report folder's GeoJSON layers (`layers/*.geojson`), with the
//! report's colours and Swedish labels, and writes beside it `map.expect.json` (features per
//! overlay) for `tests/browser/map.test.mjs`.
//!
//! `cargo run -p hotspot-webmap --example report_map -- REPORT_DIR OUT.html [--public] [--tiles URL]`
//!
//! `--public` leaves the incident points out (as the report's public version does; its other
//! layers already carry suppressed counts).

use hotspot_webmap::{Style, WebMap};
use serde_json::{Value, json};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: report_map REPORT_DIR OUT.html [--public] [--tiles URL]");
        std::process::exit(2);
    };
    let public = args.iter().any(|a| a == "--public");
    let tiles = args
        .iter()
        .position(|a| a == "--tiles")
        .and_then(|i| args.get(i + 1));
    let layers = Path::new(dir).join("layers");
    let read = |name: &str| -> Option<Value> {
        let t = std::fs::read_to_string(layers.join(format!("{name}.geojson"))).ok()?;
        serde_json::from_str(&t).ok()
    };
    let mut m = WebMap::new("Vingåker: brott och ordningsstörningar")
        .subtitle(if public {
            "Offentlig version: inga enskilda händelser, små antal visas som <5"
        } else {
            "Intern version"
        })
        .lang("sv");
    if let Some(t) = tiles {
        m = m.tiles(t.as_str(), "© Lantmäteriet");
    }
    if let Some(v) = read("boundary") {
        m = m.basemap(
            "Kommungräns",
            v,
            Style::outline("#555555", 1.5).dashed("6 4"),
        );
    }
    let gi = vec![
        (json!(3), "#b2182b".to_string()),
        (json!(2), "#ef8a62".to_string()),
        (json!(1), "#fddbc7".to_string()),
        (json!(-1), "#d1e5f0".to_string()),
        (json!(-2), "#67a9cf".to_string()),
        (json!(-3), "#2166ac".to_string()),
    ];
    if let Some(v) = read("count_grid") {
        m = m.overlay(
            "Rutnät med antal",
            v,
            Style::area("#fd8d3c").hidden(),
            &[("incidents", "Händelser"), ("cell_m", "Ruta (m)")],
        );
    }
    if let Some(v) = read("gi_star") {
        let mut s = Style::area("#999999").by_class("gi_bin", gi).hidden();
        s.weight = 0.0;
        s.fill_opacity = 0.7;
        m = m.overlay(
            "Gi* heta och kalla rutor",
            v,
            s,
            &[
                ("gi_bin", "Klass"),
                ("z", "z"),
                ("p_fdr", "p (FDR)"),
                ("incidents", "Händelser"),
            ],
        );
    }
    if let Some(v) = read("hotspots") {
        m = m.overlay(
            "Hotspots (täthet)",
            v,
            Style::area("#7f0000"),
            &[
                ("rank", "Rang"),
                ("incidents", "Händelser"),
                ("area_km2", "Yta (km²)"),
                ("peak_density_per_km2", "Högsta täthet per km²"),
            ],
        );
    }
    if let Some(v) = read("cluster_hulls") {
        m = m.overlay(
            "Kluster",
            v,
            Style::outline("#01665e", 2.0).hidden(),
            &[
                ("label", "Kluster"),
                ("rank", "Rang"),
                ("incidents", "Händelser"),
                ("hull_area_km2", "Yta (km²)"),
                ("top_category", "Vanligaste kategori"),
            ],
        );
    }
    if let Some(v) = read("school_zones") {
        m = m.overlay(
            "Skolzoner",
            v,
            Style::area("#1b7837").hidden(),
            &[
                ("school", "Skola"),
                ("radius_m", "Radie (m)"),
                ("incidents", "Händelser"),
                ("area_km2", "Yta (km²)"),
            ],
        );
    }
    if let Some(v) = read("patrol_zones") {
        let mut s = Style::area("#542788");
        s.weight = 2.5;
        s.fill_opacity = 0.2;
        m = m.overlay(
            "Patrullzoner",
            v,
            s,
            &[
                ("rank", "Zon"),
                ("incidents", "Händelser"),
                ("pai", "PAI"),
                ("windows", "Tider"),
            ],
        );
    }
    if let Some(v) = read("patrol_route") {
        m = m.overlay(
            "Patrullrutt",
            v,
            Style::line("#542788", 3.0).dashed("8 5"),
            &[("length_m", "Längd (m)")],
        );
    }
    if let Some(v) = read("schools") {
        m = m.overlay(
            "Skolor",
            v,
            Style::points("#1b7837", 6.0),
            &[("name", "Skola")],
        );
    }
    if !public && let Some(v) = read("incidents") {
        let areas = [
            ("violence", "#D55E00"),
            ("youth", "#0072B2"),
            ("vandalism", "#E69F00"),
            ("traffic", "#009E73"),
            ("fraud", "#CC79A7"),
            ("other", "#666666"),
        ];
        let s = Style::points("#666666", 3.0)
            .by_class(
                "area",
                areas
                    .iter()
                    .map(|(a, c)| (json!(a), c.to_string()))
                    .collect(),
            )
            .hidden();
        m = m.overlay(
            "Händelser",
            v,
            s,
            &[("category", "Kategori"), ("time", "Tid"), ("id", "Id")],
        );
    }
    m = m
        .legend("#b2182b", "Gi*: het ruta, 99 %")
        .legend("#2166ac", "Gi*: kall ruta, 99 %")
        .legend("#7f0000", "Hotspot (tätaste 1 %)")
        .legend("#542788", "Patrullzon")
        .legend_line("#542788", "Patrullrutt")
        .legend("#1b7837", "Skola / skolzon")
        .legend_line("#555555", "Kommungräns");
    let html = m.render();
    std::fs::write(out, &html)?;
    let counts: serde_json::Map<String, Value> = m
        .feature_counts()
        .into_iter()
        .map(|(n, c)| (n, json!(c)))
        .collect();
    let expect = Path::new(out).with_extension("expect.json");
    std::fs::write(&expect, Value::Object(counts).to_string())?;
    eprintln!(
        "{out}: {} bytes ({:.0} KiB); {}",
        html.len(),
        html.len() as f64 / 1024.0,
        expect.display()
    );
    Ok(())
}
