//! GeoPackage tests: writing and reading back, the encoding's required parts, and GDAL-written
//! files read like the same CSV.

use super::*;
use crate::crs::{Crs, Projector};
use crate::ingest::{ReadOptions, RejectReason, read_path};
use crate::output::OutFeature;
use geo::{Geometry, LineString, Point, Polygon, polygon};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

fn props(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

fn scene() -> (Vec<OutFeature>, Vec<OutFeature>, Vec<OutFeature>) {
    let pts = vec![
        OutFeature {
            geometry: Point::new(549_917.25, 6_545_387.5).into(),
            properties: props(&[
                ("name", json!("Skola \"A\" <x>")),
                ("pupils", json!(120)),
                ("share", json!(0.25)),
                ("open", json!(true)),
            ]),
        },
        OutFeature {
            geometry: Point::new(550_100.0, 6_545_000.0).into(),
            properties: props(&[
                ("name", json!("B")),
                ("pupils", json!(80)),
                ("share", json!(1)),
                ("open", json!(null)),
            ]),
        },
    ];
    let sq = |x: f64, y: f64, s: f64| -> Polygon<f64> {
        polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)]
    };
    let mut holed = sq(549_000.0, 6_544_000.0, 300.0);
    holed.interiors_push(LineString::from(vec![
        (549_100.0, 6_544_100.0),
        (549_150.0, 6_544_100.0),
        (549_150.0, 6_544_150.0),
        (549_100.0, 6_544_100.0),
    ]));
    let polys = vec![
        OutFeature {
            geometry: holed.into(),
            properties: props(&[
                ("gi_bin", json!(3)),
                ("z", json!(3.4)),
                ("label", json!("hot")),
            ]),
        },
        OutFeature {
            geometry: geo::MultiPolygon(vec![
                sq(551_000.0, 6_546_000.0, 100.0),
                sq(551_500.0, 6_546_000.0, 50.0),
            ])
            .into(),
            properties: props(&[
                ("gi_bin", json!(-2)),
                ("z", json!(-2.1)),
                ("label", json!(["a", 1])),
            ]),
        },
    ];
    let route = vec![OutFeature {
        geometry: LineString::from(vec![(549_000.0, 6_544_000.0), (550_000.0, 6_545_000.0)]).into(),
        properties: props(&[("order", json!(1))]),
    }];
    (pts, polys, route)
}

#[test]
fn columns_and_geometry_types_are_inferred() {
    let (pts, polys, _) = scene();
    let l = Layer::new("schools", &pts);
    assert_eq!(l.geometry_type, GeometryType::Point);
    let ty = |n: &str| l.columns.iter().find(|c| c.name == n).map(|c| c.ty);
    assert_eq!(ty("name"), Some(ColumnType::Text));
    assert_eq!(ty("pupils"), Some(ColumnType::Integer));
    assert_eq!(
        ty("share"),
        Some(ColumnType::Real),
        "0.25 and 1 together are REAL"
    );
    assert_eq!(ty("open"), Some(ColumnType::Boolean));
    let l = Layer::new("gi", &polys);
    assert_eq!(
        l.geometry_type,
        GeometryType::MultiPolygon,
        "Polygon + MultiPolygon"
    );
    assert_eq!(
        GeometryType::common([&Geometry::Point(Point::new(0.0, 0.0)), &polys[0].geometry]),
        GeometryType::Geometry
    );
}

