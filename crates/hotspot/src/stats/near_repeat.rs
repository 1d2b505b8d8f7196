//! Near-repeat analysis as in Ratcliffe's Near Repeat Calculator (Ratcliffe 2009;
//! Townsley, Homel & Chaseling 2003): pairs of events tabulated by spatial band x
//! temporal band, observed against the mean of Monte-Carlo permutations of the
//! times, with a pseudo p-value per table cell.
//!
//! Bands are given by increasing upper edges `e_1 < e_2 < ... < e_m`: band 1 is
//! `[0, e_1]`, band k is `(e_(k-1), e_k]`, and a last band holds everything
//! beyond `e_m`. Distances are metres, times days (see
//! [`crate::stats::knox::event_days`] for how day and month resolutions are
//! handled; with day data a temporal band `(7, 14]` means 8 to 14 calendar days
//! apart). A first spatial edge of 0 gives the calculator's "same location" band.
//!
//! For each permutation the times are shuffled over the locations (the spatial
//! pair structure and the multiset of all pairwise time gaps stay fixed, so the
//! row of pairs beyond the largest spatial edge is obtained by difference
//! without enumerating all `n^2` pairs). Expected = mean over permutations;
//! ratio = observed / expected (0 when expected is 0); p = `(1 + #{sim >= obs}) /
//! (permutations + 1)`, one-sided for an excess of pairs as in the calculator.

use crate::error::{Error, Result};
use crate::stats::knox::{check_events, close_pairs};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Checked near-repeat parameters.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NearRepeatParams {
    space_edges_m: Vec<f64>,
    time_edges_days: Vec<f64>,
    permutations: usize,
    seed: u64,
}

impl NearRepeatParams {
    /// Spatial band edges (metres), temporal band edges (days), permutations (>= 19), seed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when edges are empty, negative, not finite or
    /// not strictly increasing, or permutations are outside 19..=99,999.
    pub fn new(
        space_edges_m: Vec<f64>,
        time_edges_days: Vec<f64>,
        permutations: usize,
        seed: u64,
    ) -> Result<Self> {
        check_edges("space_bands", &space_edges_m)?;
        check_edges("time_bands", &time_edges_days)?;
        if !(19..=99_999).contains(&permutations) {
            return Err(Error::invalid(
                "permutations",
                permutations,
                "use 19 to 99999 (the calculator uses 20 to 999)",
            ));
        }
        Ok(Self {
            space_edges_m,
            time_edges_days,
            permutations,
            seed,
        })
    }
}

fn check_edges(name: &'static str, e: &[f64]) -> Result<()> {
    if e.is_empty() {
        return Err(Error::invalid(name, "[]", "give at least one band edge"));
    }
    if e.len() > 100 {
        return Err(Error::invalid(name, e.len(), "at most 100 band edges"));
    }
    for (k, &v) in e.iter().enumerate() {
        if !(v.is_finite() && v >= 0.0) || (k > 0 && v <= e[k - 1]) {
            return Err(Error::invalid(
                name,
                format!("{e:?}"),
                "edges must be finite, >= 0 and strictly increasing",
            ));
        }
    }
    Ok(())
}

/// Band index of `v` for edges `e`: `[0, e1]` -> 0, `(e_(k-1), e_k]` -> k-1, beyond -> `e.len()`.
fn band(e: &[f64], v: f64) -> usize {
    e.partition_point(|&edge| edge < v)
}

/// Labels such as `0-100`, `100-200`, `>200`.
fn labels(e: &[f64]) -> Vec<String> {
    let mut out = Vec::with_capacity(e.len() + 1);
    for k in 0..e.len() {
        if k == 0 {
            out.push(format!("0-{}", e[0]));
        } else {
            out.push(format!("{}-{}", e[k - 1], e[k]));
        }
    }
    out.push(format!(">{}", e[e.len() - 1]));
    out
}

/// The near-repeat table; rows are spatial bands, columns temporal bands, both
/// with a final "beyond" band.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NearRepeat {
    /// Events used.
    pub n: usize,
    /// Spatial band labels (metres), last one `>e_m`.
    pub space_labels: Vec<String>,
    /// Temporal band labels (days), last one `>e_m`.
    pub time_labels: Vec<String>,
    /// Observed pair counts `[space][time]`.
    pub observed: Vec<Vec<u64>>,
    /// Mean count over the permutations.
    pub expected: Vec<Vec<f64>>,
    /// observed / expected (0 when expected is 0).
    pub ratio: Vec<Vec<f64>>,
    /// Monte-Carlo p-value of an excess.
    pub p: Vec<Vec<f64>>,
    /// Permutations used.
    pub permutations: usize,
}

