//! School zones: incidents, harm and rate ratios within a radius of each school, time profiles and distance decay.
//!
//! # What is computed
//! - **Zone** of a school: the area within `radius_m` (default 300 m) of the school point or polygon, clipped
//!   to the study area. Membership of an incident is exact (Euclidean distance to the point, or to the
//!   polygon with distance 0 inside it, `<= radius_m`, and inside the study area).
//! - **Zone area**: exactly `π r²` for a point school whose circle lies wholly inside the study area;
//!   otherwise the area of the clipped polygon. Circles are drawn with [`CIRCLE_VERTICES`] vertices on the
//!   area-equivalent radius `r·sqrt(2π / (n sin(2π/n)))`, so an unclipped polygon has exactly the circle's
//!   area and a clipped one is within about 0.01 % of the true clipped area. Polygon schools are buffered
//!   with geo's [`Buffer`] using round joins of the same angular step (inscribed arcs: area a little below
//!   the exact buffer, by less than 0.05 % of the arc parts).
//! - **Per school and problem area** (and an `all` row): incidents and harm in the zone, rate per km²,
//!   the rate ratio against the rest of the study area (zone incidents / zone area over rest incidents /
//!   rest area) with the exact conditional interval and p-value of [`rate_ratio_test`] (Breslow & Day 1987),
//!   and the excess incidents over the expectation under equal rates, `n·A_zone/A_study`. The ranking uses
//!   the **harm-weighted excess** `H_zone − H_study·A_zone/A_study`, within each problem area (`all`
//!   gives the overall school ranking). p-values are per test and not adjusted for the number of schools
//!   and problem areas: read them as screening values.
//! - **Overlaps**: an incident in two overlapping zones counts for both schools; the municipality totals
//!   ([`ZoneTotals`]) count it once and use the area of the union of the zones.
//! - **Time classes** ([`calendar`], [`times`]): per school and problem area, the aoristic weight of
//!   incidents by [`TimeClass`], against the same problem area elsewhere.
//! - **Distance decay**: incidents per km² by ring of distance from the nearest school (default rings
//!   0-100, 100-200, 200-300, 300-500 m, plus the remainder) against the study-area rate.
//!
//! - **Against comparable places** ([`controlled`](mod@controlled) module): the location quotient with its exact
//!   interval, a matched placebo comparison, Holm-adjusted p-values and the `higher`/`lower`/`none` flag.
//! - **When** ([`times`] module): time classes from aoristic weights per school and problem area, and
//!   the out-of-hours share against the same problem area elsewhere in the comparison area. These, not the rate ratio
//!   against the whole (mostly empty) study area, say whether a school has an excess of its own.
//!
//! Complexity: O(S·n) distance evaluations for S schools and n incidents (fine for municipal data), plus one
//! polygon clip per school and one union per ring edge.

pub mod calendar;
pub mod controlled;
pub mod times;

pub use calendar::{CalendarConfig, SchoolCalendar, TimeClass};
pub use controlled::{
    ComparisonArea, ControlParams, ControlledReport, ControlledRow, Flag, controlled,
};
pub use times::{TimeClassRow, TimeClasses, time_classes};

use crate::categories::{Classification, ProblemArea};
use crate::crs::Projector;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::stats::poisson::{RateRatio, rate_ratio_test};
use crate::study_area::StudyArea;
use geo::algorithm::buffer::{BufferStyle, LineJoin};
use geo::{
    Area, BooleanOps, Buffer, Centroid, Distance, Euclidean, LineString, MultiPolygon, Point,
    Polygon,
};
use std::path::Path;

/// Vertices used to draw a circle (and the angular step of round buffer joins).
pub const CIRCLE_VERTICES: usize = 128;

/// The name of the row that sums every problem area.
pub const ALL: &str = "all";

/// Problem area and harm weight of every incident, as plain columns.
///
/// This is the thin interface to the category table: `names[area_of[i]]` is the problem area of incident
/// `i` and `harm[i]` its harm weight.
#[derive(Clone, Debug, PartialEq)]
pub struct ProblemAreas {
    names: Vec<String>,
    area_of: Vec<usize>,
    harm: Vec<f64>,
}

