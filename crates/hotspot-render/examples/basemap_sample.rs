//! Renders the Vingåker sample with its synthetic basemap (places, roads,
//! water), five made-up patrol zones named after the nearest place, and a
//! close-up of the town beside the overview:
//!
//! ```sh
//! cargo run -p hotspot-render --example basemap_sample -- OUT_DIR
//! ```
//!
//! writes `OUT_DIR/overview.png`, `OUT_DIR/closeup.png` (and `.svg`s), drawn
//! at 1280 px, the width the report shows them at.

use hotspot::basemap::{Basemap, BasemapSources, NameLang, Namer};
use hotspot::sample::Scene;
use hotspot::{Crs, Projector};
use hotspot_render::*;
use std::path::PathBuf;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "basemap-sample".into()),
    );
    std::fs::create_dir_all(&out)?;
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/vingaker");
    let proj = Projector::new(Crs::SWEREF99_TM)?;
    let basemap = Basemap::read(
        &BasemapSources {
            places: Some(data.join("places.geojson")),
            roads: Some(data.join("roads.geojson")),
            water: Some(data.join("water.geojson")),
            buildings: None,
        },
        &proj,
    )?;
    let area = Scene::vingaker(2025)?.study_area(Crs::SWEREF99_TM)?;
    let namer = Namer::new(&basemap, 150.0, NameLang::Sv)?;

    // Made-up zones near (not on) places of the scene, in metres from Torget.
    let [tx, ty] = proj.to_metres(15.87, 59.045)?;
    let zones: Vec<PatrolZone> = [
        ((16.0, 0.0), "fre–lör 21–03 · våld"),
        ((-340.0, 396.0), "fre–lör 21–03 · våld, unga"),
        ((420.0, -188.0), "mån–fre 15–21 · unga"),
        ((726.0, 330.0), "helger 18–24 · skadegörelse"),
        ((-180.0, -498.0), "mån–fre 09–16 · bedrägeri"),
    ]
    .iter()
    .enumerate()
    .map(|(i, ((dx, dy), when))| {
        let c = [tx + dx, ty + dy];
        let name = namer.name(c).map(|n| n.name).unwrap_or_default();
        PatrolZone {
            area: geo::MultiPolygon(vec![hotspot::schools::circle(c, 250.0)]),
            rank: i as u32 + 1,
            label: format!("{name} · {when}"),
        }
    })
    .collect();
    let schools: Vec<&hotspot::basemap::Place> = basemap
        .places
        .iter()
        .filter(|p| p.kind == "school")
        .collect();
    let mut bm = BasemapLayer::new(&basemap);
    bm.legend = BasemapLegend {
        water: "Vatten (fiktivt)".into(),
        buildings: String::new(),
        major_roads: "Större väg (fiktiv)".into(),
        streets: "Gata (fiktiv)".into(),
    };
    let overview_extent = area.bbox();
    let map = MapSpec {
        title: "Förslag på patrullområden, Vingåker".into(),
        subtitle:
            "Syntetiskt exempel: områden, platser, vägar och vatten är påhittade · SWEREF 99 TM"
                .into(),
        attribution:
            "Bakgrundskarta: syntetisk (data/vingaker). Kommungräns: okfse sweden-geojson.".into(),
        legend_title: "Teckenförklaring".into(),
        extent: overview_extent,
        layers: vec![
            Layer::Area(AreaLayer::new(
                "",
                vec![area.polygons().clone()],
                Some(Colour::rgb(250, 250, 246)),
                Some(palette::BOUNDARY),
            )),
            Layer::Basemap(bm),
            Layer::Points(PointLayer {
                title: String::new(),
                points: schools.iter().map(|p| p.xy).collect(),
                class: vec![0; schools.len()],
                classes: vec![Class::new("Skola", palette::SCHOOL)],
                radius_pt: 3.5,
                symbol: Symbol::Square,
                labels: schools.iter().map(|p| p.name.clone()).collect(),
            }),
            Layer::Patrol(PatrolLayer {
                legend: "Patrullområde (rang)".into(),
                zones,
                route: None,
                route_legend: String::new(),
                colour: palette::PATROL,
            }),
        ],
        north: "N".into(),
        note: String::new(),
    };
    let results: Vec<&Layer> = map
        .layers
        .iter()
        .filter(|l| matches!(l, Layer::Patrol(_)))
        .collect();
    let size = Size::shown_at(1280);
    match closeup_extent(results, overview_extent, &CloseUpOptions::default()) {
        Some(e) => {
            let close = map.closeup(e, "Närbild: tätorten");
            // On the overview the zones crowd into the town: ranks only, the
            // names and times are on the close-up.
            let mut overview = map
                .clone()
                .with_closeup_frame(e, "Närbildens område (karta 2)");
            for l in &mut overview.layers {
                if let Layer::Patrol(p) = l {
                    p.zones.iter_mut().for_each(|z| z.label.clear());
                }
            }
            for (name, m) in [("overview", &overview), ("closeup", &close)] {
                let stats = m.render_png(size, &out.join(format!("{name}.png")))?;
                let (svg, _) = m.render_svg(size)?;
                std::fs::write(out.join(format!("{name}.svg")), svg)?;
                println!(
                    "{name}: {} labels placed, {} dropped, scale bar {}",
                    stats.labels_placed, stats.labels_dropped, stats.scale_bar
                );
            }
        }
        None => {
            map.render_png(size, &out.join("overview.png"))?;
        }
    }
    Ok(())
}