/// Near-repeat table for events at `(x, y)` metres with times `t` in days.
///
/// Complexity: `O(n log n + P)` per permutation with `P` the pairs within the
/// largest spatial edge; permutations run in parallel, each with its own
/// ChaCha8 stream, so results do not depend on the thread count.
///
/// # Errors
/// [`Error::InvalidParameter`] for mismatched lengths or non-finite values;
/// [`Error::InsufficientData`] for fewer than 2 events; [`Error::LimitExceeded`]
/// when too many pairs are close in space.
pub fn near_repeat(
    x: &[f64],
    y: &[f64],
    t: &[f64],
    params: &NearRepeatParams,
) -> Result<NearRepeat> {
    let n = check_events(x, y, t, "near-repeat analysis")?;
    let se = &params.space_edges_m;
    let te = &params.time_edges_days;
    let (ns, nt) = (se.len() + 1, te.len() + 1);
    let max_d = se[se.len() - 1];
    let pairs = close_pairs(x, y, max_d)?;
    let sband: Vec<u8> = pairs
        .iter()
        .map(|&(i, j)| {
            let d = (x[i as usize] - x[j as usize]).hypot(y[i as usize] - y[j as usize]);
            band(se, d) as u8
        })
        .collect();
    // Totals per temporal band over all pairs: invariant under permutation.
    let mut sorted = t.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut within = vec![0u64; te.len()];
    for (k, &e) in te.iter().enumerate() {
        within[k] = crate::stats::knox::pairs_within_time(&sorted, e);
    }
    let all_pairs = n as u64 * (n as u64 - 1) / 2;
    let mut time_totals = vec![0u64; nt];
    for k in 0..nt {
        let upto = if k < te.len() { within[k] } else { all_pairs };
        let below = if k == 0 { 0 } else { within[k - 1] };
        time_totals[k] = upto - below;
    }
    let table = |t: &[f64]| -> Vec<u64> {
        let mut c = vec![0u64; ns * nt];
        for (p, &(i, j)) in pairs.iter().enumerate() {
            let dt = (t[i as usize] - t[j as usize]).abs();
            c[sband[p] as usize * nt + band(te, dt)] += 1;
        }
        // Beyond the largest spatial edge, by difference.
        for k in 0..nt {
            let near: u64 = (0..ns - 1).map(|s| c[s * nt + k]).sum();
            debug_assert!(time_totals[k] >= near);
            c[(ns - 1) * nt + k] = time_totals[k].saturating_sub(near);
        }
        c
    };
    let obs = table(t);
    let sims: Vec<Vec<u64>> = (0..params.permutations)
        .into_par_iter()
        .map(|p| {
            let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
            rng.set_stream(p as u64);
            let mut tt = t.to_vec();
            tt.shuffle(&mut rng);
            table(&tt)
        })
        .collect();
    let perms = params.permutations as f64;
    let mut expected = vec![vec![0.0; nt]; ns];
    let mut ratio = vec![vec![0.0; nt]; ns];
    let mut p = vec![vec![1.0; nt]; ns];
    let mut observed = vec![vec![0u64; nt]; ns];
    for s in 0..ns {
        for k in 0..nt {
            let c = s * nt + k;
            let e = sims.iter().map(|v| v[c] as f64).sum::<f64>() / perms;
            let ge = sims.iter().filter(|v| v[c] >= obs[c]).count();
            observed[s][k] = obs[c];
            expected[s][k] = e;
            ratio[s][k] = if e > 0.0 { obs[c] as f64 / e } else { 0.0 };
            p[s][k] = (ge + 1) as f64 / (perms + 1.0);
        }
    }
    Ok(NearRepeat {
        n,
        space_labels: labels(se),
        time_labels: labels(te),
        observed,
        expected,
        ratio,
        p,
        permutations: params.permutations,
    })
}