impl ProblemAreas {
    /// Problem areas from columns.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the columns differ in length, an index is out of range, a harm weight
    /// is negative or not finite, or a name is `all` (reserved for the total row) or repeated.
    pub fn new(names: Vec<String>, area_of: Vec<usize>, harm: Vec<f64>) -> Result<Self> {
        if area_of.len() != harm.len() {
            return Err(Error::invalid(
                "harm",
                format!("{} values", harm.len()),
                format!("one harm weight per incident ({}) is needed", area_of.len()),
            ));
        }
        for (k, n) in names.iter().enumerate() {
            if n == ALL || names[..k].contains(n) {
                return Err(Error::invalid(
                    "problem_area",
                    n,
                    "names must be unique and not `all` (reserved for the total row)",
                ));
            }
        }
        if let Some((i, a)) = area_of.iter().enumerate().find(|(_, a)| **a >= names.len()) {
            return Err(Error::invalid(
                "area_of",
                a,
                format!("incident {i}: only {} problem areas exist", names.len()),
            ));
        }
        if let Some((i, h)) = harm
            .iter()
            .enumerate()
            .find(|(_, h)| !(h.is_finite() && **h >= 0.0))
        {
            return Err(Error::invalid(
                "harm",
                h,
                format!("incident {i}: harm weight must be finite and >= 0"),
            ));
        }
        Ok(Self {
            names,
            area_of,
            harm,
        })
    }

    /// The problem areas of the citizen promise ([`ProblemArea::ALL`] ids: `violence`, `youth`,
    /// `vandalism`, `traffic`, `fraud`, `other`) and harm weights from a category table's classification.
    pub fn from_classification(c: &Classification) -> Self {
        Self {
            names: ProblemArea::ALL
                .iter()
                .map(|a| a.id().to_string())
                .collect(),
            area_of: c.areas().iter().map(|a| a.index()).collect(),
            harm: c.harms().to_vec(),
        }
    }

    /// The same problem areas for the incidents at `indices` (e.g. after [`Incidents::subset`]).
    pub fn subset(&self, indices: &[usize]) -> Self {
        Self {
            names: self.names.clone(),
            area_of: indices.iter().map(|&i| self.area_of[i]).collect(),
            harm: indices.iter().map(|&i| self.harm[i]).collect(),
        }
    }

    /// Every raw category of `incidents` as its own problem area, harm = the incident weight.
    /// A stand-in when no category table is given.
    pub fn from_raw_categories(incidents: &Incidents) -> Self {
        let names = incidents
            .category_names()
            .iter()
            .map(|n| {
                if n.is_empty() {
                    "(no category)".to_string()
                } else if n == ALL {
                    "all (category)".to_string()
                } else {
                    n.clone()
                }
            })
            .collect();
        Self {
            names,
            area_of: incidents
                .category_ids()
                .iter()
                .map(|&c| c as usize)
                .collect(),
            harm: incidents.weights().to_vec(),
        }
    }

    /// Problem-area names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Problem area index of each incident.
    pub fn area_of(&self) -> &[usize] {
        &self.area_of
    }

    /// Harm weight of each incident.
    pub fn harm(&self) -> &[f64] {
        &self.harm
    }

    /// Number of incidents described.
    pub fn len(&self) -> usize {
        self.area_of.len()
    }

    /// Whether no incident is described.
    pub fn is_empty(&self) -> bool {
        self.area_of.is_empty()
    }
}

/// Where a school is: a point or a (multi)polygon, in working-CRS metres.
#[derive(Clone, Debug, PartialEq)]
pub enum SchoolShape {
    /// A point `[x, y]`.
    Point([f64; 2]),
    /// The school grounds.
    Area(MultiPolygon<f64>),
}

