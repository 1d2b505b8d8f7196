//! The report's files for GIS and the browser: `layers.gpkg` (every vector layer the report
//! writes as GeoJSON, with QGIS styles in `layer_styles`), the `.qml` beside the density grid,
//! the interactive `map.html` (`hotspot-webmap`), and the check that `--out` holds no input.
//!
//! The public version holds exactly what the public GeoJSON layers hold: no incident points,
//! suppressed counts (`null` in the layers, shown as "< min_count" in the map's popups).

use super::{Run, Written};
use crate::error::ResultExt as _;
use hotspot::output::OutFeature;
use hotspot_webmap::{Style, WebMap};
use serde_json::{Map, Value, json};
use std::path::Path;

/// Refuses an output folder that is, or holds, one of the report's inputs (exit 2, before
/// anything is written): a run replaces the folder's files.
pub(super) fn refuse_input_in_out(
    config: &Path,
    s: &super::Settings,
    out: &Path,
) -> crate::Result<()> {
    let mut guard = hotspot::output::InputGuard::new();
    guard.input(config).input(&s.incidents);
    for p in [
        &s.boundary,
        &s.schools,
        &s.roads,
        &s.water,
        &s.categories,
        // (`--boundary` is `s.boundary`: flags win over the config.)
    ]
    .into_iter()
    .flatten()
    {
        guard.input(p);
    }
    if let Some(p) = &s.perception {
        guard.input(&p.perceived);
    }
    guard.check_dir("--out", out)?;
    Ok(())
}

/// Incident `i` as a feature in metres (internal version only), for the GeoPackage and the map.
fn incident_feature(run: &Run, i: usize) -> OutFeature {
    let [x, y] = run.sit.incidents.position(i);
    let mut p = Map::new();
    p.insert("id".into(), json!(run.sit.incidents.ids()[i]));
    p.insert("category".into(), json!(run.sit.incidents.category(i)));
    p.insert("area".into(), json!(run.sit.classification.area(i).id()));
    p.insert(
        "time".into(),
        json!(
            run.sit.incidents.times()[i]
                .as_ref()
                .map(|t| t.to_display_string())
        ),
    );
    OutFeature {
        geometry: geo::Point::new(x, y).into(),
        properties: p,
    }
}

/// The incidents as features in metres (internal version only), for the map.
fn incident_features(run: &Run) -> Vec<OutFeature> {
    (0..run.sit.incidents.len())
        .map(|i| incident_feature(run, i))
        .collect()
}

/// The columns of the GeoPackage's `incidents` layer, in the order `Layer::new` infers from
/// [`incident_feature`]'s properties (sorted keys, all text).
fn incident_columns() -> Vec<hotspot::gpkg::Column> {
    ["area", "category", "id", "time"]
        .into_iter()
        .map(|n| hotspot::gpkg::Column {
            name: n.into(),
            ty: hotspot::gpkg::ColumnType::Text,
        })
        .collect()
}

/// Writes `layers.gpkg`: every layer recorded by `write_layer` (and the incidents in the
/// internal version), each with the report's QGIS style as its default style.
pub(super) fn write_gpkg(run: &Run, written: &mut Written) -> crate::Result<()> {
    // The incidents are made one at a time as they are written: a million property maps held at
    // once were 0.8 GB of the 1M report's peak memory.
    let make = |i: usize| incident_feature(run, i);
    let lang = run.s.lang.code();
    let mut layers = Vec::new();
    for (name, feats) in &written.1 {
        let mut l = hotspot::gpkg::Layer::new(name.clone(), feats);
        if let Some(q) = hotspot::style::report_layer_qml(name, lang) {
            l = l.with_style(q);
        }
        layers.push(l);
    }
    if !run.s.public && !run.sit.incidents.is_empty() {
        let mut l = hotspot::gpkg::Layer::lazy(
            "incidents",
            run.sit.incidents.len(),
            &make,
            hotspot::gpkg::GeometryType::Point,
            incident_columns(),
        );
        if let Some(q) = hotspot::style::report_layer_qml("incidents", lang) {
            l = l.with_style(q);
        }
        layers.push(l);
    }
    let p = run.s.out.join("layers.gpkg");
    hotspot::gpkg::write_gpkg(&p, &layers, run.projector.crs())
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(&run.s.out, &p);
    Ok(())
}

/// Writes the QGIS style of the density grid beside it (`layers/density.qml`), with the
/// report's classes and colours.
pub(super) fn write_density_qml(
    run: &Run,
    grid: &Path,
    layer: &hotspot_render::Layer,
    written: &mut Written,
) -> crate::Result<()> {
    let hotspot_render::Layer::Surface(sl) = layer else {
        return Ok(());
    };
    let colours: Vec<hotspot::style::Rgba> = sl
        .colours
        .iter()
        .map(|c| hotspot::style::Rgba {
            r: c.r,
            g: c.g,
            b: c.b,
            a: (c.a.clamp(0.0, 1.0) * 255.0).round() as u8,
        })
        .collect();
    let qml = hotspot::style::raster_classes_qml(&sl.breaks, &colours, &sl.labels);
    let p = hotspot::raster_io::write_qml(grid, &qml)?;
    written.add(&run.s.out, &p);
    Ok(())
}

