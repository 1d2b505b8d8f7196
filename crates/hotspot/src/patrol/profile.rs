//! Days and hours only where the data distinguish them: a goodness-of-fit test of a zone's weekday (or
//! hour-of-day) counts against the profile of the rest of the area.
//!
//! # The test ([`test_profile`], [`test_week`])
//! Pearson's chi-square goodness-of-fit statistic `X² = Σ_j (o_j − e_j)² / e_j` (Pearson 1900,
//! *Philosophical Magazine* 50, 157-175) with `e_j = n·p_j`, `n` the zone's incidents with a known weekday
//! (hour) and `p_j` the share of category `j` among the **other** incidents of the area (the zone is not
//! compared with itself). Cells with `p_j = 0` are dropped; an observed count in such a cell makes the
//! profile certainly different (`X² = ∞`, p = 0). The p-value is
//! - the chi-square tail with `J − 1` degrees of freedom when every expected count is at least 5
//!   (Cochran 1954, "Some methods for strengthening the common χ² tests", *Biometrics* 10, 417-451);
//! - otherwise a Monte Carlo p-value: `B` multinomial samples of size `n` from `p` (ChaCha8 seeded with
//!   `seed`), `p = (1 + #{X²_sim ≥ X²_obs}) / (B + 1)` (Hope 1968, *J. R. Statist. Soc. B* 30, 582-598; as
//!   R's `chisq.test(simulate.p.value = TRUE)`). Deterministic for a seed, single-threaded.
//!
//! [`test_zones`] runs both tests for every zone of a plan against the incidents outside the zones,
//! counts an interval incident only in the weekday (hour) its whole interval lies in ([`known_cells`]),
//! and adjusts all the p-values together by Holm's method (Holm 1979); the verdict is read from the
//! adjusted value ([`ProfileTest::p_adjusted`]).
//!
//! When `p ≥ alpha` the verdict is [`Verdict::Any`] ("every day" / "all day"): naming the busiest days of
//! counts like 34 / 33 / 32 would be naming noise. Otherwise [`Verdict::These`] lists the cells whose
//! count exceeds its expectation, largest Pearson residual `(o − e)/√e` first.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::temporal::{AoristicOptions, for_each_piece};
use crate::time::IncidentTime;
use chrono::{Datelike, Timelike};
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Monte Carlo samples used when an expected count is below 5.
pub const DEFAULT_SIMULATIONS: u32 = 9999;

/// What a profile test says about when to patrol.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "cells", rename_all = "snake_case")]
pub enum Verdict {
    /// The zone's profile is not distinguishable from the area's: every day / all day.
    Any,
    /// Cells (weekday 0 = Monday, or hour 0-23) with more incidents than expected, strongest first.
    These(Vec<usize>),
}

/// How the p-value was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PValueMethod {
    /// Chi-square distribution (every expected count ≥ 5).
    ChiSquare,
    /// Monte Carlo multinomial simulation.
    MonteCarlo,
    /// No test possible (no incidents in the zone or no reference profile): p = 1.
    None,
}

/// Result of a profile test: the counts, the expectations, the statistic and the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileTest {
    /// The zone's counts per cell.
    pub counts: Vec<u64>,
    /// The rest of the area's counts per cell (the reference profile).
    pub reference: Vec<u64>,
    /// Expected zone counts `n·p_j`.
    pub expected: Vec<f64>,
    /// Pearson's `X²`.
    pub statistic: f64,
    /// Degrees of freedom (cells with `p_j > 0`, minus 1).
    pub df: usize,
    /// The p-value.
    pub p_value: f64,
    /// The p-value adjusted for the other tests of the plan (Holm 1979; [`test_zones`]); equal to
    /// `p_value` for a single test. The verdict is read from this one.
    pub p_adjusted: f64,
    /// How it was computed.
    pub method: PValueMethod,
    /// The significance level used for the verdict.
    pub alpha: f64,
    /// Any cell, or the cells in excess.
    pub verdict: Verdict,
}

