//! `hotspot gistar`: Getis-Ord Gi* hot spot analysis on a fishnet of counts.
//!
//! Prints a summary (scale and why, cells, hot and cold spots by confidence,
//! the hottest cells) and writes every cell, empty ones included, to
//! `--cells` (CSV: `col,row,x,y,count,n_neighbours,z,p,p_fdr,bin[,p_sim]`) and/or
//! `--geojson` (cell polygons in lon/lat with the same properties).

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::output::{OutFeature, write_layer};
use hotspot::stats::fishnet::CellShape;
use hotspot::stats::getis_ord::{
    GiStarParams, GiStarResult, WeightScheme, hot_spots, hot_spots_at_risk,
};
use hotspot::stats::optimized::choose_scale;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Weight schemes on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Weights {
    /// 1 for cell centres within --distance (ArcGIS fixed distance band). Default.
    Band,
    /// 1/d within --distance, scaled so adjacent cells weigh 1 like the cell itself.
    Inverse,
    /// 1 for the --k nearest cells.
    Knn,
}

/// Flags of `hotspot gistar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Cell size in metres. Omit to choose it as ArcGIS's Optimized Hot Spot Analysis does (reported).
    #[arg(long, value_name = "M")]
    pub cell: Option<f64>,
    /// Distance band in metres (cell centres within this distance are neighbours).
    /// Omit to take the first peak of incremental spatial autocorrelation (reported).
    #[arg(long, value_name = "M")]
    pub distance: Option<f64>,
    /// Write every cell (empty ones included) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub cells: Option<PathBuf>,
    /// Write every cell as a polygon to this GeoJSON file (lon/lat).
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Hexagonal cells (--cell is the distance between neighbouring centres) instead of squares.
    #[arg(long)]
    pub hex: bool,
    /// Spatial weights.
    #[arg(long, value_enum, default_value_t = Weights::Band)]
    pub weights: Weights,
    /// Number of neighbours for --weights knn.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub k: usize,
    /// Bins from the uncorrected p-values instead of Benjamini-Hochberg FDR-corrected ones.
    #[arg(long)]
    pub no_fdr: bool,
    /// Conditional permutations for pseudo p-values (adds the p_sim column; 0 = none).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub permutations: usize,
    /// Seed for the permutations.
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// The area at risk: only its cells are analysed (square cells only).
    #[command(flatten)]
    pub area: crate::common::AreaArgs,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot gistar`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[
            ("--cells", args.cells.as_deref()),
            ("--geojson", args.geojson.as_deref()),
        ],
        &[],
    )?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let area = data.study_area.as_ref();
    let mut reasons = Vec::new();
    let (cell, distance) = match (args.cell, args.distance) {
        (Some(c), Some(d)) => (c, d),
        _ => {
            let pb = ctx.spinner("choosing cell size and distance band");
            let choice = choose_scale(inc, area, args.cell, args.distance);
            pb.finish_and_clear();
            let choice = choice?;
            reasons = choice.reasons.clone();
            if !choice.isa.is_empty() {
                let prof: Vec<String> = choice
                    .isa
                    .iter()
                    .map(|s| format!("{:.0} m: z {:.2}", s.distance_m, s.z))
                    .collect();
                reasons.push(format!(
                    "incremental spatial autocorrelation (Moran's I z by band): {}",
                    prof.join(", ")
                ));
            }
            (choice.cell_m, choice.distance_m)
        }
    };
    let weights = match args.weights {
        Weights::Band => WeightScheme::DistanceBand,
        Weights::Inverse => WeightScheme::InverseDistance,
        Weights::Knn => WeightScheme::KNearest { k: args.k },
    };
    let params = GiStarParams::new(cell, distance)?
        .with_shape(if args.hex {
            CellShape::Hexagon
        } else {
            CellShape::Square
        })
        .with_weights(weights)?
        .with_fdr(!args.no_fdr)
        .with_permutations(args.permutations, args.seed)?;
    if args.geojson.is_some()
        && let Some([x0, y0, x1, y1]) = inc.bbox()
    {
        // Memory for the GeoJSON of every cell, checked before the analysis (an upper bound: the bbox's cells).
        let cells = (((x1 - x0) / cell).ceil() as u64 + 2) * (((y1 - y0) / cell).ceil() as u64 + 2);
        hotspot::output::check_output_memory("memory for --geojson (bytes)", cells, hotspot::output::GEOJSON_BYTES_PER_CELL)
            .map_err(|e| e.with_limit_hint(format!("about {cells} cells of {cell} m: write them with --cells FILE.csv (about 100 bytes a cell), or use larger cells")))?;
    }
    let pb = ctx.spinner("computing Gi*");
    let r = if args.area.any() {
        if args.hex {
            pb.finish_and_clear();
            anyhow::bail!(
                "--water/--at-risk/--at-risk-from-incidents need square cells; drop --hex"
            );
        }
        let bbox = hotspot::ingest::layers::study_extent(area, inc, &[]).ok_or_else(|| {
            hotspot::Error::InsufficientData("no incidents for the area at risk".into())
        })?;
        let spec = hotspot::GridSpec::covering(bbox, cell, 0.0)?;
        let opts = args.area.options(&data.projector, area)?;
        let a = hotspot::AreaAtRisk::build(spec, &opts, inc)?;
        ctx.note(format!(
            "area at risk: {} ({} of {} cells)",
            a.summary().description,
            a.cells(),
            a.summary().grid_cells
        ));
        hot_spots_at_risk(inc, &a, &params)
    } else {
        hot_spots(inc, area, &params)
    };
    pb.finish_and_clear();
    let r = r?;
    if let Some(p) = &args.cells {
        write_cells(&r, p).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.geojson {
        let features = to_features(&r);
        write_layer(p, &features, &data.projector)?;
    }
    let mut out = std::io::stdout().lock();
    summary(&mut out, &r, &reasons, &args)?;
    Ok(())
}

fn summary(
    out: &mut impl Write,
    r: &GiStarResult,
    reasons: &[String],
    args: &Args,
) -> anyhow::Result<()> {
    let f = &r.fishnet;
    let p = &r.params;
    writeln!(out, "Getis-Ord Gi* hot spot analysis")?;
    for s in reasons {
        writeln!(out, "  scale: {s}")?;
    }
    writeln!(
        out,
        "  cells: {} {} cells of {} m ({} incidents counted, {} outside the cells), distance band {} m, weights {}",
        f.len(),
        match f.shape {
            CellShape::Square => "square",
            CellShape::Hexagon => "hexagonal",
        },
        p.cell_m(),
        f.n_counted,
        f.n_outside,
        p.distance_m(),
        match p.weights() {
            WeightScheme::DistanceBand =>
                "binary (centres within the band, cell itself included)".to_string(),
            WeightScheme::InverseDistance => "inverse distance within the band".to_string(),
            WeightScheme::KNearest { k } => format!("{k} nearest cells plus the cell itself"),
        }
    )?;
    writeln!(
        out,
        "  mean count {:.4}, population SD {:.4}; p-values two-sided normal; bins from {} p-values",
        r.gi.mean,
        r.gi.sd,
        if p.fdr() {
            "Benjamini-Hochberg FDR-corrected"
        } else {
            "uncorrected"
        }
    )?;
    if let Some(n) = r.note() {
        writeln!(out, "  note: {n}")?;
    }
    let bins = r.bin_counts();
    let count = |b: i8| bins[(b + 3) as usize];
    writeln!(
        out,
        "  hot spots: {} at 99%, {} at 95%, {} at 90%; cold spots: {} at 99%, {} at 95%, {} at 90%; not significant: {}",
        count(3),
        count(2),
        count(1),
        count(-3),
        count(-2),
        count(-1),
        count(0)
    )?;
    writeln!(
        out,
        "  hottest cells:\n    {:>5} {:>5} {:>12} {:>12} {:>8} {:>8} {:>10} {:>4}",
        "col", "row", "x", "y", "count", "z", "p_fdr", "bin"
    )?;
    for k in r.hottest(10) {
        writeln!(
            out,
            "    {:>5} {:>5} {:>12.1} {:>12.1} {:>8} {:>8.3} {:>10.3e} {:>4}",
            f.col[k], f.row[k], f.x[k], f.y[k], f.count[k], r.gi.z[k], r.gi.p_fdr[k], r.bin[k]
        )?;
    }
    if args.cells.is_none() && args.geojson.is_none() {
        writeln!(
            out,
            "  (use --cells FILE or --geojson FILE to write every cell)"
        )?;
    }
    Ok(())
}

/// Writes the cells CSV (fast, fixed column order, shortest round-trip numbers).
pub fn write_cells(r: &GiStarResult, path: &Path) -> anyhow::Result<()> {
    let mut file = hotspot::output::AtomicFile::create(path)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut file);
    let f = &r.fishnet;
    let sim = r.gi.p_sim.as_ref();
    w.write_all(b"col,row,x,y,count,n_neighbours,z,p,p_fdr,bin")?;
    if sim.is_some() {
        w.write_all(b",p_sim")?;
    }
    w.write_all(b"\n")?;
    for k in 0..f.len() {
        write!(
            w,
            "{},{},{},{},{},{},{},{},{},{}",
            f.col[k],
            f.row[k],
            f.x[k],
            f.y[k],
            f.count[k],
            r.gi.n_neighbours[k],
            r.gi.z[k],
            r.gi.p[k],
            r.gi.p_fdr[k],
            r.bin[k]
        )?;
        if let Some(s) = sim {
            write!(w, ",{}", s[k])?;
        }
        w.write_all(b"\n")?;
    }
    w.flush()?;
    drop(w);
    file.commit()?;
    Ok(())
}

fn to_features(r: &GiStarResult) -> Vec<OutFeature> {
    let f = &r.fishnet;
    (0..f.len())
        .map(|k| {
            let ring: Vec<(f64, f64)> = f.cell_ring(k).into_iter().map(|[a, b]| (a, b)).collect();
            let poly = geo::Polygon::new(geo::LineString::from(ring), vec![]);
            let mut props = Map::new();
            props.insert("col".into(), json!(f.col[k]));
            props.insert("row".into(), json!(f.row[k]));
            props.insert("x".into(), json!(f.x[k]));
            props.insert("y".into(), json!(f.y[k]));
            props.insert("count".into(), json!(f.count[k]));
            props.insert("n_neighbours".into(), json!(r.gi.n_neighbours[k]));
            props.insert("z".into(), json!(r.gi.z[k]));
            props.insert("p".into(), json!(r.gi.p[k]));
            props.insert("p_fdr".into(), json!(r.gi.p_fdr[k]));
            props.insert("bin".into(), json!(r.bin[k]));
            if let Some(s) = &r.gi.p_sim {
                props.insert("p_sim".into(), Value::from(s[k]));
            }
            OutFeature {
                geometry: geo::Geometry::Polygon(poly),
                properties: props,
            }
        })
        .collect()
}
