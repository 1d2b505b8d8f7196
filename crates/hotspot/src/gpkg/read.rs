//! Reading feature tables from a GeoPackage: layer listing, features with their declared CRS,
//! conversion to lon/lat GeoJSON, boundaries, and incidents through the ingest pipeline.

use super::geom;
use super::sql_error;
use super::write::quote_ident;
use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use crate::ingest::columns::{self, CoordinateKind};
use crate::ingest::pipeline::{self, Interner, Parsed, Row, Rows, check_coordinates};
use crate::ingest::report::{InputFormat, RawRow, Rejection};
use crate::ingest::{Boundary, Ingested, ReadOptions, RejectReason, parse_time};
use geo::{Geometry, MapCoords};
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Whether `spec` names a GeoPackage: a file ending in `.gpkg` (any case), optionally followed
/// by `:LAYER`.
pub fn is_gpkg_path(spec: &Path) -> bool {
    split_layer(spec)
        .0
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
}

/// Splits `FILE.gpkg:LAYER` into the file and the layer name; a path without `:LAYER` after
/// `.gpkg` is returned whole with no layer.
pub fn split_layer(spec: &Path) -> (PathBuf, Option<String>) {
    let s = spec.to_string_lossy();
    let lower = s.to_ascii_lowercase();
    if let Some(i) = lower.rfind(".gpkg:") {
        let layer = &s[i + 6..];
        if !layer.is_empty() && !layer.contains(['/', '\\']) {
            return (PathBuf::from(&s[..i + 5]), Some(layer.to_string()));
        }
    }
    (spec.to_path_buf(), None)
}

/// A feature table of a GeoPackage, as `gpkg_contents` and `gpkg_geometry_columns` describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerInfo {
    /// Table (layer) name.
    pub name: String,
    /// The geometry column.
    pub geometry_column: String,
    /// Declared geometry type (`POINT`, `MULTIPOLYGON`, `GEOMETRY`...).
    pub geometry_type: String,
    /// `srs_id` of the layer.
    pub srs_id: i64,
    /// The CRS when it has an EPSG code the bundled definitions know; `None` for an undefined
    /// cartesian SRS (-1).
    pub crs: Option<Crs>,
}

fn open(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such GeoPackage file"),
        ));
    }
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sql_error(path, e))?;
    let ok: rusqlite::Result<i64> = c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'gpkg_contents'",
        [],
        |r| r.get(0),
    );
    match ok {
        Ok(1) => Ok(c),
        Ok(_) => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "not a GeoPackage: the SQLite file has no gpkg_contents table".into(),
        }),
        Err(e) => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!("not a GeoPackage (SQLite) file: {e}"),
        }),
    }
}

/// The CRS of an `srs_id`: by its organisation's EPSG code, else by the EPSG authority at the
/// end of its WKT; `Ok(None)` for the undefined cartesian SRS. The undefined geographic SRS (0)
/// is WGS84 lon/lat.
fn srs_crs(c: &Connection, path: &Path, srs_id: i64) -> Result<Option<Crs>> {
    match srs_id {
        -1 => return Ok(None),
        0 => return Ok(Some(Crs::WGS84)),
        _ => {}
    }
    let row: rusqlite::Result<(String, i64, String)> = c.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    let (org, code, def) = row.map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("srs_id {srs_id} is not in gpkg_spatial_ref_sys: {e}"),
    })?;
    let org_code = code;
    let code = if org.eq_ignore_ascii_case("epsg") {
        Some(code)
    } else {
        // ... AUTHORITY["EPSG","3006"]] at the end of a WKT 1 definition.
        def.rfind("AUTHORITY[\"EPSG\",\"").and_then(|i| {
            let rest = &def[i + 18..];
            rest.find('"').and_then(|j| rest[..j].parse::<i64>().ok())
        })
    };
    let code = code.ok_or_else(|| Error::Crs {
        crs: format!("{org}:{org_code} (srs_id {srs_id} of {})", path.display()),
        reason: "it has no EPSG code; reproject the layer to an EPSG CRS first, e.g. `ogr2ogr -t_srs EPSG:3006 out.gpkg in.gpkg`".into(),
    })?;
    u32::try_from(code)
        .map_err(|_| Error::Crs {
            crs: format!("EPSG:{code}"),
            reason: "not a valid EPSG code".into(),
        })
        .and_then(Crs::from_epsg)
        .map(Some)
}

