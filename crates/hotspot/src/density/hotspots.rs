//! Hotspot polygons from a density surface: thresholds, contours (the `contour` crate), and per-hotspot statistics.
//!
//! A hotspot is a connected region of cells whose value is at or above a
//! threshold. The threshold comes from one of three rules
//! ([`HotspotThreshold`]):
//!
//! * **top X% of area**: the value of the `ceil(X/100 * N)`-th highest of the `N`
//!   grid cells (NaN cells excluded), so about X% of the grid is inside hotspots
//!   (more when cells tie at the threshold);
//! * **smallest area holding Y% of the weight**: cells sorted by value, highest
//!   first, accumulated until their share of the surface mass reaches Y%; the
//!   value of the last cell taken is the threshold (the "highest density region"
//!   of Hyndman 1996, *The American Statistician* 50, 120-126);
//! * **absolute density** in the surface's units (e.g. the Monte-Carlo thresholds
//!   of [`super::significance`]).
//!
//! Polygons are traced by marching squares (`contour` crate, without smoothing)
//! on the cell centres, so a cell centre lies inside a polygon exactly when its
//! value is at or above the threshold; boundaries run along cell edges with
//! chamfered corners. Each polygon (with its holes) is one hotspot, returned as
//! a `geo` MultiPolygon with the incidents inside (boundary inclusive), their
//! weight, area in km2, peak density, share of the total weight and the
//! categories inside. Hotspots are ranked by peak density, then weight.
//! A surface with no positive value gives no hotspots.

use super::kde::DensitySurface;
use crate::area_at_risk::AreaAtRisk;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::output::OutFeature;
use geo::{Area, MultiPolygon, Polygon};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// How the hotspot threshold is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HotspotThreshold {
    /// The top `X` percent of the grid's cells, `0 < X <= 100`.
    TopAreaPercent(f64),
    /// The smallest set of cells holding `Y` percent of the surface mass, `0 < Y <= 100`.
    WeightPercent(f64),
    /// An absolute density in the surface's units, `> 0`.
    Density(f64),
}

impl HotspotThreshold {
    fn describe(&self) -> String {
        match self {
            HotspotThreshold::TopAreaPercent(p) => format!("top {p}% of area"),
            HotspotThreshold::WeightPercent(p) => {
                format!("smallest area holding {p}% of the weight")
            }
            HotspotThreshold::Density(d) => format!("density >= {d}"),
        }
    }

    /// Checks the parameter range.
    fn check(&self) -> Result<()> {
        match *self {
            HotspotThreshold::TopAreaPercent(p) if !(p > 0.0 && p <= 100.0) => Err(Error::invalid(
                "top_area_percent",
                p,
                "give a percentage in (0, 100], e.g. 5",
            )),
            HotspotThreshold::WeightPercent(p) if !(p > 0.0 && p <= 100.0) => Err(Error::invalid(
                "weight_percent",
                p,
                "give a percentage in (0, 100], e.g. 50",
            )),
            HotspotThreshold::Density(d) if !(d.is_finite() && d > 0.0) => Err(Error::invalid(
                "density_threshold",
                d,
                "give a positive density in the surface's units",
            )),
            _ => Ok(()),
        }
    }
}

/// One hotspot polygon and what lies inside it.
#[derive(Clone, Debug, Serialize)]
pub struct Hotspot {
    /// 1 for the highest peak.
    pub rank: usize,
    /// The region (one polygon with its holes), working-CRS metres.
    #[serde(skip)]
    pub geometry: MultiPolygon<f64>,
    /// Incidents inside (boundary inclusive).
    pub incidents: usize,
    /// Their total weight.
    pub weight: f64,
    /// Area in square kilometres.
    pub area_km2: f64,
    /// Number of cells inside.
    pub cells: usize,
    /// Highest cell value inside, in the surface's units.
    pub peak_density: f64,
    /// Weight inside divided by the total weight of all incidents.
    pub share: f64,
    /// `(category, incidents)` inside, most frequent first.
    pub categories: Vec<(String, usize)>,
}

/// Hotspots of a surface at one threshold.
#[derive(Clone, Debug, Serialize)]
pub struct Hotspots {
    /// The rule, in words.
    pub rule: String,
    /// The threshold value, in the surface's units (0 when the surface is empty).
    pub threshold: f64,
    /// The unit of the threshold and peaks.
    pub units: &'static str,
    /// The cells the threshold is taken over, in words.
    pub reference: String,
    /// Their number.
    pub reference_cells: usize,
    /// How regions were split into hotspots.
    pub delineation: Delineation,
    /// Hotspots, highest peak first.
    pub hotspots: Vec<Hotspot>,
}