/// The near-repeat table of the incidents that have a time: their positions and their days
/// ([`crate::stats::knox::event_days`], which also says how many were left out and at what
/// resolution the days are), as [`crate::stats::knox::knox_incidents`] does for the Knox test.
///
/// # Errors
/// As [`crate::stats::knox::event_days`] and [`near_repeat`].
pub fn near_repeat_incidents(
    incidents: &crate::Incidents,
    params: &NearRepeatParams,
) -> Result<(NearRepeat, crate::stats::knox::EventDays)> {
    let ev = crate::stats::knox::event_days(incidents)?;
    let x: Vec<f64> = ev.index.iter().map(|&i| incidents.x()[i]).collect();
    let y: Vec<f64> = ev.index.iter().map(|&i| incidents.y()[i]).collect();
    let r = near_repeat(&x, &y, &ev.days, params)?;
    Ok((r, ev))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_without_a_time_are_left_out_of_the_table() {
        use crate::time::TimeResolution;
        // Four dated incidents (two pairs 10 m and 1 day apart) and one without a time on top of
        // the first: the table is that of the four dated points alone.
        let rows: [(f64, Option<&str>); 5] = [
            (0.0, Some("2025-01-01T10:00:00+00:00")),
            (10.0, Some("2025-01-02T10:00:00+00:00")),
            (0.0, None),
            (500.0, Some("2025-03-01T10:00:00+00:00")),
            (510.0, Some("2025-03-02T10:00:00+00:00")),
        ];
        let mut b = crate::IncidentsBuilder::new(crate::Crs::SWEREF99_TM).unwrap();
        for (k, (x, t)) in rows.iter().enumerate() {
            b.push(crate::IncidentRecord {
                x: *x,
                y: 0.0,
                weight: 1.0,
                category: "",
                time: t.map(|t| {
                    crate::IncidentTime::new(
                        chrono::DateTime::parse_from_rfc3339(t).unwrap(),
                        TimeResolution::Second,
                    )
                }),
                id: k.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        let inc = b.build();
        let params = NearRepeatParams::new(vec![20.0], vec![3.0], 19, 1).unwrap();
        let (r, ev) = near_repeat_incidents(&inc, &params).unwrap();
        assert_eq!(ev.without_time, 1);
        assert_eq!(ev.index, [0, 1, 3, 4]);
        assert_eq!(r.n, 4);
        // By hand: of the 6 pairs, 2 are within 20 m and 3 days, 4 farther than 20 m and 3 days.
        assert_eq!(r.observed, vec![vec![2, 0], vec![0, 4]]);
        let x = [0.0, 10.0, 500.0, 510.0];
        let direct = near_repeat(&x, &[0.0; 4], &ev.days, &params).unwrap();
        assert_eq!(r, direct);
    }

    #[test]
    fn bands_are_closed_on_the_right() {
        let e = [0.0, 100.0, 200.0];
        assert_eq!(band(&e, 0.0), 0);
        assert_eq!(band(&e, 0.5), 1);
        assert_eq!(band(&e, 100.0), 1);
        assert_eq!(band(&e, 100.1), 2);
        assert_eq!(band(&e, 250.0), 3);
        assert_eq!(labels(&e), vec!["0-0", "0-100", "100-200", ">200"]);
    }

    #[test]
    fn observed_table_equals_brute_force_and_is_deterministic() {
        let n = 120;
        let x: Vec<f64> = (0..n).map(|i| ((i * 37) % 50) as f64 * 10.0).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 11) % 30) as f64 * 10.0).collect();
        let t: Vec<f64> = (0..n).map(|i| ((i * 13) % 90) as f64).collect();
        let params = NearRepeatParams::new(vec![0.0, 50.0, 100.0], vec![7.0, 14.0], 49, 3).unwrap();
        let r = near_repeat(&x, &y, &t, &params).unwrap();
        let mut brute = vec![vec![0u64; 3]; 4];
        for i in 0..n {
            for j in i + 1..n {
                let d = (x[i] - x[j]).hypot(y[i] - y[j]);
                let s = if d <= 0.0 {
                    0
                } else if d <= 50.0 {
                    1
                } else if d <= 100.0 {
                    2
                } else {
                    3
                };
                let dt = (t[i] - t[j]).abs();
                let k = if dt <= 7.0 {
                    0
                } else if dt <= 14.0 {
                    1
                } else {
                    2
                };
                brute[s][k] += 1;
            }
        }
        assert_eq!(r.observed, brute);
        // Expected tables sum to all pairs, like the observed ones.
        let tot: f64 = r.expected.iter().flatten().sum();
        assert!((tot - (n * (n - 1) / 2) as f64).abs() < 1e-6);
        let again = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| near_repeat(&x, &y, &t, &params).unwrap());
        assert_eq!(r, again);
    }

    #[test]
    fn planted_near_repeats_are_detected() {
        // Background: spread in space and time; plus 30 pairs 20 m and 2 days apart.
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut t = Vec::new();
        for i in 0..200 {
            x.push(((i * 7919) % 10_000) as f64);
            y.push(((i * 104_729) % 10_000) as f64);
            t.push(((i * 31) % 365) as f64);
        }
        for i in 0..30 {
            x.push(x[i] + 20.0);
            y.push(y[i]);
            t.push(t[i] + 2.0);
        }
        let params = NearRepeatParams::new(vec![100.0, 500.0], vec![7.0, 30.0], 199, 9).unwrap();
        let r = near_repeat(&x, &y, &t, &params).unwrap();
        assert!(r.observed[0][0] >= 30);
        assert!(r.ratio[0][0] > 5.0, "{:?}", r.ratio);
        assert!(r.p[0][0] <= 0.01);
        assert!(NearRepeatParams::new(vec![100.0, 50.0], vec![7.0], 99, 0).is_err());
        assert!(NearRepeatParams::new(vec![100.0], vec![], 99, 0).is_err());
        assert!(near_repeat(&[0.0], &[0.0], &[0.0], &params).is_err());
    }
}
