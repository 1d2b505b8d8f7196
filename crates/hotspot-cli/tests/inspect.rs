//! `hotspot inspect` and the shared ingest flags, run as the real binary in temp dirs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

mod common;

use common::{data, run, stderr, stdout};
use serde_json::Value;
use std::path::Path;

fn inspect_json(file: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["inspect", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}: {}", file.display(), stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

const KEYS: [&str; 11] = [
    "rows_read",
    "accepted",
    "rejected",
    "rejected_by_reason",
    "columns",
    "crs",
    "extent_lonlat",
    "extent_m",
    "categories",
    "time_span",
    "time_resolution",
];

#[test]
fn inspect_reads_every_data_file_without_flags() {
    // (file, rows read, accepted, crs, time resolution)
    let cases = [
        (
            "memphis-robberies/memphis_robberies.csv",
            2245,
            2245,
            "EPSG:32616",
            Some("second"),
        ),
        (
            "polisen-events-sodermanland/events.csv",
            2471,
            2471,
            "EPSG:3006",
            Some("second"),
        ),
        ("john-snow/deaths.geojson", 578, 578, "EPSG:32630", None),
        (
            "vingaker/incidents.csv",
            4000,
            4000,
            "EPSG:3006",
            Some("second"),
        ),
        (
            "sf-crime-2012/incidents.csv",
            13472,
            13472,
            "EPSG:32610",
            Some("day"),
        ),
        (
            "west-yorkshire-synthetic/west-yorkshire-street-synthetic.csv",
            360,
            348,
            "EPSG:32630",
            Some("month"),
        ),
    ];
    for (file, read, accepted, crs, res) in cases {
        let path = data(file);
        let j = inspect_json(&path, &[]);
        for k in KEYS {
            assert!(j.get(k).is_some(), "{file}: key {k} missing in {j}");
        }
        assert_eq!(j["rows_read"], read, "{file}");
        assert_eq!(j["accepted"], accepted, "{file}");
        assert_eq!(j["rejected"], read - accepted, "{file}");
        assert_eq!(j["crs"], crs, "{file}");
        assert_eq!(j["time_resolution"].as_str(), res, "{file}");
        // The sample's found-afterwards records (datetime..senast), counted directly in the file.
        let intervals = if file.starts_with("vingaker/") {
            let text = std::fs::read_to_string(&path).unwrap();
            let n = text.lines().skip(1).filter(|l| !l.ends_with(',')).count();
            assert!(n > 500, "{n}");
            n
        } else {
            0
        };
        assert_eq!(j["time_intervals"], intervals, "{file}");
        let sum: u64 = j["categories"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(sum, accepted, "{file}: category counts add up");
        let ll = j["extent_lonlat"].as_array().unwrap();
        let m = j["extent_m"].as_array().unwrap();
        assert_eq!((ll.len(), m.len()), (4, 4), "{file}");
        assert!(ll[0].as_f64() <= ll[2].as_f64() && m[1].as_f64() <= m[3].as_f64());
        // Text mode prints the same facts, and the summary goes to stderr.
        let o = run(&["inspect", path.to_str().unwrap()]);
        assert!(o.status.success());
        let out = stdout(&o);
        assert!(
            out.contains(&format!("{read} read, {accepted} accepted")),
            "{out}"
        );
        assert!(out.contains(crs), "{out}");
        assert!(
            stderr(&o).contains(&format!("{read} rows read")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn skipped_rows_are_reported_by_reason_with_lines() {
    let path = data("west-yorkshire-synthetic/west-yorkshire-street-synthetic.csv");
    let j = inspect_json(&path, &[]);
    assert_eq!(j["rejected_by_reason"]["missing_coordinate"], 12);
    assert_eq!(j["columns"]["lon"], "Longitude");
    assert_eq!(j["columns"]["lat"], "Latitude");
    assert_eq!(j["columns"]["category"], "Crime type");
    assert_eq!(j["columns"]["time"], "Month");
    assert_eq!(j["columns"]["id"], "Crime ID");
    assert_eq!(j["time_span"], serde_json::json!(["2024-01", "2024-03"]));
    let o = run(&["inspect", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("360 rows read, 348 accepted, 12 rejected"),
        "{err}"
    );
    assert!(err.contains("missing_coordinate: 12 (lines "), "{err}");
    // --quiet: no summary.
    let o = run(&["inspect", path.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

#[test]
fn strict_and_rejects_flags() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.csv");
    std::fs::write(
        &f,
        "id,lat,lon\na,59.045,15.87\nb,,15.87\nc,0,0\nd,59.046,15.871\n",
    )
    .unwrap();
    let rej = dir.path().join("rejects.csv");
    let o = run(&[
        "inspect",
        f.to_str().unwrap(),
        "--rejects",
        rej.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&rej).unwrap(),
        "line,reason,detail,id,lat,lon\n3,missing_coordinate,latitude is empty,b,,15.87\n4,null_island,\"coordinates 0,0\",c,0,0\n"
    );
    assert!(stderr(&o).contains("rejected rows written to"));
    let o = run(&["inspect", f.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("line 3: rejected (missing_coordinate)"),
        "{err}"
    );
}

#[test]
fn clear_errors_for_bad_files_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let cases = [
        (write("empty.csv", ""), vec![], "the file is empty"),
        (write("hdr.csv", "lat,lon\n"), vec![], "no data rows"),
        (
            write("nocoord.csv", "a,b\n1,2\n"),
            vec![],
            "no usable coordinate columns",
        ),
        (
            write("proj.csv", "easting,northing\n549917,6545387\n"),
            vec![],
            "--crs EPSG:NNNN",
        ),
        (
            write("ok.csv", "lat,lon\n59.045,15.87\n"),
            vec!["--crs", "EPSG:4326"],
            "degrees",
        ),
        (
            write("ok2.csv", "lat,lon\n59.045,15.87\n"),
            vec!["--timezone", "Mars/Base"],
            "timezone",
        ),
        (
            write("ok3.csv", "lat,lon\n59.045,15.87\n"),
            vec!["--lat", "nope"],
            "no such column",
        ),
        (
            write("ok4.csv", "lat,lon\n59.045,15.87\n"),
            vec!["--max-distance-km=-3"],
            "max_distance_km",
        ),
    ];
    for (p, extra, needle) in cases {
        let mut args = vec!["inspect", p.to_str().unwrap()];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}: {}", p.display(), stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(needle), "{}: {err}", p.display());
        assert!(!err.contains("panicked"), "{err}");
    }
    // A missing file is bad input: exit 2, the cause printed once.
    let o = run(&["inspect", "/nonexistent/file.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).matches("/nonexistent/file.csv").count(),
        1,
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("/nonexistent/file.csv"));
}

#[test]
fn column_crs_and_boundary_flags() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("odd.csv");
    std::fs::write(
        &f,
        "n;e;what;when\n6545387,824;549917,373;Klotter;2025-05-02 21:15\n6545400;550000;Rån;2025-05-03\n",
    )
    .unwrap();
    let j = inspect_json(
        &f,
        &[
            "--x",
            "e",
            "--y",
            "n",
            "--crs",
            "EPSG:3006",
            "--category",
            "what",
            "--time",
            "when",
        ],
    );
    assert_eq!(j["accepted"], 2);
    assert_eq!(j["crs"], "EPSG:3006");
    assert_eq!(j["coordinates"], "projected");
    assert_eq!(j["extent_m"][0], 549917.373);
    assert_eq!(j["categories"]["Rån"], 1);
    assert_eq!(j["time_resolution"], "day");
    let ll = j["extent_lonlat"][0].as_f64().unwrap();
    assert!((ll - 15.87).abs() < 1e-6, "{ll}");

    // A study area: one row outside it.
    let b = dir.path().join("b.geojson");
    std::fs::write(
        &b,
        r#"{"type":"Polygon","coordinates":[[[15.85,59.03],[15.89,59.03],[15.89,59.06],[15.85,59.06],[15.85,59.03]]]}"#,
    )
    .unwrap();
    let f2 = dir.path().join("pts.csv");
    std::fs::write(&f2, "lat,lon\n59.045,15.87\n59.10,15.95\n").unwrap();
    let j = inspect_json(&f2, &["--boundary", b.to_str().unwrap()]);
    assert_eq!(j["rejected_by_reason"]["outside_study_area"], 1);

    // The real Vingåker boundary holds every sample incident.
    let j = inspect_json(
        &data("vingaker/incidents.csv"),
        &[
            "--boundary",
            data("vingaker/boundary.geojson").to_str().unwrap(),
        ],
    );
    assert_eq!(
        (j["accepted"].as_u64(), j["rejected"].as_u64()),
        (Some(4000), Some(0))
    );
}

#[test]
fn help_lists_every_ingest_flag() {
    let o = run(&["inspect", "--help"]);
    let h = stdout(&o);
    for flag in [
        "--lat",
        "--lon",
        "--x",
        "--y",
        "--category",
        "--time",
        "--weight",
        "--id",
        "--crs",
        "--timezone",
        "--delimiter",
        "--strict",
        "--rejects",
        "--boundary",
        "--max-distance-km",
        "--json",
    ] {
        assert!(h.contains(flag), "{flag} missing from --help:\n{h}");
    }
}
