//! The situation report ("lägesbild") of `hotspot`, rendered: one run from a [`Situation`] to an
//! output folder — for the citizen promise, in Swedish or English, as a self-contained
//! `report.html` with maps (PNG and SVG), every layer as RFC 7946 GeoJSON and in `layers.gpkg`,
//! the interactive `map.html`, tables as CSV, `summary.json` and a run manifest.
//!
//! The analysis is the library's: [`hotspot::situation()`] computes every figure as one value and
//! [`hotspot::disclosure`] decides what public mode may show; this crate only draws, translates
//! and writes what it is given (the `hotspot` binary is a thin caller of it, as ripgrep's binary
//! is of its library crates).
//!
//! A run has three steps:
//! 1. [`Config::read`] reads `report.toml` (every key is also a flag of `hotspot report`) and
//!    [`Settings::resolve`] checks it, with errors naming the key the user wrote;
//! 2. [`Report::prepare`] refuses an output folder that holds an input and opens its staging
//!    folder beside it (see [`hotspot::output::OutputDir`]);
//! 3. the caller reads the incidents ([`Report::incidents`], with its own ingest options) and
//!    [`Report::write`] runs the situation, draws the maps and charts, writes every file and puts
//!    the folder in place as a whole, with `manifest.json` listing what it wrote.
//!
//! Public mode (`public = true`) leaves out incident positions and suppresses counts below
//! `min_count` everywhere; see `docs/report.md`. Errors are typed ([`Error`]); progress goes to
//! the caller's [`Progress`].

mod answer;
mod at_risk;
mod closeup;
mod config;
mod error;
mod followup;
mod geocoding;
mod html;
mod i18n;
mod layers_out;
mod patrol_oos;
mod perception;
mod progress;
mod repeats;
mod school_times;
mod sections;

pub use config::{FileConfig as Config, Lang, Settings};
pub use error::{Error, Result};
pub use progress::{Progress, Silent};

use error::ResultExt as _;
use geo::{LineString, MultiPolygon, Polygon};
use hotspot::basemap::{Basemap, BasemapSources, NameLang};
use hotspot::categories::{CategoryTable, ProblemArea};
use hotspot::crs::Projector;
use hotspot::disclosure::Suppress;
use hotspot::output::{OutFeature, write_geojson};
use hotspot::situation::{Outcome, Situation, SituationInput, Skip};
use hotspot_render::{
    AreaLayer, Bar, BarChart, BasemapLayer, BasemapLegend, CellLayer, Chart, Class, Colour,
    ColourScale, HeatTable, Layer, MapSpec, PointLayer, Series, Size, StackedBars, Symbol, palette,
};
use html::Block;
use i18n::Tr;
use progress::{Context, step};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Width (CSS px) at which `report.html` shows a figure (its text column; `html.rs` CSS).
const FIGURE_PX: u32 = 855;

/// Above this many incidents the maps show the count grid instead of one dot per incident.
const MAX_DOTS: usize = 20_000;

/// Files written, relative to the output folder, for the manifest and the report.
#[derive(Default)]
struct Written(Vec<String>, Vec<(String, Vec<OutFeature>)>);

impl Written {
    fn add(&mut self, out: &Path, p: &Path) {
        let rel = p.strip_prefix(out).unwrap_or(p);
        self.0.push(rel.to_string_lossy().replace('\\', "/"));
    }
}

/// Everything the report is drawn from: the situation (every analysis, from the library) and the
/// presentation settings and basemap.
struct Run {
    s: Settings,
    tr: Tr,
    sup: Suppress,
    sit: Situation,
    projector: Projector,
    boundary: Option<MultiPolygon<f64>>,
    basemap: Basemap,
    schools: Vec<(String, [f64; 2])>,
    crs_name: String,
    config_dir: PathBuf,
}

/// A report being written: the settings resolved, the output folder checked and its staging
/// folder created beside it. [`Report::write`] draws and writes everything into the staging folder
/// and puts it in place; dropped before that, the staging folder is removed and an earlier report
/// in the output folder is untouched.
pub struct Report {
    config: PathBuf,
    s: Settings,
    params: hotspot::situation::SituationParams,
    final_out: PathBuf,
    dir: hotspot::output::OutputDir,
}

/// What [`Report::write`] wrote.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Finished {
    /// The report's page, `report.html` in the output folder.
    pub report_html: PathBuf,
    /// The output folder.
    pub folder: PathBuf,
    /// Files in the output folder that no earlier report wrote, kept (with `force`).
    pub kept_unknown: usize,
    /// "Report written:" in the report's language, for the caller's last line.
    pub done_label: &'static str,
}

impl Report {
    /// Checks the output folder `settings.out` and opens its staging folder (with `maps/`,
    /// `layers/` and `tables/`). `config` is the config file (hashed into the manifest; input
    /// paths in `summary.json` are given relative to its folder). `aoristic` is the time zone and
    /// longest time span the incidents are read with (the weekday x hour weights and the patrol
    /// windows use them). `force` writes into a folder that holds files no earlier report wrote
    /// (they are kept).
    ///
    /// # Errors
    /// An output folder that is or holds an input, or that holds foreign files without `force`
    /// ([`hotspot::Error::InvalidParameter`] naming `--out`); a folder that cannot be created.
    pub fn prepare(
        config: &Path,
        settings: Settings,
        aoristic: hotspot::temporal::AoristicOptions,
        force: bool,
    ) -> Result<Self> {
        let mut s = settings;
        let mut params = s.situation_params()?;
        // The aoristic weights of the patrol windows use the zone and span the times are read with.
        params.aoristic = aoristic;
        // The folder is written as a whole (see `hotspot::output::OutputDir`): every file goes into
        // a staging folder beside `--out`, which replaces the earlier report only once complete.
        let final_out = s.out.clone();
        layers_out::refuse_input_in_out(config, &s, &final_out)?;
        let dir = hotspot::output::OutputDir::create(&final_out, force)?;
        s.out = dir.staging().to_path_buf();
        for sub in ["maps", "layers", "tables"] {
            std::fs::create_dir_all(s.out.join(sub))
                .with_context(|| format!("cannot create {}", s.out.join(sub).display()))?;
        }
        Ok(Self {
            config: config.to_path_buf(),
            s,
            params,
            final_out,
            dir,
        })
    }

    /// The settings (with `out` the staging folder being written).
    pub fn settings(&self) -> &Settings {
        &self.s
    }

