//! `hotspot evaluate`: fit hotspot methods on a training period and judge them on a test period.
//!
//! Every method ranks the cells of one common grid (the study area's cells, or
//! the cells covering all incidents); at each coverage the table gives hit rate,
//! PAI, PEI*, RRI and the method's run time (see `hotspot::evaluate`). Output is a
//! Markdown table on stdout (or `--json`: an array of objects with `method`,
//! `coverage`, `hit_rate`, `pai`, `pei_star`, `rri`, `seconds` and more), and
//! optionally a CSV file, a Markdown file and a PAI-by-coverage chart
//! (`--chart`, PNG and SVG).

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::GridSpec;
use hotspot::evaluate::{
    CoverageResult, EvalGrid, HotspotMethod, MethodEvaluation, MethodOptions, Period, PeriodSplit,
    builtin, evaluate, mean_pai_curve, rolling_monthly,
};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::PathBuf;

/// Flags of `hotspot evaluate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times.
    pub input: PathBuf,
    /// Training period: `2025-01-01..2025-12-31` (days included), `2025-01..2025-12`, `2025-03` or `2025`.
    #[arg(long, value_name = "PERIOD")]
    pub train: String,
    /// Test period, same forms as --train. With `--rolling monthly`: the span of test months.
    #[arg(long, value_name = "PERIOD")]
    pub test: String,
    /// Area budgets as shares of the study area: `1%,5%,10%` or `0.01,0.05`.
    #[arg(long, value_name = "LIST", default_value = "1%,5%,10%")]
    pub coverage: String,
    /// Methods to compare: kde (bandwidth by temporal cross-validation), kde-arcgis (ArcGIS rule),
    /// dbscan, hdbscan, gistar, grid, previous
    /// (`previous` = counts in the last test-length of the training period).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "kde,kde-arcgis,dbscan,hdbscan,gistar,grid,previous"
    )]
    pub methods: String,
    /// Rolling-origin evaluation: `monthly` judges each test month on a map fitted on the
    /// whole months just before it, as many as --train spans.
    #[arg(long, value_name = "MODE")]
    pub rolling: Option<String>,
    /// Side of the common grid's cells, metres.
    #[arg(long, value_name = "M", default_value_t = 100.0)]
    pub cell: f64,
    /// KDE bandwidth in metres (default: the KDE module's rule).
    #[arg(long, value_name = "M")]
    pub bandwidth: Option<f64>,
    /// DBSCAN radius in metres.
    #[arg(long, value_name = "M")]
    pub eps: Option<f64>,
    /// DBSCAN minimum points.
    #[arg(long, value_name = "N")]
    pub min_points: Option<usize>,
    /// HDBSCAN minimum cluster size.
    #[arg(long, value_name = "N")]
    pub min_cluster_size: Option<usize>,
    /// Gi* distance band in metres.
    #[arg(long, value_name = "M")]
    pub band: Option<f64>,
    /// Harm table (category TOML, or `default` for the built-in table): adds harm-weighted
    /// hit rate, PAI and PEI* (`harm_*` columns). Without it, a weight column gives them.
    #[arg(long, value_name = "FILE|default")]
    pub harm: Option<String>,
    /// Print a JSON array of row objects instead of the Markdown table.
    #[arg(long)]
    pub json: bool,
    /// Write each method's measured run time in the `seconds` column (a benchmark figure that
    /// varies run to run; without this flag `seconds` is empty, so the output is byte-identical
    /// across runs and thread counts).
    #[arg(long)]
    pub timings: bool,
    /// Also write the table as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write the Markdown table to this file.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Also draw PAI against area coverage, one line per method, as FILE.png and
    /// FILE.svg (any extension of FILE is replaced). With --rolling: the mean over the origins.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

pub use crate::common::parse_coverages;

const COLUMNS: [&str; 18] = [
    "origin",
    "method",
    "coverage",
    "coverage_requested",
    "cells",
    "area_km2",
    "captured",
    "total",
    "hit_rate",
    "pai",
    "pei_star",
    "rri",
    "harm_hit_rate",
    "harm_pai",
    "harm_pei_star",
    "seconds",
    "params",
    "train",
];

fn row(
    origin: &str,
    train: &str,
    m: &MethodEvaluation,
    r: &CoverageResult,
    timings: bool,
) -> Map<String, Value> {
    let mut o = Map::new();
    let f = |v: Option<f64>| v.map_or(Value::Null, |v| json!(v));
    o.insert("origin".into(), json!(origin));
    o.insert("method".into(), json!(m.method));
    o.insert("coverage".into(), json!(r.coverage));
    o.insert("coverage_requested".into(), json!(r.coverage_requested));
    o.insert("cells".into(), json!(r.cells));
    o.insert("area_km2".into(), json!(r.area_km2));
    o.insert("captured".into(), json!(r.counts.captured));
    o.insert("total".into(), json!(r.counts.total));
    o.insert("hit_rate".into(), f(r.counts.hit_rate));
    o.insert("pai".into(), f(r.counts.pai));
    o.insert("pei_star".into(), f(r.counts.pei_star));
    o.insert("rri".into(), f(r.rri));
    o.insert("harm_hit_rate".into(), f(r.harm.and_then(|h| h.hit_rate)));
    o.insert("harm_pai".into(), f(r.harm.and_then(|h| h.pai)));
    o.insert("harm_pei_star".into(), f(r.harm.and_then(|h| h.pei_star)));
    o.insert(
        "seconds".into(),
        if timings {
            json!(m.seconds)
        } else {
            Value::Null
        },
    );
    o.insert("params".into(), json!(m.params));
    o.insert("train".into(), json!(train));
    o
}

