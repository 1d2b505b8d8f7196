//! Structure tests of maps and charts: legend entries, scale bar text, patrol
//! labels and sizes, on a synthetic scene with every layer kind.

#![allow(clippy::unwrap_used)]

use geo::{Coord, LineString, MultiPolygon, Polygon};
use hotspot::grid::{GridSpec, Raster};
use hotspot_render::*;

fn circle(cx: f64, cy: f64, r: f64) -> MultiPolygon<f64> {
    let ring: Vec<Coord<f64>> = (0..=48)
        .map(|i| {
            let a = i as f64 / 48.0 * std::f64::consts::TAU;
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin(),
            }
        })
        .collect();
    MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])
}

fn blob_raster() -> Raster {
    let spec = GridSpec::new(0.0, 0.0, 50.0, 120, 90).unwrap();
    let centres = [
        (2000.0, 2200.0, 1.0),
        (4200.0, 3000.0, 0.6),
        (3000.0, 1200.0, 0.35),
    ];
    let values = (0..spec.len())
        .map(|i| {
            let (c, r) = spec.col_row(i);
            let [x, y] = spec.centre(c, r);
            centres
                .iter()
                .map(|(cx, cy, w)| {
                    w * 100.0
                        * (-((x - cx).powi(2) + (y - cy).powi(2)) / (2.0 * 400.0f64.powi(2))).exp()
                })
                .sum()
        })
        .collect();
    Raster { spec, values }
}

