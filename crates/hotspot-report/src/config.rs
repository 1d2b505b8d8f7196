//! The report configuration: a flat TOML file whose every key is also a flag
//! (`cell_m` ↔ `--cell-m`); flags win over the file. Paths in the file are
//! relative to the file's folder, paths given as flags relative to the
//! current directory.

use crate::error::{Error, ResultExt as _};
use hotspot::situation::{SituationKeys, SituationParams};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Report language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// `sv` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

/// The keys of `report.toml` (all optional except `incidents`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Report title (default: translated "Situation report" with the place).
    pub title: Option<String>,
    /// Place name shown in the title (e.g. Vingåker).
    pub place: Option<String>,
    /// Data source text for the subtitle and attribution.
    pub source: Option<String>,
    /// Incident file (CSV or GeoJSON); the one required key.
    pub incidents: Option<PathBuf>,
    /// Study-area polygon (GeoJSON): incidents outside are rejected.
    pub boundary: Option<PathBuf>,
    /// Schools (GeoJSON points with a `name` property).
    pub schools: Option<PathBuf>,
    /// Basemap places: points with a `name`; results are named after them.
    pub places: Option<PathBuf>,
    /// Basemap roads (GeoJSON lines, lon/lat).
    pub roads: Option<PathBuf>,
    /// Basemap water (GeoJSON polygons or lines, lon/lat).
    pub water: Option<PathBuf>,
    /// Basemap buildings (GeoJSON polygons, lon/lat).
    pub buildings: Option<PathBuf>,
    /// Category table (TOML) mapping categories to problem areas; default: the built-in table.
    pub categories: Option<PathBuf>,
    /// Output folder (default: `report/` beside the config).
    pub out: Option<PathBuf>,
    /// Report language (`sv` or `en`; default `sv`).
    pub lang: Option<Lang>,
    /// Public mode: no incident positions, counts below `min_count` suppressed everywhere.
    pub public: Option<bool>,
    /// Smallest count shown in public mode.
    pub min_count: Option<u64>,
    /// Public mode: fewest distinct positions behind a shown density cell, hotspot or cluster.
    pub min_positions: Option<u64>,
    /// Keep incidents on stacked positions in the density surface and hotspots.
    pub keep_stacked: Option<bool>,
    /// Incidents on one position from which it counts as a stack.
    pub stack_min: Option<u64>,
    /// First day of the period.
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the period.
    pub to: Option<chrono::NaiveDate>,
    /// Random seed for the analyses that simulate.
    pub seed: Option<u64>,
    /// Cell size of density surfaces, metres.
    pub cell_m: Option<f64>,
    /// Kernel bandwidth, metres (default: chosen from the data).
    pub bandwidth_m: Option<f64>,
    /// Hotspots: the densest this percent of the study area.
    pub hotspot_top_percent: Option<f64>,
    /// Hotspots with fewer incidents than this are not reported.
    pub hotspot_min_incidents: Option<u64>,
    /// Cell size of the aggregated count grid, metres.
    pub grid_m: Option<f64>,
    /// School zone radius, metres.
    pub school_radius_m: Option<f64>,
    /// Number of patrol zones to recommend.
    pub patrol_zones: Option<usize>,
    /// Patrol zone radius, metres.
    pub patrol_radius_m: Option<f64>,
    /// Patrol zones weigh every incident, also non-patrollable categories.
    pub include_all: Option<bool>,
    /// Built-up or populated polygons (GeoJSON) the area at risk is restricted to.
    pub at_risk: Option<PathBuf>,
    /// Restrict the area at risk to cells within this many metres of an incident.
    pub at_risk_from_incidents: Option<f64>,
    /// How the bandwidth is chosen without `bandwidth_m`: `predictive` or `arcgis`.
    pub bandwidth_rule: Option<String>,
    /// Also write A4 300 dpi PNGs of the maps (default true).
    pub print: Option<bool>,
    /// Tile URL template for `map.html` (readers online), e.g. `https://.../{z}/{x}/{y}.png`.
    pub tiles: Option<String>,
    /// Follow-up: the baseline period (e.g. `2025`); adds the follow-up section.
    pub baseline: Option<String>,
    /// Follow-up: zones (GeoJSON); default the report's own patrol zones.
    pub zones: Option<PathBuf>,
    /// Follow-up: patrol log (CSV, dose per zone).
    pub patrols: Option<PathBuf>,
    /// Follow-up: first day followed up.
    pub followup_from: Option<chrono::NaiveDate>,
    /// Follow-up: last day followed up.
    pub followup_to: Option<chrono::NaiveDate>,
    /// Follow-up: period length (`tertial`, `month` or `quarter`).
    pub periods: Option<String>,
    /// Follow-up: displacement ring around each zone, metres.
    pub buffer_m: Option<f64>,
    /// Follow-up: compare each period with the same period of the baseline.
    pub seasonal: Option<bool>,
    /// Patrol zones' out-of-sample check: held-out months (0 = none; also `holdout_months`).
    #[serde(alias = "holdout_months")]
    pub holdout: Option<u32>,
    /// Perceived unsafety (pins, CSV or GeoJSON): the section "Upplevd otrygghet och anmälda händelser".
    pub perceived: Option<PathBuf>,
    /// Cell side of the perception comparison, metres (default 250).
    pub perceived_cell_m: Option<f64>,
    /// Time zone the times are read in and intervals spread over (default Europe/Stockholm).
    pub timezone: Option<String>,
    /// Intervals longer than this many days are time unknown for hour analyses (default 14).
    pub max_time_span: Option<f64>,
    /// School calendar (`[calendar]`, as `hotspot schools --calendar`): school hours and holidays.
    pub calendar: Option<hotspot::schools::CalendarConfig>,
}

