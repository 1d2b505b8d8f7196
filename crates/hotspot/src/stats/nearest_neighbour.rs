//! Nearest-neighbour distances (fast, exact bucket grid) and the Clark & Evans (1954) nearest neighbour index.
//!
//! `R = rbar_obs / rbar_exp`, `rbar_exp = 0.5 / sqrt(n / A)`,
//! `SE = 0.26136 / sqrt(n^2 / A)`, `z = (rbar_obs - rbar_exp) / SE` (Clark & Evans
//! 1954, as ArcGIS's Average Nearest Neighbor). `R < 1` means clustering, `R > 1`
//! dispersion. No edge correction. `A` is the study area's area when one is
//! given, else the area of the convex hull of the points; the result says which.
//! Coincident points have nearest-neighbour distance 0 and are kept.

use crate::error::{Error, Result};
use crate::stats::getis_ord::two_sided_p;
use crate::study_area::StudyArea;
use geo::{Area, ConvexHull, MultiPoint, Point};
use rayon::prelude::*;

/// Distance from each point to its nearest other point (0 for coincident points).
///
/// Exact: points are bucketed in a uniform grid of about one point per cell
/// and each query scans rings of cells until no unseen cell can hold a closer
/// point. Expected `O(n)` for spread-out data, parallel over points; results do
/// not depend on the thread count.
///
/// # Errors
/// [`Error::InsufficientData`] for fewer than 2 points; [`Error::InvalidParameter`]
/// for mismatched lengths or non-finite coordinates.
pub fn nearest_distances(x: &[f64], y: &[f64]) -> Result<Vec<f64>> {
    let n = x.len();
    if n != y.len() {
        return Err(Error::invalid(
            "y",
            format!("{} values", y.len()),
            format!("x and y need the same length ({n})"),
        ));
    }
    if n < 2 {
        return Err(Error::InsufficientData(format!(
            "nearest-neighbour distances need at least 2 points ({n} given)"
        )));
    }
    // Bucket numbers are u32 and there are at most 4n buckets.
    if n as u64 > u64::from(u32::MAX / 4) {
        return Err(Error::LimitExceeded {
            what: "points for nearest-neighbour distances",
            requested: n as u64,
            limit: u64::from(u32::MAX / 4),
            hint: "split the input by area or period".into(),
        });
    }
    if let Some(i) = (0..n).find(|&i| !(x[i].is_finite() && y[i].is_finite())) {
        return Err(Error::invalid(
            "position",
            format!("({}, {})", x[i], y[i]),
            format!("point {i} is not finite"),
        ));
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for i in 0..n {
        x0 = x0.min(x[i]);
        y0 = y0.min(y[i]);
        x1 = x1.max(x[i]);
        y1 = y1.max(y[i]);
    }
    let (w, h) = (x1 - x0, y1 - y0);
    if w == 0.0 && h == 0.0 {
        return Ok(vec![0.0; n]);
    }
    // Cell size: first about one point per cell of the bounding box (degenerate,
    // line-like boxes get a 1-D bucketing). Clustered data then crowd many points
    // into few cells, and each query scans every point of 9 cells: so when a point
    // shares its cell with more than 4 others on average (sum of squared counts / n),
    // the cells shrink towards 2 per occupied cell, within 4n cells in all.
    let area = (w.max(h * 1e-9)) * (h.max(w * 1e-9));
    let dims = |s: f64| ((w / s).floor() + 1.0, (h / s).floor() + 1.0);
    let cap = 4.0 * n as f64;
    let mut s = (area / n as f64).sqrt();
    while dims(s).0 * dims(s).1 > cap {
        s *= 1.5;
    }
    let bucket = |s: f64| -> (usize, usize, Vec<u32>) {
        let (cols, rows) = (dims(s).0 as usize, dims(s).1 as usize);
        let cells = (0..n)
            .into_par_iter()
            .with_min_len(8192)
            .map(|i| {
                let c = (((x[i] - x0) / s) as usize).min(cols - 1);
                let r = (((y[i] - y0) / s) as usize).min(rows - 1);
                (r * cols + c) as u32
            })
            .collect();
        (cols, rows, cells)
    };
    let count = |cells: &[u32], len: usize| -> Vec<u32> {
        let mut start = vec![0u32; len + 1];
        for &c in cells {
            start[c as usize + 1] += 1;
        }
        start
    };
    let (mut cols, mut rows, mut cells) = bucket(s);
    let mut start = count(&cells, cols * rows);
    let crowding = start
        .iter()
        .map(|&c| f64::from(c) * f64::from(c))
        .sum::<f64>()
        / n as f64;
    if crowding > 4.0 {
        let mut finer = s * (2.0 / crowding).sqrt();
        while dims(finer).0 * dims(finer).1 > cap {
            finer *= 1.1;
        }
        if finer < 0.8 * s {
            s = finer;
            (cols, rows, cells) = bucket(s);
            start = count(&cells, cols * rows);
        }
    }
    for k in 0..cols * rows {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; n];
    for (i, &c) in cells.iter().enumerate() {
        order[fill[c as usize] as usize] = i as u32;
        fill[c as usize] += 1;
    }
    let sx: Vec<f64> = order.iter().map(|&i| x[i as usize]).collect();
    let sy: Vec<f64> = order.iter().map(|&i| y[i as usize]).collect();
    // Queries run in bucket order (neighbouring queries touch the same cells, so
    // the scans stay in cache) and are scattered back to input order at the end.
    let sorted_cells: Vec<usize> = order.iter().map(|&i| cells[i as usize] as usize).collect();
    let by_bucket: Vec<f64> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|q| {
            let (px, py) = (sx[q], sy[q]);
            let c = sorted_cells[q] % cols;
            let r = sorted_cells[q] / cols;
            let mut best = f64::INFINITY;
            let mut ring = 0usize;
            loop {
                let r0 = r.saturating_sub(ring);
                let r1 = (r + ring).min(rows - 1);
                let c0 = c.saturating_sub(ring);
                let c1 = (c + ring).min(cols - 1);
                for rr in r0..=r1 {
                    let edge_row = rr + ring == r || rr == r + ring;
                    let mut cc = c0;
                    while cc <= c1 {
                        let on_ring = edge_row || cc + ring == c || cc == c + ring;
                        if on_ring {
                            let k = rr * cols + cc;
                            for t in start[k] as usize..start[k + 1] as usize {
                                if t == q {
                                    continue;
                                }
                                let d2 = (sx[t] - px).powi(2) + (sy[t] - py).powi(2);
                                if d2 < best {
                                    best = d2;
                                }
                            }
                            cc += 1;
                        } else {
                            // Interior of the ring was scanned before: jump to its east edge.
                            cc = c + ring;
                        }
                    }
                }
                // Unseen points lie at least `ring * s` away.
                let reach = ring as f64 * s;
                let covered = r0 == 0 && c0 == 0 && r1 == rows - 1 && c1 == cols - 1;
                if best <= reach * reach || covered {
                    break;
                }
                ring += 1;
            }
            best.sqrt()
        })
        .collect();
    let mut out = vec![0.0; n];
    for (q, &i) in order.iter().enumerate() {
        out[i as usize] = by_bucket[q];
    }
    Ok(out)
}