/// A school: name, level (e.g. "F-6") when given, and shape.
#[derive(Clone, Debug, PartialEq)]
pub struct School {
    /// Name (unique within a file).
    pub name: String,
    /// School level when the input gives one.
    pub level: Option<String>,
    /// Point or grounds, in metres.
    pub shape: SchoolShape,
}

impl School {
    /// Euclidean distance in metres from `(x, y)` to the school (0 inside its grounds).
    pub fn distance_to(&self, x: f64, y: f64) -> f64 {
        match &self.shape {
            SchoolShape::Point([sx, sy]) => (x - sx).hypot(y - sy),
            SchoolShape::Area(mp) => Euclidean.distance(mp, &Point::new(x, y)),
        }
    }

    /// A representative location: the point, or the centroid of the grounds.
    pub fn location(&self) -> [f64; 2] {
        match &self.shape {
            SchoolShape::Point(p) => *p,
            SchoolShape::Area(mp) => mp
                .centroid()
                .map(|c| [c.x(), c.y()])
                .unwrap_or([f64::NAN, f64::NAN]),
        }
    }

    /// The area within `radius_m` of the school, unclipped (see the module doc for the approximation).
    pub fn buffer(&self, radius_m: f64) -> MultiPolygon<f64> {
        match &self.shape {
            SchoolShape::Point(p) => MultiPolygon::new(vec![circle(*p, radius_m)]),
            SchoolShape::Area(mp) => {
                if radius_m <= 0.0 {
                    return mp.clone();
                }
                let step = 2.0 * std::f64::consts::PI / CIRCLE_VERTICES as f64;
                mp.buffer_with_style(BufferStyle::new(radius_m).line_join(LineJoin::Round(step)))
            }
        }
    }
}

/// A polygon with [`CIRCLE_VERTICES`] vertices whose area equals that of the circle of radius `r`.
pub fn circle(centre: [f64; 2], r: f64) -> Polygon<f64> {
    let n = CIRCLE_VERTICES as f64;
    let step = 2.0 * std::f64::consts::PI / n;
    let big_r = r * (2.0 * std::f64::consts::PI / (n * step.sin())).sqrt();
    let mut ring: Vec<(f64, f64)> = (0..CIRCLE_VERTICES)
        .map(|k| {
            let a = step * k as f64;
            (centre[0] + big_r * a.cos(), centre[1] + big_r * a.sin())
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString::from(ring), vec![])
}

fn feature_err(path: &Path, k: usize, name: Option<&str>, msg: impl std::fmt::Display) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: Some(k as u64 + 1),
        message: match name {
            Some(n) => format!("feature {} ({n}): {msg}", k + 1),
            None => format!("feature {}: {msg}", k + 1),
        },
    }
}

