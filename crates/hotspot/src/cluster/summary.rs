//! Per-cluster summaries: counts, categories, mean centre, hulls, standard deviational
//! ellipse, area, density, time span and hour/weekday profiles; GeoJSON features.
//!
//! # Standard deviational ellipse
//! Lefever (1926), in the form of the CrimeStat manual (Levine, *CrimeStat III*,
//! ch. 4 "Spatial Distribution"): with deviations `x' = x − x̄`, `y' = y − ȳ`,
//! the rotation `θ` satisfies
//! `tan θ = [(Σx'² − Σy'²) + √((Σx'² − Σy'²)² + 4(Σx'y')²)] / (2 Σx'y')`
//! and the standard deviations along the two axes are
//! `S_x = √(2 Σ(x' cos θ − y' sin θ)² / (N − 2))`,
//! `S_y = √(2 Σ(x' sin θ + y' cos θ)² / (N − 2))`.
//! The corrections used are CrimeStat's: the factor 2 (axes scaled by `√2`,
//! so that the ellipse is a two-dimensional rather than a one-dimensional
//! standard deviation) and `N − 2` degrees of freedom (two estimated means).
//! `S_y` lies along the azimuth `θ` (clockwise from grid north) and is the
//! major axis; `S_x` is the minor one. Here they are computed from the
//! eigenvalues of the scatter matrix, which give the same values without the
//! division by zero when `Σx'y' = 0`. The 1-SD ellipse has semi-axes
//! `(S_y, S_x)`; the 2-SD ellipse doubles them. Its area is `π S_x S_y` (times
//! 4 for 2 SD). It needs at least 3 incidents; fewer give `None`.
//!
//! # Other quantities
//! Centroid: mean centre of the incidents (unweighted). Convex hull (`geo`,
//! quickhull) and concave hull (`geo`'s concaveman port, concavity 2) over the
//! distinct positions; with one distinct position the hulls are that point,
//! with collinear positions a line. Area: convex-hull area in m²; density:
//! incidents per km² of that area (`None` when the area is 0). Time span and
//! profiles use [`IncidentTime::hour`]/[`IncidentTime::weekday`], which are
//! `None` for day or month resolution: such incidents are counted in
//! `with_hour`/`with_weekday` only when the resolution has them.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::output::OutFeature;
use crate::time::IncidentTime;
use geo::{Area, ConcaveHull, ConvexHull, Geometry, LineString, MultiPoint, Point, Polygon, coord};
use serde_json::{Map, Value, json};

/// The standard deviational ellipse of a cluster (CrimeStat's definition; see the module doc).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Mean centre `[x, y]` in metres.
    pub centre: [f64; 2],
    /// Standard deviation along the major axis (`S_y` of CrimeStat), metres.
    pub sd_major_m: f64,
    /// Standard deviation along the minor axis (`S_x` of CrimeStat), metres.
    pub sd_minor_m: f64,
    /// Azimuth of the major axis in degrees clockwise from grid north, in `[0, 180)`.
    pub azimuth_deg: f64,
}

