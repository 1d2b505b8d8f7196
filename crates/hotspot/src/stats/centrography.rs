//! Centrography: mean centre, weighted mean centre, median centre, standard distance and the standard deviational ellipse.
//!
//! Definitions follow CrimeStat (Levine 2010, ch. 4) and pointpats 2.5
//! (`pointpats.centrography`), which the tests reproduce on Snow's cholera deaths.
//! All functions take coordinates in metres and optional non-negative weights.

use crate::error::{Error, Result};

/// Mean centre `(sum x / n, sum y / n)`.
///
/// # Errors
/// [`Error::InsufficientData`] without points; [`Error::InvalidParameter`] for mismatched lengths.
pub fn mean_centre(x: &[f64], y: &[f64]) -> Result<[f64; 2]> {
    weighted_mean_centre(x, y, None)
}

/// Weighted mean centre `(sum w x / sum w, sum w y / sum w)`; unweighted when `w` is `None`.
///
/// # Errors
/// As [`mean_centre`], and [`Error::InvalidParameter`] when the weights are
/// negative, not finite, or sum to zero.
pub fn weighted_mean_centre(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<[f64; 2]> {
    check(x, y, w)?;
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    for i in 0..x.len() {
        let wi = w.map_or(1.0, |w| w[i]);
        sx += wi * x[i];
        sy += wi * y[i];
        sw += wi;
    }
    Ok([sx / sw, sy / sw])
}

/// Median centre (the Euclidean median, the point minimising the sum of
/// weighted distances) by Weiszfeld's (1937) iteration from the weighted mean
/// centre, with the Vardi & Zhang (2000) modification at data points.
/// Stops when a step moves less than `1e-9 m` (relative to the spread) or after 10,000 steps.
///
/// # Errors
/// As [`weighted_mean_centre`].
pub fn median_centre(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<[f64; 2]> {
    let mut c = weighted_mean_centre(x, y, w)?;
    let spread = standard_distance(x, y, w)?.max(1e-300);
    for _ in 0..10_000 {
        let (mut nx, mut ny, mut den) = (0.0, 0.0, 0.0);
        let (mut rx, mut ry) = (0.0, 0.0);
        let mut at_point = 0.0;
        for i in 0..x.len() {
            let wi = w.map_or(1.0, |w| w[i]);
            let d = (x[i] - c[0]).hypot(y[i] - c[1]);
            if d <= 1e-12 * spread {
                at_point += wi;
                continue;
            }
            nx += wi * x[i] / d;
            ny += wi * y[i] / d;
            den += wi / d;
            rx += wi * (x[i] - c[0]) / d;
            ry += wi * (y[i] - c[1]) / d;
        }
        if den == 0.0 {
            break; // every point at the centre
        }
        let t = [nx / den, ny / den];
        let next = if at_point > 0.0 {
            // Vardi-Zhang: stay at a data point when the pull of the others is weaker.
            let r = rx.hypot(ry);
            if r <= at_point {
                break;
            }
            let eta = at_point / r;
            [
                (1.0 - eta) * t[0] + eta * c[0],
                (1.0 - eta) * t[1] + eta * c[1],
            ]
        } else {
            t
        };
        let step = (next[0] - c[0]).hypot(next[1] - c[1]);
        c = next;
        if step <= 1e-9 * spread.max(1.0) {
            break;
        }
    }
    Ok(c)
}

/// Standard distance `sqrt(sum w ((x - xbar)^2 + (y - ybar)^2) / sum w)` around the (weighted) mean centre.
///
/// # Errors
/// As [`weighted_mean_centre`].
pub fn standard_distance(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<f64> {
    let [mx, my] = weighted_mean_centre(x, y, w)?;
    let (mut s, mut sw) = (0.0, 0.0);
    for i in 0..x.len() {
        let wi = w.map_or(1.0, |w| w[i]);
        s += wi * ((x[i] - mx).powi(2) + (y[i] - my).powi(2));
        sw += wi;
    }
    Ok((s / sw).sqrt())
}

/// A standard deviational ellipse.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Ellipse {
    /// Centre (the weighted mean centre), metres.
    pub centre: [f64; 2],
    /// Standard deviation along the major axis, metres (semi-major axis of the drawn ellipse).
    pub major: f64,
    /// Standard deviation along the minor axis, metres.
    pub minor: f64,
    /// Direction of the major axis, radians counter-clockwise from east, in (-pi/2, pi/2].
    pub angle_rad: f64,
}

impl Ellipse {
    /// Direction of the major axis in degrees clockwise from north, in [0, 180) (ArcGIS's `Rotation`).
    pub fn rotation_deg_from_north(&self) -> f64 {
        (90.0 - self.angle_rad.to_degrees()).rem_euclid(180.0)
    }

    /// Area `pi * major * minor`, square metres.
    pub fn area_m2(&self) -> f64 {
        std::f64::consts::PI * self.major * self.minor
    }

    /// A closed ring of `n` vertices (plus the closing one) tracing the ellipse.
    pub fn ring(&self, n: usize) -> Vec<[f64; 2]> {
        let n = n.max(8);
        let (s, c) = self.angle_rad.sin_cos();
        let mut v: Vec<[f64; 2]> = (0..n)
            .map(|k| {
                let t = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
                let (a, b) = (self.major * t.cos(), self.minor * t.sin());
                [
                    self.centre[0] + a * c - b * s,
                    self.centre[1] + a * s + b * c,
                ]
            })
            .collect();
        v.push(v[0]);
        v
    }
}

/// Standard deviational ellipse (Lefever 1926; CrimeStat's form, as pointpats'
/// `ellipse(method="crimestat")`): axes from the weighted second moments about
/// the weighted mean centre, rotated to the principal directions, each standard
/// deviation multiplied by `sqrt(2) sqrt(n / (n - 2))` (CrimeStat's correction
/// for two degrees of freedom and the two-dimensional spread). ArcGIS's
/// Directional Distribution uses `sqrt(2)` without the `n / (n - 2)` factor: for
/// its figures multiply both axes by `sqrt((n - 2) / n)`.
///
/// Degenerate inputs: fewer than 3 points gives [`Error::InsufficientData`]; all
/// points on one spot gives axes 0 and angle 0; isotropic spread gives angle 0.
///
/// # Errors
/// As [`weighted_mean_centre`], and [`Error::InsufficientData`] for fewer than 3 points.
///
/// # Example
/// ```
/// use hotspot::stats::centrography::standard_deviational_ellipse;
/// // Points spread along the line y = x.
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 2.0, 2.5];
/// let y = [0.0, 1.0, 2.0, 3.0, 4.0, 2.5, 2.0];
/// let e = standard_deviational_ellipse(&x, &y, None)?;
/// assert!((e.angle_rad - std::f64::consts::FRAC_PI_4).abs() < 1e-9);
/// assert!(e.major > 4.0 * e.minor);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn standard_deviational_ellipse(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<Ellipse> {
    let centre = weighted_mean_centre(x, y, w)?;
    let n = x.len();
    if n < 3 {
        return Err(Error::InsufficientData(format!(
            "a standard deviational ellipse needs at least 3 points ({n} given)"
        )));
    }
    let (mut sxx, mut syy, mut sxy, mut sw) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let wi = w.map_or(1.0, |w| w[i]);
        let (dx, dy) = (x[i] - centre[0], y[i] - centre[1]);
        sxx += wi * dx * dx;
        syy += wi * dy * dy;
        sxy += wi * dx * dy;
        sw += wi;
    }
    // Principal axes of the scatter matrix: angle of the major axis.
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let (s, c) = angle.sin_cos();
    let (mut t_major, mut t_minor) = (0.0, 0.0);
    for i in 0..n {
        let wi = w.map_or(1.0, |w| w[i]);
        let (dx, dy) = (x[i] - centre[0], y[i] - centre[1]);
        t_major += wi * (dx * c + dy * s).powi(2);
        t_minor += wi * (-dx * s + dy * c).powi(2);
    }
    let corr = 2f64.sqrt() * (n as f64 / (n as f64 - 2.0)).sqrt();
    let major = (t_major / sw).sqrt() * corr;
    let minor = (t_minor / sw).sqrt() * corr;
    // Normalise to (-pi/2, pi/2].
    let mut a = angle;
    if a <= -std::f64::consts::FRAC_PI_2 {
        a += std::f64::consts::PI;
    }
    Ok(Ellipse {
        centre,
        major,
        minor,
        angle_rad: if major > 0.0 { a } else { 0.0 },
    })
}