/// Reads schools from a GeoJSON file (RFC 7946 lon/lat) of points or polygons, or from a GeoPackage
/// layer (`FILE.gpkg` or `FILE.gpkg:LAYER`, in any CRS it declares; [`crate::basemap::gpkg_as_geojson`]).
///
/// Each feature needs a string property `name` (also accepted: `namn`, `Name`, `NAME`); `level` (or
/// `niva`, `nivå`, `skolform`) is kept when present. Geometry: Point, single-point MultiPoint, Polygon or
/// MultiPolygon. Coordinates are projected to the working CRS of `projector`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Parse`] naming the feature (1-based number and
/// name) for invalid JSON, a missing name, an unsupported or empty geometry, a coordinate that cannot be
/// projected, or a repeated name; an empty collection is an error too.
pub fn read_schools(path: &Path, projector: &Projector) -> Result<Vec<School>> {
    if crate::gpkg::is_gpkg_path(path) {
        let text = crate::basemap::gpkg_as_geojson(path)?;
        return parse_schools(&text, path, projector);
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_schools(&text, path, projector)
}

/// Parses schools from GeoJSON text; `path` is used in error messages. See [`read_schools`].
///
/// # Errors
/// As [`read_schools`].
pub fn parse_schools(text: &str, path: &Path, projector: &Projector) -> Result<Vec<School>> {
    let features = crate::ingest::geojson::parse_features(
        text,
        path,
        "a FeatureCollection of schools with a `name` property",
    )?;
    if features.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "no school features in the file".into(),
        });
    }
    let mut out: Vec<School> = Vec::with_capacity(features.len());
    for (k, f) in features.iter().enumerate() {
        let prop = |keys: &[&str]| {
            keys.iter().find_map(|key| {
                f.property(key).and_then(|v| match v {
                    serde_json::Value::String(s) if !s.trim().is_empty() => {
                        Some(s.trim().to_string())
                    }
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            })
        };
        let name = prop(&["name", "namn", "Name", "NAME"])
            .ok_or_else(|| feature_err(path, k, None, "no `name` property (a non-empty string)"))?;
        let level = prop(&["level", "niva", "nivå", "skolform", "Level"]);
        let geom = f
            .geometry
            .as_ref()
            .ok_or_else(|| feature_err(path, k, Some(&name), "no geometry"))?;
        let g: geo::Geometry<f64> = geom
            .clone()
            .try_into()
            .map_err(|e| feature_err(path, k, Some(&name), format!("bad geometry: {e}")))?;
        let proj = |c: geo::Coord<f64>| -> Result<geo::Coord<f64>> {
            if !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0) {
                return Err(feature_err(
                    path,
                    k,
                    Some(&name),
                    format!(
                        "coordinate ({}, {}) is not lon/lat in degrees (RFC 7946)",
                        c.x, c.y
                    ),
                ));
            }
            let [x, y] = projector
                .to_metres(c.x, c.y)
                .map_err(|e| feature_err(path, k, Some(&name), e))?;
            Ok(geo::coord! { x: x, y: y })
        };
        use geo::MapCoords;
        let shape = match g {
            geo::Geometry::Point(p) => {
                let c = proj(p.0)?;
                SchoolShape::Point([c.x, c.y])
            }
            geo::Geometry::MultiPoint(mp) if mp.0.len() == 1 => {
                let c = proj(mp.0[0].0)?;
                SchoolShape::Point([c.x, c.y])
            }
            geo::Geometry::Polygon(p) => {
                SchoolShape::Area(MultiPolygon::new(vec![p.try_map_coords(proj)?]))
            }
            geo::Geometry::MultiPolygon(mp) => SchoolShape::Area(mp.try_map_coords(proj)?),
            other => {
                return Err(feature_err(
                    path,
                    k,
                    Some(&name),
                    format!(
                        "geometry {} not supported: give a Point or a Polygon/MultiPolygon",
                        geometry_kind(&other)
                    ),
                ));
            }
        };
        if let SchoolShape::Area(mp) = &shape
            && !(mp.unsigned_area() > 0.0)
        {
            return Err(feature_err(path, k, Some(&name), "polygon has no area"));
        }
        if let Some(j) = out.iter().position(|s| s.name == name) {
            return Err(feature_err(
                path,
                k,
                Some(&name),
                format!(
                    "name repeats feature {}: give each school a unique name (e.g. add the level)",
                    j + 1
                ),
            ));
        }
        out.push(School { name, level, shape });
    }
    Ok(out)
}

fn geometry_kind(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) => "Line",
        geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint with several points",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
    }
}

/// Checked parameters of the school-zone analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneParams {
    radius_m: f64,
    ring_edges_m: Vec<f64>,
    confidence: f64,
}

impl Default for ZoneParams {
    fn default() -> Self {
        Self {
            radius_m: 300.0,
            ring_edges_m: vec![0.0, 100.0, 200.0, 300.0, 500.0],
            confidence: 0.95,
        }
    }
}

