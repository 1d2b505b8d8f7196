//! The situation report (lägesbild) as one value: [`situation`] runs every analysis the report shows
//! on one incident file and returns a [`Situation`], which serialises to the `analyses` object of the
//! report's `summary.json`.
//!
//! Flow: ingest ([`crate::ingest::read_path`]) → incidents → period filter and classification →
//! counts and count grid → density surface and hotspots, Getis-Ord Gi*, HDBSCAN clusters, school
//! zones, patrol plan ([`crate::patrol::plan()`]) → [`Situation`] → in public mode
//! [`crate::disclosure::publish`] → rendering and writers (the `hotspot-report` crate, the CLI).
//!
//! An analysis that fails on the data (e.g. a grid too large) does not stop the others: it is
//! [`Outcome::Failed`] with its message, and the report says so.

pub mod aoristic;
pub mod counts;
pub mod extra;
pub mod names;
pub mod params;
pub mod perception;
pub mod quality;

pub use counts::{CountGrid, Counts};
pub use names::{Names, Recommendation, school_concerns};
pub use params::{BandwidthChoice, SituationKeys, SituationParams};

use crate::area_at_risk::{AreaAtRisk, AreaAtRiskOptions, AreaAtRiskSummary};
use crate::categories::{CategoryTable, Classification, ProblemArea};
use crate::cluster::ClusterSummary;
use crate::crs::Crs;
use crate::density::{
    Bandwidth, BandwidthRule, DensitySurface, Extent, Hotspots, Kde, KdeOptions, PredictiveOptions,
    hotspots::{HotspotOptions, HotspotThreshold, find_hotspots_with},
};
use crate::disclosure::Suppress;
use crate::error::Result;
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::ingest::Ingested;
use crate::patrol::{PatrolPlan, PlanInput, PlanParams};
use crate::schools::{ProblemAreas, School, SchoolReport, ZoneParams};
use crate::stats::getis_ord::{GiStarParams, GiStarResult};
use crate::study_area::StudyArea;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

/// The result of one analysis of the situation.
#[derive(Clone, Debug)]
pub enum Outcome<T> {
    /// It ran.
    Done(T),
    /// It ran and failed on the data; the message says why.
    Failed(String),
    /// It was not run.
    Skipped(Skip),
}

/// Why an analysis was not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// No incidents in the period.
    NoIncidents,
    /// More incidents than the analysis takes ([`CLUSTER_LIMIT`]).
    TooMany(usize),
    /// No schools given.
    NoSchools,
    /// Schools given but no boundary (the rates need a study area).
    NoBoundary,
    /// Not asked for in the configuration.
    NotConfigured,
}

impl<T> Outcome<T> {
    /// The result when it ran.
    pub fn done(&self) -> Option<&T> {
        match self {
            Outcome::Done(t) => Some(t),
            _ => None,
        }
    }

