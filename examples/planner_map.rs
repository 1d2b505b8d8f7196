//! A planner's map from Rust code: read the Vingåker sample, compute kernel
//! density and hotspots, and render one map (PNG and SVG) with the boundary,
//! the density surface, the hotspot outlines and the schools.
//!
//! Run with `cargo run --example planner_map [OUT_DIR]` (default: the system
//! temp folder). Uses only the public APIs of `hotspot` and `hotspot-render`.

use hotspot::density::{
    Bandwidth, BandwidthRule, Extent, Kde, KdeOptions, find_hotspots, hotspots::HotspotThreshold,
};
use hotspot::ingest::{Boundary, ReadOptions, read_path};
use hotspot_render::{
    AreaLayer, Class, Colour, ColourScale, Layer, Locale, MapSpec, PointLayer, Size, SurfaceLayer,
    Symbol, palette,
};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/vingaker");
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&out)?;

    // 1. Incidents (lon/lat CSV → SWEREF 99 TM metres), clipped to the municipality.
    let opts = ReadOptions {
        boundary: Some(Boundary::read(&data.join("boundary.geojson"), None)?),
        ..ReadOptions::default()
    };
    let ingested = read_path(&data.join("incidents.csv"), &opts)?;
    let inc = &ingested.incidents;
    let study = ingested
        .study_area
        .clone()
        .ok_or("the boundary did not give a study area")?;

    // 2. Kernel density (quartic, ArcGIS-rule bandwidth, 50 m cells) and the densest 1 % as hotspots.
    let mut kde = KdeOptions::new(300.0, 50.0);
    kde.bandwidth = Bandwidth::Rule(BandwidthRule::Arcgis);
    kde.extent = Extent::Area(study.clone());
    let surface = Kde::new(kde)?.estimate(inc)?;
    let mut hotspots = find_hotspots(&surface, inc, HotspotThreshold::TopAreaPercent(1.0))?;
    hotspots.hotspots.retain(|h| h.incidents >= 10);
    println!(
        "{} incidents, bandwidth {:.0} m, {} hotspots (largest holds {} incidents)",
        inc.len(),
        surface.bandwidth.bandwidth_m,
        hotspots.hotspots.len(),
        hotspots.hotspots.first().map_or(0, |h| h.incidents)
    );

    // 3. Schools as labelled squares.
    let schools =
        hotspot::schools::read_schools(&data.join("schools.geojson"), &ingested.projector)?;

    // 4. The map: layers bottom first; the renderer adds legend, scale bar and north arrow.
    let loc = Locale::SV;
    let map = MapSpec {
        title: "Hotspots i Vingåker (syntetiska data)".into(),
        subtitle: format!(
            "Kerneltäthet, kvartisk kärna, bandbredd {} m · SWEREF 99 TM (EPSG:3006)",
            loc.num(surface.bandwidth.bandwidth_m, 0)
        ),
        attribution: "Data: hotspot sample (synthetic). Boundary: Vingåker municipality.".into(),
        legend_title: "Teckenförklaring".into(),
        extent: study.bbox(),
        layers: vec![
            Layer::Area(AreaLayer::new(
                "Kommungräns",
                vec![study.polygons().clone()],
                Some(Colour::rgb(250, 250, 246)),
                Some(palette::BOUNDARY),
            )),
            Layer::Surface(SurfaceLayer::classed(
                "Täthet, händelser per km²",
                surface.raster.clone(),
                hotspots.threshold / 8.0,
                5,
                ColourScale::YlOrRd,
                |v| loc.num(v, 0),
            )?),
            Layer::Area(AreaLayer {
                labels: hotspots
                    .hotspots
                    .iter()
                    .map(|h| format!("H{}", h.rank))
                    .collect(),
                stroke_pt: 1.4,
                ..AreaLayer::new(
                    "Hotspot (tätaste 1 %)",
                    hotspots
                        .hotspots
                        .iter()
                        .map(|h| h.geometry.clone())
                        .collect(),
                    None,
                    Some(palette::HOTSPOT),
                )
            }),
            Layer::Points(PointLayer {
                title: String::new(),
                points: schools.iter().map(|s| s.location()).collect(),
                class: vec![0; schools.len()],
                classes: vec![Class::new("Skola", palette::SCHOOL)],
                radius_pt: 3.2,
                symbol: Symbol::Square,
                labels: schools.iter().map(|s| s.name.clone()).collect(),
            }),
        ],
        ..MapSpec::default()
    };
    let png = out.join("planner_map.png");
    let stats = map.render_png(Size::SCREEN, &png)?;
    let (svg, _) = map.render_svg(Size::SCREEN)?;
    std::fs::write(out.join("planner_map.svg"), svg)?;
    println!(
        "wrote {} ({} legend entries, {} labels placed, {} dropped, scale bar {})",
        png.display(),
        stats.legend_entries.len(),
        stats.labels_placed,
        stats.labels_dropped,
        stats.scale_bar
    );
    Ok(())
}
