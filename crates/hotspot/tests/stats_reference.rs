//! Statistics checked against published reference values in `data/reference-values`
//! (PySAL esda 2.9.0 / pointpats 2.5.5; see that folder's SOURCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hotspot::stats::fishnet::Fishnet;
use hotspot::stats::getis_ord::{GiStarParams, gi_star, hot_spots_on};
use hotspot::stats::weights::SpatialWeights;
use hotspot::{Crs, GridSpec, Incidents, Projector};

fn data(rel: &str) -> String {
    format!("{}/../../data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn memphis() -> Incidents {
    let proj = Projector::new(Crs::from_epsg(32616).unwrap()).unwrap();
    let mut rdr = csv::Reader::from_path(data("memphis-robberies/memphis_robberies.csv")).unwrap();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for r in rdr.records() {
        let r = r.unwrap();
        let lon: f64 = r[3].parse().unwrap();
        let lat: f64 = r[4].parse().unwrap();
        let [x, y] = proj.to_metres(lon, lat).unwrap();
        xs.push(x);
        ys.push(y);
    }
    Incidents::from_xy(proj.crs(), &xs, &ys).unwrap()
}

/// Memphis robberies, 1000 m grid from (214000, 3876000), 38 x 30 cells, binary
/// band 1500 m: counts and z per cell equal the esda run (its p are one-tailed).
#[test]
fn memphis_grid_counts_and_z_match_esda() {
    let inc = memphis();
    assert_eq!(inc.len(), 2245);
    let spec = GridSpec::new(214_000.0, 3_876_000.0, 1000.0, 38, 30).unwrap();
    let f = Fishnet::square_on(&inc, spec, None).unwrap();
    assert_eq!(f.n_counted, 2245);
    let r = hot_spots_on(f, &GiStarParams::new(1000.0, 1500.0).unwrap()).unwrap();
    let mut rdr = csv::Reader::from_path(data(
        "reference-values/memphis_robberies_grid1000m_gistar_d1500.csv",
    ))
    .unwrap();
    let mut seen = 0;
    let (mut above196, mut above258) = (0, 0);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let col: usize = rec[0].parse().unwrap();
        let row: usize = rec[1].parse().unwrap();
        let count: f64 = rec[4].parse().unwrap();
        let z: f64 = rec[5].parse().unwrap();
        let p1: f64 = rec[6].parse().unwrap();
        let k = spec.index(col, row);
        assert_eq!(
            (r.fishnet.col[k] as usize, r.fishnet.row[k] as usize),
            (col, row)
        );
        assert_eq!(r.fishnet.x[k], rec[2].parse::<f64>().unwrap());
        assert_eq!(r.fishnet.count[k], count, "count of cell ({col}, {row})");
        assert!(
            (r.gi.z[k] - z).abs() < 1e-9,
            "z of cell ({col}, {row}): {} vs {z}",
            r.gi.z[k]
        );
        assert!((r.gi.p[k] - 2.0 * p1).abs() < 1e-9);
        above196 += usize::from(r.gi.z[k] > 1.96);
        above258 += usize::from(r.gi.z[k] > 2.58);
        seen += 1;
    }
    assert_eq!(seen, 38 * 30);
    assert_eq!((above196, above258), (181, 138));
    let max = r.gi.z.iter().copied().fold(f64::MIN, f64::max);
    assert!((max - 11.385869195941531).abs() < 1e-9);
}

fn columbus() -> (Vec<f64>, SpatialWeights) {
    let mut rdr = csv::Reader::from_path(data("reference-values/columbus_queen.csv")).unwrap();
    let (mut crime, mut lists) = (Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        crime.push(rec[1].parse::<f64>().unwrap());
        let nb: Vec<(usize, f64)> = rec[2]
            .split_whitespace()
            .map(|s| (s.parse::<usize>().unwrap() - 1, 1.0))
            .collect();
        lists.push(nb);
    }
    (crime, SpatialWeights::from_lists(&lists).unwrap())
}

/// Columbus: Gi* (binary queen weights, self included) per neighbourhood.
#[test]
fn columbus_gi_star_matches_esda() {
    let (crime, w) = columbus();
    let g = gi_star(&crime, &w).unwrap();
    let mut rdr = csv::Reader::from_path(data("reference-values/columbus_crime_gi.csv")).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        assert_eq!(w.cardinality(i), rec[2].parse::<usize>().unwrap());
        let z: f64 = rec[3].parse().unwrap();
        assert!((g.z[i] - z).abs() < 1e-9, "{i}: {} vs {z}", g.z[i]);
    }
}

