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
                weight: self.weight.clone(),
                id: self.id.clone(),
            },
            crs,
            timezone: parse_timezone(&self.timezone)?,
            delimiter: self.delimiter.as_deref().map(parse_delimiter).transpose()?,
            strict: self.strict,
            max_distance_m,
            boundary,
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

/// Refuses any output that resolves to one of the inputs (exit 2, before anything is written).
/// (For the command call sites; round 2 wires it into the commands h14 is moving.)
#[allow(dead_code)]
///
/// `outputs` are `(flag, path)` pairs such as `("--out", out)`.
///
/// # Errors
/// [`hotspot::Error::InvalidParameter`] naming the flag and the input.
pub fn refuse_overwriting_inputs(
    inputs: &[&Path],
    outputs: &[(&'static str, Option<&Path>)],
) -> anyhow::Result<()> {
    let mut guard = InputGuard::new();
    guard.inputs(inputs.iter().copied());
    for (flag, p) in outputs {
        if let Some(p) = p {
            guard.check(flag, p)?;
        }
    }
    Ok(())
}

/// A CSV file written atomically, with every text cell made spreadsheet-safe
/// ([`hotspot::output::safe_cell`]: a leading apostrophe before `=`, `+`, `-`, `@`, tab, CR).
pub struct SafeCsv {
    w: csv::Writer<hotspot::output::AtomicFile>,
}

impl SafeCsv {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// When the temporary file beside `path` cannot be created.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let f = hotspot::output::AtomicFile::create(path)?;
        Ok(Self {
            w: csv::Writer::from_writer(f),
        })
    }

    /// Writes one record, each cell through [`hotspot::output::safe_cell`].
    ///
    /// # Errors
    /// When writing fails.
    pub fn record<I, S>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| hotspot::output::safe_cell(c.as_ref()).into_owned())
            .collect();
        self.w.write_record(&cells)?;
        Ok(())
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    /// When flushing or renaming fails.
    pub fn finish(self) -> anyhow::Result<()> {
        let f = self
            .w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        f.commit()?;
        Ok(())
    }
}
