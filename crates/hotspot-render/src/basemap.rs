//! The basemap layer: water, buildings and roads drawn under the data in
//! muted colours, with place names and the names of the larger roads
//! labelled after the data's own labels, so they never hide a patrol badge,
//! a school name or a cluster label, never overlap each other and never leave
//! the map frame.
//!
//! Drawing (bottom first): water (pale blue), buildings (warm grey), paths
//! (thin grey), streets (light grey), major roads (wider, muted yellow
//! with a darker casing). Labels, in priority order: settlements
//! (place kinds `city`, `town`, `village`, `hamlet`, `tätort`, `småort`,
//! `ort`, 8.5 pt bold), other places (7.5 pt, with a small marker dot drawn
//! only when the label is placed), names of major roads (7 pt), names of
//! streets (7 pt, only when the map frame spans at most
//! [`BasemapLayer::street_labels_up_to_m`] metres, i.e. on a close-up).
//! A place whose name is already a data label (a school drawn by the
//! schools layer) is not labelled twice. Each road name is labelled once,
//! as near the middle of its visible part as the other labels allow.

use crate::labels::{BoxPx, around_point};
use crate::style::Colour;
use geo::{LineString, MultiPolygon};
use hotspot::basemap::{Basemap, Place, Road, RoadClass};

/// Colours of the basemap (muted, so the data stays in front).
pub mod colours {
    use crate::style::Colour;
    /// Water fill.
    pub const WATER: Colour = Colour::hex(0xcfe2f3);
    /// Water outline.
    pub const WATER_EDGE: Colour = Colour::hex(0xa6c8e6);
    /// Building fill.
    pub const BUILDING: Colour = Colour::hex(0xe2ddd6);
    /// Casing (outline) of major roads.
    pub const MAJOR_CASING: Colour = Colour::hex(0xb39c5c);
    /// Fill of major roads (muted yellow, as on Swedish road maps).
    pub const MAJOR: Colour = Colour::hex(0xf5e3a3);
    /// Streets (one light grey line).
    pub const STREET: Colour = Colour::hex(0xc3c3c3);
    /// Paths.
    pub const PATH: Colour = Colour::hex(0xc8c8c8);
    /// Place names.
    pub const PLACE_TEXT: Colour = Colour::hex(0x3c3c3c);
    /// Road names.
    pub const ROAD_TEXT: Colour = Colour::hex(0x5a5a5a);
}

/// Legend texts for the basemap; an empty text gives no legend entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BasemapLegend {
    /// Water (e.g. "Vatten").
    pub water: String,
    /// Buildings.
    pub buildings: String,
    /// Major roads (e.g. "Större väg").
    pub major_roads: String,
    /// Streets (e.g. "Gata").
    pub streets: String,
}

/// Basemap layers in working-CRS metres, drawn under the data.
#[derive(Clone, Debug, PartialEq)]
pub struct BasemapLayer {
    /// Named places (labelled).
    pub places: Vec<Place>,
    /// Roads (drawn by class; names of major roads labelled, streets on close-ups).
    pub roads: Vec<Road>,
    /// Water areas.
    pub water: Vec<MultiPolygon<f64>>,
    /// Buildings.
    pub buildings: Vec<MultiPolygon<f64>>,
    /// Label place names.
    pub label_places: bool,
    /// Label major road names.
    pub label_major_roads: bool,
    /// Label street names when the frame spans at most this many metres
    /// across (default 6000 m: a town close-up, not the municipality).
    pub street_labels_up_to_m: f64,
    /// Legend texts.
    pub legend: BasemapLegend,
}

impl BasemapLayer {
    /// The layers of `basemap`, every label on, streets labelled on maps up
    /// to 6 km across, no legend entries.
    pub fn new(basemap: &Basemap) -> Self {
        Self {
            places: basemap.places.clone(),
            roads: basemap.roads.clone(),
            water: basemap.water.clone(),
            buildings: basemap.buildings.clone(),
            label_places: true,
            label_major_roads: true,
            street_labels_up_to_m: 6000.0,
            legend: BasemapLegend::default(),
        }
    }

    /// The bounding box of everything drawn, metres.
    pub(crate) fn bounds(&self) -> Option<[f64; 4]> {
        use geo::BoundingRect;
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut add = |x: f64, y: f64| {
            if x.is_finite() && y.is_finite() {
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        };
        for r in self
            .water
            .iter()
            .chain(&self.buildings)
            .filter_map(|m| m.bounding_rect())
            .chain(self.roads.iter().filter_map(|r| r.line.bounding_rect()))
        {
            add(r.min().x, r.min().y);
            add(r.max().x, r.max().y);
        }
        for p in &self.places {
            add(p.xy[0], p.xy[1]);
        }
        b[0].is_finite().then_some(b)
    }
}

/// How a basemap label is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LabelStyle {
    pub pt: f64,
    pub bold: bool,
    pub colour: Colour,
}

/// A basemap label waiting for a free position.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BaseLabel {
    pub text: String,
    pub style: LabelStyle,
    /// A place: its marker position (px); labels go around it.
    pub point: Option<(f64, f64)>,
    /// A road: candidate centres along its visible part (px), best first.
    pub along: Vec<(f64, f64)>,
}

impl BaseLabel {
    /// Candidate boxes for a `w × h` label.
    pub fn candidates(&self, marker_r: f64, gap: f64, w: f64, h: f64) -> Vec<BoxPx> {
        match self.point {
            Some((x, y)) => around_point(x, y, marker_r, gap, w, h),
            None => self
                .along
                .iter()
                .map(|&(x, y)| BoxPx::centred(x, y, w, h))
                .collect(),
        }
    }
}

