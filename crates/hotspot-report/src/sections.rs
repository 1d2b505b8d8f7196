//! The analysis sections of the report: hotspots, schools and patrol zones.
//! Each writes its map(s), chart(s), CSV table, GeoJSON layer(s) and
//! `summary.json` entry, applying public-mode suppression throughout.

use super::html::Block;
use super::{
    Run, Written, area_name, base_map, count_text, count_value, csv_count, heat_chart, props,
    render_chart, render_map, school_layer, step, write_csv, write_layer,
};
use crate::progress::Context;
use geo::{LineString, MultiPolygon};
use hotspot::categories::ProblemArea;
use hotspot::output::OutFeature;
use hotspot::patrol::{PatrolPlan, PlanZone};
use hotspot::schools::SchoolReport;
use hotspot::situation::{Cluster, Clusters, Density};
use hotspot_render::{
    AreaLayer, Chart, ColourScale, ForestPlot, ForestRow, Layer, PatrolLayer, PatrolZone,
    PointLayer, SurfaceLayer, Symbol, palette,
};
use serde_json::json;

/// The density surface in 5 classes at 1/8, 1/4, 1/2, 1 and 2 times the hotspot
/// threshold, so the hotspot outlines follow a class boundary.
fn surface_layer(run: &Run, d: &Density) -> Option<Layer> {
    let t = d.hotspots.threshold;
    if !(t > 0.0) {
        return None;
    }
    let max = d.surface.raster.max().unwrap_or(t);
    let mut breaks: Vec<f64> = [0.125, 0.25, 0.5, 1.0, 2.0]
        .iter()
        .map(|k| k * t)
        .filter(|b| *b <= max)
        .collect();
    if breaks.is_empty() {
        breaks.push(t);
    }
    let colours = ColourScale::YlOrRd
        .classes(5)
        .into_iter()
        .take(breaks.len())
        .map(|c| c.with_alpha(0.85).over_white())
        .collect();
    let dec = if t < 10.0 { 1 } else { 0 };
    let labels = (0..breaks.len())
        .map(|k| match breaks.get(k + 1) {
            Some(hi) => format!(
                "{} – {}",
                run.tr.loc.num(breaks[k], dec),
                run.tr.loc.num(*hi, dec)
            ),
            None => format!("≥ {}", run.tr.loc.num(breaks[k], dec)),
        })
        .collect();
    Some(Layer::Surface(SurfaceLayer {
        title: run.tr.t("legend.density").into(),
        raster: d.surface.raster.clone(),
        breaks,
        colours,
        labels,
    }))
}

fn hotspot_layer(run: &Run, d: &Density) -> Layer {
    Layer::Area(AreaLayer {
        legend: run.tr.fmt(
            "legend.hotspots",
            &[("p", &run.tr.loc.num(run.s.hotspot_top_percent, 0))],
        ),
        areas: d
            .hotspots
            .hotspots
            .iter()
            .map(|h| h.geometry.clone())
            .collect(),
        fill: None,
        stroke: Some(palette::HOTSPOT),
        stroke_pt: 1.4,
        labels: d
            .hotspots
            .hotspots
            .iter()
            .map(|h| format!("H{}", h.rank))
            .collect(),
    })
}

