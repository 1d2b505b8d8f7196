//! The report's follow-up section on the bundled sample: the same figures as `hotspot follow-up`,
//! worded in one sentence per zone, and suppressed in public mode.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, data, stderr};

fn report(out: &std::path::Path, public: bool) -> serde_json::Value {
    let mut c = bin();
    c.args(["-q", "report"])
        .arg(data("vingaker/report.toml"))
        .args(["--print", "false", "--out"])
        .arg(out);
    if public {
        c.arg("--public");
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn follow_up_section_matches_the_command_and_hides_small_counts_in_public() {
    let dir = tempfile::tempdir().unwrap();
    let v = report(&dir.path().join("rep"), false);
    let f = &v["analyses"]["followup"];
    assert_eq!(f["zones_from"], "file");
    let fu = dir.path().join("fu");
    let o = bin()
        .args(["-q", "follow-up"])
        .arg(data("vingaker/incidents.csv"))
        .arg("--zones")
        .arg(data("vingaker/zones.geojson"))
        .arg("--boundary")
        .arg(data("vingaker/boundary.geojson"))
        .args([
            "--baseline",
            "2025",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--out",
        ])
        .arg(&fu)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut r = csv::Reader::from_path(fu.join("followup.csv")).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let s = f["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["zone"] == rec[0] && s["problem_area"] == rec[1])
            .unwrap();
        let row = s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["period"] == rec[2])
            .unwrap();
        assert_eq!(row["count"].as_u64().unwrap().to_string(), rec[3]);
        assert_eq!(row["signal"], rec[7]);
        n += 1;
    }
    assert_eq!(n, 4 * 7 * 3);
    let html = std::fs::read_to_string(dir.path().join("rep/report.html")).unwrap();
    assert!(html.contains("Uppföljning"));
    assert!(html.contains("Torget (fiktiv): "));
    assert!(html.contains("händelser i T3 2026 mot förväntat"));
    assert!(html.contains("visar inte att insatserna orsakat"));
    assert!(dir.path().join("rep/maps/followup_control_01.png").exists());

    // Repeats: the internal report lists the top ten, the public one totals only.
    let rep = &v["analyses"]["repeats"];
    let top = rep["top"].as_array().unwrap();
    assert!(!top.is_empty() && top.len() <= 10);
    assert!(
        top.windows(2)
            .all(|w| w[0]["incidents"].as_u64() >= w[1]["incidents"].as_u64())
    );
    assert!(html.contains("Upprepade platser"));

    // Public mode: every count below min_count is null, and so is its signal.
    let p = report(&dir.path().join("pub"), true);
    assert!(p["analyses"]["repeats"]["top"].is_null());
    assert_eq!(
        p["analyses"]["repeats"]["repeat_locations"],
        rep["repeat_locations"]
    );
    let mut hidden = 0;
    for s in p["analyses"]["followup"]["series"].as_array().unwrap() {
        for r in s["rows"].as_array().unwrap() {
            match r["count"].as_u64() {
                Some(c) => assert!(c == 0 || c >= 5, "{r}"),
                None => {
                    assert!(r["signal"].is_null());
                    hidden += 1;
                }
            }
        }
    }
    assert!(hidden > 0, "the sample has small counts to hide");
}
