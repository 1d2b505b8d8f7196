//! The report's area at risk and bandwidth choice in words: the sentences of the hotspot, Gi* and method texts that say what each figure compares with.

use super::Run;
use super::i18n::Tr;
use hotspot::area_at_risk::AreaAtRiskSummary;
use hotspot::density::BandwidthReport;

/// How the bandwidth was chosen, one sentence: fixed, the ArcGIS rule, or the cross-validated
/// choice with its candidates and score (or why it fell back to the rule).
pub fn bandwidth_text(tr: &Tr, bw: &BandwidthReport) -> String {
    let b = tr.loc.num(bw.bandwidth_m, 0);
    match (&bw.selection, bw.method) {
        (_, "fixed") => tr.fmt("bw.fixed", &[("b", &b)]),
        (Some(sel), _) if sel.chosen_m.is_some() => {
            let best = sel
                .candidates
                .iter()
                .find(|c| Some(c.bandwidth_m) == sel.chosen_m);
            let lo = sel.candidates.first().map_or(0.0, |c| c.bandwidth_m);
            let hi = sel.candidates.last().map_or(0.0, |c| c.bandwidth_m);
            tr.fmt(
                "bw.predictive",
                &[
                    ("b", &b),
                    ("k", &sel.candidates.len().to_string()),
                    ("lo", &tr.loc.num(lo, 0)),
                    ("hi", &tr.loc.num(hi, 0)),
                    ("f", &sel.folds.len().to_string()),
                    ("p", &tr.loc.num(sel.options.coverage_pct, 0)),
                    ("pai", &tr.loc.num(best.map_or(0.0, |c| c.mean_pai), 1)),
                    (
                        "scores",
                        &sel.candidates
                            .iter()
                            .map(|c| {
                                format!(
                                    "{} m: {}",
                                    tr.loc.num(c.bandwidth_m, 0),
                                    tr.loc.num(c.mean_pai, 1)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ],
            )
        }
        (Some(sel), _) => tr.fmt(
            "bw.fallback",
            &[("b", &b), ("why", sel.fallback.as_deref().unwrap_or(""))],
        ),
        (None, _) => tr.fmt("bw.arcgis", &[("b", &b)]),
    }
}

/// What the hotspot threshold or Gi* compares with, one sentence.
pub fn reference_text(run: &Run, area: Option<&AreaAtRiskSummary>) -> String {
    let tr = &run.tr;
    match area {
        Some(a) => {
            let mut parts = vec![tr.t("area.study").to_string()];
            if a.water_cells > 0 || run.s.water.is_some() {
                parts.push(tr.t("area.minus_water").into());
            }
            if run.s.at_risk.is_some() {
                parts.push(tr.t("area.in_polygons").into());
            }
            if let Some(m) = a.from_incidents_m {
                parts.push(tr.fmt("area.near", &[("m", &tr.loc.num(m, 0))]));
            }
            tr.fmt(
                "area.text",
                &[
                    ("what", &parts.join(", ")),
                    ("km2", &tr.loc.num(a.area_km2, 1)),
                    ("of", &tr.loc.num(a.grid_km2, 1)),
                ],
            )
        }
        None => tr.t("area.positive").into(),
    }
}
