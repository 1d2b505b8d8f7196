//! When to patrol a zone: the hour-of-day by weekday table, the smallest set of 2-hour windows holding a
//! chosen share of the zone's incidents, and a visit plan after the Koper curve.
//!
//! # Windows
//! The day is cut into twelve 2-hour blocks, either starting at even hours (00-02, 02-04, …) or at odd
//! hours (01-03, …, 23-01). Within one cut the blocks are disjoint, so taking blocks in decreasing order of
//! their counts until the share is reached gives the smallest number of blocks for that cut (an exchange
//! argument). Both cuts are tried and the one needing fewer blocks wins (ties: more incidents covered,
//! then the even cut). Incidents without an hour (date or month resolution) are excluded and counted.
//!
//! # Uncertain times
//! [`week_weights`] and [`smallest_windows_weighted`] are the same table and windows with aoristic
//! weights ([`crate::temporal`]; Ratcliffe 2002): an incident recorded as "between from and to" adds
//! the share of its interval that falls in each hour instead of 1 in one hour, and intervals longer
//! than the maximum span count as without an hour. With only exact times they give the same windows as
//! [`week_table`] and [`smallest_windows`].
//!
//! # Visit plan (Koper 1995)
//! Koper, C. S. (1995). Just enough police presence: reducing crime and disorderly behavior by optimizing
//! patrol time in crime hot spots. *Justice Quarterly* 12(4), 649-672: stops of about 10-15 minutes give
//! the longest residual deterrence. Inside each merged window the plan places visits of 10-15 minutes
//! so that every 2-hour span holds the start of a visit (first start within 60 minutes of the window's
//! opening, then gaps of 60-120 minutes, the last start within 120 minutes of its close), at random
//! (seeded) times that differ from day to day, so the order of zones and the times are unpredictable.

use crate::incident::Incidents;
use crate::temporal::{AoristicOptions, TimeTotals, for_each_piece};
use crate::time::IncidentTime;
use chrono::{Datelike, Timelike};
use rand::{RngExt, SeedableRng};

/// Incidents by weekday (0 = Monday) and hour of day.
pub type WeekTable = [[u64; 24]; 7];

/// The weekday × hour table of the incidents `members` (indices into `times`), and the number of those
/// without an hour.
pub fn week_table(times: &[Option<IncidentTime>], members: &[usize]) -> (WeekTable, u64) {
    let mut t = [[0u64; 24]; 7];
    let mut no_hour = 0;
    for &i in members {
        match times[i]
            .as_ref()
            .and_then(|t| Some((t.weekday()?, t.hour()?)))
        {
            Some((wd, h)) => t[wd.num_days_from_monday() as usize][h as usize] += 1,
            None => no_hour += 1,
        }
    }
    (t, no_hour)
}

/// The chosen 2-hour windows of one zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Windows {
    /// Start hours of the chosen 2-hour blocks, ascending.
    pub starts: Vec<u32>,
    /// Incidents with an hour inside the chosen blocks.
    pub covered: u64,
    /// Incidents with an hour.
    pub with_hour: u64,
    /// Incidents without an hour (excluded).
    pub without_hour: u64,
}

impl Windows {
    /// Share of the incidents with an hour inside the windows (`NaN` when none has an hour).
    pub fn share(&self) -> f64 {
        self.covered as f64 / self.with_hour as f64
    }

    /// Merged windows as `(start_hour, length_hours)`, wrapping past midnight where blocks join across it.
    pub fn merged(&self) -> Vec<(u32, u32)> {
        let mut hours = [false; 24];
        for &s in &self.starts {
            hours[s as usize] = true;
            hours[(s as usize + 1) % 24] = true;
        }
        if hours.iter().all(|h| *h) {
            return vec![(0, 24)];
        }
        // Begin the scan just after an uncovered hour so that no run is cut at midnight.
        let Some(gap) = hours.iter().position(|h| !*h) else {
            return vec![];
        };
        let mut out = Vec::new();
        let mut run: Option<(u32, u32)> = None;
        for k in 1..=24 {
            let h = (gap + k) % 24;
            match (hours[h], run.as_mut()) {
                (true, Some(r)) => r.1 += 1,
                (true, None) => run = Some((h as u32, 1)),
                (false, _) => {
                    if let Some(r) = run.take() {
                        out.push(r);
                    }
                }
            }
        }
        if let Some(r) = run {
            out.push(r);
        }
        out.sort();
        out
    }