#[test]
fn written_layers_read_back_with_their_values_and_crs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("layers.gpkg");
    let (pts, polys, route) = scene();
    let layers = [
        Layer::new("schools", &pts).with_description("Schools"),
        Layer::new("gi_star", &polys).with_style(crate::style::categorized_qml(
            crate::style::SymbolKind::Polygon,
            "gi_bin",
            &crate::style::gi_star_classes(["a", "b", "c", "d", "e", "f"]),
        )),
        Layer::new("route", &route),
    ];
    write_gpkg(&p, &layers, Crs::SWEREF99_TM).unwrap();
    assert!(!dir.path().join(".layers.gpkg.partial").exists());

    let info = super::layers(&p).unwrap();
    let names: Vec<&str> = info.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["gi_star", "route", "schools"]);
    assert!(
        info.iter()
            .all(|l| l.crs == Some(Crs::SWEREF99_TM) && l.srs_id == 3006)
    );

    let s = read_layer(&dir.path().join("layers.gpkg:schools")).unwrap();
    assert_eq!(s.info.geometry_type, "POINT");
    assert_eq!(s.columns, ["name", "open", "pupils", "share"]);
    assert_eq!(s.features.len(), 2);
    assert_eq!(s.features[0].fid, 1);
    assert_eq!(s.features[0].geometry, Some(pts[0].geometry.clone()));
    assert_eq!(s.features[0].properties["name"], json!("Skola \"A\" <x>"));
    assert_eq!(s.features[0].properties["pupils"], json!(120));
    assert_eq!(s.features[0].properties["open"], json!(1));
    assert_eq!(s.features[1].properties["open"], Value::Null);
    assert_eq!(s.features[1].properties["share"], json!(1.0));

    let g = read_layer(&dir.path().join("layers.gpkg:gi_star")).unwrap();
    assert_eq!(g.info.geometry_type, "MULTIPOLYGON");
    // The single polygon went in as a one-part MultiPolygon, hole and all.
    match &g.features[0].geometry {
        Some(Geometry::MultiPolygon(mp)) => {
            assert_eq!(mp.0.len(), 1);
            assert_eq!(Geometry::Polygon(mp.0[0].clone()), polys[0].geometry);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(g.features[1].geometry, Some(polys[1].geometry.clone()));
    assert_eq!(g.features[1].properties["label"], json!("[\"a\",1]"));

    // Encoding essentials, checked in SQL.
    let c = rusqlite::Connection::open(&p).unwrap();
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("PRAGMA application_id"), i64::from(GPKG_APPLICATION_ID));
    assert_eq!(q("PRAGMA user_version"), 10300);
    assert_eq!(
        q("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326, 3006)"),
        4
    );
    assert_eq!(q("SELECT count(*) FROM rtree_gi_star_geom"), 2);
    assert_eq!(
        q("SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"),
        3
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_schools_geom_%'"
        ),
        6
    );
    assert_eq!(
        q("SELECT count(*) FROM layer_styles WHERE f_table_name = 'gi_star' AND useAsDefault"),
        1
    );
    let (minx, maxy): (f64, f64) = c
        .query_row(
            "SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'gi_star'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((minx, maxy), (549_000.0, 6_546_100.0));
    let (rminx, rmaxx): (f64, f64) = c
        .query_row(
            "SELECT minx, maxx FROM rtree_gi_star_geom WHERE id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rminx, rmaxx), (551_000.0, 551_550.0));
    let def: String = c
        .query_row(
            "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 3006",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        def.ends_with(
            "AXIS[\"Northing\",NORTH],AXIS[\"Easting\",EAST],AUTHORITY[\"EPSG\",\"3006\"]]"
        ),
        "{def}"
    );
    assert!(!def.contains("TOWGS84"));
    drop(c);

    // Byte-identical for identical input.
    let p2 = dir.path().join("again.gpkg");
    write_gpkg(&p2, &layers, Crs::SWEREF99_TM).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(&p2).unwrap());
}

#[test]
fn bad_layers_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.gpkg");
    let (pts, polys, _) = scene();
    let e = write_gpkg(&p, &[Layer::new("gpkg_x", &pts)], Crs::SWEREF99_TM).unwrap_err();
    assert!(e.to_string().contains("reserved"), "{e}");
    let e = write_gpkg(
        &p,
        &[Layer::new("a", &pts), Layer::new("A", &pts)],
        Crs::SWEREF99_TM,
    )
    .unwrap_err();
    assert!(e.to_string().contains("two layers"), "{e}");
    let mut l = Layer::new("a", &pts);
    l.geometry_type = GeometryType::Polygon;
    assert!(write_gpkg(&p, &[l], Crs::SWEREF99_TM).is_err());
    let mut l = Layer::new("a", &polys);
    l.columns.push(Column {
        name: "fid".into(),
        ty: ColumnType::Integer,
    });
    assert!(write_gpkg(&p, &[l], Crs::SWEREF99_TM).is_err());
    assert!(!p.exists(), "nothing written");
}

