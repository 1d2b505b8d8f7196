//! Out-of-sample scoring of patrol zones: split the incidents into a training span and a held-out span
//! (the last months), choose zones on the training part, and score them on both.
//!
//! # Split ([`split`])
//! The span is the calendar months from the first to the last month holding a dated incident (local
//! dates, [`IncidentTime::year_month`]). The held-out period is its last `holdout` months (default: a
//! quarter of the span, rounded, at least 1); training is every month before. Incidents without a time
//! are in neither part and are counted. Forecasting is judged only on data the forecast did not see
//! (Tashman 2000, "Out-of-sample tests of forecasting accuracy", *Int. J. Forecasting* 16, 437-450);
//! scoring patrol zones on the incidents that chose them flatters them (issue 15: in-sample PAI 96-158).
//!
//! # Scores ([`score`])
//! For zones (polygons in metres) and a set of incidents: the hit rate `n_in / N` (incidents inside at
//! least one zone, each once, over all incidents of the part), the harm share, and the prediction accuracy
//! index `PAI = (n_in / N) / (A_zones / A)` (Chainey, Tompson & Uhlig 2008, *Security Journal* 21, 4-28)
//! with `A_zones` the area of the union of the zones inside the study area. Both parts are scored with the
//! same zones, so the in-sample and held-out figures compare like with like.

use crate::error::{Error, Result};
use crate::study_area::StudyArea;
use crate::time::IncidentTime;
use geo::{Area, BooleanOps, BoundingRect, MultiPolygon, Polygon};
use serde::Serialize;

/// A calendar month `(year, month)`, as `YYYY-MM` in output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month 1-12.
    pub month: u32,
}

impl YearMonth {
    /// The month before (the last training month when `self` is the first held-out one).
    pub fn previous(self) -> Self {
        Self::from_index(self.index() - 1)
    }

    fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }
    fn from_index(i: i64) -> Self {
        Self {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The training / held-out split of [`split`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutSplit {
    /// First month of the span (earliest dated incident).
    pub first_month: YearMonth,
    /// First held-out month.
    pub holdout_from: YearMonth,
    /// Last month of the span (latest dated incident).
    pub last_month: YearMonth,
    /// Months in the span.
    pub span_months: u32,
    /// Held-out months (the last ones of the span).
    pub holdout_months: u32,
    /// Whether `holdout_months` is the default (a quarter of the span).
    pub holdout_is_default: bool,
    /// Indices of the training incidents (months before `holdout_from`), ascending.
    #[serde(skip)]
    pub train: Vec<usize>,
    /// Indices of the held-out incidents, ascending.
    #[serde(skip)]
    pub test: Vec<usize>,
    /// Number of training incidents.
    pub train_incidents: usize,
    /// Number of held-out incidents.
    pub test_incidents: usize,
    /// Incidents without a time (in neither part).
    pub undated: usize,
}

/// The default held-out length: a quarter of the span, rounded half up, at least 1 month.
pub fn default_holdout_months(span_months: u32) -> u32 {
    (span_months.saturating_add(2) / 4).max(1)
}

/// Splits incidents by time: training = all but the last `holdout_months` months of the span, held out =
/// those months (`None` = [`default_holdout_months`]). See the module documentation.
///
/// # Errors
/// [`Error::InsufficientData`] when no incident has a time or the span is a single month;
/// [`Error::InvalidParameter`] naming `holdout` when it is 0 or leaves no training month.
pub fn split(times: &[Option<IncidentTime>], holdout_months: Option<u32>) -> Result<HoldoutSplit> {
    let months: Vec<Option<i64>> = times
        .iter()
        .map(|t| {
            t.as_ref().map(|t| {
                let (year, month) = t.year_month();
                YearMonth { year, month }.index()
            })
        })
        .collect();
    let (Some(lo), Some(hi)) = (
        months.iter().flatten().min().copied(),
        months.iter().flatten().max().copied(),
    ) else {
        return Err(Error::InsufficientData(
            "no incident has a time: an out-of-sample check needs dated incidents".into(),
        ));
    };
    let span = (hi - lo + 1) as u32;
    if span < 2 {
        return Err(Error::InsufficientData(format!(
            "the incidents span one month ({}): an out-of-sample check needs at least two",
            YearMonth::from_index(lo)
        )));
    }
    let h = holdout_months.unwrap_or_else(|| default_holdout_months(span));
    if h == 0 || h >= span {
        return Err(Error::invalid(
            "holdout",
            h,
            format!(
                "hold out between 1 and {} months (the span is {span} months, and training needs at least one)",
                span - 1
            ),
        ));
    }
    let cut = hi - h as i64 + 1;
    let mut train = Vec::new();
    let mut test = Vec::new();
    let mut undated = 0;
    for (i, m) in months.iter().enumerate() {
        match m {
            Some(m) if *m < cut => train.push(i),
            Some(_) => test.push(i),
            None => undated += 1,
        }
    }
    Ok(HoldoutSplit {
        first_month: YearMonth::from_index(lo),
        holdout_from: YearMonth::from_index(cut),
        last_month: YearMonth::from_index(hi),
        span_months: span,
        holdout_months: h,
        holdout_is_default: holdout_months.is_none(),
        train_incidents: train.len(),
        test_incidents: test.len(),
        train,
        test,
        undated,
    })
}

/// Hit rate, harm share and PAI of a set of zones on one set of incidents.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PartScore {
    /// Incidents of the part (inside the study area).
    pub incidents: usize,
    /// Of them inside at least one zone (each once).
    pub in_zones: usize,
    /// `in_zones / incidents` (`NaN` without incidents).
    pub hit_rate: f64,
    /// Share of the part's harm inside the zones (`NaN` without harm).
    pub harm_share: f64,
    /// `hit_rate / area_share` (Chainey et al. 2008).
    pub pai: f64,
}

/// In-sample and held-out scores of the same zones ([`score`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutScore {
    /// Area of the union of the zones inside the study area over the study area.
    pub area_share: f64,
    /// The zones scored on the incidents they were chosen on (all zones together).
    pub in_sample: PartScore,
    /// The same zones scored on the held-out incidents.
    pub held_out: PartScore,
    /// Per zone (in the input order): held-out score of that zone alone (its own area share).
    pub per_zone_held_out: Vec<PartScore>,
    /// Per zone: in-sample score of that zone alone.
    pub per_zone_in_sample: Vec<PartScore>,
}

struct ZoneTest {
    bbox: [f64; 4],
    parts: crate::study_area::PartBoxes,
    geom: MultiPolygon<f64>,
}

impl ZoneTest {
    fn new(geom: &MultiPolygon<f64>) -> Self {
        let bbox = geom
            .bounding_rect()
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .unwrap_or([f64::NAN; 4]);
        Self {
            bbox,
            parts: crate::study_area::PartBoxes::of(geom),
            geom: geom.clone(),
        }
    }
    fn contains(&self, x: f64, y: f64) -> bool {
        let [a, b, c, d] = self.bbox;
        x >= a && x <= c && y >= b && y <= d && self.parts.contains(&self.geom, x, y)
    }
}

fn part(any: &[bool], idx: &[usize], harm: &[f64], area_share: f64) -> PartScore {
    let n = idx.len();
    let k = idx.iter().filter(|&&i| any[i]).count();
    let h_all: f64 = idx.iter().map(|&i| harm[i]).sum();
    let h_in: f64 = idx.iter().filter(|&&i| any[i]).map(|&i| harm[i]).sum();
    let hit = k as f64 / n as f64;
    PartScore {
        incidents: n,
        in_zones: k,
        hit_rate: hit,
        harm_share: if h_all > 0.0 { h_in / h_all } else { f64::NAN },
        pai: hit / area_share,
    }
}

/// Scores `zones` (polygons in metres, e.g. [`super::ZoneStats::geometry`]) on the training and held-out
/// incidents of `split`: positions `x`, `y`, harm weights `harm` (use the patrollable weights of
/// [`super::PatrollableFilter::weights`] to score patrollable harm), incidents outside `study` ignored.
/// Boundary points count as inside.
///
/// # Errors
/// [`Error::InvalidParameter`] when `x`, `y`, `harm` differ in length or `split` indexes beyond them;
/// [`Error::InsufficientData`] when `zones` is empty or covers no part of the study area.
pub fn score(
    zones: &[MultiPolygon<f64>],
    x: &[f64],
    y: &[f64],
    harm: &[f64],
    split: &HoldoutSplit,
    study: &StudyArea,
) -> Result<HoldoutScore> {
    if x.len() != y.len() || x.len() != harm.len() {
        return Err(Error::invalid(
            "harm",
            format!("{} / {} / {}", x.len(), y.len(), harm.len()),
            "x, y and harm need one value per incident",
        ));
    }
    if split.train.iter().chain(&split.test).any(|&i| i >= x.len()) {
        return Err(Error::invalid(
            "split",
            x.len(),
            "the split indexes incidents beyond the given positions: split and score the same incidents",
        ));
    }
    let polys: Vec<Polygon<f64>> = zones.iter().flat_map(|m| m.0.iter().cloned()).collect();
    if polys.is_empty() {
        return Err(Error::InsufficientData("no zone to score".into()));
    }
    let a = study.area_m2();
    let union = geo::unary_union(&polys).intersection(study.polygons());
    let area_share = union.unsigned_area() / a;
    if !(area_share > 0.0) {
        return Err(Error::InsufficientData(
            "the zones cover no part of the study area".into(),
        ));
    }
    let tests: Vec<ZoneTest> = zones.iter().map(ZoneTest::new).collect();
    let in_study: Vec<bool> = (0..x.len()).map(|i| study.contains(x[i], y[i])).collect();
    let inside: Vec<Vec<bool>> = tests
        .iter()
        .map(|t| {
            (0..x.len())
                .map(|i| in_study[i] && t.contains(x[i], y[i]))
                .collect()
        })
        .collect();
    let any: Vec<bool> = (0..x.len()).map(|i| inside.iter().any(|z| z[i])).collect();
    let train: Vec<usize> = split
        .train
        .iter()
        .copied()
        .filter(|&i| in_study[i])
        .collect();
    let test: Vec<usize> = split
        .test
        .iter()
        .copied()
        .filter(|&i| in_study[i])
        .collect();
    let mut per_in = Vec::with_capacity(zones.len());
    let mut per_out = Vec::with_capacity(zones.len());
    for (z, g) in zones.iter().enumerate() {
        let share = g.intersection(study.polygons()).unsigned_area() / a;
        per_in.push(part(&inside[z], &train, harm, share));
        per_out.push(part(&inside[z], &test, harm, share));
    }
    Ok(HoldoutScore {
        area_share,
        in_sample: part(&any, &train, harm, area_share),
        held_out: part(&any, &test, harm, area_share),
        per_zone_held_out: per_out,
        per_zone_in_sample: per_in,
    })
}

/// Whether and how [`super::plan()`] scores its zones out of sample (`--holdout`, report key `holdout`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HoldoutChoice {
    /// Not scored.
    Off,
    /// The last quarter of the span ([`default_holdout_months`]).
    #[default]
    Default,
    /// The last `n` months (n ≥ 1).
    Months(u32),
}

