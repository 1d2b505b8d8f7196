//! The report built with the library crates alone (no CLI): config read and resolved, output
//! folder prepared, incidents read by the caller, the report written and put in place.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hotspot_report::{Config, Progress, Report, Settings};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 120 incidents in two clusters and a scatter inside a boundary; one school.
fn scene(dir: &Path) -> PathBuf {
    let mut csv = String::from("id,datetime,latitude,longitude,category\n");
    let cats = ["Skadegörelse", "Misshandel", "Klotter", "Stöld"];
    for i in 0..120u32 {
        let a = i as f64 * 2.399_963;
        let r = 0.0009 * (i as f64).sqrt() / 4.0;
        let (clat, clon) = match i % 5 {
            0 => (
                59.02 + 0.001 * (i * 37 % 50) as f64,
                15.80 + 0.003 * (i * 53 % 60) as f64,
            ),
            1 | 2 => (59.0459, 15.8731),
            _ => (59.0421, 15.8904),
        };
        csv.push_str(&format!(
            "inc{i:04},2025-{:02}-{:02}T{:02}:17:00+01:00,{:.6},{:.6},{}\n",
            1 + i % 12,
            1 + i % 28,
            (i * 7) % 24,
            clat + r * a.sin(),
            clon + 2.0 * r * a.cos(),
            cats[(i % 4) as usize]
        ));
    }
    std::fs::write(dir.join("incidents.csv"), csv).unwrap();
    std::fs::write(
        dir.join("boundary.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Test"},"geometry":{"type":"Polygon","coordinates":[[[15.75,58.99],[16.0,58.99],[16.0,59.1],[15.75,59.1],[15.75,58.99]]]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("schools.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Testskolan"},"geometry":{"type":"Point","coordinates":[15.8735,59.0462]}}]}"#,
    )
    .unwrap();
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        "place = \"Testby\"\nincidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\nlang = \"en\"\n",
    )
    .unwrap();
    cfg
}

fn settings(cfg: &Path, out: &Path) -> Settings {
    let flags = Config {
        out: Some(out.to_path_buf()),
        ..Config::default()
    };
    Settings::resolve(Config::read(cfg).unwrap(), flags, cfg).unwrap()
}

fn read(report: &Report) -> hotspot::ingest::Ingested {
    let opts = hotspot::ingest::ReadOptions {
        boundary: report
            .boundary()
            .map(|b| hotspot::ingest::Boundary::read(b, None).unwrap()),
        ..hotspot::ingest::ReadOptions::default()
    };
    hotspot::ingest::read_path(report.incidents(), &opts).unwrap()
}

/// Records the steps and notes it is given.
#[derive(Default)]
struct Log(RefCell<Vec<String>>);

impl Progress for Log {
    fn begin(&self, msg: &str) {
        self.0.borrow_mut().push(format!("begin {msg}"));
    }
    fn end(&self, msg: &str, ok: bool, _: Duration) {
        self.0.borrow_mut().push(format!("end {msg} {ok}"));
    }
}

#[test]
fn a_report_is_written_with_the_library_alone_and_its_manifest_lists_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("out");
    let report = Report::prepare(
        &cfg,
        settings(&cfg, &out),
        hotspot::temporal::AoristicOptions::default(),
        false,
    )
    .unwrap();
    assert!(!out.exists(), "nothing under the final name before write");
    let data = read(&report);
    let log = Log::default();
    let done = report.write(&data, &log).unwrap();
    assert_eq!(done.report_html, out.join("report.html"));
    assert_eq!(done.kept_unknown, 0);
    assert_eq!(done.done_label, "Report written:");
    let html = std::fs::read_to_string(&done.report_html).unwrap();
    assert!(html.contains("Testby"), "the place is in the title");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for f in ["report.html", "summary.json", "manifest.json", "map.html"] {
        assert!(listed.contains(&f), "{f} in {listed:?}");
    }
    for f in &listed {
        assert!(out.join(f).is_file(), "{f} listed and written");
    }
    // Every step begun was ended, successfully, in order.
    let log = log.0.into_inner();
    assert!(!log.is_empty());
    let mut open = Vec::new();
    for l in &log {
        if let Some(m) = l.strip_prefix("begin ") {
            open.push(m.to_string());
        } else {
            let m = open.pop().expect("an end without a begin");
            assert_eq!(l, &format!("end {m} true"));
        }
    }
    assert!(open.is_empty());
}

#[test]
fn an_output_folder_holding_an_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let e = Report::prepare(
        &cfg,
        settings(&cfg, dir.path()),
        hotspot::temporal::AoristicOptions::default(),
        false,
    )
    .err()
    .expect("the config's own folder holds the inputs");
    assert!(
        matches!(
            e.library_error(),
            Some(hotspot::Error::InvalidParameter { name: "--out", .. })
        ),
        "{e}"
    );
    assert!(!dir.path().join("report.html").exists());
}

#[test]
fn a_report_dropped_before_write_leaves_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("out");
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    let report = Report::prepare(
        &cfg,
        settings(&cfg, &out),
        hotspot::temporal::AoristicOptions::default(),
        false,
    )
    .unwrap();
    drop(report);
    assert!(!out.exists());
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(before.len(), after.len(), "the staging folder is removed");
}

#[test]
fn a_config_without_incidents_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("r.toml");
    std::fs::write(&cfg, "cell_m = 50\n").unwrap();
    let e = Settings::resolve(Config::read(&cfg).unwrap(), Config::default(), &cfg)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no `incidents` file given"), "{e}");
}
