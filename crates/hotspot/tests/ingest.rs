//! Ingest tests: every rejection reason, separators, decimal styles, time formats,
//! encodings, degenerate files, strict mode, rejects files, GeoJSON geometries,
//! projected input, study areas, determinism, and the real files in `data/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

use hotspot::ingest::{
    Boundary, ColumnNames, CoordinateKind, Ingested, InputFormat, ReadOptions, TextEncoding,
    read_path,
};
use hotspot::{Crs, Error, RejectReason, TimeResolution};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn read(p: &Path) -> Ingested {
    read_path(p, &ReadOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

/// Reason -> lines of the rejections.
fn lines_by_reason(d: &Ingested) -> BTreeMap<RejectReason, Vec<u64>> {
    let mut m: BTreeMap<RejectReason, Vec<u64>> = BTreeMap::new();
    for r in &d.report.rejections {
        m.entry(r.reason).or_default().push(r.line);
    }
    m
}

/// Ten good rows in Vingåker town (lines 2-11 when first after the header).
fn good_rows() -> String {
    (0..10)
        .map(|i| {
            format!(
                "g{i},{:.4},{:.4},Klotter,2025-05-0{} 12:00,1\n",
                59.045 + 0.001 * f64::from(i),
                15.870 + 0.001 * f64::from(i),
                1 + i % 9
            )
        })
        .collect()
}

#[test]
fn every_csv_rejection_reason_is_counted_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "id,lat,lon,type,time,weight\n{}\
         m1,,15.87,A,,1\n\
         m2,abc,15.87,A,,1\n\
         m3,NaN,15.87,A,,1\n\
         m4,-200,15.87,A,,1\n\
         m5,59.0,190,A,,1\n\
         m6,15.871,59.046,A,,1\n\
         m7,0,0,A,,1\n\
         m8,59.33,18.07,A,,1\n\
         m9,59.05,15.88,A,yesterday,1\n\
         m10,59.05,15.88,A,,-2\n\
         m11,59.05,15.88,A\n\
         m12,120,59.0,A,,1\n\
         m13,59.05,inf,A,,1\n",
        good_rows()
    );
    let p = write(dir.path(), "all.csv", csv);
    let d = read(&p);
    let r = &d.report;
    assert_eq!(r.rows_read, 23);
    assert_eq!(r.accepted, 10);
    assert_eq!(r.rejected(), 13);
    use RejectReason::*;
    let expected: BTreeMap<RejectReason, Vec<u64>> = [
        (MissingCoordinate, vec![12]),
        (NotANumber, vec![13]),
        (NonFinite, vec![14, 24]),
        (LatitudeOutOfRange, vec![15]),
        (LongitudeOutOfRange, vec![16]),
        (SwappedLatLon, vec![17, 23]),
        (NullIsland, vec![18]),
        (FarFromData, vec![19]),
        (UnreadableTime, vec![20]),
        (InvalidWeight, vec![21]),
        (MalformedRow, vec![22]),
    ]
    .into_iter()
    .collect();
    assert_eq!(lines_by_reason(&d), expected);
    let by = r.rejected_by_reason();
    assert_eq!(by[&SwappedLatLon], 2);
    // Details name the offending value.
    let detail = |line| {
        r.rejections
            .iter()
            .find(|x| x.line == line)
            .unwrap()
            .detail
            .clone()
    };
    assert!(detail(13).contains("\"abc\""), "{}", detail(13));
    assert!(detail(20).contains("yesterday"), "{}", detail(20));
    assert!(detail(21).contains("-2"), "{}", detail(21));
    assert!(detail(22).contains("4 fields"), "{}", detail(22));
    assert!(detail(19).contains("km from the median"), "{}", detail(19));
    // The summary lists each reason with its lines.
    let s = r.summary();
    assert!(s.contains("23 rows read, 10 accepted, 13 rejected"), "{s}");
    assert!(s.contains("swapped_lat_lon: 2 (lines 17, 23)"), "{s}");
    // Accepted rows: ids, lon/lat kept, weight, category.
    let inc = &d.incidents;
    assert_eq!(inc.ids()[0], "g0");
    assert_eq!(inc.lonlat()[0], Some([15.870, 59.045]));
    assert_eq!(inc.category(0), "Klotter");
    assert_eq!(inc.times()[0].unwrap().resolution(), TimeResolution::Minute);
    assert_eq!(inc.crs(), Crs::SWEREF99_TM);
}

