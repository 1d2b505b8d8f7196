//! Bandwidth choice: a fixed distance, the ArcGIS default search radius, Scott's and Silverman's rules, and adaptive k-nearest-neighbour bandwidths.
//!
//! All rules use weighted statistics with `n = sum of weights` (ArcGIS does the
//! same with a population field), the weighted mean centre `(x̄, ȳ)` and the
//! weighted population variances `s_x^2 = sum w (x - x̄)^2 / sum w` (likewise `s_y^2`).
//!
//! * **ArcGIS default search radius** (Esri, "How Kernel Density works"):
//!   `R = 0.9 * min(SD, sqrt(1/ln 2) * Dm) * n^-0.2`, with `SD = sqrt(s_x^2 + s_y^2)`
//!   the standard distance and `Dm` the weighted median distance to the mean centre.
//!   `R` is the radius of the quartic kernel; for another kernel it is converted
//!   to the radius with the same per-coordinate standard deviation.
//! * **Scott's rule** (Scott 1992, *Multivariate Density Estimation*, eq. 6.42, d = 2):
//!   a Gaussian standard deviation `sigma_g = s * n^(-1/6)` with `s = sqrt((s_x^2 + s_y^2)/2)`,
//!   converted to the chosen kernel by matching per-coordinate standard deviations
//!   (`h = sigma_g / sd_K`, [`Kernel::coordinate_sd`]); the convention of KDEpy.
//! * **Silverman's rule** (Silverman 1986, eq. 4.14, Table 4.1): the normal-reference
//!   AMISE-optimal bandwidth for the chosen kernel, `h = A(K) * s * n^(-1/6)`
//!   ([`Kernel::silverman_constant`]). For the Gaussian kernel in two dimensions it
//!   equals Scott's rule (`A = 1`); for compact kernels it is somewhat wider.
//! * **Adaptive** (CrimeStat IV, ch. 10, "adaptive bandwidth" with a minimum sample
//!   size `k`): each incident gets `h_i` = the distance to its `k`-th nearest other
//!   incident (duplicates count; weights do not), floored at a minimum (by default
//!   one cell) so that stacked duplicates do not make a zero-width kernel.
//!
//! Rules need at least two incidents with positive weight at distinct places;
//! otherwise they return [`Error::InsufficientData`] asking for a fixed bandwidth.

use super::bandwidth_cv::{BandwidthSelection, PredictiveOptions};
use super::kernels::Kernel;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use rayon::prelude::*;
use serde::Serialize;

/// A rule deriving one bandwidth from the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BandwidthRule {
    /// `0.9 * min(SD, sqrt(1/ln 2) * Dm) * n^-0.2` (ArcGIS Kernel Density default).
    Arcgis,
    /// Scott's normal-reference rule, `s * n^(-1/6)` as a Gaussian standard deviation.
    Scott,
    /// Silverman's normal-reference rule for the chosen kernel, `A(K) * s * n^(-1/6)`.
    Silverman,
}

impl BandwidthRule {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            BandwidthRule::Arcgis => "arcgis",
            BandwidthRule::Scott => "scott",
            BandwidthRule::Silverman => "silverman",
        }
    }
}

/// How the bandwidth is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bandwidth {
    /// A fixed bandwidth in metres (search radius; standard deviation for the Gaussian).
    Fixed(f64),
    /// A rule computed from the incidents.
    Rule(BandwidthRule),
    /// Per-incident bandwidth: distance to the `k`-th nearest other incident,
    /// at least `min_m` metres (`None`: one cell).
    Adaptive {
        /// The minimum sample size (CrimeStat's "minimum sample"), `k >= 1`.
        k: usize,
        /// Floor in metres; `None` means one cell.
        min_m: Option<f64>,
    },
    /// Chosen for prediction by temporal cross-validation of PAI
    /// ([`super::bandwidth_cv`]); the ArcGIS rule when the incidents lack times.
    /// The default.
    Predictive(PredictiveOptions),
}

impl Default for Bandwidth {
    /// [`Bandwidth::Predictive`] with its default candidates (50-400 m).
    fn default() -> Self {
        Bandwidth::Predictive(PredictiveOptions::default())
    }
}

