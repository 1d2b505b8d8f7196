//! Problem areas of the citizen promise and the category table (TOML) that maps raw police categories to them, with harm weights.
//!
//! The Vingåker citizen promise ("medborgarlöfte") 2025-2026 names five problem
//! areas; [`ProblemArea`] lists them plus [`ProblemArea::Other`]. Raw input
//! categories (Swedish police event types such as `Misshandel` or
//! `Skadegörelse`, UK police crime types such as `Criminal damage and arson`,
//! US categories such as `VANDALISM`) are mapped to an area and a harm weight by a
//! [`CategoryTable`], read from TOML.
//!
//! # The TOML format
//! ```toml
//! # What an input category that is not in the table becomes (listed, never guessed).
//! [unknown]
//! area = "other"
//! harm = 1.0
//!
//! [categories]
//! "Misshandel" = { area = "violence", harm = 10 }
//! "Skadegörelse" = { area = "vandalism", harm = 2, note = "criminal damage" }
//! ```
//! Keys are matched case-insensitively after trimming and collapsing runs of
//! white space (`"  misshandel "` matches `Misshandel`); two keys that are equal
//! after that normalisation are an error. `area` is one of the ids `violence`,
//! `youth`, `vandalism`, `traffic`, `fraud`, `other`; `harm` is a finite number
//! `>= 0` (0 means "listed but carries no harm", used for non-crime notices such
//! as police summaries). `note` is free text. The `[unknown]` section is optional
//! (default: `other`, harm 1).
//!
//! `patrollable = true/false` (optional, in an entry or in `[unknown]`) says whether a visible police
//! presence can prevent the offence; patrol zones weigh only patrollable incidents unless all are
//! requested. Default ([`default_patrollable`]): `false` for the `fraud` area, `true` otherwise. Fraud
//! against the elderly is mostly committed by telephone, online or at the door by appointment: it is
//! prevented by information, banks and home care, and a patrol circle around an elderly home would chase
//! phone calls (the default table also marks online and phone offences outside `fraud` `false`).
//!
//! # The default table and where its harm weights come from
//! [`CategoryTable::default_table`] embeds `default_categories.toml` (next to
//! this file), covering the Swedish Police Authority's public event types (all
//! those seen in Södermanland 2022-2026), common Swedish offence names, the UK
//! police.uk crime types, and the San Francisco and Memphis categories of the
//! project's test data. Its harm weights are an ordinal 0-100 scale chosen for
//! this project, loosely following the idea of the Cambridge Crime Harm Index
//! (Sherman, Neyroud & Neyroud 2016, *Policing* 10(3): harm of an offence type
//! proportional to the typical sentence it draws): tiers 1 (littering, minor
//! traffic offences), 2 (criminal damage, theft, harassment), 5 (threats,
//! burglary, fraud, drink driving), 10 (assault, fraud against the elderly,
//! violence against officials), 30 (aggravated assault, robbery, sexual
//! offences, shootings), 100 (homicide, rape). **They are configurable defaults,
//! not CCHI values and not an official Swedish figure**; write your own table
//! for published work.

use crate::error::{Error, Result};
use crate::incident::Incidents;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A problem area of the Vingåker citizen promise 2025-2026, or [`ProblemArea::Other`].
///
/// Each has a stable snake_case id ([`ProblemArea::id`]) used in TOML, CSV and
/// JSON, and Swedish and English display names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProblemArea {
    /// Violence, threats and harassment (`violence`).
    #[serde(rename = "violence")]
    ViolenceThreats,
    /// Young people at risk of drugs and criminal recruitment (`youth`).
    #[serde(rename = "youth")]
    YouthAtRisk,
    /// Vandalism, graffiti and littering, not least around schools (`vandalism`).
    #[serde(rename = "vandalism")]
    VandalismGraffitiLittering,
    /// Reckless driving, speeding and joyriding (`traffic`).
    #[serde(rename = "traffic")]
    RecklessTraffic,
    /// Fraud against the elderly (`fraud`).
    #[serde(rename = "fraud")]
    FraudElderly,
    /// Everything else (`other`).
    #[serde(rename = "other")]
    Other,
}

impl ProblemArea {
    /// All areas, in the order of the citizen promise, `Other` last.
    pub const ALL: [ProblemArea; 6] = [
        ProblemArea::ViolenceThreats,
        ProblemArea::YouthAtRisk,
        ProblemArea::VandalismGraffitiLittering,
        ProblemArea::RecklessTraffic,
        ProblemArea::FraudElderly,
        ProblemArea::Other,
    ];

