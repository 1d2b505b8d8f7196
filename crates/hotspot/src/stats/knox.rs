//! The Knox (1964) space-time interaction test with Poisson and Monte-Carlo p-values, and the
//! conversion of incident times to days shared with the near-repeat analysis.
//!
//! Of all `N = n(n-1)/2` pairs of events, `n_s` are close in space
//! (`distance <= delta`), `n_t` close in time (`|t_i - t_j| <= tau`) and `X` close
//! in both. Under no interaction `E[X] = n_s n_t / N`; the Poisson p-value is
//! `P(Poisson(E[X]) >= X)` (Knox 1964). pointpats 2.5 reports
//! `1 - F(X) = P(Poisson(E[X]) > X)` instead, which leaves out the observed value
//! and is smaller (Burkitt, delta 20, tau 5: 0.146 against 0.222); we give it too
//! as [`Knox::p_poisson_gt`] for comparison, but the tail that includes X is the
//! p-value. The Monte-Carlo
//! p-value permutes the times over the locations (Mantel 1967):
//! `(1 + #{X_sim >= X}) / (permutations + 1)`.
//!
//! # Times
//! [`event_days`] turns [`IncidentTime`]s into days at the coarsest resolution
//! present: minute/second data use the exact instant (fractional days); if any
//! incident only has a date, every time is reduced to its local calendar date
//! (whole days, so "within 7 days" means 0..=7 calendar days apart); if any only
//! has a month, every time is reduced to the first day of its local month and
//! a note warns that time thresholds below a month are not meaningful.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use crate::time::{IncidentTime, TimeResolution};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use statrs::distribution::{DiscreteCDF, Poisson};

/// Largest number of spatially close pairs held in memory.
pub const MAX_CLOSE_PAIRS: u64 = 200_000_000;

/// Incident times as days, with the incidents they belong to.
#[derive(Clone, Debug, PartialEq)]
pub struct EventDays {
    /// Indices (into the incidents) of the incidents that have a time.
    pub index: Vec<usize>,
    /// Their times in days since 1970-01-01 (see the module docs for the resolution rule).
    pub days: Vec<f64>,
    /// The resolution used.
    pub resolution: TimeResolution,
    /// Incidents without a time (left out).
    pub without_time: usize,
    /// A caveat for month data.
    pub note: Option<String>,
}

/// Days of the incidents that have a time; see the module docs.
///
/// # Errors
/// [`Error::InsufficientData`] when no incident has a time.
pub fn event_days(incidents: &Incidents) -> Result<EventDays> {
    let res = incidents.time_resolution().ok_or_else(|| {
        Error::InsufficientData(
            "no incident has a time; space-time tests need dates or timestamps".into(),
        )
    })?;
    let mut index = Vec::new();
    let mut days = Vec::new();
    for (i, t) in incidents.times().iter().enumerate() {
        if let Some(t) = t {
            index.push(i);
            days.push(to_days(t, res));
        }
    }
    let note = (res == TimeResolution::Month).then(|| {
        "times are known only to the month: each is taken as the first day of its month, so time thresholds under about 31 days are not meaningful".to_string()
    });
    Ok(EventDays {
        without_time: incidents.len() - index.len(),
        index,
        days,
        resolution: res,
        note,
    })
}

fn to_days(t: &IncidentTime, res: TimeResolution) -> f64 {
    use chrono::Datelike;
    let date = t.instant().date_naive();
    let epoch_day = |d: chrono::NaiveDate| d.num_days_from_ce() as f64 - 719_163.0;
    match res {
        TimeResolution::Month => epoch_day(date.with_day(1).unwrap_or(date)),
        TimeResolution::Day => epoch_day(date),
        TimeResolution::Minute | TimeResolution::Second => t.timestamp() as f64 / 86_400.0,
    }
}

/// Checked Knox parameters.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct KnoxParams {
    distance_m: f64,
    days: f64,
    permutations: usize,
    seed: u64,
}

impl KnoxParams {
    /// Close in space: `distance <= distance_m`; close in time: `|dt| <= days`;
    /// `permutations` Monte-Carlo draws (0 = Poisson only) from `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for non-positive or non-finite thresholds, or more than 99,999 permutations.
    pub fn new(distance_m: f64, days: f64, permutations: usize, seed: u64) -> Result<Self> {
        if !(distance_m.is_finite() && distance_m > 0.0) {
            return Err(Error::invalid(
                "distance_m",
                distance_m,
                "the spatial threshold must be a positive number of metres",
            ));
        }
        if !(days.is_finite() && days >= 0.0) {
            return Err(Error::invalid(
                "days",
                days,
                "the temporal threshold must be a non-negative number of days",
            ));
        }
        if permutations > 99_999 {
            return Err(Error::invalid(
                "permutations",
                permutations,
                "use at most 99999",
            ));
        }
        Ok(Self {
            distance_m,
            days,
            permutations,
            seed,
        })
    }
}

