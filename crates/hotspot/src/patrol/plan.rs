//! One patrol plan from incidents: the whole pipeline behind `hotspot patrol` and the report's patrol
//! section, so that both choose the same zones for the same data and parameters.
//!
//! [`plan`] filters the incidents by problem area and period, forces a zone on the top school when asked,
//! builds the candidate centres (or cell zones), solves the covering greedily (and exactly within a work
//! budget when asked), computes each zone's statistics, its patrol windows and weekday × hour table, its
//! categories and nearest school, a seeded visit plan and a closed route. Nothing is written; callers
//! (the CLI, the report, a planner's program) render or write the [`PatrolPlan`].

use super::{
    Candidate, CandidateSource, CandidateSources, CellZoneParams, CellZones, CoverProblem,
    PatrolParams, PatrollableFilter, PatrollableSummary, Visit, WeekTable, Windows, candidate_set,
    plan_route, visit_plan, week_table, zone_stats,
};
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::ingest::layers::{self, PeriodSelection};
use crate::patrol::holdout::{
    HoldoutChoice, HoldoutOutcome, HoldoutResult, TrainedZone, score, split_for,
};
use crate::patrol::profile::{WeekProfile, test_zones};
use crate::patrol::when::{WeekWeights, hour_weights, smallest_windows_weighted, week_weights};
use crate::schools::{ProblemAreas, School, ZoneParams};
use crate::study_area::StudyArea;
use crate::temporal::{AoristicOptions, TimeTotals};
use chrono::NaiveDate;
use geo::MultiPolygon;
use serde::Serialize;

/// Work budget of the exact solver (incident look-ups; about 1e8 per second in a release build).
pub const EXACT_WORK: u64 = 50_000_000;

/// Default share of a zone's incidents (with an hour) the 2-hour windows must hold.
pub const DEFAULT_WINDOW_SHARE: f64 = 0.6;
/// Default number of days in the visit plan.
pub const DEFAULT_PLAN_DAYS: u32 = 7;
/// Default seed of the visit plan.
pub const DEFAULT_SEED: u64 = 1;
/// Default radius of the school zones that rank schools for the forced zone, metres.
pub const DEFAULT_SCHOOL_RADIUS_M: f64 = 300.0;
/// Default level of the weekday and hour tests of the zones.
pub const DEFAULT_PROFILE_ALPHA: f64 = 0.05;

/// Shape of the patrol zones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlanShape {
    /// Circles of the plan's radius.
    Circle,
    /// Connected clusters of grid cells (see [`CellZones`]).
    Cells(CellZoneParams),
}

/// Checked parameters of [`plan`]. Build with [`PlanParams::new`], then set the optional parts.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanParams {
    zones: PatrolParams,
    shape: PlanShape,
    sources: Option<CandidateSources>,
    window_share: f64,
    plan_days: u32,
    seed: u64,
    force_top_school: bool,
    school_radius_m: f64,
    start: Option<[f64; 2]>,
    exact: bool,
    areas: Vec<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    aoristic: AoristicOptions,
    include_all: bool,
    holdout: HoldoutChoice,
    profile_alpha: f64,
}

impl PlanParams {
    /// `zones` circles of `radius_m` metres overlapping by at most `max_overlap` (see [`PatrolParams`]),
    /// with the defaults of `hotspot patrol`: circles, candidates peaks + clusters + grid (+ schools when
    /// schools are given), window share 0.6, a 7-day visit plan with seed 1, no forced school, the route
    /// from zone 1, no exact solve, every problem area, the whole period.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `zones`, `radius_m` or `max_overlap`.
    pub fn new(zones: usize, radius_m: f64, max_overlap: f64) -> Result<Self> {
        Ok(Self {
            zones: PatrolParams::new(zones, radius_m, max_overlap)?,
            shape: PlanShape::Circle,
            sources: None,
            window_share: DEFAULT_WINDOW_SHARE,
            plan_days: DEFAULT_PLAN_DAYS,
            seed: DEFAULT_SEED,
            force_top_school: false,
            school_radius_m: DEFAULT_SCHOOL_RADIUS_M,
            start: None,
            exact: false,
            areas: Vec::new(),
            from: None,
            to: None,
            aoristic: AoristicOptions::default(),
            include_all: false,
            holdout: HoldoutChoice::Default,
            profile_alpha: DEFAULT_PROFILE_ALPHA,
        })
    }

