//! `hotspot patrol`: k patrol zones by harm-weighted maximal coverage, when to patrol them and a route.
//!
//! Writes to `--out DIR`: `patrol_zones.csv` and `patrol_zones.geojson` (one circle, or one union of grid
//! cells with `--zone-shape cells`, per zone),
//! `patrol_when.csv` (zone × weekday × hour counts), `patrol_plan.csv` (Koper visit plan) and, with a start
//! point, `patrol_route.geojson` (closed route through the zone centres).

use crate::cmd::schools::{jnum, num, problem_areas, read_config, study_area_or_box};
use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use chrono::NaiveDate;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::patrol::{
    Candidate, CandidateSource, CandidateSources, CellZoneParams, CellZones, CoverProblem,
    PatrolParams, candidate_set, plan_route, smallest_windows, visit_plan, week_table, zone_stats,
};
use hotspot::schools::{School, ZoneParams};
use serde_json::{Map, json};
use std::path::PathBuf;

/// Shape of a patrol zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ZoneShape {
    /// A circle of --radius around the centre.
    Circle,
    /// A connected cluster of --zone-cells grid cells of --cell-m, grown from a seed cell.
    Cells,
}

/// Flags of `hotspot patrol`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
    /// Number of patrol zones.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub zones: usize,
    /// Radius of each patrol zone, metres.
    #[arg(long, value_name = "M", default_value_t = 250.0)]
    pub radius: f64,
    /// Largest share of a zone's area another zone may overlap (0 = disjoint, 1 = no limit).
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    pub max_overlap: f64,
    /// Problem areas to cover, comma-separated ids (violence, youth, vandalism, traffic, fraud, other);
    /// default all.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// First day of the period (YYYY-MM-DD, inclusive); incidents without a date are then left out.
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day of the period (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Schools (GeoJSON with `name`): nearest school per zone, school locations as candidate centres.
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// Force a zone on the school ranked first by harm-weighted excess (needs --schools).
    #[arg(long)]
    pub force_top_school: bool,
    /// Radius of the school zones used to rank schools for --force-top-school, metres.
    #[arg(long, value_name = "M", default_value_t = 300.0)]
    pub school_radius: f64,
    /// Extra candidate centres (GeoJSON points in lon/lat), always added (source `file`).
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Where candidate zone centres come from, comma-separated: peaks (local maxima of a quartic kernel
    /// density of the harm, bandwidth = --radius, cells of radius/5, above 5% of the maximum), clusters
    /// (centroids of DBSCAN clusters, eps = radius/2, min 5 incidents), grid (points every radius/2),
    /// incidents (every incident location), schools (needs --schools). Default:
    /// peaks,clusters,grid, plus schools when --schools is given.
    #[arg(long, value_name = "LIST")]
    pub candidate_sources: Option<String>,
    /// Zone shape: circle (radius --radius) or cells (a connected set of --zone-cells grid cells of
    /// --cell-m metres, grown greedily by cell harm from a seed cell within a square block; seeds are the
    /// cells of the candidate centres, and with the grid source every cell holding harm).
    #[arg(long, value_enum, default_value_t = ZoneShape::Circle)]
    pub zone_shape: ZoneShape,
    /// Cell side for --zone-shape cells, metres (default: radius/2).
    #[arg(long, value_name = "M")]
    pub cell_m: Option<f64>,
    /// Number of cells in a zone for --zone-shape cells (1-100; default: the circle's area in cells,
    /// round(pi radius^2 / cell^2), 13 with the default cell).
    #[arg(long, value_name = "N")]
    pub zone_cells: Option<usize>,
    /// Share of a zone's incidents (with an hour) the 2-hour patrol windows must hold.
    #[arg(long, value_name = "SHARE", default_value_t = 0.6)]
    pub window_share: f64,
    /// Days in the visit plan.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub plan_days: u32,
    /// Seed of the visit plan (same seed, same plan).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Start and end of the route as LON,LAT (e.g. the police station); overrides `[patrol] start` in --config.
    #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
    pub start: Option<String>,
    /// Also solve exactly (branch and bound, small cases) and report the greedy's gap.
    #[arg(long)]
    pub exact: bool,
    /// Category table (TOML); default: the built-in Swedish/English table.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Configuration (TOML) with `[patrol] start = [lon, lat]`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Work budget of `--exact` (incident look-ups; about 1e8 per second in a release build).
const EXACT_WORK: u64 = 50_000_000;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn parse_lonlat(text: &str) -> anyhow::Result<[f64; 2]> {
    let v: Vec<Option<f64>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
    match v[..] {
        [Some(lon), Some(lat)] if lon.abs() <= 180.0 && lat.abs() <= 90.0 => Ok([lon, lat]),
        _ => Err(hotspot::Error::invalid(
            "start",
            text,
            "give LON,LAT in degrees, e.g. --start 15.87,59.04",
        )
        .into()),
    }
}

/// Runs `hotspot patrol`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let params = PatrolParams::new(args.zones, args.radius, args.max_overlap)?;
    let sources = match &args.candidate_sources {
        Some(text) => CandidateSources::parse(text)?,
        None => CandidateSources {
            schools: args.schools.is_some(),
            ..CandidateSources::default()
        },
    };
    if sources.schools && args.schools.is_none() {
        return Err(hotspot::Error::invalid(
            "candidate_sources",
            "schools",
            "the schools source needs --schools FILE",
        )
        .into());
    }
    let cell_params = match args.zone_shape {
        ZoneShape::Circle => {
            if args.cell_m.is_some() || args.zone_cells.is_some() {
                return Err(hotspot::Error::invalid(
                    "zone_shape",
                    "circle",
                    "--cell-m and --zone-cells apply to --zone-shape cells",
                )
                .into());
            }
            None
        }
        ZoneShape::Cells => {
            let cell = args.cell_m.unwrap_or(args.radius / 2.0);
            let m = match args.zone_cells {
                Some(m) => m,
                None => (std::f64::consts::PI * args.radius * args.radius / (cell * cell))
                    .round()
                    .clamp(1.0, 100.0) as usize,
            };
            Some(CellZoneParams::new(cell, m)?)
        }
    };
    if !(args.window_share > 0.0 && args.window_share <= 1.0) {
        return Err(hotspot::Error::invalid(
            "window_share",
            args.window_share,
            "share of incidents between 0 (exclusive) and 1",
        )
        .into());
    }
    if args.plan_days > 366 {
        return Err(
            hotspot::Error::invalid("plan_days", args.plan_days, "at most 366 days").into(),
        );
    }
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f > t
    {
        return Err(hotspot::Error::invalid(
            "from",
            f,
            format!("the period starts after it ends (--to {t})"),
        )
        .into());
    }
    if args.force_top_school && args.schools.is_none() {
        anyhow::bail!("--force-top-school needs --schools FILE");
    }
    let cfg = read_config(args.config.as_deref())?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let start_lonlat = match &args.start {
        Some(text) => Some(parse_lonlat(text)?),
        None => cfg.patrol.as_ref().and_then(|p| p.start),
    };
    let start = match start_lonlat {
        Some([lon, lat]) => Some(data.projector.to_metres(lon, lat)?),
        None => None,
    };
    let schools: Vec<School> = match &args.schools {
        Some(p) => hotspot::schools::read_schools(p, &data.projector)?,
        None => Vec::new(),
    };
    let areas_all = problem_areas(ctx, &data.incidents, args.categories.as_deref())?;
    // Selection: problem areas and period.
    let mut wanted = vec![true; areas_all.names().len()];
    if !args.areas.is_empty() {
        wanted = vec![false; areas_all.names().len()];
        for a in &args.areas {
            let k = areas_all
                .names()
                .iter()
                .position(|n| n == a.trim())
                .ok_or_else(|| {
                    hotspot::Error::invalid(
                        "areas",
                        a,
                        format!("unknown problem area; use {}", areas_all.names().join(", ")),
                    )
                })?;
            wanted[k] = true;
        }
    }
    let mut no_date = 0usize;
    let times = data.incidents.times();
    let idx: Vec<usize> = (0..data.incidents.len())
        .filter(|&i| wanted[areas_all.area_of()[i]])
        .filter(|&i| {
            if args.from.is_none() && args.to.is_none() {
                return true;
            }
            match times[i].as_ref().and_then(|t| t.date()) {
                Some(d) => args.from.is_none_or(|f| d >= f) && args.to.is_none_or(|t| d <= t),
                None => {
                    no_date += 1;
                    false
                }
            }
        })
        .collect();
    if no_date > 0 {
        ctx.note(format!(
            "note: {no_date} incidents without a date left out of the period --from/--to"
        ));
    }
    let inc = data.incidents.subset(&idx);
    let areas = areas_all.subset(&idx);
    if inc.is_empty() {
        anyhow::bail!(hotspot::Error::InsufficientData(
            "no incidents in the chosen problem areas and period".into()
        ));
    }
    let school_locs: Vec<[f64; 2]> = schools.iter().map(|s| s.location()).collect();
    let study = study_area_or_box(
        ctx,
        data.study_area.clone(),
        &inc,
        &school_locs,
        args.radius,
    )?;

    // Candidates: the forced top school first, file points, schools, then peaks, clusters, incident
    // locations, grid (see hotspot::patrol::candidates).
    let mut given: Vec<Candidate> = Vec::new();
    let tag = |pos: [f64; 2], source: CandidateSource| Candidate { pos, source };
    let mut forced_school: Option<usize> = None;
    if args.force_top_school {
        let zp = ZoneParams::new(args.school_radius, vec![0.0, args.school_radius], 0.95)?;
        let rep = hotspot::schools::analyse(&inc, &areas, &schools, &study, &zp)?;
        if let Some(r) = rep
            .rows
            .iter()
            .find(|r| r.problem_area.is_none() && r.rank == 1)
        {
            forced_school = Some(r.school);
            given.push(tag(schools[r.school].location(), CandidateSource::Forced));
        }
    }
    if let Some(p) = &args.candidates {
        let pts = hotspot::patrol::read_points(p, &data.projector)?;
        given.extend(pts.into_iter().map(|q| tag(q, CandidateSource::File)));
    }
    if sources.schools {
        given.extend(school_locs.iter().map(|&q| tag(q, CandidateSource::School)));
    }
    let pb = ctx.spinner("choosing patrol zones");
    let harm = areas.harm();
    let (problem, sources_of): (CoverProblem, Vec<CandidateSource>) = match &cell_params {
        None => {
            let cands = candidate_set(&inc, harm, args.radius, &sources, &given)?;
            let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
            (
                CoverProblem::new(inc.x(), inc.y(), harm, &centres, &params)?,
                cands.iter().map(|c| c.source).collect(),
            )
        }
        Some(cp) => {
            // Seeds: the given points, peaks, clusters (and incidents) by position; the grid source
            // seeds every cell holding harm (done by CellZones::build).
            let no_grid = CandidateSources {
                grid: false,
                ..sources
            };
            let seeds = candidate_set(&inc, harm, args.radius, &no_grid, &given)?;
            let zones = CellZones::build(inc.x(), inc.y(), harm, cp, &seeds, sources.grid)?;
            let src = zones.zones.iter().map(|z| z.source).collect();
            (
                CoverProblem::from_cells(inc.x(), inc.y(), harm, zones, args.max_overlap)?,
                src,
            )
        }
    };
    if forced_school.is_some() && sources_of.first() != Some(&CandidateSource::Forced) {
        anyhow::bail!(
            "the top school lies outside the cell grid of the zones; use --zone-shape circle or drop --force-top-school"
        );
    }
    let forced: Vec<usize> = if forced_school.is_some() {
        vec![0]
    } else {
        vec![]
    };
    let sel = problem.greedy(params.k(), &forced)?;
    let exact = if args.exact {
        Some(problem.exact(params.k(), &forced, EXACT_WORK)?)
    } else {
        None
    };
    pb.finish_and_clear();
    let stats = zone_stats(
        inc.x(),
        inc.y(),
        areas.harm(),
        &problem,
        &sel,
        args.radius,
        &study,
    );

    // When.
    let mut tables = Vec::new();
    let mut windows = Vec::new();
    for z in &stats {
        let (t, no_hour) = week_table(inc.times(), &z.members);
        let mut by_hour = [0u64; 24];
        for day in &t {
            for (h, c) in day.iter().enumerate() {
                by_hour[h] += c;
            }
        }
        windows.push(smallest_windows(&by_hour, no_hour, args.window_share));
        tables.push(t);
    }
    let plan = visit_plan(&windows, args.plan_days, args.seed);
    let route = start.map(|s| plan_route(s, &stats.iter().map(|z| z.centre).collect::<Vec<_>>()));

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);

    // Zones table and layer.
    let mut w = csv::Writer::from_path(out("patrol_zones.csv"))?;
    w.write_record([
        "rank",
        "lon",
        "lat",
        "radius_m",
        "incidents",
        "harm",
        "share_incidents",
        "share_area",
        "pai",
        "windows",
        "window_share",
        "incidents_without_hour",
        "marginal_harm",
        "categories",
        "nearest_school",
        "school_distance_m",
        "source",
        "shape",
        "cells",
        "cell_m",
        "area_m2",
    ])?;
    let mut feats = Vec::new();
    let (shape, radius, cell_m) = match &cell_params {
        None => ("circle", Some(args.radius), None),
        Some(cp) => ("cells", None, Some(cp.cell_m())),
    };
    for (k, z) in stats.iter().enumerate() {
        let [lon, lat] = data.projector.to_lonlat(z.centre[0], z.centre[1])?;
        let mut cat = vec![0usize; areas.names().len()];
        for &i in &z.members {
            cat[areas.area_of()[i]] += 1;
        }
        let mut cat_list: Vec<(usize, &String)> = cat
            .iter()
            .zip(areas.names())
            .filter(|(n, _)| **n > 0)
            .map(|(n, a)| (*n, a))
            .collect();
        cat_list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let categories = cat_list
            .iter()
            .map(|(n, a)| format!("{a}:{n}"))
            .collect::<Vec<_>>()
            .join(";");
        let nearest = schools
            .iter()
            .map(|s| (s.distance_to(z.centre[0], z.centre[1]), &s.name))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let source = sources_of[sel.chosen[k]].as_str();
        let wl = windows[k].label();
        w.write_record([
            z.rank.to_string(),
            num(lon, 6),
            num(lat, 6),
            radius.map(|r| num(r, 0)).unwrap_or_default(),
            z.members.len().to_string(),
            num(z.harm, 2),
            num(z.share_incidents, 4),
            num(z.share_area, 5),
            num(z.pai, 2),
            wl.clone(),
            num(windows[k].share(), 3),
            windows[k].without_hour.to_string(),
            num(z.marginal_harm, 2),
            categories.clone(),
            nearest.map(|n| n.1.clone()).unwrap_or_default(),
            nearest.map(|n| num(n.0, 0)).unwrap_or_default(),
            source.to_string(),
            shape.to_string(),
            z.cells.to_string(),
            cell_m.map(|c| num(c, 1)).unwrap_or_default(),
            num(z.area_m2, 0),
        ])?;
        let mut props = Map::new();
        props.insert("rank".into(), json!(z.rank));
        props.insert("lon".into(), jnum(lon, 6));
        props.insert("lat".into(), jnum(lat, 6));
        props.insert("radius_m".into(), json!(radius));
        props.insert("incidents".into(), json!(z.members.len()));
        props.insert("harm".into(), jnum(z.harm, 2));
        props.insert("share_incidents".into(), jnum(z.share_incidents, 4));
        props.insert("share_area".into(), jnum(z.share_area, 5));
        props.insert("pai".into(), jnum(z.pai, 2));
        props.insert("windows".into(), json!(wl));
        props.insert("window_share".into(), jnum(windows[k].share(), 3));
        props.insert(
            "incidents_without_hour".into(),
            json!(windows[k].without_hour),
        );
        props.insert("marginal_harm".into(), jnum(z.marginal_harm, 2));
        props.insert("categories".into(), json!(categories));
        props.insert("nearest_school".into(), json!(nearest.map(|n| n.1.clone())));
        props.insert(
            "school_distance_m".into(),
            json!(nearest.map(|n| n.0.round())),
        );
        props.insert("source".into(), json!(source));
        props.insert("shape".into(), json!(shape));
        props.insert("cells".into(), json!(z.cells));
        props.insert("cell_m".into(), json!(cell_m));
        props.insert("area_m2".into(), jnum(z.area_m2, 0));
        let geometry = match z.geometry.0.as_slice() {
            [one] => geo::Geometry::Polygon(one.clone()),
            _ => geo::Geometry::MultiPolygon(z.geometry.clone()),
        };
        feats.push(OutFeature {
            geometry,
            properties: props,
        });
    }
    w.flush()?;
    write_geojson(&out("patrol_zones.geojson"), &feats, &data.projector)?;

    let mut w = csv::Writer::from_path(out("patrol_when.csv"))?;
    w.write_record(["rank", "weekday", "hour", "incidents"])?;
    for (k, t) in tables.iter().enumerate() {
        for (d, day) in t.iter().enumerate() {
            for (h, c) in day.iter().enumerate() {
                w.write_record([
                    (k + 1).to_string(),
                    WEEKDAYS[d].to_string(),
                    h.to_string(),
                    c.to_string(),
                ])?;
            }
        }
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(out("patrol_plan.csv"))?;
    w.write_record(["day", "start", "end", "minutes", "zone"])?;
    let hhmm = |m: u32| {
        let m = m % 1440;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    for v in &plan {
        w.write_record([
            (v.day + 1).to_string(),
            hhmm(v.start_min),
            hhmm(v.start_min + v.minutes),
            v.minutes.to_string(),
            (v.zone + 1).to_string(),
        ])?;
    }
    w.flush()?;

    if let (Some(r), Some(s)) = (&route, start) {
        let mut line = vec![geo::coord! { x: s[0], y: s[1] }];
        for &i in &r.order {
            line.push(geo::coord! { x: stats[i].centre[0], y: stats[i].centre[1] });
        }
        line.push(geo::coord! { x: s[0], y: s[1] });
        let mut props = Map::new();
        props.insert("length_km".into(), jnum(r.length_m / 1000.0, 3));
        props.insert(
            "nearest_neighbour_km".into(),
            jnum(r.nearest_neighbour_m / 1000.0, 3),
        );
        props.insert(
            "order".into(),
            json!(r.order.iter().map(|&i| stats[i].rank).collect::<Vec<_>>()),
        );
        write_geojson(
            &out("patrol_route.geojson"),
            &[OutFeature {
                geometry: geo::Geometry::LineString(geo::LineString::new(line)),
                properties: props,
            }],
            &data.projector,
        )?;
    }

    if !ctx.quiet {
        let total = inc.len();
        let total_harm: f64 = areas.harm().iter().sum();
        println!(
            "Patrol zones: {} of {} requested, {}, max overlap {:.0}% ({} incidents analysed{}{})",
            stats.len(),
            args.zones,
            match &cell_params {
                None => format!("circles of radius {} m", args.radius),
                Some(cp) => format!(
                    "connected clusters of {} cells of {} m",
                    cp.max_cells(),
                    cp.cell_m()
                ),
            },
            100.0 * args.max_overlap,
            total,
            if args.areas.is_empty() {
                String::new()
            } else {
                format!(", areas {}", args.areas.join(","))
            },
            match (args.from, args.to) {
                (None, None) => String::new(),
                (f, t) => format!(
                    ", {} to {}",
                    f.map_or("start".into(), |d| d.to_string()),
                    t.map_or("end".into(), |d| d.to_string())
                ),
            }
        );
        let mut per_source: Vec<(CandidateSource, usize)> = Vec::new();
        for s in &sources_of {
            match per_source.iter_mut().find(|(k, _)| k == s) {
                Some(e) => e.1 += 1,
                None => per_source.push((*s, 1)),
            }
        }
        println!(
            "Candidate {}: {} ({}; sources {}{})",
            if cell_params.is_some() {
                "zones (one per seed cell)"
            } else {
                "centres"
            },
            sources_of.len(),
            per_source
                .iter()
                .map(|(s, n)| format!("{} {n}", s.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            sources.label(),
            if args.candidates.is_some() {
                ", plus the --candidates file"
            } else {
                ""
            }
        );
        println!(
            "Covered (each incident once): {} incidents ({:.0}%), harm {:.1} of {:.1} ({:.0}%), on {:.2}% of the study area",
            sel.covered_count,
            100.0 * sel.covered_count as f64 / total as f64,
            sel.covered_weight,
            total_harm,
            100.0 * sel.covered_weight / total_harm,
            100.0 * stats.iter().map(|z| z.share_area).sum::<f64>()
        );
        println!(
            "Greedy with lazy evaluation; without an overlap limit it is guaranteed within 1-1/e (63%) of the optimum{}",
            if args.max_overlap < 1.0 {
                " (with the limit the guarantee is not proven; use --exact on small cases)"
            } else {
                ""
            }
        );
        if let Some(e) = &exact {
            match e {
                Some(e) => println!(
                    "Exact optimum (branch and bound): harm {:.1}; greedy reaches {:.1}% of it",
                    e.covered_weight,
                    100.0 * sel.covered_weight / e.covered_weight
                ),
                None => println!(
                    "Exact optimum: not proven within the work budget ({EXACT_WORK} incident look-ups); try fewer incidents (--areas, --from/--to) or fewer zones"
                ),
            }
        }
        println!(
            "\n{:>4} {:>10} {:>10} {:>9} {:>8} {:>7} {:>6}  {:<8} {:<22} {:<28} nearest school",
            "rank",
            "lon",
            "lat",
            "incidents",
            "harm",
            "share",
            "PAI",
            "source",
            "windows",
            "categories"
        );
        for (k, z) in stats.iter().enumerate() {
            let [lon, lat] = data.projector.to_lonlat(z.centre[0], z.centre[1])?;
            let nearest = schools
                .iter()
                .map(|s| (s.distance_to(z.centre[0], z.centre[1]), &s.name))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(d, n)| format!("{n} ({d:.0} m)"))
                .unwrap_or_else(|| "-".into());
            let mut cat = vec![0usize; areas.names().len()];
            for &i in &z.members {
                cat[areas.area_of()[i]] += 1;
            }
            let mut cl: Vec<(usize, &String)> = cat
                .iter()
                .copied()
                .zip(areas.names())
                .filter(|c| c.0 > 0)
                .collect();
            cl.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            let cats = cl
                .iter()
                .take(3)
                .map(|(n, a)| format!("{a}:{n}"))
                .collect::<Vec<_>>()
                .join(" ");
            let wl = if windows[k].starts.is_empty() {
                "(no hours)".to_string()
            } else {
                format!(
                    "{} ({:.0}%)",
                    windows[k].label(),
                    100.0 * windows[k].share()
                )
            };
            println!(
                "{:>4} {:>10.5} {:>10.5} {:>9} {:>8.1} {:>6.1}% {:>6.1}  {:<8} {:<22} {:<28} {}",
                z.rank,
                lon,
                lat,
                z.members.len(),
                z.harm,
                100.0 * z.share_incidents,
                z.pai,
                sources_of[sel.chosen[k]].as_str(),
                wl,
                cats,
                nearest
            );
        }
        match &route {
            Some(r) => println!(
                "\nRoute from the start point: zones {} and back, {:.2} km (nearest neighbour {:.2} km, then 2-opt)",
                r.order
                    .iter()
                    .map(|&i| stats[i].rank.to_string())
                    .collect::<Vec<_>>()
                    .join(" → "),
                r.length_m / 1000.0,
                r.nearest_neighbour_m / 1000.0
            ),
            None => println!("\nNo route: give --start LON,LAT or `[patrol] start` in --config"),
        }
        println!(
            "Visit plan: {} visits of 10-15 min over {} days (patrol_plan.csv, seed {})",
            plan.len(),
            args.plan_days,
            args.seed
        );
        println!(
            "Written to {}: patrol_zones.csv, patrol_zones.geojson, patrol_when.csv, patrol_plan.csv{}",
            args.out.display(),
            if route.is_some() {
                ", patrol_route.geojson"
            } else {
                ""
            }
        );
    }
    Ok(())
}
