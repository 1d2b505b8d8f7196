//! Ripley's K and L functions with border (reduced-sample) edge correction and
//! Monte-Carlo envelopes of complete spatial randomness (CSR) in the study area.
//!
//! Ripley (1976, 1977); estimator as spatstat's `Kest(correction = "border")`
//! (Baddeley, Rubak & Turner 2015, sec. 7.4): with `lambda = n / A` and `b_i`
//! the distance from point `i` to the window's boundary,
//! `K(r) = sum_{i: b_i >= r} #{j != i: d_ij <= r} / (lambda n_r)`,
//! `n_r = #{i: b_i >= r}`; `L(r) = sqrt(K(r) / pi)` (so `L(r) = r` under CSR).
//! Only points far enough from the edge serve as centres, which removes the
//! edge bias without weights and works for any polygon window.
//!
//! The window is the study area when given, else the convex hull of the points
//! (stated in the result). Points outside the window are left out (counted).
//! Envelopes: `simulations` CSR patterns of the same `n` drawn uniformly in the
//! window (ChaCha8, seed, one stream per simulation; parallel and deterministic),
//! the pointwise minimum and maximum of their `L`. With 99 simulations a curve
//! outside the envelope at a given r is significant at about 2 % (two-sided).
//! Degenerate: at radii where no point is at least `r` from the edge
//! (`n_r = 0`) K and L are reported as 0 and `centres` says 0.

use crate::error::{Error, Result};
use crate::index::SpatialIndex;
use crate::stats::nearest_neighbour::AreaSource;
use crate::study_area::StudyArea;
use geo::{
    Area, BoundingRect, ConvexHull, Distance, Euclidean, Intersects, MultiPoint, MultiPolygon,
    Point,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Checked parameters of [`ripley`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RipleyParams {
    radii_m: Vec<f64>,
    simulations: usize,
    seed: u64,
}

impl RipleyParams {
    /// Radii (metres, increasing, positive), CSR simulations (0 = no envelope, at most 9,999), seed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for empty, non-increasing or non-positive radii, or too many simulations.
    pub fn new(radii_m: Vec<f64>, simulations: usize, seed: u64) -> Result<Self> {
        if radii_m.is_empty() || radii_m.len() > 1000 {
            return Err(Error::invalid(
                "radii",
                radii_m.len(),
                "give 1 to 1000 radii",
            ));
        }
        for (k, &r) in radii_m.iter().enumerate() {
            if !(r.is_finite() && r > 0.0) || (k > 0 && r <= radii_m[k - 1]) {
                return Err(Error::invalid(
                    "radii",
                    format!("{radii_m:?}"),
                    "radii must be positive and strictly increasing",
                ));
            }
        }
        if simulations > 9_999 {
            return Err(Error::invalid(
                "simulations",
                simulations,
                "use at most 9999 (99 or 999 are usual)",
            ));
        }
        Ok(Self {
            radii_m,
            simulations,
            seed,
        })
    }

    /// `steps` equally spaced radii up to a quarter of the square root of `area_m2`
    /// (spatstat's default reach for a square window).
    ///
    /// # Errors
    /// As [`RipleyParams::new`].
    pub fn default_radii(
        area_m2: f64,
        steps: usize,
        simulations: usize,
        seed: u64,
    ) -> Result<Self> {
        let rmax = 0.25 * area_m2.max(0.0).sqrt();
        let steps = steps.max(1);
        Self::new(
            (1..=steps)
                .map(|k| rmax * k as f64 / steps as f64)
                .collect(),
            simulations,
            seed,
        )
    }
}

/// K and L with envelopes.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Ripley {
    /// Radii, metres.
    pub r: Vec<f64>,
    /// K(r), square metres.
    pub k: Vec<f64>,
    /// L(r), metres.
    pub l: Vec<f64>,
    /// Points used as centres at each radius (`n_r`).
    pub centres: Vec<usize>,
    /// Lower CSR envelope of L (empty without simulations).
    pub l_lo: Vec<f64>,
    /// Upper CSR envelope of L.
    pub l_hi: Vec<f64>,
    /// Window area, square metres.
    pub area_m2: f64,
    /// Where the window came from.
    pub window: AreaSource,
    /// Points used (inside the window).
    pub n: usize,
    /// Points outside the window, left out.
    pub outside: usize,
    /// Simulations used for the envelope.
    pub simulations: usize,
    /// Edge correction used.
    pub correction: &'static str,
}

struct Window {
    poly: MultiPolygon<f64>,
    area: f64,
    bbox: [f64; 4],
}

impl Window {
    fn contains(&self, x: f64, y: f64) -> bool {
        let [a, b, c, d] = self.bbox;
        x >= a && x <= c && y >= b && y <= d && self.poly.intersects(&Point::new(x, y))
    }
    fn border(&self, x: f64, y: f64) -> f64 {
        let p = Point::new(x, y);
        let mut best = f64::INFINITY;
        for poly in &self.poly {
            best = best.min(Euclidean.distance(&p, poly.exterior()));
            for h in poly.interiors() {
                best = best.min(Euclidean.distance(&p, h));
            }
        }
        best
    }
}

fn k_function(x: &[f64], y: &[f64], w: &Window, radii: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let n = x.len();
    let rmax = radii[radii.len() - 1];
    let idx = SpatialIndex::from_xy(x, y);
    let per: Vec<(f64, Vec<u64>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let b = w.border(x[i], y[i]);
            let mut d: Vec<f64> = Vec::new();
            if b >= radii[0] {
                idx.for_each_within(x[i], y[i], rmax.min(b), |j, d2| {
                    if j != i {
                        d.push(d2.sqrt());
                    }
                });
            }
            d.sort_by(f64::total_cmp);
            let counts = radii
                .iter()
                .map(|&r| d.partition_point(|&v| v <= r) as u64)
                .collect();
            (b, counts)
        })
        .collect();
    let lambda = n as f64 / w.area;
    let mut k = vec![0.0; radii.len()];
    let mut centres = vec![0usize; radii.len()];
    for (t, &r) in radii.iter().enumerate() {
        let mut s = 0u64;
        for (b, c) in &per {
            if *b >= r {
                s += c[t];
                centres[t] += 1;
            }
        }
        if centres[t] > 0 && lambda > 0.0 {
            k[t] = s as f64 / (lambda * centres[t] as f64);
        }
    }
    (k, centres)
}

