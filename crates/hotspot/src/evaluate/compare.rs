//! Before/after comparison per zone, with the rest of the study area as control.
//!
//! For each zone (a patrol zone, a school zone, a hotspot) the incidents of the
//! *before* and *after* periods are counted inside the zone and in the control —
//! the rest of the study area (every incident outside the zone, within the study
//! area when one is given). Counts are compared as Poisson rates per day: the
//! exposures are the periods' lengths in days.
//!
//! See [`ZoneCounts`] for the counts, and [`compare`] for the tests.

use super::Period;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use crate::study_area::StudyArea;
use geo::MultiPolygon;
use serde::Serialize;

/// A named zone in working-CRS metres.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Name shown in tables.
    pub name: String,
    /// Kind: `zone`, `school` or `hotspot` (free text, shown in tables).
    pub kind: String,
    /// The zone; boundary points count as inside.
    pub area: StudyArea,
}

impl Zone {
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
}
