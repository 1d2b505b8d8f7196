//! Maps: optional layers in working-CRS metres, drawn in order, with a legend
//! entry for every layer drawn, a scale bar, a north arrow, a title, a
//! subtitle and an attribution line.
//!
//! Layout (all sizes in points, see [`Size`]): title and subtitle on top, the
//! map frame on the left, the legend on the right, the attribution line
//! under the map. The map keeps equal scale in x and y (it is a projected CRS
//! in metres), centred on the requested extent. Labels (school names, area
//! labels, patrol-zone rank numbers) are placed greedily so they do not
//! collide; see [`RenderStats`] for how many were dropped.

use crate::draw::{Canvas, H, V};
use crate::error::{RenderError, Result, draw_err};
use crate::labels::{BoxPx, Placer, around_centre, around_point};
use crate::style::{Colour, ColourScale, Size};
use geo::{InteriorPoint, LineString, MultiPolygon, Polygon, TriangulateEarcut};
use hotspot::grid::Raster;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One class of a classified layer: its legend text and colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    /// Legend text.
    pub label: String,
    /// Fill colour.
    pub colour: Colour,
}

impl Class {
    /// A class.
    pub fn new(label: impl Into<String>, colour: Colour) -> Self {
        Self {
            label: label.into(),
            colour,
        }
    }
}

/// Point symbol shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Symbol {
    /// Filled circle (incidents).
    #[default]
    Dot,
    /// Filled square with white outline (schools).
    Square,
}

/// Polygons (boundary, water, hotspots, school zones, cluster hulls).
#[derive(Clone, Debug, PartialEq)]
pub struct AreaLayer {
    /// Legend text; empty = no legend entry (e.g. a background layer).
    pub legend: String,
    /// The areas, metres.
    pub areas: Vec<MultiPolygon<f64>>,
    /// Fill; `None` for outline only.
    pub fill: Option<Colour>,
    /// Outline colour.
    pub stroke: Option<Colour>,
    /// Outline width, points.
    pub stroke_pt: f64,
    /// Optional label per area (same order as `areas`; empty = none).
    pub labels: Vec<String>,
}

impl AreaLayer {
    /// Areas with a fill and outline (0.8 pt) and no labels.
    pub fn new(
        legend: impl Into<String>,
        areas: Vec<MultiPolygon<f64>>,
        fill: Option<Colour>,
        stroke: Option<Colour>,
    ) -> Self {
        Self {
            legend: legend.into(),
            areas,
            fill,
            stroke,
            stroke_pt: 0.8,
            labels: Vec::new(),
        }
    }
}

/// Lines (roads, rivers).
#[derive(Clone, Debug, PartialEq)]
pub struct LineLayer {
    /// Legend text; empty = no legend entry.
    pub legend: String,
    /// The lines, metres.
    pub lines: Vec<LineString<f64>>,
    /// Colour.
    pub colour: Colour,
    /// Width, points.
    pub width_pt: f64,
}

/// Points in classes (incidents by problem area; schools).
#[derive(Clone, Debug, PartialEq)]
pub struct PointLayer {
    /// Legend heading (empty = none; a single-class layer then shows its class label).
    pub title: String,
    /// Points `[x, y]` in metres.
    pub points: Vec<[f64; 2]>,
    /// Class index of each point (into `classes`).
    pub class: Vec<usize>,
    /// The classes.
    pub classes: Vec<Class>,
    /// Symbol radius, points.
    pub radius_pt: f64,
    /// Symbol shape.
    pub symbol: Symbol,
    /// Optional label per point (empty vector or empty strings = none).
    pub labels: Vec<String>,
}

/// A classed surface (kernel density): values at or above `breaks[k]` (and
/// below `breaks[k+1]`) get `colours[k]`; values below `breaks[0]` and NaN are
/// not drawn (transparent).
#[derive(Clone, Debug, PartialEq)]
pub struct SurfaceLayer {
    /// Legend heading (e.g. "Density, incidents per km²").
    pub title: String,
    /// The raster.
    pub raster: Raster,
    /// Class lower bounds, increasing.
    pub breaks: Vec<f64>,
    /// One colour per class (drawn opaque: blend with [`Colour::over_white`] for a light look).
    pub colours: Vec<Colour>,
    /// One legend text per class.
    pub labels: Vec<String>,
}

impl SurfaceLayer {
    /// A surface in `n` classes above `threshold` with quantile breaks of the
    /// values at or above the threshold (so each class covers about as many
    /// cells), coloured from `scale` at opacity 0.85 over white.
    /// `fmt` writes a break value for the legend.
    ///
    /// # Errors
    /// [`RenderError::Invalid`] for `n` outside 1..=9 or a non-finite threshold.
    pub fn classed(
        title: impl Into<String>,
        raster: Raster,
        threshold: f64,
        n: usize,
        scale: ColourScale,
        fmt: impl Fn(f64) -> String,
    ) -> Result<Self> {
        if !(1..=9).contains(&n) {
            return Err(RenderError::invalid("classes", n, "use 1 to 9 classes"));
        }
        if !threshold.is_finite() {
            return Err(RenderError::invalid(
                "threshold",
                threshold,
                "the threshold must be finite",
            ));
        }
        let mut vals: Vec<f64> = raster
            .values
            .iter()
            .copied()
            .filter(|v| !v.is_nan() && *v >= threshold && *v > 0.0)
            .collect();
        vals.sort_by(f64::total_cmp);
        let mut breaks: Vec<f64> = Vec::new();
        if !vals.is_empty() {
            breaks.push(threshold.max(vals[0]));
            for k in 1..n {
                let q = vals[(k * vals.len() / n).min(vals.len() - 1)];
                if breaks.last().is_some_and(|b| q > *b) {
                    breaks.push(q);
                }
            }
        }
        let colours: Vec<Colour> = scale
            .classes(breaks.len())
            .into_iter()
            .map(|c| c.with_alpha(0.85).over_white())
            .collect();
        let max = vals.last().copied().unwrap_or(threshold);
        let labels = (0..breaks.len())
            .map(|k| {
                let hi = breaks.get(k + 1).copied().unwrap_or(max);
                format!("{} – {}", fmt(breaks[k]), fmt(hi))
            })
            .collect();
        Ok(Self {
            title: title.into(),
            raster,
            breaks,
            colours,
            labels,
        })
    }

