//! Basemap layers (places, roads, water, buildings) read from GeoJSON or a
//! GeoPackage layer, and
//! [`Namer`], which names a result after the nearest named place or road.
//!
//! # Layers
//! | layer | geometry | read |
//! |---|---|---|
//! | `places` | Point, MultiPoint | a name (required; unnamed points are skipped and counted), a kind |
//! | `roads` | LineString, MultiLineString | an optional name, a [`RoadClass`] |
//! | `water` | Polygon, MultiPolygon | geometry only |
//! | `buildings` | Polygon, MultiPolygon | geometry only |
//!
//! Names are read from the first non-empty property of [`NAME_KEYS`]
//! (`name`, `namn`, ... ; OpenStreetMap and Lantmäteriet spellings), road
//! classes from [`ROAD_CLASS_KEYS`] (`highway`, `vagtyp`, `objekttyp`, ...);
//! see [`RoadClass::from_value`] and `docs/basemap.md`.
//!
//! Coordinates are RFC 7946 lon/lat, projected to the working CRS with
//! [`Projector`]. A file whose legacy `crs` member names the working CRS
//! itself (e.g. a Lantmäteriet extract saved in SWEREF 99 TM) is read as
//! metres unchanged; any other declared CRS is an error that says how to
//! convert the file.
//!
//! Reading never panics: every coordinate array is checked for length and
//! finite numbers, and a bad feature is an [`Error::Parse`] naming the file,
//! the 1-based feature number and the reason. A feature of the wrong geometry
//! type is an error too (`feature 1 is a Point; roads need LineString or
//! MultiLineString; did you mean --places?`), so a layer passed to the wrong
//! key is caught at once. Features without a geometry (`"geometry": null`)
//! and places without a name are skipped and counted in
//! [`Basemap::skipped`].
//!
//! The format is chosen by [`read_source`], the one function that turns a
//! file into [`SourceFeature`]s: `FILE.gpkg` or `FILE.gpkg:LAYER` is read as
//! a GeoPackage feature table ([`gpkg_layer`]) in whatever CRS the layer
//! declares, reprojected to the working CRS (a layer already in the working
//! CRS is taken as metres unchanged); its attribute columns are the
//! properties, so the same name and class keys apply, and feature numbers in
//! messages are the table's `fid`.

use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Property keys tried, in order, for the name of a place or road:
/// OpenStreetMap (`name`, `name:sv`), Lantmäteriet (`namn`, `textstrang`,
/// `vagnamn`) and common GIS exports (`NAME`, `NAMN`, `Name`).
pub const NAME_KEYS: &[&str] = &[
    "name",
    "namn",
    "name:sv",
    "NAME",
    "NAMN",
    "Name",
    "Namn",
    "textstrang",
    "vagnamn",
];

/// Extra property keys tried for a road's label when it has no name: the road
/// number (`ref` in OpenStreetMap, e.g. `E 20`; `vagnummer` at Lantmäteriet).
pub const ROAD_REF_KEYS: &[&str] = &["ref", "vagnummer", "vägnummer"];

/// Property keys tried, in order, for a road's class (see [`RoadClass::from_value`]).
pub const ROAD_CLASS_KEYS: &[&str] = &[
    "highway",
    "vagtyp",
    "vägtyp",
    "objekttyp",
    "klass",
    "class",
    "kind",
];

/// Property keys tried, in order, for a place's kind (`kind`, OSM `place` /
/// `amenity`, Lantmäteriet `objekttyp`); free text, used for display only.
pub const PLACE_KIND_KEYS: &[&str] = &["kind", "place", "amenity", "objekttyp", "typ"];

/// Default distance (m) within which a result is named after a place or road.
pub const DEFAULT_NAME_DISTANCE_M: f64 = 150.0;

/// Which basemap layer a file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// Named points.
    Places,
    /// Lines.
    Roads,
    /// Water polygons.
    Water,
    /// Building polygons.
    Buildings,
}

impl LayerKind {
    /// The config key and flag stem: `places`, `roads`, `water`, `buildings`.
    pub fn key(self) -> &'static str {
        match self {
            LayerKind::Places => "places",
            LayerKind::Roads => "roads",
            LayerKind::Water => "water",
            LayerKind::Buildings => "buildings",
        }
    }

    fn needs(self) -> &'static str {
        match self {
            LayerKind::Places => "Point or MultiPoint",
            LayerKind::Roads => "LineString or MultiLineString",
            LayerKind::Water | LayerKind::Buildings => "Polygon or MultiPolygon",
        }
    }

    /// The layer that a geometry type belongs in (for the "did you mean" hint).
    fn for_type(t: &str) -> Option<&'static str> {
        match t {
            "Point" | "MultiPoint" => Some("--places"),
            "LineString" | "MultiLineString" => Some("--roads"),
            "Polygon" | "MultiPolygon" => Some("--water or --buildings"),
            _ => None,
        }
    }
}

/// A named place, in working-CRS metres.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    /// The name as given.
    pub name: String,
    /// Its kind as given (`square`, `village`, `school`, ...; empty when none).
    pub kind: String,
    /// Position `[x, y]`, metres.
    pub xy: [f64; 2],
}

/// How large a road is, for drawing and for which names are labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    /// Through roads: motorways, trunk, primary, secondary and tertiary roads
    /// (OSM), motorväg, motortrafikled, mötesfri väg, landsväg (Lantmäteriet).
    Major,
    /// Streets and small roads: everything not major and not a path.
    Street,
    /// Foot and cycle paths, tracks.
    Path,
}

impl RoadClass {
    /// The class for a class attribute value (case-insensitive):
    /// - major: OSM `motorway`, `trunk`, `primary`, `secondary`, `tertiary`
    ///   (and their `_link`s); Lantmäteriet `Motorväg`, `Motortrafikled`,
    ///   `Mötesfri väg`, `Landsväg`, `Europaväg`, `Riksväg`, `Länsväg`
    ///   (any value starting with one of these, e.g. `Landsväg liten`, is major
    ///   except `... liten`); `major`, `main`, `huvudgata`, `huvudväg`;
    /// - path: OSM `footway`, `path`, `cycleway`, `pedestrian`, `steps`,
    ///   `bridleway`, `track`; `gångväg`, `cykelväg`, `gång- och cykelväg`,
    ///   `gc-väg`, `stig`, `traktorväg`, `path`;
    /// - street: anything else.
    pub fn from_value(v: &str) -> RoadClass {
        let v = v.trim().to_lowercase();
        let base = v.strip_suffix("_link").unwrap_or(&v);
        const MAJOR: &[&str] = &[
            "motorway",
            "trunk",
            "primary",
            "secondary",
            "tertiary",
            "major",
            "main",
            "huvudgata",
            "huvudväg",
        ];
        const MAJOR_PREFIX: &[&str] = &[
            "motorväg",
            "motortrafikled",
            "mötesfri väg",
            "landsväg",
            "europaväg",
            "riksväg",
            "länsväg",
        ];
        const PATH: &[&str] = &[
            "footway",
            "path",
            "cycleway",
            "pedestrian",
            "steps",
            "bridleway",
            "track",
            "gångväg",
            "cykelväg",
            "gång- och cykelväg",
            "gc-väg",
            "stig",
            "traktorväg",
        ];
        if MAJOR.contains(&base)
            || (MAJOR_PREFIX.iter().any(|p| base.starts_with(p)) && !base.ends_with("liten"))
        {
            RoadClass::Major
        } else if PATH.contains(&base) {
            RoadClass::Path
        } else {
            RoadClass::Street
        }
    }
}

