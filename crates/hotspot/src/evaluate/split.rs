//! Training and test sets split by period, with interval incidents counted by their share of each period.
//!
//! # The rule
//! An incident recorded as "between from and to" belongs to a period by the share of its interval
//! `[from, to)` that lies inside the period ([`Period::share`]: seconds between local midnight of the
//! first day and local midnight after the last day, in the zone the times were read in, over the
//! interval's length; the aoristic rule of Ratcliffe 2002 applied to days). Exact times have share 1
//! or 0 ([`Period::contains`]), so data without intervals are split exactly as before.
//!
//! - **Test set** (what the maps are judged on): every incident with a share above 0 in the test
//!   period, counted by its share. The test count of a cell is the sum of the shares of its
//!   incidents, and the harm-weighted count the sum of harm × share; `n`, `N`, `n*` of hit rate, PAI
//!   and PEI\* are these sums ([`super::measure_split`]). This is the expected number of incidents
//!   in the cell during the test period when the true time is uniform over the interval.
//! - **Training set** (what the methods are fitted on): every incident with a share above 0 in the
//!   training period. Methods that take weights see harm × share ([`Split::train_by_share`]): `grid`,
//!   `previous` (by the share of the window), `kde` (and its bandwidth selection) and `gistar`. The
//!   RRI's training counts are the sums of shares. DBSCAN and HDBSCAN need whole points (their
//!   `min_points` and `min_cluster_size` count incidents): an interval incident is a training point
//!   when at least half of its interval lies in the training period, share >= 0.5
//!   ([`Split::train_whole`]), with its harm weight; one split between two periods is then a point
//!   in exactly one of them (both at exactly one half).
//!
//! [`PeriodSplit`] builds both sets from one file and two periods.

use super::Split;
use crate::incident::Incidents;
use crate::period::Period;
use chrono_tz::Tz;
use std::borrow::Cow;

/// The share of each training and test incident in its period, and the zone the periods' days are in.
#[derive(Clone, Copy, Debug)]
pub struct Shares<'a> {
    /// Share (0-1] of each training incident in the training period, one per incident of [`Split::train`].
    pub train: &'a [f64],
    /// Share (0-1] of each test incident in the test period, one per incident of [`Split::test`].
    pub test: &'a [f64],
    /// The zone of the local midnights that bound the periods' days.
    pub tz: Tz,
}

impl Split<'_> {
    /// The share of training incident `i` in the training period (1 without [`Split::shares`]).
    pub fn train_share(&self, i: usize) -> f64 {
        self.shares
            .and_then(|s| s.train.get(i).copied())
            .unwrap_or(1.0)
    }

    /// The share of test incident `i` in the test period (1 without [`Split::shares`]).
    pub fn test_share(&self, i: usize) -> f64 {
        self.shares
            .and_then(|s| s.test.get(i).copied())
            .unwrap_or(1.0)
    }

    /// The training incidents with weight harm × share (see the module doc): what methods that take
    /// weights are fitted on. Borrowed when every share is 1.
    pub fn train_by_share(&self) -> Cow<'_, Incidents> {
        match self.shares {
            Some(s) if s.train.iter().any(|&w| w != 1.0) => {
                let w: Vec<f64> = self
                    .train
                    .weights()
                    .iter()
                    .zip(s.train)
                    .map(|(h, s)| h * s)
                    .collect();
                match self.train.clone().with_weights(w) {
                    Ok(inc) => Cow::Owned(inc),
                    // Products of valid weights and shares in [0, 1] are valid; keep the set if not.
                    Err(_) => Cow::Borrowed(self.train),
                }
            }
            _ => Cow::Borrowed(self.train),
        }
    }

    /// The training incidents as whole points: those with a share of at least one half in the
    /// training period, at their harm weight (see the module doc). Borrowed when every share is 1.
    pub fn train_whole(&self) -> Cow<'_, Incidents> {
        match self.shares {
            Some(s) if s.train.iter().any(|&w| w != 1.0) => {
                let keep: Vec<usize> = (0..self.train.len())
                    .filter(|&i| self.train_share(i) >= 0.5)
                    .collect();
                Cow::Owned(self.train.subset(&keep))
            }
            _ => Cow::Borrowed(self.train),
        }
    }
}

/// Training and test sets of one file split by two periods, with the shares of interval incidents.
#[derive(Clone, Debug)]
pub struct PeriodSplit {
    /// Incidents with a share above 0 in the training period.
    pub train: Incidents,
    /// Incidents with a share above 0 in the test period.
    pub test: Incidents,
    /// Share of each training incident in the training period.
    pub train_shares: Vec<f64>,
    /// Share of each test incident in the test period.
    pub test_shares: Vec<f64>,
    /// The training period.
    pub train_period: Period,
    /// The test period.
    pub test_period: Period,
    /// The zone of the periods' local midnights.
    pub tz: Tz,
    /// Number of incidents split by a period's edge: a share strictly between 0 and 1 in the
    /// training or the test period (each incident counted once).
    pub split_intervals: usize,
}

impl PeriodSplit {
    /// Splits `incidents` by `train_period` and `test_period` (days in the local dates of `tz`), each
    /// incident in every period where its share is above 0 (see the module doc). Incidents without a
    /// time are in neither.
    ///
    /// Complexity `O(n)`.
    pub fn new(incidents: &Incidents, train_period: Period, test_period: Period, tz: Tz) -> Self {
        let tr = train_period.shares(incidents, tz);
        let te = test_period.shares(incidents, tz);
        let pick = |sh: &[f64]| {
            let idx: Vec<usize> = (0..sh.len()).filter(|&i| sh[i] > 0.0).collect();
            let kept: Vec<f64> = idx.iter().map(|&i| sh[i]).collect();
            (incidents.subset(&idx), kept)
        };
        let (train, train_shares) = pick(&tr);
        let (test, test_shares) = pick(&te);
        let part = |s: f64| s > 0.0 && s < 1.0;
        let split_intervals = (0..tr.len())
            .filter(|&i| part(tr[i]) || part(te[i]))
            .count();
        Self {
            train,
            test,
            train_shares,
            test_shares,
            train_period,
            test_period,
            tz,
            split_intervals,
        }
    }

    /// The split as the methods see it; [`Split::shares`] is `None` when every share is 1 (no
    /// interval crosses a period's edge), so such data are evaluated exactly as whole incidents.
    pub fn split(&self) -> Split<'_> {
        let fractional = self
            .train_shares
            .iter()
            .chain(&self.test_shares)
            .any(|&s| s != 1.0);
        Split {
            train: &self.train,
            test: &self.test,
            train_period: Some(self.train_period),
            test_period: Some(self.test_period),
            shares: fractional.then_some(Shares {
                train: &self.train_shares,
                test: &self.test_shares,
                tz: self.tz,
            }),
        }
    }

    /// The (aoristic) number of training incidents: the sum of their shares.
    pub fn train_count(&self) -> f64 {
        self.train_shares.iter().sum()
    }

    /// The (aoristic) number of test incidents: the sum of their shares.
    pub fn test_count(&self) -> f64 {
        self.test_shares.iter().sum()
    }
}
