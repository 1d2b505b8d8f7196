//! `hotspot stats`: the global statistical picture of an incident file.
//!
//! Centrography, Clark & Evans nearest neighbour index, global Moran's I of the
//! fishnet counts, the Knox test when incidents have times, and optionally
//! Ripley's L with CSR envelopes. Text by default; `--json` prints one object
//! with the keys `input`, `incidents`, `crs`, `centrography`,
//! `nearest_neighbour`, `moran`, `knox`, `ripley`, `notes`.

use crate::common::{Context, IngestArgs, load};
use hotspot::stats::global::{GlobalParams, global_stats};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

/// Flags of `hotspot stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Cell size in metres for Moran's I on the fishnet counts (default: chosen as by `hotspot gistar`).
    #[arg(long, value_name = "M")]
    pub cell: Option<f64>,
    /// Distance band in metres for Moran's I (default: chosen as by `hotspot gistar`).
    #[arg(long, value_name = "M")]
    pub distance: Option<f64>,
    /// Knox test: pairs within this many metres are close in space.
    #[arg(long, default_value_t = 200.0, value_name = "M")]
    pub knox_distance: f64,
    /// Knox test: pairs within this many days are close in time.
    #[arg(long, default_value_t = 14.0, value_name = "DAYS")]
    pub knox_days: f64,
    /// Permutations for Moran's I and Knox pseudo p-values.
    #[arg(long, default_value_t = 999, value_name = "N")]
    pub permutations: usize,
    /// Also compute Ripley's L with 99 CSR envelopes (slower).
    #[arg(long)]
    pub ripley: bool,
    /// Seed for every random draw.
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot stats`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let params = GlobalParams {
        cell_m: args.cell,
        distance_m: args.distance,
        knox_distance_m: args.knox_distance,
        knox_days: args.knox_days,
        permutations: args.permutations,
        ripley: args.ripley,
        seed: args.seed,
    };
    let pb = ctx.spinner("computing statistics");
    let g = global_stats(inc, data.study_area.as_ref(), &params);
    pb.finish_and_clear();
    let g = g?;
    let centro = serde_json::to_value(&g.centrography)?;
    let nni = serde_json::to_value(&g.nearest_neighbour)?;
    let moran = serde_json::to_value(&g.moran)?;
    let knox = serde_json::to_value(&g.knox)?;
    let ripley_v = match &g.ripley {
        Some(r) => serde_json::to_value(r)?,
        None => Value::Null,
    };
    let notes = g.notes;
    let out = json!({
        "input": args.input.display().to_string(),
        "incidents": inc.len(),
        "crs": inc.crs().name(),
        "centrography": centro,
        "nearest_neighbour": nni,
        "moran": moran,
        "knox": knox,
        "ripley": ripley_v,
        "notes": notes,
    });
    let mut w = std::io::stdout().lock();
    if args.json {
        writeln!(w, "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        text(&mut w, &out)?;
    }
    Ok(())
}

fn num(v: &Value, k: &str) -> String {
    match v.get(k).and_then(Value::as_f64) {
        Some(x) if x.abs() >= 1e4 || (x != 0.0 && x.abs() < 1e-3) => format!("{x:.4e}"),
        Some(x) => format!("{x:.4}"),
        None => "-".into(),
    }
}

fn text(w: &mut impl Write, o: &Value) -> anyhow::Result<()> {
    writeln!(
        w,
        "{}: {} incidents, {}",
        o["input"].as_str().unwrap_or(""),
        o["incidents"],
        o["crs"].as_str().unwrap_or("")
    )?;
    let skip = |v: &Value| {
        v.get("not_computed")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    writeln!(w, "\nCentrography")?;
    let c = &o["centrography"];
    if let Some(s) = skip(c) {
        writeln!(w, "  not computed: {s}")?;
    } else {
        let pt = |k: &str| {
            format!(
                "({:.1}, {:.1})",
                c[k][0].as_f64().unwrap_or(f64::NAN),
                c[k][1].as_f64().unwrap_or(f64::NAN)
            )
        };
        writeln!(w, "  mean centre          {}", pt("mean_centre"))?;
        writeln!(w, "  weighted mean centre {}", pt("weighted_mean_centre"))?;
        writeln!(w, "  median centre        {}", pt("median_centre"))?;
        writeln!(
            w,
            "  standard distance    {} m",
            num(c, "standard_distance_m")
        )?;
        if c["ellipse"].is_object() {
            let e = &c["ellipse"];
            writeln!(
                w,
                "  ellipse              major {} m, minor {} m, major axis {} rad from east",
                num(e, "major"),
                num(e, "minor"),
                num(e, "angle_rad")
            )?;
        }
    }
    writeln!(w, "\nNearest neighbour index (Clark & Evans 1954)")?;
    let n = &o["nearest_neighbour"];
    if let Some(s) = skip(n) {
        writeln!(w, "  not computed: {s}")?;
    } else {
        writeln!(
            w,
            "  R = {}  (observed mean {} m, expected {} m), z = {}, p = {}",
            num(n, "ratio"),
            num(n, "observed_mean_m"),
            num(n, "expected_mean_m"),
            num(n, "z"),
            num(n, "p")
        )?;
        writeln!(
            w,
            "  area {} m2 from the {}",
            num(n, "area_m2"),
            n["area_source"].as_str().unwrap_or("").replace('_', " ")
        )?;
    }
    writeln!(w, "\nGlobal Moran's I of fishnet counts")?;
    let m = &o["moran"];
    if let Some(s) = skip(m) {
        writeln!(w, "  not computed: {s}")?;
    } else {
        writeln!(
            w,
            "  {} cells of {} m, band {} m ({})",
            m["cells"],
            num(m, "cell_m"),
            num(m, "distance_m"),
            m["weights"].as_str().unwrap_or("")
        )?;
        writeln!(
            w,
            "  I = {}, E[I] = {}, z (randomisation) = {}, p = {}, permutation p = {}",
            num(m, "i"),
            num(m, "expected"),
            num(m, "z_rand"),
            num(m, "p_rand"),
            num(m, "p_sim")
        )?;
        if let Some(note) = m["note"].as_str() {
            writeln!(w, "  note: {note}")?;
        }
    }
    writeln!(w, "\nKnox space-time test")?;
    let k = &o["knox"];
    if let Some(s) = skip(k) {
        writeln!(w, "  not computed: {s}")?;
    } else {
        writeln!(
            w,
            "  within {} m and {} days: X = {} pairs, expected {}, ratio {}",
            num(k, "distance_m"),
            num(k, "days"),
            k["statistic"],
            num(k, "expected"),
            num(k, "ratio")
        )?;
        writeln!(
            w,
            "  Poisson p = {}, Monte-Carlo p = {} ({} permutations), time resolution {}",
            num(k, "p_poisson"),
            num(k, "p_sim"),
            k["permutations"],
            k["time_resolution"].as_str().unwrap_or("")
        )?;
    }
    if !o["ripley"].is_null() {
        writeln!(w, "\nRipley's L (border correction, 99 CSR simulations)")?;
        let r = &o["ripley"];
        if let Some(s) = skip(r) {
            writeln!(w, "  not computed: {s}")?;
        } else {
            writeln!(w, "  {:>10} {:>10} {:>10} {:>10}", "r", "L", "lo", "hi")?;
            let arr = |k: &str| r[k].as_array().cloned().unwrap_or_default();
            let (rs, l, lo, hi) = (arr("r"), arr("l"), arr("l_lo"), arr("l_hi"));
            for t in 0..rs.len() {
                let g = |v: &Vec<Value>| v.get(t).and_then(Value::as_f64).unwrap_or(f64::NAN);
                writeln!(
                    w,
                    "  {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
                    g(&rs),
                    g(&l),
                    g(&lo),
                    g(&hi)
                )?;
            }
        }
    }
    if let Some(notes) = o["notes"].as_array()
        && !notes.is_empty()
    {
        writeln!(w, "\nNotes")?;
        for n in notes {
            writeln!(w, "  {}", n.as_str().unwrap_or(""))?;
        }
    }
    Ok(())
}