    fn from_result(r: Result<T>) -> Self {
        match r {
            Ok(t) => Outcome::Done(t),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}

/// Density surface and hotspots.
#[derive(Clone, Debug)]
pub struct Density {
    /// The surface (public: cells resting on fewer than `min_count` incidents or `min_positions`
    /// positions in reach hold [`crate::disclosure::EMPTY_VALUE`], like empty land).
    pub surface: DensitySurface,
    /// Hotspots at the configured threshold with at least `hotspot_min_incidents` incidents
    /// (public: also `min_count`), ranked 1.. by peak.
    pub hotspots: Hotspots,
    /// Hotspots left out for holding too few incidents.
    pub hotspots_suppressed: usize,
    /// Surface cells masked in public mode.
    pub cells_masked: usize,
    /// The area at risk on the density grid the hotspot threshold is taken over (`None`: no
    /// study area, water or at-risk restriction given; the threshold is then taken over the cells
    /// of positive density).
    pub area_at_risk: Option<AreaAtRiskSummary>,
}

/// One incident cluster and the hull drawn for it.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// 1 = the largest cluster shown.
    pub rank: usize,
    /// The library's summary (counts, categories, hulls, ellipse, profiles).
    pub summary: ClusterSummary,
    /// Indices of its incidents.
    pub members: Vec<usize>,
    /// The hull drawn: the concave hull of the incidents (internal), or in public mode the convex hull
    /// of the count-grid cells holding them ([`crate::disclosure::grid_hull`]). Empty for degenerate
    /// clusters.
    pub hull: geo::MultiPolygon<f64>,
}

/// HDBSCAN clusters.
#[derive(Clone, Debug)]
pub struct Clusters {
    /// Clusters shown, largest first.
    pub clusters: Vec<Cluster>,
    /// Clusters left out in public mode.
    pub suppressed: usize,
    /// Minimum cluster size used.
    pub min_cluster_size: usize,
    /// `concave_hull`, or `convex_hull_of_grid_cells` in public mode.
    pub hull_rule: &'static str,
}

/// The situation: every analysis of the report on one incident file, as plain data.
#[derive(Clone, Debug)]
pub struct Situation {
    /// The parameters it was built with.
    pub params: SituationParams,
    /// Count suppression for display and serialisation (public mode).
    pub suppress: Suppress,
    /// The working CRS.
    pub crs: Crs,
    /// Rows read from the incident file.
    pub rows_read: u64,
    /// Rejected rows by reason (`RejectReason::as_str`), in reason order.
    pub rejected: Vec<(String, u64)>,
    /// Incidents left out by the period filter (outside it, or without a date).
    pub outside_period: u64,
    /// Categories not in the category table, with counts.
    pub unknown_categories: Vec<(String, usize)>,
    /// The incidents of the period.
    pub incidents: Incidents,
    /// Their problem areas and harm.
    pub classification: Classification,
    /// The study area (from the boundary), if given.
    pub study: Option<StudyArea>,
    /// Schools.
    pub schools: Vec<School>,
    /// Counts by area, category, month and hour × weekday.
    pub counts: Counts,
    /// Extent of the maps: the boundary's box, else the incidents' box.
    pub extent: [f64; 4],
    /// Incident counts on the `grid_m` grid over the extent.
    pub grid: CountGrid,
    /// Kernel density and hotspots.
    pub density: Outcome<Density>,
    /// Getis-Ord Gi* on the `grid_m` grid (only the cells of the area at risk tested when water,
    /// at-risk polygons or an incident buffer are given).
    pub gi_star: Outcome<GiStarResult>,
    /// The area at risk of Gi* on the `grid_m` grid, when one was used.
    pub gi_star_area: Option<AreaAtRiskSummary>,
    /// HDBSCAN clusters.
    pub clusters: Outcome<Clusters>,
    /// School zones.
    pub schools_report: Outcome<SchoolReport>,
    /// Patrol plan.
    pub patrol: Outcome<PatrolPlan>,
    /// Place names of the results ([`names::name_results`]; empty without a basemap).
    pub names: Names,
    /// Follow-up against a baseline ([`extra::followup`]; skipped unless configured).
    pub followup: Outcome<extra::FollowupSection>,
    /// Repeat locations ([`extra::repeats`]).
    pub repeats: Outcome<crate::stats::repeats::Repeats>,
    /// Perceived unsafety beside the incidents ([`perception::perception`]; skipped unless
    /// configured).
    pub perception: Outcome<perception::PerceptionSection>,
    /// The weekday × hour table with aoristic weights ([`aoristic::week_hour`]), in the time zone
    /// and with the maximum span of [`SituationParams::aoristic`].
    pub week_hour: Outcome<crate::temporal::WeekHourTable>,
    /// Geocoding quality, and the incidents on stacked positions left out of the density surface
    /// and hotspots ([`quality::Geocoding`]).
    pub geocoding: quality::Geocoding,
}

/// What [`situation`] works on.
#[derive(Clone, Copy, Debug)]
pub struct SituationInput<'a> {
    /// The ingested incident file (incidents, ingest report, study area).
    pub data: &'a Ingested,
    /// The category table.
    pub categories: &'a CategoryTable,
    /// Schools.
    pub schools: &'a [School],
    /// Water polygons (the report's `water` layer), removed from the area at risk.
    pub water: Option<&'a geo::MultiPolygon<f64>>,
    /// Built-up or populated polygons (key `at_risk`): the area at risk is restricted to them.
    pub at_risk: Option<&'a geo::MultiPolygon<f64>>,
    /// Basemap whose places and named roads name the results (`None`: results are not named).
    pub basemap: Option<&'a crate::basemap::Basemap>,
    /// Language of generated names ("nära X (N m)").
    pub name_lang: crate::basemap::NameLang,
    /// The follow-up to run (report keys `baseline`, `zones`, `patrols`, ...; `None`: skipped).
    pub followup: Option<&'a extra::FollowupSpec>,
    /// The perception comparison to run (report keys `perceived`, `perceived_cell_m`; `None`:
    /// skipped).
    pub perception: Option<&'a perception::PerceptionSpec>,
}

impl<'a> SituationInput<'a> {
    /// The input without water or at-risk polygons.
    pub fn new(data: &'a Ingested, categories: &'a CategoryTable, schools: &'a [School]) -> Self {
        Self {
            data,
            categories,
            schools,
            water: None,
            at_risk: None,
            basemap: None,
            name_lang: crate::basemap::NameLang::Sv,
            followup: None,
            perception: None,
        }
    }

    /// The same input with the follow-up section run ([`extra::followup`]).
    pub fn with_followup(self, spec: &'a extra::FollowupSpec) -> Self {
        Self {
            followup: Some(spec),
            ..self
        }
    }

    /// The same input with the perception section run ([`perception::perception`]).
    pub fn with_perception(self, spec: &'a perception::PerceptionSpec) -> Self {
        Self {
            perception: Some(spec),
            ..self
        }
    }