    /// Weigh every incident, also those whose category is not patrollable (fraud, online and phone
    /// offences; `--include-all`). By default only patrollable incidents draw zones (see
    /// [`PatrollableFilter`]).
    pub fn include_all(mut self, include_all: bool) -> Self {
        self.include_all = include_all;
        self
    }

    /// Whether every incident is weighed (see [`PlanParams::include_all`]).
    pub fn includes_all(&self) -> bool {
        self.include_all
    }

    /// Zone shape (default circles).
    pub fn shape(mut self, shape: PlanShape) -> Self {
        self.shape = shape;
        self
    }

    /// Candidate sources (default peaks, clusters, grid, plus schools when schools are given).
    pub fn sources(mut self, sources: CandidateSources) -> Self {
        self.sources = Some(sources);
        self
    }

    /// Share of a zone's incidents with an hour the 2-hour windows must hold, in (0, 1].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `window_share`.
    pub fn window_share(mut self, share: f64) -> Result<Self> {
        if !(share > 0.0 && share <= 1.0) {
            return Err(Error::invalid(
                "window_share",
                share,
                "share of incidents between 0 (exclusive) and 1",
            ));
        }
        self.window_share = share;
        Ok(self)
    }

    /// Days in the visit plan (0..=366) and its seed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `plan_days`.
    pub fn visits(mut self, days: u32, seed: u64) -> Result<Self> {
        if days > 366 {
            return Err(Error::invalid("plan_days", days, "at most 366 days"));
        }
        self.plan_days = days;
        self.seed = seed;
        Ok(self)
    }

    /// Force a zone on the school ranked first by harm-weighted excess in school zones of
    /// `school_radius_m` (needs schools).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `school_radius` when the radius is not positive and finite.
    pub fn force_top_school(mut self, school_radius_m: f64) -> Result<Self> {
        if !(school_radius_m.is_finite() && school_radius_m > 0.0) {
            return Err(Error::invalid(
                "school_radius",
                school_radius_m,
                "a school zone radius in metres above 0",
            ));
        }
        self.force_top_school = true;
        self.school_radius_m = school_radius_m;
        Ok(self)
    }

    /// Start and end of the route in metres (e.g. the police station); without one the route starts at
    /// zone 1.
    pub fn start(mut self, start: Option<[f64; 2]>) -> Self {
        self.start = start;
        self
    }

    /// Also solve exactly within [`EXACT_WORK`] incident look-ups.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// Keep only these problem areas (ids as in [`ProblemAreas::names`]); empty = all.
    pub fn areas(mut self, areas: Vec<String>) -> Self {
        self.areas = areas;
        self
    }

