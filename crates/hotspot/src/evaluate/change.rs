//! Rate ratios for before/after per zone, with the control beside it: exact Poisson tests (uses
//! [`crate::stats::poisson`]) on the period totals, and quasi-Poisson intervals on the monthly counts
//! ([`quasi_poisson_change`]) that allow for overdispersion.

use super::ZoneCounts;
use crate::error::Result;
use crate::stats::poisson::{RateRatio, RatioOfRatios, rate_ratio_test, ratio_of_rate_ratios};
use serde::Serialize;

/// The change in one zone and in its control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneChange {
    /// The counts.
    pub counts: ZoneCounts,
    /// Zone, after vs before, as rates per day: `(after / after_days) / (before / before_days)`,
    /// exact conditional binomial CI and p value (exposures = period lengths in days).
    #[serde(skip)]
    pub zone: RateRatio,
    /// The same for the control (the rest of the study area).
    #[serde(skip)]
    pub control: RateRatio,
    /// Zone change relative to the control change, `(after / before) / (control_after / control_before)`
    /// (period lengths cancel), with Fisher's exact conditional interval and p-value, which
    /// allow for the Poisson variation of the control counts as well as the zone's
    /// ([`ratio_of_rate_ratios`]); `None` when the table holds no information (a zone,
    /// control, before or after total of 0).
    #[serde(skip)]
    pub relative: Option<RatioOfRatios>,
}

/// Rate ratios with exact confidence intervals at level `confidence` for each zone's counts.
///
/// The tests use the integer counts of [`ZoneCounts`]; with interval incidents these are the aoristic
/// counts rounded to the nearest integer ([`ZoneCounts::aoristic`], see [`super::count_zones`]).
///
/// The exact test is the conditional binomial test for two Poisson counts with
/// exposures (Breslow & Day 1987; as R's `poisson.test`): given `n = a + b`,
/// `a ~ Binomial(n, E_a r / (E_a r + E_b))` under rate ratio `r`; Clopper-Pearson limits
/// for the proportion give the limits of `r`.
///
/// # Errors
/// [`crate::Error::InvalidParameter`] for `confidence` outside (0, 1).
pub fn compare(counts: &[ZoneCounts], confidence: f64) -> Result<Vec<ZoneChange>> {
    counts
        .iter()
        .map(|c| {
            let (ta, tb) = (c.after_days as f64, c.before_days as f64);
            let zone = rate_ratio_test(c.after, ta, c.before, tb, confidence)?;
            let control = rate_ratio_test(c.control_after, ta, c.control_before, tb, confidence)?;
            let informative = c.after + c.before > 0
                && c.control_after + c.control_before > 0
                && c.after + c.control_after > 0
                && c.before + c.control_before > 0;
            let relative = if informative {
                Some(ratio_of_rate_ratios(
                    c.after,
                    c.before,
                    c.control_after,
                    c.control_before,
                    confidence,
                )?)
            } else {
                None
            };
            Ok(ZoneChange {
                counts: c.clone(),
                zone,
                control,
                relative,
            })
        })
        .collect()
}

/// A rate ratio (after over before, per day) with a quasi-Poisson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct QuasiPoissonRatio {
    /// `(Y_a / D_a) / (Y_b / D_b)`.
    pub ratio: f64,
    /// Lower confidence limit.
    pub ci_low: f64,
    /// Upper confidence limit.
    pub ci_high: f64,
    /// Two-sided p-value of ratio = 1 (t test on the log scale).
    pub p_value: f64,
    /// Pearson dispersion estimate `X² / (T − 2)` of the monthly counts (NaN for the relative ratio).
    pub dispersion: f64,
    /// Degrees of freedom of the t quantile (Satterthwaite's for the relative ratio).
    pub df: f64,
}

/// The overdispersed before/after comparison of one zone ([`quasi_poisson_change`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverdispersedChange {
    /// Zone name.
    pub name: String,
    /// Zone kind.
    pub kind: String,
    /// Months before and after.
    pub months_before: usize,
    /// Months after.
    pub months_after: usize,
    /// Width of the buffer the control excludes around the zones, metres.
    pub control_buffer_m: f64,
    /// The zone's change (`None` when a period has no incident in the zone or there are fewer than 3 months).
    pub zone: Option<QuasiPoissonRatio>,
    /// The control's change.
    pub control: Option<QuasiPoissonRatio>,
    /// Zone change over control change.
    pub relative: Option<QuasiPoissonRatio>,
}