    /// Whether the area at risk differs from the study area (water, at-risk polygons or an
    /// incident buffer given).
    fn restricts(&self, params: &SituationParams) -> bool {
        self.water.is_some() || self.at_risk.is_some() || params.at_risk_from_incidents_m.is_some()
    }

    /// The area at risk on `spec`: the study area minus water, restricted to the at-risk polygons
    /// and to cells within `at_risk_from_incidents_m` of an incident of the whole file.
    fn area_on(&self, params: &SituationParams, spec: GridSpec) -> Result<AreaAtRisk> {
        AreaAtRisk::build(
            spec,
            &AreaAtRiskOptions {
                study_area: self.data.study_area.clone(),
                water: self.water.cloned(),
                at_risk: self.at_risk.cloned(),
                from_incidents_m: params.at_risk_from_incidents_m,
            },
            &self.data.incidents,
        )
    }
}

/// Above this many incidents the situation leaves out the HDBSCAN clusters (and says so). The 1M
/// report with them takes 18.6 s on the 2-core machine (`docs/report.md`).
pub const CLUSTER_LIMIT: usize = 2_000_000;

/// HDBSCAN's smallest minimum cluster size (the default of `hotspot evaluate`'s `hdbscan` method).
pub const CLUSTER_MIN_SIZE: usize = 20;

/// The minimum cluster size for `n` incidents: [`CLUSTER_MIN_SIZE`], or 0.1 % of the incidents when
/// that is more, so that a large data set is not split into hundreds of small groups of background
/// incidents (at 100 000 incidents a cluster needs 100).
pub fn cluster_min_size(n: usize) -> usize {
    CLUSTER_MIN_SIZE.max(n.div_ceil(1000))
}

/// Builds the situation (see the module docs). In public mode (`params.public`) the result has been
/// through [`crate::disclosure::publish`].
///
/// # Errors
/// Errors of the school and patrol analyses (bad parameters for the data); the density, Gi* and
/// cluster analyses report failures as [`Outcome::Failed`] instead.
pub fn situation(input: SituationInput<'_>, params: &SituationParams) -> Result<Situation> {
    let data = input.data;
    let sel = crate::ingest::layers::in_period(&data.incidents, params.from, params.to);
    let outside_period = (data.incidents.len() - sel.indices.len()) as u64;
    let inc = if params.from.is_none() && params.to.is_none() {
        data.incidents.clone()
    } else {
        data.incidents.subset(&sel.indices)
    };
    let cls = input.categories.classify(&inc);
    let counts = counts::count(&inc, &cls);
    let extent = data
        .study_area
        .as_ref()
        .map(|a| a.bbox())
        .or_else(|| inc.bbox())
        .unwrap_or([0.0, 0.0, 1000.0, 1000.0]);
    let grid = counts::grid_counts(&inc, extent, params.grid_m)?;
    let study = data.study_area.clone();
    let geocoding = quality::Geocoding::measure(&inc, data.report.rows_read, params);
    let areas = problem_areas(&cls)?;
    // The analyses below read the same incidents and write nothing shared: they run side by side
    // (rayon::join; each is deterministic on its own, so the result does not depend on the
    // thread count or on which finishes first). Errors are taken in the order the report lists
    // the analyses: schools before patrol.
    let (
        (density, (gi_star, gi_star_area)),
        ((clusters, schools_report), (patrol, (week_hour, repeats))),
    ) = rayon::join(
        || {
            let density = Outcome::from_result(density(
                params,
                &input,
                &geocoding.density_input(&inc),
                study.as_ref(),
            ));
            (
                density,
                gi_star(params, &input, &inc, study.as_ref(), extent),
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            if inc.is_empty() {
                                Outcome::Skipped(Skip::NoIncidents)
                            } else if inc.len() <= CLUSTER_LIMIT {
                                Outcome::from_result(clusters(&inc, !params.public))
                            } else {
                                Outcome::Skipped(Skip::TooMany(CLUSTER_LIMIT))
                            }
                        },
                        || schools(params, &input, &inc, &areas, study.as_ref()),
                    )
                },
                || {
                    rayon::join(
                        || patrol(params, &input, &inc, &areas, &cls, study.as_ref()),
                        || {
                            (
                                aoristic::week_hour_of(&inc, &params.aoristic),
                                extra::repeats_of(&inc, params, data.report.crs),
                            )
                        },
                    )
                },
            )
        },
    );
    let schools_report = schools_report?;
    let patrol = patrol?;
    let s = Situation {
        params: params.clone(),
        suppress: Suppress {
            public: false,
            min: params.min_count,
        },
        crs: data.report.crs,
        rows_read: data.report.rows_read,
        rejected: data
            .report
            .rejected_by_reason()
            .into_iter()
            .map(|(r, n)| (r.as_str().to_string(), n))
            .collect(),
        outside_period,
        unknown_categories: cls.unknown().to_vec(),
        incidents: inc,
        classification: cls,
        study,
        schools: input.schools.to_vec(),
        counts,
        extent,
        grid,
        density,
        gi_star,
        gi_star_area,
        clusters,
        schools_report,
        patrol,
        names: Names::default(),
        followup: Outcome::Skipped(Skip::NotConfigured),
        repeats,
        perception: Outcome::Skipped(Skip::NotConfigured),
        week_hour,
        geocoding,
    };
    let mut s = if params.public {
        crate::disclosure::publish(s, crate::disclosure::Rules::of(params))
    } else {
        s
    };
    if let Some(b) = input.basemap {
        s.names = names::name_results(
            &s,
            b,
            crate::basemap::DEFAULT_NAME_DISTANCE_M,
            input.name_lang,
        )?;
    }
    // The follow-up and perception sections read the situation as published (public mode: the
    // zones and cells the public version shows).
    s.followup = extra::followup(data, input.categories, &s, input.followup);
    s.perception = perception::perception(&input, &s, input.perception);
    Ok(s)
}