    /// The five areas of the promise (without `Other`).
    pub const PROMISE: [ProblemArea; 5] = [
        ProblemArea::ViolenceThreats,
        ProblemArea::YouthAtRisk,
        ProblemArea::VandalismGraffitiLittering,
        ProblemArea::RecklessTraffic,
        ProblemArea::FraudElderly,
    ];

    /// Stable snake_case id: `violence`, `youth`, `vandalism`, `traffic`, `fraud`, `other`.
    pub fn id(self) -> &'static str {
        match self {
            ProblemArea::ViolenceThreats => "violence",
            ProblemArea::YouthAtRisk => "youth",
            ProblemArea::VandalismGraffitiLittering => "vandalism",
            ProblemArea::RecklessTraffic => "traffic",
            ProblemArea::FraudElderly => "fraud",
            ProblemArea::Other => "other",
        }
    }

    /// The area with this id (exact, lower case), if any.
    pub fn from_id(id: &str) -> Option<ProblemArea> {
        ProblemArea::ALL.into_iter().find(|a| a.id() == id)
    }

    /// Index `0..6` in [`ProblemArea::ALL`], for per-area arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Swedish name, as in the citizen promise.
    pub fn name_sv(self) -> &'static str {
        match self {
            ProblemArea::ViolenceThreats => "Våld, hot och trakasserier",
            ProblemArea::YouthAtRisk => "Unga i riskzon för droger och kriminalitet",
            ProblemArea::VandalismGraffitiLittering => "Skadegörelse, klotter och nedskräpning",
            ProblemArea::RecklessTraffic => "Vårdslös körning, fortkörning och buskörning",
            ProblemArea::FraudElderly => "Bedrägerier mot äldre",
            ProblemArea::Other => "Övrigt",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            ProblemArea::ViolenceThreats => "Violence, threats and harassment",
            ProblemArea::YouthAtRisk => "Young people at risk of drugs and crime",
            ProblemArea::VandalismGraffitiLittering => "Vandalism, graffiti and littering",
            ProblemArea::RecklessTraffic => "Reckless driving, speeding and joyriding",
            ProblemArea::FraudElderly => "Fraud against the elderly",
            ProblemArea::Other => "Other",
        }
    }
}

impl std::fmt::Display for ProblemArea {
    /// Writes the id.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for ProblemArea {
    type Err = Error;
    /// Parses an id, case-insensitively.
    fn from_str(s: &str) -> Result<Self> {
        ProblemArea::from_id(&s.trim().to_lowercase()).ok_or_else(|| {
            Error::invalid(
                "problem_area",
                s,
                "expected one of violence, youth, vandalism, traffic, fraud, other",
            )
        })
    }
}

/// What a category maps to: its problem area and harm weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryEntry {
    /// The category as written in the table.
    pub name: String,
    /// Its problem area.
    pub area: ProblemArea,
    /// Its harm weight (finite, `>= 0`).
    pub harm: f64,
    /// Free-text note from the table, if any.
    pub note: Option<String>,
    /// Whether a visible police presence can prevent it ([`default_patrollable`] unless the table says
    /// `patrollable = true/false`); patrol zones weigh only patrollable incidents by default.
    pub patrollable: bool,
}

/// The default of the `patrollable` flag for a category of `area`: `false` for fraud (telephone, online
/// and doorstep fraud against the elderly are prevented by information, banks and home care, not by
/// patrols), `true` for every other problem area. A table entry overrides it with
/// `patrollable = true/false`; the default table marks online and phone offences outside `fraud`
/// (e.g. "Dataintrång", "Utpressning") `false` as well.
pub fn default_patrollable(area: ProblemArea) -> bool {
    area != ProblemArea::FraudElderly
}

/// A table mapping raw input categories to problem areas and harm weights.
///
/// Build it with [`CategoryTable::default_table`], [`CategoryTable::from_toml_str`]
/// or [`CategoryTable::read`]; apply it with [`CategoryTable::classify`].
#[derive(Clone, Debug)]
pub struct CategoryTable {
    entries: Vec<CategoryEntry>,
    lookup: HashMap<String, usize>,
    unknown_area: ProblemArea,
    unknown_harm: f64,
    unknown_patrollable: bool,
    source: PathBuf,
}

