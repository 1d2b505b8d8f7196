//! Tests of the perception comparison against independently computed values.

use super::*;
use crate::crs::Crs;
use crate::ingest::RejectReason;
use std::io::Write;

const X0: f64 = 550_000.0;
const Y0: f64 = 6_545_000.0;

/// `n` points at the centre of 250 m cell `k` of a row of cells starting at (X0, Y0).
fn at_cell(k: usize, n: usize, xs: &mut Vec<f64>, ys: &mut Vec<f64>) {
    for j in 0..n {
        // Spread slightly inside the cell so no point sits on an edge.
        xs.push(X0 + k as f64 * 250.0 + 100.0 + (j % 10) as f64 * 5.0);
        ys.push(Y0 + 100.0 + (j / 10) as f64 * 5.0);
    }
}

fn sets(cells: &[(usize, usize)]) -> (Incidents, Incidents) {
    let (mut rx, mut ry, mut px, mut py) = (vec![], vec![], vec![], vec![]);
    for (k, &(r, p)) in cells.iter().enumerate() {
        at_cell(k, r, &mut rx, &mut ry);
        at_cell(k, p, &mut px, &mut py);
    }
    (
        Incidents::from_xy(Crs::SWEREF99_TM, &rx, &ry).unwrap(),
        Incidents::from_xy(Crs::SWEREF99_TM, &px, &py).unwrap(),
    )
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-300)
}

#[test]
fn fisher_matches_scipy_on_hand_tables() {
    // python3 -c "from scipy.stats import fisher_exact; print(fisher_exact(T)[1])"  (SciPy 1.17.1)
    let cases: [([u64; 4], f64); 7] = [
        ([3, 97, 12, 88], 0.028671314973177094),
        ([0, 500, 25, 475], 4.38233447667818e-08),
        ([10, 990, 1, 199], 0.7024661086292601),
        ([5, 5, 5, 5], 1.0),
        ([1, 3999, 0, 60], 1.0),
        ([40, 960, 2, 298], 0.002363856033611481),
        ([7, 13, 2, 18], 0.12738612738612737),
    ];
    for ([a, b, c, d], want) in cases {
        let got = fisher_exact_two_sided(a, b, c, d);
        assert!(close(got, want, 1e-9), "{a} {b} {c} {d}: {got} vs {want}");
        // Symmetric in the rows.
        let sw = fisher_exact_two_sided(c, d, a, b);
        assert!(close(sw, want, 1e-9));
    }
}

#[test]
fn fisher_by_hand_on_a_tiny_table() {
    // [[2, 0], [0, 2]]: margins 2/2, N = 4; P(x) for x = 0, 1, 2 is 1/6, 4/6, 1/6.
    // Observed x = 2 (prob 1/6): two-sided p = 1/6 + 1/6 = 1/3.
    assert!(close(fisher_exact_two_sided(2, 0, 0, 2), 1.0 / 3.0, 1e-12));
    // [[1, 1], [1, 1]]: the most probable table, p = 1.
    assert!(close(fisher_exact_two_sided(1, 1, 1, 1), 1.0, 1e-12));
    // Empty margin.
    assert_eq!(fisher_exact_two_sided(0, 0, 3, 4), 1.0);
}

#[test]
fn holm_on_a_known_vector() {
    // statsmodels.stats.multitest.multipletests([0.01,0.04,0.03,0.005], method='holm')[1]
    // = [0.03 0.06 0.06 0.02]; by hand: sorted 0.005*4, 0.01*3, 0.03*2, max(0.04*1, 0.06).
    let got = holm(&[0.01, 0.04, 0.03, 0.005]);
    for (g, w) in got.iter().zip([0.03, 0.06, 0.06, 0.02]) {
        assert!(close(*g, w, 1e-12), "{got:?}");
    }
    assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
    assert!(holm(&[]).is_empty());
}

