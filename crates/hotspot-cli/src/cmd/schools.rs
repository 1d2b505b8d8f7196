//! `hotspot schools`: school-zone evidence per school and problem area, time profiles and distance decay.
//!
//! Writes to `--out DIR`: `school_zones.csv` (one row per school and problem area plus an `all` row per
//! school), `school_zones.geojson` (zone polygons with the `all` row and per-area columns),
//! `schools.geojson` (school locations), `school_time_profile.csv`, `school_distance_rings.csv` and
//! `school_totals.csv` (municipality totals, each incident once).

use crate::common::{
    Context, IngestArgs, jnum, load, num, problem_areas, pval, read_config, study_area_or_box,
};
use anyhow::Context as _;
use hotspot::Incidents;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::schools::{
    ALL, ProblemAreas, School, SchoolCalendar, SchoolReport, TimeClass, ZoneParams, ZoneRow,
};
use hotspot::stats::poisson::RateRatio;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Flags of `hotspot schools`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Schools as GeoJSON points or polygons (lon/lat) with a `name` and optionally a `level` property.
    #[arg(long, value_name = "FILE")]
    pub schools: PathBuf,
    /// Zone radius around each school, metres.
    #[arg(long, value_name = "M", default_value_t = 300.0)]
    pub radius: f64,
    /// Edges of the distance rings from the nearest school, metres, comma-separated, starting at 0.
    #[arg(
        long,
        value_name = "M,M,..",
        default_value = "0,100,200,300,500",
        value_delimiter = ','
    )]
    pub rings: Vec<f64>,
    /// Confidence level of the exact rate-ratio intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub confidence: f64,
    /// Category table (TOML) mapping raw categories to problem areas and harm weights; default: the built-in
    /// Swedish/English table.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Configuration (TOML) with a `[calendar]` table (school hours, holiday date ranges); default: the
    /// approximate Swedish calendar 2025-2026.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// A p-value for the terminal: below 1e-10 as `<1e-10`.
fn pshow(p: f64) -> String {
    if p < 1e-10 { "<1e-10".into() } else { pval(p) }
}

fn test_fields(t: Option<&RateRatio>) -> (f64, f64, f64, f64, f64) {
    match t {
        Some(t) => (t.ratio, t.ci_low, t.ci_high, t.p_value, t.expected_a),
        None => (f64::NAN, f64::NAN, f64::NAN, 1.0, f64::NAN),
    }
}

fn area_name(areas: &ProblemAreas, a: Option<usize>) -> &str {
    a.map_or(ALL, |k| areas.names()[k].as_str())
}