impl Bandwidth {
    /// Parses `300` (metres), `arcgis`, `scott`, `silverman`, `predictive` (or `cv`) or `adaptive:K`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the accepted forms.
    pub fn parse(text: &str) -> Result<Bandwidth> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "arcgis" | "default" => return Ok(Bandwidth::Rule(BandwidthRule::Arcgis)),
            "scott" => return Ok(Bandwidth::Rule(BandwidthRule::Scott)),
            "silverman" => return Ok(Bandwidth::Rule(BandwidthRule::Silverman)),
            "predictive" | "cv" => return Ok(Bandwidth::default()),
            _ => {}
        }
        if let Some(k) = t.strip_prefix("adaptive:") {
            let k: usize = k.parse().map_err(|_| {
                Error::invalid(
                    "bandwidth",
                    text,
                    "adaptive bandwidth is written adaptive:K with K a whole number >= 1, e.g. adaptive:10",
                )
            })?;
            return Ok(Bandwidth::Adaptive { k, min_m: None });
        }
        let m = t.strip_suffix('m').unwrap_or(&t);
        match m.trim().parse::<f64>() {
            Ok(v) => Ok(Bandwidth::Fixed(v)),
            Err(_) => Err(Error::invalid(
                "bandwidth",
                text,
                "give metres (e.g. 300), a rule (arcgis, scott, silverman), predictive or adaptive:K",
            )),
        }
    }
}

/// The bandwidth actually used, and how it was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandwidthReport {
    /// `fixed`, `arcgis`, `scott`, `silverman`, `adaptive` or `temporal-cv-pai`.
    pub method: &'static str,
    /// The kernel the bandwidth is for.
    pub kernel: &'static str,
    /// The bandwidth in metres (for adaptive: the median of the per-incident bandwidths).
    pub bandwidth_m: f64,
    /// Radius in metres beyond which the kernel is zero (for adaptive: the largest).
    pub support_radius_m: f64,
    /// Sum of weights used as `n` by the rules.
    pub n: f64,
    /// Weighted standard distance `SD` (rules only).
    pub standard_distance_m: Option<f64>,
    /// Weighted median distance to the mean centre `Dm` (ArcGIS rule only).
    pub median_distance_m: Option<f64>,
    /// Adaptive bandwidth details.
    pub adaptive: Option<AdaptiveSummary>,
    /// The cross-validation behind a predictive bandwidth (candidates, scores,
    /// and the reason when it fell back to the ArcGIS rule).
    pub selection: Option<BandwidthSelection>,
}

/// Summary of per-incident adaptive bandwidths.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdaptiveSummary {
    /// The minimum sample size `k`.
    pub k: usize,
    /// The floor applied, metres.
    pub floor_m: f64,
    /// Smallest bandwidth, metres.
    pub min_m: f64,
    /// Median bandwidth, metres.
    pub median_m: f64,
    /// Largest bandwidth, metres.
    pub max_m: f64,
    /// Number of incidents whose k-NN distance was below the floor.
    pub floored: usize,
}

/// Weighted mean centre and population variances `(x̄, ȳ, s_x^2, s_y^2, sum w)`.
fn weighted_moments(inc: &Incidents) -> (f64, f64, f64, f64, f64) {
    let (x, y, w) = (inc.x(), inc.y(), inc.weights());
    let sw: f64 = w.iter().sum();
    if !(sw > 0.0) {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0.0);
    }
    let mx = x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / sw;
    let my = y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / sw;
    let vx = x
        .iter()
        .zip(w)
        .map(|(a, b)| b * (a - mx) * (a - mx))
        .sum::<f64>()
        / sw;
    let vy = y
        .iter()
        .zip(w)
        .map(|(a, b)| b * (a - my) * (a - my))
        .sum::<f64>()
        / sw;
    (mx, my, vx, vy, sw)
}