impl FileConfig {
    /// Reads and parses `path`; relative paths become relative to its folder.
    pub fn read(path: &Path) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the report config {}", path.display()))?;
        let mut c: FileConfig = toml::from_str(&text).map_err(|e| hotspot::Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [
            &mut c.incidents,
            &mut c.boundary,
            &mut c.schools,
            &mut c.places,
            &mut c.roads,
            &mut c.water,
            &mut c.buildings,
            &mut c.categories,
            &mut c.out,
            &mut c.at_risk,
            &mut c.zones,
            &mut c.patrols,
            &mut c.perceived,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(c)
    }
}

/// Every setting of a run, resolved (file, then flags, then defaults) and checked.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    /// Report title (`None`: translated "Situation report" with the place).
    pub title: Option<String>,
    /// Place name shown in the title (empty: none).
    pub place: String,
    /// Data source text for the subtitle and attribution (empty: none).
    pub source: String,
    /// Incident file.
    pub incidents: PathBuf,
    /// Study-area polygon file.
    pub boundary: Option<PathBuf>,
    /// Schools file.
    pub schools: Option<PathBuf>,
    /// Basemap places file.
    pub places: Option<PathBuf>,
    /// Basemap roads file.
    pub roads: Option<PathBuf>,
    /// Basemap water file.
    pub water: Option<PathBuf>,
    /// Basemap buildings file.
    pub buildings: Option<PathBuf>,
    /// Category table file (`None`: the built-in table).
    pub categories: Option<PathBuf>,
    /// Output folder (while a [`crate::Report`] is written: its staging folder).
    pub out: PathBuf,
    /// Report language.
    pub lang: Lang,
    /// Public mode.
    pub public: bool,
    /// Smallest count shown in public mode.
    pub min_count: u64,
    /// Public mode: fewest distinct positions behind a shown cell, hotspot or cluster.
    pub min_positions: u64,
    /// Keep incidents on stacked positions in the density surface and hotspots.
    pub keep_stacked: bool,
    /// Incidents on one position from which it counts as a stack.
    pub stack_min: u64,
    /// First day of the period.
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the period.
    pub to: Option<chrono::NaiveDate>,
    /// Random seed for the analyses that simulate.
    pub seed: u64,
    /// Cell size of density surfaces, metres.
    pub cell_m: f64,
    /// Kernel bandwidth, metres (`None`: chosen by `bandwidth_rule`).
    pub bandwidth_m: Option<f64>,
    /// Hotspots: the densest this percent of the study area.
    pub hotspot_top_percent: f64,
    /// Hotspots with fewer incidents than this are not reported.
    pub hotspot_min_incidents: u64,
    /// Cell size of the aggregated count grid, metres.
    pub grid_m: f64,
    /// School zone radius, metres.
    pub school_radius_m: f64,
    /// Number of patrol zones to recommend.
    pub patrol_zones: usize,
    /// Patrol zone radius, metres.
    pub patrol_radius_m: f64,
    /// Patrol zones weigh every incident, also non-patrollable categories.
    pub include_all: bool,
    /// Polygons the area at risk is restricted to.
    pub at_risk: Option<PathBuf>,
    /// Restrict the area at risk to cells within this many metres of an incident.
    pub at_risk_from_incidents: Option<f64>,
    /// How the bandwidth is chosen without `bandwidth_m`.
    pub bandwidth_rule: hotspot::situation::BandwidthChoice,
    /// Also write A4 300 dpi PNGs of the maps.
    pub print: bool,
    /// Tile URL template for `map.html`; `None`: the page makes no request.
    pub tiles: Option<String>,
    /// The follow-up section's settings, when `baseline` is given.
    pub followup: Option<hotspot::situation::extra::FollowupSpec>,
    /// Held-out months of the patrol zones' out-of-sample check (`None` = a quarter of the span).
    pub holdout: Option<u32>,
    /// The perception section's settings, when `perceived` is given.
    pub perception: Option<hotspot::situation::perception::PerceptionSpec>,
    /// Time zone (IANA name) the times are read in and intervals spread over.
    pub timezone: String,
    /// Intervals longer than this many days are time unknown for hour analyses.
    pub max_time_span: f64,
    /// The school calendar as written (`None`: the approximate Swedish calendar).
    pub calendar: Option<hotspot::schools::CalendarConfig>,
}