/// A layer recorded by `write_layer` as RFC 7946 GeoJSON (lon/lat), with suppressed counts
/// (`null`) shown as "< min_count" in the public version.
fn layer_json(run: &Run, written: &Written, name: &str) -> crate::Result<Option<Value>> {
    let Some((_, feats)) = written.1.iter().find(|(n, _)| n == name) else {
        return Ok(None);
    };
    let mut v = serde_json::to_value(hotspot::output::feature_collection(feats, &run.projector)?)?;
    if run.s.public
        && let Some(fs) = v.get_mut("features").and_then(Value::as_array_mut)
    {
        let shown = format!("< {}", run.s.min_count);
        for f in fs {
            if let Some(p) = f.get_mut("properties").and_then(Value::as_object_mut) {
                for k in ["incidents", "count", "recorded", "perceived"] {
                    if p.get(k) == Some(&Value::Null) {
                        p.insert(k.into(), json!(shown));
                    }
                }
            }
        }
    }
    Ok(Some(v))
}

/// The basemap as map layers: water, buildings, roads (with their names) and places (names).
fn basemap_features(run: &Run) -> Vec<(&'static str, Vec<OutFeature>, Style)> {
    let bm = &run.basemap;
    let area = |polys: &[geo::MultiPolygon<f64>]| -> Vec<OutFeature> {
        polys
            .iter()
            .map(|mp| OutFeature {
                geometry: mp.clone().into(),
                properties: serde_json::Map::new(),
            })
            .collect()
    };
    let roads = bm
        .roads
        .iter()
        .map(|r| {
            let mut p = serde_json::Map::new();
            if let Some(n) = &r.name {
                p.insert("name".into(), json!(n));
            }
            OutFeature {
                geometry: r.line.clone().into(),
                properties: p,
            }
        })
        .collect();
    let places = bm
        .places
        .iter()
        .map(|pl| {
            let mut p = serde_json::Map::new();
            p.insert("name".into(), json!(pl.name));
            OutFeature {
                geometry: geo::Point::new(pl.xy[0], pl.xy[1]).into(),
                properties: p,
            }
        })
        .collect();
    vec![
        (
            run.tr.t("layers.water"),
            area(&bm.water),
            Style::area("#c6dbef"),
        ),
        (
            run.tr.t("layers.buildings"),
            area(&bm.buildings),
            Style::area("#d9d9d9"),
        ),
        (run.tr.t("layers.roads"), roads, Style::line("#bdbdbd", 1.5)),
        (
            run.tr.t("layers.places"),
            places,
            Style::points("#636363", 3.0),
        ),
    ]
}

