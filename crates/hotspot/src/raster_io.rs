//! Raster files: ESRI ASCII grid (`.asc`) with a `.prj` sidecar holding the
//! working CRS as ESRI WKT, and GeoTIFF (`.tif`); [`write_raster`] picks by extension.
//! Also the CRS texts other writers share: [`esri_wkt`] (`.prj` files) and [`ogc_wkt`]
//! (GeoPackage `gpkg_spatial_ref_sys`), and [`write_qml`] for a QGIS style beside a grid.
//!
//! Format (Esri, "ESRI ASCII raster format"): a header of `ncols`, `nrows`,
//! `xllcorner`, `yllcorner`, `cellsize`, `NODATA_value`, then `nrows` lines of
//! `ncols` values, the **first line being the northernmost row**. [`Raster`]
//! keeps row 0 in the south, so rows are written in reverse. Values are written
//! in Rust's shortest round-trip form (exponent notation outside 1e-4..1e15), so
//! reading the file back gives the same `f64` bits; NaN becomes `NODATA_value`.
//! Output is byte-identical for identical rasters. GDAL and QGIS open the pair
//! without a dialog.

use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::grid::{GridSpec, Raster};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The value written for NaN cells.
pub const NODATA: f64 = -9999.0;

fn fmt_value(out: &mut String, v: f64) {
    if v.is_nan() {
        let _ = write!(out, "{NODATA}");
    } else if v == 0.0 {
        out.push('0');
    } else if (1e-4..1e15).contains(&v.abs()) {
        let _ = write!(out, "{v}");
    } else {
        let _ = write!(out, "{v:e}");
    }
}

/// The `.prj` path beside `asc` (same stem).
pub fn prj_path(asc: &Path) -> PathBuf {
    asc.with_extension("prj")
}

/// The text of an ESRI ASCII grid for `raster`.
pub fn ascii_grid_text(raster: &Raster) -> String {
    let g = &raster.spec;
    let mut s = String::with_capacity(64 + raster.values.len() * 12);
    let _ = writeln!(s, "ncols {}", g.cols);
    let _ = writeln!(s, "nrows {}", g.rows);
    let _ = writeln!(s, "xllcorner {}", g.x0);
    let _ = writeln!(s, "yllcorner {}", g.y0);
    let _ = writeln!(s, "cellsize {}", g.cell_m);
    let _ = writeln!(s, "NODATA_value {NODATA}");
    for row in (0..g.rows).rev() {
        let line = &raster.values[row * g.cols..(row + 1) * g.cols];
        for (j, &v) in line.iter().enumerate() {
            if j > 0 {
                s.push(' ');
            }
            fmt_value(&mut s, v);
        }
        s.push('\n');
    }
    s
}

/// Writes `raster` to `path` (conventionally `*.asc`) and the CRS as ESRI WKT
/// ([`esri_wkt`]) to the `.prj` beside it.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written; [`Error::Crs`] when
/// no WKT is known for `crs`.
pub fn write_ascii_grid(path: &Path, raster: &Raster, crs: Crs) -> Result<()> {
    let wkt = esri_wkt(crs)?;
    let text = ascii_grid_text(raster);
    crate::output::write_atomic(path, text.as_bytes())?;
    let prj = prj_path(path);
    crate::output::write_atomic(&prj, wkt)
}

/// The `.qml` path beside a grid (same stem), where QGIS looks for a layer's default style.
pub fn qml_path(grid: &Path) -> PathBuf {
    grid.with_extension("qml")
}

/// Writes a QGIS style (QML text, e.g. [`crate::style::raster_classes_qml`]) beside `grid`
/// (`density.asc` gets `density.qml`), so QGIS opens the grid with it.
///
/// # Errors
/// [`Error::Io`] naming the `.qml` file when it cannot be written.
pub fn write_qml(grid: &Path, qml: &str) -> Result<PathBuf> {
    let p = qml_path(grid);
    crate::output::write_atomic(&p, qml)?;
    Ok(p)
}