impl HoldoutChoice {
    /// From the flag or key: `None` = the default quarter, `Some(0)` = off, `Some(n)` = the last n
    /// months.
    pub fn from_months(months: Option<u32>) -> Self {
        match months {
            None => HoldoutChoice::Default,
            Some(0) => HoldoutChoice::Off,
            Some(n) => HoldoutChoice::Months(n),
        }
    }

    fn months(self) -> Option<u32> {
        match self {
            HoldoutChoice::Months(n) => Some(n),
            _ => None,
        }
    }
}

/// A zone chosen on the training months only, with its scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainedZone {
    /// Rank in the training plan (1 = chosen first).
    pub rank: usize,
    /// Centre in metres.
    pub centre: [f64; 2],
    /// Zone shape in metres.
    #[serde(skip)]
    pub geometry: MultiPolygon<f64>,
    /// This zone alone on the training incidents.
    pub in_sample: PartScore,
    /// This zone alone on the held-out incidents.
    pub held_out: PartScore,
}

/// The out-of-sample check of a patrol plan ([`super::plan()`]).
///
/// The zones are chosen by the same pipeline on the training months only ([`split`]), then scored on
/// those months (in sample) and on the held-out months ([`score`]): hit rate and PAI after Chainey,
/// Tompson & Uhlig (2008). The recommended zones of the plan are then chosen again on all months
/// (`refitted`); `refit_match` says which training zone lies at each recommended zone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutResult {
    /// The split of the months.
    pub split: HoldoutSplit,
    /// Which incidents are scored: `patrollable` (those the zones weigh) or `all` (`--include-all`).
    pub scored: &'static str,
    /// All training zones together, in sample and held out.
    pub score: HoldoutScore,
    /// The zones chosen on the training months.
    pub training_zones: Vec<TrainedZone>,
    /// Always true: the recommended zones were chosen again on every month after the check.
    pub refitted: bool,
    /// Per recommended zone (plan order): the training zone whose centre lies within the zone radius
    /// of its centre (the nearest; index into `training_zones`), `None` when the place is new.
    pub refit_match: Vec<Option<usize>>,
}