/// Knox test result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Knox {
    /// Events.
    pub n: usize,
    /// All pairs `n(n-1)/2`.
    pub pairs: u64,
    /// Pairs close in space.
    pub close_in_space: u64,
    /// Pairs close in time.
    pub close_in_time: u64,
    /// Pairs close in both: the Knox statistic X.
    pub statistic: u64,
    /// `E[X] = n_s n_t / N`.
    pub expected: f64,
    /// `X / E[X]`.
    pub ratio: f64,
    /// `P(Poisson(E[X]) >= X)`, the p-value.
    pub p_poisson: f64,
    /// `P(Poisson(E[X]) > X)`, what pointpats reports as `p_poisson` (for comparison only).
    pub p_poisson_gt: f64,
    /// Monte-Carlo p-value, when permutations were asked for.
    pub p_sim: Option<f64>,
    /// Permutations used.
    pub permutations: usize,
    /// Observed 2x2 table `[[space&time, space only], [time only, neither]]`.
    pub observed: [[u64; 2]; 2],
    /// Expected 2x2 table under independence.
    pub expected_table: [[f64; 2]; 2],
}

/// Events whose neighbourhoods are counted to estimate the number of close pairs
/// before the exact count (see [`count_close_pairs`]).
const PAIR_SAMPLE: usize = 2_000;

/// Events counted per step of the exact count; the limit is checked after each step.
const PAIR_CHUNK: usize = 1 << 15;

/// Number of pairs `(i, j)`, `i < j`, within `distance_m`, or
/// [`Error::LimitExceeded`] as soon as it is clear that there are more than `limit`.
///
/// Dense inputs can hold billions of close pairs (1M events in a town with a 100 m
/// threshold: about 8e9), and counting them all only to refuse would take minutes.
/// So the count stops early: first an estimate from [`PAIR_SAMPLE`] evenly spaced
/// events (refused when it exceeds four times the limit), then the exact count in
/// steps of [`PAIR_CHUNK`] events, refused as soon as the running total passes the
/// limit. Both steps are deterministic (no random sample), so the same input always
/// gives the same answer.
fn count_close_pairs(
    idx: &SpatialIndex,
    x: &[f64],
    y: &[f64],
    distance_m: f64,
    limit: u64,
) -> Result<u64> {
    let n = x.len();
    let refuse = |requested: u64, what: &'static str| Error::LimitExceeded {
        what,
        requested,
        limit,
        hint:
            "use a smaller spatial threshold or fewer events (a shorter period, one problem area)"
                .into(),
    };
    if n > PAIR_SAMPLE {
        let sample: u64 = (0..PAIR_SAMPLE)
            .into_par_iter()
            .map(|k| {
                let i = k * n / PAIR_SAMPLE;
                idx.count_within(x[i], y[i], distance_m).saturating_sub(1) as u64
            })
            .sum();
        // Each pair is seen from both ends: pairs ~ mean neighbours * n / 2.
        let estimate = (sample as f64 / PAIR_SAMPLE as f64 * n as f64 / 2.0) as u64;
        if estimate > limit.saturating_mul(4) {
            return Err(refuse(
                estimate,
                "close pairs (estimated from 2000 evenly spaced events)",
            ));
        }
    }
    let mut ends = 0u64;
    for start in (0..n).step_by(PAIR_CHUNK) {
        let end = (start + PAIR_CHUNK).min(n);
        ends += (start..end)
            .into_par_iter()
            .map(|i| idx.count_within(x[i], y[i], distance_m).saturating_sub(1) as u64)
            .sum::<u64>();
        if ends / 2 > limit {
            return Err(refuse(ends / 2, "close pairs (counted so far)"));
        }
    }
    Ok(ends / 2)
}

