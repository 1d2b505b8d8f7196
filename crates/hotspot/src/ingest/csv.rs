//! The CSV reader: separator detection, BOM, decimal commas, streaming parse in parallel chunks.
//!
//! The file is streamed with the `csv` crate as byte records in chunks of
//! [`CHUNK`] rows, in a three-stage pipeline: while chunk k+1 is read, chunk k
//! is parsed (fields, numbers, times, categories interned per block of
//! [`BLOCK`] rows) in parallel with rayon and chunk k-1 is appended. Results
//! are appended in file order, so the output does not depend on the number of
//! threads.
//!
//! - Separator: the one of `,` `;` tab `|` that occurs most often (outside quotes)
//!   in the header line; ties go to the comma. `ReadOptions::delimiter` overrides.
//! - Decimal commas (`59,045`) are accepted when the separator is not a comma.
//! - A UTF-8 byte-order mark is skipped. Text that is not UTF-8 (e.g. Latin-1
//!   exports) is an error naming the line and column.
//! - Rows whose field count differs from the header's are `malformed_row`.
//! - Lines end in `\n` or `\r\n`; fields are trimmed of surrounding white space.

use super::columns::{self, CoordColumns, CoordinateKind};
use super::options::ReadOptions;
use super::pipeline::{self, Interner, Parsed, Row, check_coordinates, parse_number};
use super::report::{InputFormat, RawRow, Rejection, delimiter_name};
use super::timeparse::parse_time;
use super::{Ingested, RejectReason};
use crate::error::{Error, Result};
use chrono_tz::Tz;
use csv::ByteRecord;
use rayon::prelude::*;
use std::io::{Chain, Cursor, Read};
use std::path::{Path, PathBuf};

/// Rows per parallel chunk.
const CHUNK: usize = 16_384;
/// Bytes read up front to detect the BOM and the separator.
const HEAD: u64 = 64 * 1024;

type Source = Chain<Cursor<Vec<u8>>, std::io::BufReader<std::fs::File>>;

/// Position of a record: first line, data row number and byte range.
#[derive(Clone, Copy, Debug)]
struct Meta {
    line: u64,
    row: u64,
    start: u64,
    end: u64,
}

/// What parsing one record gave.
enum Outcome {
    Row(Row),
    Reject(Rejection),
    Fatal(Error),
}

/// Picks the separator from the header line: the most frequent of `,` `;` tab `|` outside quotes.
pub(crate) fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = cands.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for k in 1..4 {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    cands[best]
}

struct Plan {
    path: PathBuf,
    ncols: usize,
    lon: usize,
    lat: usize,
    kind: CoordinateKind,
    attrs: columns::Attributes,
    tz: Tz,
    decimal_comma: bool,
}

fn utf8_error(path: &Path, line: u64, rec: &ByteRecord) -> Error {
    let col = rec
        .iter()
        .position(|f| std::str::from_utf8(f).is_err())
        .map(|c| c + 1)
        .unwrap_or(0);
    Error::Parse {
        path: path.to_path_buf(),
        line: Some(line),
        message: format!(
            "the file is not UTF-8 (invalid bytes in field {col}); it may be Latin-1/Windows-1252. Save it as UTF-8 (e.g. Excel: \"CSV UTF-8\") and try again"
        ),
    }
}