/// Which area the nearest neighbour index used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaSource {
    /// The study area's boundary.
    StudyArea,
    /// The convex hull of the points.
    ConvexHull,
}

/// Clark & Evans nearest neighbour index.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NearestNeighbourIndex {
    /// Number of points.
    pub n: usize,
    /// Mean observed nearest-neighbour distance, metres.
    pub observed_mean_m: f64,
    /// Expected mean under complete spatial randomness, metres.
    pub expected_mean_m: f64,
    /// The ratio R = observed / expected.
    pub ratio: f64,
    /// z-score.
    pub z: f64,
    /// Two-sided normal p-value.
    pub p: f64,
    /// Area used, square metres.
    pub area_m2: f64,
    /// Where the area came from.
    pub area_source: AreaSource,
}

/// Clark & Evans (1954) nearest neighbour index of points in metres; `A` is the
/// study area's area if given, else the convex hull's.
///
/// # Errors
/// [`Error::InsufficientData`] for fewer than 2 points, or when the convex hull
/// has no area (all points on one spot or one line) and no study area is given.
///
/// # Example
/// ```
/// use hotspot::stats::nearest_neighbour::nearest_neighbour_index;
/// use geo::polygon;
/// // A regular 10 x 10 lattice of spacing 1 in a 10 x 10 study area: R = 1 / 0.5 * sqrt(1) = 2.
/// let (mut x, mut y) = (vec![], vec![]);
/// for i in 0..10 { for j in 0..10 { x.push(i as f64 + 0.5); y.push(j as f64 + 0.5); } }
/// let sq = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let area = hotspot::StudyArea::new(geo::MultiPolygon::new(vec![sq])).unwrap();
/// let r = nearest_neighbour_index(&x, &y, Some(&area))?;
/// assert!((r.ratio - 2.0).abs() < 1e-12);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn nearest_neighbour_index(
    x: &[f64],
    y: &[f64],
    area: Option<&StudyArea>,
) -> Result<NearestNeighbourIndex> {
    let d = nearest_distances(x, y)?;
    let n = x.len();
    let (a, source) = match area {
        Some(s) => (s.area_m2(), AreaSource::StudyArea),
        None => (convex_hull_area(x, y), AreaSource::ConvexHull),
    };
    if !(a > 0.0) {
        return Err(Error::InsufficientData(
            "the convex hull of the points has no area (all on one spot or one line): give a study area".into(),
        ));
    }
    let nf = n as f64;
    let observed = d.iter().sum::<f64>() / nf;
    let expected = 0.5 / (nf / a).sqrt();
    let se = 0.26136 / (nf * nf / a).sqrt();
    let z = (observed - expected) / se;
    Ok(NearestNeighbourIndex {
        n,
        observed_mean_m: observed,
        expected_mean_m: expected,
        ratio: observed / expected,
        z,
        p: two_sided_p(z),
        area_m2: a,
        area_source: source,
    })
}

