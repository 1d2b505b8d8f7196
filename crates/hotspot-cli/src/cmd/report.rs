//! `hotspot report`: the flags, the incidents read with the ingest flags, and one call into
//! `hotspot_report`, which runs the situation, renders it and writes the output folder (a
//! "lägesbild" for the citizen promise: `report.html`, maps, layers, tables, `summary.json` and a
//! run manifest; see `docs/report.md`).

use crate::common::{Context, IngestArgs, load};
use hotspot_report::{Config, Lang, Progress, Report, Settings};
use indicatif::ProgressBar;
use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Report language (`--lang`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl LangArg {
    fn lang(self) -> Lang {
        match self {
            LangArg::Sv => Lang::Sv,
            LangArg::En => Lang::En,
        }
    }
}

/// Flags of `hotspot report`. Every key of the config file is also a flag and wins over it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The report configuration (TOML; paths in it are relative to its folder).
    pub config: PathBuf,
    /// Output folder. Written as a whole: into a temporary folder beside it, moved into place when
    /// complete; files of an earlier report (listed in its `manifest.json`) are replaced or removed,
    /// any other file in it stops the run unless `--force`. Default: `report/` beside the config.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into an output folder that holds files no earlier report wrote (they are kept).
    #[arg(long)]
    pub force: bool,
    /// Report language.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Public mode: no incident positions, counts below --min-count suppressed everywhere.
    #[arg(long)]
    pub public: bool,
    /// Smallest count shown in public mode (smaller positive counts are suppressed).
    #[arg(long, value_name = "N")]
    pub min_count: Option<u64>,
    /// Public mode: fewest distinct positions (addresses) behind a shown density cell, hotspot or
    /// cluster (default 3; key `min_positions`): five events at one home make no public peak.
    #[arg(long, value_name = "N")]
    pub min_positions: Option<u64>,
    /// Keep incidents on stacked positions (a position shared by at least --stack-min incidents,
    /// usually a geocoding placeholder) in the density surface and hotspots (key `keep_stacked`).
    #[arg(long)]
    pub keep_stacked: bool,
    /// Incidents on one position from which it counts as a stack (default 10; key `stack_min`).
    #[arg(long, value_name = "N")]
    pub stack_min: Option<u64>,
    /// Report title (default: translated "Situation report" with the place).
    #[arg(long)]
    pub title: Option<String>,
    /// Place name shown in the title (e.g. Vingåker).
    #[arg(long)]
    pub place: Option<String>,
    /// Data source text for the subtitle and attribution.
    #[arg(long)]
    pub source: Option<String>,
    /// Incident file (CSV or GeoJSON). Overrides `incidents` in the config.
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,
    /// Schools (GeoJSON points with a `name` property).
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// Basemap places: points with a `name` (squares, stations, schools, villages); results are
    /// named after them (docs/basemap.md).
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Basemap roads (GeoJSON lines, lon/lat; optional `name`, class from `highway`/`class`).
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Basemap water (GeoJSON polygons or lines, lon/lat).
    #[arg(long, value_name = "FILE")]
    pub water: Option<PathBuf>,
    /// Basemap buildings (GeoJSON polygons, lon/lat).
    #[arg(long, value_name = "FILE")]
    pub buildings: Option<PathBuf>,
    /// Category table (TOML) mapping categories to problem areas; default: the built-in table.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// First day of the period (YYYY-MM-DD); earlier incidents are left out and counted.
    #[arg(long, value_name = "DATE")]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<chrono::NaiveDate>,
    /// Random seed for the analyses that simulate (recorded in the manifest).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Cell size of density surfaces, metres.
    #[arg(long, value_name = "M")]
    pub cell_m: Option<f64>,
    /// Kernel bandwidth, metres (default: chosen from the data).
    #[arg(long, value_name = "M")]
    pub bandwidth_m: Option<f64>,
    /// Hotspots: the densest this percent of the study area.
    #[arg(long, value_name = "PCT")]
    pub hotspot_top_percent: Option<f64>,
    /// Hotspots with fewer incidents than this are not reported.
    #[arg(long, value_name = "N")]
    pub hotspot_min_incidents: Option<u64>,
    /// Cell size of the aggregated count grid (public maps), metres.
    #[arg(long, value_name = "M")]
    pub grid_m: Option<f64>,
    /// School zone radius, metres.
    #[arg(long, value_name = "M")]
    pub school_radius_m: Option<f64>,
    /// Number of patrol zones to recommend.
    #[arg(long, value_name = "N")]
    pub patrol_zones: Option<usize>,
    /// Patrol zone radius, metres.
    #[arg(long, value_name = "M")]
    pub patrol_radius_m: Option<f64>,
    /// Patrol zones weigh every incident, also fraud and online/phone offences (default: only
    /// patrollable categories; key `include_all`).
    #[arg(long)]
    pub include_all: bool,
    /// Built-up or populated polygons (GeoJSON): the area at risk (hotspot threshold, Gi*) is
    /// restricted to them (key `at_risk`).
    #[arg(long, value_name = "FILE")]
    pub at_risk: Option<PathBuf>,
    /// Restrict the area at risk to cells within M metres of an incident of the whole file (key
    /// `at_risk_from_incidents`).
    #[arg(long, value_name = "M")]
    pub at_risk_from_incidents: Option<f64>,
    /// How the bandwidth is chosen when --bandwidth-m is not given: `predictive` (temporal
    /// cross-validation over 50-400 m, the default) or `arcgis` (key `bandwidth_rule`).
    #[arg(long, value_name = "RULE")]
    pub bandwidth_rule: Option<String>,
    /// Also write A4 300 dpi PNGs of the maps (`true`/`false`).
    #[arg(long, value_name = "BOOL")]
    pub print: Option<bool>,
    /// Tile URL template for `map.html` (`https://.../{z}/{x}/{y}.png`), for readers who are
    /// online; without it the page makes no network request.
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,
    /// Patrol zones' out-of-sample check: choose them on all but the last N months, score them on
    /// those, then choose again on all months (0 = no check; default a quarter of the span; key
    /// `holdout`).
    #[arg(long, value_name = "N", alias = "holdout-months")]
    pub holdout: Option<u32>,
    /// Perceived unsafety: pins from safety walks or map surveys (CSV or GeoJSON points, optional
    /// `weight` = respondents and `concern`; polygons at their representative point). Adds the
    /// section comparing them with the incidents (key `perceived`; docs/perception.md).
    #[arg(long, value_name = "FILE")]
    pub perceived: Option<PathBuf>,
    /// Cell side of the perception comparison, metres (default 250; key `perceived_cell_m`).
    #[arg(long, value_name = "M")]
    pub perceived_cell_m: Option<f64>,
    /// Input flags (columns, CRS, boundary, ...).
    #[command(flatten)]
    pub ingest: IngestArgs,
}