/// Hotspots section.
pub fn hotspots(
    ctx: &Context,
    run: &Run,
    d: &Density,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    let bw = &d.surface.bandwidth;
    let hs = &d.hotspots.hotspots;
    let inside: usize = hs.iter().map(|h| h.incidents).sum();
    let share = if run.sit.incidents.is_empty() {
        0.0
    } else {
        inside as f64 / run.sit.incidents.len() as f64
    };
    b.push(Block::Para(tr.fmt(
        "kde.text",
        &[
            ("bw", &super::at_risk::bandwidth_text(tr, bw)),
            (
                "ref",
                &super::at_risk::reference_text(run, d.area_at_risk.as_ref()),
            ),
            ("c", &tr.loc.num(run.s.cell_m, 0)),
            ("p", &tr.loc.num(run.s.hotspot_top_percent, 0)),
            ("k", &hs.len().to_string()),
            ("share", &format!("{} %", tr.loc.num(100.0 * share, 0))),
        ],
    )));
    if d.hotspots_suppressed > 0 {
        b.push(Block::Para(tr.fmt(
            "kde.small",
            &[
                ("k", &d.hotspots_suppressed.to_string()),
                ("n", &run.s.hotspot_min_incidents.to_string()),
            ],
        )));
    }
    if run.s.public && d.cells_masked > 0 {
        b.push(Block::Note(tr.fmt(
            "kde.public",
            &[
                ("k", &d.hotspots_suppressed.to_string()),
                ("n", &run.s.min_count.to_string()),
            ],
        )));
    }
    let svg = step(ctx, tr.t("step.maps"), || {
        let mut map = base_map(run, tr.t("map.hotspots").into());
        if let Some(l) = surface_layer(run, d) {
            map.layers.push(l);
        }
        let hot = hotspot_layer(run, d);
        map.layers.push(hot.clone());
        if let Some(l) = school_layer(run) {
            map.layers.push(l);
        }
        let all = super::closeup::render(run, "hotspots", &map, &[&hot], written)?;
        let town = match &hot {
            Layer::Area(a) => {
                super::closeup::main_group_closeup(run, "hotspots", &map, a, written)?
            }
            _ => None,
        };
        Ok((all, town))
    })?;
    // Printed: the town's close-up when there is one, else the map.
    let (town, caption) = (svg.1.is_some(), tr.t("cap.hotspots").to_string());
    b.push(if town {
        Block::Figure {
            svg: svg.0,
            caption,
        }
    } else {
        Block::BoardFigure {
            svg: svg.0,
            caption,
        }
    });
    if let Some(svg) = svg.1 {
        b.push(Block::BoardFigure {
            svg,
            caption: tr.t("cap.closeup_town").into(),
        });
    }
    let rows: Vec<Vec<String>> = hs
        .iter()
        .map(|h| {
            let cats: Vec<String> = h
                .categories
                .iter()
                .filter(|(_, n)| run.sup.count(*n as u64).is_some())
                .take(3)
                .map(|(c, n)| format!("{c} ({})", count_text(run, *n as u64)))
                .collect();
            vec![
                match run.sit.names.hotspot(h.rank.saturating_sub(1)) {
                    Some(pl) => format!("H{} {pl}", h.rank),
                    None => format!("H{}", h.rank),
                },
                count_text(run, h.incidents as u64),
                tr.loc.num(h.area_km2, 2),
                tr.loc.num(h.peak_density, 0),
                format!("{} %", tr.loc.num(100.0 * h.share, 1)),
                cats.join(", "),
            ]
        })
        .collect();
    if !rows.is_empty() {
        b.push(Block::Table {
            head: vec![
                tr.t("col.hotspot").into(),
                tr.t("col.incidents").into(),
                tr.t("col.area_km2").into(),
                tr.t("col.peak").into(),
                tr.t("col.share").into(),
                tr.t("col.top_categories").into(),
            ],
            rows,
            numeric: vec![false, true, true, true, true, false],
        });
    }
    write_csv(
        run,
        "hotspots",
        &[
            "rank",
            "place",
            "incidents",
            "area_km2",
            "peak_density_per_km2",
            "share",
        ],
        &hs.iter()
            .map(|h| {
                vec![
                    h.rank.to_string(),
                    run.sit
                        .names
                        .hotspot(h.rank.saturating_sub(1))
                        .unwrap_or_default()
                        .to_string(),
                    csv_count(run, h.incidents as u64),
                    format!("{:.4}", h.area_km2),
                    format!("{:.3}", h.peak_density),
                    format!("{:.4}", h.share),
                ]
            })
            .collect::<Vec<_>>(),
        written,
    )?;
    let feats: Vec<OutFeature> = hs
        .iter()
        .map(|h| OutFeature {
            geometry: h.geometry.clone().into(),
            properties: props(&[
                ("rank", json!(h.rank)),
                (
                    "place",
                    json!(run.sit.names.hotspot(h.rank.saturating_sub(1))),
                ),
                ("incidents", count_value(run, h.incidents as u64)),
                ("area_km2", json!(h.area_km2)),
                ("peak_density_per_km2", json!(h.peak_density)),
            ]),
        })
        .collect();
    write_layer(run, "hotspots", &feats, written)?;
    let p = run.s.out.join("layers").join("density.asc");
    hotspot::raster_io::write_ascii_grid(&p, &d.surface.raster, run.projector.crs())?;
    written.add(&run.s.out, &p);
    written.add(&run.s.out, &hotspot::raster_io::prj_path(&p));
    if let Some(l) = surface_layer(run, d) {
        super::layers_out::write_density_qml(run, &p, &l, written)?;
    }
    Ok(())
}

/// Rate ratio text `1,8 (1,2–2,6)`, or `–`.
/// A p-value with three decimals, and "< 0,001" below that (not "0,000", which reads as
/// impossible).
fn p_text(tr: &crate::i18n::Tr, p: f64) -> String {
    if p < 0.0005 {
        format!("< {}", tr.loc.num(0.001, 3))
    } else {
        tr.loc.num(p, 3)
    }
}

fn rr_text(run: &Run, t: &hotspot::stats::poisson::RateRatio) -> String {
    let f = |v: f64| {
        if v.is_finite() {
            run.tr.loc.num(v, 2)
        } else {
            "∞".into()
        }
    };
    if !t.ratio.is_finite() {
        return "–".into();
    }
    format!("{} ({}–{})", f(t.ratio), f(t.ci_low), f(t.ci_high))
}

