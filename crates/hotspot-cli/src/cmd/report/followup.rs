//! The report's follow-up section ("Uppföljning"): the latest period of each zone and priority
//! area against the baseline in one sentence, control charts, displacement (WDQ), the patrol dose
//! and a plain note on what a before/after can show. The figures come from
//! `hotspot::situation::extra::followup`; this file only words and draws them.

use super::html::Block;
use super::{Run, Written, area_name, config::Lang, count_text};
use crate::common::Context;
use anyhow::Context as _;
use hotspot::categories::ProblemArea;
use hotspot::followup::{ALL_ZONES, Followup, Series, Signal, WdqReading};
use hotspot::situation::Outcome;
use hotspot_render::{ControlChart, ControlLegend, Size};

/// Swedish or English by the report's language.
fn l(run: &Run, sv: &'static str, en: &'static str) -> &'static str {
    match run.s.lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// `2026-T2` -> `T2 2026`; months and quarters as written.
fn period_label(p: &str) -> String {
    match p.split_once('-') {
        Some((y, t)) if t.starts_with('T') || t.starts_with('Q') => format!("{t} {y}"),
        _ => p.to_string(),
    }
}

fn signal_word(run: &Run, s: Signal) -> &'static str {
    match s {
        Signal::Lower => l(run, "färre", "fewer"),
        Signal::Higher => l(run, "fler", "more"),
        Signal::None => l(run, "inom normal variation", "within normal variation"),
    }
}

fn zone_label(run: &Run, s: &Series) -> String {
    if s.zone == ALL_ZONES {
        l(run, "Alla zoner", "All zones").to_string()
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
        l(run, "händelser i", "incidents in"),
        period_label(&r.period),
        l(run, "mot förväntat", "against an expected"),
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
        t.push_str(l(
            run,
            " (perioden är inte hel)",
            " (the period is not complete)",
        ));
    }
    Some(t)
}

fn chart(run: &Run, f: &Followup, s: &Series, title: String) -> ControlChart {
    let (points, baseline_mean) =
        crate::common::control_points(f, s, |c| run.sup.count(c), period_label);
    ControlChart {
        title,
        points,
        baseline_mean,
        legend: ControlLegend {
            count: l(run, "händelser", "incidents").into(),
            band: l(run, "normal variation (95 %)", "normal variation (95 %)").into(),
            expected: l(run, "förväntat", "expected").into(),
            baseline_mean: l(run, "basperiodens medel", "baseline mean").into(),
            lower: l(run, "färre än normalt", "fewer than normal").into(),
            higher: l(run, "fler än normalt", "more than normal").into(),
        },
        y_label: l(run, "händelser per period", "incidents per period").into(),
        note: l(
            run,
            "* = perioden är inte hel; förväntat antal räknat på de dagar som finns.",
            "* = period not complete; expected count for the days covered.",
        )
        .into(),
        locale: run.tr.loc,
    }
}

fn draw(run: &Run, name: &str, c: &ControlChart, written: &mut Written) -> anyhow::Result<String> {
    let out = &run.s.out;
    let svg = c.render_svg(Size::CHART_SCREEN)?;
    let p = out.join("maps").join(format!("{name}.svg"));
    hotspot::output::write_atomic(&p, &svg)
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(out, &p);
    let p = out.join("maps").join(format!("{name}.png"));
    c.render_png(Size::CHART_SCREEN, &p)?;
    written.add(out, &p);
    Ok(svg)
}