    /// A diverging surface for changes (after minus before): seven classes
    /// symmetric about zero with doubling widths, `< −4s`, `−4s – −2s`,
    /// `−2s – −s`, `−s – s`, `s – 2s`, `2s – 4s`, `≥ 4s`, where `s` is the
    /// largest absolute value divided by 8, rounded up to 1, 2, 2.5 or 5 × 10ⁿ
    /// (so the symmetric limits `±8s` cover every value, and small changes
    /// still show next to one extreme cell). Colours run blue (falls) –
    /// white – red (rises) on [`ColourScale::BuRd`]; the centre class (no
    /// notable change) is transparent so the basemap shows through. NaN cells
    /// are not drawn. A surface with no non-zero finite value gets no classes
    /// (nothing drawn, no legend entry). `fmt` writes a break value.
    pub fn diverging(
        title: impl Into<String>,
        raster: Raster,
        fmt: impl Fn(f64) -> String,
    ) -> Self {
        let max_abs = raster
            .values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let (breaks, colours, labels) = if max_abs > 0.0 {
            let s = nice_ceil(max_abs / 8.0);
            let breaks = vec![
                f64::NEG_INFINITY,
                -4.0 * s,
                -2.0 * s,
                -s,
                s,
                2.0 * s,
                4.0 * s,
            ];
            let colours = (0..7)
                .map(|k| {
                    if k == 3 {
                        Colour::rgb(255, 255, 255).with_alpha(0.0)
                    } else {
                        ColourScale::BuRd
                            .at(k as f64 / 6.0)
                            .with_alpha(0.9)
                            .over_white()
                    }
                })
                .collect();
            let labels = (0..7)
                .map(|k| match k {
                    0 => format!("< {}", fmt(-4.0 * s)),
                    6 => format!("≥ {}", fmt(4.0 * s)),
                    _ => format!("{} – {}", fmt(breaks[k]), fmt(breaks[k + 1])),
                })
                .collect();
            (breaks, colours, labels)
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Self {
            title: title.into(),
            raster,
            breaks,
            colours,
            labels,
        }
    }

    fn class_of(&self, v: f64) -> Option<usize> {
        if v.is_nan() || self.breaks.is_empty() || v < self.breaks[0] {
            return None;
        }
        Some(self.breaks.partition_point(|b| *b <= v).saturating_sub(1))
    }
}

/// The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `v > 0`.
fn nice_ceil(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * p)
        .find(|c| *c >= v * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// Classified grid cells (Gi* hot and cold spots): `(col, row, class)`.
#[derive(Clone, Debug, PartialEq)]
pub struct CellLayer {
    /// Legend heading.
    pub title: String,
    /// The grid.
    pub spec: hotspot::grid::GridSpec,
    /// Cells to draw with their class index; cells not listed are not drawn.
    pub cells: Vec<(usize, usize, usize)>,
    /// The classes.
    pub classes: Vec<Class>,
}

/// One recommended patrol zone.
#[derive(Clone, Debug, PartialEq)]
pub struct PatrolZone {
    /// Zone outline, metres.
    pub area: MultiPolygon<f64>,
    /// Rank (1 = highest priority), drawn as a numbered badge.
    pub rank: u32,
    /// Optional text beside the badge (e.g. the recommended times).
    pub label: String,
}

/// Patrol zones with rank numbers and an optional route through them.
#[derive(Clone, Debug, PartialEq)]
pub struct PatrolLayer {
    /// Legend text for the zones.
    pub legend: String,
    /// The zones.
    pub zones: Vec<PatrolZone>,
    /// Route through the zones, metres.
    pub route: Option<LineString<f64>>,
    /// Legend text for the route.
    pub route_legend: String,
    /// Colour of outlines, badges and route.
    pub colour: Colour,
}

/// A map layer.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// Polygons.
    Area(AreaLayer),
    /// Lines.
    Lines(LineLayer),
    /// Points.
    Points(PointLayer),
    /// Classed surface.
    Surface(SurfaceLayer),
    /// Classified grid cells.
    Cells(CellLayer),
    /// Patrol zones and route.
    Patrol(PatrolLayer),
    /// Basemap (water, buildings, roads, place and road names); put it under
    /// the data layers. Its labels are placed after the data's labels.
    Basemap(crate::basemap::BasemapLayer),
}

/// Running bounding box `[min_x, min_y, max_x, max_y]`.
#[derive(Clone, Copy)]
struct Bounds([f64; 4]);

impl Bounds {
    fn new() -> Self {
        Self([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ])
    }
    fn add(&mut self, x: f64, y: f64) {
        if x.is_finite() && y.is_finite() {
            let b = &mut self.0;
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    }
    fn add_rect(&mut self, r: Option<geo::Rect<f64>>) {
        if let Some(r) = r {
            self.add(r.min().x, r.min().y);
            self.add(r.max().x, r.max().y);
        }
    }
    fn get(self) -> Option<[f64; 4]> {
        self.0[0].is_finite().then_some(self.0)
    }
}

impl Layer {
    /// The bounding box `[min_x, min_y, max_x, max_y]` (metres) of what this
    /// layer draws: every polygon, line and point; the cells of a surface
    /// that fall in a drawn (not transparent) class; the listed cells of a
    /// cell layer; patrol zones and their route. `None` when it draws nothing.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        use geo::BoundingRect;
        let mut b = Bounds::new();
        match self {
            Layer::Area(a) => a.areas.iter().for_each(|mp| b.add_rect(mp.bounding_rect())),
            Layer::Lines(l) => l.lines.iter().for_each(|ls| b.add_rect(ls.bounding_rect())),
            Layer::Points(p) => p.points.iter().for_each(|q| b.add(q[0], q[1])),
            Layer::Surface(sf) => {
                let spec = sf.raster.spec;
                for (i, v) in sf.raster.values.iter().enumerate() {
                    if let Some(k) = sf.class_of(*v)
                        && sf.colours.get(k).is_some_and(|c| c.a > 0.0)
                    {
                        let (c, r) = spec.col_row(i);
                        let [x0, y0, x1, y1] = spec.cell_bounds(c, r);
                        b.add(x0, y0);
                        b.add(x1, y1);
                    }
                }
            }
            Layer::Cells(cl) => {
                for &(c, r, _) in &cl.cells {
                    if c < cl.spec.cols && r < cl.spec.rows {
                        let [x0, y0, x1, y1] = cl.spec.cell_bounds(c, r);
                        b.add(x0, y0);
                        b.add(x1, y1);
                    }
                }
            }
            Layer::Patrol(pl) => {
                pl.zones
                    .iter()
                    .for_each(|z| b.add_rect(z.area.bounding_rect()));
                if let Some(r) = &pl.route {
                    b.add_rect(r.bounding_rect());
                }
            }
            Layer::Basemap(bm) => {
                if let Some([x0, y0, x1, y1]) = bm.bounds() {
                    b.add(x0, y0);
                    b.add(x1, y1);
                }
            }
        }
        b.get()
    }
}

/// The extent that shows every given layer whole: the union of their
/// [`Layer::bounds`] grown by `margin_m` metres on every side. `None` when
/// no layer draws anything.
///
/// ```
/// use hotspot_render::{layers_extent, Class, Colour, Layer, PointLayer, Symbol};
/// let pts = Layer::Points(PointLayer {
///     title: String::new(),
///     points: vec![[0.0, 0.0], [1000.0, 500.0]],
///     class: vec![0, 0],
///     classes: vec![Class::new("School", Colour::hex(0x1b7837))],
///     radius_pt: 3.0,
///     symbol: Symbol::Square,
///     labels: Vec::new(),
/// });
/// assert_eq!(layers_extent([&pts], 100.0), Some([-100.0, -100.0, 1100.0, 600.0]));
/// ```
pub fn layers_extent<'a>(
    layers: impl IntoIterator<Item = &'a Layer>,
    margin_m: f64,
) -> Option<[f64; 4]> {
    let mut b = Bounds::new();
    for l in layers {
        if let Some([x0, y0, x1, y1]) = l.bounds() {
            b.add(x0, y0);
            b.add(x1, y1);
        }
    }
    let m = if margin_m.is_finite() {
        margin_m.max(0.0)
    } else {
        0.0
    };
    b.get()
        .map(|[x0, y0, x1, y1]| [x0 - m, y0 - m, x1 + m, y1 + m])
}

/// A map: extent, layers (drawn in order) and texts.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    /// Title.
    pub title: String,
    /// Subtitle (period, data source, CRS).
    pub subtitle: String,
    /// Attribution line under the map.
    pub attribution: String,
    /// Legend heading.
    pub legend_title: String,
    /// Area to show `[min_x, min_y, max_x, max_y]` in metres.
    pub extent: [f64; 4],
    /// Layers, bottom first.
    pub layers: Vec<Layer>,
    /// Letter on the north arrow.
    pub north: String,
    /// Note drawn at the bottom of the legend (e.g. what public mode suppressed).
    pub note: String,
}

