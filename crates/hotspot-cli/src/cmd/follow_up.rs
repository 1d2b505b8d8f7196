//! `hotspot follow-up`: zones period by period against a baseline (overdispersion-aware
//! intervals and signals), displacement (WDQ) and the patrol log's dose.

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use chrono::NaiveDate;
use hotspot::categories::CategoryTable;
use hotspot::followup::{
    Followup, FollowupInput, FollowupParams, FollowupZone, PeriodKind, Series, Signal, analyse,
    read_patrols, read_zones,
};
use hotspot::period::Period;
use hotspot_render::{
    AreaLayer, Colour, ControlChart, ControlLegend, Layer, Locale, MapSpec, Size,
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
    /// Expected count = the count of the same calendar span of the baseline year (a seasonal
    /// baseline) instead of the baseline's daily rate times the days.
    #[arg(long)]
    pub seasonal: bool,
    /// Output folder (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Basemap layers drawn under the zone map (`--places`, `--roads`, `--water`, `--buildings`).
    #[command(flatten)]
    pub basemap: crate::common::BasemapArgs,
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
    let log = match &args.patrols {
        Some(p) => {
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
            Some(log)
        }
        None => None,
    };
    let params = FollowupParams {
        baseline: base_p,
        from: args.from,
        to: args.to,
        kind,
        buffer_m: args.buffer,
        seasonal: args.seasonal,
        level: 0.95,
    };
    let f = analyse(
        FollowupInput {
            incidents: inc,
            classification: &cls,
            zones: &zones,
            study: data.study_area.as_ref().map(|a| a.polygons()),
            patrols: log.as_ref(),
            timezone: hotspot::ingest::parse_timezone(&args.ingest.timezone)?,
        },
        &params,
    )?;
    if f.without_time > 0 {
        ctx.note(format!(
            "{} incidents without a time are left out",
            f.without_time
        ));
    }
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
    for s in &f.series {
        for r in &s.rows {
            w.write_record([
                s.zone.clone(),
                s.area_id().to_string(),
                r.period.clone(),
                r.count.to_string(),
                format!("{:.2}", r.expected),
                r.lower.to_string(),
                r.upper.to_string(),
                r.signal.as_str().to_string(),
                r.partial.to_string(),
            ])?;
        }
    }
    w.flush()?;

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
    let rel = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    // Whole counts as integers (exact times); interval incidents' shares with 3 decimals.
    let num = |v: f64| {
        if v.fract() == 0.0 {
            v.to_string()
        } else {
            format!("{v:.3}")
        }
    };
    for zd in &f.displacement {
        let (d, q) = (&zd.counts, &zd.wdq);
        w.write_record([
            zd.zone.clone(),
            num(d.zone_before),
            num(d.zone_after),
            num(d.buffer_before),
            num(d.buffer_after),
            num(d.control_before),
            num(d.control_after),
            rel(d.zone_change()),
            rel(d.buffer_change()),
            rel(d.control_change()),
            q.wdq.map(|v| format!("{v:.4}")).unwrap_or_default(),
            serde_json::to_value(q.reading)?
                .as_str()
                .unwrap_or_default()
                .to_string(),
            q.net_effect.map(|v| format!("{v:.2}")).unwrap_or_default(),
        ])?;
    }
    w.flush()?;

    if let Some(ds) = &f.dose {
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
        for d in ds {
            w.write_record([
                d.zone.clone(),
                d.period.clone(),
                d.short_visits.to_string(),
                format!("{:.0}", d.short_minutes),
                d.long_visits.to_string(),
                format!("{:.0}", d.long_minutes),
                format!("{:.0}", d.other_minutes()),
            ])?;
        }
        w.flush()?;
    }

    // Control charts (one per zone x problem area with any incident) and the zone map.
    let charts = out("charts");
    std::fs::create_dir_all(&charts)
        .with_context(|| format!("cannot create {}", charts.display()))?;
    let mut n_charts = 0;
    for s in &f.series {
        if s.baseline.count == 0 && s.rows.iter().all(|r| r.count == 0) {
            continue;
        }
        let c = control_chart(&f, s, &format!("{} – {}", s.zone, s.area_id()));
        let name = format!(
            "control_{}_{}.png",
            s.zone_index
                .map_or("all".into(), |k| format!("{:02}", k + 1)),
            s.area_id()
        );
        c.render_png(Size::SCREEN, &charts.join(name))?;
        n_charts += 1;
    }
    let mut spec = zone_map(&f, &zones, data.study_area.as_ref().map(|a| a.polygons()));
    if let Some(bm) = args.basemap.layer(ctx, &data.projector)? {
        // Over the boundary's backdrop, under the zones.
        let at = usize::from(data.study_area.is_some()).min(spec.layers.len());
        spec.layers.insert(at, Layer::Basemap(bm));
    }
    spec.render_png(Size::SCREEN, &out("followup_zones.png"))?;
    let (svg, _) = spec.render_svg(Size::SCREEN)?;
    hotspot::output::write_atomic(&out("followup_zones.svg"), svg)
        .with_context(|| format!("cannot write {}", out("followup_zones.svg").display()))?;
    let pers = &f.periods;
    ctx.note(format!("{n_charts} control charts in {}", charts.display()));
    ctx.note(format!(
        "{} zones x {} periods written to {}",
        zones.len(),
        pers.len(),
        args.out.display()
    ));
    Ok(())
}

