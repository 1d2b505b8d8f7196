//! Close-ups: for maps whose results sit in a small part of the municipality
//! (hotspots, patrol zones, clusters, schools), a second map of just that
//! part beside the overview, and a frame on the overview that shows where it is.
//!
//! [`closeup_extent`] decides whether a close-up helps and computes its
//! extent from the result layers with a margin; [`MapSpec::closeup`] makes the
//! second map and [`MapSpec::with_closeup_frame`] marks it on the overview.

use crate::map::{AreaLayer, Layer, MapSpec, layers_extent};
use crate::style::Colour;
use geo::{MultiPolygon, Rect};

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
}