/// Families of projected CRSs whose ESRI WKT is written from their parameters.
enum Family {
    /// SWEREF 99 TM (EPSG:3006) and the twelve SWEREF 99 local zones (EPSG:3007-3018).
    Sweref99,
    /// WGS 84 / UTM zones (EPSG:32601-32660 north, 32701-32760 south).
    WgsUtm { zone: u32, south: bool },
    /// ETRS89 / UTM zones 28-38 (EPSG:25828-25838).
    EtrsUtm { zone: u32 },
}

fn family(code: u32) -> Option<Family> {
    match code {
        3006..=3018 => Some(Family::Sweref99),
        32601..=32660 => Some(Family::WgsUtm {
            zone: code - 32600,
            south: false,
        }),
        32701..=32760 => Some(Family::WgsUtm {
            zone: code - 32700,
            south: true,
        }),
        25828..=25838 => Some(Family::EtrsUtm { zone: code - 25800 }),
        _ => None,
    }
}

/// A `+key=value` number of a PROJ.4 string.
fn proj4_number(p: &str, key: &str) -> Option<f64> {
    p.split_whitespace()
        .find_map(|t| t.strip_prefix('+')?.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// The CRS's name as EPSG gives it (`SWEREF99 TM`, `WGS 84 / UTM zone 33N`), from its WKT;
/// `EPSG:NNNN` when none is bundled.
pub fn crs_title(crs: Crs) -> String {
    let w = crs.wkt();
    w.find('"')
        .and_then(|a| {
            w[a + 1..]
                .find('"')
                .map(|b| w[a + 1..a + 1 + b].to_string())
        })
        .unwrap_or_else(|| crs.name())
}

fn f(v: f64) -> String {
    format!("{v:?}")
}

/// The CRS as ESRI WKT, the dialect `.prj` files use, for SWEREF 99 TM and its local zones
/// (EPSG:3006-3018), WGS 84 / UTM (EPSG:326NN, 327NN) and ETRS89 / UTM (EPSG:258NN): names as
/// in ESRI's (and PROJ's) ESRI catalogue (`SWEREF99_TM`, `GCS_SWEREF99`, `D_SWEREF99`), which is
/// how GDAL and QGIS identify the file's EPSG code with full confidence (`gdalsrsinfo -e` reports
/// EPSG:3006 without a reduced confidence). Other codes get [`ogc_wkt`], which carries EPSG
/// authority codes.
///
/// # Errors
/// [`Error::Crs`] when no definition is bundled for `crs`.
pub fn esri_wkt(crs: Crs) -> Result<String> {
    let code = crs.epsg();
    let Some(fam) = family(code) else {
        return ogc_wkt(crs);
    };
    let p = crs.proj4();
    let (name, gcs, datum, spheroid, a, rf) = match fam {
        Family::Sweref99 => (
            crs_title(crs).replace(' ', "_"),
            "GCS_SWEREF99",
            "D_SWEREF99",
            "GRS_1980",
            6378137.0,
            298.257222101,
        ),
        Family::WgsUtm { zone, south } => (
            format!("WGS_1984_UTM_Zone_{zone}{}", if south { 'S' } else { 'N' }),
            "GCS_WGS_1984",
            "D_WGS_1984",
            "WGS_1984",
            6378137.0,
            298.257223563,
        ),
        Family::EtrsUtm { zone } => (
            format!("ETRS_1989_UTM_Zone_{zone}N"),
            "GCS_ETRS_1989",
            "D_ETRS_1989",
            "GRS_1980",
            6378137.0,
            298.257222101,
        ),
    };
    let (lon0, k, x0, y0) = match fam {
        Family::WgsUtm { zone, south } => (
            -183.0 + 6.0 * zone as f64,
            0.9996,
            500000.0,
            if south { 10_000_000.0 } else { 0.0 },
        ),
        Family::EtrsUtm { zone } => (-183.0 + 6.0 * zone as f64, 0.9996, 500000.0, 0.0),
        Family::Sweref99 => {
            let get = |k: &str| {
                proj4_number(p, k).ok_or_else(|| Error::Crs {
                    crs: crs.name(),
                    reason: format!("the bundled definition has no +{k}"),
                })
            };
            if code == 3006 {
                (15.0, 0.9996, 500000.0, 0.0)
            } else {
                (get("lon_0")?, get("k")?, get("x_0")?, get("y_0")?)
            }
        }
    };
    Ok(format!(
        "PROJCS[\"{name}\",GEOGCS[\"{gcs}\",DATUM[\"{datum}\",SPHEROID[\"{spheroid}\",{},{}]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",{}],PARAMETER[\"False_Northing\",{}],PARAMETER[\"Central_Meridian\",{}],PARAMETER[\"Scale_Factor\",{}],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]",
        f(a),
        f(rf),
        f(x0),
        f(y0),
        f(lon0),
        f(k)
    ))
}

/// The CRS as OGC WKT 1 (OGC 01-009) with EPSG authority codes, as GeoPackage's
/// `gpkg_spatial_ref_sys.definition` holds it: the bundled definition without a null
/// `TOWGS84[0,0,0,0,0,0,0]` (which makes GDAL doubt the match), and with the EPSG axis order
/// for the SWEREF 99 (northing, easting) and UTM (easting, northing) families.
///
/// # Errors
/// [`Error::Crs`] when no definition is bundled for `crs`.
pub fn ogc_wkt(crs: Crs) -> Result<String> {
    let w = crs.wkt();
    if w.is_empty() {
        return Err(Error::Crs {
            crs: crs.name(),
            reason: "no WKT definition is bundled for it".into(),
        });
    }
    let mut w = w.replace("TOWGS84[0,0,0,0,0,0,0],", "");
    let axes = match family(crs.epsg()) {
        Some(Family::Sweref99) => Some("AXIS[\"Northing\",NORTH],AXIS[\"Easting\",EAST],"),
        Some(_) => Some("AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],"),
        None => None,
    };
    let tail = format!("AUTHORITY[\"EPSG\",\"{}\"]]", crs.epsg());
    if let Some(ax) = axes
        && !w.contains("AXIS[")
        && w.ends_with(&tail)
    {
        w.insert_str(w.len() - tail.len(), ax);
    }
    Ok(w)
}

/// Writes `raster` as a GeoTIFF (`.tif`/`.tiff`) or else an ESRI ASCII grid
/// with its `.prj`, by the extension of `path` (case-insensitive).
///
/// # Errors
/// As [`write_geotiff`] and [`write_ascii_grid`].
pub fn write_raster(path: &Path, raster: &Raster, crs: Crs) -> Result<()> {
    if is_geotiff_path(path) {
        write_geotiff(path, raster, crs)
    } else {
        write_ascii_grid(path, raster, crs)
    }
}

/// Whether `path` ends in `.tif` or `.tiff` (any case).
pub fn is_geotiff_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff"))
}

/// GeoKey ids and values used by [`write_geotiff`] (OGC GeoTIFF 1.1, 19-008r4, §7).
mod geokey {
    pub const MODEL_TYPE: u16 = 1024;
    pub const RASTER_TYPE: u16 = 1025;
    pub const PROJECTED_CRS: u16 = 3072;
    pub const MODEL_TYPE_PROJECTED: u16 = 1;
    pub const RASTER_PIXEL_IS_AREA: u16 = 1;
}

/// Writes `raster` as a GeoTIFF: one band of 64-bit floats (the values
/// exactly), rows north to south, Deflate-compressed, georeferenced after OGC
/// GeoTIFF 1.1 (19-008r4): `ModelPixelScale` (the cell size), `ModelTiepoint`
/// (raster (0, 0) at the grid's north-west corner), and a GeoKey directory
/// naming the projected CRS by its EPSG code with pixels as areas. NaN cells
/// become [`NODATA`], declared in GDAL's `GDAL_NODATA` tag as the `.asc` does.
/// Output is byte-identical for identical rasters (no time stamp is written).
///
/// # Errors
/// [`Error::Crs`] when the CRS's EPSG code does not fit a GeoKey (above
/// 65535); [`Error::Io`] naming the file when it cannot be written or encoded.
pub fn write_geotiff(path: &Path, raster: &Raster, crs: Crs) -> Result<()> {
    use tiff::encoder::{Compression, DeflateLevel, TiffEncoder, colortype::Gray64Float};
    use tiff::tags::Tag;
    let epsg = u16::try_from(crs.epsg()).map_err(|_| Error::Crs {
        crs: crs.name(),
        reason: "its EPSG code does not fit a GeoTIFF key; write an .asc grid instead".into(),
    })?;
    let g = raster.spec;
    let (cols, rows) = (
        u32::try_from(g.cols).map_err(|_| too_big(path))?,
        u32::try_from(g.rows).map_err(|_| too_big(path))?,
    );
    // Rows north to south; NaN as NODATA.
    let mut data: Vec<f64> = Vec::with_capacity(raster.values.len());
    for r in (0..g.rows).rev() {
        data.extend(
            raster.values[r * g.cols..(r + 1) * g.cols]
                .iter()
                .map(|&v| if v.is_nan() { NODATA } else { v }),
        );
    }
    let io = |e: tiff::TiffError| match e {
        tiff::TiffError::IoError(e) => Error::io(path, e),
        other => Error::io(path, std::io::Error::other(other.to_string())),
    };
    let mut file = crate::output::AtomicFile::create(path)?;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf)
        .map_err(io)?
        .with_compression(Compression::Deflate(DeflateLevel::Balanced));
    let mut img = enc.new_image::<Gray64Float>(cols, rows).map_err(io)?;
    let top = g.y0 + g.rows as f64 * g.cell_m;
    let dir = img.encoder();
    dir.write_tag(Tag::ModelPixelScaleTag, &[g.cell_m, g.cell_m, 0.0][..])
        .map_err(io)?;
    dir.write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, g.x0, top, 0.0][..])
        .map_err(io)?;
    #[rustfmt::skip]
    let keys: [u16; 16] = [
        1, 1, 1, 3, // directory version 1, revision 1.1, three keys
        geokey::MODEL_TYPE, 0, 1, geokey::MODEL_TYPE_PROJECTED,
        geokey::RASTER_TYPE, 0, 1, geokey::RASTER_PIXEL_IS_AREA,
        geokey::PROJECTED_CRS, 0, 1, epsg,
    ];
    dir.write_tag(Tag::GeoKeyDirectoryTag, &keys[..])
        .map_err(io)?;
    dir.write_tag(Tag::GdalNodata, &*format!("{NODATA}"))
        .map_err(io)?;
    img.write_data(&data).map_err(io)?;
    file.write_all(buf.get_ref())
        .map_err(|e| Error::io(path, e))?;
    file.commit()
}

