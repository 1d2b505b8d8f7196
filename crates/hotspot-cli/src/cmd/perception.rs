//! `hotspot perception`: perceived unsafety (pins) beside recorded incidents, cell by cell:
//! Fisher exact tests with Holm adjustment, classes, Andresen's S-index, maps and layers.

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::categories::{CategoryTable, ProblemArea};
use hotspot::output::{OutFeature, write_geojson};
use hotspot::perception::{
    PerceptionClass, PerceptionOptions, compare, compare_areas, compare_at_risk,
    filter_problem_area, read_perceived, suppress_public, terciles,
};
use hotspot_render::bivariate::{bivariate_layer_with_axes, class_layer};
use hotspot_render::{AreaLayer, Colour, Layer, MapSpec, Size};
use serde_json::{Map, json};
use std::path::PathBuf;

/// Flags of `hotspot perception`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Perceived pins: CSV or GeoJSON points (optional `weight` = respondents, `concern`), or
    /// GeoJSON polygons (counted at their representative point).
    #[arg(long, value_name = "FILE")]
    pub perceived: PathBuf,
    /// Cell side, metres.
    #[arg(long, value_name = "M", default_value_t = 250.0)]
    pub cell: f64,
    /// Output folder (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Significance level of the Holm-adjusted tests.
    #[arg(long, value_name = "ALPHA", default_value_t = 0.05)]
    pub alpha: f64,
    /// Compare with one problem area only (violence, youth, vandalism, traffic, fraud, other).
    #[arg(long, value_name = "AREA")]
    pub problem_area: Option<String>,
    /// Category table (TOML) for --problem-area (default: the built-in table).
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Areal units (GeoJSON polygons with a `name`): the S-index over them too.
    #[arg(long, value_name = "FILE")]
    pub areas: Option<PathBuf>,
    /// Public mode: leave out cells whose incident or pin count is positive but below N.
    #[arg(long, value_name = "N")]
    pub min_count: Option<u64>,
    /// Built-up or populated polygons (GeoJSON): only cells of the area at risk inside them are
    /// compared (report key `at_risk`). `--water` (the basemap's water) is removed from it too.
    #[arg(long, value_name = "FILE")]
    pub at_risk: Option<PathBuf>,
    /// Compare only cells within M metres of an incident of the whole file (report key
    /// `at_risk_from_incidents`).
    #[arg(long, value_name = "M")]
    pub at_risk_from_incidents: Option<f64>,
    /// Basemap layers drawn under the maps (`--places`, `--roads`, `--water`, `--buildings`).
    #[command(flatten)]
    pub basemap: crate::common::BasemapArgs,
    /// Ingest flags (for both files; the pins are read in the incidents' CRS).
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot perception`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            Some(&args.perceived),
            args.ingest.boundary.as_deref(),
            args.categories.as_deref(),
            args.areas.as_deref(),
            args.basemap.water.as_deref(),
            args.at_risk.as_deref(),
        ],
        &[],
        &[("--out", &args.out)],
    )?;
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        anyhow::bail!(
            "the output folder {} exists and is not empty; choose a new folder so results never mix with an earlier run",
            args.out.display()
        );
    }
    let data = load(ctx, &args.ingest, &args.input)?;
    let mut opts = args.ingest.read_options()?;
    opts.crs = Some(data.incidents.crs());
    opts.columns = Default::default();
    let perceived = read_perceived(&args.perceived, &opts)?;
    ctx.note(format!(
        "perceived: {} ({} polygons counted at their representative point)",
        perceived.report.summary(),
        perceived.polygons
    ));
    let incidents = match &args.problem_area {
        Some(id) => {
            let area = ProblemArea::from_id(id).ok_or_else(|| {
                hotspot::Error::invalid(
                    "problem_area",
                    id,
                    "use violence, youth, vandalism, traffic, fraud or other",
                )
            })?;
            let table = match &args.categories {
                Some(p) => CategoryTable::read(p)?,
                None => CategoryTable::default_table(),
            };
            filter_problem_area(&data.incidents, &table, area)
        }
        None => data.incidents.clone(),
    };
    let popts = PerceptionOptions {
        cell_m: args.cell,
        alpha: args.alpha,
    };
    // On the area at risk when one is asked for (as the report does), else the study area, else the
    // box of both sets. The area at risk is built on the comparison's own cells over the study area
    // (or the box of incidents and pins), from the whole file's incidents.
    // The area at risk as the report builds it: the basemap's water removed, restricted to the
    // at-risk polygons or to cells near incidents.
    let area_args = crate::common::AreaArgs {
        water: args.basemap.water.clone(),
        at_risk: args.at_risk.clone(),
        at_risk_from_incidents: args.at_risk_from_incidents,
    };
    let res = if area_args.any() {
        let pins = perceived
            .pins
            .bbox()
            .map(|[x0, y0, x1, y1]| [[x0, y0], [x1, y1]]);
        let bbox = hotspot::ingest::layers::study_extent(
            data.study_area.as_ref(),
            &data.incidents,
            pins.as_ref().map_or(&[][..], |p| &p[..]),
        )
        .ok_or_else(|| anyhow::anyhow!("no incidents or pins to compare"))?;
        let spec = hotspot::GridSpec::covering(bbox, args.cell, 0.0)?;
        let opts = area_args.options(&data.projector, data.study_area.as_ref())?;
        let at_risk = hotspot::AreaAtRisk::build(spec, &opts, &data.incidents)?;
        let s = at_risk.summary();
        ctx.note(format!(
            "compared on the area at risk: {} ({} of {} cells, {:.2} km2; water {} cells)",
            s.description, s.cells, s.grid_cells, s.area_km2, s.water_cells
        ));
        compare_at_risk(&incidents, &perceived.pins, &at_risk, &popts)?
    } else {
        compare(
            &incidents,
            &perceived.pins,
            data.study_area.as_ref().map(|a| a.polygons()),
            &popts,
        )?
    };
    let areas = match &args.areas {
        Some(p) => {
            let units = hotspot::ingest::layers::read_named_areas(p, &data.projector)?;
            Some(compare_areas(
                &incidents,
                &perceived.pins,
                &units,
                args.alpha,
            )?)
        }
        None => None,
    };
    let (cells, suppressed) = match args.min_count {
        Some(n) => suppress_public(&res.cells, n),
        None => (res.cells.clone(), 0),
    };

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);
    let mut w = crate::common::SafeCsv::create(out("perception_cells.csv"))?;
    w.write_record([
        "lon",
        "lat",
        "recorded",
        "perceived",
        "recorded_share",
        "perceived_share",
        "p",
        "p_adjusted",
        "class",
    ])?;
    let mut feats = Vec::with_capacity(cells.len());
    for c in &cells {
        let [lon, lat] = data.projector.to_lonlat(c.x, c.y)?;
        w.write_record([
            format!("{lon:.6}"),
            format!("{lat:.6}"),
            c.recorded.to_string(),
            c.perceived.to_string(),
            format!("{:.6}", c.recorded_share),
            format!("{:.6}", c.perceived_share),
            format!("{:.6e}", c.p),
            format!("{:.6e}", c.p_adjusted),
            c.class.as_str().to_string(),
        ])?;
        let [x0, y0, x1, y1] = res.grid.cell_bounds(c.col, c.row);
        let mut props = Map::new();
        props.insert("recorded".into(), json!(c.recorded));
        props.insert("perceived".into(), json!(c.perceived));
        props.insert("recorded_share".into(), json!(c.recorded_share));
        props.insert("perceived_share".into(), json!(c.perceived_share));
        props.insert("p".into(), json!(c.p));
        props.insert("p_adjusted".into(), json!(c.p_adjusted));
        props.insert("class".into(), json!(c.class.as_str()));
        feats.push(OutFeature {
            geometry: geo::Geometry::Polygon(
                geo::Rect::new(geo::coord! {x: x0, y: y0}, geo::coord! {x: x1, y: y1}).to_polygon(),
            ),
            properties: props,
        });
    }
    w.flush()?;
    write_geojson(&out("perception_cells.geojson"), &feats, &data.projector)?;
    let sppt = json!({
        "s_index": res.sppt.s_index,
        "cells": res.sppt,
        "cell_m": res.cell_m,
        "n_cells": res.cells.len(),
        "recorded_outside_area": res.recorded_outside,
        "perceived_outside_area": res.perceived_outside,
        "problem_area": args.problem_area,
        "public_cells_suppressed": suppressed,
        "areas": areas,
        "synthetic_or_source": args.perceived.display().to_string(),
    });
    hotspot::output::write_atomic(&out("sppt.json"), serde_json::to_string_pretty(&sppt)?)?;

    // Maps.
    let rec = terciles(&cells.iter().map(|c| c.recorded as f64).collect::<Vec<_>>());
    let per = terciles(&cells.iter().map(|c| c.perceived as f64).collect::<Vec<_>>());
    let bi: Vec<_> = cells
        .iter()
        .zip(rec.iter().zip(&per))
        .map(|(c, (&r, &p))| (c.col, c.row, r, p))
        .collect();
    let word = ["low", "middle", "high"];
    let labels: [[String; 3]; 3] = std::array::from_fn(|p| {
        std::array::from_fn(|r| format!("perceived {}, recorded {}", word[p], word[r]))
    });
    let cls: Vec<_> = cells
        .iter()
        .map(|c| {
            let k = match c.class {
                PerceptionClass::PerceivedOnly => 0,
                PerceptionClass::RecordedOnly => 1,
                PerceptionClass::Similar => 2,
            };
            (c.col, c.row, k)
        })
        .collect();
    let outline = data.study_area.as_ref().map(|a| a.polygons()).map(|a| {
        Layer::Area(AreaLayer::new(
            "",
            vec![a.clone()],
            None,
            Some(Colour::hex(0x555555)),
        ))
    });
    let basemap = args.basemap.layer(ctx, &data.projector)?;
    let layers_for =
        |cell: Layer| -> Vec<Layer> { outline.iter().cloned().chain([cell]).collect() };
    let s_text = res
        .sppt
        .s_index
        .map(|s| format!("S-index {s:.2}"))
        .unwrap_or_default();
    let maps = [
        (
            "perception_bivariate",
            "Recorded incidents and perceived unsafety",
            Layer::Cells(bivariate_layer_with_axes(
                "Cells (terciles of counts)",
                "Recorded incidents: low → high",
                "↑ Perceived unsafety (pins): low → high",
                res.grid,
                &bi,
                &labels,
            )),
        ),
        (
            "perception_classes",
            "Where perception and records differ",
            Layer::Cells(class_layer(
                "Cells",
                res.grid,
                &cls,
                [
                    "perceived only".into(),
                    "recorded only".into(),
                    "similar".into(),
                ],
            )),
        ),
    ];
    for (file, title, layer) in maps {
        let layers = layers_for(layer);
        let extent = hotspot_render::layers_extent(&layers, 500.0).unwrap_or(res.grid.bbox());
        // Framed on the data; the basemap goes under everything.
        let mut layers = layers;
        if let Some(bm) = &basemap {
            layers.insert(0, Layer::Basemap(bm.clone()));
        }
        let spec = MapSpec {
            title: title.into(),
            subtitle: format!(
                "{} m cells, {}, {} incidents, {} perceived",
                res.cell_m, s_text, res.sppt.recorded_total, res.sppt.perceived_total
            ),
            attribution: "hotspot perception".into(),
            extent,
            layers,
            note: if suppressed > 0 {
                format!("{suppressed} cells with small counts not shown")
            } else {
                String::new()
            },
            ..MapSpec::default()
        };
        spec.render_png(Size::SCREEN, &out(&format!("{file}.png")))?;
        let (svg, _) = spec.render_svg(Size::SCREEN)?;
        hotspot::output::write_atomic(&out(&format!("{file}.svg")), svg)?;
    }
    ctx.note(format!(
        "{} cells compared: {} similar, {} perceived only, {} recorded only; {}; written to {}",
        res.sppt.n_compared,
        res.sppt.similar,
        res.sppt.perceived_only,
        res.sppt.recorded_only,
        s_text,
        args.out.display()
    ));
    Ok(())
}
