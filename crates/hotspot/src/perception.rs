//! Citizens' perceived unsafety beside recorded incidents: reading perceived
//! pins, a per-cell two-sided Fisher exact test of shares with Holm adjustment,
//! and Andresen's spatial point pattern test S-index (per grid cell and per areal unit).
//!
//! # The comparison
//! Both sets are counted on one grid (default 250 m cells) over a comparison
//! area (the area at risk where the caller has one, else the study area; points
//! outside it are left out of both totals and counted). A cell is *compared*
//! when it holds at least one incident or one pin (Wheeler, Steenbeek &
//! Andresen 2018: cells empty in both sets say nothing and would inflate the
//! index). For each compared cell *i*, with `R` incidents and `P` pins in the
//! whole area, the 2 x 2 table is
//!
//! |            | in cell *i* | elsewhere   |
//! |------------|-------------|-------------|
//! | recorded   | `r_i`       | `R - r_i`   |
//! | perceived  | `p_i`       | `P - p_i`   |
//!
//! and `p` is the two-sided Fisher exact test of that table (Fisher 1935;
//! Agresti 2002, *Categorical Data Analysis*, 2nd ed., section 3.5.1): with the
//! margins fixed, `r_i` is hypergeometric (population `R + P`, `r_i + p_i`
//! successes, `R` draws), and `p` sums the probabilities of all tables no more
//! probable than the observed one (with R's relative tolerance of 1e-7, the
//! convention of R's `fisher.test` and SciPy's `fisher_exact`). This is the
//! proportion-test form of the spatial point pattern test of Wheeler,
//! Steenbeek & Andresen (2018, *Journal of Quantitative Criminology* 34,
//! "Testing for similarity in area-based spatial patterns: a nonparametric
//! Monte Carlo approach" and its proportion-test variant), replacing
//! Andresen's (2009, *Crime and Delinquency* 55(4)) resampling.
//!
//! The p values of all compared cells are adjusted by Holm's (1979)
//! step-down method. A cell with `p_adjusted < alpha` (default 0.05) is
//! `perceived_only` when its share of pins is higher than its share of
//! incidents, else `recorded_only`; otherwise `similar`. The S-index is the
//! share of compared cells classed `similar` (Andresen 2009): 1 means the two
//! patterns agree everywhere, 0 nowhere.
//!
//! # Pins
//! [`read_perceived`] reads CSV or GeoJSON points with the incident readers
//! (the same diagnostics: every rejected row counted by reason with its line or
//! feature number). An optional `weight` column is the number of respondents
//! behind a pin and must be a whole number (the test compares counts); an
//! optional `concern` column (else the usual category column) is kept as the
//! pin's category. **Polygons** (areas marked as unsafe) are counted once, at
//! their representative point ([`geo::InteriorPoint`], a point guaranteed to
//! lie inside the polygon), with their weight; they are not rasterised, so a
//! large polygon counts in one cell only. Use points for places and small
//! polygons for areas, or split large areas.
//!
//! Recorded incidents count 1 each (incident weights are not used).

use crate::area_at_risk::AreaAtRisk;
use crate::categories::{CategoryTable, ProblemArea};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::ingest::{IngestReport, ReadOptions};
use geo::{Contains, InteriorPoint, MultiPolygon};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Default cell side of the comparison, metres.
pub const DEFAULT_CELL_M: f64 = 250.0;
/// Default significance level of the Holm-adjusted tests.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// Perceived pins as read, with their ingest diagnostics.
#[derive(Debug)]
pub struct Perceived {
    /// The pins in the working CRS; weights are respondent counts, categories the concern.
    pub pins: Incidents,
    /// Rows read, accepted and rejected (by reason, with line or feature numbers).
    pub report: IngestReport,
    /// How many GeoJSON polygon features were counted at their representative point.
    pub polygons: usize,
}