fn too_big(path: &Path) -> Error {
    Error::io(
        path,
        std::io::Error::other("the grid has more than 4 294 967 295 rows or columns"),
    )
}

/// Reads an ESRI ASCII grid written by [`write_ascii_grid`] (or any with
/// `xllcorner`/`yllcorner`); `NODATA_value` cells become NaN.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Parse`] naming the line for a bad
/// header or value, or a wrong number of values.
pub fn read_ascii_grid(path: &Path) -> Result<Raster> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let perr = |line: usize, message: String| Error::Parse {
        path: path.to_path_buf(),
        line: Some(line as u64),
        message,
    };
    let mut lines = text.lines().enumerate();
    let mut head = std::collections::HashMap::new();
    for _ in 0..6 {
        let (no, l) = lines
            .next()
            .ok_or_else(|| perr(1, "header ends early: expected 6 header lines".into()))?;
        let mut it = l.split_whitespace();
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            return Err(perr(no + 1, format!("expected `key value`, found `{l}`")));
        };
        let v: f64 = v
            .parse()
            .map_err(|_| perr(no + 1, format!("`{v}` is not a number")))?;
        head.insert(k.to_ascii_lowercase(), v);
    }
    let get = |k: &str| {
        head.get(k)
            .copied()
            .ok_or_else(|| perr(1, format!("header has no `{k}`")))
    };
    let (cols, rows) = (get("ncols")? as usize, get("nrows")? as usize);
    let spec = GridSpec::new(
        get("xllcorner")?,
        get("yllcorner")?,
        get("cellsize")?,
        cols,
        rows,
    )?;
    let nodata = head.get("nodata_value").copied();
    let mut values = vec![f64::NAN; spec.len()];
    let mut k = 0usize;
    for (no, l) in lines {
        for tok in l.split_whitespace() {
            let v: f64 = tok
                .parse()
                .map_err(|_| perr(no + 1, format!("`{tok}` is not a number")))?;
            if k >= values.len() {
                return Err(perr(no + 1, format!("more than {} values", values.len())));
            }
            let (row_from_top, col) = (k / cols, k % cols);
            let row = rows - 1 - row_from_top;
            values[row * cols + col] = if Some(v) == nodata { f64::NAN } else { v };
            k += 1;
        }
    }
    if k != values.len() {
        return Err(perr(
            1,
            format!("expected {} values, found {k}", values.len()),
        ));
    }
    Ok(Raster { spec, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The GeoTIFF read back with the `tiff` decoder: size, rows north to
    /// south, every value's bits, NaN as NODATA, and the georeferencing tags
    /// as OGC 19-008r4 spells them; two writes give the same bytes.
    #[test]
    fn geotiff_round_trips_with_its_georeferencing() {
        use tiff::decoder::{Decoder, DecodingResult};
        use tiff::tags::Tag;
        let spec = GridSpec::new(500_000.0, 6_500_000.0, 50.0, 3, 2).unwrap();
        let r = Raster {
            spec,
            values: vec![0.0, 1.5, 1e-9, f64::NAN, 123.456_789_012_345_68, 0.1 + 0.2],
        };
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.TIF");
        assert!(is_geotiff_path(&p));
        write_raster(&p, &r, Crs::SWEREF99_TM).unwrap();
        assert!(!dir.path().join("g.prj").exists());
        let bytes = std::fs::read(&p).unwrap();
        let mut d = Decoder::new(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(d.dimensions().unwrap(), (3, 2));
        let DecodingResult::F64(v) = d.read_image().unwrap() else {
            panic!("not 64-bit floats")
        };
        let want: [f64; 6] = [-9999.0, 123.456_789_012_345_68, 0.1 + 0.2, 0.0, 1.5, 1e-9];
        assert_eq!(v.len(), 6);
        for (a, b) in v.iter().zip(want) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        assert_eq!(
            d.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap(),
            [50.0, 50.0, 0.0]
        );
        assert_eq!(
            d.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap(),
            [0.0, 0.0, 0.0, 500_000.0, 6_500_100.0, 0.0]
        );
        assert_eq!(
            d.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap(),
            [1, 1, 1, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 3006]
        );
        assert_eq!(d.get_tag_ascii_string(Tag::GdalNodata).unwrap(), "-9999");
        let q = dir.path().join("h.tif");
        write_geotiff(&q, &r, Crs::SWEREF99_TM).unwrap();
        assert_eq!(std::fs::read(&q).unwrap(), bytes);
        // Not a GeoTIFF name: the ASCII grid and its .prj.
        let a = dir.path().join("g.asc");
        write_raster(&a, &r, Crs::SWEREF99_TM).unwrap();
        assert!(dir.path().join("g.prj").exists());
        assert_eq!(read_ascii_grid(&a).unwrap().spec, spec);
    }

    #[test]
    fn rows_go_north_to_south_and_values_round_trip() {
        let spec = GridSpec::new(500_000.0, 6_500_000.0, 50.0, 3, 2).unwrap();
        let r = Raster {
            spec,
            values: vec![0.0, 1.5, 1e-9, f64::NAN, 123.456_789_012_345_68, 0.1 + 0.2],
        };
        let text = ascii_grid_text(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ncols 3");
        assert_eq!(lines[3], "yllcorner 6500000");
        // First data line is the north row (row 1).
        assert_eq!(lines[6], "-9999 123.45678901234568 0.30000000000000004");
        assert_eq!(lines[7], "0 1.5 1e-9");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.asc");
        write_ascii_grid(&p, &r, Crs::SWEREF99_TM).unwrap();
        let prj = std::fs::read_to_string(dir.path().join("g.prj")).unwrap();
        assert!(prj.contains("SWEREF99"), "{prj}");
        let back = read_ascii_grid(&p).unwrap();
        assert_eq!(back.spec, spec);
        for (a, b) in back.values.iter().zip(&r.values) {
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        }
    }

    #[test]
    fn prj_files_are_the_esri_wkt_gdal_identifies() {
        // As `gdalsrsinfo -o wkt_esri EPSG:3006` (GDAL 3.6) prints it, whitespace removed.
        assert_eq!(
            esri_wkt(Crs::SWEREF99_TM).unwrap(),
            "PROJCS[\"SWEREF99_TM\",GEOGCS[\"GCS_SWEREF99\",DATUM[\"D_SWEREF99\",SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",15.0],PARAMETER[\"Scale_Factor\",0.9996],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]"
        );
        let w = esri_wkt(Crs::from_epsg(3012).unwrap()).unwrap();
        assert!(
            w.starts_with("PROJCS[\"SWEREF99_14_15\"") && w.contains("\"Central_Meridian\",14.25]"),
            "{w}"
        );
        let w = esri_wkt(Crs::from_epsg(32733).unwrap()).unwrap();
        assert!(
            w.contains("WGS_1984_UTM_Zone_33S") && w.contains("\"False_Northing\",10000000.0]"),
            "{w}"
        );
        // Other codes: WKT 1 with authority codes and no null TOWGS84.
        let w = esri_wkt(Crs::from_epsg(3021).unwrap()).unwrap();
        assert!(
            w.ends_with("AUTHORITY[\"EPSG\",\"3021\"]]") && w.contains("TOWGS84[414.1"),
            "{w}"
        );
        // gdalsrsinfo, when installed, names the code with full confidence.
        if std::process::Command::new("gdalsrsinfo")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("gdalsrsinfo not installed: GDAL check skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for code in [3006u32, 3007, 3012, 3018, 32633, 32733, 25833] {
            let crs = Crs::from_epsg(code).unwrap();
            let p = dir.path().join(format!("{code}.asc"));
            let r = Raster {
                spec: GridSpec {
                    x0: 0.0,
                    y0: 0.0,
                    cell_m: 1.0,
                    cols: 1,
                    rows: 1,
                },
                values: vec![1.0],
            };
            write_ascii_grid(&p, &r, crs).unwrap();
            let out = std::process::Command::new("gdalsrsinfo")
                .arg("-e")
                .arg(prj_path(&p))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains(&format!("EPSG:{code}")), "{code}: {text}");
            assert!(!text.contains("Confidence"), "{code}: {text}");
        }
    }

    #[test]
    fn bad_files_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.asc");
        std::fs::write(
            &p,
            "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n1 x\n",
        )
        .unwrap();
        let e = read_ascii_grid(&p).unwrap_err().to_string();
        assert!(e.contains("line 7") && e.contains("`x`"), "{e}");
    }
}
