//! `hotspot sample`: write the synthetic Vingåker-like scene (incidents, schools, places, planted hotspots, boundary) to a folder.

use crate::common::Context;
use anyhow::Context as _;
use hotspot::sample::{Scene, VINGAKER_BOUNDARY_GEOJSON};
use std::path::PathBuf;

/// The long help of `hotspot sample` (`--help`).
pub const LONG_ABOUT: &str = "Write a synthetic, seeded Vingåker-like scene for trying out and benchmarking hotspot.\n\n\
All incidents and places are invented (place names end in \"(fiktiv)\"); only the municipality boundary is real. \
Incidents cover 2025-01-01..2026-12-31 in the five problem areas of the Vingåker citizen promise plus a background, \
with daily and weekly rhythms, as raw Swedish police categories.\n\n\
Files written to --out (existing files are overwritten):\n  \
incidents.csv     id,datetime,latitude,longitude,category,senast (RFC 3339 local time, WGS84 degrees; \
an incident found afterwards has its earliest time in datetime and its latest in senast, else senast is empty)\n  \
schools.geojson   fictional schools: points with name and level (F-6, 7-9, gymnasium)\n  \
places.geojson    fictional named places (points: squares, stations, schools, homes, villages)\n  \
roads.geojson     synthetic roads (lines with name and class) for the basemap\n  \
water.geojson     synthetic lakes and a stream (polygons, lines) for the basemap\n  \
perceived.geojson synthetic perception pins (safety-walk / map-survey style) for `hotspot perception`\n  \
hotspots.geojson  the planted hotspot centres with sigma_m and expected shares\n  \
boundary.geojson  the real Vingåker municipality boundary (okfse sweden-geojson)\n\n\
The same --seed and --n always give byte-identical files, whatever --threads. \
data/vingaker was made with: hotspot sample --out data/vingaker --n 4000 --seed 2025";

/// Flags of `hotspot sample`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of incidents to generate, from 0 up to 1,000,000,000 (ten million rows: about 6 CPU-seconds, 670 MB).
    #[arg(long, default_value_t = 4000, value_name = "N")]
    pub n: u64,
    /// Seed of the random generator; the same seed and --n give the same files.
    #[arg(long, default_value_t = 2025, value_name = "S")]
    pub seed: u64,
}

/// Runs `hotspot sample`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create output folder {}", args.out.display()))?;
    let scene = Scene::vingaker(args.seed)?;
    let csv = args.out.join("incidents.csv");
    let pb = ctx.spinner(format!("generating {} incidents", args.n));
    let mut file = hotspot::output::AtomicFile::create(&csv)?;
    let writer = std::io::BufWriter::with_capacity(1 << 20, &mut file);
    let n = args.n;
    scene
        .write_csv_with_progress(n, writer, |done| {
            pb.set_message(format!("generating incidents: {done} of {n}"));
        })
        .map_err(|e| match e {
            hotspot::Error::Io { source, .. } => hotspot::Error::io(&csv, source),
            other => other,
        })?;
    file.commit()?;
    pb.finish_and_clear();
    let write = |name: &str, text: &str| -> anyhow::Result<()> {
        let p = args.out.join(name);
        hotspot::output::write_atomic(&p, text)?;
        Ok(())
    };
    write("schools.geojson", &scene.schools_geojson())?;
    write("places.geojson", &scene.places_geojson())?;
    write("roads.geojson", &scene.roads_geojson())?;
    write("water.geojson", &scene.water_geojson())?;
    write("hotspots.geojson", &scene.hotspots_geojson())?;
    write("boundary.geojson", VINGAKER_BOUNDARY_GEOJSON)?;
    write(
        "perceived.geojson",
        &scene.perception_geojson(hotspot::sample::PERCEPTION_SEED),
    )?;
    ctx.note(format!(
        "wrote {} synthetic incidents (seed {}) to {} in {:.2} s, and schools.geojson ({} schools), places.geojson, roads.geojson, water.geojson, hotspots.geojson ({} planted hotspots), boundary.geojson, perceived.geojson",
        args.n,
        args.seed,
        csv.display(),
        start.elapsed().as_secs_f64(),
        scene.schools().count(),
        scene.hotspots().len(),
    ));
    Ok(())
}
