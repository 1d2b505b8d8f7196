//! `hotspot repeats`: repeat locations (places with two or more incidents) and the repeat curve.
//!
//! `--csv OUT` lists the locations with at least `--min` incidents (`lon,lat,incidents,first,last,
//! categories,median_days_between`, most incidents first); `OUT.json` beside it holds the totals (share
//! of all incidents at repeat locations) and the repeat curve against the area's base rate (Farrell &
//! Pease 1993; Polvi et al. 1991). `--public --min-count N` never lists a location with fewer than N
//! incidents.

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::stats::repeats::{RepeatOptions, repeats};
use std::path::{Path, PathBuf};

/// Flags of `hotspot repeats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Write the repeat locations here (CSV); totals and the repeat curve go to the same name with `.json`.
    #[arg(long, value_name = "OUT")]
    pub csv: PathBuf,
    /// Positions within this many metres are one location (0 = identical coordinates as read). Groups
    /// form around the busiest position first; every member lies within M of its centre.
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    pub tolerance: f64,
    /// List locations with at least N incidents (at least 2).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min: usize,
    /// Public mode: never list a location with fewer than --min-count incidents (totals are kept).
    #[arg(long)]
    pub public: bool,
    /// The smallest count shown in public mode.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub min_count: usize,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

fn not_input(out: &Path, input: &Path) -> anyhow::Result<()> {
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(out), std::fs::canonicalize(input))
        && a == b
    {
        anyhow::bail!(
            "{} is the input file: choose another output name",
            out.display()
        );
    }
    Ok(())
}

/// Runs `hotspot repeats`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[("--csv", Some(&args.csv))],
        &[],
    )?;
    let opts = RepeatOptions {
        tolerance_m: args.tolerance,
        min_incidents: args.min,
        public_min_count: args.public.then_some(args.min_count),
    };
    opts.validate()?;
    let json_path = args.csv.with_extension("json");
    not_input(&args.csv, &args.input)?;
    not_input(&json_path, &args.input)?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let r = repeats(&data.incidents, &data.projector, &opts)?;
    hotspot::output::write_atomic(&args.csv, r.to_csv())
        .with_context(|| format!("writing {}", args.csv.display()))?;
    hotspot::output::write_atomic(&json_path, serde_json::to_string_pretty(&r)? + "\n")
        .with_context(|| format!("writing {}", json_path.display()))?;
    ctx.note(format!(
        "{} of {} incidents ({:.1} %) are at {} repeat locations (2+ incidents, tolerance {} m); {} listed{}",
        r.incidents_at_repeat_locations,
        r.total_incidents,
        100.0 * r.share_at_repeat_locations,
        r.repeat_locations,
        r.tolerance_m,
        r.listed.len(),
        if r.not_listed > 0 {
            format!(
                ", {} with fewer than {} incidents not listed (public mode)",
                r.not_listed, args.min_count
            )
        } else {
            String::new()
        }
    ));
    for c in &r.curve {
        ctx.note(format!(
            "  next incident at the same place within {:>2} days: {:.1} % of {} (area base rate {:.1} %, same places with random times {:.1} %)",
            c.days,
            100.0 * c.probability,
            c.at_risk,
            100.0 * c.base_rate,
            100.0 * c.expected_random_times
        ));
    }
    ctx.note(format!(
        "wrote {} and {}",
        args.csv.display(),
        json_path.display()
    ));
    Ok(())
}