/// Getis-Ord Gi* on the count grid (cells of `grid_m`, distance band `2 grid_m`, FDR); on the
/// cells of the area at risk when water or a restriction is given, with that area's summary.
fn gi_star(
    params: &SituationParams,
    input: &SituationInput<'_>,
    inc: &Incidents,
    study: Option<&StudyArea>,
    extent: [f64; 4],
) -> (Outcome<GiStarResult>, Option<AreaAtRiskSummary>) {
    if inc.is_empty() {
        return (Outcome::Skipped(Skip::NoIncidents), None);
    }
    let mut area = None;
    let gi = Outcome::from_result(
        GiStarParams::new(params.grid_m, 2.0 * params.grid_m).and_then(|p| {
            if input.restricts(params) {
                // Only the cells of the area at risk are tested: a cell is compared with the
                // places where incidents can happen, not with lakes and forest.
                let spec = GridSpec::covering(extent, params.grid_m, 0.0)?;
                let a = input.area_on(params, spec)?;
                area = Some(a.summary().clone());
                crate::stats::getis_ord::hot_spots_at_risk(inc, &a, &p)
            } else {
                crate::stats::getis_ord::hot_spots(inc, study, &p)
            }
        }),
    );
    (gi, area)
}

/// The school zones with their controlled comparison and time classes (needs schools and a
/// study area).
fn schools(
    params: &SituationParams,
    input: &SituationInput<'_>,
    inc: &Incidents,
    areas: &ProblemAreas,
    study: Option<&StudyArea>,
) -> Result<Outcome<SchoolReport>> {
    Ok(match (study, input.schools.is_empty()) {
        (_, true) => Outcome::Skipped(Skip::NoSchools),
        (None, false) => Outcome::Skipped(Skip::NoBoundary),
        (Some(study), false) => {
            let zp = ZoneParams::new(
                params.school_radius_m,
                vec![0.0, 100.0, 200.0, 300.0, 500.0],
                0.95,
            )?;
            let mut rep = crate::schools::analyse(inc, areas, input.schools, study, &zp)?;
            let (ctl, times) = schools_controlled(input, params, inc, areas, &rep, study)?;
            rep.controlled = Some(ctl);
            rep.times = Some(times);
            Outcome::Done(rep)
        }
    })
}

/// The patrol plan ([`crate::patrol::plan()`]) with the report's zones, radius, hold-out and
/// aoristic options; only patrollable categories draw zones unless `include_all`.
fn patrol(
    params: &SituationParams,
    input: &SituationInput<'_>,
    inc: &Incidents,
    areas: &ProblemAreas,
    cls: &Classification,
    study: Option<&StudyArea>,
) -> Result<Outcome<PatrolPlan>> {
    if inc.is_empty() {
        return Ok(Outcome::Skipped(Skip::NoIncidents));
    }
    let pp = PlanParams::new(params.patrol_zones, params.patrol_radius_m, 0.0)?
        .include_all(params.include_all)
        .aoristic(params.aoristic)?
        .holdout(crate::patrol::HoldoutChoice::from_months(
            params.holdout_months,
        ))?;
    Ok(Outcome::Done(crate::patrol::plan(
        PlanInput {
            incidents: inc,
            areas,
            schools: input.schools,
            study,
            candidates: &[],
            patrollable: Some(cls.patrollable()),
        },
        &pp,
    )?))
}