#[test]
fn projection_matches_the_proj_reference_point() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "one.csv", "lat,lon\n59.045,15.87\n59.0,15.0\n");
    let d = read(&p);
    let x = d.incidents.x();
    let y = d.incidents.y();
    // PROJ: cs2cs EPSG:4326 EPSG:3006.
    assert!((x[0] - 549_917.373).abs() < 1e-3 && (y[0] - 6_545_387.824).abs() < 1e-3);
    assert!((x[1] - 500_000.000).abs() < 1e-3 && (y[1] - 6_540_052.017).abs() < 1e-3);
    // Ids are the 1-based data rows when there is no id column.
    assert_eq!(d.incidents.ids(), &["1".to_string(), "2".to_string()]);
    // --crs chooses another working CRS for lon/lat input.
    let o = ReadOptions {
        crs: Some(Crs::from_epsg(32633).unwrap()),
        ..ReadOptions::default()
    };
    let d = read_path(&p, &o).unwrap();
    assert_eq!(d.incidents.crs().epsg(), 32633);
    assert_eq!(d.report.crs_reason, "given with --crs");
    // A CRS in degrees cannot be the working CRS.
    let o = ReadOptions {
        crs: Some(Crs::WGS84),
        ..ReadOptions::default()
    };
    assert!(matches!(read_path(&p, &o), Err(Error::Crs { .. })));
}

#[test]
fn separators_and_decimal_styles() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "comma.csv",
            "lat,lon,typ\n59.045,15.87,A\n59.046,15.871,\"B, C\"\n",
            b',',
        ),
        (
            "semicolon.csv",
            "Latitud;Longitud;Typ\n59,045;15,87;A\n59.046;15.871;B, C\n",
            b';',
        ),
        (
            "tab.tsv",
            "lat\tlon\ttyp\n59,045\t15,87\tA\n59.046\t15.871\tB, C\n",
            b'\t',
        ),
    ];
    for (name, text, sep) in files {
        let p = write(dir.path(), name, text);
        let d = read(&p);
        assert_eq!(
            d.report.format,
            InputFormat::Csv { delimiter: sep },
            "{name}"
        );
        assert_eq!(d.report.accepted, 2, "{name}: {}", d.report.summary());
        assert_eq!(d.incidents.lonlat()[0], Some([15.87, 59.045]), "{name}");
        assert_eq!(d.incidents.category(1), "B, C", "{name}");
    }
    // Decimal commas are not numbers in comma-separated files (they would be two fields).
    let p = write(
        dir.path(),
        "pipe.txt",
        "lat|lon\n59,045|15,87\n59.046|15.871\n",
    );
    let o = ReadOptions {
        delimiter: Some(b'|'),
        ..ReadOptions::default()
    };
    let d = read_path(&p, &o).unwrap();
    assert_eq!(d.report.accepted, 2);
    // A number with both a comma and a point is not a number.
    let p = write(
        dir.path(),
        "bad.csv",
        "lat;lon\n59,045;15,87\n1.059,045;15,87\n",
    );
    let d = read(&p);
    assert_eq!(lines_by_reason(&d)[&RejectReason::NotANumber], vec![3]);
}

#[test]
fn every_time_format_including_dst_and_months() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        (
            "2026-08-22T09:48:12+02:00",
            "2026-08-22T09:48:12+02:00",
            "second",
        ),
        (
            "2026-08-22T07:48:12Z",
            "2026-08-22T07:48:12+00:00",
            "second",
        ),
        (
            "2026-08-22 9:48:12 +02:00",
            "2026-08-22T09:48:12+02:00",
            "second",
        ),
        ("2026-08-22 09:48", "2026-08-22T09:48:00+02:00", "minute"),
        ("2026-01-22 09:48:30", "2026-01-22T09:48:30+01:00", "second"),
        ("2026-03-29 02:30", "2026-03-29T03:30:00+02:00", "minute"),
        ("2026-10-25 02:30", "2026-10-25T02:30:00+02:00", "minute"),
        ("2012-07-02", "2012-07-02", "day"),
        ("2024-03", "2024-03", "month"),
        ("", "", "none"),
    ];
    let mut csv = String::from("lat,lon,time\n");
    for (t, _, _) in rows {
        csv.push_str(&format!("59.045,15.87,{t}\n"));
    }
    let p = write(dir.path(), "times.csv", csv);
    let d = read(&p);
    assert_eq!(d.report.rejected(), 0, "{}", d.report.summary());
    for (i, (input, shown, res)) in rows.iter().enumerate() {
        let t = d.incidents.times()[i];
        assert_eq!(
            t.map(|t| t.to_string()).unwrap_or_default(),
            *shown,
            "{input}"
        );
        assert_eq!(
            t.map(|t| t.resolution().as_str()).unwrap_or("none"),
            *res,
            "{input}"
        );
    }
    // The set's resolution is the coarsest; a month has no hour.
    assert_eq!(d.incidents.time_resolution(), Some(TimeResolution::Month));
    assert_eq!(d.incidents.times()[8].unwrap().hour(), None);
    // Another zone.
    let o = ReadOptions {
        timezone: chrono_tz::America::Chicago,
        ..ReadOptions::default()
    };
    let d = read_path(&p, &o).unwrap();
    assert_eq!(
        d.incidents.times()[3].unwrap().to_string(),
        "2026-08-22T09:48:00-05:00"
    );

    // A date column and a clock column are read together.
    let p = write(
        dir.path(),
        "datum_tid.csv",
        "Datum;Tid;Latitud;Longitud\n2025-05-02;21:15;59,045;15,87\n2025-05-03;;59,045;15,87\n",
    );
    let d = read(&p);
    assert_eq!(
        d.incidents.times()[0].unwrap().to_string(),
        "2025-05-02T21:15:00+02:00"
    );
    assert_eq!(d.incidents.times()[1].unwrap().to_string(), "2025-05-03");
    assert_eq!(d.report.columns["time"], "Datum + Tid");
}

