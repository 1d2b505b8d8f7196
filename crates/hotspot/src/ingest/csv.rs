//! The CSV reader: separator detection, BOM, decimal commas, parallel tokenising and parsing.
//!
//! The file is read in slabs of about [`SLAB`] bytes that end at a record
//! boundary, in a three-stage pipeline: while slab k+1 is read, slab k is
//! tokenised and parsed (fields, numbers, times, categories interned per task)
//! in parallel with rayon, and slab k-1's rows are appended. Rows are appended
//! in file order, so the output does not depend on the number of threads.
//!
//! - A slab without a `"` is a run of lines, one record each: it is cut into
//!   pieces of about [`PIECE`] bytes at line ends, and each piece is split into
//!   fields and parsed by one task. A slab with a `"` is cut at line ends after
//!   an even number of quotes and its pieces are tokenised in parallel: a line
//!   without a quote is a record as it is, other records go through `csv-core`
//!   (RFC 4180 quoting: separators, doubled quotes and line breaks inside quoted
//!   fields). A piece counts only if the one before it ended at a record
//!   boundary, so every piece starts where tokenising in order would; when the
//!   first does not (a quoted line break or a stray quote at the cut), the slab
//!   is tokenised in order. The records are then parsed in parallel blocks of
//!   [`BLOCK`]. Both paths give the records the `csv` crate gives with `\n` as the
//!   terminator, with two differences: a blank CRLF line is skipped (the `csv`
//!   crate reads its `\r` as a one-field record), and a record's line and byte
//!   range start at its first byte (the `csv` crate puts a record that follows
//!   blank lines on the first of them). The tests hold both readers to this.
//! - Separator: the one of `,` `;` tab `|` that occurs most often (outside quotes)
//!   in the header line; ties go to the comma. `ReadOptions::delimiter` overrides.
//! - Decimal commas (`59,045`) are accepted when the separator is not a comma.
//! - A UTF-8 byte-order mark is skipped. Encoding: `ReadOptions::encoding` (`--encoding`
//!   utf-8, windows-1252, latin-1), decoded on the fly with `encoding_rs`; without it a file
//!   that is not valid UTF-8 throughout is read as Windows-1252 (most Swedish spreadsheet
//!   exports) with a note. Declared UTF-8 that is not is an error naming the line and column.
//! - Blank lines (empty, or holding only the `\r` of a CRLF line ending) are
//!   skipped and not counted as rows. Rows whose field count differs from the
//!   header's are `malformed_row`.
//! - Lines end in `\n` or `\r\n`; fields are trimmed of surrounding white space.

use super::columns::{self, CoordColumns, CoordinateKind};
use super::options::ReadOptions;
use super::pipeline::{self, Interner, Parsed, Row, Rows, check_coordinates, parse_number};
use super::report::{InputFormat, RawRow, Rejection, delimiter_name};
use super::timeparse::{interval_to, parse_time};
use super::{Ingested, RejectReason};
use crate::error::{Error, Result};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Bytes per slab: the unit of the read / parse / append pipeline.
const SLAB: usize = 2 << 20;
/// Bytes of lines per parse task in a slab without quotes.
const PIECE: usize = 64 << 10;
/// Records per parse task in a slab with quotes.
const BLOCK: usize = 1024;
/// Bytes looked at to detect the separator and an empty file.
const HEAD: usize = 64 * 1024;
/// Records that decide whether `x`/`y` columns hold degrees or metres.
const SNIFF: usize = 16_384;

/// Slab and piece sizes: the constants above, smaller in tests to exercise the seams.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    slab: usize,
    piece: usize,
    block: usize,
}

const SIZES: Sizes = Sizes {
    slab: SLAB,
    piece: PIECE,
    block: BLOCK,
};

/// Position of a record: its line, data row number and byte range `[start, end)` in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Meta {
    line: u64,
    row: u64,
    start: u64,
    end: u64,
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

/// Field `i` of a record is `text[start(i)..ends[i]]`; consecutive fields are
/// `gap` bytes apart (1 for the separator in a line, 0 in `csv-core`'s output).
#[derive(Clone, Copy)]
struct Fields<'a> {
    text: &'a str,
    ends: &'a [usize],
    gap: usize,
}

impl<'a> Fields<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` as it is in the file; empty when there is no such field.
    fn untrimmed(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = match i.checked_sub(1).and_then(|j| self.ends.get(j)) {
            Some(&e) => e + self.gap,
            None => 0,
        };
        // Field bounds lie next to ASCII separators, so `get` finds char boundaries.
        self.text.get(start..end).unwrap_or("")
    }

    /// Field `i`, trimmed of surrounding white space; empty when there is no such field.
    fn get(&self, i: usize) -> &'a str {
        trim(self.untrimmed(i))
    }
}

/// `str::trim`, with a shortcut for the usual field that starts and ends in a
/// printable ASCII character.
fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x80).contains(&b));
    let b = s.as_bytes();
    if printable(b.first()) && printable(b.last()) {
        s
    } else {
        s.trim()
    }
}

struct Plan {
    path: PathBuf,
    delimiter: u8,
    ncols: usize,
    lon: usize,
    lat: usize,
    kind: CoordinateKind,
    attrs: columns::Attributes,
    tz: Tz,
    decimal_comma: bool,
}

fn utf8_error(path: &Path, line: u64, field: usize) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: Some(line),
        message: format!(
            "the file is not UTF-8 (invalid bytes in field {field}); it may be Latin-1/Windows-1252. Save it as UTF-8 (e.g. Excel: \"CSV UTF-8\") and try again"
        ),
    }
}

/// What parsing one record gave.
enum Outcome {
    Row(Row),
    Reject(Rejection),
}