/// A scene with every layer kind.
pub fn scene() -> MapSpec {
    let boundary = MultiPolygon(vec![Polygon::new(
        LineString::from(vec![
            (200.0, 300.0),
            (5600.0, 150.0),
            (5900.0, 2500.0),
            (5200.0, 4300.0),
            (1500.0, 4400.0),
            (100.0, 2600.0),
            (200.0, 300.0),
        ]),
        vec![],
    )]);
    let roads = vec![
        LineString::from(vec![
            (0.0, 2000.0),
            (2000.0, 2200.0),
            (4000.0, 2900.0),
            (6000.0, 3200.0),
        ]),
        LineString::from(vec![(2000.0, 0.0), (2100.0, 2200.0), (2300.0, 4500.0)]),
    ];
    let raster = blob_raster();
    let surface = SurfaceLayer::classed(
        "Density (incidents/km²)",
        raster.clone(),
        5.0,
        5,
        ColourScale::YlOrRd,
        |v| Locale::SV.num(v, 0),
    )
    .unwrap();
    let spec = raster.spec;
    let mut cells = Vec::new();
    for i in 0..spec.len() {
        let (c, r) = spec.col_row(i);
        let v = raster.values[i];
        if v > 70.0 {
            cells.push((c, r, 0));
        } else if v > 50.0 {
            cells.push((c, r, 1));
        }
    }
    for c in 100..104 {
        cells.push((c, 10, 3));
    }
    let gi = CellLayer {
        title: "Gi* hot and cold spots".into(),
        spec,
        cells,
        classes: vec![
            Class::new("Hot spot, 99 %", palette::GI_HOT[0]),
            Class::new("Hot spot, 95 %", palette::GI_HOT[1]),
            Class::new("Hot spot, 90 %", palette::GI_HOT[2]),
            Class::new("Cold spot, 99 %", palette::GI_COLD[0]),
        ],
    };
    let mut pts = Vec::new();
    let mut cls = Vec::new();
    for i in 0..300 {
        let a = i as f64 * 2.399;
        let r = 30.0 * (i as f64).sqrt();
        pts.push([2000.0 + r * a.cos(), 2200.0 + r * a.sin()]);
        cls.push(i % 5);
    }
    let incidents = PointLayer {
        title: "Incidents by problem area".into(),
        points: pts,
        class: cls,
        classes: (0..5)
            .map(|k| Class::new(format!("Problem area {}", k + 1), palette::QUALITATIVE[k]))
            .collect(),
        radius_pt: 1.6,
        symbol: Symbol::Dot,
        labels: vec![],
    };
    let schools = vec![
        [1900.0, 2100.0],
        [2150.0, 2250.0],
        [4300.0, 3100.0],
        [3000.0, 1000.0],
    ];
    let zones = AreaLayer {
        legend: "School zone (300 m)".into(),
        areas: schools.iter().map(|p| circle(p[0], p[1], 300.0)).collect(),
        fill: None,
        stroke: Some(palette::SCHOOL),
        stroke_pt: 1.0,
        labels: vec![],
    };
    let school_pts = PointLayer {
        title: String::new(),
        points: schools.clone(),
        class: vec![0; 4],
        classes: vec![Class::new("School", palette::SCHOOL)],
        radius_pt: 3.5,
        symbol: Symbol::Square,
        labels: vec![
            "Slottsskolan".into(),
            "Vingåkers gymnasium".into(),
            "Marmorskolan".into(),
            "Högsjö skola".into(),
        ],
    };
    let patrol = PatrolLayer {
        legend: "Patrol zone (rank)".into(),
        zones: vec![
            PatrolZone {
                area: circle(2000.0, 2200.0, 250.0),
                rank: 1,
                label: "Fri 18–23".into(),
            },
            PatrolZone {
                area: circle(4200.0, 3000.0, 250.0),
                rank: 2,
                label: "Sat 20–02".into(),
            },
            PatrolZone {
                area: circle(3000.0, 1200.0, 250.0),
                rank: 3,
                label: "Wed 15–18".into(),
            },
        ],
        route: Some(LineString::from(vec![
            (2000.0, 2200.0),
            (4200.0, 3000.0),
            (3000.0, 1200.0),
        ])),
        route_legend: "Suggested route".into(),
        colour: palette::PATROL,
    };
    MapSpec {
        title: "Hotspots and patrol zones, Vingåker".into(),
        subtitle: "Period 2025-01-01 – 2025-12-31 · Source: synthetic test data · CRS: SWEREF 99 TM (EPSG:3006)".into(),
        attribution: "Boundary: synthetic. Rendered by hotspot.".into(),
        legend_title: "Legend".into(),
        extent: [0.0, 0.0, 6000.0, 4500.0],
        layers: vec![
            Layer::Area(AreaLayer::new("Municipality", vec![boundary], Some(Colour::rgb(250, 250, 245)), Some(palette::BOUNDARY))),
            Layer::Surface(surface),
            Layer::Lines(LineLayer {
                legend: "Roads".into(),
                lines: roads,
                colour: palette::ROAD,
                width_pt: 1.2,
            }),
            Layer::Cells(gi),
            Layer::Points(incidents),
            Layer::Area(zones),
            Layer::Points(school_pts),
            Layer::Patrol(patrol),
        ],
        north: "N".into(),
        note: "Synthetic data.".into(),
    }
}