impl Ellipse {
    /// CrimeStat's ellipse of the points, or `None` with fewer than 3 points.
    pub fn of_points(x: &[f64], y: &[f64]) -> Option<Ellipse> {
        let n = x.len().min(y.len());
        if n < 3 {
            return None;
        }
        let mx = x.iter().sum::<f64>() / n as f64;
        let my = y.iter().sum::<f64>() / n as f64;
        let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let (dx, dy) = (x[i] - mx, y[i] - my);
            a += dx * dx;
            b += dy * dy;
            c += dx * dy;
        }
        let half = (a - b) / 2.0;
        let r = (half * half + c * c).sqrt();
        let l_major = ((a + b) / 2.0 + r).max(0.0);
        let l_minor = ((a + b) / 2.0 - r).max(0.0);
        // Major eigenvector (v_x, v_y) ∝ (c, λ − a) or (λ − b, c).
        let (vx, vy) = if c == 0.0 {
            if a >= b { (1.0, 0.0) } else { (0.0, 1.0) }
        } else {
            (c, l_major - a)
        };
        let mut az = vx.atan2(vy).to_degrees();
        if az < 0.0 {
            az += 180.0;
        }
        if az >= 180.0 {
            az -= 180.0;
        }
        let df = (n - 2) as f64;
        Some(Ellipse {
            centre: [mx, my],
            sd_major_m: (2.0 * l_major / df).sqrt(),
            sd_minor_m: (2.0 * l_minor / df).sqrt(),
            azimuth_deg: az,
        })
    }

    /// Area of the `k`-SD ellipse in m²: `π k² S_major S_minor`.
    pub fn area_m2(&self, k: f64) -> f64 {
        std::f64::consts::PI * k * k * self.sd_major_m * self.sd_minor_m
    }

    /// The `k`-SD ellipse as a polygon with `vertices` vertices (metres).
    pub fn polygon(&self, k: f64, vertices: usize) -> Polygon<f64> {
        let az = self.azimuth_deg.to_radians();
        // Unit vectors of the major (along azimuth) and minor axes.
        let (ux, uy) = (az.sin(), az.cos());
        // Minor axis: the major turned 90° anticlockwise, so the ring runs anticlockwise (RFC 7946).
        let (vx, vy) = (-uy, ux);
        let (a, b) = (k * self.sd_major_m, k * self.sd_minor_m);
        let m = vertices.max(8);
        let mut ring: Vec<geo::Coord<f64>> = (0..m)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / m as f64;
                let (p, q) = (a * t.cos(), b * t.sin());
                coord! { x: self.centre[0] + p * ux + q * vx, y: self.centre[1] + p * uy + q * vy }
            })
            .collect();
        ring.push(ring[0]);
        Polygon::new(LineString::new(ring), vec![])
    }
}

/// Summary of one cluster.
#[derive(Clone, Debug)]
pub struct ClusterSummary {
    /// Cluster number.
    pub cluster: i32,
    /// Number of incidents.
    pub count: usize,
    /// Sum of incident weights.
    pub weight: f64,
    /// Categories with their counts, most frequent first (ties by name).
    pub categories: Vec<(String, usize)>,
    /// Mean centre `[x, y]` in metres.
    pub centroid: [f64; 2],
    /// Convex hull (metres): a polygon, or a line/point for degenerate clusters.
    pub convex_hull: Geometry<f64>,
    /// Concave hull (metres), same degenerate rules.
    pub concave_hull: Geometry<f64>,
    /// Standard deviational ellipse; `None` below 3 incidents.
    pub ellipse: Option<Ellipse>,
    /// Convex-hull area in m².
    pub area_m2: f64,
    /// Incidents per km² of convex-hull area; `None` when the area is 0.
    pub density_per_km2: Option<f64>,
    /// Earliest time, if any incident has one.
    pub first_time: Option<IncidentTime>,
    /// Latest time.
    pub last_time: Option<IncidentTime>,
    /// Incidents per local hour 0..23 (only those whose time has an hour).
    pub hour_profile: [usize; 24],
    /// Incidents per weekday, Monday first (only those whose time has a date).
    pub weekday_profile: [usize; 7],
}

/// Summaries of every cluster in `labels` (one label per incident, `-1` noise),
/// in cluster-number order.
///
/// # Errors
/// [`Error::InvalidParameter`] when `labels` has a different length than `incidents`.
///
/// Complexity `O(n log n)` (hulls).
pub fn summarize(incidents: &Incidents, labels: &[i32]) -> Result<Vec<ClusterSummary>> {
    summarize_with(incidents, labels, true)
}

/// [`summarize`], computing concave hulls only when `concave_hull` is true
/// (otherwise the field holds the convex hull). The concave hull is by far the
/// most expensive part for large clusters (`geo`'s concaveman port).
///
/// # Errors
/// As [`summarize`].
pub fn summarize_with(
    incidents: &Incidents,
    labels: &[i32],
    concave_hull: bool,
) -> Result<Vec<ClusterSummary>> {
    if labels.len() != incidents.len() {
        return Err(Error::invalid(
            "labels",
            format!("{} values", labels.len()),
            format!("one label per incident ({}) is needed", incidents.len()),
        ));
    }
    let k = labels.iter().copied().max().unwrap_or(-1);
    if k < 0 {
        return Ok(Vec::new());
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k as usize + 1];
    for (i, &l) in labels.iter().enumerate() {
        if l >= 0 {
            members[l as usize].push(i);
        }
    }
    use rayon::prelude::*;
    Ok(members
        .par_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(c, m)| summarize_one(incidents, c as i32, m, concave_hull))
        .collect())
}

