//! The format-independent second half of ingest: row checks, CRS choice, projection, outlier and study-area checks.

use super::columns::CoordinateKind;
use super::options::ReadOptions;
use super::report::{IngestReport, InputFormat, RawRow, Rejection};
use super::{Ingested, RejectReason};
use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use crate::incident::{CategoryId, Columns, Incidents};
use crate::time::IncidentTime;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A row that passed the per-row checks.
#[derive(Debug)]
pub(crate) struct Row {
    pub line: u64,
    pub raw: RawRow,
    /// Longitude or easting.
    pub a: f64,
    /// Latitude or northing.
    pub b: f64,
    pub weight: f64,
    /// Index into [`Parsed::categories`].
    pub category: u32,
    pub time: Option<IncidentTime>,
    /// Seconds of the time interval starting at `time` (0: exact).
    pub interval_len: u32,
    pub id: String,
}

/// The rows that passed the per-row checks, column by column, in file order.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    /// Line (CSV) or feature number (GeoJSON) of each row.
    pub line: Vec<u64>,
    pub raw: Vec<RawRow>,
    /// Longitude or easting.
    pub a: Vec<f64>,
    /// Latitude or northing.
    pub b: Vec<f64>,
    pub weight: Vec<f64>,
    /// Index into [`Parsed::categories`] (or into a reader's own table until it renumbers them).
    pub category: Vec<u32>,
    pub time: Vec<Option<IncidentTime>>,
    pub interval_len: Vec<u32>,
    pub id: Vec<String>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// Appends one row.
    pub fn push(&mut self, r: Row) {
        self.line.push(r.line);
        self.raw.push(r.raw);
        self.a.push(r.a);
        self.b.push(r.b);
        self.weight.push(r.weight);
        self.category.push(r.category);
        self.time.push(r.time);
        self.interval_len.push(r.interval_len);
        self.id.push(r.id);
    }

    /// Moves all of `other`'s rows to the end of these.
    pub fn append(&mut self, other: &mut Rows) {
        self.line.append(&mut other.line);
        self.raw.append(&mut other.raw);
        self.a.append(&mut other.a);
        self.b.append(&mut other.b);
        self.weight.append(&mut other.weight);
        self.category.append(&mut other.category);
        self.time.append(&mut other.time);
        self.interval_len.append(&mut other.interval_len);
        self.id.append(&mut other.id);
    }

    /// Reserves room for `n` more rows; a hint only: on failure the columns grow as they go.
    pub fn reserve_hint(&mut self, n: usize) {
        let _ = (
            self.line.try_reserve(n),
            self.raw.try_reserve(n),
            self.a.try_reserve(n),
            self.b.try_reserve(n),
            self.weight.try_reserve(n),
            self.category.try_reserve(n),
            self.time.try_reserve(n),
            self.interval_len.try_reserve(n),
            self.id.try_reserve(n),
        );
    }
}

/// Everything a reader hands to [`finish`].
pub(crate) struct Parsed {
    pub source: PathBuf,
    pub format: InputFormat,
    /// Byte range of the CSV header record.
    pub header: Option<(u64, u64)>,
    pub kind: CoordinateKind,
    /// For projected input: the CRS of the coordinates, and why.
    pub input_crs: Option<(Crs, String)>,
    pub columns: BTreeMap<&'static str, String>,
    pub notes: Vec<String>,
    pub rows: Rows,
    /// Category names of the rows, indexed by [`Rows::category`].
    pub categories: Vec<String>,
    pub rejections: Vec<Rejection>,
}

/// Category names in order of first appearance, without an allocation per row.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    names: Vec<String>,
    ids: std::collections::HashMap<String, u32>,
}

impl Interner {
    /// The id of `name`, adding it if new.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), i);
        i
    }

    /// The names, indexed by id.
    pub fn into_names(self) -> Vec<String> {
        self.names
    }
}

/// Result of checking one coordinate pair on its own.
pub(crate) fn check_coordinates(
    kind: CoordinateKind,
    a: f64,
    b: f64,
) -> std::result::Result<(), (RejectReason, String)> {
    if !a.is_finite() || !b.is_finite() {
        return Err((RejectReason::NonFinite, format!("coordinates ({a}, {b})")));
    }
    if a == 0.0 && b == 0.0 {
        return Err((RejectReason::NullIsland, "coordinates 0,0".into()));
    }
    if kind == CoordinateKind::LonLat {
        let (lon, lat) = (a, b);
        if !(-90.0..=90.0).contains(&lat) {
            if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                return Err((
                    RejectReason::SwappedLatLon,
                    format!(
                        "latitude {lat} is outside -90..90 and longitude {lon} would be a valid latitude"
                    ),
                ));
            }
            return Err((
                RejectReason::LatitudeOutOfRange,
                format!("latitude {lat} is outside -90..90"),
            ));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err((
                RejectReason::LongitudeOutOfRange,
                format!("longitude {lon} is outside -180..180"),
            ));
        }
    }
    Ok(())
}

