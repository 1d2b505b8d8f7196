//! The patrol section's evidence that holds up: the out-of-sample check of the zones (chosen on the
//! training months, scored on the held-out ones, then refitted; `hotspot::patrol::holdout`) and the
//! days named only where the weekday test distinguishes them ("alla dagar" otherwise, with the counts;
//! `hotspot::patrol::profile`). The library computes; this only words it.

use super::Run;
use super::html::Block;
use hotspot::patrol::holdout::YearMonth;
use hotspot::patrol::{HoldoutOutcome, PatrolPlan, PlanZone};

fn month(run: &Run, m: YearMonth) -> String {
    run.tr.month_short(m.year, m.month)
}

fn pct(run: &Run, v: f64) -> String {
    format!("{} %", run.tr.loc.num(100.0 * v, 0))
}

/// The days of a zone as the table, the map badge and the answer show them: the weekdays the test
/// names (in week order), or "alla dagar" / "every day".
pub fn days_text(run: &Run, days: &[usize]) -> String {
    if days.is_empty() {
        return run.tr.t("patrol.any_day").into();
    }
    hotspot::situation::names::week_order(days)
        .iter()
        .map(|d| run.tr.weekday_short(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hours of a zone as the table, the map badge and the answer show them: the windows as
/// [`hotspot::situation::names::hours_text`] writes them ("19–03"), or "hela dygnet" / "all day"
/// when they cover the whole day ("00–24") or no window is known.
pub fn hours_words(tr: &crate::i18n::Tr, hours: &str) -> String {
    if hours.is_empty() || hours == hotspot::situation::names::hours_text(&[(0, 24)]) {
        return tr.t("patrol.all_day").into();
    }
    hours.to_string()
}

/// The zone's tested incidents per weekday, Monday to Sunday ("12 · 9 · 10 · …"); in public mode
/// small counts are shown as "<N".
pub fn day_counts(run: &Run, z: &PlanZone) -> String {
    z.profile
        .weekday
        .counts
        .iter()
        .map(|&c| super::count_text(run, c))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The paragraph on the out-of-sample check: its figures, or why it was not made.
pub fn holdout_block(run: &Run, p: &PatrolPlan) -> Block {
    let tr = &run.tr;
    match &p.holdout {
        HoldoutOutcome::Off => Block::Para(tr.t("patrol.oos_off").into()),
        HoldoutOutcome::NotScored { reason } => Block::Para(if reason.contains("has a time") {
            tr.t("patrol.oos_no_times").into()
        } else if reason.contains("one month") {
            tr.t("patrol.oos_one_month").into()
        } else {
            tr.fmt("patrol.oos_other", &[("reason", reason)])
        }),
        HoldoutOutcome::Scored(h) => {
            let s = &h.split;
            let train = format!(
                "{}–{}",
                month(run, s.first_month),
                month(run, s.holdout_from.previous())
            );
            let test = if s.holdout_from == s.last_month {
                month(run, s.last_month)
            } else {
                format!(
                    "{}–{}",
                    month(run, s.holdout_from),
                    month(run, s.last_month)
                )
            };
            Block::Para(tr.fmt(
                "patrol.oos",
                &[
                    ("train", &train),
                    ("test", &test),
                    ("in_hit", &pct(run, h.score.in_sample.hit_rate)),
                    ("in_pai", &tr.loc.num(h.score.in_sample.pai, 1)),
                    ("out_hit", &pct(run, h.score.held_out.hit_rate)),
                    ("out_pai", &tr.loc.num(h.score.held_out.pai, 1)),
                    ("n", &super::count_text(run, s.test_incidents as u64)),
                    (
                        "area",
                        &format!("{} %", tr.loc.num(100.0 * h.score.area_share, 2)),
                    ),
                ],
            ))
        }
    }
}

/// The method note on the out-of-sample check and the day and hour tests.
pub fn method_note(run: &Run) -> String {
    let h = match &run.sit.patrol {
        hotspot::situation::Outcome::Done(p) => p.holdout.scored().map(|h| h.split.holdout_months),
        _ => None,
    };
    run.tr.fmt(
        "method.patrol_oos",
        &[(
            "h",
            &h.map_or_else(
                || run.tr.t("patrol.oos_quarter").to_string(),
                |h| run.tr.fmt("patrol.oos_last_n", &[("n", &h.to_string())]),
            ),
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::hours_words;
    use crate::config::Lang;
    use crate::i18n::Tr;

    #[test]
    fn a_whole_day_reads_as_words_and_windows_as_numbers() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(hours_words(&sv, "00–24"), "hela dygnet");
        assert_eq!(hours_words(&en, "00–24"), "all day");
        assert_eq!(hours_words(&sv, ""), "hela dygnet");
        assert_eq!(hours_words(&sv, "19–03"), "19–03");
        assert_eq!(hours_words(&en, "00–02, 16–22"), "00–02, 16–22");
        // The days the weekday test does not tell apart.
        assert_eq!(sv.t("patrol.any_day"), "alla dagar");
        assert_eq!(en.t("patrol.any_day"), "every day");
    }
}