/// A road (one part of a MultiLineString), in working-CRS metres.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Road {
    /// Its name, or else its number (`ref`, `vagnummer`), if any.
    pub name: Option<String>,
    /// Its class.
    pub class: RoadClass,
    /// The line, metres.
    #[serde(skip)]
    pub line: LineString<f64>,
}

/// A feature left out, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFeature {
    /// The layer: `places`, `roads`, `water`, `buildings`.
    pub layer: &'static str,
    /// The file.
    pub path: PathBuf,
    /// 1-based feature number in the file.
    pub feature: usize,
    /// Why it was left out.
    pub reason: String,
}

/// Files to read as basemap layers (the config keys `places`, `roads`,
/// `water`, `buildings`); `None` = layer not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BasemapSources {
    /// Named points.
    pub places: Option<PathBuf>,
    /// Lines.
    pub roads: Option<PathBuf>,
    /// Water polygons.
    pub water: Option<PathBuf>,
    /// Building polygons.
    pub buildings: Option<PathBuf>,
}

/// The basemap: every layer in working-CRS metres, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basemap {
    /// Named places.
    pub places: Vec<Place>,
    /// Roads, one entry per line part.
    pub roads: Vec<Road>,
    /// Water areas.
    pub water: Vec<MultiPolygon<f64>>,
    /// Buildings.
    pub buildings: Vec<MultiPolygon<f64>>,
    /// Features left out (no geometry; places without a name), to report.
    pub skipped: Vec<SkippedFeature>,
}

/// One feature as read from a source file, before it becomes part of a layer:
/// the geometry still in the file's coordinates (lon/lat, or metres of
/// [`SourceLayer::crs`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFeature {
    /// 1-based feature number in the file.
    pub number: usize,
    /// The geometry; `None` for a feature without one.
    pub geometry: Option<geo::Geometry<f64>>,
    /// The properties (empty when none).
    pub properties: Map<String, Value>,
}

/// The features of one source file and the CRS their coordinates are in.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceLayer {
    /// Coordinates' CRS: WGS84 lon/lat unless the file declares otherwise.
    pub crs: Crs,
    /// The features, in file order.
    pub features: Vec<SourceFeature>,
}

impl Basemap {
    /// Reads every given layer and projects it with `proj`.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read; [`Error::Parse`] naming the
    /// file and feature for invalid JSON, a bad coordinate, a wrong geometry
    /// type or a CRS that cannot be used; [`Error::Projection`] when a
    /// coordinate cannot be projected.
    pub fn read(sources: &BasemapSources, proj: &Projector) -> Result<Basemap> {
        let mut b = Basemap::default();
        let layers = [
            (LayerKind::Places, &sources.places),
            (LayerKind::Roads, &sources.roads),
            (LayerKind::Water, &sources.water),
            (LayerKind::Buildings, &sources.buildings),
        ];
        for (kind, path) in layers {
            if let Some(p) = path {
                let mut src = read_source(p)?;
                if crate::gpkg::is_gpkg_path(p) {
                    // A GeoPackage may declare any CRS: reproject through lon/lat.
                    src = to_lonlat_unless(src, proj.crs())?;
                }
                b.add_layer(kind, p, src, proj)?;
            }
        }
        Ok(b)
    }

