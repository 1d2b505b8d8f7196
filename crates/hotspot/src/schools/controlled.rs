//! Schools against comparable places: the location quotient, a matched placebo comparison, Holm-adjusted
//! p-values and a `higher`/`lower`/`none` flag.
//!
//! The rate ratio of [`super::analyse`] compares a school zone with the rest of the study area, mostly
//! forest and lakes in a rural municipality, so every zone in a town looks "significant". The functions
//! here compare a zone with **comparable places** inside a comparison area ([`ComparisonArea`]: the study
//! area, or the area at risk once it is given as polygons or a mask). Only incidents inside the comparison
//! area count, in the zone and elsewhere.
//!
//! # Location quotient ([`controlled`])
//! `LQ = (n_zk / n_z) / (N_k / N)`: the problem area's share of the zone's incidents over its share of all
//! incidents in the comparison area (Brantingham, P. L. & Brantingham, P. J. 1995, "Location quotients
//! and crime hot spots in the city", in Block, Dabdoub & Fregly (eds.), *Crime Analysis through Computer
//! Mapping*, 129-149). Conditional on the zone's total `n_z`, `n_zk ~ Binomial(n_z, π)`, so the exact
//! (Clopper & Pearson 1934) interval for `π` divided by `N_k / N` is an exact interval for the LQ
//! (the comparison-area share is treated as known: `N` is large).
//!
//! # Placebo comparison
//! The zone's count `n_zk` is compared with zones of the same radius at comparable places:
//! 1. **Where placebos go.** `placebos` centres (default 19,999) are drawn, with replacement and uniformly,
//!    from the positions of the comparison-area incidents farther than `2r` from every school (so a placebo
//!    zone never overlaps a school zone). Drawing from incidents, not from the map, puts placebos where
//!    incidents happen: streets, the centre, housing estates, not forest.
//! 2. **Matching.** Each zone is matched on the all-incident count of its surroundings, the ring from `r` to
//!    `2r` around it (a school's own excess is inside its zone, so it does not move its ring): the
//!    `matched` placebos (default 1,999) with the nearest `ln(1 + ring)` (ties to the earlier draw). Their
//!    counts are rescaled to the school's surroundings, `e_c = n_ck · (ring_z + 1) / (ring_c + 1)`, which
//!    removes the remaining first-order difference in busyness.
//! 3. **Test.** The permutation-type p-value (Phipson & Smyth 2010, *Stat. Appl. Genet. Mol. Biol.* 9(1):39)
//!    `p_hi = (1 + #{e_c ≥ n_zk}) / (M + 1)`, `p_lo = (1 + #{e_c ≤ n_zk}) / (M + 1)`, two-sided
//!    `placebo_p = min(1, 2·min(p_hi, p_lo))`; `placebo_excess = n_zk − median(e_c)`.
//! 4. **Both controls must agree.** The placebo test controls for busyness (as many incidents of the
//!    kind as equally busy surroundings), the location quotient for the mix (the kind is a larger share
//!    of what happens in the zone than of what happens in the comparison area). Either alone is fooled:
//!    a school at the centre of a small village (the village a bump about the zone's size) has more of
//!    *everything* than places with an equally busy ring, but the village's usual mix (placebo
//!    significant, LQ ≈ 1); a school in a quiet block may have an unusual mix of very few incidents. A
//!    school is flagged only where both say so: the intersection-union test (Berger, R. L. 1982,
//!    "Multiparameter hypothesis testing and acceptance sampling", *Technometrics* 24, 295-300) with
//!    `p = max(placebo_p, lq_p)`, where `lq_p` is the exact two-sided binomial test of
//!    `n_zk ~ Binomial(n_z, N_k / N)` (LQ = 1). `p` is a valid p-value for the union null ("no excess
//!    over comparable places *or* no excess in the mix").
//! 5. **Multiplicity.** `p_adjusted` is Holm's (1979, *Scand. J. Statist.* 6, 65-70) step-down adjustment
//!    of that `p` across every school × problem area (the `all` rows are not tested). `flag` is `higher`
//!    when `p_adjusted < alpha`, the placebo excess is positive and LQ > 1, `lower` when both point
//!    down, `none` otherwise.
//!
//! A polygon school's zone is not a circle; its placebos are circles of the same area (radius
//! `sqrt(A/π)`) and rings of the same width `r`. Placebo circles are not clipped to the study area
//! (centres are incident positions, rarely at its edge).
//!
//! Determinism: the draws come from one ChaCha8 stream seeded with `seed`, taken in order before any
//! parallel work; the counts are computed per placebo and collected in order, so the result is the same at
//! any thread count.
//!
//! # Out of hours
//! The out-of-hours share against the same problem area elsewhere is in [`super::times`] (aoristic
//! weights, the same comparison area).

