//! A local metric frame around the town and a fast "inside the boundary, at least `margin` metres from it" test on a cell grid.

/// An equirectangular frame in metres centred at (`lon0`, `lat0`): good to a
/// few metres per 10 km, which is all a synthetic scene needs. Positions that
/// leave the generator are lon/lat; analyses project them properly.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocalFrame {
    lon0: f64,
    lat0: f64,
    /// Metres per degree of longitude at `lat0`.
    kx: f64,
    /// Metres per degree of latitude at `lat0`.
    ky: f64,
}

impl LocalFrame {
    pub(crate) fn new(lon0: f64, lat0: f64) -> Self {
        // Series for the WGS84 ellipsoid (metres per degree).
        let p = lat0.to_radians();
        let ky = 111_132.92 - 559.82 * (2.0 * p).cos() + 1.175 * (4.0 * p).cos();
        let kx = 111_412.84 * p.cos() - 93.5 * (3.0 * p).cos();
        Self { lon0, lat0, kx, ky }
    }
    pub(crate) fn to_local(self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }
    pub(crate) fn to_lonlat(self, x: f64, y: f64) -> [f64; 2] {
        [self.lon0 + x / self.kx, self.lat0 + y / self.ky]
    }
}

const OUT: u8 = 0;
const IN: u8 = 1;
const EDGE: u8 = 2;

/// Polygon rings in the local frame with a grid that classifies cells as
/// wholly accepted, wholly rejected, or needing the exact test.
#[derive(Clone, Debug)]
pub(crate) struct Mask {
    rings: Vec<Vec<[f64; 2]>>,
    margin: f64,
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    class: Vec<u8>,
    bbox: [f64; 4],
}

fn dist2_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    qx * qx + qy * qy
}

impl Mask {
    /// `rings`: closed or open rings (even-odd rule, so holes work) in the local frame.
    pub(crate) fn new(rings: Vec<Vec<[f64; 2]>>, margin: f64, cell: f64) -> Mask {
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in rings.iter().flatten() {
            bbox[0] = bbox[0].min(p[0]);
            bbox[1] = bbox[1].min(p[1]);
            bbox[2] = bbox[2].max(p[0]);
            bbox[3] = bbox[3].max(p[1]);
        }
        let nx = (((bbox[2] - bbox[0]) / cell).ceil() as usize).max(1);
        let ny = (((bbox[3] - bbox[1]) / cell).ceil() as usize).max(1);
        let mut m = Mask {
            rings,
            margin,
            x0: bbox[0],
            y0: bbox[1],
            cell,
            nx,
            ny,
            class: Vec::new(),
            bbox,
        };
        let half_diag = cell * std::f64::consts::FRAC_1_SQRT_2;
        let mut class = Vec::with_capacity(nx * ny);
        for r in 0..ny {
            for c in 0..nx {
                let p = [
                    m.x0 + (c as f64 + 0.5) * cell,
                    m.y0 + (r as f64 + 0.5) * cell,
                ];
                let d = m.distance(p);
                class.push(if d > half_diag + margin {
                    if m.inside(p) { IN } else { OUT }
                } else {
                    EDGE
                });
            }
        }
        m.class = class;
        m
    }

    /// Even-odd point in polygon.
    pub(crate) fn inside(&self, p: [f64; 2]) -> bool {
        let mut inside = false;
        for ring in &self.rings {
            let n = ring.len();
            let mut j = n.wrapping_sub(1);
            for i in 0..n {
                let (a, b) = (ring[i], ring[j]);
                if (a[1] > p[1]) != (b[1] > p[1])
                    && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
                {
                    inside = !inside;
                }
                j = i;
            }
        }
        inside
    }

    /// Distance to the nearest edge.
    pub(crate) fn distance(&self, p: [f64; 2]) -> f64 {
        let mut best = f64::INFINITY;
        for ring in &self.rings {
            let n = ring.len();
            for i in 0..n {
                best = best.min(dist2_to_segment(p, ring[i], ring[(i + 1) % n]));
            }
        }
        best.sqrt()
    }

    /// Inside and at least `margin` from the boundary.
    pub(crate) fn accepts(&self, p: [f64; 2]) -> bool {
        let fx = (p[0] - self.x0) / self.cell;
        let fy = (p[1] - self.y0) / self.cell;
        if !(fx >= 0.0 && fy >= 0.0) {
            return false;
        }
        let (c, r) = (fx as usize, fy as usize);
        if c >= self.nx || r >= self.ny {
            return false;
        }
        match self.class[r * self.nx + c] {
            IN => true,
            OUT => false,
            _ => self.inside(p) && self.distance(p) >= self.margin,
        }
    }

    /// Bounding box of the rings `[min_x, min_y, max_x, max_y]`.
    pub(crate) fn bbox(&self) -> [f64; 4] {
        self.bbox
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Distance, Euclidean, LineString, Point, Polygon};
    use rand::{RngExt, SeedableRng};

    #[test]
    fn local_frame_round_trips() {
        let f = LocalFrame::new(15.87, 59.045);
        let [x, y] = f.to_local(15.97, 59.1);
        let [lon, lat] = f.to_lonlat(x, y);
        assert!((lon - 15.97).abs() < 1e-12 && (lat - 59.1).abs() < 1e-12);
        // one degree of latitude at 59 N is about 111.4 km, of longitude 57.5 km
        assert!((f.to_local(15.87, 60.045)[1] - 111_395.0).abs() < 100.0);
        assert!((f.to_local(16.87, 59.045)[0] - 57_470.0).abs() < 100.0);
    }

    #[test]
    fn accepts_matches_brute_force_geo() {
        // A concave polygon with a notch.
        let ring = vec![
            [0.0, 0.0],
            [1000.0, 0.0],
            [1000.0, 1000.0],
            [600.0, 1000.0],
            [500.0, 300.0],
            [400.0, 1000.0],
            [0.0, 1000.0],
        ];
        let margin = 7.0;
        let m = Mask::new(vec![ring.clone()], margin, 37.0);
        let poly = Polygon::new(
            LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()),
            vec![],
        );
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20_000 {
            let p = [
                rng.random_range(-50.0..1050.0),
                rng.random_range(-50.0..1050.0),
            ];
            let gp = Point::new(p[0], p[1]);
            let expect = poly.contains(&gp) && Euclidean.distance(&gp, poly.exterior()) >= margin;
            assert_eq!(m.accepts(p), expect, "{p:?}");
        }
    }
}
