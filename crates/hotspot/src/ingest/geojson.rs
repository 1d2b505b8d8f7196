//! The GeoJSON reader: a FeatureCollection of Point and MultiPoint features, properties mapped like CSV columns.
//!
//! - Coordinates come from the geometry. Without a `crs` member (RFC 7946) they
//!   are lon/lat; a legacy `crs` member naming an EPSG code (e.g.
//!   `urn:ogc:def:crs:EPSG::3006`) declares projected input. `ReadOptions::crs`
//!   overrides a declared projected CRS; for lon/lat input it is the working CRS.
//! - Each feature is decoded on its own, so one broken feature is a
//!   `malformed_row` with its feature number, not a failed file. Features with
//!   other geometry types are `unsupported_geometry`; features without a
//!   geometry are `missing_coordinate`.
//! - A MultiPoint gives one incident per point, with ids `<id>.<k>` (k from 1).
//! - Properties are matched to roles by the same names as CSV columns; the
//!   feature's own `id` is used when no id property is found, else the feature number.
//! - "Line" numbers in reports are 1-based feature numbers.
//! - The file is read into memory whole (GeoJSON has no streaming form that
//!   `serde_json` could read feature by feature); for millions of incidents use CSV.

use super::columns::{self, CoordinateKind};
use super::options::ReadOptions;
use super::pipeline::{self, Interner, Parsed, Row, Rows, check_coordinates};
use super::report::{InputFormat, RawRow, Rejection};
use super::timeparse::{interval_to, parse_time};
use super::{Ingested, RejectReason};
use crate::crs::Crs;
use crate::error::{Error, Result};
use geojson::GeometryValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Reads the whole file as JSON; errors name the line.
pub(crate) fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "the file is empty: expected a GeoJSON FeatureCollection".into(),
        });
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: Some(line),
            message:
                "the file is not UTF-8, as GeoJSON must be (RFC 7946 section 11); save it as UTF-8"
                    .into(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: Some(e.line() as u64),
        message: format!("not valid JSON: {e}"),
    })
}

/// The EPSG code named by a legacy GeoJSON `crs` member, if any. `CRS84` gives WGS84.
pub(crate) fn declared_crs(root: &Value, path: &Path) -> Result<Option<Crs>> {
    let Some(name) = root
        .get("crs")
        .and_then(|c| c.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    if name.ends_with("CRS84") || name.ends_with("crs84") {
        return Ok(Some(Crs::WGS84));
    }
    let code = name.rsplit(':').find(|s| !s.is_empty()).unwrap_or("");
    match code.parse::<u32>() {
        Ok(c) => Crs::from_epsg(c).map(Some),
        Err(_) => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "the `crs` member {name:?} names no EPSG code; remove it (RFC 7946 data are lon/lat) or give the CRS with --crs"
            ),
        }),
    }
}

/// The features of a FeatureCollection (or of a lone Feature).
pub(crate) fn features<'a>(root: &'a Value, path: &Path) -> Result<Vec<&'a Value>> {
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match root.get("features").and_then(Value::as_array) {
            Some(f) => Ok(f.iter().collect()),
            None => Err(Error::Parse {
                path: path.to_path_buf(),
                line: None,
                message: "the FeatureCollection has no `features` array".into(),
            }),
        },
        Some("Feature") => Ok(vec![root]),
        other => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "expected a GeoJSON FeatureCollection, found type {}",
                other.unwrap_or("(none)")
            ),
        }),
    }
}

fn prop_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(v) => v.to_string(),
    }
}

/// Reads a GeoJSON incident file. See the module docs and [`super::read_path`].
pub(crate) fn read_geojson(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    let root = read_json(path)?;
    read_geojson_value(root, path, opts)
}

