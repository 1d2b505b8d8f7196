//! Writing layers of [`OutFeature`]s into one GeoPackage, atomically.

use super::geom;
use super::{GPKG_APPLICATION_ID, GPKG_USER_VERSION, sql_write_error};
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::output::OutFeature;
use geo::{BoundingRect, Geometry};
use rusqlite::{Connection, params};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The geometry type of a feature table (`gpkg_geometry_columns.geometry_type_name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeometryType {
    /// `POINT`.
    Point,
    /// `LINESTRING`.
    LineString,
    /// `POLYGON`.
    Polygon,
    /// `MULTIPOINT`.
    MultiPoint,
    /// `MULTILINESTRING`.
    MultiLineString,
    /// `MULTIPOLYGON`.
    MultiPolygon,
    /// `GEOMETRY`: any type (mixed layers).
    Geometry,
}

impl GeometryType {
    /// The name GeoPackage uses (`POINT`, `MULTIPOLYGON`, ...).
    pub fn name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::LineString => "LINESTRING",
            GeometryType::Polygon => "POLYGON",
            GeometryType::MultiPoint => "MULTIPOINT",
            GeometryType::MultiLineString => "MULTILINESTRING",
            GeometryType::MultiPolygon => "MULTIPOLYGON",
            GeometryType::Geometry => "GEOMETRY",
        }
    }

    /// The type of one geometry (`Line` counts as a LineString, `Rect` and `Triangle` as Polygons).
    pub fn of(g: &Geometry<f64>) -> GeometryType {
        match g {
            Geometry::Point(_) => GeometryType::Point,
            Geometry::Line(_) | Geometry::LineString(_) => GeometryType::LineString,
            Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => {
                GeometryType::Polygon
            }
            Geometry::MultiPoint(_) => GeometryType::MultiPoint,
            Geometry::MultiLineString(_) => GeometryType::MultiLineString,
            Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
            Geometry::GeometryCollection(_) => GeometryType::Geometry,
        }
    }

    fn multi(self) -> GeometryType {
        match self {
            GeometryType::Point => GeometryType::MultiPoint,
            GeometryType::LineString => GeometryType::MultiLineString,
            GeometryType::Polygon => GeometryType::MultiPolygon,
            other => other,
        }
    }

    /// The one type that holds all of `geoms`: their common type; a single and a multi type of the
    /// same kind give the multi type (singles are written as one-part multis); anything else
    /// (or no geometry at all) gives [`GeometryType::Geometry`].
    pub fn common<'a>(geoms: impl IntoIterator<Item = &'a Geometry<f64>>) -> GeometryType {
        let mut t: Option<GeometryType> = None;
        for g in geoms {
            let k = GeometryType::of(g);
            t = Some(match t {
                None => k,
                Some(c) if c == k => c,
                Some(c) if c.multi() == k.multi() && c.multi() != GeometryType::Geometry => {
                    c.multi()
                }
                Some(_) => return GeometryType::Geometry,
            });
        }
        t.unwrap_or(GeometryType::Geometry)
    }
}

/// The SQL type of an attribute column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `INTEGER` (64-bit).
    Integer,
    /// `REAL` (64-bit float).
    Real,
    /// `TEXT` (UTF-8); arrays and objects are written as their JSON text.
    Text,
    /// `BOOLEAN` (0 or 1).
    Boolean,
}

impl ColumnType {
    fn sql(self) -> &'static str {
        match self {
            ColumnType::Integer => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Text => "TEXT",
            ColumnType::Boolean => "BOOLEAN",
        }
    }

    fn of(v: &Value) -> Option<ColumnType> {
        match v {
            Value::Null => None,
            Value::Bool(_) => Some(ColumnType::Boolean),
            Value::Number(n) if n.is_i64() => Some(ColumnType::Integer),
            Value::Number(_) => Some(ColumnType::Real),
            _ => Some(ColumnType::Text),
        }
    }

    fn merge(self, o: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, o) {
            (a, b) if a == b => a,
            (Integer, Real) | (Real, Integer) => Real,
            (Boolean, Integer) | (Integer, Boolean) => Integer,
            (Boolean, Real) | (Real, Boolean) => Real,
            _ => Text,
        }
    }
}

/// An attribute column: name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Column name (the property key).
    pub name: String,
    /// SQL type.
    pub ty: ColumnType,
}

/// Where a layer's features come from: a slice, or a function that makes feature `i` when it is
/// written, so that a large layer (the report's million incidents) never exists as a million
/// property maps at once.
#[derive(Clone, Copy)]
pub enum Features<'a> {
    /// Features held by the caller.
    Slice(&'a [OutFeature]),
    /// `len` features, feature `i` made by `make(i)` as it is written (once per feature).
    Lazy {
        /// How many features.
        len: usize,
        /// Makes feature `i` (`0..len`).
        make: &'a dyn Fn(usize) -> OutFeature,
    },
}

impl std::fmt::Debug for Features<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Features::Slice(s) => f.debug_tuple("Slice").field(s).finish(),
            Features::Lazy { len, .. } => f.debug_struct("Lazy").field("len", len).finish(),
        }
    }
}

impl Features<'_> {
    /// How many features.
    pub fn len(&self) -> usize {
        match self {
            Features::Slice(s) => s.len(),
            Features::Lazy { len, .. } => *len,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Feature `i` (borrowed from a slice, made by a lazy source).
    fn get(&self, i: usize) -> std::borrow::Cow<'_, OutFeature> {
        match self {
            Features::Slice(s) => std::borrow::Cow::Borrowed(&s[i]),
            Features::Lazy { make, .. } => std::borrow::Cow::Owned(make(i)),
        }
    }
}

/// One layer to write: a feature table with its geometry type, typed columns, features and style.
#[derive(Clone, Debug)]
pub struct Layer<'a> {
    /// Table name, also the layer name GDAL and QGIS show (must not start with `gpkg_` or `rtree_`).
    pub name: String,
    /// `gpkg_contents.description`.
    pub description: String,
    /// The features, geometry in metres of the CRS given to [`write_gpkg`].
    pub features: Features<'a>,
    /// The table's geometry type.
    pub geometry_type: GeometryType,
    /// Attribute columns, in order; properties not listed are not written.
    pub columns: Vec<Column>,
    /// A QGIS style (QML, see [`crate::style`]) stored in `layer_styles` as the default style.
    pub style: Option<String>,
}

impl<'a> Layer<'a> {
    /// A layer of `features` whose geometry type ([`GeometryType::common`]) and columns are inferred:
    /// one column per property key in order of first appearance, typed by the values seen (all
    /// integers: `INTEGER`; numbers: `REAL`; booleans: `BOOLEAN`; anything else or a mix with text:
    /// `TEXT`; only nulls: `TEXT`).
    pub fn new(name: impl Into<String>, features: &'a [OutFeature]) -> Self {
        let mut columns: Vec<(String, Option<ColumnType>)> = Vec::new();
        for f in features {
            for (k, v) in &f.properties {
                let t = ColumnType::of(v);
                match columns.iter_mut().find(|(n, _)| n == k) {
                    Some((_, c)) => {
                        *c = match (*c, t) {
                            (Some(a), Some(b)) => Some(a.merge(b)),
                            (a, b) => a.or(b),
                        }
                    }
                    None => columns.push((k.clone(), t)),
                }
            }
        }
        Self {
            name: name.into(),
            description: String::new(),
            features: Features::Slice(features),
            geometry_type: GeometryType::common(features.iter().map(|f| &f.geometry)),
            columns: columns
                .into_iter()
                .map(|(name, t)| Column {
                    name,
                    ty: t.unwrap_or(ColumnType::Text),
                })
                .collect(),
            style: None,
        }
    }

    /// A layer of `len` features made one at a time by `make(i)` while the file is written, with
    /// the geometry type and columns given (nothing is inferred: a lazy layer is never held whole).
    /// A feature whose geometry does not fit `geometry_type` fails the write, naming the feature.
    pub fn lazy(
        name: impl Into<String>,
        len: usize,
        make: &'a dyn Fn(usize) -> OutFeature,
        geometry_type: GeometryType,
        columns: Vec<Column>,
    ) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            features: Features::Lazy { len, make },
            geometry_type,
            columns,
            style: None,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Sets the default QGIS style (QML text).
    pub fn with_style(mut self, qml: impl Into<String>) -> Self {
        self.style = Some(qml.into());
        self
    }
}

/// Fixed `last_change` time stamp, so identical layers give byte-identical files.
const LAST_CHANGE: &str = "1970-01-01T00:00:00.000Z";

pub(crate) fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn check_layers(path: &Path, layers: &[Layer<'_>]) -> Result<()> {
    let bad = |msg: String| Error::invalid("layer", path.display().to_string(), &msg);
    let mut seen = std::collections::HashSet::new();
    for l in layers {
        let lower = l.name.to_ascii_lowercase();
        if l.name.trim().is_empty() {
            return Err(bad("a layer name is empty".into()));
        }
        if lower.starts_with("gpkg_")
            || lower.starts_with("rtree_")
            || lower == "layer_styles"
            || lower == "sqlite_sequence"
        {
            return Err(bad(format!(
                "layer name {:?} is reserved by GeoPackage; choose another",
                l.name
            )));
        }
        if !seen.insert(lower) {
            return Err(bad(format!("two layers are named {:?}", l.name)));
        }
        let mut cols = std::collections::HashSet::new();
        for c in &l.columns {
            let lc = c.name.to_ascii_lowercase();
            if lc == "fid" || lc == "geom" || c.name.is_empty() || !cols.insert(lc) {
                return Err(bad(format!(
                    "layer {:?}: column name {:?} is empty, repeated or reserved (fid, geom)",
                    l.name, c.name
                )));
            }
        }
        // Lazy layers are checked feature by feature as they are written (`write_layer`).
        if let Features::Slice(feats) = l.features {
            for (k, f) in feats.iter().enumerate() {
                fits(path, l, k, f)?;
            }
        }
    }
    Ok(())
}

/// Whether feature `k` (0-based) of `l` fits the layer's geometry type.
fn fits(path: &Path, l: &Layer<'_>, k: usize, f: &OutFeature) -> Result<()> {
    if l.geometry_type == GeometryType::Geometry {
        return Ok(());
    }
    let t = GeometryType::of(&f.geometry);
    if t != l.geometry_type && t.multi() != l.geometry_type {
        return Err(Error::invalid(
            "layer",
            path.display().to_string(),
            format!(
                "layer {:?}: feature {} is a {}, the layer holds {}",
                l.name,
                k + 1,
                t.name(),
                l.geometry_type.name()
            ),
        ));
    }
    Ok(())
}

/// The geometry as stored: singles promoted to one-part multis where the layer is a multi type.
fn stored(g: &Geometry<f64>, t: GeometryType) -> Geometry<f64> {
    use geo::{MultiLineString, MultiPoint, MultiPolygon};
    match (t, g) {
        (GeometryType::MultiPoint, Geometry::Point(p)) => MultiPoint(vec![*p]).into(),
        (GeometryType::MultiLineString, Geometry::LineString(l)) => {
            MultiLineString(vec![l.clone()]).into()
        }
        (GeometryType::MultiLineString, Geometry::Line(l)) => {
            MultiLineString(vec![geo::LineString::new(vec![l.start, l.end])]).into()
        }
        (GeometryType::MultiPolygon, Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]).into(),
        (GeometryType::MultiPolygon, Geometry::Rect(r)) => {
            MultiPolygon(vec![r.to_polygon()]).into()
        }
        (GeometryType::MultiPolygon, Geometry::Triangle(r)) => {
            MultiPolygon(vec![r.to_polygon()]).into()
        }
        _ => g.clone(),
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "layers.gpkg".into());
    path.with_file_name(format!(".{name}.partial"))
}

/// Writes `layers` into one GeoPackage at `path` (OGC GeoPackage 1.3, 12-128r18), replacing the
/// file only once it is complete (written to a `.NAME.partial` file beside it, then renamed).
///
/// Layout: `application_id` `GPKG`, `user_version` 10300; `gpkg_spatial_ref_sys` with the three
/// required rows (EPSG:4326, undefined cartesian -1, undefined geographic 0) and `crs` (its EPSG
/// code as `srs_id`, WKT 1 with EPSG authority codes); per layer a table
/// `(fid INTEGER PRIMARY KEY AUTOINCREMENT, geom <TYPE>, columns...)` registered in
/// `gpkg_contents` (with its extent) and `gpkg_geometry_columns`, a populated R*-tree index
/// `rtree_<layer>_geom` with the standard triggers, registered in `gpkg_extensions`
/// (`gpkg_rtree_index`); and, when any layer has a style, QGIS's `layer_styles` table with it as
/// the default. Geometry blobs are GeoPackageBinary with an envelope (see `geom`). Output is
/// byte-identical for identical input (the `last_change` stamps are fixed).
///
/// # Errors
/// [`Error::InvalidParameter`] for a reserved, empty or repeated layer or column name or a
/// feature whose geometry does not fit its layer's type; [`Error::Crs`] when `crs` has no WKT;
/// [`Error::Io`] naming the file when it cannot be written.
pub fn write_gpkg(path: &Path, layers: &[Layer<'_>], crs: Crs) -> Result<()> {
    check_layers(path, layers)?;
    let wkt = crate::raster_io::ogc_wkt(crs)?;
    let tmp = partial_path(path);
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    let result = write_into(&tmp, path, layers, crs, &wkt);
    match result {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn write_into(tmp: &Path, path: &Path, layers: &[Layer<'_>], crs: Crs, wkt: &str) -> Result<()> {
    let err = |e: rusqlite::Error| sql_write_error(tmp, e);
    let mut conn = Connection::open(tmp).map_err(err)?;
    conn.execute_batch(&format!(
        "PRAGMA application_id = {GPKG_APPLICATION_ID}; PRAGMA user_version = {GPKG_USER_VERSION}; PRAGMA journal_mode = OFF;"
    ))
    .map_err(err)?;
    let tx = conn.transaction().map_err(err)?;
    tx.execute_batch(SCHEMA).map_err(err)?;
    let srs_id = crs.epsg() as i64;
    tx.execute(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, ?4)",
        params![
            crs_title(crs),
            srs_id,
            wkt,
            format!("{} ({})", crs_title(crs), crs.name())
        ],
    )
    .map_err(err)?;
    let mut any_style = false;
    for l in layers {
        write_layer(&tx, l, srs_id, tmp, path)?;
        any_style |= l.style.is_some();
    }
    if any_style {
        tx.execute_batch(LAYER_STYLES).map_err(err)?;
        for l in layers {
            if let Some(qml) = &l.style {
                tx.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, '', NULL, ?4)",
                    params![l.name, qml, format!("{} (hotspot)", l.name), LAST_CHANGE],
                )
                .map_err(err)?;
            }
        }
    }
    tx.commit().map_err(err)?;
    conn.close().map_err(|(_, e)| err(e))
}

fn crs_title(crs: Crs) -> String {
    crate::raster_io::crs_title(crs)
}

fn write_layer(
    tx: &rusqlite::Transaction<'_>,
    l: &Layer<'_>,
    srs_id: i64,
    tmp: &Path,
    path: &Path,
) -> Result<()> {
    let err = |e: rusqlite::Error| sql_write_error(tmp, e);
    let t = quote_ident(&l.name);
    let cols: String = l
        .columns
        .iter()
        .map(|c| format!(", {} {}", quote_ident(&c.name), c.ty.sql()))
        .collect();
    tx.execute_batch(&format!(
        "CREATE TABLE {t} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}{cols});",
        l.geometry_type.name()
    ))
    .map_err(err)?;
    let rtree = quote_ident(&format!("rtree_{}_geom", l.name));
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy);"
    ))
    .map_err(err)?;
    let placeholders: String = (0..l.columns.len())
        .map(|k| format!(", ?{}", k + 3))
        .collect();
    let names: String = l
        .columns
        .iter()
        .map(|c| format!(", {}", quote_ident(&c.name)))
        .collect();
    let mut ins = tx
        .prepare(&format!(
            "INSERT INTO {t} (fid, geom{names}) VALUES (?1, ?2{placeholders})"
        ))
        .map_err(err)?;
    let mut extent: Option<geo::Rect<f64>> = None;
    let mut boxes: Vec<(i64, geo::Rect<f64>)> = Vec::with_capacity(l.features.len());
    for k in 0..l.features.len() {
        let f = l.features.get(k);
        if let Features::Lazy { .. } = l.features {
            fits(path, l, k, &f)?;
        }
        let fid = k as i64 + 1;
        let g = stored(&f.geometry, l.geometry_type);
        let blob = geom::encode(&g, srs_id as i32);
        let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(l.columns.len() + 2);
        values.push(fid.into());
        values.push(blob.into());
        for c in &l.columns {
            values.push(sql_value(f.properties.get(&c.name), c.ty));
        }
        ins.execute(rusqlite::params_from_iter(values))
            .map_err(err)?;
        if let Some(r) = g.bounding_rect()
            && r.min().x.is_finite()
            && r.max().y.is_finite()
        {
            boxes.push((fid, r));
            extent = Some(match extent {
                None => r,
                Some(e) => geo::Rect::new(
                    geo::coord! { x: e.min().x.min(r.min().x), y: e.min().y.min(r.min().y) },
                    geo::coord! { x: e.max().x.max(r.max().x), y: e.max().y.max(r.max().y) },
                ),
            });
        }
    }
    drop(ins);
    // The R*Tree is packed bottom-up from the boxes in Hilbert order of their centres (see
    // `super::rtree`): inserting a million boxes one by one through SQLite costs seconds.
    if let Some(e) = extent {
        let key = |r: &geo::Rect<f64>| {
            let c = r.center();
            hilbert_key(
                unit(c.x, e.min().x, e.max().x),
                unit(c.y, e.min().y, e.max().y),
            )
        };
        boxes.sort_by_cached_key(|(fid, r)| (key(r), *fid));
    }
    let packed: Vec<(i64, [f64; 4])> = boxes
        .iter()
        .map(|(fid, r)| (*fid, [r.min().x, r.max().x, r.min().y, r.max().y]))
        .collect();
    super::rtree::bulk_load(tx, &format!("rtree_{}_geom", l.name), &packed).map_err(err)?;
    let (x0, y0, x1, y1) = match extent {
        Some(e) => (
            Some(e.min().x),
            Some(e.min().y),
            Some(e.max().x),
            Some(e.max().y),
        ),
        None => (None, None, None, None),
    };
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![l.name, l.description, LAST_CHANGE, x0, y0, x1, y1, srs_id],
    ).map_err(err)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![l.name, l.geometry_type.name(), srs_id],
    )
    .map_err(err)?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![l.name],
    ).map_err(err)?;
    tx.execute_batch(&rtree_triggers(&l.name)).map_err(err)?;
    Ok(())
}

/// `v` scaled from `[lo, hi]` to a 16-bit grid coordinate.
fn unit(v: f64, lo: f64, hi: f64) -> u32 {
    if hi > lo {
        (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * 65_535.0) as u32
    } else {
        0
    }
}

/// Position of grid cell `(x, y)` (16 bits each) along the Hilbert curve (the iterative
/// rotate-and-flip form of the classic `xy2d` conversion).
fn hilbert_key(mut x: u32, mut y: u32) -> u64 {
    let n: u32 = 1 << 16;
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

fn sql_value(v: Option<&Value>, ty: ColumnType) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        None | Some(Value::Null) => S::Null,
        Some(Value::Bool(b)) => match ty {
            ColumnType::Text => S::Text(b.to_string()),
            ColumnType::Real => S::Real(f64::from(u8::from(*b))),
            _ => S::Integer(i64::from(*b)),
        },
        Some(Value::Number(n)) => match ty {
            ColumnType::Integer | ColumnType::Boolean => match n.as_i64() {
                Some(i) => S::Integer(i),
                None => n.as_f64().map(S::Real).unwrap_or(S::Null),
            },
            ColumnType::Real => n.as_f64().map(S::Real).unwrap_or(S::Null),
            ColumnType::Text => S::Text(n.to_string()),
        },
        Some(Value::String(s)) => S::Text(s.clone()),
        Some(other) => S::Text(other.to_string()),
    }
}

/// The RTree triggers of the GeoPackage specification (Annex F.3), which keep the index in step
/// when GDAL or QGIS edit the table later (they provide the `ST_*` functions the triggers call).
fn rtree_triggers(table: &str) -> String {
    let t = quote_ident(table);
    let r = quote_ident(&format!("rtree_{table}_geom"));
    let n = |s: &str| quote_ident(&format!("rtree_{table}_geom_{s}"));
    let vals =
        "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)";
    format!(
        "CREATE TRIGGER {ins} AFTER INSERT ON {t} WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO {r} VALUES ({vals}); END;
CREATE TRIGGER {u1} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO {r} VALUES ({vals}); END;
CREATE TRIGGER {u2} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;
CREATE TRIGGER {u3} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; INSERT OR REPLACE INTO {r} VALUES ({vals}); END;
CREATE TRIGGER {u4} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER {del} AFTER DELETE ON {t} WHEN old.geom NOT NULL BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;",
        ins = n("insert"),
        u1 = n("update1"),
        u2 = n("update2"),
        u3 = n("update3"),
        u4 = n("update4"),
        del = n("delete"),
    )
}

/// The GeoPackage core tables (12-128r18 §1.1.2, §1.1.3, §2.1.5, §2.5.2) and their required rows.
const SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
";

/// QGIS's table of layer styles (the schema QGIS creates in a GeoPackage).
const LAYER_STYLES: &str = "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));";

#[cfg(test)]
mod order_tests {
    use super::hilbert_key;

    #[test]
    fn hilbert_keys_walk_the_corner_block_cell_by_cell() {
        // The first 16 positions of the curve fill the 4 x 4 block at the origin, each next to the last.
        let mut at = vec![None; 16];
        for x in 0..4u32 {
            for y in 0..4u32 {
                let d = hilbert_key(x, y) as usize;
                assert!(d < 16, "({x}, {y}) -> {d}");
                assert!(at[d].is_none(), "key {d} twice");
                at[d] = Some((x as i64, y as i64));
            }
        }
        let at: Vec<(i64, i64)> = at.into_iter().flatten().collect();
        for w in at.windows(2) {
            assert_eq!(
                (w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs(),
                1,
                "{w:?}"
            );
        }
    }
}
