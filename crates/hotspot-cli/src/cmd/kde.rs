//! `hotspot kde`: kernel density surface (ESRI ASCII grid + .prj), hotspot polygons (GeoJSON), relative risk and Monte-Carlo thresholds.
//!
//! Prints a summary on stderr (unless `--quiet`) and, with `--json`, one JSON
//! object on stdout with the keys `input`, `incidents`, `total_weight`,
//! `kernel`, `units`, `bandwidth` (the library's `BandwidthReport`), `grid`,
//! `mass`, `max`, `outputs`, `significance`, `hotspots`, `relative_risk`, `harm`.

use crate::common::{AreaArgs, Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::categories::CategoryTable;
use hotspot::density::DensityUnits;
use hotspot::density::{
    Bandwidth, DensitySurface, Extent, HotspotOptions, HotspotThreshold, Kde, KdeOptions, Kernel,
    SignificanceOptions, find_hotspots_with, monte_carlo_thresholds, relative_risk,
};
use hotspot::output::write_layer;
use hotspot::raster_io::{is_geotiff_path, write_raster};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Flags of `hotspot kde`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Bandwidth: metres (e.g. 300; the search radius, or the standard deviation for the
    /// Gaussian), a rule (arcgis, scott, silverman), predictive (the default: chosen by
    /// temporal cross-validation of PAI over 50-400 m; the ArcGIS rule when incidents
    /// lack times), or adaptive:K (distance to the K-th nearest incident, at least one cell).
    #[arg(long, value_name = "M|RULE")]
    pub bandwidth: Option<String>,
    /// Bandwidth rule instead of --bandwidth: predictive (default), arcgis, scott or silverman.
    #[arg(long, value_name = "RULE", conflicts_with = "bandwidth")]
    pub bandwidth_rule: Option<String>,
    /// The area at risk (water, at-risk polygons, incident buffer).
    #[command(flatten)]
    pub area: AreaArgs,
    /// Cell size in metres. Cells are aligned to whole multiples of it.
    #[arg(long, value_name = "M", default_value_t = 50.0)]
    pub cell: f64,
    /// Kernel: quartic, epanechnikov, triangular, uniform or gaussian.
    #[arg(long, value_name = "NAME", default_value = "quartic")]
    pub kernel: String,
    /// Units of the cell values: per-km2 (weighted incidents per km2), per-m2, or
    /// expected-count (weighted incidents expected in the cell).
    #[arg(long, value_name = "UNITS", default_value = "per-km2")]
    pub units: String,
    /// Grid extent: `data` (incidents padded by the kernel radius) or `area` (the
    /// bounding box of --boundary).
    #[arg(long, value_name = "FROM", default_value = "data")]
    pub extent: String,
    /// Write the surface: a GeoTIFF if FILE ends in .tif or .tiff (64-bit floats,
    /// EPSG code in its GeoKeys), else an ESRI ASCII grid (.asc) with a .prj beside it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write one grid per category, named `<out stem>_<category>.asc` (or
    /// `.tif` when --out is one) (needs --out).
    #[arg(long)]
    pub per_category: bool,
    /// Write hotspot polygons (RFC 7946 GeoJSON, lon/lat) with incidents, weight,
    /// area, peak density, share and categories inside.
    #[arg(long, value_name = "FILE")]
    pub hotspots: Option<PathBuf>,
    /// Hotspot rule: the top PCT percent of the grid's area.
    #[arg(long, value_name = "PCT", group = "rule")]
    pub top_area: Option<f64>,
    /// Hotspot rule: the smallest area holding PCT percent of the weighted incidents
    /// (the default rule, with 50).
    #[arg(long, value_name = "PCT", group = "rule")]
    pub weight_share: Option<f64>,
    /// Hotspot rule: cells at or above this density (in --units).
    #[arg(long, value_name = "DENSITY", group = "rule")]
    pub threshold: Option<f64>,
    /// Hotspot rule: cells above the Monte-Carlo threshold at this level (95 or 99):
    /// higher than any cell of a random placement of the same incidents in that share of simulations.
    #[arg(long, value_name = "LEVEL", group = "rule")]
    pub significance: Option<u32>,
    /// Monte-Carlo simulations for --significance or --mc-thresholds (99 to 9999).
    #[arg(long, value_name = "N", default_value_t = 99)]
    pub simulations: usize,
    /// Seed of the Monte-Carlo placement.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Compute and report the 95% and 99% Monte-Carlo thresholds even without --significance.
    #[arg(long)]
    pub mc_thresholds: bool,
    /// Log relative risk of this category against all incidents (Kelsall & Diggle), written
    /// to --rr-out; NODATA where no incident of the category or none at all is within reach.
    #[arg(long, value_name = "CATEGORY")]
    pub relative_risk: Option<String>,
    /// Output grid of --relative-risk, .asc or .tif (default `<out stem>_rr` with
    /// --out's extension).
    #[arg(long, value_name = "FILE")]
    pub rr_out: Option<PathBuf>,
    /// Harm weights per category: `default` for the built-in table, or a TOML category table.
    /// Each incident's weight becomes its weight (1, or the weight column) times its category's harm.
    #[arg(long, value_name = "FILE|default")]
    pub harm: Option<String>,
    /// Largest grid allowed, in cells.
    #[arg(long, value_name = "N", default_value_t = hotspot::grid::DEFAULT_MAX_CELLS)]
    pub max_cells: u64,
    /// Print one JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

fn sibling(base: &Path, suffix: &str) -> PathBuf {
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "grid".into());
    let ext = if is_geotiff_path(base) { "tif" } else { "asc" };
    base.with_file_name(format!("{stem}_{suffix}.{ext}"))
}

fn surface_json(s: &DensitySurface) -> Value {
    let g = s.raster.spec;
    json!({
        "incidents": s.incidents,
        "total_weight": s.total_weight,
        "kernel": s.kernel.name(),
        "units": s.units.name(),
        "bandwidth": s.bandwidth,
        "grid": {"x0": g.x0, "y0": g.y0, "cell_m": g.cell_m, "cols": g.cols, "rows": g.rows},
        "mass": s.mass(),
        "max": s.raster.max(),
    })
}

/// Runs `hotspot kde`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            args.ingest.boundary.as_deref(),
            args.area.water.as_deref(),
            args.area.at_risk.as_deref(),
        ],
        &[
            ("--out", args.out.as_deref()),
            ("--hotspots", args.hotspots.as_deref()),
            ("--rr-out", args.rr_out.as_deref()),
        ],
        &[],
    )?;
    let kernel = Kernel::parse(&args.kernel)?;
    let units = DensityUnits::parse(&args.units)?;
    let bandwidth = match (&args.bandwidth_rule, &args.bandwidth) {
        (Some(r), _) => match r.trim().to_ascii_lowercase().as_str() {
            "predictive" | "arcgis" | "scott" | "silverman" => Bandwidth::parse(r)?,
            _ => {
                return Err(hotspot::Error::invalid(
                    "bandwidth-rule",
                    r,
                    "use predictive, arcgis, scott or silverman",
                )
                .into());
            }
        },
        (None, Some(b)) => Bandwidth::parse(b)?,
        (None, None) => Bandwidth::default(),
    };
    if args.per_category && args.out.is_none() {
        anyhow::bail!("--per-category writes grids beside --out; give --out FILE.asc");
    }
    if let Some(l) = args.significance.filter(|l| *l != 95 && *l != 99) {
        return Err(hotspot::Error::invalid("significance", l, "use 95 or 99").into());
    }
    let mut data = load(ctx, &args.ingest, &args.input)?;
    let mut harm = Value::Null;
    if let Some(h) = &args.harm {
        let table = if h == "default" {
            CategoryTable::default_table()
        } else {
            CategoryTable::read(Path::new(h))?
        };
        let c = table.classify(&data.incidents);
        data.incidents = c.harm_weighted(&data.incidents)?;
        ctx.note(format!(
            "harm weights from {}: total weight {:.1}; {} incidents in categories not in the table (harm {})",
            table.source().display(),
            data.incidents.total_weight(),
            c.unknown_total(),
            table.unknown().1
        ));
        harm = json!({
            "table": table.source(),
            "total_weight": data.incidents.total_weight(),
            "unknown_categories": c.unknown(),
        });
    }
    let inc = &data.incidents;
    let extent = match args.extent.as_str() {
        "data" => Extent::Data,
        "area" => Extent::Area(data.study_area.clone().ok_or_else(|| {
            hotspot::Error::invalid("extent", "area", "--extent area needs --boundary FILE")
        })?),
        other => {
            return Err(hotspot::Error::invalid("extent", other, "use data or area").into());
        }
    };
    // The area at risk on a grid of --cell covering the study area (or the data
    // padded by the largest candidate bandwidth); resampled onto the surface's grid.
    let at_risk = if args.area.any() {
        let bbox = hotspot::ingest::layers::study_extent(data.study_area.as_ref(), inc, &[])
            .ok_or_else(|| {
                hotspot::Error::InsufficientData("no incidents for the area at risk".into())
            })?;
        let pad = if data.study_area.is_some() {
            0.0
        } else {
            400.0
        };
        let spec = hotspot::GridSpec::covering_with_limit(bbox, args.cell, pad, args.max_cells)?;
        let opts = args
            .area
            .options(&data.projector, data.study_area.as_ref())?;
        let a = hotspot::AreaAtRisk::build(spec, &opts, inc)?;
        let s = a.summary();
        ctx.note(format!(
            "area at risk: {} ({} of {} cells, {:.2} km2; water {} cells)",
            s.description, s.cells, s.grid_cells, s.area_km2, s.water_cells
        ));
        Some(a)
    } else {
        None
    };
    let kde = Kde::new(KdeOptions {
        kernel,
        bandwidth,
        cell_m: args.cell,
        extent,
        units,
        max_cells: args.max_cells,
        at_risk: at_risk.clone(),
    })?;
    // The library checks the grid size and the bandwidth against the cell and
    // the extent before it allocates or computes anything.
    let pb = ctx.spinner(format!(
        "kernel density of {} incidents ({} kernel)",
        inc.len(),
        kernel
    ));
    let surface = kde.estimate(inc);
    pb.finish_and_clear();
    let surface = surface?;
    let grid = surface.raster.spec;
    let b = &surface.bandwidth;
    ctx.note(format!(
        "kde: {} incidents (weight {}), {} kernel, bandwidth {:.1} m ({}), grid {} x {} cells of {} m, values {}",
        surface.incidents,
        surface.total_weight,
        kernel,
        b.bandwidth_m,
        b.method,
        grid.cols,
        grid.rows,
        grid.cell_m,
        units.name()
    ));
    let mut outputs = serde_json::Map::new();
    if let Some(out) = &args.out {
        write_raster(out, &surface.raster, inc.crs())?;
        let prj = if is_geotiff_path(out) {
            ""
        } else {
            " (+ .prj)"
        };
        ctx.note(format!("  surface: {}{prj}", out.display()));
        outputs.insert("grid".into(), json!(out));
        if args.per_category {
            let mut cats = serde_json::Map::new();
            let surfaces = kde.estimate_per_category(inc)?;
            let parts =
                hotspot::output::files::distinct_file_parts(surfaces.iter().map(|c| c.0.as_str()));
            for ((name, s), part) in surfaces.into_iter().zip(parts) {
                let p = sibling(out, &part);
                write_raster(&p, &s.raster, inc.crs())?;
                ctx.note(format!("  {name}: {}", p.display()));
                cats.insert(name, json!(p));
            }
            outputs.insert("per_category".into(), Value::Object(cats));
        }
    }

    let mut significance = Value::Null;
    if args.significance.is_some() || args.mc_thresholds {
        let pb = ctx.spinner(format!("{} Monte-Carlo surfaces", args.simulations));
        let t = monte_carlo_thresholds(
            &kde,
            inc,
            &surface,
            &SignificanceOptions {
                simulations: args.simulations,
                seed: args.seed,
                area: data.study_area.clone(),
                at_risk: at_risk.clone(),
                control: None,
            },
        );
        pb.finish_and_clear();
        let t = t?;
        ctx.note(format!(
            "  Monte-Carlo thresholds ({} simulations, placement {}): 95% {:.4}, 99% {:.4} {}",
            t.simulations,
            t.placement,
            t.p95,
            t.p99,
            units.name()
        ));
        significance = serde_json::to_value(&t)?;
        if let Some(level) = args.significance {
            let d = if level == 99 { t.p99 } else { t.p95 };
            significance["hotspot_threshold"] = json!(d);
        }
    }

    let mut hotspots = Value::Null;
    if let Some(path) = &args.hotspots {
        let rule = if let Some(p) = args.top_area {
            HotspotThreshold::TopAreaPercent(p)
        } else if let Some(p) = args.weight_share {
            HotspotThreshold::WeightPercent(p)
        } else if let Some(d) = args.threshold {
            HotspotThreshold::Density(d)
        } else if let Some(d) = significance
            .get("hotspot_threshold")
            .and_then(Value::as_f64)
        {
            // Strictly above the simulated maximum: the next representable value.
            HotspotThreshold::Density(if d > 0.0 {
                f64::from_bits(d.to_bits() + 1)
            } else {
                f64::MIN_POSITIVE
            })
        } else {
            HotspotThreshold::WeightPercent(50.0)
        };
        let h = find_hotspots_with(
            &surface,
            inc,
            &HotspotOptions {
                area: at_risk.as_ref(),
                ..HotspotOptions::new(rule)
            },
        )?;
        write_layer(path, &h.to_features(), &data.projector)
            .with_context(|| format!("writing {}", path.display()))?;
        ctx.note(format!(
            "  hotspots: {} polygons ({}; threshold {:.4} {}) -> {}",
            h.hotspots.len(),
            h.rule,
            h.threshold,
            units.name(),
            path.display()
        ));
        for hs in h.hotspots.iter().take(5) {
            ctx.note(format!(
                "    #{}: {} incidents ({:.1}% of weight), {:.3} km2, peak {:.2}",
                hs.rank,
                hs.incidents,
                100.0 * hs.share,
                hs.area_km2,
                hs.peak_density
            ));
        }
        outputs.insert("hotspots".into(), json!(path));
        hotspots = serde_json::to_value(&h)?;
    }

    let mut rr = Value::Null;
    if let Some(cat) = &args.relative_risk {
        let r = relative_risk(&kde, inc, cat)?;
        let p = match (&args.rr_out, &args.out) {
            (Some(p), _) => p.clone(),
            (None, Some(o)) => sibling(o, "rr"),
            (None, None) => {
                anyhow::bail!("--relative-risk needs --rr-out FILE.asc|FILE.tif or --out")
            }
        };
        write_raster(&p, &r.log_ratio, inc.crs())?;
        ctx.note(format!(
            "  relative risk of {cat}: {} ({} incidents; {} cells undefined, NODATA)",
            p.display(),
            r.category_incidents,
            r.undefined_cells
        ));
        outputs.insert("relative_risk".into(), json!(p));
        rr = json!({
            "category": r.category,
            "category_incidents": r.category_incidents,
            "category_weight": r.category_weight,
            "all_weight": r.all_weight,
            "undefined_cells": r.undefined_cells,
            "max": r.log_ratio.max(),
        });
    }

    if args.json {
        let mut v = surface_json(&surface);
        v["input"] = json!(args.input);
        v["outputs"] = Value::Object(outputs);
        v["significance"] = significance;
        v["hotspots"] = hotspots;
        v["relative_risk"] = rr;
        v["harm"] = harm;
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    }
    Ok(())
}
