//! The report's perception section ("Upplevd otrygghet och anmälda händelser"): the bivariate map
//! (recorded x perceived, 3 x 3 legend), the class map, the S-index in one sentence, the named
//! places of the cells that differ with what each calls for, and the `perception_cells` layer.
//! The figures come from `hotspot::situation::perception`; this file only words and draws them.

use super::html::Block;
use super::{Run, Written, base_map, count_text, count_value, props, render_map, write_layer};
use crate::progress::Context;
use geo::{LineString, Polygon};
use hotspot::output::OutFeature;
use hotspot::perception::{PerceptionClass, terciles};
use hotspot::situation::Outcome;
use hotspot::situation::perception::{ComparedOn, DifferingPlace, PerceptionSection};
use hotspot_render::Layer;
use hotspot_render::bivariate::{bivariate_layer_with_axes, class_layer};
use serde_json::json;

/// Places listed per class.
const MAX_PLACES: usize = 8;

fn area_text(run: &Run, ps: &PerceptionSection) -> String {
    match ps.compared_on {
        ComparedOn::AreaAtRisk => super::at_risk::reference_text(run, ps.area_at_risk.as_ref()),
        ComparedOn::StudyArea => run.tr.t("area.study").into(),
        ComparedOn::Extent => run.tr.t("area.box").into(),
    }
}

/// `Gångtunneln (fiktiv): 45 markeringar, 0 anmälda händelser`.
fn place_line(run: &Run, p: &DifferingPlace) -> String {
    let tr = &run.tr;
    let name = match &p.name {
        Some(n) => n.name.clone(),
        None => {
            let [lon, lat] = run
                .projector
                .to_lonlat(p.centre[0], p.centre[1])
                .unwrap_or([0.0; 2]);
            tr.fmt(
                "perc.cell_at",
                &[("lat", &format!("{lat:.4}")), ("lon", &format!("{lon:.4}"))],
            )
        }
    };
    let mut line = tr.fmt(
        "perc.place",
        &[
            ("place", &name),
            ("pins", &count_text(run, p.perceived)),
            ("n", &count_text(run, p.recorded)),
        ],
    );
    if p.cells > 1 {
        line.push_str(&tr.fmt("perc.cells", &[("k", &p.cells.to_string())]));
    }
    line
}

/// The maps' extent: the cells shown that hold pins or differ (where the comparison says
/// something), padded by 800 m; the incidents spread over the whole municipality, the pins
/// usually do not.
fn cells_extent(ps: &PerceptionSection) -> Option<[f64; 4]> {
    let g = &ps.result.grid;
    ps.result
        .cells
        .iter()
        .filter(|c| c.perceived > 0 || c.class != PerceptionClass::Similar)
        .map(|c| g.cell_bounds(c.col, c.row))
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
        .map(|b| [b[0] - 800.0, b[1] - 800.0, b[2] + 800.0, b[3] + 800.0])
}