/// Reads a perception file (CSV or GeoJSON points, GeoJSON polygons) into the
/// working CRS of `opts.crs` (give the incidents' CRS so both sets share a grid).
///
/// # Errors
/// As [`crate::ingest::read_path`]; [`Error::Parse`] naming the line or feature
/// for a weight that is not a whole number; [`Error::InsufficientData`] when no
/// pin is accepted (an empty file is an [`Error::Parse`] from the reader).
pub fn read_perceived(path: &Path, opts: &ReadOptions) -> Result<Perceived> {
    opts.validate()?;
    let is_geojson = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("geojson" | "json")
    );
    let mut polygons = 0;
    let read = |o: &ReadOptions, polygons: &mut usize| -> Result<crate::ingest::Ingested> {
        if is_geojson {
            let mut root = crate::ingest::geojson::read_json(path)?;
            *polygons = polygons_to_points(&mut root);
            crate::ingest::geojson::read_geojson_value(root, path, o)
        } else {
            crate::ingest::read_path(path, o)
        }
    };
    let data = if opts.columns.category.is_none() {
        let mut o = opts.clone();
        o.columns.category = Some("concern".into());
        match read(&o, &mut polygons) {
            Err(Error::InvalidParameter { ref value, .. }) if value == "concern" => {
                read(opts, &mut polygons)?
            }
            other => other?,
        }
    } else {
        read(opts, &mut polygons)?
    };
    let pins = data.incidents;
    for (i, &w) in pins.weights().iter().enumerate() {
        if w.fract() != 0.0 {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: None,
                message: format!(
                    "pin {} has weight {w}: a perception weight is a number of respondents and must be a whole number (the Fisher test compares counts)",
                    pins.ids().get(i).map(String::as_str).unwrap_or("?")
                ),
            });
        }
    }
    if pins.is_empty() {
        return Err(Error::InsufficientData(format!(
            "{}: no perceived pin was accepted ({} rows rejected); see the rejected rows",
            path.display(),
            data.report.rejected()
        )));
    }
    Ok(Perceived {
        pins,
        report: data.report,
        polygons,
    })
}

/// Replaces Polygon/MultiPolygon geometries by their interior point; returns how many.
fn polygons_to_points(root: &mut serde_json::Value) -> usize {
    let lone = root.get("type").and_then(|t| t.as_str()) == Some("Feature");
    let feats: Vec<&mut serde_json::Value> = if lone {
        vec![root]
    } else {
        match root.get_mut("features") {
            Some(serde_json::Value::Array(a)) => a.iter_mut().collect(),
            _ => return 0,
        }
    };
    let mut n = 0;
    for f in feats {
        let Some(g) = f.get("geometry") else { continue };
        let Ok(g) = serde_json::from_value::<geojson::Geometry>(g.clone()) else {
            continue;
        };
        // Checked before conversion: a short position would panic in it.
        let geom = crate::ingest::geojson::geometry_to_geo(&g);
        let pt = match geom {
            Ok(geo::Geometry::Polygon(p)) => p.interior_point(),
            Ok(geo::Geometry::MultiPolygon(mp)) => mp.interior_point(),
            _ => continue,
        };
        if let Some(pt) = pt
            && let Some(obj) = f.as_object_mut()
        {
            obj.insert(
                "geometry".into(),
                serde_json::json!({"type": "Point", "coordinates": [pt.x(), pt.y()]}),
            );
            n += 1;
        }
    }
    n
}

/// The incidents of one problem area (by the category table).
pub fn filter_problem_area(
    incidents: &Incidents,
    table: &CategoryTable,
    area: ProblemArea,
) -> Incidents {
    let cls = table.classify(incidents);
    incidents.subset(&cls.indices_in(&[area]))
}

/// Class of a compared cell or areal unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PerceptionClass {
    /// The share of pins is significantly higher than the share of incidents.
    PerceivedOnly,
    /// The share of incidents is significantly higher than the share of pins.
    RecordedOnly,
    /// No significant difference after Holm adjustment.
    Similar,
}

impl PerceptionClass {
    /// `perceived_only`, `recorded_only` or `similar`.
    pub fn as_str(self) -> &'static str {
        match self {
            PerceptionClass::PerceivedOnly => "perceived_only",
            PerceptionClass::RecordedOnly => "recorded_only",
            PerceptionClass::Similar => "similar",
        }
    }
}

/// Options of [`compare`].
#[derive(Clone, Debug)]
pub struct PerceptionOptions {
    /// Cell side, metres (default 250).
    pub cell_m: f64,
    /// Significance level of the Holm-adjusted p values (default 0.05).
    pub alpha: f64,
}

impl Default for PerceptionOptions {
    fn default() -> Self {
        Self {
            cell_m: DEFAULT_CELL_M,
            alpha: DEFAULT_ALPHA,
        }
    }
}

