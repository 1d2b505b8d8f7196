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
//!
//! # Incidents with a from/to interval
//! An interval incident belongs to a period (or month) by the share of its interval inside it
//! ([`Period::share`], local midnights in the zone `tz` the times were read in): the counts are
//! aoristic counts (Ratcliffe 2002, "Aoristic signatures and the spatio-temporal analysis of high
//! volume crime patterns", *J. Quant. Criminol.* 18, 23-43), the expected number of incidents in the
//! period when the true time is uniform over the interval. They are kept as `f64` in
//! [`AoristicCounts`] and [`MonthCount::zone_aoristic`].
//!
//! The exact tests of [`super::compare()`] (conditional binomial, Fisher's exact) are defined for
//! integer Poisson counts, so they run on each aoristic count **rounded to the nearest integer**
//! (halves away from zero; each count moves by at most 0.5), which are the integer fields of
//! [`ZoneCounts`]. The number of incidents split between periods (or months) is recorded
//! ([`AoristicCounts::split_intervals`]): every count lies between its whole-incident part and that
//! plus the split incidents, so a reader can see when a p-value could hinge on them. The quasi-Poisson
//! intervals of [`super::quasi_poisson_change`] use the aoristic monthly counts unrounded: a
//! quasi-likelihood needs only the mean-variance relation, not integer responses (Wedderburn 1974;
//! McCullagh & Nelder 1989, §9.2). Without intervals (or when no interval crosses a period's edge)
//! every share is 0 or 1, the optional fields are `None` and the counts are the plain counts.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::period::Period;
use crate::study_area::StudyArea;
use chrono_tz::Tz;
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
    /// The aoristic counts, when an interval incident is split between periods (or months); the
    /// integer counts above are then these rounded to the nearest integer (see the module doc).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aoristic: Option<AoristicCounts>,
}

/// Counts in which every interval incident counts by its share of the period (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AoristicCounts {
    /// Zone, before.
    pub before: f64,
    /// Zone, after.
    pub after: f64,
    /// Control, before.
    pub control_before: f64,
    /// Control, after.
    pub control_after: f64,
    /// Interval incidents (in the study area) split between periods or months: a share strictly
    /// between 0 and 1 in one of them.
    pub split_intervals: u64,
}

/// The count used by the exact tests for an aoristic count: the nearest integer (halves away from zero).
pub fn tested_count(x: f64) -> u64 {
    x.max(0.0).round() as u64
}

fn is_fraction(s: f64) -> bool {
    s > 0.0 && s < 1.0
}

