//! Names for the results of the situation, and the recommendations the report leads with.
//!
//! [`name_results`] names every patrol zone, hotspot, cluster and school of a [`Situation`] after the
//! nearest named place of the basemap within a distance (default 150 m), else the nearest named road,
//! else "nära PLACE (N m)" ([`crate::basemap::Namer`]). [`Situation::recommendations`] turns the patrol
//! plan into one [`Recommendation`] per zone (where, which days, which hours, which problem areas and
//! the evidence in one line); [`school_concerns`] lists the schools whose zone shows more incidents
//! than the rest of the study area.

use super::{Outcome, Situation, school_ranking};
use crate::basemap::{Basemap, NameLang, Namer, PlaceName};
use crate::error::Result;
use serde::Serialize;

/// The name of each result, index for index with the result lists of the [`Situation`]; empty lists
/// when no basemap with places or named roads was given.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Names {
    /// One per patrol zone (`patrol.zones`).
    pub patrol: Vec<Option<PlaceName>>,
    /// One per hotspot (`density.hotspots.hotspots`), named at the peak cell's hotspot centroid.
    pub hotspots: Vec<Option<PlaceName>>,
    /// One per cluster (`clusters.clusters`), named at its centroid.
    pub clusters: Vec<Option<PlaceName>>,
    /// One per school (`schools`), named at the school's location.
    pub schools: Vec<Option<PlaceName>>,
}

impl Names {
    /// The place name of patrol zone `k` (0-based), if named.
    pub fn patrol(&self, k: usize) -> Option<&str> {
        self.patrol
            .get(k)
            .and_then(|n| n.as_ref())
            .map(|n| n.name.as_str())
    }

    /// The place name of hotspot `k` (0-based), if named.
    pub fn hotspot(&self, k: usize) -> Option<&str> {
        self.hotspots
            .get(k)
            .and_then(|n| n.as_ref())
            .map(|n| n.name.as_str())
    }

    /// The place name of cluster `k` (0-based), if named.
    pub fn cluster(&self, k: usize) -> Option<&str> {
        self.clusters
            .get(k)
            .and_then(|n| n.as_ref())
            .map(|n| n.name.as_str())
    }

    /// The place name of school `k` (0-based), if named.
    pub fn school(&self, k: usize) -> Option<&str> {
        self.schools
            .get(k)
            .and_then(|n| n.as_ref())
            .map(|n| n.name.as_str())
    }
}

/// Names every result of `sit` after `basemap` within `within_m` metres (see the module docs).
///
/// # Errors
/// [`crate::Error::InvalidParameter`] when `within_m` is not finite and >= 0.
pub fn name_results(
    sit: &Situation,
    basemap: &Basemap,
    within_m: f64,
    lang: NameLang,
) -> Result<Names> {
    let namer = Namer::new(basemap, within_m, lang)?;
    if namer.is_empty() {
        return Ok(Names::default());
    }
    let patrol = match &sit.patrol {
        Outcome::Done(p) => p.zones.iter().map(|z| namer.name(z.centre)).collect(),
        _ => Vec::new(),
    };
    let hotspots = match &sit.density {
        Outcome::Done(d) => d
            .hotspots
            .hotspots
            .iter()
            .map(|h| centroid(&h.geometry).and_then(|c| namer.name(c)))
            .collect(),
        _ => Vec::new(),
    };
    let clusters = match &sit.clusters {
        Outcome::Done(c) => c
            .clusters
            .iter()
            .map(|c| namer.name(c.summary.centroid))
            .collect(),
        _ => Vec::new(),
    };
    let schools = sit
        .schools
        .iter()
        .map(|s| namer.name(s.location()))
        .collect();
    Ok(Names {
        patrol,
        hotspots,
        clusters,
        schools,
    })
}

fn centroid(g: &geo::MultiPolygon<f64>) -> Option<[f64; 2]> {
    use geo::Centroid;
    g.centroid().map(|p| [p.x(), p.y()])
}