use super::{ProblemAreas, SchoolReport, SchoolShape};
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::DiscCounter;
use crate::stats::poisson::{binomial_test_two_sided, clopper_pearson};
use crate::study_area::StudyArea;
use geo::{Intersects, MultiPolygon, Point};
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

/// The comparison area of the controlled comparison ("elsewhere").
#[derive(Clone, Copy)]
pub enum ComparisonArea<'a> {
    /// The whole study area (the default until the area at risk is given).
    StudyArea,
    /// Polygons in metres, e.g. the area at risk; incidents must also be in the study area.
    Polygons(&'a MultiPolygon<f64>),
    /// A mask: `true` when the point (metres) belongs to the comparison area.
    Mask(&'a (dyn Fn(f64, f64) -> bool + Sync)),
}

impl std::fmt::Debug for ComparisonArea<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::StudyArea => f.write_str("StudyArea"),
            Self::Polygons(p) => write!(f, "Polygons({} parts)", p.0.len()),
            Self::Mask(_) => f.write_str("Mask"),
        }
    }
}

impl ComparisonArea<'_> {
    /// Whether `(x, y)` is in the comparison area (the study area test is done by the caller).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        match self {
            Self::StudyArea => true,
            Self::Polygons(p) => p.intersects(&Point::new(x, y)),
            Self::Mask(m) => m(x, y),
        }
    }

    /// Name for method notes: `study-area`, `polygons` or `mask`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::StudyArea => "study-area",
            Self::Polygons(_) => "polygons",
            Self::Mask(_) => "mask",
        }
    }
}

/// Checked parameters of the controlled comparison.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ControlParams {
    placebos: usize,
    matched: usize,
    seed: u64,
    alpha: f64,
}

impl Default for ControlParams {
    fn default() -> Self {
        Self {
            placebos: 19_999,
            matched: 1_999,
            seed: 15,
            alpha: 0.05,
        }
    }
}

impl ControlParams {
    /// `placebos` centres drawn (≥ `matched`, ≤ 1,000,000), `matched` compared with each zone (≥ 19),
    /// random `seed`, significance level `alpha` of the flag (0 < alpha < 1).
    ///
    /// With `m` matched placebos the smallest two-sided p-value is `2/(m+1)`; Holm over `T` tests needs
    /// `2T/(m+1) < alpha`, so choose `m ≥ 40·T` at alpha 0.05 (the default 1,999 serves 50 tests).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `placebos`, `matched` or `alpha`.
    pub fn new(placebos: usize, matched: usize, seed: u64, alpha: f64) -> Result<Self> {
        if matched < 19 {
            return Err(Error::invalid(
                "matched",
                matched,
                "compare each zone with at least 19 placebos (default 1999)",
            ));
        }
        if !(matched..=1_000_000).contains(&placebos) {
            return Err(Error::invalid(
                "placebos",
                placebos,
                format!(
                    "draw between matched ({matched}) and 1000000 placebo zones (default 19999)"
                ),
            ));
        }
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(Error::invalid(
                "alpha",
                alpha,
                "must be strictly between 0 and 1",
            ));
        }
        Ok(Self {
            placebos,
            matched,
            seed,
            alpha,
        })
    }

    /// Placebo zones drawn.
    pub fn placebos(&self) -> usize {
        self.placebos
    }
    /// Placebos matched to each zone.
    pub fn matched(&self) -> usize {
        self.matched
    }
    /// Random seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Significance level of the flag.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
}

/// The controlled verdict on a school and problem area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    /// More than at comparable places (Holm-adjusted p < alpha, positive excess).
    Higher,
    /// Fewer than at comparable places.
    Lower,
    /// Not distinguishable from comparable places (or not tested: the `all` row).
    None,
}

impl Flag {
    /// `higher`, `lower` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Higher => "higher",
            Flag::Lower => "lower",
            Flag::None => "none",
        }
    }
}