/// Parses a coordinate or weight: `.` decimals, and `,` decimals when `decimal_comma`.
pub(crate) fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    if decimal_comma && s.contains(',') {
        if s.contains('.') {
            return None;
        }
        return s.replacen(',', ".", 1).parse().ok();
    }
    s.parse().ok()
}

/// Median of the values (mean of the two middle ones for an even count); `None` when empty.
pub(crate) fn median(mut v: Vec<f64>) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(0.5 * (lo + hi))
}

fn first_rejection_error(source: &std::path::Path, rejections: &[Rejection]) -> Option<Error> {
    rejections
        .iter()
        .min_by_key(|r| r.line)
        .map(|r| Error::Rejected {
            path: source.to_path_buf(),
            line: r.line,
            reason: r.reason,
            detail: r.detail.clone(),
        })
}

/// The values of `v` whose `accepted` flag is set, in order; `v` itself when
/// there are no flags (every row accepted).
fn keep_accepted<T: Send>(v: Vec<T>, accepted: Option<&[bool]>) -> Vec<T> {
    match accepted {
        None => v,
        Some(flags) => v
            .into_par_iter()
            .zip(flags.par_iter())
            .with_min_len(4096)
            .filter_map(|(x, &ok)| ok.then_some(x))
            .collect(),
    }
}