    /// Whether no layer holds anything.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
            && self.roads.is_empty()
            && self.water.is_empty()
            && self.buildings.is_empty()
    }

    /// Adds the features of `src` (read from `path`) as layer `kind`.
    ///
    /// # Errors
    /// As [`Basemap::read`].
    pub fn add_layer(
        &mut self,
        kind: LayerKind,
        path: &Path,
        src: SourceLayer,
        proj: &Projector,
    ) -> Result<()> {
        let perr = |feature: usize, message: String| Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!("feature {feature}: {message}"),
        };
        if src.crs != Crs::WGS84 && src.crs != proj.crs() {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: None,
                message: format!(
                    "the file declares {} but the working CRS is {}; save the layer in lon/lat (e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson {}`) or in {}",
                    src.crs,
                    proj.crs(),
                    path.display(),
                    proj.crs()
                ),
            });
        }
        let lonlat = src.crs == Crs::WGS84;
        let to_m = |c: Coord<f64>, n: usize| -> Result<Coord<f64>> {
            if !lonlat {
                return Ok(c);
            }
            if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
                return Err(perr(
                    n,
                    format!(
                        "coordinate [{}, {}] is not lon/lat in degrees; GeoJSON layers must be in WGS84 lon/lat (RFC 7946): reproject with `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson IN`",
                        c.x, c.y
                    ),
                ));
            }
            let [x, y] = proj.to_metres(c.x, c.y)?;
            Ok(Coord { x, y })
        };
        let line_m = |ls: &LineString<f64>, n: usize| -> Result<LineString<f64>> {
            ls.0.iter()
                .map(|c| to_m(*c, n))
                .collect::<Result<Vec<_>>>()
                .map(LineString)
        };
        let poly_m = |p: &Polygon<f64>, n: usize| -> Result<Polygon<f64>> {
            Ok(Polygon::new(
                line_m(p.exterior(), n)?,
                p.interiors()
                    .iter()
                    .map(|r| line_m(r, n))
                    .collect::<Result<_>>()?,
            ))
        };
        for f in src.features {
            let n = f.number;
            let Some(g) = &f.geometry else {
                self.skipped.push(SkippedFeature {
                    layer: kind.key(),
                    path: path.to_path_buf(),
                    feature: n,
                    reason: "no geometry".into(),
                });
                continue;
            };
            let type_name = geometry_type(g);
            let wrong = || {
                let hint = LayerKind::for_type(type_name)
                    .map(|k| format!("; did you mean {k}?"))
                    .unwrap_or_default();
                Error::Parse {
                    path: path.to_path_buf(),
                    line: None,
                    message: format!(
                        "feature {n} is a {type_name}; {} need {}{hint}",
                        kind.key(),
                        kind.needs()
                    ),
                }
            };
            match kind {
                LayerKind::Places => {
                    let pts: Vec<Coord<f64>> = match g {
                        geo::Geometry::Point(p) => vec![p.0],
                        geo::Geometry::MultiPoint(mp) => mp.0.iter().map(|p| p.0).collect(),
                        _ => return Err(wrong()),
                    };
                    let Some(name) = text_prop(&f.properties, NAME_KEYS) else {
                        self.skipped.push(SkippedFeature {
                            layer: kind.key(),
                            path: path.to_path_buf(),
                            feature: n,
                            reason: format!(
                                "a place without a name (none of the properties {})",
                                NAME_KEYS.join(", ")
                            ),
                        });
                        continue;
                    };
                    let place_kind = text_prop(&f.properties, PLACE_KIND_KEYS).unwrap_or_default();
                    for c in pts {
                        let m = to_m(c, n)?;
                        self.places.push(Place {
                            name: name.clone(),
                            kind: place_kind.clone(),
                            xy: [m.x, m.y],
                        });
                    }
                }
                LayerKind::Roads => {
                    let lines: Vec<&LineString<f64>> = match g {
                        geo::Geometry::LineString(l) => vec![l],
                        geo::Geometry::MultiLineString(ml) => ml.0.iter().collect(),
                        _ => return Err(wrong()),
                    };
                    let name = text_prop(&f.properties, NAME_KEYS)
                        .or_else(|| text_prop(&f.properties, ROAD_REF_KEYS));
                    let class = text_prop(&f.properties, ROAD_CLASS_KEYS)
                        .map(|v| RoadClass::from_value(&v))
                        .unwrap_or(RoadClass::Street);
                    for l in lines {
                        self.roads.push(Road {
                            name: name.clone(),
                            class,
                            line: line_m(l, n)?,
                        });
                    }
                }
                LayerKind::Water | LayerKind::Buildings => {
                    let polys: Vec<&Polygon<f64>> = match g {
                        geo::Geometry::Polygon(p) => vec![p],
                        geo::Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
                        _ => return Err(wrong()),
                    };
                    let mp = MultiPolygon(
                        polys
                            .into_iter()
                            .map(|p| poly_m(p, n))
                            .collect::<Result<_>>()?,
                    );
                    if kind == LayerKind::Water {
                        self.water.push(mp);
                    } else {
                        self.buildings.push(mp);
                    }
                }
            }
        }
        Ok(())
    }
}

fn geometry_type(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::LineString(_) | geo::Geometry::Line(_) => "LineString",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::Polygon(_) | geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => {
            "Polygon"
        }
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// The first non-empty property of `keys` as text (numbers written as JSON).
fn text_prop(props: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match props.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads a basemap source file into features: a GeoPackage layer for
/// `FILE.gpkg` or `FILE.gpkg:LAYER` (see [`gpkg_layer`]), GeoJSON otherwise.
///
/// # Errors
/// [`Error::Io`]; [`Error::Parse`] naming the file and feature for invalid
/// JSON, a structure that is not GeoJSON, a bad coordinate array, an
/// undecodable GeoPackage geometry or a missing layer; [`Error::Crs`] for a
/// GeoPackage layer whose CRS is undefined.
pub fn read_source(path: &Path) -> Result<SourceLayer> {
    if crate::gpkg::is_gpkg_path(path) {
        return gpkg_layer(path);
    }
    let root = crate::ingest::geojson::read_json(path)?;
    geojson_layer(&root, path)
}

/// The features of a GeoPackage feature table (`FILE.gpkg`, which must then
/// hold one feature layer, or `FILE.gpkg:LAYER`), in the CRS the layer
/// declares. A feature's number is its `fid` (what QGIS and `ogrinfo` show);
/// its properties are the table's attribute columns (text as strings, numbers
/// as numbers). Empty or null geometries come back as `None` (skipped and
/// counted like GeoJSON features without one).
///
/// # Errors
/// As [`crate::gpkg::read_layer`]; [`Error::Parse`] naming the fid for a
/// geometry blob that cannot be decoded; [`Error::Crs`] when the layer's CRS
/// is undefined (srs_id -1) or not one the bundled definitions know.
pub fn gpkg_layer(spec: &Path) -> Result<SourceLayer> {
    let l = crate::gpkg::read_layer(spec)?;
    let crs = l.info.crs.ok_or_else(|| Error::Crs {
        crs: format!("srs_id {} ({})", l.info.srs_id, spec.display()),
        reason: format!(
            "the layer {}'s CRS is undefined or unknown; assign it, e.g. `ogr2ogr -a_srs EPSG:3006 out.gpkg IN.gpkg {}`",
            l.info.name, l.info.name
        ),
    })?;
    let mut features = Vec::with_capacity(l.features.len());
    for f in l.features {
        let number = usize::try_from(f.fid).unwrap_or(0);
        if let Some(e) = f.geometry_error {
            return Err(Error::Parse {
                path: spec.to_path_buf(),
                line: None,
                message: format!("feature {number} (fid): {e}"),
            });
        }
        features.push(SourceFeature {
            number,
            geometry: f.geometry,
            properties: f.properties,
        });
    }
    Ok(SourceLayer { crs, features })
}

/// A GeoPackage layer (`FILE.gpkg` or `FILE.gpkg:LAYER`) as the text of an RFC 7946 GeoJSON
/// FeatureCollection in WGS84 lon/lat, its attribute columns as properties, so that the readers
/// of GeoJSON point layers (schools) read GeoPackage layers with the same checks and messages.
/// Features without a geometry are kept without one (the reader reports them).
///
/// # Errors
/// As [`gpkg_layer`]; [`Error::Crs`] when the layer's CRS cannot be converted to lon/lat.
pub fn gpkg_as_geojson(spec: &Path) -> Result<String> {
    let layer = to_lonlat_unless(gpkg_layer(spec)?, Crs::WGS84)?;
    let features: Vec<Value> = layer
        .features
        .iter()
        .map(|f| {
            serde_json::json!({
                "type": "Feature",
                "geometry": f.geometry.as_ref().map(geojson::Geometry::from),
                "properties": f.properties,
            })
        })
        .collect();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    serde_json::to_string(&fc).map_err(|e| Error::Parse {
        path: spec.to_path_buf(),
        line: None,
        message: format!("cannot convert the layer to GeoJSON: {e}"),
    })
}

/// `src` converted to WGS84 lon/lat unless it is already in lon/lat or in
/// `working` (kept as metres then).
fn to_lonlat_unless(src: SourceLayer, working: Crs) -> Result<SourceLayer> {
    use geo::MapCoords;
    if src.crs == Crs::WGS84 || src.crs == working {
        return Ok(src);
    }
    let conv = crate::gpkg::ToLonLat::new(src.crs)?;
    let features = src
        .features
        .into_iter()
        .map(|f| {
            let geometry = f
                .geometry
                .map(|g| g.try_map_coords(|c| conv.convert(c.x, c.y).map(|[x, y]| Coord { x, y })))
                .transpose()?;
            Ok(SourceFeature { geometry, ..f })
        })
        .collect::<Result<_>>()?;
    Ok(SourceLayer {
        crs: Crs::WGS84,
        features,
    })
}

/// The features of a parsed GeoJSON document (FeatureCollection, Feature or bare geometry).
///
/// # Errors
/// As [`read_source`].
pub fn geojson_layer(root: &Value, path: &Path) -> Result<SourceLayer> {
    let crs = crate::ingest::geojson::declared_crs(root, path)?.unwrap_or(Crs::WGS84);
    let perr = |message: String| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let feats: Vec<&Value> = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => root
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| perr("the FeatureCollection has no `features` array".into()))?
            .iter()
            .collect(),
        Some("Feature") => vec![root],
        Some(t) if GEOMETRY_TYPES.contains(&t) => {
            return Ok(SourceLayer {
                crs,
                features: vec![SourceFeature {
                    number: 1,
                    geometry: Some(geometry(root, 1, path)?),
                    properties: Map::new(),
                }],
            });
        }
        other => {
            return Err(perr(format!(
                "expected a GeoJSON FeatureCollection, found type {}",
                other.unwrap_or("(none)")
            )));
        }
    };
    let mut features = Vec::with_capacity(feats.len());
    for (i, f) in feats.iter().enumerate() {
        let n = i + 1;
        let g = match f.get("geometry") {
            None | Some(Value::Null) => None,
            Some(g) => Some(geometry(g, n, path)?),
        };
        let properties = match f.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(_) => {
                return Err(perr(format!(
                    "feature {n}: `properties` must be an object or null"
                )));
            }
        };
        features.push(SourceFeature {
            number: n,
            geometry: g,
            properties,
        });
    }
    Ok(SourceLayer { crs, features })
}