impl ZoneParams {
    /// Zone radius in metres (> 0, at most 10 km), ring edges in metres (strictly increasing, starting at 0,
    /// at least two), confidence level of the intervals (0 < c < 1).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `radius_m`, `rings_m` or `confidence`.
    pub fn new(radius_m: f64, ring_edges_m: Vec<f64>, confidence: f64) -> Result<Self> {
        if !(radius_m > 0.0 && radius_m <= 10_000.0) {
            return Err(Error::invalid(
                "radius_m",
                radius_m,
                "zone radius must be > 0 and <= 10000 metres",
            ));
        }
        let ok = ring_edges_m.len() >= 2
            && ring_edges_m[0] == 0.0
            && ring_edges_m.windows(2).all(|w| w[1] > w[0])
            && ring_edges_m.iter().all(|v| v.is_finite() && *v <= 50_000.0);
        if !ok {
            return Err(Error::invalid(
                "rings_m",
                format!("{ring_edges_m:?}"),
                "ring edges must start at 0, increase strictly and stay <= 50000 m (e.g. 0,100,200,300,500)",
            ));
        }
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(Error::invalid(
                "confidence",
                confidence,
                "must be strictly between 0 and 1",
            ));
        }
        Ok(Self {
            radius_m,
            ring_edges_m,
            confidence,
        })
    }

    /// Zone radius in metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Ring edges in metres.
    pub fn ring_edges_m(&self) -> &[f64] {
        &self.ring_edges_m
    }

    /// The margin of the study-area fallback ([`crate::ingest::layers::padded_box`] around the
    /// incidents and schools): the outer ring edge or the zone radius, whichever is larger, so that
    /// every zone and ring lies inside the box.
    pub fn study_pad_m(&self) -> f64 {
        self.ring_edges_m
            .last()
            .copied()
            .unwrap_or(500.0)
            .max(self.radius_m)
    }

    /// Confidence level.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }
}

/// The zone of one school.
#[derive(Clone, Debug)]
pub struct SchoolZone {
    /// Index of the school in the input slice.
    pub school: usize,
    /// The zone clipped to the study area, in metres.
    pub geometry: MultiPolygon<f64>,
    /// Zone area in km² (inside the study area).
    pub area_km2: f64,
    /// Whether the area is the exact circle area `π r²` (point school, circle wholly inside the study area).
    pub area_exact: bool,
    /// Indices of the incidents inside the zone, ascending.
    pub members: Vec<usize>,
}

/// One row of the school table: a school and a problem area (`problem_area = None` is the `all` row).
#[derive(Clone, Debug)]
pub struct ZoneRow {
    /// Index of the school in the input slice.
    pub school: usize,
    /// Problem area index, `None` for all areas together.
    pub problem_area: Option<usize>,
    /// Incidents in the zone.
    pub incidents: u64,
    /// Harm in the zone (sum of harm weights).
    pub harm: f64,
    /// Incidents per km² of zone.
    pub rate_per_km2: f64,
    /// Zone against the rest of the study area; `None` when the zone covers the whole study area.
    pub test: Option<RateRatio>,
    /// Incidents above the expectation under equal rates (`n · A_zone / A_study`).
    pub excess: f64,
    /// Harm above its expectation (`H_study · A_zone / A_study`): the ranking key.
    pub harm_excess: f64,
    /// 1 = largest harm-weighted excess among schools for this problem area.
    pub rank: usize,
}

/// Municipality totals for one problem area (`None` = all): every incident counted once.
#[derive(Clone, Debug)]
pub struct ZoneTotals {
    /// Problem area index, `None` for all.
    pub problem_area: Option<usize>,
    /// Incidents in the study area.
    pub incidents_study_area: u64,
    /// Incidents inside at least one school zone (counted once).
    pub incidents_in_zones: u64,
    /// Their harm.
    pub harm_in_zones: f64,
    /// Union of the zones against the rest of the study area (`None` if the union covers it all).
    pub test: Option<RateRatio>,
}

impl ZoneTotals {
    /// Share of the study area's incidents inside a school zone (`NaN` when the study area has
    /// none).
    pub fn share_in_zones(&self) -> f64 {
        self.incidents_in_zones as f64 / self.incidents_study_area as f64
    }
}