impl Default for MapSpec {
    fn default() -> Self {
        Self {
            title: String::new(),
            subtitle: String::new(),
            attribution: String::new(),
            legend_title: String::new(),
            extent: [0.0, 0.0, 1000.0, 1000.0],
            layers: Vec::new(),
            north: "N".into(),
            note: String::new(),
        }
    }
}

/// What a render did: legend entries drawn, labels placed and dropped, scale bar text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderStats {
    /// Legend texts in drawing order (headings and entries).
    pub legend_entries: Vec<String>,
    /// Labels placed without collision.
    pub labels_placed: usize,
    /// Labels left out because every candidate position collided.
    pub labels_dropped: usize,
    /// Scale bar length text (e.g. "2 km").
    pub scale_bar: String,
    /// The map frame in pixels `[x0, y0, x1, y1]` (y down).
    pub frame_px: [f64; 4],
    /// Every label placed without collision, in placing order.
    pub labels: Vec<PlacedLabel>,
    /// Where the overview (locator map) of a [`crate::CloseUp`] was drawn in the
    /// legend column, pixels `[x0, y0, x1, y1]`; `None` for a plain map or when
    /// the legend left no room for it.
    pub locator_px: Option<[f64; 4]>,
    /// Legend entries that did not fit in the legend column (0 when all were drawn).
    pub legend_cut: usize,
}

/// What kind of label a [`PlacedLabel`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// A patrol zone's rank badge.
    Badge,
    /// The text beside a patrol badge.
    BadgeText,
    /// A data point's label (school names).
    Point,
    /// An area's label (cluster ids, school zones).
    Area,
    /// A basemap place name.
    Place,
    /// A basemap road name.
    Road,
}

/// A label as placed: its text, kind and box in pixels `[x0, y0, x1, y1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    /// The text (the rank for badges).
    pub text: String,
    /// Its kind.
    pub kind: LabelKind,
    /// Its box, pixels, y down.
    pub px: [f64; 4],
}

/// Pixel transform of the map frame.
#[derive(Clone, Copy, Debug)]
pub(crate) struct View {
    ex0: f64,
    ey1: f64,
    s: f64,
    frame: BoxPx,
}

impl View {
    pub(crate) fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.frame.x0 + (x - self.ex0) * self.s,
            self.frame.y0 + (self.ey1 - y) * self.s,
        )
    }
    fn ring(&self, ls: &LineString<f64>) -> Vec<(f64, f64)> {
        ls.0.iter().map(|c| self.px(c.x, c.y)).collect()
    }
}

enum Swatch {
    Heading,
    /// The 3 x 3 bivariate square: colours in legend order (top row first), x and y axis texts.
    Square3([Colour; 9], String, String),
    Fill(Option<Colour>, Option<Colour>),
    Line(Colour, f64),
    Point(Symbol, Colour),
    Badge(Colour),
}

impl MapSpec {
    /// Renders the map as an SVG document.
    ///
    /// # Errors
    /// [`RenderError::Invalid`] for a bad extent or size; [`RenderError::Draw`] from the backend.
    pub fn render_svg(&self, size: Size) -> Result<(String, RenderStats)> {
        size.check()?;
        crate::font::ensure_registered()?;
        let mut out = String::new();
        let stats = {
            let root =
                SVGBackend::with_string(&mut out, (size.width, size.height)).into_drawing_area();
            let stats = self.draw(&root, size)?;
            root.present().map_err(draw_err)?;
            stats
        };
        Ok((out, stats))
    }

    /// Renders the map as a PNG file.
    ///
    /// # Errors
    /// As [`MapSpec::render_svg`]; [`RenderError::Io`] when the file cannot be written.
    pub fn render_png(&self, size: Size, path: &Path) -> Result<RenderStats> {
        size.check()?;
        crate::font::ensure_registered()?;
        crate::atomic::png_atomic(path, |tmp| {
            let root = crate::text::GlyphFix(BitMapBackend::new(tmp, (size.width, size.height)))
                .into_drawing_area();
            let stats = self.draw(&root, size)?;
            root.present().map_err(|e| crate::error::png_err(path, e))?;
            Ok(stats)
        })
    }

    fn check(&self) -> Result<()> {
        let [a, b, c, d] = self.extent;
        if !(a.is_finite() && b.is_finite() && c.is_finite() && d.is_finite()) || a > c || b > d {
            return Err(RenderError::invalid(
                "extent",
                format!("{:?}", self.extent),
                "the map extent must be finite with min <= max",
            ));
        }
        Ok(())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        size: Size,
    ) -> Result<RenderStats> {
        self.draw_with(root, size, None, true)
    }