    /// Text such as `18-22, 00-02` (empty when no incident has an hour).
    pub fn label(&self) -> String {
        self.merged()
            .iter()
            .map(|(s, l)| format!("{:02}-{:02}", s, (s + l) % 24))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The smallest set of 2-hour windows holding at least `share` (0 < share ≤ 1) of the incidents with an
/// hour, from hour-of-day counts (see the module doc). No incident with an hour gives no window.
pub fn smallest_windows(hour_counts: &[u64; 24], without_hour: u64, share: f64) -> Windows {
    let with_hour: u64 = hour_counts.iter().sum();
    let need = (share * with_hour as f64 - 1e-9).ceil().max(0.0) as u64;
    let mut best: Option<Windows> = None;
    for offset in [0u32, 1] {
        let mut blocks: Vec<(u64, u32)> = (0..12)
            .map(|b| {
                let s = (2 * b + offset) % 24;
                (
                    hour_counts[s as usize] + hour_counts[((s + 1) % 24) as usize],
                    s,
                )
            })
            .collect();
        // Largest first; ties to the earlier start.
        blocks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut starts = Vec::new();
        let mut covered = 0;
        for (c, s) in blocks {
            if covered >= need {
                break;
            }
            starts.push(s);
            covered += c;
        }
        starts.sort();
        let w = Windows {
            starts,
            covered,
            with_hour,
            without_hour,
        };
        let better = match &best {
            None => true,
            Some(b) => {
                w.starts.len() < b.starts.len()
                    || (w.starts.len() == b.starts.len() && w.covered > b.covered)
            }
        };
        if better {
            best = Some(w);
        }
    }
    best.unwrap_or(Windows {
        starts: vec![],
        covered: 0,
        with_hour,
        without_hour,
    })
}

/// Aoristic weights by weekday (0 = Monday) and local hour of day.
pub type WeekWeights = [[f64; 24]; 7];

/// The aoristic weekday × hour weights of the incidents `members` (indices into `incidents`), with the
/// totals saying how many had an exact time, an interval, or no usable hour.
///
/// Panics if an index is out of range, like slice indexing.
pub fn week_weights(
    incidents: &Incidents,
    members: &[usize],
    opts: &AoristicOptions,
) -> (WeekWeights, TimeTotals) {
    let mut t = [[0.0f64; 24]; 7];
    let mut totals = TimeTotals::default();
    for &i in members {
        let u = for_each_piece(incidents, i, opts, |local, w| {
            t[local.weekday().num_days_from_monday() as usize][local.hour() as usize] += w;
        });
        totals.add(u);
    }
    (t, totals)
}

/// Hour-of-day sums of a [`WeekWeights`] table.
pub fn hour_weights(t: &WeekWeights) -> [f64; 24] {
    let mut out = [0.0; 24];
    for row in t {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
    out
}

/// The chosen 2-hour windows of one zone, from aoristic weights.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedWindows {
    /// Start hours of the chosen 2-hour blocks, ascending.
    pub starts: Vec<u32>,
    /// Weight inside the chosen blocks.
    pub covered: f64,
    /// Weight of the incidents with an hour (exact or interval).
    pub with_hour: f64,
    /// Incidents without an hour (no time, date only, interval over the maximum span): excluded.
    pub without_hour: u64,
    /// Incidents whose weight came from a from/to interval.
    pub intervals: u64,
}

impl WeightedWindows {
    /// Share of the weight with an hour inside the windows (`NaN` when none has an hour).
    pub fn share(&self) -> f64 {
        self.covered / self.with_hour
    }

    /// The windows in the count form [`visit_plan`] takes (`covered` and `with_hour` rounded to
    /// whole incidents).
    pub fn to_windows(&self) -> Windows {
        Windows {
            starts: self.starts.clone(),
            covered: self.covered.round() as u64,
            with_hour: self.with_hour.round() as u64,
            without_hour: self.without_hour,
        }
    }

    /// Merged windows as `(start_hour, length_hours)`, as [`Windows::merged`].
    pub fn merged(&self) -> Vec<(u32, u32)> {
        self.to_windows().merged()
    }

    /// Text such as `18-22, 00-02`, as [`Windows::label`].
    pub fn label(&self) -> String {
        self.to_windows().label()
    }
}

/// The smallest set of 2-hour windows holding at least `share` (0 < share ≤ 1) of the weight with an
/// hour, from aoristic hour-of-day weights ([`hour_weights`]) and the totals of [`week_weights`]. The
/// same greedy choice over the two cuts as [`smallest_windows`] (minimal for the same exchange argument;
/// ties: more weight covered, then the even cut).
pub fn smallest_windows_weighted(
    hour_weights: &[f64; 24],
    totals: &TimeTotals,
    share: f64,
) -> WeightedWindows {
    let with_hour: f64 = hour_weights.iter().sum();
    let need = share * with_hour - 1e-9;
    let mut best: Option<(Vec<u32>, f64)> = None;
    for offset in [0u32, 1] {
        let mut blocks: Vec<(f64, u32)> = (0..12)
            .map(|b| {
                let s = (2 * b + offset) % 24;
                (
                    hour_weights[s as usize] + hour_weights[((s + 1) % 24) as usize],
                    s,
                )
            })
            .collect();
        blocks.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut starts = Vec::new();
        let mut covered = 0.0;
        for (c, s) in blocks {
            if covered >= need {
                break;
            }
            starts.push(s);
            covered += c;
        }
        starts.sort();
        let better = match &best {
            None => true,
            Some((bs, bc)) => {
                starts.len() < bs.len() || (starts.len() == bs.len() && covered > *bc + 1e-12)
            }
        };
        if better {
            best = Some((starts, covered));
        }
    }
    let (starts, covered) = best.unwrap_or_default();
    WeightedWindows {
        starts: if with_hour > 0.0 { starts } else { vec![] },
        covered: if with_hour > 0.0 { covered } else { 0.0 },
        with_hour,
        without_hour: totals.unknown,
        intervals: totals.interval,
    }
}

/// One planned visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// Day of the plan, 0-based.
    pub day: u32,
    /// Zone (index into the windows given).
    pub zone: usize,
    /// Start in minutes after midnight of `day` (may exceed 1440 for windows running past midnight).
    pub start_min: u32,
    /// Length in minutes (10-15).
    pub minutes: u32,
}

/// A seeded visit plan for `days` days over the windows of each zone; visits sorted by day and start.
pub fn visit_plan(windows: &[Windows], days: u32, seed: u64) -> Vec<Visit> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    for day in 0..days {
        for (zone, w) in windows.iter().enumerate() {
            for (s, len) in w.merged() {
                let a = s * 60;
                let b = a + len * 60;
                let mut start = a + rng.random_range(0..=60u32);
                loop {
                    let minutes = rng.random_range(10..=15u32);
                    let start_fit = start.min(b - minutes);
                    out.push(Visit {
                        day,
                        zone,
                        start_min: start_fit,
                        minutes,
                    });
                    if start_fit + 120 >= b {
                        break;
                    }
                    start = start_fit + rng.random_range(60..=120u32);
                }
            }
        }
    }
    out.sort_by_key(|v| (v.day, v.start_min, v.zone));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_on_a_constructed_profile() {
        // 10 incidents: 4 at 20h, 2 at 21h, 3 at 14h, 1 at 03h; 2 without an hour.
        let mut h = [0u64; 24];
        h[20] = 4;
        h[21] = 2;
        h[14] = 3;
        h[3] = 1;
        // 60 % of 10 = 6: the even block 20-22 holds exactly 6.
        let w = smallest_windows(&h, 2, 0.6);
        assert_eq!(w.starts, vec![20]);
        assert_eq!((w.covered, w.with_hour, w.without_hour), (6, 10, 2));
        assert_eq!(w.label(), "20-22");
        // 70 % needs 7: two blocks (20-22 and 14-16).
        let w = smallest_windows(&h, 2, 0.7);
        assert_eq!(w.starts, vec![14, 20]);
        assert_eq!(w.label(), "14-16, 20-22");
        // Odd cut wins when incidents straddle an even boundary: 5 at 21h and 5 at 22h.
        let mut h = [0u64; 24];
        h[21] = 5;
        h[22] = 5;
        let w = smallest_windows(&h, 0, 0.6);
        assert_eq!((w.starts.clone(), w.covered), (vec![21], 10));
        // Across midnight: 23h and 00h.
        let mut h = [0u64; 24];
        h[23] = 3;
        h[0] = 3;
        h[1] = 3;
        let w = smallest_windows(&h, 0, 1.0);
        // Both cuts need two blocks holding 9; the even cut (22-24, 00-02) wins the tie.
        assert_eq!(w.starts, vec![0, 22]);
        assert_eq!(w.covered, 9);
        assert_eq!(w.label(), "22-02");
        // Nothing with an hour.
        let w = smallest_windows(&[0; 24], 4, 0.6);
        assert!(w.starts.is_empty() && w.share().is_nan() && w.without_hour == 4);
    }

