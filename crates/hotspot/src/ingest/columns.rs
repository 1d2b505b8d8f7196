//! Header-based column detection in English and Swedish, with user overrides.
//!
//! Header names are compared after lower-casing and dropping everything that is
//! not a letter or digit, so `Crime type`, `crime_type` and `CRIME-TYPE` are the
//! same name. For each role the candidate names are tried in the order listed
//! below; the first header that matches wins (for equal names, the leftmost column).
//!
//! | role | names (in priority order) |
//! |---|---|
//! | lon | longitude, longitud, lon, lng, long, (x: see below) |
//! | lat | latitude, latitud, lat, (y: see below) |
//! | x / y (projected) | easting / northing, x / y, xkoordinat / ykoordinat |
//! | category | category, crime type, offense_type, offence_type, brottstyp, brottskategori, kategori, type, typ, offense, offence, brott |
//! | time | datetime, occurred_at, timestamp, date_time, tidpunkt, time, date_local, date, datum, month, månad |
//! | time from (interval start) | from, start, starttid, starttime, startdatetime, startdate, fromdate, datefrom, timefrom, från, fran, tidigast, tidigasttid, first_occurrence, firstoccurred |
//! | time to (interval end) | to, end, sluttid, endtime, enddatetime, enddate, todate, dateto, timeto, till, senast, senasttid, last_occurrence, lastoccurred |
//! | weight | weight, vikt |
//! | id | id, uid, crime id, incident_id, incidntnum, incident_number, case_number, ärendenummer, objectid, fid |
//!
//! Columns named `x`/`y` are lon/lat when their values look like degrees and
//! projected otherwise (see the CSV reader). When a file has both lon/lat and
//! x/y columns, lon/lat is used. When a file has a `date`/`datum` column and a
//! separate clock-time column (`time`, `tid`, `klockslag`) holding `HH:MM[:SS]`,
//! the two are read together as one time.
//!
//! From/to times: an incident recorded as "between from and to" (Ratcliffe 2002's
//! aoristic case). A detected (or `--time-from`) from column is the time column:
//! it overrides the `time` names above unless `--time` is given. A to column
//! (detected or `--time-to`) is used only together with a time (or from) column.

use super::options::ColumnNames;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// How coordinates are given in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordinateKind {
    /// WGS84 longitude/latitude in degrees.
    LonLat,
    /// Projected coordinates in the CRS given with `--crs` (or declared by the file).
    Projected,
}

/// Which columns hold the coordinates (indices into the header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoordColumns {
    /// Longitude and latitude columns.
    LonLat { lon: usize, lat: usize },
    /// Easting and northing columns of a projected CRS.
    Projected { x: usize, y: usize },
    /// Columns named `x` and `y`: degrees or projected, decided from the values.
    Xy { x: usize, y: usize },
}

/// Non-coordinate columns (indices into the header).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attributes {
    pub category: Option<usize>,
    pub time: Option<usize>,
    /// The end of the time interval (`--time-to`), when the input has one.
    pub time_to: Option<usize>,
    /// A separate clock-time column read together with a date `time` column.
    pub clock: Option<usize>,
    pub weight: Option<usize>,
    pub id: Option<usize>,
}

/// The detected (or chosen) use of each column.
#[derive(Clone, Debug)]
pub(crate) struct ColumnMap {
    pub coords: CoordColumns,
    pub attrs: Attributes,
}

const LON: &[&str] = &["longitude", "longitud", "lon", "lng", "long"];
const LAT: &[&str] = &["latitude", "latitud", "lat"];
const EASTING: &[&str] = &["easting", "xkoordinat", "xcoord", "xcoordinate"];
const NORTHING: &[&str] = &["northing", "ykoordinat", "ycoord", "ycoordinate"];
const CATEGORY: &[&str] = &[
    "category",
    "crimetype",
    "offensetype",
    "offencetype",
    "brottstyp",
    "brottskategori",
    "kategori",
    "type",
    "typ",
    "offense",
    "offence",
    "brott",
];
const TIME: &[&str] = &[
    "datetime",
    "occurredat",
    "timestamp",
    "datetimelocal",
    "tidpunkt",
    "time",
    "datelocal",
    "date",
    "datum",
    "month",
    "månad",
];
const TIME_FROM: &[&str] = &[
    "from",
    "start",
    "starttid",
    "starttime",
    "startdatetime",
    "startdate",
    "fromdate",
    "datefrom",
    "timefrom",
    "från",
    "fran",
    "tidigast",
    "tidigasttid",
    "firstoccurrence",
    "firstoccurred",
];
const TIME_TO: &[&str] = &[
    "to",
    "end",
    "sluttid",
    "endtime",
    "enddatetime",
    "enddate",
    "todate",
    "dateto",
    "timeto",
    "till",
    "senast",
    "senasttid",
    "lastoccurrence",
    "lastoccurred",
];
const DATE_ONLY: &[&str] = &["date", "datum", "datelocal"];
const CLOCK: &[&str] = &["time", "tid", "klockslag"];
const WEIGHT: &[&str] = &["weight", "vikt"];
const ID: &[&str] = &[
    "id",
    "uid",
    "crimeid",
    "incidentid",
    "incidntnum",
    "incidentnum",
    "incidentnumber",
    "casenumber",
    "ärendenummer",
    "objectid",
    "fid",
];