/// Chooses the working CRS, projects, applies the outlier and study-area checks and builds the incidents.
pub(crate) fn finish(p: Parsed, opts: &ReadOptions) -> Result<Ingested> {
    let Parsed {
        source,
        format,
        header,
        kind,
        input_crs,
        columns,
        notes,
        rows,
        categories,
        mut rejections,
    } = p;
    let rows_read = (rows.len() + rejections.len()) as u64;
    if rows.is_empty() {
        if opts.strict
            && let Some(e) = first_rejection_error(&source, &rejections)
        {
            return Err(e);
        }
        let mut by: BTreeMap<RejectReason, u64> = BTreeMap::new();
        for r in &rejections {
            *by.entry(r.reason).or_default() += 1;
        }
        let reasons: Vec<String> = by.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let out_of_range = [
            RejectReason::LatitudeOutOfRange,
            RejectReason::LongitudeOutOfRange,
            RejectReason::SwappedLatLon,
        ]
        .iter()
        .map(|r| by.get(r).copied().unwrap_or(0))
        .sum::<u64>();
        let hint = if kind == CoordinateKind::LonLat && out_of_range * 2 > rows_read {
            let lon = columns.get("lon").map_or("X", String::as_str);
            let lat = columns.get("lat").map_or("Y", String::as_str);
            format!(
                "; the values are not degrees: if they are metres (e.g. SWEREF 99 TM), read them with --x {lon} --y {lat} --crs EPSG:3006"
            )
        } else {
            String::new()
        };
        return Err(Error::InsufficientData(format!(
            "{}: none of the {rows_read} rows has usable coordinates ({}){hint}",
            source.display(),
            reasons.join(", ")
        )));
    }
    if let Some(e) = wholesale_swap(&source, kind, &columns, &rows, opts) {
        return Err(e);
    }

    // Working CRS.
    // Component-wise median of the rows that passed the per-row checks.
    let (med_a, med_b) = rayon::join(
        || median(rows.a.clone()).unwrap_or(0.0),
        || median(rows.b.clone()).unwrap_or(0.0),
    );
    let mut notes = notes;
    if columns.contains_key("time")
        && opts.timezone == chrono_tz::Europe::Stockholm
        && kind == CoordinateKind::LonLat
    {
        let (lon, lat) = (med_a, med_b);
        if Crs::default_for_lonlat(lon, lat) != Crs::SWEREF99_TM {
            notes.push(format!(
                "times without a UTC offset (if any) are read in the default zone Europe/Stockholm, but the data lie at ({lon:.3}, {lat:.3}), outside Sweden: give their zone with --timezone (e.g. America/Chicago, Europe/London)"
            ));
        }
    }
    let (crs, crs_reason) = match kind {
        CoordinateKind::Projected => match input_crs {
            Some(c) => c,
            None => {
                return Err(Error::Parse {
                    path: source,
                    line: None,
                    message: "projected coordinates need their CRS: give it with --crs EPSG:NNNN (e.g. EPSG:3006 for SWEREF 99 TM)".into(),
                });
            }
        },
        CoordinateKind::LonLat => match opts.crs {
            Some(c) => (c, "given with --crs".to_string()),
            None => {
                let (lon, lat) = (med_a, med_b);
                let c = Crs::default_for_lonlat(lon, lat);
                let why = if c == Crs::SWEREF99_TM {
                    format!("SWEREF 99 TM: the median position ({lon:.4}, {lat:.4}) lies in Sweden")
                } else {
                    format!("WGS84 UTM zone of the median position ({lon:.4}, {lat:.4})")
                };
                (c, why)
            }
        },
    };
    let projector = Projector::new(crs)?;
    let lonlat = kind == CoordinateKind::LonLat;
    let Rows {
        line,
        raw,
        a,
        b,
        weight,
        mut category,
        time,
        interval_len,
        id,
    } = rows;
    let n = a.len();

    // Project, in parallel, keeping order. NaN marks a failed projection (rare:
    // its error is computed again for the rejection's message).
    let (xs, ys): (Vec<f64>, Vec<f64>) = if lonlat {
        a.par_iter()
            .zip(b.par_iter())
            .with_min_len(4096)
            .map(|(&lon, &lat)| match projector.to_metres(lon, lat) {
                Ok([x, y]) if x.is_finite() && y.is_finite() => (x, y),
                _ => (f64::NAN, f64::NAN),
            })
            .unzip()
    } else {
        (a.clone(), b.clone())
    };
    let projected = |k: usize| -> Option<[f64; 2]> {
        let p = [xs[k], ys[k]];
        (p[0].is_finite() && p[1].is_finite()).then_some(p)
    };

    // Centre for the outlier check: the median position (for lon/lat input
    // projected; if that fails, the median of the projected positions).
    let centre = if lonlat {
        projector
            .to_metres(med_a, med_b)
            .ok()
            .filter(|c| c[0].is_finite() && c[1].is_finite())
    } else {
        Some([med_a, med_b])
    };
    let centre = match centre {
        Some(c) => c,
        None => {
            let ok: Vec<[f64; 2]> = (0..n).filter_map(projected).collect();
            [
                median(ok.iter().map(|p| p[0]).collect()).unwrap_or(0.0),
                median(ok.iter().map(|p| p[1]).collect()).unwrap_or(0.0),
            ]
        }
    };

    let study_area = opts
        .boundary
        .as_ref()
        .map(|b| b.to_study_area(&projector))
        .transpose()?;
    let max_d = opts.max_distance_m;
    let placed = |p: [f64; 2]| -> Option<(RejectReason, String)> {
        if let Some(sa) = &study_area
            && !sa.contains(p[0], p[1])
        {
            return Some((
                RejectReason::OutsideStudyArea,
                "outside the study area".to_string(),
            ));
        }
        if let Some(m) = max_d {
            let d = ((p[0] - centre[0]).powi(2) + (p[1] - centre[1]).powi(2)).sqrt();
            if !(d <= m) {
                return Some((
                    RejectReason::FarFromData,
                    format!(
                        "{:.1} km from the median position (limit {} km)",
                        d / 1000.0,
                        m / 1000.0
                    ),
                ));
            }
        }
        None
    };
    // Only the rejected rows get a verdict: (row index, reason, detail), in row order.
    let verdicts: Vec<(usize, RejectReason, String)> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .filter_map(|k| match projected(k) {
            None => {
                let why = match projector.to_metres(a[k], b[k]) {
                    Err(e) => e.to_string(),
                    Ok(_) => "projection failed".to_string(),
                };
                Some((
                    k,
                    RejectReason::FarFromData,
                    format!("cannot be projected to {crs}: {why}"),
                ))
            }
            Some(p) => {
                let bad = placed(p)?;
                let (lon, lat) = (a[k], b[k]);
                if lonlat
                    && check_coordinates(kind, lat, lon).is_ok()
                    && let Ok(q) = projector.to_metres(lat, lon)
                    && placed(q).is_none()
                {
                    return Some((
                        k,
                        RejectReason::SwappedLatLon,
                        format!(
                            "lat {lat} lon {lon} lie {}; swapped they fit the data",
                            if bad.0 == RejectReason::OutsideStudyArea {
                                "outside the study area"
                            } else {
                                "far from the rest"
                            }
                        ),
                    ));
                }
                Some((k, bad.0, bad.1))
            }
        })
        .collect();

    // Rejected rows (the verdicts, in row order) join the rejections; the
    // accepted rows' columns become the incidents' columns, moved when every
    // row is accepted and filtered in parallel otherwise.
    if let Some(e) = wholesale_verdict(&source, kind, &columns, n, &verdicts, opts, rows_read) {
        return Err(e);
    }
    let mut accepted = vec![true; n];
    for (k, reason, detail) in verdicts {
        accepted[k] = false;
        rejections.push(Rejection {
            line: line[k],
            reason,
            detail,
            raw: raw[k],
        });
    }
    drop((line, raw));
    let mask = accepted.contains(&false).then_some(accepted.as_slice());
    // Category ids renumbered in order of first appearance among accepted rows
    // (rejected rows' categories are dropped), with a table instead of hashing names.
    let mut remap: Vec<CategoryId> = vec![CategoryId::MAX; categories.len().max(1)];
    let mut names: Vec<String> = Vec::new();
    for (&c, _) in category.iter().zip(&accepted).filter(|(_, ok)| **ok) {
        if let Some(slot) = remap.get_mut(c as usize)
            && *slot == CategoryId::MAX
        {
            *slot = names.len() as CategoryId;
            names.push(categories.get(c as usize).cloned().unwrap_or_default());
        }
    }
    category
        .par_iter_mut()
        .with_min_len(4096)
        .for_each(|c| *c = remap.get(*c as usize).copied().unwrap_or(0));
    let lonlats: Vec<Option<[f64; 2]>> = if lonlat {
        a.par_iter()
            .zip(b.par_iter())
            .with_min_len(4096)
            .map(|(&lon, &lat)| Some([lon, lat]))
            .collect()
    } else {
        vec![None; n]
    };
    drop((a, b));
    let incidents = Incidents::from_columns(
        crs,
        Columns {
            x: keep_accepted(xs, mask),
            y: keep_accepted(ys, mask),
            weight: keep_accepted(weight, mask),
            category: keep_accepted(category, mask),
            category_names: names,
            time: keep_accepted(time, mask),
            interval_len: keep_accepted(interval_len, mask),
            id: keep_accepted(id, mask),
            lonlat: keep_accepted(lonlats, mask),
        },
    )?;
    notes.extend(super::timeparse::interval_note(
        &incidents,
        opts.max_time_span_days,
    ));
    rejections.sort_by_key(|r| r.line);
    if opts.strict
        && let Some(e) = first_rejection_error(&source, &rejections)
    {
        return Err(e);
    }
    let report = IngestReport {
        source,
        format,
        header,
        rows_read,
        accepted: incidents.len() as u64,
        rejections,
        columns,
        coordinates: kind,
        crs,
        crs_reason,
        notes,
    };
    Ok(Ingested {
        incidents,
        report,
        projector,
        study_area,
    })
}