fn forest(run: &Run, rep: &SchoolReport, area: Option<usize>, title: String) -> Chart {
    let mut rows: Vec<&hotspot::schools::ZoneRow> =
        rep.rows.iter().filter(|r| r.problem_area == area).collect();
    rows.sort_by_key(|r| r.rank);
    Chart::Forest(ForestPlot {
        title,
        rows: rows
            .iter()
            .map(|r| {
                let name = run.sit.schools[r.school].name.clone();
                let shown = run.sup.count(r.incidents).is_some();
                match (&r.test, shown) {
                    (Some(t), true) if t.ratio.is_finite() && t.ratio > 0.0 && t.ci_low > 0.0 => {
                        ForestRow {
                            label: name,
                            estimate: Some(t.ratio),
                            lo: t.ci_low,
                            hi: t.ci_high,
                            text: rr_text(run, t),
                        }
                    }
                    (Some(t), true) => ForestRow {
                        label: name,
                        estimate: None,
                        lo: f64::NAN,
                        hi: f64::NAN,
                        text: rr_text(run, t),
                    },
                    _ => ForestRow {
                        label: name,
                        estimate: None,
                        lo: f64::NAN,
                        hi: f64::NAN,
                        text: count_text(run, r.incidents),
                    },
                }
            })
            .collect(),
        x_label: run.tr.t("chart.rr_axis").into(),
        note: run.tr.t("chart.rr_note").into(),
        locale: run.tr.loc,
    })
}