/// One compared cell (at least one incident or pin).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PerceptionCell {
    /// Column in [`PerceptionResult::grid`].
    pub col: usize,
    /// Row in [`PerceptionResult::grid`].
    pub row: usize,
    /// Cell centre easting, working CRS metres.
    pub x: f64,
    /// Cell centre northing.
    pub y: f64,
    /// Incidents in the cell.
    pub recorded: u64,
    /// Pins in the cell (sum of weights).
    pub perceived: u64,
    /// `recorded / R`.
    pub recorded_share: f64,
    /// `perceived / P`.
    pub perceived_share: f64,
    /// Two-sided Fisher exact p value of the cell's 2 x 2 table.
    pub p: f64,
    /// Holm-adjusted p over all compared cells.
    pub p_adjusted: f64,
    /// The class at `alpha`.
    pub class: PerceptionClass,
}

/// Andresen's S-index and the class counts (`sppt.json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sppt {
    /// Share of compared units classed `similar` (0..1); `None` when nothing was compared.
    pub s_index: Option<f64>,
    /// Compared units (cells or areas with at least one incident or pin).
    pub n_compared: usize,
    /// Units classed `similar`.
    pub similar: usize,
    /// Units classed `perceived_only`.
    pub perceived_only: usize,
    /// Units classed `recorded_only`.
    pub recorded_only: usize,
    /// Incidents counted (inside the comparison area).
    pub recorded_total: u64,
    /// Pins counted (sum of weights, inside the comparison area).
    pub perceived_total: u64,
    /// Significance level used.
    pub alpha: f64,
    /// Test and adjustment, in words.
    pub method: String,
}

/// The per-cell comparison.
#[derive(Clone, Debug, Serialize)]
pub struct PerceptionResult {
    /// The grid the cells are on (covering the comparison area).
    #[serde(skip)]
    pub grid: GridSpec,
    /// Cell side, metres.
    pub cell_m: f64,
    /// Compared cells in row-major order (south row first, west to east).
    pub cells: Vec<PerceptionCell>,
    /// S-index and class counts over the cells.
    pub sppt: Sppt,
    /// Incidents outside the comparison area (left out).
    pub recorded_outside: usize,
    /// Pins outside the comparison area (left out; count of pins, not weights).
    pub perceived_outside: usize,
}

/// `ln C(n, k)`.
fn ln_choose(n: u64, k: u64) -> f64 {
    use statrs::function::factorial::ln_factorial;
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

/// Two-sided Fisher exact test of the 2 x 2 table `[[a, b], [c, d]]`: the sum
/// of the hypergeometric probabilities (margins fixed) of every table whose
/// probability is at most the observed one times `1 + 1e-7` (R's
/// `fisher.test`; Agresti 2002, 3.5.1). Computed in log space; exact for any
/// counts that fit in `u64` factorial logs. Returns 1 for a table with an empty margin.
pub fn fisher_exact_two_sided(a: u64, b: u64, c: u64, d: u64) -> f64 {
    // Row 1 total n (draws), column 1 total k (successes), population N.
    let n = a + b;
    let k = a + c;
    let big = a + b + c + d;
    if n == 0 || k == 0 || n == big || k == big {
        return 1.0;
    }
    let lo = (n + k).saturating_sub(big);
    let hi = n.min(k);
    let denom = ln_choose(big, n);
    let lp = |x: u64| ln_choose(k, x) + ln_choose(big - k, n - x) - denom;
    let obs = lp(a);
    let cut = obs + (1e-7f64).ln_1p();
    // Sum relative to the largest term for accuracy.
    let terms: Vec<f64> = (lo..=hi).map(lp).collect();
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = terms.iter().map(|t| (t - max).exp()).sum();
    let tail: f64 = terms
        .iter()
        .filter(|&&t| t <= cut)
        .map(|t| (t - max).exp())
        .sum();
    (tail / total).min(1.0)
}

/// Holm's (1979) step-down adjustment: with the p values sorted ascending,
/// `p_(j)` becomes `max_{i <= j} min(1, (m - i + 1) p_(i))`; returned in input
/// order. Ties are taken in input order (the result does not depend on it).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]).then(i.cmp(&j)));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let v = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(v);
        out[i] = running;
    }
    out
}

