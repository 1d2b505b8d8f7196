//! The report's perception section: citizens' perceived unsafety (pins from safety walks and map
//! surveys) beside the recorded incidents of the situation, computed by the library's comparison
//! ([`crate::perception::compare`] / [`crate::perception::compare_at_risk`], the calls of
//! `hotspot perception`) on the area at risk, with the places of the cells that differ named after
//! the basemap.
//!
//! **Comparison area.** When the situation restricts its area at risk (water, at-risk polygons or
//! an incident buffer), the comparison runs on the cells of that area at risk, built on the
//! comparison's own grid (default 250 m cells over the study area); else over the study area's
//! polygons; without a boundary over the box of both sets (as `hotspot perception`).
//!
//! **Public mode.** Cells whose incident or pin count is positive but below `min_count` are
//! dropped ([`crate::perception::suppress_public`]) before anything is drawn, named or listed;
//! the class counts of the section are those of the cells kept, with the number dropped (never
//! which). The S-index stays the one of all compared cells (an aggregate share).

use super::{Outcome, Situation, SituationInput, Skip};
use crate::area_at_risk::AreaAtRiskSummary;
use crate::basemap::{DEFAULT_NAME_DISTANCE_M, Namer, PlaceName};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::ingest::ReadOptions;
use crate::perception::{
    DEFAULT_ALPHA, DEFAULT_CELL_M, PerceptionCell, PerceptionClass, PerceptionOptions,
    PerceptionResult, compare, compare_at_risk, read_perceived, suppress_public,
};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;

/// What the report's perception section runs with (config keys `perceived`, `perceived_cell_m`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PerceptionSpec {
    /// The perception file (CSV or GeoJSON points, or polygons; see [`read_perceived`]).
    pub perceived: PathBuf,
    /// Cell side of the comparison, metres (default [`DEFAULT_CELL_M`]).
    pub cell_m: Option<f64>,
}

/// Where the comparison was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparedOn {
    /// The cells of the situation's area at risk (water, at-risk polygons, incident buffer).
    AreaAtRisk,
    /// The study area's polygons.
    StudyArea,
    /// The box of both sets (no boundary given).
    Extent,
}

/// A place of differing cells: the cells of one class that carry the same basemap name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DifferingPlace {
    /// `perceived_only` or `recorded_only`.
    pub class: PerceptionClass,
    /// The name of the place (`None` without a basemap that names it).
    pub name: Option<PlaceName>,
    /// Cells of this class with this name.
    pub cells: usize,
    /// Incidents in those cells.
    pub recorded: u64,
    /// Pins in those cells (weights).
    pub perceived: u64,
    /// Where the place was named: the mean position of the pins (`perceived_only`) or incidents
    /// (`recorded_only`) of its busiest cell, working CRS metres.
    pub centre: [f64; 2],
}

/// The perception comparison of the report.
#[derive(Clone, Debug)]
pub struct PerceptionSection {
    /// The comparison. In public mode `result.cells` holds only the cells kept (see the module doc).
    pub result: PerceptionResult,
    /// Cells dropped in public mode.
    pub suppressed: usize,
    /// Where the comparison was made.
    pub compared_on: ComparedOn,
    /// The area at risk on the comparison grid, when used.
    pub area_at_risk: Option<AreaAtRiskSummary>,
    /// The perception file's name (no folder).
    pub file: String,
    /// Rows read from the perception file.
    pub rows_read: u64,
    /// Pins accepted.
    pub accepted: u64,
    /// Rows rejected (counted by the readers, with reasons in the ingest report).
    pub rejected: u64,
    /// Polygon features counted at their representative point.
    pub polygons: usize,
    /// The differing places: `perceived_only` first, then `recorded_only`; each class by pins or
    /// incidents, most first.
    pub places: Vec<DifferingPlace>,
}

impl PerceptionSection {
    /// Shown cells of `class` (after public suppression).
    pub fn shown(&self, class: PerceptionClass) -> usize {
        self.result
            .cells
            .iter()
            .filter(|c| c.class == class)
            .count()
    }
}