/// Adds the section when the config has a `baseline` (nothing otherwise).
pub(super) fn section(
    _ctx: &Context,
    run: &Run,
    b: &mut Vec<Block>,
    written: &mut Written,
) -> anyhow::Result<()> {
    let fs = match &run.sit.followup {
        Outcome::Skipped(_) => return Ok(()),
        Outcome::Failed(e) => {
            b.push(Block::Heading(
                "followup".into(),
                l(run, "Uppföljning", "Follow-up").into(),
            ));
            b.push(Block::Note(e.clone()));
            return Ok(());
        }
        Outcome::Done(f) => f,
    };
    let f = &fs.followup;
    b.push(Block::Heading(
        "followup".into(),
        l(run, "Uppföljning", "Follow-up").into(),
    ));
    let tr = &run.tr;
    b.push(Block::Para(format!(
        "{} {} – {}. {} {} – {}. {}",
        l(run, "Basperiod:", "Baseline:"),
        tr.date(f.params.baseline.start),
        tr.date(f.params.baseline.end),
        l(run, "Uppföljning:", "Followed up:"),
        tr.date(f.params.from),
        tr.date(f.params.to),
        if f.params.seasonal {
            l(
                run,
                "Förväntat antal är antalet under samma del av basåret. Gränserna för normal variation är ett 95-procentsintervall för en negativ binomialfördelning med spridningen skattad ur basperiodens månadsantal (kvasi-Poisson; McCullagh & Nelder 1989).",
                "The expected count is the count in the same part of the baseline year. The limits of normal variation are a 95 % negative binomial interval with the dispersion estimated from the baseline's monthly counts (quasi-Poisson; McCullagh & Nelder 1989).",
            )
        } else {
            l(
                run,
                "Förväntat antal är basperiodens takt per dag gånger periodens dagar. Gränserna för normal variation är ett 95-procentsintervall för en negativ binomialfördelning med spridningen skattad ur basperiodens månadsantal (kvasi-Poisson; McCullagh & Nelder 1989).",
                "The expected count is the baseline's rate per day times the period's days. The limits of normal variation are a 95 % negative binomial interval with the dispersion estimated from the baseline's monthly counts (quasi-Poisson; McCullagh & Nelder 1989).",
            )
        }
    )));
    // One sentence per zone and per priority area (all zones together).
    b.push(Block::Sub(
        l(run, "Senaste perioden per zon", "Latest period by zone").into(),
    ));
    let zone_lines: Vec<String> = f
        .series
        .iter()
        .filter(|s| s.problem_area.is_none())
        .filter_map(|s| sentence(run, &zone_label(run, s), s))
        .collect();
    b.push(Block::List(zone_lines));
    b.push(Block::Sub(
        l(
            run,
            "Senaste perioden per problemområde (alla zoner)",
            "Latest period by problem area (all zones)",
        )
        .into(),
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
            l(run, "alla händelser", "all incidents")
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
    b.push(Block::Sub(l(run, "Förflyttning", "Displacement").into()));
    b.push(Block::Para(
        l(
            run,
            "Antal händelser i zonen, i en ring runt den och i resten av kommunen (kontroll) under basperioden och uppföljningen. WDQ (Bowers & Johnson 2003) över 0 betyder att också ringen förbättrades (spridning av nytta), under 0 att problemen kan ha flyttat dit; den saknas när zonen inte förbättrades mot kontrollen.",
            "Incidents in the zone, in a ring around it and in the rest of the area (control) in the baseline and the follow-up. A WDQ (Bowers & Johnson 2003) above 0 means the ring improved too (diffusion of benefit), below 0 that problems may have moved there; it is undefined when the zone did not improve against the control.",
        )
        .into(),
    ));
    let reading = |r: WdqReading| match r {
        WdqReading::DiffusionOfBenefit => l(run, "spridning av nytta", "diffusion of benefit"),
        WdqReading::Displacement => l(run, "förflyttning", "displacement"),
        WdqReading::NoBufferChange => l(run, "ingen förändring i ringen", "no change in the ring"),
        WdqReading::Undefined => l(
            run,
            "ej definierad: zonen förbättrades inte",
            "undefined: the zone did not improve",
        ),
    };
    let c = |v: f64| count_text(run, v as u64);
    b.push(Block::Table {
        head: vec![
            l(run, "Zon", "Zone").into(),
            l(run, "Zon före", "Zone before").into(),
            l(run, "Zon efter", "Zone after").into(),
            l(run, "Ring före", "Ring before").into(),
            l(run, "Ring efter", "Ring after").into(),
            "WDQ".into(),
            l(run, "Tolkning", "Reading").into(),
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
        b.push(Block::Sub(
            l(run, "Genomförda insatser", "What was done").into(),
        ));
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
                l(run, "Zon", "Zone").into(),
                l(run, "Korta besök (≤ 15 min)", "Short visits (≤ 15 min)").into(),
                l(run, "Längre närvaro", "Longer presence").into(),
                l(run, "Patrulltimmar", "Patrol hours").into(),
                l(run, "Andra insatser, timmar", "Other measures, hours").into(),
                l(run, "Förändring mot förväntat", "Change against expected").into(),
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
                l(
                    run,
                    "rader i insatsloggen kunde inte läsas och är inte med.",
                    "rows of the patrol log could not be read and are left out."
                )
            )));
        }
    }
    b.push(Block::Note(
        l(
            run,
            "En jämförelse före och efter visar inte att insatserna orsakat förändringen: en nedgång kan vara återgång mot medelvärdet efter ett ovanligt år, ändrad anmälningsbenägenhet eller en trend i hela kommunen. Kontrollområdet och WDQ gör bilden säkrare men bevisar ingen effekt.",
            "A before/after comparison does not show that the measures caused the change: a drop may be regression to the mean after an unusual year, a change in reporting, or a town-wide trend. The control area and the WDQ make the picture firmer but prove no effect.",
        )
        .into(),
    ));
    Ok(())
}
