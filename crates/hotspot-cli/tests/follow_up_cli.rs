//! `hotspot follow-up` run as a user would on the bundled sample: the seasonal expected count is
//! the count of the same tertial of the baseline year, and the charts and zone map are written.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, data, stderr};
use std::collections::BTreeMap;

fn run(out: &std::path::Path, extra: &[&str], from: &str, to: &str) {
    let o = bin()
        .args(["-q", "follow-up"])
        .arg(data("vingaker/incidents.csv"))
        .arg("--zones")
        .arg(data("vingaker/zones.geojson"))
        .arg("--boundary")
        .arg(data("vingaker/boundary.geojson"))
        .args(["--baseline", "2025", "--from", from, "--to", to])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// (zone, area, tertial number) -> (count, expected, signal).
fn rows(path: &std::path::Path) -> BTreeMap<(String, String, String), (f64, f64, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            let t = x[2].rsplit('-').next().unwrap().to_string();
            (
                (x[0].to_string(), x[1].to_string(), t),
                (
                    x[3].parse().unwrap(),
                    x[4].parse().unwrap(),
                    x[7].to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn seasonal_expected_is_last_years_count_and_charts_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let patrols = data("vingaker/patrols.csv").display().to_string();
    run(
        &a,
        &["--seasonal", "--patrols", &patrols],
        "2026-01-01",
        "2026-12-31",
    );
    run(&b, &[], "2025-01-01", "2025-12-31");
    let seasonal = rows(&a.join("followup.csv"));
    let last_year = rows(&b.join("followup.csv"));
    // 3 zones + all zones, all + 6 problem areas, 3 tertials.
    assert_eq!(seasonal.len(), 4 * 7 * 3);
    for (k, (_, expected, signal)) in &seasonal {
        assert_eq!(*expected, last_year[k].0, "{k:?}");
        assert!(["lower", "higher", "none"].contains(&signal.as_str()));
    }
    for f in [
        "followup_zones.png",
        "followup_zones.svg",
        "charts/control_all_all.png",
        "charts/control_01_all.png",
        "dose.csv",
        "displacement.csv",
    ] {
        assert!(std::fs::metadata(a.join(f)).unwrap().len() > 0, "{f}");
    }
    // A second run into a used folder is refused.
    let o = bin()
        .args(["-q", "follow-up"])
        .arg(data("vingaker/incidents.csv"))
        .arg("--zones")
        .arg(data("vingaker/zones.geojson"))
        .args([
            "--baseline",
            "2025",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--out",
        ])
        .arg(&a)
        .output()
        .unwrap();
    assert!(!o.status.success());
}