#[test]
fn a_file_with_several_layers_needs_the_layer_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("two.gpkg");
    let (pts, polys, _) = scene();
    write_gpkg(
        &p,
        &[Layer::new("a", &pts), Layer::new("b", &polys)],
        Crs::SWEREF99_TM,
    )
    .unwrap();
    let e = read_layer(&p).unwrap_err().to_string();
    assert!(
        e.contains("2 feature layers") && e.contains("two.gpkg:a") && e.contains("two.gpkg:b"),
        "{e}"
    );
    let e = read_layer(&dir.path().join("two.gpkg:c"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no feature layer \"c\""), "{e}");
    let e = read_layer(&dir.path().join("none.gpkg")).unwrap_err();
    assert!(matches!(e, crate::Error::Io { .. }), "{e}");
    let not = dir.path().join("not.gpkg");
    std::fs::write(&not, "id,x\n1,2\n").unwrap();
    assert!(read_layer(&not).is_err());
    assert_eq!(
        split_layer(Path::new("C:/d/x.GPKG:inc")),
        (PathBuf::from("C:/d/x.GPKG"), Some("inc".into()))
    );
    assert!(is_gpkg_path(Path::new("a/b.gpkg")) && is_gpkg_path(Path::new("b.gpkg:l")));
    assert!(!is_gpkg_path(Path::new("b.gpkg.csv")));
}

/// Accepted incidents as (id, x, y, category, time) and rejections as (id-ish line, reason).
fn summary(d: &crate::ingest::Ingested) -> Vec<(String, f64, f64, String, Option<String>)> {
    let inc = &d.incidents;
    (0..inc.len())
        .map(|i| {
            (
                inc.ids()[i].clone(),
                inc.x()[i],
                inc.y()[i],
                inc.category(i).to_string(),
                inc.times()[i].map(|t| format!("{t:?}")),
            )
        })
        .collect()
}

fn assert_same(a: &crate::ingest::Ingested, b: &crate::ingest::Ingested, tol_m: f64) {
    let (sa, sb) = (summary(a), summary(b));
    assert_eq!(sa.len(), sb.len());
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!((&x.0, &x.3, &x.4), (&y.0, &y.3, &y.4));
        assert!(
            (x.1 - y.1).abs() <= tol_m && (x.2 - y.2).abs() <= tol_m,
            "{x:?} vs {y:?}"
        );
    }
    assert_eq!(a.incidents.crs(), b.incidents.crs());
}

#[test]
fn a_gdal_geopackage_reads_like_the_same_csv() {
    let opts = ReadOptions::default();
    let csv = read_path(&data("gpkg/incidents.csv"), &opts).unwrap();
    let gp = read_path(&data("gpkg/incidents_4326.gpkg"), &opts).unwrap();
    assert_eq!(csv.report.rows_read, 305);
    assert_eq!(gp.report.rows_read, 305);
    assert_same(&csv, &gp, 1e-6);
    // Same rejections, same reasons: the CSV's data row k is on line k + 1, the feature is fid k.
    let rej = |d: &crate::ingest::Ingested, shift: u64| -> Vec<(u64, RejectReason)> {
        d.report
            .rejections
            .iter()
            .map(|r| (r.line - shift, r.reason))
            .collect()
    };
    assert_eq!(rej(&csv, 1), rej(&gp, 0));
    let reasons: Vec<RejectReason> = gp.report.rejections.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            RejectReason::MissingCoordinate,
            RejectReason::UnreadableTime,
            RejectReason::NullIsland,
            RejectReason::SwappedLatLon
        ]
    );
    assert_eq!(gp.report.format, crate::ingest::InputFormat::GeoPackage);
    let summary = gp.report.summary();
    assert!(
        summary.contains("missing_coordinate: 1 (fid 301)")
            && summary.contains("swapped_lat_lon: 1 (fid 304)"),
        "{summary}"
    );
    assert_eq!(
        gp.report.columns.get("category").map(String::as_str),
        Some("category")
    );

    // Rejects file: fid, reason, detail and the row's attributes.
    let dir = tempfile::tempdir().unwrap();
    let rp = dir.path().join("rejects.csv");
    gp.report.write_rejects(&rp).unwrap();
    let text = std::fs::read_to_string(&rp).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "fid,reason,detail,properties");
    assert_eq!(lines.len(), 5);
    assert!(
        lines[2].starts_with("302,unreadable_time,") && lines[2].contains("not a time"),
        "{text}"
    );
}

