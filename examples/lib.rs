//! Examples of embedding `hotspot`; see the `[[example]]` targets. The situation example's work is
//! here as [`situation_from_config`], so that a test can check it against the report's
//! `summary.json`.

use hotspot::basemap::{Basemap, BasemapSources, NameLang};
use hotspot::categories::CategoryTable;
use hotspot::ingest::{Boundary, ReadOptions, read_path};
use hotspot::situation::extra::FollowupSpec;
use hotspot::situation::{Situation, SituationInput, SituationKeys, SituationParams, situation};
use std::path::{Path, PathBuf};

/// The input files of `report.toml` (its analysis keys are [`SituationKeys`]).
#[derive(serde::Deserialize)]
struct Files {
    incidents: PathBuf,
    boundary: Option<PathBuf>,
    schools: Option<PathBuf>,
    categories: Option<PathBuf>,
    places: Option<PathBuf>,
    roads: Option<PathBuf>,
    water: Option<PathBuf>,
    buildings: Option<PathBuf>,
    at_risk: Option<PathBuf>,
    lang: Option<String>,
    baseline: Option<String>,
    zones: Option<PathBuf>,
    patrols: Option<PathBuf>,
    followup_from: Option<chrono::NaiveDate>,
    followup_to: Option<chrono::NaiveDate>,
    periods: Option<String>,
    buffer_m: Option<f64>,
    seasonal: Option<bool>,
    perceived: Option<PathBuf>,
    perceived_cell_m: Option<f64>,
}

/// Builds the situation of a `report.toml` with the library alone: the files it names (relative to
/// its folder) read with the default ingest options, its analysis keys checked by
/// [`SituationParams::new`].
///
/// # Errors
/// Unreadable or invalid config, input files or parameters.
pub fn situation_from_config(config: &Path) -> Result<Situation, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(config)?;
    let base = config.parent().unwrap_or(Path::new("."));
    let files: Files = toml::from_str(&text)?;
    let keys: SituationKeys = toml::from_str(&text)?;
    let params = SituationParams::new(&keys)?;
    let opts = ReadOptions {
        boundary: files
            .boundary
            .map(|b| Boundary::read(&base.join(b), None))
            .transpose()?,
        ..ReadOptions::default()
    };
    let data = read_path(&base.join(&files.incidents), &opts)?;
    let table = match &files.categories {
        Some(p) => CategoryTable::read(&base.join(p))?,
        None => CategoryTable::default_table(),
    };
    let schools = match &files.schools {
        Some(p) => hotspot::schools::read_schools(&base.join(p), &data.projector)?,
        None => Vec::new(),
    };
    let basemap = Basemap::read(
        &BasemapSources {
            places: files.places.map(|p| base.join(p)),
            roads: files.roads.map(|p| base.join(p)),
            water: files.water.map(|p| base.join(p)),
            buildings: files.buildings.map(|p| base.join(p)),
        },
        &data.projector,
    )?;
    let water = (!basemap.water.is_empty()).then(|| {
        geo::MultiPolygon(
            basemap
                .water
                .iter()
                .flat_map(|m| m.0.iter().cloned())
                .collect(),
        )
    });
    let at_risk = match &files.at_risk {
        Some(p) => Some(
            Boundary::read(&base.join(p), None)?
                .to_study_area(&data.projector)?
                .polygons()
                .clone(),
        ),
        None => None,
    };
    // The follow-up section, when the config has a `baseline`, and the perception section, when
    // it has `perceived` (as the report runs them).
    let spec = files.baseline.map(|b| FollowupSpec {
        baseline: b,
        zones: files.zones.map(|p| base.join(p)),
        patrols: files.patrols.map(|p| base.join(p)),
        from: files.followup_from,
        to: files.followup_to,
        periods: files.periods,
        buffer_m: files.buffer_m,
        seasonal: files.seasonal.unwrap_or(false),
    });
    let pspec = files
        .perceived
        .map(|p| hotspot::situation::perception::PerceptionSpec {
            perceived: base.join(p),
            cell_m: files.perceived_cell_m,
        });
    let input = SituationInput {
        data: &data,
        categories: &table,
        schools: &schools,
        water: water.as_ref(),
        at_risk: at_risk.as_ref(),
        basemap: Some(&basemap),
        name_lang: match files.lang.as_deref() {
            Some("en") => NameLang::En,
            _ => NameLang::Sv,
        },
        followup: spec.as_ref(),
        perception: pspec.as_ref(),
    };
    let sit = situation(input, &params)?;
    Ok(sit)
}