/// Tests `(recorded, perceived)` counts of units against totals and classes them.
fn classify_units(
    counts: &[(u64, u64)],
    totals: (u64, u64),
    alpha: f64,
) -> (Vec<f64>, Vec<f64>, Vec<PerceptionClass>) {
    let (rt, pt) = totals;
    let p: Vec<f64> = counts
        .iter()
        .map(|&(r, q)| fisher_exact_two_sided(r, rt - r, q, pt - q))
        .collect();
    let adj = holm(&p);
    let classes = counts
        .iter()
        .zip(&adj)
        .map(|(&(r, q), &pa)| {
            if pa < alpha {
                // Compare q/pt with r/rt without division: q*rt vs r*pt.
                if (q as u128) * (rt as u128) > (r as u128) * (pt as u128) {
                    PerceptionClass::PerceivedOnly
                } else {
                    PerceptionClass::RecordedOnly
                }
            } else {
                PerceptionClass::Similar
            }
        })
        .collect();
    (p, adj, classes)
}

fn sppt_of(classes: &[PerceptionClass], totals: (u64, u64), alpha: f64) -> Sppt {
    let count = |c| classes.iter().filter(|&&k| k == c).count();
    let similar = count(PerceptionClass::Similar);
    Sppt {
        s_index: (!classes.is_empty()).then(|| similar as f64 / classes.len() as f64),
        n_compared: classes.len(),
        similar,
        perceived_only: count(PerceptionClass::PerceivedOnly),
        recorded_only: count(PerceptionClass::RecordedOnly),
        recorded_total: totals.0,
        perceived_total: totals.1,
        alpha,
        method: "two-sided Fisher exact test per unit of its share of incidents against its share of pins, Holm-adjusted (Wheeler, Steenbeek & Andresen 2018); S = share of units classed similar (Andresen 2009)".into(),
    }
}

fn check_alpha(alpha: f64) -> Result<()> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            alpha,
            "the significance level must lie strictly between 0 and 1, e.g. 0.05",
        ));
    }
    Ok(())
}

fn weight_of(pins: &Incidents, i: usize) -> u64 {
    // Whole non-negative numbers (checked by read_perceived); round defensively.
    pins.weights()
        .get(i)
        .map(|w| w.round().max(0.0) as u64)
        .unwrap_or(1)
}

/// Compares recorded incidents with perceived pins cell by cell over `area`
/// (polygons in the working CRS; `None` uses the bounding box of both sets).
/// Both sets must be in the same CRS. See the module docs for the test.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad cell size or alpha, or sets in
/// different CRSs; [`Error::LimitExceeded`] when the grid would be too large;
/// [`Error::InsufficientData`] when either set has nothing inside the area.
pub fn compare(
    incidents: &Incidents,
    pins: &Incidents,
    area: Option<&MultiPolygon<f64>>,
    opts: &PerceptionOptions,
) -> Result<PerceptionResult> {
    check_inputs(incidents, pins, opts)?;
    use geo::BoundingRect;
    let bbox = match area {
        Some(a) => a
            .bounding_rect()
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        None => {
            let b: Vec<[f64; 4]> = [incidents.bbox(), pins.bbox()]
                .into_iter()
                .flatten()
                .collect();
            b.iter().copied().reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
        }
    }
    .ok_or_else(|| Error::InsufficientData("the comparison area is empty".into()))?;
    let grid = GridSpec::covering(bbox, opts.cell_m, 0.0).map_err(|e| {
        e.with_limit_hint(format!(
            "use a larger --cell than {} m or a smaller comparison area",
            opts.cell_m
        ))
    })?;
    let inside = |x: f64, y: f64| area.is_none_or(|a| a.contains(&geo::Point::new(x, y)));
    compare_on_grid(incidents, pins, grid, inside, opts)
}

/// The comparison on the cells of an area at risk ([`crate::area_at_risk`]): the grid is the
/// area's own grid (build it with cells of `opts.cell_m`, e.g. on
/// `GridSpec::covering(study_area_bbox, cell_m, 0.0)`), and a point counts when it lies in a cell
/// of the area (incidents and pins in water or outside the built-up area are left out of both
/// totals and counted, as with [`compare`]'s polygons). Otherwise as [`compare`].
///
/// # Errors
/// As [`compare`]; [`Error::InvalidParameter`] when the area's cell is not `opts.cell_m`.
pub fn compare_at_risk(
    incidents: &Incidents,
    pins: &Incidents,
    area: &AreaAtRisk,
    opts: &PerceptionOptions,
) -> Result<PerceptionResult> {
    check_inputs(incidents, pins, opts)?;
    if (area.spec().cell_m - opts.cell_m).abs() > 1e-9 {
        return Err(Error::invalid(
            "cell_m",
            opts.cell_m,
            format!(
                "the area at risk is on {} m cells; build it on cells of the comparison's size",
                area.spec().cell_m
            ),
        ));
    }
    compare_on_grid(
        incidents,
        pins,
        *area.spec(),
        |x, y| area.contains(x, y),
        opts,
    )
}

