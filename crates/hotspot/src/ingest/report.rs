//! The ingest report: rows read, accepted and rejected (by reason, with line numbers), detected columns and CRS.

use super::RejectReason;
use super::columns::CoordinateKind;
use crate::crs::Crs;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The kind of input file read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimited text with a header line.
    Csv {
        /// The field separator used (detected or given).
        delimiter: u8,
    },
    /// A GeoJSON FeatureCollection.
    GeoJson,
    /// A point layer of a GeoPackage (rows are features, numbered by `fid`).
    GeoPackage,
}

impl InputFormat {
    /// `CSV, comma separator` (or semicolon, tab, pipe), `GeoJSON`.
    pub fn describe(&self) -> String {
        match self {
            InputFormat::Csv { delimiter } => {
                format!("CSV, {} separator", delimiter_name(*delimiter))
            }
            InputFormat::GeoJson => "GeoJSON".to_string(),
            InputFormat::GeoPackage => "GeoPackage".to_string(),
        }
    }

    /// What a row is called in messages: `line` for CSV, `feature` for GeoJSON.
    pub fn row_word(&self) -> &'static str {
        match self {
            InputFormat::Csv { .. } => "line",
            InputFormat::GeoJson => "feature",
            InputFormat::GeoPackage => "fid",
        }
    }
}

pub(crate) fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// Where the verbatim text of a rejected row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawRow {
    /// Byte range `[start, end)` of the record in the source file.
    Span(u64, u64),
    /// Index of the feature in the source's FeatureCollection (GeoJSON).
    Feature(usize),
}

/// One rejected input row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based line of the file where the row starts (CSV), or 1-based feature number (GeoJSON).
    pub line: u64,
    /// Why the row was rejected.
    pub reason: RejectReason,
    /// The offending value or a short explanation.
    pub detail: String,
    pub(crate) raw: RawRow,
}

/// What a reader did with its input: the diagnostics `hotspot inspect` prints.
///
/// Invariant: `rows_read == accepted + rejections.len()`. For GeoJSON a "row"
/// is one point: a MultiPoint feature with three points counts three, unless
/// the whole feature is rejected (bad properties), which counts one.
#[derive(Clone, Debug)]
pub struct IngestReport {
    /// The file read.
    pub source: PathBuf,
    /// The format and, for CSV, the separator.
    pub format: InputFormat,
    /// Data rows (CSV) or points (GeoJSON) read.
    pub rows_read: u64,
    /// Rows that became incidents.
    pub accepted: u64,
    /// Every rejected row, in file order.
    pub rejections: Vec<Rejection>,
    /// Role (`lat`, `lon`, `x`, `y`, `category`, `time`, `weight`, `id`) -> column or property name.
    pub columns: BTreeMap<&'static str, String>,
    /// Whether the coordinates were lon/lat or projected.
    pub coordinates: CoordinateKind,
    /// The working CRS of the incidents.
    pub crs: Crs,
    /// Why this CRS was chosen (given, declared by the file, or the default rule).
    pub crs_reason: String,
    /// Other observations worth telling the user (BOM, decimal commas, x/y read as degrees...).
    pub notes: Vec<String>,
    /// Byte range of the CSV header record, for [`IngestReport::write_rejects`].
    pub(crate) header: Option<(u64, u64)>,
}

impl IngestReport {
    /// Number of rejected rows.
    pub fn rejected(&self) -> u64 {
        self.rejections.len() as u64
    }

    /// Rejected rows counted by reason.
    pub fn rejected_by_reason(&self) -> BTreeMap<RejectReason, u64> {
        let mut m = BTreeMap::new();
        for r in &self.rejections {
            *m.entry(r.reason).or_insert(0) += 1;
        }
        m
    }