/// Lower-case and keep only letters and digits: `Crime type` -> `crimetype`.
pub(crate) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(norm: &[String], candidates: &[&str]) -> Option<usize> {
    candidates
        .iter()
        .find_map(|c| norm.iter().position(|h| h == c))
}

fn named(
    header: &[String],
    norm: &[String],
    flag: &'static str,
    name: &str,
    source: &str,
) -> Result<usize> {
    let n = normalise(name);
    header
        .iter()
        .position(|h| h.trim() == name.trim())
        .or_else(|| norm.iter().position(|h| *h == n))
        .ok_or_else(|| {
            Error::invalid(
                flag,
                name,
                format!(
                    "{source} has no such column; its columns are: {}",
                    header.join(", ")
                ),
            )
        })
}

/// Detects the non-coordinate roles (shared by CSV headers and GeoJSON property keys).
pub(crate) fn detect_attributes(
    header: &[String],
    names: &ColumnNames,
    source: &str,
) -> Result<Attributes> {
    let norm: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let pick =
        |flag: &'static str, given: &Option<String>, cands: &[&str]| -> Result<Option<usize>> {
            match given {
                Some(n) => named(header, &norm, flag, n, source).map(Some),
                None => Ok(find(&norm, cands)),
            }
        };
    let category = pick("category", &names.category, CATEGORY)?;
    let weight = pick("weight", &names.weight, WEIGHT)?;
    let id = pick("id", &names.id, ID)?;
    let from = pick("time_from", &names.time_from, TIME_FROM)?;
    let mut time = match (&names.time, from) {
        (None, Some(f)) => Some(f),
        _ => pick("time", &names.time, TIME)?,
    };
    let time_to = match pick("time_to", &names.time_to, TIME_TO)? {
        Some(t) if time.is_some() && time != Some(t) => Some(t),
        Some(t) if names.time_to.is_some() => {
            let shown = header.get(t).cloned().unwrap_or_default();
            return Err(Error::invalid(
                "time_to",
                shown,
                "a to-time column needs a from-time column: name it with --time-from (or --time)",
            ));
        }
        _ => None,
    };
    let mut clock = None;
    if names.time.is_none() && from.is_none() {
        // A date column plus a separate clock column: read them together.
        let date = find(&norm, DATE_ONLY);
        let clk = find(&norm, CLOCK);
        let has_datetime = find(&norm, &TIME[..5]).is_some();
        if let (Some(d), Some(c)) = (date, clk)
            && !has_datetime
        {
            time = Some(d);
            clock = Some(c);
        }
    }
    Ok(Attributes {
        category,
        time,
        time_to,
        clock,
        weight,
        id,
    })
}

