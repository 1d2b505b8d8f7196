//! Zones for the before/after comparison ([`super::compare`]): read from a GeoJSON file, around schools,
//! or the before period's top cells; and the density difference of two periods on the comparison grid.
//! The `compare` command and the library share these, so a planner gets the same zones from either.

use super::{EvalGrid, Zone};
use crate::Projector;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::period::Period;
use crate::schools::School;
use serde_json::{Map, Value};
use std::path::Path;

fn feature_name(props: Option<&Map<String, Value>>, field: &str, k: usize) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    props
        .and_then(|p| {
            p.get(field)
                .or_else(|| p.get("namn"))
                .or_else(|| p.get("id"))
                .and_then(text)
        })
        .unwrap_or_else(|| format!("zone {k}"))
}

/// Reads zones for [`super::compare`]: one per Polygon/MultiPolygon feature of a GeoJSON file, named by
/// the property `field` (else `namn`, else `id`, else `zone N`). Coordinates in degrees are lon/lat
/// (RFC 7946) and projected; others are taken as metres of the working CRS.
pub fn read_zones(path: &Path, field: &str, projector: &Projector) -> Result<Vec<Zone>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("not GeoJSON: {e}"),
    })?;
    let feats: Vec<geojson::Feature> = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature::from(g)],
    };
    let mut zones = Vec::new();
    for (k, f) in feats.iter().enumerate() {
        let fno = k as u64 + 1;
        let perr = |message: String| Error::Parse {
            path: path.to_path_buf(),
            line: Some(fno),
            message,
        };
        let Some(g) = &f.geometry else { continue };
        let geom =
            crate::ingest::geometry_to_geo(g).map_err(|e| perr(format!("feature {fno}: {e}")))?;
        let mp = match geom {
            geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(mp) => mp,
            _ => {
                return Err(perr(format!(
                    "feature {fno} is not a Polygon or MultiPolygon"
                )));
            }
        };
        let degrees = mp.iter().all(|p| {
            p.exterior()
                .coords()
                .all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
        });
        let mp = if degrees {
            use geo::MapCoords;
            mp.try_map_coords(|c| {
                projector
                    .to_metres(c.x, c.y)
                    .map(|[x, y]| geo::coord! { x: x, y: y })
            })?
        } else {
            mp
        };
        let name = feature_name(f.properties.as_ref(), field, k + 1);
        zones.push(Zone::new(name, "zone", mp).map_err(|e| perr(format!("feature {fno}: {e}")))?);
    }
    if zones.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "no Polygon or MultiPolygon feature".into(),
        });
    }
    Ok(zones)
}

/// Groups of 8-connected top cells of `grid` (ranked by `before`'s counts, the top `coverage` share of
/// the active cells) as zones named `hotspot N`, busiest first; groups with fewer than `min_count`
/// incidents are dropped. Every incident of `before` counts 1; [`hotspot_zones_by_share`] counts
/// interval incidents by their share of the period.
///
/// # Errors
/// From [`EvalGrid::rank`] and [`Zone::new`].
pub fn hotspot_zones(
    grid: &EvalGrid,
    before: &Incidents,
    coverage: f64,
    min_count: usize,
) -> Result<Vec<Zone>> {
    hotspot_zones_by_share(grid, before, &vec![1.0; before.len()], coverage, min_count)
}