#[test]
fn a_projected_geopackage_keeps_its_crs_or_is_reprojected() {
    // GDAL's EPSG:3006 copy: working CRS 3006 as declared, positions as the CSV's within 1 cm
    // (GDAL and proj4rs project independently).
    let csv = read_path(&data("gpkg/incidents.csv"), &ReadOptions::default()).unwrap();
    let gp = read_path(&data("gpkg/incidents_3006.gpkg"), &ReadOptions::default()).unwrap();
    assert_eq!(gp.incidents.crs(), Crs::SWEREF99_TM);
    assert!(
        gp.report.crs_reason.contains("declared"),
        "{}",
        gp.report.crs_reason
    );
    // In metres, 0,0 and the swapped row are both far from the data; the other two as in CSV.
    let reasons: Vec<RejectReason> = gp.report.rejections.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            RejectReason::MissingCoordinate,
            RejectReason::UnreadableTime,
            RejectReason::FarFromData,
            RejectReason::FarFromData
        ]
    );
    assert_same(&csv, &gp, 0.01);

    // --crs another metric CRS: reprojected to it, like the CSV read with that CRS.
    let utm = ReadOptions {
        crs: Some(Crs::from_epsg(32633).unwrap()),
        ..ReadOptions::default()
    };
    let csv = read_path(&data("gpkg/incidents.csv"), &utm).unwrap();
    let gp = read_path(&data("gpkg/incidents_3006.gpkg"), &utm).unwrap();
    assert_eq!(gp.incidents.crs().epsg(), 32633);
    assert_same(&csv, &gp, 0.01);
}

#[test]
fn boundaries_and_schools_come_from_geopackage_layers() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("base.gpkg");
    let area = polygon![(x: 549_000.0, y: 6_544_000.0), (x: 551_000.0, y: 6_544_000.0), (x: 551_000.0, y: 6_546_000.0), (x: 549_000.0, y: 6_546_000.0), (x: 549_000.0, y: 6_544_000.0)];
    let b = [OutFeature {
        geometry: area.clone().into(),
        properties: Map::new(),
    }];
    let (pts, _, _) = scene();
    write_gpkg(
        &p,
        &[Layer::new("boundary", &b), Layer::new("schools", &pts)],
        Crs::SWEREF99_TM,
    )
    .unwrap();

    let bd = crate::ingest::Boundary::read(&dir.path().join("base.gpkg:boundary"), None).unwrap();
    assert_eq!(bd.crs(), Crs::SWEREF99_TM);
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    let sa = bd.to_study_area(&proj).unwrap();
    assert!(sa.contains(550_000.0, 6_545_000.0) && !sa.contains(552_000.0, 6_545_000.0));
    assert!(crate::ingest::Boundary::read(&dir.path().join("base.gpkg:schools"), None).is_err());

    let l = read_layer(&dir.path().join("base.gpkg:schools")).unwrap();
    let text = l.to_geojson_lonlat().unwrap();
    let schools = crate::schools::parse_schools(&text, &p, &proj).unwrap();
    assert_eq!(schools.len(), 2);
    assert_eq!(schools[0].name, "Skola \"A\" <x>");
    match schools[0].shape {
        crate::schools::SchoolShape::Point([x, y]) => {
            assert!(
                (x - 549_917.25).abs() < 1e-3 && (y - 6_545_387.5).abs() < 1e-3,
                "{x} {y}"
            );
        }
        _ => panic!("a point school"),
    }
}