    /// The incident file to read (`incidents`).
    pub fn incidents(&self) -> &Path {
        &self.s.incidents
    }

    /// The study-area file (`boundary`), which the incidents are read with.
    pub fn boundary(&self) -> Option<&Path> {
        self.s.boundary.as_deref()
    }

    /// Runs the situation on `data` (the incidents read from [`Report::incidents`] within
    /// [`Report::boundary`]), renders every section, writes the files and puts the output folder
    /// in place.
    ///
    /// # Errors
    /// An input that cannot be read (categories, basemap, schools, `at_risk`, follow-up and
    /// perception files), an analysis error, a public file that fails the disclosure check, or a
    /// file that cannot be written.
    pub fn write(self, data: &hotspot::ingest::Ingested, ctx: &dyn Progress) -> Result<Finished> {
        write(self, data, ctx)
    }
}

/// [`Report::write`]: the situation, every section, the files, the folder put in place.
fn write(report: Report, data: &hotspot::ingest::Ingested, ctx: &Context) -> Result<Finished> {
    let Report {
        config,
        s,
        params,
        final_out,
        mut dir,
    } = report;
    let tr = Tr::new(s.lang);

    // 1. Projection, categories, boundary (the incidents are read by the caller).
    let projector = Projector::new(data.report.crs)?;
    let table = match &s.categories {
        Some(p) => CategoryTable::read(p)?,
        None => CategoryTable::default_table(),
    };
    let boundary = data.study_area.as_ref().map(|a| a.polygons().clone());

    // 2. Basemap and schools.
    let (basemap, schools) = step(ctx, tr.t("step.basemap"), || {
        let basemap = Basemap::read(
            &BasemapSources {
                places: s.places.clone(),
                roads: s.roads.clone(),
                water: s.water.clone(),
                buildings: s.buildings.clone(),
            },
            &projector,
        )?;
        for sk in &basemap.skipped {
            ctx.note(&format!(
                "{}: feature {} left out of the {} layer: {}",
                sk.path.display(),
                sk.feature,
                sk.layer,
                sk.reason
            ));
        }
        let schools = match &s.schools {
            Some(p) => hotspot::schools::read_schools(p, &projector)?,
            None => Vec::new(),
        };
        Ok((basemap, schools))
    })?;

    // 3. Every analysis, in the library.
    let water_area = (!basemap.water.is_empty()).then(|| {
        MultiPolygon(
            basemap
                .water
                .iter()
                .flat_map(|m| m.0.iter().cloned())
                .collect(),
        )
    });
    let at_risk_area = s
        .at_risk
        .as_deref()
        .map(|p| {
            hotspot::ingest::layers::read_polygons(p, &projector)
                .with_context(|| format!("reading the at_risk polygons {}", p.display()))
        })
        .transpose()?;
    let input = SituationInput {
        data,
        categories: &table,
        schools: &schools,
        water: water_area.as_ref(),
        at_risk: at_risk_area.as_ref(),
        basemap: Some(&basemap),
        name_lang: match s.lang {
            Lang::Sv => NameLang::Sv,
            Lang::En => NameLang::En,
        },
        followup: s.followup.as_ref(),
        perception: s.perception.as_ref(),
    };
    let sit = step(ctx, tr.t("step.analyses"), || {
        Ok(hotspot::situation(input, &params)?)
    })?;
    hotspot::disclosure::check(&sit)?;
    let run = Run {
        crs_name: crs_label(data.report.crs),
        config_dir: config.parent().map(Path::to_path_buf).unwrap_or_default(),
        s,
        tr,
        sup: sit.suppress,
        projector,
        boundary,
        basemap,
        schools: schools
            .iter()
            .map(|s| (s.name.clone(), s.location()))
            .collect(),
        sit,
    };
    let dir_unknown = dir.unknown_files().to_vec();
    let mut written = Written::default();
    let mut blocks = build(ctx, &run, &mut written)?;
    step(ctx, run.tr.t("step.write"), || {
        layers_out::write_gpkg(&run, &mut written)?;
        layers_out::write_map(&run, &mut written, &title(&run))
    })?;
    // The interactive map is linked right after the summary figures.
    let link = Block::Link {
        href: "map.html".into(),
        text: if run.s.lang.code() == "sv" {
            "Interaktiv karta (map.html): zooma, slå av och på lager, klicka för siffror".into()
        } else {
            "Interactive map (map.html): zoom, switch layers, click for figures".into()
        },
    };
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Figures(_)))
        .map_or(blocks.len(), |i| i + 1);
    blocks.insert(at, link);

    // Summary, manifest, HTML.
    let out = run.s.out.clone();
    step(ctx, run.tr.t("step.write"), || {
        let summary = summary_json(&run);
        let p = out.join("summary.json");
        hotspot::output::write_atomic(&p, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("cannot write {}", p.display()))?;
        written.add(&out, &p);
        let p = out.join("report.html");
        written.add(&out, &p);
        let p_manifest = out.join("manifest.json");
        written.add(&out, &p_manifest);
        written.1.clear();
        blocks.push(Block::Heading("files".into(), run.tr.t("sec.files").into()));
        blocks.push(Block::Para(run.tr.t("files.intro").into()));
        blocks.push(Block::List(written.0.clone()));
        if run.s.lang == Lang::En {
            blocks.insert(0, Block::Para(run.tr.t("label.given_note").into()));
        }
        let html = html::document(
            run.s.lang.code(),
            &title(&run),
            // The page marks the source as given by its italics (`mark_given`); " (as given)"
            // stays on the maps, which cannot.
            &subtitle(&run).replace(as_given(&run), ""),
            run.tr.t(if run.s.public {
                "mode.public"
            } else {
                "mode.internal"
            }),
            run.tr.t("toc"),
            &blocks,
            &format!(
                "{} hotspot {}",
                run.tr.t("footer.made_with"),
                env!("CARGO_PKG_VERSION")
            ),
        );
        // The English report marks the names taken from the input as given (see `given_texts`).
        let html = match run.s.lang {
            Lang::En => html::mark_given(&html, &given_texts(&run), "sv"),
            Lang::Sv => html,
        };
        hotspot::output::write_atomic(&p, html)
            .with_context(|| format!("cannot write {}", p.display()))?;
        let manifest = manifest_json(&run, &config, &written.0)?;
        hotspot::output::write_atomic(&p_manifest, serde_json::to_string_pretty(&manifest)?)
            .with_context(|| format!("cannot write {}", p_manifest.display()))?;
        for rel in &written.0 {
            dir.record(rel)?;
        }
        Ok(())
    })?;
    // One library check of every public file before the folder is put in place.
    hotspot::disclosure::check_files(dir.staging(), &run.sit)?;
    dir.commit()?;
    Ok(Finished {
        report_html: final_out.join("report.html"),
        folder: final_out,
        kept_unknown: dir_unknown.len(),
        done_label: run.tr.t("done.written"),
    })
}

