//! `hotspot follow-up`: zones period by period against a baseline (overdispersion-aware
//! intervals and signals), displacement (WDQ) and the patrol log's dose.

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use chrono::NaiveDate;
use hotspot::categories::{CategoryTable, ProblemArea};
use hotspot::evaluate::Period;
use hotspot::followup::{
    FollowupZone, PeriodKind, baseline, count_displacement, dose, follow, periods, read_patrols,
    read_zones, wdq,
};
use std::path::PathBuf;

/// Flags of `hotspot follow-up`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times.
    pub input: PathBuf,
    /// Zones: GeoJSON polygons, or points with a `radius` (metres), each with a `name`.
    #[arg(long, value_name = "FILE")]
    pub zones: PathBuf,
    /// The baseline period, e.g. `2025` or `2025-01-01..2025-12-31`.
    #[arg(long, value_name = "PERIOD")]
    pub baseline: String,
    /// First day followed up (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: NaiveDate,
    /// Last day followed up (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: NaiveDate,
    /// Period length: tertial (T1 Jan-Apr, T2 May-Aug, T3 Sep-Dec), month or quarter.
    #[arg(long, value_name = "KIND", default_value = "tertial")]
    pub periods: String,
    /// Width of the buffer ring around each zone for displacement, metres.
    #[arg(long, value_name = "M", default_value_t = 200.0)]
    pub buffer: f64,
    /// Patrol log CSV: zone,start,end[,crew,kind].
    #[arg(long, value_name = "FILE")]
    pub patrols: Option<PathBuf>,
    /// Category table (TOML) mapping categories to problem areas.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Output folder (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Runs `hotspot follow-up`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            Some(&args.zones),
            args.ingest.boundary.as_deref(),
            args.patrols.as_deref(),
            args.categories.as_deref(),
        ],
        &[],
        &[("--out", &args.out)],
    )?;
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        anyhow::bail!(
            "the output folder {} exists and is not empty; choose a new folder",
            args.out.display()
        );
    }
    let kind = PeriodKind::parse(&args.periods)?;
    let base_p = Period::parse("baseline", &args.baseline)?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    let zones: Vec<FollowupZone> = read_zones(&args.zones, &data.projector)?;
    let table = match &args.categories {
        Some(p) => CategoryTable::read(p)?,
        None => CategoryTable::default_table(),
    };
    let cls = table.classify(inc);
    let dates: Vec<Option<NaiveDate>> = inc
        .times()
        .iter()
        .map(|t| t.map(|t| t.instant().date_naive()))
        .collect();
    let no_time = dates.iter().filter(|d| d.is_none()).count();
    if no_time > 0 {
        ctx.note(format!("{no_time} incidents without a time are left out"));
    }
    let data_end = dates
        .iter()
        .flatten()
        .max()
        .copied()
        .ok_or_else(|| hotspot::Error::InsufficientData("no incident has a time".into()))?;
    let pers = periods(kind, args.from, args.to, data_end)?;
    use geo::Contains;
    let inside: Vec<Vec<bool>> = zones
        .iter()
        .map(|z| {
            (0..inc.len())
                .map(|i| {
                    let [x, y] = inc.position(i);
                    z.area.contains(&geo::Point::new(x, y))
                })
                .collect()
        })
        .collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = |n: &str| args.out.join(n);
    let mut w = crate::common::SafeCsv::create(out("followup.csv"))?;
    w.write_record([
        "zone",
        "problem_area",
        "period",
        "count",
        "expected",
        "lower",
        "upper",
        "signal",
        "partial",
    ])?;
    let mut zone_sel: Vec<(String, Option<usize>)> = zones
        .iter()
        .enumerate()
        .map(|(k, z)| (z.name.clone(), Some(k)))
        .collect();
    zone_sel.push(("all zones".into(), None));
    let mut areas: Vec<Option<ProblemArea>> = vec![None];
    areas.extend(ProblemArea::ALL.into_iter().map(Some));
    for (zname, zk) in &zone_sel {
        for pa in &areas {
            let ds: Vec<NaiveDate> = (0..inc.len())
                .filter(|&i| match zk {
                    Some(k) => inside[*k][i],
                    None => inside.iter().any(|v| v[i]),
                })
                .filter(|&i| pa.is_none_or(|a| cls.area(i) == a))
                .filter_map(|i| dates[i])
                .collect();
            let b = baseline(&ds, base_p);
            for r in follow(&ds, &b, &pers, 0.95)? {
                w.write_record([
                    zname.clone(),
                    pa.map(|a| a.id()).unwrap_or("all").to_string(),
                    r.period,
                    r.count.to_string(),
                    format!("{:.2}", r.expected),
                    r.lower.to_string(),
                    r.upper.to_string(),
                    r.signal.as_str().to_string(),
                    r.partial.to_string(),
                ])?;
            }
        }
    }
    w.flush()?;

    // Displacement: before = baseline, after = from..to (clipped to the data).
    let after_p = Period::new(args.from, args.to.min(data_end))?;
    let pos = |p: Period| -> Vec<[f64; 2]> {
        (0..inc.len())
            .filter(|&i| dates[i].is_some_and(|d| p.start <= d && d <= p.end))
            .map(|i| inc.position(i))
            .collect()
    };
    let (before, after) = (pos(base_p), pos(after_p));
    let study = match &data.study_area {
        Some(a) => a.polygons().clone(),
        None => {
            let b = inc.bbox().unwrap_or([0.0; 4]);
            geo::MultiPolygon(vec![
                geo::Rect::new(
                    geo::coord! {x: b[0] - 1.0, y: b[1] - 1.0},
                    geo::coord! {x: b[2] + 1.0, y: b[3] + 1.0},
                )
                .to_polygon(),
            ])
        }
    };
    let mut w = crate::common::SafeCsv::create(out("displacement.csv"))?;
    w.write_record([
        "zone",
        "zone_before",
        "zone_after",
        "buffer_before",
        "buffer_after",
        "control_before",
        "control_after",
        "zone_change",
        "buffer_change",
        "control_change",
        "wdq",
        "reading",
        "net_effect",
    ])?;
    let rel = |b: f64, a: f64| {
        if b > 0.0 {
            format!("{:.4}", a / b - 1.0)
        } else {
            String::new()
        }
    };
    for z in &zones {
        let d = count_displacement(&before, &after, &z.area, args.buffer, &study)?;
        let q = wdq(&d);
        w.write_record([
            z.name.clone(),
            d.zone_before.to_string(),
            d.zone_after.to_string(),
            d.buffer_before.to_string(),
            d.buffer_after.to_string(),
            d.control_before.to_string(),
            d.control_after.to_string(),
            rel(d.zone_before, d.zone_after),
            rel(d.buffer_before, d.buffer_after),
            rel(d.control_before, d.control_after),
            q.wdq.map(|v| format!("{v:.4}")).unwrap_or_default(),
            serde_json::to_value(q.reading)?
                .as_str()
                .unwrap_or_default()
                .to_string(),
            q.net_effect.map(|v| format!("{v:.2}")).unwrap_or_default(),
        ])?;
    }
    w.flush()?;

    if let Some(p) = &args.patrols {
        let names: Vec<String> = zones.iter().map(|z| z.name.clone()).collect();
        let log = read_patrols(p, &names)?;
        ctx.note(format!(
            "patrol log {}: {} rows accepted, {} rejected",
            p.display(),
            log.rows.len(),
            log.rejected.len()
        ));
        for (line, why) in log.rejected.iter().take(10) {
            ctx.note(format!("  line {line}: {why}"));
        }
        let mut w = crate::common::SafeCsv::create(out("dose.csv"))?;
        w.write_record([
            "zone",
            "period",
            "short_visits",
            "short_minutes",
            "long_visits",
            "long_minutes",
            "other_minutes",
        ])?;
        for d in dose(&log, &pers) {
            w.write_record([
                d.zone.clone(),
                d.period.clone(),
                d.short_visits.to_string(),
                format!("{:.0}", d.short_minutes),
                d.long_visits.to_string(),
                format!("{:.0}", d.long_minutes),
                format!("{:.0}", d.other.values().sum::<f64>()),
            ])?;
        }
        w.flush()?;
    }
    ctx.note(format!(
        "{} zones x {} periods written to {}",
        zones.len(),
        pers.len(),
        args.out.display()
    ));
    Ok(())
}