/// Quasi-Poisson fit of one series: `(log ratio, its variance with the dispersion used, φ̂, df)`.
fn quasi_fit(
    months: &[super::MonthCount],
    pick: fn(&super::MonthCount) -> f64,
) -> Option<(f64, f64, f64, f64)> {
    let tot = |after: bool| -> (f64, f64) {
        months
            .iter()
            .filter(|m| m.after == after)
            .fold((0.0, 0.0), |(y, d), m| (y + pick(m), d + m.days as f64))
    };
    let ((yb, db), (ya, da)) = (tot(false), tot(true));
    let t = months.len();
    if yb == 0.0 || ya == 0.0 || t < 3 {
        return None;
    }
    let (rb, ra) = (yb / db, ya / da);
    let x2: f64 = months
        .iter()
        .map(|m| {
            let mu = m.days as f64 * if m.after { ra } else { rb };
            (pick(m) - mu).powi(2) / mu
        })
        .sum();
    let df = (t - 2) as f64;
    let phi = x2 / df;
    let var = phi.max(1.0) * (1.0 / ya + 1.0 / yb);
    Some(((ra / rb).ln(), var, phi, df))
}

fn interval(
    log_ratio: f64,
    var: f64,
    df: f64,
    phi: f64,
    confidence: f64,
) -> Result<QuasiPoissonRatio> {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let t =
        StudentsT::new(0.0, 1.0, df).map_err(|e| crate::Error::invalid("df", df, e.to_string()))?;
    let q = t.inverse_cdf(0.5 + confidence / 2.0);
    let se = var.sqrt();
    Ok(QuasiPoissonRatio {
        ratio: log_ratio.exp(),
        ci_low: (log_ratio - q * se).exp(),
        ci_high: (log_ratio + q * se).exp(),
        p_value: (2.0 * t.sf((log_ratio / se).abs())).min(1.0),
        dispersion: phi,
        df,
    })
}

