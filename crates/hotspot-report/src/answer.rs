//! The report's first section, "answer first": where and when to patrol (the situation's
//! recommendations, as the board reads them), the schools of concern, and fraud against the
//! elderly as its own line of work. Everything after it is the evidence.

use super::html::Block;
use super::{Run, area_name, count_text};
use hotspot::categories::ProblemArea;
use hotspot::situation::{Outcome, school_concerns};

/// Days as a run where they follow each other ("fredag–lördag"), else listed ("tis, fre").
fn days_phrase(run: &Run, days: &[usize]) -> String {
    if days.is_empty() {
        // The weekday test does not distinguish the zone's days from the area's.
        return run.tr.t("patrol.any_day").into();
    }
    let mut d = days.to_vec();
    d.sort_unstable();
    let consecutive = d.len() >= 2 && d.windows(2).all(|w| w[1] == w[0] + 1);
    if consecutive {
        format!(
            "{}–{}",
            run.tr.weekday_long(d[0]),
            run.tr.weekday_long(d[d.len() - 1])
        )
    } else {
        // In week order, as in the tables.
        d.iter()
            .map(|x| run.tr.weekday_long(*x))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn area_short(run: &Run, id: &str) -> String {
    ProblemArea::from_id(id)
        .map(|a| area_name(&run.tr, a).to_lowercase())
        .unwrap_or_else(|| id.to_string())
}

/// The blocks of the first section.
pub fn blocks(run: &Run) -> Vec<Block> {
    let tr = &run.tr;
    let mut b = vec![Block::Heading("answer".into(), tr.t("sec.answer").into())];
    let recs = run.sit.recommendations();
    if recs.is_empty() {
        b.push(Block::Para(tr.t("answer.no_patrol").into()));
    } else {
        b.push(Block::Para(tr.t("answer.patrol_intro").into()));
        let lines: Vec<String> = recs
            .iter()
            .map(|r| {
                let place = r
                    .place
                    .clone()
                    .unwrap_or_else(|| tr.fmt("answer.zone", &[("k", &r.rank.to_string())]));
                let areas = r
                    .problem_areas
                    .iter()
                    .map(|a| area_short(run, a))
                    .collect::<Vec<_>>()
                    .join("; ");
                let hours = super::patrol_oos::hours_words(&run.tr, &r.hours);
                let n = r
                    .incidents
                    .map(|n| count_text(run, n))
                    .unwrap_or_else(|| format!("<{}", run.s.min_count));
                format!(
                    "{}, {} {}: {} ({})",
                    place,
                    days_phrase(run, &r.day_index),
                    hours,
                    areas,
                    tr.fmt("answer.evidence", &[("n", &n)])
                )
            })
            .collect();
        b.push(Block::Numbered(lines));
    }
    let concerns = school_concerns(&run.sit);
    if !concerns.is_empty() {
        // Each school with the problem areas in which it is above comparable places.
        let ctl = match &run.sit.schools_report {
            Outcome::Done(rep) => rep.controlled.as_ref(),
            _ => None,
        };
        let names: Vec<String> = concerns
            .iter()
            .filter_map(|&k| {
                let name = run.sit.schools.get(k)?.name.clone();
                let areas: Vec<String> = ctl
                    .map(|c| {
                        c.rows
                            .iter()
                            .filter(|r| {
                                r.school == k
                                    && r.flag == hotspot::schools::controlled::Flag::Higher
                            })
                            .filter_map(|r| r.problem_area.and_then(|a| ProblemArea::ALL.get(a)))
                            .map(|a| area_name(&run.tr, *a).to_lowercase())
                            .collect()
                    })
                    .unwrap_or_default();
                Some(if areas.is_empty() {
                    name
                } else {
                    let and = match run.tr.lang {
                        super::config::Lang::Sv => " samt ",
                        super::config::Lang::En => " as well as ",
                    };
                    format!("{name} – {}", areas.join(and))
                })
            })
            .collect();
        b.push(Block::Para(
            tr.fmt("answer.schools", &[("schools", &names.join("; "))]),
        ));
    }
    let fraud = run.sit.counts.by_area[ProblemArea::FraudElderly.index()];
    if fraud > 0 {
        b.push(Block::Para(
            tr.fmt("answer.fraud", &[("n", &count_text(run, fraud))]),
        ));
    }
    if let Outcome::Done(_) = &run.sit.patrol {
        b.push(Block::Para(tr.t("answer.evidence_follows").into()));
    }
    b
}