fn parse_record(plan: &Plan, rec: &ByteRecord, m: Meta) -> Outcome {
    let reject = |reason, detail: String| {
        Outcome::Reject(Rejection {
            line: m.line,
            reason,
            detail,
            raw: RawRow::Span(m.start, m.end),
        })
    };
    // Validated once; fields are then sliced from the text (their bounds lie
    // at ASCII separators, so `get` always finds char boundaries).
    let Ok(text) = std::str::from_utf8(rec.as_slice()) else {
        return Outcome::Fatal(utf8_error(&plan.path, m.line, rec));
    };
    if rec.len() != plan.ncols {
        return reject(
            RejectReason::MalformedRow,
            format!("{} fields, the header has {}", rec.len(), plan.ncols),
        );
    }
    let field = |i: usize| -> &str { rec.range(i).and_then(|r| text.get(r)).unwrap_or("").trim() };
    let (names, sa, sb) = match plan.kind {
        CoordinateKind::LonLat => (["longitude", "latitude"], field(plan.lon), field(plan.lat)),
        CoordinateKind::Projected => (["x", "y"], field(plan.lon), field(plan.lat)),
    };
    for (n, s) in names.iter().zip([sa, sb]) {
        if s.is_empty() {
            return reject(RejectReason::MissingCoordinate, format!("{n} is empty"));
        }
    }
    let a = match parse_number(sa, plan.decimal_comma) {
        Some(v) => v,
        None => return reject(RejectReason::NotANumber, format!("{} = {sa:?}", names[0])),
    };
    let b = match parse_number(sb, plan.decimal_comma) {
        Some(v) => v,
        None => return reject(RejectReason::NotANumber, format!("{} = {sb:?}", names[1])),
    };
    if let Err((reason, detail)) = check_coordinates(plan.kind, a, b) {
        return reject(reason, detail);
    }
    let time = match plan.attrs.time {
        None => None,
        Some(t) => {
            let s = field(t);
            if s.is_empty() {
                None
            } else {
                let joined;
                let text = match plan.attrs.clock.map(field) {
                    Some(c) if !c.is_empty() && !s.contains(':') => {
                        joined = format!("{s} {c}");
                        joined.as_str()
                    }
                    _ => s,
                };
                match parse_time(text, plan.tz) {
                    Some(t) => Some(t),
                    None => {
                        return reject(RejectReason::UnreadableTime, format!("time = {text:?}"));
                    }
                }
            }
        }
    };
    let weight = match plan.attrs.weight {
        None => 1.0,
        Some(w) => {
            let s = field(w);
            match parse_number(s, plan.decimal_comma) {
                Some(v) if v.is_finite() && v >= 0.0 => v,
                _ if s.is_empty() => {
                    return reject(RejectReason::InvalidWeight, "weight is empty".into());
                }
                _ => {
                    return reject(
                        RejectReason::InvalidWeight,
                        format!("weight = {s:?} (must be a number >= 0)"),
                    );
                }
            }
        }
    };
    let id = match plan.attrs.id.map(field) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => m.row.to_string(),
    };
    Outcome::Row(Row {
        line: m.line,
        raw: RawRow::Span(m.start, m.end),
        a,
        b,
        weight,
        // Interned by the caller, which still holds the record.
        category: 0,
        time,
        id,
    })
}

/// Records parsed per task; each task interns its categories locally.
const BLOCK: usize = 1024;

/// The outcomes of [`BLOCK`] consecutive records, with the category names
/// they use: a row's `category` indexes `names` until [`Sink::append`].
struct Block {
    outcomes: Vec<Outcome>,
    names: Vec<String>,
}

fn parse_block(plan: &Plan, recs: &[ByteRecord], meta: &[Meta]) -> Block {
    let mut names: Vec<String> = Vec::new();
    let outcomes = recs
        .iter()
        .zip(meta)
        .map(|(rec, m)| {
            let mut o = parse_record(plan, rec, *m);
            if let (Outcome::Row(r), Some(c)) = (&mut o, plan.attrs.category) {
                let name = rec
                    .get(c)
                    .and_then(|f| std::str::from_utf8(f).ok())
                    .unwrap_or("")
                    .trim();
                // A block holds a handful of categories: a scan beats hashing.
                r.category = match names.iter().position(|s| s == name) {
                    Some(k) => k as u32,
                    None => {
                        names.push(name.to_string());
                        (names.len() - 1) as u32
                    }
                };
            }
            o
        })
        .collect();
    Block { outcomes, names }
}

/// Where parsed blocks go, in file order.
struct Sink<'a> {
    rows: &'a mut Vec<Row>,
    rejections: &'a mut Vec<Rejection>,
    categories: &'a mut Interner,
    has_category: bool,
}