/// Schools section.
pub fn schools(
    ctx: &Context,
    run: &Run,
    rep: &SchoolReport,
    d: Option<&Density>,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    b.push(Block::Para(tr.fmt(
        "schools.text",
        &[
            ("k", &run.sit.schools.len().to_string()),
            ("r", &tr.loc.num(run.s.school_radius_m, 0)),
        ],
    )));
    let vand = ProblemArea::VandalismGraffitiLittering.index();
    let (svg_map, svg_all, svg_vand, town) = step(ctx, tr.t("step.maps"), || {
        // No density surface here: the vandalism dots must stand out on a plain background.
        let mut map = base_map(run, tr.t("map.schools").into());
        if let Some(d) = d {
            map.layers.push(hotspot_layer(run, d));
        }
        let zones = Layer::Area(AreaLayer {
            legend: tr.fmt(
                "legend.school_zone",
                &[("r", &tr.loc.num(run.s.school_radius_m, 0))],
            ),
            areas: rep.zones.iter().map(|z| z.geometry.clone()).collect(),
            fill: Some(palette::SCHOOL.with_alpha(0.08)),
            stroke: Some(palette::SCHOOL),
            stroke_pt: 1.2,
            labels: Vec::new(),
        });
        // The frame shows every school and its whole zone, plus a margin.
        let schools = school_layer(run);
        if let Some(e) =
            hotspot_render::layers_extent([&zones], 0.0).and_then(|[x0, y0, x1, y1]| {
                let m = focus_margin(x1 - x0, y1 - y0, 300.0);
                hotspot_render::layers_extent(
                    [Some(&zones), schools.as_ref()].into_iter().flatten(),
                    m,
                )
            })
        {
            map.extent = e;
        }
        let zones_focus = zones.clone();
        map.layers.push(zones);
        if !run.s.public && run.sit.incidents.len() <= super::MAX_DOTS {
            let idx: Vec<usize> = (0..run.sit.incidents.len())
                .filter(|&i| run.sit.classification.area(i).index() == vand)
                .collect();
            map.layers.push(Layer::Points(PointLayer {
                title: String::new(),
                points: idx.iter().map(|&i| run.sit.incidents.position(i)).collect(),
                class: vec![0; idx.len()],
                classes: vec![hotspot_render::Class::new(
                    area_name(tr, ProblemArea::VandalismGraffitiLittering),
                    palette::QUALITATIVE[2],
                )],
                radius_pt: 1.3,
                symbol: Symbol::Dot,
                labels: Vec::new(),
            }));
        }
        if let Some(l) = schools {
            map.layers.push(l);
        }
        let m = super::closeup::render(run, "schools", &map, &[&zones_focus], written)?;
        let town = match &zones_focus {
            Layer::Area(a) => super::closeup::main_group_closeup(run, "schools", &map, a, written)?,
            _ => None,
        };
        let all = render_chart(
            run,
            "chart_school_rate_ratios",
            &forest(run, rep, None, tr.t("chart.rr_all").into()),
            written,
        )?;
        let v = render_chart(
            run,
            "chart_school_rate_ratios_vandalism",
            &forest(run, rep, Some(vand), tr.t("chart.rr_vandalism").into()),
            written,
        )?;
        Ok((m, all, v, town))
    })?;
    let caption = tr.t("cap.schools").to_string();
    b.push(if town.is_some() {
        Block::Figure {
            svg: svg_map,
            caption,
        }
    } else {
        Block::BoardFigure {
            svg: svg_map,
            caption,
        }
    });
    if let Some(svg) = town {
        b.push(Block::BoardFigure {
            svg,
            caption: tr.t("cap.closeup_town_schools").into(),
        });
    }
    b.push(Block::Figure {
        svg: svg_all,
        caption: tr.t("cap.rr").into(),
    });
    b.push(Block::Figure {
        svg: svg_vand,
        caption: tr.t("cap.rr_vandalism").into(),
    });
    let mut all_rows: Vec<&hotspot::schools::ZoneRow> = rep
        .rows
        .iter()
        .filter(|r| r.problem_area.is_none())
        .collect();
    // In rank order, as the rank column, the rate-ratio charts, tables/schools.csv and the
    // first section's list of schools of concern.
    all_rows.sort_by_key(|r| r.rank);
    let ctl = rep.controlled.as_ref();
    let higher_of = |school: usize| -> Vec<&hotspot::schools::controlled::ControlledRow> {
        ctl.map(|c| {
            c.rows
                .iter()
                .filter(|r| {
                    r.school == school && r.flag == hotspot::schools::controlled::Flag::Higher
                })
                .collect()
        })
        .unwrap_or_default()
    };
    if ctl.is_some() {
        let concerns: Vec<String> = all_rows
            .iter()
            .filter(|r| !higher_of(r.school).is_empty())
            .map(|r| run.sit.schools[r.school].name.clone())
            .collect();
        b.push(Block::Para(tr.t("schools.controlled").into()));
        b.push(Block::Para(if concerns.is_empty() {
            tr.t("schools.no_concern").into()
        } else {
            tr.fmt("schools.concerns", &[("s", &concerns.join(", "))])
        }));
    }
    b.push(Block::Table {
        head: vec![
            tr.t("col.rank").into(),
            tr.t("col.school").into(),
            tr.t("col.incidents").into(),
            tr.t("col.rr").into(),
            tr.t("col.p").into(),
            tr.t("col.harm_excess").into(),
            tr.t("col.higher_than_comparable").into(),
        ],
        rows: all_rows
            .iter()
            .map(|r| {
                let shown = run.sup.count(r.incidents).is_some();
                let higher: Vec<String> = higher_of(r.school)
                    .iter()
                    .filter_map(|c| c.problem_area.and_then(|a| ProblemArea::ALL.get(a)))
                    .map(|a| area_name(tr, *a).to_string())
                    .collect();
                vec![
                    r.rank.to_string(),
                    run.sit.schools[r.school].name.clone(),
                    count_text(run, r.incidents),
                    match (&r.test, shown) {
                        (Some(t), true) => rr_text(run, t),
                        _ => "–".into(),
                    },
                    match (&r.test, shown) {
                        (Some(t), true) => p_text(tr, t.p_value),
                        _ => "–".into(),
                    },
                    if shown {
                        tr.loc.num(r.harm_excess, 0)
                    } else {
                        "–".into()
                    },
                    // Area names hold commas ("Skadegörelse, klotter och nedskräpning").
                    if higher.is_empty() {
                        "–".into()
                    } else {
                        higher.join("; ")
                    },
                ]
            })
            .collect(),
        numeric: vec![true, false, true, true, true, true, false],
    });
    b.push(Block::Para(tr.t("schools.caveat").into()));
    super::school_times::vandalism_times(run, rep, b);
    let mut csv_rows = Vec::new();
    for (k, r) in rep.rows.iter().enumerate() {
        let shown = run.sup.count(r.incidents).is_some();
        let t = r.test.as_ref().filter(|_| shown);
        // The controlled columns (same row order); blank where the count is suppressed.
        let c = ctl.and_then(|c| c.rows.get(k)).filter(|_| shown);
        let f = |v: f64| {
            if v.is_finite() {
                format!("{v:.4}")
            } else {
                String::new()
            }
        };
        let controlled_cols = vec![
            c.map(|c| f(c.location_quotient)).unwrap_or_default(),
            c.map(|c| f(c.lq_lower)).unwrap_or_default(),
            c.map(|c| f(c.lq_upper)).unwrap_or_default(),
            c.filter(|c| c.problem_area.is_some())
                .map(|c| f(c.placebo_p))
                .unwrap_or_default(),
            c.filter(|c| c.problem_area.is_some())
                .map(|c| format!("{:.2}", c.placebo_excess))
                .unwrap_or_default(),
            c.and_then(|c| c.p_adjusted).map(f).unwrap_or_default(),
            c.map(|c| c.flag.as_str().to_string()).unwrap_or_default(),
        ];
        csv_rows.push(vec![
            run.sit.schools[r.school].name.clone(),
            r.problem_area
                .map(|a| ProblemArea::ALL[a].id().to_string())
                .unwrap_or_else(|| "all".into()),
            csv_count(run, r.incidents),
            t.map(|t| format!("{:.4}", t.ratio)).unwrap_or_default(),
            t.map(|t| format!("{:.4}", t.ci_low)).unwrap_or_default(),
            t.map(|t| format!("{:.4}", t.ci_high)).unwrap_or_default(),
            t.map(|t| format!("{:.4}", t.p_value)).unwrap_or_default(),
            if shown {
                format!("{:.2}", r.harm_excess)
            } else {
                String::new()
            },
            r.rank.to_string(),
        ]);
        if let Some(row) = csv_rows.last_mut() {
            row.extend(controlled_cols);
            row.push(
                run.sit
                    .names
                    .school(r.school)
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    write_csv(
        run,
        "schools",
        &[
            "school",
            "area",
            "incidents",
            "rate_ratio",
            "ci_low",
            "ci_high",
            "p_value",
            "harm_excess",
            "rank",
            "lq",
            "lq_lower",
            "lq_upper",
            "placebo_p",
            "excess",
            "p_adjusted",
            "flag",
            "place",
        ],
        &csv_rows,
        written,
    )?;
    let feats: Vec<OutFeature> = rep
        .zones
        .iter()
        .map(|z| {
            let n = z.members.len() as u64;
            OutFeature {
                geometry: z.geometry.clone().into(),
                properties: props(&[
                    ("school", json!(run.sit.schools[z.school].name)),
                    ("place", json!(run.sit.names.school(z.school))),
                    ("radius_m", json!(run.s.school_radius_m)),
                    ("area_km2", json!(z.area_km2)),
                    ("incidents", count_value(run, n)),
                ]),
            }
        })
        .collect();
    write_layer(run, "school_zones", &feats, written)?;
    Ok(())
}

/// The main problem areas of a patrol zone by harm (ids; `hotspot::situation::names::main_areas`).
fn zone_areas(p: &PatrolPlan, z: &PlanZone) -> Vec<String> {
    use hotspot::situation::names::{main_areas, zone_harm_by_area};
    main_areas(&zone_harm_by_area(p, &z.members))
}

fn days_text(run: &Run, days: &[usize]) -> String {
    super::patrol_oos::days_text(run, days)
}

/// Patrol section.
pub fn patrol(
    ctx: &Context,
    run: &Run,
    p: &PatrolPlan,
    d: Option<&Density>,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    if p.zones.is_empty() {
        b.push(Block::Para(tr.t("patrol.none").into()));
        return Ok(());
    }
    let route_order: Vec<usize> = p
        .route
        .as_ref()
        .map(|r| r.order.clone())
        .unwrap_or_default();
    let route_m = p.route.as_ref().map_or(0.0, |r| r.length_m);
    b.push(Block::Para(tr.fmt(
        "patrol.text",
        &[
            ("k", &p.zones.len().to_string()),
            ("r", &tr.loc.num(run.s.patrol_radius_m, 0)),
            (
                "share",
                &format!("{} %", tr.loc.num(100.0 * p.covered_share(), 0)),
            ),
            ("km", &tr.loc.num(route_m / 1000.0, 1)),
        ],
    )));
    b.push(super::patrol_oos::holdout_block(run, p));
    let circles: Vec<MultiPolygon<f64>> = p
        .zones
        .iter()
        .map(|z| {
            MultiPolygon(vec![hotspot::schools::circle(
                z.centre,
                run.s.patrol_radius_m,
            )])
        })
        .collect();
    let times = |z: &PlanZone| -> String {
        let w = hotspot::situation::names::hours_text(&z.windows.merged());
        if w.is_empty() { "–".into() } else { w }
    };
    // As the board reads them: "hela dygnet" / "all day" for 00–24.
    let times_words = |z: &PlanZone| -> String {
        let w = times(z);
        if w == "–" {
            w
        } else {
            super::patrol_oos::hours_words(&run.tr, &w)
        }
    };
    let place = |z: &PlanZone| {
        run.sit
            .names
            .patrol(z.rank.saturating_sub(1))
            .map(str::to_string)
    };
    let svg = step(ctx, tr.t("step.maps"), || {
        let mut map = base_map(run, tr.t("map.patrol").into());
        if let Some(d) = d {
            map.layers.push(hotspot_layer(run, d));
        }
        if let Some(l) = school_layer(run) {
            map.layers.push(l);
        }
        let route: Vec<(f64, f64)> = route_order
            .iter()
            .chain(route_order.first())
            .map(|&k| {
                let c = p.zones[k].centre;
                (c[0], c[1])
            })
            .collect();
        let patrol = Layer::Patrol(PatrolLayer {
            legend: tr.t("legend.patrol").into(),
            zones: p
                .zones
                .iter()
                .zip(&circles)
                .map(|(z, c)| PatrolZone {
                    area: c.clone(),
                    rank: z.rank as u32,
                    label: match place(z) {
                        Some(pl) => {
                            format!("{pl}: {} {}", days_text(run, &z.top_days), times_words(z))
                        }
                        None => format!("{} {}", days_text(run, &z.top_days), times_words(z)),
                    },
                })
                .collect(),
            route: (route.len() > 2).then(|| LineString::from(route)),
            route_legend: tr.t("legend.route").into(),
            colour: palette::PATROL,
        });
        // Close in on the zones: every circle and the route whole, plus a margin.
        if let Some([x0, y0, x1, y1]) = patrol.bounds() {
            let m = focus_margin(x1 - x0, y1 - y0, 500.0);
            map.extent = [x0 - m, y0 - m, x1 + m, y1 + m];
        }
        let m = {
            let focus = patrol.clone();
            map.layers.push(patrol);
            super::closeup::render(run, "patrol", &map, &[&focus], written)?
        };
        let mut heats = Vec::new();
        for z in &p.zones {
            let title = tr.fmt("chart.heat_zone", &[("k", &z.rank.to_string())]);
            heats.push(render_chart(
                run,
                &format!("chart_patrol_zone_{}", z.rank),
                &heat_chart(run, &title, &z.week),
                written,
            )?);
        }
        Ok((m, heats))
    })?;
    b.push(Block::BoardFigure {
        svg: svg.0,
        caption: tr.t("cap.patrol").into(),
    });
    b.push(Block::Table {
        head: vec![
            tr.t("col.zone").into(),
            tr.t("col.place").into(),
            tr.t("col.incidents").into(),
            tr.t("col.harm").into(),
            tr.t("col.pai").into(),
            tr.t("col.days").into(),
            tr.t("col.day_counts").into(),
            tr.t("col.times").into(),
        ],
        rows: p
            .zones
            .iter()
            .map(|z| {
                vec![
                    z.rank.to_string(),
                    place(z).unwrap_or_else(|| "–".into()),
                    count_text(run, z.members.len() as u64),
                    tr.loc.num(z.harm, 0),
                    tr.loc.num(z.pai, 1),
                    days_text(run, &z.top_days),
                    super::patrol_oos::day_counts(run, z),
                    times_words(z),
                ]
            })
            .collect(),
        // The hours as numbers (right-aligned, never broken at the dash: "16–\n22").
        numeric: vec![true, false, true, true, true, false, false, true],
    });
    b.push(Block::Para(tr.t("patrol.times_note").into()));
    b.push(Block::Sub(tr.t("sub.zone_times").into()));
    for (z, svg) in p.zones.iter().zip(svg.1) {
        b.push(Block::Figure {
            svg,
            caption: tr.fmt("chart.heat_zone", &[("k", &z.rank.to_string())]),
        });
    }
    write_csv(
        run,
        "patrol_zones",
        &[
            "rank",
            "place",
            "lon",
            "lat",
            "incidents",
            "harm",
            "pai",
            "share_incidents",
            "days",
            "windows",
            "problem_areas",
            "route_order",
        ],
        &p.zones
            .iter()
            .map(|z| {
                let ll = run.projector.to_lonlat(z.centre[0], z.centre[1]).ok();
                vec![
                    z.rank.to_string(),
                    place(z).unwrap_or_default(),
                    ll.map(|l| format!("{:.6}", l[0])).unwrap_or_default(),
                    ll.map(|l| format!("{:.6}", l[1])).unwrap_or_default(),
                    csv_count(run, z.members.len() as u64),
                    format!("{:.2}", z.harm),
                    format!("{:.3}", z.pai),
                    format!("{:.4}", z.share_incidents),
                    if z.top_days.is_empty() {
                        run.tr.t("patrol.any_day").to_string()
                    } else {
                        hotspot::situation::names::week_order(&z.top_days)
                            .iter()
                            .map(|d| run.tr.weekday_short(*d))
                            .collect::<Vec<_>>()
                            .join(" ")
                    },
                    hotspot::situation::names::hours_text(&z.windows.merged()),
                    zone_areas(p, z).join(" "),
                    (route_order
                        .iter()
                        .position(|&k| k + 1 == z.rank)
                        .unwrap_or(0)
                        + 1)
                    .to_string(),
                ]
            })
            .collect::<Vec<_>>(),
        written,
    )?;
    let feats: Vec<OutFeature> = p
        .zones
        .iter()
        .zip(&circles)
        .map(|(z, c)| OutFeature {
            geometry: c.clone().into(),
            properties: props(&[
                ("rank", json!(z.rank)),
                ("incidents", count_value(run, z.members.len() as u64)),
                ("pai", json!(z.pai)),
                ("windows", json!(z.windows.label())),
                ("place", json!(place(z))),
                (
                    "days",
                    json!(
                        hotspot::situation::names::week_order(&z.top_days)
                            .iter()
                            .map(|d| run.tr.weekday_short(*d))
                            .collect::<Vec<_>>()
                    ),
                ),
                ("any_day", json!(z.top_days.is_empty())),
                // The windows as numbers ("00–24"), whatever the language.
                ("hours", json!(times(z))),
                ("harm", json!(z.harm)),
                ("problem_areas", json!(zone_areas(p, z))),
            ]),
        })
        .collect();
    write_layer(run, "patrol_zones", &feats, written)?;
    let route: Vec<(f64, f64)> = route_order
        .iter()
        .chain(route_order.first())
        .map(|&k| {
            let c = p.zones[k].centre;
            (c[0], c[1])
        })
        .collect();
    if route.len() >= 2 {
        write_layer(
            run,
            "patrol_route",
            &[OutFeature {
                geometry: LineString::from(route).into(),
                properties: props(&[("length_m", json!(route_m))]),
            }],
            written,
        )?;
    }
    Ok(())
}

/// Gi* section (inside the hotspot chapter): a map of the significant cells and their counts.
pub fn gi_star(
    ctx: &Context,
    run: &Run,
    r: &hotspot::stats::getis_ord::GiStarResult,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    b.push(Block::Sub(tr.t("sub.gi").into()));
    b.push(Block::Para(tr.fmt(
        "gi.text",
        &[
            ("c", &tr.loc.num(run.s.grid_m, 0)),
            ("d", &tr.loc.num(2.0 * run.s.grid_m, 0)),
            (
                "ref",
                &match &run.sit.gi_star_area {
                    Some(a) => super::at_risk::reference_text(run, Some(a)),
                    None if run.sit.study.is_some() => tr.t("area.study_cells").into(),
                    None => tr.t("area.box").into(),
                },
            ),
        ],
    )));
    // Bins 3, 2, 1 (hot) and -3, -2, -1 (cold) → classes 0..6.
    let class_of = |bin: i8| -> Option<usize> {
        match bin {
            3 => Some(0),
            2 => Some(1),
            1 => Some(2),
            -3 => Some(3),
            -2 => Some(4),
            -1 => Some(5),
            _ => None,
        }
    };
    let labels = [
        "gi.hot99",
        "gi.hot95",
        "gi.hot90",
        "gi.cold99",
        "gi.cold95",
        "gi.cold90",
    ];
    let colours = [
        palette::GI_HOT[0],
        palette::GI_HOT[1],
        palette::GI_HOT[2],
        palette::GI_COLD[0],
        palette::GI_COLD[1],
        palette::GI_COLD[2],
    ];
    let mut n_class = [0usize; 6];
    let cells: Vec<(usize, usize, usize)> = (0..r.bin.len())
        .filter_map(|k| {
            let c = class_of(r.bin[k])?;
            n_class[c] += 1;
            Some((r.fishnet.col[k] as usize, r.fishnet.row[k] as usize, c))
        })
        .collect();
    let svg = step(ctx, tr.t("step.maps"), || {
        let mut map = base_map(run, tr.t("map.gi").into());
        map.layers.push(Layer::Cells(hotspot_render::CellLayer {
            title: tr.t("legend.gi").into(),
            spec: r.fishnet.frame,
            cells: cells.clone(),
            classes: labels
                .iter()
                .zip(colours)
                .map(|(l, c)| hotspot_render::Class::new(tr.t(l), c))
                .collect(),
        }));
        if let Some(l) = school_layer(run) {
            map.layers.push(l);
        }
        render_map(run, "gi_star", &map, written)
    })?;
    b.push(Block::Figure {
        svg,
        caption: tr.t("cap.gi").into(),
    });
    b.push(Block::Table {
        head: vec![tr.t("col.class").into(), tr.t("col.cells").into()],
        rows: labels
            .iter()
            .zip(n_class)
            .map(|(l, n)| vec![tr.t(l).to_string(), tr.loc.int(n as u64)])
            .collect(),
        numeric: vec![false, true],
    });
    let feats: Vec<OutFeature> = (0..r.bin.len())
        .filter(|&k| r.bin[k] != 0)
        .map(|k| {
            let [x0, y0, x1, y1] = r
                .fishnet
                .frame
                .cell_bounds(r.fishnet.col[k] as usize, r.fishnet.row[k] as usize);
            let poly = geo::Polygon::new(
                LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                vec![],
            );
            OutFeature {
                geometry: poly.into(),
                properties: props(&[
                    ("gi_bin", json!(r.bin[k])),
                    ("z", json!(r.gi.z[k])),
                    ("p_fdr", json!(r.gi.p_fdr[k])),
                    (
                        "incidents",
                        count_value(run, r.fishnet.count[k].round() as u64),
                    ),
                ]),
            }
        })
        .collect();
    write_layer(run, "gi_star", &feats, written)?;
    Ok(())
}

/// Incident clusters (HDBSCAN) as hull outlines: map, table, CSV, GeoJSON
/// layer and summary entry. Public mode: only clusters of at least
/// `min_count` incidents, hulls from the count grid's cells (see
/// [`hotspot::situation`](mod@hotspot::situation) and [`hotspot::disclosure`]).
pub fn clusters(
    ctx: &Context,
    run: &Run,
    cl: &Clusters,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    b.push(Block::Sub(tr.t("sub.clusters").into()));
    let inside: usize = cl.clusters.iter().map(|c| c.summary.count).sum();
    b.push(Block::Para(tr.fmt(
        "clusters.text",
        &[
            ("m", &cl.min_cluster_size.to_string()),
            ("k", &cl.clusters.len().to_string()),
            ("n", &count_text(run, inside as u64)),
        ],
    )));
    if run.s.public {
        b.push(Block::Note(tr.fmt(
            "clusters.public",
            &[
                ("k", &cl.suppressed.to_string()),
                ("n", &run.s.min_count.to_string()),
                ("g", &tr.loc.num(run.s.grid_m, 0)),
            ],
        )));
    }
    let label = |c: &Cluster| tr.fmt("clusters.label", &[("k", &c.rank.to_string())]);
    let drawn: Vec<&Cluster> = cl
        .clusters
        .iter()
        .filter(|c| !c.hull.0.is_empty())
        .collect();
    if !drawn.is_empty() {
        let svg = step(ctx, tr.t("step.maps"), || {
            let mut map = base_map(run, tr.t("map.clusters").into());
            // Coloured by main problem area (by harm), one legend entry per area shown.
            let shapes: Vec<hotspot_render::ClusterShape> = drawn
                .iter()
                .map(|c| hotspot_render::ClusterShape {
                    area: c.hull.clone(),
                    label: label(c),
                    class: hotspot::situation::names::cluster_main_area(
                        &run.sit,
                        c.rank.saturating_sub(1),
                    )
                    .map_or(5, |a| a.index()),
                })
                .collect();
            let layers = hotspot_render::cluster_layers(&shapes, &super::area_classes(tr))?;
            if let Some([x0, y0, x1, y1]) = hotspot_render::layers_extent(&layers, 0.0) {
                let m = focus_margin(x1 - x0, y1 - y0, 300.0);
                map.extent = [x0 - m, y0 - m, x1 + m, y1 + m];
            }
            // The method's legend entry (what an outline is), under the coloured clusters.
            map.layers.push(Layer::Area(AreaLayer {
                legend: tr.fmt(
                    if run.s.public {
                        "legend.clusters_public"
                    } else {
                        "legend.clusters"
                    },
                    &[("m", &cl.min_cluster_size.to_string())],
                ),
                areas: drawn.iter().map(|c| c.hull.clone()).collect(),
                fill: None,
                stroke: Some(palette::CLUSTER),
                stroke_pt: 0.6,
                labels: Vec::new(),
            }));
            let focus = layers.clone();
            map.layers.extend(layers);
            if let Some(l) = school_layer(run) {
                map.layers.push(l);
            }
            let all = super::closeup::render(
                run,
                "clusters",
                &map,
                &focus.iter().collect::<Vec<_>>(),
                written,
            )?;
            // Clusters spread over the municipality: the town's again as a close-up.
            let hulls = AreaLayer {
                legend: String::new(),
                areas: drawn.iter().map(|c| c.hull.clone()).collect(),
                fill: None,
                stroke: None,
                stroke_pt: 0.0,
                labels: drawn.iter().map(|c| label(c)).collect(),
            };
            let close = super::closeup::main_group_closeup(run, "clusters", &map, &hulls, written)?;
            Ok((all, close))
        })?;
        b.push(Block::Figure {
            svg: svg.0,
            caption: tr.t("cap.clusters").into(),
        });
        if let Some(svg) = svg.1 {
            b.push(Block::Figure {
                svg,
                caption: tr.t("cap.closeup_town_clusters").into(),
            });
        }
    }
    let top_cats = |c: &Cluster| -> String {
        c.summary
            .categories
            .iter()
            .filter(|(_, n)| run.sup.count(*n as u64).is_some())
            .take(3)
            .map(|(name, n)| format!("{name} ({})", count_text(run, *n as u64)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let area_km2 = |c: &Cluster| {
        use geo::Area;
        c.hull.unsigned_area() / 1e6
    };
    if !cl.clusters.is_empty() {
        b.push(Block::Table {
            head: vec![
                tr.t("col.cluster").into(),
                tr.t("col.incidents").into(),
                tr.t("col.area_km2").into(),
                tr.t("col.top_categories").into(),
            ],
            rows: cl
                .clusters
                .iter()
                .map(|c| {
                    vec![
                        match run.sit.names.cluster(c.rank.saturating_sub(1)) {
                            Some(pl) => format!("{} {pl}", label(c)),
                            None => label(c),
                        },
                        count_text(run, c.summary.count as u64),
                        tr.loc.num(area_km2(c), 3),
                        top_cats(c),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, false],
        });
    }
    write_csv(
        run,
        "clusters",
        &[
            "rank",
            "place",
            "incidents",
            "hull_area_km2",
            "top_category",
        ],
        &cl.clusters
            .iter()
            .map(|c| {
                vec![
                    c.rank.to_string(),
                    run.sit
                        .names
                        .cluster(c.rank.saturating_sub(1))
                        .unwrap_or_default()
                        .to_string(),
                    csv_count(run, c.summary.count as u64),
                    format!("{:.4}", area_km2(c)),
                    top_category(run, c).unwrap_or_default(),
                ]
            })
            .collect::<Vec<_>>(),
        written,
    )?;
    let feats: Vec<OutFeature> = drawn
        .iter()
        .map(|c| OutFeature {
            geometry: c.hull.clone().into(),
            properties: props(&[
                ("rank", json!(c.rank)),
                ("label", json!(label(c))),
                (
                    "place",
                    json!(run.sit.names.cluster(c.rank.saturating_sub(1))),
                ),
                ("incidents", count_value(run, c.summary.count as u64)),
                ("hull_area_km2", json!(area_km2(c))),
                (
                    "hull",
                    json!(if run.s.public {
                        "convex_hull_of_grid_cells"
                    } else {
                        "concave_hull"
                    }),
                ),
                ("top_category", json!(top_category(run, c))),
            ]),
        })
        .collect();
    write_layer(run, "cluster_hulls", &feats, written)?;
    Ok(())
}

/// Margin around a map's focus layers of `w` × `h` metres: 8 % of the larger
/// side, at least `min_m`, so features at the edge clear the scale bar and the
/// north arrow and keep room for their labels.
fn focus_margin(w: f64, h: f64, min_m: f64) -> f64 {
    (0.08 * w.max(h)).max(min_m)
}

/// The most frequent category of a cluster, unless its count is suppressed.
fn top_category(run: &Run, c: &Cluster) -> Option<String> {
    c.summary
        .categories
        .first()
        .filter(|(_, n)| run.sup.count(*n as u64).is_some())
        .map(|x| x.0.clone())
}

#[cfg(test)]
mod tests {
    use super::p_text;
    use crate::config::Lang;
    use crate::i18n::Tr;

    #[test]
    fn p_values_below_a_thousandth_are_not_written_as_zero() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(p_text(&sv, 1e-12), "< 0,001");
        assert_eq!(p_text(&en, 0.0), "< 0.001");
        assert_eq!(p_text(&sv, 0.0012), "0,001");
        assert_eq!(p_text(&sv, 0.0432), "0,043");
    }
}