    /// Draws the map on `root`. With `chrome` false only the map frame's
    /// content is drawn over the whole area (no title, legend, labels, scale
    /// bar or north arrow: a locator map). With `locator`, that map is drawn
    /// small at the bottom of the legend column, under its title.
    pub(crate) fn draw_with<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        size: Size,
        locator: Option<&MapSpec>,
        chrome: bool,
    ) -> Result<RenderStats> {
        self.check()?;
        let cv = Canvas { area: root, size };
        root.fill(&WHITE).map_err(draw_err)?;
        let (w, h) = (size.width as f64, size.height as f64);
        let m = cv.px(12.0);

        // Bands: title and subtitle on top, attribution at the bottom, legend on the right.
        let title_h = cv.px(16.0) * 1.35;
        let sub_lines = if self.subtitle.is_empty() {
            Vec::new()
        } else {
            cv.wrap(&self.subtitle, 9.5, false, w - 2.0 * m)?
        };
        let top = m + title_h + sub_lines.len() as f64 * cv.px(9.5) * 1.35 + cv.px(6.0);
        let bottom = h - m - cv.px(7.0) * 1.6;
        let legend_w = (w * 0.24).max(cv.px(150.0)).min(w * 0.4);
        let frame = if chrome {
            BoxPx::new(m, top, w - legend_w - 2.0 * m, bottom - cv.px(4.0))
        } else {
            BoxPx::new(1.0, 1.0, w - 1.0, h - 1.0)
        };

        // Fit the extent (equal scale), padded to at least 200 m.
        let [mut x0, mut y0, mut x1, mut y1] = self.extent;
        for (lo, hi) in [(&mut x0, &mut x1), (&mut y0, &mut y1)] {
            if *hi - *lo < 200.0 {
                let c = (*lo + *hi) / 2.0;
                *lo = c - 100.0;
                *hi = c + 100.0;
            }
        }
        let fw = frame.x1 - frame.x0;
        let fh = frame.y1 - frame.y0;
        let s = (fw / (x1 - x0)).min(fh / (y1 - y0));
        let cx = (x0 + x1) / 2.0;
        let cy = (y0 + y1) / 2.0;
        let view = View {
            ex0: cx - fw / (2.0 * s),
            ey1: cy + fh / (2.0 * s),
            s,
            frame,
        };

        let stats = RenderStats::default();
        let mut legend: Vec<(Swatch, String)> = Vec::new();
        let mut placer = Placer::new(frame);

        // Decorations inside the frame are obstacles for labels: reserve them first.
        let scale = ScaleBar::choose(fw / s);
        let sb_box = BoxPx::new(
            frame.x0 + cv.px(6.0),
            frame.y1 - cv.px(30.0),
            frame.x0 + cv.px(14.0) + scale.len_m * s + cv.px(30.0),
            frame.y1 - cv.px(4.0),
        );
        placer.block(sb_box);
        let na_box = BoxPx::new(
            frame.x1 - cv.px(30.0),
            frame.y0 + cv.px(4.0),
            frame.x1 - cv.px(4.0),
            frame.y0 + cv.px(40.0),
        );
        placer.block(na_box);

        // Labels are drawn after all layers, in priority order.
        let mut badges: Vec<(f64, f64, String, Colour, String)> = Vec::new();
        let mut point_labels: Vec<(f64, f64, f64, String)> = Vec::new();
        let mut area_labels: Vec<(f64, f64, String)> = Vec::new();
        let mut base_labels: Vec<crate::basemap::BaseLabel> = Vec::new();
        let mut stats = stats;
        stats.frame_px = [frame.x0, frame.y0, frame.x1, frame.y1];

        for layer in &self.layers {
            match layer {
                Layer::Basemap(bm) => {
                    for (sw, text) in draw_basemap(&cv, &view, bm)? {
                        legend.push((sw, text));
                    }
                    base_labels.extend(crate::basemap::labels(
                        bm,
                        |x, y| view.px(x, y),
                        &frame,
                        fw / s,
                    ));
                }
                Layer::Area(a) => {
                    for mp in &a.areas {
                        draw_multipolygon(&cv, &view, mp, a.fill, a.stroke, a.stroke_pt)?;
                    }
                    for (mp, l) in a.areas.iter().zip(&a.labels) {
                        if let (false, Some(p)) = (l.is_empty(), mp.interior_point()) {
                            let (px, py) = view.px(p.x(), p.y());
                            area_labels.push((px, py, l.clone()));
                        }
                    }
                    if !a.legend.is_empty() && !a.areas.is_empty() {
                        legend.push((Swatch::Fill(a.fill, a.stroke), a.legend.clone()));
                    }
                }
                Layer::Lines(l) => {
                    for ls in &l.lines {
                        cv.line(&view.ring(ls), l.colour, l.width_pt)?;
                    }
                    if !l.legend.is_empty() && !l.lines.is_empty() {
                        legend.push((Swatch::Line(l.colour, l.width_pt), l.legend.clone()));
                    }
                }
                Layer::Surface(sf) => {
                    draw_surface(&cv, &view, sf)?;
                    if !sf.breaks.is_empty() {
                        if !sf.title.is_empty() {
                            legend.push((Swatch::Heading, sf.title.clone()));
                        }
                        for (c, l) in sf.colours.iter().zip(&sf.labels).rev() {
                            legend.push((Swatch::Fill(Some(*c), None), l.clone()));
                        }
                    }
                }
                Layer::Cells(cl) => {
                    draw_cells(&cv, &view, cl)?;
                    let used = used_classes(cl.cells.iter().map(|c| c.2), cl.classes.len());
                    if let Some((t, x, y)) = crate::bivariate::square_legend(cl) {
                        if !t.is_empty() {
                            legend.push((Swatch::Heading, t.to_string()));
                        }
                        let colours = std::array::from_fn(|k| cl.classes[k].colour);
                        legend.push((
                            Swatch::Square3(colours, x.into(), y.into()),
                            format!("{y} × {x}"),
                        ));
                    } else if used.iter().any(|u| *u) {
                        if !cl.title.is_empty() {
                            legend.push((Swatch::Heading, cl.title.clone()));
                        }
                        for (k, c) in cl.classes.iter().enumerate() {
                            if used[k] {
                                legend.push((Swatch::Fill(Some(c.colour), None), c.label.clone()));
                            }
                        }
                    }
                }
                Layer::Points(p) => {
                    let r = cv.px(p.radius_pt);
                    for (i, pt) in p.points.iter().enumerate() {
                        let Some(c) = p.class.get(i).and_then(|k| p.classes.get(*k)) else {
                            continue;
                        };
                        let (x, y) = view.px(pt[0], pt[1]);
                        draw_symbol(&cv, p.symbol, x, y, r, c.colour)?;
                        if let Some(l) = p.labels.get(i).filter(|l| !l.is_empty()) {
                            placer.block(BoxPx::centred(x, y, 2.0 * r, 2.0 * r));
                            point_labels.push((x, y, r, l.clone()));
                        }
                    }
                    let used = used_classes(p.class.iter().copied(), p.classes.len());
                    if !p.points.is_empty() {
                        if !p.title.is_empty() {
                            legend.push((Swatch::Heading, p.title.clone()));
                        }
                        for (k, c) in p.classes.iter().enumerate() {
                            if used[k] {
                                legend.push((Swatch::Point(p.symbol, c.colour), c.label.clone()));
                            }
                        }
                    }
                }
                Layer::Patrol(pl) => {
                    for z in &pl.zones {
                        draw_multipolygon(
                            &cv,
                            &view,
                            &z.area,
                            Some(pl.colour.with_alpha(0.12)),
                            Some(pl.colour),
                            1.6,
                        )?;
                    }
                    if let Some(route) = &pl.route {
                        let pts = view.ring(route);
                        cv.line(&pts, Colour::rgb(255, 255, 255), 3.2)?;
                        cv.line(&pts, pl.colour, 1.6)?;
                        if !pl.route_legend.is_empty() && pts.len() >= 2 {
                            legend.push((Swatch::Line(pl.colour, 1.6), pl.route_legend.clone()));
                        }
                    }
                    for z in &pl.zones {
                        if let Some(p) = z.area.interior_point() {
                            let (x, y) = view.px(p.x(), p.y());
                            badges.push((x, y, z.rank.to_string(), pl.colour, z.label.clone()));
                        }
                    }
                    if !pl.zones.is_empty() && !pl.legend.is_empty() {
                        legend.push((Swatch::Badge(pl.colour), pl.legend.clone()));
                    }
                }
            }
        }

        if !chrome {
            // A locator map carries no labels: at its scale they would cover the data.
            badges.clear();
            point_labels.clear();
            area_labels.clear();
            base_labels.clear();
        }
        // Labels: patrol badges first (always drawn), then point names, then area labels.
        let badge_r = cv.px(7.5);
        let mut badge_boxes = Vec::new();
        for (x, y, rank, colour, _) in &badges {
            let cands: Vec<BoxPx> =
                std::iter::once(BoxPx::centred(*x, *y, 2.0 * badge_r, 2.0 * badge_r))
                    .chain(around_point(
                        *x,
                        *y,
                        badge_r,
                        0.0,
                        2.0 * badge_r,
                        2.0 * badge_r,
                    ))
                    .collect();
            let b = match placer.place(&cands) {
                Some(b) => {
                    stats.labels_placed += 1;
                    stats.labels.push(PlacedLabel {
                        text: rank.clone(),
                        kind: LabelKind::Badge,
                        px: [b.x0, b.y0, b.x1, b.y1],
                    });
                    b
                }
                None => {
                    // A rank is never dropped: draw it in place even if it overlaps.
                    let b = cands[0];
                    placer.block(b);
                    stats.labels_dropped += 1;
                    b
                }
            };
            let (bx, by) = b.centre();
            if (bx - x).abs() > 0.5 || (by - y).abs() > 0.5 {
                cv.line(&[(*x, *y), (bx, by)], *colour, 0.8)?;
            }
            cv.circle(
                bx,
                by,
                badge_r,
                Some(*colour),
                Some((Colour::rgb(255, 255, 255), 1.0)),
            )?;
            cv.text(
                rank,
                bx,
                by,
                9.0,
                true,
                Colour::rgb(255, 255, 255),
                H::Center,
                V::Center,
            )?;
            badge_boxes.push((b, rank.clone()));
        }
        for ((b, _), (_, _, _, colour, text)) in badge_boxes.iter().zip(&badges) {
            if text.is_empty() {
                continue;
            }
            let (cx, cy) = b.centre();
            let (tw, th) = cv.text_size(text, 8.0, true)?;
            let pad = cv.px(2.0);
            let cands = around_point(cx, cy, badge_r, cv.px(1.5), tw + 2.0 * pad, th + 2.0 * pad);
            if let Some(bb) = placer.place(&cands) {
                draw_label(&cv, &bb, text, 8.0, true, *colour)?;
                stats.labels_placed += 1;
                stats.labels.push(PlacedLabel {
                    text: text.clone(),
                    kind: LabelKind::BadgeText,
                    px: [bb.x0, bb.y0, bb.x1, bb.y1],
                });
            } else {
                stats.labels_dropped += 1;
            }
        }
        // A point a badge already names ("Torget: fre-sön 19-03") is not labelled again.
        let named_by_badge = |name: &str| {
            badges.iter().any(|b| {
                b.4.strip_prefix(name)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
            })
        };
        for (x, y, r, text) in &point_labels {
            if named_by_badge(text) {
                continue;
            }
            let (tw, th) = cv.text_size(text, 7.5, false)?;
            let pad = cv.px(1.5);
            let cands = around_point(*x, *y, *r, cv.px(1.5), tw + 2.0 * pad, th + 2.0 * pad);
            if let Some(bb) = placer.place(&cands) {
                draw_label(&cv, &bb, text, 7.5, false, Colour::rgb(20, 20, 20))?;
                stats.labels_placed += 1;
                stats.labels.push(PlacedLabel {
                    text: text.clone(),
                    kind: LabelKind::Point,
                    px: [bb.x0, bb.y0, bb.x1, bb.y1],
                });
            } else {
                stats.labels_dropped += 1;
            }
        }
        for (x, y, text) in &area_labels {
            let (tw, th) = cv.text_size(text, 7.5, false)?;
            let pad = cv.px(1.5);
            if let Some(bb) = placer.place(&around_centre(*x, *y, tw + 2.0 * pad, th + 2.0 * pad)) {
                draw_label(&cv, &bb, text, 7.5, false, Colour::rgb(20, 20, 20))?;
                stats.labels_placed += 1;
                stats.labels.push(PlacedLabel {
                    text: text.clone(),
                    kind: LabelKind::Area,
                    px: [bb.x0, bb.y0, bb.x1, bb.y1],
                });
            } else {
                stats.labels_dropped += 1;
            }
        }
        // Basemap names last: they give way to every data label. A place
        // already labelled by the data (a school) is not labelled again.
        let data_texts: Vec<&str> = point_labels
            .iter()
            .map(|l| l.3.as_str())
            .chain(area_labels.iter().map(|l| l.2.as_str()))
            .collect();
        let marker_r = cv.px(1.8);
        for bl in &base_labels {
            if data_texts.contains(&bl.text.as_str())
                || (bl.point.is_some() && named_by_badge(&bl.text))
            {
                continue;
            }
            let st = bl.style;
            let (tw, th) = cv.text_size(&bl.text, st.pt, st.bold)?;
            let pad = cv.px(1.2);
            let mut cands = bl.candidates(marker_r, cv.px(1.0), tw + 2.0 * pad, th + 2.0 * pad);
            // The marker is drawn only where it is free (not under a badge or another label). A
            // place under a data label (a hotspot's "H1" on Torget) keeps its name beside it: the
            // reader needs the name most where the results are.
            let marker = bl.point.filter(|&(mx, my)| {
                placer.is_free(&BoxPx::centred(mx, my, 2.0 * marker_r, 2.0 * marker_r))
            });
            if bl.point.is_some() && marker.is_none() {
                // Clear of the label on the point: a second ring farther out.
                cands.extend(bl.candidates(
                    marker_r + cv.px(9.0),
                    cv.px(1.0),
                    tw + 2.0 * pad,
                    th + 2.0 * pad,
                ));
            }
            let Some(bb) = placer.place(&cands) else {
                stats.labels_dropped += 1;
                continue;
            };
            if let Some((mx, my)) = marker {
                placer.block(BoxPx::centred(mx, my, 2.0 * marker_r, 2.0 * marker_r));
                cv.circle(
                    mx,
                    my,
                    marker_r,
                    Some(crate::basemap::colours::PLACE_TEXT),
                    Some((Colour::rgb(255, 255, 255), 0.5)),
                )?;
            }
            cv.rect(
                bb.x0,
                bb.y0,
                bb.x1,
                bb.y1,
                Some(Colour::rgb(255, 255, 255).with_alpha(0.7)),
                None,
            )?;
            let (cx, cy) = bb.centre();
            cv.text(
                &bl.text,
                cx,
                cy,
                st.pt,
                st.bold,
                st.colour,
                H::Center,
                V::Center,
            )?;
            stats.labels_placed += 1;
            stats.labels.push(PlacedLabel {
                text: bl.text.clone(),
                kind: if bl.point.is_some() {
                    LabelKind::Place
                } else {
                    LabelKind::Road
                },
                px: [bb.x0, bb.y0, bb.x1, bb.y1],
            });
        }

        // Cover whatever was drawn outside the frame, then the frame itself.
        let white = Some(Colour::rgb(255, 255, 255));
        cv.rect(0.0, 0.0, w, frame.y0, white, None)?;
        cv.rect(0.0, frame.y1, w, h, white, None)?;
        cv.rect(0.0, 0.0, frame.x0, h, white, None)?;
        cv.rect(frame.x1, 0.0, w, h, white, None)?;
        cv.rect(
            frame.x0,
            frame.y0,
            frame.x1,
            frame.y1,
            None,
            Some((Colour::rgb(90, 90, 90), 0.7)),
        )?;
        if !chrome {
            return Ok(stats);
        }

        stats.scale_bar = scale.draw(&cv, &sb_box, s)?;
        draw_north(&cv, &na_box, &self.north)?;

        // Title, subtitle, attribution.
        let ink = Colour::rgb(20, 20, 20);
        cv.text(&self.title, m, m, 16.0, true, ink, H::Left, V::Top)?;
        let mut y = m + title_h;
        for l in &sub_lines {
            cv.text(
                l,
                m,
                y,
                9.5,
                false,
                Colour::rgb(70, 70, 70),
                H::Left,
                V::Top,
            )?;
            y += cv.px(9.5) * 1.35;
        }
        let attr = cv.wrap(&self.attribution, 7.0, false, w - 2.0 * m)?;
        if let Some(first) = attr.first() {
            let text = if attr.len() > 1 {
                format!("{first} …")
            } else {
                first.clone()
            };
            cv.text(
                &text,
                m,
                h - m,
                7.0,
                false,
                Colour::rgb(90, 90, 90),
                H::Left,
                V::Bottom,
            )?;
        }

        // Legend.
        let lx = frame.x1 + m;
        let lw = w - m - lx;
        let mut ly = frame.y0;
        if !self.legend_title.is_empty() {
            cv.text(&self.legend_title, lx, ly, 11.0, true, ink, H::Left, V::Top)?;
            ly += cv.px(11.0) * 1.6;
        }
        let sw = cv.px(16.0);
        let sh = cv.px(10.0);
        let text_x = lx + sw + cv.px(6.0);
        // The legend column's lowest y: the locator map (if any) takes the space under the
        // legend and its note; the legend keeps priority.
        let mut legend_bottom = h - m;
        if let Some(ov) = locator {
            let need = legend_height(&cv, &legend, &self.note, lw, text_x - lx, sh)?;
            let title = cv.wrap(&ov.title, 8.5, true, lw)?;
            let title_h = title.len() as f64 * cv.px(8.5) * 1.3 + cv.px(3.0);
            let [ox0, oy0, ox1, oy1] = ov.extent;
            let aspect = if ox1 > ox0 && oy1 > oy0 {
                (oy1 - oy0) / (ox1 - ox0)
            } else {
                1.0
            };
            let room = frame.y1 - (ly + need + cv.px(8.0)) - title_h;
            let mut lh = (lw * aspect).min(0.55 * (frame.y1 - frame.y0)).min(room);
            let mut lwid = lh / aspect;
            if lwid > lw {
                lwid = lw;
                lh = lw * aspect;
            }
            if lh >= cv.px(45.0) && lwid >= cv.px(45.0) {
                let (bx0, by1) = (lx, frame.y1);
                let by0 = by1 - lh;
                let mut ty = by0 - title_h;
                for l in &title {
                    cv.text(l, lx, ty, 8.5, true, ink, H::Left, V::Top)?;
                    ty += cv.px(8.5) * 1.3;
                }
                let sub = root.clone().shrink(
                    (bx0.round() as i32, by0.round() as i32),
                    (lwid.round() as u32, lh.round() as u32),
                );
                let sub_size = Size {
                    width: lwid.round() as u32,
                    height: lh.round() as u32,
                    px_per_pt: size.px_per_pt,
                };
                ov.draw_with(&sub, sub_size, None, false)?;
                stats.locator_px = Some([bx0, by0, bx0 + lwid, by1]);
                legend_bottom = by0 - title_h - cv.px(4.0);
            }
        }
        for (swatch, text) in &legend {
            stats.legend_entries.push(text.clone());
            if let Swatch::Heading = swatch {
                ly += cv.px(3.0);
                for l in cv.wrap(text, 8.5, true, lw)? {
                    if ly > legend_bottom {
                        break;
                    }
                    cv.text(&l, lx, ly, 8.5, true, ink, H::Left, V::Top)?;
                    ly += cv.px(8.5) * 1.3;
                }
                ly += cv.px(2.0);
                continue;
            }
            if let Swatch::Square3(colours, x_axis, y_axis) = swatch {
                ly = draw_square_legend(&cv, lx, ly, lw, colours, x_axis, y_axis, ink)?;
                continue;
            }
            let lines = cv.wrap(text, 8.0, false, lw - (text_x - lx))?;
            let row_h = (lines.len().max(1) as f64 * cv.px(8.0) * 1.25).max(sh + cv.px(3.0));
            if ly + row_h > legend_bottom {
                stats.legend_cut += 1;
                continue;
            }
            let (sx0, sy0, sx1, sy1) = (lx, ly, lx + sw, ly + sh);
            match swatch {
                Swatch::Fill(f, s) => {
                    let f = f.or(Some(Colour::rgb(255, 255, 255)));
                    cv.rect(
                        sx0,
                        sy0,
                        sx1,
                        sy1,
                        f,
                        Some(((*s).unwrap_or(Colour::rgb(150, 150, 150)), 0.6)),
                    )?
                }
                Swatch::Line(c, wpt) => cv.line(
                    &[(sx0, (sy0 + sy1) / 2.0), (sx1, (sy0 + sy1) / 2.0)],
                    *c,
                    *wpt,
                )?,
                Swatch::Point(sym, c) => draw_symbol(
                    &cv,
                    *sym,
                    (sx0 + sx1) / 2.0,
                    (sy0 + sy1) / 2.0,
                    cv.px(3.5),
                    *c,
                )?,
                Swatch::Badge(c) => {
                    cv.circle(
                        (sx0 + sx1) / 2.0,
                        (sy0 + sy1) / 2.0,
                        sh * 0.65,
                        Some(*c),
                        None,
                    )?;
                    cv.text(
                        "1",
                        (sx0 + sx1) / 2.0,
                        (sy0 + sy1) / 2.0,
                        7.0,
                        true,
                        Colour::rgb(255, 255, 255),
                        H::Center,
                        V::Center,
                    )?;
                }
                Swatch::Heading | Swatch::Square3(..) => {}
            }
            let mut ty = (sy0 + sy1) / 2.0;
            for l in &lines {
                cv.text(l, text_x, ty, 8.0, false, ink, H::Left, V::Center)?;
                ty += cv.px(8.0) * 1.25;
            }
            ly += row_h + cv.px(2.0);
        }
        if !self.note.is_empty() {
            ly += cv.px(6.0);
            for l in cv.wrap(&self.note, 7.5, false, lw)? {
                if ly > legend_bottom {
                    break;
                }
                cv.text(
                    &l,
                    lx,
                    ly,
                    7.5,
                    false,
                    Colour::rgb(90, 90, 90),
                    H::Left,
                    V::Top,
                )?;
                ly += cv.px(7.5) * 1.3;
            }
        }
        Ok(stats)
    }
}