fn title(run: &Run) -> String {
    match &run.s.title {
        Some(t) => t.clone(),
        None if run.s.place.is_empty() => run.tr.t("title.default").to_string(),
        None => format!("{} {}", run.tr.t("title.default"), run.s.place),
    }
}

fn period_text(run: &Run) -> String {
    let span = run.sit.incidents.time_span();
    let from = run.s.from.or(span.as_ref().and_then(|(a, _)| a.date()));
    let to = run.s.to.or(span.as_ref().and_then(|(_, b)| b.date()));
    match (from, to) {
        // Public: a bound taken from the data is given as its month (it would date an incident).
        (Some(a), Some(b)) if run.s.public => {
            let d = |d: chrono::NaiveDate, set: Option<chrono::NaiveDate>| {
                if set.is_some() {
                    run.tr.date(d)
                } else {
                    run.tr.month_long(d)
                }
            };
            format!("{} – {}", d(a, run.s.from), d(b, run.s.to))
        }
        (Some(a), Some(b)) => format!("{} – {}", run.tr.date(a), run.tr.date(b)),
        _ => run.tr.t("period.unknown").to_string(),
    }
}

/// Marks text taken from the config as written by the user: in the English report
/// " (as given)" (it is usually Swedish), nothing in the Swedish one.
fn as_given(run: &Run) -> &'static str {
    match run.s.lang {
        Lang::En => " (as given)",
        Lang::Sv => "",
    }
}

/// The texts the report shows as the user gave them, not translated: the title and source of
/// the config, the names of places, roads, schools and follow-up zones, and the incidents'
/// category names. The English report marks them in its text ([`html::mark_given`]).
fn given_texts(run: &Run) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    v.extend(run.s.title.iter().cloned());
    if !run.s.source.is_empty() {
        v.push(run.s.source.clone());
    }
    v.extend(run.basemap.places.iter().map(|p| p.name.clone()));
    v.extend(run.basemap.roads.iter().filter_map(|r| r.name.clone()));
    v.extend(run.schools.iter().map(|s| s.0.clone()));
    v.extend(run.sit.incidents.category_names().iter().cloned());
    if let Outcome::Done(f) = &run.sit.followup {
        v.extend(f.followup.zones.iter().cloned());
    }
    v
}

fn subtitle(run: &Run) -> String {
    let mut parts = vec![format!(
        "{}: {}",
        run.tr.t("label.period"),
        period_text(run)
    )];
    if !run.s.source.is_empty() {
        parts.push(format!(
            "{}: {}{}",
            run.tr.t("label.source"),
            run.s.source,
            as_given(run)
        ));
    }
    parts.push(format!("{}: {}", run.tr.t("label.crs"), run.crs_name));
    parts.join(" · ")
}

fn area_name(tr: &Tr, a: ProblemArea) -> &'static str {
    match tr.lang {
        Lang::Sv => a.name_sv(),
        Lang::En => a.name_en(),
    }
}

/// A count as text, or the suppression marker.
fn count_text(run: &Run, c: u64) -> String {
    match run.sup.count(c) {
        Some(v) => run.tr.loc.int(v),
        None => format!("<{}", run.s.min_count),
    }
}

fn count_value(run: &Run, c: u64) -> Value {
    match run.sup.count(c) {
        Some(v) => json!(v),
        None => Value::Null,
    }
}

fn basemap_layers(run: &Run) -> Vec<Layer> {
    let tr = &run.tr;
    let mut layers = Vec::new();
    if let Some(b) = &run.boundary {
        layers.push(Layer::Area(AreaLayer::new(
            tr.t("legend.boundary"),
            vec![b.clone()],
            Some(Colour::rgb(250, 250, 246)),
            Some(palette::BOUNDARY),
        )));
    }
    if !run.basemap.is_empty() {
        let mut bm = BasemapLayer::new(&run.basemap);
        // Public maps label places and roads like internal ones: names are of the basemap, not
        // of incidents.
        bm.legend = BasemapLegend {
            water: if run.basemap.water.is_empty() {
                String::new()
            } else {
                tr.t("legend.water").into()
            },
            buildings: String::new(),
            major_roads: if run.basemap.roads.is_empty() {
                String::new()
            } else {
                tr.t("legend.roads").into()
            },
            streets: String::new(),
        };
        layers.push(Layer::Basemap(bm));
    }
    layers
}

fn school_layer(run: &Run) -> Option<Layer> {
    if run.schools.is_empty() {
        return None;
    }
    Some(Layer::Points(PointLayer {
        title: String::new(),
        points: run.schools.iter().map(|s| s.1).collect(),
        class: vec![0; run.schools.len()],
        classes: vec![Class::new(run.tr.t("legend.school"), palette::SCHOOL)],
        radius_pt: 3.2,
        symbol: Symbol::Square,
        labels: run.schools.iter().map(|s| s.0.clone()).collect(),
    }))
}

pub(crate) fn area_classes(tr: &Tr) -> Vec<Class> {
    ProblemArea::ALL
        .iter()
        .enumerate()
        .map(|(k, a)| {
            Class::new(
                area_name(tr, *a),
                palette::QUALITATIVE[if k == 5 { 7 } else { k }],
            )
        })
        .collect()
}

