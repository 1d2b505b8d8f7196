//! Checked parameters of the situation report, built from the keys of `report.toml` (each also a
//! `hotspot report` flag: `patrol_radius_m` ↔ `--patrol-radius-m`). Every check names the key the
//! user wrote.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The analysis keys of `report.toml`, each optional (unset = the default). Paths, language and
/// presentation keys belong to the report, not here.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct SituationKeys {
    /// Public mode: small counts suppressed, positions generalised (see [`crate::disclosure`]).
    pub public: Option<bool>,
    /// Smallest count shown in public mode (1..=1000, default 5).
    pub min_count: Option<u64>,
    /// Public mode: fewest distinct positions (addresses, to the metre) behind a shown density
    /// cell, hotspot or cluster (1..=1000, default 3; see [`crate::disclosure::Rules`]).
    pub min_positions: Option<u64>,
    /// Keep incidents on stacked positions (a position shared by at least `stack_min` incidents,
    /// usually a geocoding placeholder) in the density surface and hotspots (default false).
    pub keep_stacked: Option<bool>,
    /// Incidents on one position from which it counts as a stack (2..=1 000 000, default 10).
    pub stack_min: Option<u64>,
    /// First day of the period (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive).
    pub to: Option<NaiveDate>,
    /// Seed of the analyses that simulate (default 20250101).
    pub seed: Option<u64>,
    /// Density cell, metres (1..=10 000, default 50).
    pub cell_m: Option<f64>,
    /// Kernel bandwidth, metres (1..=100 000; default: chosen by `bandwidth_rule`).
    pub bandwidth_m: Option<f64>,
    /// Hotspots: the densest this percent of the study area (0.01..=100, default 1).
    pub hotspot_top_percent: Option<f64>,
    /// Hotspots with fewer incidents are not reported (default 10).
    pub hotspot_min_incidents: Option<u64>,
    /// Count grid and Gi* cell, metres (10..=100 000, default 250).
    pub grid_m: Option<f64>,
    /// School zone radius, metres (10..=10 000, default 300).
    pub school_radius_m: Option<f64>,
    /// Patrol zones (1..=50, default 5).
    pub patrol_zones: Option<usize>,
    /// Patrol zone radius, metres (10..=5 000, default 250).
    pub patrol_radius_m: Option<f64>,
    /// Patrol zones weigh every incident, also fraud and online/phone offences (default false: only
    /// patrollable categories; the `--include-all` flag of `hotspot patrol`).
    pub include_all: Option<bool>,
    /// Area at risk: only cells within this many metres of an incident of the whole data span
    /// (default: no such restriction; `--at-risk-from-incidents`).
    pub at_risk_from_incidents: Option<f64>,
    /// How the bandwidth is chosen when `bandwidth_m` is unset: `predictive` (temporal
    /// cross-validation, the default) or `arcgis` (the ArcGIS rule).
    pub bandwidth_rule: Option<String>,
    /// Out-of-sample check of the patrol zones: hold out the last this many months (0 = no check;
    /// default a quarter of the span; also written `holdout_months`). See [`crate::patrol::holdout`].
    #[serde(alias = "holdout_months")]
    pub holdout: Option<u32>,
    /// The zone times without a UTC offset are read in and intervals are spread over (an IANA name,
    /// default Europe/Stockholm; the `--timezone` flag).
    pub timezone: Option<String>,
    /// Intervals longer than this many days count as time unknown in the hour analyses (default 14;
    /// the `--max-time-span` flag).
    pub max_time_span: Option<f64>,
    /// The school calendar of the school time classes (`[calendar]`, the format of
    /// `hotspot schools --calendar`; default [`crate::schools::SchoolCalendar::swedish_default`]).
    pub calendar: Option<crate::schools::CalendarConfig>,
}