#[test]
fn bom_and_non_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bom.csv",
        "\u{feff}Latitud,Longitud,Brottstyp\n59.045,15.87,Skadegörelse\n",
    );
    let d = read(&p);
    assert_eq!(d.report.columns["lat"], "Latitud");
    assert_eq!(d.incidents.category(0), "Skadegörelse");
    assert!(d.report.notes.iter().any(|n| n.contains("byte-order mark")));

    // Latin-1 "Skadegörelse" on line 3.
    let mut bytes = b"lat,lon,typ\n59.045,15.87,A\n59.045,15.87,Skadeg".to_vec();
    bytes.push(0xF6);
    bytes.extend_from_slice(b"relse\n");
    let p = write(dir.path(), "latin1.csv", bytes);
    // Detected: not UTF-8, valid Windows-1252, read as such with a note.
    let d = read(&p);
    assert_eq!(d.incidents.category(1), "Skadegörelse");
    assert!(d.report.notes.iter().any(|n| n.contains("Windows-1252")));
    // Declared UTF-8: the row diagnostic names the line and field.
    let utf8 = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..ReadOptions::default()
    };
    match read_path(&p, &utf8) {
        Err(Error::Parse { line, message, .. }) => {
            assert_eq!(line, Some(3));
            assert!(
                message.contains("not UTF-8") && message.contains("field 3"),
                "{message}"
            );
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn empty_header_only_and_no_coordinate_files_get_one_clear_error_each() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("empty.csv", "", "the file is empty"),
        ("blank.csv", "\u{feff}\n  \n", "the file is empty"),
        (
            "header.csv",
            "lat,lon,type\n",
            "header line but no data rows",
        ),
        (
            "nocoord.csv",
            "id,type,when\n1,A,2024-01\n",
            "no usable coordinate columns",
        ),
        ("empty.geojson", "", "the file is empty"),
        (
            "nofeat.geojson",
            r#"{"type":"FeatureCollection","features":[]}"#,
            "no features",
        ),
        (
            "notfc.geojson",
            r#"{"type":"Topology"}"#,
            "expected a GeoJSON FeatureCollection",
        ),
        ("badjson.geojson", "{\n\"type\": \n", "not valid JSON"),
    ];
    for (name, text, needle) in cases {
        let p = write(dir.path(), name, text);
        let e = read_path(&p, &ReadOptions::default()).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::Parse { .. }), "{name}: {msg}");
        assert!(msg.contains(needle), "{name}: {msg}");
        assert!(
            msg.contains(name),
            "{name}: the message names the file: {msg}"
        );
    }
    // No row with usable coordinates at all.
    let p = write(dir.path(), "allbad.csv", "lat,lon\n,\nx,y\n");
    let e = read_path(&p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, Error::InsufficientData(_)), "{e}");
    assert!(
        e.to_string()
            .contains("missing_coordinate: 1, not_a_number: 1"),
        "{e}"
    );
}