/// Draws the 3 x 3 bivariate legend at `(lx, ly)`: the y-axis text above, the square (top row =
/// high on the y axis), `low`/`high` arrows implied by the axis texts, the x-axis text below.
/// Returns the y below it.
#[allow(clippy::too_many_arguments)]
fn draw_square_legend<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    lx: f64,
    ly: f64,
    lw: f64,
    colours: &[Colour; 9],
    x_axis: &str,
    y_axis: &str,
    ink: Colour,
) -> Result<f64> {
    let mut y = ly + cv.px(2.0);
    for l in cv.wrap(y_axis, 8.0, false, lw)? {
        cv.text(&l, lx, y, 8.0, false, ink, H::Left, V::Top)?;
        y += cv.px(8.0) * 1.25;
    }
    y += cv.px(2.0);
    let side = cv.px(15.0);
    for (k, c) in colours.iter().enumerate() {
        let (col, row) = ((k % 3) as f64, (k / 3) as f64);
        let x0 = lx + cv.px(4.0) + col * side;
        let y0 = y + row * side;
        cv.rect(
            x0,
            y0,
            x0 + side,
            y0 + side,
            Some(*c),
            Some((Colour::rgb(255, 255, 255), 0.8)),
        )?;
    }
    y += 3.0 * side + cv.px(3.0);
    for l in cv.wrap(x_axis, 8.0, false, lw)? {
        cv.text(&l, lx, y, 8.0, false, ink, H::Left, V::Top)?;
        y += cv.px(8.0) * 1.25;
    }
    Ok(y + cv.px(4.0))
}

