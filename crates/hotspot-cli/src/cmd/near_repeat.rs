//! `hotspot near-repeat`: Ratcliffe's Near Repeat Calculator table of spatial x temporal bands.
//!
//! Prints observed pairs, observed/expected ratios and Monte-Carlo p-values per
//! band; `--json` prints the table as one JSON object; `--csv FILE` writes one
//! row per band pair (`space_band,time_band,observed,expected,ratio,p`).

use crate::common::{Context, IngestArgs, load};
use hotspot::stats::near_repeat::{NearRepeatParams, near_repeat_incidents};
use std::io::Write;
use std::path::PathBuf;

/// Flags of `hotspot near-repeat`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times.
    pub input: PathBuf,
    /// Upper edges of the spatial bands in metres, comma-separated (e.g. 0,100,200,300;
    /// a first edge of 0 is the "same location" band; pairs beyond the last edge form a final band).
    #[arg(long, value_delimiter = ',', required = true, value_name = "M,M,...")]
    pub space_bands: Vec<f64>,
    /// Upper edges of the temporal bands in days, comma-separated (e.g. 7,14,21,28; pairs beyond form a final band).
    #[arg(long, value_delimiter = ',', required = true, value_name = "D,D,...")]
    pub time_bands: Vec<f64>,
    /// Monte-Carlo permutations of the times.
    #[arg(long, default_value_t = 999, value_name = "N")]
    pub permutations: usize,
    /// Seed of the permutations.
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also write the table as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot near-repeat`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[("--csv", args.csv.as_deref())],
        &[],
    )?;
    let params = NearRepeatParams::new(
        args.space_bands.clone(),
        args.time_bands.clone(),
        args.permutations,
        args.seed,
    )?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let pb = ctx.spinner(format!("{} permutations", args.permutations));
    let res = near_repeat_incidents(inc, &params);
    pb.finish_and_clear();
    let (r, ev) = res?;
    if ev.without_time > 0 {
        ctx.note(format!(
            "{} incident(s) without a time are left out",
            ev.without_time
        ));
    }
    if let Some(n) = &ev.note {
        ctx.note(format!("note: {n}"));
    }
    if let Some(path) = &args.csv {
        let mut file = hotspot::output::AtomicFile::create(path)?;
        let mut w = std::io::BufWriter::new(&mut file);
        writeln!(w, "space_band,time_band,observed,expected,ratio,p")?;
        for s in 0..r.space_labels.len() {
            for t in 0..r.time_labels.len() {
                writeln!(
                    w,
                    "{},{},{},{},{},{}",
                    r.space_labels[s],
                    r.time_labels[t],
                    r.observed[s][t],
                    r.expected[s][t],
                    r.ratio[s][t],
                    r.p[s][t]
                )?;
            }
        }
        w.flush()?;
        drop(w);
        file.commit()?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&r)?;
        v["time_resolution"] = serde_json::json!(ev.resolution.as_str());
        v["without_time"] = serde_json::json!(ev.without_time);
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "Near-repeat analysis: {} events (time resolution {}), {} permutations",
        r.n, ev.resolution, r.permutations
    )?;
    let table = |out: &mut dyn Write,
                 title: &str,
                 cell: &dyn Fn(usize, usize) -> String|
     -> std::io::Result<()> {
        writeln!(out, "\n{title} (rows: metres, columns: days)")?;
        write!(out, "{:>12}", "")?;
        for t in &r.time_labels {
            write!(out, " {t:>10}")?;
        }
        writeln!(out)?;
        for (s, sl) in r.space_labels.iter().enumerate() {
            write!(out, "{sl:>12}")?;
            for t in 0..r.time_labels.len() {
                write!(out, " {:>10}", cell(s, t))?;
            }
            writeln!(out)?;
        }
        Ok(())
    };
    table(&mut out, "Observed pairs", &|s, t| {
        r.observed[s][t].to_string()
    })?;
    table(&mut out, "Observed / expected", &|s, t| {
        let mark = if r.p[s][t] <= 0.01 {
            "**"
        } else if r.p[s][t] <= 0.05 {
            "*"
        } else {
            ""
        };
        format!("{:.2}{mark}", r.ratio[s][t])
    })?;
    table(&mut out, "Monte-Carlo p", &|s, t| {
        format!("{:.3}", r.p[s][t])
    })?;
    writeln!(
        out,
        "\n* p <= 0.05, ** p <= 0.01 (one-sided, excess of pairs)"
    )?;
    Ok(())
}