/// Weekday short names (Monday = 0) as written in `summary.json`.
pub const WEEKDAY_IDS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Patrol hours as written everywhere (tables, badges, text, `summary.json`): merged windows
/// `(start, length)` as `16–24`, `21–03`, `00–24`, joined by `, `; an end at midnight is `24`.
pub fn hours_text(merged: &[(u32, u32)]) -> String {
    merged
        .iter()
        .map(|&(s, l)| {
            let end = (s + l) % 24;
            let end = if end == 0 { 24 } else { end };
            format!("{s:02}–{end:02}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One recommended patrol zone, as the report's first section and `summary.json`'s
/// `recommendations` state it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommendation {
    /// 1 = the zone chosen first.
    pub rank: usize,
    /// The place name ([`Names::patrol`]); `None` without a basemap.
    pub place: Option<String>,
    /// Centre `[x, y]` in working-CRS metres.
    #[serde(skip)]
    pub centre: [f64; 2],
    /// The weekdays with most weight, most first (Monday = 0), as in the patrol table.
    #[serde(skip)]
    pub day_index: Vec<usize>,
    /// The same as [`WEEKDAY_IDS`] names.
    pub days: Vec<&'static str>,
    /// Patrol hours ([`hours_text`]).
    pub hours: String,
    /// The main problem areas by harm inside the zone (ids), largest first: those with at least
    /// a quarter of the zone's harm, at least the largest one.
    pub problem_areas: Vec<String>,
    /// Harm inside the zone.
    pub harm: f64,
    /// Incidents inside (`None` when suppressed in public mode).
    pub incidents: Option<u64>,
    /// True when the zone's weekdays do not differ from the area's (Holm-corrected test,
    /// [`crate::patrol::profile`]): `days` is then empty and the zone reads "every day" ("alla dagar").
    pub any_day: bool,
    /// Hit rate on the held-out months of the zone chosen at this place on the training months only
    /// (`None` when the plan was not scored out of sample or no training zone lies here).
    pub holdout_hit_rate: Option<f64>,
    /// Its PAI on the held-out months (Chainey, Tompson & Uhlig 2008).
    pub holdout_pai: Option<f64>,
    /// The evidence in one line (English, for `summary.json`; the report words its own).
    pub evidence: String,
}

/// Harm by problem area of the members of a patrol zone, largest first (ties by area order).
pub fn zone_harm_by_area(
    plan: &crate::patrol::PatrolPlan,
    members: &[usize],
) -> Vec<(String, f64)> {
    let names = plan.areas.names();
    let mut h = vec![0.0; names.len()];
    for &m in members {
        if let (Some(&a), Some(&w)) = (plan.areas.area_of().get(m), plan.areas.harm().get(m))
            && let Some(s) = h.get_mut(a)
        {
            *s += w;
        }
    }
    let mut out: Vec<(String, f64)> = names
        .iter()
        .cloned()
        .zip(h)
        .filter(|(_, v)| *v > 0.0)
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The main problem areas of a harm breakdown: those with at least 25 % of the total, and always the
/// largest.
pub fn main_areas(by_harm: &[(String, f64)]) -> Vec<String> {
    let total: f64 = by_harm.iter().map(|x| x.1).sum();
    by_harm
        .iter()
        .enumerate()
        .filter(|(k, (_, v))| *k == 0 || *v >= 0.25 * total)
        .map(|(_, (n, _))| n.clone())
        .collect()
}

impl Situation {
    /// One recommendation per patrol zone, in rank order (empty when the plan did not run).
    pub fn recommendations(&self) -> Vec<Recommendation> {
        let Outcome::Done(p) = &self.patrol else {
            return Vec::new();
        };
        let held = |k: usize| p.holdout.scored().and_then(|h| h.zone_held_out(k));
        p.zones
            .iter()
            .enumerate()
            .map(|(k, z)| {
                let by = zone_harm_by_area(p, &z.members);
                let incidents = self.count(z.incidents as u64);
                let mut evidence = match incidents {
                    Some(n) => format!(
                        "{n} incidents, harm {:.0}, {:.1} % of the harm analysed",
                        z.harm,
                        100.0 * z.harm / p.total_harm.max(f64::MIN_POSITIVE)
                    ),
                    None => format!("few incidents, harm {:.0}", z.harm),
                };
                if let Some(h) = held(k).filter(|s| s.hit_rate.is_finite()) {
                    evidence.push_str(&format!(
                        "; held-out months: {:.1} % of their incidents here (PAI {:.0})",
                        100.0 * h.hit_rate,
                        h.pai
                    ));
                }
                Recommendation {
                    rank: z.rank,
                    place: self.names.patrol(k).map(str::to_string),
                    centre: z.centre,
                    day_index: week_order(&z.top_days),
                    days: week_order(&z.top_days)
                        .iter()
                        .filter_map(|d| WEEKDAY_IDS.get(*d).copied())
                        .collect(),
                    hours: hours_text(&z.windows.merged()),
                    problem_areas: main_areas(&by),
                    harm: z.harm,
                    incidents,
                    any_day: z.top_days.is_empty(),
                    holdout_hit_rate: held(k).map(|s| s.hit_rate).filter(|v| v.is_finite()),
                    holdout_pai: held(k).map(|s| s.pai).filter(|v| v.is_finite()),
                    evidence,
                }
            })
            .collect()
    }

    /// `summary.json`'s `recommendations`.
    pub fn recommendations_value(&self) -> serde_json::Value {
        serde_json::to_value(self.recommendations()).unwrap_or(serde_json::Value::Null)
    }
}

/// The main problem area of cluster `k` (0-based) of the situation: the area with most harm among
/// its members (ties to the earlier area in [`crate::categories::ProblemArea::ALL`]); `None` when the
/// clusters did not run or the cluster has no members.
pub fn cluster_main_area(sit: &Situation, k: usize) -> Option<crate::categories::ProblemArea> {
    let c = sit.clusters.done()?.clusters.get(k)?;
    let areas = sit.classification.areas();
    let harms = sit.classification.harms();
    let mut h = [0.0f64; 6];
    for &m in &c.members {
        if let (Some(a), Some(w)) = (areas.get(m), harms.get(m)) {
            h[a.index() % 6] += w;
        }
    }
    let best = (0..6).fold(None::<usize>, |b, i| match b {
        Some(j) if h[j] >= h[i] => Some(j),
        _ if h[i] > 0.0 => Some(i),
        b => b,
    })?;
    crate::categories::ProblemArea::ALL.get(best).copied()
}

/// Weekday indices (0 = Monday) in week order, as a reader expects them written ("fre, lör,
/// sön"), whatever order the plan ranked them in.
pub fn week_order(days: &[usize]) -> Vec<usize> {
    let mut d = days.to_vec();
    d.sort_unstable();
    d.dedup();
    d
}

/// The schools whose zone shows a concern, as indices into [`Situation::schools`], in rank order.
///
/// A school is a concern when the controlled comparison ([`crate::schools::controlled()`]) flags it
/// `higher` for at least one problem area: more incidents of that problem area than zones of the
/// same radius at comparable places (Holm-adjusted placebo test), not merely more than the
/// municipality's average. Its count must be shown (public mode). Without the controlled
/// comparison no school is called a concern.
pub fn school_concerns(sit: &Situation) -> Vec<usize> {
    let Outcome::Done(rep) = &sit.schools_report else {
        return Vec::new();
    };
    let Some(ctl) = &rep.controlled else {
        return Vec::new();
    };
    school_ranking(rep)
        .into_iter()
        .filter(|r| sit.count(r.incidents).is_some())
        .filter(|r| {
            ctl.rows.iter().any(|c| {
                c.school == r.school
                    && c.problem_area.is_some()
                    && c.flag == crate::schools::controlled::Flag::Higher
            })
        })
        .map(|r| r.school)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_written_with_en_dash_and_24_at_midnight() {
        assert_eq!(hours_text(&[(16, 8)]), "16–24");
        assert_eq!(hours_text(&[(21, 6)]), "21–03");
        assert_eq!(hours_text(&[(0, 24)]), "00–24");
        assert_eq!(hours_text(&[(8, 2), (18, 4)]), "08–10, 18–22");
        assert_eq!(hours_text(&[]), "");
    }

    #[test]
    fn main_areas_keep_the_largest_and_those_over_a_quarter() {
        let by = vec![
            ("violence".to_string(), 60.0),
            ("vandalism".to_string(), 30.0),
            ("traffic".to_string(), 10.0),
        ];
        assert_eq!(main_areas(&by), vec!["violence", "vandalism"]);
        let one = vec![("a".to_string(), 10.0), ("b".to_string(), 2.0)];
        assert_eq!(main_areas(&one), vec!["a"]);
        assert!(main_areas(&[]).is_empty());
    }
}