fn csv_writer(path: &Path) -> anyhow::Result<crate::common::SafeCsv> {
    crate::common::SafeCsv::create(path).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `school_zones.csv`.
fn write_zone_rows(
    path: &Path,
    schools: &[School],
    areas: &ProblemAreas,
    rep: &SchoolReport,
) -> anyhow::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record([
        "school",
        "level",
        "problem_area",
        "incidents",
        "harm",
        "zone_area_km2",
        "rate_per_km2",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "p",
        "expected",
        "excess",
        "harm_excess",
        "rank",
    ])?;
    for r in &rep.rows {
        let z = rep.zones.iter().find(|z| z.school == r.school);
        let (rr, lo, hi, p, exp) = test_fields(r.test.as_ref());
        w.write_record([
            schools[r.school].name.clone(),
            schools[r.school].level.clone().unwrap_or_default(),
            area_name(areas, r.problem_area).to_string(),
            r.incidents.to_string(),
            num(r.harm, 2),
            num(z.map_or(f64::NAN, |z| z.area_km2), 4),
            num(r.rate_per_km2, 2),
            num(rr, 3),
            num(lo, 3),
            num(hi, 3),
            pval(p),
            num(exp, 2),
            num(r.excess, 2),
            num(r.harm_excess, 2),
            r.rank.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn row_props(props: &mut Map<String, Value>, prefix: &str, r: &ZoneRow) {
    let (rr, lo, hi, p, _) = test_fields(r.test.as_ref());
    props.insert(format!("{prefix}incidents"), json!(r.incidents));
    props.insert(format!("{prefix}harm"), jnum(r.harm, 2));
    props.insert(format!("{prefix}rate_per_km2"), jnum(r.rate_per_km2, 2));
    props.insert(format!("{prefix}rate_ratio"), jnum(rr, 3));
    props.insert(format!("{prefix}ci_low"), jnum(lo, 3));
    props.insert(format!("{prefix}ci_high"), jnum(hi, 3));
    props.insert(
        format!("{prefix}p"),
        if p.is_finite() { json!(p) } else { Value::Null },
    );
    props.insert(format!("{prefix}excess"), jnum(r.excess, 2));
    props.insert(format!("{prefix}harm_excess"), jnum(r.harm_excess, 2));
    props.insert(format!("{prefix}rank"), json!(r.rank));
}

/// Runs `hotspot schools`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            Some(&args.schools),
            args.ingest.boundary.as_deref(),
            args.categories.as_deref(),
            args.config.as_deref(),
        ],
        &[],
        &[("--out", &args.out)],
    )?;
    let params = ZoneParams::new(args.radius, args.rings.clone(), args.confidence)?;
    let cfg = read_config(args.config.as_deref())?;
    let calendar = match &cfg.calendar {
        Some(c) => SchoolCalendar::from_config(c)?,
        None => SchoolCalendar::swedish_default(),
    };
    let data = load(ctx, &args.ingest, &args.input)?;
    let schools = hotspot::schools::read_schools(&args.schools, &data.projector)?;
    let areas = problem_areas(ctx, &data.incidents, args.categories.as_deref())?;
    let locs: Vec<[f64; 2]> = schools.iter().map(|s| s.location()).collect();
    let pad = params
        .ring_edges_m()
        .last()
        .copied()
        .unwrap_or(500.0)
        .max(args.radius);
    let study = study_area_or_box(ctx, data.study_area.clone(), &data.incidents, &locs, pad)?;
    let pb = ctx.spinner("school zones");
    let rep = hotspot::schools::analyse(&data.incidents, &areas, &schools, &study, &params);
    pb.finish_and_clear();
    let rep = rep?;
    let (profile, hours) = hotspot::schools::time_profile(&data.incidents, &areas, &rep, &calendar);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);
    write_zone_rows(&out("school_zones.csv"), &schools, &areas, &rep)?;

    // Zone polygons.
    let mut feats = Vec::new();
    for z in &rep.zones {
        let s = &schools[z.school];
        let mut props = Map::new();
        props.insert("school".into(), json!(s.name));
        props.insert("level".into(), json!(s.level));
        props.insert("problem_area".into(), json!(ALL));
        props.insert("radius_m".into(), json!(args.radius));
        props.insert("zone_area_km2".into(), jnum(z.area_km2, 4));
        for r in rep.rows.iter().filter(|r| r.school == z.school) {
            match r.problem_area {
                None => row_props(&mut props, "", r),
                Some(k) => row_props(&mut props, &format!("{}_", areas.names()[k]), r),
            }
        }
        feats.push(OutFeature {
            geometry: geo::Geometry::MultiPolygon(z.geometry.clone()),
            properties: props,
        });
    }
    write_geojson(&out("school_zones.geojson"), &feats, &data.projector)?;
    let pts: Vec<OutFeature> = schools
        .iter()
        .map(|s| {
            let mut props = Map::new();
            props.insert("school".into(), json!(s.name));
            props.insert("level".into(), json!(s.level));
            props.insert(
                "in_study_area".into(),
                json!(!rep.outside_study_area.contains(&s.name)),
            );
            let [x, y] = s.location();
            OutFeature {
                geometry: geo::Geometry::Point(geo::Point::new(x, y)),
                properties: props,
            }
        })
        .collect();
    write_geojson(&out("schools.geojson"), &pts, &data.projector)?;

    // Time profile.
    let total_hours: f64 = hours.iter().sum();
    let time_out_share = if total_hours > 0.0 {
        1.0 - hours[TimeClass::SchoolHours.index()] / total_hours
    } else {
        f64::NAN
    };
    let mut w = csv_writer(&out("school_time_profile.csv"))?;
    let mut header = vec!["school", "problem_area"];
    header.extend(TimeClass::ALL.iter().map(|c| c.as_str()));
    header.extend(["out_of_hours_share", "time_out_of_hours_share"]);
    w.write_record(&header)?;
    for r in &profile {
        let mut rec = vec![
            schools[r.school].name.clone(),
            area_name(&areas, r.problem_area).to_string(),
        ];
        rec.extend(r.counts.iter().map(|c| c.to_string()));
        rec.push(num(r.out_of_hours_share(), 3));
        rec.push(num(time_out_share, 3));
        w.write_record(&rec)?;
    }
    w.flush()?;

    // Distance rings.
    let mut w = csv_writer(&out("school_distance_rings.csv"))?;
    w.write_record([
        "from_m",
        "to_m",
        "area_km2",
        "incidents",
        "rate_per_km2",
        "ratio_to_study_area",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "p",
    ])?;
    for r in &rep.rings {
        let (rr, lo, hi, p, _) = test_fields(r.test.as_ref());
        w.write_record([
            num(r.from_m, 0),
            num(r.to_m, 0),
            num(r.area_km2, 4),
            r.incidents.to_string(),
            num(r.rate_per_km2, 2),
            num(r.ratio_to_study_area, 3),
            num(rr, 3),
            num(lo, 3),
            num(hi, 3),
            pval(p),
        ])?;
    }
    w.flush()?;

    // Municipality totals.
    let mut w = csv_writer(&out("school_totals.csv"))?;
    w.write_record([
        "problem_area",
        "incidents_study_area",
        "incidents_in_zones",
        "share_in_zones",
        "harm_in_zones",
        "zones_area_km2",
        "share_area",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "p",
    ])?;
    for t in &rep.totals {
        let (rr, lo, hi, p, _) = test_fields(t.test.as_ref());
        let zone_km2 = t.test.map_or(f64::NAN, |t| t.exposure_a);
        w.write_record([
            area_name(&areas, t.problem_area).to_string(),
            t.incidents_study_area.to_string(),
            t.incidents_in_zones.to_string(),
            num(
                t.incidents_in_zones as f64 / t.incidents_study_area as f64,
                3,
            ),
            num(t.harm_in_zones, 2),
            num(zone_km2, 4),
            num(zone_km2 / rep.study_area_km2, 4),
            num(rr, 3),
            num(lo, 3),
            num(hi, 3),
            pval(p),
        ])?;
    }
    w.flush()?;

    if !ctx.quiet {
        print_summary(
            &schools,
            &data.incidents,
            &areas,
            &rep,
            &calendar,
            time_out_share,
            &args,
        );
    }
    Ok(())
}