/// The count grid as a classed cell layer; in public mode cells below the threshold are left out.
fn grid_layer(run: &Run, spec: hotspot::grid::GridSpec, counts: &[u64]) -> Option<Layer> {
    let min = if run.s.public {
        run.s.min_count.max(1)
    } else {
        1
    };
    let vals: Vec<u64> = counts.iter().copied().filter(|c| *c >= min).collect();
    if vals.is_empty() {
        return None;
    }
    let max = vals.iter().copied().max().unwrap_or(min);
    // Class bounds: min, then doubling steps up to the max (at most 6 classes).
    let mut bounds = vec![min];
    while bounds.len() < 6 {
        let next = (bounds[bounds.len() - 1] * 2).max(bounds[bounds.len() - 1] + 1);
        if next > max {
            break;
        }
        bounds.push(next);
    }
    let colours = ColourScale::YlOrRd.classes(bounds.len());
    let classes: Vec<Class> = bounds
        .iter()
        .enumerate()
        .map(|(k, lo)| {
            let label = match bounds.get(k + 1) {
                Some(hi) if *hi - 1 > *lo => {
                    format!("{}–{}", run.tr.loc.int(*lo), run.tr.loc.int(hi - 1))
                }
                Some(_) => run.tr.loc.int(*lo),
                None => format!("≥ {}", run.tr.loc.int(*lo)),
            };
            Class::new(label, colours[k].with_alpha(0.9).over_white())
        })
        .collect();
    let cells = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c >= min)
        .map(|(i, c)| {
            let (col, row) = spec.col_row(i);
            (col, row, bounds.partition_point(|b| b <= c) - 1)
        })
        .collect();
    Some(Layer::Cells(CellLayer {
        title: format!(
            "{} ({} × {} m)",
            run.tr.t("legend.grid"),
            run.tr.loc.num(spec.cell_m, 0),
            run.tr.loc.num(spec.cell_m, 0)
        ),
        spec,
        cells,
        classes,
    }))
}

fn base_map(run: &Run, title: String) -> MapSpec {
    let attribution = if run.s.source.is_empty() {
        run.tr.t("map.attribution").to_string()
    } else {
        format!(
            "{}: {}{}. {}",
            run.tr.t("label.source"),
            run.s.source,
            as_given(run),
            run.tr.t("map.attribution")
        )
    };
    MapSpec {
        title,
        subtitle: subtitle(run),
        attribution,
        legend_title: run.tr.t("legend.title").into(),
        extent: run.sit.extent,
        layers: basemap_layers(run),
        north: "N".into(),
        note: if run.s.public {
            run.tr
                .fmt("map.public_note", &[("n", &run.s.min_count.to_string())])
        } else {
            String::new()
        },
    }
}

/// Renders a map to SVG (returned, for the HTML) and PNG (screen, and A4 when `print`).
fn render_map(run: &Run, name: &str, map: &MapSpec, written: &mut Written) -> Result<String> {
    let out = &run.s.out;
    // Drawn at the size the HTML shows it (the figure column is 855 px wide), so that no map text
    // is below 11 px on screen.
    let (svg, _) = map.render_svg(Size::shown_at(FIGURE_PX))?;
    let p = out.join("maps").join(format!("{name}.svg"));
    hotspot::output::write_atomic(&p, &svg)
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(out, &p);
    let p = out.join("maps").join(format!("{name}.png"));
    map.render_png(Size::SCREEN, &p)?;
    written.add(out, &p);
    if run.s.print {
        let p = out.join("maps").join(format!("{name}_a4.png"));
        map.render_png(Size::A4_LANDSCAPE_300DPI, &p)?;
        written.add(out, &p);
    }
    Ok(svg)
}

fn render_chart(run: &Run, name: &str, chart: &Chart, written: &mut Written) -> Result<String> {
    let out = &run.s.out;
    // Drawn at the width the HTML shows it, text at least 11 px (as the maps).
    let mut base = Size::shown_at(FIGURE_PX);
    base.height = FIGURE_PX * 7 / 12;
    let size = chart.suggested_size(base);
    let svg = chart.render_svg(size)?;
    let p = out.join("maps").join(format!("{name}.svg"));
    hotspot::output::write_atomic(&p, &svg)
        .with_context(|| format!("cannot write {}", p.display()))?;
    written.add(out, &p);
    let p = out.join("maps").join(format!("{name}.png"));
    chart.render_png(size, &p)?;
    written.add(out, &p);
    Ok(svg)
}

fn write_csv(
    run: &Run,
    name: &str,
    head: &[&str],
    rows: &[Vec<String>],
    written: &mut Written,
) -> Result<()> {
    let p = run.s.out.join("tables").join(format!("{name}.csv"));
    // Text cells from input (categories, names) made spreadsheet-safe (CSV injection).
    let mut w = hotspot::output::SafeCsv::create(&p)
        .with_context(|| format!("cannot write {}", p.display()))?;
    w.write_record(head)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.finish()?;
    written.add(&run.s.out, &p);
    Ok(())
}

/// CSV cells carry plain numbers (no locale) so spreadsheets and scripts read them; suppressed = empty.
fn csv_count(run: &Run, c: u64) -> String {
    run.sup.count(c).map(|v| v.to_string()).unwrap_or_default()
}

fn write_layer(
    run: &Run,
    name: &str,
    features: &[OutFeature],
    written: &mut Written,
) -> Result<()> {
    let p = run.s.out.join("layers").join(format!("{name}.geojson"));
    write_geojson(&p, features, &run.projector)?;
    written.add(&run.s.out, &p);
    // Kept for layers.gpkg and map.html (layers_out).
    written.1.push((name.to_string(), features.to_vec()));
    Ok(())
}

/// `layers/incidents.geojson`, streamed feature by feature (a million
/// incidents would need gigabytes as one in-memory collection). Same format as
/// `hotspot::output::write_geojson`: RFC 7946, lon/lat rounded to 7 decimals.
fn write_incidents_layer(run: &Run, written: &mut Written) -> Result<()> {
    use std::io::Write;
    let p = run.s.out.join("layers").join("incidents.geojson");
    let f = hotspot::output::AtomicFile::create(&p)
        .with_context(|| format!("cannot write {}", p.display()))?;
    let mut w = std::io::BufWriter::new(f);
    let r7 = |v: f64| (v * 1e7).round() / 1e7;
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
    for i in 0..run.sit.incidents.len() {
        if i > 0 {
            w.write_all(b",")?;
        }
        let [x, y] = run.sit.incidents.position(i);
        let [lon, lat] = run.projector.to_lonlat(x, y)?;
        let feat = json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r7(lon), r7(lat)]},
            "properties": {
                "id": run.sit.incidents.ids()[i],
                "category": run.sit.incidents.category(i),
                "area": run.sit.classification.area(i).id(),
                "time": run.sit.incidents.times()[i].as_ref().map(|t| t.to_display_string()),
            },
        });
        serde_json::to_writer(&mut w, &feat)?;
    }
    w.write_all(b"]}")?;
    w.into_inner()
        .map_err(|e| Error::Write {
            path: p.clone(),
            source: e.into_error(),
        })?
        .commit()?;
    written.add(&run.s.out, &p);
    Ok(())
}

