//! `hotspot cluster`: DBSCAN or HDBSCAN hotspots with per-cluster summaries, labels and polygons.
//!
//! Writes `--labels` (CSV `id,cluster`: every incident read, in input order, `-1`
//! for noise) and `--clusters` (RFC 7946 GeoJSON in lon/lat: per cluster its
//! convex hull, concave hull and 1-/2-SD ellipses, with the summary as
//! properties and `shape` naming the geometry). Prints a cluster table to
//! stdout. `--suggest-eps` prints the k-distance suggestion instead.

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::cluster::{
    ClusterSelection, ClusterSummary, DbscanParams, HdbscanParams, dbscan, hdbscan, suggest_eps,
    summarize_with,
};
use std::io::Write;
use std::path::PathBuf;

/// Clustering method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Density-based clusters at one radius (Ester et al. 1996): needs --eps and --min-points.
    Dbscan,
    /// Hierarchical DBSCAN (Campello et al. 2013): needs --min-cluster-size.
    Hdbscan,
}

/// HDBSCAN cluster selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SelectionArg {
    /// Excess of mass: the most stable clusters (default).
    Eom,
    /// Leaves of the condensed tree: smaller, more homogeneous clusters.
    Leaf,
}

/// Flags of `hotspot cluster`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Clustering method.
    #[arg(long, value_enum, default_value = "dbscan")]
    pub method: Method,
    /// DBSCAN radius in metres: incidents within this distance (inclusive) are neighbours.
    #[arg(long, value_name = "M")]
    pub eps: Option<f64>,
    /// DBSCAN: incidents (itself included) needed within --eps for a core point; also the k of --suggest-eps.
    #[arg(long, value_name = "K")]
    pub min_points: Option<usize>,
    /// DBSCAN: count incident weights (the input's weight column) towards --min-points instead of incidents.
    #[arg(long)]
    pub weighted: bool,
    /// HDBSCAN: smallest number of incidents that forms a cluster (>= 2).
    #[arg(long, value_name = "K")]
    pub min_cluster_size: Option<usize>,
    /// HDBSCAN: neighbours (itself included) for the core distance. Default: --min-cluster-size.
    #[arg(long, value_name = "K")]
    pub min_samples: Option<usize>,
    /// HDBSCAN cluster selection.
    #[arg(long, value_enum, default_value = "eom")]
    pub selection: SelectionArg,
    /// HDBSCAN: merge clusters that split below this distance in metres (0 = off).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    pub cluster_selection_epsilon: f64,
    /// HDBSCAN: allow the whole data set to be one cluster.
    #[arg(long)]
    pub allow_single_cluster: bool,
    /// Print a suggested --eps (knee of the sorted k-distance curve, k = --min-points, default 10) and exit.
    #[arg(long)]
    pub suggest_eps: bool,
    /// Write cluster labels (CSV `id,cluster`, input order, -1 = noise).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Write cluster polygons and summaries (GeoJSON in lon/lat, or a GeoPackage when FILE ends in .gpkg).
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<PathBuf>,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot cluster`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[
            ("--labels", args.labels.as_deref()),
            ("--clusters", args.clusters.as_deref()),
        ],
        &[],
    )?;
    // Parameters are checked before the file is read.
    enum Params {
        Db(DbscanParams),
        H(HdbscanParams),
    }
    if args.suggest_eps {
        let k = args.min_points.unwrap_or(10);
        if k == 0 {
            return Err(hotspot::Error::invalid("min_points", k, "must be >= 1").into());
        }
        let data = load(ctx, &args.ingest, &args.input)?;
        let pb = ctx.spinner("k-distance curve");
        let s = suggest_eps(&data.incidents, k);
        pb.finish_and_clear();
        let s = s?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "suggested eps: {:.1} m (min-points {k})", s.eps_m)?;
        writeln!(out, "{}", s.explanation)?;
        writeln!(out, "k-distance quantiles (m):")?;
        for (q, d) in &s.quantiles {
            writeln!(out, "  {:>5.1}%  {d:.1}", q * 100.0)?;
        }
        return Ok(());
    }
    let params = {
        match args.method {
            Method::Dbscan => {
                let (Some(eps), Some(k)) = (args.eps, args.min_points) else {
                    return Err(hotspot::Error::invalid(
                        "eps/min_points",
                        "missing",
                        "--method dbscan needs --eps M and --min-points K (try --suggest-eps --min-points K to choose eps)",
                    )
                    .into());
                };
                Params::Db(DbscanParams::new(eps, k)?.weighted(args.weighted))
            }
            Method::Hdbscan => {
                let Some(m) = args.min_cluster_size else {
                    return Err(hotspot::Error::invalid(
                        "min_cluster_size",
                        "missing",
                        "--method hdbscan needs --min-cluster-size K",
                    )
                    .into());
                };
                let mut p = HdbscanParams::new(m)?
                    .selection(match args.selection {
                        SelectionArg::Eom => ClusterSelection::Eom,
                        SelectionArg::Leaf => ClusterSelection::Leaf,
                    })
                    .cluster_selection_epsilon(args.cluster_selection_epsilon)?
                    .allow_single_cluster(args.allow_single_cluster);
                if let Some(s) = args.min_samples {
                    p = p.min_samples(s)?;
                }
                Params::H(p)
            }
        }
    };
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let mut out = std::io::stdout().lock();
    let pb = ctx.spinner("clustering");
    let t0 = std::time::Instant::now();
    let (labels, method_note) = match params {
        Params::Db(p) => {
            let r = dbscan(inc, &p)?;
            let n_core = r.core.iter().filter(|&&c| c).count();
            (
                r.labels,
                format!(
                    "DBSCAN eps {} m, min-points {}{}: {} core incidents",
                    p.eps_m(),
                    p.min_points(),
                    if p.is_weighted() { " (weighted)" } else { "" },
                    n_core
                ),
            )
        }
        Params::H(p) => {
            let r = hdbscan(inc, &p)?;
            (
                r.labels,
                format!(
                    "HDBSCAN min-cluster-size {}, min-samples {}",
                    p.min_cluster_size_value(),
                    p.min_samples_value()
                ),
            )
        }
    };
    let t_cluster = t0.elapsed();
    pb.set_message("summarising clusters");
    // Concave hulls only go into --clusters; the table needs the convex area.
    let summaries = summarize_with(inc, &labels, args.clusters.is_some())?;
    pb.finish_and_clear();
    ctx.note(format!(
        "clustering {:.2} s, summaries {:.2} s",
        t_cluster.as_secs_f64(),
        (t0.elapsed() - t_cluster).as_secs_f64()
    ));
    let noise = labels.iter().filter(|&&l| l < 0).count();
    writeln!(
        out,
        "{method_note}; {} clusters, {} of {} incidents in clusters, {noise} noise",
        summaries.len(),
        inc.len() - noise,
        inc.len()
    )?;
    print_table(&mut out, &summaries)?;
    if let Some(path) = &args.labels {
        write_labels(path, inc.ids(), &labels)
            .with_context(|| format!("writing {}", path.display()))?;
        ctx.note(format!("labels written to {}", path.display()));
    }
    if let Some(path) = &args.clusters {
        let features: Vec<_> = summaries
            .iter()
            .flat_map(ClusterSummary::features)
            .collect();
        hotspot::output::write_layer(path, &features, &data.projector)?;
        ctx.note(format!("cluster polygons written to {}", path.display()));
    }
    Ok(())
}

fn print_table(out: &mut impl Write, s: &[ClusterSummary]) -> std::io::Result<()> {
    if s.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{:>7} {:>7} {:>10} {:>12} {:>10}  top category",
        "cluster", "count", "weight", "area_m2", "per_km2"
    )?;
    for c in s {
        let top = c
            .categories
            .first()
            .map(|(k, n)| format!("{} ({n})", if k.is_empty() { "-" } else { k }))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>7} {:>7} {:>10.1} {:>12.0} {:>10}  {top}",
            c.cluster,
            c.count,
            c.weight,
            c.area_m2,
            c.density_per_km2
                .map_or("-".to_string(), |d| format!("{d:.0}"))
        )?;
    }
    Ok(())
}

fn write_labels(path: &std::path::Path, ids: &[String], labels: &[i32]) -> anyhow::Result<()> {
    let mut w = crate::common::SafeCsv::create(path)?;
    w.record(["id", "cluster"])?;
    let mut buf = String::with_capacity(12);
    for (id, l) in ids.iter().zip(labels) {
        buf.clear();
        use std::fmt::Write as _;
        write!(buf, "{l}")?;
        w.record([id.as_str(), buf.as_str()])?;
    }
    w.finish()
}
