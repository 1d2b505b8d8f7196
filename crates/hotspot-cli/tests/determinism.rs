//! Determinism everywhere (issue 18): every subcommand, run on a small seeded input at 1, 2 and 4
//! threads and twice at 2, writes byte-identical files and standard output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bin, data};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir` with its bytes, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The first `n` incidents of the seeded Vingåker sample (2025-2026), the inputs beside them.
fn inputs(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(data("vingaker/incidents.csv")).unwrap();
    let small: String = text.lines().take(n + 1).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("incidents.csv"), small).unwrap();
    for f in [
        "boundary.geojson",
        "schools.geojson",
        "zones.geojson",
        "perceived.geojson",
    ] {
        std::fs::copy(data(&format!("vingaker/{f}")), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("report.toml"),
        "incidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\nbandwidth_rule = \"arcgis\"\n",
    )
    .unwrap();
    dir.join("incidents.csv")
}

#[test]
fn every_subcommand_gives_identical_bytes_at_1_2_and_4_threads_run_after_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = tmp.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let csv = inputs(&inp, 300);
    let f = |name: &str| inp.join(name).to_string_lossy().into_owned();
    let i = csv.to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "inspect",
            vec!["inspect".into(), i.clone(), "--json".into()],
        ),
        (
            "kde",
            vec![
                "kde".into(),
                i.clone(),
                "--out".into(),
                "kde.asc".into(),
                "--hotspots".into(),
                "hs.geojson".into(),
                "--json".into(),
            ],
        ),
        (
            "cluster",
            vec![
                "cluster".into(),
                i.clone(),
                "--method".into(),
                "hdbscan".into(),
                "--min-cluster-size".into(),
                "10".into(),
                "--labels".into(),
                "labels.csv".into(),
                "--clusters".into(),
                "clusters.geojson".into(),
            ],
        ),
        (
            "gistar",
            vec![
                "gistar".into(),
                i.clone(),
                "--geojson".into(),
                "gi.geojson".into(),
            ],
        ),
        (
            "stats",
            vec![
                "stats".into(),
                i.clone(),
                "--json".into(),
                "--ripley".into(),
                "--permutations".into(),
                "99".into(),
            ],
        ),
        (
            "near-repeat",
            vec![
                "near-repeat".into(),
                i.clone(),
                "--space-bands".into(),
                "100,200".into(),
                "--time-bands".into(),
                "7,14".into(),
                "--json".into(),
            ],
        ),
        (
            "emerging",
            vec!["emerging".into(), i.clone(), "--json".into()],
        ),
        (
            "compare",
            vec![
                "compare".into(),
                i.clone(),
                "--before".into(),
                "2025-01-01..2025-12-31".into(),
                "--after".into(),
                "2026-01-01..2026-12-31".into(),
                "--hotspots".into(),
                "--json".into(),
            ],
        ),
        (
            "evaluate",
            vec![
                "evaluate".into(),
                i.clone(),
                "--train".into(),
                "2025-01-01..2025-12-31".into(),
                "--test".into(),
                "2026-01-01..2026-06-30".into(),
                "--json".into(),
            ],
        ),
        (
            "schools",
            vec![
                "schools".into(),
                i.clone(),
                "--schools".into(),
                f("schools.geojson"),
                "--boundary".into(),
                f("boundary.geojson"),
                "--out".into(),
                "sch".into(),
            ],
        ),
        (
            "patrol",
            vec!["patrol".into(), i.clone(), "--out".into(), "pat".into()],
        ),
        (
            "perception",
            vec![
                "perception".into(),
                i.clone(),
                "--perceived".into(),
                f("perceived.geojson"),
                "--out".into(),
                "per".into(),
            ],
        ),
        (
            "follow-up",
            vec![
                "follow-up".into(),
                i.clone(),
                "--zones".into(),
                f("zones.geojson"),
                "--baseline".into(),
                "2025".into(),
                "--from".into(),
                "2026-01-01".into(),
                "--to".into(),
                "2026-12-31".into(),
                "--out".into(),
                "fu".into(),
            ],
        ),
        (
            "temporal",
            vec!["temporal".into(), i.clone(), "--csv".into(), "t.csv".into()],
        ),
        (
            "repeats",
            vec!["repeats".into(), i.clone(), "--csv".into(), "r.csv".into()],
        ),
        (
            "sample",
            vec![
                "sample".into(),
                "--n".into(),
                "200".into(),
                "--out".into(),
                "smp".into(),
            ],
        ),
        (
            "report",
            vec![
                "report".into(),
                f("report.toml"),
                "--out".into(),
                "rep".into(),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, args) in &cases {
        let mut first: Option<(String, BTreeMap<String, Vec<u8>>)> = None;
        for (k, threads) in [1, 2, 4, 2].into_iter().enumerate() {
            let cwd = tmp.path().join(format!("{name}-{k}"));
            std::fs::create_dir(&cwd).unwrap();
            let o = bin()
                .current_dir(&cwd)
                .args(args)
                .args(["--threads", &threads.to_string(), "-q"])
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{name} at {threads} threads: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
            let got = (stdout, snapshot(&cwd));
            match &first {
                None => {
                    assert!(
                        !got.1.is_empty() || !got.0.is_empty(),
                        "{name} wrote nothing"
                    );
                    first = Some(got);
                }
                Some(f) => {
                    if f.0 != got.0 {
                        failures.push(format!(
                            "{name}: stdout differs at {threads} threads (run {k})"
                        ));
                    }
                    for (file, bytes) in &f.1 {
                        if got.1.get(file) != Some(bytes) {
                            failures.push(format!(
                                "{name}: {file} differs at {threads} threads (run {k})"
                            ));
                        }
                    }
                    if f.1.len() != got.1.len() {
                        failures.push(format!("{name}: another set of files at {threads} threads"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