/// The threshold value of `rule` on `surface`, or `None` when the surface has no positive value.
///
/// # Errors
/// [`Error::InvalidParameter`] for a percentage outside (0, 100] or a non-positive density.
pub fn threshold_value(surface: &DensitySurface, rule: HotspotThreshold) -> Result<Option<f64>> {
    threshold_of(&surface.raster.values, rule, |_| true)
}

/// As [`threshold_value`] over the cells of `area` only (the area at risk,
/// on the surface's grid or resampled onto it).
///
/// # Errors
/// As [`threshold_value`].
pub fn threshold_value_in(
    surface: &DensitySurface,
    rule: HotspotThreshold,
    area: &AreaAtRisk,
) -> Result<Option<f64>> {
    let g = surface.raster.spec;
    let resampled;
    let mask = if area.spec() == &g {
        area.mask()
    } else {
        resampled = area.resampled(g);
        resampled.mask()
    };
    threshold_of(&surface.raster.values, rule, |k| mask[k])
}

/// The threshold of `rule` over the cells `k` with `keep(k)`.
fn threshold_of(
    values: &[f64],
    rule: HotspotThreshold,
    keep: impl Fn(usize) -> bool,
) -> Result<Option<f64>> {
    rule.check()?;
    let mut v: Vec<f64> = values
        .iter()
        .enumerate()
        .filter(|&(k, v)| !v.is_nan() && keep(k))
        .map(|(_, &v)| v)
        .collect();
    if !v.iter().any(|&x| x > 0.0) {
        return Ok(None);
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let smallest_positive = v.iter().rev().copied().find(|&x| x > 0.0);
    let t = match rule {
        HotspotThreshold::Density(d) => d,
        HotspotThreshold::TopAreaPercent(p) => {
            let k = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
            v[k.min(v.len()) - 1]
        }
        HotspotThreshold::WeightPercent(p) => {
            let total: f64 = v.iter().sum();
            let target = p / 100.0 * total;
            let mut cum = 0.0;
            let mut t = v[v.len() - 1];
            for &x in &v {
                cum += x;
                if cum >= target {
                    t = x;
                    break;
                }
            }
            t
        }
    };
    // Never let a hotspot cover cells of zero density.
    Ok(Some(if t > 0.0 {
        t
    } else {
        smallest_positive.unwrap_or(t)
    }))
}

/// How a region above the threshold is split into hotspots.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Delineation {
    /// Each connected region above the threshold is one hotspot (the old behaviour).
    Connected,
    /// Watershed from the local maxima: a region is split at a saddle when the
    /// lower of the two peaks rises above the saddle by at least
    /// `min_prominence` times its own height (0.2: the density dips by a fifth
    /// between the peaks). The default.
    Saddles {
        /// Least relative prominence `(peak - saddle) / peak`, in `[0, 1]`.
        min_prominence: f64,
    },
}

impl Default for Delineation {
    fn default() -> Self {
        Delineation::Saddles {
            min_prominence: DEFAULT_MIN_PROMINENCE,
        }
    }
}

/// Default least relative prominence of a peak that becomes its own hotspot.
pub const DEFAULT_MIN_PROMINENCE: f64 = 0.2;

/// Options of [`find_hotspots_with`].
#[derive(Clone, Debug)]
pub struct HotspotOptions<'a> {
    /// The threshold rule.
    pub rule: HotspotThreshold,
    /// The area at risk on the surface's grid (or resampled onto it): the
    /// threshold is taken over its cells, and hotspots contain only its cells.
    /// `None`: the cells with a positive density (within the kernel's reach of
    /// an incident), never the empty bounding box.
    pub area: Option<&'a AreaAtRisk>,
    /// How regions are split (default: at saddles).
    pub delineation: Delineation,
}

impl HotspotOptions<'_> {
    /// `rule` over the default area, split at saddles.
    pub fn new(rule: HotspotThreshold) -> Self {
        Self {
            rule,
            area: None,
            delineation: Delineation::default(),
        }
    }
}

