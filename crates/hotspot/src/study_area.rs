//! The study area: an optional boundary polygon in working-CRS metres, used to clip incidents and to bound analyses.

use geo::{Area, BoundingRect, Intersects, MultiPolygon, Point};

/// A study area (e.g. a municipality boundary) in working-CRS metres.
///
/// Points on the boundary count as inside.
#[derive(Clone, Debug)]
pub struct StudyArea {
    polygons: MultiPolygon<f64>,
    bbox: [f64; 4],
    area_m2: f64,
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
        self.polygons.intersects(&Point::new(x, y))
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
}