const GEOMETRY_TYPES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Decodes one GeoJSON geometry object, checking every array.
fn geometry(g: &Value, n: usize, path: &Path) -> Result<geo::Geometry<f64>> {
    let perr = |message: String| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message: format!("feature {n}: {message}"),
    };
    let t = g
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| perr("the geometry has no `type`".into()))?;
    if t == "GeometryCollection" {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "feature {n} is a GeometryCollection; split it into features of one geometry type each"
            ),
        });
    }
    if !GEOMETRY_TYPES.contains(&t) {
        return Err(perr(format!("unknown geometry type {t:?}")));
    }
    let coords = g
        .get("coordinates")
        .ok_or_else(|| perr(format!("the {t} has no `coordinates`")))?;
    let pos = |v: &Value| -> Result<Coord<f64>> {
        let a = v
            .as_array()
            .ok_or_else(|| perr(format!("a {t} position must be an array [lon, lat]")))?;
        if a.len() < 2 {
            return Err(perr(format!(
                "a position has {} number(s); it needs at least two [lon, lat]",
                a.len()
            )));
        }
        let num = |v: &Value| v.as_f64().filter(|x| x.is_finite());
        match (num(&a[0]), num(&a[1])) {
            (Some(x), Some(y)) => Ok(Coord { x, y }),
            _ => Err(perr(format!(
                "position {} is not two finite numbers",
                Value::Array(a.clone())
            ))),
        }
    };
    let arr = |v: &'_ Value, what: &str| -> Result<Vec<Value>> {
        v.as_array()
            .cloned()
            .ok_or_else(|| perr(format!("{what} of the {t} must be an array")))
    };
    let line = |v: &Value, min: usize, what: &str| -> Result<LineString<f64>> {
        let a = arr(v, what)?;
        if a.len() < min {
            return Err(perr(format!(
                "{what} has {} position(s); it needs at least {min}",
                a.len()
            )));
        }
        a.iter()
            .map(pos)
            .collect::<Result<Vec<_>>>()
            .map(LineString)
    };
    let polygon = |v: &Value| -> Result<Polygon<f64>> {
        let rings = arr(v, "a polygon")?;
        let Some((ext, holes)) = rings.split_first() else {
            return Err(perr("a polygon has no rings".into()));
        };
        Ok(Polygon::new(
            line(ext, 4, "a polygon ring")?,
            holes
                .iter()
                .map(|r| line(r, 4, "a polygon ring"))
                .collect::<Result<_>>()?,
        ))
    };
    let nonempty = |a: Vec<Value>| -> Result<Vec<Value>> {
        if a.is_empty() {
            Err(perr(format!("the {t} has no coordinates")))
        } else {
            Ok(a)
        }
    };
    Ok(match t {
        "Point" => geo::Geometry::Point(geo::Point(pos(coords)?)),
        "MultiPoint" => geo::Geometry::MultiPoint(geo::MultiPoint(
            nonempty(arr(coords, "the coordinates")?)?
                .iter()
                .map(|p| pos(p).map(geo::Point))
                .collect::<Result<_>>()?,
        )),
        "LineString" => geo::Geometry::LineString(line(coords, 2, "the line")?),
        "MultiLineString" => geo::Geometry::MultiLineString(geo::MultiLineString(
            nonempty(arr(coords, "the coordinates")?)?
                .iter()
                .map(|l| line(l, 2, "a line"))
                .collect::<Result<_>>()?,
        )),
        "Polygon" => geo::Geometry::Polygon(polygon(coords)?),
        _ => geo::Geometry::MultiPolygon(MultiPolygon(
            nonempty(arr(coords, "the coordinates")?)?
                .iter()
                .map(polygon)
                .collect::<Result<_>>()?,
        )),
    })
}

/// Language of generated names ("nära X" / "near X").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameLang {
    /// Swedish: `nära Torget (320 m)`, decimal comma.
    #[default]
    Sv,
    /// English: `near Torget (320 m)`.
    En,
}