/// Checked parameters of [`crate::situation::situation`]. Build with [`SituationParams::new`] from
/// [`SituationKeys`]; [`Default`] gives the report's defaults.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SituationParams {
    /// Public mode.
    pub public: bool,
    /// Smallest count shown in public mode.
    pub min_count: u64,
    /// Fewest distinct positions behind a public density cell, hotspot or cluster.
    pub min_positions: u64,
    /// Stacked positions kept in density and hotspots.
    pub keep_stacked: bool,
    /// Incidents on one position from which it is a stack.
    pub stack_min: u64,
    /// First day of the period.
    pub from: Option<NaiveDate>,
    /// Last day of the period.
    pub to: Option<NaiveDate>,
    /// Seed.
    pub seed: u64,
    /// Density cell, metres.
    pub cell_m: f64,
    /// Kernel bandwidth, metres (`None` = chosen by [`SituationParams::bandwidth_rule`]).
    pub bandwidth_m: Option<f64>,
    /// Hotspot share of the study area, percent.
    pub hotspot_top_percent: f64,
    /// Smallest hotspot, incidents.
    pub hotspot_min_incidents: u64,
    /// Count grid and Gi* cell, metres.
    pub grid_m: f64,
    /// School zone radius, metres.
    pub school_radius_m: f64,
    /// Patrol zones.
    pub patrol_zones: usize,
    /// Patrol zone radius, metres.
    pub patrol_radius_m: f64,
    /// Patrol zones weigh every incident (not only patrollable ones).
    pub include_all: bool,
    /// Area at risk: only cells within this many metres of an incident (`None`: no restriction).
    pub at_risk_from_incidents_m: Option<f64>,
    /// How the bandwidth is chosen when [`SituationParams::bandwidth_m`] is unset.
    pub bandwidth_rule: BandwidthChoice,
    /// Held-out months of the patrol zones' out-of-sample check (`None` = a quarter of the span,
    /// `Some(0)` = no check).
    pub holdout_months: Option<u32>,
    /// Time zone and maximum interval span of the aoristic weights (the `--timezone` and
    /// `--max-time-span` the incidents were read with); the patrol windows and day/hour tests use them.
    #[serde(skip)]
    pub aoristic: crate::temporal::AoristicOptions,
    /// The school calendar of the school time classes (key `[calendar]`).
    #[serde(skip)]
    pub calendar: crate::schools::SchoolCalendar,
}

/// How the situation chooses the kernel bandwidth when none is given (key `bandwidth_rule`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BandwidthChoice {
    /// Temporal cross-validation of PAI over 50-400 m
    /// ([`crate::density::Bandwidth::Predictive`]); the ArcGIS rule where incidents lack times.
    #[default]
    Predictive,
    /// The ArcGIS rule ([`crate::density::BandwidthRule::Arcgis`]).
    Arcgis,
}

impl BandwidthChoice {
    /// `predictive` or `arcgis`, as written in `report.toml`.
    pub fn name(self) -> &'static str {
        match self {
            BandwidthChoice::Predictive => "predictive",
            BandwidthChoice::Arcgis => "arcgis",
        }
    }
}

impl Default for SituationParams {
    fn default() -> Self {
        Self {
            public: false,
            min_count: 5,
            min_positions: 3,
            keep_stacked: false,
            stack_min: crate::ingest::quality::DEFAULT_STACK_MIN as u64,
            from: None,
            to: None,
            seed: 20250101,
            cell_m: 50.0,
            bandwidth_m: None,
            hotspot_top_percent: 1.0,
            hotspot_min_incidents: 10,
            grid_m: 250.0,
            school_radius_m: 300.0,
            patrol_zones: 5,
            patrol_radius_m: 250.0,
            include_all: false,
            at_risk_from_incidents_m: None,
            bandwidth_rule: BandwidthChoice::Predictive,
            holdout_months: None,
            aoristic: crate::temporal::AoristicOptions::default(),
            calendar: crate::schools::SchoolCalendar::swedish_default(),
        }
    }
}

fn within(name: &'static str, v: f64, lo: f64, hi: f64) -> Result<f64> {
    if !(v.is_finite() && v >= lo && v <= hi) {
        return Err(Error::invalid(
            name,
            v,
            format!("must be between {lo} and {hi}"),
        ));
    }
    Ok(v)
}

