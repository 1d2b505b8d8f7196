//! What every subcommand shares: the run context (threads, quiet, progress) and the ingest flags.

use hotspot::Crs;
use hotspot::ingest::{
    Boundary, ColumnNames, Ingested, ReadOptions, parse_delimiter, parse_timezone, read_path,
};
use hotspot::output::InputGuard;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Settings every subcommand runs under.
#[allow(dead_code)]
pub struct Context {
    /// Suppress progress and summaries.
    pub quiet: bool,
    pool: rayon::ThreadPool,
}

#[allow(dead_code)] // helpers used by subcommands as they land
impl Context {
    /// A context with `threads` workers (0 = all cores).
    pub fn new(threads: usize, quiet: bool) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(Self { quiet, pool })
    }

    /// Runs `f` inside the thread pool.
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.pool.install(f)
    }

    /// Whether progress should be drawn: stderr is a terminal and not `--quiet`.
    pub fn show_progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// A spinner for a step of unknown length; hidden in pipes and with `--quiet`.
    pub fn spinner(&self, msg: impl Into<String>) -> ProgressBar {
        let pb = if self.show_progress() {
            ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        };
        pb.set_message(msg.into());
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    }

    /// Prints a line to stderr unless `--quiet`.
    pub fn note(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }
}

/// The ingest flags every subcommand takes (`#[command(flatten)] pub ingest: IngestArgs`).
///
/// Column flags override the header detection; everything else has a default
/// that works for the files in `data/`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Input")]
pub struct IngestArgs {
    /// Latitude column (degrees). Default: detected (latitude, latitud, lat, y).
    #[arg(long, value_name = "COLUMN")]
    pub lat: Option<String>,
    /// Longitude column (degrees). Default: detected (longitude, longitud, lon, lng, long, x).
    #[arg(long, value_name = "COLUMN")]
    pub lon: Option<String>,
    /// Easting column of projected input (needs --crs). Default: detected (easting, x).
    #[arg(long, value_name = "COLUMN")]
    pub x: Option<String>,
    /// Northing column of projected input (needs --crs). Default: detected (northing, y).
    #[arg(long, value_name = "COLUMN")]
    pub y: Option<String>,
    /// Category column. Default: detected (category, crime type, offense_type, brottstyp, type, ...).
    #[arg(long, value_name = "COLUMN")]
    pub category: Option<String>,
    /// Time column. Default: detected (datetime, occurred_at, time, date, datum, month, ...).
    #[arg(long, value_name = "COLUMN")]
    pub time: Option<String>,
    /// Start of a from/to time interval (takes the place of --time). Default: detected (from,
    /// start, starttid, från, tidigast, first_occurrence, ...).
    #[arg(long, value_name = "COLUMN")]
    pub time_from: Option<String>,
    /// End of a from/to time interval: the incident happened in [from, to). Default: detected
    /// (to, end, sluttid, till, senast, last_occurrence, ...).
    #[arg(long, value_name = "COLUMN")]
    pub time_to: Option<String>,
    /// From/to intervals longer than this (days) are kept but count as time unknown for
    /// hour analyses (weekday x hour, school time classes, patrol windows).
    #[arg(long, value_name = "DAYS", default_value_t = hotspot::ingest::DEFAULT_MAX_TIME_SPAN_DAYS)]
    pub max_time_span: f64,
    /// Weight column (numbers >= 0). Default: detected (weight, vikt), else every incident weighs 1.
    #[arg(long, value_name = "COLUMN")]
    pub weight: Option<String>,
    /// Id column. Default: detected (id, uid, crime id, incidntnum, ...), else the 1-based data row.
    #[arg(long, value_name = "COLUMN")]
    pub id: Option<String>,
    /// For lon/lat input: the metric working CRS (default SWEREF 99 TM in Sweden, else the UTM
    /// zone of the data's median position). For x/y input: the CRS of the coordinates (required).
    #[arg(long, value_name = "EPSG:NNNN")]
    pub crs: Option<String>,
    /// Time zone for times without an offset (IANA name).
    #[arg(long, value_name = "ZONE", default_value = "Europe/Stockholm")]
    pub timezone: String,
    /// CSV separator: `,` `;` `|` or `tab`. Default: detected from the header line.
    #[arg(long, value_name = "SEP")]
    pub delimiter: Option<String>,
    /// Stop at the first rejected row with an error instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Character encoding of a CSV file: utf-8, windows-1252 or latin-1 (default: UTF-8 when
    /// the file is valid UTF-8, else Windows-1252 with a note).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Write the rejected rows, verbatim with their line and reason, to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Study-area polygon (GeoJSON, lon/lat or with a `crs` member): incidents outside are rejected.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// Reject rows farther than this from the median position, in km (0 turns the check off).
    #[arg(long, value_name = "KM", default_value_t = 100.0)]
    pub max_distance_km: f64,
}