/// What a [`PlaceName`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// A named place within the naming distance.
    Place,
    /// A named road within the naming distance (no place was that close).
    Road,
    /// Neither within the distance: "nära PLACE (N m)" after the nearest place.
    Near,
}

/// The name given to a result: report-ready plain data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceName {
    /// The name to show: the place or road name, or `nära PLACE (N m)` / `near PLACE (N m)`.
    pub name: String,
    /// What it refers to.
    pub kind: NameKind,
    /// Distance (m, rounded to 1 m) from the point to the place or road named.
    pub distance_m: f64,
    /// The place or road the name refers to.
    pub of: String,
}

/// Names points after the nearest named place within a distance, else the
/// nearest named road within the same distance, else "nära PLACE (N m)"
/// after the nearest place at any distance (or the nearest road when there
/// are no places).
///
/// Nearest-neighbour queries use R-trees (`rstar`) of the places and of the
/// named roads' segments. Ties (equal distance to 1e-9 m) go to the name
/// first in `str` order, so the result does not depend on layer order.
#[derive(Debug)]
pub struct Namer {
    places: RTree<GeomWithData<[f64; 2], usize>>,
    place_names: Vec<String>,
    roads: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
    road_names: Vec<String>,
    within_m: f64,
    lang: NameLang,
}

impl Namer {
    /// A namer over the basemap's places and named roads, naming within
    /// `within_m` metres (see [`DEFAULT_NAME_DISTANCE_M`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `within_m` is not finite and >= 0.
    pub fn new(basemap: &Basemap, within_m: f64, lang: NameLang) -> Result<Namer> {
        if !(within_m.is_finite() && within_m >= 0.0) {
            return Err(Error::invalid(
                "name_distance_m",
                within_m,
                "the naming distance must be a finite number of metres >= 0 (default 150)",
            ));
        }
        let place_names: Vec<String> = basemap.places.iter().map(|p| p.name.clone()).collect();
        let places = RTree::bulk_load(
            basemap
                .places
                .iter()
                .enumerate()
                .filter(|(_, p)| p.xy[0].is_finite() && p.xy[1].is_finite())
                .map(|(i, p)| GeomWithData::new(p.xy, i))
                .collect(),
        );
        let mut road_names = Vec::new();
        let mut segs = Vec::new();
        for r in &basemap.roads {
            let Some(name) = &r.name else { continue };
            let k = road_names.len();
            road_names.push(name.clone());
            for w in r.line.0.windows(2) {
                segs.push(GeomWithData::new(
                    Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]),
                    k,
                ));
            }
        }
        Ok(Namer {
            places,
            place_names,
            roads: RTree::bulk_load(segs),
            road_names,
            within_m,
            lang,
        })
    }

    /// Whether there is nothing to name after (no places and no named roads).
    pub fn is_empty(&self) -> bool {
        self.places.size() == 0 && self.roads.size() == 0
    }

    /// The name for the point `xy` (metres); `None` when the basemap has no
    /// places and no named roads, or `xy` is not finite.
    pub fn name(&self, xy: [f64; 2]) -> Option<PlaceName> {
        if !(xy[0].is_finite() && xy[1].is_finite()) {
            return None;
        }
        let r2 = self.within_m * self.within_m;
        let best = |cands: Vec<(f64, &str)>| -> Option<(f64, String)> {
            cands
                .into_iter()
                .min_by(|a, b| {
                    if (a.0 - b.0).abs() <= 1e-9 {
                        a.1.cmp(b.1)
                    } else {
                        a.0.total_cmp(&b.0)
                    }
                })
                .map(|(d, n)| (d, n.to_string()))
        };
        let place_cands = |r2: f64| -> Vec<(f64, &str)> {
            self.places
                .locate_within_distance(xy, r2)
                .map(|g| {
                    let d = ((g.geom()[0] - xy[0]).powi(2) + (g.geom()[1] - xy[1]).powi(2)).sqrt();
                    (d, self.place_names[g.data].as_str())
                })
                .collect()
        };
        let road_cands = |r2: f64| -> Vec<(f64, &str)> {
            use rstar::PointDistance;
            self.roads
                .locate_within_distance(xy, r2)
                .map(|g| {
                    (
                        g.geom().distance_2(&xy).sqrt(),
                        self.road_names[g.data].as_str(),
                    )
                })
                .collect()
        };
        let done = |kind: NameKind, (d, n): (f64, String)| PlaceName {
            name: n.clone(),
            kind,
            distance_m: d.round(),
            of: n,
        };
        if let Some(b) = best(place_cands(r2)) {
            return Some(done(NameKind::Place, b));
        }
        if let Some(b) = best(road_cands(r2)) {
            return Some(done(NameKind::Road, b));
        }
        // Nothing close: the nearest place at any distance (all places at the
        // nearest distance, for the tie rule), else the nearest road.
        let widen = |d2: f64| d2 * (1.0 + 1e-12) + 1e-9;
        let pd2 = self
            .places
            .nearest_neighbor(&xy)
            .map(|g| (g.geom()[0] - xy[0]).powi(2) + (g.geom()[1] - xy[1]).powi(2));
        let found = match pd2 {
            Some(d2) => best(place_cands(widen(d2))),
            None => {
                use rstar::PointDistance;
                let rd2 = self
                    .roads
                    .nearest_neighbor(&xy)
                    .map(|g| g.geom().distance_2(&xy));
                rd2.and_then(|d2| best(road_cands(widen(d2))))
            }
        };
        let (d, of) = found?;
        Some(PlaceName {
            name: near_text(self.lang, &of, d),
            kind: NameKind::Near,
            distance_m: d.round(),
            of,
        })
    }
}

