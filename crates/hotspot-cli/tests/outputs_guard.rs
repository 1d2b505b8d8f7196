//! Inputs are never outputs: every output path (`--out`, `--csv`, `--geojson`, a folder holding an
//! input, ...) that resolves to an input is refused with exit 2 before anything is written, and
//! CSV text cells from input are spreadsheet-safe.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{data, run};

fn copy_inputs(dir: &std::path::Path) -> std::path::PathBuf {
    let inc = dir.join("incidents.csv");
    std::fs::copy(data("vingaker/incidents.csv"), &inc).unwrap();
    inc
}

#[test]
fn output_naming_the_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let inc = copy_inputs(dir.path());
    let before = std::fs::read(&inc).unwrap();
    let i = inc.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["kde", i, "--out", i],
        vec!["kde", i, "--hotspots", i],
        vec!["gistar", i, "--geojson", i],
        vec!["cluster", i, "--labels", i],
        vec!["repeats", i, "--csv", i],
        vec!["temporal", i, "--csv", i],
        vec![
            "near-repeat",
            i,
            "--space-bands",
            "100,200",
            "--time-bands",
            "7,14",
            "--csv",
            i,
        ],
    ];
    for args in cases {
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("input file"),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            std::fs::read(&inc).unwrap(),
            before,
            "{args:?} changed the input"
        );
    }
}

#[test]
fn output_folder_holding_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inc = copy_inputs(dir.path());
    let schools = dir.path().join("schools.geojson");
    std::fs::copy(data("vingaker/schools.geojson"), &schools).unwrap();
    let o = run(&[
        "schools",
        inc.to_str().unwrap(),
        "--schools",
        schools.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "nothing written beside the inputs");
}