fn out_dir() -> (Option<tempfile::TempDir>, std::path::PathBuf) {
    match std::env::var("HOTSPOT_RENDER_OUT") {
        Ok(d) => {
            std::fs::create_dir_all(&d).unwrap();
            (None, d.into())
        }
        Err(_) => {
            let t = tempfile::tempdir().unwrap();
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    }
}

fn png_size(path: &std::path::Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    (w, h)
}

#[test]
fn map_svg_holds_legend_scale_bar_and_patrol_labels() {
    let map = scene();
    let (svg, stats) = map.render_svg(Size::SCREEN).unwrap();
    for entry in [
        "Municipality",
        "Density (incidents/km²)",
        "Roads",
        "Gi* hot and cold spots",
        "Hot spot, 99 %",
        "Cold spot, 99 %",
        "Problem area 5",
        "School zone (300 m)",
        "School",
        "Patrol zone (rank)",
        "Suggested route",
    ] {
        assert!(
            stats.legend_entries.iter().any(|e| e == entry),
            "legend lacks {entry}: {:?}",
            stats.legend_entries
        );
        assert!(
            svg.contains(&format!("\n{entry}\n</text>")),
            "svg lacks {entry}"
        );
    }
    // A class with no cell is not in the legend.
    assert!(!stats.legend_entries.iter().any(|e| e == "Hot spot, 90 %"));
    // Scale bar: a fifth of ~ 5.3 km of frame → 1 km.
    assert_eq!(stats.scale_bar, "1 km");
    assert!(svg.contains("\n1 km\n</text>"));
    for label in [
        "\n1\n</text>",
        "\n2\n</text>",
        "\n3\n</text>",
        "\nFri 18–23\n</text>",
        "\nSat 20–02\n</text>",
        "\nWed 15–18\n</text>",
    ] {
        assert!(svg.contains(label), "svg lacks patrol label {label}");
    }
    assert!(svg.contains("\nHotspots and patrol zones, Vingåker\n</text>"));
    assert!(svg.contains("font-family=\"DejaVu Sans\""));
    assert!(stats.labels_placed >= 7, "{stats:?}");
}

#[test]
fn map_is_deterministic_and_pngs_have_the_requested_size() {
    let map = scene();
    let (a, _) = map.render_svg(Size::SCREEN).unwrap();
    let (b, _) = map.render_svg(Size::SCREEN).unwrap();
    assert_eq!(a, b);
    let (_t, dir) = out_dir();
    let p1 = dir.join("map_screen.png");
    let p2 = dir.join("map_a4.png");
    map.render_png(Size::SCREEN, &p1).unwrap();
    map.render_png(Size::A4_LANDSCAPE_300DPI, &p2).unwrap();
    assert_eq!(png_size(&p1), (1600, 1131));
    assert_eq!(png_size(&p2), (3508, 2480));
    let p3 = dir.join("map_screen_again.png");
    map.render_png(Size::SCREEN, &p3).unwrap();
    assert_eq!(std::fs::read(&p1).unwrap(), std::fs::read(&p3).unwrap());
    std::fs::write(dir.join("map.svg"), a).unwrap();
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let mut map = scene();
    map.extent = [0.0, 0.0, f64::NAN, 1.0];
    assert!(map.render_svg(Size::SCREEN).is_err());
    let map = scene();
    let tiny = Size {
        width: 10,
        height: 10,
        px_per_pt: 1.0,
    };
    assert!(map.render_svg(tiny).is_err());
    let mut map = scene();
    if let Layer::Cells(c) = &mut map.layers[3] {
        c.cells.push((1000, 0, 0));
    }
    let e = map.render_svg(Size::SCREEN).unwrap_err().to_string();
    assert!(e.contains("outside"), "{e}");
    // An empty map still has its frame, scale bar and north arrow.
    let empty = MapSpec::default();
    let (svg, stats) = empty.render_svg(Size::SCREEN).unwrap();
    assert!(stats.legend_entries.is_empty());
    assert!(svg.contains("\nN\n</text>"));
}

fn charts() -> Vec<(&'static str, Chart)> {
    let months: Vec<String> = (1..=12).map(|m| format!("2025-{m:02}")).collect();
    let series = (0..5)
        .map(|k| Series {
            name: format!("Problem area {}", k + 1),
            colour: palette::QUALITATIVE[k],
            values: (0..12)
                .map(|m| Some(((m * 7 + k * 3) % 11) as f64))
                .collect(),
        })
        .collect();
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    vec![
        (
            "monthly",
            Chart::StackedBars(StackedBars {
                title: "Incidents per month".into(),
                x_labels: months,
                series,
                y_label: "Incidents".into(),
                note: "Synthetic.".into(),
                locale: Locale::SV,
            }),
        ),
        (
            "heat",
            Chart::Heat(HeatTable {
                title: "Hour × weekday".into(),
                row_labels: days.iter().map(|d| d.to_string()).collect(),
                col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
                values: (0..7)
                    .map(|d| {
                        (0..24)
                            .map(|h| {
                                if (d + h) % 13 == 0 {
                                    None
                                } else {
                                    Some(((d * 5 + h * 3) % 17) as f64)
                                }
                            })
                            .collect()
                    })
                    .collect(),
                suppressed: "<5".into(),
                note: "<5 = suppressed".into(),
                locale: Locale::SV,
            }),
        ),
        (
            "forest",
            Chart::Forest(ForestPlot {
                title: "School zones: rate ratio".into(),
                rows: vec![
                    ForestRow {
                        label: "Slottsskolan".into(),
                        estimate: Some(2.4),
                        lo: 1.5,
                        hi: 3.8,
                        text: "2,4 (1,5–3,8)".into(),
                    },
                    ForestRow {
                        label: "Marmorskolan".into(),
                        estimate: Some(0.8),
                        lo: 0.3,
                        hi: 2.1,
                        text: "0,8 (0,3–2,1)".into(),
                    },
                    ForestRow {
                        label: "Högsjö skola".into(),
                        estimate: None,
                        lo: f64::NAN,
                        hi: f64::NAN,
                        text: "–".into(),
                    },
                ],
                x_label: "Rate ratio (log scale)".into(),
                note: "95 % CI".into(),
                locale: Locale::SV,
            }),
        ),
        (
            "bars",
            Chart::Bars(BarChart {
                title: "Categories".into(),
                bars: vec![
                    Bar {
                        label: "Misshandel".into(),
                        value: Some(120.0),
                        colour: palette::QUALITATIVE[0],
                    },
                    Bar {
                        label: "Skadegörelse".into(),
                        value: Some(1340.0),
                        colour: palette::QUALITATIVE[2],
                    },
                    Bar {
                        label: "Bedrägeri".into(),
                        value: None,
                        colour: palette::QUALITATIVE[4],
                    },
                ],
                suppressed: "<5".into(),
                note: String::new(),
                locale: Locale::SV,
            }),
        ),
    ]
}

#[test]
fn charts_render_with_their_texts() {
    let (_t, dir) = out_dir();
    for (name, c) in charts() {
        let size = c.suggested_size(Size::CHART_SCREEN);
        assert!(size.height <= 700 && size.width == 1200);
        let svg = c.render_svg(size).unwrap();
        let p = dir.join(format!("{name}.png"));
        c.render_png(size, &p).unwrap();
        assert_eq!(png_size(&p), (1200, size.height));
        std::fs::write(dir.join(format!("{name}.svg")), &svg).unwrap();
        match name {
            "monthly" => {
                assert!(svg.contains("\nProblem area 3\n</text>"));
                assert!(svg.contains("\n2025-06\n</text>") || svg.contains("\n2025-07\n</text>"));
            }
            "heat" => {
                assert!(svg.contains("\n&lt;5\n</text>"));
                assert!(svg.contains("\nSun\n</text>"));
            }
            "forest" => {
                assert!(svg.contains("\n2,4 (1,5–3,8)\n</text>"));
                assert!(
                    svg.contains("\n0,5\n</text>"),
                    "Swedish decimal comma on log ticks"
                );
            }
            _ => {
                assert!(svg.contains("\n1\u{a0}340\n</text>"), "thousands separator");
                assert!(svg.contains("\n&lt;5\n</text>"));
            }
        }
    }
    // An inconsistent series is an error.
    let bad = Chart::StackedBars(StackedBars {
        title: String::new(),
        x_labels: vec!["a".into()],
        series: vec![Series {
            name: "s".into(),
            colour: palette::QUALITATIVE[0],
            values: vec![],
        }],
        y_label: String::new(),
        note: String::new(),
        locale: Locale::EN,
    });
    assert!(bad.render_svg(Size::CHART_SCREEN).is_err());
}