/// The feature tables of the GeoPackage at `path`, in `gpkg_contents` order of table name.
///
/// # Errors
/// [`Error::Io`] when the file does not exist; [`Error::Parse`] when it is not a GeoPackage;
/// [`Error::Crs`] for a layer whose CRS has no known EPSG code.
pub fn layers(path: &Path) -> Result<Vec<LayerInfo>> {
    let c = open(path)?;
    layers_of(&c, path)
}

fn layers_of(c: &Connection, path: &Path) -> Result<Vec<LayerInfo>> {
    let mut st = c
        .prepare(
            "SELECT g.table_name, g.column_name, g.geometry_type_name, g.srs_id FROM gpkg_geometry_columns g JOIN gpkg_contents c ON c.table_name = g.table_name WHERE c.data_type = 'features' ORDER BY g.table_name",
        )
        .map_err(|e| sql_error(path, e))?;
    let rows: Vec<(String, String, String, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|it| it.collect())
        .map_err(|e| sql_error(path, e))?;
    rows.into_iter()
        .map(|(name, geometry_column, geometry_type, srs_id)| {
            Ok(LayerInfo {
                crs: srs_crs(c, path, srs_id)?,
                name,
                geometry_column,
                geometry_type,
                srs_id,
            })
        })
        .collect()
}

/// One feature as read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadFeature {
    /// The row's primary key (`fid`), what GDAL and QGIS show as the feature id.
    pub fid: i64,
    /// The geometry in the layer's CRS; `None` when null or empty.
    pub geometry: Option<Geometry<f64>>,
    /// Why the geometry blob could not be decoded, if it could not.
    pub geometry_error: Option<String>,
    /// The attribute columns: integers and reals as numbers, text as strings, blobs as null.
    pub properties: Map<String, Value>,
}

/// A feature table as read.
#[derive(Clone, Debug)]
pub struct FeatureLayer {
    /// The file read.
    pub path: PathBuf,
    /// What is known about the table.
    pub info: LayerInfo,
    /// Attribute column names in table order (without the primary key and geometry).
    pub columns: Vec<String>,
    /// The features in `fid` order.
    pub features: Vec<ReadFeature>,
}

fn pick_layer(path: &Path, all: Vec<LayerInfo>, want: Option<&str>) -> Result<LayerInfo> {
    let names = || {
        all.iter()
            .map(|l| format!("{}:{}", path.display(), l.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match want {
        Some(w) => all
            .iter()
            .find(|l| l.name == w)
            .or_else(|| all.iter().find(|l| l.name.eq_ignore_ascii_case(w)))
            .cloned()
            .ok_or_else(|| Error::Parse {
                path: path.to_path_buf(),
                line: None,
                message: format!("no feature layer {w:?}; the file holds: {}", names()),
            }),
        None if all.len() == 1 => Ok(all
            .into_iter()
            .next()
            .ok_or_else(|| unreachable_err(path))?),
        None if all.is_empty() => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "the GeoPackage holds no feature layer".into(),
        }),
        None => Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "the GeoPackage holds {} feature layers; name one as FILE.gpkg:LAYER: {}",
                all.len(),
                names()
            ),
        }),
    }
}

fn unreachable_err(path: &Path) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: "no feature layer".into(),
    }
}