/// The controlled comparison of the school zones ([`crate::schools::controlled::controlled`]):
/// each zone against placebo zones of the same radius at comparable places (incident positions
/// away from every school, matched on the surroundings' busyness), inside the area at risk when
/// water or a restriction is given (else the study area), Holm-adjusted, with a `higher` / `lower`
/// / `none` flag; seeded with the report's `seed`. With it, in the same comparison area, the time
/// classes and out-of-hours comparison ([`crate::schools::times::time_classes`]: aoristic weights,
/// with the report's `[calendar]` (default the approximate Swedish school calendar), `timezone` and
/// `max_time_span` ([`SituationParams::calendar`], [`SituationParams::aoristic`])).
fn schools_controlled(
    input: &SituationInput<'_>,
    params: &SituationParams,
    inc: &Incidents,
    areas: &ProblemAreas,
    rep: &SchoolReport,
    study: &StudyArea,
) -> Result<(
    crate::schools::controlled::ControlledReport,
    crate::schools::times::TimeClasses,
)> {
    use crate::schools::controlled::{ComparisonArea, ControlParams, controlled};
    let d = ControlParams::default();
    let cp = ControlParams::new(d.placebos(), d.matched(), params.seed, d.alpha())?;
    let calendar = &params.calendar;
    let aoristic = params.aoristic;
    let run = |c: ComparisonArea<'_>| -> Result<_> {
        Ok((
            controlled(
                inc,
                areas,
                input.schools,
                rep,
                study,
                params.school_radius_m,
                c,
                &cp,
            )?,
            crate::schools::times::time_classes(inc, areas, rep, calendar, study, c, &aoristic)?,
        ))
    };
    if input.restricts(params) {
        let spec = GridSpec::covering(study.bbox(), params.cell_m, 0.0)?;
        let a = input.area_on(params, spec)?;
        let mask = |x: f64, y: f64| a.contains(x, y);
        run(ComparisonArea::Mask(&mask))
    } else {
        run(ComparisonArea::StudyArea)
    }
}

/// The problem areas of the citizen promise as the school and patrol analyses' columns.
pub fn problem_areas(cls: &Classification) -> Result<ProblemAreas> {
    Ok(ProblemAreas::from_classification(cls))
}

/// Kernel density (quartic) on the study area's grid and its hotspots.
///
/// **Bandwidth.** `bandwidth_m` when given; else by `bandwidth_rule`: `predictive` (the default)
/// chooses among 50-400 m by temporal cross-validation of PAI at `hotspot_top_percent` of the area
/// at risk ([`crate::density::bandwidth_cv`]), falling back to the ArcGIS rule where incidents lack
/// times; `arcgis` always uses the rule.
///
/// **Hotspots.** The densest `hotspot_top_percent` of the cells of the area at risk (the study area
/// minus water, restricted as configured; without study area or restriction, the cells of positive
/// density), split at saddles into one hotspot per prominent peak
/// ([`crate::density::hotspots::find_hotspots_with`]), keeping those with at least
/// `hotspot_min_incidents` incidents.
fn density(
    s: &SituationParams,
    input: &SituationInput<'_>,
    inc: &Incidents,
    study: Option<&StudyArea>,
) -> Result<Density> {
    let mut opts = KdeOptions::new(s.bandwidth_m.unwrap_or(300.0), s.cell_m);
    if s.bandwidth_m.is_none() {
        opts.bandwidth = match s.bandwidth_rule {
            BandwidthChoice::Predictive => Bandwidth::Predictive(PredictiveOptions {
                coverage_pct: s.hotspot_top_percent,
                ..PredictiveOptions::default()
            }),
            BandwidthChoice::Arcgis => Bandwidth::Rule(BandwidthRule::Arcgis),
        };
    }
    if let Some(a) = study {
        opts.extent = Extent::Area(a.clone());
    }
    let area = if study.is_some() || input.restricts(s) {
        let (bbox, pad) = match study {
            Some(a) => (a.bbox(), 0.0),
            None => (
                inc.bbox().unwrap_or([0.0, 0.0, 1000.0, 1000.0]),
                PredictiveOptions::default().max_m,
            ),
        };
        let spec = GridSpec::covering_with_limit(bbox, s.cell_m, pad, opts.max_cells)?;
        Some(input.area_on(s, spec)?)
    } else {
        None
    };
    opts.at_risk = area.clone();
    let surface = Kde::new(opts)?.estimate(inc)?;
    let mut hotspots = find_hotspots_with(
        &surface,
        inc,
        &HotspotOptions {
            area: area.as_ref(),
            ..HotspotOptions::new(HotspotThreshold::TopAreaPercent(s.hotspot_top_percent))
        },
    )?;
    // Hotspots resting on a handful of incidents are kernel bumps, not places to act on.
    let before = hotspots.hotspots.len();
    hotspots
        .hotspots
        .retain(|h| h.incidents as u64 >= s.hotspot_min_incidents);
    let hotspots_suppressed = before - hotspots.hotspots.len();
    for (k, h) in hotspots.hotspots.iter_mut().enumerate() {
        h.rank = k + 1;
    }
    Ok(Density {
        surface,
        hotspots,
        hotspots_suppressed,
        cells_masked: 0,
        area_at_risk: area.map(|a| a.summary().clone()),
    })
}