fn parse_record(plan: &Plan, f: &Fields<'_>, m: Meta) -> Outcome {
    let reject = |reason, detail: String| {
        Outcome::Reject(Rejection {
            line: m.line,
            reason,
            detail,
            raw: RawRow::Span(m.start, m.end),
        })
    };
    if f.len() != plan.ncols {
        return reject(
            RejectReason::MalformedRow,
            format!("{} fields, the header has {}", f.len(), plan.ncols),
        );
    }
    let (names, sa, sb) = match plan.kind {
        CoordinateKind::LonLat => (["longitude", "latitude"], f.get(plan.lon), f.get(plan.lat)),
        CoordinateKind::Projected => (["x", "y"], f.get(plan.lon), f.get(plan.lat)),
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
            let s = f.get(t);
            if s.is_empty() {
                None
            } else {
                let joined;
                let text = match plan.attrs.clock.map(|c| f.get(c)) {
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
    let interval_len = match (time, plan.attrs.time_to) {
        (Some(from), Some(c)) => match interval_to(f.get(c), &from, plan.tz) {
            Ok(len) => len,
            Err((reason, detail)) => return reject(reason, detail),
        },
        _ => 0,
    };
    let weight = match plan.attrs.weight {
        None => 1.0,
        Some(w) => {
            let s = f.get(w);
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
    let id = match plan.attrs.id.map(|i| f.get(i)) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => m.row.to_string(),
    };
    Outcome::Row(Row {
        line: m.line,
        raw: RawRow::Span(m.start, m.end),
        a,
        b,
        weight,
        // Interned by the block.
        category: 0,
        time,
        interval_len,
        id,
    })
}

/// What one parse task gave: rows whose `category` indexes `names` until
/// [`Sink::append`], rejections, and the error that stopped the task, if any.
#[derive(Default)]
struct Block {
    rows: Rows,
    names: Vec<String>,
    rejections: Vec<Rejection>,
    fatal: Option<Error>,
}

impl Block {
    fn push(&mut self, plan: &Plan, f: &Fields<'_>, m: Meta) {
        match parse_record(plan, f, m) {
            Outcome::Row(mut r) => {
                if let Some(c) = plan.attrs.category {
                    let name = f.get(c);
                    // A task sees a handful of categories: a scan beats hashing.
                    r.category = match self.names.iter().position(|s| s == name) {
                        Some(k) => k as u32,
                        None => {
                            self.names.push(name.to_string());
                            (self.names.len() - 1) as u32
                        }
                    };
                }
                self.rows.push(r);
            }
            Outcome::Reject(r) => self.rejections.push(r),
        }
    }
}

/// Lines of a slab without quotes: the bytes `[range]` of the slab, starting on
/// `line` with data row `row`, holding `records` records (non-blank lines).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    range: Range<usize>,
    line: u64,
    row: u64,
    records: u64,
}

/// Where one record of [`Records`] lies: its bytes in `data`, its field ends
/// (relative to those bytes) in `ends`, and the [`Fields::gap`] between fields.
#[derive(Clone, Debug, Default)]
struct Span {
    data: Range<usize>,
    ends: Range<usize>,
    gap: usize,
}

/// Tokenised records: the fields `csv-core` gave, without separators (gap 0),
/// or a quote-free line as it is (gap 1).
#[derive(Debug, Default)]
struct Records {
    data: Vec<u8>,
    ends: Vec<usize>,
    spans: Vec<Span>,
    meta: Vec<Meta>,
}

impl Records {
    /// Record `k` as text, or the 1-based field holding its first byte that is not UTF-8.
    fn fields(&self, k: usize) -> std::result::Result<Fields<'_>, usize> {
        let span = self.spans.get(k).cloned().unwrap_or_default();
        let ends = self.ends.get(span.ends).unwrap_or(&[]);
        match std::str::from_utf8(self.data.get(span.data).unwrap_or(&[])) {
            Ok(text) => Ok(Fields {
                text,
                ends,
                gap: span.gap,
            }),
            // The bad byte is not a separator, so this counts the fields before it for either gap.
            Err(err) => Err(1 + ends.partition_point(|&x| x <= err.valid_up_to())),
        }
    }

    /// Appends a quote-free line (without its `\n`) as a record split at `delimiter`.
    fn push_line(&mut self, line: &[u8], delimiter: u8) {
        let (d0, e0) = (self.data.len(), self.ends.len());
        self.data.extend_from_slice(line);
        push_field_ends(line, delimiter, &mut self.ends);
        self.spans.push(Span {
            data: d0..self.data.len(),
            ends: e0..self.ends.len(),
            gap: 1,
        });
    }
}

/// One slab of work for the parse stage.
enum Work {
    /// Quote-free lines: `text` starts at byte `start` of the file and is cut into `pieces`.
    Lines {
        text: Vec<u8>,
        start: u64,
        pieces: Vec<Piece>,
    },
    /// Records of a slab with quotes, tokenised in pieces in file order.
    Records(Vec<Records>),
}

impl Default for Work {
    fn default() -> Self {
        Work::Lines {
            text: Vec::new(),
            start: 0,
            pieces: Vec::new(),
        }
    }
}

impl Work {
    /// Number of records.
    fn records(&self) -> u64 {
        match self {
            Work::Lines { pieces, .. } => pieces.iter().map(|p| p.records).sum(),
            Work::Records(pieces) => pieces.iter().map(|r| r.meta.len() as u64).sum(),
        }
    }

    /// Bytes of the file this work covers.
    fn bytes(&self) -> u64 {
        match self {
            Work::Lines { text, .. } => text.len() as u64,
            Work::Records(pieces) => {
                let first = pieces.iter().find_map(|r| r.meta.first());
                let last = pieces.iter().rev().find_map(|r| r.meta.last());
                match (first, last) {
                    (Some(a), Some(b)) => b.end - a.start,
                    _ => 0,
                }
            }
        }
    }

    /// Calls `f` on the first `limit` records with their positions, skipping
    /// text that is not UTF-8 (a piece of lines, or a record).
    fn for_each(&self, delimiter: u8, limit: usize, mut f: impl FnMut(&Fields<'_>, Meta)) {
        let mut left = limit;
        match self {
            Work::Lines {
                text,
                start,
                pieces,
            } => {
                for p in pieces {
                    let bytes = text.get(p.range.clone()).unwrap_or(&[]);
                    let Ok(lines) = std::str::from_utf8(bytes) else {
                        continue;
                    };
                    let at = start + p.range.start as u64;
                    visit_lines(lines, delimiter, (at, p.line, p.row), |fields, m| {
                        if left > 0 {
                            left -= 1;
                            f(fields, m);
                        }
                    });
                }
            }
            Work::Records(pieces) => {
                for r in pieces {
                    for (k, m) in r.meta.iter().enumerate() {
                        if left == 0 {
                            return;
                        }
                        left -= 1;
                        if let Ok(fields) = r.fields(k) {
                            f(&fields, *m);
                        }
                    }
                }
            }
        }
    }

    /// Parses the records in parallel tasks, in file order.
    fn parse(&self, plan: &Plan, sizes: Sizes) -> Vec<Block> {
        match self {
            Work::Lines {
                text,
                start,
                pieces,
            } => pieces
                .par_iter()
                .map(|p| {
                    let bytes = text.get(p.range.clone()).unwrap_or(&[]);
                    parse_lines(plan, bytes, start + p.range.start as u64, p.line, p.row)
                })
                .collect(),
            Work::Records(pieces) => {
                let size = sizes.block.max(1);
                let blocks: Vec<Vec<Block>> = pieces
                    .par_iter()
                    .map(|r| {
                        r.meta
                            .par_chunks(size)
                            .enumerate()
                            .map(|(c, metas)| parse_records(plan, r, c * size, metas))
                            .collect()
                    })
                    .collect();
                blocks.into_iter().flatten().collect()
            }
        }
    }
}

/// Parses records `first..` of `r`, whose positions are `metas`.
fn parse_records(plan: &Plan, r: &Records, first: usize, metas: &[Meta]) -> Block {
    let mut block = Block::default();
    for (k, m) in (first..).zip(metas) {
        match r.fields(k) {
            Ok(f) => block.push(plan, &f, *m),
            Err(field) => {
                block.fatal = Some(utf8_error(&plan.path, m.line, field));
                break;
            }
        }
    }
    block
}

/// The ends of `line`'s fields (split at every `delimiter`) into `ends`.
fn split_fields(line: &str, delimiter: u8, ends: &mut Vec<usize>) {
    ends.clear();
    push_field_ends(line.as_bytes(), delimiter, ends);
}

/// Appends the ends of `line`'s fields (split at every `delimiter`) to `ends`.
fn push_field_ends(line: &[u8], delimiter: u8, ends: &mut Vec<usize>) {
    // A plain loop: lines are short and separators dense, where memchr's setup costs more.
    for (i, &b) in line.iter().enumerate() {
        if b == delimiter {
            ends.push(i);
        }
    }
    ends.push(line.len());
}

/// Parses quote-free lines that start at file offset `start` on `line` with data row `row`.
fn parse_lines(plan: &Plan, bytes: &[u8], start: u64, line: u64, row: u64) -> Block {
    let mut block = Block::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bad = e.valid_up_to();
            let head = bytes.get(..bad).unwrap_or(&[]);
            let line_start = memchr::memrchr(b'\n', head).map_or(0, |i| i + 1);
            let before = head.get(..line_start).unwrap_or(&[]);
            let in_line = head.get(line_start..).unwrap_or(&[]);
            block.fatal = Some(utf8_error(
                &plan.path,
                line + memchr::memchr_iter(b'\n', before).count() as u64,
                1 + memchr::memchr_iter(plan.delimiter, in_line).count(),
            ));
            return block;
        }
    };
    visit_lines(text, plan.delimiter, (start, line, row), |f, m| {
        block.push(plan, f, m)
    });
    block
}

/// Calls `f` on each non-blank line of `text` split into fields, with its
/// position; `text` starts a line, at file offset, line and data row `at`.
fn visit_lines(
    text: &str,
    delimiter: u8,
    at: (u64, u64, u64),
    mut f: impl FnMut(&Fields<'_>, Meta),
) {
    let (start, mut line, mut row) = at;
    let mut ends = Vec::new();
    let mut from = 0;
    let bytes = text.as_bytes();
    // Line ends, and the end of the text when the last line has none.
    let open = (bytes.last() != Some(&b'\n')).then_some(bytes.len());
    for end in memchr::memchr_iter(b'\n', bytes).chain(open) {
        // Both ends lie at ASCII bytes (or the end), so `get` finds char boundaries.
        let body = text.get(from..end).unwrap_or("");
        let next = (end + 1).min(bytes.len());
        if !is_blank(body.as_bytes()) {
            split_fields(body, delimiter, &mut ends);
            let m = Meta {
                line,
                row,
                start: start + from as u64,
                end: start + next as u64,
            };
            f(
                &Fields {
                    text: body,
                    ends: &ends,
                    gap: 1,
                },
                m,
            );
            row += 1;
        }
        line += 1;
        from = next;
    }
}

/// Whether a line (without its `\n`) is blank: empty, or the `\r` of a CRLF line.
fn is_blank(line: &[u8]) -> bool {
    line.is_empty() || line == b"\r"
}

/// Lines (`\n`) in `t`, and records: lines that are not blank, counting an
/// unterminated last line. `t` starts at the start of a line.
fn count_lines(t: &[u8]) -> (u64, u64) {
    let lines = bytecount::count(t, b'\n');
    let last = memchr::memrchr(b'\n', t).map_or(0, |i| i + 1);
    let open = usize::from(!is_blank(t.get(last..).unwrap_or(&[])));
    // Blank lines are rare: count them only where one may be.
    let maybe = t.starts_with(b"\n")
        || t.starts_with(b"\r\n")
        || memchr::memmem::find(t, b"\n\n").is_some()
        || memchr::memmem::find(t, b"\n\r\n").is_some();
    let blank = if maybe {
        t.split(|&c| c == b'\n')
            .take(lines)
            .filter(|l| is_blank(l))
            .count()
    } else {
        0
    };
    (lines as u64, (lines + open - blank) as u64)
}

/// Bytes and lines of the blank lines at the start of `b`; at the end of the
/// file (`eof`) a last `\r` is blank too.
fn blank_prefix(b: &[u8], eof: bool) -> (usize, u64) {
    let (mut n, mut lines) = (0, 0);
    loop {
        match b.get(n..).unwrap_or(&[]) {
            [b'\n', ..] => n += 1,
            [b'\r', b'\n', ..] => n += 2,
            [b'\r'] if eof => return (n + 1, lines),
            _ => return (n, lines),
        }
        lines += 1;
    }
}

/// A `csv-core` reader for records split at `delimiter` and ended by `\n`.
fn core_reader(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(csv_core::Terminator::Any(b'\n'))
        .build()
}

/// Tokenises the record at `input[at..]` (which does not start with a blank
/// line), appending its fields to `data` and their ends (relative to its first
/// byte in `data`) to `ends`. Returns the bytes it spans, or `None` when
/// `input` ends inside it and more may follow (`!eof`; `data` and `ends` are then unchanged).
fn tokenise(
    core: &mut csv_core::Reader,
    input: &[u8],
    at: usize,
    eof: bool,
    data: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> Option<usize> {
    use csv_core::ReadRecordResult as R;
    core.reset();
    let (d0, e0) = (data.len(), ends.len());
    let (mut nd, mut ne, mut pos) = (d0, e0, at);
    let mut room = 256;
    loop {
        if data.len() < nd + room {
            data.resize(nd + room, 0);
        }
        if ends.len() < ne + 64 {
            ends.resize(ne + 64, 0);
        }
        let (res, nin, nout, nend) = core.read_record(
            input.get(pos..).unwrap_or(&[]),
            data.get_mut(nd..).unwrap_or(&mut []),
            ends.get_mut(ne..).unwrap_or(&mut []),
        );
        pos += nin;
        nd += nout;
        ne += nend;
        match res {
            R::InputEmpty if !eof => {
                data.truncate(d0);
                ends.truncate(e0);
                return None;
            }
            // At the end of the file an empty input ends the record.
            R::InputEmpty => {}
            R::OutputFull => room *= 2,
            R::OutputEndsFull => {}
            R::Record | R::End => {
                data.truncate(nd);
                ends.truncate(ne);
                return Some(pos - at);
            }
        }
    }
}

/// Tokenises the records at the start of `input`, which starts a record at
/// file offset, line and data row `base`, skipping blank lines, into `r`; stops
/// where `input` ends inside a record and more may follow (`!eof`). Returns
/// the bytes consumed and the line ends among them.
///
/// A line without a quote is a record as it is (what `csv-core` would make of
/// it, since a record starting there holds no quote); other records go through
/// `csv-core`.
fn tokenise_run(
    core: &mut csv_core::Reader,
    delimiter: u8,
    input: &[u8],
    eof: bool,
    base: (u64, u64, u64),
    r: &mut Records,
) -> (usize, u64) {
    let (byte, line0, mut row) = base;
    let (mut pos, mut line) = (0, line0);
    loop {
        let (blank, lines) = blank_prefix(input.get(pos..).unwrap_or(&[]), eof);
        pos += blank;
        line += lines;
        let rest = input.get(pos..).unwrap_or(&[]);
        if rest.is_empty() {
            break;
        }
        let nl = memchr::memchr(b'\n', rest);
        let body = rest.get(..nl.unwrap_or(rest.len())).unwrap_or(&[]);
        let n = if (nl.is_some() || eof) && memchr::memchr(b'"', body).is_none() {
            r.push_line(body, delimiter);
            body.len() + usize::from(nl.is_some())
        } else {
            let (d0, e0) = (r.data.len(), r.ends.len());
            let Some(n) = tokenise(core, input, pos, eof, &mut r.data, &mut r.ends) else {
                break;
            };
            r.spans.push(Span {
                data: d0..r.data.len(),
                ends: e0..r.ends.len(),
                gap: 0,
            });
            n
        };
        r.meta.push(Meta {
            line,
            row,
            start: byte + pos as u64,
            end: byte + (pos + n) as u64,
        });
        line += bytecount::count(input.get(pos..pos + n).unwrap_or(&[]), b'\n') as u64;
        row += 1;
        pos += n;
    }
    (pos, line - line0)
}

/// Where to cut `t` (whole lines with quotes) into pieces of about `piece`
/// bytes: after a line end with an even number of quotes before it, where a
/// record most likely ends. The ends of the pieces, the last at `t.len()`.
fn quoted_cuts(t: &[u8], piece: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    // Quotes in `t[..seen]` are odd in number when `odd`.
    let (mut at, mut seen, mut odd) = (0, 0, false);
    while at < t.len() {
        let target = at + piece.max(1);
        let mut cut = t.len();
        if target < t.len() {
            for p in memchr::memchr_iter(b'\n', t.get(target - 1..).unwrap_or(&[])) {
                let p = target - 1 + p;
                odd ^= bytecount::count(t.get(seen..p).unwrap_or(&[]), b'"') % 2 == 1;
                seen = p;
                if !odd {
                    cut = p + 1;
                    break;
                }
            }
        }
        cuts.push(cut);
        at = cut;
    }
    cuts
}

/// The file, handed out in slabs that end at record boundaries.
struct Feed {
    path: PathBuf,
    file: Box<dyn Read + Send>,
    eof: bool,
    sizes: Sizes,
    /// Bytes to hold before cutting a slab: the slab size, more while a record does not fit.
    want: usize,
    /// Bytes read and not yet handed out; `buf[0]` is byte `byte` of the file,
    /// on line `line`, and the next record is data row `row`.
    buf: Vec<u8>,
    byte: u64,
    line: u64,
    row: u64,
    delimiter: u8,
    core: csv_core::Reader,
}

impl Feed {
    /// The feed for `file`, whose first bytes (from offset `byte`) are already in `head`.
    fn new(
        path: &Path,
        file: Box<dyn Read + Send>,
        eof: bool,
        head: Vec<u8>,
        byte: u64,
        delimiter: u8,
        sizes: Sizes,
    ) -> Feed {
        Feed {
            path: path.to_path_buf(),
            file,
            eof,
            sizes,
            want: sizes.slab.max(1),
            buf: head,
            byte,
            line: 1,
            row: 1,
            delimiter,
            core: core_reader(delimiter),
        }
    }

    /// Reads until `buf` holds `want` bytes or the file ends.
    fn fill(&mut self) -> Result<()> {
        if self.eof || self.buf.len() >= self.want {
            return Ok(());
        }
        let need = (self.want - self.buf.len()) as u64;
        let n = (&mut self.file)
            .take(need)
            .read_to_end(&mut self.buf)
            .map_err(|e| Error::io(&self.path, e))?;
        if (n as u64) < need {
            self.eof = true;
        }
        Ok(())
    }

    /// Drops the first `n` bytes of `buf`, which span `lines` line ends and `rows` records.
    fn consume(&mut self, n: usize, lines: u64, rows: u64) {
        self.buf.drain(..n.min(self.buf.len()));
        self.byte += n as u64;
        self.line += lines;
        self.row += rows;
    }

    /// Skips blank lines at the start of `buf`.
    fn skip_blank(&mut self) {
        let (n, lines) = blank_prefix(&self.buf, self.eof);
        self.consume(n, lines, 0);
    }

    /// The header: the first record that is not a blank line, with its
    /// position; `None` for a file of blank lines.
    fn header(&mut self) -> Result<Option<(Records, Meta)>> {
        loop {
            self.fill()?;
            self.skip_blank();
            if self.buf.is_empty() {
                if self.eof {
                    return Ok(None);
                }
                continue;
            }
            let mut r = Records::default();
            match tokenise(
                &mut self.core,
                &self.buf,
                0,
                self.eof,
                &mut r.data,
                &mut r.ends,
            ) {
                Some(n) => {
                    let m = Meta {
                        line: self.line,
                        row: 0,
                        start: self.byte,
                        end: self.byte + n as u64,
                    };
                    r.spans.push(Span {
                        data: 0..r.data.len(),
                        ends: 0..r.ends.len(),
                        gap: 0,
                    });
                    let lines = bytecount::count(self.buf.get(..n).unwrap_or(&[]), b'\n');
                    self.consume(n, lines as u64, 0);
                    self.want = self.sizes.slab.max(1);
                    return Ok(Some((r, m)));
                }
                None => self.want = self.want.max(self.buf.len()) * 2,
            }
        }
    }

    /// Hands out the next slab as `work` (reusing its buffers); `false` at the end of the file.
    fn next(&mut self, work: &mut Work) -> Result<bool> {
        loop {
            self.fill()?;
            if self.buf.is_empty() {
                return Ok(false);
            }
            let cut = if self.eof {
                Some(self.buf.len())
            } else {
                memchr::memrchr(b'\n', &self.buf).map(|i| i + 1)
            };
            if let Some(cut) = cut
                && memchr::memchr(b'"', self.buf.get(..cut).unwrap_or(&[])).is_none()
            {
                self.lines(cut, work);
                return Ok(true);
            }
            if let Some(cut) = cut
                && self.records(cut, work)
            {
                return Ok(true);
            }
            // Not one whole record yet: read more.
            self.want = self.want.max(self.buf.len()) * 2;
        }
    }

    /// Hands out `buf[..cut]`, quote-free whole lines, cut into pieces.
    fn lines(&mut self, cut: usize, work: &mut Work) {
        let (mut text, mut pieces) = match std::mem::take(work) {
            Work::Lines { text, pieces, .. } => (text, pieces),
            Work::Records(_) => (Vec::new(), Vec::new()),
        };
        text.clear();
        text.extend_from_slice(self.buf.get(cut..).unwrap_or(&[]));
        std::mem::swap(&mut text, &mut self.buf);
        text.truncate(cut);
        pieces.clear();
        let (start, mut line, mut row) = (self.byte, self.line, self.row);
        let mut at = 0;
        while at < cut {
            let target = at + self.sizes.piece.max(1);
            let end = if target >= cut {
                cut
            } else {
                memchr::memchr(b'\n', text.get(target - 1..cut).unwrap_or(&[]))
                    .map_or(cut, |i| target + i)
            };
            let (lines, records) = count_lines(text.get(at..end).unwrap_or(&[]));
            pieces.push(Piece {
                range: at..end,
                line,
                row,
                records,
            });
            line += lines;
            row += records;
            at = end;
        }
        self.byte += cut as u64;
        self.line = line;
        self.row = row;
        self.want = self.sizes.slab.max(1);
        *work = Work::Lines {
            text,
            start,
            pieces,
        };
    }

    /// Tokenises the whole records at the start of `buf` (whole lines up to
    /// `cut`, with quotes) into `work`; `false` if there are none.
    ///
    /// `buf[..cut]` is cut into pieces by [`quoted_cuts`] and the pieces are
    /// tokenised in parallel, each from its start. A piece counts only when
    /// every piece before it was tokenised to its very end: then each starts
    /// at a record boundary, as tokenising in order finds, and gives the same
    /// records. When the first piece does not end at a record boundary (a
    /// quoted field with line breaks, or a stray quote, across the cut), the
    /// records are tokenised in order instead.
    fn records(&mut self, cut: usize, work: &mut Work) -> bool {
        let cuts = quoted_cuts(self.buf.get(..cut).unwrap_or(&[]), self.sizes.piece);
        let mut pieces: Vec<Records> = Vec::new();
        let (mut bytes, mut lines, mut rows) = (0, 0, 0);
        if cuts.len() > 1 {
            let mut ranges = Vec::with_capacity(cuts.len());
            let (mut from, mut line) = (0, self.line);
            for &to in &cuts {
                ranges.push((from..to, line));
                line += bytecount::count(self.buf.get(from..to).unwrap_or(&[]), b'\n') as u64;
                from = to;
            }
            let (buf, byte, delimiter) = (&self.buf, self.byte, self.delimiter);
            let eof = self.eof && cut == buf.len();
            let done: Vec<(Records, usize, u64)> = ranges
                .par_iter()
                .map(|(range, line)| {
                    let mut r = Records::default();
                    let input = buf.get(range.clone()).unwrap_or(&[]);
                    let last = range.end == cut;
                    let base = (byte + range.start as u64, *line, 0);
                    // A new reader, not a clone: csv-core 0.1.13's `Clone` for its
                    // DFA copies only the transition table, and the clone then
                    // splits records after every byte.
                    let mut core = core_reader(delimiter);
                    let (n, l) =
                        tokenise_run(&mut core, delimiter, input, eof && last, base, &mut r);
                    (r, n, l)
                })
                .collect();
            for ((mut r, n, l), (range, _)) in done.into_iter().zip(&ranges) {
                let whole = n == range.len();
                if n > 0 || whole {
                    for m in &mut r.meta {
                        m.row += self.row + rows;
                    }
                    rows += r.meta.len() as u64;
                    bytes += n;
                    lines += l;
                    pieces.push(r);
                }
                if !whole {
                    break;
                }
            }
        }
        if pieces.iter().all(|r| r.meta.is_empty()) {
            // In order, from the start.
            let mut r = Records::default();
            let base = (self.byte, self.line, self.row);
            let (n, l) = tokenise_run(
                &mut self.core,
                self.delimiter,
                &self.buf,
                self.eof,
                base,
                &mut r,
            );
            (bytes, lines, rows) = (n, l, r.meta.len() as u64);
            pieces = vec![r];
        }
        self.consume(bytes, lines, rows);
        let any = rows > 0;
        if any {
            self.want = self.sizes.slab.max(1);
        }
        *work = Work::Records(pieces);
        any
    }
}

/// Where parsed blocks go, in file order.
struct Sink<'a> {
    rows: &'a mut Rows,
    rejections: &'a mut Vec<Rejection>,
    categories: &'a mut Interner,
    has_category: bool,
}

impl Sink<'_> {
    /// Appends the blocks' rows (categories renumbered into the file's table in
    /// order of first appearance) and rejections; the first fatal error stops it.
    fn append(&mut self, blocks: Vec<Block>) -> Result<()> {
        for mut b in blocks {
            if let Some(e) = b.fatal {
                return Err(e);
            }
            if self.has_category {
                let ids: Vec<u32> = b.names.iter().map(|n| self.categories.id(n)).collect();
                for c in &mut b.rows.category {
                    *c = ids.get(*c as usize).copied().unwrap_or(0);
                }
            }
            self.rows.append(&mut b.rows);
            self.rejections.append(&mut b.rejections);
        }
        Ok(())
    }
}

/// Whether the whole file is valid UTF-8 (read in chunks; nothing kept).
fn is_utf8_file(path: &Path) -> Result<bool> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut carry = 0usize;
    loop {
        let n = f.read(&mut buf[carry..]).map_err(|e| Error::io(path, e))?;
        let len = carry + n;
        if n == 0 {
            return Ok(carry == 0);
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            // An incomplete sequence at the chunk's end: keep it for the next chunk.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// Opens `path` as a UTF-8 byte stream: as it is for UTF-8, decoded on the fly (`encoding_rs`)
/// for Windows-1252 and Latin-1. Without `encoding`, a file that is not valid UTF-8 is read as
/// Windows-1252 and a note says so.
fn open_decoded(
    path: &Path,
    encoding: Option<super::TextEncoding>,
    notes: &mut Vec<String>,
) -> Result<Box<dyn Read + Send>> {
    use super::TextEncoding;
    let enc = match encoding {
        Some(e) => e,
        None if is_utf8_file(path)? => TextEncoding::Utf8,
        None => {
            notes.push(
                "the file is not valid UTF-8: read as Windows-1252 (give --encoding to choose)"
                    .to_string(),
            );
            TextEncoding::Windows1252
        }
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(match enc {
        TextEncoding::Utf8 => Box::new(file),
        TextEncoding::Windows1252 => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::WINDOWS_1252))
                .bom_override(false)
                .build(file),
        ),
        TextEncoding::Latin1 => Box::new(Latin1Reader {
            inner: file,
            pending: Vec::new(),
        }),
    })
}

/// ISO-8859-1 to UTF-8: byte `b` is code point `b` (encoding_rs has no Latin-1 decoder: the
/// WHATWG standard maps the label to Windows-1252).
struct Latin1Reader<R> {
    inner: R,
    pending: Vec<u8>,
}

impl<R: Read> Read for Latin1Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let mut raw = vec![0u8; out.len().clamp(1, 1 << 15)];
            let n = self.inner.read(&mut raw)?;
            if n == 0 {
                return Ok(0);
            }
            for &b in &raw[..n] {
                let mut tmp = [0u8; 2];
                self.pending
                    .extend_from_slice(char::from(b).encode_utf8(&mut tmp).as_bytes());
            }
        }
        let k = out.len().min(self.pending.len());
        out[..k].copy_from_slice(&self.pending[..k]);
        self.pending.drain(..k);
        Ok(k)
    }
}