/// The default table's TOML text (embedded at compile time).
pub const DEFAULT_TABLE_TOML: &str = include_str!("default_categories.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[serde(default)]
    unknown: Option<toml::Spanned<RawUnknown>>,
    categories: BTreeMap<toml::Spanned<String>, toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnknown {
    area: ProblemArea,
    harm: toml::Spanned<f64>,
    #[serde(default)]
    patrollable: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    area: ProblemArea,
    harm: toml::Spanned<f64>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    patrollable: Option<bool>,
}

/// Normalises a category for lookup: trimmed, runs of white space collapsed to
/// one space, lower case (Unicode, so `Å` matches `å`).
pub fn normalize_category(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

impl CategoryTable {
    /// The documented default table (Swedish and English police categories);
    /// see the module documentation for its harm scale.
    ///
    /// # Example
    /// ```
    /// use hotspot::categories::{CategoryTable, ProblemArea};
    /// let t = CategoryTable::default_table();
    /// let e = t.lookup(" skadegörelse ").unwrap();
    /// assert_eq!(e.area, ProblemArea::VandalismGraffitiLittering);
    /// assert!(t.lookup("Criminal damage and arson").is_some());
    /// ```
    pub fn default_table() -> CategoryTable {
        match Self::parse(DEFAULT_TABLE_TOML, Path::new("<default category table>")) {
            Ok(t) => t,
            // The embedded table is checked by a unit test; an empty table that
            // maps everything to `other` is the safe fallback.
            Err(_) => CategoryTable {
                entries: Vec::new(),
                lookup: HashMap::new(),
                unknown_area: ProblemArea::Other,
                unknown_harm: 1.0,
                unknown_patrollable: true,
                source: PathBuf::from("<default category table>"),
            },
        }
    }

    /// Parses a table from TOML text (errors name `<string>` as the file).
    ///
    /// # Errors
    /// [`Error::Config`] naming the line and key: TOML syntax, an unknown area
    /// id, a harm that is negative or not finite, two keys equal up to case and
    /// white space, an empty key, an unknown field.
    pub fn from_toml_str(text: &str) -> Result<CategoryTable> {
        Self::parse(text, Path::new("<string>"))
    }

    /// Reads a table from a TOML file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::Config`] as
    /// [`CategoryTable::from_toml_str`], naming the file.
    pub fn read(path: &Path) -> Result<CategoryTable> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    fn parse(text: &str, path: &Path) -> Result<CategoryTable> {
        let cfg = |line: Option<u64>, message: String| Error::Config {
            path: path.to_path_buf(),
            message: match line {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            },
        };
        let raw: RawTable = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            cfg(line, e.message().trim().to_string())
        })?;
        let check_harm = |h: &toml::Spanned<f64>, key: &str| -> Result<f64> {
            let v = *h.get_ref();
            if !v.is_finite() || v < 0.0 {
                return Err(cfg(
                    Some(line_of(text, h.span().start)),
                    format!("{key}.harm = {v}: harm must be a finite number >= 0"),
                ));
            }
            Ok(v)
        };
        let (unknown_area, unknown_harm, unknown_patrollable) = match &raw.unknown {
            Some(u) => {
                let u = u.get_ref();
                (
                    u.area,
                    check_harm(&u.harm, "unknown")?,
                    u.patrollable.unwrap_or(default_patrollable(u.area)),
                )
            }
            None => (ProblemArea::Other, 1.0, true),
        };
        // Sort by position in the file so errors and `entries()` follow the file.
        let mut items: Vec<_> = raw.categories.into_iter().collect();
        items.sort_by_key(|(k, _)| k.span().start);
        let mut entries = Vec::with_capacity(items.len());
        let mut lookup: HashMap<String, usize> = HashMap::with_capacity(items.len());
        for (key, value) in items {
            let line = line_of(text, key.span().start);
            let name = key.get_ref().clone();
            let norm = normalize_category(&name);
            if norm.is_empty() {
                return Err(cfg(
                    Some(line),
                    "categories: an empty key cannot match any category".into(),
                ));
            }
            let v = value.into_inner();
            let harm = check_harm(&v.harm, &format!("categories.\"{name}\""))?;
            if let Some(&prev) = lookup.get(&norm) {
                let p: &CategoryEntry = &entries[prev];
                return Err(cfg(
                    Some(line),
                    format!(
                        "categories.\"{name}\" duplicates \"{}\" (keys are compared ignoring case and extra white space)",
                        p.name
                    ),
                ));
            }
            lookup.insert(norm, entries.len());
            entries.push(CategoryEntry {
                name,
                area: v.area,
                harm,
                note: v.note,
                patrollable: v.patrollable.unwrap_or(default_patrollable(v.area)),
            });
        }
        Ok(CategoryTable {
            entries,
            lookup,
            unknown_area,
            unknown_harm,
            unknown_patrollable,
            source: path.to_path_buf(),
        })
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[CategoryEntry] {
        &self.entries
    }

    /// Where the table came from (a path, `<string>` or `<default category table>`).
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// Area and harm given to categories not in the table.
    pub fn unknown(&self) -> (ProblemArea, f64) {
        (self.unknown_area, self.unknown_harm)
    }

    /// Whether categories not in the table count as patrollable (`[unknown] patrollable`, default by area).
    pub fn unknown_patrollable(&self) -> bool {
        self.unknown_patrollable
    }

    /// The entry for a raw category (case-insensitive, trimmed), if present.
    pub fn lookup(&self, category: &str) -> Option<&CategoryEntry> {
        self.lookup
            .get(&normalize_category(category))
            .map(|&i| &self.entries[i])
    }

    /// Classifies every incident: its problem area and harm weight, and the
    /// categories that are not in the table with their counts.
    ///
    /// Unknown categories (including the empty category of input without a
    /// category column) get the table's `[unknown]` area and harm and are listed
    /// in [`Classification::unknown`]; nothing is guessed silently.
    /// Cost: one lookup per distinct category, then O(n).
    ///
    /// # Example
    /// ```
    /// use hotspot::categories::{CategoryTable, ProblemArea};
    /// use hotspot::{Crs, IncidentRecord, IncidentsBuilder};
    /// let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM)?;
    /// for (i, c) in ["Klotter", "Misshandel", "Tomtebrott"].iter().enumerate() {
    ///     b.push(IncidentRecord { x: 0.0, y: 0.0, weight: 1.0, category: c, time: None, id: i.to_string(), lonlat: None })?;
    /// }
    /// let c = CategoryTable::default_table().classify(&b.build());
    /// assert_eq!(c.area(0), ProblemArea::VandalismGraffitiLittering);
    /// assert_eq!(c.area(2), ProblemArea::Other);
    /// assert_eq!(c.unknown(), &[("Tomtebrott".to_string(), 1)]);
    /// # Ok::<(), hotspot::Error>(())
    /// ```
    pub fn classify(&self, incidents: &Incidents) -> Classification {
        let names = incidents.category_names();
        let per_cat: Vec<(ProblemArea, f64, bool, bool)> = names
            .iter()
            .map(|n| match self.lookup(n) {
                Some(e) => (e.area, e.harm, true, e.patrollable),
                None => (
                    self.unknown_area,
                    self.unknown_harm,
                    false,
                    self.unknown_patrollable,
                ),
            })
            .collect();
        let ids = incidents.category_ids();
        let mut area = Vec::with_capacity(ids.len());
        let mut harm = Vec::with_capacity(ids.len());
        let mut patrollable = Vec::with_capacity(ids.len());
        let mut unknown_counts = vec![0usize; names.len()];
        for &c in ids {
            let (a, h, known, p) = per_cat[c as usize];
            area.push(a);
            harm.push(h);
            patrollable.push(p);
            if !known {
                unknown_counts[c as usize] += 1;
            }
        }
        let mut unknown: Vec<(String, usize)> = unknown_counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| (names[i].clone(), n))
            .collect();
        unknown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Classification {
            area,
            harm,
            patrollable,
            unknown,
        }
    }
}

