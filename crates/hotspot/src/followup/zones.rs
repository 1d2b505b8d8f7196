//! A small zone reader for the follow-up: GeoJSON polygons, or points with a
//! `radius` (metres) as circles, each with a `name`. Kept here until the
//! shared zone readers of `ingest::layers` land (issue 14); never panics.

use crate::crs::Projector;
use crate::error::{Error, Result};
use geo::MultiPolygon;
use serde_json::Value;
use std::path::Path;

/// A named follow-up zone in the working CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowupZone {
    /// The zone's name (`name`, else `namn`, else `zone N`).
    pub name: String,
    /// The zone's polygons, metres.
    pub area: MultiPolygon<f64>,
}

/// Vertices of a circle zone.
const CIRCLE_VERTICES: usize = 64;

/// Reads zones from GeoJSON (lon/lat, RFC 7946): Polygon and MultiPolygon
/// features, and Point features with a positive `radius` (metres), drawn as
/// 64-gons. Names must be unique.
///
/// # Errors
/// [`Error::Parse`] naming the feature for other geometries, a point without
/// a valid radius, a duplicate name, or a file without zones; [`Error::Io`].
pub fn read_zones(path: &Path, projector: &Projector) -> Result<Vec<FollowupZone>> {
    let root = crate::ingest::geojson::read_json(path)?;
    let feats = crate::ingest::geojson::features(&root, path)?;
    let mut out: Vec<FollowupZone> = Vec::new();
    for (k, f) in feats.iter().enumerate() {
        let fno = k as u64 + 1;
        let perr = |message: String| Error::Parse {
            path: path.to_path_buf(),
            line: Some(fno),
            message: format!("feature {fno}: {message}"),
        };
        let props = f.get("properties").and_then(Value::as_object);
        let name = props
            .and_then(|p| p.get("name").or_else(|| p.get("namn")))
            .map(|v| match v {
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("zone {fno}"));
        let g = f
            .get("geometry")
            .filter(|g| !g.is_null())
            .ok_or_else(|| perr("no geometry".into()))?;
        let g: geojson::Geometry =
            serde_json::from_value(g.clone()).map_err(|e| perr(format!("bad geometry: {e}")))?;
        // Checked before conversion: a position with fewer than two numbers would panic in it.
        let geom = crate::ingest::geojson::geometry_to_geo(&g).map_err(perr)?;
        use geo::MapCoords;
        let to_m = |c: geo::Coord<f64>| {
            projector
                .to_metres(c.x, c.y)
                .map(|[x, y]| geo::coord! { x: x, y: y })
        };
        let area = match geom {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]).try_map_coords(to_m)?,
            geo::Geometry::MultiPolygon(mp) => mp.try_map_coords(to_m)?,
            geo::Geometry::Point(p) => {
                let r = props
                    .and_then(|p| p.get("radius").or_else(|| p.get("radius_m")))
                    .and_then(Value::as_f64)
                    .filter(|r| r.is_finite() && *r > 0.0)
                    .ok_or_else(|| {
                        perr("a point zone needs a positive `radius` in metres".into())
                    })?;
                let c = to_m(p.0)?;
                let ring: Vec<geo::Coord<f64>> = (0..=CIRCLE_VERTICES)
                    .map(|i| {
                        let a = i as f64 / CIRCLE_VERTICES as f64 * std::f64::consts::TAU;
                        geo::coord! { x: c.x + r * a.cos(), y: c.y + r * a.sin() }
                    })
                    .collect();
                MultiPolygon(vec![geo::Polygon::new(geo::LineString(ring), vec![])])
            }
            _ => {
                return Err(perr(
                    "a zone must be a Polygon, MultiPolygon or Point with radius".into(),
                ));
            }
        };
        if out.iter().any(|z| z.name == name) {
            return Err(perr(format!("the zone name {name:?} is used twice")));
        }
        out.push(FollowupZone { name, area });
    }
    if out.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "no zones: expected Polygon features or Points with a radius".into(),
        });
    }
    Ok(out)
}