/// Adds the section when the config has `perceived` (nothing otherwise).
pub(super) fn section(
    ctx: &Context,
    run: &Run,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let tr = &run.tr;
    let ps = match &run.sit.perception {
        Outcome::Skipped(_) => return Ok(()),
        Outcome::Failed(e) => {
            b.push(Block::Heading(
                "perception".into(),
                tr.t("sec.perception").into(),
            ));
            b.push(Block::Note(tr.fmt("perc.failed", &[("e", e.as_str())])));
            return Ok(());
        }
        Outcome::Done(ps) => ps,
    };
    let r = &ps.result;
    let s = &r.sppt;
    b.push(Block::Heading(
        "perception".into(),
        tr.t("sec.perception").into(),
    ));
    let cell = tr.loc.num(r.cell_m, 0);
    let mut intro = tr.fmt(
        "perc.intro",
        &[
            ("file", &ps.file),
            ("rows", &count_text(run, ps.accepted)),
            ("pins", &count_text(run, s.perceived_total)),
            ("n", &count_text(run, s.recorded_total)),
            ("cell", &cell),
            ("area", &area_text(run, ps)),
        ],
    );
    if r.perceived_outside > 0 {
        intro.push(' ');
        intro.push_str(&tr.fmt(
            "perc.outside",
            &[("k", &count_text(run, r.perceived_outside as u64))],
        ));
    }
    if ps.rejected > 0 {
        intro.push(' ');
        intro.push_str(&tr.fmt("perc.rejected", &[("k", &tr.loc.int(ps.rejected))]));
    }
    b.push(Block::Para(intro));
    if let Some(si) = s.s_index {
        b.push(Block::Para(tr.fmt(
            "perc.s_index",
            &[
                ("s", &tr.loc.num(si, 3)),
                ("sim", &tr.loc.int(s.similar as u64)),
                ("k", &tr.loc.int(s.n_compared as u64)),
            ],
        )));
    }
    let (po, ro) = (
        ps.shown(PerceptionClass::PerceivedOnly),
        ps.shown(PerceptionClass::RecordedOnly),
    );
    b.push(Block::Para(tr.fmt(
        "perc.classes",
        &[("po", &po.to_string()), ("ro", &ro.to_string())],
    )));
    if run.s.public && ps.suppressed > 0 {
        b.push(Block::Note(tr.fmt(
            "perc.public",
            &[
                ("k", &ps.suppressed.to_string()),
                ("n", &run.s.min_count.to_string()),
            ],
        )));
    }

    // Maps: bivariate (terciles of the shown cells' counts) and classes.
    let cells = &r.cells;
    let rec = terciles(&cells.iter().map(|c| c.recorded as f64).collect::<Vec<_>>());
    let per = terciles(&cells.iter().map(|c| c.perceived as f64).collect::<Vec<_>>());
    let bi: Vec<_> = cells
        .iter()
        .zip(rec.iter().zip(&per))
        .map(|(c, (&r, &p))| (c.col, c.row, r, p))
        .collect();
    let word = [tr.t("perc.low"), tr.t("perc.mid"), tr.t("perc.high")];
    let labels: [[String; 3]; 3] = std::array::from_fn(|p| {
        std::array::from_fn(|r| tr.fmt("perc.bi_label", &[("p", word[p]), ("r", word[r])]))
    });
    let cls: Vec<_> = cells
        .iter()
        .map(|c| {
            let k = match c.class {
                PerceptionClass::PerceivedOnly => 0,
                PerceptionClass::RecordedOnly => 1,
                PerceptionClass::Similar => 2,
            };
            (c.col, c.row, k)
        })
        .collect();
    let extent = cells_extent(ps).unwrap_or(run.sit.extent);
    let maps = [
        (
            "perception_bivariate",
            tr.t("perc.map_bivariate"),
            Layer::Cells(bivariate_layer_with_axes(
                &tr.fmt("perc.legend_cells", &[("cell", &cell)]),
                tr.t("perc.axis_x"),
                tr.t("perc.axis_y"),
                r.grid,
                &bi,
                &labels,
            )),
            tr.t("perc.cap_bivariate"),
        ),
        (
            "perception_classes",
            tr.t("perc.map_classes"),
            Layer::Cells(class_layer(
                tr.fmt("perc.legend_classes", &[("cell", &cell)]),
                r.grid,
                &cls,
                [
                    tr.t("perc.class_perceived").into(),
                    tr.t("perc.class_recorded").into(),
                    tr.t("perc.class_similar").into(),
                ],
            )),
            tr.t("perc.cap_classes"),
        ),
    ];
    for (name, title, layer, caption) in maps {
        let svg = super::step(ctx, tr.t("step.maps"), || {
            let mut map = base_map(run, title.into());
            map.extent = extent;
            map.layers.push(layer);
            if run.s.public && ps.suppressed > 0 {
                map.note = tr.fmt(
                    "perc.public_map",
                    &[
                        ("k", &ps.suppressed.to_string()),
                        ("n", &run.s.min_count.to_string()),
                    ],
                );
            }
            render_map(run, name, &map, written)
        })?;
        b.push(Block::Figure {
            svg,
            caption: caption.into(),
        });
    }

    // The places that differ, and what each calls for.
    for (class, sub, todo, none) in [
        (
            PerceptionClass::PerceivedOnly,
            "perc.sub_perceived",
            "perc.do_perceived",
            "perc.none_perceived",
        ),
        (
            PerceptionClass::RecordedOnly,
            "perc.sub_recorded",
            "perc.do_recorded",
            "perc.none_recorded",
        ),
    ] {
        b.push(Block::Sub(tr.t(sub).into()));
        let lines: Vec<String> = ps
            .places
            .iter()
            .filter(|p| p.class == class)
            .take(MAX_PLACES)
            .map(|p| place_line(run, p))
            .collect();
        if lines.is_empty() {
            b.push(Block::Para(tr.t(none).into()));
            continue;
        }
        b.push(Block::List(lines));
        b.push(Block::Para(tr.t(todo).into()));
    }
    b.push(Block::Para(tr.t("perc.method").into()));

    // Layer: the cells shown, with counts and class.
    let feats: Vec<OutFeature> = cells
        .iter()
        .map(|c| {
            let [x0, y0, x1, y1] = r.grid.cell_bounds(c.col, c.row);
            OutFeature {
                geometry: Polygon::new(
                    LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                    vec![],
                )
                .into(),
                properties: props(&[
                    ("recorded", count_value(run, c.recorded)),
                    ("perceived", count_value(run, c.perceived)),
                    ("recorded_share", json!(c.recorded_share)),
                    ("perceived_share", json!(c.perceived_share)),
                    ("p_adjusted", json!(c.p_adjusted)),
                    ("class", json!(c.class.as_str())),
                    ("cell_m", json!(r.cell_m)),
                ]),
            }
        })
        .collect();
    write_layer(run, "perception_cells", &feats, written)?;
    Ok(())
}
