//! Reading incidents from CSV and GeoJSON, with row-level diagnostics.
//!
//! Readers never panic on input and never drop a row silently: every rejected
//! row is counted by [`RejectReason`] with its line (CSV) or feature number
//! (GeoJSON).

use serde::Serialize;

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
