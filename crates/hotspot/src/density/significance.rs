//! Monte-Carlo significance thresholds for a density surface: how high would the surface get if incidents fell at random?
//!
//! Each simulation places the same number of incidents, with the same weights,
//! at random: by default uniformly in the **area at risk** when one is given
//! ([`SignificanceOptions::at_risk`]: towns and villages, not lakes and forest),
//! or at the positions of control incidents (other categories; random
//! labelling), else uniformly in the study area (rejection sampling in its
//! bounding box) or the incidents' bounding box (complete spatial randomness,
//! which any town passes), and computes the
//! surface with the same kernel, bandwidth (for the adaptive estimate: the same
//! `k` and floor on the simulated points), units and grid. The statistic kept
//! from each simulation is its **highest cell value**; with `S` simulations the
//! threshold at level `1 - alpha` is the `ceil((1 - alpha)(S + 1))`-th smallest of
//! the `S` maxima (the Monte-Carlo test of Besag & Diggle 1977, *Applied
//! Statistics* 26, 327-333). A cell above the 95% threshold is therefore higher
//! than complete spatial randomness produces *anywhere on the grid* in 95% of
//! simulations: a family-wise level, so no multiple-testing correction is needed.
//!
//! Simulation `s` draws from ChaCha8 seeded with `seed` on stream `s`, and
//! simulations run in parallel; the result is the same for any thread count.
//! Cost: `S` surfaces, i.e. `S` times the cost of [`Kde::estimate`].

use super::bandwidth::{Bandwidth, adaptive_bandwidths};
use super::kde::{DensitySurface, Kde, Resolved, scatter};
use crate::area_at_risk::AreaAtRisk;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Options of the Monte-Carlo thresholds.
#[derive(Clone, Debug)]
pub struct SignificanceOptions {
    /// Number of simulations, 99..=9999 (99 is enough for the 99% level).
    pub simulations: usize,
    /// Seed of the random placement.
    pub seed: u64,
    /// Where random incidents fall; `None`: the incidents' bounding box.
    pub area: Option<StudyArea>,
    /// The area at risk: when given, random incidents fall uniformly in its
    /// cells (a uniform cell, then a uniform point in it) instead of `area`.
    pub at_risk: Option<AreaAtRisk>,
    /// Control incidents (e.g. the other categories): when given, each
    /// simulation draws the incidents' positions at random, with replacement,
    /// from these positions (random labelling, Kelsall & Diggle 1995), so the
    /// test asks whether the incidents are more concentrated than the control.
    /// Takes precedence over `at_risk` and `area`.
    pub control: Option<(Vec<f64>, Vec<f64>)>,
}

impl Default for SignificanceOptions {
    fn default() -> Self {
        Self {
            simulations: 99,
            seed: 1,
            area: None,
            at_risk: None,
            control: None,
        }
    }
}

/// Densities above which a cell is unusual under random placement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignificanceThresholds {
    /// 95% threshold, in the surface's units.
    pub p95: f64,
    /// 99% threshold, in the surface's units.
    pub p99: f64,
    /// Number of simulations.
    pub simulations: usize,
    /// Seed used.
    pub seed: u64,
    /// `study-area`, `incident-extent`, `area-at-risk` or `control-incidents`.
    pub placement: &'static str,
    /// The statistic per simulation: `max-cell`.
    pub statistic: &'static str,
}

/// Uniform points in `area` (rejection sampling) or in the box `[a, b, c, d]`.
fn random_points(
    rng: &mut ChaCha8Rng,
    n: usize,
    bbox: [f64; 4],
    area: Option<&StudyArea>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let [a, b, c, d] = bbox;
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    let max_tries = 1000usize.saturating_mul(n.max(1));
    let mut tries = 0usize;
    while x.len() < n {
        let px = a + (c - a) * rng.random::<f64>();
        let py = b + (d - b) * rng.random::<f64>();
        tries += 1;
        if area.is_none_or(|s| s.contains(px, py)) {
            x.push(px);
            y.push(py);
        } else if tries > max_tries {
            return Err(Error::InsufficientData(
                "the study area covers too little of its bounding box for random placement".into(),
            ));
        }
    }
    Ok((x, y))
}

/// Uniform points in the union of `cells` of `spec`: a uniform cell, then a uniform point in it.
fn random_in_cells(
    rng: &mut ChaCha8Rng,
    n: usize,
    cells: &[usize],
    spec: &crate::grid::GridSpec,
) -> (Vec<f64>, Vec<f64>) {
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let k = cells[rng.random_range(0..cells.len())];
        let (c, r) = spec.col_row(k);
        let [x0, y0, _, _] = spec.cell_bounds(c, r);
        x.push(x0 + spec.cell_m * rng.random::<f64>());
        y.push(y0 + spec.cell_m * rng.random::<f64>());
    }
    (x, y)
}