fn cell_text(v: &Value, key: &str) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(n) => match (key, n.as_f64()) {
            ("cells" | "captured" | "total", Some(x)) => format!("{x}"),
            ("seconds", Some(x)) => format!("{x:.3}"),
            ("coverage" | "coverage_requested" | "hit_rate" | "harm_hit_rate", Some(x)) => {
                format!("{:.2}%", 100.0 * x)
            }
            (_, Some(x)) => format!("{x:.3}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A count as an integer when it is one, else with two decimals (sums of interval shares).
fn count_text(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        format!("{x:.2}")
    }
}

/// Runs `hotspot evaluate`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[Some(&args.input), args.ingest.boundary.as_deref()],
        &[
            ("--csv", args.csv.as_deref()),
            ("--markdown", args.markdown.as_deref()),
            ("--chart", args.chart.as_deref()),
        ],
        &[],
    )?;
    let coverages = parse_coverages(&args.coverage)?;
    let train_p = Period::parse("--train", &args.train)?;
    let test_p = Period::parse("--test", &args.test)?;
    let rolling = match args.rolling.as_deref() {
        None => false,
        Some("monthly") => true,
        Some(other) => {
            return Err(
                hotspot::Error::invalid("--rolling", other, "the only mode is `monthly`").into(),
            );
        }
    };
    if !rolling && train_p.overlaps(&test_p) {
        return Err(hotspot::Error::invalid(
            "--test",
            test_p,
            format!("the test period overlaps the training period {train_p}; a map must be judged on later data"),
        )
        .into());
    }
    let opts = MethodOptions {
        bandwidth_m: args.bandwidth,
        eps_m: args.eps,
        min_points: args.min_points,
        min_cluster_size: args.min_cluster_size,
        band_m: args.band,
    };
    let names: Vec<&str> = args
        .methods
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let methods: Vec<Box<dyn HotspotMethod>> = names
        .iter()
        .map(|n| builtin(n, &opts))
        .collect::<Result<_, _>>()?;
    let method_refs: Vec<&dyn HotspotMethod> = methods.iter().map(|b| b.as_ref()).collect();

    let mut data = load(ctx, &args.ingest, &args.input)?;
    if let Some(h) = &args.harm {
        let table = if h == "default" {
            hotspot::categories::CategoryTable::default_table()
        } else {
            hotspot::categories::CategoryTable::read(std::path::Path::new(h))?
        };
        let cls = table.classify(&data.incidents);
        if cls.unknown_total() > 0 {
            ctx.note(format!(
                "harm: {} incidents have a category not in the table (given the table's unknown harm)",
                cls.unknown_total()
            ));
        }
        data.incidents = data.incidents.clone().with_weights(cls.harms().to_vec())?;
    }
    let inc = &data.incidents;
    if !inc.has_times() {
        return Err(hotspot::Error::InsufficientData(format!(
            "{}: no incident has a time; evaluation splits by time (use --time COLUMN)",
            args.input.display()
        ))
        .into());
    }
    let extent = hotspot::ingest::layers::study_extent(data.study_area.as_ref(), inc, &[])
        .ok_or_else(|| {
            hotspot::Error::InsufficientData(format!("{}: no incidents", args.input.display()))
        })?;
    let spec = GridSpec::covering(extent, args.cell, 0.0)?;
    let grid = EvalGrid::new(spec, data.study_area.as_ref())?;
    let tz = hotspot::ingest::parse_timezone(&args.ingest.timezone)?;
    let pb = ctx.spinner("fitting and judging methods");
    // (origin, training period, results) per origin: the rolling months, or the one split.
    let mut origins: Vec<(String, String, Vec<MethodEvaluation>)> = Vec::new();
    if rolling {
        let steps = rolling_monthly(
            &grid,
            inc,
            train_p.approx_months(),
            test_p,
            &method_refs,
            &coverages,
            tz,
        )?;
        for s in steps {
            origins.push((
                s.test.start.format("%Y-%m").to_string(),
                s.train.to_string(),
                s.results,
            ));
        }
    } else {
        let ps = PeriodSplit::new(inc, train_p, test_p, tz);
        ctx.note(format!(
            "train {train_p}: {} incidents; test {test_p}: {} incidents; grid {} x {} cells of {} m ({} in the study area)",
            count_text(ps.train_count()),
            count_text(ps.test_count()),
            spec.cols,
            spec.rows,
            spec.cell_m,
            grid.n_active()
        ));
        if ps.split_intervals > 0 {
            ctx.note(format!(
                "{} incidents with a from/to interval across a period's edge count by their share of each period",
                ps.split_intervals
            ));
        }
        let split = ps.split();
        let res = evaluate(&grid, &split, &method_refs, &coverages)?;
        origins.push((test_p.to_string(), train_p.to_string(), res));
    }
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for (origin, train, res) in &origins {
        for m in res {
            for r in &m.rows {
                rows.push(row(origin, train, m, r, args.timings));
            }
        }
    }
    pb.finish_and_clear();
    let weighted = rows.iter().any(|r| !r["harm_pai"].is_null());
    let shown: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| weighted || !c.starts_with("harm_"))
        .filter(|c| rolling || (*c != "origin" && *c != "train"))
        .collect();

    if let Some(p) = &args.csv {
        let mut w = crate::common::SafeCsv::create(p)
            .with_context(|| format!("writing {}", p.display()))?;
        w.write_record(COLUMNS)?;
        for r in &rows {
            w.write_record(COLUMNS.iter().map(|c| match &r[*c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                v => v.to_string(),
            }))?;
        }
        w.flush()
            .with_context(|| format!("writing {}", p.display()))?;
    }
    let mut md = String::new();
    md.push_str(&format!("| {} |\n", shown.join(" | ")));
    md.push_str(&format!(
        "|{}\n",
        shown.iter().map(|_| "---|").collect::<String>()
    ));
    for r in &rows {
        let cells: Vec<String> = shown.iter().map(|c| cell_text(&r[*c], c)).collect();
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if let Some(p) = &args.markdown {
        hotspot::output::write_atomic(p, &md)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.chart {
        let title = format!("PAI by area coverage, test {test_p}");
        let note = if rolling {
            format!(
                "Mean PAI over {} monthly origins ({test_p}), each map fitted on the {} months before. PAI = hit rate / area share (Chainey, Tompson & Uhlig 2008); 1 = no better than chance.",
                origins.len(),
                train_p.approx_months()
            )
        } else {
            format!(
                "Maps fitted on {train_p}, judged on {test_p}. PAI = hit rate / area share (Chainey, Tompson & Uhlig 2008); 1 = no better than chance."
            )
        };
        let results: Vec<&[MethodEvaluation]> = origins.iter().map(|o| o.2.as_slice()).collect();
        for f in write_chart(p, &names, &results, title, note)? {
            ctx.note(format!("wrote {}", f.display()));
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let arr = Value::Array(rows.into_iter().map(Value::Object).collect());
        writeln!(out, "{}", serde_json::to_string_pretty(&arr)?)?;
    } else {
        write!(out, "{md}")?;
    }
    Ok(())
}

/// The PAI-by-coverage chart of the results: one line per method (in `methods` order), x = the
/// coverage reached, y = PAI; several origins (rolling) are averaged per method and requested
/// coverage ([`hotspot::evaluate::mean_pai_curve`]). Returns the files written (`.png`, `.svg`).
fn write_chart(
    path: &std::path::Path,
    methods: &[&str],
    origins: &[&[MethodEvaluation]],
    title: String,
    note: String,
) -> anyhow::Result<Vec<PathBuf>> {
    use hotspot_render::{Chart, LineChart, LineSeries, Locale, Size, palette};
    let series = methods
        .iter()
        .enumerate()
        .map(|(k, m)| LineSeries {
            name: m.to_string(),
            colour: palette::QUALITATIVE[k % palette::QUALITATIVE.len()],
            points: mean_pai_curve(origins.iter().copied(), m)
                .iter()
                .map(|p| (p.coverage, p.pai))
                .collect(),
        })
        .collect();
    let chart = Chart::Lines(LineChart {
        title,
        series,
        x_label: "Area coverage (share of the study area)".into(),
        y_label: "PAI".into(),
        x_percent: true,
        note,
        locale: Locale::EN,
    });
    let png = path.with_extension("png");
    let svg = path.with_extension("svg");
    chart.render_png(Size::CHART_SCREEN, &png)?;
    let text = chart.render_svg(Size::CHART_SCREEN)?;
    hotspot::output::write_atomic(&svg, text)
        .with_context(|| format!("writing {}", svg.display()))?;
    Ok(vec![png, svg])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverages_parse_percent_and_shares() {
        assert_eq!(
            parse_coverages("1%,5%, 10%").unwrap(),
            vec![0.01, 0.05, 0.1]
        );
        assert_eq!(parse_coverages("0.2").unwrap(), vec![0.2]);
        assert!(parse_coverages("0%").is_err());
        assert!(parse_coverages("five").is_err());
        assert!(parse_coverages("").is_err());
    }
}