    /// A few-line human summary: rows read, accepted, and each rejection
    /// reason with its count and first lines, e.g.
    ///
    /// ```text
    /// data.csv: 1204 rows read, 1190 accepted, 14 rejected
    ///   missing_coordinate: 12 (lines 5, 17, 230, ...)
    ///   null_island: 2 (lines 88, 91)
    /// ```
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} rows read, {} accepted, {} rejected",
            self.source.display(),
            self.rows_read,
            self.accepted,
            self.rejected()
        );
        let word = self.format.row_word();
        for (reason, n) in self.rejected_by_reason() {
            let lines: Vec<String> = self
                .rejections
                .iter()
                .filter(|r| r.reason == reason)
                .take(5)
                .map(|r| r.line.to_string())
                .collect();
            let more = if n > 5 { ", ..." } else { "" };
            let plural = if n == 1 { "" } else { "s" };
            s.push_str(&format!(
                "\n  {reason}: {n} ({word}{plural} {}{more})",
                lines.join(", ")
            ));
        }
        s
    }

    /// Writes the rejected rows to `dest`.
    ///
    /// For CSV input the file is CSV with the input's separator: a header
    /// `line,reason,detail,` followed by the input's header, then one row per
    /// rejection: its line, reason and detail, then the input row verbatim
    /// (byte for byte, re-read from the source). For GeoJSON input the columns are
    /// `feature,reason,detail,geojson` with the feature's JSON text.
    ///
    /// # Errors
    /// [`Error::Io`] when the source cannot be re-read or `dest` cannot be written.
    pub fn write_rejects(&self, dest: &Path) -> Result<()> {
        let mut out = crate::output::AtomicFile::create(dest)?;
        let mut w = BufWriter::new(&mut out);
        let werr = |e| Error::io(dest, e);
        match self.format {
            InputFormat::Csv { delimiter } => {
                let d = delimiter as char;
                let mut src =
                    std::fs::File::open(&self.source).map_err(|e| Error::io(&self.source, e))?;
                let (a, b) = self.header.unwrap_or((0, 0));
                let header = read_span(&mut src, a, b).map_err(|e| Error::io(&self.source, e))?;
                write!(w, "line{d}reason{d}detail{d}").map_err(werr)?;
                w.write_all(&header).map_err(werr)?;
                w.write_all(b"\n").map_err(werr)?;
                for r in &self.rejections {
                    write!(
                        w,
                        "{}{d}{}{d}{}{d}",
                        r.line,
                        r.reason,
                        quote(&crate::output::safe_cell(&r.detail), delimiter)
                    )
                    .map_err(werr)?;
                    match &r.raw {
                        RawRow::Span(a, b) => {
                            let buf = read_span(&mut src, *a, *b)
                                .map_err(|e| Error::io(&self.source, e))?;
                            w.write_all(&buf).map_err(werr)?;
                        }
                        RawRow::Feature(_) => {}
                    }
                    w.write_all(b"\n").map_err(werr)?;
                }
            }
            InputFormat::GeoJson => {
                let root = super::geojson::read_json(&self.source)?;
                let feats = super::geojson::features(&root, &self.source)?;
                writeln!(w, "feature,reason,detail,geojson").map_err(werr)?;
                for r in &self.rejections {
                    let text = match &r.raw {
                        RawRow::Feature(i) => {
                            feats.get(*i).map(|f| f.to_string()).unwrap_or_default()
                        }
                        RawRow::Span(..) => String::new(),
                    };
                    writeln!(
                        w,
                        "{},{},{},{}",
                        r.line,
                        r.reason,
                        quote(&crate::output::safe_cell(&r.detail), b','),
                        quote(&text, b',')
                    )
                    .map_err(werr)?;
                }
            }
            InputFormat::GeoPackage => {
                crate::gpkg::write_rejects(&self.source, &self.rejections, &mut w, dest)?
            }
        }
        w.flush().map_err(werr)?;
        drop(w);
        out.commit()
    }
}

/// Bytes `[a, b)` of the file without the line end at their end.
fn read_span(f: &mut std::fs::File, a: u64, b: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    f.seek(SeekFrom::Start(a))?;
    f.take(b.saturating_sub(a)).read_to_end(&mut buf)?;
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(buf)
}

/// Quotes a CSV field when it contains the separator, a quote or a line break.
fn quote(s: &str, delimiter: u8) -> String {
    if s.bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
    {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