/// One distance ring from the nearest school.
#[derive(Clone, Debug)]
pub struct RingRow {
    /// Inner edge in metres (inclusive except at 0, where distance 0 is inside).
    pub from_m: f64,
    /// Outer edge in metres (inclusive); `+inf` for the remainder of the study area.
    pub to_m: f64,
    /// Ring area inside the study area, km².
    pub area_km2: f64,
    /// Incidents whose nearest school lies at a distance in `(from, to]` (`[0, to]` for the first ring).
    pub incidents: u64,
    /// Incidents per km² of ring.
    pub rate_per_km2: f64,
    /// Ring rate over the study-area rate.
    pub ratio_to_study_area: f64,
    /// The ring against the rest of the study area (`None` for an empty ring area).
    pub test: Option<RateRatio>,
}

/// Everything [`analyse`] computes.
#[derive(Clone, Debug)]
pub struct SchoolReport {
    /// One zone per school inside the study area, in the input order.
    pub zones: Vec<SchoolZone>,
    /// Names of schools whose zone does not reach into the study area (left out of every table).
    pub outside_study_area: Vec<String>,
    /// Rows ordered by the schools' overall rank, the `all` row first, then each problem area.
    pub rows: Vec<ZoneRow>,
    /// Municipality totals: `all` first, then each problem area.
    pub totals: Vec<ZoneTotals>,
    /// Distance-decay rings (all problem areas).
    pub rings: Vec<RingRow>,
    /// Incidents inside the study area (the population of every rate).
    pub incidents_in_study_area: u64,
    /// Incidents outside it (ignored; normally 0 when the input was clipped on ingest).
    pub incidents_outside_study_area: u64,
    /// Study area in km².
    pub study_area_km2: f64,
    /// The controlled comparison against comparable places ([`controlled::controlled`]), rows in
    /// the order of [`SchoolReport::rows`]; `None` until a caller runs it (the situation does).
    pub controlled: Option<controlled::ControlledReport>,
    /// Time classes and the out-of-hours comparison ([`times::time_classes`]) in the same comparison
    /// area; `None` until a caller runs it (the situation does).
    pub times: Option<times::TimeClasses>,
}

/// Whether the circle of radius `r` around `c` lies wholly inside the study area.
fn circle_inside(study: &StudyArea, c: [f64; 2], r: f64) -> bool {
    if !study.contains(c[0], c[1]) {
        return false;
    }
    let p = Point::new(c[0], c[1]);
    study.polygons().0.iter().all(|poly| {
        std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .all(|ring| Euclidean.distance(&p, ring) >= r)
    })
}

fn union_area_km2(parts: &[MultiPolygon<f64>], study: &StudyArea) -> f64 {
    let polys: Vec<Polygon<f64>> = parts.iter().flat_map(|m| m.0.iter().cloned()).collect();
    if polys.is_empty() {
        return 0.0;
    }
    let u = geo::unary_union(&polys);
    u.intersection(study.polygons()).unsigned_area() / 1e6
}

