//! `hotspot compare` run as a user would: the real binary in a temp dir.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::bin;

/// Zone A (x 550 000..550 200) falls from 20 to 5; the rest stays at 40 per half year.
fn setup(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut s = String::from("id,x,y,date\n");
    let mut k = 0;
    let mut add = |x: f64, n: usize, year: i32, s: &mut String| {
        for j in 0..n {
            k += 1;
            let m = 1 + j % 6;
            s.push_str(&format!(
                "{k},{},6545050,{year}-{m:02}-{:02}\n",
                x + (j % 7) as f64,
                1 + j % 28
            ));
        }
    };
    add(550_100.0, 20, 2025, &mut s);
    add(550_100.0, 5, 2026, &mut s);
    add(551_500.0, 40, 2025, &mut s);
    add(551_500.0, 40, 2026, &mut s);
    let inc = dir.join("inc.csv");
    std::fs::write(&inc, s).unwrap();
    let zones = dir.join("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[550000,6545000],[550200,6545000],[550200,6545200],[550000,6545200],[550000,6545000]]]}}]}"#,
    )
    .unwrap();
    (inc, zones)
}

#[test]
fn compare_zone_against_control() {
    let dir = tempfile::tempdir().unwrap();
    let (inc, zones) = setup(dir.path());
    let change = dir.path().join("change.geojson");
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args([
            "--crs",
            "EPSG:3006",
            "--before",
            "2025-01..2025-06",
            "--after",
            "2026-01..2026-06",
        ])
        .arg("--zones")
        .arg(&zones)
        .arg("--change-map")
        .arg(&change)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let z = &v[0];
    assert_eq!(z["zone"], "A");
    assert_eq!(
        (z["before"].as_u64(), z["after"].as_u64()),
        (Some(20), Some(5))
    );
    assert_eq!(
        (z["control_before"].as_u64(), z["control_after"].as_u64()),
        (Some(40), Some(40))
    );
    // Per day: (5/181) / (20/181) = 0.25 (both half years have 181 days).
    assert!((z["rate_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!(z["ci_high"].as_f64().unwrap() < 1.0);
    assert!((z["control_ratio"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((z["relative_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&change).unwrap()).unwrap();
    assert!(!fc["features"].as_array().unwrap().is_empty());
    // No zones at all is a usage error naming the flags.
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args(["--crs", "EPSG:3006", "--before", "2025", "--after", "2026"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--zones"));
    // Overlapping periods are refused.
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args([
            "--crs",
            "EPSG:3006",
            "--before",
            "2025",
            "--after",
            "2025-06",
            "--hotspots",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlaps"));
}

/// `--map` and `--raster`: the density difference on the comparison grid with a
/// symmetric diverging legend, the zone drawn, and the raster for QGIS.
#[test]
fn compare_change_map_and_raster() {
    let dir = tempfile::tempdir().unwrap();
    let (inc, zones) = setup(dir.path());
    let out = bin()
        .args(["-q", "compare"])
        .arg(&inc)
        .args([
            "--crs",
            "EPSG:3006",
            "--before",
            "2025-01..2025-06",
            "--after",
            "2026-01..2026-06",
            "--bandwidth",
            "200",
            "--cell",
            "50",
        ])
        .arg("--zones")
        .arg(&zones)
        .arg("--map")
        .arg(dir.path().join("change"))
        .arg("--raster")
        .arg(dir.path().join("diff.asc"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The raster: after minus before per 30 days. Zone A (20 -> 5) falls; the
    // other place (40 -> 40 at the same positions, equal periods) is exactly 0.
    let r = hotspot::raster_io::read_ascii_grid(&dir.path().join("diff.asc")).unwrap();
    assert!(dir.path().join("diff.prj").is_file());
    let at = |x: f64, y: f64| {
        let (c, row) = r.spec.cell_of(x, y).unwrap();
        r.values[r.spec.index(c, row)]
    };
    assert!(at(550_103.0, 6_545_050.0) < 0.0);
    assert_eq!(at(551_503.0, 6_545_050.0), 0.0);
    let max_abs = r
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(max_abs > 0.0);
    // The map: PNG of screen size; SVG with the colour-scale labels symmetric
    // about zero, the heading, the zone's legend entry and name, the scale bar.
    let png = std::fs::read(dir.path().join("change.png")).unwrap();
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1600);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 1131);
    let svg = std::fs::read_to_string(dir.path().join("change.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|x| x.1.trim()))
        .collect();
    for t in ["Legend", "Zone", "A", "Change in incident density"] {
        assert!(texts.contains(&t), "change.svg lacks {t}: {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("Change in density")));
    assert!(
        texts
            .iter()
            .any(|t| t.ends_with(" m") || t.ends_with(" km"))
    );
    let num = |s: &str| {
        s.trim()
            .replace(',', "")
            .replace('−', "-")
            .parse::<f64>()
            .unwrap()
    };
    let top = texts
        .iter()
        .find_map(|t| t.strip_prefix("≥ "))
        .map(num)
        .unwrap();
    let bottom = texts
        .iter()
        .find_map(|t| t.strip_prefix("&lt; "))
        .map(num)
        .unwrap();
    assert_eq!(bottom, -top, "symmetric limits");
    // The open classes start at half the limit: 4 steps of at least max/8.
    assert!(
        top >= max_abs / 2.0 && top < 1.25 * max_abs,
        "{top} vs {max_abs}"
    );
    let centre = format!("{} – {}", fmt_neg(top / 4.0), fmt_pos(top / 4.0));
    assert!(texts.iter().any(|t| *t == centre), "{centre} in {texts:?}");
}

fn fmt_pos(v: f64) -> String {
    let d = if v < 1.0 {
        2
    } else if v < 10.0 {
        1
    } else {
        0
    };
    format!("{v:.d$}")
}

fn fmt_neg(v: f64) -> String {
    format!("−{}", fmt_pos(v))
}
