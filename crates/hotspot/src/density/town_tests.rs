//! A seeded test town (dense centre, two villages, forest, lake, busy streets and
//! six micro-places): the default KDE and hotspot delineation must find the
//! places, not the town.

use super::*;
use crate::area_at_risk::{AreaAtRisk, AreaAtRiskOptions};
use crate::crs::Crs;
use crate::incident::{IncidentRecord, Incidents, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use chrono::{DateTime, FixedOffset};
use geo::{MultiPolygon, polygon};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Incidents per micro-place: a wider place holds more (200 for 40 m up to 450 for 90 m).
const PLACE_N: [usize; 6] = [200, 250, 300, 350, 400, 450];

/// The six micro-places: centre and spread (standard deviation, metres).
const PLACES: [(f64, f64, f64); 6] = [
    (2200.0, 2300.0, 40.0),
    (2900.0, 2700.0, 50.0),
    (2500.0, 3150.0, 60.0),
    (1650.0, 2550.0, 70.0),
    (800.0, 4500.0, 80.0),
    (4800.0, 1200.0, 90.0),
];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box-Muller.
    let u: f64 = rng.random_range(1e-12..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn in_lake(x: f64, y: f64) -> bool {
    (3800.0..5200.0).contains(&x) && (3500.0..5000.0).contains(&y)
}

/// The town: 1500 incidents spread over the centre (radius 700 m), 300 over each
/// village (radius 300 m), 600 along two busy streets, 150 in the forest (never
/// in the lake), and 200-450 in each micro-place ([`PLACE_N`]); times uniform over two years.
pub(crate) fn town(seed: u64) -> Incidents {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).expect("crs");
    let t0 = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+01:00").expect("date");
    let mut push = |rng: &mut ChaCha8Rng, x: f64, y: f64, cat: &str, i: usize| {
        let secs = rng.random_range(0..(2 * 365 * 86_400i64));
        let t: DateTime<FixedOffset> = t0 + chrono::Duration::seconds(secs);
        b.push(IncidentRecord {
            x,
            y,
            weight: 1.0,
            category: cat,
            time: Some(IncidentTime::new(t, TimeResolution::Minute)),
            id: i.to_string(),
            lonlat: None,
        })
        .expect("push");
    };
    let mut i = 0;
    let disc = |rng: &mut ChaCha8Rng, cx: f64, cy: f64, r: f64| loop {
        let (x, y) = (rng.random_range(-r..r), rng.random_range(-r..r));
        if x * x + y * y <= r * r {
            return (cx + x, cy + y);
        }
    };
    for _ in 0..1500 {
        let (x, y) = disc(&mut rng, 2400.0, 2700.0, 700.0);
        push(&mut rng, x, y, "theft", i);
        i += 1;
    }
    for &(cx, cy) in &[(800.0, 4500.0), (4800.0, 1200.0)] {
        for _ in 0..300 {
            let (x, y) = disc(&mut rng, cx, cy, 300.0);
            push(&mut rng, x, y, "vandalism", i);
            i += 1;
        }
    }
    for k in 0..600 {
        let s = rng.random_range(-1200.0..1200.0);
        let j = 15.0 * normal(&mut rng);
        let (x, y) = if k % 2 == 0 {
            (2400.0 + s, 2700.0 + j)
        } else {
            (2400.0 + j, 2700.0 + s)
        };
        push(&mut rng, x, y, "traffic", i);
        i += 1;
    }
    let mut forest = 0;
    while forest < 150 {
        let (x, y) = (rng.random_range(0.0..6000.0), rng.random_range(0.0..6000.0));
        if !in_lake(x, y) {
            push(&mut rng, x, y, "theft", i);
            i += 1;
            forest += 1;
        }
    }
    for (&(cx, cy, sd), &n) in PLACES.iter().zip(&PLACE_N) {
        for _ in 0..n {
            let (x, y) = (cx + sd * normal(&mut rng), cy + sd * normal(&mut rng));
            push(&mut rng, x, y, "violence", i);
            i += 1;
        }
    }
    b.build()
}

#[test]
fn default_kde_and_hotspots_find_the_six_micro_places_not_the_town() {
    let inc = town(15);
    let s = Kde::new(KdeOptions::predictive(25.0))
        .expect("options")
        .estimate(&inc)
        .expect("surface");
    let sel = s
        .bandwidth
        .selection
        .as_ref()
        .expect("a cross-validation ran");
    let chosen = sel.chosen_m.expect("times allow a choice");
    assert_eq!(s.bandwidth.bandwidth_m, chosen);
    assert_eq!(sel.candidates.len(), 8);
    assert!(sel.candidates.iter().all(|c| c.pai.len() == 3));
    assert!(chosen <= 164.0, "chose {chosen} m: {sel:?}");
    let h = find_hotspots(&s, &inc, HotspotThreshold::TopAreaPercent(1.0)).expect("hotspots");
    assert!(!h.hotspots.is_empty());
    for hs in &h.hotspots {
        assert!(
            hs.share <= 0.25,
            "hotspot {} holds {:.2}",
            hs.rank,
            hs.share
        );
        assert!(
            hs.area_km2 <= 1.0,
            "hotspot {} is {} km2",
            hs.rank,
            hs.area_km2
        );
    }
    // Each micro-place is its own hotspot: the hotspot holding its centre holds
    // no other place's centre.
    let mut owner = Vec::new();
    for &(x, y, _) in &PLACES {
        let p = geo::Point::new(x, y);
        let k = h
            .hotspots
            .iter()
            .position(|hs| geo::Intersects::intersects(&hs.geometry, &p));
        let k = k.unwrap_or_else(|| panic!("no hotspot at ({x}, {y}): {h:?}"));
        owner.push(k);
    }
    let mut distinct = owner.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "places share hotspots: {owner:?}");
    // The six places are the top hotspots by incidents.
    let mut by_n: Vec<usize> = (0..h.hotspots.len()).collect();
    by_n.sort_by_key(|&k| std::cmp::Reverse(h.hotspots[k].incidents));
    for k in &by_n[..6] {
        assert!(owner.contains(k), "hotspot {k} is not a micro-place");
    }
}