fn props(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Builds every section, writing maps, charts, tables and layers as it goes.
fn build(ctx: &Context, run: &Run, written: &mut Written) -> Result<Vec<Block>> {
    let tr = &run.tr;
    let c = &run.sit.counts;
    let mut b = Vec::new();

    // Answer first: what to do, then the evidence.
    b.extend(answer::blocks(run));
    b.push(Block::PrintNote(tr.t("print.note").into()));

    // Summary figures.
    b.push(Block::Heading("summary".into(), tr.t("sec.summary").into()));
    let top_area = ProblemArea::PROMISE
        .iter()
        .max_by_key(|a| (c.by_area[a.index()], std::cmp::Reverse(a.index())))
        .copied();
    b.push(Block::Figures(vec![
        (tr.t("fig.incidents").into(), count_text(run, c.total)),
        (
            tr.t("fig.rejected").into(),
            count_text(run, run.sit.rejected.iter().map(|r| r.1).sum()),
        ),
        (tr.t("fig.promise_share").into(), {
            let promise: u64 = ProblemArea::PROMISE
                .iter()
                .map(|a| c.by_area[a.index()])
                .sum();
            if c.total > 0 {
                format!(
                    "{} %",
                    tr.loc.num(100.0 * promise as f64 / c.total as f64, 0)
                )
            } else {
                "–".into()
            }
        }),
        (
            tr.t("fig.top_area").into(),
            top_area
                .map(|a| area_name(tr, a).to_string())
                .unwrap_or_default(),
        ),
    ]));
    b.push(Block::Para(tr.fmt(
        "summary.text",
        &[
            ("period", &period_text(run)),
            ("n", &count_text(run, c.total)),
        ],
    )));
    if run.s.public {
        b.push(Block::Note(
            tr.fmt("public.banner", &[("n", &run.s.min_count.to_string())]),
        ));
    }

    // Data and what was rejected.
    b.push(Block::Heading("data".into(), tr.t("sec.data").into()));
    b.push(Block::Para(
        tr.fmt(
            "data.text",
            &[
                (
                    "file",
                    &run.s
                        .incidents
                        .file_name()
                        .map(|f| f.to_string_lossy().to_string())
                        .unwrap_or_default(),
                ),
                ("read", &tr.loc.int(run.sit.rows_read)),
                (
                    "accepted",
                    &tr.loc
                        .int(run.sit.rows_read - run.sit.rejected.iter().map(|r| r.1).sum::<u64>()),
                ),
                ("crs", &run.crs_name),
            ],
        ),
    ));
    b.extend(geocoding::blocks(run));
    let rej_rows: Vec<Vec<String>> = run
        .sit
        .rejected
        .iter()
        .map(|(r, n)| vec![tr.t_or(&format!("reject.{r}"), r), count_text(run, *n)])
        .collect();
    if rej_rows.is_empty() {
        b.push(Block::Para(tr.t("data.none_rejected").into()));
    } else {
        b.push(Block::Table {
            head: vec![tr.t("col.reason").into(), tr.t("col.rows").into()],
            rows: rej_rows,
            numeric: vec![false, true],
        });
    }
    write_csv(
        run,
        "rejected",
        &["reason", "rows"],
        &run.sit
            .rejected
            .iter()
            .map(|(r, n)| vec![r.clone(), csv_count(run, *n)])
            .collect::<Vec<_>>(),
        written,
    )?;
    if run.sit.outside_period > 0 {
        b.push(Block::Para(tr.fmt(
            "data.outside_period",
            &[("n", &count_text(run, run.sit.outside_period))],
        )));
    }
    if c.without_time > 0 || c.without_hour > 0 {
        b.push(Block::Para(tr.fmt(
            "data.time_gaps",
            &[
                ("none", &count_text(run, c.without_time)),
                ("nohour", &count_text(run, c.without_hour)),
            ],
        )));
    }
    if !run.sit.unknown_categories.is_empty() {
        let n: usize = run.sit.unknown_categories.iter().map(|u| u.1).sum();
        b.push(Block::Para(tr.fmt(
            "data.unknown_categories",
            &[
                ("k", &run.sit.unknown_categories.len().to_string()),
                ("n", &count_text(run, n as u64)),
            ],
        )));
    }

    // Problem areas.
    b.push(Block::Heading("areas".into(), tr.t("sec.areas").into()));
    b.push(Block::Para(tr.t("areas.intro").into()));
    let area_rows: Vec<Vec<String>> = ProblemArea::ALL
        .iter()
        .map(|a| {
            let n = c.by_area[a.index()];
            let share = if c.total > 0 && run.sup.count(n).is_some() {
                format!("{} %", tr.loc.num(100.0 * n as f64 / c.total as f64, 1))
            } else {
                "–".into()
            };
            vec![area_name(tr, *a).to_string(), count_text(run, n), share]
        })
        .collect();
    b.push(Block::Table {
        head: vec![
            tr.t("col.area").into(),
            tr.t("col.incidents").into(),
            tr.t("col.share").into(),
        ],
        rows: area_rows,
        numeric: vec![false, true, true],
    });
    write_csv(
        run,
        "problem_areas",
        &["area", "name", "incidents"],
        &ProblemArea::ALL
            .iter()
            .map(|a| {
                vec![
                    a.id().to_string(),
                    area_name(tr, *a).to_string(),
                    csv_count(run, c.by_area[a.index()]),
                ]
            })
            .collect::<Vec<_>>(),
        written,
    )?;

    let svg = step(ctx, tr.t("step.charts"), || {
        let months: Vec<String> = c
            .months
            .iter()
            .map(|(y, m)| tr.month_short(*y, *m))
            .collect();
        let series = ProblemArea::ALL
            .iter()
            .enumerate()
            .map(|(k, a)| Series {
                name: area_name(tr, *a).to_string(),
                colour: palette::QUALITATIVE[if k == 5 { 7 } else { k }],
                values: c
                    .monthly
                    .iter()
                    .map(|m| run.sup.count(m[a.index()]).map(|v| v as f64))
                    .collect(),
            })
            .filter(|s| s.values.iter().any(|v| v.is_none_or(|x| x > 0.0)))
            .collect();
        let monthly = Chart::StackedBars(StackedBars {
            title: tr.t("chart.monthly").into(),
            x_labels: months,
            series,
            y_label: tr.t("chart.incidents").into(),
            note: if run.s.public {
                tr.fmt(
                    "chart.suppressed_note",
                    &[("n", &run.s.min_count.to_string())],
                )
            } else {
                String::new()
            },
            locale: tr.loc,
        });
        let monthly_svg = render_chart(run, "chart_monthly", &monthly, written)?;
        let top: Vec<&(String, ProblemArea, u64)> = c.by_category.iter().take(15).collect();
        let cats = Chart::Bars(BarChart {
            title: tr.t("chart.categories").into(),
            bars: top
                .iter()
                .map(|(name, a, n)| Bar {
                    label: name.clone(),
                    value: run.sup.count(*n).map(|v| v as f64),
                    colour: palette::QUALITATIVE[if a.index() == 5 { 7 } else { a.index() }],
                })
                .collect(),
            suppressed: format!("<{}", run.s.min_count),
            note: if c.by_category.len() > 15 {
                tr.fmt(
                    "chart.top_categories",
                    &[("k", &c.by_category.len().to_string())],
                )
            } else {
                String::new()
            },
            locale: tr.loc,
        });
        let cats_svg = render_chart(run, "chart_categories", &cats, written)?;
        let heat = match run.sit.week_hour.done() {
            Some(t) => aoristic_heat_chart(run, tr.t("chart.heat"), t),
            None => heat_chart(run, tr.t("chart.heat"), &c.hour_weekday),
        };
        let heat_svg = render_chart(run, "chart_hour_weekday", &heat, written)?;
        Ok((monthly_svg, cats_svg, heat_svg))
    })?;
    b.push(Block::Figure {
        svg: svg.1,
        caption: tr.t("cap.categories").into(),
    });
    write_csv(
        run,
        "categories",
        &["category", "area", "incidents"],
        &c.by_category
            .iter()
            .map(|(n, a, k)| vec![n.clone(), a.id().to_string(), csv_count(run, *k)])
            .collect::<Vec<_>>(),
        written,
    )?;
    b.push(Block::Sub(tr.t("sub.time").into()));
    b.push(Block::Figure {
        svg: svg.0,
        caption: tr.t("cap.monthly").into(),
    });
    let mut rows = Vec::new();
    for (k, (y, m)) in c.months.iter().enumerate() {
        let mut r = vec![format!("{y:04}-{m:02}")];
        r.extend(
            ProblemArea::ALL
                .iter()
                .map(|a| csv_count(run, c.monthly[k][a.index()])),
        );
        rows.push(r);
    }
    let mut head = vec!["month"];
    head.extend(ProblemArea::ALL.iter().map(|a| a.id()));
    write_csv(run, "monthly", &head, &rows, written)?;
    b.push(Block::Figure {
        svg: svg.2,
        caption: tr.t("cap.heat").into(),
    });
    if let Some(t) = run.sit.week_hour.done() {
        b.push(Block::Para(time_use_text(run, &t.totals)));
    }
    let mut rows = Vec::new();
    for (d, hours) in c.hour_weekday.iter().enumerate() {
        let mut r = vec![tr.weekday_short(d).to_string()];
        match run.sit.week_hour.done() {
            // Aoristic weights, 3 decimals; suppressed cells empty.
            Some(t) => r.extend(t.weights[d].iter().map(|&w| {
                run.sit
                    .weight_shown(w)
                    .map(|w| format!("{w:.3}"))
                    .unwrap_or_default()
            })),
            None => r.extend(hours.iter().map(|v| csv_count(run, *v))),
        }
        rows.push(r);
    }
    let hh: Vec<String> = (0..24).map(|h| format!("h{h:02}")).collect();
    let mut head = vec!["weekday"];
    head.extend(hh.iter().map(|s| s.as_str()));
    write_csv(run, "hour_weekday", &head, &rows, written)?;

    // Overview map.
    b.push(Block::Heading("map".into(), tr.t("sec.map").into()));
    let (gspec, gcounts) = (run.sit.grid.spec, &run.sit.grid.counts[..]);
    let dots = !run.s.public && run.sit.incidents.len() <= MAX_DOTS;
    let (svg, centre_svg) = step(ctx, tr.t("step.maps"), || {
        let mut map = base_map(
            run,
            tr.t(if dots {
                "map.overview"
            } else {
                "map.overview_grid"
            })
            .into(),
        );
        if dots {
            map.layers.push(Layer::Points(PointLayer {
                title: tr.t("legend.incidents").into(),
                points: (0..run.sit.incidents.len())
                    .map(|i| run.sit.incidents.position(i))
                    .collect(),
                class: (0..run.sit.incidents.len())
                    .map(|i| run.sit.classification.area(i).index())
                    .collect(),
                classes: area_classes(tr),
                radius_pt: if run.sit.incidents.len() > 2000 {
                    1.2
                } else {
                    1.8
                },
                symbol: Symbol::Dot,
                labels: Vec::new(),
            }));
        } else if let Some(l) = grid_layer(run, gspec, gcounts) {
            map.layers.push(l);
        }
        if let Some(l) = school_layer(run) {
            map.layers.push(l);
        }
        let overview = render_map(run, "overview", &map, written)?;
        // The densest part at a closer scale: 4 km x 2.8 km around the busiest grid cell.
        let centre = match centre_extent(&gspec, gcounts) {
            Some(e) if (run.sit.extent[2] - run.sit.extent[0]) > 6000.0 => {
                map.extent = e;
                map.title = format!("{} – {}", map.title, tr.t("map.centre"));
                Some(render_map(run, "centre", &map, written)?)
            }
            _ => None,
        };
        Ok((overview, centre))
    })?;
    let cap = tr.t(if dots {
        "cap.overview_dots"
    } else {
        "cap.overview_grid"
    });
    b.push(Block::Figure {
        svg,
        caption: cap.into(),
    });
    if let Some(svg) = centre_svg {
        b.push(Block::Figure {
            svg,
            caption: format!("{} {}", tr.t("cap.centre"), cap),
        });
    }

    // Layers: boundary, schools, count grid, incidents (internal only).
    if let Some(bd) = &run.boundary {
        write_layer(
            run,
            "boundary",
            &[OutFeature {
                geometry: bd.clone().into(),
                properties: Map::new(),
            }],
            written,
        )?;
    }
    let min = if run.s.public {
        run.s.min_count.max(1)
    } else {
        1
    };
    let grid_features: Vec<OutFeature> = gcounts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c >= min)
        .map(|(i, c)| {
            let (col, row) = gspec.col_row(i);
            let [x0, y0, x1, y1] = gspec.cell_bounds(col, row);
            let poly = Polygon::new(
                LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                vec![],
            );
            OutFeature {
                geometry: poly.into(),
                properties: props(&[("incidents", json!(c)), ("cell_m", json!(gspec.cell_m))]),
            }
        })
        .collect();
    write_layer(run, "count_grid", &grid_features, written)?;
    if !run.s.public {
        step(ctx, tr.t("step.layers"), || {
            write_incidents_layer(run, written)
        })?;
    }
    if !run.schools.is_empty() {
        let feats: Vec<OutFeature> = run
            .schools
            .iter()
            .map(|(n, p)| OutFeature {
                geometry: geo::Point::new(p[0], p[1]).into(),
                properties: props(&[("name", json!(n))]),
            })
            .collect();
        write_layer(run, "schools", &feats, written)?;
    }

    // Hotspots (kernel density).
    b.push(Block::Heading(
        "hotspots".into(),
        tr.t("sec.hotspots").into(),
    ));
    let dens = match &run.sit.density {
        Outcome::Done(d) => Some(d),
        Outcome::Failed(e) => {
            b.push(Block::Note(tr.fmt("kde.failed", &[("e", e.as_str())])));
            None
        }
        Outcome::Skipped(_) => None,
    };
    if let Some(d) = dens {
        sections::hotspots(ctx, run, d, &mut b, written)?;
    }
    match &run.sit.gi_star {
        Outcome::Done(g) => sections::gi_star(ctx, run, g, &mut b, written)?,
        Outcome::Failed(e) => b.push(Block::Note(tr.fmt("gi.failed", &[("e", e.as_str())]))),
        Outcome::Skipped(_) => {}
    }
    // Incident clusters: HDBSCAN is O(n log n) but heavy; above CLUSTER_LIMIT the situation skips it.
    match &run.sit.clusters {
        Outcome::Done(cl) => sections::clusters(ctx, run, cl, &mut b, written)?,
        Outcome::Failed(e) => b.push(Block::Note(tr.fmt("clusters.failed", &[("e", e.as_str())]))),
        Outcome::Skipped(Skip::TooMany(limit)) => {
            b.push(Block::Sub(tr.t("sub.clusters").into()));
            b.push(Block::Note(
                tr.fmt("clusters.skipped", &[("n", &tr.loc.int(*limit as u64))]),
            ));
        }
        Outcome::Skipped(_) => {}
    }

    // Schools.
    b.push(Block::Heading("schools".into(), tr.t("sec.schools").into()));
    match &run.sit.schools_report {
        Outcome::Done(rep) => sections::schools(ctx, run, rep, dens, &mut b, written)?,
        Outcome::Skipped(Skip::NoBoundary) => {
            b.push(Block::Note(tr.t("schools.no_boundary").into()))
        }
        Outcome::Failed(e) => b.push(Block::Note(e.clone())),
        Outcome::Skipped(_) => b.push(Block::Para(tr.t("schools.none").into())),
    }

    // Patrol zones.
    b.push(Block::Heading("patrol".into(), tr.t("sec.patrol").into()));
    match &run.sit.patrol {
        Outcome::Done(pat) => sections::patrol(ctx, run, pat, dens, &mut b, written)?,
        Outcome::Failed(e) => b.push(Block::Note(e.clone())),
        Outcome::Skipped(_) => b.push(Block::Para(tr.t("patrol.none").into())),
    }

    repeats::section(run, &mut b);
    followup::section(ctx, run, &mut b, written)?;
    perception::section(ctx, run, &mut b, written)?;

    // Methods and privacy.
    b.push(Block::Heading("methods".into(), tr.t("sec.methods").into()));
    b.push(Block::List(vec![
        tr.t("method.ingest").into(),
        tr.t("method.categories").into(),
        tr.fmt("method.grid", &[("m", &tr.loc.num(run.s.grid_m, 0))]),
        tr.t("method.kde").into(),
        tr.t("method.gi").into(),
        tr.fmt(
            "method.clusters",
            &[(
                "m",
                &hotspot::situation::cluster_min_size(run.sit.incidents.len()).to_string(),
            )],
        ),
        tr.t("method.schools").into(),
        tr.t("method.patrol").into(),
        patrol_oos::method_note(run),
        tr.t("method.colours").into(),
    ]));
    b.push(Block::Heading("privacy".into(), tr.t("sec.privacy").into()));
    if run.s.public {
        b.push(Block::Para(
            tr.fmt("privacy.public", &[("n", &run.s.min_count.to_string())]),
        ));
    } else {
        b.push(Block::Note(tr.t("privacy.internal").into()));
    }
    Ok(b)
}