impl SituationParams {
    /// Checks `keys`, filling unset ones with the defaults.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the key as written in `report.toml` (`patrol_radius_m`,
    /// `min_count`, ...), with its allowed range.
    pub fn new(keys: &SituationKeys) -> Result<Self> {
        let d = Self::default();
        let min_count = keys.min_count.unwrap_or(d.min_count);
        if min_count == 0 || min_count > 1000 {
            return Err(Error::invalid(
                "min_count",
                min_count,
                "the suppression threshold must be 1..=1000",
            ));
        }
        let min_positions = keys.min_positions.unwrap_or(d.min_positions);
        if min_positions == 0 || min_positions > 1000 {
            return Err(Error::invalid(
                "min_positions",
                min_positions,
                "the distinct-position threshold must be 1..=1000",
            ));
        }
        let stack_min = keys.stack_min.unwrap_or(d.stack_min);
        if !(2..=1_000_000).contains(&stack_min) {
            return Err(Error::invalid(
                "stack_min",
                stack_min,
                "a stack needs 2..=1000000 incidents on one position",
            ));
        }
        if let (Some(a), Some(b)) = (keys.from, keys.to)
            && a > b
        {
            return Err(Error::invalid(
                "from",
                a,
                format!("the period starts after it ends ({b})"),
            ));
        }
        let patrol_zones = keys.patrol_zones.unwrap_or(d.patrol_zones);
        if !(1..=50).contains(&patrol_zones) {
            return Err(Error::invalid(
                "patrol_zones",
                patrol_zones,
                "must be between 1 and 50",
            ));
        }
        let bandwidth_rule = match keys.bandwidth_rule.as_deref() {
            None | Some("predictive") => BandwidthChoice::Predictive,
            Some("arcgis") => BandwidthChoice::Arcgis,
            Some(other) => {
                return Err(Error::invalid(
                    "bandwidth_rule",
                    other,
                    "use predictive or arcgis",
                ));
            }
        };
        let aoristic = crate::temporal::AoristicOptions {
            timezone: match keys.timezone.as_deref() {
                Some(z) => crate::ingest::parse_timezone(z)?,
                None => d.aoristic.timezone,
            },
            max_span_days: keys.max_time_span.unwrap_or(d.aoristic.max_span_days),
        };
        aoristic.validate()?;
        let calendar = match &keys.calendar {
            Some(c) => crate::schools::SchoolCalendar::from_config(c)?,
            None => d.calendar.clone(),
        };
        Ok(Self {
            public: keys.public.unwrap_or(false),
            min_count,
            min_positions,
            keep_stacked: keys.keep_stacked.unwrap_or(d.keep_stacked),
            stack_min,
            from: keys.from,
            to: keys.to,
            seed: keys.seed.unwrap_or(d.seed),
            cell_m: within("cell_m", keys.cell_m.unwrap_or(d.cell_m), 1.0, 10_000.0)?,
            bandwidth_m: keys
                .bandwidth_m
                .map(|b| within("bandwidth_m", b, 1.0, 100_000.0))
                .transpose()?,
            hotspot_top_percent: within(
                "hotspot_top_percent",
                keys.hotspot_top_percent.unwrap_or(d.hotspot_top_percent),
                0.01,
                100.0,
            )?,
            hotspot_min_incidents: keys
                .hotspot_min_incidents
                .unwrap_or(d.hotspot_min_incidents),
            grid_m: within("grid_m", keys.grid_m.unwrap_or(d.grid_m), 10.0, 100_000.0)?,
            school_radius_m: within(
                "school_radius_m",
                keys.school_radius_m.unwrap_or(d.school_radius_m),
                10.0,
                10_000.0,
            )?,
            patrol_zones,
            patrol_radius_m: within(
                "patrol_radius_m",
                keys.patrol_radius_m.unwrap_or(d.patrol_radius_m),
                10.0,
                5_000.0,
            )?,
            include_all: keys.include_all.unwrap_or(d.include_all),
            at_risk_from_incidents_m: keys
                .at_risk_from_incidents
                .map(|m| within("at_risk_from_incidents", m, 1.0, 100_000.0))
                .transpose()?,
            bandwidth_rule,
            holdout_months: match keys.holdout {
                Some(h) if h > 120 => {
                    return Err(Error::invalid(
                        "holdout",
                        h,
                        "hold out 1 to 120 months (0 = no out-of-sample check of the patrol zones)",
                    ));
                }
                h => h,
            },
            aoristic,
            calendar,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezone_span_and_calendar_keys_reach_the_params() {
        use crate::schools::CalendarConfig;
        let p = SituationParams::new(&SituationKeys {
            timezone: Some("UTC".into()),
            max_time_span: Some(3.0),
            calendar: Some(CalendarConfig {
                holidays: Some(vec![["2025-03-10".into(), "2025-03-14".into()]]),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.aoristic.timezone, chrono_tz::UTC);
        assert_eq!(p.aoristic.max_span_days, 3.0);
        // Tuesday 2025-03-11 is a school day in the default calendar, a holiday in this one.
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 11).unwrap();
        assert!(!SituationParams::default().calendar.is_holiday(day));
        assert!(p.calendar.is_holiday(day));
    }

    #[test]
    fn defaults_and_errors_name_the_key_written() {
        assert_eq!(
            SituationParams::new(&SituationKeys::default()).unwrap(),
            SituationParams::default()
        );
        for (keys, name) in [
            (
                SituationKeys {
                    patrol_radius_m: Some(8000.0),
                    ..Default::default()
                },
                "`patrol_radius_m`",
            ),
            (
                SituationKeys {
                    patrol_zones: Some(0),
                    ..Default::default()
                },
                "`patrol_zones`",
            ),
            (
                SituationKeys {
                    timezone: Some("Mars/Olympus".into()),
                    ..Default::default()
                },
                "`timezone`",
            ),
            (
                SituationKeys {
                    max_time_span: Some(-3.0),
                    ..Default::default()
                },
                "`max_time_span`",
            ),
            (
                SituationKeys {
                    calendar: Some(crate::schools::CalendarConfig {
                        holidays: Some(vec![["2025-13-01".into(), "2025-13-05".into()]]),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                "`calendar.holidays`",
            ),
            (
                SituationKeys {
                    min_count: Some(0),
                    ..Default::default()
                },
                "`min_count`",
            ),
            (
                SituationKeys {
                    cell_m: Some(f64::NAN),
                    ..Default::default()
                },
                "`cell_m`",
            ),
            (
                SituationKeys {
                    from: NaiveDate::from_ymd_opt(2025, 6, 1),
                    to: NaiveDate::from_ymd_opt(2025, 1, 1),
                    ..Default::default()
                },
                "`from`",
            ),
            (
                SituationKeys {
                    bandwidth_rule: Some("scott".into()),
                    ..Default::default()
                },
                "`bandwidth_rule`",
            ),
            (
                SituationKeys {
                    at_risk_from_incidents: Some(-5.0),
                    ..Default::default()
                },
                "`at_risk_from_incidents`",
            ),
        ] {
            let e = SituationParams::new(&keys).unwrap_err().to_string();
            assert!(e.contains(name), "{e}");
        }
        let p = SituationParams::new(&SituationKeys {
            patrol_radius_m: Some(5000.0),
            patrol_zones: Some(50),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((p.patrol_zones, p.patrol_radius_m), (50, 5000.0));
    }

    #[test]
    fn holdout_key_is_checked_and_named() {
        let e = SituationParams::new(&SituationKeys {
            holdout: Some(500),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("`holdout`") || e.contains("holdout"), "{e}");
        let p = SituationParams::new(&SituationKeys {
            holdout: Some(0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.holdout_months, Some(0));
        // `holdout_months` is read as the same key.
        let k: SituationKeys = toml::from_str("holdout_months = 4").unwrap();
        assert_eq!(k.holdout, Some(4));
    }
}