/// Before/after rate ratios that allow for overdispersion of the monthly counts: a quasi-Poisson model
/// (Wedderburn 1974, *Biometrika* 61, 439-447; McCullagh & Nelder 1989, *Generalized Linear Models*, §4.5
/// and §6.2) per series. For the zone, `log μ_t = α + β·after_t + log(days_t)` over the `T` months; the
/// maximum likelihood `exp(β̂)` is the ratio of the rates per day, the dispersion is Pearson's
/// `φ̂ = Σ (y_t − μ̂_t)² / μ̂_t / (T − 2)`, and `Var(β̂) = max(1, φ̂)·(1/Y_a + 1/Y_b)`; the interval and
/// p-value use Student's t with `T − 2` degrees of freedom (as R's `glm(family = quasipoisson)`
/// summary). The dispersion is floored at 1, so the interval is never narrower than the Poisson one:
/// with a handful of months `φ̂` below 1 is noise, not underdispersion. Monthly counts vary with the
/// seasons and with repeat events, so `φ̂` is usually well above 1 for the control, and the exact Poisson
/// intervals of [`compare`] are then too narrow.
///
/// The relative change `exp(β̂_zone − β̂_control)` has variance `v_zone + v_control` (zone and control are
/// disjoint, fitted separately, each with its own dispersion) and Satterthwaite's (1946, *Biometrics
/// Bulletin* 2, 110-114) degrees of freedom `(v_z + v_c)² / (v_z²/df_z + v_c²/df_c)`.
///
/// With interval incidents the fit uses the aoristic monthly counts ([`super::MonthCount::zone_value`]):
/// the quasi-likelihood needs only `Var(y) = φ·μ`, not integer counts (Wedderburn 1974; McCullagh &
/// Nelder 1989, §9.2), so no rounding is needed here.
///
/// # Errors
/// [`crate::Error::InvalidParameter`] for `confidence` outside (0, 1).
pub fn quasi_poisson_change(
    m: &super::MonthlyCounts,
    confidence: f64,
) -> Result<OverdispersedChange> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(crate::Error::invalid(
            "confidence",
            confidence,
            "must be strictly between 0 and 1 (e.g. 0.95)",
        ));
    }
    let z = quasi_fit(&m.months, super::MonthCount::zone_value);
    let c = quasi_fit(&m.months, super::MonthCount::control_value);
    let zone = z
        .map(|(b, v, phi, df)| interval(b, v, df, phi, confidence))
        .transpose()?;
    let control = c
        .map(|(b, v, phi, df)| interval(b, v, df, phi, confidence))
        .transpose()?;
    let relative = match (z, c) {
        (Some((bz, vz, _, dz)), Some((bc, vc, _, dc))) => {
            let df = (vz + vc).powi(2) / (vz * vz / dz + vc * vc / dc);
            Some(interval(bz - bc, vz + vc, df, f64::NAN, confidence)?)
        }
        _ => None,
    };
    Ok(OverdispersedChange {
        name: m.name.clone(),
        kind: m.kind.clone(),
        months_before: m.months.iter().filter(|m| !m.after).count(),
        months_after: m.months.iter().filter(|m| m.after).count(),
        control_buffer_m: m.control_buffer_m,
        zone,
        control,
        relative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(b: u64, a: u64, cb: u64, ca: u64, bd: i64, ad: i64) -> ZoneCounts {
        ZoneCounts {
            name: "z".into(),
            kind: "zone".into(),
            area_km2: 1.0,
            before: b,
            after: a,
            control_before: cb,
            control_after: ca,
            before_days: bd,
            after_days: ad,
            aoristic: None,
        }
    }

    /// R documentation of `poisson.test`: `poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))`
    /// gives rate ratio 1.971488, 95% CI 0.8584264 .. 4.2772659 (Clopper-Pearson based)
    /// and expected count 6.7174.
    /// Here "after" = 11 over 800 units, "before" = 21 over 3011.
    #[test]
    fn zone_change_matches_r_poisson_test() {
        let c = compare(&[counts(21, 11, 100, 100, 3011, 800)], 0.95).unwrap();
        let z = &c[0].zone;
        assert!((z.ratio - 1.971488).abs() < 1e-6, "{}", z.ratio);
        assert!((z.ci_low - 0.8584264).abs() < 1e-6, "{}", z.ci_low);
        assert!((z.ci_high - 4.2772659).abs() < 1e-6, "{}", z.ci_high);
        assert!((z.expected_a - 6.7174).abs() < 1e-4, "{}", z.expected_a);
        // R's p value (0.07967) sums the outcomes no more likely than the observed one;
        // `stats::poisson` doubles the smaller tail. Check that by brute force:
        // 2 P(X >= 11), X ~ Binomial(32, 800 / 3811), from the pmf written out.
        let (n, p0) = (32u64, 800.0f64 / 3811.0);
        let pmf = |k: u64| {
            let mut c = 1.0f64;
            for j in 0..k {
                c *= (n - j) as f64 / (j + 1) as f64;
            }
            c * p0.powi(k as i32) * (1.0 - p0).powi((n - k) as i32)
        };
        let upper: f64 = (11..=n).map(pmf).sum();
        assert!(
            (z.p_value - 2.0 * upper).abs() < 1e-9,
            "{} vs {}",
            z.p_value,
            2.0 * upper
        );
    }

    #[test]
    fn control_and_relative_change() {
        // Equal periods. Zone 40 -> 20 (halved); control 400 -> 200 (halved too): no relative change.
        let c = compare(&[counts(40, 20, 400, 200, 90, 90)], 0.95).unwrap();
        assert!((c[0].zone.ratio - 0.5).abs() < 1e-12);
        assert!((c[0].control.ratio - 0.5).abs() < 1e-12);
        let rel = c[0].relative.unwrap();
        assert!((rel.ratio - 1.0).abs() < 1e-12);
        assert!(rel.ci_low < 1.0 && rel.ci_high > 1.0);
        assert!(
            c[0].zone.ci_high < 1.0,
            "a halving of 40 is significant on its own"
        );
        // Zone 30 -> 10 against control 60 -> 40: the exact conditional interval is
        // wider than the one that took the control's 40/60 as known. Reference: SciPy 1.17
        // fisher_exact([[10, 30], [40, 60]]) p = 0.119000, odds_ratio(kind="conditional")
        // 0.502385 with 95% CI 0.196450 - 1.201032.
        let c = compare(&[counts(30, 10, 60, 40, 30, 30)], 0.95).unwrap();
        let rel = c[0].relative.unwrap();
        assert!((rel.ratio - 0.5).abs() < 1e-12);
        assert!((rel.p_value - 0.119000126).abs() < 1e-8);
        assert!((rel.conditional_mle - 0.502385335).abs() < 1e-6);
        assert!((rel.ci_low - 0.196449984).abs() < 1e-6);
        assert!((rel.ci_high - 1.201031995).abs() < 1e-6);
        let fixed = rate_ratio_test(10, 40.0, 30, 60.0, 0.95).unwrap();
        assert!(rel.ci_low < fixed.ci_low && rel.ci_high > fixed.ci_high);
        // No control incidents at all: no relative ratio.
        let c = compare(&[counts(4, 2, 0, 0, 30, 30)], 0.95).unwrap();
        assert!(c[0].relative.is_none());
        // No control incidents after: still informative, open upper limit.
        let c = compare(&[counts(4, 2, 10, 0, 30, 30)], 0.95).unwrap();
        // SciPy 1.17: fisher_exact([[2, 4], [0, 10]]) p = 0.125; conditional CI 0.333333 - inf.
        let rel = c[0].relative.unwrap();
        assert!(rel.ci_high.is_infinite());
        assert!((rel.ci_low - 1.0 / 3.0).abs() < 1e-6);
        assert!((rel.p_value - 0.125).abs() < 1e-9);
        assert!(compare(&[counts(4, 2, 10, 5, 30, 30)], 1.5).is_err());
    }

    fn monthly(zone: [u64; 12], control: [u64; 12]) -> crate::evaluate::MonthlyCounts {
        let days = [31, 28, 31, 30, 31, 30];
        crate::evaluate::MonthlyCounts {
            name: "z".into(),
            kind: "zone".into(),
            area_km2: 1.0,
            control_buffer_m: 250.0,
            months: (0..12)
                .map(|k| crate::evaluate::MonthCount {
                    month: format!("m{k}"),
                    after: k >= 6,
                    days: days[k % 6],
                    zone: zone[k],
                    control: control[k],
                    zone_aoristic: None,
                    control_aoristic: None,
                })
                .collect(),
            split_intervals: 0,
        }
    }

    /// Reference: statsmodels 0.15 `GLM(y, [1, after], family=Poisson(), exposure=days).fit(scale="X2")`
    /// (the quasi-Poisson fit), t quantiles from SciPy 1.17 with 10 df; the relative ratio with
    /// Satterthwaite's df computed from the two fits' standard errors.
    #[test]
    fn quasi_poisson_matches_statsmodels() {
        let m = monthly(
            [12, 3, 9, 15, 4, 11, 5, 2, 8, 1, 6, 3],
            [100, 80, 130, 90, 150, 70, 95, 85, 120, 110, 140, 60],
        );
        let c = quasi_poisson_change(&m, 0.95).unwrap();
        assert_eq!((c.months_before, c.months_after), (6, 6));
        let z = c.zone.unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
        assert!(close(z.ratio, 0.46296296296296274), "{}", z.ratio);
        assert!(close(z.dispersion, 1.9434518120270805), "{}", z.dispersion);
        assert!(close(z.ci_low, 0.2183805275410639), "{}", z.ci_low);
        assert!(close(z.ci_high, 0.9814735200469852), "{}", z.ci_high);
        assert!(close(z.p_value, 0.045507057071629047), "{}", z.p_value);
        assert_eq!(z.df, 10.0);
        let k = c.control.unwrap();
        assert!(close(k.ratio, 0.9838709677419356));
        assert!(close(k.dispersion, 7.2116120320119235));
        assert!(close(k.ci_low, 0.6994276713803574));
        assert!(close(k.ci_high, 1.3839916845941331));
        assert!(close(k.p_value, 0.917542432389867));
        let r = c.relative.unwrap();
        assert!(close(r.ratio, 0.47055251973284734));
        assert!(close(r.df, 13.956308805641308), "{}", r.df);
        assert!(close(r.ci_low, 0.21257324149297294), "{}", r.ci_low);
        assert!(close(r.ci_high, 1.041615926218311), "{}", r.ci_high);
        assert!(close(r.p_value, 0.0612667658685077), "{}", r.p_value);
        // The control's overdispersion widens its interval beyond the exact Poisson one.
        let exact = compare(&[m.totals()], 0.95).unwrap();
        assert!(exact[0].control.ci_low > k.ci_low && exact[0].control.ci_high < k.ci_high);
        // Totals: zone 54 -> 25, control 1020 -> 610, 181 days each.
        let t = m.totals();
        assert_eq!(
            (t.before, t.after, t.before_days, t.after_days),
            (54, 25, 181, 181)
        );
    }

    #[test]
    fn dispersion_is_floored_at_one_and_empty_periods_give_none() {
        // Perfectly regular months: Pearson dispersion ~0 (statsmodels: 0.0117703533026114);
        // the interval uses 1, i.e. the Poisson standard error sqrt(1/30 + 1/60).
        let m = monthly([10, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5], [1; 12]);
        let z = quasi_poisson_change(&m, 0.95).unwrap().zone.unwrap();
        assert!(
            (z.dispersion - 0.0117703533026114).abs() < 1e-9,
            "{}",
            z.dispersion
        );
        let se = (1.0f64 / 30.0 + 1.0 / 60.0).sqrt();
        let b = (5.0f64 / 10.0 * 1.0).ln(); // equal days: ratio 0.5
        let q = {
            use statrs::distribution::{ContinuousCDF, StudentsT};
            StudentsT::new(0.0, 1.0, 10.0).unwrap().inverse_cdf(0.975)
        };
        assert!((z.ci_high - (b + q * se).exp()).abs() < 1e-12);
        // No zone incident after: no ratio, and no relative one.
        let m = monthly([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0], [5; 12]);
        let c = quasi_poisson_change(&m, 0.95).unwrap();
        assert!(c.zone.is_none() && c.relative.is_none() && c.control.is_some());
        assert!(quasi_poisson_change(&m, 1.0).is_err());
    }
}
