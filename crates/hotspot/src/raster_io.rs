//! Raster files: ESRI ASCII grid (`.asc`) with a `.prj` sidecar holding the working CRS as WKT.
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

/// Writes `raster` to `path` (conventionally `*.asc`) and the CRS WKT to the
/// `.prj` beside it.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written; [`Error::Crs`] when
/// no WKT is known for `crs`.
pub fn write_ascii_grid(path: &Path, raster: &Raster, crs: Crs) -> Result<()> {
    let wkt = crs.wkt();
    if wkt.is_empty() {
        return Err(Error::Crs {
            crs: crs.name(),
            reason: "no WKT definition is bundled for the .prj file".into(),
        });
    }
    let text = ascii_grid_text(raster);
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    let prj = prj_path(path);
    std::fs::write(&prj, wkt).map_err(|e| Error::io(&prj, e))
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
