//! The global statistical picture of an incident set in one call (what `hotspot stats` prints):
//! centrography, the Clark & Evans nearest neighbour index, global Moran's I of the fishnet counts,
//! the Knox space-time test (when incidents have times) and, on request, Ripley's L with CSR
//! envelopes. Each part is computed by its own module; this one chooses their inputs once (the
//! fishnet scale, the permutation budget, the area for Ripley's radii) and records why a part was
//! not computed instead of failing the whole picture.

use crate::error::Result;
use crate::incident::Incidents;
use crate::stats::centrography::{Centrography, centrography};
use crate::stats::fishnet::Fishnet;
use crate::stats::knox::{Knox, KnoxParams, knox_incidents};
use crate::stats::moran::{GlobalMoran, global_moran};
use crate::stats::nearest_neighbour::{
    NearestNeighbourIndex, convex_hull_area, nearest_neighbour_index,
};
use crate::stats::optimized::choose_scale;
use crate::stats::ripley::{Ripley, RipleyParams, ripley};
use crate::stats::weights::SpatialWeights;
use crate::study_area::StudyArea;
use serde::Serialize;

/// Above this many `neighbour pairs x permutations` the Moran permutation p-value is skipped (its
/// cost is proportional to that product).
pub const MORAN_PERMUTATION_BUDGET: f64 = 2e9;

/// Radii of Ripley's L: this many steps up to a quarter of the square root of the area.
pub const RIPLEY_STEPS: usize = 10;

/// CSR simulations of Ripley's envelopes.
pub const RIPLEY_SIMULATIONS: usize = 99;

/// A part of the picture: its result, or why it was not computed. Serialises as the result itself,
/// or as `{"not_computed": reason}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Part<T> {
    /// The part's result.
    Done(T),
    /// Why the part was not computed (too few incidents, no times, ...).
    NotComputed {
        /// The reason, one sentence.
        not_computed: String,
    },
}

impl<T> Part<T> {
    fn from_result(r: Result<T>) -> Self {
        match r {
            Ok(v) => Part::Done(v),
            Err(e) => Part::NotComputed {
                not_computed: e.to_string(),
            },
        }
    }

    /// The result, when computed.
    pub fn done(&self) -> Option<&T> {
        match self {
            Part::Done(v) => Some(v),
            Part::NotComputed { .. } => None,
        }
    }
}

/// Parameters of [`global_stats`] (the flags of `hotspot stats`).
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalParams {
    /// Fishnet cell size for Moran's I, metres (`None`: chosen, [`choose_scale`]).
    pub cell_m: Option<f64>,
    /// Distance band for Moran's I, metres (`None`: chosen).
    pub distance_m: Option<f64>,
    /// Knox: pairs closer than this in space, metres.
    pub knox_distance_m: f64,
    /// Knox: pairs closer than this in time, days.
    pub knox_days: f64,
    /// Permutations of the Moran and Knox Monte-Carlo p-values.
    pub permutations: usize,
    /// Also compute Ripley's L.
    pub ripley: bool,
    /// Seed of every random draw.
    pub seed: u64,
}

impl Default for GlobalParams {
    /// The defaults of `hotspot stats`: scale chosen, Knox within 200 m and 14 days, 999
    /// permutations, no Ripley, seed 12345.
    fn default() -> Self {
        Self {
            cell_m: None,
            distance_m: None,
            knox_distance_m: 200.0,
            knox_days: 14.0,
            permutations: 999,
            ripley: false,
            seed: 12345,
        }
    }
}

/// Global Moran's I of the fishnet counts with the scale it was computed at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MoranPart {
    /// The statistic (Moran 1950; randomisation z as in Cliff & Ord 1981).
    #[serde(flatten)]
    pub moran: GlobalMoran,
    /// Fishnet cell size, metres.
    pub cell_m: f64,
    /// Distance band, metres.
    pub distance_m: f64,
    /// Number of fishnet cells.
    pub cells: usize,
    /// The weights used, in words.
    pub weights: &'static str,
}

/// The Knox test with the time basis it used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KnoxPart {
    /// The test (Knox 1964).
    #[serde(flatten)]
    pub knox: Knox,
    /// Space threshold, metres.
    pub distance_m: f64,
    /// Time threshold, days.
    pub days: f64,
    /// Time resolution of the incidents' times (`second`, `minute`, `day`, `month`).
    pub time_resolution: &'static str,
    /// Incidents without a time, left out.
    pub without_time: usize,
}