/// Builds the interactive map of the report's layers.
pub(super) fn web_map(run: &Run, written: &Written, title: &str) -> crate::Result<WebMap> {
    let inc = run.tr.t("layers.incidents");
    let mut m = WebMap::new(title)
        .subtitle(if run.s.public {
            run.tr.t("layers.public_version_no_individual")
        } else {
            run.tr.t("layers.internal_version")
        })
        .lang(run.s.lang.code())
        .resolution_m(2.0);
    if let Some(url) = &run.s.tiles {
        m = m.tiles(url.as_str(), run.s.source.as_str());
    }
    // The config's basemap layers (water, buildings, roads, places), drawn under the results
    // so the page can be read offline without tiles (issue 17).
    for (name, feats, style) in basemap_features(run) {
        if !feats.is_empty() {
            let v =
                serde_json::to_value(hotspot::output::feature_collection(&feats, &run.projector)?)?;
            m = m.basemap(name, v, style);
        }
    }
    if let Some(v) = layer_json(run, written, "boundary")? {
        m = m.basemap(
            run.tr.t("layers.boundary"),
            v,
            Style::outline("#555555", 1.5).dashed("6 4"),
        );
    }
    if let Some(v) = layer_json(run, written, "count_grid")? {
        m = m.overlay(
            run.tr.t("layers.count_grid"),
            v,
            Style::area("#fd8d3c").hidden(),
            &[("incidents", inc), ("cell_m", run.tr.t("layers.cell_m"))],
        );
    }
    if let Some(v) = layer_json(run, written, "gi_star")? {
        let gi = [
            (3, "#b2182b"),
            (2, "#ef8a62"),
            (1, "#fddbc7"),
            (-1, "#d1e5f0"),
            (-2, "#67a9cf"),
            (-3, "#2166ac"),
        ]
        .iter()
        .map(|(k, c)| (json!(k), c.to_string()))
        .collect();
        let mut s = Style::area("#999999").by_class("gi_bin", gi).hidden();
        s.weight = 0.0;
        s.fill_opacity = 0.7;
        m = m.overlay(
            run.tr.t("layers.gi_hot_cold_cells"),
            v,
            s,
            &[
                ("gi_bin", run.tr.t("layers.bin")),
                ("z", "z"),
                ("p_fdr", "p (FDR)"),
                ("incidents", inc),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "hotspots")? {
        m = m.overlay(
            run.tr.t("layers.hotspots_density"),
            v,
            Style::area("#7f0000"),
            &[
                ("rank", run.tr.t("layers.rank")),
                ("incidents", inc),
                ("area_km2", run.tr.t("layers.area_km")),
                (
                    "peak_density_per_km2",
                    run.tr.t("layers.peak_density_per_km"),
                ),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "cluster_hulls")? {
        m = m.overlay(
            run.tr.t("layers.clusters"),
            v,
            Style::outline("#01665e", 2.0).hidden(),
            &[
                ("label", run.tr.t("layers.cluster")),
                ("rank", run.tr.t("layers.rank")),
                ("incidents", inc),
                ("hull_area_km2", run.tr.t("layers.area_km")),
                ("top_category", run.tr.t("layers.most_common_category")),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "school_zones")? {
        m = m.overlay(
            run.tr.t("layers.school_zones"),
            v,
            Style::area("#1b7837").hidden(),
            &[
                ("school", run.tr.t("layers.school")),
                ("radius_m", run.tr.t("layers.radius_m")),
                ("incidents", inc),
                ("area_km2", run.tr.t("layers.area_km")),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "patrol_zones")? {
        let mut s = Style::area("#542788");
        s.weight = 2.5;
        s.fill_opacity = 0.2;
        m = m.overlay(
            run.tr.t("layers.patrol_zones"),
            v,
            s,
            &[
                ("rank", run.tr.t("layers.zone")),
                ("incidents", inc),
                ("pai", "PAI"),
                ("windows", run.tr.t("layers.times")),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "patrol_route")? {
        m = m.overlay(
            run.tr.t("layers.patrol_route"),
            v,
            Style::line("#542788", 3.0).dashed("8 5"),
            &[("length_m", run.tr.t("layers.length_m"))],
        );
    }
    if let Some(v) = layer_json(run, written, "perception_cells")? {
        let classes = [
            ("perceived_only", "#2c7bb6"),
            ("recorded_only", "#d7191c"),
            ("similar", "#bababa"),
        ]
        .iter()
        .map(|(k, c)| (json!(k), c.to_string()))
        .collect();
        let mut s = Style::area("#999999").by_class("class", classes).hidden();
        s.weight = 0.5;
        s.fill_opacity = 0.6;
        m = m.overlay(
            run.tr.t("layers.perception"),
            v,
            s,
            &[
                ("class", run.tr.t("layers.perception_class")),
                ("perceived", run.tr.t("layers.perception_pins")),
                ("recorded", inc),
                ("p_adjusted", "p (Holm)"),
            ],
        );
    }
    if let Some(v) = layer_json(run, written, "schools")? {
        m = m.overlay(
            run.tr.t("layers.schools"),
            v,
            Style::points("#1b7837", 6.0),
            &[("name", run.tr.t("layers.school"))],
        );
    }
    if !run.s.public && run.sit.incidents.len() <= super::MAX_DOTS {
        let feats = incident_features(run);
        let v = serde_json::to_value(hotspot::output::feature_collection(&feats, &run.projector)?)?;
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
            inc,
            v,
            s,
            &[
                ("category", run.tr.t("layers.category")),
                ("time", run.tr.t("layers.time")),
                ("id", "Id"),
            ],
        );
    }
    Ok(m.legend("#b2182b", run.tr.t("layers.gi_hot_cell"))
        .legend("#2166ac", run.tr.t("layers.gi_cold_cell"))
        .legend("#7f0000", "Hotspot")
        .legend("#542788", run.tr.t("layers.patrol_zone"))
        .legend_line("#542788", run.tr.t("layers.patrol_route"))
        .legend("#1b7837", run.tr.t("layers.school_school_zone"))
        .legend_line("#555555", run.tr.t("layers.boundary")))
}

/// Writes `map.html` (and records it).
pub(super) fn write_map(run: &Run, written: &mut Written, title: &str) -> crate::Result<()> {
    let m = web_map(run, written, title)?;
    let p = run.s.out.join("map.html");
    hotspot::output::write_atomic(&p, m.render())
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(&run.s.out, &p);
    Ok(())
}
