//! Close-ups: for maps whose results sit in a small part of the municipality
//! (hotspots, patrol zones, clusters, schools), a second map of just that
//! part beside the overview, and a frame on the overview that shows where it is.
//!
//! [`closeup_extent`] decides whether a close-up helps and computes its
//! extent from the result layers with a margin; [`MapSpec::closeup`] makes the
//! second map and [`MapSpec::with_closeup_frame`] marks it on the overview.
//! [`CloseUp`] draws both as one figure: the close-up large, the overview
//! small in the close-up's legend column (overview small + close-up large).

use crate::error::{Result, draw_err, png_err};
use crate::map::{AreaLayer, Layer, MapSpec, RenderStats, layers_extent};
use crate::style::{Colour, Size};
use geo::{MultiPolygon, Rect};
use plotters::prelude::*;
use std::path::Path;

/// A close-up and its overview, drawn as one figure: the close-up with its
/// title, legend, labels, scale bar and north arrow; under its legend the
/// overview as a locator map (the whole map extent, the data layers, the
/// close-up's frame, no labels) under the overview's title.
///
/// When the legend leaves too little room (under 45 pt) the overview is left
/// out; [`RenderStats::locator_px`] says where it was drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct CloseUp {
    /// The close-up (drawn large).
    pub map: MapSpec,
    /// The overview (drawn small; give it the close-up frame with
    /// [`MapSpec::with_closeup_frame`] and a short title, e.g. "Översikt").
    pub overview: MapSpec,
}

impl CloseUp {
    /// The close-up of `map` over `extent` titled like `map`, and `map` over
    /// its own extent as the overview titled `overview_title` with the
    /// close-up's frame drawn on it.
    pub fn of(map: &MapSpec, extent: [f64; 4], overview_title: impl Into<String>) -> CloseUp {
        let close = map.closeup(extent, map.title.clone());
        let mut overview = map.clone().with_closeup_frame(extent, String::new());
        overview.title = overview_title.into();
        CloseUp {
            map: close,
            overview,
        }
    }

    /// Renders the figure as an SVG document.
    ///
    /// # Errors
    /// As [`MapSpec::render_svg`].
    pub fn render_svg(&self, size: Size) -> Result<(String, RenderStats)> {
        size.check()?;
        crate::font::ensure_registered()?;
        let mut out = String::new();
        let stats = {
            let root =
                SVGBackend::with_string(&mut out, (size.width, size.height)).into_drawing_area();
            let stats = self
                .map
                .draw_with(&root, size, Some(&self.overview), true)?;
            root.present().map_err(draw_err)?;
            stats
        };
        Ok((out, stats))
    }

    /// Renders the figure as a PNG file.
    ///
    /// # Errors
    /// As [`MapSpec::render_png`].
    pub fn render_png(&self, size: Size, path: &Path) -> Result<RenderStats> {
        size.check()?;
        crate::font::ensure_registered()?;
        let root = crate::text::GlyphFix(BitMapBackend::new(path, (size.width, size.height)))
            .into_drawing_area();
        let stats = self
            .map
            .draw_with(&root, size, Some(&self.overview), true)?;
        root.present().map_err(|e| png_err(path, e))?;
        Ok(stats)
    }
}

/// When and how large a close-up is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CloseUpOptions {
    /// Margin (m) around the results; at least 12 % of the results' larger side is used.
    pub margin_m: f64,
    /// Smallest side (m) of a close-up, so a single zone still shows its streets.
    pub min_side_m: f64,
    /// A close-up is made only when its extent spans at most this share of the
    /// overview's width and of its height (default 0.4: the results sit in a
    /// small part of the map); otherwise the overview shows them well enough.
    pub max_share: f64,
}

impl Default for CloseUpOptions {
    fn default() -> Self {
        Self {
            margin_m: 300.0,
            min_side_m: 1500.0,
            max_share: 0.4,
        }
    }
}

/// The extent `[min_x, min_y, max_x, max_y]` (m) of a close-up of `results`
/// on an overview of extent `overview`, or `None` when no close-up is needed
/// (the results are spread over more than `max_share` of the overview, or
/// there are none).
///
/// The extent is the results' bounding box ([`layers_extent`]) grown by
/// `max(margin_m, 12 % of its larger side)` on every side, then widened about
/// its centre to at least `min_side_m` on each side.
///
/// ```
/// use hotspot_render::{closeup_extent, CloseUpOptions, Class, Colour, Layer, PointLayer, Symbol};
/// let town = Layer::Points(PointLayer {
///     title: String::new(),
///     points: vec![[1000.0, 1000.0], [2000.0, 1500.0]],
///     class: vec![0, 0],
///     classes: vec![Class::new("Zone", Colour::hex(0x542788))],
///     radius_pt: 3.0,
///     symbol: Symbol::Dot,
///     labels: Vec::new(),
/// });
/// let e = closeup_extent([&town], [0.0, 0.0, 30_000.0, 25_000.0], &CloseUpOptions::default());
/// // 1000 x 500 m of results + 300 m on each side = 1600 x 1100, widened to 1500 m high.
/// assert_eq!(e, Some([700.0, 500.0, 2300.0, 2000.0]));
/// ```
pub fn closeup_extent<'a>(
    results: impl IntoIterator<Item = &'a Layer>,
    overview: [f64; 4],
    opts: &CloseUpOptions,
) -> Option<[f64; 4]> {
    let [x0, y0, x1, y1] = layers_extent(results, 0.0)?;
    let side = (x1 - x0).max(y1 - y0);
    let m = opts.margin_m.max(0.0).max(0.12 * side);
    let (mut a, mut b, mut c, mut d) = (x0 - m, y0 - m, x1 + m, y1 + m);
    for (lo, hi) in [(&mut a, &mut c), (&mut b, &mut d)] {
        if *hi - *lo < opts.min_side_m {
            let mid = (*lo + *hi) / 2.0;
            *lo = mid - opts.min_side_m / 2.0;
            *hi = mid + opts.min_side_m / 2.0;
        }
    }
    let (ow, oh) = (overview[2] - overview[0], overview[3] - overview[1]);
    if !(ow > 0.0 && oh > 0.0) {
        return None;
    }
    let small = (c - a) <= opts.max_share * ow && (d - b) <= opts.max_share * oh;
    small.then_some([a, b, c, d])
}

