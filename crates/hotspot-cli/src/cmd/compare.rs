//! `hotspot compare`: incidents before and after per zone, rate ratios with exact intervals, and the control beside each zone.
//!
//! Zones come from `--zones` (a GeoJSON of polygons, one zone per feature, named by
//! `--name-field`), from `--schools` (a circle of `--school-radius` around each
//! school) and from `--hotspots` (groups of touching top cells of the *before*
//! period at `--hotspot-coverage`, with at least `--hotspot-min-count` incidents). For each zone the table gives the counts
//! before and after, the rate ratio per day with its exact interval (conditional
//! binomial test with the periods' lengths as exposures), the same for the control
//! (the study area minus every zone and `--control-buffer` metres around every zone, default 250), and
//! the zone's change relative to the control's; the `qp_*` columns give quasi-Poisson intervals on the
//! monthly counts, which allow for overdispersion ([`hotspot::evaluate::quasi_poisson_change`]).
//! `--change-map` writes the grid cells with counts before and after and the change.
//! `--map` draws the density difference (kernel density after minus before, per
//! 30 days of each period, on the same grid with the same bandwidth) with a
//! diverging blue–white–red scale centred at zero and the zones outlined;
//! `--raster` writes that difference as an ESRI ASCII grid (+ `.prj`) for QGIS.
//!
//! Incidents with a from/to interval count in each period and month by the share of their interval
//! there (aoristic counts, `hotspot::evaluate::count_zones`); when some are split, the count columns
//! hold those shares' sums, the exact tests run on them rounded (the `*_tested` columns, added with
//! `split_intervals` only then). The `--hotspots` zones, `--change-map` and `--map` (and `--raster`)
//! count them the same way, by their share of each period (`hotspot::evaluate::BeforeAfter`).

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::evaluate::{
    BeforeAfter, ChangeCell, ComparedZone, EvalGrid, OverdispersedChange, Period, ZoneChange,
    compare, count_zones_monthly, quasi_poisson_change,
};
use hotspot::output::{OutFeature, write_geojson};
use hotspot::{GridSpec, Projector};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Flags of `hotspot compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times.
    pub input: PathBuf,
    /// The before period: `2025-01-01..2025-06-30`, `2025-01..2025-06`, `2025-03` or `2025`.
    #[arg(long, value_name = "PERIOD")]
    pub before: String,
    /// The after period (same forms; must not overlap --before).
    #[arg(long, value_name = "PERIOD")]
    pub after: String,
    /// Patrol zones: GeoJSON polygons (lon/lat, or metres of the working CRS), one zone per feature.
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// Property holding a zone's name (default: `name`, else `namn`, `id`, else "zone N").
    #[arg(long, value_name = "FIELD", default_value = "name")]
    pub name_field: String,
    /// Schools file (as for `hotspot schools`): one zone of --school-radius around each school.
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// Radius of a school zone, metres.
    #[arg(long, value_name = "M", default_value_t = 300.0)]
    pub school_radius: f64,
    /// Also compare hotspots: groups of touching top cells of the before period.
    #[arg(long)]
    pub hotspots: bool,
    /// Share of the study area's cells taken as hotspot cells (with --hotspots).
    #[arg(long, value_name = "SHARE", default_value = "1%")]
    pub hotspot_coverage: String,
    /// Smallest number of before-period incidents for a group of top cells to count as a hotspot.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub hotspot_min_count: usize,
    /// Cell side for hotspots and the change map, metres.
    #[arg(long, value_name = "M", default_value_t = 100.0)]
    pub cell: f64,
    /// Confidence level of the intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub confidence: f64,
    /// The control leaves out every zone and this many metres around every zone (where displaced crime
    /// would go); 0 = everything outside the zones.
    #[arg(long, value_name = "M", default_value_t = 250.0)]
    pub control_buffer: f64,
    /// Print a JSON array (one object per zone) instead of the Markdown table.
    #[arg(long)]
    pub json: bool,
    /// Also write the table as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write a GeoJSON change map: cells with incidents before, after, and the change per 30 days.
    #[arg(long, value_name = "FILE")]
    pub change_map: Option<PathBuf>,
    /// Draw the density-difference map (after minus before, per 30 days) as FILE.png and
    /// FILE.svg (any extension of FILE is replaced), with the zones outlined.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Write the density difference (incidents per km² per 30 days, after minus before;
    /// NaN outside the study area): a GeoTIFF if FILE ends in .tif or .tiff, else an
    /// ESRI ASCII grid FILE.asc (any other extension is replaced) with its .prj beside it.
    #[arg(long, value_name = "FILE")]
    pub raster: Option<PathBuf>,
    /// Kernel bandwidth of the density difference, metres (default: the ArcGIS rule on
    /// both periods' incidents together, then used for both).
    #[arg(long, value_name = "M")]
    pub bandwidth: Option<f64>,
    /// Basemap layers drawn on `--map` (`--places`, `--roads`, `--water`, `--buildings`).
    #[command(flatten)]
    pub basemap: crate::common::BasemapArgs,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

fn row(c: &ZoneChange) -> Map<String, Value> {
    let f = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    let mut o = Map::new();
    let k = &c.counts;
    o.insert("kind".into(), json!(k.kind));
    o.insert("zone".into(), json!(k.name));
    o.insert("area_km2".into(), json!(k.area_km2));
    o.insert("before".into(), json!(k.before));
    o.insert("after".into(), json!(k.after));
    o.insert("rate_ratio".into(), f(c.zone.ratio));
    o.insert("ci_low".into(), f(c.zone.ci_low));
    o.insert("ci_high".into(), f(c.zone.ci_high));
    o.insert("p".into(), f(c.zone.p_value));
    o.insert("control_before".into(), json!(k.control_before));
    o.insert("control_after".into(), json!(k.control_after));
    o.insert("control_ratio".into(), f(c.control.ratio));
    o.insert("control_ci_low".into(), f(c.control.ci_low));
    o.insert("control_ci_high".into(), f(c.control.ci_high));
    let r = c.relative;
    o.insert(
        "relative_ratio".into(),
        r.map_or(Value::Null, |r| f(r.ratio)),
    );
    o.insert(
        "relative_ci_low".into(),
        r.map_or(Value::Null, |r| f(r.ci_low)),
    );
    o.insert(
        "relative_ci_high".into(),
        r.map_or(Value::Null, |r| f(r.ci_high)),
    );
    o.insert("relative_p".into(), r.map_or(Value::Null, |r| f(r.p_value)));
    o.insert("before_days".into(), json!(k.before_days));
    o.insert("after_days".into(), json!(k.after_days));
    // Interval incidents split between periods: the counts shown are the aoristic ones, the exact
    // tests ran on them rounded (hotspot::evaluate::count_zones).
    if let Some(a) = k.aoristic {
        o.insert("before".into(), json!(a.before));
        o.insert("after".into(), json!(a.after));
        o.insert("control_before".into(), json!(a.control_before));
        o.insert("control_after".into(), json!(a.control_after));
        o.insert("before_tested".into(), json!(k.before));
        o.insert("after_tested".into(), json!(k.after));
        o.insert("control_before_tested".into(), json!(k.control_before));
        o.insert("control_after_tested".into(), json!(k.control_after));
        o.insert("split_intervals".into(), json!(a.split_intervals));
    }
    o
}

/// Columns added after [`COLUMNS`] when interval incidents are split between periods or months.
const SPLIT_COLUMNS: [&str; 5] = [
    "split_intervals",
    "before_tested",
    "after_tested",
    "control_before_tested",
    "control_after_tested",
];

/// Quasi-Poisson columns (monthly counts, overdispersion allowed) beside the exact ones.
fn add_quasi_poisson(o: &mut Map<String, Value>, q: &OverdispersedChange) {
    let f = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map_or(Value::Null, |v| json!(v))
    };
    o.insert("control_buffer_m".into(), json!(q.control_buffer_m));
    o.insert("months_before".into(), json!(q.months_before));
    o.insert("months_after".into(), json!(q.months_after));
    let z = q.zone;
    o.insert("qp_rate_ratio".into(), f(z.map(|r| r.ratio)));
    o.insert("qp_ci_low".into(), f(z.map(|r| r.ci_low)));
    o.insert("qp_ci_high".into(), f(z.map(|r| r.ci_high)));
    o.insert("qp_p".into(), f(z.map(|r| r.p_value)));
    o.insert("qp_dispersion".into(), f(z.map(|r| r.dispersion)));
    let c = q.control;
    o.insert("qp_control_ci_low".into(), f(c.map(|r| r.ci_low)));
    o.insert("qp_control_ci_high".into(), f(c.map(|r| r.ci_high)));
    o.insert("qp_control_dispersion".into(), f(c.map(|r| r.dispersion)));
    let r = q.relative;
    o.insert("qp_relative_ratio".into(), f(r.map(|r| r.ratio)));
    o.insert("qp_relative_ci_low".into(), f(r.map(|r| r.ci_low)));
    o.insert("qp_relative_ci_high".into(), f(r.map(|r| r.ci_high)));
    o.insert("qp_relative_p".into(), f(r.map(|r| r.p_value)));
}

const COLUMNS: [&str; 35] = [
    "kind",
    "zone",
    "area_km2",
    "before",
    "after",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p",
    "control_before",
    "control_after",
    "control_ratio",
    "control_ci_low",
    "control_ci_high",
    "relative_ratio",
    "relative_ci_low",
    "relative_ci_high",
    "relative_p",
    "before_days",
    "after_days",
    "control_buffer_m",
    "months_before",
    "months_after",
    "qp_rate_ratio",
    "qp_ci_low",
    "qp_ci_high",
    "qp_p",
    "qp_dispersion",
    "qp_control_ci_low",
    "qp_control_ci_high",
    "qp_control_dispersion",
    "qp_relative_ratio",
    "qp_relative_ci_low",
    "qp_relative_ci_high",
    "qp_relative_p",
];

fn md_cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => format!("{:.3}", n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

/// A count as an integer when it is one, else with two decimals (sums of interval shares).
fn count_text(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        format!("{x:.2}")
    }
}

/// Runs `hotspot compare`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            args.ingest.boundary.as_deref(),
            args.zones.as_deref(),
            args.schools.as_deref(),
        ],
        &[
            ("--csv", args.csv.as_deref()),
            ("--change-map", args.change_map.as_deref()),
            ("--map", args.map.as_deref()),
            ("--raster", args.raster.as_deref()),
        ],
        &[],
    )?;
    let before = Period::parse("--before", &args.before)?;
    let after = Period::parse("--after", &args.after)?;
    if before.overlaps(&after) {
        return Err(hotspot::Error::invalid(
            "--after",
            after,
            format!("the after period overlaps the before period {before}"),
        )
        .into());
    }
    let hot_cov = crate::common::parse_coverages(&args.hotspot_coverage)?;
    if args.zones.is_none() && args.schools.is_none() && !args.hotspots {
        return Err(hotspot::Error::invalid(
            "--zones",
            "(none)",
            "give --zones FILE, --schools FILE and/or --hotspots",
        )
        .into());
    }
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let mut zones = Vec::new();
    if let Some(p) = &args.zones {
        zones.extend(hotspot::evaluate::read_zones(
            p,
            &args.name_field,
            &data.projector,
        )?);
    }
    if let Some(p) = &args.schools {
        zones.extend(hotspot::evaluate::school_zones(
            &hotspot::schools::read_schools(p, &data.projector)?,
            args.school_radius,
        )?);
    }
    let extent = hotspot::ingest::layers::study_extent(data.study_area.as_ref(), inc, &[])
        .ok_or_else(|| {
            hotspot::Error::InsufficientData(format!("{}: no incidents", args.input.display()))
        })?;
    let spec = GridSpec::covering(extent, args.cell, 0.0)?;
    let grid = EvalGrid::new(spec, data.study_area.as_ref())?;
    let tz = hotspot::ingest::parse_timezone(&args.ingest.timezone)?;
    let periods = BeforeAfter::new(inc, before, after, tz);
    if args.hotspots {
        zones.extend(hotspot::evaluate::hotspot_zones_by_share(
            &grid,
            inc,
            &periods.before_shares,
            hot_cov[0],
            args.hotspot_min_count,
        )?);
    }
    let monthly = count_zones_monthly(
        inc,
        before,
        after,
        &zones,
        data.study_area.as_ref(),
        args.control_buffer,
        tz,
    )?;
    let counts: Vec<_> = monthly.iter().map(|m| m.totals()).collect();
    let changes = compare(&counts, args.confidence)?;
    let mut rows: Vec<Map<String, Value>> = changes.iter().map(row).collect();
    for (o, m) in rows.iter_mut().zip(&monthly) {
        add_quasi_poisson(o, &quasi_poisson_change(m, args.confidence)?);
    }
    ctx.note(format!(
        "before {before}: {} incidents; after {after}: {} incidents; {} zones",
        count_text(before.weighted_count(inc, tz)),
        count_text(after.weighted_count(inc, tz)),
        zones.len()
    ));
    let split = monthly.first().map_or(0, |m| m.split_intervals);
    if split > 0 {
        ctx.note(format!(
            "{split} incidents with a from/to interval are split between months or periods: they count by their share of each (aoristic counts); the exact tests use the counts rounded to the nearest integer (columns *_tested)"
        ));
    }
    let columns: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .chain(SPLIT_COLUMNS.iter().copied().filter(|_| split > 0))
        .collect();
    if let Some(p) = &args.change_map {
        let cells = hotspot::evaluate::change_cells(&grid, inc, &periods)?;
        write_change_map(p, grid.spec(), &cells, &data.projector)?;
    }
    if args.map.is_some() || args.raster.is_some() {
        let pb = ctx.spinner("density difference");
        let diff =
            hotspot::evaluate::density_difference_by_share(&grid, inc, &periods, args.bandwidth)?;
        pb.finish_and_clear();
        if let Some(p) = &args.raster {
            if hotspot::raster_io::is_geotiff_path(p) {
                hotspot::raster_io::write_geotiff(p, &diff.raster, data.projector.crs())?;
                ctx.note(format!("wrote {}", p.display()));
            } else {
                let asc = p.with_extension("asc");
                hotspot::raster_io::write_ascii_grid(&asc, &diff.raster, data.projector.crs())?;
                ctx.note(format!(
                    "wrote {} and {}",
                    asc.display(),
                    hotspot::raster_io::prj_path(&asc).display()
                ));
            }
        }
        if let Some(p) = &args.map {
            let mut map = change_map_spec(
                &diff,
                &zones,
                data.study_area.as_ref(),
                before,
                after,
                data.projector.crs(),
            );
            if let Some(bm) = args.basemap.layer(ctx, &data.projector)? {
                // Over the density surface (muted), under the zone outlines.
                let at = usize::from(data.study_area.is_some()) + 1;
                map.layers
                    .insert(at.min(map.layers.len()), hotspot_render::Layer::Basemap(bm));
            }
            let png = p.with_extension("png");
            let svg = p.with_extension("svg");
            map.render_png(hotspot_render::Size::SCREEN, &png)?;
            let (text, _) = map.render_svg(hotspot_render::Size::SCREEN)?;
            hotspot::output::write_atomic(&svg, text)
                .with_context(|| format!("writing {}", svg.display()))?;
            ctx.note(format!("wrote {} and {}", png.display(), svg.display()));
        }
    }
    if let Some(p) = &args.csv {
        let mut w = crate::common::SafeCsv::create(p)
            .with_context(|| format!("writing {}", p.display()))?;
        w.write_record(&columns)?;
        for r in &rows {
            w.write_record(columns.iter().map(|c| match &r[*c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                v => v.to_string(),
            }))?;
        }
        w.flush()
            .with_context(|| format!("writing {}", p.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let arr = Value::Array(rows.into_iter().map(Value::Object).collect());
        writeln!(out, "{}", serde_json::to_string_pretty(&arr)?)?;
    } else {
        let shown = &COLUMNS[..18];
        writeln!(out, "| {} |", shown.join(" | "))?;
        writeln!(out, "|{}", shown.iter().map(|_| "---|").collect::<String>())?;
        for r in &rows {
            let cells: Vec<String> = shown.iter().map(|c| md_cell(&r[*c])).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
    }
    Ok(())
}

/// Writes the change map: one square per cell, with `col`, `row`, `before`, `after` and
/// `change_per_30d` (rounded to 4 decimals).
fn write_change_map(
    path: &Path,
    spec: &GridSpec,
    cells: &[ChangeCell],
    projector: &Projector,
) -> anyhow::Result<()> {
    let feats: Vec<OutFeature> = cells
        .iter()
        .map(|cell| {
            let [x0, y0, x1, y1] = spec.cell_bounds(cell.col, cell.row);
            let mut p = Map::new();
            p.insert("col".into(), json!(cell.col));
            p.insert("row".into(), json!(cell.row));
            p.insert("before".into(), json!(cell.before));
            p.insert("after".into(), json!(cell.after));
            p.insert(
                "change_per_30d".into(),
                json!((cell.change_per_30d * 1e4).round() / 1e4),
            );
            OutFeature {
                geometry: geo::Geometry::Polygon(geo::Polygon::new(
                    geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                    vec![],
                )),
                properties: p,
            }
        })
        .collect();
    write_geojson(path, &feats, projector)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The change map: boundary, the diverging difference surface, the zones
/// (patrol zones purple, school zones green, hotspots dark red) with their
/// names, framed on the zones and the cells that changed notably.
fn change_map_spec(
    d: &hotspot::evaluate::DensityDifference,
    zones: &[ComparedZone],
    study: Option<&hotspot::StudyArea>,
    bp: Period,
    ap: Period,
    crs: hotspot::Crs,
) -> hotspot_render::MapSpec {
    use hotspot_render::{AreaLayer, Layer, Locale, MapSpec, SurfaceLayer, palette};
    let fmt = |v: f64| {
        let dec = if v != 0.0 && v.abs() < 1.0 {
            2
        } else if v.abs() < 10.0 {
            1
        } else {
            0
        };
        Locale::EN.num(v, dec)
    };
    let mut layers = Vec::new();
    if let Some(a) = study {
        layers.push(Layer::Area(AreaLayer::new(
            "Study area",
            vec![a.polygons().clone()],
            Some(hotspot_render::Colour::rgb(250, 250, 246)),
            Some(palette::BOUNDARY),
        )));
    }
    let surface = Layer::Surface(SurfaceLayer::diverging(
        "Change in density, incidents per km² per 30 days (after − before)",
        d.raster.clone(),
        fmt,
    ));
    let mut focus = vec![surface.clone()];
    layers.push(surface);
    for (kind, legend, colour) in [
        ("zone", "Zone", palette::PATROL),
        ("school", "School zone", palette::SCHOOL),
        ("hotspot", "Hotspot (before period)", palette::HOTSPOT),
    ] {
        let of_kind: Vec<&ComparedZone> = zones.iter().filter(|z| z.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let l = Layer::Area(AreaLayer {
            legend: legend.into(),
            // Dissolved, so a hotspot made of grid cells gets one outline, not one per cell.
            areas: of_kind
                .iter()
                .map(|z| geo::unary_union(z.area.polygons().0.iter()))
                .collect(),
            fill: None,
            stroke: Some(colour),
            stroke_pt: 1.4,
            labels: of_kind.iter().map(|z| z.name.clone()).collect(),
        });
        focus.push(l.clone());
        layers.push(l);
    }
    let spec = d.raster.spec;
    let grid_extent = [spec.x0, spec.y0, spec.x1(), spec.y1()];
    let extent = hotspot_render::layers_extent(&focus, 0.0)
        .map(|[x0, y0, x1, y1]| {
            let m = (0.08 * (x1 - x0).max(y1 - y0)).max(300.0);
            [x0 - m, y0 - m, x1 + m, y1 + m]
        })
        .unwrap_or(study.map_or(grid_extent, |a| a.bbox()));
    MapSpec {
        title: "Change in incident density".into(),
        subtitle: format!(
            "After {ap} ({} days) minus before {bp} ({} days), per 30 days of each period · kernel density, quartic, bandwidth {:.0} m ({}), cells of {} m · {}",
            ap.days(),
            bp.days(),
            d.bandwidth_m,
            d.method,
            spec.cell_m,
            crs.name()
        ),
        attribution: "Red: more incidents per day after than before; blue: fewer; no fill: change under the smallest class limit. Map: hotspot compare.".into(),
        legend_title: "Legend".into(),
        extent,
        layers,
        north: "N".into(),
        note: String::new(),
    }
}
