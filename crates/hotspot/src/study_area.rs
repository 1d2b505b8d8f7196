//! The study area: an optional boundary polygon in working-CRS metres, used to clip incidents and to bound analyses.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Area, BoundingRect, MultiPolygon, Polygon};

/// A study area (e.g. a municipality boundary) in working-CRS metres.
///
/// Points on the boundary count as inside.
#[derive(Clone, Debug)]
pub struct StudyArea {
    polygons: MultiPolygon<f64>,
    bbox: [f64; 4],
    parts: PartBoxes,
    area_m2: f64,
}

/// The bounding box of each polygon of a multipolygon, for point-in-polygon tests that skip the
/// parts a point is not near. (`geo`'s `Intersects<Point>` for a multipolygon recomputes every
/// bounding box on each call: a third of the time of a million tests against a municipality.)
#[derive(Clone, Debug, Default)]
pub(crate) struct PartBoxes(Vec<[f64; 4]>);

impl PartBoxes {
    /// The boxes of `mp`'s polygons (an empty polygon gets an empty box).
    pub(crate) fn of(mp: &MultiPolygon<f64>) -> Self {
        PartBoxes(
            mp.0.iter()
                .map(|p| {
                    p.bounding_rect()
                        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                        .unwrap_or([
                            f64::INFINITY,
                            f64::INFINITY,
                            f64::NEG_INFINITY,
                            f64::NEG_INFINITY,
                        ])
                })
                .collect(),
        )
    }

    /// Whether `(x, y)` lies inside or on the boundary of one of `mp`'s polygons (the same as
    /// `mp.intersects(&Point::new(x, y))`); `self` must be `PartBoxes::of(mp)`.
    pub(crate) fn contains(&self, mp: &MultiPolygon<f64>, x: f64, y: f64) -> bool {
        let c = geo::coord! { x: x, y: y };
        mp.0.iter()
            .zip(&self.0)
            .any(|(p, &[a, b, cx, d]): (&Polygon<f64>, _)| {
                x >= a
                    && x <= cx
                    && y >= b
                    && y <= d
                    && p.coordinate_position(&c) != CoordPos::Outside
            })
    }
}

impl StudyArea {
    /// A study area from polygons already in working-CRS metres. Returns `None`
    /// when the polygons are empty or have no area.
    pub fn new(polygons: MultiPolygon<f64>) -> Option<Self> {
        let rect = polygons.bounding_rect()?;
        let area_m2 = polygons.unsigned_area();
        if !(area_m2 > 0.0) {
            return None;
        }
        Some(Self {
            bbox: [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
            parts: PartBoxes::of(&polygons),
            polygons,
            area_m2,
        })
    }

    /// The polygons, in metres.
    pub fn polygons(&self) -> &MultiPolygon<f64> {
        &self.polygons
    }

    /// Bounding box `[min_x, min_y, max_x, max_y]` in metres.
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// Area in square metres.
    pub fn area_m2(&self) -> f64 {
        self.area_m2
    }

    /// Area in square kilometres.
    pub fn area_km2(&self) -> f64 {
        self.area_m2 / 1e6
    }

    /// Whether `(x, y)` lies inside or on the boundary.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let [a, b, c, d] = self.bbox;
        if x < a || x > c || y < b || y > d {
            return false;
        }
        self.parts.contains(&self.polygons, x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn contains_is_boundary_inclusive_and_area_is_exact() {
        let p =
            polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 50.0), (x: 0.0, y: 50.0)];
        let sa = StudyArea::new(MultiPolygon::new(vec![p])).unwrap();
        assert_eq!(sa.area_m2(), 5000.0);
        assert!(sa.contains(50.0, 25.0));
        assert!(sa.contains(100.0, 50.0));
        assert!(!sa.contains(100.1, 25.0));
        assert!(StudyArea::new(MultiPolygon::new(vec![])).is_none());
    }

    #[test]
    fn contains_agrees_with_geo_intersects_on_holes_touching_parts_and_boundaries() {
        use geo::{Intersects, LineString, Point};
        // A square with a square hole, a triangle sharing the square's right edge, and a far part.
        let mut sq =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
        sq.interiors_push(LineString::from(vec![
            (3.0, 3.0),
            (6.0, 3.0),
            (6.0, 6.0),
            (3.0, 6.0),
            (3.0, 3.0),
        ]));
        let tri = polygon![(x: 10.0, y: 0.0), (x: 15.0, y: 5.0), (x: 10.0, y: 10.0)];
        let far = polygon![(x: 30.0, y: 30.0), (x: 31.0, y: 30.0), (x: 31.0, y: 31.0)];
        let mp = MultiPolygon::new(vec![sq, tri, far]);
        let sa = StudyArea::new(mp.clone()).unwrap();
        // Every point of a 0.25 grid (vertices, edges, the shared edge x = 10, the hole's edges)
        // plus seeded random points.
        let mut pts: Vec<(f64, f64)> = (0..=140)
            .flat_map(|i| (0..=130).map(move |j| (i as f64 * 0.25 - 1.0, j as f64 * 0.25 - 1.0)))
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let v = ((state.rotate_left(29)) >> 11) as f64 / (1u64 << 53) as f64;
            pts.push((u * 34.0 - 1.0, v * 34.0 - 1.0));
        }
        let mut inside = 0;
        for (x, y) in pts {
            let want = mp.intersects(&Point::new(x, y));
            assert_eq!(sa.contains(x, y), want, "({x}, {y})");
            inside += usize::from(want);
        }
        assert!(inside > 1000, "the test covers inside points ({inside})");
        assert!(sa.contains(10.0, 5.0), "the shared edge is inside");
        assert!(!sa.contains(4.5, 4.5), "the hole is outside");
        assert!(sa.contains(3.0, 4.0), "the hole's edge is boundary");
    }
}
