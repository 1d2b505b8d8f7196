//! `hotspot schools`: school-zone evidence per school and problem area, time profiles and distance decay.
//!
//! Writes to `--out DIR`: `school_zones.csv` (one row per school and problem area plus an `all` row per
//! school: the rate ratio against the rest of the study area, then the controlled comparison against
//! comparable places: location quotient with its exact interval, placebo p-value and excess, Holm-adjusted
//! p and flag), `school_zones.geojson` (zone polygons with the `all` row and per-area columns),
//! `schools.geojson` (school locations), `school_time_profile.csv` (time classes from aoristic weights,
//! the out-of-hours share against the same problem area elsewhere), `school_distance_rings.csv` and
//! `school_totals.csv` (municipality totals, each incident once).
//!
//! The comparison area of the controlled comparison and of the out-of-hours baseline is the area at risk
//! (`--water`, `--at-risk`, `--at-risk-from-incidents`, as in `kde` and `gistar`; the report's keys
//! `water`, `at_risk`, `at_risk_from_incidents`), else the study area. The analysis itself is the
//! library's (`hotspot::schools::controlled`, `hotspot::schools::time_classes`), the same calls as the
//! report's.

use crate::common::{
    Context, IngestArgs, jnum, load, num, problem_areas, pval, read_config, study_area_or_box,
};
use anyhow::Context as _;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::schools::{
    ALL, ComparisonArea, ControlParams, ControlledReport, ProblemAreas, School, SchoolCalendar,
    SchoolReport, TimeClass, TimeClasses, ZoneParams, ZoneRow,
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
    /// The area at risk (water, at-risk polygons, incident buffer): the comparison area of the
    /// controlled comparison and of the out-of-hours baseline.
    #[command(flatten)]
    pub area: crate::common::AreaArgs,
    /// Cell size of the area-at-risk grid, metres (the report uses its `cell_m`, 50).
    #[arg(long, value_name = "M", default_value_t = 50.0)]
    pub cell: f64,
    /// Placebo zones drawn at comparable places (incident positions farther than twice the radius from
    /// every school).
    #[arg(long, value_name = "N", default_value_t = ControlParams::default().placebos())]
    pub placebos: usize,
    /// Placebos matched to each school on the busyness of its surroundings (the ring r..2r).
    #[arg(long, value_name = "N", default_value_t = ControlParams::default().matched())]
    pub matched: usize,
    /// Seed of the placebo draws (the report uses its `seed`).
    #[arg(long, value_name = "N", default_value_t = ControlParams::default().seed())]
    pub seed: u64,
    /// Family-wise level of the `higher`/`lower` flag (Holm across schools x problem areas).
    #[arg(long, value_name = "ALPHA", default_value_t = ControlParams::default().alpha())]
    pub alpha: f64,
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
    ctl: &ControlledReport,
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
        "location_quotient",
        "lq_lower",
        "lq_upper",
        "lq_p",
        "ring_incidents",
        "placebo_median",
        "placebo_excess",
        "placebo_p",
        "p_adjusted",
        "flag",
        "controlled_rank",
    ])?;
    for (r, c) in rep.rows.iter().zip(&ctl.rows) {
        let z = rep.zones.iter().find(|z| z.school == r.school);
        let (rr, lo, hi, p, exp) = test_fields(r.test.as_ref());
        let tested = c.problem_area.is_some();
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
            num(c.location_quotient, 3),
            num(c.lq_lower, 3),
            num(c.lq_upper, 3),
            if tested { pval(c.lq_p) } else { String::new() },
            c.ring_incidents.to_string(),
            num(c.placebo_median, 2),
            num(c.placebo_excess, 2),
            pval(c.placebo_p),
            c.p_adjusted.map(pval).unwrap_or_default(),
            c.flag.as_str().to_string(),
            c.controlled_rank.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// A weight for CSV: whole numbers as integers (exact times), else 3 decimals (aoristic shares).
fn weight(v: f64) -> String {
    if v.fract() == 0.0 {
        num(v, 0)
    } else {
        num(v, 3)
    }
}

/// Writes `school_time_profile.csv`: aoristic class weights, incidents with an interval, the
/// out-of-hours share with its interval against the same problem area elsewhere.
fn write_time_profile(
    path: &Path,
    schools: &[School],
    areas: &ProblemAreas,
    times: &TimeClasses,
) -> anyhow::Result<()> {
    let mut w = csv_writer(path)?;
    let mut header = vec!["school", "problem_area"];
    header.extend(TimeClass::ALL.iter().map(|c| c.as_str()));
    header.extend([
        "with_interval",
        "out_of_hours_share",
        "out_of_hours_low",
        "out_of_hours_high",
        "elsewhere_out_of_hours_share",
        "elsewhere_with_hour",
        "p",
    ]);
    w.write_record(&header)?;
    for r in &times.rows {
        let mut rec = vec![
            schools[r.school].name.clone(),
            area_name(areas, r.problem_area).to_string(),
        ];
        rec.extend(r.zone.weights.iter().map(|&v| weight(v)));
        rec.push(r.zone.totals.interval.to_string());
        rec.push(num(r.share, 3));
        rec.push(num(r.share_lower, 3));
        rec.push(num(r.share_upper, 3));
        rec.push(num(r.baseline_share, 3));
        rec.push(r.baseline_known_hour.to_string());
        rec.push(pval(r.p_value));
        w.write_record(&rec)?;
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
            args.area.water.as_deref(),
            args.area.at_risk.as_deref(),
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
    let pad = params.study_pad_m();
    let study = study_area_or_box(ctx, data.study_area.clone(), &data.incidents, &locs, pad)?;
    let control = ControlParams::new(args.placebos, args.matched, args.seed, args.alpha)?;
    let aoristic = hotspot::temporal::AoristicOptions {
        timezone: hotspot::ingest::parse_timezone(&args.ingest.timezone)?,
        max_span_days: args.ingest.max_time_span,
    };
    aoristic.validate()?;
    // The area at risk on a grid of --cell over the study area (as the report builds it).
    let at_risk = if args.area.any() {
        let spec = hotspot::GridSpec::covering(study.bbox(), args.cell, 0.0)?;
        let opts = args.area.options(&data.projector, Some(&study))?;
        let a = hotspot::AreaAtRisk::build(spec, &opts, &data.incidents)?;
        let s = a.summary();
        ctx.note(format!(
            "area at risk: {} ({} of {} cells, {:.2} km2; water {} cells)",
            s.description, s.cells, s.grid_cells, s.area_km2, s.water_cells
        ));
        Some(a)
    } else {
        None
    };
    let mask = |x: f64, y: f64| at_risk.as_ref().is_none_or(|a| a.contains(x, y));
    let comparison = if at_risk.is_some() {
        ComparisonArea::Mask(&mask)
    } else {
        ComparisonArea::StudyArea
    };
    let pb = ctx.spinner("school zones");
    let rep = hotspot::schools::analyse(&data.incidents, &areas, &schools, &study, &params);
    pb.finish_and_clear();
    let rep = rep?;
    let pb = ctx.spinner(format!(
        "{} placebo zones at comparable places",
        control.placebos()
    ));
    let ctl = hotspot::schools::controlled(
        &data.incidents,
        &areas,
        &schools,
        &rep,
        &study,
        args.radius,
        comparison,
        &control,
    );
    pb.finish_and_clear();
    let ctl = ctl?;
    let times = hotspot::schools::time_classes(
        &data.incidents,
        &areas,
        &rep,
        &calendar,
        &study,
        comparison,
        &aoristic,
    )?;

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);
    write_zone_rows(&out("school_zones.csv"), &schools, &areas, &rep, &ctl)?;

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

    write_time_profile(&out("school_time_profile.csv"), &schools, &areas, &times)?;

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
            num(t.share_in_zones(), 3),
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
        print_summary(&schools, &areas, &rep, &ctl, &times, &args);
    }
    Ok(())
}

