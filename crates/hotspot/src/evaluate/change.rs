//! Rate ratios for before/after per zone, with the control beside it (uses [`crate::stats::poisson`]).

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
}