/// The two coordinate columns' names, for hints (`(first, second)`: lon/lat or x/y).
fn coordinate_names(
    kind: CoordinateKind,
    columns: &BTreeMap<&'static str, String>,
) -> (String, String) {
    let (a, b) = match kind {
        CoordinateKind::LonLat => ("lon", "lat"),
        CoordinateKind::Projected => ("x", "y"),
    };
    (
        columns.get(a).cloned().unwrap_or_else(|| a.to_string()),
        columns.get(b).cloned().unwrap_or_else(|| b.to_string()),
    )
}

/// The error for a file whose two coordinate columns look exchanged throughout.
fn swapped_error(
    source: &std::path::Path,
    kind: CoordinateKind,
    columns: &BTreeMap<&'static str, String>,
    why: String,
) -> Error {
    let (a, b) = coordinate_names(kind, columns);
    let (message, fix) = match kind {
        CoordinateKind::LonLat if a == "geometry" => (
            "latitude and longitude look swapped",
            "the file's positions must be [longitude, latitude] (RFC 7946): swap them in the file"
                .to_string(),
        ),
        CoordinateKind::LonLat => (
            "latitude and longitude look swapped",
            format!("name the columns the other way round: --lon {b} --lat {a}"),
        ),
        CoordinateKind::Projected => (
            "x and y look swapped",
            format!("name the columns the other way round: --x {b} --y {a}"),
        ),
    };
    Error::Parse {
        path: source.to_path_buf(),
        line: None,
        message: format!("{message}: {why}; {fix}"),
    }
}

