//! `hotspot report`'s output folder: written as a whole (never mixing two runs, never
//! writing through a symlink, never holding an input), with `layers.gpkg`, the density
//! grid's `.qml` and `map.html` beside the GeoJSON layers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use std::path::{Path, PathBuf};

/// A small scene: 150 incidents in two clusters and a scatter, a boundary, two schools.
fn scene(dir: &Path) -> PathBuf {
    let mut csv = String::from("id,datetime,latitude,longitude,category\n");
    let cats = ["Skadegörelse", "Misshandel", "Klotter", "Stöld"];
    for i in 0..150u32 {
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
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Testskolan"},"geometry":{"type":"Point","coordinates":[15.8735,59.0462]}},{"type":"Feature","properties":{"name":"Bäckskolan"},"geometry":{"type":"Point","coordinates":[15.8890,59.0425]}}]}"#,
    )
    .unwrap();
    let cfg = dir.join("report.toml");
    std::fs::write(
        &cfg,
        "place = \"Testby\"\nincidents = \"incidents.csv\"\nboundary = \"boundary.geojson\"\nschools = \"schools.geojson\"\nprint = false\n",
    )
    .unwrap();
    cfg
}

fn report(cfg: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "report",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Every file under `dir`, relative, `/`-separated, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

fn manifest_outputs(out: &Path) -> Vec<String> {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let mut v: Vec<String> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn public_report_written_into_an_internal_reports_folder_holds_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("rep");
    let o = report(&cfg, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("layers/incidents.geojson").is_file());
    let o = report(&cfg, &out, &["--public"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("layers/incidents.geojson").exists());
    // The folder holds exactly the public run's files (and the manifest lists them all).
    assert_eq!(files(&out), manifest_outputs(&out));
    // No incident id anywhere: not in the GeoPackage, the map or any text file.
    for f in files(&out) {
        if f.ends_with(".png") {
            continue;
        }
        let bytes = std::fs::read(out.join(&f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("inc0001"), "{f} holds an incident id");
    }
    // The public summary gives months, the public manifest no input hash.
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let sv: serde_json::Value = serde_json::from_str(&summary).unwrap();
    for d in [&sv["period"]["from"], &sv["period"]["to"]] {
        assert_eq!(d.as_str().unwrap().len(), 7, "month precision: {d}");
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains("sha256"), "{manifest}");
    let layers = hotspot::gpkg::layers(&out.join("layers.gpkg")).unwrap();
    assert!(layers.iter().all(|l| l.name != "incidents"));
    // No staging or old folder left beside it.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "left behind: {beside:?}");
}

#[test]
fn unknown_file_in_the_output_folder_stops_the_report_unless_force() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("rep");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = report(&cfg, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        files(&out),
        vec!["notes.txt".to_string()],
        "nothing written"
    );
    let o = report(&cfg, &out, &["--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("report.html").is_file());
    // A second --force run replaces the first run's files and still keeps the note.
    let o = report(&cfg, &out, &["--force", "--public"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("layers/incidents.geojson").exists());
    let mut expect = manifest_outputs(&out);
    expect.push("notes.txt".into());
    expect.sort();
    assert_eq!(files(&out), expect);
}

#[test]
fn output_folder_holding_an_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let before = files(dir.path());
    let o = report(&cfg, dir.path(), &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("input file"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(files(dir.path()), before);
}

#[cfg(unix)]
#[test]
fn symlink_in_the_output_folder_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("rep");
    assert!(report(&cfg, &out, &[]).status.success());
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::remove_file(out.join("summary.json")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("summary.json")).unwrap();
    let o = report(&cfg, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!out.join("summary.json").is_symlink());
}

#[test]
fn report_writes_a_styled_geopackage_a_density_style_and_a_linked_map() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = scene(dir.path());
    let out = dir.path().join("rep");
    let o = report(&cfg, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Every GeoJSON layer is a GeoPackage table with as many features.
    let gpkg = out.join("layers.gpkg");
    let names: Vec<String> = hotspot::gpkg::layers(&gpkg)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    for f in files(&out.join("layers")) {
        let Some(stem) = f.strip_suffix(".geojson") else {
            continue;
        };
        assert!(
            names.iter().any(|n| n == stem),
            "{stem} missing from {names:?}"
        );
        let gj: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("layers").join(&f)).unwrap())
                .unwrap();
        let n = gj["features"].as_array().unwrap().len();
        let spec = PathBuf::from(format!("{}:{stem}", gpkg.display()));
        let layer = hotspot::gpkg::read_layer(&spec).unwrap();
        assert_eq!(layer.features.len(), n, "{stem}");
    }
    // The styles QGIS reads, one per table.
    let bytes = std::fs::read(&gpkg).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("layer_styles"));
    let qml = std::fs::read_to_string(out.join("layers/density.qml")).unwrap();
    assert!(qml.contains("singlebandpseudocolor") && qml.contains("colorrampshader"));
    // The map page, linked from the report, offline (no tile URL without `tiles`).
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("href=\"map.html\""));
    let map = std::fs::read_to_string(out.join("map.html")).unwrap();
    assert!(map.contains("Patrullzoner") && map.contains("Testskolan"));
    assert!(!map.contains("tiles.example.invalid"));
    for f in ["layers.gpkg", "map.html", "layers/density.qml"] {
        assert!(
            manifest_outputs(&out).iter().any(|m| m == f),
            "{f} in manifest"
        );
    }
    // `tiles` (here the flag) adds the tile basemap for readers who are online.
    let url = "https://tiles.example.invalid/{z}/{x}/{y}.png";
    let o = report(&cfg, &out, &["--tiles", url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let map = std::fs::read_to_string(out.join("map.html")).unwrap();
    assert!(map.contains("tiles.example.invalid"));
}
