//! Study-area boundaries: a GeoJSON Polygon or MultiPolygon (lon/lat, or projected with a declared CRS) turned into a [`StudyArea`].
//!
//! The boundary is read before the incidents, but projected only once the
//! working CRS is known ([`Boundary::to_study_area`]). Its CRS is, in order:
//! the CRS given to [`Boundary::read`], the file's legacy `crs` member (e.g.
//! `urn:ogc:def:crs:EPSG::3006`), WGS84 lon/lat when the coordinates are
//! degrees (RFC 7946), else an error asking for the CRS.

use super::geojson::{declared_crs, features, read_json};
use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use crate::study_area::StudyArea;
use geo::{MapCoords, MultiPolygon, Polygon};
use std::path::{Path, PathBuf};

/// A study-area boundary as read, in its own CRS.
#[derive(Clone, Debug)]
pub struct Boundary {
    polygons: MultiPolygon<f64>,
    crs: Crs,
    source: PathBuf,
}

impl Boundary {
    /// A boundary from polygons in `crs` (use [`Crs::WGS84`] for lon/lat).
    pub fn new(polygons: MultiPolygon<f64>, crs: Crs) -> Self {
        Self {
            polygons,
            crs,
            source: PathBuf::new(),
        }
    }

    /// Reads every Polygon and MultiPolygon of a GeoJSON file (FeatureCollection,
    /// Feature or bare geometry) into one boundary. `crs` declares the CRS of the
    /// coordinates when the file does not.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the file and feature for unreadable JSON, a
    /// geometry that is not a polygon, no polygon at all, or projected
    /// coordinates without a known CRS; [`Error::Io`] when it cannot be read.
    pub fn read(path: &Path, crs: Option<Crs>) -> Result<Self> {
        if crate::gpkg::is_gpkg_path(path) {
            return crate::gpkg::read_boundary(path, crs);
        }
        let root = read_json(path)?;
        let err = |line: Option<u64>, message: String| Error::Parse {
            path: path.to_path_buf(),
            line,
            message,
        };
        let geoms: Vec<(u64, serde_json::Value)> = match root.get("type").and_then(|t| t.as_str()) {
            Some("FeatureCollection" | "Feature") => features(&root, path)?
                .into_iter()
                .enumerate()
                .map(|(i, f)| {
                    (
                        i as u64 + 1,
                        f.get("geometry")
                            .cloned()
                            .unwrap_or(serde_json::Value::Null),
                    )
                })
                .collect(),
            _ => vec![(1, root.clone())],
        };
        let mut polys: Vec<Polygon<f64>> = Vec::new();
        for (fno, g) in geoms {
            if g.is_null() {
                continue;
            }
            let g = serde_json::from_value::<geojson::Geometry>(g)
                .map_err(|e| err(Some(fno), format!("feature {fno}: invalid geometry: {e}")))?;
            let geom: geo::Geometry<f64> = g
                .try_into()
                .map_err(|e| err(Some(fno), format!("feature {fno}: {e}")))?;
            match geom {
                geo::Geometry::Polygon(p) => polys.push(p),
                geo::Geometry::MultiPolygon(mp) => polys.extend(mp),
                other => {
                    return Err(err(
                        Some(fno),
                        format!(
                            "feature {fno} is a {}; a study area must be a Polygon or MultiPolygon",
                            geometry_name(&other)
                        ),
                    ));
                }
            }
        }
        if polys.is_empty() {
            return Err(err(None, "no Polygon or MultiPolygon found".into()));
        }
        let polygons = MultiPolygon::new(polys);
        let crs = match (crs, declared_crs(&root, path)?) {
            (Some(c), _) => c,
            (None, Some(d)) => d,
            (None, None) => {
                let degrees = polygons.iter().all(|p| {
                    p.exterior()
                        .coords()
                        .all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
                });
                if !degrees {
                    return Err(err(
                        None,
                        "the boundary's coordinates are not degrees and the file declares no CRS; add a `crs` member or convert it to lon/lat".into(),
                    ));
                }
                Crs::WGS84
            }
        };
        Ok(Self {
            polygons,
            crs,
            source: path.to_path_buf(),
        })
    }

    /// The CRS of the boundary as read.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The polygons as read.
    pub fn polygons(&self) -> &MultiPolygon<f64> {
        &self.polygons
    }

    /// The boundary in the working CRS of `projector`.
    ///
    /// # Errors
    /// [`Error::Projection`] when a vertex cannot be transformed;
    /// [`Error::Parse`] when the boundary has no area.
    pub fn to_study_area(&self, projector: &Projector) -> Result<StudyArea> {
        let working = projector.crs();
        let mp = if self.crs == working {
            self.polygons.clone()
        } else if self.crs == Crs::WGS84 {
            self.polygons.try_map_coords(|c| {
                projector
                    .to_metres(c.x, c.y)
                    .map(|[x, y]| geo::coord! { x: x, y: y })
            })?
        } else {
            let from = Projector::new(self.crs)?;
            self.polygons.try_map_coords(|c| {
                let [lon, lat] = from.to_lonlat(c.x, c.y)?;
                projector
                    .to_metres(lon, lat)
                    .map(|[x, y]| geo::coord! { x: x, y: y })
            })?
        };
        StudyArea::new(mp).ok_or_else(|| Error::Parse {
            path: self.source.clone(),
            line: None,
            message: "the boundary has no area".into(),
        })
    }
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) => "Line",
        geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
    }
}
