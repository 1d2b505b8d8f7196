//! Context layers and selections the commands share, written once: the period filter, the
//! study-area fallbacks (the data's box padded by a margin; the study area's box or else the data's
//! box), GeoJSON line/area readers for basemap layers (roads, water), the polygon reader of the
//! area-at-risk layers (`water`, `at_risk`) and the named-area reader (areal units such as
//! districts). Readers check every coordinate and name the file and feature on error.

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

/// The box an analysis grid covers: the study area's bounding box when one is given, else the box
/// around the incidents and the `extra` points (e.g. perceived-safety pins), unpadded, as
/// `[min_x, min_y, max_x, max_y]` in metres. `None` when there is no study area and nothing to draw
/// a box around.
pub fn study_extent(
    given: Option<&StudyArea>,
    incidents: &Incidents,
    extra: &[[f64; 2]],
) -> Option<[f64; 4]> {
    if let Some(a) = given {
        return Some(a.bbox());
    }
    let mut b = incidents.bbox();
    for p in extra {
        b = Some(match b {
            Some(b) => [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ],
            None => [p[0], p[1], p[0], p[1]],
        });
    }
    b
}

/// Reads a polygon layer of the area at risk (`water`, `at_risk`: GeoJSON Polygon/MultiPolygon
/// features, lon/lat or with a declared CRS, read like the study-area boundary) into the working CRS.
///
/// # Errors
/// Those of [`crate::ingest::Boundary::read`] and [`crate::ingest::Boundary::to_study_area`], which
/// name the file.
pub fn read_polygons(path: &Path, projector: &Projector) -> Result<MultiPolygon<f64>> {
    let b = crate::ingest::Boundary::read(path, None)?;
    Ok(b.to_study_area(projector)?.polygons().clone())
}

/// A named areal unit (district, DeSO area, follow-up area) in the working CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedArea {
    /// Name shown in tables.
    pub name: String,
    /// The polygons.
    pub area: MultiPolygon<f64>,
}

