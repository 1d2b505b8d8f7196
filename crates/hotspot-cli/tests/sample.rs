//! `hotspot sample` run as a user would: the real binary in a temporary folder.

mod common;

use common::{bin, data};

#[test]
fn regenerating_the_committed_sample_gives_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    // The command documented in data/vingaker/README.md.
    let out = bin()
        .args(["sample", "--out"])
        .arg(dir.path())
        .args(["--n", "4000", "--seed", "2025", "--threads", "2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrote 4000 synthetic incidents"),
        "{stderr}"
    );
    for f in [
        "incidents.csv",
        "schools.geojson",
        "places.geojson",
        "roads.geojson",
        "water.geojson",
        "hotspots.geojson",
        "boundary.geojson",
        "perceived.geojson",
    ] {
        let got = std::fs::read(dir.path().join(f)).unwrap();
        let want = std::fs::read(data(&format!("vingaker/{f}"))).unwrap();
        assert!(got == want, "{f} differs from data/vingaker/{f}");
    }
}

#[test]
fn quiet_small_run_and_thread_count_do_not_change_the_output() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for (dir, threads) in [(&a, "1"), (&b, "3")] {
        let out = bin()
            .args([
                "--quiet",
                "--threads",
                threads,
                "sample",
                "--n",
                "40000",
                "--seed",
                "7",
                "--out",
            ])
            .arg(dir.path().join("nested/out"))
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(out.stderr.is_empty(), "--quiet must print nothing");
    }
    let read =
        |d: &tempfile::TempDir| std::fs::read(d.path().join("nested/out/incidents.csv")).unwrap();
    let x = read(&a);
    assert!(x == read(&b));
    assert_eq!(x.iter().filter(|&&c| c == b'\n').count(), 40_001);
}

#[test]
fn help_lists_every_flag_and_bad_input_is_an_error() {
    let out = bin().args(["sample", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--out",
        "--n",
        "--seed",
        "--threads",
        "--quiet",
        "incidents.csv",
        "schools.geojson",
        "fiktiv",
    ] {
        assert!(help.contains(flag), "help lacks {flag}:\n{help}");
    }
    let out = bin()
        .args(["sample", "--n", "many", "--out", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--n"));
    let out = bin().args(["sample", "--n", "10"]).output().unwrap();
    assert!(!out.status.success(), "--out is required");
    // An output path that is a file, not a folder.
    let f = tempfile::NamedTempFile::new().unwrap();
    let out = bin()
        .args(["sample", "--n", "10", "--out"])
        .arg(f.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("output folder"));
}
