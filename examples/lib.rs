//! Examples of embedding `hotspot`; see the `[[example]]` targets. The situation example's work is
//! here as [`situation_from_config`], so that a test can check it against the report's
//! `summary.json`.

use hotspot::categories::CategoryTable;
use hotspot::ingest::{Boundary, ReadOptions, read_path};
use hotspot::situation::{Situation, SituationInput, SituationKeys, SituationParams, situation};
use std::path::{Path, PathBuf};

/// The input files of `report.toml` (its analysis keys are [`SituationKeys`]).
#[derive(serde::Deserialize)]
struct Files {
    incidents: PathBuf,
    boundary: Option<PathBuf>,
    schools: Option<PathBuf>,
    categories: Option<PathBuf>,
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
    Ok(situation(
        SituationInput {
            data: &data,
            categories: &table,
            schools: &schools,
            basemap: None,
            name_lang: hotspot::basemap::NameLang::Sv,
        },
        &params,
    )?)
}
