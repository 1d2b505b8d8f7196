//! The crate's error type: one enum, structured fields, messages that say how to fix the call.

use serde::Serialize;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
///
/// Variants carry the file, line, feature or parameter concerned so that a
/// user can find and fix the cause. The enum is `#[non_exhaustive]`: new
/// analyses add variants without breaking callers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An input file could not be parsed; `line` is 1-based where known.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Parse {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line (CSV) or feature number (GeoJSON), where known.
        line: Option<u64>,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },
    /// An input row was rejected and `--strict` asked for the first rejection to be an error.
    #[error("{}, line {line}: rejected ({reason}){}", path.display(), if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Rejected {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line number in the file.
        line: u64,
        /// Why the row was rejected.
        reason: RejectReason,
        /// The offending value or a short explanation.
        detail: String,
    },
    /// A parameter is outside its allowed range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name as the user knows it (e.g. `bandwidth_m`).
        name: &'static str,
        /// The value given, formatted.
        value: String,
        /// The allowed range, and how to fix the call.
        reason: String,
    },
    /// A limit (grid size, memory) would be exceeded; checked before any work starts.
    #[error("limit exceeded: {what} ({requested} > {limit}); {hint}")]
    LimitExceeded {
        /// What would be too large (e.g. "grid cells").
        what: &'static str,
        /// The size asked for.
        requested: u64,
        /// The largest size allowed.
        limit: u64,
        /// How to fix the call.
        hint: String,
    },
    /// A coordinate reference system is unknown or unsuitable.
    #[error("coordinate reference system {crs}: {reason}")]
    Crs {
        /// The CRS as given, e.g. `EPSG:4326`.
        crs: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A coordinate could not be transformed between CRSs.
    #[error("cannot transform ({x}, {y}) from {from} to {to}: {reason}")]
    Projection {
        /// Input first coordinate.
        x: f64,
        /// Input second coordinate.
        y: f64,
        /// Source CRS.
        from: String,
        /// Target CRS.
        to: String,
        /// Why the transformation failed.
        reason: String,
    },
    /// The data cannot support the requested analysis (e.g. no incidents with times for a space-time test).
    #[error("insufficient data: {0}")]
    InsufficientData(String),
    /// A configuration file is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl Error {
    /// A [`Error::LimitExceeded`] with its hint replaced by one that names the
    /// caller's own knobs; any other error unchanged.
    pub fn with_limit_hint(self, hint: impl Into<String>) -> Self {
        match self {
            Error::LimitExceeded {
                what,
                requested,
                limit,
                ..
            } => Error::LimitExceeded {
                what,
                requested,
                limit,
                hint: hint.into(),
            },
            other => other,
        }
    }

    /// Shorthand for [`Error::InvalidParameter`].
    pub fn invalid(name: &'static str, value: impl ToString, reason: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_hint_is_replaced_and_other_errors_pass_through() {
        let e = Error::LimitExceeded {
            what: "grid cells",
            requested: 200,
            limit: 100,
            hint: "generic".into(),
        }
        .with_limit_hint("use larger cells");
        assert_eq!(
            e.to_string(),
            "limit exceeded: grid cells (200 > 100); use larger cells"
        );
        let other = Error::invalid("cell_m", -1.0, "must be > 0").with_limit_hint("x");
        assert!(matches!(
            other,
            Error::InvalidParameter { name: "cell_m", .. }
        ));
    }
}

/// Why an input row was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectReason {
    /// A coordinate field is empty or absent.
    MissingCoordinate,
    /// A coordinate field is not a number.
    NotANumber,
    /// A coordinate is NaN or infinite.
    NonFinite,
    /// Latitude outside -90..90.
    LatitudeOutOfRange,
    /// Longitude outside -180..180.
    LongitudeOutOfRange,
    /// Latitude and longitude look swapped.
    SwappedLatLon,
    /// The position is 0,0 ("null island"), a common placeholder.
    NullIsland,
    /// Far from the rest of the data (more than the outlier distance from the median position).
    FarFromData,
    /// Outside the given study area.
    OutsideStudyArea,
    /// The time field could not be read.
    UnreadableTime,
    /// The weight field is not a non-negative number.
    InvalidWeight,
    /// The to time of a from/to interval is before its from time.
    TimeToBeforeFrom,
    /// The geometry is not a Point or MultiPoint (GeoJSON).
    UnsupportedGeometry,
    /// The row could not be parsed at all (e.g. wrong number of fields).
    MalformedRow,
}

impl RejectReason {
    /// Snake-case name used in summaries, JSON and rejects files.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::MissingCoordinate => "missing_coordinate",
            RejectReason::NotANumber => "not_a_number",
            RejectReason::NonFinite => "non_finite",
            RejectReason::LatitudeOutOfRange => "latitude_out_of_range",
            RejectReason::LongitudeOutOfRange => "longitude_out_of_range",
            RejectReason::SwappedLatLon => "swapped_lat_lon",
            RejectReason::NullIsland => "null_island",
            RejectReason::FarFromData => "far_from_data",
            RejectReason::OutsideStudyArea => "outside_study_area",
            RejectReason::UnreadableTime => "unreadable_time",
            RejectReason::InvalidWeight => "invalid_weight",
            RejectReason::TimeToBeforeFrom => "time_to_before_from",
            RejectReason::UnsupportedGeometry => "unsupported_geometry",
            RejectReason::MalformedRow => "malformed_row",
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