fn check_inputs(incidents: &Incidents, pins: &Incidents, opts: &PerceptionOptions) -> Result<()> {
    check_alpha(opts.alpha)?;
    if incidents.crs() != pins.crs() {
        return Err(Error::invalid(
            "perceived",
            pins.crs().name(),
            format!(
                "the pins are in {} but the incidents in {}; read the pins with the incidents' CRS",
                pins.crs().name(),
                incidents.crs().name()
            ),
        ));
    }
    Ok(())
}

/// Counts both sets on `grid` (points for which `inside` holds) and tests every cell with a count.
fn compare_on_grid(
    incidents: &Incidents,
    pins: &Incidents,
    grid: GridSpec,
    inside: impl Fn(f64, f64) -> bool,
    opts: &PerceptionOptions,
) -> Result<PerceptionResult> {
    let mut cells: BTreeMap<(usize, usize), (u64, u64)> = BTreeMap::new();
    let mut recorded_outside = 0;
    for (&x, &y) in incidents.x().iter().zip(incidents.y()) {
        match grid.cell_of(x, y).filter(|_| inside(x, y)) {
            Some((c, r)) => cells.entry((r, c)).or_default().0 += 1,
            None => recorded_outside += 1,
        }
    }
    let mut perceived_outside = 0;
    for (i, (&x, &y)) in pins.x().iter().zip(pins.y()).enumerate() {
        match grid.cell_of(x, y).filter(|_| inside(x, y)) {
            Some((c, r)) => cells.entry((r, c)).or_default().1 += weight_of(pins, i),
            None => perceived_outside += 1,
        }
    }
    cells.retain(|_, v| v.0 + v.1 > 0);
    let rt: u64 = cells.values().map(|v| v.0).sum();
    let pt: u64 = cells.values().map(|v| v.1).sum();
    if rt == 0 || pt == 0 {
        return Err(Error::InsufficientData(format!(
            "{} incidents and {} perceived (weighted) inside the comparison area: both sets need at least one",
            rt, pt
        )));
    }
    let keys: Vec<(usize, usize)> = cells.keys().copied().collect();
    let counts: Vec<(u64, u64)> = cells.values().copied().collect();
    let (p, adj, classes) = classify_units(&counts, (rt, pt), opts.alpha);
    let out = keys
        .iter()
        .enumerate()
        .map(|(k, &(r, c))| {
            let [x, y] = grid.centre(c, r);
            PerceptionCell {
                col: c,
                row: r,
                x,
                y,
                recorded: counts[k].0,
                perceived: counts[k].1,
                recorded_share: counts[k].0 as f64 / rt as f64,
                perceived_share: counts[k].1 as f64 / pt as f64,
                p: p[k],
                p_adjusted: adj[k],
                class: classes[k],
            }
        })
        .collect();
    Ok(PerceptionResult {
        grid,
        cell_m: opts.cell_m,
        cells: out,
        sppt: sppt_of(&classes, (rt, pt), opts.alpha),
        recorded_outside,
        perceived_outside,
    })
}

/// A named areal unit (district, DeSO area) in the working CRS; read with
/// [`crate::ingest::layers::read_named_areas`].
pub use crate::ingest::layers::NamedArea;

/// One areal unit of [`compare_areas`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaComparison {
    /// The unit's name.
    pub name: String,
    /// Incidents inside.
    pub recorded: u64,
    /// Pins inside (weights).
    pub perceived: u64,
    /// Share of the incidents counted in any unit.
    pub recorded_share: f64,
    /// Share of the pins counted in any unit.
    pub perceived_share: f64,
    /// Two-sided Fisher exact p.
    pub p: f64,
    /// Holm-adjusted p over the compared units.
    pub p_adjusted: f64,
    /// Class at alpha.
    pub class: PerceptionClass,
}

/// The S-index over areal units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreasResult {
    /// Units with at least one incident or pin, in input order.
    pub areas: Vec<AreaComparison>,
    /// S-index and class counts over the units.
    pub sppt: Sppt,
    /// Incidents in no unit (left out).
    pub recorded_outside: usize,
    /// Pins in no unit (left out).
    pub perceived_outside: usize,
}