const SETTLEMENT_KINDS: &[&str] = &[
    "city", "town", "village", "hamlet", "tätort", "småort", "ort", "by",
];

/// The labels of `bm` in priority order. `px` maps metres to pixels, `frame`
/// is the map frame and `frame_width_m` its width in metres.
pub(crate) fn labels(
    bm: &BasemapLayer,
    px: impl Fn(f64, f64) -> (f64, f64),
    frame: &BoxPx,
    frame_width_m: f64,
) -> Vec<BaseLabel> {
    let mut out = Vec::new();
    let inside =
        |(x, y): (f64, f64)| x >= frame.x0 && x <= frame.x1 && y >= frame.y0 && y <= frame.y1;
    if bm.label_places {
        let settlement = |p: &Place| SETTLEMENT_KINDS.contains(&p.kind.to_lowercase().as_str());
        for pass in [true, false] {
            for p in bm.places.iter().filter(|p| settlement(p) == pass) {
                let q = px(p.xy[0], p.xy[1]);
                if !inside(q) || p.name.trim().is_empty() {
                    continue;
                }
                let style = if pass {
                    LabelStyle {
                        pt: 8.5,
                        bold: true,
                        colour: colours::PLACE_TEXT,
                    }
                } else {
                    LabelStyle {
                        pt: 7.5,
                        bold: false,
                        colour: colours::PLACE_TEXT,
                    }
                };
                out.push(BaseLabel {
                    text: p.name.clone(),
                    style,
                    point: Some(q),
                    along: Vec::new(),
                });
            }
        }
    }
    let streets = frame_width_m <= bm.street_labels_up_to_m;
    for class in [RoadClass::Major, RoadClass::Street] {
        if (class == RoadClass::Major && !bm.label_major_roads)
            || (class == RoadClass::Street && !streets)
        {
            continue;
        }
        // One label per name: the candidates of every part of the road.
        let mut names: Vec<&str> = Vec::new();
        for r in bm.roads.iter().filter(|r| r.class == class) {
            if let Some(n) = r.name.as_deref().filter(|n| !n.trim().is_empty())
                && !names.contains(&n)
            {
                names.push(n);
            }
        }
        for name in names {
            let mut along = Vec::new();
            for r in bm
                .roads
                .iter()
                .filter(|r| r.class == class && r.name.as_deref() == Some(name))
            {
                along.extend(
                    samples_along(&r.line, &px, 24.0)
                        .into_iter()
                        .filter(|q| inside(*q)),
                );
            }
            if along.is_empty() {
                continue;
            }
            // Best first: nearest the middle of the visible samples.
            let mid = along[along.len() / 2];
            along.sort_by(|a, b| {
                let da = (a.0 - mid.0).powi(2) + (a.1 - mid.1).powi(2);
                let db = (b.0 - mid.0).powi(2) + (b.1 - mid.1).powi(2);
                da.total_cmp(&db)
            });
            along.truncate(40);
            out.push(BaseLabel {
                text: name.to_string(),
                style: LabelStyle {
                    pt: 7.0,
                    bold: false,
                    colour: colours::ROAD_TEXT,
                },
                point: None,
                along,
            });
        }
    }
    out
}

/// Points every `step` pixels along a line (in pixels), vertices included.
fn samples_along(
    line: &LineString<f64>,
    px: &impl Fn(f64, f64) -> (f64, f64),
    step: f64,
) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = line.0.iter().map(|c| px(c.x, c.y)).collect();
    let mut out = Vec::new();
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if !len.is_finite() {
            continue;
        }
        let n = ((len / step).floor() as usize).min(10_000);
        for k in 0..=n {
            let t = if n == 0 { 0.0 } else { k as f64 / n as f64 };
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn road(name: &str, class: RoadClass, pts: Vec<(f64, f64)>) -> Road {
        Road {
            name: Some(name.into()),
            class,
            line: LineString::from(pts),
        }
    }

    #[test]
    fn labels_come_in_priority_order_and_streets_only_on_close_ups() {
        let bm = BasemapLayer::new(&Basemap {
            places: vec![
                Place {
                    name: "Torget".into(),
                    kind: "square".into(),
                    xy: [10.0, 10.0],
                },
                Place {
                    name: "Byn".into(),
                    kind: "Village".into(),
                    xy: [20.0, 20.0],
                },
                Place {
                    name: "Utanför".into(),
                    kind: String::new(),
                    xy: [5000.0, 20.0],
                },
            ],
            roads: vec![
                road("Gatan", RoadClass::Street, vec![(0.0, 50.0), (100.0, 50.0)]),
                road("Leden", RoadClass::Major, vec![(0.0, 60.0), (100.0, 60.0)]),
                road("Leden", RoadClass::Major, vec![(0.0, 70.0), (50.0, 70.0)]),
            ],
            ..Basemap::default()
        });
        let frame = BoxPx::new(0.0, 0.0, 100.0, 100.0);
        let px = |x: f64, y: f64| (x, y);
        let l = labels(&bm, px, &frame, 5000.0);
        let texts: Vec<&str> = l.iter().map(|b| b.text.as_str()).collect();
        // Settlement first, then other places; the place outside the frame is
        // left out; one label for the two parts of Leden; streets last.
        assert_eq!(texts, vec!["Byn", "Torget", "Leden", "Gatan"]);
        assert!(l[0].style.bold && l[0].style.pt > l[1].style.pt);
        // Leden's candidates cover both parts (5 + 3 samples at 24 px spacing).
        assert_eq!(l[2].along.len(), 8);
        let wide = labels(&bm, px, &frame, 20_000.0);
        assert!(wide.iter().all(|b| b.text != "Gatan"));
    }
}