fn run(
    input: &SituationInput<'_>,
    sit: &Situation,
    spec: &PerceptionSpec,
) -> Result<PerceptionSection> {
    let cell_m = spec.cell_m.unwrap_or(DEFAULT_CELL_M);
    if !(cell_m.is_finite() && (10.0..=10_000.0).contains(&cell_m)) {
        return Err(Error::invalid(
            "perceived_cell_m",
            cell_m,
            "must be between 10 and 10000 metres (default 250)",
        ));
    }
    let opts = ReadOptions {
        crs: Some(sit.crs),
        ..ReadOptions::default()
    };
    let perceived = read_perceived(&spec.perceived, &opts)?;
    let popts = PerceptionOptions {
        cell_m,
        alpha: DEFAULT_ALPHA,
    };
    let study = input.data.study_area.as_ref();
    let (result, compared_on, area_at_risk) = if input.restricts(&sit.params) {
        let bbox = match study {
            Some(a) => a.bbox(),
            None => sit
                .incidents
                .bbox()
                .ok_or_else(|| Error::InsufficientData("no incidents to compare".into()))?,
        };
        let grid = GridSpec::covering(bbox, cell_m, 0.0)?;
        let area = input.area_on(&sit.params, grid)?;
        let r = compare_at_risk(&sit.incidents, &perceived.pins, &area, &popts)?;
        (r, ComparedOn::AreaAtRisk, Some(area.summary().clone()))
    } else {
        match study {
            Some(a) => (
                compare(&sit.incidents, &perceived.pins, Some(a.polygons()), &popts)?,
                ComparedOn::StudyArea,
                None,
            ),
            None => (
                compare(&sit.incidents, &perceived.pins, None, &popts)?,
                ComparedOn::Extent,
                None,
            ),
        }
    };
    let mut result = result;
    let suppressed = if sit.params.public {
        let (kept, dropped) = suppress_public(&result.cells, sit.params.min_count);
        result.cells = kept;
        dropped
    } else {
        0
    };
    let namer = match input.basemap {
        Some(b) => Some(Namer::new(b, DEFAULT_NAME_DISTANCE_M, input.name_lang)?),
        None => None,
    };
    let centres = centres_of(&result, &sit.incidents, &perceived.pins);
    let places = differing_places(
        &result.cells,
        &centres,
        namer.as_ref().filter(|n| !n.is_empty()),
    );
    Ok(PerceptionSection {
        result,
        suppressed,
        compared_on,
        area_at_risk,
        file: spec
            .perceived
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows_read: perceived.report.rows_read,
        accepted: perceived.report.accepted,
        rejected: perceived.report.rejected(),
        polygons: perceived.polygons,
        places,
    })
}

/// Where each differing cell is named: the mean position of its pins (weighted) for a
/// `perceived_only` cell, of its incidents for a `recorded_only` cell (a cell is 250 m wide; its
/// centre can lie farther from the pinned place than the naming distance). Index for index with
/// `result.cells`; the cell centre for `similar` cells.
fn centres_of(
    result: &PerceptionResult,
    incidents: &crate::incident::Incidents,
    pins: &crate::incident::Incidents,
) -> Vec<[f64; 2]> {
    let g = &result.grid;
    let index: std::collections::HashMap<(usize, usize), usize> = result
        .cells
        .iter()
        .enumerate()
        .map(|(k, c)| ((c.col, c.row), k))
        .collect();
    let mut sums = vec![[0.0f64; 3]; result.cells.len()];
    let mut add = |set: &crate::incident::Incidents, class: PerceptionClass, weighted: bool| {
        for i in 0..set.len() {
            let [x, y] = set.position(i);
            let Some(&k) = g.cell_of(x, y).and_then(|cr| index.get(&cr)) else {
                continue;
            };
            if result.cells[k].class != class {
                continue;
            }
            let w = if weighted { set.weights()[i] } else { 1.0 };
            sums[k][0] += w * x;
            sums[k][1] += w * y;
            sums[k][2] += w;
        }
    };
    add(pins, PerceptionClass::PerceivedOnly, true);
    add(incidents, PerceptionClass::RecordedOnly, false);
    result
        .cells
        .iter()
        .zip(&sums)
        .map(|(c, s)| {
            if s[2] > 0.0 {
                [s[0] / s[2], s[1] / s[2]]
            } else {
                [c.x, c.y]
            }
        })
        .collect()
}

