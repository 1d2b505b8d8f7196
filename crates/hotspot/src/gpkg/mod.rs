//! GeoPackage (OGC 12-128r18, version 1.3) out and in: many vector layers in one SQLite file for
//! QGIS and GDAL, and incidents, boundaries, schools and basemap layers read from one.
//!
//! - **Out**: [`write_gpkg`] writes [`Layer`]s (a name, a [`GeometryType`], typed [`Column`]s,
//!   the [`OutFeature`](crate::output::OutFeature)s the GeoJSON writer takes, and an optional
//!   QGIS style) into one file, atomically. Coordinates stay in the working CRS (metres), which
//!   is registered with its EPSG code and WKT; every table has an R*-tree spatial index.
//! - **In**: [`read_layer`] reads any feature table (`FILE.gpkg`, or `FILE.gpkg:LAYER` when the
//!   file holds several) with its declared CRS; [`FeatureLayer::to_geojson_lonlat`] turns it into
//!   RFC 7946 GeoJSON text for the readers that take GeoJSON (schools, basemap layers);
//!   [`read_boundary`] gives a study area; `ingest::read_path` reads incidents from point layers
//!   with the same row checks and report as CSV and GeoJSON (the "line" of a rejected row is its
//!   `fid`).
//!
//! SQLite comes from `rusqlite` with its bundled SQLite (with the R*-tree module), so no system
//! library is needed.

mod geom;
mod read;
mod rtree;
mod write;

pub use read::{
    FeatureLayer, LayerInfo, ReadFeature, is_gpkg_path, layers, read_boundary, read_layer,
    split_layer,
};
pub(crate) use read::{ToLonLat, read_incidents, write_rejects};
pub use write::{Column, ColumnType, Features, GeometryType, Layer, write_gpkg};

use crate::error::Error;
use std::path::Path;

/// `PRAGMA application_id` of a GeoPackage: ASCII `GPKG` (12-128r18 Requirement 2).
pub const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of a GeoPackage 1.3 file (Requirement 2).
pub const GPKG_USER_VERSION: i32 = 10300;

/// A SQLite error as the crate's error, naming the file.
pub(crate) fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("GeoPackage (SQLite): {e}"),
    }
}

/// A SQLite error while writing, as an I/O error naming the file.
pub(crate) fn sql_write_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::io(
        path,
        std::io::Error::other(format!("GeoPackage (SQLite): {e}")),
    )
}

#[cfg(test)]
mod tests;