/// Detects all roles of a CSV header.
///
/// # Errors
/// [`Error::InvalidParameter`] when a named column does not exist;
/// [`Error::Parse`] when no coordinate columns can be found.
pub(crate) fn detect(header: &[String], names: &ColumnNames, source: &str) -> Result<ColumnMap> {
    let norm: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let attrs = detect_attributes(header, names, source)?;
    let get = |flag, n: &Option<String>| -> Result<Option<usize>> {
        n.as_deref()
            .map(|n| named(header, &norm, flag, n, source))
            .transpose()
    };
    let (glat, glon) = (get("lat", &names.lat)?, get("lon", &names.lon)?);
    let (gx, gy) = (get("x", &names.x)?, get("y", &names.y)?);
    let coords = if glat.is_some() || glon.is_some() {
        let lat = glat.or_else(|| find(&norm, LAT));
        let lon = glon.or_else(|| find(&norm, LON));
        match (lon, lat) {
            (Some(lon), Some(lat)) => CoordColumns::LonLat { lon, lat },
            _ => {
                return Err(no_coordinates(
                    header,
                    source,
                    "only one of --lat/--lon was given and the other could not be detected",
                ));
            }
        }
    } else if gx.is_some() || gy.is_some() {
        let x = gx.or_else(|| find(&norm, EASTING).or_else(|| find(&norm, &["x"])));
        let y = gy.or_else(|| find(&norm, NORTHING).or_else(|| find(&norm, &["y"])));
        match (x, y) {
            (Some(x), Some(y)) => CoordColumns::Projected { x, y },
            _ => {
                return Err(no_coordinates(
                    header,
                    source,
                    "only one of --x/--y was given and the other could not be detected",
                ));
            }
        }
    } else if let (Some(lon), Some(lat)) = (find(&norm, LON), find(&norm, LAT)) {
        CoordColumns::LonLat { lon, lat }
    } else if let (Some(x), Some(y)) = (find(&norm, EASTING), find(&norm, NORTHING)) {
        CoordColumns::Projected { x, y }
    } else if let (Some(x), Some(y)) = (find(&norm, &["x"]), find(&norm, &["y"])) {
        CoordColumns::Xy { x, y }
    } else {
        return Err(no_coordinates(
            header,
            source,
            "no longitude/latitude (or x/y, easting/northing) columns were recognised",
        ));
    };
    Ok(ColumnMap { coords, attrs })
}

fn no_coordinates(header: &[String], source: &str, why: &str) -> Error {
    Error::Parse {
        path: source.into(),
        line: Some(1),
        message: format!(
            "no usable coordinate columns: {why}. The header has: {}. Name them with --lat/--lon (degrees) or --x/--y with --crs EPSG:NNNN (projected)",
            header.join(", ")
        ),
    }
}

impl ColumnMap {
    /// Role -> column name, for reports (`lat`, `lon`, `x`, `y`, `category`, `time`, `weight`, `id`).
    pub fn describe(&self, header: &[String]) -> BTreeMap<&'static str, String> {
        let mut m = BTreeMap::new();
        let name = |i: usize| header.get(i).cloned().unwrap_or_default();
        match self.coords {
            CoordColumns::LonLat { lon, lat } => {
                m.insert("lon", name(lon));
                m.insert("lat", name(lat));
            }
            CoordColumns::Projected { x, y } | CoordColumns::Xy { x, y } => {
                m.insert("x", name(x));
                m.insert("y", name(y));
            }
        }
        describe_attrs(&self.attrs, header, &mut m);
        m
    }
}