impl MapSpec {
    /// The same map over `extent` with `title` (for the close-up beside the overview).
    pub fn closeup(&self, extent: [f64; 4], title: impl Into<String>) -> MapSpec {
        MapSpec {
            title: title.into(),
            extent,
            ..self.clone()
        }
    }

    /// This map with the close-up's extent drawn on top as a dark outline
    /// with the legend text `legend` (e.g. "Närbild, karta till höger").
    pub fn with_closeup_frame(mut self, extent: [f64; 4], legend: impl Into<String>) -> MapSpec {
        let r = Rect::new((extent[0], extent[1]), (extent[2], extent[3]));
        let mut a = AreaLayer::new(
            legend,
            vec![MultiPolygon(vec![r.to_polygon()])],
            None,
            Some(Colour::rgb(40, 40, 40)),
        );
        a.stroke_pt = 1.4;
        self.layers.push(Layer::Area(a));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{Class, PointLayer, Symbol};

    fn pts(p: Vec<[f64; 2]>) -> Layer {
        Layer::Points(PointLayer {
            title: String::new(),
            class: vec![0; p.len()],
            points: p,
            classes: vec![Class::new("x", Colour::hex(0))],
            radius_pt: 2.0,
            symbol: Symbol::Dot,
            labels: Vec::new(),
        })
    }

    #[test]
    fn closeup_only_when_results_are_concentrated() {
        let o = CloseUpOptions::default();
        let overview = [0.0, 0.0, 30_000.0, 25_000.0];
        // Results 4 km wide: margin = 12 % of 4000 = 480 m.
        let town = pts(vec![[10_000.0, 10_000.0], [14_000.0, 11_000.0]]);
        assert_eq!(
            closeup_extent([&town], overview, &o),
            Some([9_520.0, 9_520.0, 14_480.0, 11_480.0])
        );
        // Spread over the municipality: no close-up.
        let spread = pts(vec![[1_000.0, 1_000.0], [25_000.0, 2_000.0]]);
        assert_eq!(closeup_extent([&spread], overview, &o), None);
        // One point: the minimum side about it.
        let one = pts(vec![[5_000.0, 5_000.0]]);
        assert_eq!(
            closeup_extent([&one], overview, &o),
            Some([4_250.0, 4_250.0, 5_750.0, 5_750.0])
        );
        assert_eq!(closeup_extent([&pts(vec![])], overview, &o), None);
        assert_eq!(closeup_extent([&one], [0.0, 0.0, 0.0, 0.0], &o), None);
    }

    #[test]
    fn closeup_map_keeps_layers_and_overview_gets_a_frame() {
        let m = MapSpec {
            title: "Overview".into(),
            layers: vec![pts(vec![[0.0, 0.0]])],
            ..MapSpec::default()
        };
        let c = m.closeup([1.0, 2.0, 3.0, 4.0], "Close-up");
        assert_eq!(
            (c.title.as_str(), c.extent, c.layers.len()),
            ("Close-up", [1.0, 2.0, 3.0, 4.0], 1)
        );
        let o = m.with_closeup_frame([1.0, 2.0, 3.0, 4.0], "Close-up area");
        assert_eq!(o.layers.len(), 2);
        assert_eq!(o.layers[1].bounds(), Some([1.0, 2.0, 3.0, 4.0]));
    }

    #[test]
    fn closeup_figure_draws_the_overview_under_the_legend_inside_the_image() {
        let m = MapSpec {
            title: "Hotspots".into(),
            legend_title: "Legend".into(),
            extent: [0.0, 0.0, 30_000.0, 25_000.0],
            layers: vec![pts(vec![[10_000.0, 10_000.0], [11_000.0, 10_500.0]])],
            ..MapSpec::default()
        };
        let e = closeup_extent(&m.layers, m.extent, &CloseUpOptions::default()).unwrap();
        let fig = CloseUp::of(&m, e, "Overview");
        assert_eq!(fig.map.extent, e);
        assert_eq!(fig.overview.extent, m.extent);
        assert_eq!(fig.overview.title, "Overview");
        let size = Size::shown_at(855);
        let (svg, st) = fig.render_svg(size).unwrap();
        let [x0, y0, x1, y1] = st.locator_px.expect("room for the overview");
        // In the legend column (right of the map frame), inside the image, under the legend.
        assert!(x0 > st.frame_px[2] && x1 <= size.width as f64 && y1 <= st.frame_px[3] + 0.5);
        assert!(y0 > st.frame_px[1] && x1 - x0 > 100.0 && y1 - y0 > 60.0);
        assert_eq!(st.legend_cut, 0);
        assert!(svg.contains("Overview"));
        // Its aspect is the overview extent's (25/30), within a pixel of rounding.
        assert!(((y1 - y0) - (x1 - x0) * 25.0 / 30.0).abs() < 1.5);
        // A plain map has no locator.
        assert_eq!(m.render_svg(size).unwrap().1.locator_px, None);
    }
}