/// A 4 km x 2.8 km extent centred on the cell with the most incidents.
fn centre_extent(spec: &hotspot::grid::GridSpec, counts: &[u64]) -> Option<[f64; 4]> {
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))?;
    if *n == 0 {
        return None;
    }
    let (c, r) = spec.col_row(best);
    let [x, y] = spec.centre(c, r);
    Some([x - 2000.0, y - 1400.0, x + 2000.0, y + 1400.0])
}

fn crs_label(crs: hotspot::Crs) -> String {
    match crs.epsg() {
        3006 => "SWEREF 99 TM (EPSG:3006)".to_string(),
        4326 => "WGS 84 (EPSG:4326)".to_string(),
        _ => crs.name(),
    }
}

/// The weekday x hour chart from the library's aoristic table (Ratcliffe 2002): exact times weigh
/// 1 in their hour, from/to intervals spread 1 over their hours; public mode hides weights that are
/// positive but below `min_count`.
fn aoristic_heat_chart(run: &Run, title: &str, t: &hotspot::temporal::WeekHourTable) -> Chart {
    let tr = &run.tr;
    let mut note = if run.s.public {
        tr.fmt(
            "chart.heat_note_public",
            &[("n", &run.s.min_count.to_string())],
        )
    } else {
        tr.t("chart.heat_note").to_string()
    };
    if t.totals.interval > 0 {
        note.push(' ');
        note.push_str(tr.t("chart.heat_note_aoristic"));
    }
    Chart::Heat(HeatTable {
        title: title.to_string(),
        row_labels: (0..7).map(|d| tr.weekday_short(d).to_string()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        values: t
            .weights
            .iter()
            .map(|r| r.iter().map(|&w| run.sit.weight_shown(w)).collect())
            .collect(),
        suppressed: "·".into(),
        note,
        locale: tr.loc,
    })
}

/// How the incidents' times were used in the weekday x hour chart, one sentence.
fn time_use_text(run: &Run, t: &hotspot::temporal::TimeTotals) -> String {
    time_use_sentence(&run.tr, t, run.sit.params.aoristic.max_span_days, |c| {
        count_text(run, c)
    })
}

/// [`time_use_text`] with the counts written by `count`; the clause on intervals longer than the
/// maximum span (`max_span_days`) is left out when there are none.
fn time_use_sentence(
    tr: &Tr,
    t: &hotspot::temporal::TimeTotals,
    max_span_days: f64,
    count: impl Fn(u64) -> String,
) -> String {
    let too_long_clause = if t.too_long == 0 {
        String::new()
    } else {
        tr.fmt(
            "data.time_use_too_long",
            &[
                ("too_long", &count(t.too_long)),
                ("days", &max_span_days.to_string()),
            ],
        )
    };
    tr.fmt(
        "data.time_use",
        &[
            ("exact", &count(t.exact)),
            ("interval", &count(t.interval)),
            ("unknown", &count(t.unknown)),
            ("too_long_clause", &too_long_clause),
            ("no_hour", &count(t.no_hour)),
            ("no_time", &count(t.no_time)),
        ],
    )
}

fn heat_chart(run: &Run, title: &str, hw: &[[u64; 24]; 7]) -> Chart {
    let tr = &run.tr;
    Chart::Heat(HeatTable {
        title: title.to_string(),
        row_labels: (0..7).map(|d| tr.weekday_short(d).to_string()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        values: hw
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| run.sup.count(*v).map(|x| x as f64))
                    .collect()
            })
            .collect(),
        suppressed: "·".into(),
        note: if run.s.public {
            tr.fmt(
                "chart.heat_note_public",
                &[("n", &run.s.min_count.to_string())],
            )
        } else {
            tr.t("chart.heat_note").into()
        },
        locale: tr.loc,
    })
}