    /// Keep only incidents dated in `[from, to]` (inclusive); incidents without a date are then left out
    /// and counted.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `from` when the period starts after it ends.
    pub fn period(mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Self> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(Error::invalid(
                "from",
                f,
                format!("the period starts after it ends (--to {t})"),
            ));
        }
        self.from = from;
        self.to = to;
        Ok(self)
    }

    /// How from/to intervals are spread over the hours of the week for the patrol windows (time zone,
    /// maximum span; default [`AoristicOptions::default`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `max_time_span` (see [`AoristicOptions::validate`]).
    pub fn aoristic(mut self, opts: AoristicOptions) -> Result<Self> {
        opts.validate()?;
        self.aoristic = opts;
        Ok(self)
    }

    /// The out-of-sample check (default: the last quarter of the span; see [`super::holdout`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `holdout` for more than 120 months.
    pub fn holdout(mut self, choice: HoldoutChoice) -> Result<Self> {
        if let HoldoutChoice::Months(n) = choice
            && n > 120
        {
            return Err(Error::invalid(
                "holdout",
                n,
                "hold out at most 120 months (0 = no out-of-sample check)",
            ));
        }
        self.holdout = choice;
        Ok(self)
    }

    /// The out-of-sample choice.
    pub fn holdout_choice(&self) -> HoldoutChoice {
        self.holdout
    }

    /// Level of the weekday and hour tests ([`super::profile::test_zones`], Holm-corrected over the
    /// plan), default 0.05.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `profile_alpha` outside (0, 1).
    pub fn profile_alpha(mut self, alpha: f64) -> Result<Self> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(Error::invalid(
                "profile_alpha",
                alpha,
                "a significance level strictly between 0 and 1 (e.g. 0.05)",
            ));
        }
        self.profile_alpha = alpha;
        Ok(self)
    }

    /// The aoristic options of the patrol windows.
    pub fn aoristic_options(&self) -> &AoristicOptions {
        &self.aoristic
    }

    /// The zone-choice parameters.
    pub fn zones(&self) -> &PatrolParams {
        &self.zones
    }

    /// The zone shape.
    pub fn zone_shape(&self) -> &PlanShape {
        &self.shape
    }

    /// The window share.
    pub fn share(&self) -> f64 {
        self.window_share
    }

    /// Days of the visit plan.
    pub fn plan_days(&self) -> u32 {
        self.plan_days
    }

    /// Seed of the visit plan.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The problem areas kept (empty = all).
    pub fn area_filter(&self) -> &[String] {
        &self.areas
    }

    /// The period `(from, to)`.
    pub fn period_bounds(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (self.from, self.to)
    }
}

/// What [`plan`] works on. Positions are in metres (the incidents' projection).
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The incidents.
    pub incidents: &'a Incidents,
    /// Their problem areas and harm weights.
    pub areas: &'a ProblemAreas,
    /// Schools (nearest school per zone, the schools candidate source, the forced zone).
    pub schools: &'a [School],
    /// Study area; `None` = the box around the incidents and schools padded by the radius.
    pub study: Option<&'a StudyArea>,
    /// Extra candidate centres, always added (source `file`).
    pub candidates: &'a [[f64; 2]],
    /// Whether each incident's category is patrollable
    /// ([`crate::categories::Classification::patrollable`]); `None` = every incident is (e.g. raw
    /// categories without a category table).
    pub patrollable: Option<&'a [bool]>,
}

/// One chosen patrol zone.
#[derive(Clone, Debug, Serialize)]
pub struct PlanZone {
    /// 1 = chosen first.
    pub rank: usize,
    /// Centre in metres.
    pub centre: [f64; 2],
    /// Incidents inside (indices into [`PatrolPlan::incidents`]).
    #[serde(skip)]
    pub members: Vec<usize>,
    /// Number of incidents inside.
    pub incidents: usize,
    /// Their harm.
    pub harm: f64,
    /// Share of the incidents analysed.
    pub share_incidents: f64,
    /// Share of the study area.
    pub share_area: f64,
    /// Prediction accuracy index.
    pub pai: f64,
    /// Harm added when chosen.
    pub marginal_harm: f64,
    /// Zone shape in metres.
    #[serde(skip)]
    pub geometry: MultiPolygon<f64>,
    /// Zone area inside the study area, m².
    pub area_m2: f64,
    /// Grid cells (0 for a circle).
    pub cells: usize,
    /// Where the centre came from.
    #[serde(serialize_with = "source_str")]
    pub source: CandidateSource,
    /// The smallest set of 2-hour windows holding the window share of the aoristic weight with an hour
    /// (counts rounded to whole incidents, see [`crate::patrol::when::WeightedWindows::to_windows`]).
    #[serde(serialize_with = "windows_label")]
    pub windows: Windows,
    /// Share of the zone's aoristic weight with an hour inside the windows (`NaN` when none has an
    /// hour); with exact times only, the share of incidents.
    pub window_share: f64,
    /// Incidents inside whose hours came from a from/to interval (aoristic weights).
    pub with_interval: u64,
    /// Weekday (Monday = 0) × hour counts by each incident's recorded hour ([`week_table`]).
    pub week: WeekTable,
    /// Weekday (Monday = 0) × hour aoristic weights: exact times add 1 to their hour, intervals spread 1
    /// over theirs (Ratcliffe 2002).
    #[serde(skip)]
    pub week_weights: WeekWeights,
    /// The weekdays to name for patrol (Monday = 0), strongest first: those the weekday test finds in
    /// excess over the area's profile (up to 3; [`PlanZone::profile`]), **empty when the zone's days do
    /// not differ from the area's ("every day")**.
    pub top_days: Vec<usize>,
    /// The weekdays with most (aoristic) weight, most first, up to 3, whether or not they differ from
    /// the area's (shown beside the counts).
    pub busiest_days: Vec<usize>,
    /// The weekday and hour tests of the zone's patrollable incidents against those outside every zone
    /// (Holm-corrected over the plan; [`super::profile::test_zones`]).
    pub profile: WeekProfile,
    /// Problem areas inside with their counts, most first (ties by name).
    pub categories: Vec<(String, usize)>,
    /// Nearest school and its distance in metres.
    pub nearest_school: Option<(String, f64)>,
}