/// The result of [`CategoryTable::classify`]: per incident its problem area and
/// harm weight (same order as the incidents), and the unknown categories.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    area: Vec<ProblemArea>,
    harm: Vec<f64>,
    patrollable: Vec<bool>,
    unknown: Vec<(String, usize)>,
}

impl Classification {
    /// Number of incidents classified.
    pub fn len(&self) -> usize {
        self.area.len()
    }
    /// Whether no incidents were classified.
    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }
    /// Problem area per incident.
    pub fn areas(&self) -> &[ProblemArea] {
        &self.area
    }
    /// Problem area of incident `i`. Panics if out of range, like slice indexing.
    pub fn area(&self, i: usize) -> ProblemArea {
        self.area[i]
    }
    /// Harm weight per incident; pass to [`Incidents::with_weights`] for harm-weighted analyses.
    pub fn harms(&self) -> &[f64] {
        &self.harm
    }
    /// Harm of incident `i`. Panics if out of range, like slice indexing.
    pub fn harm(&self, i: usize) -> f64 {
        self.harm[i]
    }
    /// `incidents` (the ones classified) with each weight multiplied by its category's harm: the
    /// weight column (1 without one) times the harm, as `hotspot kde --harm` weighs them.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `incidents` is not the set that was classified (another
    /// length).
    pub fn harm_weighted(&self, incidents: &Incidents) -> Result<Incidents> {
        if incidents.len() != self.harm.len() {
            return Err(Error::invalid(
                "incidents",
                incidents.len(),
                format!("{} incidents were classified", self.harm.len()),
            ));
        }
        let w: Vec<f64> = incidents
            .weights()
            .iter()
            .zip(&self.harm)
            .map(|(a, b)| a * b)
            .collect();
        incidents.clone().with_weights(w)
    }
    /// Whether each incident's category is patrollable (see [`CategoryEntry::patrollable`]).
    pub fn patrollable(&self) -> &[bool] {
        &self.patrollable
    }
    /// Categories not in the table with their incident counts, most frequent
    /// first (ties by name). The empty string stands for "no category given".
    pub fn unknown(&self) -> &[(String, usize)] {
        &self.unknown
    }
    /// Number of incidents whose category was not in the table.
    pub fn unknown_total(&self) -> usize {
        self.unknown.iter().map(|(_, n)| n).sum()
    }
    /// Incident counts per area, indexed by [`ProblemArea::index`].
    pub fn counts_by_area(&self) -> [usize; 6] {
        let mut c = [0usize; 6];
        for a in &self.area {
            c[a.index()] += 1;
        }
        c
    }
    /// Harm per area, indexed by [`ProblemArea::index`] (summed in incident order).
    pub fn harm_by_area(&self) -> [f64; 6] {
        let mut h = [0.0; 6];
        for (a, w) in self.area.iter().zip(&self.harm) {
            h[a.index()] += w;
        }
        h
    }
    /// Indices of the incidents in any of `areas`, in order.
    pub fn indices_in(&self, areas: &[ProblemArea]) -> Vec<usize> {
        (0..self.area.len())
            .filter(|&i| areas.contains(&self.area[i]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Crs, IncidentRecord, IncidentsBuilder};

    fn incidents(cats: &[&str]) -> Incidents {
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (i, c) in cats.iter().enumerate() {
            b.push(IncidentRecord {
                x: i as f64,
                y: 0.0,
                weight: 1.0,
                category: c,
                time: None,
                id: (i + 1).to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        b.build()
    }

    #[test]
    fn harm_weighted_multiplies_the_weight_column_by_the_harm() {
        // Default table: Misshandel harm 10, Skadegörelse harm 2.
        let inc = incidents(&["Misshandel", "Skadegörelse"])
            .with_weights(vec![1.0, 3.0])
            .unwrap();
        let c = CategoryTable::default_table().classify(&inc);
        assert_eq!(c.harms(), [10.0, 2.0]);
        let w = c.harm_weighted(&inc).unwrap();
        assert_eq!(w.weights(), [10.0, 6.0]);
        assert_eq!(w.total_weight(), 16.0);
        assert!(c.harm_weighted(&incidents(&["Misshandel"])).is_err());
    }

    fn config_message(e: Error) -> String {
        match e {
            Error::Config { message, .. } => message,
            other => panic!("expected Error::Config, got {other:?}"),
        }
    }

    #[test]
    fn ids_round_trip_and_names_exist() {
        for a in ProblemArea::ALL {
            assert_eq!(ProblemArea::from_id(a.id()), Some(a));
            assert_eq!(a.id().parse::<ProblemArea>().unwrap(), a);
            assert_eq!(ProblemArea::ALL[a.index()], a);
            assert!(!a.name_sv().is_empty() && !a.name_en().is_empty());
        }
        assert_eq!(
            " Traffic ".parse::<ProblemArea>().unwrap(),
            ProblemArea::RecklessTraffic
        );
        assert!("speeding".parse::<ProblemArea>().is_err());
        let ids: Vec<_> = ProblemArea::ALL.iter().map(|a| a.id()).collect();
        assert_eq!(
            ids,
            [
                "violence",
                "youth",
                "vandalism",
                "traffic",
                "fraud",
                "other"
            ]
        );
    }

    #[test]
    fn parses_a_small_table_with_unknown_section() {
        let t = CategoryTable::from_toml_str(
            r#"
[unknown]
area = "other"
harm = 0.5

[categories]
"Misshandel" = { area = "violence", harm = 10.0 }
"Klotter" = { area = "vandalism", harm = 1, note = "graffiti" }
"#,
        )
        .unwrap();
        assert_eq!(t.entries().len(), 2);
        assert_eq!(t.entries()[0].name, "Misshandel");
        assert_eq!(t.entries()[1].harm, 1.0);
        assert_eq!(t.entries()[1].note.as_deref(), Some("graffiti"));
        assert_eq!(t.unknown(), (ProblemArea::Other, 0.5));
    }

    #[test]
    fn lookup_ignores_case_and_surrounding_and_repeated_space() {
        let t = CategoryTable::from_toml_str(
            "[categories]\n\"Misshandel, grov\" = { area = \"violence\", harm = 30 }\n\"Åldringsbrott\" = { area = \"fraud\", harm = 10 }\n",
        )
        .unwrap();
        for q in [
            "misshandel, grov",
            "  MISSHANDEL,   GROV\t",
            "Misshandel, Grov",
        ] {
            assert_eq!(t.lookup(q).unwrap().harm, 30.0, "{q:?}");
        }
        assert_eq!(
            t.lookup("ÅLDRINGSBROTT").unwrap().area,
            ProblemArea::FraudElderly
        );
        assert!(t.lookup("Misshandel").is_none());
        assert_eq!(t.unknown(), (ProblemArea::Other, 1.0));
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let e = config_message(
            CategoryTable::from_toml_str(
                "[categories]\n\"A\" = { area = \"violence\", harm = 1 }\n\"B\" = { area = \"violense\", harm = 1 }\n",
            )
            .unwrap_err(),
        );
        assert!(e.starts_with("line 3"), "{e}");
        assert!(e.contains("violense"), "{e}");
        let e = config_message(
            CategoryTable::from_toml_str(
                "[categories]\n\"A\" = { area = \"violence\", harm = 1 }\n\n\"Bad\" = { area = \"other\", harm = -2 }\n",
            )
            .unwrap_err(),
        );
        assert!(e.starts_with("line 4"), "{e}");
        assert!(e.contains("categories.\"Bad\".harm = -2"), "{e}");
        let e = config_message(
            CategoryTable::from_toml_str(
                "[categories]\n\"Klotter\" = { area = \"vandalism\", harm = 1 }\n\" KLOTTER\" = { area = \"other\", harm = 1 }\n",
            )
            .unwrap_err(),
        );
        assert!(e.contains("duplicates \"Klotter\""), "{e}");
        let e = config_message(
            CategoryTable::from_toml_str(
                "[categories]\n\"A\" = { area = \"other\", harm = 1, weight = 2 }\n",
            )
            .unwrap_err(),
        );
        assert!(e.contains("weight"), "{e}");
        assert!(
            CategoryTable::from_toml_str("[categories]\n\" \" = { area = \"other\", harm = 1 }\n")
                .is_err()
        );
        assert!(CategoryTable::from_toml_str("categories = 3").is_err());
        assert!(
            CategoryTable::from_toml_str("[unknown]\narea = \"other\"\nharm = nan\n[categories]\n")
                .is_err()
        );
        // The file name appears in the message of a file read.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("my_table.toml");
        std::fs::write(&p, "[categories]\n\"X\" = { area = \"nope\", harm = 1 }\n").unwrap();
        let e = CategoryTable::read(&p).unwrap_err().to_string();
        assert!(e.contains("my_table.toml") && e.contains("line 2"), "{e}");
        assert!(matches!(
            CategoryTable::read(&dir.path().join("missing.toml")),
            Err(Error::Io { .. })
        ));
    }

    #[test]
    fn classify_lists_unknown_categories_with_counts() {
        let t = CategoryTable::from_toml_str(
            "[unknown]\narea = \"other\"\nharm = 1\n[categories]\n\"Klotter\" = { area = \"vandalism\", harm = 1.5 }\n\"Misshandel\" = { area = \"violence\", harm = 10 }\n",
        )
        .unwrap();
        let inc = incidents(&[
            "Klotter",
            "Fylleri",
            "misshandel",
            "Fylleri",
            "",
            "Ölbrott",
            "KLOTTER",
        ]);
        let c = t.classify(&inc);
        assert_eq!(c.len(), 7);
        use ProblemArea::*;
        assert_eq!(
            c.areas(),
            &[
                VandalismGraffitiLittering,
                Other,
                ViolenceThreats,
                Other,
                Other,
                Other,
                VandalismGraffitiLittering
            ]
        );
        assert_eq!(c.harms(), &[1.5, 1.0, 10.0, 1.0, 1.0, 1.0, 1.5]);
        assert_eq!(
            c.unknown(),
            &[
                ("Fylleri".to_string(), 2),
                (String::new(), 1),
                ("Ölbrott".to_string(), 1)
            ]
        );
        assert_eq!(c.unknown_total(), 4);
        assert_eq!(c.counts_by_area(), [1, 0, 2, 0, 0, 4]);
        assert_eq!(c.harm_by_area(), [10.0, 0.0, 3.0, 0.0, 0.0, 4.0]);
        assert_eq!(
            c.indices_in(&[ViolenceThreats, VandalismGraffitiLittering]),
            vec![0, 2, 6]
        );
        let empty = t.classify(&Incidents::empty(Crs::SWEREF99_TM).unwrap());
        assert!(empty.is_empty() && empty.unknown().is_empty());
    }

    #[test]
    fn default_table_parses_and_covers_the_brief_categories() {
        let t = CategoryTable::parse(DEFAULT_TABLE_TOML, Path::new("default")).unwrap();
        assert!(t.entries().len() > 100);
        use ProblemArea::*;
        let expect = [
            ("Misshandel", ViolenceThreats),
            ("Misshandel grov", ViolenceThreats),
            ("Misshandel, grov", ViolenceThreats),
            ("Olaga hot", ViolenceThreats),
            ("Ofredande", ViolenceThreats),
            ("Våld mot tjänsteman", ViolenceThreats),
            ("Våld/hot mot tjänsteman", ViolenceThreats),
            ("Rån", ViolenceThreats),
            ("Skadegörelse", VandalismGraffitiLittering),
            ("Klotter", VandalismGraffitiLittering),
            ("Nedskräpning", VandalismGraffitiLittering),
            ("Narkotikabrott", YouthAtRisk),
            ("Olovlig körning", RecklessTraffic),
            ("Rattfylleri", RecklessTraffic),
            ("Trafikbrott", RecklessTraffic),
            ("Vårdslöshet i trafik", RecklessTraffic),
            ("Hastighetsöverträdelse", RecklessTraffic),
            ("Bedrägeri", FraudElderly),
            ("Åldringsbrott", FraudElderly),
            ("Stöld", Other),
            ("Inbrott", Other),
            ("Brand", Other),
            ("Trafikolycka", RecklessTraffic),
            ("Violence and sexual offences", ViolenceThreats),
            ("Criminal damage and arson", VandalismGraffitiLittering),
            ("Drugs", YouthAtRisk),
            ("Anti-social behaviour", VandalismGraffitiLittering),
            ("Public order", ViolenceThreats),
            ("Robbery", ViolenceThreats),
            ("Vehicle crime", Other),
            ("VANDALISM", VandalismGraffitiLittering),
            ("DRUG/NARCOTIC", YouthAtRisk),
            ("ROBBERY", ViolenceThreats),
            ("VEHICLE THEFT", RecklessTraffic),
            ("robbery", ViolenceThreats),
            ("personal robbery", ViolenceThreats),
        ];
        for (name, area) in expect {
            let e = t.lookup(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(e.area, area, "{name}");
            assert!(e.harm > 0.0, "{name}");
        }
        // Harm order sanity: grave above simple above minor.
        let h = |n: &str| t.lookup(n).unwrap().harm;
        assert!(h("Mord/dråp") > h("Misshandel, grov"));
        assert!(h("Misshandel, grov") > h("Misshandel"));
        assert!(h("Misshandel") > h("Klotter"));
        assert_eq!(h("Sammanfattning natt"), 0.0);
        // default_table() is the same parse.
        assert_eq!(CategoryTable::default_table().entries(), t.entries());
    }

    /// Every event type of the Södermanland police notices
    /// (`data/polisen-events-sodermanland/events.csv`, listed here so this unit
    /// test needs no file) is in the default table, i.e. mapped deliberately.
    #[test]
    fn every_polisen_sodermanland_category_is_mapped_deliberately() {
        const SEEN: &[&str] = &[
            "Sammanfattning natt",
            "Trafikolycka",
            "Övrigt",
            "Brand",
            "Trafikolycka, personskada",
            "Misshandel",
            "Trafikolycka, singel",
            "Rattfylleri",
            "Bedrägeri",
            "Stöld",
            "Rån",
            "Försvunnen person",
            "Mord/dråp, försök",
            "Arbetsplatsolycka",
            "Stöld/inbrott",
            "Misshandel, grov",
            "Trafikhinder",
            "Skadegörelse",
            "Inbrott",
            "Anträffad död",
            "Explosion",
            "Mord/dråp",
            "Trafikbrott",
            "Åldringsbrott",
            "Olaga hot",
            "Sammanfattning kväll och natt",
            "Bråk",
            "Farligt föremål, misstänkt",
            "Motorfordon, stöld",
            "Våld/hot mot tjänsteman",
            "Trafikolycka, vilt",
            "Skottlossning, misstänkt",
            "Skottlossning",
            "Vapenlagen",
            "Fylleri/LOB",
            "Djur",
            "Polisinsats/kommendering",
            "Smällar",
            "Stöld, försök",
            "Räddningsinsats",
            "Olaga intrång",
            "Trafikolycka, smitning från",
            "Narkotikabrott",
            "Knivlagen",
            "Larm Överfall",
            "Kontroll person/fordon",
            "Hemfridsbrott",
            "Ofredande/förargelse",
            "Sexualbrott",
            "Sjukdom/olycksfall",
            "Rån övrigt",
            "Olovlig körning",
            "Inbrott, försök",
            "Miljöbrott",
            "Häleri",
            "Trafikkontroll",
            "Sedlighetsbrott",
            "Våldtäkt",
            "Rån väpnat",
            "Detonation",
            "Olaga frihetsberövande/människorov",
            "Rån, försök",
            "Kontroll",
            "Hets mot folkgrupp",
            "Alkohollagen",
        ];
        let t = CategoryTable::default_table();
        let inc = incidents(SEEN);
        let c = t.classify(&inc);
        assert!(c.unknown().is_empty(), "unmapped: {:?}", c.unknown());
    }

    #[test]
    fn patrollable_defaults_by_area_and_can_be_overridden() {
        let t = CategoryTable::from_toml_str(
            r#"
[unknown]
area = "fraud"
harm = 1
[categories]
"A" = { area = "fraud", harm = 5 }
"B" = { area = "fraud", harm = 5, patrollable = true }
"C" = { area = "vandalism", harm = 2 }
"D" = { area = "other", harm = 2, patrollable = false }
"#,
        )
        .unwrap();
        let p: Vec<bool> = t.entries().iter().map(|e| e.patrollable).collect();
        assert_eq!(p, vec![false, true, true, false]);
        assert!(
            !t.unknown_patrollable(),
            "unknown is fraud: not patrollable"
        );
        let c = t.classify(&incidents(&["C", "A", "zzz", "B", "D"]));
        assert_eq!(c.patrollable(), &[true, false, false, true, false]);
        // A bad value names the line.
        let e = CategoryTable::from_toml_str(
            "[categories]\n\"A\" = { area = \"fraud\", harm = 1, patrollable = 3 }\n",
        )
        .unwrap_err();
        assert!(config_message(e).starts_with("line 2"));
        // Default table: every fraud entry and the online offences are not patrollable, assault is.
        let d = CategoryTable::default_table();
        for e in d.entries() {
            if e.area == ProblemArea::FraudElderly {
                assert!(!e.patrollable, "{}", e.name);
            }
        }
        for name in [
            "Telefonbedrägeri",
            "Dataintrång",
            "Olaga integritetsintrång",
            "Fraud",
        ] {
            assert!(!d.lookup(name).unwrap().patrollable, "{name}");
        }
        for name in [
            "Misshandel",
            "Skadegörelse",
            "Klotter",
            "VANDALISM",
            "Rattfylleri",
        ] {
            assert!(d.lookup(name).unwrap().patrollable, "{name}");
        }
        assert!(d.unknown_patrollable());
    }
}

#[cfg(test)]
mod real_data_tests {
    use super::*;
    use crate::ingest::{ReadOptions, read_path};

    fn unknown_in(rel: &str) -> Vec<(String, usize)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data")
            .join(rel);
        let read = read_path(&path, &ReadOptions::default()).unwrap();
        assert!(!read.incidents.is_empty());
        CategoryTable::default_table()
            .classify(&read.incidents)
            .unknown()
            .to_vec()
    }

    /// Every category in the real test data sets is mapped deliberately by the default table.
    #[test]
    fn default_table_knows_every_category_of_the_real_data_sets() {
        for f in [
            "polisen-events-sodermanland/events.csv",
            "sf-crime-2012/incidents.csv",
            "memphis-robberies/memphis_robberies.csv",
        ] {
            assert_eq!(unknown_in(f), vec![], "{f}");
        }
    }
}
