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
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::index::SpatialIndex;
use crate::output::OutFeature;
use geo::{Area, BoundingRect, Contains, Intersects, MultiPolygon, Point, Polygon};
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
    /// Hotspots, highest peak first.
    pub hotspots: Vec<Hotspot>,
}

/// The threshold value of `rule` on `surface`, or `None` when the surface has no positive value.
///
/// # Errors
/// [`Error::InvalidParameter`] for a percentage outside (0, 100] or a non-positive density.
pub fn threshold_value(surface: &DensitySurface, rule: HotspotThreshold) -> Result<Option<f64>> {
    rule.check()?;
    let mut v: Vec<f64> = surface
        .raster
        .values
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
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

/// Hotspot polygons of `surface` under `rule`, with statistics of the incidents in `inc`.
///
/// # Errors
/// As [`threshold_value`]; [`Error::InvalidParameter`] if the contour tracer
/// rejects the grid (it cannot for a well-formed surface).
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
    let units = surface.units.name();
    let Some(t) = threshold_value(surface, rule)? else {
        return Ok(Hotspots {
            rule: rule.describe(),
            threshold: 0.0,
            units,
            hotspots: Vec::new(),
        });
    };
    let g = surface.raster.spec;
    let builder = contour::ContourBuilder::new(g.cols, g.rows, false)
        .x_origin(g.x0)
        .y_origin(g.y0)
        .x_step(g.cell_m)
        .y_step(g.cell_m);
    let contours = builder
        .contours(&surface.raster.values, &[t])
        .map_err(|e| {
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
    let index = SpatialIndex::new(inc);
    let total_w = inc.total_weight();
    let mut out = Vec::with_capacity(polygons.len());
    for poly in polygons {
        let Some(bb) = poly.bounding_rect() else {
            continue;
        };
        // Cells whose centre may fall in the polygon's box.
        let c0 = (((bb.min().x - g.x0) / g.cell_m).floor().max(0.0)) as usize;
        let r0 = (((bb.min().y - g.y0) / g.cell_m).floor().max(0.0)) as usize;
        let c1 = ((((bb.max().x - g.x0) / g.cell_m).ceil()) as usize).min(g.cols);
        let r1 = ((((bb.max().y - g.y0) / g.cell_m).ceil()) as usize).min(g.rows);
        let (mut cells, mut peak) = (0usize, f64::NEG_INFINITY);
        for row in r0..r1 {
            for col in c0..c1 {
                let v = surface.raster.get(col, row);
                if v >= t {
                    let [cx, cy] = g.centre(col, row);
                    if poly.contains(&Point::new(cx, cy)) {
                        cells += 1;
                        peak = peak.max(v);
                    }
                }
            }
        }
        let mut count = 0usize;
        let mut weight = 0.0;
        let mut cats = vec![0usize; inc.category_names().len()];
        for i in index.in_rect(bb.min().x, bb.min().y, bb.max().x, bb.max().y) {
            let [x, y] = inc.position(i);
            if poly.intersects(&Point::new(x, y)) {
                count += 1;
                weight += inc.weights()[i];
                cats[inc.category_ids()[i] as usize] += 1;
            }
        }
        let mut categories: Vec<(String, usize)> = cats
            .into_iter()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .map(|(c, n)| (inc.category_names()[c].clone(), n))
            .collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let area_km2 = poly.unsigned_area() / 1e6;
        out.push(Hotspot {
            rank: 0,
            geometry: MultiPolygon::new(vec![poly]),
            incidents: count,
            weight,
            area_km2,
            cells,
            peak_density: if cells > 0 { peak } else { t },
            share: if total_w > 0.0 { weight / total_w } else { 0.0 },
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
        rule: rule.describe(),
        threshold: t,
        units,
        hotspots: out,
    })
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
            // Statistics: incidents inside by brute force.
            let total: usize = h.hotspots.iter().map(|x| x.incidents).sum();
            let brute = (0..inc.len())
                .filter(|&i| {
                    let [x, y] = inc.position(i);
                    h.hotspots
                        .iter()
                        .any(|hs| hs.geometry.intersects(&Point::new(x, y)))
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