fn source_str<S: serde::Serializer>(
    s: &CandidateSource,
    ser: S,
) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

fn windows_label<S: serde::Serializer>(
    w: &Windows,
    ser: S,
) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(&w.label())
}

/// The closed route through the zones.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRoute {
    /// Start and end in metres (the given start, or zone 1's centre).
    pub start: [f64; 2],
    /// True when the route starts at the given start point, false when at zone 1.
    pub from_start_point: bool,
    /// Zones in visiting order (indices into [`PatrolPlan::zones`]; with the start at zone 1 it comes first).
    pub order: Vec<usize>,
    /// Length of the closed route, metres.
    pub length_m: f64,
    /// Length of the nearest-neighbour tour before 2-opt, metres.
    pub nearest_neighbour_m: f64,
}

/// The patrol plan: zones, when and in which order to visit them.
#[derive(Clone, Debug, Serialize)]
pub struct PatrolPlan {
    /// Incidents analysed (after the area and period filter).
    #[serde(skip)]
    pub incidents: Incidents,
    /// Their problem areas.
    #[serde(skip)]
    pub areas: ProblemAreas,
    /// Number of incidents analysed.
    pub analysed: usize,
    /// Incidents without a date left out by the period filter.
    pub without_date: usize,
    /// Incidents analysed whose patrol-window weights came from a from/to interval (aoristic).
    pub with_interval: u64,
    /// How the times of the incidents analysed were used for the windows (exact, interval, unknown).
    pub time_totals: TimeTotals,
    /// The study area used.
    #[serde(skip)]
    pub study: StudyArea,
    /// True when no study area was given and the padded box was used.
    pub study_area_is_box: bool,
    /// Zones in rank order.
    pub zones: Vec<PlanZone>,
    /// Candidates per source, in order of first appearance.
    pub candidates: Vec<(String, usize)>,
    /// Harm covered (each incident once).
    pub covered_harm: f64,
    /// Incidents covered (each once).
    pub covered_incidents: usize,
    /// Total harm the zones weigh: that of the incidents analysed, without the non-patrollable ones
    /// unless every incident is included.
    pub total_harm: f64,
    /// True when every incident was weighed (`--include-all`), false when only patrollable ones.
    pub include_all: bool,
    /// What the patrollable filter left out of the zone choice (the incidents stay in every count and in
    /// the zones' category lists).
    pub patrollable: PatrollableSummary,
    /// Exact optimum's harm: `None` when not asked, `Some(None)` when not proven within the budget.
    pub exact_harm: Option<Option<f64>>,
    /// The seeded visit plan.
    #[serde(skip)]
    pub visits: Vec<Visit>,
    /// The route.
    pub route: Option<PlanRoute>,
    /// The out-of-sample check: zones chosen on the training months and scored on the held-out ones;
    /// the zones above are those chosen again on every month.
    pub holdout: HoldoutOutcome,
}

impl PatrolPlan {
    /// Harm covered over all harm (0 when there is none).
    pub fn covered_share(&self) -> f64 {
        if self.total_harm > 0.0 {
            self.covered_harm / self.total_harm
        } else {
            0.0
        }
    }