/// Weighted median: the value where the cumulative weight reaches half the total;
/// when it reaches exactly half at a value, the mean of that value and the next
/// (so unit weights give the usual median). Zero weights are ignored.
pub(crate) fn weighted_median(mut pairs: Vec<(f64, f64)>) -> Option<f64> {
    pairs.retain(|p| p.1 > 0.0);
    if pairs.is_empty() {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let half = total / 2.0;
    let mut cum = 0.0;
    for (i, &(v, w)) in pairs.iter().enumerate() {
        cum += w;
        if cum > half {
            return Some(v);
        }
        if cum == half {
            return Some(match pairs.get(i + 1) {
                Some(n) => (v + n.0) / 2.0,
                None => v,
            });
        }
    }
    pairs.last().map(|p| p.0)
}

fn insufficient(rule: BandwidthRule, why: &str) -> Error {
    Error::InsufficientData(format!(
        "the {} bandwidth rule {why}; give a fixed bandwidth in metres instead",
        rule.name()
    ))
}

/// Computes a rule's bandwidth for `kernel` (metres).
///
/// # Errors
/// [`Error::InsufficientData`] when fewer than two incidents with positive
/// weight or all at one place (the spread is zero).
pub fn rule_bandwidth(
    inc: &Incidents,
    rule: BandwidthRule,
    kernel: Kernel,
) -> Result<BandwidthReport> {
    let (mx, my, vx, vy, n) = weighted_moments(inc);
    let positive = inc.weights().iter().filter(|&&w| w > 0.0).count();
    if positive < 2 {
        return Err(insufficient(
            rule,
            "needs at least two incidents with positive weight",
        ));
    }
    let sd = (vx + vy).sqrt();
    if !(sd > 0.0) {
        return Err(insufficient(
            rule,
            "needs incidents at more than one place (all are at one point)",
        ));
    }
    let s = ((vx + vy) / 2.0).sqrt();
    let mut median = None;
    let h = match rule {
        BandwidthRule::Arcgis => {
            let d: Vec<(f64, f64)> = inc
                .x()
                .iter()
                .zip(inc.y())
                .zip(inc.weights())
                .map(|((&x, &y), &w)| (((x - mx).powi(2) + (y - my).powi(2)).sqrt(), w))
                .collect();
            let dm = weighted_median(d).unwrap_or(0.0);
            median = Some(dm);
            let r = 0.9 * sd.min((1.0 / std::f64::consts::LN_2).sqrt() * dm) * n.powf(-0.2);
            if !(r > 0.0) {
                return Err(insufficient(
                    rule,
                    "gives zero: more than half of the weight lies exactly at the mean centre",
                ));
            }
            r * Kernel::Quartic.coordinate_sd() / kernel.coordinate_sd()
        }
        BandwidthRule::Scott => s * n.powf(-1.0 / 6.0) / kernel.coordinate_sd(),
        BandwidthRule::Silverman => kernel.silverman_constant() * s * n.powf(-1.0 / 6.0),
    };
    Ok(BandwidthReport {
        method: rule.name(),
        kernel: kernel.name(),
        bandwidth_m: h,
        support_radius_m: h * kernel.support_factor(),
        n,
        standard_distance_m: Some(sd),
        median_distance_m: median,
        adaptive: None,
        selection: None,
    })
}

/// Per-incident adaptive bandwidths: the distance from each incident to its
/// `k`-th nearest other incident, at least `floor_m`.
///
/// # Errors
/// [`Error::InvalidParameter`] for `k = 0` or a non-positive floor;
/// [`Error::InsufficientData`] when there are not more than `k` incidents.
pub fn adaptive_bandwidths(
    inc: &Incidents,
    k: usize,
    floor_m: f64,
) -> Result<(Vec<f64>, AdaptiveSummary)> {
    if k == 0 {
        return Err(Error::invalid(
            "k",
            k,
            "the minimum sample size must be at least 1",
        ));
    }
    if !(floor_m.is_finite() && floor_m > 0.0) {
        return Err(Error::invalid(
            "min_bandwidth_m",
            floor_m,
            "the adaptive bandwidth floor must be a positive number of metres",
        ));
    }
    if inc.len() <= k {
        return Err(Error::InsufficientData(format!(
            "an adaptive bandwidth with k = {k} needs more than {k} incidents (there are {}); use a smaller k or a fixed bandwidth",
            inc.len()
        )));
    }
    let index = SpatialIndex::new(inc);
    let (x, y) = (inc.x(), inc.y());
    let raw: Vec<f64> = (0..inc.len())
        .into_par_iter()
        .map(|i| index.kth_distance(x[i], y[i], k + 1).unwrap_or(0.0))
        .collect();
    let floored = raw.iter().filter(|&&d| d < floor_m).count();
    let h: Vec<f64> = raw.iter().map(|&d| d.max(floor_m)).collect();
    let mut sorted = h.clone();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len();
    let median = if m % 2 == 1 {
        sorted[m / 2]
    } else {
        (sorted[m / 2 - 1] + sorted[m / 2]) / 2.0
    };
    let summary = AdaptiveSummary {
        k,
        floor_m,
        min_m: sorted[0],
        median_m: median,
        max_m: sorted[m - 1],
        floored,
    };
    Ok((h, summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;

    fn rect4() -> Incidents {
        // Corners of a 4 x 3 rectangle: mean centre (2, 1.5), every distance 2.5.
        Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[0.0, 4.0, 0.0, 4.0],
            &[0.0, 0.0, 3.0, 3.0],
        )
        .unwrap()
    }

    #[test]
    fn arcgis_radius_by_hand() {
        // SD = sqrt(4 + 2.25) = 2.5; Dm = 2.5; sqrt(1/ln2) * 2.5 = 3.0028 > SD;
        // R = 0.9 * 2.5 * 4^-0.2 = 2.25 * 0.757858283 = 1.705181137.
        let r = rule_bandwidth(&rect4(), BandwidthRule::Arcgis, Kernel::Quartic).unwrap();
        assert!((r.bandwidth_m - 1.705_181_137).abs() < 1e-8, "{r:?}");
        assert_eq!(r.standard_distance_m, Some(2.5));
        assert_eq!(r.median_distance_m, Some(2.5));
        assert_eq!(r.method, "arcgis");
    }

    #[test]
    fn arcgis_uses_median_distance_when_smaller() {
        // Five points: four at the centre's neighbourhood, one far away.
        // x = [0, 1, 0, 1, 100], y = [0, 0, 1, 1, 0]; mean (20.4, 0.4).
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[0.0, 1.0, 0.0, 1.0, 100.0],
            &[0.0, 0.0, 1.0, 1.0, 0.0],
        )
        .unwrap();
        let r = rule_bandwidth(&inc, BandwidthRule::Arcgis, Kernel::Quartic).unwrap();
        // distances: 20.4039, 19.4041, 20.4118, 19.4124, 79.6010 -> median 20.4039.
        let dm = (20.4f64 * 20.4 + 0.4 * 0.4).sqrt();
        assert!((r.median_distance_m.unwrap() - dm).abs() < 1e-12);
        // vx = (20.4^2+19.4^2+20.4^2+19.4^2+79.6^2)/5 = 1584.24; vy = 0.24; SD = 39.8066.
        let sd = (1584.24f64 + 0.24).sqrt();
        assert!((r.standard_distance_m.unwrap() - sd).abs() < 1e-9);
        let want = 0.9 * (1.0 / 2f64.ln()).sqrt() * dm * 5f64.powf(-0.2);
        assert!(want < 0.9 * sd * 5f64.powf(-0.2));
        assert!((r.bandwidth_m - want).abs() < 1e-9);
    }

    #[test]
    fn scott_and_silverman_by_hand() {
        // s = sqrt((4 + 2.25)/2) = 1.767766953; 4^(-1/6) = 0.793700526.
        let sg = 1.767_766_953 * 0.793_700_526;
        let sc = rule_bandwidth(&rect4(), BandwidthRule::Scott, Kernel::Gaussian).unwrap();
        assert!((sc.bandwidth_m - sg).abs() < 1e-8);
        // Quartic radius with the same coordinate sd: sqrt(8) * sigma.
        let sq = rule_bandwidth(&rect4(), BandwidthRule::Scott, Kernel::Quartic).unwrap();
        assert!((sq.bandwidth_m - 8f64.sqrt() * sg).abs() < 1e-8);
        let si = rule_bandwidth(&rect4(), BandwidthRule::Silverman, Kernel::Gaussian).unwrap();
        assert!((si.bandwidth_m - sg).abs() < 1e-8);
        // Epanechnikov: A = 192^(1/6) = 2.40187.
        let se = rule_bandwidth(&rect4(), BandwidthRule::Silverman, Kernel::Epanechnikov).unwrap();
        assert!((se.bandwidth_m - 192f64.powf(1.0 / 6.0) * sg).abs() < 1e-8);
    }

    #[test]
    fn weights_count_as_n() {
        let inc = rect4().with_weights(vec![2.0; 4]).unwrap();
        let r = rule_bandwidth(&inc, BandwidthRule::Arcgis, Kernel::Quartic).unwrap();
        assert!((r.bandwidth_m - 2.25 * 8f64.powf(-0.2)).abs() < 1e-12);
        assert_eq!(r.n, 8.0);
    }

    #[test]
    fn degenerate_sets_ask_for_a_fixed_bandwidth() {
        let one = Incidents::from_xy(Crs::SWEREF99_TM, &[1.0], &[1.0]).unwrap();
        let same = Incidents::from_xy(Crs::SWEREF99_TM, &[1.0; 5], &[1.0; 5]).unwrap();
        let none = Incidents::empty(Crs::SWEREF99_TM).unwrap();
        for inc in [one, same, none] {
            for rule in [
                BandwidthRule::Arcgis,
                BandwidthRule::Scott,
                BandwidthRule::Silverman,
            ] {
                let e = rule_bandwidth(&inc, rule, Kernel::Quartic).unwrap_err();
                assert!(e.to_string().contains("fixed bandwidth"), "{e}");
            }
        }
    }

    #[test]
    fn weighted_median_conventions() {
        assert_eq!(
            weighted_median(vec![(3.0, 1.0), (1.0, 1.0), (2.0, 1.0)]),
            Some(2.0)
        );
        assert_eq!(
            weighted_median(vec![(4.0, 1.0), (1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]),
            Some(2.5)
        );
        assert_eq!(weighted_median(vec![(1.0, 3.0), (10.0, 1.0)]), Some(1.0));
        assert_eq!(weighted_median(vec![(1.0, 0.0)]), None);
    }

    #[test]
    fn adaptive_is_kth_neighbour_distance_with_floor() {
        // On a line at 0, 10, 30, 60 and a duplicate at 0.
        let inc =
            Incidents::from_xy(Crs::SWEREF99_TM, &[0.0, 10.0, 30.0, 60.0, 0.0], &[0.0; 5]).unwrap();
        let (h, s) = adaptive_bandwidths(&inc, 2, 5.0).unwrap();
        // 2nd nearest other: 0 -> {0 (dup), 10} = 10; 10 -> {0, 0} = 10; 30 -> {10, 0} = 30;
        // 60 -> {30, 10} = 50; dup 0 -> 10.
        assert_eq!(h, vec![10.0, 10.0, 30.0, 50.0, 10.0]);
        assert_eq!(s.median_m, 10.0);
        let (h1, s1) = adaptive_bandwidths(&inc, 1, 5.0).unwrap();
        assert_eq!(h1, vec![5.0, 10.0, 20.0, 30.0, 5.0]);
        assert_eq!(s1.floored, 2);
        assert!(adaptive_bandwidths(&inc, 5, 5.0).is_err());
        assert!(adaptive_bandwidths(&inc, 0, 5.0).is_err());
    }

    #[test]
    fn bandwidth_parses() {
        assert_eq!(Bandwidth::parse("300").unwrap(), Bandwidth::Fixed(300.0));
        assert_eq!(Bandwidth::parse("250m").unwrap(), Bandwidth::Fixed(250.0));
        assert_eq!(
            Bandwidth::parse("ArcGIS").unwrap(),
            Bandwidth::Rule(BandwidthRule::Arcgis)
        );
        assert_eq!(
            Bandwidth::parse("adaptive:8").unwrap(),
            Bandwidth::Adaptive { k: 8, min_m: None }
        );
        assert!(Bandwidth::parse("wide").is_err());
    }
}