/// Reads one feature table: `spec` is `FILE.gpkg` (the file must then hold one feature layer)
/// or `FILE.gpkg:LAYER`. Geometry blobs that cannot be decoded are kept as features with a
/// [`ReadFeature::geometry_error`], so callers can count them.
///
/// # Errors
/// As [`layers`]; [`Error::Parse`] naming the layers when the layer is missing or not named
/// though the file holds several.
pub fn read_layer(spec: &Path) -> Result<FeatureLayer> {
    let (path, want) = split_layer(spec);
    let c = open(&path)?;
    let info = pick_layer(&path, layers_of(&c, &path)?, want.as_deref())?;
    let t = quote_ident(&info.name);
    let mut cols_st = c
        .prepare(&format!(
            "SELECT name, pk FROM pragma_table_info({})",
            sql_text(&info.name)
        ))
        .map_err(|e| sql_error(&path, e))?;
    let table_cols: Vec<(String, i64)> = cols_st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|it| it.collect())
        .map_err(|e| sql_error(&path, e))?;
    let pk = table_cols
        .iter()
        .find(|(_, pk)| *pk == 1)
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "rowid".into());
    let columns: Vec<String> = table_cols
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| *n != pk && !n.eq_ignore_ascii_case(&info.geometry_column))
        .collect();
    let sel: String = columns
        .iter()
        .map(|n| format!(", {}", quote_ident(n)))
        .collect();
    let sql = format!(
        "SELECT {}, {}{sel} FROM {t} ORDER BY 1",
        quote_ident(&pk),
        quote_ident(&info.geometry_column)
    );
    let mut st = c.prepare(&sql).map_err(|e| sql_error(&path, e))?;
    let mut rows = st.query([]).map_err(|e| sql_error(&path, e))?;
    let mut features = Vec::new();
    while let Some(r) = rows.next().map_err(|e| sql_error(&path, e))? {
        let fid: i64 = r.get(0).map_err(|e| sql_error(&path, e))?;
        let (geometry, geometry_error) =
            match r.get::<_, Sql>(1).map_err(|e| sql_error(&path, e))? {
                Sql::Blob(b) => match geom::decode(&b) {
                    Ok(d) => (d.geometry, None),
                    Err(e) => (None, Some(e)),
                },
                Sql::Null => (None, None),
                _ => (None, Some("the geometry column holds no blob".to_string())),
            };
        let mut properties = Map::new();
        for (k, n) in columns.iter().enumerate() {
            let v = r.get::<_, Sql>(k + 2).map_err(|e| sql_error(&path, e))?;
            properties.insert(n.clone(), json_value(v));
        }
        features.push(ReadFeature {
            fid,
            geometry,
            geometry_error,
            properties,
        });
    }
    Ok(FeatureLayer {
        path,
        info,
        columns,
        features,
    })
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn json_value(v: Sql) -> Value {
    match v {
        Sql::Null | Sql::Blob(_) => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Sql::Text(s) => Value::String(s),
    }
}

/// Converts coordinates of `crs` to WGS84 lon/lat degrees.
pub(crate) struct ToLonLat {
    from: Option<proj4rs::Proj>,
    to: Option<proj4rs::Proj>,
    projector: Option<Projector>,
    crs: Crs,
}

impl ToLonLat {
    pub(crate) fn new(crs: Crs) -> Result<Self> {
        if crs == Crs::WGS84 {
            return Ok(Self {
                from: None,
                to: None,
                projector: None,
                crs,
            });
        }
        if crs.is_geographic() {
            let parse = |c: Crs| {
                proj4rs::Proj::from_proj_string(c.proj4()).map_err(|e| Error::Crs {
                    crs: c.name(),
                    reason: format!("definition not usable: {e}"),
                })
            };
            return Ok(Self {
                from: Some(parse(crs)?),
                to: Some(parse(Crs::WGS84)?),
                projector: None,
                crs,
            });
        }
        Ok(Self {
            from: None,
            to: None,
            projector: Some(Projector::new(crs)?),
            crs,
        })
    }

    pub(crate) fn convert(&self, x: f64, y: f64) -> Result<[f64; 2]> {
        if let Some(p) = &self.projector {
            return p.to_lonlat(x, y);
        }
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => {
                let mut p = (x.to_radians(), y.to_radians(), 0.0);
                proj4rs::transform::transform(from, to, &mut p).map_err(|e| Error::Projection {
                    x,
                    y,
                    from: self.crs.name(),
                    to: Crs::WGS84.name(),
                    reason: e.to_string(),
                })?;
                Ok([p.0.to_degrees(), p.1.to_degrees()])
            }
            _ => Ok([x, y]),
        }
    }
}