#[test]
fn a_wide_kernel_joins_two_places_and_the_saddle_split_separates_them() {
    // A 400 m bandwidth (what the ArcGIS rule gives on wider scenes) and a
    // threshold just under the lowest value on the segment between places 1
    // and 2: one connected region holds both; the watershed makes two hotspots.
    let inc = town(15);
    let s = Kde::new(KdeOptions::new(400.0, 25.0))
        .expect("options")
        .estimate(&inc)
        .expect("surface");
    let g = s.raster.spec;
    let (p1, p2) = (PLACES[0], PLACES[1]);
    let low = (0..=40)
        .map(|k| {
            let f = k as f64 / 40.0;
            let (x, y) = (p1.0 + f * (p2.0 - p1.0), p1.1 + f * (p2.1 - p1.1));
            let (c, r) = g.cell_of(x, y).expect("on the grid");
            s.raster.get(c, r)
        })
        .fold(f64::INFINITY, f64::min);
    let holder = |h: &Hotspots, p: (f64, f64, f64)| {
        let (c, r) = g.cell_of(p.0, p.1).expect("on the grid");
        let centre = g.centre(c, r);
        h.hotspots.iter().position(|hs| {
            geo::Contains::contains(&hs.geometry, &geo::Point::new(centre[0], centre[1]))
        })
    };
    let run = |delineation| {
        find_hotspots_with(
            &s,
            &inc,
            &HotspotOptions {
                rule: HotspotThreshold::Density(0.9 * low),
                area: None,
                delineation,
            },
        )
        .expect("hotspots")
    };
    let joined = run(Delineation::Connected);
    let a = holder(&joined, p1).expect("place 1 in a hotspot");
    assert_eq!(Some(a), holder(&joined, p2), "connected: one region");
    let split = run(Delineation::default());
    let (a, b) = (holder(&split, p1), holder(&split, p2));
    assert!(a.is_some() && b.is_some() && a != b, "saddles: {a:?} {b:?}");
    assert!(split.hotspots.len() > joined.hotspots.len());
}