/// Ripley's K and L of points `(x, y)` (metres) in `area` (or their convex hull)
/// with border correction and CSR envelopes.
///
/// Complexity `O(n log n + n m)` per pattern with `m` the mean number of points
/// within the largest radius, times `1 + simulations`.
///
/// # Errors
/// [`Error::InsufficientData`] with fewer than 2 points in the window or a
/// window without area; [`Error::InvalidParameter`] for mismatched lengths.
pub fn ripley(
    x: &[f64],
    y: &[f64],
    area: Option<&StudyArea>,
    params: &RipleyParams,
) -> Result<Ripley> {
    if x.len() != y.len() {
        return Err(Error::invalid(
            "y",
            y.len(),
            format!("x and y need the same length ({})", x.len()),
        ));
    }
    let (poly, source) = match area {
        Some(a) => (a.polygons().clone(), AreaSource::StudyArea),
        None => {
            let mp: MultiPoint<f64> = x.iter().zip(y).map(|(&a, &b)| Point::new(a, b)).collect();
            (
                MultiPolygon::new(vec![mp.convex_hull()]),
                AreaSource::ConvexHull,
            )
        }
    };
    let a = poly.unsigned_area();
    let rect = poly.bounding_rect();
    let (Some(rect), true) = (rect, a > 0.0) else {
        return Err(Error::InsufficientData(
            "the window has no area: give a study area or points that span an area".into(),
        ));
    };
    let w = Window {
        poly,
        area: a,
        bbox: [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
    };
    let (mut px, mut py) = (Vec::new(), Vec::new());
    for i in 0..x.len() {
        // The hull contains its points; a study area may not.
        if source == AreaSource::ConvexHull || w.contains(x[i], y[i]) {
            px.push(x[i]);
            py.push(y[i]);
        }
    }
    let n = px.len();
    if n < 2 {
        return Err(Error::InsufficientData(format!(
            "Ripley's K needs at least 2 points in the window ({n} inside)"
        )));
    }
    let radii = &params.radii_m;
    let (k, centres) = k_function(&px, &py, &w, radii);
    let to_l = |k: &[f64]| {
        k.iter()
            .map(|v| (v / std::f64::consts::PI).sqrt())
            .collect::<Vec<f64>>()
    };
    let l = to_l(&k);
    let (mut l_lo, mut l_hi) = (Vec::new(), Vec::new());
    if params.simulations > 0 {
        let sims: Vec<Vec<f64>> = (0..params.simulations)
            .into_par_iter()
            .map(|s| {
                let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
                rng.set_stream(s as u64);
                let [a0, b0, a1, b1] = w.bbox;
                let (mut sx, mut sy) = (Vec::with_capacity(n), Vec::with_capacity(n));
                while sx.len() < n {
                    let u = a0 + rng.random::<f64>() * (a1 - a0);
                    let v = b0 + rng.random::<f64>() * (b1 - b0);
                    if w.contains(u, v) {
                        sx.push(u);
                        sy.push(v);
                    }
                }
                to_l(&k_function(&sx, &sy, &w, radii).0)
            })
            .collect();
        l_lo = (0..radii.len())
            .map(|t| sims.iter().map(|s| s[t]).fold(f64::INFINITY, f64::min))
            .collect();
        l_hi = (0..radii.len())
            .map(|t| sims.iter().map(|s| s[t]).fold(f64::NEG_INFINITY, f64::max))
            .collect();
    }
    Ok(Ripley {
        r: radii.clone(),
        k,
        l,
        centres,
        l_lo,
        l_hi,
        area_m2: a,
        window: source,
        n,
        outside: x.len() - n,
        simulations: params.simulations,
        correction: "border",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(side: f64) -> StudyArea {
        StudyArea::new(MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: side, y: 0.0), (x: side, y: side), (x: 0.0, y: side)],
        ]))
        .unwrap()
    }

    #[test]
    fn border_estimator_by_brute_force() {
        let area = square(100.0);
        let x: Vec<f64> = (0..80).map(|i| ((i * 37) % 97) as f64 + 1.0).collect();
        let y: Vec<f64> = (0..80).map(|i| ((i * 59) % 89) as f64 + 3.0).collect();
        let p = RipleyParams::new(vec![5.0, 10.0, 20.0], 0, 0).unwrap();
        let r = ripley(&x, &y, Some(&area), &p).unwrap();
        for (t, &rad) in [5.0, 10.0, 20.0].iter().enumerate() {
            let mut s = 0usize;
            let mut c = 0usize;
            for i in 0..80 {
                let b = x[i].min(y[i]).min(100.0 - x[i]).min(100.0 - y[i]);
                if b >= rad {
                    c += 1;
                    s += (0..80)
                        .filter(|&j| j != i && (x[i] - x[j]).hypot(y[i] - y[j]) <= rad)
                        .count();
                }
            }
            let want = s as f64 / (80.0 / 10_000.0 * c as f64);
            assert!((r.k[t] - want).abs() < 1e-9);
            assert_eq!(r.centres[t], c);
        }
    }

    #[test]
    fn csr_lies_in_envelope_and_clusters_above_it() {
        let area = square(1000.0);
        let p = RipleyParams::new(vec![25.0, 50.0, 100.0], 39, 1).unwrap();
        // A CSR-like pattern from a different generator.
        let mut s = 77u64;
        let mut r = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let (x, y): (Vec<f64>, Vec<f64>) = (0..300).map(|_| (r() * 1000.0, r() * 1000.0)).unzip();
        let res = ripley(&x, &y, Some(&area), &p).unwrap();
        let inside = (0..3)
            .filter(|&t| res.l[t] >= res.l_lo[t] && res.l[t] <= res.l_hi[t])
            .count();
        assert!(inside >= 2, "{res:?}");
        // Clustered: 300 points in 10 tight clusters.
        let (cx, cy): (Vec<f64>, Vec<f64>) = (0..300)
            .map(|i| {
                let c = i % 10;
                (
                    100.0 + (c % 5) as f64 * 180.0 + r() * 30.0,
                    300.0 + (c / 5) as f64 * 300.0 + r() * 30.0,
                )
            })
            .unzip();
        let res = ripley(&cx, &cy, Some(&area), &p).unwrap();
        assert!(res.l[0] > res.l_hi[0]);
        assert_eq!(res.window, AreaSource::StudyArea);
        let again = ripley(&cx, &cy, Some(&area), &p).unwrap();
        assert_eq!(res, again);
    }

    #[test]
    fn degenerate_inputs() {
        let p = RipleyParams::new(vec![1.0], 0, 0).unwrap();
        assert!(ripley(&[1.0], &[1.0], None, &p).is_err());
        assert!(ripley(&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0], None, &p).is_err());
        assert!(RipleyParams::new(vec![2.0, 1.0], 0, 0).is_err());
        // Radius larger than the window: no centres, K reported as 0.
        let area = square(10.0);
        let p = RipleyParams::new(vec![100.0], 0, 0).unwrap();
        let r = ripley(&[2.0, 3.0, 8.0], &[2.0, 5.0, 8.0], Some(&area), &p).unwrap();
        assert_eq!((r.k[0], r.centres[0]), (0.0, 0));
    }
}
