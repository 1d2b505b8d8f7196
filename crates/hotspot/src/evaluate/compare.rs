//! Before/after comparison per zone, with the rest of the study area as control.
//!
//! For each zone (a patrol zone, a school zone, a hotspot) the incidents of the
//! *before* and *after* periods are counted inside the zone and in the control —
//! the rest of the study area (every incident outside the zone, within the study
//! area when one is given). Counts are compared as Poisson rates per day: the
//! exposures are the periods' lengths in days.
//!
//! See [`ZoneCounts`] for the counts, and [`compare`] for the tests.
//!
//! [`count_zones_monthly`] counts per calendar month, for the overdispersed (quasi-Poisson) intervals of
//! [`super::change`], with a control that excludes a buffer around every zone (where displaced crime
//! would go); [`MonthlyCounts::totals`] gives the period totals with that control for the exact tests.

use super::Period;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use geo::MultiPolygon;
use serde::Serialize;

/// A named zone compared before and after, in working-CRS metres: a drawn zone, a school zone or a
/// before-period top-cell zone (see `kind`). Formerly `Zone` (still reachable under that name).
#[derive(Clone, Debug)]
pub struct ComparedZone {
    /// Name shown in tables.
    pub name: String,
    /// Kind: `zone`, `school` or `hotspot` (free text, shown in tables).
    pub kind: String,
    /// The zone; boundary points count as inside.
    pub area: StudyArea,
}

/// The earlier name of [`ComparedZone`] (kept so that existing code builds).
pub type Zone = ComparedZone;

impl ComparedZone {
    /// A zone from polygons in metres.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the zone when the polygons have no area.
    pub fn new(
        name: impl Into<String>,
        kind: impl Into<String>,
        polygons: MultiPolygon<f64>,
    ) -> Result<Self> {
        let name = name.into();
        let area = StudyArea::new(polygons).ok_or_else(|| {
            Error::invalid(
                "zone",
                name.clone(),
                "the zone's polygons are empty or have no area",
            )
        })?;
        Ok(Self {
            name,
            kind: kind.into(),
            area,
        })
    }
}

/// Incidents before and after in a zone and in its control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneCounts {
    /// Zone name.
    pub name: String,
    /// Zone kind.
    pub kind: String,
    /// Zone area, km².
    pub area_km2: f64,
    /// Incidents in the zone in the before period.
    pub before: u64,
    /// Incidents in the zone in the after period.
    pub after: u64,
    /// Incidents in the control (rest of the study area) before.
    pub control_before: u64,
    /// Incidents in the control after.
    pub control_after: u64,
    /// Length of the before period, days.
    pub before_days: i64,
    /// Length of the after period, days.
    pub after_days: i64,
}

/// Counts the incidents of `before` and `after` in each zone and its control.
///
/// Incidents without a time are in neither period. With `study_area`, incidents
/// outside it count in neither zone nor control.
///
/// Complexity `O(n · z)` point-in-polygon tests (bounding-box filtered).
///
/// # Errors
/// [`Error::InvalidParameter`] when the periods overlap.
pub fn count_zones(
    incidents: &Incidents,
    before: Period,
    after: Period,
    zones: &[Zone],
    study_area: Option<&StudyArea>,
) -> Result<Vec<ZoneCounts>> {
    if before.overlaps(&after) {
        return Err(Error::invalid(
            "after",
            after,
            format!("the after period overlaps the before period {before}"),
        ));
    }
    // 0 = neither, 1 = before, 2 = after; only incidents in the study area.
    let period_of: Vec<u8> = (0..incidents.len())
        .map(|i| {
            let [x, y] = incidents.position(i);
            if study_area.is_some_and(|a| !a.contains(x, y)) {
                return 0;
            }
            match &incidents.times()[i] {
                Some(t) if before.contains(t) => 1,
                Some(t) if after.contains(t) => 2,
                _ => 0,
            }
        })
        .collect();
    let total_before = period_of.iter().filter(|&&p| p == 1).count() as u64;
    let total_after = period_of.iter().filter(|&&p| p == 2).count() as u64;
    let mut out = Vec::with_capacity(zones.len());
    for z in zones {
        let (mut b, mut a) = (0u64, 0u64);
        for (i, &p) in period_of.iter().enumerate() {
            if p == 0 {
                continue;
            }
            let [x, y] = incidents.position(i);
            if z.area.contains(x, y) {
                if p == 1 {
                    b += 1;
                } else {
                    a += 1;
                }
            }
        }
        out.push(ZoneCounts {
            name: z.name.clone(),
            kind: z.kind.clone(),
            area_km2: z.area.area_km2(),
            before: b,
            after: a,
            control_before: total_before - b,
            control_after: total_after - a,
            before_days: before.days(),
            after_days: after.days(),
        });
    }
    Ok(out)
}