/// Counts the incidents of `before` and `after` in each zone and its control.
///
/// Incidents without a time are in neither period. With `study_area`, incidents
/// outside it count in neither zone nor control. An interval incident counts in each period by its
/// share there (days in the local dates of `tz`; see the module doc for the exact tests' integers).
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
    tz: Tz,
) -> Result<Vec<ZoneCounts>> {
    if before.overlaps(&after) {
        return Err(Error::invalid(
            "after",
            after,
            format!("the after period overlaps the before period {before}"),
        ));
    }
    // Shares in before and after; only incidents in the study area.
    let in_area: Vec<bool> = (0..incidents.len())
        .map(|i| {
            let [x, y] = incidents.position(i);
            study_area.is_none_or(|a| a.contains(x, y))
        })
        .collect();
    let masked = |p: Period| -> Vec<f64> {
        let mut v = p.shares(incidents, tz);
        for (s, &a) in v.iter_mut().zip(&in_area) {
            if !a {
                *s = 0.0;
            }
        }
        v
    };
    let (sb, sa) = (masked(before), masked(after));
    let split = (0..incidents.len())
        .filter(|&i| is_fraction(sb[i]) || is_fraction(sa[i]))
        .count() as u64;
    let total_before: f64 = sb.iter().sum();
    let total_after: f64 = sa.iter().sum();
    let mut out = Vec::with_capacity(zones.len());
    for z in zones {
        let (mut b, mut a) = (0.0f64, 0.0f64);
        for i in 0..incidents.len() {
            if sb[i] == 0.0 && sa[i] == 0.0 {
                continue;
            }
            let [x, y] = incidents.position(i);
            if z.area.contains(x, y) {
                b += sb[i];
                a += sa[i];
            }
        }
        let aoristic = AoristicCounts {
            before: b,
            after: a,
            control_before: total_before - b,
            control_after: total_after - a,
            split_intervals: split,
        };
        out.push(ZoneCounts {
            name: z.name.clone(),
            kind: z.kind.clone(),
            area_km2: z.area.area_km2(),
            before: tested_count(b),
            after: tested_count(a),
            control_before: tested_count(aoristic.control_before),
            control_after: tested_count(aoristic.control_after),
            before_days: before.days(),
            after_days: after.days(),
            aoristic: (split > 0).then_some(aoristic),
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
    /// The zone's aoristic count (interval incidents by their share of the month), when an interval
    /// incident is split between months; `zone` is then this rounded (see the module doc).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_aoristic: Option<f64>,
    /// The control's aoristic count, as `zone_aoristic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_aoristic: Option<f64>,
}

impl MonthCount {
    /// The zone's count as the quasi-Poisson fit uses it: the aoristic count when there is one.
    pub fn zone_value(&self) -> f64 {
        self.zone_aoristic.unwrap_or(self.zone as f64)
    }

    /// The control's count as the quasi-Poisson fit uses it: the aoristic count when there is one.
    pub fn control_value(&self) -> f64 {
        self.control_aoristic.unwrap_or(self.control as f64)
    }
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
    /// Interval incidents (in the study area) split between months: a share strictly between 0 and 1
    /// in one of them (0 without intervals).
    #[serde(skip_serializing_if = "is_zero")]
    pub split_intervals: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl MonthlyCounts {
    /// The period totals, for the exact tests of [`crate::evaluate::compare()`] (with the buffered control).
    /// With aoristic monthly counts the totals are their sums, and the integer counts those sums
    /// rounded (not sums of rounded months).
    pub fn totals(&self) -> ZoneCounts {
        let sum = |after: bool, f: fn(&MonthCount) -> f64| -> f64 {
            self.months.iter().filter(|m| m.after == after).map(f).sum()
        };
        let days = |after: bool| -> i64 {
            self.months
                .iter()
                .filter(|m| m.after == after)
                .map(|m| m.days)
                .sum()
        };
        let aoristic = AoristicCounts {
            before: sum(false, MonthCount::zone_value),
            after: sum(true, MonthCount::zone_value),
            control_before: sum(false, MonthCount::control_value),
            control_after: sum(true, MonthCount::control_value),
            split_intervals: self.split_intervals,
        };
        ZoneCounts {
            name: self.name.clone(),
            kind: self.kind.clone(),
            area_km2: self.area_km2,
            before: tested_count(aoristic.before),
            after: tested_count(aoristic.after),
            control_before: tested_count(aoristic.control_before),
            control_after: tested_count(aoristic.control_after),
            before_days: days(false),
            after_days: days(true),
            aoristic: (self.split_intervals > 0).then_some(aoristic),
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
/// with an exact time belongs to the month of its local date ([`Period::contains`]), an interval
/// incident to each month by its share there (local midnights in `tz`; see the module doc). Incidents
/// without a time are counted in neither.
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
    tz: Tz,
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
    // Shares of each incident in the study area in each month bin, as (bin, share) with share > 0.
    let in_area: Vec<bool> = (0..incidents.len())
        .map(|i| {
            let [x, y] = incidents.position(i);
            study_area.is_none_or(|a| a.contains(x, y))
        })
        .collect();
    let mut parts: Vec<Vec<(usize, f64)>> = vec![Vec::new(); incidents.len()];
    for (k, (m, _)) in bins.iter().enumerate() {
        for (i, s) in m.shares(incidents, tz).into_iter().enumerate() {
            if s > 0.0 && in_area[i] {
                parts[i].push((k, s));
            }
        }
    }
    let split = parts
        .iter()
        .filter(|p| p.iter().any(|&(_, s)| is_fraction(s)))
        .count() as u64;
    let bin_of: Vec<Option<usize>> = parts.iter().map(|p| p.first().map(|b| b.0)).collect();
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
    let mut control = vec![0.0f64; bins.len()];
    for i in 0..incidents.len() {
        if in_control[i] {
            for &(b, s) in &parts[i] {
                control[b] += s;
            }
        }
    }
    let mut out = Vec::with_capacity(zones.len());
    for z in zones {
        let mut zone = vec![0.0f64; bins.len()];
        for (i, b) in bin_of.iter().enumerate() {
            if b.is_some() {
                let [x, y] = incidents.position(i);
                if z.area.contains(x, y) {
                    for &(b, s) in &parts[i] {
                        zone[b] += s;
                    }
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
                    zone: tested_count(zone[k]),
                    control: tested_count(control[k]),
                    zone_aoristic: (split > 0).then_some(zone[k]),
                    control_aoristic: (split > 0).then_some(control[k]),
                })
                .collect(),
            split_intervals: split,
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
    use chrono_tz::Europe::Stockholm;
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
        let c = count_zones(&data, before, after, &zones, Some(&area), Stockholm).unwrap();
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
        let c = count_zones(&data, before, after, &zones, None, Stockholm).unwrap();
        assert_eq!(c[0].control_after, 3);
        assert!(count_zones(&data, before, before, &zones, None, Stockholm).is_err());
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
        let m = count_zones_monthly(&data, before, after, &zones, Some(&area), 100.0, Stockholm)
            .unwrap();
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
        let m0 =
            count_zones_monthly(&data, before, after, &zones, Some(&area), 0.0, Stockholm).unwrap();
        assert_eq!(m0[0].totals().control_before, 2);
        let after_jan = Period::parse("before", "2025-01..2025-03").unwrap();
        let m1 = count_zones_monthly(&data, after_jan, after, &zones, Some(&area), 0.0, Stockholm)
            .unwrap();
        let t = m1[0].totals();
        assert_eq!(
            (t.before, t.control_before, t.after, t.control_after),
            (2, 2, 1, 2)
        );
        // Agrees with count_zones for one zone and no buffer.
        let c = count_zones(&data, after_jan, after, &zones, Some(&area), Stockholm).unwrap();
        assert_eq!(c[0], t);
        assert!(
            count_zones_monthly(&data, before, after, &zones, Some(&area), -1.0, Stockholm)
                .is_err()
        );
        assert!(count_zones_monthly(&data, before, before, &zones, None, 0.0, Stockholm).is_err());
    }

    /// Incidents at `(x, 5)` from `(x, from, to)` texts read in Stockholm time (`to` empty: exact).
    fn intervals(rows: &[(f64, &str, &str)]) -> Incidents {
        use crate::ingest::{interval_len, parse_time};
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (k, &(x, from, to)) in rows.iter().enumerate() {
            let t = parse_time(from, Stockholm).unwrap();
            let len = if to.is_empty() {
                0
            } else {
                interval_len(&t, &parse_time(to, Stockholm).unwrap(), Stockholm).unwrap()
            };
            b.push_interval(
                IncidentRecord {
                    x,
                    y: 5.0,
                    weight: 1.0,
                    category: "",
                    time: Some(t),
                    id: k.to_string(),
                    lonlat: None,
                },
                len,
            )
            .unwrap();
        }
        b.build()
    }

    #[test]
    fn interval_incidents_count_by_their_share_of_each_period() {
        let data = intervals(&[
            (5.0, "2025-03-14 16:00", "2025-03-17 07:00"), // zone: 56/63 before, 7/63 after
            (5.0, "2025-03-18 10:00", ""),                 // zone, after
            (50.0, "2025-03-16 12:00", "2025-03-17 12:00"), // control: half and half
            (50.0, "2025-03-12 10:00", ""),                // control, before
        ]);
        let zones = [Zone::new("A", "zone", square(0.0, 10.0)).unwrap()];
        let before = Period::parse("before", "2025-03-10..2025-03-16").unwrap();
        let after = Period::parse("after", "2025-03-17..2025-03-23").unwrap();
        let c = &count_zones(&data, before, after, &zones, None, Stockholm).unwrap()[0];
        let a = c.aoristic.expect("split intervals give aoristic counts");
        let close = |x: f64, y: f64| assert!((x - y).abs() < 1e-12, "{x} != {y}");
        close(a.before, 56.0 / 63.0);
        close(a.after, 1.0 + 7.0 / 63.0);
        close(a.control_before, 1.5);
        close(a.control_after, 0.5);
        assert_eq!(a.split_intervals, 2);
        // The exact tests get the nearest integers (halves away from zero).
        assert_eq!(
            (c.before, c.after, c.control_before, c.control_after),
            (1, 1, 2, 1)
        );
        // The serialised counts carry the aoristic ones only when there are some.
        let j = serde_json::to_value(c).unwrap();
        assert!(j["aoristic"]["split_intervals"] == 2);
        let whole = intervals(&[(5.0, "2025-03-12 10:00", ""), (5.0, "2025-03-18 10:00", "")]);
        let w = &count_zones(&whole, before, after, &zones, None, Stockholm).unwrap()[0];
        assert!(w.aoristic.is_none() && serde_json::to_value(w).unwrap().get("aoristic").is_none());
        assert_eq!((w.before, w.after), (1, 1));
    }

    #[test]
    fn monthly_counts_split_an_interval_across_a_month_edge() {
        let data = intervals(&[
            (5.0, "2025-03-31 18:00", "2025-04-01 06:00"), // zone: 6 h in March, 6 h in April
            (500.0, "2025-01-31 12:00", "2025-02-02 12:00"), // control: 12 of 48 h in January
        ]);
        let zones = [Zone::new("A", "zone", square(0.0, 10.0)).unwrap()];
        let before = Period::parse("before", "2025-01..2025-03").unwrap();
        let after = Period::parse("after", "2025-04..2025-06").unwrap();
        let m =
            &count_zones_monthly(&data, before, after, &zones, None, 0.0, Stockholm).unwrap()[0];
        assert_eq!(m.split_intervals, 2);
        type Row<'a> = (&'a str, Option<f64>, Option<f64>, u64, u64);
        let got: Vec<Row<'_>> = m
            .months
            .iter()
            .map(|k| {
                (
                    k.month.as_str(),
                    k.zone_aoristic,
                    k.control_aoristic,
                    k.zone,
                    k.control,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("2025-01", Some(0.0), Some(0.25), 0, 0),
                ("2025-02", Some(0.0), Some(0.75), 0, 1),
                ("2025-03", Some(0.5), Some(0.0), 1, 0),
                ("2025-04", Some(0.5), Some(0.0), 1, 0),
                ("2025-05", Some(0.0), Some(0.0), 0, 0),
                ("2025-06", Some(0.0), Some(0.0), 0, 0),
            ]
        );
        // Totals round the sums, not the months: control before is 1 (0.25 + 0.75), not 0 + 1.
        let t = m.totals();
        let a = t.aoristic.unwrap();
        assert_eq!((a.before, a.after, a.control_before), (0.5, 0.5, 1.0));
        assert_eq!(
            (t.before, t.after, t.control_before, t.control_after),
            (1, 1, 1, 0)
        );
        // The quasi-Poisson fit uses the aoristic months: (0.5 / 91) / (0.5 / 90).
        let q = crate::evaluate::quasi_poisson_change(m, 0.95).unwrap();
        assert!((q.zone.unwrap().ratio - 90.0 / 91.0).abs() < 1e-12);
    }
}