/// Adds the non-coordinate roles to a role -> name map.
pub(crate) fn describe_attrs(
    a: &Attributes,
    header: &[String],
    m: &mut BTreeMap<&'static str, String>,
) {
    let name = |i: usize| header.get(i).cloned().unwrap_or_default();
    if let Some(i) = a.category {
        m.insert("category", name(i));
    }
    if let Some(i) = a.time {
        match a.clock {
            Some(c) => m.insert("time", format!("{} + {}", name(i), name(c))),
            None => m.insert("time", name(i)),
        };
    }
    if let Some(i) = a.time_to {
        m.insert("time_to", name(i));
    }
    if let Some(i) = a.weight {
        m.insert("weight", name(i));
    }
    if let Some(i) = a.id {
        m.insert("id", name(i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn english_swedish_and_uk_police_headers_are_detected() {
        let none = ColumnNames::default();
        let uk = h(&[
            "Crime ID",
            "Month",
            "Reported by",
            "Falls within",
            "Longitude",
            "Latitude",
            "Location",
            "LSOA code",
            "LSOA name",
            "Crime type",
            "Last outcome category",
            "Context",
        ]);
        let m = detect(&uk, &none, "uk.csv").unwrap();
        assert_eq!(m.coords, CoordColumns::LonLat { lon: 4, lat: 5 });
        assert_eq!(m.attrs.category, Some(9));
        assert_eq!(m.attrs.time, Some(1));
        assert_eq!(m.attrs.id, Some(0));

        let se = h(&[
            "Ärendenummer",
            "Brottstyp",
            "Datum",
            "Latitud",
            "Longitud",
            "Vikt",
        ]);
        let m = detect(&se, &none, "se.csv").unwrap();
        assert_eq!(m.coords, CoordColumns::LonLat { lon: 4, lat: 3 });
        assert_eq!(
            (m.attrs.id, m.attrs.category, m.attrs.time, m.attrs.weight),
            (Some(0), Some(1), Some(2), Some(5))
        );

        let sf = h(&[
            "IncidntNum",
            "X_pr",
            "Y_pr",
            "Category",
            "Descript",
            "DayOfWeek",
            "Date",
            "lon",
            "lat",
            "x_ft",
        ]);
        let m = detect(&sf, &none, "sf.csv").unwrap();
        assert_eq!(m.coords, CoordColumns::LonLat { lon: 7, lat: 8 });
        assert_eq!(
            (m.attrs.id, m.attrs.category, m.attrs.time),
            (Some(0), Some(3), Some(6))
        );

        let xy = h(&["X", "Y", "TYPE"]);
        assert_eq!(
            detect(&xy, &none, "xy.csv").unwrap().coords,
            CoordColumns::Xy { x: 0, y: 1 }
        );
        let en = h(&["easting", "northing"]);
        assert_eq!(
            detect(&en, &none, "en.csv").unwrap().coords,
            CoordColumns::Projected { x: 0, y: 1 }
        );
    }

    #[test]
    fn flags_override_and_missing_columns_are_explained() {
        let hdr = h(&["a", "b", "kind", "when"]);
        let none = ColumnNames::default();
        let e = detect(&hdr, &none, "f.csv").unwrap_err().to_string();
        assert!(
            e.contains("no usable coordinate columns") && e.contains("a, b, kind, when"),
            "{e}"
        );
        let names = ColumnNames {
            lat: Some("A".into()),
            lon: Some("b".into()),
            category: Some("kind".into()),
            time: Some("when".into()),
            ..ColumnNames::default()
        };
        let m = detect(&hdr, &names, "f.csv").unwrap();
        assert_eq!(m.coords, CoordColumns::LonLat { lon: 1, lat: 0 });
        assert_eq!((m.attrs.category, m.attrs.time), (Some(2), Some(3)));
        let bad = ColumnNames {
            id: Some("nope".into()),
            ..names
        };
        let e = detect(&hdr, &bad, "f.csv").unwrap_err().to_string();
        assert!(
            e.contains("`id` = nope") && e.contains("no such column"),
            "{e}"
        );
    }

    #[test]
    fn from_and_to_columns_are_found_without_flags() {
        let none = ColumnNames::default();
        for (cols, from, to) in [
            (&["lat", "lon", "from", "to"][..], 2, 3),
            (&["Start", "End", "lat", "lon"][..], 0, 1),
            (&["lat", "lon", "Starttid", "Sluttid", "Datum"][..], 2, 3),
            (&["Från", "Till", "lat", "lon"][..], 0, 1),
            (&["Tidigast", "Senast", "lat", "lon", "Brottstyp"][..], 0, 1),
            (
                &["first_occurrence", "last_occurrence", "lat", "lon", "date"][..],
                0,
                1,
            ),
        ] {
            let m = detect(&h(cols), &none, "f.csv").unwrap();
            assert_eq!(
                (m.attrs.time, m.attrs.time_to),
                (Some(from), Some(to)),
                "{cols:?}"
            );
            assert_eq!(m.attrs.clock, None);
        }
        // A lone `to` goes with the time column; flags override detection.
        let m = detect(&h(&["lat", "lon", "datetime", "till"]), &none, "f.csv").unwrap();
        assert_eq!((m.attrs.time, m.attrs.time_to), (Some(2), Some(3)));
        let names = ColumnNames {
            time_from: Some("a".into()),
            time_to: Some("b".into()),
            ..ColumnNames::default()
        };
        let m = detect(&h(&["lat", "lon", "a", "b", "from", "to"]), &names, "f.csv").unwrap();
        assert_eq!((m.attrs.time, m.attrs.time_to), (Some(2), Some(3)));
        assert_eq!(
            m.describe(&h(&["lat", "lon", "a", "b", "from", "to"]))["time_to"],
            "b"
        );
        // A to column without any from/time column is not guessed at.
        let m = detect(&h(&["lat", "lon", "to"]), &none, "f.csv").unwrap();
        assert_eq!((m.attrs.time, m.attrs.time_to), (None, None));
        let to_only = ColumnNames {
            time_to: Some("to".into()),
            ..ColumnNames::default()
        };
        let e = detect(&h(&["lat", "lon", "to"]), &to_only, "f.csv").unwrap_err();
        assert!(e.to_string().contains("--time-from"), "{e}");
    }

    #[test]
    fn date_and_clock_columns_are_combined() {
        let hdr = h(&["Datum", "Tid", "lat", "lon"]);
        let m = detect(&hdr, &ColumnNames::default(), "f.csv").unwrap();
        assert_eq!((m.attrs.time, m.attrs.clock), (Some(0), Some(1)));
        assert_eq!(m.describe(&hdr)["time"], "Datum + Tid");
    }
}
