//! The report's follow-up section ("Uppföljning"): the latest period of each zone and priority
//! area against the baseline in one sentence, control charts, displacement (WDQ), the patrol dose
//! and a plain note on what a before/after can show. The figures come from
//! `hotspot::situation::extra::followup`; this file only words and draws them.

use super::html::Block;
use super::{Run, Written, area_name, count_text};
use crate::error::ResultExt as _;
use crate::progress::Context;
use hotspot::categories::ProblemArea;
use hotspot::followup::{ALL_ZONES, Followup, Series, Signal, WdqReading};
use hotspot::situation::Outcome;
use hotspot_render::{ControlChart, ControlLegend, Size};

/// `2026-T2` -> `T2 2026` (Swedish: tertial, as municipal plans count) or `May–Aug 2026`
/// (English, which has no tertials); `2026-Q2` -> `Q2 2026`; `2026-05` -> `maj 2026` /
/// `May 2026`.
fn period_label(run: &Run, p: &str) -> String {
    let Some((y, t)) = p.split_once('-') else {
        return p.to_string();
    };
    let year: Option<i32> = y.parse().ok();
    if let Some(k) = t.strip_prefix('T') {
        return match (run.tr.lang, year, k.parse::<u32>()) {
            (super::config::Lang::En, Some(yr), Ok(k @ 1..=3)) => format!(
                "{}–{}",
                run.tr
                    .month_short(yr, 4 * k - 3)
                    .split(' ')
                    .next()
                    .unwrap_or(""),
                run.tr.month_short(yr, 4 * k)
            ),
            _ => format!("{t} {y}"),
        };
    }
    if t.starts_with('Q') {
        return format!("{t} {y}");
    }
    match (year, t.parse::<u32>()) {
        (Some(yr), Ok(m @ 1..=12)) => run.tr.month_short(yr, m),
        _ => p.to_string(),
    }
}

fn signal_word(run: &Run, s: Signal) -> &'static str {
    match s {
        Signal::Lower => run.tr.t("followup.fewer"),
        Signal::Higher => run.tr.t("followup.more"),
        Signal::None => run.tr.t("followup.within_normal_variation"),
    }
}

fn zone_label(run: &Run, s: &Series) -> String {
    if s.zone == ALL_ZONES {
        run.tr.t("followup.all_zones").to_string()
    } else {
        s.zone.clone()
    }
}

/// "Torget: 38 händelser i T2 2026 mot förväntat 61 (45–79): färre".
fn sentence(run: &Run, name: &str, s: &Series) -> Option<String> {
    let r = s.rows.last()?;
    let shown = run.sup.count(r.count).is_some();
    let mut t = format!(
        "{name}: {} {} {} {} {} {} ({}–{})",
        count_text(run, r.count),
        run.tr.t("followup.incidents"),
        period_label(run, &r.period),
        run.tr.t("followup.against_expected"),
        run.tr.loc.num(r.expected, 0),
        "",
        r.lower,
        r.upper,
    )
    .replace("  ", " ");
    if shown {
        t.push_str(&format!(": {}", signal_word(run, r.signal)));
    }
    if r.partial {
        t.push_str(run.tr.t("followup.period_not_complete"));
    }
    Some(t)
}

/// The note under a control chart explaining the `*` of a partial period: only when some period
/// is drawn as partial, else empty (no note).
fn partial_note(points: &[hotspot_render::ControlPoint], note: &str) -> String {
    if points.iter().any(|p| p.partial) {
        note.to_string()
    } else {
        String::new()
    }
}

fn chart(run: &Run, f: &Followup, s: &Series, title: String) -> ControlChart {
    let (points, baseline_mean) =
        hotspot_render::control_points(f, s, |c| run.sup.count(c), |p| period_label(run, p));
    let note = partial_note(&points, run.tr.t("followup.period_not_complete_expected"));
    ControlChart {
        title,
        points,
        baseline_mean,
        legend: ControlLegend {
            count: run.tr.t("followup.incidents_b").into(),
            band: run.tr.t("followup.normal_variation").into(),
            expected: run.tr.t("followup.expected").into(),
            baseline_mean: run.tr.t("followup.baseline_mean").into(),
            lower: run.tr.t("followup.fewer_than_normal").into(),
            higher: run.tr.t("followup.more_than_normal").into(),
        },
        y_label: run.tr.t("followup.incidents_per_period").into(),
        note,
        locale: run.tr.loc,
    }
}