impl IngestArgs {
    /// The library's read options for these flags (the boundary file is read here).
    ///
    /// # Errors
    /// Bad CRS, time zone, separator, distance, or an unreadable boundary file.
    pub fn read_options(&self) -> anyhow::Result<ReadOptions> {
        let crs = self.crs.as_deref().map(Crs::parse).transpose()?;
        let max_distance_m = if self.max_distance_km == 0.0 {
            None
        } else {
            Some(self.max_distance_km * 1000.0)
        };
        let boundary = self
            .boundary
            .as_deref()
            .map(|p| Boundary::read(p, None))
            .transpose()?;
        let opts = ReadOptions {
            columns: ColumnNames {
                lat: self.lat.clone(),
                lon: self.lon.clone(),
                x: self.x.clone(),
                y: self.y.clone(),
                category: self.category.clone(),
                time: self.time.clone(),
                time_from: self.time_from.clone(),
                time_to: self.time_to.clone(),
                weight: self.weight.clone(),
                id: self.id.clone(),
            },
            crs,
            timezone: parse_timezone(&self.timezone)?,
            delimiter: self.delimiter.as_deref().map(parse_delimiter).transpose()?,
            strict: self.strict,
            encoding: self
                .encoding
                .as_deref()
                .map(hotspot::ingest::TextEncoding::parse)
                .transpose()?,
            max_distance_m,
            boundary,
            max_time_span_days: self.max_time_span,
        };
        opts.validate()?;
        Ok(opts)
    }
}

/// Reads an incident file with the ingest flags: the one loader every subcommand uses.
///
/// Returns the incidents (working CRS, metres), the ingest report, the projector
/// back to lon/lat and the study area (when `--boundary` was given). Prints the
/// rejection summary to stderr unless `--quiet`, and writes `--rejects`.
///
/// # Errors
/// Any ingest error (unreadable file, no coordinates, `--strict` rejection, bad flags).
pub fn load(ctx: &Context, args: &IngestArgs, path: &Path) -> anyhow::Result<Ingested> {
    if let Some(r) = &args.rejects {
        let mut guard = InputGuard::new();
        guard.input(path);
        if let Some(b) = &args.boundary {
            guard.input(b);
        }
        guard.check("--rejects", r)?;
    }
    let opts = args.read_options()?;
    let pb = ctx.spinner(format!("reading {}", path.display()));
    let data = read_path(path, &opts);
    pb.finish_and_clear();
    let data = data?;
    if let Some(r) = &args.rejects {
        data.report.write_rejects(r)?;
    }
    ctx.note(data.report.summary());
    if let Some(r) = &args.rejects {
        ctx.note(format!(
            "  rejected rows written to {} ({} rows)",
            r.display(),
            data.report.rejected()
        ));
    }
    Ok(data)
}

// Helpers shared by several commands (moved from `cmd/schools.rs` so that commands do not import
// each other).

use hotspot::categories::CategoryTable;
use hotspot::schools::{CalendarConfig, ProblemAreas};
use hotspot::{Incidents, StudyArea};
use serde::Deserialize;
use serde_json::{Value, json};

/// The configuration file shared by `schools` and `patrol`.
#[derive(Debug, Default, Deserialize)]
pub struct FileConfig {
    /// School calendar.
    #[serde(default)]
    pub calendar: Option<CalendarConfig>,
    /// Patrol settings.
    #[serde(default)]
    pub patrol: Option<PatrolConfig>,
}

/// The `[patrol]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatrolConfig {
    /// Start and end of the route (e.g. the police station), `[lon, lat]`.
    pub start: Option<[f64; 2]>,
}

/// Reads `--config`, or the defaults without one.
pub fn read_config(path: Option<&Path>) -> anyhow::Result<FileConfig> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| hotspot::Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| {
        hotspot::Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
        .into()
    })
}

/// Problem areas and harm weights from the category table; lists unknown categories.
pub fn problem_areas(
    ctx: &Context,
    incidents: &Incidents,
    table: Option<&Path>,
) -> anyhow::Result<ProblemAreas> {
    Ok(ProblemAreas::from_classification(&classification(
        ctx, incidents, table,
    )?))
}

