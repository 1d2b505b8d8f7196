//! Swedish and English texts of the report: one key table with both
//! languages side by side, number formats ([`Locale`]) and dates.
//!
//! Every visible label and sentence is looked up here; a test checks that
//! every key has both languages and that every key the report code uses is in
//! the table. Placeholders in texts are written `{name}` and filled by
//! [`Tr::fmt`].

use super::config::Lang;
use hotspot_render::Locale;

/// `(key, Swedish, English)`.
const TEXTS: &[(&str, &str, &str)] = &[
    ("title.default", "Lägesbild", "Situation report"),
    ("toc", "Innehåll", "Contents"),
    (
        "mode.internal",
        "Intern version – innehåller uppgifter om enskilda händelser",
        "Internal version – contains single-incident data",
    ),
    (
        "mode.public",
        "Publik version – små antal undertryckta",
        "Public version – small counts suppressed",
    ),
    ("footer.made_with", "Framtagen med", "Made with"),
    ("label.period", "Period", "Period"),
    ("label.source", "Källa", "Source"),
    ("label.crs", "Koordinatsystem", "Coordinate system"),
    (
        "period.unknown",
        "okänd (händelserna saknar tid)",
        "unknown (the incidents have no time)",
    ),
    ("sec.summary", "Sammanfattning", "Summary"),
    (
        "sec.data",
        "Underlag och bortfall",
        "Data and rejected rows",
    ),
    (
        "sec.areas",
        "De fem problemområdena",
        "The five problem areas",
    ),
    ("sec.map", "Karta över händelserna", "Map of the incidents"),
    (
        "sec.hotspots",
        "Brottskoncentrationer (hotspots)",
        "Hotspots",
    ),
    ("sec.schools", "Skolor", "Schools"),
    (
        "sec.patrol",
        "Rekommenderade patrullområden och tider",
        "Recommended patrol zones and times",
    ),
    ("sec.methods", "Metoder och källor", "Methods and sources"),
    (
        "sec.privacy",
        "Sekretess och vad rapporten visar",
        "Privacy and what this report reveals",
    ),
    (
        "sec.files",
        "Filer i rapportmappen",
        "Files in the report folder",
    ),
    ("sub.time", "Över tid", "Over time"),
    (
        "fig.incidents",
        "händelser i perioden",
        "incidents in the period",
    ),
    (
        "fig.rejected",
        "rader avvisade vid inläsning",
        "rows rejected on reading",
    ),
    (
        "fig.promise_share",
        "andel inom medborgarlöftets fem områden",
        "share within the five areas of the citizen promise",
    ),
    (
        "fig.top_area",
        "vanligaste problemområdet",
        "most frequent problem area",
    ),
    (
        "summary.text",
        "Lägesbilden omfattar {n} händelser under perioden {period}. Den beskriver var och när händelserna inom medborgarlöftets fem problemområden inträffat, och är underlag för gemensamma insatser mellan kommun och polis.",
        "This situation report covers {n} incidents in the period {period}. It shows where and when incidents in the five problem areas of the citizen promise happened, as a basis for joint work by the municipality and the police.",
    ),
    (
        "public.banner",
        "Publik version: inga enskilda händelser visas och antal under {n} redovisas som \"<{n}\" i alla tabeller, diagram, kartor och filer.",
        "Public version: no single incidents are shown and counts below {n} are given as \"<{n}\" in every table, chart, map and file.",
    ),
    (
        "data.text",
        "Filen {file} innehöll {read} rader; {accepted} lästes in. Positionerna räknades om till {crs}.",
        "The file {file} held {read} rows; {accepted} were read. Positions were converted to {crs}.",
    ),
    (
        "data.none_rejected",
        "Inga rader avvisades.",
        "No rows were rejected.",
    ),
    (
        "data.outside_period",
        "{n} händelser låg utanför den valda perioden och ingår inte.",
        "{n} incidents fell outside the chosen period and are left out.",
    ),
    (
        "data.time_gaps",
        "{none} händelser saknar tid och {nohour} saknar klockslag; de ingår i kartor och antal men inte i tidsdiagrammen där tiden fattas.",
        "{none} incidents have no time and {nohour} have no time of day; they are in the maps and counts but not in the time charts where the time is missing.",
    ),
    (
        "data.unknown_categories",
        "{k} kategorier ({n} händelser) finns inte i kategoritabellen och redovisas under Övrigt.",
        "{k} categories ({n} incidents) are not in the category table and are counted as Other.",
    ),
    ("col.reason", "Orsak", "Reason"),
    ("col.rows", "Rader", "Rows"),
    ("col.area", "Problemområde", "Problem area"),
    ("col.incidents", "Händelser", "Incidents"),
    ("col.share", "Andel", "Share"),
    (
        "reject.missing_coordinate",
        "Koordinat saknas",
        "Coordinate missing",
    ),
    (
        "reject.not_a_number",
        "Koordinat är inte ett tal",
        "Coordinate is not a number",
    ),
    (
        "reject.non_finite",
        "Koordinat är inte ändlig",
        "Coordinate is not finite",
    ),
    (
        "reject.latitude_out_of_range",
        "Latitud utanför −90…90",
        "Latitude outside −90…90",
    ),
    (
        "reject.longitude_out_of_range",
        "Longitud utanför −180…180",
        "Longitude outside −180…180",
    ),
    (
        "reject.swapped_lat_lon",
        "Latitud och longitud förväxlade",
        "Latitude and longitude swapped",
    ),
    (
        "reject.null_island",
        "Position 0,0 (platshållare)",
        "Position 0,0 (placeholder)",
    ),
    (
        "reject.far_from_data",
        "Långt från övriga data",
        "Far from the other data",
    ),
    (
        "reject.outside_study_area",
        "Utanför kommungränsen",
        "Outside the study area",
    ),
    (
        "reject.unreadable_time",
        "Tiden kunde inte läsas",
        "Time could not be read",
    ),
    ("reject.invalid_weight", "Ogiltig vikt", "Invalid weight"),
    (
        "reject.unsupported_geometry",
        "Geometrin är inte en punkt",
        "Geometry is not a point",
    ),
    (
        "reject.malformed_row",
        "Raden kunde inte tolkas",
        "Row could not be parsed",
    ),
    (
        "areas.intro",
        "Händelserna förs till medborgarlöftets problemområden med kategoritabellen (se Metoder). Övrigt är händelser utanför de fem områdena.",
        "Incidents are assigned to the problem areas of the citizen promise with the category table (see Methods). Other covers incidents outside the five areas.",
    ),
    (
        "chart.monthly",
        "Händelser per månad och problemområde",
        "Incidents per month by problem area",
    ),
    ("chart.incidents", "Händelser", "Incidents"),
    (
        "chart.categories",
        "Vanligaste kategorierna",
        "Most frequent categories",
    ),
    (
        "chart.top_categories",
        "De 15 vanligaste av {k} kategorier; alla finns i tables/categories.csv.",
        "The 15 most frequent of {k} categories; all are in tables/categories.csv.",
    ),
    (
        "chart.suppressed_note",
        "* = en eller flera staplar med färre än {n} händelser är undertryckta.",
        "* = one or more segments with fewer than {n} incidents are suppressed.",
    ),
    (
        "chart.heat",
        "Händelser per veckodag och timme",
        "Incidents by weekday and hour",
    ),
    (
        "chart.heat_note",
        "Lokal tid. Händelser utan klockslag ingår inte.",
        "Local time. Incidents without a time of day are not included.",
    ),
    (
        "chart.heat_note_public",
        "Lokal tid. · = färre än {n} händelser (undertryckt).",
        "Local time. · = fewer than {n} incidents (suppressed).",
    ),
    (
        "cap.categories",
        "Antal händelser per kategori, färgade efter problemområde.",
        "Incidents per category, coloured by problem area.",
    ),
    (
        "cap.monthly",
        "Händelser per månad, staplade efter problemområde.",
        "Incidents per month, stacked by problem area.",
    ),
    (
        "cap.heat",
        "När händelserna inträffar: veckodag (rader) och timme (kolumner).",
        "When incidents happen: weekday (rows) by hour (columns).",
    ),
    (
        "cap.overview_dots",
        "Varje punkt är en händelse, färgad efter problemområde.",
        "Each dot is one incident, coloured by problem area.",
    ),
    (
        "cap.overview_grid",
        "Antal händelser per rutcell; rutor med få händelser visas inte.",
        "Incidents per grid cell; cells with few incidents are not shown.",
    ),
    (
        "map.overview",
        "Händelser efter problemområde",
        "Incidents by problem area",
    ),
    (
        "map.overview_grid",
        "Händelser per ruta",
        "Incidents per grid cell",
    ),
    ("map.centre", "centralorten", "town centre"),
    (
        "cap.centre",
        "Utsnitt 4 × 2,8 km kring den tätaste rutan.",
        "Close-up of 4 × 2.8 km around the densest cell.",
    ),
    (
        "map.attribution",
        "Karta: hotspot. Gräns och skolor enligt indata.",
        "Map: hotspot. Boundary and schools from the input files.",
    ),
    (
        "map.public_note",
        "Publik version: antal under {n} visas inte.",
        "Public version: counts below {n} are not shown.",
    ),
    ("legend.title", "Teckenförklaring", "Legend"),
    ("legend.boundary", "Kommungräns", "Municipal boundary"),
    ("legend.water", "Vatten", "Water"),
    ("legend.roads", "Vägar", "Roads"),
    ("legend.school", "Skola", "School"),
    (
        "legend.incidents",
        "Händelser efter problemområde",
        "Incidents by problem area",
    ),
    ("legend.grid", "Händelser per ruta", "Incidents per cell"),
    (
        "schools.none",
        "Ingen skolfil angavs.",
        "No schools file was given.",
    ),
    (
        "schools.listed",
        "{k} skolor är utmärkta på kartan.",
        "{k} schools are marked on the map.",
    ),
    (
        "missing.kde",
        "Täthetsytan och hotspot-områdena (kernel density) ingår inte i den här versionen av verktyget; avsnittet lämnas tomt hellre än att visa en uppskattning som inte är framtagen med den dokumenterade metoden.",
        "The density surface and hotspot areas (kernel density) are not part of this version of the tool; the section is left empty rather than showing an estimate not made with the documented method.",
    ),
    (
        "missing.schools",
        "Skolzonsanalysen (antal och kvoter per skola med konfidensintervall) ingår inte i den här versionen av verktyget.",
        "The school-zone analysis (counts and rate ratios per school with confidence intervals) is not part of this version of the tool.",
    ),
    (
        "missing.patrol",
        "Urvalet av patrullområden och tider ingår inte i den här versionen av verktyget.",
        "The selection of patrol zones and times is not part of this version of the tool.",
    ),
    (
        "method.ingest",
        "Inläsning: rader utan giltig position, med omöjlig tid eller utanför studieområdet avvisas och redovisas per orsak; positioner räknas om till ett metriskt koordinatsystem (SWEREF 99 TM i Sverige).",
        "Reading: rows without a valid position, with an impossible time or outside the study area are rejected and counted by reason; positions are converted to a metric coordinate system (SWEREF 99 TM in Sweden).",
    ),
    (
        "method.categories",
        "Problemområden: polisens händelsetyper och brottskategorier förs till medborgarlöftets fem områden med en kategoritabell (TOML) som kan granskas och ändras.",
        "Problem areas: police event types and offence categories are mapped to the five areas of the citizen promise with a category table (TOML) that can be reviewed and changed.",
    ),
    (
        "method.grid",
        "Rutnät: händelserna räknas i kvadratiska rutor om {m} m, justerade mot koordinatsystemets hela multipler.",
        "Grid: incidents are counted in square cells of {m} m, aligned to whole multiples in the coordinate system.",
    ),
    (
        "method.colours",
        "Färger: sekventiell gul–orange–röd skala (ColorBrewer YlOrRd, Brewer 2003) och färgblindsäker palett för problemområden (Okabe & Ito 2008).",
        "Colours: sequential yellow–orange–red scale (ColorBrewer YlOrRd, Brewer 2003) and a colour-blind-safe palette for problem areas (Okabe & Ito 2008).",
    ),
    (
        "privacy.internal",
        "Intern version: kartor och lager visar enskilda händelsers positioner, och tabellerna innehåller även små antal. Brottsuppgifter är personuppgifter – sprid inte den här versionen utanför polisen och de som ingår i samverkan. Skapa en publik version med --public.",
        "Internal version: maps and layers show the positions of single incidents, and tables include small counts. Crime records are personal data – do not share this version beyond the police and the partners in the joint work. Make a public version with --public.",
    ),
    (
        "privacy.public",
        "Publik version: inga enskilda händelsers positioner eller id finns i någon fil; kartor visar bara rutor med minst {n} händelser; alla antal mellan 1 och {n} minus ett redovisas som \"<{n}\" (tomma celler i CSV, null i JSON). Summor visas; i en rad med en enda undertryckt cell kan den räknas fram ur summan.",
        "Public version: no single incident's position or id is in any file; maps show only grid cells with at least {n} incidents; every count from 1 to {n} minus one is given as \"<{n}\" (empty in CSV, null in JSON). Totals are shown; in a row with a single suppressed cell it can be worked out from the total.",
    ),
    (
        "files.intro",
        "Kartor (PNG och SVG) finns i maps/, lager som GeoJSON (WGS 84) för QGIS i layers/, tabeller som CSV i tables/. summary.json innehåller parametrar och resultat, manifest.json verktygsversion, parametrar och kontrollsummor (SHA-256) för indatafilerna.",
        "Maps (PNG and SVG) are in maps/, layers as GeoJSON (WGS 84) for QGIS in layers/, tables as CSV in tables/. summary.json holds parameters and results, manifest.json the tool version, parameters and checksums (SHA-256) of the input files.",
    ),
    (
        "step.basemap",
        "läser baskarta och skolor",
        "reading basemap and schools",
    ),
    ("step.count", "räknar händelser", "counting incidents"),
    ("step.charts", "ritar diagram", "drawing charts"),
    ("step.maps", "ritar kartor", "drawing maps"),
    ("step.write", "skriver rapporten", "writing the report"),
    ("done.written", "Rapporten är klar:", "Report written:"),
];

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Translator for one language.
#[derive(Clone, Debug)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
    /// Its number format.
    pub loc: Locale,
}