/// Pairs `(i, j)`, `i < j`, within `distance_m` of each other, in a fixed order.
///
/// # Errors
/// [`Error::LimitExceeded`] for more than [`MAX_CLOSE_PAIRS`] pairs, found before
/// they are collected (see [`count_close_pairs`]).
pub(crate) fn close_pairs(x: &[f64], y: &[f64], distance_m: f64) -> Result<Vec<(u32, u32)>> {
    let idx = SpatialIndex::from_xy(x, y);
    count_close_pairs(&idx, x, y, distance_m, MAX_CLOSE_PAIRS)?;
    let per: Vec<Vec<(u32, u32)>> = (0..x.len())
        .into_par_iter()
        .map(|i| {
            let mut v: Vec<(u32, u32)> = idx
                .within(x[i], y[i], distance_m)
                .into_iter()
                .filter(|&j| j > i)
                .map(|j| (i as u32, j as u32))
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    Ok(per.into_iter().flatten().collect())
}

/// Number of pairs with `|t_i - t_j| <= tau` (sort and two pointers, `O(n log n)`).
pub(crate) fn pairs_within_time(t: &[f64], tau: f64) -> u64 {
    let mut s = t.to_vec();
    s.sort_by(f64::total_cmp);
    let mut count = 0u64;
    let mut lo = 0usize;
    for hi in 0..s.len() {
        while s[hi] - s[lo] > tau {
            lo += 1;
        }
        count += (hi - lo) as u64;
    }
    count
}

/// The Knox test on events at `(x, y)` (metres) and times `t` (days).
///
/// Complexity: `O(n log n + close pairs)`, plus `O(close pairs)` per permutation
/// (parallel; each permutation has its own ChaCha8 stream, so results do not
/// depend on the thread count).
///
/// # Errors
/// [`Error::InvalidParameter`] for mismatched lengths or non-finite values;
/// [`Error::InsufficientData`] for fewer than 2 events; [`Error::LimitExceeded`]
/// for more than [`MAX_CLOSE_PAIRS`] close pairs.
pub fn knox(x: &[f64], y: &[f64], t: &[f64], params: &KnoxParams) -> Result<Knox> {
    let n = x.len();
    if y.len() != n || t.len() != n {
        return Err(Error::invalid(
            "t",
            format!("{} values", t.len()),
            format!("x, y and t need {n} values each"),
        ));
    }
    if let Some(i) = (0..n).find(|&i| !(x[i].is_finite() && y[i].is_finite() && t[i].is_finite())) {
        return Err(Error::invalid(
            "event",
            i,
            "coordinates and times must be finite",
        ));
    }
    if n < 2 {
        return Err(Error::InsufficientData(format!(
            "the Knox test needs at least 2 events ({n} given)"
        )));
    }
    let pairs = (n as u64) * (n as u64 - 1) / 2;
    let sp = close_pairs(x, y, params.distance_m)?;
    let count = |t: &[f64]| -> u64 {
        sp.iter()
            .filter(|&&(i, j)| (t[i as usize] - t[j as usize]).abs() <= params.days)
            .count() as u64
    };
    let xs = count(t);
    let ns = sp.len() as u64;
    let nt = pairs_within_time(t, params.days);
    let expected = ns as f64 * nt as f64 / pairs as f64;
    let (p_poisson, p_poisson_gt) = match Poisson::new(expected) {
        Ok(d) if expected > 0.0 => (if xs > 0 { d.sf(xs - 1) } else { 1.0 }, d.sf(xs)),
        _ => (1.0, if xs > 0 { 0.0 } else { 1.0 }),
    };
    let p_sim = (params.permutations > 0).then(|| {
        let ge: usize = (0..params.permutations)
            .into_par_iter()
            .map(|p| {
                let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
                rng.set_stream(p as u64);
                let mut tt = t.to_vec();
                tt.shuffle(&mut rng);
                usize::from(count(&tt) >= xs)
            })
            .sum();
        (ge + 1) as f64 / (params.permutations + 1) as f64
    });
    let nf = pairs as f64;
    let (sf, tf) = (ns as f64, nt as f64);
    Ok(Knox {
        n,
        pairs,
        close_in_space: ns,
        close_in_time: nt,
        statistic: xs,
        expected,
        ratio: if expected > 0.0 {
            xs as f64 / expected
        } else {
            0.0
        },
        p_poisson,
        p_poisson_gt,
        p_sim,
        permutations: params.permutations,
        observed: [[xs, ns - xs], [nt - xs, pairs + xs - ns - nt]],
        expected_table: [
            [sf * tf / nf, sf * (nf - tf) / nf],
            [(nf - sf) * tf / nf, (nf - sf) * (nf - tf) / nf],
        ],
    })
}

/// The Knox test on the incidents that have a time (see [`event_days`]).
///
/// # Errors
/// As [`event_days`] and [`knox`].
pub fn knox_incidents(incidents: &Incidents, params: &KnoxParams) -> Result<(Knox, EventDays)> {
    let ev = event_days(incidents)?;
    let x: Vec<f64> = ev.index.iter().map(|&i| incidents.x()[i]).collect();
    let y: Vec<f64> = ev.index.iter().map(|&i| incidents.y()[i]).collect();
    let k = knox(&x, &y, &ev.days, params)?;
    Ok((k, ev))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_pair_count_matches_brute_force_and_stops_at_the_limit() {
        // 3000 events on a 40 x 75 lattice of 1 m steps, many at the same spot.
        let n = 3000;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7) % 40) as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 13) % 75) as f64).collect();
        let d = 2.5;
        let mut brute = 0u64;
        for i in 0..n {
            for j in i + 1..n {
                if (x[i] - x[j]).hypot(y[i] - y[j]) <= d {
                    brute += 1;
                }
            }
        }
        let idx = SpatialIndex::from_xy(&x, &y);
        assert_eq!(count_close_pairs(&idx, &x, &y, d, brute).unwrap(), brute);
        assert_eq!(close_pairs(&x, &y, d).unwrap().len() as u64, brute);
        // One pair over the limit: refused by the exact count.
        match count_close_pairs(&idx, &x, &y, d, brute - 1) {
            Err(Error::LimitExceeded { requested, .. }) => assert!(requested > brute - 1),
            other => panic!("expected LimitExceeded, got {other:?}"),
        }
        // All at one spot: n(n-1)/2 = 4498500 pairs, refused from the sample estimate.
        let z = vec![0.0; n];
        let idx = SpatialIndex::from_xy(&z, &z);
        match count_close_pairs(&idx, &z, &z, 1.0, 1_000_000) {
            Err(Error::LimitExceeded {
                what, requested, ..
            }) => {
                assert!(what.contains("estimated"), "{what}");
                assert_eq!(requested, 4_498_500);
            }
            other => panic!("expected LimitExceeded, got {other:?}"),
        }
    }

    #[test]
    fn hand_worked_four_events() {
        // Events: A(0,0,t0) B(1,0,t1) C(10,0,t2) D(10,1,t30). delta 2, tau 5.
        // Pairs close in space: AB, CD. Close in time: AB, AC, BC. Both: AB.
        let k = knox(
            &[0.0, 1.0, 10.0, 10.0],
            &[0.0, 0.0, 0.0, 1.0],
            &[0.0, 1.0, 2.0, 30.0],
            &KnoxParams::new(2.0, 5.0, 0, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(
            (k.pairs, k.close_in_space, k.close_in_time, k.statistic),
            (6, 2, 3, 1)
        );
        assert_eq!(k.expected, 1.0);
        assert_eq!(k.observed, [[1, 1], [2, 2]]);
        // P(Poisson(1) >= 1) = 1 - e^-1
        assert!((k.p_poisson - (1.0 - (-1f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn time_pairs_match_brute_force() {
        let t: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64 * 0.7).collect();
        let brute = (0..200)
            .flat_map(|i| (i + 1..200).map(move |j| (i, j)))
            .filter(|&(i, j)| (t[i] - t[j]).abs() <= 5.0)
            .count() as u64;
        assert_eq!(pairs_within_time(&t, 5.0), brute);
    }

    fn p_at_least(x: u64, mean: f64) -> f64 {
        // 1 - sum_{k < x} e^-m m^k / k!
        let mut term = (-mean).exp();
        let mut cdf = 0.0;
        for k in 0..x {
            cdf += term;
            term *= mean / (k + 1) as f64;
        }
        1.0 - cdf
    }

    #[test]
    fn degenerate_and_invalid() {
        let p = KnoxParams::new(1.0, 1.0, 9, 1).unwrap();
        assert!(knox(&[0.0], &[0.0], &[0.0], &p).is_err());
        let k = knox(&[0.0, 100.0], &[0.0, 0.0], &[0.0, 50.0], &p).unwrap();
        assert_eq!((k.statistic, k.p_poisson), (0, 1.0));
        assert_eq!(k.p_sim, Some(1.0));
        // Every pair close in space and in time (n_s + n_t > N must not underflow).
        let k = knox(&[0.0; 3], &[0.0; 3], &[1.0; 3], &p).unwrap();
        assert_eq!(k.observed, [[3, 0], [0, 0]]);
        assert!((k.p_poisson - p_at_least(3, 3.0)).abs() < 1e-12);
        assert!(KnoxParams::new(0.0, 1.0, 0, 0).is_err());
        assert!(KnoxParams::new(1.0, -1.0, 0, 0).is_err());
    }
}
