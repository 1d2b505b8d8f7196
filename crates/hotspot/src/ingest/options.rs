//! Options of the readers: column names, CRS, time zone, separator, strictness, outlier distance and study area.

use super::boundary::Boundary;
use crate::crs::Crs;
use crate::error::{Error, Result};
use chrono_tz::Tz;

/// Column (or GeoJSON property) names chosen by the user; `None` means "detect from the header".
///
/// Names are matched case-insensitively against the header. Naming `lat`/`lon`
/// means lon/lat input; naming `x`/`y` means projected input, whose CRS must be
/// given in [`ReadOptions::crs`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnNames {
    /// Latitude column (degrees, WGS84).
    pub lat: Option<String>,
    /// Longitude column (degrees, WGS84).
    pub lon: Option<String>,
    /// Easting column of projected input (metres or the unit of the declared CRS).
    pub x: Option<String>,
    /// Northing column of projected input.
    pub y: Option<String>,
    /// Category (crime type) column.
    pub category: Option<String>,
    /// Time column.
    pub time: Option<String>,
    /// Start of the time interval (`--time-from`); takes the place of the time column.
    pub time_from: Option<String>,
    /// End of the time interval (`--time-to`).
    pub time_to: Option<String>,
    /// Weight column (non-negative numbers).
    pub weight: Option<String>,
    /// Id column.
    pub id: Option<String>,
}

/// Default distance beyond which a row counts as far from the rest of the data: 100 km.
pub const DEFAULT_MAX_DISTANCE_M: f64 = 100_000.0;

/// How to read an incident file. [`ReadOptions::default`] detects everything.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Column names that override detection.
    pub columns: ColumnNames,
    /// For lon/lat input: the working CRS to project to (default: SWEREF 99 TM
    /// in Sweden, else the UTM zone of the median position). For projected
    /// input: the CRS the coordinates are in (required), which becomes the working CRS.
    pub crs: Option<Crs>,
    /// Zone in which times without an offset are read (default Europe/Stockholm).
    pub timezone: Tz,
    /// CSV field separator; `None` detects comma, semicolon or tab from the header line.
    pub delimiter: Option<u8>,
    /// Make the first rejected row an error ([`Error::Rejected`]) instead of skipping it.
    pub strict: bool,
    /// Rows farther than this (metres) from the median position are rejected
    /// as [`super::RejectReason::FarFromData`]; `None` turns the check off.
    pub max_distance_m: Option<f64>,
    /// Study area: rows outside it are rejected as [`super::RejectReason::OutsideStudyArea`].
    pub boundary: Option<Boundary>,
    /// From/to intervals longer than this many days are kept, but count as
    /// "time unknown" for hour analyses (`--max-time-span`, default
    /// [`DEFAULT_MAX_TIME_SPAN_DAYS`]); the ingest report counts them.
    pub max_time_span_days: f64,
    /// Character encoding of a CSV file; `None` detects it: UTF-8 when the whole file is valid
    /// UTF-8, else Windows-1252 (with a note), the encoding of most Swedish spreadsheet exports.
    pub encoding: Option<TextEncoding>,
}

/// Character encoding of an incident CSV file (`--encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// Windows-1252 (the WHATWG definition, a superset of Latin-1's printable characters).
    Windows1252,
    /// ISO-8859-1 (Latin-1): every byte is the code point of the same number.
    Latin1,
}

impl TextEncoding {
    /// Parses `utf-8`, `windows-1252` (`cp1252`) or `latin-1` (`iso-8859-1`), case-insensitively.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`--encoding`) for any other name.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "windows-1252" | "cp1252" => Ok(Self::Windows1252),
            "latin-1" | "latin1" | "iso-8859-1" => Ok(Self::Latin1),
            _ => Err(Error::invalid(
                "--encoding",
                s,
                "unknown encoding: use utf-8, windows-1252 or latin-1",
            )),
        }
    }

    /// The name used in notes and flags.
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Windows1252 => "Windows-1252",
            Self::Latin1 => "Latin-1",
        }
    }
}

/// Default longest from/to interval used by hour analyses: 14 days.
pub const DEFAULT_MAX_TIME_SPAN_DAYS: f64 = 14.0;

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            columns: ColumnNames::default(),
            crs: None,
            timezone: chrono_tz::Europe::Stockholm,
            delimiter: None,
            strict: false,
            max_distance_m: Some(DEFAULT_MAX_DISTANCE_M),
            boundary: None,
            max_time_span_days: DEFAULT_MAX_TIME_SPAN_DAYS,
            encoding: None,
        }
    }
}

impl ReadOptions {
    /// Checks the options before any reading starts.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a non-positive or non-finite
    /// `max_distance_m`, a delimiter other than `,` `;` tab `|`, or x/y
    /// columns named together with lat/lon columns.
    pub fn validate(&self) -> Result<()> {
        if let Some(d) = self.max_distance_m
            && !(d > 0.0 && d.is_finite())
        {
            return Err(Error::invalid(
                "max_distance_km",
                d / 1000.0,
                "must be a positive number of kilometres (or leave the outlier check off)",
            ));
        }
        if let Some(d) = self.delimiter
            && !matches!(d, b',' | b';' | b'\t' | b'|')
        {
            return Err(Error::invalid(
                "delimiter",
                (d as char).escape_default(),
                "must be one of `,` `;` `|` or tab",
            ));
        }
        if !(self.max_time_span_days > 0.0 && self.max_time_span_days.is_finite()) {
            return Err(Error::invalid(
                "max_time_span",
                self.max_time_span_days,
                "must be a positive number of days (e.g. 14)",
            ));
        }
        let c = &self.columns;
        if c.time.is_some() && c.time_from.is_some() {
            return Err(Error::invalid(
                "time_from",
                "--time with --time-from",
                "name the start of the interval once: --time-from takes the place of --time",
            ));
        }
        if (c.lat.is_some() || c.lon.is_some()) && (c.x.is_some() || c.y.is_some()) {
            return Err(Error::invalid(
                "columns",
                "--lat/--lon with --x/--y",
                "name either lat/lon columns (degrees) or x/y columns (projected), not both",
            ));
        }
        Ok(())
    }
}

/// Parses an IANA time-zone name such as `Europe/Stockholm` or `UTC`.
///
/// # Errors
/// [`Error::InvalidParameter`] naming the value when the zone is unknown.
pub fn parse_timezone(name: &str) -> Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        Error::invalid(
            "timezone",
            name,
            "not an IANA time-zone name; use e.g. Europe/Stockholm, Europe/London, America/Chicago or UTC",
        )
    })
}

/// Parses a CSV separator given as `,` `;` `|` `tab` or `\t`.
///
/// # Errors
/// [`Error::InvalidParameter`] for anything else.
pub fn parse_delimiter(text: &str) -> Result<u8> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(Error::invalid(
            "delimiter",
            text,
            "use one of `,` `;` `|` or `tab`",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        assert!(ReadOptions::default().validate().is_ok());
        let o = ReadOptions {
            max_distance_m: Some(-1.0),
            ..ReadOptions::default()
        };
        assert!(matches!(
            o.validate(),
            Err(Error::InvalidParameter {
                name: "max_distance_km",
                ..
            })
        ));
        let o = ReadOptions {
            columns: ColumnNames {
                lat: Some("a".into()),
                x: Some("b".into()),
                ..ColumnNames::default()
            },
            ..ReadOptions::default()
        };
        assert!(o.validate().is_err());
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert!(parse_delimiter(":").is_err());
        assert_eq!(parse_timezone("UTC").unwrap(), chrono_tz::UTC);
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