/// The global picture of [`global_stats`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GlobalStats {
    /// Mean, weighted mean and median centre, standard distance, deviational ellipse.
    pub centrography: Part<Centrography>,
    /// Clark & Evans (1954) nearest neighbour index.
    pub nearest_neighbour: Part<NearestNeighbourIndex>,
    /// Global Moran's I of the fishnet counts.
    pub moran: Part<MoranPart>,
    /// Knox space-time test; not computed when no incident has a time.
    pub knox: Part<KnoxPart>,
    /// Ripley's L with CSR envelopes (`None` unless asked for).
    pub ripley: Option<Part<Ripley>>,
    /// Notes in the order they arose: the scale choice, skipped permutations, Knox caveats.
    pub notes: Vec<String>,
}

/// The permutations Moran's I runs: `permutations`, or 0 when `neighbour_pairs x permutations`
/// exceeds [`MORAN_PERMUTATION_BUDGET`].
pub fn moran_permutations(neighbour_pairs: usize, permutations: usize) -> usize {
    if (neighbour_pairs as f64) * (permutations as f64) > MORAN_PERMUTATION_BUDGET {
        0
    } else {
        permutations
    }
}

/// The area Ripley's radii are scaled to: the study area's, else the convex hull's of the incidents.
pub fn ripley_area_m2(incidents: &Incidents, area: Option<&StudyArea>) -> f64 {
    match area {
        Some(a) => a.area_m2(),
        None => convex_hull_area(incidents.x(), incidents.y()),
    }
}

