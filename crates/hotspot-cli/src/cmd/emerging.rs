//! `hotspot emerging`: emerging hot spot analysis on a space-time cube (ArcGIS classes).
//!
//! Writes a GeoJSON of the cells with data, each with its pattern (`class`, the
//! snake-case name, and `pattern`, the ArcGIS label), counts, hot/cold step counts
//! and the Mann-Kendall trend of its Gi* z-scores; prints the number of cells per
//! pattern (Markdown, or `--json`). `--map` draws the cells coloured by pattern
//! (reds for hot, blues for cold patterns; the legend lists the patterns present), over the
//! basemap layers given with `--places`/`--roads`/`--water`/`--buildings`.

use crate::common::{BasemapArgs, Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::GridSpec;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::period::Period;
use hotspot::stats::emerging::{
    EmergingClass, EmergingParams, SpaceTimeCube, TimeStep, emerging_hot_spots,
};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::PathBuf;

/// Flags of `hotspot emerging`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times.
    pub input: PathBuf,
    /// Cell side of the cube, metres.
    #[arg(long, value_name = "M", default_value_t = 250.0)]
    pub cell: f64,
    /// Time step of the cube: day, week (ISO, Monday first) or month.
    #[arg(long, value_name = "STEP", default_value = "month")]
    pub step: String,
    /// Period covered by the cube (default: first to last incident), e.g. 2024-01..2025-12.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Neighbourhood distance in metres between cell centres (default 1.5 cells: the 8 surrounding cells).
    #[arg(long, value_name = "M")]
    pub band: Option<f64>,
    /// Previous time steps in each bin's neighbourhood (ArcGIS "neighborhood time step").
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub time_window: usize,
    /// Significance level of a hot or cold bin (two-sided).
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub alpha: f64,
    /// Do not apply the Benjamini-Hochberg FDR correction to the bin p values.
    #[arg(long)]
    pub no_fdr: bool,
    /// Significance level of the Mann-Kendall trend.
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub trend_alpha: f64,
    /// Output GeoJSON of classified cells.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "emerging.geojson"
    )]
    pub out: PathBuf,
    /// Print the per-pattern summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also draw the map of patterns as FILE.png and FILE.svg (any extension of FILE is replaced).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Basemap layers drawn under the map (`--places`, `--roads`, `--water`, `--buildings`).
    #[command(flatten)]
    pub basemap: BasemapArgs,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot emerging`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[("--out", Some(&args.out)), ("--map", args.map.as_deref())],
        &[],
    )?;
    let step: TimeStep = args.step.parse()?;
    let period = args
        .period
        .as_deref()
        .map(|p| Period::parse("--period", p))
        .transpose()?;
    let band = args.band.unwrap_or(1.5 * args.cell);
    let params = EmergingParams::new(
        band,
        args.time_window,
        args.alpha,
        !args.no_fdr,
        args.trend_alpha,
    )?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let extent = hotspot::ingest::layers::study_extent(data.study_area.as_ref(), inc, &[])
        .ok_or_else(|| {
            hotspot::Error::InsufficientData(format!("{}: no incidents", args.input.display()))
        })?;
    let spec = GridSpec::covering(extent, args.cell, 0.0)?;
    let pb = ctx.spinner("building the space-time cube");
    let tz = hotspot::ingest::parse_timezone(&args.ingest.timezone)?;
    let (cube, dropped) = SpaceTimeCube::build(inc, spec, step, period, tz)?;
    if dropped > 0 {
        ctx.note(format!(
            "{dropped} incidents without a time or outside the cube's period or extent were not counted"
        ));
    }
    ctx.note(format!(
        "cube: {} x {} cells of {} m, {} steps ({} .. {}), band {band} m, time window {}",
        spec.cols,
        spec.rows,
        spec.cell_m,
        cube.n_steps(),
        cube.steps
            .first()
            .map(|p| p.start.to_string())
            .unwrap_or_default(),
        cube.steps
            .last()
            .map(|p| p.end.to_string())
            .unwrap_or_default(),
        args.time_window
    ));
    pb.set_message("Gi* per bin, trends and classes");
    let res_steps = (
        cube.n_steps(),
        cube.steps
            .first()
            .map(|p| p.start.to_string())
            .unwrap_or_default(),
        cube.steps
            .last()
            .map(|p| p.end.to_string())
            .unwrap_or_default(),
    );
    let res = emerging_hot_spots(cube, &params)?;
    pb.finish_and_clear();
    let mut features = Vec::with_capacity(res.cells.len());
    for c in &res.cells {
        let (col, row) = spec.col_row(c.cell);
        let [x0, y0, x1, y1] = spec.cell_bounds(col, row);
        let poly = geo::Polygon::new(
            geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            vec![],
        );
        let mut p = Map::new();
        let class = serde_json::to_value(c.class)?;
        p.insert("class".into(), class);
        p.insert("pattern".into(), json!(c.class.label()));
        p.insert("col".into(), json!(col));
        p.insert("row".into(), json!(row));
        p.insert("incidents".into(), json!(c.total));
        p.insert("hot_steps".into(), json!(c.hot_steps));
        p.insert("cold_steps".into(), json!(c.cold_steps));
        p.insert("trend_s".into(), json!(c.trend.s));
        p.insert("trend_z".into(), json!(round(c.trend.z, 4)));
        p.insert("trend_p".into(), json!(round(c.trend.p, 6)));
        p.insert("last_gi_z".into(), json!(round(c.last_z, 4)));
        features.push(OutFeature {
            geometry: geo::Geometry::Polygon(poly),
            properties: p,
        });
    }
    write_geojson(&args.out, &features, &data.projector)
        .with_context(|| format!("writing {}", args.out.display()))?;
    if let Some(p) = &args.map {
        let subtitle = format!(
            "Space-time cube of {} m cells and {} steps of one {} ({} .. {}); Gi* with neighbours within {band} m and {} previous step(s), {}α = {}; Mann-Kendall trend at α = {} · {}",
            spec.cell_m,
            res_steps.0,
            args.step,
            res_steps.1,
            res_steps.2,
            args.time_window,
            if args.no_fdr {
                ""
            } else {
                "Benjamini-Hochberg FDR, "
            },
            args.alpha,
            args.trend_alpha,
            data.projector.crs().name()
        );
        let mut map = pattern_map(
            &spec,
            res.cells.iter().map(|c| (c.cell, c.class)),
            data.study_area.as_ref(),
            subtitle,
        );
        if let Some(bm) = args.basemap.layer(ctx, &data.projector)? {
            // Under the cells, over the study area's fill.
            let at = usize::from(data.study_area.is_some());
            map.layers.insert(at, hotspot_render::Layer::Basemap(bm));
        }
        let png = p.with_extension("png");
        let svg = p.with_extension("svg");
        map.render_png(hotspot_render::Size::SCREEN, &png)?;
        let (text, _) = map.render_svg(hotspot_render::Size::SCREEN)?;
        hotspot::output::write_atomic(&svg, text)
            .with_context(|| format!("writing {}", svg.display()))?;
        ctx.note(format!("wrote {} and {}", png.display(), svg.display()));
    }
    let mut out = std::io::stdout().lock();
    let counts = res.pattern_counts();
    if args.json {
        let arr: Vec<Value> = counts
            .iter()
            .map(|(c, n)| json!({"pattern": c.label(), "class": c, "cells": n}))
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&Value::Array(arr))?)?;
    } else {
        writeln!(out, "| pattern | cells |\n|---|---:|")?;
        for (c, n) in counts.iter().filter(|(_, n)| *n > 0) {
            writeln!(out, "| {} | {n} |", c.label())?;
        }
    }
    ctx.note(format!(
        "wrote {} ({} cells)",
        args.out.display(),
        features.len()
    ));
    Ok(())
}

/// The map of patterns: cells coloured by class (reds hot, blues cold, darker
/// = newer/stronger, `hotspot_render::palette::EMERGING_HOT`/`_COLD`), cells
/// with no pattern not drawn, the legend listing the patterns present; framed
/// on the coloured cells (else the study area or the cube).
fn pattern_map(
    spec: &GridSpec,
    cells: impl Iterator<Item = (usize, EmergingClass)>,
    study: Option<&hotspot::StudyArea>,
    subtitle: String,
) -> hotspot_render::MapSpec {
    use hotspot_render::{AreaLayer, CellLayer, Class, Colour, Layer, MapSpec, palette};
    let classes: Vec<Class> = EmergingClass::PATTERNS
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let colour = if k < 8 {
                palette::EMERGING_HOT[k]
            } else {
                palette::EMERGING_COLD[k - 8]
            };
            Class::new(c.label(), colour)
        })
        .collect();
    let cells: Vec<(usize, usize, usize)> = cells
        .filter_map(|(i, class)| {
            let k = EmergingClass::PATTERNS.iter().position(|p| *p == class)?;
            let (c, r) = spec.col_row(i);
            Some((c, r, k))
        })
        .collect();
    let layer = Layer::Cells(CellLayer {
        title: "Pattern".into(),
        spec: *spec,
        cells,
        classes,
    });
    let extent = match layer.bounds() {
        Some([x0, y0, x1, y1]) => {
            let m = (0.08 * (x1 - x0).max(y1 - y0)).max(2.0 * spec.cell_m);
            [x0 - m, y0 - m, x1 + m, y1 + m]
        }
        None => study.map_or([spec.x0, spec.y0, spec.x1(), spec.y1()], |a| a.bbox()),
    };
    let mut layers = Vec::new();
    if let Some(a) = study {
        layers.push(Layer::Area(AreaLayer::new(
            "Study area",
            vec![a.polygons().clone()],
            Some(Colour::rgb(250, 250, 246)),
            Some(palette::BOUNDARY),
        )));
    }
    layers.push(layer);
    MapSpec {
        title: "Emerging hot spots".into(),
        subtitle,
        attribution: "Patterns as defined for ArcGIS Pro Emerging Hot Spot Analysis; cells with no pattern are not drawn. Map: hotspot emerging.".into(),
        legend_title: "Legend".into(),
        extent,
        layers,
        north: "N".into(),
        note: String::new(),
    }
}

fn round(v: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (v * f).round() / f
}