impl Tr {
    /// Texts in `lang`.
    pub fn new(lang: Lang) -> Self {
        let loc = match lang {
            Lang::Sv => Locale::SV,
            Lang::En => Locale::EN,
        };
        Self { lang, loc }
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        TEXTS.iter().find(|e| e.0 == key).map(|e| match self.lang {
            Lang::Sv => e.1,
            Lang::En => e.2,
        })
    }

    /// The text for `key`; an unknown key comes back marked `⟦key⟧` (tests look for it).
    pub fn t(&self, key: &str) -> &'static str {
        self.lookup(key).unwrap_or("⟦missing text⟧")
    }

    /// The text for `key`, or `fallback` (for keys built from data, e.g. reject reasons).
    pub fn t_or(&self, key: &str, fallback: &str) -> String {
        self.lookup(key)
            .map(str::to_string)
            .unwrap_or_else(|| fallback.to_string())
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A date: `3 mars 2025` / `3 March 2025`.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let m = d.month0() as usize;
        match self.lang {
            Lang::Sv => format!("{} {} {}", d.day(), MONTHS_SV[m], d.year()),
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        }
    }

    /// A short month label: `mar 2025` / `Mar 2025`.
    pub fn month_short(&self, year: i32, month: u32) -> String {
        let m = (month.clamp(1, 12) - 1) as usize;
        let name = match self.lang {
            Lang::Sv => MONTHS_SV[m],
            Lang::En => MONTHS_EN[m],
        };
        format!("{} {}", name.chars().take(3).collect::<String>(), year)
    }

    /// Weekday abbreviation, Monday = 0.
    pub fn weekday_short(&self, d: usize) -> &'static str {
        match self.lang {
            Lang::Sv => DAYS_SV[d % 7],
            Lang::En => DAYS_EN[d % 7],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, sv, en) in TEXTS {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!sv.trim().is_empty() && !en.trim().is_empty(), "{k}");
            // Placeholders match between the languages.
            let ph = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            assert_eq!(ph(sv), ph(en), "placeholders of {k}");
        }
    }

    #[test]
    fn every_key_used_by_the_report_is_in_the_table() {
        let src = include_str!("../report.rs");
        let prefixes = [
            "areas", "cap", "chart", "col", "data", "done", "fig", "files", "footer", "label",
            "legend", "map", "method", "missing", "mode", "period", "privacy", "public", "schools",
            "sec", "step", "sub", "summary", "title", "toc",
        ];
        let mut used = 0;
        for part in src.split('"').skip(1).step_by(2) {
            let is_key = part == "toc"
                || part.split_once('.').is_some_and(|(p, rest)| {
                    prefixes.contains(&p)
                        && !rest.is_empty()
                        && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
            if is_key && part != "summary.json" {
                used += 1;
                for lang in [Lang::Sv, Lang::En] {
                    assert!(
                        Tr::new(lang).lookup(part).is_some(),
                        "key {part} has no {lang:?} text"
                    );
                }
            }
        }
        assert!(used > 50, "only {used} keys found: the scan is broken");
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert_eq!(Tr::new(Lang::Sv).date(d), "3 mars 2025");
        assert_eq!(Tr::new(Lang::En).date(d), "3 March 2025");
        assert_eq!(Tr::new(Lang::Sv).loc.num(1234.5, 1), "1\u{a0}234,5");
        assert_eq!(Tr::new(Lang::En).loc.num(1234.5, 1), "1,234.5");
        assert_eq!(Tr::new(Lang::Sv).month_short(2025, 5), "maj 2025");
        assert_eq!(Tr::new(Lang::Sv).t("no.such.key"), "⟦missing text⟧");
    }
}