#[test]
fn cells_reproduce_scipy_and_statsmodels_and_the_s_index() {
    // benches/sppt_ref.py: fisher_exact per cell against totals R = P = 100,
    // multipletests(p, method='holm'); SciPy 1.17.1, statsmodels 0.15.0.
    let cells = [
        (30, 2),
        (0, 25),
        (12, 10),
        (5, 5),
        (1, 0),
        (0, 1),
        (50, 40),
        (2, 17),
    ];
    let want_adj = [
        1.7954877149555533e-07,
        8.58150036876161e-08,
        1.0,
        1.0,
        1.0,
        1.0,
        1.0,
        0.0024307954702157603,
    ];
    let want_p = [
        2.5649824499365046e-08,
        1.0726875460952012e-08,
        0.8217485163509993,
        1.0,
        1.0,
        1.0,
        0.20070760013598074,
        0.00040513257836929337,
    ];
    let (inc, pins) = sets(&cells);
    let res = compare(&inc, &pins, None, &PerceptionOptions::default()).unwrap();
    assert_eq!(res.cells.len(), 8);
    // Cells come in row-major order; all in one row, so by column = k.
    for (k, c) in res.cells.iter().enumerate() {
        assert_eq!(
            (c.recorded, c.perceived),
            (cells[k].0 as u64, cells[k].1 as u64)
        );
        assert!((c.p_adjusted - want_adj[k]).abs() < 1e-6 * want_adj[k].max(1e-6));
        assert!(close(c.p, want_p[k], 1e-8), "{k}: {} vs {}", c.p, want_p[k]);
    }
    use PerceptionClass::*;
    let classes: Vec<_> = res.cells.iter().map(|c| c.class).collect();
    assert_eq!(
        classes,
        [
            RecordedOnly,
            PerceivedOnly,
            Similar,
            Similar,
            Similar,
            Similar,
            Similar,
            PerceivedOnly
        ]
    );
    assert_eq!(res.sppt.s_index, Some(5.0 / 8.0));
    assert_eq!(
        (
            res.sppt.similar,
            res.sppt.perceived_only,
            res.sppt.recorded_only
        ),
        (5, 2, 1)
    );
    assert_eq!(
        (res.sppt.recorded_total, res.sppt.perceived_total),
        (100, 100)
    );
}

#[test]
fn a_place_pinned_by_many_without_incidents_is_perceived_only() {
    // A town: incidents spread over 10 cells, pins following them, and one
    // dark path pinned by 20 people where nothing was recorded.
    let mut cells: Vec<(usize, usize)> = (0..10).map(|k| (20 + k, 4 + k % 3)).collect();
    cells.push((0, 20));
    let (inc, pins) = sets(&cells);
    let res = compare(&inc, &pins, None, &PerceptionOptions::default()).unwrap();
    let path = res.cells.last().unwrap();
    assert_eq!((path.recorded, path.perceived), (0, 20));
    assert_eq!(path.class, PerceptionClass::PerceivedOnly);
    // The ordinary cells, where pins follow incidents, are not flagged perceived_only.
    assert!(
        res.cells[..10]
            .iter()
            .all(|c| c.class != PerceptionClass::PerceivedOnly)
    );
}

#[test]
fn cells_in_one_set_only_are_compared_and_empty_cells_are_not() {
    let (inc, pins) = sets(&[(3, 0), (0, 0), (0, 3), (4, 4)]);
    let res = compare(&inc, &pins, None, &PerceptionOptions::default()).unwrap();
    assert_eq!(res.cells.len(), 3, "the empty cell is not compared");
    assert_eq!((res.cells[0].recorded, res.cells[0].perceived), (3, 0));
    assert_eq!((res.cells[1].recorded, res.cells[1].perceived), (0, 3));
    // [[3, 4], [0, 7]] against totals 7 and 7: SciPy fisher_exact gives 0.19230769230769232.
    assert!(
        close(res.cells[0].p, 0.19230769230769232, 1e-9),
        "{}",
        res.cells[0].p
    );
    assert_eq!(res.sppt.n_compared, 3);
}