/// One calendar month of a period (clipped to the period): its label, length and counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    /// Whether the month belongs to the after period.
    pub after: bool,
    /// Days of the month inside the period (the exposure).
    pub days: i64,
    /// Incidents in the zone.
    pub zone: u64,
    /// Incidents in the control.
    pub control: u64,
}

/// Monthly counts of one zone and of its control, before and after ([`count_zones_monthly`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthlyCounts {
    /// Zone name.
    pub name: String,
    /// Zone kind.
    pub kind: String,
    /// Zone area, km².
    pub area_km2: f64,
    /// Width of the buffer around every zone that the control excludes, metres.
    pub control_buffer_m: f64,
    /// The before months, then the after months, in calendar order.
    pub months: Vec<MonthCount>,
}

impl MonthlyCounts {
    /// The period totals, for the exact tests of [`crate::evaluate::compare()`] (with the buffered control).
    pub fn totals(&self) -> ZoneCounts {
        let sum = |after: bool, f: fn(&MonthCount) -> u64| -> u64 {
            self.months.iter().filter(|m| m.after == after).map(f).sum()
        };
        let days = |after: bool| -> i64 {
            self.months
                .iter()
                .filter(|m| m.after == after)
                .map(|m| m.days)
                .sum()
        };
        ZoneCounts {
            name: self.name.clone(),
            kind: self.kind.clone(),
            area_km2: self.area_km2,
            before: sum(false, |m| m.zone),
            after: sum(true, |m| m.zone),
            control_before: sum(false, |m| m.control),
            control_after: sum(true, |m| m.control),
            before_days: days(false),
            after_days: days(true),
        }
    }
}

/// The calendar months of `p`, each clipped to `p`.
fn month_bins(p: Period) -> Vec<Period> {
    use chrono::{Datelike, Months, NaiveDate};
    let mut out = Vec::new();
    let mut start = p.start;
    while start <= p.end {
        let first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
        let next = first + Months::new(1);
        let end = next.pred_opt().unwrap_or(start).min(p.end);
        out.push(Period { start, end });
        start = next;
    }
    out
}

