//! `hotspot temporal`: the aoristic weekday x hour table (Ratcliffe 2002), as CSV, JSON totals and a
//! heat-table chart.
//!
//! Incidents recorded as "between from and to" (`--time-from`/`--time-to`, or detected columns) spread
//! a weight of 1 over the hours of their interval; exact times put 1 in their hour. `--csv` writes the
//! table (`weekday,h00,...,h23`, Monday to Sunday); with `--by problem-area` a first column
//! `problem_area` holds `all` and then each problem area with incidents. The JSON beside the CSV
//! (`OUT.json`) holds the tables and the totals (exact, interval, unknown).

use crate::common::{Context, IngestArgs, load};
use anyhow::Context as _;
use hotspot::categories::CategoryTable;
use hotspot::ingest::parse_timezone;
use hotspot::temporal::{AoristicOptions, WEEKDAYS, WeekHourTable};
use hotspot_render::{Chart, HeatTable, Locale, Size};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How to split the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// One table per problem area (from the category table), after the table of all incidents.
    ProblemArea,
}

/// Flags of `hotspot temporal`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON) with times (a time column, or from/to columns).
    pub input: PathBuf,
    /// Write the weekday x hour table here (CSV); the totals go to the same name with `.json`.
    #[arg(long, value_name = "OUT")]
    pub csv: PathBuf,
    /// Also one table per group.
    #[arg(long, value_enum, value_name = "GROUPS")]
    pub by: Option<By>,
    /// Category table (TOML) mapping raw categories to problem areas (for --by problem-area);
    /// default: the built-in table.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Draw the table of all incidents as a heat table (PNG); with --by, one more PNG per group
    /// (`NAME-<area>.png`).
    #[arg(long, value_name = "PNG")]
    pub chart: Option<PathBuf>,
    /// Ingest flags.
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// One table of the JSON output.
#[derive(Serialize)]
struct Group<'a> {
    group: String,
    #[serde(flatten)]
    table: &'a WeekHourTable,
}

/// The JSON written beside the CSV.
#[derive(Serialize)]
struct Output<'a> {
    method: &'static str,
    timezone: String,
    max_time_span_days: f64,
    tables: Vec<Group<'a>>,
}

/// Errors when `out` is the input file (output never overwrites input).
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

/// The heat-table chart of a weekday x hour table (rows Monday to Sunday, columns 00-23).
pub fn heat_chart(table: &WeekHourTable, title: &str) -> Chart {
    let t = &table.totals;
    Chart::Heat(HeatTable {
        title: title.to_string(),
        row_labels: WEEKDAYS.iter().map(|d| d[..3].to_string()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        values: table
            .weights
            .iter()
            .map(|r| r.iter().map(|v| Some(*v)).collect())
            .collect(),
        suppressed: String::new(),
        note: format!(
            "Aoristic weights (Ratcliffe 2002): {} exact, {} with a from/to interval spread over its hours, {} time unknown (not shown).",
            t.exact, t.interval, t.unknown
        ),
        locale: Locale::EN,
    })
}

fn draw(chart: &Chart, path: &Path) -> anyhow::Result<()> {
    let size = chart.suggested_size(Size::CHART_SCREEN);
    chart
        .render_png(size, path)
        .with_context(|| format!("drawing {}", path.display()))
}

/// Runs `hotspot temporal`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    // No output may replace an input (exit 2 before anything is written).
    crate::common::refuse_overwriting_inputs(
        &[
            Some(&args.input),
            args.ingest.boundary.as_deref(),
            args.categories.as_deref(),
        ],
        &[
            ("--csv", Some(&args.csv)),
            ("--chart", args.chart.as_deref()),
        ],
        &[],
    )?;
    not_input(&args.csv, &args.input)?;
    let opts = AoristicOptions {
        timezone: parse_timezone(&args.ingest.timezone)?,
        max_span_days: args.ingest.max_time_span,
    };
    opts.validate()?;
    let data = load(ctx, &args.ingest, &args.input)?;
    let inc = &data.incidents;
    if !inc.has_times() {
        anyhow::bail!(
            "{}: no incident has a time; name the time column with --time, or --time-from/--time-to",
            args.input.display()
        );
    }
    let all = WeekHourTable::compute(inc, None, &opts)?;
    let mut groups: Vec<(String, WeekHourTable)> = vec![("all".to_string(), all)];
    if args.by == Some(By::ProblemArea) {
        let table = match &args.categories {
            Some(p) => CategoryTable::read(p)?,
            None => CategoryTable::default_table(),
        };
        let c = table.classify(inc);
        for (area, t) in WeekHourTable::by_problem_area(inc, &c, &opts)? {
            groups.push((area.id().to_string(), t));
        }
    }
    let mut csv = String::new();
    for (k, (name, t)) in groups.iter().enumerate() {
        let body = t.to_csv();
        if args.by.is_none() {
            csv.push_str(&body);
            continue;
        }
        for (j, line) in body.lines().enumerate() {
            if j == 0 && k > 0 {
                continue;
            }
            let first = if j == 0 {
                "problem_area"
            } else {
                name.as_str()
            };
            csv.push_str(&format!("{first},{line}\n"));
        }
    }
    hotspot::output::write_atomic(&args.csv, csv)
        .with_context(|| format!("writing {}", args.csv.display()))?;
    let json_path = args.csv.with_extension("json");
    not_input(&json_path, &args.input)?;
    let out = Output {
        method: "aoristic weights (Ratcliffe & McCullagh 1998; Ratcliffe 2002): each from/to interval spreads 1 over the local hours of the week by its seconds in each hour",
        timezone: opts.timezone.name().to_string(),
        max_time_span_days: opts.max_span_days,
        tables: groups
            .iter()
            .map(|(g, t)| Group {
                group: g.clone(),
                table: t,
            })
            .collect(),
    };
    hotspot::output::write_atomic(&json_path, serde_json::to_string_pretty(&out)? + "\n")
        .with_context(|| format!("writing {}", json_path.display()))?;
    if let Some(png) = &args.chart {
        not_input(png, &args.input)?;
        for (k, (name, t)) in groups.iter().enumerate() {
            let path = if k == 0 {
                png.clone()
            } else {
                let stem = png.file_stem().and_then(|s| s.to_str()).unwrap_or("chart");
                png.with_file_name(format!("{stem}-{name}.png"))
            };
            let title = if k == 0 {
                "Incidents by weekday and hour".to_string()
            } else {
                format!("Incidents by weekday and hour: {name}")
            };
            draw(&heat_chart(t, &title), &path)?;
        }
    }
    ctx.note(groups[0].1.totals.summary());
    ctx.note(format!(
        "wrote {} and {}",
        args.csv.display(),
        json_path.display()
    ));
    Ok(())
}
