//! The schools section's time table: when vandalism happens at each school (aoristic time-class
//! shares from `SchoolReport.times`), against the same problem area elsewhere in the area at risk.

use super::Run;
use super::html::Block;
use hotspot::categories::ProblemArea;
use hotspot::schools::SchoolReport;

/// Appends the vandalism time-class table and its sentence (what it compares with, how many
/// incidents had a from/to interval). Rows whose count is suppressed (public mode) are left out.
pub fn vandalism_times(run: &Run, rep: &SchoolReport, b: &mut Vec<Block>) {
    let Some(times) = &rep.times else {
        return;
    };
    let tr = &run.tr;
    let vand = ProblemArea::VandalismGraffitiLittering.index();
    let pct = |v: f64| {
        if v.is_finite() {
            format!("{} %", tr.loc.num(100.0 * v, 0))
        } else {
            "–".into()
        }
    };
    let rows: Vec<Vec<String>> = times
        .rows
        .iter()
        .filter(|r| r.problem_area == Some(vand) && r.known_hour > 0)
        .filter(|r| run.sup.count(r.zone.totals.incidents).is_some())
        .map(|r| {
            let s = r.shares();
            vec![
                run.sit.schools[r.school].name.clone(),
                pct(s[0]),
                pct(s[1]),
                pct(s[2]),
                pct(s[3]),
                pct(s[4]),
                pct(r.share),
                pct(r.baseline_share),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    b.push(Block::Para(tr.fmt(
        "schools.times",
        &[
            ("n", &tr.loc.int(times.totals.interval)),
            ("m", &tr.loc.int(times.totals.incidents)),
        ],
    )));
    b.push(Block::Table {
        head: vec![
            tr.t("col.school").into(),
            tr.t("col.school_hours").into(),
            tr.t("col.evening").into(),
            tr.t("col.night").into(),
            tr.t("col.weekend").into(),
            tr.t("col.holiday").into(),
            tr.t("col.out_of_hours").into(),
            tr.t("col.out_of_hours_elsewhere").into(),
        ],
        rows,
        numeric: vec![false, true, true, true, true, true, true, true],
    });
}