fn summarize_one(inc: &Incidents, cluster: i32, m: &[usize], concave: bool) -> ClusterSummary {
    let xs: Vec<f64> = m.iter().map(|&i| inc.x()[i]).collect();
    let ys: Vec<f64> = m.iter().map(|&i| inc.y()[i]).collect();
    let n = m.len();
    let weight = m.iter().map(|&i| inc.weights()[i]).sum();
    let mut cat = vec![0usize; inc.category_names().len()];
    for &i in m {
        cat[inc.category_ids()[i] as usize] += 1;
    }
    let mut categories: Vec<(String, usize)> = cat
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(k, &c)| (inc.category_names()[k].clone(), c))
        .collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let centroid = [
        xs.iter().sum::<f64>() / n as f64,
        ys.iter().sum::<f64>() / n as f64,
    ];
    let mut pts: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pts.dedup();
    let (convex_hull, concave_hull, area_m2) = hulls(&pts, concave);
    let mut hour_profile = [0usize; 24];
    let mut weekday_profile = [0usize; 7];
    let mut first: Option<IncidentTime> = None;
    let mut last: Option<IncidentTime> = None;
    for &i in m {
        if let Some(t) = inc.times()[i] {
            if first.is_none_or(|f| t.timestamp() < f.timestamp()) {
                first = Some(t);
            }
            if last.is_none_or(|l| t.timestamp() > l.timestamp()) {
                last = Some(t);
            }
            if let Some(h) = t.hour() {
                hour_profile[h as usize % 24] += 1;
            }
            if let Some(w) = t.weekday() {
                weekday_profile[w.num_days_from_monday() as usize] += 1;
            }
        }
    }
    ClusterSummary {
        cluster,
        count: n,
        weight,
        categories,
        centroid,
        convex_hull,
        concave_hull,
        ellipse: Ellipse::of_points(&xs, &ys),
        area_m2,
        density_per_km2: (area_m2 > 0.0).then(|| n as f64 / (area_m2 / 1e6)),
        first_time: first,
        last_time: last,
        hour_profile,
        weekday_profile,
    }
}