/// One school × problem area of the controlled comparison (the columns of `school_zones.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ControlledRow {
    /// Index of the school in the input slice.
    pub school: usize,
    /// Problem area index, `None` for all.
    pub problem_area: Option<usize>,
    /// Incidents of the zone inside the comparison area (all problem areas).
    pub zone_incidents: u64,
    /// Of them in this problem area.
    pub incidents: u64,
    /// `(n_zk / n_z) / (N_k / N)` (`NaN` for an empty zone or an absent problem area).
    pub location_quotient: f64,
    /// Exact lower limit of the LQ.
    pub lq_lower: f64,
    /// Exact upper limit of the LQ.
    pub lq_upper: f64,
    /// The zone's surroundings: incidents at distance `(r, 2r]`.
    pub ring_incidents: u64,
    /// Median of the matched, rescaled placebo counts.
    pub placebo_median: f64,
    /// `incidents − placebo_median`.
    pub placebo_excess: f64,
    /// Two-sided placebo p-value.
    pub placebo_p: f64,
    /// Exact two-sided binomial p-value of LQ = 1 (1 for the `all` row and an empty zone).
    pub lq_p: f64,
    /// Holm-adjusted `max(placebo_p, lq_p)` (`None` for the `all` row, which is not tested).
    pub p_adjusted: Option<f64>,
    /// The controlled verdict.
    pub flag: Flag,
    /// 1 = largest placebo excess among schools for this problem area.
    pub controlled_rank: usize,
}

/// Everything [`controlled`] computes, with what it was compared with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ControlledReport {
    /// Parameters used.
    pub params: ControlParams,
    /// `study-area`, `polygons` or `mask`.
    pub comparison_area: &'static str,
    /// Incidents in the comparison area.
    pub comparison_incidents: u64,
    /// Incidents eligible as placebo centres (farther than `2r` from every school).
    pub eligible_centres: usize,
    /// Rows in the order of `report.rows` (per school: `all`, then each problem area).
    pub rows: Vec<ControlledRow>,
}

/// Holm's step-down adjusted p-values (Holm 1979), in the input order:
/// `p_(i)adj = max_{j ≤ i} min(1, (T − j + 1) p_(j))` over the ascending order (ties by input position).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let t = p.len();
    let mut order: Vec<usize> = (0..t).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut out = vec![f64::NAN; t];
    let mut running = 0.0f64;
    for (j, &i) in order.iter().enumerate() {
        let v = ((t - j) as f64 * p[i]).min(1.0);
        running = running.max(v);
        out[i] = running;
    }
    out
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

/// Per placebo centre: counts per problem area inside the radius, and the ring count.
type PlaceboCounts = Vec<(Vec<u32>, u64)>;

/// The placebo counts: per centre, per problem area inside radius `rho`, and the ring `(rho, rho + r]`.
/// Exact disc counts from a [`DiscCounter`] over the comparison-area incidents (the same `d² ≤ radius²`
/// predicate as an R-tree radius query, about a tenth of the work for thousands of placebos in a town).
fn placebo_counts(
    counter: &DiscCounter,
    n_areas: usize,
    centres: &[[f64; 2]],
    rho: f64,
    r: f64,
) -> PlaceboCounts {
    centres
        .par_iter()
        .map(|c| {
            let mut k = vec![0u32; n_areas];
            let inner = counter.count(c[0], c[1], rho, &mut k);
            let outer = counter.total(c[0], c[1], rho + r);
            (k, outer.saturating_sub(inner))
        })
        .collect()
}

/// The flag of one tested row: `higher` when the adjusted p is below `alpha` and both the placebo
/// excess and `LQ − 1` are positive, `lower` when both are negative, else `none`.
pub fn flag_of(p_adjusted: f64, alpha: f64, placebo_excess: f64, lq: f64) -> Flag {
    if !(p_adjusted < alpha) {
        Flag::None
    } else if placebo_excess > 0.0 && lq > 1.0 {
        Flag::Higher
    } else if placebo_excess < 0.0 && lq < 1.0 {
        Flag::Lower
    } else {
        Flag::None
    }
}