/// Height in pixels of the legend entries and the note as the legend loop of
/// [`MapSpec::draw_with`] lays them out (headings, wrapped rows, note).
fn legend_height<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    legend: &[(Swatch, String)],
    note: &str,
    lw: f64,
    text_dx: f64,
    sh: f64,
) -> Result<f64> {
    let mut y = 0.0;
    for (swatch, text) in legend {
        if let Swatch::Heading = swatch {
            y += cv.px(3.0) + cv.wrap(text, 8.5, true, lw)?.len() as f64 * cv.px(8.5) * 1.3;
            y += cv.px(2.0);
            continue;
        }
        let lines = cv.wrap(text, 8.0, false, lw - text_dx)?;
        y += (lines.len().max(1) as f64 * cv.px(8.0) * 1.25).max(sh + cv.px(3.0)) + cv.px(2.0);
    }
    if !note.is_empty() {
        y += cv.px(6.0) + cv.wrap(note, 7.5, false, lw)?.len() as f64 * cv.px(7.5) * 1.3;
    }
    Ok(y)
}

/// Draws water, buildings and roads; returns the legend entries.
fn draw_basemap<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    view: &View,
    bm: &crate::basemap::BasemapLayer,
) -> Result<Vec<(Swatch, String)>> {
    use crate::basemap::colours as c;
    use hotspot::basemap::RoadClass;
    for w in &bm.water {
        draw_multipolygon(cv, view, w, Some(c::WATER), Some(c::WATER_EDGE), 0.4)?;
    }
    for b in &bm.buildings {
        draw_multipolygon(cv, view, b, Some(c::BUILDING), None, 0.0)?;
    }
    let of = |k: RoadClass| bm.roads.iter().filter(move |r| r.class == k);
    for r in of(RoadClass::Path) {
        cv.line(&view.ring(&r.line), c::PATH, 0.5)?;
    }
    for r in of(RoadClass::Street) {
        cv.line(&view.ring(&r.line), c::STREET, 1.4)?;
    }
    // Major roads: casing first, then the fill, so crossings join cleanly.
    for r in of(RoadClass::Major) {
        cv.line(&view.ring(&r.line), c::MAJOR_CASING, 3.2)?;
    }
    for r in of(RoadClass::Major) {
        cv.line(&view.ring(&r.line), c::MAJOR, 2.0)?;
    }
    let mut legend = Vec::new();
    let l = &bm.legend;
    if !l.water.is_empty() && !bm.water.is_empty() {
        legend.push((
            Swatch::Fill(Some(c::WATER), Some(c::WATER_EDGE)),
            l.water.clone(),
        ));
    }
    if !l.buildings.is_empty() && !bm.buildings.is_empty() {
        legend.push((Swatch::Fill(Some(c::BUILDING), None), l.buildings.clone()));
    }
    if !l.major_roads.is_empty() && of(RoadClass::Major).next().is_some() {
        legend.push((Swatch::Line(c::MAJOR_CASING, 3.2), l.major_roads.clone()));
    }
    if !l.streets.is_empty() && of(RoadClass::Street).next().is_some() {
        legend.push((Swatch::Line(c::STREET, 1.4), l.streets.clone()));
    }
    Ok(legend)
}