impl Settings {
    /// Resolves `file` overridden by `flags` (a `FileConfig` built from the command line).
    pub fn resolve(file: FileConfig, flags: FileConfig, config_path: &Path) -> crate::Result<Self> {
        macro_rules! pick {
            ($k:ident) => {
                flags.$k.clone().or(file.$k.clone())
            };
        }
        let Some(incidents) = pick!(incidents) else {
            return Err(Error::NoIncidents {
                config: config_path.to_path_buf(),
            });
        };
        let out = pick!(out).unwrap_or_else(|| {
            config_path
                .parent()
                .unwrap_or(Path::new("."))
                .join("report")
        });
        // The analysis keys are checked once, by the library, with errors naming the key.
        let p = SituationParams::new(&SituationKeys {
            public: Some(flags.public.unwrap_or(false) || file.public.unwrap_or(false)),
            min_count: pick!(min_count),
            min_positions: pick!(min_positions),
            keep_stacked: Some(
                flags.keep_stacked.unwrap_or(false) || file.keep_stacked.unwrap_or(false),
            ),
            stack_min: pick!(stack_min),
            from: pick!(from),
            to: pick!(to),
            seed: pick!(seed),
            cell_m: pick!(cell_m),
            bandwidth_m: pick!(bandwidth_m),
            hotspot_top_percent: pick!(hotspot_top_percent),
            hotspot_min_incidents: pick!(hotspot_min_incidents),
            grid_m: pick!(grid_m),
            school_radius_m: pick!(school_radius_m),
            patrol_zones: pick!(patrol_zones),
            patrol_radius_m: pick!(patrol_radius_m),
            include_all: pick!(include_all),
            at_risk_from_incidents: pick!(at_risk_from_incidents),
            bandwidth_rule: pick!(bandwidth_rule),
            holdout: pick!(holdout),
            timezone: pick!(timezone),
            max_time_span: pick!(max_time_span),
            calendar: pick!(calendar),
        })?;
        Ok(Settings {
            title: pick!(title),
            place: pick!(place).unwrap_or_default(),
            source: pick!(source).unwrap_or_default(),
            incidents,
            boundary: pick!(boundary),
            schools: pick!(schools),
            places: pick!(places),
            roads: pick!(roads),
            water: pick!(water),
            buildings: pick!(buildings),
            categories: pick!(categories),
            out,
            lang: pick!(lang).unwrap_or(Lang::Sv),
            public: p.public,
            min_count: p.min_count,
            min_positions: p.min_positions,
            keep_stacked: p.keep_stacked,
            stack_min: p.stack_min,
            from: p.from,
            to: p.to,
            seed: p.seed,
            cell_m: p.cell_m,
            bandwidth_m: p.bandwidth_m,
            hotspot_top_percent: p.hotspot_top_percent,
            hotspot_min_incidents: p.hotspot_min_incidents,
            grid_m: p.grid_m,
            school_radius_m: p.school_radius_m,
            patrol_zones: p.patrol_zones,
            patrol_radius_m: p.patrol_radius_m,
            include_all: p.include_all,
            at_risk: pick!(at_risk),
            at_risk_from_incidents: p.at_risk_from_incidents_m,
            bandwidth_rule: p.bandwidth_rule,
            print: pick!(print).unwrap_or(true),
            tiles: pick!(tiles),
            followup: pick!(baseline).map(|b| hotspot::situation::extra::FollowupSpec {
                baseline: b,
                zones: pick!(zones),
                patrols: pick!(patrols),
                from: pick!(followup_from),
                to: pick!(followup_to),
                periods: pick!(periods),
                buffer_m: pick!(buffer_m),
                seasonal: pick!(seasonal).unwrap_or(false),
            }),
            holdout: p.holdout_months,
            perception: pick!(perceived).map(|perceived| {
                hotspot::situation::perception::PerceptionSpec {
                    perceived,
                    cell_m: pick!(perceived_cell_m),
                }
            }),
            timezone: p.aoristic.timezone.name().to_string(),
            max_time_span: p.aoristic.max_span_days,
            calendar: pick!(calendar),
        })
    }
}