/// The controlled comparison of every zone of `report` (from [`super::analyse`] on the same `incidents`,
/// `areas`, `schools`, `study` and zone radius `radius_m`); see the module documentation.
///
/// # Errors
/// [`Error::InvalidParameter`] when `areas` does not describe `incidents`, `radius_m` is not positive, or
/// the report names a school beyond `schools`; [`Error::InsufficientData`] when no comparison-area
/// incident lies farther than `2r` from every school (no place to put a placebo).
#[allow(clippy::too_many_arguments)] // the inputs of analyse() plus the comparison and its parameters
pub fn controlled(
    incidents: &Incidents,
    areas: &ProblemAreas,
    schools: &[super::School],
    report: &SchoolReport,
    study: &StudyArea,
    radius_m: f64,
    comparison: ComparisonArea<'_>,
    params: &ControlParams,
) -> Result<ControlledReport> {
    if areas.len() != incidents.len() {
        return Err(Error::invalid(
            "problem_areas",
            format!("{} incidents described", areas.len()),
            format!("must describe all {} incidents", incidents.len()),
        ));
    }
    if !(radius_m > 0.0 && radius_m.is_finite()) {
        return Err(Error::invalid("radius_m", radius_m, "must be > 0"));
    }
    if let Some(z) = report.zones.iter().find(|z| z.school >= schools.len()) {
        return Err(Error::invalid(
            "report",
            z.school,
            "the report names a school beyond the schools given: pass the same schools",
        ));
    }
    let r = radius_m;
    let n_areas = areas.names().len();
    let (x, y) = (incidents.x(), incidents.y());
    // Comparison incidents: inside the study area and the comparison area.
    let in_pop: Vec<bool> = (0..incidents.len())
        .map(|i| study.contains(x[i], y[i]) && comparison.contains(x[i], y[i]))
        .collect();
    let pop: Vec<usize> = (0..incidents.len()).filter(|&i| in_pop[i]).collect();
    let total_n = pop.len() as u64;
    let mut total_k = vec![0u64; n_areas];
    for &i in &pop {
        total_k[areas.area_of()[i]] += 1;
    }
    let zone_schools: Vec<&super::School> =
        report.zones.iter().map(|z| &schools[z.school]).collect();
    let eligible: Vec<usize> = pop
        .iter()
        .copied()
        .filter(|&i| {
            zone_schools
                .iter()
                .all(|s| s.distance_to(x[i], y[i]) > 2.0 * r)
        })
        .collect();
    if eligible.is_empty() {
        return Err(Error::InsufficientData(format!(
            "no incident lies farther than {} m (twice the zone radius) from every school: no comparable place for a placebo zone; use a smaller radius or a larger comparison area",
            2.0 * r
        )));
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(params.seed);
    let centres: Vec<[f64; 2]> = (0..params.placebos)
        .map(|_| {
            let i = eligible[rng.random_range(0..eligible.len())];
            [x[i], y[i]]
        })
        .collect();
    let px: Vec<f64> = pop.iter().map(|&i| x[i]).collect();
    let py: Vec<f64> = pop.iter().map(|&i| y[i]).collect();
    let pop_area: Vec<usize> = pop.iter().map(|&i| areas.area_of()[i]).collect();
    let counter = DiscCounter::new(&px, &py, &pop_area, n_areas, r / 12.0);

    // Placebo radius per zone: r for point schools, the equal-area radius for grounds.
    let rho_of = |z: &super::SchoolZone| match schools[z.school].shape {
        SchoolShape::Point(_) => r,
        SchoolShape::Area(_) => (z.area_km2 * 1e6 / std::f64::consts::PI).sqrt(),
    };
    let mut cache: Vec<(f64, PlaceboCounts)> = Vec::new();
    let mut rows_by_zone: Vec<Vec<ControlledRow>> = Vec::with_capacity(report.zones.len());
    for z in &report.zones {
        let rho = rho_of(z);
        let ci = match cache.iter().position(|(q, _)| *q == rho) {
            Some(p) => p,
            None => {
                cache.push((rho, placebo_counts(&counter, n_areas, &centres, rho, r)));
                cache.len() - 1
            }
        };
        let counts = &cache[ci].1;
        let school = &schools[z.school];
        let members: Vec<usize> = z.members.iter().copied().filter(|&i| in_pop[i]).collect();
        let mut zk = vec![0u64; n_areas];
        for &i in &members {
            zk[areas.area_of()[i]] += 1;
        }
        let nz = members.len() as u64;
        let ring_z = pop
            .iter()
            .filter(|&&i| {
                let d = school.distance_to(x[i], y[i]);
                d > r && d <= 2.0 * r
            })
            .count() as u64;
        // Matched placebos: nearest ln(1 + ring), ties to the earlier draw.
        let lz = (1.0 + ring_z as f64).ln();
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by(|&a, &b| {
            let da = ((1.0 + counts[a].1 as f64).ln() - lz).abs();
            let db = ((1.0 + counts[b].1 as f64).ln() - lz).abs();
            da.total_cmp(&db).then(a.cmp(&b))
        });
        order.truncate(params.matched);
        let m = order.len() as f64;
        let scale: Vec<f64> = order
            .iter()
            .map(|&c| (ring_z as f64 + 1.0) / (counts[c].1 as f64 + 1.0))
            .collect();
        let mut rows = Vec::with_capacity(n_areas + 1);
        for k in std::iter::once(None).chain((0..n_areas).map(Some)) {
            let (obs, share_k) = match k {
                None => (nz, 1.0),
                Some(k) => (zk[k], total_k[k] as f64 / total_n as f64),
            };
            let (lq, lo, hi) = if nz == 0 || !(share_k > 0.0) {
                (f64::NAN, f64::NAN, f64::NAN)
            } else {
                let (a, b) = clopper_pearson(obs, nz, 0.95)?;
                (obs as f64 / nz as f64 / share_k, a / share_k, b / share_k)
            };
            let lq_p = if k.is_some() && nz > 0 && share_k > 0.0 && share_k < 1.0 {
                binomial_test_two_sided(obs, nz, share_k)?
            } else {
                1.0
            };
            let mut e: Vec<f64> = order
                .iter()
                .zip(&scale)
                .map(|(&c, &s)| {
                    let n: u32 = match k {
                        None => counts[c].0.iter().sum(),
                        Some(k) => counts[c].0[k],
                    };
                    n as f64 * s
                })
                .collect();
            let o = obs as f64;
            // Equality within floating tolerance counts on both sides.
            let tol = 1e-9 * o.max(1.0);
            let ge = e.iter().filter(|&&v| v >= o - tol).count() as f64;
            let le = e.iter().filter(|&&v| v <= o + tol).count() as f64;
            let p = (2.0 * ((1.0 + ge) / (m + 1.0)).min((1.0 + le) / (m + 1.0))).min(1.0);
            let med = median(&mut e);
            rows.push(ControlledRow {
                school: z.school,
                problem_area: k,
                zone_incidents: nz,
                incidents: obs,
                location_quotient: lq,
                lq_lower: lo,
                lq_upper: hi,
                ring_incidents: ring_z,
                placebo_median: med,
                placebo_excess: o - med,
                placebo_p: p,
                lq_p,
                p_adjusted: None,
                flag: Flag::None,
                controlled_rank: 0,
            });
        }
        rows_by_zone.push(rows);
    }
    // Intersection-union p (placebo and LQ), Holm across school × problem area.
    let tested: Vec<(usize, usize)> = (0..rows_by_zone.len())
        .flat_map(|z| (1..=n_areas).map(move |j| (z, j)))
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .map(|&(z, j)| {
            let r = &rows_by_zone[z][j];
            r.placebo_p.max(r.lq_p)
        })
        .collect();
    for (&(z, j), adj) in tested.iter().zip(holm(&p)) {
        let row = &mut rows_by_zone[z][j];
        row.p_adjusted = Some(adj);
        row.flag = flag_of(adj, params.alpha, row.placebo_excess, row.location_quotient);
    }
    // Controlled ranks within each column (j indexes the inner row lists).
    #[allow(clippy::needless_range_loop)]
    for j in 0..=n_areas {
        let mut order: Vec<usize> = (0..rows_by_zone.len()).collect();
        order.sort_by(|&a, &b| {
            rows_by_zone[b][j]
                .placebo_excess
                .total_cmp(&rows_by_zone[a][j].placebo_excess)
                .then_with(|| {
                    schools[report.zones[a].school]
                        .name
                        .cmp(&schools[report.zones[b].school].name)
                })
        });
        for (rank, &z) in order.iter().enumerate() {
            rows_by_zone[z][j].controlled_rank = rank + 1;
        }
    }
    // Rows in report.rows order.
    let mut rows = Vec::with_capacity(report.rows.len());
    for rr in &report.rows {
        if let Some(zi) = report.zones.iter().position(|z| z.school == rr.school) {
            let j = rr.problem_area.map_or(0, |k| k + 1);
            rows.push(rows_by_zone[zi][j].clone());
        }
    }
    Ok(ControlledReport {
        params: *params,
        comparison_area: comparison.label(),
        comparison_incidents: total_n,
        eligible_centres: eligible.len(),
        rows,
    })
}