fn used_classes(it: impl Iterator<Item = usize>, n: usize) -> Vec<bool> {
    let mut used = vec![false; n];
    for k in it {
        if let Some(u) = used.get_mut(k) {
            *u = true;
        }
    }
    used
}

fn draw_label<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    b: &BoxPx,
    text: &str,
    pt: f64,
    bold: bool,
    colour: Colour,
) -> Result<()> {
    cv.rect(
        b.x0,
        b.y0,
        b.x1,
        b.y1,
        Some(Colour::rgb(255, 255, 255).with_alpha(0.8)),
        None,
    )?;
    let (cx, cy) = b.centre();
    cv.text(text, cx, cy, pt, bold, colour, H::Center, V::Center)
}

fn draw_symbol<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    sym: Symbol,
    x: f64,
    y: f64,
    r: f64,
    colour: Colour,
) -> Result<()> {
    match sym {
        // Small dots get no outline: at 2 px a white ring would hide the colour.
        Symbol::Dot if r < cv.px(1.6) => cv.circle(x, y, r, Some(colour), None),
        Symbol::Dot => cv.circle(
            x,
            y,
            r,
            Some(colour),
            Some((Colour::rgb(255, 255, 255), 0.3)),
        ),
        Symbol::Square => cv.rect(
            x - r,
            y - r,
            x + r,
            y + r,
            Some(colour),
            Some((Colour::rgb(255, 255, 255), 0.8)),
        ),
    }
}

fn draw_polygon<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    view: &View,
    p: &Polygon<f64>,
    fill: Option<Colour>,
) -> Result<()> {
    let Some(f) = fill else { return Ok(()) };
    if p.interiors().is_empty() {
        return cv.polygon(&view.ring(p.exterior()), f);
    }
    // Plotters' polygons have no holes: fill the earcut triangulation instead.
    let tris = p.earcut_triangles_raw();
    for t in tris.triangle_indices.chunks_exact(3) {
        let v = |i: usize| view.px(tris.vertices[i][0], tris.vertices[i][1]);
        cv.polygon(&[v(t[0]), v(t[1]), v(t[2])], f)?;
    }
    Ok(())
}

fn draw_multipolygon<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    view: &View,
    mp: &MultiPolygon<f64>,
    fill: Option<Colour>,
    stroke: Option<Colour>,
    stroke_pt: f64,
) -> Result<()> {
    for p in &mp.0 {
        draw_polygon(cv, view, p, fill)?;
    }
    if let Some(s) = stroke {
        for p in &mp.0 {
            cv.line(&view.ring(p.exterior()), s, stroke_pt)?;
            for i in p.interiors() {
                cv.line(&view.ring(i), s, stroke_pt)?;
            }
        }
    }
    Ok(())
}

/// Pixel edges of grid columns and rows, so adjacent cells share edges exactly.
fn edges(view: &View, spec: &hotspot::grid::GridSpec) -> (Vec<i32>, Vec<i32>) {
    let xs = (0..=spec.cols)
        .map(|c| view.px(spec.x0 + c as f64 * spec.cell_m, 0.0).0.round() as i32)
        .collect();
    let ys = (0..=spec.rows)
        .map(|r| view.px(0.0, spec.y0 + r as f64 * spec.cell_m).1.round() as i32)
        .collect();
    (xs, ys)
}

fn draw_surface<DB: DrawingBackend>(cv: &Canvas<DB>, view: &View, sf: &SurfaceLayer) -> Result<()> {
    let spec = sf.raster.spec;
    if sf.raster.values.len() != spec.len() {
        return Err(RenderError::invalid(
            "raster",
            sf.raster.values.len(),
            format!("the raster must hold one value per cell ({})", spec.len()),
        ));
    }
    if sf.colours.len() != sf.breaks.len() {
        return Err(RenderError::invalid(
            "colours",
            sf.colours.len(),
            format!("one colour per break ({})", sf.breaks.len()),
        ));
    }
    let (xs, ys) = edges(view, &spec);
    // Rows as runs of equal class: few rectangles, compact SVG.
    for r in 0..spec.rows {
        let (ytop, ybot) = (ys[r + 1], ys[r]);
        let mut c = 0;
        while c < spec.cols {
            let k = sf.class_of(sf.raster.values[spec.index(c, r)]);
            let start = c;
            while c < spec.cols && sf.class_of(sf.raster.values[spec.index(c, r)]) == k {
                c += 1;
            }
            if let Some(k) = k
                && sf.colours[k].a > 0.0
            {
                cv.cell(xs[start], ytop, xs[c], ybot, sf.colours[k])?;
            }
        }
    }
    Ok(())
}

fn draw_cells<DB: DrawingBackend>(cv: &Canvas<DB>, view: &View, cl: &CellLayer) -> Result<()> {
    let (xs, ys) = edges(view, &cl.spec);
    for &(c, r, k) in &cl.cells {
        if c >= cl.spec.cols || r >= cl.spec.rows {
            return Err(RenderError::invalid(
                "cell",
                format!("({c}, {r})"),
                format!("outside the {} x {} grid", cl.spec.cols, cl.spec.rows),
            ));
        }
        let Some(class) = cl.classes.get(k) else {
            return Err(RenderError::invalid(
                "class",
                k,
                format!("only {} classes", cl.classes.len()),
            ));
        };
        cv.cell(xs[c], ys[r + 1], xs[c + 1], ys[r], class.colour)?;
    }
    Ok(())
}

/// A scale bar of a nice round length (1, 2 or 5 × 10ⁿ metres).
struct ScaleBar {
    len_m: f64,
}