impl Sink<'_> {
    /// Appends the blocks' rows (categories renumbered into the file's table in
    /// order of first appearance) and rejections; the first fatal error stops it.
    fn append(&mut self, blocks: Vec<Block>) -> Result<()> {
        for b in blocks {
            let ids: Vec<u32> = b.names.iter().map(|n| self.categories.id(n)).collect();
            for o in b.outcomes {
                match o {
                    Outcome::Row(mut r) => {
                        if self.has_category {
                            r.category = ids.get(r.category as usize).copied().unwrap_or(0);
                        }
                        self.rows.push(r);
                    }
                    Outcome::Reject(r) => self.rejections.push(r),
                    Outcome::Fatal(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// Reads up to [`CHUNK`] records into `recs`, recording their positions in `meta`.
fn read_chunk(
    rdr: &mut csv::Reader<Source>,
    recs: &mut Vec<ByteRecord>,
    meta: &mut Vec<Meta>,
    base: u64,
    next_row: u64,
    path: &Path,
) -> Result<()> {
    meta.clear();
    while meta.len() < CHUNK {
        let i = meta.len();
        if recs.len() <= i {
            recs.push(ByteRecord::new());
        }
        let more = rdr
            .read_byte_record(&mut recs[i])
            .map_err(|e| csv_error(path, e))?;
        if !more {
            break;
        }
        let (line, start) = recs[i]
            .position()
            .map(|p| (p.line(), p.byte()))
            .unwrap_or((0, 0));
        meta.push(Meta {
            line,
            row: next_row + i as u64,
            start: base + start,
            end: base + rdr.position().byte(),
        });
    }
    Ok(())
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::Parse {
            path: path.to_path_buf(),
            line,
            message: format!("{other:?}"),
        },
    }
}

/// Reads a CSV incident file. See the module docs and [`super::read_path`].
pub(crate) fn read_csv(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut file = std::io::BufReader::with_capacity(1 << 20, file);
    let mut head = Vec::new();
    (&mut file)
        .take(HEAD)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let mut notes = Vec::new();
    let base = if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
        notes.push("UTF-8 byte-order mark skipped".to_string());
        3
    } else {
        0
    };
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "the file is empty: expected a header line and data rows".into(),
        });
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| detect_delimiter(&head));
    let source: Source = Cursor::new(head).chain(file);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        // `\n` ends a record; a `\r` before it stays in the last field and is
        // trimmed away with the other surrounding white space. (With CRLF as
        // terminator the csv crate reports the line before for each record.)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(true)
        .from_reader(source);
    let hdr = rdr.byte_headers().map_err(|e| csv_error(path, e))?.clone();
    if std::str::from_utf8(hdr.as_slice()).is_err() {
        return Err(utf8_error(path, 1, &hdr));
    }
    let header: Vec<String> = hdr
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let name = path.display().to_string();
    let map = columns::detect(&header, &opts.columns, &name)?;
    let mut column_names = map.describe(&header);

    let mut recs: Vec<ByteRecord> = Vec::new();
    let mut meta: Vec<Meta> = Vec::new();
    read_chunk(&mut rdr, &mut recs, &mut meta, base, 1, path)?;
    if meta.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: Some(1),
            message: "the file has a header line but no data rows".into(),
        });
    }
    let decimal_comma = delimiter != b',';
    let (kind, lon, lat) = match map.coords {
        CoordColumns::LonLat { lon, lat } => (CoordinateKind::LonLat, lon, lat),
        CoordColumns::Projected { x, y } => (CoordinateKind::Projected, x, y),
        CoordColumns::Xy { x, y } => {
            // Degrees or metres? Look at the first chunk's values.
            let degrees = recs[..meta.len()].iter().all(|r| {
                let v = |i| {
                    r.get(i)
                        .and_then(|f| std::str::from_utf8(f).ok())
                        .and_then(|s| parse_number(s.trim(), decimal_comma))
                };
                match (v(x), v(y)) {
                    (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
                        a.abs() <= 180.0 && b.abs() <= 90.0
                    }
                    _ => true,
                }
            });
            if degrees {
                notes.push(format!(
                    "columns {} / {} hold degrees: read as longitude / latitude",
                    header[x], header[y]
                ));
                column_names.remove("x");
                column_names.remove("y");
                column_names.insert("lon", header[x].clone());
                column_names.insert("lat", header[y].clone());
                (CoordinateKind::LonLat, x, y)
            } else {
                (CoordinateKind::Projected, x, y)
            }
        }
    };
    let input_crs = if kind == CoordinateKind::Projected {
        match opts.crs {
            Some(c) => Some((
                c,
                "the CRS of the input coordinates, given with --crs".to_string(),
            )),
            None => {
                return Err(Error::Parse {
                    path: path.to_path_buf(),
                    line: Some(1),
                    message: format!(
                        "columns {} / {} hold projected coordinates, and their CRS is unknown: give it with --crs EPSG:NNNN (e.g. EPSG:3006 for SWEREF 99 TM), or name lon/lat columns with --lon/--lat",
                        header[lon], header[lat]
                    ),
                });
            }
        }
    } else {
        None
    };
    let plan = Plan {
        path: path.to_path_buf(),
        ncols: header.len(),
        lon,
        lat,
        kind,
        attrs: map.attrs,
        tz: opts.timezone,
        decimal_comma,
    };

    // Reserve the rows once from the file size and the first chunk's bytes per
    // record (plus 2%), so that a million rows are not copied through doubling
    // vectors that end up twice too large.
    let mut rows: Vec<Row> = Vec::new();
    if meta.len() == CHUNK
        && let (Ok(md), Some(first), Some(last)) =
            (std::fs::metadata(path), meta.first(), meta.last())
    {
        let per = (last.end.saturating_sub(first.start)).max(1) as f64 / meta.len() as f64;
        let estimate = (md.len() as f64 / per * 1.02) as usize;
        // A hint only: when the estimate cannot be reserved, the vector grows as it goes.
        let _ = rows.try_reserve(estimate);
    }
    let mut rejections: Vec<Rejection> = Vec::new();
    let mut categories = Interner::default();
    if plan.attrs.category.is_none() {
        categories.id("");
    }
    // A three-stage pipeline over chunks of CHUNK records: while chunk k+1 is
    // read (on this thread), chunk k is parsed in parallel and chunk k-1's
    // outcomes are appended, in file order, to the rows and rejections.
    let mut next_recs: Vec<ByteRecord> = Vec::new();
    let mut next_meta: Vec<Meta> = Vec::new();
    let mut next_row = 1 + meta.len() as u64;
    let mut parsed: Vec<Block> = Vec::new();
    let mut sink = Sink {
        rows: &mut rows,
        rejections: &mut rejections,
        categories: &mut categories,
        has_category: plan.attrs.category.is_some(),
    };
    loop {
        let n = meta.len();
        let (read, (now, appended)) = rayon::join(
            || {
                if n == CHUNK {
                    read_chunk(
                        &mut rdr,
                        &mut next_recs,
                        &mut next_meta,
                        base,
                        next_row,
                        path,
                    )
                } else {
                    next_meta.clear();
                    Ok(())
                }
            },
            || {
                rayon::join(
                    || {
                        recs[..n]
                            .par_chunks(BLOCK)
                            .zip(meta.par_chunks(BLOCK))
                            .map(|(rs, ms)| parse_block(&plan, rs, ms))
                            .collect::<Vec<Block>>()
                    },
                    || sink.append(std::mem::take(&mut parsed)),
                )
            },
        );
        appended?;
        parsed = now;
        if let Err(e) = read {
            // Errors in the rows before the unreadable record come first.
            sink.append(parsed)?;
            return Err(e);
        }
        if next_meta.is_empty() {
            break;
        }
        std::mem::swap(&mut recs, &mut next_recs);
        std::mem::swap(&mut meta, &mut next_meta);
        next_row += meta.len() as u64;
    }
    sink.append(parsed)?;
    if decimal_comma {
        notes.push(format!(
            "separator {}: decimal commas accepted in numbers",
            delimiter_name(delimiter)
        ));
    }
    pipeline::finish(
        Parsed {
            source: path.to_path_buf(),
            format: InputFormat::Csv { delimiter },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_detection() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter(b"lat;lon;typ\n"), b';');
        assert_eq!(detect_delimiter(b"lat\tlon\t\"a,b,c\"\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"x;y\",z,w\n"), b',');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }
}