impl Settings {
    /// The analysis parameters (already checked by [`Settings::resolve`]).
    pub fn situation_params(&self) -> hotspot::Result<SituationParams> {
        SituationParams::new(&SituationKeys {
            public: Some(self.public),
            min_count: Some(self.min_count),
            min_positions: Some(self.min_positions),
            keep_stacked: Some(self.keep_stacked),
            stack_min: Some(self.stack_min),
            from: self.from,
            to: self.to,
            seed: Some(self.seed),
            cell_m: Some(self.cell_m),
            bandwidth_m: self.bandwidth_m,
            hotspot_top_percent: Some(self.hotspot_top_percent),
            hotspot_min_incidents: Some(self.hotspot_min_incidents),
            grid_m: Some(self.grid_m),
            school_radius_m: Some(self.school_radius_m),
            patrol_zones: Some(self.patrol_zones),
            patrol_radius_m: Some(self.patrol_radius_m),
            include_all: Some(self.include_all),
            at_risk_from_incidents: self.at_risk_from_incidents,
            bandwidth_rule: Some(self.bandwidth_rule.name().to_string()),
            holdout: self.holdout,
            timezone: Some(self.timezone.clone()),
            max_time_span: Some(self.max_time_span),
            calendar: self.calendar.clone(),
        })
    }

    /// The time zone and maximum span of the aoristic weights (already checked by
    /// [`Settings::resolve`]).
    pub fn aoristic(&self) -> hotspot::Result<hotspot::temporal::AoristicOptions> {
        Ok(self.situation_params()?.aoristic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_and_paths_are_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.toml");
        std::fs::write(&p, "incidents = \"a.csv\"\ncell_m = 75\nlang = \"en\"\n").unwrap();
        let file = FileConfig::read(&p).unwrap();
        assert_eq!(
            file.incidents.as_deref(),
            Some(dir.path().join("a.csv").as_path())
        );
        let flags = FileConfig {
            cell_m: Some(100.0),
            ..FileConfig::default()
        };
        let s = Settings::resolve(file, flags, &p).unwrap();
        assert_eq!(s.cell_m, 100.0);
        assert_eq!(s.lang, Lang::En);
        assert_eq!(s.min_count, 5);
        assert_eq!(s.out, dir.path().join("report"));
    }

    #[test]
    fn timezone_span_and_calendar_keys_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.toml");
        let read = |text: &str| {
            std::fs::write(&p, text).unwrap();
            Settings::resolve(FileConfig::read(&p).unwrap(), FileConfig::default(), &p)
        };
        let s = read("incidents = \"a.csv\"\n").unwrap();
        assert_eq!(
            (s.timezone.as_str(), s.max_time_span),
            ("Europe/Stockholm", 14.0)
        );
        let e = read("incidents = \"a.csv\"\ntimezone = \"Mars/Olympus\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("timezone") && e.contains("Mars/Olympus"), "{e}");
        let e = read("incidents = \"a.csv\"\nmax_time_span = -2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_time_span"), "{e}");
        let e = read(
            "incidents = \"a.csv\"\n[calendar]\nholidays = [[\"2025-02-30\", \"2025-03-02\"]]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("calendar.holidays"), "{e}");
        let s = read(
            "incidents = \"a.csv\"\ntimezone = \"UTC\"\nmax_time_span = 3\n[calendar]\nholidays = [[\"2025-03-10\", \"2025-03-14\"]]\n",
        )
        .unwrap();
        let params = s.situation_params().unwrap();
        assert_eq!(params.aoristic.timezone.name(), "UTC");
        assert_eq!(params.aoristic.max_span_days, 3.0);
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 11).unwrap();
        assert!(params.calendar.is_holiday(day));
        assert!(
            !params
                .calendar
                .is_holiday(chrono::NaiveDate::from_ymd_opt(2025, 3, 17).unwrap())
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.toml");
        std::fs::write(&p, "incidents = \"a.csv\"\ncel_m = 75\n").unwrap();
        let e = FileConfig::read(&p).unwrap_err().to_string();
        assert!(e.contains("cel_m"), "{e}");
        std::fs::write(&p, "incidents = \"a.csv\"\ncell_m = -1\n").unwrap();
        let e = Settings::resolve(FileConfig::read(&p).unwrap(), FileConfig::default(), &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cell_m"), "{e}");
    }
}
