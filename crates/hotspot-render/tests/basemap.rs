//! Basemap rendering: labels never overlap one another or the data's labels
//! and badges, never leave the frame, give way to data labels, and map text
//! is at least 11 px when drawn at the size it is shown.

#![allow(clippy::unwrap_used)]

use geo::{Coord, LineString, MultiPolygon, Polygon};
use hotspot::basemap::{Basemap, Place, Road, RoadClass};
use hotspot_render::*;

fn circle(cx: f64, cy: f64, r: f64) -> MultiPolygon<f64> {
    let ring: Vec<Coord<f64>> = (0..=32)
        .map(|i| {
            let a = i as f64 / 32.0 * std::f64::consts::TAU;
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin(),
            }
        })
        .collect();
    MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])
}

/// A crowded town: 40 places with long names within 1.2 km, a grid of named
/// streets, two major roads, a lake, five patrol zones with badge texts and
/// two labelled schools (one of which is also a place).
fn crowded(extent: [f64; 4]) -> MapSpec {
    let mut places = Vec::new();
    for i in 0..40 {
        let a = i as f64 * 2.399;
        let r = 35.0 * (i as f64).sqrt() * 5.0;
        places.push(Place {
            name: format!("Platsen med långt namn {i}"),
            kind: if i % 13 == 0 {
                "village".into()
            } else {
                "square".into()
            },
            xy: [r * a.cos(), r * a.sin()],
        });
    }
    places.push(Place {
        name: "Sörgårdens skola".into(),
        kind: "school".into(),
        xy: [400.0, 300.0],
    });
    let mut roads = Vec::new();
    for k in -4..=4 {
        let v = k as f64 * 250.0;
        roads.push(Road {
            name: Some(format!("Gata {k}")),
            class: RoadClass::Street,
            line: LineString::from(vec![(-1500.0, v), (1500.0, v)]),
        });
        roads.push(Road {
            name: Some(format!("Väg {k}")),
            class: RoadClass::Street,
            line: LineString::from(vec![(v, -1500.0), (v, 1500.0)]),
        });
    }
    roads.push(Road {
        name: Some("Storvägen".into()),
        class: RoadClass::Major,
        line: LineString::from(vec![(-15_000.0, -300.0), (0.0, -100.0), (15_000.0, 900.0)]),
    });
    roads.push(Road {
        name: Some("Norrleden".into()),
        class: RoadClass::Major,
        line: LineString::from(vec![(100.0, -12_000.0), (0.0, 0.0), (-600.0, 12_000.0)]),
    });
    roads.push(Road {
        name: None,
        class: RoadClass::Path,
        line: LineString::from(vec![(-300.0, -300.0), (300.0, 300.0)]),
    });
    let basemap = Basemap {
        places,
        roads,
        water: vec![circle(2500.0, 2500.0, 700.0)],
        buildings: vec![circle(100.0, 100.0, 20.0)],
        skipped: Vec::new(),
    };
    let mut bm = BasemapLayer::new(&basemap);
    bm.legend.water = "Vatten".into();
    bm.legend.major_roads = "Större väg".into();
    let zones = [
        (0.0, 0.0),
        (-350.0, 380.0),
        (420.0, -260.0),
        (720.0, 330.0),
        (-180.0, -620.0),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(x, y))| PatrolZone {
        area: circle(x, y, 250.0),
        rank: i as u32 + 1,
        label: format!("Plats {} · fre–lör 21–03", i + 1),
    })
    .collect();
    MapSpec {
        title: "Patrol zones".into(),
        subtitle: "Synthetic".into(),
        attribution: "Synthetic basemap.".into(),
        legend_title: "Legend".into(),
        extent,
        layers: vec![
            Layer::Basemap(bm),
            Layer::Points(PointLayer {
                title: String::new(),
                points: vec![[400.0, 300.0], [-520.0, -480.0]],
                class: vec![0, 0],
                classes: vec![Class::new("School", palette::SCHOOL)],
                radius_pt: 3.5,
                symbol: Symbol::Square,
                labels: vec!["Sörgårdens skola".into(), "Åsens gymnasium".into()],
            }),
            Layer::Patrol(PatrolLayer {
                legend: "Patrol zone".into(),
                zones,
                route: None,
                route_legend: String::new(),
                colour: palette::PATROL,
            }),
        ],
        north: "N".into(),
        note: String::new(),
    }
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