impl ProfileTest {
    /// Sets the adjusted p-value and reads the verdict from it: below `alpha`, the cells with more
    /// incidents than expected, largest Pearson residual `(o − e)/√e` first; else [`Verdict::Any`].
    pub fn set_adjusted(&mut self, p_adjusted: f64) {
        self.p_adjusted = p_adjusted;
        self.verdict = if p_adjusted < self.alpha {
            let mut cells: Vec<(usize, f64)> = self
                .counts
                .iter()
                .zip(&self.expected)
                .enumerate()
                .filter(|(_, (o, e))| **o as f64 > **e)
                .map(|(j, (&o, &e))| {
                    let res = if e > 0.0 {
                        (o as f64 - e) / e.sqrt()
                    } else {
                        f64::INFINITY
                    };
                    (j, res)
                })
                .collect();
            cells.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            Verdict::These(cells.into_iter().map(|c| c.0).collect())
        } else {
            Verdict::Any
        };
    }

    /// Whether the profile differs from the area's (after the correction).
    pub fn distinct(&self) -> bool {
        matches!(self.verdict, Verdict::These(_))
    }

    /// The verdict in words with weekday names: "every day" or e.g. "Fri, Sat".
    pub fn day_label(&self) -> String {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        match &self.verdict {
            Verdict::Any => "every day".into(),
            Verdict::These(c) => c
                .iter()
                .map(|&d| DAYS.get(d).copied().unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The verdict in words for hours: "all day" or e.g. "22, 23, 0" (hours of the day).
    pub fn hour_label(&self) -> String {
        match &self.verdict {
            Verdict::Any => "all day".into(),
            Verdict::These(c) => c
                .iter()
                .map(|h| format!("{h:02}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

fn pearson(counts: &[u64], p: &[f64], n: f64) -> f64 {
    counts
        .iter()
        .zip(p)
        .filter(|(_, p)| **p > 0.0)
        .map(|(&o, &p)| {
            let e = n * p;
            (o as f64 - e).powi(2) / e
        })
        .sum()
}

/// Tests `counts` (the zone) against the profile of `reference` (the other incidents of the area), at
/// level `alpha`; see the module documentation. `simulations` Monte Carlo samples (≥ 99) are drawn with
/// `seed` when an expected count is below 5.
///
/// # Errors
/// [`Error::InvalidParameter`] when the slices differ in length or are empty, `alpha` is outside (0, 1)
/// or `simulations` < 99.
pub fn test_profile(
    counts: &[u64],
    reference: &[u64],
    alpha: f64,
    simulations: u32,
    seed: u64,
) -> Result<ProfileTest> {
    if counts.len() != reference.len() || counts.is_empty() {
        return Err(Error::invalid(
            "profile",
            format!("{} / {}", counts.len(), reference.len()),
            "zone and reference need the same, non-zero number of cells",
        ));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            alpha,
            "must be strictly between 0 and 1",
        ));
    }
    if simulations < 99 {
        return Err(Error::invalid(
            "simulations",
            simulations,
            "use at least 99 Monte Carlo samples (default 9999)",
        ));
    }
    let n: u64 = counts.iter().sum();
    let r: u64 = reference.iter().sum();
    let p: Vec<f64> = reference.iter().map(|&c| c as f64 / r as f64).collect();
    let expected: Vec<f64> = p.iter().map(|&p| p * n as f64).collect();
    let base = |statistic, df, p_value, method| ProfileTest {
        counts: counts.to_vec(),
        reference: reference.to_vec(),
        expected: expected.clone(),
        statistic,
        df,
        p_value,
        p_adjusted: p_value,
        method,
        alpha,
        verdict: Verdict::Any,
    };
    if n == 0 || r == 0 {
        return Ok(base(0.0, 0, 1.0, PValueMethod::None));
    }
    let live = p.iter().filter(|&&p| p > 0.0).count();
    let df = live.saturating_sub(1);
    let impossible = counts.iter().zip(&p).any(|(&o, &p)| o > 0 && p == 0.0);
    let x2 = if impossible {
        f64::INFINITY
    } else {
        pearson(counts, &p, n as f64)
    };
    let small = expected.iter().zip(&p).any(|(&e, &p)| p > 0.0 && e < 5.0);
    let (p_value, method) = if df == 0 && !impossible {
        (1.0, PValueMethod::None)
    } else if impossible {
        (0.0, PValueMethod::ChiSquare)
    } else if !small {
        let d = ChiSquared::new(df as f64).map_err(|e| Error::invalid("df", df, e.to_string()))?;
        (d.sf(x2), PValueMethod::ChiSquare)
    } else {
        let mut cum = Vec::with_capacity(p.len());
        let mut acc = 0.0;
        for &q in &p {
            acc += q;
            cum.push(acc);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut sim = vec![0u64; p.len()];
        let mut ge = 0u64;
        // Floating tolerance so that a simulated table equal to the observed one counts (as R does).
        let tol = x2 - 1e-7 * x2.abs().max(1.0);
        for _ in 0..simulations {
            sim.iter_mut().for_each(|c| *c = 0);
            for _ in 0..n {
                let u: f64 = rng.random::<f64>() * acc;
                let j = cum.partition_point(|&c| c <= u).min(p.len() - 1);
                sim[j] += 1;
            }
            if pearson(&sim, &p, n as f64) >= tol {
                ge += 1;
            }
        }
        (
            (1 + ge) as f64 / (simulations as f64 + 1.0),
            PValueMethod::MonteCarlo,
        )
    };
    let mut out = base(x2, df, p_value, method);
    out.set_adjusted(p_value);
    Ok(out)
}

/// The weekday and hour tests of one zone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekProfile {
    /// Weekday test (7 cells, 0 = Monday); incidents with a date.
    pub weekday: ProfileTest,
    /// Hour-of-day test (24 cells); incidents with an hour.
    pub hour: ProfileTest,
    /// Zone incidents without a date (left out of the weekday test).
    pub without_date: u64,
    /// Zone incidents without an hour (left out of the hour test).
    pub without_hour: u64,
}

fn week_counts(
    times: &[Option<IncidentTime>],
    idx: impl Iterator<Item = usize>,
) -> ([u64; 7], [u64; 24], u64, u64) {
    let (mut d, mut h, mut nd, mut nh) = ([0u64; 7], [0u64; 24], 0, 0);
    for i in idx {
        let t = times[i].as_ref();
        match t.and_then(|t| t.weekday()) {
            Some(w) => d[w.num_days_from_monday() as usize] += 1,
            None => nd += 1,
        }
        match t.and_then(|t| t.hour()) {
            Some(x) => h[x as usize] += 1,
            None => nh += 1,
        }
    }
    (d, h, nd, nh)
}

/// Tests the weekday and hour profile of the incidents `members` (a zone; indices into `times`) against
/// those of `area` (indices of the area's incidents, e.g. all patrollable incidents; members are removed
/// from it before the comparison). `seed` drives the Monte Carlo samples (the hour test uses `seed + 1`).
///
/// # Errors
/// [`Error::InvalidParameter`] for an index beyond `times`, or `alpha` outside (0, 1).
pub fn test_week(
    times: &[Option<IncidentTime>],
    members: &[usize],
    area: &[usize],
    alpha: f64,
    seed: u64,
) -> Result<WeekProfile> {
    if let Some(&i) = members.iter().chain(area).find(|&&i| i >= times.len()) {
        return Err(Error::invalid(
            "members",
            i,
            format!("only {} incidents have times", times.len()),
        ));
    }
    let mut is_member = vec![false; times.len()];
    for &i in members {
        is_member[i] = true;
    }
    let (zd, zh, nd, nh) = week_counts(times, members.iter().copied());
    let (rd, rh, _, _) = week_counts(times, area.iter().copied().filter(|&i| !is_member[i]));
    Ok(WeekProfile {
        weekday: test_profile(&zd, &rd, alpha, DEFAULT_SIMULATIONS, seed)?,
        hour: test_profile(&zh, &rh, alpha, DEFAULT_SIMULATIONS, seed.wrapping_add(1))?,
        without_date: nd,
        without_hour: nh,
    })
}

/// The weekday (0 = Monday) and local hour of day of incident `i` when its time pins them down: an
/// exact time gives both; a from/to interval gives its weekday when all of it lies on one local day and
/// its hour when all of it lies in one local clock hour (the aoristic pieces of
/// [`crate::temporal::for_each_piece`], in [`AoristicOptions::timezone`]); otherwise `None`. A spread
/// interval is not a count of one in any cell, so the tests of [`test_zones`] leave it out (and count it).
pub fn known_cells(
    incidents: &Incidents,
    i: usize,
    opts: &AoristicOptions,
) -> (Option<usize>, Option<usize>) {
    let mut day: Option<Option<usize>> = None;
    let mut hour: Option<Option<usize>> = None;
    let use_ = for_each_piece(incidents, i, opts, |local, _| {
        let d = local.weekday().num_days_from_monday() as usize;
        let h = local.hour() as usize;
        day = Some(match day {
            None => Some(d),
            Some(Some(x)) if x == d => Some(d),
            Some(_) => None,
        });
        // One clock hour on one day (24 h apart is another hour of the week, the same hour of day,
        // but an interval that long spans every hour).
        hour = Some(match hour {
            None => Some(h),
            Some(_) => None,
        });
    });
    if !use_.has_hours() {
        // A date without an hour still gives the weekday.
        let wd = incidents.times()[i]
            .as_ref()
            .filter(|_| incidents.interval_lengths()[i] == 0)
            .and_then(|t| t.weekday())
            .map(|w| w.num_days_from_monday() as usize);
        return (wd, None);
    }
    (day.flatten(), hour.flatten())
}

fn cell_counts(
    incidents: &Incidents,
    idx: impl Iterator<Item = usize>,
    opts: &AoristicOptions,
) -> ([u64; 7], [u64; 24], u64, u64) {
    let (mut d, mut h, mut nd, mut nh) = ([0u64; 7], [0u64; 24], 0, 0);
    for i in idx {
        let (wd, hr) = known_cells(incidents, i, opts);
        match wd {
            Some(w) => d[w] += 1,
            None => nd += 1,
        }
        match hr {
            Some(x) => h[x] += 1,
            None => nh += 1,
        }
    }
    (d, h, nd, nh)
}

/// The weekday and hour tests of several zones against the area, corrected together.
///
/// For zone `z` (incident indices `zones[z]`, e.g. its patrollable incidents) the reference profile is
/// that of the incidents of `area` outside the zone. Each incident counts in a weekday (hour) when its
/// time pins it down ([`known_cells`]). The p-values of all the tests that could be made (a zone with
/// incidents and a reference with more than one cell) are adjusted together by Holm's step-down method
/// (Holm 1979, "A simple sequentially rejective multiple test procedure", *Scand. J. Statist.* 6,
/// 65-70), which keeps the chance of naming any day or hour by noise, over the whole plan, at `alpha`;
/// the verdicts are read from the adjusted values. Zone `z`'s tests use the seeds `seed + 2z` and
/// `seed + 2z + 1`.
///
/// # Errors
/// [`Error::InvalidParameter`] for an index beyond the incidents or `alpha` outside (0, 1).
pub fn test_zones(
    incidents: &Incidents,
    zones: &[Vec<usize>],
    area: &[usize],
    opts: &AoristicOptions,
    alpha: f64,
    seed: u64,
) -> Result<Vec<WeekProfile>> {
    let n = incidents.len();
    if let Some(&i) = zones.iter().flatten().chain(area).find(|&&i| i >= n) {
        return Err(Error::invalid(
            "members",
            i,
            format!("index out of range ({n} incidents)"),
        ));
    }
    // Cells of every incident of the area and the zones, once.
    let (ad, ah, _, _) = cell_counts(incidents, area.iter().copied(), opts);
    let mut in_area = vec![false; n];
    for &i in area {
        in_area[i] = true;
    }
    let mut out = Vec::with_capacity(zones.len());
    for (z, members) in zones.iter().enumerate() {
        let (zd, zh, nd, nh) = cell_counts(incidents, members.iter().copied(), opts);
        // Reference: the area without the zone's own incidents.
        let (md, mh, _, _) = cell_counts(
            incidents,
            members.iter().copied().filter(|&i| in_area[i]),
            opts,
        );
        let rd: Vec<u64> = ad.iter().zip(&md).map(|(a, m)| a - m).collect();
        let rh: Vec<u64> = ah.iter().zip(&mh).map(|(a, m)| a - m).collect();
        let s = seed.wrapping_add(2 * z as u64);
        out.push(WeekProfile {
            weekday: test_profile(&zd, &rd, alpha, DEFAULT_SIMULATIONS, s)?,
            hour: test_profile(&zh, &rh, alpha, DEFAULT_SIMULATIONS, s.wrapping_add(1))?,
            without_date: nd,
            without_hour: nh,
        });
    }
    let tested: Vec<(usize, bool)> = (0..out.len())
        .flat_map(|z| [(z, false), (z, true)])
        .filter(|&(z, h)| {
            let t = if h { &out[z].hour } else { &out[z].weekday };
            t.method != PValueMethod::None
        })
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .map(|&(z, h)| {
            if h {
                out[z].hour.p_value
            } else {
                out[z].weekday.p_value
            }
        })
        .collect();
    for (&(z, h), q) in tested.iter().zip(crate::schools::controlled::holm(&p)) {
        if h {
            out[z].hour.set_adjusted(q);
        } else {
            out[z].weekday.set_adjusted(q);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_by_hand() {
        // Reference uniform over 7 days (70 each); zone 10,10,10,10,10,20,30 (n = 100).
        // e = 100/7 each; X² = Σ (o−e)²/e = (Σ o² − n²/7)/(n/7) = (1800 − 10000/7)·7/100 = 26.
        let t = test_profile(&[10, 10, 10, 10, 10, 20, 30], &[70; 7], 0.05, 999, 1).unwrap();
        assert!((t.statistic - 26.0).abs() < 1e-9, "{}", t.statistic);
        assert_eq!((t.df, t.method), (6, PValueMethod::ChiSquare));
        // Chi-square(6) upper tail at 26 = e^{-13}(1 + 13 + 13²/2) (closed form for even df).
        let exact = (-13.0f64).exp() * (1.0 + 13.0 + 13.0 * 13.0 / 2.0);
        assert!(
            (t.p_value - exact).abs() < 1e-9 * exact,
            "{} vs {exact}",
            t.p_value
        );
        assert_eq!(t.verdict, Verdict::These(vec![6, 5]));
        assert_eq!(t.day_label(), "Sun, Sat");
        // Counts like 34/33/32 over two years against a flat reference: every day.
        let t = test_profile(&[34, 33, 32, 30, 31, 29, 33], &[700; 7], 0.05, 999, 1).unwrap();
        assert!(t.p_value > 0.5);
        assert_eq!(t.verdict, Verdict::Any);
        assert_eq!(t.day_label(), "every day");
        // The same verdict in words for an hour test, and named hours with two digits.
        assert_eq!(t.hour_label(), "all day");
        let mut h = t.clone();
        h.verdict = Verdict::These(vec![22, 23, 0]);
        assert_eq!(h.hour_label(), "22, 23, 00");
    }

    #[test]
    fn monte_carlo_matches_exact_multinomial_on_a_tiny_case() {
        // n = 3 over 2 cells with p = (0.5, 0.5): X² is 3 for (3,0)/(0,3), 1/3 otherwise.
        // Observed (3, 0): exact P(X² >= 3) = 2/8 = 0.25.
        let t = test_profile(&[3, 0], &[5, 5], 0.05, 19_999, 7).unwrap();
        assert_eq!(t.method, PValueMethod::MonteCarlo);
        assert!((t.statistic - 3.0).abs() < 1e-12);
        assert!((t.p_value - 0.25).abs() < 0.01, "{}", t.p_value);
        assert_eq!(t.verdict, Verdict::Any);
        // Brute force over all tables for n = 4, p = (0.2, 0.3, 0.5), observed (3, 1, 0).
        let p = [0.2, 0.3, 0.5];
        let obs = pearson(&[3, 1, 0], &p, 4.0);
        let mut exact = 0.0;
        for a in 0..=4u64 {
            for b in 0..=(4 - a) {
                let c = 4 - a - b;
                let f = |k: u64| (1..=k).product::<u64>() as f64;
                let prob = 24.0 / (f(a) * f(b) * f(c))
                    * p[0].powi(a as i32)
                    * p[1].powi(b as i32)
                    * p[2].powi(c as i32);
                if pearson(&[a, b, c], &p, 4.0) >= obs - 1e-9 {
                    exact += prob;
                }
            }
        }
        let t = test_profile(&[3, 1, 0], &[2, 3, 5], 0.05, 19_999, 3).unwrap();
        assert!((t.p_value - exact).abs() < 0.01, "{} vs {exact}", t.p_value);
        // Same seed, same answer.
        let t2 = test_profile(&[3, 1, 0], &[2, 3, 5], 0.05, 19_999, 3).unwrap();
        assert_eq!(t.p_value, t2.p_value);
    }

    #[test]
    fn degenerate_and_bad_input() {
        let t = test_profile(&[0, 0], &[3, 4], 0.05, 999, 1).unwrap();
        assert_eq!((t.p_value, t.method), (1.0, PValueMethod::None));
        // A count where the reference has none: certainly different.
        let t = test_profile(&[0, 2], &[5, 0], 0.05, 999, 1).unwrap();
        assert_eq!(t.p_value, 0.0);
        assert_eq!(t.verdict, Verdict::These(vec![1]));
        assert!(test_profile(&[1], &[1, 2], 0.05, 999, 1).is_err());
        assert!(test_profile(&[1, 2], &[1, 2], 1.5, 999, 1).is_err());
        assert!(test_profile(&[1, 2], &[1, 2], 0.05, 10, 1).is_err());
    }

    #[test]
    fn known_cells_of_exact_times_and_intervals() {
        use crate::temporal::tests::scene;
        let opts = AoristicOptions::default();
        // 2025-03-11 is a Tuesday (1).
        let inc = scene(&[
            ("2025-03-11 14:10", ""),
            ("2025-03-11 10:05", "2025-03-11 10:50"),
            ("2025-03-11 10:00", "2025-03-11 12:00"),
            ("2025-03-11 23:30", "2025-03-12 00:30"),
            ("2025-03-11", ""),
            ("", ""),
            // Across the spring DST change, within Sunday 2025-03-30 (01:30-03:30 local = 1 real hour).
            ("2025-03-30 01:30", "2025-03-30 03:30"),
        ]);
        let k = |i| known_cells(&inc, i, &opts);
        assert_eq!(k(0), (Some(1), Some(14)));
        assert_eq!(k(1), (Some(1), Some(10)));
        assert_eq!(k(2), (Some(1), None));
        assert_eq!(k(3), (None, None));
        assert_eq!(k(4), (Some(1), None));
        assert_eq!(k(5), (None, None));
        assert_eq!(k(6), (Some(6), None));
    }

    #[test]
    fn zone_tests_are_holm_corrected_together() {
        use crate::temporal::tests::scene;
        let opts = AoristicOptions::default();
        // Area: 70 exact incidents, 10 on each day of the week 2025-03-10 (Mon) .. 16 (Sun), hours
        // 0..9 each day. Zone A: 14 on Friday 2025-03-14 at 20h; zone B: one per day at 12h.
        let mut rows: Vec<(String, String)> = Vec::new();
        for d in 10..17 {
            for h in 0..10 {
                rows.push((format!("2025-03-{d} {h:02}:00"), String::new()));
            }
        }
        for _ in 0..14 {
            rows.push(("2025-03-14 20:00".into(), String::new()));
        }
        for d in 10..17 {
            rows.push((format!("2025-03-{d} 12:00"), String::new()));
        }
        let r: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let inc = scene(&r);
        let area: Vec<usize> = (0..70).collect();
        let zones = vec![(70..84).collect::<Vec<_>>(), (84..91).collect()];
        let t = test_zones(&inc, &zones, &area, &opts, 0.05, 3).unwrap();
        // Zone A's weekday counts and Pearson's X² by hand: 14 on Friday against 2 expected per day,
        // X² = (14-2)²/2 + 6·(0-2)²/2 = 72 + 12 = 84.
        assert_eq!(t[0].weekday.counts, vec![0, 0, 0, 0, 14, 0, 0]);
        assert!((t[0].weekday.statistic - 84.0).abs() < 1e-9);
        // Zone B is flat like the area: X² = 0.
        assert!(t[1].weekday.statistic.abs() < 1e-12);
        // Hours 20 and 12 never occur in the area: certainly different (p = 0).
        assert_eq!((t[0].hour.p_value, t[1].hour.p_value), (0.0, 0.0));
        // Holm over the four tests, by hand from the raw p-values.
        let raw = [
            t[0].weekday.p_value,
            t[0].hour.p_value,
            t[1].weekday.p_value,
            t[1].hour.p_value,
        ];
        let adj = crate::schools::controlled::holm(&raw);
        assert_eq!(
            [
                t[0].weekday.p_adjusted,
                t[0].hour.p_adjusted,
                t[1].weekday.p_adjusted,
                t[1].hour.p_adjusted
            ],
            [adj[0], adj[1], adj[2], adj[3]]
        );
        assert_eq!(t[0].weekday.verdict, Verdict::These(vec![4]));
        assert_eq!(t[1].weekday.verdict, Verdict::Any);
        assert_eq!(t[1].weekday.day_label(), "every day");
        assert!(test_zones(&inc, &[vec![500]], &area, &opts, 0.05, 3).is_err());
    }
}
