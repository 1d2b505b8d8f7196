//! Reading incidents from CSV and GeoJSON, with row-level diagnostics.
//!
//! Readers never panic on input and never drop a row silently: every rejected
//! row is counted by [`RejectReason`] with its line (CSV) or feature number
//! (GeoJSON).
//!
//! Entry point: [`read_path`] (CSV or GeoJSON by extension or content) with
//! [`ReadOptions`], returning [`Ingested`]: the incidents in a metric working CRS,
//! the [`IngestReport`], the [`Projector`] back to lon/lat and the optional
//! [`StudyArea`].
//!
//! Pipeline, the same for both formats:
//! 1. rows are parsed (in parallel chunks, file order kept): field count,
//!    UTF-8, coordinates (missing, not a number, NaN/inf, 0,0, latitude and
//!    longitude ranges, latitude > 90 with a valid-latitude longitude = swapped),
//!    time ([`parse_time`]) and weight;
//! 2. the working CRS is chosen: `--crs` if given, else
//!    [`Crs::default_for_lonlat`](crate::Crs::default_for_lonlat) of the component-wise median lon/lat of the rows
//!    that passed step 1; projected input keeps its declared CRS;
//! 3. positions are projected (in parallel, order kept);
//! 4. rows outside the study area, or farther than `max_distance_m` from the
//!    median position, are rejected; if swapping such a row's lat and lon puts it
//!    inside, the reason is [`RejectReason::SwappedLatLon`];
//! 5. the incidents are built in file order; rejections are sorted by line. With
//!    `strict`, the rejection with the smallest line number becomes [`Error::Rejected`].
//!
//! Row rules:
//! - **id**: the id column's value; when there is no id column or the field
//!   is empty, the 1-based data row (CSV) or feature number (GeoJSON).
//! - **time**: an empty time field means "no time" (the row is kept, with
//!   `None`); a non-empty field that [`parse_time`] cannot read is
//!   `unreadable_time`.
//! - **time interval**: with a to-time column (`--time-to`, or detected), a
//!   row with both times happened in `[from, to)` ([`Incidents::interval_lengths`]);
//!   an empty to, or one equal to from, is an exact time; a to before from is
//!   `time_to_before_from`; an unreadable to is `unreadable_time`.
//! - **weight**: 1 without a weight column; with one, every row needs a
//!   finite number >= 0, and an empty or missing weight is `invalid_weight`
//!   (a blank is not silently read as 1).
//! - **category**: the trimmed text; empty when there is no category column.
//! - **lon/lat** as read are kept in [`Incidents::lonlat`]; projected input keeps none.
//!
//! Speed (1M rows, 5 columns, lon/lat with offset times, `benches/ingest.rs`):
//! 0.46 s wall and 0.85 s of CPU time in total (tokenise, parse, project, check,
//! build) on the project's 2-core machine, of which projecting is about 30%;
//! 1M rows of `x,y` metres take 0.22 s.

mod boundary;
pub(crate) mod columns;
mod csv;
pub(crate) mod geojson;
pub mod layers;
mod options;
pub(crate) mod pipeline;
pub mod quality;
pub(crate) mod report;
pub(crate) mod timeparse;

pub use boundary::Boundary;
pub use columns::CoordinateKind;
pub use geojson::{check_geometry, geometry_to_geo};
pub use options::{
    ColumnNames, DEFAULT_MAX_DISTANCE_M, DEFAULT_MAX_TIME_SPAN_DAYS, ReadOptions, TextEncoding,
    parse_delimiter, parse_timezone,
};
pub use report::{IngestReport, InputFormat, Rejection};
#[cfg(test)]
pub(crate) use timeparse::interval_len;
pub use timeparse::parse_time;

use crate::crs::Projector;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use std::path::Path;

/// The result of reading an incident file.
#[derive(Debug)]
pub struct Ingested {
    /// The accepted incidents, in file order, in the working CRS.
    pub incidents: Incidents,
    /// Rows read, accepted, rejected (by reason, with lines), columns and CRS.
    pub report: IngestReport,
    /// Converts between the working CRS and lon/lat (for output).
    pub projector: Projector,
    /// The study area in the working CRS, when a boundary was given.
    pub study_area: Option<StudyArea>,
}

/// Reads an incident file: GeoJSON when the name ends in `.geojson` or
/// `.json` or the content starts with `{`, a GeoPackage point layer for
/// `FILE.gpkg` or `FILE.gpkg:LAYER` ([`crate::gpkg`]), otherwise CSV.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Parse`] for empty,
/// header-only, non-UTF-8 or malformed files and files without usable
/// coordinates; [`Error::Rejected`] for the first bad row when
/// `opts.strict`; [`Error::InvalidParameter`] for bad options or unknown
/// column names; [`Error::Crs`] for an unusable working CRS;
/// [`Error::InsufficientData`] when no row has usable coordinates.
///
/// # Example
/// ```no_run
/// use hotspot::ingest::{read_path, ReadOptions};
/// let data = read_path("data/memphis-robberies/memphis_robberies.csv".as_ref(), &ReadOptions::default())?;
/// eprintln!("{}", data.report.summary());
/// assert_eq!(data.incidents.crs().name(), "EPSG:32616");
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    opts.validate()?;
    if crate::gpkg::is_gpkg_path(path) {
        return crate::gpkg::read_incidents(path, opts);
    }
    if looks_like_geojson(path)? {
        geojson::read_geojson(path, opts)
    } else {
        csv::read_csv(path, opts)
    }
}

fn looks_like_geojson(path: &Path) -> Result<bool> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("geojson" | "json") => return Ok(true),
        Some("csv" | "tsv" | "txt") => return Ok(false),
        _ => {}
    }
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = [0u8; 256];
    let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
    let head = buf[..n].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf[..n]);
    Ok(head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{'))
}

// `RejectReason` lives in `crate::error` (so that the error type imports nothing from ingest);
// it stays reachable as `hotspot::ingest::RejectReason`.
pub use crate::error::RejectReason;