#[test]
fn weights_count_as_respondents() {
    let (inc, pins) = sets(&[(10, 1), (10, 1)]);
    // The first pin stands for 9 respondents: 9 + 1 = 10 in cell 0 (after cell 1's pin).
    let pins = pins.with_weights(vec![9.0, 1.0]).unwrap();
    let res = compare(&inc, &pins, None, &PerceptionOptions::default()).unwrap();
    assert_eq!(res.cells[0].perceived, 9);
    assert_eq!(res.cells[1].perceived, 1);
    assert_eq!(res.sppt.perceived_total, 10);
    assert!(close(res.cells[0].perceived_share, 0.9, 1e-12));
}

#[test]
fn points_outside_the_area_are_left_out_and_counted() {
    let (inc, pins) = sets(&[(5, 5), (5, 5), (5, 5)]);
    // The area covers the first two cells only.
    let area = geo::MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: X0, y: Y0},
            geo::coord! {x: X0 + 500.0, y: Y0 + 250.0},
        )
        .to_polygon(),
    ]);
    let res = compare(&inc, &pins, Some(&area), &PerceptionOptions::default()).unwrap();
    assert_eq!(res.cells.len(), 2);
    assert_eq!((res.recorded_outside, res.perceived_outside), (5, 5));
    assert_eq!(res.sppt.recorded_total, 10);
}

#[test]
fn areal_units_get_their_own_s_index() {
    let (inc, pins) = sets(&[(30, 2), (0, 25), (12, 10)]);
    let rect = |k: f64| {
        geo::MultiPolygon(vec![
            geo::Rect::new(
                geo::coord! {x: X0 + k * 250.0, y: Y0},
                geo::coord! {x: X0 + (k + 1.0) * 250.0, y: Y0 + 250.0},
            )
            .to_polygon(),
        ])
    };
    let areas = vec![
        NamedArea {
            name: "A".into(),
            area: rect(0.0),
        },
        NamedArea {
            name: "B".into(),
            area: rect(1.0),
        },
    ];
    let res = compare_areas(&inc, &pins, &areas, 0.05).unwrap();
    // Totals are the points in some unit: 30 incidents, 27 pins; the third cell is outside.
    assert_eq!(
        (res.sppt.recorded_total, res.sppt.perceived_total),
        (30, 27)
    );
    assert_eq!((res.recorded_outside, res.perceived_outside), (12, 10));
    // [[30, 0], [2, 25]]: both units differ completely.
    assert_eq!(res.areas[0].class, PerceptionClass::RecordedOnly);
    assert_eq!(res.areas[1].class, PerceptionClass::PerceivedOnly);
    assert_eq!(res.sppt.s_index, Some(0.0));
    assert!(compare_areas(&inc, &pins, &[], 0.05).is_err());
}

#[test]
fn public_suppression_drops_small_positive_counts_only() {
    let (inc, pins) = sets(&[(2, 10), (0, 12), (8, 8)]);
    let res = compare(&inc, &pins, None, &PerceptionOptions::default()).unwrap();
    let (kept, dropped) = suppress_public(&res.cells, 3);
    assert_eq!(dropped, 1);
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|c| c.recorded != 2));
}

