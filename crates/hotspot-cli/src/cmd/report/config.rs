//! The report configuration: a flat TOML file whose every key is also a flag
//! (`cell_m` ↔ `--cell-m`); flags win over the file. Paths in the file are
//! relative to the file's folder, paths given as flags relative to the
//! current directory.

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Report language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
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
    pub title: Option<String>,
    pub place: Option<String>,
    pub source: Option<String>,
    pub incidents: Option<PathBuf>,
    pub boundary: Option<PathBuf>,
    pub schools: Option<PathBuf>,
    pub roads: Option<PathBuf>,
    pub water: Option<PathBuf>,
    pub categories: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub lang: Option<Lang>,
    pub public: Option<bool>,
    pub min_count: Option<u64>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub seed: Option<u64>,
    pub cell_m: Option<f64>,
    pub bandwidth_m: Option<f64>,
    pub hotspot_top_percent: Option<f64>,
    pub hotspot_min_incidents: Option<u64>,
    pub grid_m: Option<f64>,
    pub school_radius_m: Option<f64>,
    pub patrol_zones: Option<usize>,
    pub patrol_radius_m: Option<f64>,
    pub print: Option<bool>,
}

impl FileConfig {
    /// Reads and parses `path`; relative paths become relative to its folder.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
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
            &mut c.roads,
            &mut c.water,
            &mut c.categories,
            &mut c.out,
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
    pub title: Option<String>,
    pub place: String,
    pub source: String,
    pub incidents: PathBuf,
    pub boundary: Option<PathBuf>,
    pub schools: Option<PathBuf>,
    pub roads: Option<PathBuf>,
    pub water: Option<PathBuf>,
    pub categories: Option<PathBuf>,
    pub out: PathBuf,
    pub lang: Lang,
    pub public: bool,
    pub min_count: u64,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub seed: u64,
    pub cell_m: f64,
    pub bandwidth_m: Option<f64>,
    pub hotspot_top_percent: f64,
    pub hotspot_min_incidents: u64,
    pub grid_m: f64,
    pub school_radius_m: f64,
    pub patrol_zones: usize,
    pub patrol_radius_m: f64,
    pub print: bool,
}

fn positive(name: &'static str, v: f64, lo: f64, hi: f64) -> anyhow::Result<f64> {
    if !(v.is_finite() && v >= lo && v <= hi) {
        return Err(
            hotspot::Error::invalid(name, v, format!("must be between {lo} and {hi}")).into(),
        );
    }
    Ok(v)
}

impl Settings {
    /// Resolves `file` overridden by `flags` (a `FileConfig` built from the command line).
    pub fn resolve(
        file: FileConfig,
        flags: FileConfig,
        config_path: &Path,
    ) -> anyhow::Result<Self> {
        macro_rules! pick {
            ($k:ident) => {
                flags.$k.clone().or(file.$k.clone())
            };
        }
        let Some(incidents) = pick!(incidents) else {
            bail!(
                "{}: no `incidents` file given (set `incidents = \"incidents.csv\"` in the config or pass --incidents)",
                config_path.display()
            );
        };
        let out = pick!(out).unwrap_or_else(|| {
            config_path
                .parent()
                .unwrap_or(Path::new("."))
                .join("report")
        });
        let min_count = pick!(min_count).unwrap_or(5);
        if min_count == 0 || min_count > 1000 {
            return Err(hotspot::Error::invalid(
                "min_count",
                min_count,
                "the suppression threshold must be 1..=1000",
            )
            .into());
        }
        let from = pick!(from);
        let to = pick!(to);
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            return Err(hotspot::Error::invalid(
                "from",
                a,
                format!("the period starts after it ends ({b})"),
            )
            .into());
        }
        let bandwidth_m = pick!(bandwidth_m)
            .map(|b| positive("bandwidth_m", b, 1.0, 100_000.0))
            .transpose()?;
        Ok(Settings {
            title: pick!(title),
            place: pick!(place).unwrap_or_default(),
            source: pick!(source).unwrap_or_default(),
            incidents,
            boundary: pick!(boundary),
            schools: pick!(schools),
            roads: pick!(roads),
            water: pick!(water),
            categories: pick!(categories),
            out,
            lang: pick!(lang).unwrap_or(Lang::Sv),
            public: flags.public.unwrap_or(false) || file.public.unwrap_or(false),
            min_count,
            from,
            to,
            seed: pick!(seed).unwrap_or(20250101),
            cell_m: positive("cell_m", pick!(cell_m).unwrap_or(50.0), 1.0, 10_000.0)?,
            bandwidth_m,
            hotspot_top_percent: positive(
                "hotspot_top_percent",
                pick!(hotspot_top_percent).unwrap_or(1.0),
                0.01,
                100.0,
            )?,
            hotspot_min_incidents: pick!(hotspot_min_incidents).unwrap_or(10),
            grid_m: positive("grid_m", pick!(grid_m).unwrap_or(250.0), 10.0, 100_000.0)?,
            school_radius_m: positive(
                "school_radius_m",
                pick!(school_radius_m).unwrap_or(300.0),
                10.0,
                10_000.0,
            )?,
            patrol_zones: pick!(patrol_zones).unwrap_or(5).clamp(1, 50),
            patrol_radius_m: positive(
                "patrol_radius_m",
                pick!(patrol_radius_m).unwrap_or(250.0),
                10.0,
                10_000.0,
            )?,
            print: pick!(print).unwrap_or(true),
        })
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
