//! The geocoding-quality paragraph of the data section: the share of rows with a usable position
//! against Ratcliffe's (2004) 85 % minimum, the stacked share, and how many incidents on stacked
//! positions the density surface and hotspots left out (`hotspot::situation::quality`).

use super::html::Block;
use super::{Run, count_text};

/// The paragraph(s) on geocoding quality.
pub(super) fn blocks(run: &Run) -> Vec<Block> {
    let tr = &run.tr;
    let g = &run.sit.geocoding;
    let q = &g.quality;
    let pct = |v: f64| format!("{} %", tr.loc.num(100.0 * v, 1));
    let mut out = vec![Block::Para(tr.fmt(
        if q.meets_ratcliffe_minimum {
            "data.geocoding"
        } else {
            "data.geocoding_low"
        },
        &[
            ("usable", &pct(q.usable_share)),
            ("stacked", &pct(q.stacked_share)),
            ("k", &q.stack_min.to_string()),
            ("positions", &tr.loc.int(q.distinct_positions)),
        ],
    ))];
    if q.stacks > 0 {
        out.push(Block::Note(tr.fmt(
            if g.kept_stacked {
                "data.stacked_kept"
            } else {
                "data.stacked_left_out"
            },
            &[
                ("n", &count_text(run, q.stacked_incidents)),
                ("s", &q.stacks.to_string()),
                ("k", &q.stack_min.to_string()),
            ],
        )));
    }
    out
}