impl FeatureLayer {
    /// The layer as RFC 7946 GeoJSON text (a FeatureCollection in WGS84 lon/lat), the form the
    /// GeoJSON readers take (e.g. [`crate::schools::parse_schools`]); features without a
    /// geometry keep a null geometry.
    ///
    /// # Errors
    /// [`Error::Crs`] when the layer's CRS is undefined (-1) or unusable;
    /// [`Error::Projection`] when a vertex cannot be converted; [`Error::Parse`] naming the
    /// feature for an undecodable geometry.
    pub fn to_geojson_lonlat(&self) -> Result<String> {
        let conv = self.lonlat_converter()?;
        let mut feats = Vec::with_capacity(self.features.len());
        for f in &self.features {
            if let Some(e) = &f.geometry_error {
                return Err(self.feature_error(f.fid, e));
            }
            let g = f
                .geometry
                .as_ref()
                .map(|g| {
                    g.try_map_coords(|c| {
                        conv.convert(c.x, c.y)
                            .map(|[x, y]| geo::coord! { x: x, y: y })
                    })
                })
                .transpose()?;
            feats.push(geojson::Feature {
                bbox: None,
                geometry: g.as_ref().map(geojson::Geometry::from),
                id: Some(geojson::feature::Id::Number(f.fid.into())),
                properties: Some(f.properties.clone()),
                foreign_members: None,
            });
        }
        let fc = geojson::FeatureCollection {
            bbox: None,
            features: feats,
            foreign_members: None,
        };
        Ok(fc.to_string())
    }

    fn lonlat_converter(&self) -> Result<ToLonLat> {
        let crs = self.info.crs.ok_or_else(|| Error::Crs {
            crs: format!("srs_id -1 ({}:{})", self.path.display(), self.info.name),
            reason: "the layer's CRS is undefined; assign one, e.g. `ogr2ogr -a_srs EPSG:3006 out.gpkg in.gpkg`".into(),
        })?;
        ToLonLat::new(crs)
    }

    fn feature_error(&self, fid: i64, msg: &str) -> Error {
        Error::Parse {
            path: self.path.clone(),
            line: Some(fid.max(0) as u64),
            message: format!("layer {}, feature fid {fid}: {msg}", self.info.name),
        }
    }
}

/// Reads a study-area boundary from a polygon layer (`FILE.gpkg` or `FILE.gpkg:LAYER`): every
/// Polygon and MultiPolygon, in the layer's CRS. `crs` overrides a missing (undefined) CRS only.
///
/// # Errors
/// As [`read_layer`]; [`Error::Parse`] naming the feature for a non-polygon or undecodable
/// geometry, or when there is no polygon; [`Error::Crs`] when the CRS is undefined and `crs` is
/// `None`.
pub fn read_boundary(spec: &Path, crs: Option<Crs>) -> Result<Boundary> {
    let l = read_layer(spec)?;
    let layer_crs = match (l.info.crs, crs) {
        (Some(c), _) => c,
        (None, Some(c)) => c,
        (None, None) => {
            return Err(Error::Crs {
                crs: format!("srs_id -1 ({})", spec.display()),
                reason: "the boundary layer's CRS is undefined; assign one with ogr2ogr -a_srs"
                    .into(),
            });
        }
    };
    let mut polys = Vec::new();
    for f in &l.features {
        if let Some(e) = &f.geometry_error {
            return Err(l.feature_error(f.fid, e));
        }
        match &f.geometry {
            None => {}
            Some(Geometry::Polygon(p)) => polys.push(p.clone()),
            Some(Geometry::MultiPolygon(mp)) => polys.extend(mp.0.iter().cloned()),
            Some(_) => {
                return Err(
                    l.feature_error(f.fid, "a study area must be a Polygon or MultiPolygon")
                );
            }
        }
    }
    if polys.is_empty() {
        return Err(Error::Parse {
            path: l.path.clone(),
            line: None,
            message: format!("layer {} has no Polygon or MultiPolygon", l.info.name),
        });
    }
    let mut mp = geo::MultiPolygon(polys);
    let mut out_crs = layer_crs;
    if layer_crs.is_geographic() && layer_crs != Crs::WGS84 {
        let conv = ToLonLat::new(layer_crs)?;
        mp = mp.try_map_coords(|c| {
            conv.convert(c.x, c.y)
                .map(|[x, y]| geo::coord! { x: x, y: y })
        })?;
        out_crs = Crs::WGS84;
    }
    Ok(Boundary::new(mp, out_crs))
}