/// Columbus: global Moran's I, row-standardised queen weights.
#[test]
fn columbus_global_moran_matches_esda() {
    use hotspot::stats::moran::global_moran;
    let (crime, w) = columbus();
    let m = global_moran(&crime, &w.row_standardised(), 0, 0).unwrap();
    assert!((m.i - 0.5001885571828611).abs() < 1e-12);
    assert!((m.expected - -0.020833333333333332).abs() < 1e-15);
    assert!((m.z_norm - 5.630312787738188).abs() < 1e-9);
    assert!((m.z_rand - 5.58938267504451).abs() < 1e-9);
    assert!((m.p_norm - 1.7988309915890043e-08).abs() < 1e-12);
}

/// Snow's 578 deaths in British National Grid (EPSG:27700): pointpats 2.5.5
/// centrography and Clark-Evans R with the convex hull. Our projection (proj4rs
/// with the EPSG definition's 7-parameter datum shift) and pyproj's differ by
/// metres in absolute position, so centres are compared to 5 m and
/// distances, which do not depend on a common offset, to 1e-3 relative.
#[test]
fn snow_deaths_point_pattern_descriptors_match_pointpats() {
    use hotspot::stats::centrography::*;
    use hotspot::stats::nearest_neighbour::*;
    let proj = Projector::new(Crs::from_epsg(27700).unwrap()).unwrap();
    let text = std::fs::read_to_string(data("john-snow/deaths.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for f in v["features"].as_array().unwrap() {
        let c = &f["geometry"]["coordinates"];
        let [a, b] = proj
            .to_metres(c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
            .unwrap();
        x.push(a);
        y.push(b);
    }
    assert_eq!(x.len(), 578);
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    let mc = mean_centre(&x, &y).unwrap();
    assert!(
        (mc[0] - 529423.3817111698).abs() < 5.0 && (mc[1] - 181015.7280071775).abs() < 5.0,
        "{mc:?}"
    );
    let med = median_centre(&x, &y, None).unwrap();
    // Median relative to the mean centre removes the common datum offset.
    assert!(((med[0] - mc[0]) - (529420.7625282716 - 529423.3817111698)).abs() < 0.05);
    assert!(((med[1] - mc[1]) - (181012.342915868 - 181015.7280071775)).abs() < 0.05);
    assert!(rel(standard_distance(&x, &y, None).unwrap(), 139.5913065228293) < 1e-3);
    let e = standard_deviational_ellipse(&x, &y, None).unwrap();
    assert!(rel(e.major, 153.25658637398163) < 1e-3, "{e:?}");
    assert!(rel(e.minor, 124.97680741582457) < 1e-3);
    assert!((e.angle_rad - 0.2713341741219655).abs() < 1e-2);
    let d = nearest_distances(&x, &y).unwrap();
    assert!(rel(d.iter().sum::<f64>() / 578.0, 5.545620436421444) < 1e-3);
    let nni = nearest_neighbour_index(&x, &y, None).unwrap();
    assert_eq!(nni.area_source, AreaSource::ConvexHull);
    assert!(rel(nni.area_m2, 263882.1928867116) < 2e-3);
    assert!(rel(nni.ratio, 0.5190856392985836) < 2e-3);
}

/// Knox test on Burkitt's lymphoma (delta 20, tau 5): pointpats 2.5.5 gives
/// statistic 13, expected 10.1438..., Poisson p 0.146246. That number is
/// pointpats' `1 - cdf(13) = P(X > 13)`; the p-value `P(X >= 13)` is 0.222267
/// (scipy: `poisson.sf(12, 10.143816133803618)` = 0.22226667388877835).
#[test]
fn knox_burkitt_matches_pointpats() {
    use hotspot::stats::knox::{KnoxParams, knox};
    let mut rdr = csv::Reader::from_path(data("reference-values/burkitt.csv")).unwrap();
    let (mut x, mut y, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        x.push(rec[1].parse::<f64>().unwrap());
        y.push(rec[2].parse::<f64>().unwrap());
        t.push(rec[3].parse::<f64>().unwrap());
    }
    assert_eq!(x.len(), 188);
    let k = knox(&x, &y, &t, &KnoxParams::new(20.0, 5.0, 999, 7).unwrap()).unwrap();
    assert_eq!(k.statistic, 13);
    assert_eq!(k.observed, [[13, 3416], [39, 14110]]);
    assert!((k.expected - 10.143816133803618).abs() < 1e-9);
    assert!((k.expected_table[1][1] - 14107.143816133805).abs() < 1e-6);
    assert!(
        (k.p_poisson_gt - 0.14624558197140414).abs() < 1e-9,
        "{}",
        k.p_poisson_gt
    );
    assert!(
        (k.p_poisson - 0.22226667388877835).abs() < 1e-9,
        "{}",
        k.p_poisson
    );
    // Monte Carlo agrees with the Poisson approximation to sampling error.
    let ps = k.p_sim.unwrap();
    assert!(ps > 0.08 && ps < 0.3, "{ps}");
}