/// Area of the convex hull of the points, square metres (0 for fewer than 3 or collinear points).
pub fn convex_hull_area(x: &[f64], y: &[f64]) -> f64 {
    let mp: MultiPoint<f64> = x.iter().zip(y).map(|(&a, &b)| Point::new(a, b)).collect();
    mp.convex_hull().unsigned_area()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(x: &[f64], y: &[f64]) -> Vec<f64> {
        (0..x.len())
            .map(|i| {
                (0..x.len())
                    .filter(|&j| j != i)
                    .map(|j| (x[i] - x[j]).hypot(y[i] - y[j]))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect()
    }

    #[test]
    fn bucket_grid_equals_brute_force() {
        let mut s = 99u64;
        let mut r = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..7 {
            let n = if case == 6 { 3000 } else { 50 + case * 97 };
            let (mut x, mut y) = (Vec::new(), Vec::new());
            for k in 0..n {
                match case {
                    0 => {
                        x.push(r() * 1000.0);
                        y.push(r() * 1000.0);
                    }
                    1 => {
                        // clustered + far outlier
                        x.push(if k == 0 {
                            1e6
                        } else {
                            500.0 + r().powi(4) * 50.0
                        });
                        y.push(500.0 + r().powi(4) * 50.0);
                    }
                    2 => {
                        // a line
                        x.push(r() * 100.0);
                        y.push(7.0);
                    }
                    3 => {
                        // coincident groups
                        x.push((k % 7) as f64 * 10.0);
                        y.push((k % 3) as f64 * 10.0);
                    }
                    6 => {
                        // half uniform, half in a core 100 times denser: the
                        // cells are refined (crowding > 4)
                        let (o, w) = if k % 2 == 0 {
                            (0.0, 2000.0)
                        } else {
                            (900.0, 200.0)
                        };
                        x.push(o + r() * w);
                        y.push(o + r() * w);
                    }
                    _ => {
                        x.push(r() * 1e5);
                        y.push(r() * 10.0);
                    }
                }
            }
            let fast = nearest_distances(&x, &y).unwrap();
            let slow = brute(&x, &y);
            for i in 0..n {
                assert!(
                    (fast[i] - slow[i]).abs() < 1e-9,
                    "case {case} point {i}: {} vs {}",
                    fast[i],
                    slow[i]
                );
            }
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert!(nearest_distances(&[1.0], &[1.0]).is_err());
        assert_eq!(
            nearest_distances(&[1.0; 4], &[2.0; 4]).unwrap(),
            vec![0.0; 4]
        );
        assert!(nearest_neighbour_index(&[1.0; 4], &[2.0; 4], None).is_err());
        assert!(nearest_neighbour_index(&[0.0, 1.0, 2.0], &[0.0, 1.0, 2.0], None).is_err());
        let r = nearest_neighbour_index(&[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0], None).unwrap();
        assert_eq!(r.area_source, AreaSource::ConvexHull);
        assert_eq!(r.area_m2, 0.5);
        // mean NN = 1, expected = 0.5 / sqrt(3 / 0.5)
        assert!((r.ratio - 1.0 / (0.5 / 6f64.sqrt())).abs() < 1e-12);
    }
}