/// Hotspot polygons of `surface` under `rule`, with statistics of the incidents
/// in `inc`: [`find_hotspots_with`] with its defaults (threshold over the cells
/// of positive density, one hotspot per peak).
///
/// # Errors
/// As [`find_hotspots_with`].
///
/// # Example
/// ```
/// use hotspot::{Crs, Incidents};
/// use hotspot::density::{Kde, KdeOptions, hotspots::{find_hotspots, HotspotThreshold}};
/// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[1000.0, 1010.0, 3000.0], &[1000.0, 990.0, 1000.0])?;
/// let s = Kde::new(KdeOptions::new(300.0, 50.0))?.estimate(&inc)?;
/// let h = find_hotspots(&s, &inc, HotspotThreshold::TopAreaPercent(5.0))?;
/// assert_eq!(h.hotspots[0].incidents, 2);
/// # Ok::<(), hotspot::Error>(())
/// ```
pub fn find_hotspots(
    surface: &DensitySurface,
    inc: &Incidents,
    rule: HotspotThreshold,
) -> Result<Hotspots> {
    find_hotspots_with(surface, inc, &HotspotOptions::new(rule))
}

/// Hotspots of `surface`: cells at or above the threshold (taken over the area
/// at risk), split into one hotspot per prominent peak, each traced as a
/// polygon with the statistics of the incidents in its cells.
///
/// **Watershed.** Cells above the threshold (and in the area) are visited from
/// the highest value down (ties by cell index). A cell with no visited
/// 4-neighbour starts a basin at its peak; a cell touching one basin joins it;
/// a cell touching several is a saddle at its value `s`: a lower basin with
/// peak `p` whose prominence `(p - s) / p` is under the minimum is merged into
/// the highest one (the usual topographic prominence, as in Vincent & Soille
/// 1991's immersion watershed with marker selection by dynamics, Grimaud 1992);
/// the cell joins the basin of its highest neighbour. An incident belongs to the
/// hotspot of its cell; the polygon is the outline of the hotspot's cells
/// (marching squares at 0.5 on its indicator, so neighbouring hotspots share edges).
///
/// # Errors
/// As [`threshold_value`]; [`Error::InvalidParameter`] for an area on another
/// grid, a prominence outside `[0, 1]`, or if the contour tracer rejects the grid.
pub fn find_hotspots_with(
    surface: &DensitySurface,
    inc: &Incidents,
    opts: &HotspotOptions<'_>,
) -> Result<Hotspots> {
    let rule = opts.rule;
    let units = surface.units.name();
    let g = surface.raster.spec;
    let values = &surface.raster.values;
    if let Delineation::Saddles { min_prominence } = opts.delineation
        && !(0.0..=1.0).contains(&min_prominence)
    {
        return Err(Error::invalid(
            "min_prominence",
            min_prominence,
            "give a share of the peak in [0, 1], e.g. 0.2",
        ));
    }
    let resampled;
    let area_mask: Option<&[bool]> = match opts.area {
        Some(a) if a.spec() == &g => Some(a.mask()),
        Some(a) => {
            resampled = a.resampled(g);
            Some(resampled.mask())
        }
        None => None,
    };
    let in_area = |k: usize| match area_mask {
        Some(m) => m[k],
        None => values[k] > 0.0,
    };
    let reference_cells = (0..g.len()).filter(|&k| in_area(k)).count();
    let reference = match opts.area {
        Some(a) => a.summary().description.clone(),
        None => "cells with a positive density (within the kernel's reach of an incident)".into(),
    };
    let delineation = opts.delineation;
    let empty = |threshold: f64| Hotspots {
        rule: rule.describe(),
        threshold,
        units,
        reference: reference.clone(),
        reference_cells,
        delineation,
        hotspots: Vec::new(),
    };
    let Some(t) = threshold_of(values, rule, in_area)? else {
        return Ok(empty(0.0));
    };
    // Basin label per cell (u32::MAX: not in a hotspot).
    let above: Vec<bool> = (0..g.len())
        .map(|k| in_area(k) && values[k] >= t && values[k] > 0.0)
        .collect();
    let labels = watershed(&g, values, &above, delineation);
    let n_basins = labels
        .iter()
        .filter(|&&l| l != u32::MAX)
        .map(|&l| l as usize + 1)
        .max()
        .unwrap_or(0);
    if n_basins == 0 {
        return Ok(empty(t));
    }
    // Per basin: cells, peak, bounding box of cells.
    let mut cells = vec![0usize; n_basins];
    let mut peak = vec![f64::NEG_INFINITY; n_basins];
    let mut bb = vec![[usize::MAX, usize::MAX, 0usize, 0usize]; n_basins];
    for (k, &l) in labels.iter().enumerate() {
        if l == u32::MAX {
            continue;
        }
        let b = l as usize;
        let (c, r) = g.col_row(k);
        cells[b] += 1;
        peak[b] = peak[b].max(values[k]);
        let e = &mut bb[b];
        e[0] = e[0].min(c);
        e[1] = e[1].min(r);
        e[2] = e[2].max(c);
        e[3] = e[3].max(r);
    }
    // Incidents by cell.
    let ncat = inc.category_names().len();
    let mut count = vec![0usize; n_basins];
    let mut weight = vec![0.0f64; n_basins];
    let mut cats = vec![vec![0usize; ncat]; n_basins];
    for i in 0..inc.len() {
        let [x, y] = inc.position(i);
        if let Some((c, r)) = g.cell_of(x, y) {
            let l = labels[g.index(c, r)];
            if l != u32::MAX {
                let b = l as usize;
                count[b] += 1;
                weight[b] += inc.weights()[i];
                cats[b][inc.category_ids()[i] as usize] += 1;
            }
        }
    }
    let total_w = inc.total_weight();
    let mut out = Vec::with_capacity(n_basins);
    for b in 0..n_basins {
        let geometry = outline(&g, &labels, b as u32, bb[b])?;
        let mut categories: Vec<(String, usize)> = cats[b]
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(c, &n)| (inc.category_names()[c].clone(), n))
            .collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.push(Hotspot {
            rank: 0,
            area_km2: geometry.unsigned_area() / 1e6,
            geometry,
            incidents: count[b],
            weight: weight[b],
            cells: cells[b],
            peak_density: peak[b],
            share: if total_w > 0.0 {
                weight[b] / total_w
            } else {
                0.0
            },
            categories,
        });
    }
    out.sort_by(|a, b| {
        b.peak_density
            .total_cmp(&a.peak_density)
            .then(b.weight.total_cmp(&a.weight))
            .then(b.area_km2.total_cmp(&a.area_km2))
    });
    for (i, h) in out.iter_mut().enumerate() {
        h.rank = i + 1;
    }
    Ok(Hotspots {
        hotspots: out,
        ..empty(t)
    })
}