/// Monte-Carlo thresholds for `surface`, which `kde` computed from `inc`.
///
/// # Errors
/// [`Error::InvalidParameter`] for fewer than 99 or more than 9999 simulations;
/// [`Error::InsufficientData`] when there are no incidents, or they span no area
/// and no study area is given.
pub fn monte_carlo_thresholds(
    kde: &Kde,
    inc: &Incidents,
    surface: &DensitySurface,
    opts: &SignificanceOptions,
) -> Result<SignificanceThresholds> {
    let s = opts.simulations;
    if !(99..=9999).contains(&s) {
        return Err(Error::invalid(
            "simulations",
            s,
            "use 99 to 9999 simulations (at least 99 for a 99% threshold)",
        ));
    }
    if inc.is_empty() {
        return Err(Error::InsufficientData(
            "no incidents to place at random; significance needs at least one".into(),
        ));
    }
    let at_risk_cells: Option<Vec<usize>> = opts.at_risk.as_ref().map(|a| {
        (0..a.spec().len())
            .filter(|&k| a.contains_cell(k))
            .collect()
    });
    if let Some((cx, cy)) = &opts.control
        && (cx.is_empty() || cx.len() != cy.len())
    {
        return Err(Error::InsufficientData(
            "no control incidents to draw positions from; give at least one".into(),
        ));
    }
    if at_risk_cells.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::InsufficientData(
            "the area at risk holds no cell for random placement".into(),
        ));
    }
    let (bbox, placement) = match &opts.area {
        _ if opts.control.is_some() => ([0.0; 4], "control-incidents"),
        _ if at_risk_cells.is_some() => ([0.0; 4], "area-at-risk"),
        Some(a) => (a.bbox(), "study-area"),
        None => {
            let b = inc.bbox().unwrap_or([0.0; 4]);
            if !(b[2] > b[0] && b[3] > b[1]) {
                return Err(Error::InsufficientData(
                    "the incidents span no area (all on one point or line); give a study area for random placement".into(),
                ));
            }
            (b, "incident-extent")
        }
    };
    let grid = surface.raster.spec;
    let opts_k = kde.options();
    let maxima: Vec<f64> = (0..s)
        .into_par_iter()
        .map(|sim| -> Result<f64> {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            rng.set_stream(sim as u64);
            let (x, y) = match (&opts.control, &at_risk_cells, &opts.at_risk) {
                (Some((cx, cy)), _, _) => {
                    let n = inc.len();
                    let mut x = Vec::with_capacity(n);
                    let mut y = Vec::with_capacity(n);
                    for _ in 0..n {
                        let j = rng.random_range(0..cx.len());
                        x.push(cx[j]);
                        y.push(cy[j]);
                    }
                    (x, y)
                }
                (None, Some(cells), Some(a)) => {
                    random_in_cells(&mut rng, inc.len(), cells, a.spec())
                }
                _ => random_points(&mut rng, inc.len(), bbox, opts.area.as_ref())?,
            };
            let resolved = match opts_k.bandwidth {
                Bandwidth::Adaptive { k, min_m } => {
                    let sim_inc = Incidents::from_xy(inc.crs(), &x, &y)?;
                    let (h, _) = adaptive_bandwidths(&sim_inc, k, min_m.unwrap_or(grid.cell_m))?;
                    Resolved::PerIncident(h)
                }
                _ => Resolved::Fixed(surface.bandwidth.bandwidth_m),
            };
            let v = scatter(
                &grid,
                surface.kernel,
                surface.units,
                &x,
                &y,
                inc.weights(),
                &resolved,
            );
            Ok(v.into_iter().fold(0.0, f64::max))
        })
        .collect::<Result<Vec<f64>>>()?;
    let mut sorted = maxima;
    sorted.sort_by(f64::total_cmp);
    let at = |level: f64| {
        let k = (level * (s as f64 + 1.0)).ceil() as usize;
        sorted[k.clamp(1, s) - 1]
    };
    Ok(SignificanceThresholds {
        p95: at(0.95),
        p99: at(0.99),
        simulations: s,
        seed: opts.seed,
        placement,
        statistic: "max-cell",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::density::KdeOptions;
    use geo::polygon;

    fn cluster_plus_noise() -> Incidents {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..150 {
            if i < 50 {
                x.push(1000.0 + rng.random_range(-60.0..60.0));
                y.push(1000.0 + rng.random_range(-60.0..60.0));
            } else {
                x.push(rng.random_range(0.0..4000.0));
                y.push(rng.random_range(0.0..4000.0));
            }
        }
        Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap()
    }

    #[test]
    fn a_real_cluster_exceeds_the_99_percent_threshold_and_results_are_thread_independent() {
        let inc = cluster_plus_noise();
        let kde = Kde::new(KdeOptions::new(300.0, 100.0)).unwrap();
        let s = kde.estimate(&inc).unwrap();
        let opts = SignificanceOptions::default();
        let run = |t: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            pool.install(|| monte_carlo_thresholds(&kde, &inc, &s, &opts).unwrap())
        };
        let a = run(1);
        assert_eq!(a, run(3));
        assert!(a.p99 >= a.p95 && a.p95 > 0.0);
        // Uniform mean density is 150 / 16 km2 ~ 9.4 per km2; random maxima are higher,
        // the 50-incident cluster (about 50 * 3/pi / 0.09 ~ 530 per km2) far higher.
        assert!(a.p95 > 9.4, "{a:?}");
        assert!(s.raster.max().unwrap() > a.p99, "{a:?}");
        let other = monte_carlo_thresholds(
            &kde,
            &inc,
            &s,
            &SignificanceOptions {
                seed: 2,
                ..opts.clone()
            },
        )
        .unwrap();
        assert_ne!(other.p95, a.p95);
    }

    #[test]
    fn random_points_stay_in_the_study_area() {
        let tri = StudyArea::new(geo::MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 0.0, y: 100.0)
        ]]))
        .unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (x, y) = random_points(&mut rng, 500, tri.bbox(), Some(&tri)).unwrap();
        assert!(x.iter().zip(&y).all(|(&a, &b)| tri.contains(a, b)));
        // Uniform: about half of the box's lower-left triangle lies below x + y = 70.7.
        let below = x
            .iter()
            .zip(&y)
            .filter(|(a, b)| *a + *b < 100.0 / 2f64.sqrt())
            .count();
        assert!((200..300).contains(&below), "{below}");
    }

    /// A town scene: a 4 x 4 km municipality of forest with a 1 x 1 km town and a 400 m village; every
    /// incident happens in town or village, uniformly over them (no place stands out). Against complete spatial randomness over the whole box any
    /// town is "significant"; against the area at risk an unremarkable town is not, and a planted
    /// 60 m micro-place still is.
    #[test]
    fn the_area_at_risk_threshold_tests_the_town_against_itself_not_against_the_forest() {
        use crate::area_at_risk::{AreaAtRisk, AreaAtRiskOptions};
        use crate::grid::GridSpec;
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let square = |x0: f64, y0: f64, s: f64| polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)];
        let town = geo::MultiPolygon::new(vec![
            square(1000.0, 1000.0, 1000.0),
            square(3000.0, 3000.0, 400.0),
        ]);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..400 {
            let (x0, y0, s) = if i % 29 < 4 {
                (3000.0, 3000.0, 400.0)
            } else {
                (1000.0, 1000.0, 1000.0)
            };
            x.push(x0 + rng.random_range(0.0..s));
            y.push(y0 + rng.random_range(0.0..s));
        }
        let plain = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap();
        let spec = GridSpec::new(0.0, 0.0, 100.0, 40, 40).unwrap();
        let at_risk = AreaAtRisk::build(
            spec,
            &AreaAtRiskOptions {
                at_risk: Some(town),
                ..Default::default()
            },
            &plain,
        )
        .unwrap();
        let box_area =
            StudyArea::new(geo::MultiPolygon::new(vec![square(0.0, 0.0, 4000.0)])).unwrap();
        let mut kopts = KdeOptions::new(250.0, 100.0);
        kopts.extent = crate::density::Extent::Grid(spec);
        let kde = Kde::new(kopts).unwrap();
        let thresholds = |inc: &Incidents, at: Option<AreaAtRisk>| {
            let s = kde.estimate(inc).unwrap();
            let o = SignificanceOptions {
                area: Some(box_area.clone()),
                at_risk: at,
                ..Default::default()
            };
            (
                s.raster.max().unwrap(),
                monte_carlo_thresholds(&kde, inc, &s, &o).unwrap(),
            )
        };
        let (max_plain, csr) = thresholds(&plain, None);
        let (_, risk) = thresholds(&plain, Some(at_risk.clone()));
        assert_eq!(
            (csr.placement, risk.placement),
            ("study-area", "area-at-risk")
        );
        // Random placement over the forest spreads incidents thin: its maxima are lower.
        assert!(risk.p95 > csr.p95, "{risk:?} vs {csr:?}");
        // The plain town beats CSR over the box, but not its own area at risk.
        assert!(max_plain > csr.p99, "{max_plain} vs {csr:?}");
        assert!(max_plain < risk.p99, "{max_plain} vs {risk:?}");
        // 40 incidents at one 60 m place in the town stand out even against the town.
        let (mut px, mut py) = (x.clone(), y.clone());
        for _ in 0..40 {
            px.push(1500.0 + rng.random_range(-30.0..30.0));
            py.push(1500.0 + rng.random_range(-30.0..30.0));
        }
        let planted = Incidents::from_xy(Crs::SWEREF99_TM, &px, &py).unwrap();
        let (max_planted, risk_planted) = thresholds(&planted, Some(at_risk));
        assert!(
            max_planted > risk_planted.p99,
            "{max_planted} vs {risk_planted:?}"
        );
    }

    #[test]
    fn too_few_simulations_is_refused() {
        let inc = cluster_plus_noise();
        let kde = Kde::new(KdeOptions::new(300.0, 100.0)).unwrap();
        let s = kde.estimate(&inc).unwrap();
        let o = SignificanceOptions {
            simulations: 19,
            ..Default::default()
        };
        assert!(monte_carlo_thresholds(&kde, &inc, &s, &o).is_err());
    }
}
