//! `hotspot patrol`: k patrol zones by harm-weighted maximal coverage, when to patrol them and a route.
//!
//! Writes to `--out DIR`: `patrol_zones.csv` and `patrol_zones.geojson` (one circle, or one union of grid
//! cells with `--zone-shape cells`, per zone),
//! `patrol_when.csv` (zone × weekday × hour counts), `patrol_plan.csv` (Koper visit plan),
//! `patrol_holdout.json` (the out-of-sample check: zones chosen on all but the last `--holdout` months,
//! their hit rate and PAI in sample and on the held-out months, or why there is no check) and, with a
//! start point, `patrol_route.geojson` (closed route through the zone centres).

use crate::common::{Context, IngestArgs, classification, jnum, load, note_box, num, read_config};
use anyhow::Context as _;
use chrono::NaiveDate;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::patrol::plan::EXACT_WORK;
use hotspot::patrol::{CandidateSources, CellZoneParams, PlanInput, PlanParams, PlanShape};
use hotspot::schools::School;
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
    /// Named places (GeoJSON points with `name`, docs/basemap.md): adds a `place` column and
    /// property naming each zone after the nearest place within 150 m, else the nearest named
    /// road (`--roads`), else "nära PLACE (N m)".
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Roads (GeoJSON lines with `name`) to name zones by when no place is within 150 m.
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
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
    /// Weigh every incident, also fraud and online/phone offences (default: only patrollable
    /// categories draw zones; the others stay in the counts).
    #[arg(long)]
    pub include_all: bool,
    /// Out-of-sample check: choose the zones on all but the last N months, score their hit rate and
    /// PAI on those months, then choose the recommended zones again on every month (0 = no check;
    /// default a quarter of the span, at least 1 month).
    #[arg(long, value_name = "N")]
    pub holdout: Option<u32>,
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

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Weekday names in week order, space-separated.
fn day_names(days: &[usize]) -> String {
    hotspot::situation::names::week_order(days)
        .iter()
        .filter_map(|d| WEEKDAYS.get(*d))
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The patrol days of a zone: the days the weekday test names, or `every day`.
fn days_label(days: &[usize]) -> String {
    if days.is_empty() {
        "every day".into()
    } else {
        day_names(days)
    }
}

/// `patrol_holdout.json`: the out-of-sample check of the plan (see `hotspot::patrol::holdout`).
fn write_holdout(
    path: &std::path::Path,
    plan: &hotspot::patrol::PatrolPlan,
    projector: &hotspot::crs::Projector,
) -> anyhow::Result<()> {
    use hotspot::patrol::HoldoutOutcome;
    let fin = |v: f64| v.is_finite().then_some(v);
    let part = |s: &hotspot::patrol::holdout::PartScore| {
        json!({
            "incidents": s.incidents,
            "in_zones": s.in_zones,
            "hit_rate": fin(s.hit_rate),
            "harm_share": fin(s.harm_share),
            "pai": fin(s.pai),
        })
    };
    let v = match &plan.holdout {
        HoldoutOutcome::Off => json!({"status": "off"}),
        HoldoutOutcome::NotScored { reason } => json!({
            "status": "not_scored",
            "reason": reason,
        }),
        HoldoutOutcome::Scored(h) => {
            let mut zones = Vec::new();
            for z in &h.training_zones {
                let [lon, lat] = projector.to_lonlat(z.centre[0], z.centre[1])?;
                zones.push(json!({
                    "rank": z.rank,
                    "lon": jnum(lon, 6),
                    "lat": jnum(lat, 6),
                    "in_sample": part(&z.in_sample),
                    "held_out": part(&z.held_out),
                }));
            }
            json!({
                "status": "scored",
                "method": "zones chosen on the training months by the same pipeline, scored on the training (in sample) and held-out months: hit rate = share of the part's incidents inside a zone, PAI = hit rate / share of the study area in the zones (Chainey, Tompson & Uhlig 2008)",
                "scored": h.scored,
                "span": {
                    "first_month": h.split.first_month.to_string(),
                    "holdout_from": h.split.holdout_from.to_string(),
                    "last_month": h.split.last_month.to_string(),
                    "span_months": h.split.span_months,
                    "holdout_months": h.split.holdout_months,
                    "holdout_is_default": h.split.holdout_is_default,
                    "undated": h.split.undated,
                },
                "area_share": h.score.area_share,
                "in_sample": part(&h.score.in_sample),
                "held_out": part(&h.score.held_out),
                "training_zones": zones,
                "refitted": h.refitted,
                "note": "the recommended zones (patrol_zones.csv) were chosen again on every month; holdout_hit_rate there is that of the training zone at the same place",
                "refit_match": h.refit_match.iter().map(|m| m.map(|k| h.training_zones[k].rank)).collect::<Vec<_>>(),
            })
        }
    };
    let text = serde_json::to_string_pretty(&v)? + "\n";
    hotspot::output::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

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
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            args.ingest.boundary.as_deref(),
            args.schools.as_deref(),
            args.candidates.as_deref(),
            args.categories.as_deref(),
            args.config.as_deref(),
        ],
        &[],
        &[("--out", &args.out)],
    )?;
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
        ZoneShape::Cells => Some(CellZoneParams::for_circle(
            args.radius,
            args.cell_m,
            args.zone_cells,
        )?),
    };
    let mut params = PlanParams::new(args.zones, args.radius, args.max_overlap)?
        .shape(match cell_params {
            None => PlanShape::Circle,
            Some(cp) => PlanShape::Cells(cp),
        })
        .sources(sources)
        .window_share(args.window_share)?
        .visits(args.plan_days, args.seed)?
        .period(args.from, args.to)?
        .areas(args.areas.clone())
        .exact(args.exact)
        .include_all(args.include_all)
        .holdout(hotspot::patrol::HoldoutChoice::from_months(args.holdout))?
        .aoristic(hotspot::temporal::AoristicOptions {
            timezone: hotspot::ingest::parse_timezone(&args.ingest.timezone)?,
            max_span_days: args.ingest.max_time_span,
        })?;
    if args.force_top_school {
        if args.schools.is_none() {
            anyhow::bail!("--force-top-school needs --schools FILE");
        }
        params = params.force_top_school(args.school_radius)?;
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
    let params = params.start(start);
    let schools: Vec<School> = match &args.schools {
        Some(p) => hotspot::schools::read_schools(p, &data.projector)?,
        None => Vec::new(),
    };
    let cls = classification(ctx, &data.incidents, args.categories.as_deref())?;
    let areas_all = hotspot::schools::ProblemAreas::from_classification(&cls);
    let extra = match &args.candidates {
        Some(p) => hotspot::patrol::read_points(p, &data.projector)?,
        None => Vec::new(),
    };
    let pb = ctx.spinner("choosing patrol zones");
    let plan = hotspot::patrol::plan(
        PlanInput {
            incidents: &data.incidents,
            areas: &areas_all,
            schools: &schools,
            study: data.study_area.as_ref(),
            candidates: &extra,
            patrollable: Some(cls.patrollable()),
        },
        &params,
    )?;
    pb.finish_and_clear();
    if plan.without_date > 0 {
        ctx.note(format!(
            "note: {} incidents without a date left out of the period --from/--to",
            plan.without_date
        ));
    }
    if plan.with_interval > 0 {
        ctx.note(format!(
            "note: {} incidents had a from/to interval; the patrol windows spread them over their hours (aoristic weights)",
            plan.with_interval
        ));
    }
    if plan.time_totals.too_long > 0 {
        ctx.note(format!(
            "note: {} incidents with an interval longer than --max-time-span count as without an hour",
            plan.time_totals.too_long
        ));
    }
    if plan.patrollable.excluded_incidents > 0 {
        ctx.note(format!(
            "note: {} incidents (harm {:.1}) in categories patrol cannot prevent (fraud, online and phone offences) do not draw zones; they stay in the counts (--include-all weighs them too)",
            plan.patrollable.excluded_incidents, plan.patrollable.excluded_harm
        ));
    }
    if plan.study_area_is_box {
        note_box(ctx, args.radius, &plan.study);
    }
    let stats = &plan.zones;
    let route = plan.route.as_ref().filter(|r| r.from_start_point);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);
    // Zone names after the basemap's places and roads (only with --places / --roads).
    let namer = if args.places.is_some() || args.roads.is_some() {
        let bm = hotspot::basemap::Basemap::read(
            &hotspot::basemap::BasemapSources {
                places: args.places.clone(),
                roads: args.roads.clone(),
                ..Default::default()
            },
            &data.projector,
        )?;
        Some(hotspot::basemap::Namer::new(
            &bm,
            hotspot::basemap::DEFAULT_NAME_DISTANCE_M,
            hotspot::basemap::NameLang::Sv,
        )?)
    } else {
        None
    };
    let place_of = |c: [f64; 2]| -> String {
        namer
            .as_ref()
            .and_then(|n| n.name(c))
            .map(|n| n.name)
            .unwrap_or_default()
    };

    // Zones table and layer.
    let mut w = crate::common::SafeCsv::create(out("patrol_zones.csv"))?;
    let mut head = vec![
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
        "days",
        "busiest_days",
        "weekday_p_adjusted",
        "hour_p_adjusted",
        "holdout_hit_rate",
        "holdout_pai",
    ];
    if namer.is_some() {
        head.insert(1, "place");
    }
    w.write_record(&head)?;
    let mut feats = Vec::new();
    let (shape, radius, cell_m) = match &cell_params {
        None => ("circle", Some(args.radius), None),
        Some(cp) => ("cells", None, Some(cp.cell_m())),
    };
    let held = |k: usize| plan.holdout.scored().and_then(|h| h.zone_held_out(k));
    for (k, z) in stats.iter().enumerate() {
        let [lon, lat] = data.projector.to_lonlat(z.centre[0], z.centre[1])?;
        let categories = z
            .categories
            .iter()
            .map(|(a, n)| format!("{a}:{n}"))
            .collect::<Vec<_>>()
            .join(";");
        let nearest = z.nearest_school.as_ref().map(|(n, d)| (*d, n));
        let source = z.source.as_str();
        let wl = z.windows.label();
        let place = place_of(z.centre);
        let mut rec = vec![
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
            num(z.window_share, 3),
            z.windows.without_hour.to_string(),
            num(z.marginal_harm, 2),
            categories.clone(),
            nearest.map(|n| n.1.clone()).unwrap_or_default(),
            nearest.map(|n| num(n.0, 0)).unwrap_or_default(),
            source.to_string(),
            shape.to_string(),
            z.cells.to_string(),
            cell_m.map(|c| num(c, 1)).unwrap_or_default(),
            num(z.area_m2, 0),
            days_label(&z.top_days),
            day_names(&z.busiest_days),
            num(z.profile.weekday.p_adjusted, 4),
            num(z.profile.hour.p_adjusted, 4),
            held(k).map(|s| num(s.hit_rate, 4)).unwrap_or_default(),
            held(k).map(|s| num(s.pai, 2)).unwrap_or_default(),
        ];
        if namer.is_some() {
            rec.insert(1, place.clone());
        }
        w.write_record(&rec)?;
        let mut props = Map::new();
        props.insert("rank".into(), json!(z.rank));
        if namer.is_some() {
            props.insert("place".into(), json!(place));
        }
        props.insert("lon".into(), jnum(lon, 6));
        props.insert("lat".into(), jnum(lat, 6));
        props.insert("radius_m".into(), json!(radius));
        props.insert("incidents".into(), json!(z.members.len()));
        props.insert("harm".into(), jnum(z.harm, 2));
        props.insert("share_incidents".into(), jnum(z.share_incidents, 4));
        props.insert("share_area".into(), jnum(z.share_area, 5));
        props.insert("pai".into(), jnum(z.pai, 2));
        props.insert("windows".into(), json!(wl));
        props.insert("window_share".into(), jnum(z.window_share, 3));
        props.insert("incidents_with_interval".into(), json!(z.with_interval));
        props.insert(
            "incidents_without_hour".into(),
            json!(z.windows.without_hour),
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
        props.insert("days".into(), json!(days_label(&z.top_days)));
        props.insert("busiest_days".into(), json!(day_names(&z.busiest_days)));
        props.insert("weekday_counts".into(), json!(z.profile.weekday.counts));
        props.insert(
            "weekday_p_adjusted".into(),
            jnum(z.profile.weekday.p_adjusted, 4),
        );
        props.insert("hour_p_adjusted".into(), jnum(z.profile.hour.p_adjusted, 4));
        props.insert(
            "holdout_hit_rate".into(),
            json!(held(k).map(|s| s.hit_rate).filter(|v| v.is_finite())),
        );
        props.insert(
            "holdout_pai".into(),
            json!(held(k).map(|s| s.pai).filter(|v| v.is_finite())),
        );
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

    write_holdout(&out("patrol_holdout.json"), &plan, &data.projector)?;

    let mut w = crate::common::SafeCsv::create(out("patrol_when.csv"))?;
    w.write_record(["rank", "weekday", "hour", "incidents"])?;
    for (k, t) in stats.iter().map(|z| &z.week).enumerate() {
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

    let mut w = crate::common::SafeCsv::create(out("patrol_plan.csv"))?;
    w.write_record(["day", "start", "end", "minutes", "zone"])?;
    let hhmm = |m: u32| {
        let m = m % 1440;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    for v in &plan.visits {
        w.write_record([
            (v.day + 1).to_string(),
            hhmm(v.start_min),
            hhmm(v.start_min + v.minutes),
            v.minutes.to_string(),
            (v.zone + 1).to_string(),
        ])?;
    }
    w.flush()?;

    if let Some(r) = route {
        let s = r.start;
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
        let total = plan.analysed;
        let total_harm = plan.total_harm;
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
        let per_source = &plan.candidates;
        println!(
            "Candidate {}: {} ({}; sources {}{})",
            if cell_params.is_some() {
                "zones (one per seed cell)"
            } else {
                "centres"
            },
            per_source.iter().map(|(_, n)| n).sum::<usize>(),
            per_source
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
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
            plan.covered_incidents,
            100.0 * plan.covered_incident_share(),
            plan.covered_harm,
            total_harm,
            100.0 * plan.covered_share(),
            100.0 * plan.zone_area_share()
        );
        println!(
            "Greedy with lazy evaluation; without an overlap limit it is guaranteed within 1-1/e (63%) of the optimum{}",
            if args.max_overlap < 1.0 {
                " (with the limit the guarantee is not proven; use --exact on small cases)"
            } else {
                ""
            }
        );
        if let Some(e) = plan.exact_harm {
            match e {
                Some(e) => println!(
                    "Exact optimum (branch and bound): harm {:.1}; greedy reaches {:.1}% of it",
                    e,
                    100.0 * plan.covered_harm / e
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
        for z in stats {
            let [lon, lat] = data.projector.to_lonlat(z.centre[0], z.centre[1])?;
            let nearest = z
                .nearest_school
                .as_ref()
                .map(|(n, d)| format!("{n} ({d:.0} m)"))
                .unwrap_or_else(|| "-".into());
            let cats = z
                .categories
                .iter()
                .take(3)
                .map(|(a, n)| format!("{a}:{n}"))
                .collect::<Vec<_>>()
                .join(" ");
            let wl = if z.windows.starts.is_empty() {
                "(no hours)".to_string()
            } else {
                format!("{} ({:.0}%)", z.windows.label(), 100.0 * z.window_share)
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
                z.source.as_str(),
                wl,
                cats,
                nearest
            );
        }
        match route {
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
        match &plan.holdout {
            hotspot::patrol::HoldoutOutcome::Off => {
                println!("\nNo out-of-sample check (--holdout 0)")
            }
            hotspot::patrol::HoldoutOutcome::NotScored { reason } => {
                println!("\nNo out-of-sample check: {reason}")
            }
            hotspot::patrol::HoldoutOutcome::Scored(h) => println!(
                "\nOut of sample: zones chosen on {}..{} hold {:.0}% of the {} incidents there (PAI {:.1}) and {:.0}% of the {} held-out incidents of {}..{} (PAI {:.1}); the zones above were chosen again on every month (patrol_holdout.json)",
                h.split.first_month,
                h.split.holdout_from.previous(),
                100.0 * h.score.in_sample.hit_rate,
                h.scored,
                h.score.in_sample.pai,
                100.0 * h.score.held_out.hit_rate,
                h.split.test_incidents,
                h.split.holdout_from,
                h.split.last_month,
                h.score.held_out.pai
            ),
        }
        println!(
            "Visit plan: {} visits of 10-15 min over {} days (patrol_plan.csv, seed {})",
            plan.visits.len(),
            args.plan_days,
            args.seed
        );
        println!(
            "Written to {}: patrol_zones.csv, patrol_zones.geojson, patrol_when.csv, patrol_plan.csv, patrol_holdout.json{}",
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