/// Computes the global picture of `incidents` (within `area` when given). Parts that cannot be
/// computed for these data (too few incidents, no times) are [`Part::NotComputed`].
///
/// # Errors
/// Bad parameters ([`KnoxParams::new`]), and errors of the fishnet, weights or Moran's I once a
/// scale has been chosen.
pub fn global_stats(
    incidents: &Incidents,
    area: Option<&StudyArea>,
    params: &GlobalParams,
) -> Result<GlobalStats> {
    let inc = incidents;
    let mut notes = Vec::new();
    let centro = Part::from_result(centrography(inc.x(), inc.y(), inc.weights()));
    let nni = Part::from_result(nearest_neighbour_index(inc.x(), inc.y(), area));
    let moran = match choose_scale(inc, area, params.cell_m, params.distance_m) {
        Ok(choice) => {
            notes.extend(
                choice
                    .reasons
                    .iter()
                    .map(|r| format!("Moran's I scale: {r}")),
            );
            let f = Fishnet::square(inc, choice.cell_m, area)?;
            let w =
                SpatialWeights::distance_band(&f.x, &f.y, choice.distance_m)?.row_standardised();
            let nnz: usize = (0..w.len()).map(|i| w.cardinality(i)).sum();
            let perms = moran_permutations(nnz, params.permutations);
            if perms < params.permutations {
                notes.push(format!(
                    "Moran's I: permutation p skipped ({} neighbour pairs x {} permutations is too costly; lower --permutations or give a larger --cell)",
                    nnz, params.permutations
                ));
            }
            let m = global_moran(&f.count, &w, perms, params.seed)?;
            Part::Done(MoranPart {
                moran: m,
                cell_m: choice.cell_m,
                distance_m: choice.distance_m,
                cells: f.len(),
                weights: "binary distance band, row-standardised",
            })
        }
        Err(e) => Part::from_result(Err(e)),
    };
    let knox = if inc.has_times() {
        let kp = KnoxParams::new(
            params.knox_distance_m,
            params.knox_days,
            params.permutations,
            params.seed,
        )?;
        match knox_incidents(inc, &kp) {
            Ok((k, ev)) => {
                if let Some(n) = &ev.note {
                    notes.push(format!("Knox: {n}"));
                }
                Part::Done(KnoxPart {
                    knox: k,
                    distance_m: params.knox_distance_m,
                    days: params.knox_days,
                    time_resolution: ev.resolution.as_str(),
                    without_time: ev.without_time,
                })
            }
            Err(e) => Part::from_result(Err(e)),
        }
    } else {
        Part::NotComputed {
            not_computed: "no incident has a time".into(),
        }
    };
    let ripley_part = params.ripley.then(|| {
        let a = ripley_area_m2(inc, area);
        Part::from_result(
            RipleyParams::default_radii(a, RIPLEY_STEPS, RIPLEY_SIMULATIONS, params.seed)
                .and_then(|p| ripley(inc.x(), inc.y(), area, &p)),
        )
    });
    Ok(GlobalStats {
        centrography: centro,
        nearest_neighbour: nni,
        moran,
        knox,
        ripley: ripley_part,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Crs;
    use crate::time::TimeResolution;

    fn square_corners() -> Incidents {
        Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[0.0, 100.0, 0.0, 100.0],
            &[0.0, 0.0, 100.0, 100.0],
        )
        .unwrap()
    }

    #[test]
    fn permutation_budget_and_ripley_area_by_hand() {
        // 2e9 exactly is within the budget; one pair more is not.
        assert_eq!(moran_permutations(2_000_000, 1000), 1000);
        assert_eq!(moran_permutations(2_000_001, 1000), 0);
        assert_eq!(moran_permutations(0, 999), 999);
        // Convex hull of the four corners of a 100 m square: 10 000 m².
        let inc = square_corners();
        assert!((ripley_area_m2(&inc, None) - 10_000.0).abs() < 1e-9);
        let sa = StudyArea::new(geo::MultiPolygon(vec![
            geo::Rect::new(
                geo::coord! {x: -50.0, y: -50.0},
                geo::coord! {x: 150.0, y: 150.0},
            )
            .to_polygon(),
        ]))
        .unwrap();
        assert_eq!(ripley_area_m2(&inc, Some(&sa)), 40_000.0);
    }

    #[test]
    fn four_corners_without_times() {
        let inc = square_corners();
        let g = global_stats(
            &inc,
            None,
            &GlobalParams {
                cell_m: Some(50.0),
                distance_m: Some(120.0),
                permutations: 9,
                ..GlobalParams::default()
            },
        )
        .unwrap();
        // Mean centre (50, 50) and standard distance sqrt(mean squared distance) = sqrt(5000).
        let c = g.centrography.done().unwrap();
        assert_eq!(c.mean_centre, [50.0, 50.0]);
        assert!((c.standard_distance_m - 5000f64.sqrt()).abs() < 1e-9);
        // Every nearest neighbour is 100 m away.
        let n = g.nearest_neighbour.done().unwrap();
        assert!((n.observed_mean_m - 100.0).abs() < 1e-9);
        // No times: Knox says so, and serialises as {"not_computed": ...}.
        assert_eq!(
            serde_json::to_value(&g.knox).unwrap(),
            serde_json::json!({"not_computed": "no incident has a time"})
        );
        assert!(g.ripley.is_none());
        // Moran at the given scale: the values flattened beside the scale.
        let m = g.moran.done().unwrap();
        assert_eq!((m.cell_m, m.distance_m), (50.0, 120.0));
        let v = serde_json::to_value(&g.moran).unwrap();
        assert_eq!(v["cell_m"], 50.0);
        assert_eq!(v["cells"], m.cells);
        assert!(v.get("i").is_some(), "{v}");
        assert_eq!(v["weights"], "binary distance band, row-standardised");
    }

    #[test]
    fn too_few_incidents_are_parts_not_computed_and_bad_knox_parameters_are_errors() {
        let one = Incidents::from_xy(Crs::SWEREF99_TM, &[5.0], &[5.0]).unwrap();
        let g = global_stats(
            &one,
            None,
            &GlobalParams {
                ripley: true,
                ..GlobalParams::default()
            },
        )
        .unwrap();
        assert!(g.nearest_neighbour.done().is_none());
        assert!(g.ripley.as_ref().unwrap().done().is_none());
        let v = serde_json::to_value(&g.nearest_neighbour).unwrap();
        assert!(v["not_computed"].is_string(), "{v}");

        let ts = ["2025-01-01T10:00:00+00:00", "2025-01-02T10:00:00+00:00"];
        let mut b = crate::IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (k, t) in ts.iter().enumerate() {
            let t = chrono::DateTime::parse_from_rfc3339(t).unwrap();
            b.push(crate::IncidentRecord {
                x: 10.0 * k as f64,
                y: 0.0,
                weight: 1.0,
                category: "",
                time: Some(crate::IncidentTime::new(t, TimeResolution::Second)),
                id: k.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        let timed = b.build();
        let e = global_stats(
            &timed,
            None,
            &GlobalParams {
                knox_days: -1.0,
                ..GlobalParams::default()
            },
        );
        assert!(e.is_err());
    }
}