/// What the comparison area is, in words.
fn comparison_text(label: &str) -> &'static str {
    match label {
        "study-area" => "study area",
        _ => "area at risk",
    }
}

/// A share as a whole percentage (`-` when undefined).
fn pct_of(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0}%", 100.0 * v)
    } else {
        "-".into()
    }
}

/// A weight for the terminal: one decimal unless whole.
fn weight_text(v: f64) -> String {
    if v.fract() == 0.0 {
        num(v, 0)
    } else {
        num(v, 1)
    }
}

fn pct(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.0}%", 100.0 * a / b)
    } else {
        "-".into()
    }
}

fn print_summary(
    schools: &[School],
    areas: &ProblemAreas,
    rep: &SchoolReport,
    ctl: &ControlledReport,
    times: &TimeClasses,
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
    // Against comparable places (the controlled comparison).
    println!(
        "\nAgainst comparable places ({} placebo zones at incident positions away from schools in the {}, {} matched per school on the busyness of its surroundings; Holm across schools x problem areas, alpha {}):",
        ctl.params.placebos(),
        comparison_text(ctl.comparison_area),
        ctl.params.matched(),
        ctl.params.alpha()
    );
    let higher: Vec<String> = ctl
        .rows
        .iter()
        .filter(|r| r.flag == hotspot::schools::Flag::Higher)
        .map(|r| {
            format!(
                "{} ({}: {} incidents, {} over the placebo median, LQ {})",
                schools[r.school].name,
                area_name(areas, r.problem_area),
                r.incidents,
                num(r.placebo_excess, 1),
                num(r.location_quotient, 2)
            )
        })
        .collect();
    if higher.is_empty() {
        println!("  no school has more of a problem area than comparable places");
    } else {
        for h in higher {
            println!("  higher: {h}");
        }
    }
    // When: vandalism (or every problem area when there is none) in each zone, from aoristic weights.
    let vand = areas.names().iter().position(|n| n == "vandalism");
    let label = if vand.is_some() {
        "Vandalism"
    } else {
        "Incidents"
    };
    println!(
        "\n{label} in school zones by time (aoristic weights; {} of {} incidents in the comparison area had a from/to interval, {} no hour):",
        times.totals.interval, times.totals.incidents, times.totals.unknown
    );
    for r in times.rows.iter().filter(|r| r.problem_area == vand) {
        let w = &r.zone.weights;
        println!(
            "  {:<32} school hours {}, evening {}, night {}, weekend {}, holiday {}, unknown {}; out of hours {} [{}, {}] against {} for the same problem area elsewhere in the {} (p {})",
            schools[r.school].name.chars().take(32).collect::<String>(),
            weight_text(w[0]),
            weight_text(w[1]),
            weight_text(w[2]),
            weight_text(w[3]),
            weight_text(w[4]),
            weight_text(w[5]),
            pct_of(r.share),
            pct_of(r.share_lower),
            pct_of(r.share_upper),
            pct_of(r.baseline_share),
            comparison_text(times.comparison_area),
            pshow(r.p_value)
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
