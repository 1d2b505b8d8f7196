//! The report's repeat locations: totals and the 30-day repeat probability (Farrell & Pease 1993);
//! the internal report also lists the ten locations with most incidents. Figures from
//! `hotspot::situation::extra::repeats`.

use super::html::Block;
use super::{Run, count_text};
use hotspot::situation::Outcome;

/// Adds the section when the repeats were computed.
pub(super) fn section(run: &Run, b: &mut Vec<Block>) {
    let r = match &run.sit.repeats {
        Outcome::Done(r) => r,
        Outcome::Failed(e) => {
            b.push(Block::Heading(
                "repeats".into(),
                run.tr.t("repeats.repeat_locations").into(),
            ));
            b.push(Block::Note(e.clone()));
            return;
        }
        Outcome::Skipped(_) => return,
    };
    let tr = &run.tr;
    b.push(Block::Heading(
        "repeats".into(),
        run.tr.t("repeats.repeat_locations").into(),
    ));
    let pct = |v: f64| format!("{} %", tr.loc.num(100.0 * v, 0));
    b.push(Block::Para(format!(
        "{} {} {} {} ({} {}).",
        tr.loc.int(r.repeat_locations as u64),
        run.tr.t("repeats.places_incidents_within_m"),
        count_text(run, r.incidents_at_repeat_locations as u64),
        run.tr.t("repeats.incidents"),
        pct(r.share_at_repeat_locations),
        run.tr.t("repeats.all"),
    )));
    if let Some(c) = r.curve.iter().find(|c| c.days == 30 && c.at_risk > 0) {
        b.push(Block::Para(format!(
            "{} {} {} {}.",
            run.tr.t("repeats.after_incident_another_followed"),
            pct(c.probability),
            run.tr.t("repeats.cases_with_random_times"),
            pct(c.expected_random_times),
        )));
    }
    if run.s.public {
        b.push(Block::Note(
            run.tr.t("repeats.public_report_gives_totals").into(),
        ));
        return;
    }
    if r.listed.is_empty() {
        return;
    }
    b.push(Block::Table {
        head: vec![
            run.tr.t("repeats.place_lat_lon").into(),
            run.tr.t("repeats.incidents_b").into(),
            run.tr.t("repeats.first").into(),
            run.tr.t("repeats.last").into(),
            run.tr.t("repeats.median_days_between").into(),
            run.tr.t("repeats.categories").into(),
        ],
        rows: r
            .listed
            .iter()
            .take(10)
            .map(|x| {
                vec![
                    format!("{:.5}, {:.5}", x.lat, x.lon),
                    tr.loc.int(x.incidents as u64),
                    x.first
                        .clone()
                        .unwrap_or_default()
                        .chars()
                        .take(10)
                        .collect(),
                    x.last
                        .clone()
                        .unwrap_or_default()
                        .chars()
                        .take(10)
                        .collect(),
                    x.median_days_between
                        .map(|d| tr.loc.num(d, 0))
                        .unwrap_or_else(|| "–".into()),
                    x.categories
                        .iter()
                        .map(|c| format!("{} ({})", c.name, c.count))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect(),
        numeric: vec![false, true, false, false, true, false],
    });
}