impl ScaleBar {
    /// The longest nice length not above a fifth of the frame width.
    fn choose(frame_width_m: f64) -> Self {
        let target = (frame_width_m / 5.0).max(1.0);
        let p = 10f64.powf(target.log10().floor());
        let len_m = [5.0, 2.0, 1.0]
            .iter()
            .map(|k| k * p)
            .find(|l| *l <= target)
            .unwrap_or(p);
        Self { len_m }
    }

    fn text(&self) -> String {
        if self.len_m >= 1000.0 {
            format!("{} km", self.len_m / 1000.0)
        } else {
            format!("{} m", self.len_m)
        }
    }

    fn draw<DB: DrawingBackend>(&self, cv: &Canvas<DB>, b: &BoxPx, s: f64) -> Result<String> {
        cv.rect(
            b.x0,
            b.y0,
            b.x1,
            b.y1,
            Some(Colour::rgb(255, 255, 255).with_alpha(0.8)),
            None,
        )?;
        let x0 = b.x0 + cv.px(8.0);
        let len = self.len_m * s;
        let y1 = b.y1 - cv.px(6.0);
        let y0 = y1 - cv.px(4.0);
        let ink = Colour::rgb(30, 30, 30);
        cv.rect(x0, y0, x0 + len / 2.0, y1, Some(ink), None)?;
        cv.rect(
            x0 + len / 2.0,
            y0,
            x0 + len,
            y1,
            Some(Colour::rgb(255, 255, 255)),
            Some((ink, 0.6)),
        )?;
        cv.rect(x0, y0, x0 + len, y1, None, Some((ink, 0.6)))?;
        let t = self.text();
        cv.text(
            "0",
            x0,
            y0 - cv.px(2.0),
            7.5,
            false,
            ink,
            H::Center,
            V::Bottom,
        )?;
        cv.text(
            &t,
            x0 + len,
            y0 - cv.px(2.0),
            7.5,
            false,
            ink,
            H::Center,
            V::Bottom,
        )?;
        Ok(t)
    }
}

fn draw_north<DB: DrawingBackend>(cv: &Canvas<DB>, b: &BoxPx, letter: &str) -> Result<()> {
    let ink = Colour::rgb(30, 30, 30);
    let cx = (b.x0 + b.x1) / 2.0;
    let top = b.y0 + cv.px(12.0);
    let bot = b.y1 - cv.px(2.0);
    let half = cv.px(6.0);
    let mid = bot - (bot - top) * 0.3;
    cv.polygon(&[(cx, top), (cx + half, bot), (cx, mid)], ink)?;
    cv.polygon(
        &[(cx, top), (cx - half, bot), (cx, mid)],
        Colour::rgb(255, 255, 255),
    )?;
    cv.line(
        &[
            (cx, top),
            (cx - half, bot),
            (cx, mid),
            (cx + half, bot),
            (cx, top),
        ],
        ink,
        0.6,
    )?;
    cv.text(letter, cx, b.y0, 9.0, true, ink, H::Center, V::Top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(ScaleBar::choose(10_000.0).len_m, 2000.0);
        assert_eq!(ScaleBar::choose(4_999.0).len_m, 500.0);
        assert_eq!(ScaleBar::choose(30_000.0).len_m, 5000.0);
        assert_eq!(ScaleBar::choose(5_000.0).len_m, 1000.0);
        assert_eq!(ScaleBar { len_m: 2000.0 }.text(), "2 km");
        assert_eq!(ScaleBar { len_m: 500.0 }.text(), "500 m");
    }

    #[test]
    fn diverging_surface_is_symmetric_about_zero() {
        let spec = hotspot::grid::GridSpec::new(0.0, 0.0, 10.0, 5, 1).unwrap();
        let r = Raster {
            spec,
            values: vec![-6.0, -0.1, 0.0, 1.9, f64::NAN],
        };
        let sf = SurfaceLayer::diverging("d", r, |v| format!("{v}"));
        // max |v| = 6 -> step 6/8 rounded up to 1: breaks at ±1, ±2, ±4.
        assert_eq!(
            sf.breaks,
            vec![f64::NEG_INFINITY, -4.0, -2.0, -1.0, 1.0, 2.0, 4.0]
        );
        assert_eq!(sf.class_of(-4.0), Some(1));
        assert_eq!(sf.class_of(-6.0), Some(0));
        assert_eq!(sf.class_of(0.0), Some(3));
        assert_eq!(sf.class_of(-0.1), Some(3));
        assert_eq!(sf.class_of(1.9), Some(4));
        assert_eq!(sf.class_of(f64::NAN), None);
        assert_eq!(sf.labels[0], "< -4");
        assert_eq!(sf.labels[3], "-1 – 1");
        assert_eq!(sf.labels[5], "2 – 4");
        assert_eq!(sf.labels[6], "≥ 4");
        assert_eq!(sf.colours[3].a, 0.0, "no change is transparent");
        // Blue below zero, red above.
        assert!(sf.colours[1].b > sf.colours[1].r);
        assert!(sf.colours[5].r > sf.colours[5].b);
        // Only the cells with a visible class count for the extent: -6 (cell 0) and 1.9 (cell 3).
        assert_eq!(Layer::Surface(sf).bounds(), Some([0.0, 0.0, 40.0, 10.0]));
        let flat = SurfaceLayer::diverging(
            "d",
            Raster {
                spec,
                values: vec![0.0; 5],
            },
            |v| format!("{v}"),
        );
        assert!(flat.breaks.is_empty());
        assert_eq!(nice_ceil(0.75), 1.0);
        assert_eq!(nice_ceil(2.1), 2.5);
        assert_eq!(nice_ceil(30.0), 50.0);
        assert_eq!(nice_ceil(20.0), 20.0);
    }

    #[test]
    fn layers_extent_covers_zones_with_their_radius() {
        let zone = MultiPolygon(vec![hotspot::schools::circle([1000.0, 2000.0], 300.0)]);
        let a = Layer::Area(AreaLayer::new("z", vec![zone], None, None));
        let e = layers_extent([&a], 50.0).unwrap();
        assert!(
            (e[0] - 650.0).abs() < 1.0 && (e[2] - 1350.0).abs() < 1.0,
            "{e:?}"
        );
        assert!(
            (e[1] - 1650.0).abs() < 1.0 && (e[3] - 2350.0).abs() < 1.0,
            "{e:?}"
        );
        let empty = Layer::Area(AreaLayer::new("z", vec![], None, None));
        assert_eq!(layers_extent([&empty], 50.0), None);
    }

    #[test]
    fn surface_classes_cover_values_above_threshold() {
        let spec = hotspot::grid::GridSpec::new(0.0, 0.0, 10.0, 10, 1).unwrap();
        let r = Raster {
            spec,
            values: (0..10).map(|v| v as f64).collect(),
        };
        let sf =
            SurfaceLayer::classed("d", r, 2.0, 4, ColourScale::YlOrRd, |v| format!("{v}")).unwrap();
        // values 2..=9: quantile breaks at 2, 4, 6, 8
        assert_eq!(sf.breaks, vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!(sf.class_of(1.9), None);
        assert_eq!(sf.class_of(2.0), Some(0));
        assert_eq!(sf.class_of(5.0), Some(1));
        assert_eq!(sf.class_of(9.0), Some(3));
        assert_eq!(sf.class_of(f64::NAN), None);
        assert_eq!(sf.labels[3], "8 – 9");
        assert!(
            SurfaceLayer::classed(
                "d",
                sf.raster.clone(),
                2.0,
                0,
                ColourScale::YlOrRd,
                |v| format!("{v}")
            )
            .is_err()
        );
    }
}