/// Reads a CSV incident file. See the module docs and [`super::read_path`].
pub(crate) fn read_csv(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    read_csv_with(path, opts, SIZES)
}

fn read_csv_with(path: &Path, opts: &ReadOptions, sizes: Sizes) -> Result<Ingested> {
    let mut notes = Vec::new();
    let mut file = open_decoded(path, opts.encoding, &mut notes)?;
    let mut head = Vec::new();
    let got = (&mut file)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let eof = got < HEAD;
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
    let mut feed = Feed::new(path, file, eof, head, base, delimiter, sizes);
    let Some((hdr, hdr_at)) = feed.header()? else {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: None,
            message: "the file is empty: expected a header line and data rows".into(),
        });
    };
    let hdr_line = hdr_at.line;
    let hdr = match hdr.fields(0) {
        Ok(f) => f,
        Err(field) => return Err(utf8_error(path, hdr_line, field)),
    };
    let header: Vec<String> = (0..hdr.len()).map(|i| hdr.get(i).to_string()).collect();
    let name = path.display().to_string();
    let map = columns::detect(&header, &opts.columns, &name)?;
    let mut column_names = map.describe(&header);

    // The first slab with records.
    let mut work = Work::default();
    let mut any = false;
    while feed.next(&mut work)? {
        if work.records() > 0 {
            any = true;
            break;
        }
    }
    if !any {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: Some(hdr_line),
            message: "the file has a header line but no data rows".into(),
        });
    }
    let decimal_comma = delimiter != b',';
    let (kind, lon, lat) = match map.coords {
        CoordColumns::LonLat { lon, lat } => (CoordinateKind::LonLat, lon, lat),
        CoordColumns::Projected { x, y } => (CoordinateKind::Projected, x, y),
        CoordColumns::Xy { x, y } => {
            // Degrees or metres? The majority of the first records' values decides, so one
            // odd value (an x above 180 in a degrees file) is rejected on its own row
            // instead of making every row "projected, CRS unknown".
            let (mut in_degrees, mut not_degrees) = (0usize, 0usize);
            work.for_each(delimiter, SNIFF, |f, _| {
                let v = |i| parse_number(f.get(i), decimal_comma);
                if let (Some(a), Some(b)) = (v(x), v(y))
                    && a.is_finite()
                    && b.is_finite()
                {
                    if a.abs() <= 180.0 && b.abs() <= 90.0 {
                        in_degrees += 1;
                    } else {
                        not_degrees += 1;
                    }
                }
            });
            if in_degrees >= not_degrees {
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
                    line: Some(hdr_line),
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
        delimiter,
        ncols: header.len(),
        lon,
        lat,
        kind,
        attrs: map.attrs,
        tz: opts.timezone,
        decimal_comma,
    };

    // Reserve the rows once from the file size and the first slab's bytes per
    // record (plus 2%), so that a million rows are not copied through doubling
    // vectors that end up twice too large.
    let mut rows = Rows::default();
    if let Ok(md) = std::fs::metadata(path) {
        let per = work.bytes().max(1) as f64 / work.records().max(1) as f64;
        rows.reserve_hint((md.len() as f64 / per * 1.02) as usize);
    }
    let mut rejections: Vec<Rejection> = Vec::new();
    let mut categories = Interner::default();
    if plan.attrs.category.is_none() {
        categories.id("");
    }
    // The three-stage pipeline: while slab k+1 is read (on this thread), slab k
    // is parsed in parallel and slab k-1's blocks are appended, in file order.
    let mut next = Work::default();
    let mut parsed: Vec<Block> = Vec::new();
    let mut sink = Sink {
        rows: &mut rows,
        rejections: &mut rejections,
        categories: &mut categories,
        has_category: plan.attrs.category.is_some(),
    };
    loop {
        let (read, (now, appended)) = rayon::join(
            || feed.next(&mut next),
            || {
                rayon::join(
                    || work.parse(&plan, sizes),
                    || sink.append(std::mem::take(&mut parsed)),
                )
            },
        );
        appended?;
        parsed = now;
        match read {
            Ok(true) => std::mem::swap(&mut work, &mut next),
            Ok(false) => break,
            Err(e) => {
                // Errors in the rows before the unreadable bytes come first.
                sink.append(parsed)?;
                return Err(e);
            }
        }
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
            header: Some((hdr_at.start, hdr_at.end)),
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
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn separator_detection() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter(b"lat;lon;typ\n"), b';');
        assert_eq!(detect_delimiter(b"lat\tlon\t\"a,b,c\"\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"x;y\",z,w\n"), b',');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }

    type Record = (Vec<String>, Meta);

    /// Every record a feed hands out, with its fields as in the file and its position.
    fn feed_records(content: &[u8], sizes: Sizes) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, content).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut feed = Feed::new(&path, Box::new(file), false, Vec::new(), 0, b',', sizes);
        let (mut out, mut work) = (Vec::new(), Work::default());
        while feed.next(&mut work).unwrap() {
            work.for_each(b',', usize::MAX, |f, m| {
                let fields = (0..f.len()).map(|i| f.untrimmed(i).to_string()).collect();
                out.push((fields, m));
            });
        }
        out
    }

    /// The same records from the `csv` crate, with positions computed from the
    /// text: the line is one plus the line ends before the record's first byte.
    fn csv_crate_records(content: &[u8]) -> Vec<Record> {
        let mut rdr = csv::ReaderBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(false)
            .from_reader(content);
        let (mut rec, mut out) = (csv::ByteRecord::new(), Vec::new());
        while rdr.read_byte_record(&mut rec).unwrap() {
            let at = rec.position().unwrap().byte() as usize;
            // The csv crate starts a record that follows blank lines at the
            // first of them, and reads the `\r` of a blank CRLF line as a record.
            let start = at + content[at..].iter().take_while(|&&b| b == b'\n').count();
            let end = rdr.position().byte();
            let raw = &content[start..end as usize];
            if raw == b"\r" || raw == b"\r\n" {
                continue;
            }
            let line = 1 + content[..start].iter().filter(|&&b| b == b'\n').count() as u64;
            let fields = rec
                .iter()
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect();
            let m = Meta {
                line,
                row: out.len() as u64 + 1,
                start: start as u64,
                end,
            };
            out.push((fields, m));
        }
        out
    }

    fn random_text(rng: &mut ChaCha8Rng, quotes: bool) -> Vec<u8> {
        let alphabet: &[u8] = if quotes {
            b"ab1 ,,,\n\n\r\"\""
        } else {
            b"ab1 ,,,\n\n\r"
        };
        let n = rng.random_range(0..400);
        (0..n)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())])
            .collect()
    }

    #[test]
    fn records_and_positions_match_the_csv_crate_at_any_slab_and_piece_size() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..3000 {
            // Half the cases have no quote (the line path), half have some.
            let text = random_text(&mut rng, case % 2 == 1);
            let want = csv_crate_records(&text);
            let sizes = Sizes {
                slab: rng.random_range(1..64),
                piece: rng.random_range(1..24),
                block: rng.random_range(1..5),
            };
            for s in [sizes, SIZES] {
                let got = feed_records(&text, s);
                assert_eq!(
                    got,
                    want,
                    "{s:?}, text {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn a_quoted_field_longer_than_a_slab_is_read_whole() {
        let mut text = b"id,note\n1,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', 1000));
        text.extend(b"\n,\"\"y\"\"\"\n2,z\n\n\n3,w");
        let sizes = Sizes {
            slab: 16,
            piece: 4,
            block: 2,
        };
        let got = feed_records(&text, sizes);
        assert_eq!(got, csv_crate_records(&text));
        assert_eq!(got.len(), 4);
        // x..x, then the line break, `,`, `""y""` read as `"y"`.
        assert_eq!(got[1].0[1].len(), 1000 + 5);
        assert_eq!((got[3].1.line, got[3].1.row), (7, 4));
    }

    #[test]
    fn quoted_slabs_are_cut_after_an_even_number_of_quotes() {
        let t = b"a,\"x\ny\"\nb,c\nd,e\n";
        // The line end at 4 is inside the quotes; those at 7, 11 and 15 are not.
        assert_eq!(quoted_cuts(t, 3), [8, 12, 16]);
        assert_eq!(quoted_cuts(t, 100), [16]);
        // A stray quote leaves the parity odd to the end: one piece.
        assert_eq!(quoted_cuts(b"a\"b\nc\nd\n", 1), [8]);
    }

    #[test]
    fn line_counts_with_blank_lines_and_an_open_last_line() {
        assert_eq!(count_lines(b""), (0, 0));
        assert_eq!(count_lines(b"\n"), (1, 0));
        assert_eq!(count_lines(b"a\n\n\nb"), (3, 2));
        assert_eq!(count_lines(b"a\r\n\r\nb\n"), (3, 2));
        assert_eq!(count_lines(b"\r\n\n\r\na\n\r"), (4, 1));
        assert_eq!(count_lines(b"\n\na\n"), (3, 1));
        assert_eq!(count_lines(b"a\n\r\n\"\r\"\n"), (3, 2));
        assert_eq!(blank_prefix(b"\n\r\n\ra", false), (3, 2));
        assert_eq!(blank_prefix(b"\n\r", false), (1, 1));
        assert_eq!(blank_prefix(b"\n\r", true), (2, 1));
    }

    /// Reads `text` with the given sizes; the error's text on failure.
    fn read_with(text: &[u8], sizes: Sizes) -> std::result::Result<Ingested, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("incidents.csv");
        std::fs::write(&path, text).unwrap();
        read_csv_with(&path, &ReadOptions::default(), sizes).map_err(|e| e.to_string())
    }

    #[test]
    fn results_do_not_depend_on_slab_piece_or_block_size() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let kinds = [
            "Misshandel",
            "\"Skadegörelse, klotter\"",
            "Bedrägeri",
            "\"\"",
        ];
        for case in 0..60 {
            let mut text = b"id,lat,lon,type,time\n".to_vec();
            for i in 0..rng.random_range(1..300) {
                let end: &[u8] = if rng.random_bool(0.2) { b"\r\n" } else { b"\n" };
                let row = match rng.random_range(0..20) {
                    0 => String::new(),
                    1 => format!("{i},59.0"),
                    2 => format!("{i},x,15.9,Misshandel,"),
                    3 => format!("{i},15.9,59.05,Misshandel,2025-13-01"),
                    _ => format!(
                        "{i},{:.5},{:.5},{},2025-0{}-1{} 1{}:00",
                        59.0 + 0.1 * rng.random::<f64>(),
                        15.8 + 0.2 * rng.random::<f64>(),
                        // Only some files have quotes: the rest take the line path throughout.
                        kinds[rng.random_range(0..if case % 2 == 0 { 1 } else { 4 })],
                        rng.random_range(1..10),
                        rng.random_range(0..10),
                        rng.random_range(0..10),
                    ),
                };
                text.extend(row.as_bytes());
                text.extend(end);
            }
            let sizes = Sizes {
                slab: rng.random_range(1..200),
                piece: rng.random_range(1..64),
                block: rng.random_range(1..8),
            };
            let (a, b) = (read_with(&text, SIZES), read_with(&text, sizes));
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => {
                    assert_eq!(a.err(), b.err(), "case {case}");
                    continue;
                }
            };
            let (x, y) = (&a.incidents, &b.incidents);
            assert_eq!(x.x(), y.x());
            assert_eq!(x.y(), y.y());
            assert_eq!(x.ids(), y.ids());
            assert_eq!(x.category_ids(), y.category_ids());
            assert_eq!(x.category_names(), y.category_names());
            assert_eq!(x.times(), y.times());
            assert_eq!(a.report.rejections, b.report.rejections, "case {case}");
            assert_eq!(a.report.rows_read, b.report.rows_read);
            assert_eq!(a.report.notes, b.report.notes);
            // Each rejection's line in the text is its first line.
            let lines: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
            for r in &a.report.rejections {
                let l = lines[r.line as usize - 1];
                assert!(!is_blank(l), "case {case}: line {} is blank", r.line);
            }
            // Default ids are data rows: the row numbers of accepted rows rise.
            assert!(x.ids().iter().all(|id| id.parse::<u64>().is_ok()));
        }
    }
}