/// The category table's classification of `incidents` (problem area, harm and patrollable flag per
/// incident), with a note on categories not in the table (see [`problem_areas`]).
pub fn classification(
    ctx: &Context,
    incidents: &Incidents,
    table: Option<&Path>,
) -> anyhow::Result<hotspot::categories::Classification> {
    let table = match table {
        Some(p) => CategoryTable::read(p)?,
        None => CategoryTable::default_table(),
    };
    let c = table.classify(incidents);
    if c.unknown_total() > 0 {
        let list: Vec<String> = c
            .unknown()
            .iter()
            .take(10)
            .map(|(n, k)| format!("{n} ({k})"))
            .collect();
        ctx.note(format!(
            "note: {} incidents in {} categories not in the category table were put under `other`: {}{}",
            c.unknown_total(),
            c.unknown().len(),
            list.join(", "),
            if c.unknown().len() > 10 { ", ..." } else { "" }
        ));
    }
    Ok(c)
}

/// The study area from `--boundary`, or the bounding box of the incidents and `extra` points padded by
/// `pad_m` (`hotspot::ingest::layers::padded_box`, with a note saying so).
pub fn study_area_or_box(
    ctx: &Context,
    given: Option<StudyArea>,
    incidents: &Incidents,
    extra: &[[f64; 2]],
    pad_m: f64,
) -> anyhow::Result<StudyArea> {
    if let Some(s) = given {
        return Ok(s);
    }
    let sa = hotspot::ingest::layers::padded_box(incidents, extra, pad_m)?;
    note_box(ctx, pad_m, &sa);
    Ok(sa)
}

/// The note printed when the study area is the padded box of the data.
pub fn note_box(ctx: &Context, pad_m: f64, sa: &StudyArea) {
    ctx.note(format!(
        "note: no --boundary: the study area is the bounding box of the data padded by {pad_m} m ({:.2} km²); rates against \"the rest of the study area\" depend on it, so give the municipality boundary for a real analysis",
        sa.area_km2()
    ));
}