#[test]
fn strict_mode_stops_at_the_first_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    // Line 3 is far from the data (found after projection), line 5 is not a
    // number (found while parsing): strict reports line 3, the first.
    let csv = format!("id,lat,lon,type,time,weight\n{}", good_rows()).replacen(
        "g1,59.0460,15.8710",
        "g1,59.33,18.07",
        1,
    ) + "x,abc,1,A,,1\n";
    let p = write(dir.path(), "strict.csv", csv);
    let lax = read(&p);
    assert_eq!(lax.report.rejected(), 2);
    let o = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    match read_path(&p, &o) {
        Err(Error::Rejected {
            line, reason, path, ..
        }) => {
            assert_eq!((line, reason), (3, RejectReason::FarFromData));
            assert_eq!(path, p);
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    // A clean file passes strict mode.
    let p = write(
        dir.path(),
        "clean.csv",
        format!("id,lat,lon,type,time,weight\n{}", good_rows()),
    );
    assert_eq!(read_path(&p, &o).unwrap().report.rejected(), 0);
}

#[test]
fn rejects_file_holds_the_rows_verbatim_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\u{feff}id;lat;lon;note\r\n\
               1;59,045;15,87;ok\r\n\
               2;;15,87;\"semi; colon\"\r\n\
               3;59,045;15,87;ok\r\n\
               4;0;0;\"two\r\nlines\"\r\n\
               5;59,046;15,871;ok";
    let p = write(dir.path(), "in.csv", csv);
    let d = read(&p);
    assert_eq!(lines_by_reason(&d).len(), 2);
    let out = dir.path().join("rejects.csv");
    d.report.write_rejects(&out).unwrap();
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        got,
        "line;reason;detail;id;lat;lon;note\n\
         3;missing_coordinate;latitude is empty;2;;15,87;\"semi; colon\"\n\
         5;null_island;coordinates 0,0;4;0;0;\"two\r\nlines\"\n"
    );
    // The rejects file is itself a valid CSV with the input's columns after line, reason, detail.
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(&out)
        .unwrap();
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(&recs[1][6], "two\r\nlines");
}

#[test]
fn blank_lines_are_skipped_and_rows_after_them_keep_their_own_line() {
    // LF and CRLF blank lines, before the header, between rows and at the end
    // (as spreadsheet exports leave them); one file with quotes, one without.
    let dir = tempfile::tempdir().unwrap();
    for (name, note) in [("plain.csv", "ok"), ("quoted.csv", "\"o,k\"")] {
        let csv = format!(
            "\r\nid,lat,lon,note\r\n\r\n1,59.045,15.87,{note}\r\n\n\n2,x,15.87,{note}\r\n\r\n\r\n3,59.046,15.871,ok\r\n\r\n"
        );
        let p = write(dir.path(), name, csv);
        let d = read(&p);
        assert_eq!(d.report.rows_read, 3, "{name}");
        assert_eq!(d.incidents.ids(), ["1", "3"], "{name}");
        assert_eq!(
            lines_by_reason(&d),
            BTreeMap::from([(RejectReason::NotANumber, vec![7])]),
            "{name}"
        );
        let out = dir.path().join("rejects.csv");
        d.report.write_rejects(&out).unwrap();
        let got = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            got,
            format!(
                "line,reason,detail,id,lat,lon,note\n7,not_a_number,\"latitude = \"\"x\"\"\",2,x,15.87,{note}\n"
            ),
            "{name}"
        );
    }
}

#[test]
fn geojson_with_mixed_geometries_reports_each_feature() {
    let d = read(&fixture("mixed_geometries.geojson"));
    let r = &d.report;
    assert_eq!(r.format, InputFormat::GeoJson);
    // 10 features, one MultiPoint of two points: 11 rows.
    assert_eq!((r.rows_read, r.accepted, r.rejected()), (11, 4, 7));
    use RejectReason::*;
    let expected: BTreeMap<RejectReason, Vec<u64>> = [
        (UnsupportedGeometry, vec![3, 4]),
        (MissingCoordinate, vec![5]),
        (UnreadableTime, vec![6]),
        (InvalidWeight, vec![7]),
        (MalformedRow, vec![8]),
        (NullIsland, vec![9]),
    ]
    .into_iter()
    .collect();
    assert_eq!(lines_by_reason(&d), expected);
    assert!(r.rejections[0].detail.starts_with("LineString"));
    assert!(r.rejections[1].detail.starts_with("Polygon"));
    assert!(
        r.summary()
            .contains("unsupported_geometry: 2 (features 3, 4)")
    );
    let inc = &d.incidents;
    assert_eq!(inc.ids(), &["a1", "2.1", "2.2", "10"].map(String::from));
    assert_eq!(inc.weights(), &[2.0, 1.0, 1.0, 1.0]);
    assert_eq!(inc.category(1), "Misshandel");
    assert_eq!(inc.lonlat()[2], Some([15.8720, 59.0455]));
    let res: Vec<_> = inc
        .times()
        .iter()
        .map(|t| t.unwrap().resolution())
        .collect();
    use TimeResolution::*;
    assert_eq!(res, vec![Minute, Day, Day, Month]);
    assert_eq!(r.columns["category"], "brottstyp");
    assert_eq!(r.columns["weight"], "vikt");

    // The rejects file for GeoJSON holds each feature's JSON.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rej.csv");
    r.write_rejects(&out).unwrap();
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 7);
    assert_eq!((&recs[0][0], &recs[0][1]), ("3", "unsupported_geometry"));
    let f: serde_json::Value = serde_json::from_str(&recs[0][3]).unwrap();
    assert_eq!(f["geometry"]["type"], "LineString");
}