fn prop_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(v) => v.to_string(),
    }
}

/// Reads incidents from a point layer; see [`crate::ingest::read_path`].
///
/// CRS: a geographic layer (EPSG:4326 or another lon/lat CRS, converted to WGS84) is read like
/// lon/lat input (the working CRS is `opts.crs` or the default for the data's position); a
/// projected metric layer keeps its CRS as the working CRS unless `opts.crs` names another, to
/// which the points are reprojected; other projected CRSs (feet, degrees of another datum) go
/// through lon/lat; an undefined CRS (-1) needs `opts.crs`.
pub(crate) fn read_incidents(spec: &Path, opts: &ReadOptions) -> Result<Ingested> {
    let l = read_layer(spec)?;
    let name = spec.display().to_string();
    let cn = &opts.columns;
    if cn.lat.is_some() || cn.lon.is_some() || cn.x.is_some() || cn.y.is_some() {
        return Err(Error::invalid(
            "lat/lon/x/y",
            &name,
            "GeoPackage coordinates come from the geometry; coordinate column flags apply to CSV only",
        ));
    }
    if l.features.is_empty() {
        return Err(Error::Parse {
            path: spec.to_path_buf(),
            line: None,
            message: format!("layer {} has no features", l.info.name),
        });
    }
    let attrs = columns::detect_attributes(&l.columns, &opts.columns, &name)?;
    let mut column_names = BTreeMap::new();
    columns::describe_attrs(&attrs, &l.columns, &mut column_names);
    let key = |i: Option<usize>| i.and_then(|i| l.columns.get(i)).map(String::as_str);
    let kto = key(attrs.time_to);
    let (kcat, ktime, kclock, kweight, kid) = (
        key(attrs.category),
        key(attrs.time),
        key(attrs.clock),
        key(attrs.weight),
        key(attrs.id),
    );
    let mut notes = Vec::new();
    // How each point's coordinates become the pipeline's (a, b).
    enum Conv {
        Keep,
        ToLonLat(Box<ToLonLat>),
        Reproject(Box<(ToLonLat, Projector)>),
    }
    let layer_desc = format!("layer {} ({})", l.info.name, l.info.srs_id);
    let (kind, input_crs, conv) = match (l.info.crs, opts.crs) {
        (None, None) => {
            return Err(Error::Crs {
                crs: format!("srs_id -1 ({name})"),
                reason: "the layer's CRS is undefined; give the CRS of its coordinates with --crs EPSG:NNNN".into(),
            });
        }
        (None, Some(g)) => (
            CoordinateKind::Projected,
            Some((
                g,
                "the CRS of the input coordinates, given with --crs (the layer declares none)"
                    .to_string(),
            )),
            Conv::Keep,
        ),
        (Some(c), _) if c == Crs::WGS84 => (CoordinateKind::LonLat, None, Conv::Keep),
        (Some(c), _) if c.is_geographic() => {
            notes.push(format!("{layer_desc}: lon/lat of {c} converted to WGS84"));
            (
                CoordinateKind::LonLat,
                None,
                Conv::ToLonLat(Box::new(ToLonLat::new(c)?)),
            )
        }
        (Some(c), g) if c.require_metric().is_ok() => match g {
            Some(g) if g != c => {
                notes.push(format!(
                    "the layer's {c} coordinates were reprojected to {g}"
                ));
                (
                    CoordinateKind::Projected,
                    Some((g, format!("given with --crs; the layer declares {c}"))),
                    Conv::Reproject(Box::new((ToLonLat::new(c)?, Projector::new(g)?))),
                )
            }
            _ => (
                CoordinateKind::Projected,
                Some((
                    c,
                    format!("declared by the GeoPackage layer {} ({c})", l.info.name),
                )),
                Conv::Keep,
            ),
        },
        (Some(c), _) => {
            notes.push(format!(
                "{layer_desc}: {c} is not metric; coordinates converted to lon/lat"
            ));
            let t = ToLonLat::new(c).map_err(|_| Error::Crs {
                crs: c.name(),
                reason: "cannot be converted to lon/lat".into(),
            })?;
            (CoordinateKind::LonLat, None, Conv::ToLonLat(Box::new(t)))
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
    for f in &l.features {
        let fno = f.fid.max(0) as u64;
        let raw = RawRow::Feature(fno as usize);
        let reject = |rejections: &mut Vec<Rejection>, reason, detail: String| {
            rejections.push(Rejection {
                line: fno,
                reason,
                detail,
                raw,
            })
        };
        if let Some(e) = &f.geometry_error {
            reject(
                &mut rejections,
                RejectReason::MalformedRow,
                format!("geometry: {e}"),
            );
            continue;
        }
        let points: Vec<geo::Point<f64>> = match &f.geometry {
            None => {
                reject(
                    &mut rejections,
                    RejectReason::MissingCoordinate,
                    "the feature has no geometry (null or empty)".into(),
                );
                continue;
            }
            Some(Geometry::Point(p)) => vec![*p],
            Some(Geometry::MultiPoint(mp)) => mp.0.clone(),
            Some(other) => {
                reject(
                    &mut rejections,
                    RejectReason::UnsupportedGeometry,
                    format!(
                        "{} (only Point and MultiPoint are incidents)",
                        geometry_name(other)
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
        let props = &f.properties;
        let get = |k: Option<&str>| prop_text(k.and_then(|k| props.get(k)));
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
        // A from/to interval, as in the CSV and GeoJSON readers.
        let interval_len = match (&time, kto) {
            (Some(from), Some(_)) => {
                match crate::ingest::timeparse::interval_to(&get(kto), from, opts.timezone) {
                    Ok(len) => len,
                    Err((reason, detail)) => {
                        reject(&mut rejections, reason, detail);
                        continue;
                    }
                }
            }
            _ => 0,
        };
        let weight = match kweight {
            None => 1.0,
            Some(k) => {
                let v = props.get(k);
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
                            format!("weight column {k:?} is empty")
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
            id = f.fid.to_string();
        }
        let multi = points.len() > 1;
        for (k, p) in points.iter().enumerate() {
            let (x, y) = (p.x(), p.y());
            let ab = if !(x.is_finite() && y.is_finite()) {
                Ok([x, y])
            } else {
                match &conv {
                    Conv::Keep => Ok([x, y]),
                    Conv::ToLonLat(t) => t.convert(x, y),
                    Conv::Reproject(b) => {
                        b.0.convert(x, y)
                            .and_then(|[lon, lat]| b.1.to_metres(lon, lat))
                    }
                }
            };
            let [a, b] = match ab {
                Ok(v) => v,
                Err(e) => {
                    reject(
                        &mut rejections,
                        RejectReason::FarFromData,
                        format!("cannot be reprojected: {e}"),
                    );
                    continue;
                }
            };
            if let Err((reason, detail)) = check_coordinates(kind, a, b) {
                reject(&mut rejections, reason, detail);
                continue;
            }
            rows.push(Row {
                line: fno,
                raw,
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
            source: spec.to_path_buf(),
            format: InputFormat::GeoPackage,
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

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    super::write::GeometryType::of(g).name()
}

/// Writes the rejected features of a GeoPackage ingest as CSV: `fid,reason,detail,properties`,
/// the properties being the feature's attribute columns as one JSON object.
pub(crate) fn write_rejects(
    source: &Path,
    rejections: &[Rejection],
    w: &mut dyn std::io::Write,
    dest: &Path,
) -> Result<()> {
    let l = read_layer(source)?;
    let by_fid: BTreeMap<i64, &ReadFeature> = l.features.iter().map(|f| (f.fid, f)).collect();
    let io = |e| Error::io(dest, e);
    writeln!(w, "fid,reason,detail,properties").map_err(io)?;
    for r in rejections {
        let props = by_fid
            .get(&(r.line as i64))
            .map(|f| Value::Object(f.properties.clone()).to_string())
            .unwrap_or_default();
        writeln!(
            w,
            "{},{},{},{}",
            r.line,
            r.reason,
            csv_quote(&r.detail),
            csv_quote(&props)
        )
        .map_err(io)?;
    }
    Ok(())
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