/// Basin labels (0-based, `u32::MAX` outside) of the cells in `above`; see [`find_hotspots_with`].
fn watershed(g: &GridSpec, values: &[f64], above: &[bool], how: Delineation) -> Vec<u32> {
    let mut order: Vec<usize> = (0..g.len()).filter(|&k| above[k]).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let mut label = vec![u32::MAX; g.len()];
    // Union-find over provisional basins, with each root's peak.
    let mut parent: Vec<u32> = Vec::new();
    let mut peak: Vec<f64> = Vec::new();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let p = parent[parent[x as usize] as usize];
            parent[x as usize] = p;
            x = p;
        }
        x
    }
    let min_prom = match how {
        Delineation::Connected => f64::INFINITY,
        Delineation::Saddles { min_prominence } => min_prominence,
    };
    let mut nbr_roots: Vec<(u32, f64)> = Vec::with_capacity(4);
    for &k in &order {
        let (c, r) = g.col_row(k);
        let v = values[k];
        nbr_roots.clear();
        let mut best: Option<(f64, usize)> = None;
        let mut visit = |nk: usize, nbr_roots: &mut Vec<(u32, f64)>, parent: &mut Vec<u32>| {
            let l = label[nk];
            if l == u32::MAX {
                return;
            }
            let root = find(parent, l);
            if !nbr_roots.iter().any(|&(x, _)| x == root) {
                nbr_roots.push((root, peak[root as usize]));
            }
            let nv = values[nk];
            if best.is_none_or(|(bv, bk)| nv > bv || (nv == bv && nk < bk)) {
                best = Some((nv, nk));
            }
        };
        if c > 0 {
            visit(k - 1, &mut nbr_roots, &mut parent);
        }
        if c + 1 < g.cols {
            visit(k + 1, &mut nbr_roots, &mut parent);
        }
        if r > 0 {
            visit(k - g.cols, &mut nbr_roots, &mut parent);
        }
        if r + 1 < g.rows {
            visit(k + g.cols, &mut nbr_roots, &mut parent);
        }
        let Some((_, best_k)) = best else {
            let id = parent.len() as u32;
            parent.push(id);
            peak.push(v);
            label[k] = id;
            continue;
        };
        if nbr_roots.len() > 1 {
            // Highest peak first (ties: lower id, i.e. found first).
            nbr_roots.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let top = nbr_roots[0].0;
            for &(root, p) in &nbr_roots[1..] {
                let prom = if p > 0.0 { (p - v) / p } else { 0.0 };
                if prom < min_prom {
                    parent[root as usize] = top;
                }
            }
        }
        label[k] = find(&mut parent, label[best_k]);
    }
    // Compact root ids in order of first cell (by index) for stable output.
    let mut remap = vec![u32::MAX; parent.len()];
    let mut next = 0u32;
    for l in label.iter_mut() {
        if *l == u32::MAX {
            continue;
        }
        let root = find(&mut parent, *l) as usize;
        if remap[root] == u32::MAX {
            remap[root] = next;
            next += 1;
        }
        *l = remap[root];
    }
    label
}