fn pct(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.0}%", 100.0 * a / b)
    } else {
        "-".into()
    }
}

#[allow(clippy::too_many_arguments)]
fn print_summary(
    schools: &[School],
    incidents: &Incidents,
    areas: &ProblemAreas,
    rep: &SchoolReport,
    calendar: &SchoolCalendar,
    time_out_share: f64,
    args: &Args,
) {
    println!(
        "School zones: {} schools, radius {} m; study area {:.2} km², {} incidents inside ({} outside ignored)",
        rep.zones.len(),
        args.radius,
        rep.study_area_km2,
        rep.incidents_in_study_area,
        rep.incidents_outside_study_area
    );
    if !rep.outside_study_area.is_empty() {
        println!(
            "  outside the study area (left out): {}",
            rep.outside_study_area.join(", ")
        );
    }
    println!(
        "\n{:>4}  {:<28} {:>9} {:>8} {:>9} {:>22} {:>10} {:>8}",
        "rank",
        "school (all problem areas)",
        "incidents",
        "harm",
        "per km²",
        "rate ratio [CI]",
        "p",
        "excess"
    );
    for r in rep.rows.iter().filter(|r| r.problem_area.is_none()) {
        let (rr, lo, hi, p, _) = test_fields(r.test.as_ref());
        let s = &schools[r.school];
        let name = match &s.level {
            Some(l) => format!("{} ({l})", s.name),
            None => s.name.clone(),
        };
        println!(
            "{:>4}  {:<36} {:>9} {:>8} {:>9} {:>22} {:>10} {:>8}",
            r.rank,
            name.chars().take(36).collect::<String>(),
            r.incidents,
            num(r.harm, 1),
            num(r.rate_per_km2, 1),
            format!("{} [{}, {}]", num(rr, 2), num(lo, 2), num(hi, 2)),
            pshow(p),
            num(r.excess, 1)
        );
    }
    // Per problem area: the school ranked first.
    println!("\nTop school per problem area (harm-weighted excess):");
    for (k, name) in areas.names().iter().enumerate() {
        if let Some(r) = rep
            .rows
            .iter()
            .find(|r| r.problem_area == Some(k) && r.rank == 1 && r.incidents > 0)
        {
            let (rr, _, _, p, _) = test_fields(r.test.as_ref());
            println!(
                "  {:<10} {:<36} {} incidents, rate ratio {}, p {}",
                name,
                schools[r.school].name,
                r.incidents,
                num(rr, 2),
                pshow(p)
            );
        }
    }
    let all = &rep.totals[0];
    let (rr, lo, hi, p, _) = test_fields(all.test.as_ref());
    let zone_km2 = all.test.map_or(f64::NAN, |t| t.exposure_a);
    println!(
        "\nAll zones together (each incident once): {} of {} incidents ({}) on {:.2}% of the area; rate ratio {} [{}, {}], p {}",
        all.incidents_in_zones,
        all.incidents_study_area,
        pct(
            all.incidents_in_zones as f64,
            all.incidents_study_area as f64
        ),
        100.0 * zone_km2 / rep.study_area_km2,
        num(rr, 2),
        num(lo, 2),
        num(hi, 2),
        pshow(p)
    );
    // When: vandalism (or everything when there is no vandalism area) inside any zone.
    let vand = areas.names().iter().position(|n| n == "vandalism");
    let mut counts = [0u64; 6];
    let mut seen = vec![false; incidents.len()];
    for z in &rep.zones {
        for &i in &z.members {
            if !seen[i] && vand.is_none_or(|v| areas.area_of()[i] == v) {
                seen[i] = true;
                counts[calendar.classify(incidents.times()[i].as_ref()).index()] += 1;
            }
        }
    }
    let known: u64 = counts[..5].iter().sum();
    let label = if vand.is_some() {
        "Vandalism"
    } else {
        "Incidents"
    };
    println!(
        "{label} in school zones by time: school hours {}, evening {}, night {}, weekend {}, holiday {}, time unknown {}",
        counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
    );
    if known > 0 {
        println!(
            "  out of school hours: {} of those with an hour (out-of-hours time is {} of all hours in the period)",
            pct((known - counts[0]) as f64, known as f64),
            if time_out_share.is_nan() {
                "-".to_string()
            } else {
                format!("{:.0}%", 100.0 * time_out_share)
            }
        );
    }
    print!("Distance decay (rate / study-area rate):");
    for r in &rep.rings {
        let to = if r.to_m.is_finite() {
            format!("{}", r.to_m)
        } else {
            "+".into()
        };
        print!("  {}-{} m: {}", r.from_m, to, num(r.ratio_to_study_area, 2));
    }
    println!();
    println!(
        "Written to {}: school_zones.csv, school_zones.geojson, schools.geojson, school_time_profile.csv, school_distance_rings.csv, school_totals.csv",
        args.out.display()
    );
}