/// A number for CSV/GeoJSON: fixed decimals; `NaN` and infinities as text.
pub fn num(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        let s = format!("{v:.decimals$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// A p-value for CSV: 6 decimals, scientific below 1e-4 (0 means below the smallest double, ~1e-308).
pub fn pval(p: f64) -> String {
    if p.is_finite() && p > 0.0 && p < 1e-4 {
        format!("{p:.3e}")
    } else {
        num(p, 6)
    }
}

/// A JSON number (`null` for NaN and infinities, which JSON cannot hold).
pub fn jnum(v: f64, decimals: i32) -> Value {
    if v.is_finite() {
        let f = 10f64.powi(decimals);
        json!((v * f).round() / f)
    } else {
        Value::Null
    }
}

/// Parses `1%,5%,10%` or `0.01,0.05` into shares.
pub fn parse_coverages(s: &str) -> anyhow::Result<Vec<f64>> {
    let mut out = Vec::new();
    for t in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let v = if let Some(p) = t.strip_suffix('%') {
            p.trim().parse::<f64>().map(|v| v / 100.0)
        } else {
            t.parse::<f64>()
        };
        let v = v.map_err(|_| {
            hotspot::Error::invalid(
                "--coverage",
                t,
                "write shares as 5% or 0.05, comma separated",
            )
        })?;
        out.push(v);
    }
    hotspot::evaluate::check_coverages(&out)?;
    Ok(out)
}

/// Refuses any output that resolves to one of the inputs (exit 2, before anything is written).
///
/// `inputs` are the command's input files (absent ones skipped); `outputs` are `(flag, path)`
/// pairs such as `("--labels", labels)`; `dirs` are output folders (`("--out", out)`), refused
/// also when an input lies inside them.
///
/// # Errors
/// [`hotspot::Error::InvalidParameter`] naming the flag and the input.
pub fn refuse_overwriting_inputs(
    inputs: &[Option<&Path>],
    outputs: &[(&'static str, Option<&Path>)],
    dirs: &[(&'static str, &Path)],
) -> anyhow::Result<()> {
    let mut guard = InputGuard::new();
    guard.inputs(inputs.iter().flatten().copied());
    for (flag, p) in outputs {
        if let Some(p) = p {
            guard.check(flag, p)?;
        }
    }
    for (flag, d) in dirs {
        guard.check_dir(flag, d)?;
    }
    Ok(())
}

/// The spreadsheet-safe atomic CSV writer (in the library, shared by every command).
pub use hotspot::output::SafeCsv;

/// The basemap flags of commands that draw a map (`#[command(flatten)] pub basemap:
/// BasemapArgs`): layers drawn under the data in muted colours, places and larger roads
/// labelled (docs/basemap.md).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Basemap (maps only)")]
pub struct BasemapArgs {
    /// Named places (points with `name`/`namn`): GeoJSON in lon/lat or FILE.gpkg[:LAYER].
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Roads (lines, optional name and class): GeoJSON in lon/lat or FILE.gpkg[:LAYER].
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Water (polygons): GeoJSON in lon/lat or FILE.gpkg[:LAYER].
    #[arg(long, value_name = "FILE")]
    pub water: Option<PathBuf>,
    /// Buildings (polygons): GeoJSON in lon/lat or FILE.gpkg[:LAYER].
    #[arg(long, value_name = "FILE")]
    pub buildings: Option<PathBuf>,
}

#[allow(dead_code)] // used by the commands that draw maps
impl BasemapArgs {
    /// The library's sources for these flags.
    pub fn sources(&self) -> hotspot::basemap::BasemapSources {
        hotspot::basemap::BasemapSources {
            places: self.places.clone(),
            roads: self.roads.clone(),
            water: self.water.clone(),
            buildings: self.buildings.clone(),
        }
    }

    /// The layer to draw under a map's data (English legend), or `None` when no flag is
    /// given or the layers hold nothing; skipped features are noted on stderr.
    ///
    /// # Errors
    /// A layer that cannot be read (see `hotspot::basemap::Basemap::read`).
    pub fn layer(
        &self,
        ctx: &Context,
        proj: &hotspot::crs::Projector,
    ) -> anyhow::Result<Option<hotspot_render::BasemapLayer>> {
        let src = self.sources();
        if src == hotspot::basemap::BasemapSources::default() {
            return Ok(None);
        }
        let bm = hotspot::basemap::Basemap::read(&src, proj)?;
        if !bm.skipped.is_empty() {
            ctx.note(format!(
                "note: {} basemap feature(s) left out (first: {} feature {}: {})",
                bm.skipped.len(),
                bm.skipped[0].path.display(),
                bm.skipped[0].feature,
                bm.skipped[0].reason
            ));
        }
        if bm.is_empty() {
            return Ok(None);
        }
        let mut layer = hotspot_render::BasemapLayer::new(&bm);
        layer.legend = hotspot_render::BasemapLegend {
            water: if bm.water.is_empty() {
                String::new()
            } else {
                "Water".into()
            },
            buildings: String::new(),
            major_roads: if bm.roads.is_empty() {
                String::new()
            } else {
                "Roads".into()
            },
            streets: String::new(),
        };
        Ok(Some(layer))
    }
}

/// The control-chart points of a follow-up series, shared by `hotspot follow-up` and the report
/// (moved to the rendering crate).
pub use hotspot_render::control_chart::control_points;

/// Flags defining the area at risk (shared by `kde`, `gistar`, `schools` and `perception`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AreaArgs {
    /// Water polygons (GeoJSON, like --boundary), removed from the area at risk.
    #[arg(long, value_name = "FILE")]
    pub water: Option<PathBuf>,
    /// Built-up or populated polygons (GeoJSON): the area at risk is restricted to them.
    #[arg(long, value_name = "FILE")]
    pub at_risk: Option<PathBuf>,
    /// Restrict the area at risk to cells within M metres of an incident of the whole data span.
    #[arg(long, value_name = "M")]
    pub at_risk_from_incidents: Option<f64>,
}

impl AreaArgs {
    /// Whether any flag was given.
    pub fn any(&self) -> bool {
        self.water.is_some() || self.at_risk.is_some() || self.at_risk_from_incidents.is_some()
    }

    /// The library options: polygons read and projected into the working CRS.
    ///
    /// # Errors
    /// An unreadable or unprojectable polygon file, named.
    pub fn options(
        &self,
        projector: &hotspot::Projector,
        study_area: Option<&hotspot::StudyArea>,
    ) -> anyhow::Result<hotspot::AreaAtRiskOptions> {
        use anyhow::Context as _;
        let read = |p: &Path| -> anyhow::Result<geo::MultiPolygon<f64>> {
            hotspot::ingest::layers::read_polygons(p, projector)
                .with_context(|| format!("reading {}", p.display()))
        };
        Ok(hotspot::AreaAtRiskOptions {
            study_area: study_area.cloned(),
            water: self.water.as_deref().map(read).transpose()?,
            at_risk: self.at_risk.as_deref().map(read).transpose()?,
            from_incidents_m: self.at_risk_from_incidents,
        })
    }
}