impl Args {
    fn flags(&self) -> Config {
        Config {
            title: self.title.clone(),
            place: self.place.clone(),
            source: self.source.clone(),
            incidents: self.incidents.clone(),
            boundary: self.ingest.boundary.clone(),
            schools: self.schools.clone(),
            places: self.places.clone(),
            roads: self.roads.clone(),
            water: self.water.clone(),
            buildings: self.buildings.clone(),
            categories: self.categories.clone(),
            out: self.out.clone(),
            lang: self.lang.map(LangArg::lang),
            public: self.public.then_some(true),
            min_count: self.min_count,
            min_positions: self.min_positions,
            keep_stacked: self.keep_stacked.then_some(true),
            stack_min: self.stack_min,
            from: self.from,
            to: self.to,
            seed: self.seed,
            cell_m: self.cell_m,
            bandwidth_m: self.bandwidth_m,
            hotspot_top_percent: self.hotspot_top_percent,
            hotspot_min_incidents: self.hotspot_min_incidents,
            grid_m: self.grid_m,
            school_radius_m: self.school_radius_m,
            patrol_zones: self.patrol_zones,
            patrol_radius_m: self.patrol_radius_m,
            include_all: self.include_all.then_some(true),
            at_risk: self.at_risk.clone(),
            at_risk_from_incidents: self.at_risk_from_incidents,
            bandwidth_rule: self.bandwidth_rule.clone(),
            print: self.print,
            tiles: self.tiles.clone(),
            holdout: self.holdout,
            perceived: self.perceived.clone(),
            perceived_cell_m: self.perceived_cell_m,
            // The ingest flags win over the config's `timezone` / `max_time_span` when given with
            // a value other than their default.
            timezone: (self.ingest.timezone != "Europe/Stockholm")
                .then(|| self.ingest.timezone.clone()),
            max_time_span: (self.ingest.max_time_span
                != hotspot::ingest::DEFAULT_MAX_TIME_SPAN_DAYS)
                .then_some(self.ingest.max_time_span),
            ..Config::default()
        }
    }
}

/// The report's progress on the terminal: a spinner per step and its time (when stderr is a
/// terminal and not `--quiet`), notes on stderr unless `--quiet`.
struct Steps<'a> {
    ctx: &'a Context,
    bars: RefCell<Vec<ProgressBar>>,
}

impl Progress for Steps<'_> {
    fn begin(&self, msg: &str) {
        self.bars
            .borrow_mut()
            .push(self.ctx.spinner(msg.to_string()));
    }

    fn end(&self, msg: &str, ok: bool, elapsed: Duration) {
        if let Some(pb) = self.bars.borrow_mut().pop() {
            pb.finish_and_clear();
        }
        if ok && self.ctx.show_progress() {
            eprintln!("  {msg} ({:.1} s)", elapsed.as_secs_f64());
        }
    }

    fn note(&self, msg: &str) {
        self.ctx.note(msg);
    }
}

/// Runs `hotspot report`.
pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let file = Config::read(&args.config)?;
    let settings = Settings::resolve(file, args.flags(), &args.config)?;
    // The zone and span of the config (or the flags): the weights and the reading of the times.
    let aoristic = settings.aoristic()?;
    let mut ingest = args.ingest.clone();
    ingest.timezone = settings.timezone.clone();
    ingest.max_time_span = settings.max_time_span;
    let report = Report::prepare(&args.config, settings, aoristic, args.force)?;
    // The incidents, within the study area of the config or --boundary.
    ingest.boundary = report.boundary().map(PathBuf::from);
    let data = load(ctx, &ingest, report.incidents())?;
    let steps = Steps {
        ctx,
        bars: RefCell::new(Vec::new()),
    };
    let done = report.write(&data, &steps)?;
    if done.kept_unknown > 0 {
        ctx.note(format!(
            "kept {} file(s) in {} that no earlier report wrote (--force)",
            done.kept_unknown,
            done.folder.display()
        ));
    }
    ctx.note(format!(
        "{} {} ({:.1} s)",
        done.done_label,
        done.report_html.display(),
        t0.elapsed().as_secs_f64()
    ));
    Ok(())
}