/// Reads named areas: one per Polygon/MultiPolygon feature of a GeoJSON file in lon/lat (RFC 7946)
/// (a FeatureCollection, a lone Feature or a bare geometry), projected to metres. The name is the
/// property `name`, else `namn` (a number or other value as its JSON text), else `area N` for the
/// N-th feature.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Parse`] naming the file and the feature (1-based) for a
/// feature without a geometry, a geometry that is not a Polygon or MultiPolygon, a malformed
/// position, or a coordinate that is not lon/lat.
pub fn read_named_areas(path: &Path, projector: &Projector) -> Result<Vec<NamedArea>> {
    use geo::MapCoords;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("not GeoJSON: {e}"),
    })?;
    let feats = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature::from(g)],
    };
    let mut out = Vec::with_capacity(feats.len());
    for (k, f) in feats.iter().enumerate() {
        let k = k + 1;
        let Some(g) = &f.geometry else {
            return Err(parse_err(path, k, "has no geometry".into()));
        };
        // Checked before conversion: a short position would panic in it.
        let geom = crate::ingest::geometry_to_geo(g)
            .map_err(|m| parse_err(path, k, format!("has a bad geometry: {m}")))?;
        let mp = match geom {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(mp) => mp,
            _ => {
                return Err(parse_err(
                    path,
                    k,
                    "is not a Polygon or MultiPolygon".into(),
                ));
            }
        };
        let mp = mp
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
        let name = f
            .properties
            .as_ref()
            .and_then(|p| p.get("name").or_else(|| p.get("namn")))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| format!("area {k}"));
        out.push(NamedArea { name, area: mp });
    }
    Ok(out)
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

    fn temp_dir(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hotspot-layers-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn study_extent_is_the_study_areas_box_else_the_box_of_incidents_and_extra_points() {
        let inc = Incidents::from_xy(crate::Crs::SWEREF99_TM, &[10.0, 30.0], &[5.0, -2.0]).unwrap();
        assert_eq!(study_extent(None, &inc, &[]), Some([10.0, -2.0, 30.0, 5.0]));
        // A pin west and north of the incidents widens the box.
        assert_eq!(
            study_extent(None, &inc, &[[0.0, 7.0]]),
            Some([0.0, -2.0, 30.0, 7.0])
        );
        let sa = StudyArea::new(MultiPolygon(vec![
            geo::Rect::new(
                geo::coord! { x: -100.0, y: -50.0 },
                geo::coord! { x: 100.0, y: 50.0 },
            )
            .to_polygon(),
        ]))
        .unwrap();
        // The study area wins, even over points outside it.
        assert_eq!(
            study_extent(Some(&sa), &inc, &[[500.0, 500.0]]),
            Some([-100.0, -50.0, 100.0, 50.0])
        );
        let empty = Incidents::from_xy(crate::Crs::SWEREF99_TM, &[], &[]).unwrap();
        assert_eq!(study_extent(None, &empty, &[]), None);
        assert_eq!(
            study_extent(None, &empty, &[[1.0, 2.0]]),
            Some([1.0, 2.0, 1.0, 2.0])
        );
    }

    #[test]
    fn named_areas_are_named_projected_and_bad_features_are_named() {
        let dir = temp_dir("areas");
        let p = dir.join("districts.geojson");
        let square = |x: f64| {
            format!(
                "[[[{x},59.0],[{},59.0],[{},59.01],[{x},59.01],[{x},59.0]]]",
                x + 0.01,
                x + 0.01
            )
        };
        std::fs::write(
            &p,
            format!(
                r#"{{"type":"FeatureCollection","features":[
                {{"type":"Feature","properties":{{"name":"Centrum"}},"geometry":{{"type":"Polygon","coordinates":{}}}}},
                {{"type":"Feature","properties":{{"namn":7}},"geometry":{{"type":"MultiPolygon","coordinates":[{}]}}}},
                {{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{}}}}}]}}"#,
                square(15.80),
                square(15.82),
                square(15.84)
            ),
        )
        .unwrap();
        let proj = Projector::new(crate::Crs::SWEREF99_TM).unwrap();
        let a = read_named_areas(&p, &proj).unwrap();
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Centrum", "7", "area 3"]);
        // Projected: the first ring's corner is the projected corner.
        let c = a[0].area.0[0].exterior().0[0];
        let [x, y] = proj.to_metres(15.80, 59.0).unwrap();
        assert!((c.x - x).abs() < 1e-6 && (c.y - y).abs() < 1e-6);
        // Roughly 0.01° x 0.01° at 59° N: 573 m x 1113 m.
        let area = geo::Area::unsigned_area(&a[0].area);
        assert!((area - 573.0 * 1113.0).abs() < 0.02 * area, "{area}");

        // A bare geometry is one unnamed area.
        std::fs::write(
            &p,
            format!(r#"{{"type":"Polygon","coordinates":{}}}"#, square(15.8)),
        )
        .unwrap();
        let a = read_named_areas(&p, &proj).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].name, "area 1");

        // Errors name the file and the feature.
        let bad = [
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,59.0],[15.81,59.0],[15.81,59.01],[15.8,59.0]]]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[15.8,59.0]}}]}"#,
                "feature 2 is not a Polygon or MultiPolygon",
            ),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#,
                "feature 1 has no geometry",
            ),
            (
                r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8],[15.81,59.0],[15.81,59.01],[15.8,59.0]]]}}"#,
                "feature 1 has a bad geometry",
            ),
            (
                r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,95.0],[15.81,59.0],[15.81,59.01],[15.8,95.0]]]}}"#,
                "feature 1 (coordinates must be lon/lat",
            ),
            ("not json", "not GeoJSON"),
        ];
        for (text, want) in bad {
            std::fs::write(&p, text).unwrap();
            let e = read_named_areas(&p, &proj).unwrap_err();
            assert!(matches!(e, Error::Parse { .. }), "{e}");
            let e = e.to_string();
            assert!(e.contains("districts.geojson") && e.contains(want), "{e}");
        }
        let e = read_named_areas(&dir.join("missing.geojson"), &proj).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn area_at_risk_polygons_are_read_like_the_boundary() {
        let dir = temp_dir("polygons");
        let p = dir.join("water.geojson");
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.8,59.0],[15.81,59.0],[15.81,59.01],[15.8,59.01],[15.8,59.0]]]}}]}"#,
        )
        .unwrap();
        let proj = Projector::new(crate::Crs::SWEREF99_TM).unwrap();
        let mp = read_polygons(&p, &proj).unwrap();
        let b = crate::ingest::Boundary::read(&p, None)
            .unwrap()
            .to_study_area(&proj)
            .unwrap();
        assert_eq!(&mp, b.polygons());
        assert_eq!(mp.0.len(), 1);
        let e = read_polygons(&dir.join("none.geojson"), &proj)
            .unwrap_err()
            .to_string();
        assert!(e.contains("none.geojson"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