/// Counts the incidents of every calendar month of `before` and `after` in each zone and in the control,
/// which is the study area (when given) **minus every zone and a buffer of `control_buffer_m` metres
/// around every zone**: crime displaced from a zone would go to its surroundings, and counting it as
/// control would make the zone look better than it is (Bowers, Johnson, Guerette, Summers & Poynton 2011,
/// "Spatial displacement and diffusion of benefits among geographically focused policing initiatives",
/// *J. Exp. Criminol.* 7, 347-374: catchment areas around treated places). `control_buffer_m = 0` gives
/// the control of [`count_zones`] (everything outside the zone itself) only for a single zone; with
/// several zones every zone is excluded from every control.
///
/// Months are calendar months clipped to the period (the first and last may be partial); an incident
/// belongs to the month of its local date ([`Period::contains`]). Incidents without a time are counted in
/// neither.
///
/// Complexity `O(n · z)` distance evaluations.
///
/// # Errors
/// [`Error::InvalidParameter`] when the periods overlap or the buffer is negative, not finite or above
/// 50 km.
pub fn count_zones_monthly(
    incidents: &Incidents,
    before: Period,
    after: Period,
    zones: &[Zone],
    study_area: Option<&StudyArea>,
    control_buffer_m: f64,
) -> Result<Vec<MonthlyCounts>> {
    use geo::{Distance, Euclidean, Point};
    if before.overlaps(&after) {
        return Err(Error::invalid(
            "after",
            after,
            format!("the after period overlaps the before period {before}"),
        ));
    }
    if !(control_buffer_m.is_finite() && (0.0..=50_000.0).contains(&control_buffer_m)) {
        return Err(Error::invalid(
            "control_buffer",
            control_buffer_m,
            "the buffer around the zones must be between 0 and 50000 metres (e.g. 250)",
        ));
    }
    let bins: Vec<(Period, bool)> = month_bins(before)
        .into_iter()
        .map(|m| (m, false))
        .chain(month_bins(after).into_iter().map(|m| (m, true)))
        .collect();
    // Month bin of each incident in the study area (None = in neither period).
    let bin_of: Vec<Option<usize>> = (0..incidents.len())
        .map(|i| {
            let [x, y] = incidents.position(i);
            if study_area.is_some_and(|a| !a.contains(x, y)) {
                return None;
            }
            let t = incidents.times()[i].as_ref()?;
            bins.iter().position(|(m, _)| m.contains(t))
        })
        .collect();
    // Control: farther than the buffer from every zone (boundary points of a zone are inside it).
    let in_control: Vec<bool> = (0..incidents.len())
        .map(|i| {
            if bin_of[i].is_none() {
                return false;
            }
            let [x, y] = incidents.position(i);
            zones.iter().all(|z| {
                if z.area.contains(x, y) {
                    return false;
                }
                control_buffer_m == 0.0
                    || Euclidean.distance(z.area.polygons(), &Point::new(x, y)) > control_buffer_m
            })
        })
        .collect();
    let mut control = vec![0u64; bins.len()];
    for i in 0..incidents.len() {
        if let (Some(b), true) = (bin_of[i], in_control[i]) {
            control[b] += 1;
        }
    }
    let mut out = Vec::with_capacity(zones.len());
    for z in zones {
        let mut zone = vec![0u64; bins.len()];
        for (i, b) in bin_of.iter().enumerate() {
            if let Some(b) = b {
                let [x, y] = incidents.position(i);
                if z.area.contains(x, y) {
                    zone[*b] += 1;
                }
            }
        }
        out.push(MonthlyCounts {
            name: z.name.clone(),
            kind: z.kind.clone(),
            area_km2: z.area.area_km2(),
            control_buffer_m,
            months: bins
                .iter()
                .enumerate()
                .map(|(k, (m, after))| MonthCount {
                    month: m.start.format("%Y-%m").to_string(),
                    after: *after,
                    days: m.days(),
                    zone: zone[k],
                    control: control[k],
                })
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use crate::time::{IncidentTime, TimeResolution};
    use chrono::{FixedOffset, TimeZone};
    use geo::polygon;

    fn inc(ev: &[(f64, f64, u32)]) -> Incidents {
        let off = FixedOffset::east_opt(3600).unwrap();
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (k, &(x, y, m)) in ev.iter().enumerate() {
            b.push(IncidentRecord {
                x,
                y,
                weight: 1.0,
                category: "",
                time: Some(IncidentTime::new(
                    off.with_ymd_and_hms(2025, m, 10, 0, 0, 0).unwrap(),
                    TimeResolution::Day,
                )),
                id: k.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        b.build()
    }

    fn square(x0: f64, x1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 10.0), (x: x0, y: 10.0)],
        ])
    }

    #[test]
    fn counts_zone_and_control_by_period() {
        // Zone x in [0, 10]; area x in [0, 100]. Months 1-3 before, 4-6 after.
        let data = inc(&[
            (5.0, 5.0, 1),
            (5.0, 5.0, 2),
            (10.0, 5.0, 4), // on the zone boundary: inside
            (50.0, 5.0, 1),
            (50.0, 5.0, 5),
            (50.0, 5.0, 6),
            (500.0, 5.0, 5), // outside the study area
            (5.0, 5.0, 9),   // in neither period
        ]);
        let zones = [Zone::new("A", "zone", square(0.0, 10.0)).unwrap()];
        let area = StudyArea::new(square(0.0, 100.0)).unwrap();
        let before = Period::parse("before", "2025-01..2025-03").unwrap();
        let after = Period::parse("after", "2025-04..2025-06").unwrap();
        let c = count_zones(&data, before, after, &zones, Some(&area)).unwrap();
        assert_eq!(
            (
                c[0].before,
                c[0].after,
                c[0].control_before,
                c[0].control_after
            ),
            (2, 1, 1, 2)
        );
        assert_eq!((c[0].before_days, c[0].after_days), (90, 91));
        assert!((c[0].area_km2 - 1e-4).abs() < 1e-12);
        // Without a study area the far incident is control.
        let c = count_zones(&data, before, after, &zones, None).unwrap();
        assert_eq!(c[0].control_after, 3);
        assert!(count_zones(&data, before, before, &zones, None).is_err());
        assert!(Zone::new("empty", "zone", MultiPolygon(vec![])).is_err());
    }

    #[test]
    fn monthly_counts_with_buffered_control() {
        // Zone x in [0, 10]; study area x in [0, 1000]. Before 2025-01-15..2025-03-31 (partial January),
        // after 2025-04..2025-06.
        let data = inc(&[
            (5.0, 5.0, 1),    // zone, January
            (5.0, 5.0, 2),    // zone, February
            (10.0, 5.0, 4),   // zone boundary: zone, April
            (50.0, 5.0, 3),   // 40 m from the zone: inside a 100 m buffer, not control
            (200.0, 5.0, 2),  // control
            (200.0, 5.0, 5),  // control
            (900.0, 5.0, 6),  // control
            (5000.0, 5.0, 5), // outside the study area
        ]);
        let zones = [Zone::new("A", "zone", square(0.0, 10.0)).unwrap()];
        let area = StudyArea::new(square(0.0, 1000.0)).unwrap();
        let before = Period::parse("before", "2025-01-15..2025-03-31").unwrap();
        let after = Period::parse("after", "2025-04..2025-06").unwrap();
        let m = count_zones_monthly(&data, before, after, &zones, Some(&area), 100.0).unwrap();
        let got: Vec<(&str, bool, i64, u64, u64)> = m[0]
            .months
            .iter()
            .map(|k| (k.month.as_str(), k.after, k.days, k.zone, k.control))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2025-01", false, 17, 0, 0), // the incident on the 10th is before the period
                ("2025-02", false, 28, 1, 1),
                ("2025-03", false, 31, 0, 0),
                ("2025-04", true, 30, 1, 0),
                ("2025-05", true, 31, 0, 1),
                ("2025-06", true, 30, 0, 1),
            ]
        );
        // Without the buffer the incident 40 m away is control.
        let m0 = count_zones_monthly(&data, before, after, &zones, Some(&area), 0.0).unwrap();
        assert_eq!(m0[0].totals().control_before, 2);
        let after_jan = Period::parse("before", "2025-01..2025-03").unwrap();
        let m1 = count_zones_monthly(&data, after_jan, after, &zones, Some(&area), 0.0).unwrap();
        let t = m1[0].totals();
        assert_eq!(
            (t.before, t.control_before, t.after, t.control_after),
            (2, 2, 1, 2)
        );
        // Agrees with count_zones for one zone and no buffer.
        let c = count_zones(&data, after_jan, after, &zones, Some(&area)).unwrap();
        assert_eq!(c[0], t);
        assert!(count_zones_monthly(&data, before, after, &zones, Some(&area), -1.0).is_err());
        assert!(count_zones_monthly(&data, before, before, &zones, None, 0.0).is_err());
    }
}