/// The same test over areal units instead of cells. A point in overlapping
/// units counts in each (units should not overlap); a point in none is left
/// out and counted. Totals are the points counted in at least one unit.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad alpha or no units;
/// [`Error::InsufficientData`] when either set has nothing in any unit.
pub fn compare_areas(
    incidents: &Incidents,
    pins: &Incidents,
    areas: &[NamedArea],
    alpha: f64,
) -> Result<AreasResult> {
    check_alpha(alpha)?;
    if areas.is_empty() {
        return Err(Error::invalid("areas", 0, "give at least one areal unit"));
    }
    let mut counts = vec![(0u64, 0u64); areas.len()];
    let (mut rt, mut pt, mut ro, mut po) = (0u64, 0u64, 0usize, 0usize);
    for (i, (&x, &y)) in incidents.x().iter().zip(incidents.y()).enumerate() {
        let _ = i;
        let pnt = geo::Point::new(x, y);
        let mut any = false;
        for (k, a) in areas.iter().enumerate() {
            if a.area.contains(&pnt) {
                counts[k].0 += 1;
                any = true;
            }
        }
        if any {
            rt += 1;
        } else {
            ro += 1;
        }
    }
    for (i, (&x, &y)) in pins.x().iter().zip(pins.y()).enumerate() {
        let pnt = geo::Point::new(x, y);
        let w = weight_of(pins, i);
        let mut any = false;
        for (k, a) in areas.iter().enumerate() {
            if a.area.contains(&pnt) {
                counts[k].1 += w;
                any = true;
            }
        }
        if any {
            pt += w;
        } else {
            po += 1;
        }
    }
    if rt == 0 || pt == 0 {
        return Err(Error::InsufficientData(format!(
            "{rt} incidents and {pt} perceived (weighted) fall in the areal units: both sets need at least one"
        )));
    }
    // With overlaps a unit's count may exceed the total; cap to keep the table valid.
    let idx: Vec<usize> = (0..areas.len())
        .filter(|&k| counts[k].0 + counts[k].1 > 0)
        .collect();
    let c: Vec<(u64, u64)> = idx
        .iter()
        .map(|&k| (counts[k].0.min(rt), counts[k].1.min(pt)))
        .collect();
    let (p, adj, classes) = classify_units(&c, (rt, pt), alpha);
    let rows = idx
        .iter()
        .enumerate()
        .map(|(j, &k)| AreaComparison {
            name: areas[k].name.clone(),
            recorded: c[j].0,
            perceived: c[j].1,
            recorded_share: c[j].0 as f64 / rt as f64,
            perceived_share: c[j].1 as f64 / pt as f64,
            p: p[j],
            p_adjusted: adj[j],
            class: classes[j],
        })
        .collect();
    Ok(AreasResult {
        areas: rows,
        sppt: sppt_of(&classes, (rt, pt), alpha),
        recorded_outside: ro,
        perceived_outside: po,
    })
}

/// Public-mode suppression: drops every cell whose incident or pin count is
/// positive but below `min_count` (a small positive count could point at a
/// person; a zero reveals nothing about anyone and is kept, so a place pinned
/// by many people with no incidents stays visible). Returns the kept cells and
/// how many were dropped; the caller states the number, never the cells.
/// The S-index stays the one computed on all cells (an aggregate).
pub fn suppress_public(cells: &[PerceptionCell], min_count: u64) -> (Vec<PerceptionCell>, usize) {
    let small = |n: u64| n > 0 && n < min_count;
    let kept: Vec<PerceptionCell> = cells
        .iter()
        .filter(|c| !small(c.recorded) && !small(c.perceived))
        .cloned()
        .collect();
    let dropped = cells.len() - kept.len();
    (kept, dropped)
}

/// Tercile class (0 low, 1 middle, 2 high) of each value among the positive
/// values, for the 3 x 3 bivariate map; zeros are class 0. Breaks are the
/// 1/3 and 2/3 quantiles (nearest rank) of the positive values.
pub fn terciles(values: &[f64]) -> Vec<usize> {
    let mut pos: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    pos.sort_by(f64::total_cmp);
    if pos.is_empty() {
        return vec![0; values.len()];
    }
    let q = |f: f64| pos[((f * pos.len() as f64).ceil() as usize).clamp(1, pos.len()) - 1];
    let (b1, b2) = (q(1.0 / 3.0), q(2.0 / 3.0));
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || v <= b1 {
                0
            } else if v <= b2 {
                1
            } else {
                2
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