#[test]
fn projected_input_needs_its_crs() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "sweref.csv",
        "easting,northing,typ\n549917.373,6545387.824,A\n550000,6545400,B\n",
    );
    let e = read_path(&p, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--crs EPSG:NNNN") && e.contains("easting"),
        "{e}"
    );
    let o = ReadOptions {
        crs: Some(Crs::SWEREF99_TM),
        ..ReadOptions::default()
    };
    let d = read_path(&p, &o).unwrap();
    assert_eq!(d.report.coordinates, CoordinateKind::Projected);
    assert_eq!(d.incidents.x()[0], 549_917.373);
    assert_eq!(d.incidents.lonlat()[0], None);
    let [lon, lat] = d.projector.to_lonlat(549_917.373, 6_545_387.824).unwrap();
    assert!((lon - 15.87).abs() < 1e-8 && (lat - 59.045).abs() < 1e-8);

    // Columns called x/y: degrees are read as lon/lat, metres need --crs.
    let p = write(
        dir.path(),
        "xy_deg.csv",
        "X,Y\n15.87,59.045\n15.871,59.046\n",
    );
    let d = read(&p);
    assert_eq!(d.report.coordinates, CoordinateKind::LonLat);
    assert_eq!(d.report.columns["lon"], "X");
    let p = write(dir.path(), "xy_m.csv", "X,Y\n549917.373,6545387.824\n");
    assert!(read_path(&p, &ReadOptions::default()).is_err());
    let d = read_path(&p, &o).unwrap();
    assert_eq!(d.report.coordinates, CoordinateKind::Projected);
    // Flags name the columns.
    let p = write(dir.path(), "odd.csv", "a;b;c\n6545387,824;549917,373;x\n");
    let o2 = ReadOptions {
        crs: Some(Crs::SWEREF99_TM),
        columns: ColumnNames {
            x: Some("b".into()),
            y: Some("a".into()),
            category: Some("c".into()),
            ..ColumnNames::default()
        },
        ..ReadOptions::default()
    };
    let d = read_path(&p, &o2).unwrap();
    assert_eq!(d.incidents.position(0), [549_917.373, 6_545_387.824]);
    // A CRS in feet is refused as working CRS.
    let o3 = ReadOptions {
        crs: Some(Crs::from_epsg(2227).unwrap()),
        ..o2
    };
    let e = read_path(&p, &o3).unwrap_err();
    assert!(matches!(e, Error::Crs { .. }), "{e}");
}

#[test]
fn study_area_clips_and_swapped_rows_inside_it_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "sa.csv",
        "lat,lon\n59.045,15.87\n59.05,15.88\n59.10,15.95\n15.871,59.046\n59.04,15.86\n",
    );
    for b in [
        "study_area_square.geojson",
        "study_area_square_sweref.geojson",
    ] {
        let boundary = Boundary::read(&fixture(b), None).unwrap();
        let o = ReadOptions {
            boundary: Some(boundary),
            ..ReadOptions::default()
        };
        let d = read_path(&p, &o).unwrap();
        let sa = d.study_area.as_ref().unwrap();
        assert!(sa.contains(549_917.373, 6_545_387.824), "{b}");
        let m = lines_by_reason(&d);
        assert_eq!(m[&RejectReason::OutsideStudyArea], vec![4], "{b}");
        assert_eq!(m[&RejectReason::SwappedLatLon], vec![5], "{b}");
        if b.contains("sweref") {
            // The 2 km square: (59.05, 15.88) is 0.6 km N, 0.6 km E of the centre: inside;
            // (59.04, 15.86) is about 0.6 km S, 0.6 km W: inside.
            assert!((sa.area_km2() - 4.0).abs() < 1e-9);
        }
        assert_eq!(d.incidents.len(), 3, "{b}");
    }
    // A boundary that is not a polygon is an error naming the feature.
    let e = Boundary::read(&fixture("mixed_geometries.geojson"), None).unwrap_err();
    assert!(e.to_string().contains("feature 1 is a Point"), "{e}");
}