/// The school-zone analysis; see the module documentation.
///
/// * `incidents`, `areas`: the incidents and their problem areas and harm (same length).
/// * `schools`: at least one; `study`: the study area (its area is the exposure of every rate).
///
/// Degenerate inputs: no incidents gives zero counts, `NaN` ratios and p = 1; a school whose zone misses
/// the study area is listed in `outside_study_area`; a zone covering the whole study area has no test.
///
/// # Errors
/// [`Error::InvalidParameter`] when `areas` does not describe `incidents` or `schools` is empty;
/// [`Error::InsufficientData`] when no school zone reaches into the study area.
pub fn analyse(
    incidents: &Incidents,
    areas: &ProblemAreas,
    schools: &[School],
    study: &StudyArea,
    params: &ZoneParams,
) -> Result<SchoolReport> {
    if areas.len() != incidents.len() {
        return Err(Error::invalid(
            "problem_areas",
            format!("{} incidents described", areas.len()),
            format!("must describe all {} incidents", incidents.len()),
        ));
    }
    if schools.is_empty() {
        return Err(Error::invalid(
            "schools",
            0,
            "at least one school is needed",
        ));
    }
    let r = params.radius_m;
    let a_study = study.area_km2();
    let n_areas = areas.names.len();
    let (x, y) = (incidents.x(), incidents.y());
    let inside: Vec<bool> = (0..incidents.len())
        .map(|i| study.contains(x[i], y[i]))
        .collect();
    let n_in = inside.iter().filter(|b| **b).count() as u64;

    // Totals per problem area (index n_areas = all) inside the study area.
    let mut tot_n = vec![0u64; n_areas + 1];
    let mut tot_h = vec![0.0f64; n_areas + 1];
    for i in (0..incidents.len()).filter(|&i| inside[i]) {
        for k in [areas.area_of[i], n_areas] {
            tot_n[k] += 1;
            tot_h[k] += areas.harm[i];
        }
    }

    // Zones.
    let mut zones = Vec::new();
    let mut outside_study_area = Vec::new();
    for (s, school) in schools.iter().enumerate() {
        let (geometry, area_km2, exact) = match &school.shape {
            SchoolShape::Point(c) if circle_inside(study, *c, r) => (
                MultiPolygon::new(vec![circle(*c, r)]),
                std::f64::consts::PI * r * r / 1e6,
                true,
            ),
            _ => {
                let g = school.buffer(r).intersection(study.polygons());
                let a = g.unsigned_area() / 1e6;
                (g, a, false)
            }
        };
        if !(area_km2 > 0.0) {
            outside_study_area.push(school.name.clone());
            continue;
        }
        let members: Vec<usize> = (0..incidents.len())
            .filter(|&i| inside[i] && school.distance_to(x[i], y[i]) <= r)
            .collect();
        zones.push(SchoolZone {
            school: s,
            geometry,
            area_km2,
            area_exact: exact,
            members,
        });
    }
    if zones.is_empty() {
        return Err(Error::InsufficientData(format!(
            "no school zone (radius {r} m) reaches into the study area: check that the schools file and the boundary cover the same place"
        )));
    }

    // Rows per zone × (all, areas).
    let conf = params.confidence;
    let make_test =
        |n_zone: u64, a_zone: f64, n_total: u64, a_total: f64| -> Result<Option<RateRatio>> {
            let rest = a_total - a_zone;
            if !(rest > 1e-12 * a_total) {
                return Ok(None);
            }
            rate_ratio_test(n_zone, a_zone, n_total.saturating_sub(n_zone), rest, conf).map(Some)
        };
    let mut per_zone_rows: Vec<Vec<ZoneRow>> = Vec::with_capacity(zones.len());
    for z in &zones {
        let mut cn = vec![0u64; n_areas + 1];
        let mut ch = vec![0.0f64; n_areas + 1];
        for &i in &z.members {
            for k in [areas.area_of[i], n_areas] {
                cn[k] += 1;
                ch[k] += areas.harm[i];
            }
        }
        let share = z.area_km2 / a_study;
        let mut rows = Vec::with_capacity(n_areas + 1);
        for k in std::iter::once(n_areas).chain(0..n_areas) {
            let test = make_test(cn[k], z.area_km2, tot_n[k], a_study)?;
            rows.push(ZoneRow {
                school: z.school,
                problem_area: (k < n_areas).then_some(k),
                incidents: cn[k],
                harm: ch[k],
                rate_per_km2: cn[k] as f64 / z.area_km2,
                test,
                excess: cn[k] as f64 - tot_n[k] as f64 * share,
                harm_excess: ch[k] - tot_h[k] * share,
                rank: 0,
            });
        }
        per_zone_rows.push(rows);
    }
    // Ranks within each problem-area column (position j in each zone's row list).
    let n_cols = n_areas + 1;
    #[allow(clippy::needless_range_loop)] // j indexes the inner row lists
    for j in 0..n_cols {
        let mut order: Vec<usize> = (0..zones.len()).collect();
        order.sort_by(|&a, &b| {
            per_zone_rows[b][j]
                .harm_excess
                .total_cmp(&per_zone_rows[a][j].harm_excess)
                .then_with(|| {
                    schools[zones[a].school]
                        .name
                        .cmp(&schools[zones[b].school].name)
                })
        });
        for (rank, &z) in order.iter().enumerate() {
            per_zone_rows[z][j].rank = rank + 1;
        }
    }
    let mut zone_order: Vec<usize> = (0..zones.len()).collect();
    zone_order.sort_by_key(|&z| per_zone_rows[z][0].rank);
    let rows: Vec<ZoneRow> = zone_order
        .iter()
        .flat_map(|&z| per_zone_rows[z].clone())
        .collect();

    // Municipality totals: union of zones, each incident once.
    let zone_geoms: Vec<MultiPolygon<f64>> = zones.iter().map(|z| z.geometry.clone()).collect();
    let union_km2 = if zones.len() == 1 {
        zones[0].area_km2
    } else {
        union_area_km2(&zone_geoms, study)
    };
    let mut in_any = vec![false; incidents.len()];
    for z in &zones {
        for &i in &z.members {
            in_any[i] = true;
        }
    }
    let mut un = vec![0u64; n_cols];
    let mut uh = vec![0.0f64; n_cols];
    for i in (0..incidents.len()).filter(|&i| in_any[i]) {
        for k in [areas.area_of[i], n_areas] {
            un[k] += 1;
            uh[k] += areas.harm[i];
        }
    }
    let mut totals = Vec::with_capacity(n_cols);
    for k in std::iter::once(n_areas).chain(0..n_areas) {
        totals.push(ZoneTotals {
            problem_area: (k < n_areas).then_some(k),
            incidents_study_area: tot_n[k],
            incidents_in_zones: un[k],
            harm_in_zones: uh[k],
            test: make_test(un[k], union_km2, tot_n[k], a_study)?,
        });
    }

    // Distance decay from the nearest school (all schools in the study area).
    let in_zone_schools: Vec<&School> = zones.iter().map(|z| &schools[z.school]).collect();
    let edges = &params.ring_edges_m;
    let mut cum_area = vec![0.0f64; edges.len()];
    for (e, &edge) in edges.iter().enumerate().skip(1) {
        let parts: Vec<MultiPolygon<f64>> =
            in_zone_schools.iter().map(|s| s.buffer(edge)).collect();
        cum_area[e] = union_area_km2(&parts, study);
    }
    let mut ring_n = vec![0u64; edges.len()]; // last = beyond the last edge
    for i in (0..incidents.len()).filter(|&i| inside[i]) {
        let d = in_zone_schools
            .iter()
            .map(|s| s.distance_to(x[i], y[i]))
            .fold(f64::INFINITY, f64::min);
        let ring = edges[1..]
            .iter()
            .position(|&e| d <= e)
            .unwrap_or(edges.len() - 1);
        ring_n[ring] += 1;
    }
    let study_rate = n_in as f64 / a_study;
    let mut rings = Vec::with_capacity(edges.len());
    for k in 0..edges.len() {
        let (from, to, area) = if k + 1 < edges.len() {
            (
                edges[k],
                edges[k + 1],
                (cum_area[k + 1] - cum_area[k]).max(0.0),
            )
        } else {
            (edges[k], f64::INFINITY, (a_study - cum_area[k]).max(0.0))
        };
        let test = if area > 0.0 {
            make_test(ring_n[k], area, n_in, a_study)?
        } else {
            None
        };
        let rate = ring_n[k] as f64 / area;
        rings.push(RingRow {
            from_m: from,
            to_m: to,
            area_km2: area,
            incidents: ring_n[k],
            rate_per_km2: rate,
            ratio_to_study_area: rate / study_rate,
            test,
        });
    }

    Ok(SchoolReport {
        zones,
        outside_study_area,
        rows,
        totals,
        rings,
        incidents_in_study_area: n_in,
        incidents_outside_study_area: incidents.len() as u64 - n_in,
        study_area_km2: a_study,
        controlled: None,
        times: None,
    })
}

#[cfg(test)]
mod tests;
