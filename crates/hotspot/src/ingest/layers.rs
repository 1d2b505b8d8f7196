//! Context layers and selections the commands share, written once: the period filter, the
//! study-area fallback (the data's box padded by a margin) and GeoJSON line/area readers for basemap
//! layers (roads, water). Readers check every coordinate and name the file and feature on error.

use crate::crs::Projector;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use chrono::NaiveDate;
use geo::{LineString, MultiPolygon};
use std::path::Path;

/// Incidents inside a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodSelection {
    /// Indices of the incidents kept, ascending.
    pub indices: Vec<usize>,
    /// Incidents left out because they have no date (none when no period is set).
    pub without_date: usize,
}

/// Incidents whose local date lies in `[from, to]` (inclusive, either end open). With neither bound
/// every incident is kept; with a bound, incidents without a date (no time, or only a month) are left
/// out and counted in [`PeriodSelection::without_date`].
pub fn in_period(
    incidents: &Incidents,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> PeriodSelection {
    if from.is_none() && to.is_none() {
        return PeriodSelection {
            indices: (0..incidents.len()).collect(),
            without_date: 0,
        };
    }
    let mut without_date = 0;
    let times = incidents.times();
    let indices = (0..incidents.len())
        .filter(|&i| match times[i].as_ref().and_then(|t| t.date()) {
            Some(d) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
            None => {
                without_date += 1;
                false
            }
        })
        .collect();
    PeriodSelection {
        indices,
        without_date,
    }
}

/// The box around the incidents and `extra` points, padded by `pad_m` metres: the study area when no
/// boundary is given.
///
/// # Errors
/// [`Error::InsufficientData`] when there is nothing to draw a box around.
pub fn padded_box(incidents: &Incidents, extra: &[[f64; 2]], pad_m: f64) -> Result<StudyArea> {
    let mut b = incidents.bbox().unwrap_or([
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ]);
    for p in extra {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    if !(b[0] <= b[2] && b[1] <= b[3]) {
        return Err(Error::InsufficientData(
            "no incidents or schools to derive a study area from; give --boundary".into(),
        ));
    }
    let rect = geo::Rect::new(
        geo::coord! { x: b[0] - pad_m, y: b[1] - pad_m },
        geo::coord! { x: b[2] + pad_m, y: b[3] + pad_m },
    );
    StudyArea::new(MultiPolygon::new(vec![rect.to_polygon()])).ok_or_else(|| {
        Error::InsufficientData(
            "no incidents or schools to derive a study area from; give --boundary".into(),
        )
    })
}

/// The given study area, or the incidents' bounding box (unpadded); `None` when there are no incidents.
pub fn study_area_or_bbox(given: Option<&StudyArea>, incidents: &Incidents) -> Option<StudyArea> {
    given.cloned().or_else(|| {
        incidents.bbox().and_then(|[x0, y0, x1, y1]| {
            let rect = geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 });
            StudyArea::new(MultiPolygon(vec![rect.to_polygon()]))
        })
    })
}

/// Lines and polygons of a basemap file.
pub type LinesAndAreas = (Vec<LineString<f64>>, Vec<MultiPolygon<f64>>);

/// Reads lines (and polygons) from a GeoJSON file in lon/lat (RFC 7946), projected to metres.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Parse`] naming the feature (1-based) for features that are
/// not lines or polygons, malformed geometries, coordinates with fewer than two numbers or outside
/// lon/lat.
pub fn read_lines(path: &Path, projector: &Projector) -> Result<LinesAndAreas> {
    let mut lines = Vec::new();
    let mut polys = Vec::new();
    for (k, g) in read_geometries(path, projector)? {
        match g {
            geo::Geometry::LineString(l) => lines.push(l),
            geo::Geometry::MultiLineString(m) => lines.extend(m.0),
            geo::Geometry::Polygon(q) => polys.push(MultiPolygon(vec![q])),
            geo::Geometry::MultiPolygon(m) => polys.push(m),
            _ => {
                return Err(parse_err(path, k, "is not a line or polygon".into()));
            }
        }
    }
    Ok((lines, polys))
}

fn parse_err(path: &Path, feature: usize, message: String) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: Some(feature as u64),
        message: format!("feature {feature} {message}"),
    }
}

/// Checks that every position of `g` has at least two finite numbers (the conversion to `geo`
/// indexes the first two).
fn positions_ok(g: &geojson::GeometryValue) -> bool {
    use geojson::GeometryValue as V;
    let ok = |p: &geojson::Position| {
        let p = p.as_slice();
        p.len() >= 2 && p[0].is_finite() && p[1].is_finite()
    };
    match g {
        V::Point { coordinates } => ok(coordinates),
        V::MultiPoint { coordinates } | V::LineString { coordinates } => coordinates.iter().all(ok),
        V::MultiLineString { coordinates } | V::Polygon { coordinates } => {
            coordinates.iter().flatten().all(ok)
        }
        V::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().all(ok),
        V::GeometryCollection { geometries } => geometries.iter().all(|g| positions_ok(&g.value)),
    }
}

/// Reads every geometry of a GeoJSON file in lon/lat, projected to metres, with its 1-based feature
/// number. Features without a geometry are skipped (they carry nothing to draw).
///
/// # Errors
/// See [`read_lines`].
pub fn read_geometries(
    path: &Path,
    projector: &Projector,
) -> Result<Vec<(usize, geo::Geometry<f64>)>> {
    use geo::MapCoords;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("not GeoJSON: {e}"),
    })?;
    let geoms: Vec<Option<geojson::Geometry>> = match gj {
        geojson::GeoJson::FeatureCollection(fc) => {
            fc.features.into_iter().map(|f| f.geometry).collect()
        }
        geojson::GeoJson::Feature(f) => vec![f.geometry],
        geojson::GeoJson::Geometry(g) => vec![Some(g)],
    };
    let mut out = Vec::with_capacity(geoms.len());
    // Numbering counts features with a geometry, as the reader this replaces did.
    for (k, g) in geoms.into_iter().flatten().enumerate() {
        let k = k + 1;
        if !positions_ok(&g.value) {
            return Err(parse_err(
                path,
                k,
                "has a position with fewer than two finite numbers".into(),
            ));
        }
        let g: geo::Geometry<f64> = g
            .try_into()
            .map_err(|e: geojson::Error| parse_err(path, k, format!("is malformed: {e}")))?;
        let g = g
            .try_map_coords(|c| {
                projector
                    .to_metres(c.x, c.y)
                    .map(|[x, y]| geo::coord! { x: x, y: y })
            })
            .map_err(|e| {
                parse_err(
                    path,
                    k,
                    format!("(coordinates must be lon/lat, RFC 7946): {e}"),
                )
            })?;
        out.push((k, g));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_positions_are_errors_naming_the_feature() {
        let dir = std::env::temp_dir().join(format!("hotspot-layers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("roads.geojson");
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[15.8,59.0],[15.9,59.1]]}},
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[15.8],[15.9,59.1]]}}]}"#,
        )
        .unwrap();
        let proj = Projector::new(crate::Crs::SWEREF99_TM).unwrap();
        let e = read_lines(&p, &proj).unwrap_err().to_string();
        assert!(
            e.contains("roads.geojson") && e.contains("feature 2"),
            "{e}"
        );
        std::fs::write(
            &p,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[15.8,59.0]}}"#,
        )
        .unwrap();
        let e = read_lines(&p, &proj).unwrap_err().to_string();
        assert!(e.contains("feature 1 is not a line"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