#[test]
fn the_area_at_risk_raises_the_threshold_and_no_hotspot_is_in_the_lake() {
    let inc = town(16);
    let s = Kde::new(KdeOptions::new(100.0, 25.0))
        .expect("options")
        .estimate(&inc)
        .expect("surface");
    let lake = polygon![(x: 3800.0, y: 3500.0), (x: 5200.0, y: 3500.0), (x: 5200.0, y: 5000.0), (x: 3800.0, y: 5000.0)];
    let a = AreaAtRisk::build(
        s.raster.spec,
        &AreaAtRiskOptions {
            water: Some(MultiPolygon::new(vec![lake])),
            from_incidents_m: Some(200.0),
            ..Default::default()
        },
        &inc,
    )
    .expect("area");
    assert!(a.summary().water_cells > 3000);
    let rule = HotspotThreshold::TopAreaPercent(1.0);
    let whole = hotspots::threshold_value(&s, rule).unwrap().unwrap();
    let at_risk = hotspots::threshold_value_in(&s, rule, &a).unwrap().unwrap();
    assert!(at_risk > whole, "{at_risk} vs {whole}");
    // By hand: the ceil(1% of the area's cells)-th highest value inside it.
    let mut v: Vec<f64> = (0..s.raster.values.len())
        .filter(|&k| a.contains_cell(k))
        .map(|k| s.raster.values[k])
        .collect();
    v.sort_by(|x, y| y.total_cmp(x));
    assert_eq!(at_risk, v[(0.01 * v.len() as f64).ceil() as usize - 1]);
    let h = find_hotspots_with(
        &s,
        &inc,
        &HotspotOptions {
            area: Some(&a),
            ..HotspotOptions::new(rule)
        },
    )
    .unwrap();
    assert!(!h.hotspots.is_empty());
    assert!(h.hotspots.iter().all(|hs| hs.cells > 0));
    assert_eq!(h.reference_cells, a.cells());
}

#[test]
fn default_kde_predicts_the_next_year_at_least_as_well_as_grid_counts() {
    use crate::evaluate::{EvalGrid, GridCounts, HotspotMethod, KdeMethod, Split, evaluate};
    let inc = town(17);
    let cut = DateTime::parse_from_rfc3339("2025-01-01T00:00:00+01:00")
        .expect("date")
        .timestamp();
    let before = |i: usize| inc.times()[i].is_some_and(|t| t.timestamp() < cut);
    let train = inc.filter(&before);
    let test = inc.filter(|i| !before(i));
    let spec = crate::grid::GridSpec::covering(inc.bbox().expect("bbox"), 100.0, 0.0).unwrap();
    let grid = EvalGrid::new(spec, None).unwrap();
    let split = Split {
        train: &train,
        test: &test,
        train_period: None,
        test_period: None,
        shares: None,
    };
    let kde = KdeMethod::new(None);
    let arcgis = KdeMethod::arcgis();
    let methods: [&dyn HotspotMethod; 3] = [&kde, &arcgis, &GridCounts];
    let res = evaluate(&grid, &split, &methods, &[0.01, 0.05]).unwrap();
    let pai = |m: usize, c: usize| res[m].rows[c].counts.pai.expect("pai");
    for c in 0..2 {
        // Within noise: at least 90% of the grid count's PAI.
        assert!(
            pai(0, c) >= 0.9 * pai(2, c),
            "coverage {c}: kde {} vs grid {} ({})",
            pai(0, c),
            pai(2, c),
            res[0].params
        );
    }
    assert_eq!(res[1].method, "kde-arcgis");
    assert!(
        res[0].params.contains("cross-validation"),
        "{}",
        res[0].params
    );
}