/// Before projection: a lon/lat file that lies outside Sweden but inside it with latitude and
/// longitude exchanged, or SWEREF 99 TM input whose x and y are exchanged (northings of
/// 6-8 million metres in the x column), when no `--crs` (lon/lat) confirms the position.
fn wholesale_swap(
    source: &std::path::Path,
    kind: CoordinateKind,
    columns: &BTreeMap<&'static str, String>,
    rows: &Rows,
    opts: &ReadOptions,
) -> Option<Error> {
    let med_a = median(rows.a.clone())?;
    let med_b = median(rows.b.clone())?;
    let in_sweden = |lon: f64, lat: f64| Crs::default_for_lonlat(lon, lat) == Crs::SWEREF99_TM;
    match kind {
        CoordinateKind::LonLat
            if opts.crs.is_none()
                && opts.boundary.is_none()
                && !in_sweden(med_a, med_b)
                && in_sweden(med_b, med_a) =>
        {
            Some(swapped_error(
                source,
                kind,
                columns,
                format!(
                    "the median position (lon {med_a:.4}, lat {med_b:.4}) lies outside Sweden, but exchanged it lies in Sweden (if the data really lie there, confirm with --crs EPSG:326NN)"
                ),
            ))
        }
        CoordinateKind::Projected
            if opts.crs == Some(Crs::SWEREF99_TM)
                && (5_500_000.0..8_000_000.0).contains(&med_a)
                && (0.0..1_200_000.0).contains(&med_b) =>
        {
            Some(swapped_error(
                source,
                kind,
                columns,
                format!(
                    "in SWEREF 99 TM the northing is the larger number (6.1-7.7 million metres), but the median x is {med_a:.0} and the median y {med_b:.0}"
                ),
            ))
        }
        _ => None,
    }
}

/// After the placement checks: most rows swapped into the study area, none inside it, or
/// no row left at all: each is an error for the whole file rather than a list of rejections.
fn wholesale_verdict(
    source: &std::path::Path,
    kind: CoordinateKind,
    columns: &BTreeMap<&'static str, String>,
    n: usize,
    verdicts: &[(usize, RejectReason, String)],
    opts: &ReadOptions,
    rows_read: u64,
) -> Option<Error> {
    let count = |r: RejectReason| verdicts.iter().filter(|v| v.1 == r).count();
    let swapped = count(RejectReason::SwappedLatLon);
    let outside = count(RejectReason::OutsideStudyArea);
    if swapped * 2 > n {
        return Some(swapped_error(
            source,
            kind,
            columns,
            format!(
                "{swapped} of {n} positions lie outside the data's area but inside it with the two coordinates exchanged"
            ),
        ));
    }
    if opts.boundary.is_some() && outside + swapped == n {
        let b = opts
            .boundary
            .as_ref()
            .map(|b| b.source().display().to_string())
            .unwrap_or_default();
        return Some(Error::InsufficientData(format!(
            "{}: none of the {n} incidents with coordinates lies inside the boundary {b}: check that the boundary covers the data and that both use the CRS they declare",
            source.display()
        )));
    }
    if verdicts.len() == n {
        let mut by: BTreeMap<RejectReason, u64> = BTreeMap::new();
        for v in verdicts {
            *by.entry(v.1).or_default() += 1;
        }
        let reasons: Vec<String> = by.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        return Some(Error::InsufficientData(format!(
            "{}: all {rows_read} rows were rejected ({}); nothing to analyse",
            source.display(),
            reasons.join(", ")
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn numbers_with_decimal_commas() {
        assert_eq!(parse_number("59,045", true), Some(59.045));
        assert_eq!(parse_number("59,045", false), None);
        assert_eq!(parse_number("1,234.5", true), None);
        assert_eq!(parse_number("-15.87", true), Some(-15.87));
        assert!(parse_number("NaN", false).is_some_and(f64::is_nan));
        assert_eq!(parse_number("abc", false), None);
    }

    #[test]
    fn coordinate_checks() {
        let ll = CoordinateKind::LonLat;
        assert!(check_coordinates(ll, 15.87, 59.04).is_ok());
        let r = |a, b| check_coordinates(ll, a, b).unwrap_err().0;
        assert_eq!(r(0.0, 0.0), RejectReason::NullIsland);
        assert_eq!(r(f64::NAN, 1.0), RejectReason::NonFinite);
        assert_eq!(r(1.0, f64::INFINITY), RejectReason::NonFinite);
        assert_eq!(r(59.0, 95.0), RejectReason::SwappedLatLon);
        assert_eq!(r(100.0, 95.0), RejectReason::LatitudeOutOfRange);
        assert_eq!(r(190.0, 59.0), RejectReason::LongitudeOutOfRange);
        assert!(check_coordinates(CoordinateKind::Projected, 549_917.0, 6_545_387.0).is_ok());
    }
}