/// As [`read_geojson`] on an already parsed document (`path` names it in
/// messages); used by readers that rewrite features first (perception polygons).
pub(crate) fn read_geojson_value(root: Value, path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    let feats = features(&root, path)?;
    if feats.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "the FeatureCollection has no features".into(),
        });
    }
    // Property keys in order of first appearance.
    let mut keys: Vec<String> = Vec::new();
    for f in &feats {
        if let Some(Value::Object(p)) = f.get("properties") {
            for k in p.keys() {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let name = path.display().to_string();
    let c = &opts.columns;
    if c.lat.is_some() || c.lon.is_some() || c.x.is_some() || c.y.is_some() {
        return Err(Error::invalid(
            "lat/lon/x/y",
            &name,
            "GeoJSON coordinates come from the geometry; coordinate column flags apply to CSV only",
        ));
    }
    let attrs = columns::detect_attributes(&keys, &opts.columns, &name)?;
    let mut column_names = BTreeMap::new();
    columns::describe_attrs(&attrs, &keys, &mut column_names);
    let key = |i: Option<usize>| i.and_then(|i| keys.get(i)).map(String::as_str);
    let (kcat, ktime, kclock, kweight, kid) = (
        key(attrs.category),
        key(attrs.time),
        key(attrs.clock),
        key(attrs.weight),
        key(attrs.id),
    );

    let declared = declared_crs(&root, path)?;
    let mut notes = Vec::new();
    let (kind, input_crs) = match (declared, opts.crs) {
        (Some(d), _) if d == Crs::WGS84 => (CoordinateKind::LonLat, None),
        (Some(d), None) => (
            CoordinateKind::Projected,
            Some((d, format!("declared by the file's `crs` member ({d})"))),
        ),
        (Some(d), Some(g)) => {
            notes.push(format!("the file declares {d}; --crs {g} overrides it"));
            (
                CoordinateKind::Projected,
                Some((
                    g,
                    "the CRS of the input coordinates, given with --crs".into(),
                )),
            )
        }
        (None, given) => {
            // RFC 7946: lon/lat. A file whose positions are mostly not degrees is projected
            // input; the kind is decided by the whole file, so a minority of odd features is
            // rejected one by one instead of deciding how every feature is read.
            let (mut degrees, mut other, mut example) = (0usize, 0usize, None);
            for p in feats.iter().filter_map(|f| first_position(f)) {
                if p[0].abs() > 180.0 || p[1].abs() > 90.0 {
                    other += 1;
                    example.get_or_insert(p);
                } else {
                    degrees += 1;
                }
            }
            match example {
                Some([x, y]) if other > degrees => match given {
                    Some(g) => (
                        CoordinateKind::Projected,
                        Some((
                            g,
                            "the CRS of the input coordinates, given with --crs".into(),
                        )),
                    ),
                    None => {
                        return Err(Error::Parse {
                            path: path.to_path_buf(),
                            line: None,
                            message: format!(
                                "coordinates such as ({x}, {y}) are not degrees and the file declares no CRS: give it with --crs EPSG:NNNN"
                            ),
                        });
                    }
                },
                _ => (CoordinateKind::LonLat, None),
            }
        }
    };
    match kind {
        CoordinateKind::LonLat => {
            column_names.insert("lon", "geometry".into());
            column_names.insert("lat", "geometry".into());
        }
        CoordinateKind::Projected => {
            column_names.insert("x", "geometry".into());
            column_names.insert("y", "geometry".into());
        }
    }

    let mut rows = Rows::default();
    let mut rejections = Vec::new();
    let mut categories = Interner::default();
    for (i, fv) in feats.iter().enumerate() {
        let fno = i as u64 + 1;
        let reject = |rejections: &mut Vec<Rejection>, reason, detail: String| {
            rejections.push(Rejection {
                line: fno,
                reason,
                detail,
                raw: RawRow::Feature(i),
            })
        };
        let feature = match serde_json::from_value::<geojson::Feature>((*fv).clone()) {
            Ok(f) => f,
            Err(e) => {
                reject(
                    &mut rejections,
                    RejectReason::MalformedRow,
                    format!("not a valid Feature: {e}"),
                );
                continue;
            }
        };
        let points: Vec<&geojson::Position> = match feature.geometry.as_ref().map(|g| &g.value) {
            None => {
                reject(
                    &mut rejections,
                    RejectReason::MissingCoordinate,
                    "the feature has no geometry".into(),
                );
                continue;
            }
            Some(GeometryValue::Point { coordinates }) => vec![coordinates],
            Some(GeometryValue::MultiPoint { coordinates }) => coordinates.iter().collect(),
            Some(other) => {
                reject(
                    &mut rejections,
                    RejectReason::UnsupportedGeometry,
                    format!(
                        "{} (only Point and MultiPoint are incidents)",
                        other.type_name()
                    ),
                );
                continue;
            }
        };
        if points.is_empty() {
            reject(
                &mut rejections,
                RejectReason::MissingCoordinate,
                "empty MultiPoint".into(),
            );
            continue;
        }
        let props = feature.properties.as_ref();
        let get = |k: Option<&str>| prop_text(k.and_then(|k| props.and_then(|p| p.get(k))));
        let time = {
            let s = get(ktime);
            if s.is_empty() {
                Ok(None)
            } else {
                let c = get(kclock);
                let text = if !c.is_empty() && !s.contains(':') {
                    format!("{s} {c}")
                } else {
                    s
                };
                parse_time(&text, opts.timezone).map(Some).ok_or(text)
            }
        };
        let time = match time {
            Ok(t) => t,
            Err(text) => {
                reject(
                    &mut rejections,
                    RejectReason::UnreadableTime,
                    format!("time = {text:?}"),
                );
                continue;
            }
        };
        let interval_len = match (&time, key(attrs.time_to)) {
            (Some(from), Some(k)) => match interval_to(&get(Some(k)), from, opts.timezone) {
                Ok(len) => len,
                Err((reason, detail)) => {
                    reject(&mut rejections, reason, detail);
                    continue;
                }
            },
            _ => 0,
        };
        let weight = match kweight {
            None => 1.0,
            Some(k) => {
                let v = props.and_then(|p| p.get(k));
                let w = match v {
                    Some(Value::Number(n)) => n.as_f64(),
                    Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                match w {
                    Some(w) if w.is_finite() && w >= 0.0 => w,
                    _ => {
                        let t = prop_text(v);
                        let detail = if t.is_empty() {
                            format!("weight property {k:?} is missing or empty")
                        } else {
                            format!("weight = {t} (must be a number >= 0)")
                        };
                        reject(&mut rejections, RejectReason::InvalidWeight, detail);
                        continue;
                    }
                }
            }
        };
        let category = categories.id(&get(kcat));
        let mut id = get(kid);
        if id.is_empty() {
            id = match &feature.id {
                Some(geojson::feature::Id::String(s)) => s.clone(),
                Some(geojson::feature::Id::Number(n)) => n.to_string(),
                None => fno.to_string(),
            };
        }
        let multi = points.len() > 1;
        for (k, p) in points.iter().enumerate() {
            let s = p.as_slice();
            if s.len() < 2 {
                reject(
                    &mut rejections,
                    RejectReason::MalformedRow,
                    format!("position with {} values", s.len()),
                );
                continue;
            }
            let (a, b) = (s[0], s[1]);
            if let Err((reason, detail)) = check_coordinates(kind, a, b) {
                reject(&mut rejections, reason, detail);
                continue;
            }
            rows.push(Row {
                line: fno,
                raw: RawRow::Feature(i),
                a,
                b,
                weight,
                category,
                time,
                interval_len,
                id: if multi {
                    format!("{id}.{}", k + 1)
                } else {
                    id.clone()
                },
            });
        }
    }
    pipeline::finish(
        Parsed {
            source: path.to_path_buf(),
            format: InputFormat::GeoJson,
            header: None,
            kind,
            input_crs,
            columns: column_names,
            notes,
            rows,
            categories: categories.into_names(),
            rejections,
        },
        opts,
    )
}

/// The first coordinate pair of a feature's geometry (any type), if any.
fn first_position(f: &Value) -> Option<[f64; 2]> {
    let mut c = f.get("geometry")?.get("coordinates")?;
    while let Some(arr) = c.as_array() {
        match arr.first()? {
            Value::Number(_) => {
                return Some([arr.first()?.as_f64()?, arr.get(1)?.as_f64()?]);
            }
            inner => c = inner,
        }
    }
    None
}

/// The features of a GeoJSON text: a FeatureCollection's features, or a lone
/// Feature. A bare geometry is an error saying that `expected` (e.g. "a
/// FeatureCollection of Point features") was wanted; `path` names the file in errors.
pub(crate) fn parse_features(
    text: &str,
    path: &std::path::Path,
    expected: &str,
) -> crate::Result<Vec<geojson::Feature>> {
    let parse_error = |message: String| crate::Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let features = match text
        .parse::<geojson::GeoJson>()
        .map_err(|e| parse_error(format!("not valid GeoJSON: {e}")))?
    {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => {
            return Err(parse_error(format!(
                "expected {expected}, found a bare geometry"
            )));
        }
    };
    // Every geometry is checked here, so callers may convert it to `geo` without a panic.
    for (k, f) in features.iter().enumerate() {
        if let Some(g) = &f.geometry {
            check_geometry(g).map_err(|m| crate::Error::Parse {
                path: path.to_path_buf(),
                line: Some(k as u64 + 1),
                message: format!("feature {}: {m}", k + 1),
            })?;
        }
    }
    Ok(features)
}

/// Checks every position of a GeoJSON geometry before it is converted: at
/// least two numbers, finite, lines with at least two positions, polygon
/// rings with at least four (RFC 7946 section 3.1.6). The `geojson` crate's
/// conversion to `geo` indexes positions without a length check, so this
/// runs first wherever a geometry comes from input.
///
/// # Errors
/// A message naming the first bad position (e.g. "position 3 of ring 1 has 1 value").
pub fn check_geometry(g: &geojson::Geometry) -> std::result::Result<(), String> {
    check_value(&g.value)
}

fn check_position(
    p: &geojson::Position,
    what: &dyn Fn() -> String,
) -> std::result::Result<(), String> {
    let s = p.as_slice();
    if s.len() < 2 {
        return Err(format!(
            "{} has {} value{} (a position needs x and y)",
            what(),
            s.len(),
            if s.len() == 1 { "" } else { "s" }
        ));
    }
    if !(s[0].is_finite() && s[1].is_finite()) {
        return Err(format!("{} is not finite", what()));
    }
    Ok(())
}

fn check_line(
    l: &[geojson::Position],
    min: usize,
    what: &dyn Fn() -> String,
) -> std::result::Result<(), String> {
    if l.len() < min {
        return Err(format!(
            "{} has {} positions (at least {min} needed)",
            what(),
            l.len()
        ));
    }
    for (k, p) in l.iter().enumerate() {
        check_position(p, &|| format!("position {} of {}", k + 1, what()))?;
    }
    Ok(())
}

fn check_polygon(
    rings: &[Vec<geojson::Position>],
    what: &dyn Fn() -> String,
) -> std::result::Result<(), String> {
    if rings.is_empty() {
        return Err(format!("{} has no rings", what()));
    }
    for (r, ring) in rings.iter().enumerate() {
        check_line(ring, 4, &|| format!("ring {} of {}", r + 1, what()))?;
    }
    Ok(())
}

fn check_value(v: &GeometryValue) -> std::result::Result<(), String> {
    match v {
        GeometryValue::Point { coordinates } => {
            check_position(coordinates, &|| "the point".to_string())
        }
        GeometryValue::MultiPoint { coordinates } => {
            for (k, p) in coordinates.iter().enumerate() {
                check_position(p, &|| format!("point {}", k + 1))?;
            }
            Ok(())
        }
        GeometryValue::LineString { coordinates } => {
            check_line(coordinates, 2, &|| "the line".to_string())
        }
        GeometryValue::MultiLineString { coordinates } => {
            for (k, l) in coordinates.iter().enumerate() {
                check_line(l, 2, &|| format!("line {}", k + 1))?;
            }
            Ok(())
        }
        GeometryValue::Polygon { coordinates } => {
            check_polygon(coordinates, &|| "the polygon".to_string())
        }
        GeometryValue::MultiPolygon { coordinates } => {
            for (k, p) in coordinates.iter().enumerate() {
                check_polygon(p, &|| format!("polygon {}", k + 1))?;
            }
            Ok(())
        }
        GeometryValue::GeometryCollection { geometries } => {
            for (k, g) in geometries.iter().enumerate() {
                check_value(&g.value).map_err(|e| format!("member {}: {e}", k + 1))?;
            }
            Ok(())
        }
    }
}

/// A GeoJSON geometry converted to `geo` after [`check_geometry`]: never panics.
///
/// # Errors
/// The message of [`check_geometry`], or the conversion's own error.
pub fn geometry_to_geo(g: &geojson::Geometry) -> std::result::Result<geo::Geometry<f64>, String> {
    check_geometry(g)?;
    geo::Geometry::<f64>::try_from(g.value.clone()).map_err(|e| e.to_string())
}