impl HoldoutResult {
    /// Held-out hit rate and PAI of the training zone at recommended zone `k` (0-based), if any.
    pub fn zone_held_out(&self, k: usize) -> Option<&PartScore> {
        let t = (*self.refit_match.get(k)?)?;
        self.training_zones.get(t).map(|z| &z.held_out)
    }
}

/// Whether a plan was scored out of sample, and if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum HoldoutOutcome {
    /// Not asked (`--holdout 0`).
    Off,
    /// Asked but not possible: no dated incidents, a span of one month, or no patrollable incident
    /// in the training months. `reason` says which.
    NotScored {
        /// Why, in English.
        reason: String,
    },
    /// Scored.
    Scored(Box<HoldoutResult>),
}

impl HoldoutOutcome {
    /// The result when scored.
    pub fn scored(&self) -> Option<&HoldoutResult> {
        match self {
            HoldoutOutcome::Scored(r) => Some(r),
            _ => None,
        }
    }
}

/// The split for a choice, or why there is none: `Ok(None)` when off, `Err(reason)` when the data
/// cannot be split (no dated incident, one month).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `holdout` when the months asked leave no training month.
pub fn split_for(
    times: &[Option<IncidentTime>],
    choice: HoldoutChoice,
) -> Result<Option<std::result::Result<HoldoutSplit, String>>> {
    if choice == HoldoutChoice::Off {
        return Ok(None);
    }
    match split(times, choice.months()) {
        Ok(s) => Ok(Some(Ok(s))),
        Err(Error::InsufficientData(r)) => Ok(Some(Err(r))),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TimeResolution;
    use chrono::{FixedOffset, TimeZone};
    use geo::polygon;

    fn t(y: i32, m: u32) -> Option<IncidentTime> {
        let off = FixedOffset::east_opt(3600).unwrap();
        Some(IncidentTime::new(
            off.with_ymd_and_hms(y, m, 15, 12, 0, 0).unwrap(),
            TimeResolution::Minute,
        ))
    }

    #[test]
    fn split_takes_the_last_quarter_by_default() {
        // 2025-01 .. 2025-12: 12 months, default hold-out 3 (Oct-Dec).
        let times = vec![
            t(2025, 1),
            t(2025, 9),
            t(2025, 10),
            None,
            t(2025, 12),
            t(2025, 5),
        ];
        let s = split(&times, None).unwrap();
        assert_eq!(s.span_months, 12);
        assert_eq!(s.holdout_months, 3);
        assert_eq!(s.holdout_from.to_string(), "2025-10");
        assert_eq!(s.holdout_from.previous().to_string(), "2025-09");
        assert_eq!(
            YearMonth {
                year: 2025,
                month: 1
            }
            .previous()
            .to_string(),
            "2024-12"
        );
        assert_eq!(s.train, vec![0, 1, 5]);
        assert_eq!(s.test, vec![2, 4]);
        assert_eq!(s.undated, 1);
        // Across a year boundary, explicit 2 months: 2024-11 .. 2025-02 -> held out 2025-01, 2025-02.
        let times = vec![t(2025, 2), t(2024, 11), t(2024, 12), t(2025, 1)];
        let s = split(&times, Some(2)).unwrap();
        assert_eq!(
            (s.span_months, s.holdout_from.to_string()),
            (4, "2025-01".into())
        );
        assert_eq!((s.train.clone(), s.test.clone()), (vec![1, 2], vec![0, 3]));
        assert_eq!(
            [1, 2, 3, 4, 5, 6, 7, 8, 24].map(default_holdout_months),
            [1, 1, 1, 1, 1, 2, 2, 2, 6]
        );
        assert!(split(&times, Some(4)).is_err());
        assert!(split(&times, Some(0)).is_err());
        assert!(split(&[t(2025, 3), None], None).is_err());
        assert!(split(&[None], None).is_err());
    }

    #[test]
    fn score_counts_hits_once_and_computes_pai_by_hand() {
        // Study area 100 x 100 m; zones: squares [0,10]^2 and [5,15]x[0,10] (overlap 5x10).
        let study = StudyArea::new(MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
        ]))
        .unwrap();
        let sq = |x0: f64, x1: f64| {
            MultiPolygon::new(vec![
                polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 10.0), (x: x0, y: 10.0)],
            ])
        };
        let zones = vec![sq(0.0, 10.0), sq(5.0, 15.0)];
        // Incidents: 0 in both zones, 1 in zone 0 only, 2 in zone 1 only, 3 outside, 4 outside the study.
        let x = [7.0, 2.0, 14.0, 50.0, 500.0, 7.0, 60.0];
        let y = [5.0, 5.0, 5.0, 50.0, 5.0, 5.0, 60.0];
        let harm = [1.0, 2.0, 3.0, 4.0, 9.0, 5.0, 5.0];
        let sp = HoldoutSplit {
            first_month: YearMonth {
                year: 2025,
                month: 1,
            },
            holdout_from: YearMonth {
                year: 2025,
                month: 2,
            },
            last_month: YearMonth {
                year: 2025,
                month: 2,
            },
            span_months: 2,
            holdout_months: 1,
            holdout_is_default: false,
            train: vec![0, 1, 2, 3, 4],
            test: vec![5, 6],
            train_incidents: 5,
            test_incidents: 2,
            undated: 0,
        };
        let s = score(&zones, &x, &y, &harm, &sp, &study).unwrap();
        // Union 15 x 10 = 150 m² of 10000.
        assert!((s.area_share - 0.015).abs() < 1e-12);
        // Training inside the study area: 4 incidents, 3 in zones; harm 6 of 10.
        assert_eq!((s.in_sample.incidents, s.in_sample.in_zones), (4, 3));
        assert!((s.in_sample.hit_rate - 0.75).abs() < 1e-12);
        assert!((s.in_sample.harm_share - 0.6).abs() < 1e-12);
        assert!((s.in_sample.pai - 0.75 / 0.015).abs() < 1e-9);
        assert_eq!((s.held_out.incidents, s.held_out.in_zones), (2, 1));
        assert!((s.held_out.pai - 0.5 / 0.015).abs() < 1e-9);
        // Zone 1 alone: 100 m², training hits 0 and 2.
        assert_eq!(s.per_zone_in_sample[1].in_zones, 2);
        assert!((s.per_zone_in_sample[1].pai - 0.5 / 0.01).abs() < 1e-9);
        assert!(score(&[], &x, &y, &harm, &sp, &study).is_err());
        assert!(score(&zones, &x[..3], &y[..3], &harm[..3], &sp, &study).is_err());
    }
}