/// The outline of the cells labelled `b` (cell bounding box `[c0, r0, c1, r1]`).
fn outline(g: &GridSpec, labels: &[u32], b: u32, bb: [usize; 4]) -> Result<MultiPolygon<f64>> {
    // A sub-grid padded by one cell, so every outline closes inside it.
    let c0 = bb[0].saturating_sub(1);
    let r0 = bb[1].saturating_sub(1);
    let c1 = (bb[2] + 1).min(g.cols - 1);
    let r1 = (bb[3] + 1).min(g.rows - 1);
    let (w, h) = (c1 - c0 + 1, r1 - r0 + 1);
    let mut ind = vec![0.0f64; w * h];
    for r in r0..=r1 {
        for c in c0..=c1 {
            if labels[g.index(c, r)] == b {
                ind[(r - r0) * w + (c - c0)] = 1.0;
            }
        }
    }
    let [ox, oy] = g.centre(c0, r0);
    // The crate's origin is the first sample; shift so samples sit on cell centres.
    let builder = contour::ContourBuilder::new(w, h, false)
        .x_origin(ox - 0.5 * g.cell_m)
        .y_origin(oy - 0.5 * g.cell_m)
        .x_step(g.cell_m)
        .y_step(g.cell_m);
    let contours = builder.contours(&ind, &[0.5]).map_err(|e| {
        Error::invalid(
            "grid",
            format!("{} x {}", g.cols, g.rows),
            format!("contouring failed: {e:?}"),
        )
    })?;
    let polygons: Vec<Polygon<f64>> = contours
        .into_iter()
        .flat_map(|c| c.into_inner().0.0)
        .collect();
    Ok(MultiPolygon::new(polygons))
}