    /// Incidents covered (each once) over the incidents analysed (0 when none were analysed).
    pub fn covered_incident_share(&self) -> f64 {
        if self.analysed > 0 {
            self.covered_incidents as f64 / self.analysed as f64
        } else {
            0.0
        }
    }

    /// Share of the study area inside the zones: the sum of the zones' `share_area` (zones
    /// overlap by at most the plan's overlap limit, so this counts an overlap twice).
    pub fn zone_area_share(&self) -> f64 {
        self.zones.iter().map(|z| z.share_area).sum()
    }
}

/// Plans patrol zones (see the module docs).
///
/// # Errors
/// Invalid parameters for the data (unknown area ids, the schools source or forced school without
/// schools, the forced school off the cell grid), no incidents left after the filter, and the errors of
/// the candidate and covering steps.
pub fn plan(input: PlanInput<'_>, params: &PlanParams) -> Result<PatrolPlan> {
    let (mut p, flags) = plan_once(input, params)?;
    p.holdout = out_of_sample(&p, &flags, input, params)?;
    Ok(p)
}

/// Held-out months' scores of the plan's pipeline (see [`super::holdout`]): the zones are chosen again
/// on the training months of the plan's incidents (same parameters, no visit plan, no exact solve, the
/// plan's study area) and scored on the incidents they weigh (`flags`).
fn out_of_sample(
    p: &PatrolPlan,
    flags: &[bool],
    input: PlanInput<'_>,
    params: &PlanParams,
) -> Result<HoldoutOutcome> {
    let mut sp = match split_for(p.incidents.times(), params.holdout)? {
        None => return Ok(HoldoutOutcome::Off),
        Some(Err(reason)) => return Ok(HoldoutOutcome::NotScored { reason }),
        Some(Ok(s)) => s,
    };
    let train_all = sp.train.clone();
    let sub = p.incidents.subset(&train_all);
    let sub_areas = p.areas.subset(&train_all);
    let sub_flags: Vec<bool> = train_all.iter().map(|&i| flags[i]).collect();
    let mut tp = params.clone();
    tp.holdout = HoldoutChoice::Off;
    tp.exact = false;
    tp.plan_days = 0;
    tp.from = None;
    tp.to = None;
    tp.areas = Vec::new();
    tp.start = None;
    let train_input = PlanInput {
        incidents: &sub,
        areas: &sub_areas,
        study: Some(&p.study),
        patrollable: Some(&sub_flags),
        ..input
    };
    let trained = match plan_once(train_input, &tp) {
        Ok((t, _)) if !t.zones.is_empty() => t,
        Ok(_) => {
            return Ok(HoldoutOutcome::NotScored {
                reason: "no zone could be chosen on the training months".into(),
            });
        }
        Err(Error::InsufficientData(r)) => {
            return Ok(HoldoutOutcome::NotScored {
                reason: format!("the training months: {r}"),
            });
        }
        Err(e) => return Err(e),
    };
    // Score the incidents the zones weigh (patrollable ones unless every incident is included).
    sp.train.retain(|&i| flags[i]);
    sp.test.retain(|&i| flags[i]);
    sp.train_incidents = sp.train.len();
    sp.test_incidents = sp.test.len();
    if sp.train.is_empty() || sp.test.is_empty() {
        return Ok(HoldoutOutcome::NotScored {
            reason: format!(
                "no {} incident in the {} months",
                if params.include_all {
                    ""
                } else {
                    "patrollable"
                },
                if sp.train.is_empty() {
                    "training"
                } else {
                    "held-out"
                }
            ),
        });
    }
    let geoms: Vec<MultiPolygon<f64>> = trained.zones.iter().map(|z| z.geometry.clone()).collect();
    let harm: Vec<f64> = p
        .areas
        .harm()
        .iter()
        .zip(flags)
        .map(|(h, f)| if *f { *h } else { 0.0 })
        .collect();
    let sc = score(
        &geoms,
        p.incidents.x(),
        p.incidents.y(),
        &harm,
        &sp,
        &p.study,
    )?;
    let training_zones: Vec<TrainedZone> = trained
        .zones
        .iter()
        .enumerate()
        .map(|(k, z)| TrainedZone {
            rank: z.rank,
            centre: z.centre,
            geometry: z.geometry.clone(),
            in_sample: sc.per_zone_in_sample[k],
            held_out: sc.per_zone_held_out[k],
        })
        .collect();
    let radius = params.zones.radius_m();
    let refit_match = p
        .zones
        .iter()
        .map(|z| {
            training_zones
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    (
                        k,
                        (t.centre[0] - z.centre[0]).hypot(t.centre[1] - z.centre[1]),
                    )
                })
                .filter(|(_, d)| *d <= radius)
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .map(|(k, _)| k)
        })
        .collect();
    Ok(HoldoutOutcome::Scored(Box::new(HoldoutResult {
        split: sp,
        scored: if params.include_all {
            "all"
        } else {
            "patrollable"
        },
        score: sc,
        training_zones,
        refitted: true,
        refit_match,
    })))
}