/// The control chart of one series (English texts).
pub fn control_chart(f: &Followup, s: &Series, title: &str) -> ControlChart {
    let (points, baseline_mean) =
        crate::common::control_points(f, s, Some, std::string::ToString::to_string);
    ControlChart {
        title: title.into(),
        points,
        baseline_mean,
        legend: ControlLegend {
            count: "incidents".into(),
            band: "95 % normal variation".into(),
            expected: "expected".into(),
            baseline_mean: "baseline mean".into(),
            lower: "signal: fewer".into(),
            higher: "signal: more".into(),
        },
        y_label: "incidents per period".into(),
        note: format!(
            "Baseline {}..{}: {} incidents, dispersion {:.2} (negative binomial interval). * = period covered only partly.",
            f.params.baseline.start, f.params.baseline.end, s.baseline.count, s.baseline.phi
        ),
        locale: Locale::EN,
    }
}

/// The zones coloured by the latest period's signal (all incidents).
fn zone_map(
    f: &Followup,
    zones: &[FollowupZone],
    study: Option<&geo::MultiPolygon<f64>>,
) -> MapSpec {
    let latest = f
        .periods
        .last()
        .map(|p| p.label.clone())
        .unwrap_or_default();
    let sig = |k: usize| {
        f.series
            .iter()
            .find(|s| s.zone_index == Some(k) && s.problem_area.is_none())
            .and_then(|s| s.rows.last())
            .map_or(Signal::None, |r| r.signal)
    };
    let mut layers = Vec::new();
    if let Some(a) = study {
        layers.push(Layer::Area(AreaLayer::new(
            "",
            vec![a.clone()],
            None,
            Some(Colour::hex(0x555555)),
        )));
    }
    for (signal, label, colour) in [
        (Signal::Lower, "fewer than normal", Colour::rgb(26, 152, 80)),
        (
            Signal::None,
            "within normal variation",
            Colour::rgb(200, 200, 200),
        ),
        (Signal::Higher, "more than normal", Colour::rgb(215, 48, 39)),
    ] {
        let ks: Vec<usize> = (0..zones.len()).filter(|&k| sig(k) == signal).collect();
        if ks.is_empty() {
            continue;
        }
        let mut l = AreaLayer::new(
            label,
            ks.iter().map(|&k| zones[k].area.clone()).collect(),
            Some(colour.with_alpha(0.75)),
            Some(Colour::hex(0x333333)),
        );
        l.labels = ks.iter().map(|&k| zones[k].name.clone()).collect();
        layers.push(Layer::Area(l));
    }
    // The zones fill the map; the boundary is only a backdrop.
    let skip = usize::from(study.is_some());
    let extent =
        hotspot_render::layers_extent(&layers[skip..], 600.0).unwrap_or([0.0, 0.0, 1000.0, 1000.0]);
    MapSpec {
        title: format!("Zones in {latest} against the baseline"),
        subtitle: format!(
            "all incidents; baseline {}..{}",
            f.params.baseline.start, f.params.baseline.end
        ),
        attribution: "hotspot follow-up".into(),
        legend_title: "Latest period".into(),
        extent,
        layers,
        ..MapSpec::default()
    }
}