#[test]
fn far_from_data_threshold_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    // Stockholm (about 125 km from Vingåker) among Vingåker rows.
    let csv = format!(
        "id,lat,lon,type,time,weight\n{}s,59.33,18.07,A,,1\n",
        good_rows()
    );
    let p = write(dir.path(), "far.csv", csv);
    assert_eq!(read(&p).report.rejected(), 1);
    let o = ReadOptions {
        max_distance_m: Some(200_000.0),
        ..ReadOptions::default()
    };
    assert_eq!(read_path(&p, &o).unwrap().report.rejected(), 0);
    let o = ReadOptions {
        max_distance_m: None,
        ..ReadOptions::default()
    };
    assert_eq!(read_path(&p, &o).unwrap().report.rejected(), 0);
    let o = ReadOptions {
        max_distance_m: Some(5_000.0),
        ..ReadOptions::default()
    };
    assert_eq!(read_path(&p, &o).unwrap().report.rejected(), 1);
}

#[test]
fn large_files_are_read_in_order_whatever_the_thread_count() {
    // More rows than one parallel chunk (16384), with bad rows at known lines.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id;lat;lon;typ;tid\n");
    let n = 40_000;
    for i in 0..n {
        let line = i + 2;
        if line % 9_999 == 0 {
            csv.push_str(&format!("{i};;15,87;A;2025-01-01\n"));
        } else {
            csv.push_str(&format!(
                "{i};{},{:04};15,{:04};{};2025-{:02}-{:02} {}:{:02}\n",
                59,
                (i * 7919) % 10_000,
                (i * 104_729) % 10_000,
                ["A", "B", "C"][i % 3],
                1 + i % 12,
                1 + i % 28,
                i % 24,
                i % 60
            ));
        }
    }
    let p = write(dir.path(), "big.csv", csv);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| read(&p))
    };
    let a = run(1);
    let b = run(2);
    assert_eq!(a.report.rows_read, n as u64);
    let bad: Vec<u64> = (2..=n as u64 + 1).filter(|l| l % 9_999 == 0).collect();
    assert_eq!(lines_by_reason(&a)[&RejectReason::MissingCoordinate], bad);
    // Ids come from the id column (= i, line i + 2); rows i = 9997 and 19996 were rejected.
    assert_eq!(a.incidents.ids()[20_000], "20002");
    {
        let (x, y) = (&a, &b);
        assert_eq!(x.incidents.x(), y.incidents.x());
        assert_eq!(x.incidents.y(), y.incidents.y());
        assert_eq!(x.incidents.ids(), y.incidents.ids());
        assert_eq!(x.incidents.category_ids(), y.incidents.category_ids());
        assert_eq!(x.incidents.times(), y.incidents.times());
        assert_eq!(x.report.rejections, y.report.rejections);
    }
}

#[test]
fn categories_keep_first_appearance_order_and_the_first_bad_line_wins_across_chunks() {
    // 50 000 rows (several parallel chunks of 16 384): new categories first
    // appear far apart, some only in rejected rows; then two Latin-1 bytes.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("lat,lon,typ\n");
    let mut want: Vec<String> = Vec::new();
    let n = 50_000usize;
    for i in 0..n {
        let cat = if i % 997 == 0 {
            format!("new{}", i / 997)
        } else {
            format!("old{}", (i / 7) % 5)
        };
        if i % 4_000 == 3 {
            // Rejected row: its category must not count.
            csv.push_str(&format!("91.5,15.8,only{i}\n"));
            continue;
        }
        if !want.contains(&cat) {
            want.push(cat.clone());
        }
        csv.push_str(&format!(
            "59.{:04},15.{:04},{cat}\n",
            (i * 7919) % 10_000,
            (i * 104_729) % 10_000
        ));
    }
    let p = write(dir.path(), "cats.csv", &csv);
    let d = read(&p);
    assert_eq!(d.report.rows_read, n as u64);
    assert_eq!(d.incidents.category_names(), want.as_slice());
    // Every incident's category is the one on its line.
    let lines: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("91.5"))
        .collect();
    for (k, l) in lines.iter().enumerate().step_by(1_013) {
        let name = &d.incidents.category_names()[d.incidents.category_ids()[k] as usize];
        assert!(l.ends_with(&format!(",{name}")), "{k}: {l} vs {name}");
    }

    let mut bytes: Vec<u8> = Vec::new();
    for (k, l) in csv.lines().enumerate() {
        let line = k as u64 + 1;
        if line == 30_001 || line == 45_002 {
            bytes.extend_from_slice(b"59.1,15.9,Skadeg\xF6relse\n");
        } else {
            bytes.extend_from_slice(l.as_bytes());
            bytes.push(b'\n');
        }
    }
    let p = write(dir.path(), "latin1.csv", &bytes);
    let utf8 = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..ReadOptions::default()
    };
    match read_path(&p, &utf8) {
        Err(Error::Parse { line, message, .. }) => {
            assert_eq!(line, Some(30_001), "{message}");
            assert!(message.contains("UTF-8"), "{message}");
        }
        other => panic!(
            "expected a UTF-8 error, got {:?}",
            other.map(|d| d.report.accepted)
        ),
    }
}