    #[test]
    fn windows_are_minimal_by_brute_force() {
        use rand::RngExt;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..200 {
            let mut h = [0u64; 24];
            for v in h.iter_mut() {
                *v = if rng.random_range(0..3) == 0 {
                    rng.random_range(0..6)
                } else {
                    0
                };
            }
            let total: u64 = h.iter().sum();
            if total == 0 {
                continue;
            }
            let share = [0.5, 0.6, 0.8][rng.random_range(0..3)];
            let w = smallest_windows(&h, 0, share);
            let need = (share * total as f64 - 1e-9).ceil() as u64;
            assert!(w.covered >= need);
            // Brute force over every subset of the 12 blocks of each cut.
            let mut best = usize::MAX;
            for offset in [0usize, 1] {
                for mask in 0u32..(1 << 12) {
                    let c: u64 = (0..12)
                        .filter(|b| mask & (1 << b) != 0)
                        .map(|b| {
                            let s = (2 * b + offset) % 24;
                            h[s] + h[(s + 1) % 24]
                        })
                        .sum();
                    if c >= need {
                        best = best.min(mask.count_ones() as usize);
                    }
                }
            }
            assert_eq!(w.starts.len(), best, "{h:?} {share}");
        }
    }

    #[test]
    fn weighted_windows_follow_the_intervals() {
        use crate::temporal::tests::scene;
        let opts = AoristicOptions::default();
        // Three exact incidents at 14h on a Tuesday, and four intervals:
        // across midnight (Tue 23:00 - Wed 01:00), across the week boundary (Sun 23:30 - Mon 00:30),
        // across the spring DST change (Sun 2025-03-30 01:00 - 04:00 local: two real hours, 01 and 03),
        // and a 3-day weekend window (Fri 16:00 - Mon 07:00, 63 h).
        let inc = scene(&[
            ("2025-03-11 14:10", ""),
            ("2025-03-11 14:20", ""),
            ("2025-03-11 14:30", ""),
            ("2025-03-11 23:00", "2025-03-12 01:00"),
            ("2025-03-16 23:30", "2025-03-17 00:30"),
            ("2025-03-30 01:00", "2025-03-30 04:00"),
            ("2025-03-14 16:00", "2025-03-17 07:00"),
            ("2025-03-11", ""),
        ]);
        let all: Vec<usize> = (0..inc.len()).collect();
        let (t, tot) = week_weights(&inc, &all, &opts);
        assert_eq!((tot.exact, tot.interval, tot.unknown), (3, 4, 1));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let w63 = 1.0 / 63.0;
        assert!(close(t[1][14], 3.0));
        assert!(close(t[1][23], 0.5) && close(t[2][0], 0.5));
        assert!(close(t[6][23], 0.5 + w63) && close(t[0][0], 0.5 + w63));
        assert!(close(t[6][1], 0.5 + w63) && close(t[6][2], w63) && close(t[6][3], 0.5 + w63));
        let h = hour_weights(&t);
        assert!(close(h.iter().sum::<f64>(), 7.0));
        // Hour 14: 3 exact + 1/63 (Saturday) + 1/63 (Sunday).
        assert!(close(h[14], 3.0 + 2.0 * w63));
        let w = smallest_windows_weighted(&h, &tot, 0.4);
        // 40 % of 7 = 2.8: the block 14-16 holds 3 + 4/63.
        assert_eq!(w.starts, vec![14]);
        assert_eq!((w.without_hour, w.intervals), (1, 4));
        assert!(close(w.covered, 3.0 + 4.0 * w63) && close(w.with_hour, 7.0));
        assert_eq!(w.label(), "14-16");
    }