/// All centrographic measures at once.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Centrography {
    /// Number of points.
    pub n: usize,
    /// Mean centre.
    pub mean_centre: [f64; 2],
    /// Weighted mean centre (incident weights).
    pub weighted_mean_centre: [f64; 2],
    /// Median centre (Weiszfeld).
    pub median_centre: [f64; 2],
    /// Standard distance, metres.
    pub standard_distance_m: f64,
    /// Standard deviational ellipse (`None` for fewer than 3 points).
    pub ellipse: Option<Ellipse>,
}

/// Every measure of this module for points with weights `w`.
///
/// # Errors
/// As [`weighted_mean_centre`].
pub fn centrography(x: &[f64], y: &[f64], w: &[f64]) -> Result<Centrography> {
    Ok(Centrography {
        n: x.len(),
        mean_centre: mean_centre(x, y)?,
        weighted_mean_centre: weighted_mean_centre(x, y, Some(w))?,
        median_centre: median_centre(x, y, None)?,
        standard_distance_m: standard_distance(x, y, None)?,
        ellipse: standard_deviational_ellipse(x, y, None).ok(),
    })
}

fn check(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<()> {
    if x.len() != y.len() || w.is_some_and(|w| w.len() != x.len()) {
        return Err(Error::invalid(
            "y",
            format!("{} values", y.len()),
            format!("x, y (and weights) need {} values", x.len()),
        ));
    }
    if x.is_empty() {
        return Err(Error::InsufficientData(
            "centrography needs at least one point".into(),
        ));
    }
    if let Some(w) = w {
        if let Some(v) = w.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(Error::invalid(
                "weights",
                v,
                "weights must be finite and >= 0",
            ));
        }
        if !(w.iter().sum::<f64>() > 0.0) {
            return Err(Error::invalid(
                "weights",
                "all 0",
                "at least one weight must be positive",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_square() {
        let x = [0.0, 2.0, 2.0, 0.0];
        let y = [0.0, 0.0, 2.0, 2.0];
        assert_eq!(mean_centre(&x, &y).unwrap(), [1.0, 1.0]);
        assert_eq!(
            weighted_mean_centre(&x, &y, Some(&[3.0, 1.0, 0.0, 0.0])).unwrap(),
            [0.5, 0.0]
        );
        assert!((standard_distance(&x, &y, None).unwrap() - 2f64.sqrt()).abs() < 1e-12);
        let m = median_centre(&x, &y, None).unwrap();
        assert!((m[0] - 1.0).abs() < 1e-9 && (m[1] - 1.0).abs() < 1e-9);
        // Isotropic: both axes sqrt(2) * sqrt(4/2) * 1 = 2.
        let e = standard_deviational_ellipse(&x, &y, None).unwrap();
        assert!((e.major - 2.0).abs() < 1e-12 && (e.minor - 2.0).abs() < 1e-12);
    }

    #[test]
    fn median_centre_minimises_total_distance() {
        let x = [0.0, 10.0, 3.0, 7.0, 100.0, 2.0];
        let y = [0.0, 1.0, 8.0, 2.0, 50.0, 2.0];
        let m = median_centre(&x, &y, None).unwrap();
        let cost = |p: [f64; 2]| {
            x.iter()
                .zip(&y)
                .map(|(a, b)| (a - p[0]).hypot(b - p[1]))
                .sum::<f64>()
        };
        let c = cost(m);
        for dx in [-0.01, 0.0, 0.01] {
            for dy in [-0.01, 0.0, 0.01] {
                assert!(cost([m[0] + dx, m[1] + dy]) >= c - 1e-9);
            }
        }
        // Median at a data point (a majority sits there).
        let m = median_centre(&[0.0, 0.0, 0.0, 5.0], &[0.0, 0.0, 0.0, 5.0], None).unwrap();
        assert!(m[0].abs() < 1e-9 && m[1].abs() < 1e-9);
    }

    #[test]
    fn degenerate_inputs() {
        assert!(mean_centre(&[], &[]).is_err());
        assert!(standard_deviational_ellipse(&[1.0, 2.0], &[1.0, 2.0], None).is_err());
        let e = standard_deviational_ellipse(&[1.0; 5], &[2.0; 5], None).unwrap();
        assert_eq!((e.major, e.minor, e.angle_rad), (0.0, 0.0, 0.0));
        assert_eq!(
            median_centre(&[1.0; 3], &[2.0; 3], None).unwrap(),
            [1.0, 2.0]
        );
        assert!(weighted_mean_centre(&[1.0], &[1.0], Some(&[0.0])).is_err());
        let e = Ellipse {
            centre: [0.0, 0.0],
            major: 2.0,
            minor: 1.0,
            angle_rad: 0.0,
        };
        assert_eq!(e.rotation_deg_from_north(), 90.0);
        assert_eq!(e.ring(8).len(), 9);
    }
}
