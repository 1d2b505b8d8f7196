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
    duplicates_merged: usize,
}

impl Boundary {
    /// A boundary from polygons in `crs` (use [`Crs::WGS84`] for lon/lat).
    pub fn new(polygons: MultiPolygon<f64>, crs: Crs) -> Self {
        Self {
            polygons,
            crs,
            source: PathBuf::new(),
            duplicates_merged: 0,
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
        let mut owners: Vec<u64> = Vec::new();
        for (fno, g) in geoms {
            if g.is_null() {
                continue;
            }
            let g = serde_json::from_value::<geojson::Geometry>(g)
                .map_err(|e| err(Some(fno), format!("feature {fno}: invalid geometry: {e}")))?;
            let geom = super::geojson::geometry_to_geo(&g)
                .map_err(|e| err(Some(fno), format!("feature {fno}: {e}")))?;
            match geom {
                geo::Geometry::Polygon(p) => {
                    polys.push(p);
                    owners.push(fno);
                }
                geo::Geometry::MultiPolygon(mp) => {
                    owners.extend(std::iter::repeat_n(fno, mp.0.len()));
                    polys.extend(mp);
                }
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
        // Duplicated features (the same polygon twice) are merged: kept once.
        let mut kept: Vec<Polygon<f64>> = Vec::with_capacity(polys.len());
        let mut duplicates = 0usize;
        for (p, &fno) in polys.into_iter().zip(&owners) {
            if kept.contains(&p) {
                duplicates += 1;
                continue;
            }
            if let Some(problem) = ring_problem(&p) {
                return Err(err(
                    Some(fno),
                    format!(
                        "feature {fno}: {problem}; repair the boundary (e.g. QGIS \"Fix geometries\" or ST_MakeValid) and read it again"
                    ),
                ));
            }
            kept.push(p);
        }
        let polygons = MultiPolygon::new(kept);
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
            duplicates_merged: duplicates,
        })
    }

    /// How many duplicated polygons were merged (dropped as copies of another) when reading.
    pub fn duplicates_merged(&self) -> usize {
        self.duplicates_merged
    }

    /// The file the boundary was read from (empty for [`Boundary::new`]).
    pub fn source(&self) -> &Path {
        &self.source
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
            // A boundary covering the world (or a continent) cannot be projected into a local
            // metric CRS: say so instead of producing a degenerate area that holds nothing.
            if let Some(r) = geo::BoundingRect::bounding_rect(&self.polygons)
                && (r.width() > MAX_SPAN_DEG || r.height() > MAX_SPAN_DEG)
            {
                return Err(Error::Parse {
                    path: self.source.clone(),
                    line: None,
                    message: format!(
                        "the boundary spans longitude {:.1}..{:.1} and latitude {:.1}..{:.1}, far more than the working CRS {} can project (a study area is a municipality or district, a few tens of km across); give the study area's own boundary, or leave --boundary out",
                        r.min().x,
                        r.max().x,
                        r.min().y,
                        r.max().y,
                        working
                    ),
                });
            }
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

/// Widest lon/lat boundary projected into a local metric CRS, degrees (a transverse Mercator such
/// as SWEREF 99 TM is valid about 7 degrees either side of its meridian).
const MAX_SPAN_DEG: f64 = 30.0;

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

/// The first self-intersection of one of `p`'s rings, named by ring and vertex, if any.
///
/// Segments go into an R-tree and each is tested only against the segments
/// whose boxes it meets: O(n log n) for a boundary of n vertices, not O(n^2).
pub(crate) fn ring_problem(p: &Polygon<f64>) -> Option<String> {
    let rings = std::iter::once(p.exterior()).chain(p.interiors());
    for (r, ring) in rings.enumerate() {
        let role = if r == 0 {
            "the outer ring".to_string()
        } else {
            format!("hole {r}")
        };
        if let Some((v, c)) = self_intersection(&ring.0) {
            return Some(format!(
                "{role} crosses itself at vertex {v} ({}, {})",
                c.x, c.y
            ));
        }
    }
    None
}

/// The 1-based vertex starting the first segment that crosses a non-adjacent segment.
fn self_intersection(coords: &[geo::Coord<f64>]) -> Option<(usize, geo::Coord<f64>)> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    use rstar::primitives::{GeomWithData, Rectangle};
    use rstar::{AABB, RTree};
    // Drop repeated consecutive vertices: they make zero-length segments.
    let mut c: Vec<(usize, geo::Coord<f64>)> = Vec::with_capacity(coords.len());
    for (k, &p) in coords.iter().enumerate() {
        if c.last().is_none_or(|(_, q)| *q != p) {
            c.push((k, p));
        }
    }
    if c.len() < 4 {
        return None;
    }
    let m = c.len() - 1; // segments; the ring is closed (first == last)
    let seg = |i: usize| geo::Line::new(c[i].1, c[i + 1].1);
    let items: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = (0..m)
        .map(|i| {
            let l = seg(i);
            GeomWithData::new(
                Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]),
                i,
            )
        })
        .collect();
    let tree = RTree::bulk_load(items);
    let mut first: Option<usize> = None;
    for i in 0..m {
        let l = seg(i);
        let env = AABB::from_corners(
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        );
        for item in tree.locate_in_envelope_intersecting(&env) {
            let j = item.data;
            if j <= i {
                continue;
            }
            let adjacent = j == i + 1 || (i == 0 && j == m - 1);
            match line_intersection(l, seg(j)) {
                // Neighbouring segments share their common vertex: only other segments count.
                Some(LineIntersection::SinglePoint { .. }) if !adjacent => {
                    first = Some(first.map_or(i, |f: usize| f.min(i)));
                }
                Some(LineIntersection::Collinear { .. }) => {
                    first = Some(first.map_or(i, |f: usize| f.min(i)));
                }
                _ => {}
            }
        }
        if first.is_some_and(|f| f <= i) {
            break;
        }
    }
    first.map(|i| (c[i + 1].0 + 1, c[i + 1].1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, polygon};

    #[test]
    fn self_intersecting_boundary_is_refused_naming_the_vertex() {
        // A bow tie: the edge from vertex 2 to 3 crosses the edge from 4 to 1.
        let p = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0)];
        let m = ring_problem(&p).unwrap();
        assert!(m.contains("the outer ring crosses itself at vertex"), "{m}");
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
        assert_eq!(ring_problem(&square), None);
    }

    #[test]
    fn self_intersection_check_agrees_with_brute_force_on_random_rings() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let n = rng.random_range(3..12);
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|_| (rng.random_range(0.0..10.0), rng.random_range(0.0..10.0)))
                .collect();
            pts.push(pts[0]);
            let ring = LineString::from(pts.clone());
            let brute = {
                use geo::line_intersection::{LineIntersection, line_intersection};
                let segs: Vec<geo::Line<f64>> = ring.lines().collect();
                let m = segs.len();
                let mut bad = false;
                for i in 0..m {
                    for j in i + 1..m {
                        let adjacent = j == i + 1 || (i == 0 && j == m - 1);
                        match line_intersection(segs[i], segs[j]) {
                            Some(LineIntersection::SinglePoint { .. }) if !adjacent => bad = true,
                            Some(LineIntersection::Collinear { .. }) => bad = true,
                            _ => {}
                        }
                    }
                }
                bad
            };
            let fast = self_intersection(&ring.0).is_some();
            assert_eq!(fast, brute, "{pts:?}");
        }
    }

    #[test]
    fn large_self_intersecting_boundary_is_checked_quickly() {
        // 20,000 vertices on a circle with one crossing near the end: the R-tree check
        // tests each segment against its few neighbours only (a quadratic one would do 2e8 tests).
        let n = 20_000;
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let a = k as f64 / n as f64 * std::f64::consts::TAU;
                (a.cos() * 1000.0, a.sin() * 1000.0)
            })
            .collect();
        pts.swap(n - 10, n - 12);
        pts.push(pts[0]);
        let ring = LineString::from(pts);
        let (v, _) = self_intersection(&ring.0).unwrap();
        assert!((n - 13..=n - 9).contains(&(v - 1)), "vertex {v}");
    }
}