/// [`hotspot_zones`] with incident `i` counting `shares[i]` (e.g. [`Period::shares`]: an interval
/// incident by the share of its interval in the before period, Ratcliffe 2002's aoristic rule; an
/// exact time 1 or 0), so a group's count, compared with `min_count`, is a sum of shares.
///
/// # Errors
/// [`Error::InvalidParameter`] when `shares` does not have one value per incident; those of
/// [`hotspot_zones`].
pub fn hotspot_zones_by_share(
    grid: &EvalGrid,
    incidents: &Incidents,
    shares: &[f64],
    coverage: f64,
    min_count: usize,
) -> Result<Vec<Zone>> {
    check_shares(incidents, shares)?;
    let spec = *grid.spec();
    let counts = grid.share_counts(incidents, shares, false);
    let ranked = grid.rank(&counts)?;
    let k = grid.cells_for(coverage);
    let mut sel = vec![false; spec.len()];
    for &i in ranked[..k].iter().filter(|&&i| counts[i] > 0.0) {
        sel[i] = true;
    }
    let mut seen = vec![false; spec.len()];
    let mut groups: Vec<(f64, usize, Vec<usize>)> = Vec::new();
    for start in 0..spec.len() {
        if !sel[start] || seen[start] {
            continue;
        }
        let mut stack = vec![start];
        seen[start] = true;
        let mut members = Vec::new();
        while let Some(i) = stack.pop() {
            members.push(i);
            let (c, r) = spec.col_row(i);
            for dr in -1i64..=1 {
                for dc in -1i64..=1 {
                    let (cc, rr) = (c as i64 + dc, r as i64 + dr);
                    if cc < 0 || rr < 0 || cc >= spec.cols as i64 || rr >= spec.rows as i64 {
                        continue;
                    }
                    let j = spec.index(cc as usize, rr as usize);
                    if sel[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        members.sort_unstable();
        let total: f64 = members.iter().map(|&i| counts[i]).sum();
        if total >= min_count as f64 {
            groups.push((total, members[0], members));
        }
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut zones = Vec::new();
    for (n, (_, _, members)) in groups.into_iter().enumerate() {
        let polys = members
            .iter()
            .map(|&i| {
                let (c, r) = spec.col_row(i);
                let [x0, y0, x1, y1] = spec.cell_bounds(c, r);
                geo::Polygon::new(
                    geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                    vec![],
                )
            })
            .collect();
        zones.push(Zone::new(
            format!("hotspot {}", n + 1),
            "hotspot",
            geo::MultiPolygon(polys),
        )?);
    }
    Ok(zones)
}

/// One zone per school: the area within `radius` metres of its point or grounds.
///
/// # Errors
/// [`Error::InvalidParameter`] from [`Zone::new`] when a zone has no area (radius 0 around a point).
pub fn school_zones(schools: &[School], radius: f64) -> Result<Vec<Zone>> {
    let mut out = Vec::with_capacity(schools.len());
    for s in schools {
        out.push(Zone::new(s.name.clone(), "school", s.buffer(radius))?);
    }
    Ok(out)
}

/// The density difference of the two periods and how it was made ([`density_difference`]).
pub struct DensityDifference {
    /// After minus before, incidents per km² per 30 days; NaN outside the study area.
    pub raster: crate::grid::Raster,
    /// Bandwidth used for both surfaces, metres.
    pub bandwidth_m: f64,
    /// `fixed` or the rule that chose it.
    pub method: &'static str,
}

/// Kernel density (quartic, [`crate::density`]) of each period on the comparison
/// grid with one bandwidth, each divided by its period's days and multiplied by
/// 30, after minus before. Without `bandwidth` the ArcGIS rule is applied to both
/// periods' incidents together, so the two surfaces share one kernel. Every incident of `before`
/// and `after` counts by its weight; [`density_difference_by_share`] counts interval incidents by
/// their share of each period.
///
/// # Errors
/// Those of [`crate::density::Kde`].
pub fn density_difference(
    grid: &EvalGrid,
    all: &Incidents,
    before: &Incidents,
    after: &Incidents,
    bp: Period,
    ap: Period,
    bandwidth: Option<f64>,
) -> Result<DensityDifference> {
    let both = || {
        let mut v = bp.select(all);
        v.extend(ap.select(all));
        v.sort_unstable();
        v.dedup();
        all.subset(&v)
    };
    difference_of(grid, both, before, after, bp, ap, bandwidth)
}

/// [`density_difference`] of the incidents of one file with each interval incident weighted by its
/// share of each period ([`BeforeAfter`]; weight × share, Ratcliffe 2002's aoristic rule) and the
/// ArcGIS rule, without `bandwidth`, applied to the incidents with a share above 0 in either period.
///
/// # Errors
/// [`Error::InvalidParameter`] when `periods` was made for another incident set; those of
/// [`crate::density::Kde`].
pub fn density_difference_by_share(
    grid: &EvalGrid,
    incidents: &Incidents,
    periods: &BeforeAfter,
    bandwidth: Option<f64>,
) -> Result<DensityDifference> {
    check_shares(incidents, &periods.before_shares)?;
    check_shares(incidents, &periods.after_shares)?;
    let both = || {
        let v: Vec<usize> = (0..incidents.len())
            .filter(|&i| periods.before_shares[i] > 0.0 || periods.after_shares[i] > 0.0)
            .collect();
        incidents.subset(&v)
    };
    let before = periods.weighted(incidents, &periods.before_shares)?;
    let after = periods.weighted(incidents, &periods.after_shares)?;
    difference_of(
        grid,
        both,
        &before,
        &after,
        periods.before,
        periods.after,
        bandwidth,
    )
}

fn difference_of(
    grid: &EvalGrid,
    both: impl FnOnce() -> Incidents,
    before: &Incidents,
    after: &Incidents,
    bp: Period,
    ap: Period,
    bandwidth: Option<f64>,
) -> Result<DensityDifference> {
    use crate::density::{Bandwidth, BandwidthRule, Extent, Kde, KdeOptions};
    let spec = *grid.spec();
    let mut opts = KdeOptions::new(bandwidth.unwrap_or(1.0), spec.cell_m);
    opts.extent = Extent::Grid(spec);
    let (bandwidth_m, method) = match bandwidth {
        Some(b) => (b, "fixed"),
        None => {
            let mut rule = opts.clone();
            rule.bandwidth = Bandwidth::Rule(BandwidthRule::Arcgis);
            let (_, report) = Kde::new(rule)?.plan(&both())?;
            (report.bandwidth_m, "arcgis")
        }
    };
    opts.bandwidth = Bandwidth::Fixed(bandwidth_m);
    let kde = Kde::new(opts)?;
    let b = kde.estimate(before)?;
    let a = kde.estimate(after)?;
    let (bd, ad) = (bp.days() as f64, ap.days() as f64);
    let values = (0..spec.len())
        .map(|i| {
            if grid.is_active(i) {
                (a.raster.values[i] / ad - b.raster.values[i] / bd) * 30.0
            } else {
                f64::NAN
            }
        })
        .collect();
    Ok(DensityDifference {
        raster: crate::grid::Raster { spec, values },
        bandwidth_m,
        method,
    })
}

fn check_shares(incidents: &Incidents, shares: &[f64]) -> Result<()> {
    if shares.len() == incidents.len() {
        Ok(())
    } else {
        Err(Error::invalid(
            "shares",
            format!("{} values", shares.len()),
            format!("need one share per incident ({})", incidents.len()),
        ))
    }
}

/// The before and after periods of a comparison with every incident's share of each
/// ([`Period::shares`]: an interval incident by the share of its interval in the period, in the
/// local dates of the zone the times were read in; an exact time 1 or 0; no time 0).
#[derive(Clone, Debug, PartialEq)]
pub struct BeforeAfter {
    /// The before period.
    pub before: Period,
    /// The after period.
    pub after: Period,
    /// Share of each incident (index order) in the before period.
    pub before_shares: Vec<f64>,
    /// Share of each incident (index order) in the after period.
    pub after_shares: Vec<f64>,
}

impl BeforeAfter {
    /// The shares of every incident of `incidents` in `before` and `after` (days in `tz`).
    ///
    /// Complexity `O(n)`.
    pub fn new(incidents: &Incidents, before: Period, after: Period, tz: chrono_tz::Tz) -> Self {
        Self {
            before,
            after,
            before_shares: before.shares(incidents, tz),
            after_shares: after.shares(incidents, tz),
        }
    }

    /// The incidents with weight × `shares`, those with share 0 left out (so their weights stay
    /// valid); the set itself when every share is 1.
    fn weighted(&self, incidents: &Incidents, shares: &[f64]) -> Result<Incidents> {
        let keep: Vec<usize> = (0..incidents.len()).filter(|&i| shares[i] > 0.0).collect();
        let sub = incidents.subset(&keep);
        if keep.iter().all(|&i| shares[i] == 1.0) {
            return Ok(sub);
        }
        let w: Vec<f64> = keep
            .iter()
            .zip(sub.weights())
            .map(|(&i, &h)| h * shares[i])
            .collect();
        sub.with_weights(w)
    }
}

/// One grid cell of a before/after change map ([`change_cells`]).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ChangeCell {
    /// Column of the cell in the grid.
    pub col: usize,
    /// Row of the cell in the grid.
    pub row: usize,
    /// Incidents in the cell in the before period (sum of shares).
    pub before: f64,
    /// Incidents in the cell in the after period (sum of shares).
    pub after: f64,
    /// The change in incidents per 30 days: `(after / after_days - before / before_days) * 30`.
    pub change_per_30d: f64,
}

/// The study-area cells of `grid` with an incident in either period, in cell order: counts before
/// and after, each incident by its share of the period ([`BeforeAfter`]), and the change per 30
/// days (both counts as rates per day of their period, so periods of different lengths compare).
///
/// # Errors
/// [`Error::InvalidParameter`] when `periods` was made for another incident set.
pub fn change_cells(
    grid: &EvalGrid,
    incidents: &Incidents,
    periods: &BeforeAfter,
) -> Result<Vec<ChangeCell>> {
    check_shares(incidents, &periods.before_shares)?;
    check_shares(incidents, &periods.after_shares)?;
    let spec = grid.spec();
    let b = grid.share_counts(incidents, &periods.before_shares, false);
    let a = grid.share_counts(incidents, &periods.after_shares, false);
    let (bd, ad) = (periods.before.days() as f64, periods.after.days() as f64);
    Ok((0..spec.len())
        .filter(|&i| grid.is_active(i) && (a[i] != 0.0 || b[i] != 0.0))
        .map(|i| {
            let (col, row) = spec.col_row(i);
            ChangeCell {
                col,
                row,
                before: b[i],
                after: a[i],
                change_per_30d: (a[i] / ad - b[i] / bd) * 30.0,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::grid::GridSpec;

    /// Incidents at the centres of cells of a 10 m row of cells: `counts[c]` in cell `c`.
    fn row_of(counts: &[usize]) -> Incidents {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (c, &n) in counts.iter().enumerate() {
            for _ in 0..n {
                x.push(c as f64 * 10.0 + 5.0);
                y.push(5.0);
            }
        }
        Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap()
    }

    #[test]
    fn hotspot_zones_are_touching_top_cells_busiest_first() {
        // Counts 5 4 0 3 1: the top 3 of 5 cells are 0, 1 and 3; cells 0-1 touch (9 incidents), 3 alone (3).
        let grid = EvalGrid::new(GridSpec::new(0.0, 0.0, 10.0, 5, 1).unwrap(), None).unwrap();
        let before = row_of(&[5, 4, 0, 3, 1]);
        let z = hotspot_zones(&grid, &before, 0.6, 1).unwrap();
        let names: Vec<&str> = z.iter().map(|z| z.name.as_str()).collect();
        assert_eq!(names, ["hotspot 1", "hotspot 2"]);
        use geo::Area;
        assert!((z[0].area.polygons().unsigned_area() - 200.0).abs() < 1e-9);
        assert!((z[1].area.polygons().unsigned_area() - 100.0).abs() < 1e-9);
        // A minimum of 4 incidents drops the single cell with 3.
        assert_eq!(hotspot_zones(&grid, &before, 0.6, 4).unwrap().len(), 1);
    }

    #[test]
    fn read_zones_names_features_and_refuses_points() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zones.geojson");
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"Torget"},"geometry":{"type":"Polygon","coordinates":[[[15.87,59.05],[15.88,59.05],[15.88,59.06],[15.87,59.05]]]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[540000,6545000],[540100,6545000],[540100,6545100],[540000,6545000]]]}}]}"#,
        )
        .unwrap();
        let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
        let z = read_zones(&p, "name", &proj).unwrap();
        assert_eq!(z[0].name, "Torget");
        assert_eq!(z[1].name, "zone 2");
        // The lon/lat zone is projected into SWEREF 99 TM metres, the metre zone kept as given.
        use geo::BoundingRect;
        let b = z[0].area.polygons().bounding_rect().unwrap();
        assert!(b.min().x > 500_000.0 && b.min().y > 6_500_000.0, "{b:?}");
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[15.8,59.0]}}]}"#,
        )
        .unwrap();
        let e = read_zones(&p, "name", &proj).unwrap_err().to_string();
        assert!(
            e.contains("zones.geojson") && e.contains("feature 1 is not a Polygon"),
            "{e}"
        );
    }
}