/// HDBSCAN clusters (Campello, Moulavi & Sander 2013; `crate::cluster`) with `min_cluster_size`
/// [`cluster_min_size`] and `min_samples` the same capped at 50 (scikit-learn's default
/// `min_samples = min_cluster_size` would make the core distances a 1000-nearest-neighbour search at
/// 1M incidents), summarised by `crate::cluster::summarize_with` (concave hulls when `hulls`).
fn clusters(inc: &Incidents, hulls: bool) -> Result<Clusters> {
    let min_cluster_size = cluster_min_size(inc.len());
    let params = crate::cluster::HdbscanParams::new(min_cluster_size)?
        .min_samples(min_cluster_size.min(50))?;
    let h = crate::cluster::hdbscan(inc, &params)?;
    let summaries = crate::cluster::summarize_with(inc, &h.labels, hulls)?;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); h.n_clusters];
    for (i, &l) in h.labels.iter().enumerate() {
        if let Some(m) = usize::try_from(l).ok().and_then(|l| members.get_mut(l)) {
            m.push(i);
        }
    }
    let clusters = summaries
        .into_iter()
        .enumerate()
        .map(|(k, summary)| {
            let hull = match &summary.concave_hull {
                geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p.clone()]),
                _ => geo::MultiPolygon(Vec::new()),
            };
            let m = usize::try_from(summary.cluster)
                .ok()
                .and_then(|c| members.get_mut(c))
                .map(std::mem::take)
                .unwrap_or_default();
            Cluster {
                rank: k + 1,
                summary,
                members: m,
                hull,
            }
        })
        .collect();
    Ok(Clusters {
        clusters,
        suppressed: 0,
        min_cluster_size,
        hull_rule: "concave_hull",
    })
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Situation {
    /// A count as shown: `None` when suppressed in public mode.
    pub fn count(&self, c: u64) -> Option<u64> {
        self.suppress.count(c)
    }

    fn cv(&self, c: u64) -> Value {
        match self.count(c) {
            Some(v) => json!(v),
            None => Value::Null,
        }
    }

    /// The period of the incidents analysed: first and last date.
    pub fn period(&self) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let span = self.incidents.time_span();
        (
            span.as_ref().and_then(|s| s.0.date()),
            span.as_ref().and_then(|s| s.1.date()),
        )
    }

    /// The counts as written in `summary.json` (suppressed counts `null`).
    pub fn counts_value(&self) -> Value {
        let c = &self.counts;
        json!({
            "rows_read": self.cv(self.rows_read),
            "incidents": self.cv(c.total),
            "rejected": self.rejected.iter().map(|(r, n)| (r.clone(), self.cv(*n))).collect::<Map<String, Value>>(),
            "outside_period": self.cv(self.outside_period),
            "without_time": self.cv(c.without_time),
            "without_hour": self.cv(c.without_hour),
            "by_area": ProblemArea::ALL.iter().map(|a| (a.id().to_string(), self.cv(c.by_area[a.index()]))).collect::<Map<String, Value>>(),
            "by_category": c.by_category.iter().map(|(n, a, k)| json!({"category": n, "area": a.id(), "incidents": self.cv(*k)})).collect::<Vec<_>>(),
        })
    }

    /// The period as written in `summary.json`.
    pub fn period_value(&self) -> Value {
        let (from, to) = self.period();
        json!({
            "from": from.map(|d| d.to_string()),
            "to": to.map(|d| d.to_string()),
        })
    }

    /// The `analyses` object of `summary.json` (what [`Serialize`] writes).
    pub fn analyses_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("period".into(), self.period_value());
        m.insert("counts".into(), self.counts_value());
        let mut g = self.geocoding.to_json();
        for k in ["largest_stack", "stacked_incidents", "left_out_of_density"] {
            if let Some(n) = g[k].as_u64() {
                g[k] = self.cv(n);
            }
        }
        m.insert("geocoding".into(), g);
        if let Outcome::Done(d) = &self.density {
            let bw = &d.surface.bandwidth;
            m.insert(
                "density".into(),
                json!({
                    "kernel": bw.kernel,
                    "bandwidth_m": bw.bandwidth_m,
                    "bandwidth_method": bw.method,
                    "support_radius_m": bw.support_radius_m,
                    "cell_m": d.surface.raster.spec.cell_m,
                    "units": d.surface.units.name(),
                    "cells_masked_public": d.cells_masked,
                    "bandwidth_rule": self.params.bandwidth_rule.name(),
                    "bandwidth_selection": bw.selection.as_ref().map(|sel| json!({
                        "method": sel.method,
                        "score": sel.score,
                        "score_cell_m": sel.score_cell_m,
                        "candidates_m": sel.candidates.iter().map(|c| c.bandwidth_m).collect::<Vec<_>>(),
                        "mean_pai": sel.candidates.iter().map(|c| c.mean_pai).collect::<Vec<_>>(),
                        "mean_hit_rate": sel.candidates.iter().map(|c| c.mean_hit_rate).collect::<Vec<_>>(),
                        "chosen_m": sel.chosen_m,
                        "fallback": sel.fallback,
                    })),
                    "area_at_risk": d.area_at_risk,
                }),
            );
            m.insert(
                "hotspots".into(),
                json!({
                    "rule": d.hotspots.rule,
                    "threshold": d.hotspots.threshold,
                    "units": d.hotspots.units,
                    "suppressed_public": d.hotspots_suppressed,
                    "reference": d.hotspots.reference,
                    "reference_cells": d.hotspots.reference_cells,
                    "delineation": d.hotspots.delineation,
                    "hotspots": d.hotspots.hotspots.iter().map(|h| json!({
                        "rank": h.rank,
                        "place": self.names.hotspot(h.rank.saturating_sub(1)),
                        "incidents": self.cv(h.incidents as u64),
                        "area_km2": h.area_km2,
                        "peak_density": h.peak_density,
                        "share": self.count(h.incidents as u64).map(|_| h.share),
                    })).collect::<Vec<_>>(),
                }),
            );
        }
        if let Outcome::Done(r) = &self.gi_star {
            let mut n = [0usize; 6];
            for &b in &r.bin {
                if let Some(k) = gi_class(b) {
                    n[k] += 1;
                }
            }
            m.insert(
                "gi_star".into(),
                json!({
                    "cell_m": self.params.grid_m,
                    "distance_band_m": 2.0 * self.params.grid_m,
                    "fdr": true,
                    "cells": r.bin.len(),
                    "hot_99": n[0], "hot_95": n[1], "hot_90": n[2],
                    "cold_99": n[3], "cold_95": n[4], "cold_90": n[5],
                    "note": r.note(),
                    "area_at_risk": self.gi_star_area,
                }),
            );
        }
        if let Outcome::Done(cl) = &self.clusters {
            let inside: usize = cl.clusters.iter().map(|c| c.summary.count).sum();
            m.insert(
                "clusters".into(),
                json!({
                    "method": "hdbscan",
                    "min_cluster_size": cl.min_cluster_size,
                    "hull": cl.hull_rule,
                    "clusters": cl.clusters.len(),
                    "suppressed_public": cl.suppressed,
                    "incidents_in_clusters": self.cv(inside as u64),
                }),
            );
        }
        if let Outcome::Done(rep) = &self.schools_report {
            m.insert(
                "schools".into(),
                json!({
                    "radius_m": self.params.school_radius_m,
                    "confidence": 0.95,
                    "ranking": school_ranking(rep).iter().map(|r| {
                        let shown = self.count(r.incidents).is_some();
                        json!({
                            "rank": r.rank,
                            "school": self.schools.get(r.school).map(|s| s.name.clone()),
                            "place": self.names.school(r.school),
                            "incidents": self.cv(r.incidents),
                            "rate_ratio": r.test.as_ref().filter(|_| shown).map(|t| t.ratio).filter(|v| v.is_finite()),
                            "p_value": r.test.as_ref().filter(|_| shown).map(|t| t.p_value),
                        })
                    }).collect::<Vec<_>>(),
                    "controlled": rep.controlled.as_ref().map(|c| json!({
                        "comparison_area": c.comparison_area,
                        "placebos": c.params.placebos(),
                        "matched": c.params.matched(),
                        "alpha": c.params.alpha(),
                        "higher": c.rows.iter().filter(|r| r.flag == crate::schools::controlled::Flag::Higher).map(|r| json!({
                            "school": self.schools.get(r.school).map(|s| s.name.clone()),
                            "area": r.problem_area.and_then(|a| ProblemArea::ALL.get(a)).map(|a| a.id()),
                            "p_adjusted": r.p_adjusted,
                        })).collect::<Vec<_>>(),
                    })),
                    "time_classes": rep.times.as_ref().map(|t| self.time_classes_value(t)),
                }),
            );
        }
        if let Outcome::Done(p) = &self.patrol
            && !p.zones.is_empty()
        {
            let order: Vec<usize> = p
                .route
                .as_ref()
                .map(|r| r.order.clone())
                .unwrap_or_default();
            m.insert(
                "patrol".into(),
                json!({
                    "radius_m": self.params.patrol_radius_m,
                    "covered_harm_share": p.covered_share(),
                    "route_m": p.route.as_ref().map_or(0.0, |r| r.length_m),
                    "route_order": order.iter().map(|k| k + 1).collect::<Vec<_>>(),
                    "zones": p.zones.iter().map(|z| json!({
                        "rank": z.rank,
                        "incidents": self.cv(z.incidents as u64),
                        "harm": z.harm,
                        "pai": z.pai,
                        "windows": z.windows.label(),
                        "hours": names::hours_text(&z.windows.merged()),
                        "place": self.names.patrol(z.rank.saturating_sub(1)),
                        "days": z.top_days.iter().map(|d| WEEKDAYS[*d]).collect::<Vec<_>>(),
                        "any_day": z.top_days.is_empty(),
                        "weekday_p_adjusted": z.profile.weekday.p_adjusted,
                        "hour_p_adjusted": z.profile.hour.p_adjusted,
                    })).collect::<Vec<_>>(),
                    "holdout": self.holdout_value(p),
                }),
            );
        }
        if let Some(v) = extra::repeats_value(self) {
            m.insert("repeats".into(), v);
        }
        if let Some(v) = extra::followup_value(self) {
            m.insert("followup".into(), v);
        }
        if let Some(v) = aoristic::week_hour_value(self) {
            m.insert("week_hour".into(), v);
        }
        if let Some(v) = perception::perception_value(self) {
            m.insert("perception".into(), v);
        }
        Value::Object(m)
    }
}

