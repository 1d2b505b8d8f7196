//! Writing results: RFC 7946 GeoJSON (geometry in working-CRS metres goes out as WGS84
//! lon/lat), atomic files and output folders ([`files`]), and spreadsheet-safe CSV cells
//! ([`csv_safe`]).
//!
//! Coordinates are rounded to 7 decimal places (about 1 cm), and features keep
//! the order given, so the same result always gives byte-identical files.
//! Every file is written atomically ([`write_atomic`]): an interrupted run
//! never leaves a truncated file under its final name.

pub mod csv_safe;
pub mod files;

pub use csv_safe::{SafeCsv, safe_cell, safe_record};
pub use files::{AtomicFile, InputGuard, OutputDir, write_atomic, write_atomic_with};

use crate::crs::Projector;
use crate::error::{Error, Result};
use geo::Geometry;
use serde_json::{Map, Value};
use std::path::Path;

/// Memory a GeoJSON output takes per polygon cell while it is built and serialised (measured:
/// `gistar --geojson`, 5.4 GB at 1.9M cells).
pub const GEOJSON_BYTES_PER_CELL: u64 = 2_800;

/// The most memory one output may take (4 GiB): larger outputs are refused before work starts.
pub const OUTPUT_MEMORY_LIMIT: u64 = 4 << 30;

/// Refuses an output of `units` items at `bytes_per_unit` each when it would take more than
/// [`OUTPUT_MEMORY_LIMIT`]: called before the analysis, like the grid-size check.
///
/// # Errors
/// [`Error::LimitExceeded`] with the estimate in bytes; callers replace the hint with
/// [`Error::with_limit_hint`] to name their own flags.
pub fn check_output_memory(what: &'static str, units: u64, bytes_per_unit: u64) -> Result<()> {
    let need = units.saturating_mul(bytes_per_unit);
    if need > OUTPUT_MEMORY_LIMIT {
        return Err(Error::LimitExceeded {
            what,
            requested: need,
            limit: OUTPUT_MEMORY_LIMIT,
            hint: format!(
                "{units} items at about {bytes_per_unit} bytes each; write fewer or smaller items"
            ),
        });
    }
    Ok(())
}

/// One output feature: geometry in working-CRS metres and its properties.
#[derive(Clone, Debug)]
pub struct OutFeature {
    /// Geometry in metres of the working CRS.
    pub geometry: Geometry<f64>,
    /// Properties, written in insertion order of the map (serde_json keeps keys sorted).
    pub properties: Map<String, Value>,
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// Converts a geometry from working-CRS metres to WGS84 lon/lat.
///
/// # Errors
/// [`Error::Projection`] when a vertex cannot be converted.
pub fn geometry_to_lonlat(g: &Geometry<f64>, projector: &Projector) -> Result<Geometry<f64>> {
    use geo::MapCoords;
    g.try_map_coords(|c| {
        let [lon, lat] = projector.to_lonlat(c.x, c.y)?;
        Ok::<_, Error>(geo::coord! { x: round7(lon), y: round7(lat) })
    })
}

/// Builds an RFC 7946 FeatureCollection (lon/lat) from features in metres.
///
/// # Errors
/// [`Error::Projection`] when a vertex cannot be converted.
pub fn feature_collection(
    features: &[OutFeature],
    projector: &Projector,
) -> Result<geojson::FeatureCollection> {
    let mut out = Vec::with_capacity(features.len());
    for f in features {
        let g = geometry_to_lonlat(&f.geometry, projector)?;
        out.push(geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::from(&g)),
            id: None,
            properties: Some(f.properties.clone()),
            foreign_members: None,
        });
    }
    Ok(geojson::FeatureCollection {
        bbox: None,
        features: out,
        foreign_members: None,
    })
}

/// Writes features (in metres) to `path` as RFC 7946 GeoJSON in lon/lat.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written; [`Error::Projection`] as
/// [`feature_collection`].
pub fn write_geojson(path: &Path, features: &[OutFeature], projector: &Projector) -> Result<()> {
    let fc = feature_collection(features, projector)?;
    let text = serde_json::to_string(&fc).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot serialise GeoJSON: {e}"),
    })?;
    write_atomic(path, text)
}

/// Writes features (in metres) to `path` in the format its extension names: a GeoPackage for
/// `.gpkg` (one layer, named after `:LAYER` in `FILE.gpkg:LAYER` or else the file stem, in the
/// working CRS, see [`crate::gpkg::write_gpkg`]; the file is replaced as a whole), otherwise
/// RFC 7946 GeoJSON in lon/lat ([`write_geojson`]).
///
/// # Errors
/// As [`write_geojson`] and [`crate::gpkg::write_gpkg`].
pub fn write_layer(path: &Path, features: &[OutFeature], projector: &Projector) -> Result<()> {
    if crate::gpkg::is_gpkg_path(path) {
        let (file, layer) = crate::gpkg::split_layer(path);
        let name = layer.unwrap_or_else(|| {
            file.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "layer".into())
        });
        let l = crate::gpkg::Layer::new(name, features);
        crate::gpkg::write_gpkg(&file, &[l], projector.crs())
    } else {
        write_geojson(path, features, projector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;

    #[test]
    fn features_go_out_in_lonlat() {
        let p = Projector::new(Crs::SWEREF99_TM).unwrap();
        let f = OutFeature {
            geometry: Geometry::Point(geo::Point::new(549_917.373, 6_545_387.824)),
            properties: Map::new(),
        };
        let fc = feature_collection(&[f], &p).unwrap();
        let text = serde_json::to_string(&fc).unwrap();
        assert!(text.contains("15.87"), "{text}");
        assert!(text.contains("59.045"), "{text}");
    }
}