fn summary_json(run: &Run) -> Value {
    let mut v = summary_json_exact(run);
    if run.s.public {
        hotspot::disclosure::month_precision(&mut v);
    }
    v
}

fn summary_json_exact(run: &Run) -> Value {
    json!({
        "tool": "hotspot",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": if run.s.public { "public" } else { "internal" },
        "recommendations": run.sit.recommendations_value(),
        "parameters": params_json(run),
        "period": run.sit.period_value(),
        "crs": run.crs_name,
        "counts": run.sit.counts_value(),
        "analyses": &run.sit,
        "suppression": {
            "public": run.s.public,
            "min_count": run.s.min_count,
        },
    })
}

/// The settings for summary.json and the manifest, with input paths relative to
/// the config's folder and without the output folder, so two runs of the same
/// config into different folders write identical files.
fn params_json(run: &Run) -> Value {
    let mut v = serde_json::to_value(&run.s).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("out");
        for (_, x) in m.iter_mut() {
            if let Some(p) = x.as_str().map(PathBuf::from)
                && let Ok(rel) = p.strip_prefix(&run.config_dir)
            {
                *x = json!(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    v
}

fn sha256_file(p: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", p.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn manifest_json(run: &Run, config: &Path, files: &[String]) -> Result<Value> {
    let mut inputs = Map::new();
    let s = &run.s;
    for (role, p) in [
        ("config", Some(config.to_path_buf())),
        ("incidents", Some(s.incidents.clone())),
        ("boundary", s.boundary.clone()),
        ("schools", s.schools.clone()),
        ("places", s.places.clone()),
        ("roads", s.roads.clone()),
        ("water", s.water.clone()),
        ("buildings", s.buildings.clone()),
        ("categories", s.categories.clone()),
        (
            "perceived",
            s.perception.as_ref().map(|p| p.perceived.clone()),
        ),
    ] {
        if let Some(p) = p {
            if s.public {
                // The public manifest names its inputs but gives no hash: a hash confirms a
                // guessed incident file.
                inputs.insert(
                    role.to_string(),
                    json!({"file": p.file_name().map(|f| f.to_string_lossy().to_string())}),
                );
                continue;
            }
            inputs.insert(
                role.to_string(),
                json!({"file": p.file_name().map(|f| f.to_string_lossy().to_string()), "sha256": sha256_file(&p)?}),
            );
        }
    }
    Ok(json!({
        "tool": "hotspot",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "report",
        "seed": s.seed,
        "parameters": params_json(run),
        "inputs": inputs,
        "outputs": files,
    }))
}

#[cfg(test)]
mod time_use_tests {
    use super::*;

    #[test]
    fn the_too_long_clause_is_dropped_when_none_is_too_long() {
        let mut t = hotspot::temporal::TimeTotals {
            incidents: 10,
            exact: 6,
            interval: 2,
            unknown: 2,
            no_time: 1,
            no_hour: 1,
            too_long: 0,
        };
        for lang in [Lang::Sv, Lang::En] {
            let tr = Tr::new(lang);
            let s = time_use_sentence(&tr, &t, 14.0, |c| c.to_string());
            assert!(!s.contains("längre") && !s.contains("longer"), "{s}");
            assert!(!s.contains('{'), "{s}");
            assert!(s.contains("(1 "), "{s}");
        }
        t.too_long = 3;
        t.unknown = 5;
        let sv = time_use_sentence(&Tr::new(Lang::Sv), &t, 7.0, |c| c.to_string());
        assert!(
            sv.contains(
                "(3 med ett intervall längre än det längsta tillåtna, 7 dygn; 1 med bara datum"
            ),
            "{sv}"
        );
        let en = time_use_sentence(&Tr::new(Lang::En), &t, 7.0, |c| c.to_string());
        assert!(
            en.contains(
                "(3 with an interval longer than the longest allowed, 7 days; 1 with a date only"
            ),
            "{en}"
        );
    }
}