impl Hotspots {
    /// The hotspots as output features (metres) with their statistics as properties:
    /// `rank, incidents, weight, area_km2, cells, peak_density, share, categories, threshold, units`.
    pub fn to_features(&self) -> Vec<OutFeature> {
        self.hotspots
            .iter()
            .map(|h| {
                let mut p = Map::new();
                p.insert("rank".into(), json!(h.rank));
                p.insert("incidents".into(), json!(h.incidents));
                p.insert("weight".into(), json!(h.weight));
                p.insert("area_km2".into(), json!(h.area_km2));
                p.insert("cells".into(), json!(h.cells));
                p.insert("peak_density".into(), json!(h.peak_density));
                p.insert("share".into(), json!(h.share));
                let cats: Map<String, Value> = h
                    .categories
                    .iter()
                    .map(|(c, n)| (c.clone(), json!(n)))
                    .collect();
                p.insert("categories".into(), Value::Object(cats));
                p.insert("threshold".into(), json!(self.threshold));
                p.insert("units".into(), json!(self.units));
                OutFeature {
                    geometry: geo::Geometry::MultiPolygon(h.geometry.clone()),
                    properties: p,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::density::{Kde, KdeOptions};
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use geo::{Contains, Point};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn clustered(seed: u64, n: usize) -> Incidents {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centres = [(1000.0, 1000.0), (2500.0, 1800.0), (1800.0, 2600.0)];
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for i in 0..n {
            let (x, y) = if i % 4 == 3 {
                (rng.random_range(0.0..3500.0), rng.random_range(0.0..3500.0))
            } else {
                let c = centres[i % 3];
                (
                    c.0 + rng.random_range(-200.0..200.0),
                    c.1 + rng.random_range(-200.0..200.0),
                )
            };
            b.push(IncidentRecord {
                x,
                y,
                weight: 1.0,
                category: ["vandalism", "violence"][i % 2],
                time: None,
                id: i.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        b.build()
    }

    #[test]
    fn polygons_contain_exactly_the_cells_at_or_above_the_threshold() {
        let inc = clustered(1, 300);
        let s = Kde::new(KdeOptions::new(250.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap();
        for rule in [
            HotspotThreshold::TopAreaPercent(7.0),
            HotspotThreshold::WeightPercent(50.0),
            HotspotThreshold::Density(s.raster.max().unwrap() * 0.3),
        ] {
            let h = find_hotspots(&s, &inc, rule).unwrap();
            assert!(!h.hotspots.is_empty());
            let g = s.raster.spec;
            let mut above = 0;
            for row in 0..g.rows {
                for col in 0..g.cols {
                    let [cx, cy] = g.centre(col, row);
                    let p = Point::new(cx, cy);
                    let inside = h
                        .hotspots
                        .iter()
                        .filter(|hs| hs.geometry.contains(&p))
                        .count();
                    let is_above = s.raster.get(col, row) >= h.threshold;
                    assert_eq!(inside, usize::from(is_above), "cell ({col}, {row})");
                    above += usize::from(is_above);
                }
            }
            assert_eq!(h.hotspots.iter().map(|x| x.cells).sum::<usize>(), above);
            // Statistics: incidents whose cell is above the threshold, by brute force.
            let total: usize = h.hotspots.iter().map(|x| x.incidents).sum();
            let brute = (0..inc.len())
                .filter(|&i| {
                    let [x, y] = inc.position(i);
                    g.cell_of(x, y)
                        .is_some_and(|(c, r)| s.raster.get(c, r) >= h.threshold)
                })
                .count();
            assert_eq!(total, brute);
            for w in h.hotspots.windows(2) {
                assert!(w[0].peak_density >= w[1].peak_density);
            }
            assert_eq!(h.hotspots[0].peak_density, s.raster.max().unwrap());
        }
    }

    #[test]
    fn threshold_rules_by_hand() {
        let inc = clustered(2, 200);
        let s = Kde::new(KdeOptions::new(250.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap();
        let mut v = s.raster.values.clone();
        v.sort_by(|a, b| b.total_cmp(a));
        let t = threshold_value(&s, HotspotThreshold::TopAreaPercent(10.0))
            .unwrap()
            .unwrap();
        let k = (0.1 * v.len() as f64).ceil() as usize;
        assert_eq!(t, v[k - 1]);
        let t = threshold_value(&s, HotspotThreshold::WeightPercent(50.0))
            .unwrap()
            .unwrap();
        let total: f64 = v.iter().sum();
        let held: f64 = v.iter().filter(|&&x| x >= t).sum();
        let held_above: f64 = v.iter().filter(|&&x| x > t).sum();
        assert!(held >= 0.5 * total && held_above < 0.5 * total);
        assert!(threshold_value(&s, HotspotThreshold::TopAreaPercent(0.0)).is_err());
        assert!(threshold_value(&s, HotspotThreshold::Density(-1.0)).is_err());
    }

    #[test]
    fn categories_and_shares() {
        let inc = clustered(3, 400);
        let s = Kde::new(KdeOptions::new(250.0, 50.0))
            .unwrap()
            .estimate(&inc)
            .unwrap();
        let h = find_hotspots(&s, &inc, HotspotThreshold::WeightPercent(60.0)).unwrap();
        for hs in &h.hotspots {
            assert_eq!(
                hs.categories.iter().map(|c| c.1).sum::<usize>(),
                hs.incidents
            );
            assert!((hs.share - hs.weight / 400.0).abs() < 1e-12);
            assert!(hs.area_km2 > 0.0);
        }
        let f = h.to_features();
        assert_eq!(f.len(), h.hotspots.len());
        assert!(f[0].properties.contains_key("peak_density"));
    }

    #[test]
    fn empty_surface_has_no_hotspots() {
        let none = Incidents::empty(Crs::SWEREF99_TM).unwrap();
        let mut o = KdeOptions::new(300.0, 50.0);
        o.extent = crate::density::Extent::Grid(
            crate::grid::GridSpec::new(0.0, 0.0, 50.0, 10, 10).unwrap(),
        );
        let s = Kde::new(o).unwrap().estimate(&none).unwrap();
        let h = find_hotspots(&s, &none, HotspotThreshold::TopAreaPercent(5.0)).unwrap();
        assert!(h.hotspots.is_empty());
    }
}