impl Situation {
    /// `analyses.schools.time_classes` of `summary.json`: the school hours and time zone used, how
    /// the times were used, and per school (all problem areas) the incidents with an hour, the share
    /// of each class (aoristic weights) and the out-of-hours share against elsewhere; shares and
    /// p-values only where the count is shown.
    fn time_classes_value(&self, t: &crate::schools::times::TimeClasses) -> Value {
        use crate::schools::TimeClass;
        let fin = |v: f64| v.is_finite().then_some(v);
        json!({
            "school_hours": [t.school_hours.0, t.school_hours.1],
            "timezone": self.params.aoristic.timezone.name(),
            "max_time_span_days": self.params.aoristic.max_span_days,
            "comparison_area": t.comparison_area,
            "exact": self.cv(t.totals.exact),
            "interval": self.cv(t.totals.interval),
            "time_unknown": self.cv(t.totals.unknown),
            "schools": t.rows.iter().filter(|r| r.problem_area.is_none()).map(|r| {
                let shown = self.count(r.known_hour).is_some();
                let shares = r.shares();
                json!({
                    "school": self.schools.get(r.school).map(|s| s.name.clone()),
                    "known_hour": self.cv(r.known_hour),
                    "shares": shown.then(|| {
                        TimeClass::ALL[..5]
                            .iter()
                            .zip(shares)
                            .map(|(c, v)| (c.as_str().to_string(), json!(fin(v))))
                            .collect::<serde_json::Map<_, _>>()
                    }),
                    "out_of_hours_share": fin(r.share).filter(|_| shown),
                    "baseline_share": fin(r.baseline_share),
                    "p_value": fin(r.p_value).filter(|_| shown),
                })
            }).collect::<Vec<_>>(),
        })
    }

