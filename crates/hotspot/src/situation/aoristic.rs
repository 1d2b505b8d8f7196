//! The situation's weekday × hour table with aoristic weights ([`crate::temporal::WeekHourTable`],
//! Ratcliffe 2002): incidents recorded as "between from and to" spread a weight of 1 over the hours
//! of their interval, exact times put 1 in their hour, intervals longer than the maximum span and
//! times without an hour count as time unknown. The report's weekday × hour chart and its table
//! are drawn from it, and say how many incidents had an interval and how many a time unknown.

use super::{Outcome, Situation, Skip};
use crate::incident::Incidents;
use crate::temporal::{AoristicOptions, WeekHourTable};
use serde_json::{Value, json};

/// The table of the situation's incidents with `opts` (the report passes its `--timezone` and
/// `--max-time-span`; [`crate::situation::situation`] fills it with [`AoristicOptions::default`]).
pub fn week_hour(sit: &Situation, opts: &AoristicOptions) -> Outcome<WeekHourTable> {
    week_hour_of(&sit.incidents, opts)
}

/// [`week_hour`] of the incidents themselves (what [`crate::situation::situation`] runs before the
/// [`Situation`] exists).
pub fn week_hour_of(incidents: &Incidents, opts: &AoristicOptions) -> Outcome<WeekHourTable> {
    if incidents.is_empty() {
        return Outcome::Skipped(Skip::NoIncidents);
    }
    Outcome::from_result(WeekHourTable::compute(incidents, None, opts))
}

impl Situation {
    /// A weight of the weekday × hour table as shown: `None` in public mode when it is positive
    /// but below `min_count` (the same rule as a count).
    pub fn weight_shown(&self, w: f64) -> Option<f64> {
        (!(self.suppress.public && w > 0.0 && w < self.suppress.min as f64)).then_some(w)
    }
}

/// The `week_hour` object of `summary.json`: the method, the totals (exact, interval, unknown;
/// suppressed below `min_count` in public mode) and the weights (public: suppressed `null`).
pub fn week_hour_value(sit: &Situation) -> Option<Value> {
    let t = sit.week_hour.done()?;
    let tot = &t.totals;
    Some(json!({
        "method": "aoristic weights (Ratcliffe & McCullagh 1998; Ratcliffe 2002)",
        "exact": sit.cv(tot.exact),
        "interval": sit.cv(tot.interval),
        "unknown": sit.cv(tot.unknown),
        "no_time": sit.cv(tot.no_time),
        "no_hour": sit.cv(tot.no_hour),
        "too_long": sit.cv(tot.too_long),
        "weekdays": t.weekdays,
        "weights": t.weights.iter().map(|row| row.iter().map(|&w| sit.weight_shown(w)).collect::<Vec<_>>()).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::CategoryTable;
    use crate::ingest::{ReadOptions, read_path};
    use crate::situation::{SituationInput, SituationKeys, SituationParams, situation};

    /// Three incidents: an exact Friday 22:10, a Friday 23:30 - Saturday 01:30 interval (across
    /// midnight: 30 min Fri 23, 60 min Sat 00, 30 min Sat 01), and a 20-day interval (time unknown).
    #[test]
    fn the_table_spreads_intervals_and_counts_the_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("i.csv");
        std::fs::write(
            &p,
            "id,from,to,latitude,longitude,category\n\
             1,2025-03-07T22:10:00,,59.04,15.87,Skadegörelse\n\
             2,2025-03-07T23:30:00,2025-03-08T01:30:00,59.041,15.871,Skadegörelse\n\
             3,2025-03-01T08:00:00,2025-03-21T08:00:00,59.042,15.872,Skadegörelse\n",
        )
        .unwrap();
        let data = read_path(&p, &ReadOptions::default()).unwrap();
        let table = CategoryTable::default_table();
        let params = SituationParams::new(&SituationKeys {
            patrol_zones: Some(1),
            ..Default::default()
        })
        .unwrap();
        let sit = situation(SituationInput::new(&data, &table, &[]), &params).unwrap();
        let t = sit.week_hour.done().unwrap();
        assert_eq!(
            (t.totals.exact, t.totals.interval, t.totals.unknown),
            (1, 1, 1)
        );
        assert_eq!(t.totals.too_long, 1);
        let (fri, sat) = (4, 5);
        assert!((t.weights[fri][22] - 1.0).abs() < 1e-12);
        assert!((t.weights[fri][23] - 0.25).abs() < 1e-12);
        assert!((t.weights[sat][0] - 0.5).abs() < 1e-12);
        assert!((t.weights[sat][1] - 0.25).abs() < 1e-12);
        let total: f64 = t.weights.iter().flatten().sum();
        assert!((total - 2.0).abs() < 1e-12);
        let v = week_hour_value(&sit).unwrap();
        assert_eq!(
            (v["interval"].as_u64(), v["unknown"].as_u64()),
            (Some(1), Some(1))
        );
        // A longer maximum span puts the 20-day interval into hours too.
        let long = week_hour(
            &sit,
            &AoristicOptions {
                max_span_days: 30.0,
                ..Default::default()
            },
        );
        let long = long.done().unwrap();
        assert_eq!((long.totals.interval, long.totals.unknown), (2, 0));
        let total: f64 = long.weights.iter().flatten().sum();
        assert!((total - 3.0).abs() < 1e-9);
    }
}