/// `nära X (320 m)` / `near X (320 m)`; from 1 km on `(2,3 km)` / `(2.3 km)`.
/// Metres are rounded to 10 m.
pub fn near_text(lang: NameLang, of: &str, d_m: f64) -> String {
    let word = match lang {
        NameLang::Sv => "nära",
        NameLang::En => "near",
    };
    let dist = if d_m < 995.0 {
        format!("{} m", ((d_m / 10.0).round() * 10.0) as i64)
    } else {
        let km = format!("{:.1}", d_m / 1000.0);
        match lang {
            NameLang::Sv => format!("{} km", km.replace('.', ",")),
            NameLang::En => format!("{km} km"),
        }
    };
    format!("{word} {of} ({dist})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn place(name: &str, x: f64, y: f64) -> Place {
        Place {
            name: name.into(),
            kind: String::new(),
            xy: [x, y],
        }
    }

    fn road(name: Option<&str>, pts: &[(f64, f64)]) -> Road {
        Road {
            name: name.map(str::to_string),
            class: RoadClass::Street,
            line: LineString::from(pts.to_vec()),
        }
    }

    /// Torget at the origin, Apoteket 100 m east; Storgatan runs east-west
    /// 300 m north; an unnamed road 200 m south.
    fn tiny() -> Basemap {
        Basemap {
            places: vec![place("Torget", 0.0, 0.0), place("Apoteket", 100.0, 0.0)],
            roads: vec![
                road(Some("Storgatan"), &[(0.0, 300.0), (1000.0, 300.0)]),
                road(None, &[(-500.0, -200.0), (500.0, -200.0)]),
            ],
            ..Basemap::default()
        }
    }

    #[test]
    fn names_follow_place_then_road_then_near_computed_by_hand() {
        let n = Namer::new(&tiny(), 150.0, NameLang::Sv).unwrap();
        // 10 m from Torget, 90 m from Apoteket.
        let a = n.name([10.0, 0.0]).unwrap();
        assert_eq!(
            (a.name.as_str(), a.kind, a.distance_m),
            ("Torget", NameKind::Place, 10.0)
        );
        // Equidistant (50 m) from both: the tie goes to the first name in order.
        let t = n.name([50.0, 0.0]).unwrap();
        assert_eq!((t.name.as_str(), t.distance_m), ("Apoteket", 50.0));
        // sqrt(400² + 280²) = 488 m from Apoteket, 20 m from Storgatan.
        let r = n.name([500.0, 280.0]).unwrap();
        assert_eq!(
            (r.name.as_str(), r.kind, r.distance_m),
            ("Storgatan", NameKind::Road, 20.0)
        );
        // 160 m from Torget and from nothing named closer: the unnamed road
        // (40 m) is not used; Storgatan is 460 m away.
        let u = n.name([0.0, -160.0]).unwrap();
        assert_eq!(u.kind, NameKind::Near);
        assert_eq!(u.name, "nära Torget (160 m)");
        assert_eq!(u.of, "Torget");
        // sqrt(400² + 800²) = 894.4 m from Apoteket (Storgatan is 500 m but a
        // "near" name refers to a place): rounded to 890 m in the text.
        let f = n.name([500.0, 800.0]).unwrap();
        assert_eq!(f.name, "nära Apoteket (890 m)");
        assert_eq!(f.distance_m, 894.0);
        // 2.9 km: kilometres with a decimal comma, or point in English.
        let en = Namer::new(&tiny(), 150.0, NameLang::En).unwrap();
        assert_eq!(
            en.name([3000.0, 0.0]).unwrap().name,
            "near Apoteket (2.9 km)"
        );
        assert_eq!(
            n.name([3000.0, 0.0]).unwrap().name,
            "nära Apoteket (2,9 km)"
        );
        assert!(n.name([f64::NAN, 0.0]).is_none());
    }

    #[test]
    fn distance_zero_names_only_exact_places_and_roads_stand_in_for_missing_places() {
        let n = Namer::new(&tiny(), 0.0, NameLang::Sv).unwrap();
        assert_eq!(n.name([0.0, 0.0]).unwrap().kind, NameKind::Place);
        assert_eq!(n.name([1.0, 0.0]).unwrap().kind, NameKind::Near);
        let roads_only = Basemap {
            roads: tiny().roads,
            ..Basemap::default()
        };
        let n = Namer::new(&roads_only, 150.0, NameLang::En).unwrap();
        assert_eq!(
            n.name([500.0, 1300.0]).unwrap().name,
            "near Storgatan (1.0 km)"
        );
        let empty = Namer::new(&Basemap::default(), 150.0, NameLang::Sv).unwrap();
        assert!(empty.is_empty());
        assert!(empty.name([0.0, 0.0]).is_none());
        assert!(Namer::new(&tiny(), -1.0, NameLang::Sv).is_err());
        assert!(Namer::new(&tiny(), f64::NAN, NameLang::Sv).is_err());
    }

    #[test]
    fn namer_agrees_with_brute_force_on_random_layouts() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
        for _ in 0..20 {
            let mut b = Basemap::default();
            for i in 0..30 {
                b.places.push(place(
                    &format!("P{:02}", i % 25),
                    rng.random_range(0.0..2000.0),
                    rng.random_range(0.0..2000.0),
                ));
            }
            let n = Namer::new(&b, 150.0, NameLang::Sv).unwrap();
            for _ in 0..50 {
                let q = [
                    rng.random_range(-500.0..2500.0),
                    rng.random_range(-500.0..2500.0),
                ];
                let got = n.name(q).unwrap();
                let mut all: Vec<(f64, &str)> = b
                    .places
                    .iter()
                    .map(|p| {
                        (
                            ((p.xy[0] - q[0]).powi(2) + (p.xy[1] - q[1]).powi(2)).sqrt(),
                            p.name.as_str(),
                        )
                    })
                    .collect();
                all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
                assert_eq!(got.of, all[0].1);
                assert_eq!(got.distance_m, all[0].0.round());
                assert_eq!(got.kind == NameKind::Place, all[0].0 <= 150.0);
            }
        }
    }

    fn write(dir: &tempfile::TempDir, name: &str, v: Value) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
        p
    }

    fn fc(features: Vec<Value>) -> Value {
        json!({"type": "FeatureCollection", "features": features})
    }

    fn feat(geometry: Value, properties: Value) -> Value {
        json!({"type": "Feature", "geometry": geometry, "properties": properties})
    }

    fn proj() -> Projector {
        Projector::new(Crs::SWEREF99_TM).unwrap()
    }

    fn err(kind: LayerKind, path: &Path) -> String {
        let mut b = Basemap::default();
        let e = read_source(path).and_then(|s| b.add_layer(kind, path, s, &proj()));
        e.unwrap_err().to_string()
    }

    #[test]
    fn layers_are_read_projected_and_classified() {
        let dir = tempfile::tempdir().unwrap();
        let places = write(
            &dir,
            "p.geojson",
            fc(vec![
                feat(
                    json!({"type": "Point", "coordinates": [15.87, 59.045]}),
                    json!({"name": "Torget", "kind": "square"}),
                ),
                feat(
                    json!({"type": "Point", "coordinates": [15.871, 59.045]}),
                    json!({"namn": " Kyrkan "}),
                ),
                feat(
                    json!({"type": "Point", "coordinates": [15.872, 59.045]}),
                    json!({"kind": "x"}),
                ),
                json!({"type": "Feature", "geometry": null, "properties": {"name": "Nowhere"}}),
            ]),
        );
        let roads = write(
            &dir,
            "r.geojson",
            fc(vec![
                feat(
                    json!({"type": "MultiLineString", "coordinates": [[[15.86, 59.04], [15.88, 59.04]], [[15.86, 59.05], [15.88, 59.05, 12.0]]]}),
                    json!({"name": "Storgatan", "highway": "primary"}),
                ),
                feat(
                    json!({"type": "LineString", "coordinates": [[15.86, 59.04], [15.86, 59.05]]}),
                    json!({"vagnummer": 52, "objekttyp": "Landsväg liten"}),
                ),
                feat(
                    json!({"type": "LineString", "coordinates": [[15.86, 59.04], [15.86, 59.05]]}),
                    json!({"highway": "footway"}),
                ),
            ]),
        );
        let water = write(
            &dir,
            "w.geojson",
            fc(vec![feat(
                json!({"type": "Polygon", "coordinates": [[[15.86, 59.04], [15.87, 59.04], [15.87, 59.041], [15.86, 59.04]]]}),
                json!({}),
            )]),
        );
        let b = Basemap::read(
            &BasemapSources {
                places: Some(places.clone()),
                roads: Some(roads),
                water: Some(water),
                buildings: None,
            },
            &proj(),
        )
        .unwrap();
        // Reference: PROJ, cs2cs EPSG:4326 EPSG:3006 (see crs.rs tests).
        assert_eq!(b.places.len(), 2);
        assert_eq!(b.places[0].name, "Torget");
        assert_eq!(b.places[0].kind, "square");
        assert!((b.places[0].xy[0] - 549_917.373).abs() < 1e-3);
        assert!((b.places[0].xy[1] - 6_545_387.824).abs() < 1e-3);
        assert_eq!(b.places[1].name, "Kyrkan");
        assert_eq!(b.skipped.len(), 2);
        assert_eq!((b.skipped[0].feature, b.skipped[0].layer), (3, "places"));
        assert!(b.skipped[0].reason.contains("without a name"));
        assert_eq!(
            (b.skipped[1].feature, b.skipped[1].reason.as_str()),
            (4, "no geometry")
        );
        assert_eq!(b.roads.len(), 4);
        assert_eq!(b.roads[0].name.as_deref(), Some("Storgatan"));
        assert_eq!(b.roads[1].name.as_deref(), Some("Storgatan"));
        assert_eq!(b.roads[0].class, RoadClass::Major);
        assert_eq!(b.roads[2].name.as_deref(), Some("52"));
        assert_eq!(b.roads[2].class, RoadClass::Street);
        assert_eq!(
            (b.roads[3].name.clone(), b.roads[3].class),
            (None, RoadClass::Path)
        );
        assert_eq!(b.water.len(), 1);
        assert!(b.buildings.is_empty());
        // A projected file in the working CRS is read unchanged.
        let m = write(
            &dir,
            "m.geojson",
            json!({
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                "features": [feat(json!({"type": "Point", "coordinates": [549917.0, 6545387.0]}), json!({"name": "T"}))],
            }),
        );
        let mut bm = Basemap::default();
        bm.add_layer(LayerKind::Places, &m, read_source(&m).unwrap(), &proj())
            .unwrap();
        assert_eq!(bm.places[0].xy, [549917.0, 6545387.0]);
    }

    #[test]
    fn geopackage_layers_are_read_with_names_in_any_declared_crs() {
        use crate::gpkg::{Layer as GLayer, write_gpkg};
        use crate::output::OutFeature;
        use serde_json::json;
        let dir = tempfile::tempdir().unwrap();
        let props = |v: Value| v.as_object().unwrap().clone();
        let pt = |x: f64, y: f64| geo::Geometry::Point(geo::Point::new(x, y));
        // Lantmäteriet spellings (`namn`, `objekttyp`) in SWEREF 99 TM metres.
        let places = vec![
            OutFeature {
                geometry: pt(540_000.0, 6_540_000.0),
                properties: props(json!({"namn": "Torget", "objekttyp": "torg"})),
            },
            OutFeature {
                geometry: pt(540_300.0, 6_540_100.0),
                properties: props(json!({"namn": "", "objekttyp": "hus"})),
            },
            OutFeature {
                geometry: pt(540_500.0, 6_540_400.0),
                properties: props(json!({"namn": "Resecentrum", "objekttyp": "station"})),
            },
        ];
        let roads = vec![OutFeature {
            geometry: geo::Geometry::LineString(LineString::from(vec![
                (539_900.0, 6_540_000.0),
                (540_600.0, 6_540_050.0),
            ])),
            properties: props(json!({"name": "Storgatan", "highway": "primary"})),
        }];
        let f = dir.path().join("topo.gpkg");
        write_gpkg(
            &f,
            &[GLayer::new("places", &places), GLayer::new("roads", &roads)],
            Crs::SWEREF99_TM,
        )
        .unwrap();
        let spec = |l: &str| PathBuf::from(format!("{}:{l}", f.display()));
        let b = Basemap::read(
            &BasemapSources {
                places: Some(spec("places")),
                roads: Some(spec("roads")),
                ..Default::default()
            },
            &proj(),
        )
        .unwrap();
        let names: Vec<&str> = b.places.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Torget", "Resecentrum"]);
        assert_eq!(b.places[0].kind, "torg");
        // Same CRS as the working one: metres unchanged.
        assert_eq!(b.places[1].xy, [540_500.0, 6_540_400.0]);
        assert_eq!(b.roads.len(), 1);
        assert_eq!(b.roads[0].name.as_deref(), Some("Storgatan"));
        assert_eq!(b.roads[0].class, RoadClass::Major);
        assert_eq!(
            b.roads[0].line.0[1],
            Coord {
                x: 540_600.0,
                y: 6_540_050.0
            }
        );
        // The unnamed place is skipped and counted under its fid (2).
        assert_eq!(b.skipped.len(), 1);
        assert_eq!((b.skipped[0].layer, b.skipped[0].feature), ("places", 2));
        let namer = Namer::new(&b, 150.0, NameLang::Sv).unwrap();
        assert_eq!(namer.name([540_010.0, 6_540_000.0]).unwrap().name, "Torget");

        // A layer in lon/lat (EPSG:4326) lands where the projector puts the same lon/lat, and
        // one in UTM 33N (EPSG:32633) where PROJ's UTM -> lon/lat -> SWEREF 99 TM puts it.
        let p = proj();
        let [lon, lat] = p.to_lonlat(540_500.0, 6_540_400.0).unwrap();
        let wgs = vec![OutFeature {
            geometry: pt(lon, lat),
            properties: props(json!({"name": "Resecentrum"})),
        }];
        let f84 = dir.path().join("osm.gpkg");
        write_gpkg(&f84, &[GLayer::new("points", &wgs)], Crs::WGS84).unwrap();
        let b84 = Basemap::read(
            &BasemapSources {
                places: Some(f84.clone()),
                ..Default::default()
            },
            &p,
        )
        .unwrap();
        assert!(
            (b84.places[0].xy[0] - 540_500.0).abs() < 1e-3,
            "{:?}",
            b84.places[0].xy
        );
        assert!((b84.places[0].xy[1] - 6_540_400.0).abs() < 1e-3);
        let utm = Projector::new(Crs::from_epsg(32633).unwrap()).unwrap();
        let [ux, uy] = utm.to_metres(lon, lat).unwrap();
        let fu = dir.path().join("utm.gpkg");
        let u = vec![OutFeature {
            geometry: pt(ux, uy),
            properties: props(json!({"name": "Resecentrum"})),
        }];
        write_gpkg(
            &fu,
            &[GLayer::new("points", &u)],
            Crs::from_epsg(32633).unwrap(),
        )
        .unwrap();
        let bu = Basemap::read(
            &BasemapSources {
                places: Some(fu),
                ..Default::default()
            },
            &p,
        )
        .unwrap();
        assert!(
            (bu.places[0].xy[0] - 540_500.0).abs() < 1e-3,
            "{:?}",
            bu.places[0].xy
        );
        assert!((bu.places[0].xy[1] - 6_540_400.0).abs() < 1e-3);

        // A file of several layers needs :LAYER; a wrong layer is the GeoJSON error.
        let e = err(LayerKind::Places, &f);
        assert!(e.contains("name one as FILE.gpkg:LAYER"), "{e}");
        assert!(e.contains("topo.gpkg:roads"), "{e}");
        let e = err(LayerKind::Roads, &spec("places"));
        assert!(
            e.contains("feature 1 is a Point") && e.contains("--places"),
            "{e}"
        );
    }

    #[test]
    fn road_classes_from_osm_and_lantmateriet_values() {
        for (v, c) in [
            ("primary", RoadClass::Major),
            ("Tertiary_link", RoadClass::Major),
            ("residential", RoadClass::Street),
            ("service", RoadClass::Street),
            ("Motorväg", RoadClass::Major),
            ("Mötesfri väg", RoadClass::Major),
            ("Landsväg", RoadClass::Major),
            ("Landsväg liten", RoadClass::Street),
            ("Småväg", RoadClass::Street),
            ("cycleway", RoadClass::Path),
            ("Gång- och cykelväg", RoadClass::Path),
        ] {
            assert_eq!(RoadClass::from_value(v), c, "{v}");
        }
    }

    #[test]
    fn wrong_layers_and_bad_coordinates_are_clear_errors_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let pts = write(
            &dir,
            "places.geojson",
            fc(vec![feat(
                json!({"type": "Point", "coordinates": [15.87, 59.045]}),
                json!({"name": "Torget"}),
            )]),
        );
        let e = err(LayerKind::Roads, &pts);
        assert!(e.contains("places.geojson"), "{e}");
        assert!(
            e.contains("feature 1 is a Point; roads need LineString or MultiLineString; did you mean --places?"),
            "{e}"
        );
        let e = err(LayerKind::Water, &pts);
        assert!(
            e.contains("water need Polygon or MultiPolygon; did you mean --places?"),
            "{e}"
        );
        let cases: Vec<(Value, &str)> = vec![
            (
                json!({"type": "Point", "coordinates": [15.0]}),
                "feature 2: a position has 1 number(s)",
            ),
            (
                json!({"type": "Point", "coordinates": []}),
                "feature 2: a position has 0 number(s)",
            ),
            (
                json!({"type": "Point", "coordinates": 3}),
                "feature 2: a Point position must be an array",
            ),
            (
                json!({"type": "Point", "coordinates": ["a", 1]}),
                "feature 2: position [\"a\",1] is not two finite numbers",
            ),
            (
                json!({"type": "Point"}),
                "feature 2: the Point has no `coordinates`",
            ),
            (
                json!({"type": "MultiPoint", "coordinates": []}),
                "feature 2: the MultiPoint has no coordinates",
            ),
            (
                json!({"type": "LineString", "coordinates": [[15.0, 59.0]]}),
                "feature 2: the line has 1 position(s); it needs at least 2",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[15.0, 59.0], [15.1, 59.0], [15.0, 59.0]]]}),
                "feature 2: a polygon ring has 3 position(s); it needs at least 4",
            ),
            (
                json!({"type": "Polygon", "coordinates": []}),
                "feature 2: a polygon has no rings",
            ),
            (
                json!({"type": "MultiPolygon", "coordinates": [[[1]]]}),
                "feature 2: a polygon ring has 1 position(s)",
            ),
            (
                json!({"type": "Circle", "coordinates": [1, 2]}),
                "feature 2: unknown geometry type \"Circle\"",
            ),
            (
                json!({"type": "GeometryCollection", "geometries": []}),
                "feature 2 is a GeometryCollection",
            ),
            (
                json!({"type": "Point", "coordinates": [549917.0, 6545387.0]}),
                "feature 2: coordinate [549917, 6545387] is not lon/lat",
            ),
        ];
        for (g, want) in cases {
            let p = write(
                &dir,
                "bad.geojson",
                fc(vec![
                    feat(
                        json!({"type": "Point", "coordinates": [15.87, 59.045]}),
                        json!({"name": "ok"}),
                    ),
                    feat(g, json!({"name": "bad"})),
                ]),
            );
            let e = err(LayerKind::Places, &p);
            assert!(e.starts_with(&format!("{}: ", p.display())), "{e}");
            assert!(e.contains(want), "{e} / want {want}");
        }
        let other = write(
            &dir,
            "o.geojson",
            json!({
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                "features": [],
            }),
        );
        assert!(
            err(LayerKind::Roads, &other)
                .contains("declares EPSG:3857 but the working CRS is EPSG:3006")
        );
        let gpkg = dir.path().join("x.gpkg");
        assert!(err(LayerKind::Roads, &gpkg).contains("x.gpkg"));
        let missing = dir.path().join("missing.geojson");
        assert!(err(LayerKind::Roads, &missing).contains("missing.geojson"));
        let notjson = dir.path().join("n.geojson");
        std::fs::write(&notjson, "{").unwrap();
        assert!(err(LayerKind::Roads, &notjson).contains("not valid JSON"));
    }
}