fn draw(run: &Run, name: &str, c: &ControlChart, written: &mut Written) -> crate::Result<String> {
    let out = &run.s.out;
    // Drawn at the width the HTML shows it, so that its smallest text (7.5 pt) is at least
    // 11 px on screen, as the maps and the other charts (a 1200 px chart shown at 855 px
    // had 6.9 px text).
    let size = control_chart_size();
    let svg = c.render_svg(size)?;
    let p = out.join("maps").join(format!("{name}.svg"));
    hotspot::output::write_atomic(&p, &svg)
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(out, &p);
    let p = out.join("maps").join(format!("{name}.png"));
    c.render_png(size, &p)?;
    written.add(out, &p);
    Ok(svg)
}

/// The size the control charts are drawn at: the report's figure width with the maps'
/// pixels per point (smallest text 11 px when shown at that width), half as high as wide.
pub(super) fn control_chart_size() -> Size {
    let mut s = Size::shown_at(super::FIGURE_PX);
    s.height = super::FIGURE_PX / 2;
    s
}

/// Adds the section when the config has a `baseline` (nothing otherwise).
pub(super) fn section(
    _ctx: &Context,
    run: &Run,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> crate::Result<()> {
    let fs = match &run.sit.followup {
        Outcome::Skipped(_) => return Ok(()),
        Outcome::Failed(e) => {
            b.push(Block::Heading(
                "followup".into(),
                run.tr.t("followup.follow_up").into(),
            ));
            b.push(Block::Note(e.clone()));
            return Ok(());
        }
        Outcome::Done(f) => f,
    };
    let f = &fs.followup;
    b.push(Block::Heading(
        "followup".into(),
        run.tr.t("followup.follow_up").into(),
    ));
    let tr = &run.tr;
    b.push(Block::Para(format!(
        "{} {} – {}. {} {} – {}. {}",
        run.tr.t("followup.baseline"),
        tr.date(f.params.baseline.start),
        tr.date(f.params.baseline.end),
        run.tr.t("followup.followed_up"),
        tr.date(f.params.from),
        tr.date(f.params.to),
        if f.params.seasonal {
            run.tr.t("followup.expected_count_count_same")
        } else {
            run.tr.t("followup.expected_count_baseline_s")
        }
    )));
    // One sentence per zone and per priority area (all zones together).
    b.push(Block::Sub(run.tr.t("followup.latest_period_zone").into()));
    let zone_lines: Vec<String> = f
        .series
        .iter()
        .filter(|s| s.problem_area.is_none())
        .filter_map(|s| sentence(run, &zone_label(run, s), s))
        .collect();
    b.push(Block::List(zone_lines));
    b.push(Block::Sub(
        run.tr.t("followup.latest_period_problem_area").into(),
    ));
    let area_lines: Vec<String> = ProblemArea::PROMISE
        .iter()
        .filter_map(|&a| {
            let s = f.series_of(ALL_ZONES, Some(a))?;
            sentence(run, area_name(tr, a), s)
        })
        .collect();
    b.push(Block::List(area_lines));
    // Control charts: each zone and all zones, all incidents.
    for (k, s) in f
        .series
        .iter()
        .filter(|s| s.problem_area.is_none())
        .enumerate()
    {
        let title = format!(
            "{} – {}",
            zone_label(run, s),
            run.tr.t("followup.all_incidents")
        );
        let name = format!(
            "followup_control_{}",
            s.zone_index
                .map_or("all".into(), |z| format!("{:02}", z + 1))
        );
        let _ = k;
        let svg = draw(run, &name, &chart(run, f, s, title.clone()), written)?;
        b.push(Block::Figure {
            svg,
            caption: title,
        });
    }
    // Displacement.
    b.push(Block::Sub(run.tr.t("followup.displacement").into()));
    b.push(Block::Para(
        run.tr.t("followup.incidents_zone_ring_around").into(),
    ));
    let reading = |r: WdqReading| match r {
        WdqReading::DiffusionOfBenefit => run.tr.t("followup.diffusion_benefit"),
        WdqReading::Displacement => run.tr.t("followup.displacement_b"),
        WdqReading::NoBufferChange => run.tr.t("followup.no_change_ring"),
        WdqReading::Undefined => run.tr.t("followup.undefined_zone_did_not"),
    };
    let c = |v: f64| count_text(run, v as u64);
    b.push(Block::Table {
        head: vec![
            run.tr.t("followup.zone").into(),
            run.tr.t("followup.zone_before").into(),
            run.tr.t("followup.zone_after").into(),
            run.tr.t("followup.ring_before").into(),
            run.tr.t("followup.ring_after").into(),
            "WDQ".into(),
            run.tr.t("followup.reading").into(),
        ],
        rows: f
            .displacement
            .iter()
            .map(|d| {
                vec![
                    d.zone.clone(),
                    c(d.counts.zone_before),
                    c(d.counts.zone_after),
                    c(d.counts.buffer_before),
                    c(d.counts.buffer_after),
                    d.wdq
                        .wdq
                        .map(|v| tr.loc.num(v, 2))
                        .unwrap_or_else(|| "–".into()),
                    reading(d.wdq.reading).into(),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true, false],
    });
    // Dose against change.
    if let Some(dose) = &f.dose {
        b.push(Block::Sub(run.tr.t("followup.what_was_done").into()));
        let rows: Vec<Vec<String>> = f
            .zones
            .iter()
            .map(|z| {
                let ds: Vec<_> = dose.iter().filter(|d| &d.zone == z).collect();
                let short: u64 = ds.iter().map(|d| d.short_visits).sum();
                let long: u64 = ds.iter().map(|d| d.long_visits).sum();
                let minutes: f64 = ds.iter().map(|d| d.short_minutes + d.long_minutes).sum();
                let other: f64 = ds.iter().map(|d| d.other.values().sum::<f64>()).sum();
                let change = f.series_of(z, None).map(|s| {
                    let n: u64 = s.rows.iter().map(|r| r.count).sum();
                    let e: f64 = s.rows.iter().map(|r| r.expected).sum();
                    if e > 0.0 && run.sup.count(n).is_some() {
                        format!("{} %", tr.loc.num(100.0 * (n as f64 / e - 1.0), 0))
                    } else {
                        "–".into()
                    }
                });
                vec![
                    z.clone(),
                    short.to_string(),
                    long.to_string(),
                    tr.loc.num(minutes / 60.0, 1),
                    tr.loc.num(other / 60.0, 1),
                    change.unwrap_or_else(|| "–".into()),
                ]
            })
            .collect();
        b.push(Block::Table {
            head: vec![
                run.tr.t("followup.zone").into(),
                run.tr.t("followup.short_visits_min").into(),
                run.tr.t("followup.longer_presence").into(),
                run.tr.t("followup.patrol_hours").into(),
                run.tr.t("followup.other_measures_hours").into(),
                run.tr.t("followup.change_against_expected").into(),
            ],
            rows,
            numeric: vec![false, true, true, true, true, true],
        });
        if let Some((_, rej)) = &fs.patrol_rows
            && !rej.is_empty()
        {
            b.push(Block::Note(format!(
                "{} {}",
                rej.len(),
                run.tr.t("followup.rows_patrol_log_could")
            )));
        }
    }
    b.push(Block::Note(
        run.tr.t("followup.before_after_comparison_does").into(),
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::partial_note;
    use hotspot_render::{ControlPoint, Mark};

    fn point(label: &str, partial: bool) -> ControlPoint {
        ControlPoint {
            label: label.into(),
            count: Some(10.0),
            expected: 10.0,
            lower: 5.0,
            upper: 15.0,
            mark: Mark::None,
            partial,
        }
    }

    #[test]
    fn the_partial_period_note_shows_only_when_a_period_is_partial() {
        let note = "* = perioden är inte hel";
        let whole = [point("T1 2026", false), point("T2 2026", false)];
        assert_eq!(partial_note(&whole, note), "");
        let cut = [point("T1 2026", false), point("T2 2026", true)];
        assert_eq!(partial_note(&cut, note), note);
        assert_eq!(partial_note(&[], note), "");
    }
}