#[test]
fn output_write_layer_picks_the_format_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let (_, polys, _) = scene();
    let proj = Projector::new(Crs::SWEREF99_TM).unwrap();
    crate::output::write_layer(&dir.path().join("hot.gpkg"), &polys, &proj).unwrap();
    crate::output::write_layer(&dir.path().join("hot.geojson"), &polys, &proj).unwrap();
    assert_eq!(
        super::layers(&dir.path().join("hot.gpkg")).unwrap()[0].name,
        "hot"
    );
    let text = std::fs::read_to_string(dir.path().join("hot.geojson")).unwrap();
    assert!(text.starts_with("{\"type\":\"FeatureCollection\""));
}

/// GDAL's own reading of a written file, when `ogrinfo` is installed (it is not needed otherwise).
#[test]
fn ogrinfo_reads_what_is_written_when_installed() {
    let Ok(out) = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
    else {
        eprintln!("ogrinfo not installed: GDAL check skipped");
        return;
    };
    if !out.status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("layers.gpkg");
    let (pts, polys, route) = scene();
    write_gpkg(
        &p,
        &[
            Layer::new("schools", &pts),
            Layer::new("gi_star", &polys),
            Layer::new("route", &route),
        ],
        Crs::SWEREF99_TM,
    )
    .unwrap();
    let out = std::process::Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(&p)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        !text.contains("ERROR") && !text.contains("Warning"),
        "{text}"
    );
    for needle in [
        "Layer name: schools",
        "Geometry: Multi Polygon",
        "Feature Count: 2",
        "ID[\"EPSG\",3006]",
        "pupils: Integer64",
        "share: Real",
        "open: Integer(Boolean)",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }
}

#[test]
fn a_lazy_layer_writes_the_same_file_as_the_features_it_makes() {
    let dir = tempfile::tempdir().unwrap();
    let (pts, polys, _) = scene();
    let eager = dir.path().join("eager.gpkg");
    write_gpkg(
        &eager,
        &[Layer::new("schools", &pts), Layer::new("gi", &polys)],
        Crs::SWEREF99_TM,
    )
    .unwrap();
    let inferred = Layer::new("schools", &pts);
    let calls = std::cell::Cell::new(0usize);
    let make = |i: usize| {
        calls.set(calls.get() + 1);
        pts[i].clone()
    };
    let lazy = dir.path().join("lazy.gpkg");
    write_gpkg(
        &lazy,
        &[
            Layer::lazy(
                "schools",
                pts.len(),
                &make,
                inferred.geometry_type,
                inferred.columns.clone(),
            ),
            Layer::new("gi", &polys),
        ],
        Crs::SWEREF99_TM,
    )
    .unwrap();
    assert_eq!(calls.get(), pts.len(), "each feature made once");
    assert_eq!(
        std::fs::read(&eager).unwrap(),
        std::fs::read(&lazy).unwrap()
    );
}

#[test]
fn a_lazy_feature_of_the_wrong_type_fails_the_write_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.gpkg");
    let (pts, polys, _) = scene();
    let make = |i: usize| {
        if i == 1 {
            polys[0].clone()
        } else {
            pts[0].clone()
        }
    };
    let l = Layer::lazy("a", 2, &make, GeometryType::Point, vec![]);
    let e = write_gpkg(&p, &[l], Crs::SWEREF99_TM)
        .unwrap_err()
        .to_string();
    assert!(e.contains("feature 2 is a POLYGON"), "{e}");
    assert!(e.contains("x.gpkg"), "{e}");
    assert!(!p.exists(), "nothing written");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no partial file left"
    );
}