/// The plan without the out-of-sample check, and the flag of each analysed incident saying whether
/// the zones weigh it.
fn plan_once(input: PlanInput<'_>, params: &PlanParams) -> Result<(PatrolPlan, Vec<bool>)> {
    let radius = params.zones.radius_m();
    let sources = params.sources.unwrap_or(CandidateSources {
        schools: !input.schools.is_empty(),
        ..CandidateSources::default()
    });
    if sources.schools && input.schools.is_empty() {
        return Err(Error::invalid(
            "candidate_sources",
            "schools",
            "the schools source needs --schools FILE",
        ));
    }
    if params.force_top_school && input.schools.is_empty() {
        return Err(Error::invalid(
            "force_top_school",
            true,
            "--force-top-school needs --schools FILE",
        ));
    }
    if let Some(p) = input.patrollable
        && p.len() != input.incidents.len()
    {
        return Err(Error::invalid(
            "patrollable",
            p.len(),
            format!("one flag per incident ({})", input.incidents.len()),
        ));
    }
    if input.areas.len() != input.incidents.len() {
        return Err(Error::invalid(
            "areas",
            input.areas.len(),
            format!("one problem area per incident ({})", input.incidents.len()),
        ));
    }
    // Selection: problem areas and period.
    let names = input.areas.names();
    let mut wanted = vec![params.areas.is_empty(); names.len()];
    for a in &params.areas {
        let k = names.iter().position(|n| n == a.trim()).ok_or_else(|| {
            Error::invalid(
                "areas",
                a,
                format!("unknown problem area; use {}", names.join(", ")),
            )
        })?;
        wanted[k] = true;
    }
    let PeriodSelection { indices, .. } =
        layers::in_period(input.incidents, params.from, params.to);
    let area_of = input.areas.area_of();
    let idx: Vec<usize> = indices
        .into_iter()
        .filter(|&i| wanted[area_of[i]])
        .collect();
    // Incidents of the chosen areas left out for having no date (none without a period).
    let without_date = if params.from.is_none() && params.to.is_none() {
        0
    } else {
        let times = input.incidents.times();
        (0..input.incidents.len())
            .filter(|&i| wanted[area_of[i]] && times[i].as_ref().and_then(|t| t.date()).is_none())
            .count()
    };
    let (inc, areas) = if idx.len() == input.incidents.len() {
        (input.incidents.clone(), input.areas.clone())
    } else {
        (input.incidents.subset(&idx), input.areas.subset(&idx))
    };
    if inc.is_empty() {
        return Err(Error::InsufficientData(
            "no incidents in the chosen problem areas and period".into(),
        ));
    }
    let school_locs: Vec<[f64; 2]> = input.schools.iter().map(|s| s.location()).collect();
    let (study, study_area_is_box) = match input.study {
        Some(s) => (s.clone(), false),
        None => (layers::padded_box(&inc, &school_locs, radius)?, true),
    };

    // Candidates: the forced top school first, given points, schools, then peaks, clusters, incident
    // locations, grid (see the candidates module).
    let tag = |pos: [f64; 2], source: CandidateSource| Candidate { pos, source };
    let mut given: Vec<Candidate> = Vec::new();
    let mut forced_school = false;
    if params.force_top_school {
        let zp = ZoneParams::new(
            params.school_radius_m,
            vec![0.0, params.school_radius_m],
            0.95,
        )?;
        let rep = crate::schools::analyse(&inc, &areas, input.schools, &study, &zp)?;
        if let Some(r) = rep
            .rows
            .iter()
            .find(|r| r.problem_area.is_none() && r.rank == 1)
        {
            forced_school = true;
            given.push(tag(
                input.schools[r.school].location(),
                CandidateSource::Forced,
            ));
        }
    }
    given.extend(
        input
            .candidates
            .iter()
            .map(|&q| tag(q, CandidateSource::File)),
    );
    if sources.schools {
        given.extend(school_locs.iter().map(|&q| tag(q, CandidateSource::School)));
    }
    // Patrollable incidents only (unless include_all): the others weigh 0 in candidates, cover and stats.
    let flags: Vec<bool> = match input.patrollable {
        Some(p) if idx.len() == input.incidents.len() => p.to_vec(),
        Some(p) => idx.iter().map(|&i| p[i]).collect(),
        None => vec![true; inc.len()],
    };
    let (weights, patrollable) =
        PatrollableFilter::from_include_all(params.include_all).weights(areas.harm(), &flags)?;
    let harm = &weights[..];
    let (problem, sources_of): (CoverProblem, Vec<CandidateSource>) = match &params.shape {
        PlanShape::Circle => {
            let cands = candidate_set(&inc, harm, radius, &sources, &given)?;
            let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
            (
                CoverProblem::new(inc.x(), inc.y(), harm, &centres, &params.zones)?,
                cands.iter().map(|c| c.source).collect(),
            )
        }
        PlanShape::Cells(cp) => {
            // Seeds: the given points, peaks, clusters (and incidents) by position; the grid source
            // seeds every cell holding harm (done by CellZones::build).
            let no_grid = CandidateSources {
                grid: false,
                ..sources
            };
            let seeds = candidate_set(&inc, harm, radius, &no_grid, &given)?;
            let zones = CellZones::build(inc.x(), inc.y(), harm, cp, &seeds, sources.grid)?;
            let src = zones.zones.iter().map(|z| z.source).collect();
            (
                CoverProblem::from_cells(
                    inc.x(),
                    inc.y(),
                    harm,
                    zones,
                    params.zones.max_overlap(),
                )?,
                src,
            )
        }
    };
    if forced_school && sources_of.first() != Some(&CandidateSource::Forced) {
        return Err(Error::invalid(
            "force_top_school",
            true,
            "the top school lies outside the cell grid of the zones; use --zone-shape circle or drop --force-top-school",
        ));
    }
    let forced: Vec<usize> = if forced_school { vec![0] } else { vec![] };
    let k = params.zones.k();
    let sel = problem.greedy(k, &forced)?;
    let exact_harm = if params.exact {
        Some(
            problem
                .exact(k, &forced, EXACT_WORK)?
                .map(|e| e.covered_weight),
        )
    } else {
        None
    };
    let stats = zone_stats(inc.x(), inc.y(), harm, &problem, &sel, radius, &study);
    // Days and hours only where the data distinguish them: each zone's weighed incidents against the
    // weighed incidents outside every zone (the area's usual rhythm, not that of the other hot
    // places), Holm-corrected over the plan.
    let zone_members: Vec<Vec<usize>> = stats
        .iter()
        .map(|z| {
            z.members
                .iter()
                .copied()
                .filter(|&i| harm[i] > 0.0)
                .collect()
        })
        .collect();
    let mut in_zone = vec![false; inc.len()];
    for &i in zone_members.iter().flatten() {
        in_zone[i] = true;
    }
    let weighed: Vec<usize> = (0..inc.len())
        .filter(|&i| harm[i] > 0.0 && !in_zone[i])
        .collect();
    let mut profiles = test_zones(
        &inc,
        &zone_members,
        &weighed,
        &params.aoristic,
        params.profile_alpha,
        params.seed,
    )?
    .into_iter();

    let mut zones = Vec::with_capacity(stats.len());
    for (k, z) in stats.into_iter().enumerate() {
        let (week, _) = week_table(inc.times(), &z.members);
        let (weights, totals) = week_weights(&inc, &z.members, &params.aoristic);
        let windows =
            smallest_windows_weighted(&hour_weights(&weights), &totals, params.window_share);
        let mut days: Vec<(f64, usize)> = weights
            .iter()
            .enumerate()
            .map(|(d, r)| (r.iter().sum(), d))
            .collect();
        days.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let busiest_days = days
            .iter()
            .take(3)
            .filter(|d| d.0 > 0.0)
            .map(|d| d.1)
            .collect();
        let profile = profiles.next().ok_or_else(|| {
            Error::InsufficientData("a zone without its weekday and hour test".into())
        })?;
        let top_days = match &profile.weekday.verdict {
            super::profile::Verdict::These(d) => d.iter().take(3).copied().collect(),
            super::profile::Verdict::Any => Vec::new(),
        };
        let mut cat = vec![0usize; areas.names().len()];
        for &i in &z.members {
            cat[areas.area_of()[i]] += 1;
        }
        let mut categories: Vec<(String, usize)> = cat
            .iter()
            .zip(areas.names())
            .filter(|(n, _)| **n > 0)
            .map(|(n, a)| (a.clone(), *n))
            .collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let nearest_school = input
            .schools
            .iter()
            .map(|s| (s.distance_to(z.centre[0], z.centre[1]), &s.name))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(d, n)| (n.clone(), d));
        zones.push(PlanZone {
            rank: z.rank,
            centre: z.centre,
            incidents: z.members.len(),
            members: z.members,
            harm: z.harm,
            share_incidents: z.share_incidents,
            share_area: z.share_area,
            pai: z.pai,
            marginal_harm: z.marginal_harm,
            geometry: z.geometry,
            area_m2: z.area_m2,
            cells: z.cells,
            source: sources_of[sel.chosen[k]],
            windows: windows.to_windows(),
            window_share: windows.share(),
            with_interval: windows.intervals,
            week,
            week_weights: weights,
            top_days,
            busiest_days,
            profile,
            categories,
            nearest_school,
        });
    }
    let all: Vec<usize> = (0..inc.len()).collect();
    let (_, time_totals) = week_weights(&inc, &all, &params.aoristic);
    let windows: Vec<Windows> = zones.iter().map(|z| z.windows.clone()).collect();
    let visits = visit_plan(&windows, params.plan_days, params.seed);
    let centres: Vec<[f64; 2]> = zones.iter().map(|z| z.centre).collect();
    let route = match (params.start, centres.first()) {
        (Some(s), _) => {
            let r = plan_route(s, &centres);
            Some(PlanRoute {
                start: s,
                from_start_point: true,
                order: r.order,
                length_m: r.length_m,
                nearest_neighbour_m: r.nearest_neighbour_m,
            })
        }
        (None, Some(&first)) => {
            let r = plan_route(first, &centres[1..]);
            let mut order = vec![0];
            order.extend(r.order.iter().map(|i| i + 1));
            Some(PlanRoute {
                start: first,
                from_start_point: false,
                order,
                length_m: r.length_m,
                nearest_neighbour_m: r.nearest_neighbour_m,
            })
        }
        (None, None) => None,
    };
    let mut candidates: Vec<(String, usize)> = Vec::new();
    for s in &sources_of {
        match candidates.iter_mut().find(|(k, _)| k == s.as_str()) {
            Some(e) => e.1 += 1,
            None => candidates.push((s.as_str().to_string(), 1)),
        }
    }
    let plan = PatrolPlan {
        analysed: inc.len(),
        without_date,
        with_interval: time_totals.interval,
        time_totals,
        total_harm: harm.iter().sum(),
        include_all: params.include_all,
        patrollable,
        study,
        study_area_is_box,
        zones,
        candidates,
        covered_harm: sel.covered_weight,
        covered_incidents: sel.covered_count,
        exact_harm,
        visits,
        route,
        incidents: inc,
        areas,
        holdout: HoldoutOutcome::Off,
    };
    let weighed = flags.iter().map(|f| *f || params.include_all).collect();
    Ok((plan, weighed))
}

#[cfg(test)]
mod oos_tests;
#[cfg(test)]
mod tests;