    /// `analyses.patrol.holdout` of `summary.json`: the out-of-sample check of the patrol zones
    /// (status, the months, hit rate and PAI in sample and held out, refitted), or why it was not made.
    fn holdout_value(&self, p: &PatrolPlan) -> Value {
        use crate::patrol::HoldoutOutcome;
        match &p.holdout {
            HoldoutOutcome::Off => json!({"status": "off"}),
            HoldoutOutcome::NotScored { reason } => {
                json!({"status": "not_scored", "reason": reason})
            }
            HoldoutOutcome::Scored(h) => {
                let fin = |v: f64| v.is_finite().then_some(v);
                json!({
                    "status": "scored",
                    "training_from": h.split.first_month.to_string(),
                    "holdout_from": h.split.holdout_from.to_string(),
                    "holdout_to": h.split.last_month.to_string(),
                    "holdout_months": h.split.holdout_months,
                    "holdout_is_default": h.split.holdout_is_default,
                    "scored": h.scored,
                    "training_incidents": self.cv(h.split.train_incidents as u64),
                    "holdout_incidents": self.cv(h.split.test_incidents as u64),
                    "area_share": h.score.area_share,
                    "in_sample_hit_rate": fin(h.score.in_sample.hit_rate),
                    "in_sample_pai": fin(h.score.in_sample.pai),
                    "holdout_hit_rate": fin(h.score.held_out.hit_rate),
                    "holdout_pai": fin(h.score.held_out.pai),
                    "refitted": h.refitted,
                })
            }
        }
    }
}

/// The Gi* class of a confidence bin: 3, 2, 1 (hot 99/95/90 %) and -3, -2, -1 (cold) → 0..6.
pub fn gi_class(bin: i8) -> Option<usize> {
    match bin {
        3 => Some(0),
        2 => Some(1),
        1 => Some(2),
        -3 => Some(3),
        -2 => Some(4),
        -1 => Some(5),
        _ => None,
    }
}

/// The `all` rows of a school report (one per school) in rank order.
pub fn school_ranking(rep: &SchoolReport) -> Vec<&crate::schools::ZoneRow> {
    let mut rows: Vec<&crate::schools::ZoneRow> = rep
        .rows
        .iter()
        .filter(|r| r.problem_area.is_none())
        .collect();
    rows.sort_by_key(|r| r.rank);
    rows
}

impl Serialize for Situation {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.analyses_value().serialize(serializer)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod town_scene_tests;