    #[test]
    fn weighted_windows_equal_count_windows_on_exact_times() {
        use rand::RngExt;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..100 {
            let mut h = [0u64; 24];
            for v in h.iter_mut() {
                *v = rng.random_range(0..4);
            }
            let share = [0.5, 0.6, 0.8][rng.random_range(0..3)];
            let counts = smallest_windows(&h, 2, share);
            let hw: [f64; 24] = std::array::from_fn(|k| h[k] as f64);
            let tot = TimeTotals {
                unknown: 2,
                ..TimeTotals::default()
            };
            let w = smallest_windows_weighted(&hw, &tot, share);
            assert_eq!(w.to_windows(), counts, "{h:?} {share}");
        }
    }

    #[test]
    fn visit_plan_keeps_the_koper_rules_and_varies() {
        let mut h = [0u64; 24];
        h[18] = 5;
        h[19] = 5;
        h[20] = 5;
        h[22] = 5;
        h[23] = 5;
        h[0] = 5;
        let w1 = smallest_windows(&h, 0, 1.0);
        let w2 = smallest_windows(
            &{
                let mut g = [0u64; 24];
                g[15] = 1;
                g[16] = 1;
                g
            },
            0,
            1.0,
        );
        let ws = vec![w1, w2];
        let plan = visit_plan(&ws, 7, 42);
        assert_eq!(plan, visit_plan(&ws, 7, 42), "seeded plan is reproducible");
        for (zone, w) in ws.iter().enumerate() {
            for (s, len) in w.merged() {
                let (a, b) = (s * 60, (s + len) * 60);
                for day in 0..7 {
                    let v: Vec<&Visit> = plan
                        .iter()
                        .filter(|v| {
                            v.day == day && v.zone == zone && v.start_min >= a && v.start_min < b
                        })
                        .collect();
                    assert!(!v.is_empty());
                    assert!(v.iter().all(|v| (10..=15).contains(&v.minutes) && v.start_min + v.minutes <= b));
                    // A visit starts in every 2-hour span of the window.
                    assert!(v[0].start_min <= a + 120);
                    assert!(v.windows(2).all(|p| p[1].start_min - p[0].start_min <= 120));
                    assert!(v[v.len() - 1].start_min + 120 >= b);
                }
            }
        }
        // The times vary from day to day.
        let day0: Vec<u32> = plan
            .iter()
            .filter(|v| v.day == 0)
            .map(|v| v.start_min)
            .collect();
        let day1: Vec<u32> = plan
            .iter()
            .filter(|v| v.day == 1)
            .map(|v| v.start_min)
            .collect();
        assert_ne!(day0, day1);
    }
}
