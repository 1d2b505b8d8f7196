//! The report's repeat locations: totals and the 30-day repeat probability (Farrell & Pease 1993);
//! the internal report also lists the ten locations with most incidents. Figures from
//! `hotspot::situation::extra::repeats`.

use super::html::Block;
use super::{Run, config::Lang, count_text};
use hotspot::situation::Outcome;

fn l(run: &Run, sv: &'static str, en: &'static str) -> &'static str {
    match run.s.lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// Adds the section when the repeats were computed.
pub(super) fn section(run: &Run, b: &mut Vec<Block>) {
    let r = match &run.sit.repeats {
        Outcome::Done(r) => r,
        Outcome::Failed(e) => {
            b.push(Block::Heading(
                "repeats".into(),
                l(run, "Upprepade platser", "Repeat locations").into(),
            ));
            b.push(Block::Note(e.clone()));
            return;
        }
        Outcome::Skipped(_) => return,
    };
    let tr = &run.tr;
    b.push(Block::Heading(
        "repeats".into(),
        l(run, "Upprepade platser", "Repeat locations").into(),
    ));
    let pct = |v: f64| format!("{} %", tr.loc.num(100.0 * v, 0));
    b.push(Block::Para(format!(
        "{} {} {} {} ({} {}).",
        tr.loc.int(r.repeat_locations as u64),
        l(
            run,
            "platser (händelser inom 25 m från varandra räknas som samma plats) hade två eller fler händelser. Där skedde",
            "places (incidents within 25 m count as one place) had two or more incidents. They had"
        ),
        count_text(run, r.incidents_at_repeat_locations as u64),
        l(run, "händelser", "incidents"),
        pct(r.share_at_repeat_locations),
        l(run, "av alla", "of all"),
    )));
    if let Some(c) = r.curve.iter().find(|c| c.days == 30 && c.at_risk > 0) {
        b.push(Block::Para(format!(
            "{} {} {} {}.",
            l(
                run,
                "Efter en händelse kom en ny på samma plats inom 30 dagar i",
                "After an incident, another followed at the same place within 30 days in"
            ),
            pct(c.probability),
            l(
                run,
                "av fallen; om tiderna vore slumpmässiga väntas",
                "of cases; with random times one would expect"
            ),
            pct(c.expected_random_times),
        )));
    }
    if run.s.public {
        b.push(Block::Note(
            l(
                run,
                "Den öppna rapporten anger bara summor, inga enskilda platser.",
                "The public report gives totals only, no single places.",
            )
            .into(),
        ));
        return;
    }
    if r.listed.is_empty() {
        return;
    }
    b.push(Block::Table {
        head: vec![
            l(run, "Plats (lat, lon)", "Place (lat, lon)").into(),
            l(run, "Händelser", "Incidents").into(),
            l(run, "Första", "First").into(),
            l(run, "Senaste", "Last").into(),
            l(run, "Median dagar mellan", "Median days between").into(),
            l(run, "Kategorier", "Categories").into(),
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