/// Convex hull, concave hull and convex area of distinct sorted points.
fn hulls(pts: &[(f64, f64)], concave: bool) -> (Geometry<f64>, Geometry<f64>, f64) {
    match pts.len() {
        0 => {
            let g = Geometry::MultiPoint(MultiPoint::new(vec![]));
            (g.clone(), g, 0.0)
        }
        1 => {
            let g = Geometry::Point(Point::new(pts[0].0, pts[0].1));
            (g.clone(), g, 0.0)
        }
        _ => {
            let mp: MultiPoint<f64> = pts.iter().map(|&(x, y)| Point::new(x, y)).collect();
            let convex = mp.convex_hull();
            let area = convex.unsigned_area();
            if area <= 0.0 {
                // Collinear: the segment between the extreme points (points are sorted).
                let (a, b) = (pts[0], pts[pts.len() - 1]);
                let g = Geometry::LineString(LineString::from(vec![a, b]));
                return (g.clone(), g, 0.0);
            }
            let concave = if concave && pts.len() >= 4 {
                mp.concave_hull()
            } else {
                convex.clone()
            };
            (Geometry::Polygon(convex), Geometry::Polygon(concave), area)
        }
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl ClusterSummary {
    /// The summary as GeoJSON properties (flat keys; profiles as arrays).
    pub fn properties(&self) -> Map<String, Value> {
        let mut p = Map::new();
        let r2 = |v: f64| (v * 100.0).round() / 100.0;
        p.insert("cluster".into(), json!(self.cluster));
        p.insert("count".into(), json!(self.count));
        p.insert("weight".into(), json!(self.weight));
        let cats: Map<String, Value> = self
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), json!(c)))
            .collect();
        p.insert("categories".into(), Value::Object(cats));
        p.insert("centroid_x".into(), json!(r2(self.centroid[0])));
        p.insert("centroid_y".into(), json!(r2(self.centroid[1])));
        p.insert("area_m2".into(), json!(r2(self.area_m2)));
        p.insert(
            "density_per_km2".into(),
            self.density_per_km2.map_or(Value::Null, |d| json!(r2(d))),
        );
        if let Some(e) = &self.ellipse {
            p.insert("sde_sd_major_m".into(), json!(r2(e.sd_major_m)));
            p.insert("sde_sd_minor_m".into(), json!(r2(e.sd_minor_m)));
            p.insert("sde_azimuth_deg".into(), json!(r2(e.azimuth_deg)));
            p.insert("sde1_area_m2".into(), json!(r2(e.area_m2(1.0))));
            p.insert("sde2_area_m2".into(), json!(r2(e.area_m2(2.0))));
        }
        let t = |v: &Option<IncidentTime>| v.map_or(Value::Null, |t| json!(t.to_display_string()));
        p.insert("first_time".into(), t(&self.first_time));
        p.insert("last_time".into(), t(&self.last_time));
        p.insert("hour_profile".into(), json!(self.hour_profile.to_vec()));
        let wd: Map<String, Value> = WEEKDAYS
            .iter()
            .zip(self.weekday_profile)
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        p.insert("weekday_profile".into(), Value::Object(wd));
        p
    }

    /// Features for this cluster: convex hull, concave hull and the 1-SD and
    /// 2-SD ellipses, each with the summary as properties plus `shape`.
    pub fn features(&self) -> Vec<OutFeature> {
        let mut out = Vec::with_capacity(4);
        let mut push = |shape: &str, g: Geometry<f64>| {
            use geo::orient::{Direction, Orient};
            // RFC 7946: exterior rings anticlockwise.
            let g = match g {
                Geometry::Polygon(p) => Geometry::Polygon(p.orient(Direction::Default)),
                g => g,
            };
            let mut p = self.properties();
            p.insert("shape".into(), json!(shape));
            out.push(OutFeature {
                geometry: g,
                properties: p,
            });
        };
        push("convex_hull", self.convex_hull.clone());
        push("concave_hull", self.concave_hull.clone());
        if let Some(e) = &self.ellipse
            && e.sd_minor_m > 0.0
        {
            push("sde_1sd", Geometry::Polygon(e.polygon(1.0, 72)));
            push("sde_2sd", Geometry::Polygon(e.polygon(2.0, 72)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;

    /// CrimeStat's formula written out literally (tan θ, then S_x and S_y).
    fn crimestat(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
        let n = x.len() as f64;
        let mx = x.iter().sum::<f64>() / n;
        let my = y.iter().sum::<f64>() / n;
        let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
        for i in 0..x.len() {
            a += (x[i] - mx).powi(2);
            b += (y[i] - my).powi(2);
            c += (x[i] - mx) * (y[i] - my);
        }
        let theta = (((a - b) + ((a - b).powi(2) + 4.0 * c * c).sqrt()) / (2.0 * c)).atan();
        let (mut sx, mut sy) = (0.0, 0.0);
        for i in 0..x.len() {
            let (dx, dy) = (x[i] - mx, y[i] - my);
            sx += (dx * theta.cos() - dy * theta.sin()).powi(2);
            sy += (dx * theta.sin() + dy * theta.cos()).powi(2);
        }
        (
            theta.to_degrees(),
            (2.0 * sx / (n - 2.0)).sqrt(),
            (2.0 * sy / (n - 2.0)).sqrt(),
        )
    }

    #[test]
    fn ellipse_axis_aligned_by_hand() {
        // Points (±3, 0), (0, ±1): Σx'² = 18, Σy'² = 2, Σx'y' = 0, N − 2 = 2.
        // S_major = √(2·18/2) = √18, S_minor = √2, major along east → azimuth 90°.
        let e = Ellipse::of_points(&[3.0, -3.0, 0.0, 0.0], &[0.0, 0.0, 1.0, -1.0]).unwrap();
        assert!((e.sd_major_m - 18f64.sqrt()).abs() < 1e-12);
        assert!((e.sd_minor_m - 2f64.sqrt()).abs() < 1e-12);
        assert!((e.azimuth_deg - 90.0).abs() < 1e-12);
        assert!((e.area_m2(1.0) - std::f64::consts::PI * 6.0).abs() < 1e-9);
        assert!((e.area_m2(2.0) - 4.0 * std::f64::consts::PI * 6.0).abs() < 1e-9);
    }

    #[test]
    fn ellipse_rotated_matches_crimestat_formula() {
        // A skewed set compared against the literal CrimeStat formulas.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 2.5, 1.0];
        let y = [0.0, 0.8, 2.1, 2.9, 4.2, 1.0, 2.0];
        let e = Ellipse::of_points(&x, &y).unwrap();
        let (theta, sx, sy) = crimestat(&x, &y);
        assert!((e.sd_major_m - sy).abs() < 1e-9, "{} {}", e.sd_major_m, sy);
        assert!((e.sd_minor_m - sx).abs() < 1e-9);
        assert!(
            (e.azimuth_deg - theta.rem_euclid(180.0)).abs() < 1e-9,
            "{} {theta}",
            e.azimuth_deg
        );
        // A polygon vertex at t = 0 lies on the major axis at distance k·S_major.
        let p = e.polygon(2.0, 72);
        let v = p.exterior().0[0];
        let d = ((v.x - e.centre[0]).powi(2) + (v.y - e.centre[1]).powi(2)).sqrt();
        assert!((d - 2.0 * sy).abs() < 1e-9);
        assert!(Ellipse::of_points(&[0.0, 1.0], &[0.0, 1.0]).is_none());
    }

    #[test]
    fn summary_hand_computed() {
        use crate::{IncidentRecord, IncidentsBuilder, TimeResolution};
        use chrono::{FixedOffset, TimeZone};
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        let off = FixedOffset::east_opt(3600).unwrap();
        // Cluster 0: unit square corners plus centre (twice) → hull area 100 m² (10 m square).
        let pts = [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (5.0, 5.0),
            (5.0, 5.0),
            (100.0, 100.0),
        ];
        for (k, &(x, y)) in pts.iter().enumerate() {
            let t = match k {
                0 => Some(crate::IncidentTime::new(
                    off.with_ymd_and_hms(2025, 3, 3, 22, 15, 0).unwrap(),
                    TimeResolution::Minute,
                )), // Monday 22h
                1 => Some(crate::IncidentTime::new(
                    off.with_ymd_and_hms(2025, 3, 8, 0, 0, 0).unwrap(),
                    TimeResolution::Day,
                )), // Saturday, no hour
                2 => Some(crate::IncidentTime::new(
                    off.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
                    TimeResolution::Month,
                )),
                _ => None,
            };
            b.push(IncidentRecord {
                x,
                y,
                weight: if k == 4 { 3.0 } else { 1.0 },
                category: if k % 2 == 0 { "vandalism" } else { "violence" },
                time: t,
                id: format!("i{k}"),
                lonlat: None,
            })
            .unwrap();
        }
        let inc = b.build();
        let s = summarize(&inc, &[0, 0, 0, 0, 0, 0, -1]).unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!((s.count, s.weight), (6, 8.0));
        assert_eq!(
            s.categories,
            vec![("vandalism".to_string(), 3), ("violence".to_string(), 3)]
        );
        // (0+10+10+0+5+5)/6 = 5 on both axes.
        assert_eq!(s.centroid, [5.0, 5.0]);
        assert_eq!(s.area_m2, 100.0);
        assert_eq!(s.density_per_km2, Some(6.0 / 100.0 * 1e6));
        let mut hours = [0; 24];
        hours[22] = 1;
        assert_eq!(s.hour_profile, hours);
        assert_eq!(s.weekday_profile, [1, 0, 0, 0, 0, 1, 0]);
        assert_eq!(s.first_time.unwrap().to_display_string(), "2025-01");
        assert_eq!(s.last_time.unwrap().to_display_string(), "2025-03-08");
        // The concave hull of a square with an interior point is the square.
        assert_eq!(s.concave_hull.unsigned_area(), 100.0);
        assert_eq!(s.features().len(), 4);
        // Degenerate clusters: one point, a line.
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[1.0, 1.0, 2.0, 3.0],
            &[1.0, 1.0, 2.0, 3.0],
        )
        .unwrap();
        let s = summarize(&inc, &[0, 0, 1, 1]).unwrap();
        assert!(matches!(s[0].convex_hull, Geometry::Point(_)));
        assert!(matches!(s[1].convex_hull, Geometry::LineString(_)));
        assert_eq!((s[0].density_per_km2, s[1].area_m2), (None, 0.0));
        assert!(s[0].ellipse.is_none());
        assert!(summarize(&inc, &[0]).is_err());
        assert!(summarize(&inc, &[-1; 4]).unwrap().is_empty());
    }
}