fn check_labels(stats: &RenderStats) {
    let f = stats.frame_px;
    for (i, a) in stats.labels.iter().enumerate() {
        assert!(
            a.px[0] >= f[0] && a.px[1] >= f[1] && a.px[2] <= f[2] && a.px[3] <= f[3],
            "{a:?} outside the frame {f:?}"
        );
        for b in &stats.labels[i + 1..] {
            assert!(!overlaps(&a.px, &b.px), "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn crowded_labels_never_overlap_and_stay_inside_the_frame() {
    // (extent, size, fewest place names that must fit)
    for (extent, size, min_places) in [
        ([-1500.0, -1200.0, 1500.0, 1200.0], Size::shown_at(1280), 5),
        ([-1500.0, -1200.0, 1500.0, 1200.0], Size::shown_at(640), 1),
        (
            [-15_000.0, -12_000.0, 15_000.0, 12_000.0],
            Size::shown_at(1280),
            0,
        ),
        (
            [-800.0, -600.0, 1200.0, 900.0],
            Size::A4_LANDSCAPE_300DPI,
            5,
        ),
    ] {
        let (_, stats) = crowded(extent).render_svg(size).unwrap();
        check_labels(&stats);
        let kinds = |k: LabelKind| stats.labels.iter().filter(|l| l.kind == k).count();
        // Basemap names give way to the data: the data labels placed are the
        // same, at the same positions, as on the map without a basemap.
        let mut bare = crowded(extent);
        bare.layers.retain(|l| !matches!(l, Layer::Basemap(_)));
        let (_, without) = bare.render_svg(size).unwrap();
        let data = |s: &RenderStats| -> Vec<PlacedLabel> {
            s.labels
                .iter()
                .filter(|l| !matches!(l.kind, LabelKind::Place | LabelKind::Road))
                .cloned()
                .collect()
        };
        assert_eq!(data(&stats), data(&without), "{extent:?}");
        assert!(
            kinds(LabelKind::Place) as i64 >= min_places,
            "{extent:?} {size:?}"
        );
        // Crowded: some place names cannot be placed and are counted.
        assert!(stats.labels_dropped > 0);
        assert_eq!(stats.labels_placed, stats.labels.len());
    }
}

#[test]
fn street_names_only_on_close_ups_major_roads_always_and_no_double_names() {
    let (svg, close) = crowded([-1500.0, -1200.0, 1500.0, 1200.0])
        .render_svg(Size::shown_at(1280))
        .unwrap();
    let roads: Vec<&str> = close
        .labels
        .iter()
        .filter(|l| l.kind == LabelKind::Road)
        .map(|l| l.text.as_str())
        .collect();
    assert!(
        roads.contains(&"Storvägen") && roads.contains(&"Norrleden"),
        "{roads:?}"
    );
    assert!(roads.iter().any(|r| r.starts_with("Gata ")), "{roads:?}");
    // Each road name once.
    let mut sorted = roads.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), roads.len());
    // The school is a data label and a basemap place: drawn once.
    assert_eq!(svg.matches("Sörgårdens skola").count(), 1);
    let (_, wide) = crowded([-15_000.0, -12_000.0, 15_000.0, 12_000.0])
        .render_svg(Size::shown_at(1280))
        .unwrap();
    let wide_roads: Vec<&str> = wide
        .labels
        .iter()
        .filter(|l| l.kind == LabelKind::Road)
        .map(|l| l.text.as_str())
        .collect();
    assert!(wide_roads.contains(&"Storvägen"), "{wide_roads:?}");
    assert!(
        wide_roads.iter().all(|r| !r.starts_with("Gata ")),
        "{wide_roads:?}"
    );
    // Legend entries for the basemap, only those with text.
    assert!(close.legend_entries.contains(&"Vatten".to_string()));
    assert!(close.legend_entries.contains(&"Större väg".to_string()));
}

#[test]
fn map_text_is_at_least_11_px_when_drawn_at_the_size_shown() {
    let (svg, _) = crowded([-1500.0, -1200.0, 1500.0, 1200.0])
        .render_svg(Size::shown_at(1280))
        .unwrap();
    let sizes: Vec<f64> = svg
        .split("font-size=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse::<f64>().unwrap())
        .collect();
    assert!(sizes.len() > 20, "{}", sizes.len());
    let min = sizes.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(min >= 11.0 - 1e-9, "smallest text {min} px");
    // The old screen size, shown at 1280 px, gives 7 pt text 7.2 px.
    let s = Size::SCREEN;
    let shown = s.pt(style::MAP_MIN_TEXT_PT) / style::FONT_SIZE_PER_EM * 1280.0 / s.width as f64;
    assert!(shown < 7.3, "{shown}");
}

#[test]
fn closeup_extent_from_patrol_zones_and_a_framed_overview() {
    let map = crowded([-15_000.0, -12_000.0, 15_000.0, 12_000.0]);
    let results: Vec<&Layer> = map
        .layers
        .iter()
        .filter(|l| matches!(l, Layer::Patrol(_)))
        .collect();
    let e = closeup_extent(results, map.extent, &CloseUpOptions::default()).unwrap();
    // Zones span x -600..970, y -870..630 (radius 250): 1570 x 1500 m, margin 300 m.
    assert!(
        (e[0] + 900.0).abs() < 1.0 && (e[2] - 1270.0).abs() < 1.0,
        "{e:?}"
    );
    assert!(
        (e[1] + 1170.0).abs() < 1.0 && (e[3] - 930.0).abs() < 1.0,
        "{e:?}"
    );
    let close = map.closeup(e, "Close-up");
    let overview = map.clone().with_closeup_frame(e, "Close-up area");
    let (_, so) = overview.render_svg(Size::shown_at(640)).unwrap();
    assert!(so.legend_entries.contains(&"Close-up area".to_string()));
    let (_, sc) = close.render_svg(Size::shown_at(640)).unwrap();
    check_labels(&sc);
    // The close-up with its overview in the legend column, as the report draws it: labels
    // (badges, area and place names) do not overlap, stay inside the close-up's frame and
    // keep off the overview; every patrol badge is placed; the whole legend is drawn.
    for size in [Size::shown_at(855), Size::A4_LANDSCAPE_300DPI] {
        let fig = hotspot_render::CloseUp::of(&map, e, "Overview");
        let (_, st) = fig.render_svg(size).unwrap();
        check_labels(&st);
        let loc = st.locator_px.expect("overview drawn");
        assert!(
            loc[0] > st.frame_px[2] && loc[2] <= size.width as f64,
            "{loc:?}"
        );
        assert!(st.labels.iter().all(|l| !overlaps(&l.px, &loc)));
        assert_eq!(
            st.labels
                .iter()
                .filter(|l| l.kind == LabelKind::Badge)
                .count(),
            5
        );
        assert_eq!(st.legend_cut, 0);
    }
    assert!(
        sc.labels
            .iter()
            .any(|l| l.kind == LabelKind::Road && l.text.starts_with("Gata"))
    );
}

#[test]
fn rendering_with_a_basemap_is_deterministic() {
    let m = crowded([-1500.0, -1200.0, 1500.0, 1200.0]);
    let a = m.render_svg(Size::shown_at(800)).unwrap();
    let b = m.render_svg(Size::shown_at(800)).unwrap();
    assert_eq!(a, b);
}

/// A town centre as the report draws it: a hotspot labelled "H1" right on Torget, and a patrol
/// zone whose badge already says "Resecentrum: ...", on the station.
fn centre_with_results() -> MapSpec {
    let basemap = Basemap {
        places: vec![
            Place {
                name: "Torget".into(),
                kind: "square".into(),
                xy: [0.0, 0.0],
            },
            Place {
                name: "Resecentrum".into(),
                kind: "station".into(),
                xy: [700.0, 0.0],
            },
            Place {
                name: "Kyrkan".into(),
                kind: "church".into(),
                xy: [-600.0, 400.0],
            },
        ],
        roads: Vec::new(),
        water: Vec::new(),
        buildings: Vec::new(),
        skipped: Vec::new(),
    };
    let mut hotspot = AreaLayer::new(
        "Hotspot",
        vec![circle(0.0, 0.0, 120.0)],
        None,
        Some(palette::BOUNDARY),
    );
    hotspot.labels = vec!["H1".into()];
    MapSpec {
        title: "Hotspots".into(),
        subtitle: "Synthetic".into(),
        attribution: "Synthetic basemap.".into(),
        legend_title: "Legend".into(),
        extent: [-1000.0, -750.0, 1000.0, 750.0],
        layers: vec![
            Layer::Basemap(BasemapLayer::new(&basemap)),
            Layer::Area(hotspot),
            Layer::Patrol(PatrolLayer {
                legend: "Patrol zone".into(),
                zones: vec![PatrolZone {
                    area: circle(700.0, 0.0, 250.0),
                    rank: 1,
                    label: "Resecentrum: alla dagar 16–02".into(),
                }],
                route: None,
                route_legend: String::new(),
                colour: palette::PATROL,
            }),
        ],
        north: "N".into(),
        note: String::new(),
    }
}

#[test]
fn a_place_under_a_result_label_keeps_its_name_and_a_badge_name_is_not_repeated() {
    for size in [Size::shown_at(1280), Size::A4_LANDSCAPE_300DPI] {
        let (_, stats) = centre_with_results().render_svg(size).unwrap();
        check_labels(&stats);
        let placed = |k: LabelKind, t: &str| {
            stats
                .labels
                .iter()
                .filter(|l| l.kind == k && l.text == t)
                .count()
        };
        assert_eq!(placed(LabelKind::Area, "H1"), 1, "{size:?}");
        // "H1" sits on Torget's point: the name is placed beside it all the same.
        assert_eq!(placed(LabelKind::Place, "Torget"), 1, "{size:?}");
        assert_eq!(placed(LabelKind::Place, "Kyrkan"), 1, "{size:?}");
        // The badge text names Resecentrum already: no second label.
        assert_eq!(
            placed(LabelKind::BadgeText, "Resecentrum: alla dagar 16–02"),
            1,
            "{size:?}"
        );
        assert_eq!(placed(LabelKind::Place, "Resecentrum"), 0, "{size:?}");
    }
}