/// Groups the `perceived_only` and `recorded_only` cells by the name of their points' centre (one
/// group per class and name; without a namer, one group per cell).
fn differing_places(
    cells: &[PerceptionCell],
    centres: &[[f64; 2]],
    namer: Option<&Namer>,
) -> Vec<DifferingPlace> {
    let mut out: Vec<DifferingPlace> = Vec::new();
    for class in [
        PerceptionClass::PerceivedOnly,
        PerceptionClass::RecordedOnly,
    ] {
        let key = |c: &PerceptionCell| match class {
            PerceptionClass::PerceivedOnly => c.perceived,
            _ => c.recorded,
        };
        let mut cells: Vec<(&PerceptionCell, [f64; 2])> = cells
            .iter()
            .zip(centres)
            .filter(|(c, _)| c.class == class)
            .map(|(c, &xy)| (c, xy))
            .collect();
        // The busiest cell of a group gives its centre: sort most first, ties in grid order.
        cells.sort_by(|(a, _), (b, _)| {
            key(b)
                .cmp(&key(a))
                .then((a.row, a.col).cmp(&(b.row, b.col)))
        });
        let mut groups: Vec<DifferingPlace> = Vec::new();
        for (c, xy) in cells {
            let name = namer.and_then(|n| n.name(xy));
            let same = name.as_ref().and_then(|nm| {
                groups
                    .iter_mut()
                    .find(|g| g.name.as_ref().is_some_and(|x| x.name == nm.name))
            });
            match same {
                Some(g) => {
                    g.cells += 1;
                    g.recorded += c.recorded;
                    g.perceived += c.perceived;
                }
                None => groups.push(DifferingPlace {
                    class,
                    name,
                    cells: 1,
                    recorded: c.recorded,
                    perceived: c.perceived,
                    centre: xy,
                }),
            }
        }
        groups.sort_by(|a, b| {
            let (ka, kb) = match class {
                PerceptionClass::PerceivedOnly => (a.perceived, b.perceived),
                _ => (a.recorded, b.recorded),
            };
            kb.cmp(&ka)
        });
        out.extend(groups);
    }
    out
}

/// The report's perception comparison: [`Outcome::Skipped`] ([`Skip::NotConfigured`]) without a
/// spec, [`Outcome::Failed`] with the message when the file cannot be read or compared (an empty
/// file, no pin inside the area, ...). Call it with the input the situation was built from.
pub fn perception(
    input: &SituationInput<'_>,
    sit: &Situation,
    spec: Option<&PerceptionSpec>,
) -> Outcome<PerceptionSection> {
    match spec {
        None => Outcome::Skipped(Skip::NotConfigured),
        Some(_) if sit.incidents.is_empty() => Outcome::Skipped(Skip::NoIncidents),
        Some(spec) => Outcome::from_result(run(input, sit, spec)),
    }
}

/// The `perception` object of `summary.json`. In public mode the class counts and places are those
/// of the cells kept; place counts are given only when not below `min_count`.
pub fn perception_value(sit: &Situation) -> Option<Value> {
    let ps = sit.perception.done()?;
    let r = &ps.result;
    let s = &r.sppt;
    Some(json!({
        "file": ps.file,
        "cell_m": r.cell_m,
        "compared_on": ps.compared_on,
        "area_at_risk": ps.area_at_risk,
        "method": s.method,
        "alpha": s.alpha,
        "s_index": s.s_index,
        "cells_compared": s.n_compared,
        "recorded_total": sit.cv(s.recorded_total),
        "perceived_total": sit.cv(s.perceived_total),
        "cells_shown": r.cells.len(),
        "cells_suppressed_public": ps.suppressed,
        "similar": ps.shown(PerceptionClass::Similar),
        "perceived_only": ps.shown(PerceptionClass::PerceivedOnly),
        "recorded_only": ps.shown(PerceptionClass::RecordedOnly),
        "pins": {
            "rows_read": ps.rows_read,
            "accepted": ps.accepted,
            "rejected": ps.rejected,
            "polygons_at_representative_point": ps.polygons,
        },
        "places": ps.places.iter().map(|p| json!({
            "class": p.class.as_str(),
            "place": p.name.as_ref().map(|n| n.name.clone()),
            "cells": p.cells,
            "recorded": sit.cv(p.recorded),
            "perceived": sit.cv(p.perceived),
        })).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests;