#[test]
fn terciles_split_positive_values() {
    assert_eq!(
        terciles(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        vec![0, 0, 0, 1, 1, 2, 2]
    );
    assert_eq!(terciles(&[0.0, 0.0]), vec![0, 0]);
}

#[test]
fn bad_parameters_are_errors() {
    let (inc, pins) = sets(&[(1, 1)]);
    let bad = PerceptionOptions {
        alpha: 1.5,
        ..PerceptionOptions::default()
    };
    assert!(matches!(
        compare(&inc, &pins, None, &bad),
        Err(Error::InvalidParameter { name: "alpha", .. })
    ));
    let bad = PerceptionOptions {
        cell_m: 0.0,
        ..PerceptionOptions::default()
    };
    assert!(compare(&inc, &pins, None, &bad).is_err());
    let empty = Incidents::empty(Crs::SWEREF99_TM).unwrap();
    assert!(matches!(
        compare(&inc, &empty, None, &PerceptionOptions::default()),
        Err(Error::InsufficientData(_))
    ));
}

fn file(ext: &str, text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn opts() -> ReadOptions {
    ReadOptions {
        crs: Some(Crs::SWEREF99_TM),
        ..ReadOptions::default()
    }
}

#[test]
fn csv_pins_with_weight_and_concern_and_a_bad_row() {
    let f = file(
        ".csv",
        "lat,lon,weight,concern\n59.045,15.87,3,belysning\n59.046,15.871,1,ungdomsgrupper\nx,15.87,1,trafik\n",
    );
    let p = read_perceived(f.path(), &opts()).unwrap();
    assert_eq!(p.pins.len(), 2);
    assert_eq!(p.pins.weights(), &[3.0, 1.0]);
    assert_eq!(p.pins.category(0), "belysning");
    assert_eq!(p.report.rejected(), 1);
    assert_eq!(
        p.report.rejected_by_reason().get(&RejectReason::NotANumber),
        Some(&1)
    );
    assert_eq!(p.polygons, 0);
}

#[test]
fn fractional_weights_are_an_error_naming_the_pin() {
    let f = file(".csv", "id,lat,lon,weight\nA7,59.045,15.87,2.5\n");
    let e = read_perceived(f.path(), &opts()).unwrap_err().to_string();
    assert!(e.contains("A7") && e.contains("whole number"), "{e}");
}

#[test]
fn polygons_count_at_their_representative_point() {
    // An L-shaped area (its centroid lies outside it) and a point.
    let f = file(
        ".geojson",
        r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"weight":4,"concern":"mörker"},"geometry":{"type":"Polygon","coordinates":[[[15.870,59.045],[15.880,59.045],[15.880,59.046],[15.872,59.046],[15.872,59.050],[15.870,59.050],[15.870,59.045]]]}},
 {"type":"Feature","properties":{"weight":1},"geometry":{"type":"Point","coordinates":[15.875,59.047]}},
 {"type":"Feature","properties":{"weight":1},"geometry":{"type":"LineString","coordinates":[[15.87,59.04],[15.88,59.04]]}}
]}"#,
    );
    let p = read_perceived(f.path(), &opts()).unwrap();
    assert_eq!(p.polygons, 1);
    assert_eq!(p.pins.len(), 2);
    assert_eq!(p.pins.weights(), &[4.0, 1.0]);
    assert_eq!(p.pins.category(0), "mörker");
    // The line is rejected, counted by reason with its feature number.
    assert_eq!(
        p.report
            .rejected_by_reason()
            .get(&RejectReason::UnsupportedGeometry),
        Some(&1)
    );
    // The representative point lies inside the L (checked in lon/lat).
    let [lon, lat] = p.pins.lonlat()[0].unwrap();
    let l = geo::Polygon::new(
        geo::LineString::from(vec![
            (15.870, 59.045),
            (15.880, 59.045),
            (15.880, 59.046),
            (15.872, 59.046),
            (15.872, 59.050),
            (15.870, 59.050),
        ]),
        vec![],
    );
    assert!(l.contains(&geo::Point::new(lon, lat)), "{lon} {lat}");
}

#[test]
fn an_empty_perception_file_is_a_clear_error() {
    for (ext, text) in [(".csv", ""), (".geojson", ""), (".csv", "lat,lon\n")] {
        let f = file(ext, text);
        let e = read_perceived(f.path(), &opts()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(&f.path().display().to_string()) && msg.contains("empty")
                || msg.contains("no ")
                || msg.contains("header"),
            "{msg}"
        );
        assert!(
            matches!(e, Error::Parse { .. } | Error::InsufficientData(_)),
            "{e:?}"
        );
    }
    let f = file(".geojson", r#"{"type":"FeatureCollection","features":[]}"#);
    let e = read_perceived(f.path(), &opts()).unwrap_err().to_string();
    assert!(e.contains("no features"), "{e}");
}