#[test]
fn windows_1252_file_with_swedish_letters_is_read_with_row_diagnostics() {
    // A Windows-1252 export: "å ä ö Å Ä Ö" as single bytes, semicolons, decimal commas, and
    // one bad latitude on line 4.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"Latitud;Longitud;Brottstyp;Plats\n".to_vec();
    bytes.extend_from_slice(b"59,045;15,87;Skadeg\xF6relse;V\xE5rdcentralen\n");
    bytes.extend_from_slice(b"59,046;15,871;Misshandel;\xC5sa torg \xC4\xD6\n");
    bytes.extend_from_slice(b"abc;15,872;Klotter;Stora g\xE4rdet\n");
    bytes.extend_from_slice(b"59,047;15,873;Klotter;\x80 \xE4\n");
    let p = write(dir.path(), "cp1252.csv", &bytes);
    let detected = read(&p);
    let names: Vec<&str> = (0..detected.incidents.len())
        .map(|i| detected.incidents.category(i))
        .collect();
    assert_eq!(names, ["Skadegörelse", "Misshandel", "Klotter"]);
    assert!(
        detected
            .report
            .notes
            .iter()
            .any(|n| n.contains("Windows-1252")),
        "{:?}",
        detected.report.notes
    );
    assert_eq!(detected.report.rejections.len(), 1);
    assert_eq!(detected.report.rejections[0].line, 4);
    // Declared, the same result without the note.
    let declared = read_path(
        &p,
        &ReadOptions {
            encoding: Some(TextEncoding::parse("windows-1252").unwrap()),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(declared.incidents.category(0), "Skadegörelse");
    assert!(
        !declared
            .report
            .notes
            .iter()
            .any(|n| n.contains("not valid UTF-8"))
    );
    assert_eq!(declared.report.rejections[0].line, 4);
    // Latin-1 agrees on these letters (0x80 is a control character there, the euro sign in 1252).
    let latin1 = read_path(
        &p,
        &ReadOptions {
            encoding: Some(TextEncoding::Latin1),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(latin1.incidents.category(0), "Skadegörelse");
    assert!(TextEncoding::parse("ebcdic").is_err());
}

// ---- The real files in data/ -------------------------------------------------

#[test]
fn memphis_robberies() {
    let d = read(&data("memphis-robberies/memphis_robberies.csv"));
    assert_eq!((d.report.rows_read, d.report.accepted), (2245, 2245));
    assert_eq!(d.incidents.crs().epsg(), 32616);
    assert_eq!(
        d.incidents.category_names(),
        &["personal robbery".to_string()]
    );
    assert_eq!(d.incidents.ids()[0], "15213800");
    // Naive local times in the default zone get a note that the data are elsewhere.
    assert!(d.report.notes.iter().any(|n| n.contains("--timezone")));
    let o = ReadOptions {
        timezone: chrono_tz::America::Chicago,
        ..ReadOptions::default()
    };
    let d = read_path(&data("memphis-robberies/memphis_robberies.csv"), &o).unwrap();
    assert_eq!(
        d.incidents.times()[0].unwrap().to_string(),
        "2019-01-01T01:30:00-06:00"
    );
    // The precinct polygons are not incidents: every feature is reported.
    let e = read_path(
        &data("memphis-robberies/memphis_precincts.geojson"),
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unsupported_geometry: 9"), "{e}");
}

#[test]
fn polisen_events_sodermanland() {
    let d = read(&data("polisen-events-sodermanland/events.csv"));
    assert_eq!((d.report.rows_read, d.report.accepted), (2471, 2471));
    assert_eq!(d.incidents.crs(), Crs::SWEREF99_TM);
    assert!(d.incidents.category_id("Skadegörelse").is_some());
    assert_eq!(d.incidents.time_resolution(), Some(TimeResolution::Second));
    assert_eq!(d.incidents.ids()[0], "376485");
    assert_eq!(
        d.incidents.times()[0].unwrap().to_string(),
        "2022-10-17T13:27:48+02:00"
    );
}

#[test]
fn john_snow_deaths() {
    let d = read(&data("john-snow/deaths.geojson"));
    assert_eq!((d.report.rows_read, d.report.accepted), (578, 578));
    assert_eq!(d.incidents.crs().epsg(), 32630);
    assert_eq!(d.report.columns["id"], "ID");
    assert!(!d.incidents.has_times());
}

#[test]
fn sf_crime_prefers_lonlat_and_keeps_day_resolution() {
    let d = read(&data("sf-crime-2012/incidents.csv"));
    assert_eq!((d.report.rows_read, d.report.accepted), (13_472, 13_472));
    assert_eq!(d.incidents.crs().epsg(), 32610);
    assert_eq!(d.report.columns["lon"], "lon");
    assert_eq!(d.report.columns["id"], "IncidntNum");
    assert_eq!(d.incidents.time_resolution(), Some(TimeResolution::Day));
    assert_eq!(d.incidents.category_names().len(), 4);
}

#[test]
fn west_yorkshire_style_police_csv() {
    let d = read(&data(
        "west-yorkshire-synthetic/west-yorkshire-street-synthetic.csv",
    ));
    let r = &d.report;
    assert_eq!((r.rows_read, r.accepted, r.rejected()), (360, 348, 12));
    let m = lines_by_reason(&d);
    assert_eq!(m.len(), 1);
    assert_eq!(m[&RejectReason::MissingCoordinate].len(), 12);
    assert_eq!(r.columns["time"], "Month");
    assert_eq!(r.columns["category"], "Crime type");
    assert_eq!(d.incidents.time_resolution(), Some(TimeResolution::Month));
    assert!(
        d.incidents
            .times()
            .iter()
            .all(|t| t.unwrap().hour().is_none())
    );
    assert_eq!(d.incidents.crs().epsg(), 32630);
    // Anti-social behaviour rows have no Crime ID: their id is the data row.
    let asb = d.incidents.category_id("Anti-social behaviour").unwrap();
    let i = d
        .incidents
        .category_ids()
        .iter()
        .position(|&c| c == asb)
        .unwrap();
    assert!(d.incidents.ids()[i].parse::<u64>().is_ok());
}

#[test]
fn geojson_projected_input_encoding_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    // A legacy `crs` member declares projected input: the working CRS is that CRS.
    let p = write(
        dir.path(),
        "sweref.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3006"}},
           "features":[{"type":"Feature","properties":{"typ":"Klotter"},"geometry":{"type":"Point","coordinates":[549917.373,6545387.824]}}]}"#,
    );
    let d = read(&p);
    assert_eq!(d.report.coordinates, CoordinateKind::Projected);
    assert_eq!(d.incidents.crs(), Crs::SWEREF99_TM);
    assert_eq!(d.incidents.position(0), [549_917.373, 6_545_387.824]);
    assert!(
        d.report.crs_reason.contains("crs"),
        "{}",
        d.report.crs_reason
    );
    // Metres without a `crs` member need --crs.
    let p = write(
        dir.path(),
        "metres.geojson",
        "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[549917.373,6545387.824]}}]}",
    );
    let e = read_path(&p, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("not degrees") && e.contains("--crs"), "{e}");
    let o = ReadOptions {
        crs: Some(Crs::SWEREF99_TM),
        ..ReadOptions::default()
    };
    assert_eq!(read_path(&p, &o).unwrap().incidents.len(), 1);
    // Not UTF-8: the error names the line.
    let mut bytes = b"{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"typ\":\"Skadeg".to_vec();
    bytes.push(0xF6);
    bytes.extend_from_slice(
        b"relse\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[15.87,59.045]}}]}",
    );
    let p = write(dir.path(), "latin1.geojson", bytes);
    match read_path(&p, &ReadOptions::default()) {
        Err(Error::Parse { line, message, .. }) => {
            assert_eq!(line, Some(3));
            assert!(message.contains("not UTF-8"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    // Coordinate column flags make no sense for GeoJSON.
    let o = ReadOptions {
        columns: ColumnNames {
            lat: Some("lat".into()),
            ..ColumnNames::default()
        },
        ..ReadOptions::default()
    };
    assert!(read_path(&fixture("mixed_geometries.geojson"), &o).is_err());
}
