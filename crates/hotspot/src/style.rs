//! QGIS styles (QML) for the layers and grids hotspot writes, so they open in QGIS looking as
//! they do in the report: classed grids, categorised polygons (Gi* bins, problem areas) and
//! single-symbol layers (patrol zones, schools, hotspots, boundary).
//!
//! Colours are plain sRGB with opacity ([`Rgba`]); the render crate's palette is passed in by the
//! caller, and [`gi_star_classes`] gives the Gi* classes with the report's colours. The QML
//! written is the QGIS 3 layout (`renderer-v2` with `Option` maps and the older `prop` pairs, so
//! QGIS 3.4 to 3.40 read it). All text is XML-escaped.

use std::fmt::Write as _;

/// An sRGB colour with opacity (0 transparent, 255 opaque).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity.
    pub a: u8,
}

impl Rgba {
    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(v: u32) -> Self {
        Self {
            r: (v >> 16) as u8,
            g: (v >> 8) as u8,
            b: v as u8,
            a: 255,
        }
    }

    /// The same colour with opacity `a` in `[0, 1]`.
    pub fn with_alpha(self, a: f64) -> Self {
        Self {
            a: (a.clamp(0.0, 1.0) * 255.0).round() as u8,
            ..self
        }
    }

    /// `#rrggbb`.
    pub fn css_hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    fn qgis(&self) -> String {
        format!("{},{},{},{}", self.r, self.g, self.b, self.a)
    }
}

/// How a vector layer's features are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Symbol {
    /// Fill (polygons, point markers).
    pub fill: Rgba,
    /// Outline or line colour.
    pub stroke: Rgba,
    /// Outline or line width in millimetres.
    pub stroke_mm: f64,
    /// Marker diameter in millimetres (points).
    pub size_mm: f64,
}

impl Symbol {
    /// A filled shape with an outline.
    pub fn fill(fill: Rgba, stroke: Rgba, stroke_mm: f64) -> Self {
        Self {
            fill,
            stroke,
            stroke_mm,
            size_mm: 2.0,
        }
    }

    /// An outline only (transparent fill).
    pub fn outline(stroke: Rgba, stroke_mm: f64) -> Self {
        Self::fill(Rgba { a: 0, ..stroke }, stroke, stroke_mm)
    }
}

/// Geometry kinds, which decide the QGIS symbol type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// Markers.
    Point,
    /// Lines.
    Line,
    /// Filled polygons.
    Polygon,
}

/// One class of a categorised layer: features whose field equals `value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// The field value as text (numbers as written, e.g. `3` or `-1`).
    pub value: String,
    /// The legend label.
    pub label: String,
    /// How its features are drawn.
    pub symbol: Symbol,
}

/// XML-escapes text for attributes and content.
pub fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

const HEAD: &str = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n";

fn options(out: &mut String, pairs: &[(&str, String)]) {
    out.push_str("    <Option type=\"Map\">\n");
    for (k, v) in pairs {
        let _ = writeln!(
            out,
            "     <Option type=\"QString\" name=\"{k}\" value=\"{}\"/>",
            xml_escape(v)
        );
    }
    out.push_str("    </Option>\n");
    for (k, v) in pairs {
        let _ = writeln!(out, "    <prop k=\"{k}\" v=\"{}\"/>", xml_escape(v));
    }
}

fn symbol(out: &mut String, name: &str, kind: SymbolKind, s: &Symbol) {
    let (ty, class) = match kind {
        SymbolKind::Point => ("marker", "SimpleMarker"),
        SymbolKind::Line => ("line", "SimpleLine"),
        SymbolKind::Polygon => ("fill", "SimpleFill"),
    };
    let _ = writeln!(
        out,
        "   <symbol type=\"{ty}\" name=\"{}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n   <layer class=\"{class}\" enabled=\"1\" pass=\"0\" locked=\"0\">",
        xml_escape(name)
    );
    let w = format!("{}", s.stroke_mm);
    let pairs: Vec<(&str, String)> = match kind {
        SymbolKind::Point => vec![
            ("name", "circle".into()),
            ("color", s.fill.qgis()),
            ("outline_color", s.stroke.qgis()),
            ("outline_width", w),
            ("outline_width_unit", "MM".into()),
            ("size", format!("{}", s.size_mm)),
            ("size_unit", "MM".into()),
            ("outline_style", "solid".into()),
        ],
        SymbolKind::Line => vec![
            ("line_color", s.stroke.qgis()),
            ("line_width", w),
            ("line_width_unit", "MM".into()),
            ("line_style", "solid".into()),
            ("capstyle", "round".into()),
            ("joinstyle", "round".into()),
        ],
        SymbolKind::Polygon => vec![
            ("color", s.fill.qgis()),
            ("style", if s.fill.a == 0 { "no" } else { "solid" }.into()),
            ("outline_color", s.stroke.qgis()),
            ("outline_width", w),
            ("outline_width_unit", "MM".into()),
            (
                "outline_style",
                if s.stroke_mm > 0.0 { "solid" } else { "no" }.into(),
            ),
            ("joinstyle", "round".into()),
        ],
    };
    options(out, &pairs);
    out.push_str("   </layer>\n   </symbol>\n");
}

/// A single-symbol style: every feature drawn alike.
pub fn single_symbol_qml(kind: SymbolKind, s: &Symbol) -> String {
    let mut o = String::from(HEAD);
    o.push_str(" <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  <symbols>\n");
    symbol(&mut o, "0", kind, s);
    o.push_str("  </symbols>\n </renderer-v2>\n</qgis>\n");
    o
}

/// A categorised style: features drawn by the value of `field` (exact match), in the order
/// given (the legend's order). Values not listed are not drawn.
pub fn categorized_qml(kind: SymbolKind, field: &str, classes: &[Category]) -> String {
    let mut o = String::from(HEAD);
    let _ = writeln!(
        o,
        " <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  <categories>",
        xml_escape(field)
    );
    for (k, c) in classes.iter().enumerate() {
        let _ = writeln!(
            o,
            "   <category value=\"{}\" label=\"{}\" symbol=\"{k}\" render=\"true\"/>",
            xml_escape(&c.value),
            xml_escape(&c.label)
        );
    }
    o.push_str("  </categories>\n  <symbols>\n");
    for (k, c) in classes.iter().enumerate() {
        symbol(&mut o, &k.to_string(), kind, &c.symbol);
    }
    o.push_str("  </symbols>\n </renderer-v2>\n</qgis>\n");
    o
}

/// The report's Gi* classes for the `gi_bin` field (3, 2, 1 hot at 99, 95, 90 % confidence;
/// -1, -2, -3 cold), in ColorBrewer RdBu (Brewer 2003) as the report draws them, with the
/// labels given in that order (hot 99, hot 95, hot 90, cold 99, cold 95, cold 90).
pub fn gi_star_classes(labels: [&str; 6]) -> Vec<Category> {
    const HOT: [u32; 3] = [0xb2182b, 0xef8a62, 0xfddbc7];
    const COLD: [u32; 3] = [0x2166ac, 0x67a9cf, 0xd1e5f0];
    let values = ["3", "2", "1", "-3", "-2", "-1"];
    (0..6)
        .map(|k| {
            let c = if k < 3 { HOT[k] } else { COLD[k - 3] };
            Category {
                value: values[k].into(),
                label: labels[k].into(),
                symbol: Symbol::fill(Rgba::hex(c), Rgba::hex(0x777777).with_alpha(0.6), 0.1),
            }
        })
        .collect()
}

/// A classed style for a single-band grid (QGIS "singleband pseudocolor", discrete): class `k`
/// holds values from `breaks[k]` up to `breaks[k + 1]` (the last class everything above its
/// break) and is drawn in `colours[k]`, labelled `labels[k]`; values below `breaks[0]` and the
/// grid's no-data value are transparent. This is how the report classes the density surface.
///
/// The lengths of `breaks`, `colours` and `labels` should agree; extra entries are ignored.
pub fn raster_classes_qml(breaks: &[f64], colours: &[Rgba], labels: &[String]) -> String {
    let n = breaks.len().min(colours.len()).min(labels.len());
    let lo = breaks.first().copied().unwrap_or(0.0);
    let hi = breaks.get(n.saturating_sub(1)).copied().unwrap_or(lo);
    let mut o = String::from(HEAD);
    let _ = writeln!(
        o,
        " <pipe>\n  <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" classificationMin=\"{lo}\" classificationMax=\"{hi}\" nodataColor=\"\">\n   <rastershader>\n    <colorrampshader colorRampType=\"DISCRETE\" classificationMode=\"3\" clip=\"0\" minimumValue=\"{lo}\" maximumValue=\"{hi}\" labelPrecision=\"4\">"
    );
    // DISCRETE: a value takes the first item whose value is >= it, so each item carries the
    // class's upper bound; values below breaks[0] get the transparent first item.
    let _ = writeln!(
        o,
        "     <item value=\"{lo}\" label=\"\" color=\"#ffffff\" alpha=\"0\"/>"
    );
    for k in 0..n {
        let upper = match breaks.get(k + 1) {
            Some(b) if k + 1 < n => format!("{b}"),
            _ => "inf".into(),
        };
        let _ = writeln!(
            o,
            "     <item value=\"{upper}\" label=\"{}\" color=\"{}\" alpha=\"{}\"/>",
            xml_escape(&labels[k]),
            colours[k].css_hex(),
            colours[k].a
        );
    }
    o.push_str(
        "    </colorrampshader>\n   </rastershader>\n  </rasterrenderer>\n </pipe>\n</qgis>\n",
    );
    o
}

/// The report's style for one of the layers it writes, by the layer's name (`boundary`,
/// `schools`, `school_zones`, `hotspots`, `patrol_zones`, `patrol_route`, `gi_star`,
/// `count_grid`, `cluster_hulls`, `incidents`, `perception_cells`), with the report's colours (the render crate's
/// palette): Gi* bins hot red / cold blue, incidents by problem area (Okabe–Ito, the `area`
/// property), patrol zones and route in purple, schools in green, hotspots in dark red.
/// Labels are Swedish for `lang = "sv"`, else English. `None` for other names.
pub fn report_layer_qml(layer: &str, lang: &str) -> Option<String> {
    use crate::categories::ProblemArea;
    let sv = lang == "sv";
    let grey = Rgba::hex(0x555555);
    Some(match layer {
        "boundary" => single_symbol_qml(SymbolKind::Polygon, &Symbol::outline(grey, 0.5)),
        "schools" => single_symbol_qml(
            SymbolKind::Point,
            &Symbol {
                size_mm: 3.0,
                ..Symbol::fill(Rgba::hex(0x1b7837), Rgba::hex(0xffffff), 0.3)
            },
        ),
        "school_zones" => single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::fill(
                Rgba::hex(0x1b7837).with_alpha(0.15),
                Rgba::hex(0x1b7837),
                0.4,
            ),
        ),
        "hotspots" => single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::fill(
                Rgba::hex(0x7f0000).with_alpha(0.25),
                Rgba::hex(0x7f0000),
                0.6,
            ),
        ),
        "patrol_zones" => single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::fill(
                Rgba::hex(0x542788).with_alpha(0.2),
                Rgba::hex(0x542788),
                0.7,
            ),
        ),
        "patrol_route" => {
            single_symbol_qml(SymbolKind::Line, &Symbol::outline(Rgba::hex(0x542788), 0.8))
        }
        "cluster_hulls" => single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::outline(Rgba::hex(0x01665e), 0.5),
        ),
        "count_grid" => single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::fill(
                Rgba::hex(0xfd8d3c).with_alpha(0.6),
                Rgba::hex(0xffffff).with_alpha(0.5),
                0.1,
            ),
        ),
        "gi_star" => categorized_qml(
            SymbolKind::Polygon,
            "gi_bin",
            &gi_star_classes(if sv {
                [
                    "Het, 99 %",
                    "Het, 95 %",
                    "Het, 90 %",
                    "Kall, 99 %",
                    "Kall, 95 %",
                    "Kall, 90 %",
                ]
            } else {
                [
                    "Hot, 99 %",
                    "Hot, 95 %",
                    "Hot, 90 %",
                    "Cold, 99 %",
                    "Cold, 95 %",
                    "Cold, 90 %",
                ]
            }),
        ),
        "incidents" => {
            // The report's problem-area colours: Okabe–Ito in area order, grey for "other".
            const OKABE_ITO: [u32; 8] = [
                0xD55E00, 0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x666666,
            ];
            let classes: Vec<Category> = ProblemArea::ALL
                .iter()
                .map(|a| {
                    let k = a.index();
                    Category {
                        value: a.id().into(),
                        label: if sv { a.name_sv() } else { a.name_en() }.into(),
                        symbol: Symbol {
                            size_mm: 1.6,
                            ..Symbol::fill(
                                Rgba::hex(OKABE_ITO[if k == 5 { 7 } else { k }]),
                                Rgba::hex(0xffffff),
                                0.1,
                            )
                        },
                    }
                })
                .collect();
            categorized_qml(SymbolKind::Point, "area", &classes)
        }
        "perception_cells" => {
            // The perception classes as the report's class map draws them.
            let labels: [&str; 3] = if sv {
                [
                    "Upplevs otryggare än anmälningarna visar",
                    "Fler anmälda händelser än markeringar",
                    "Ingen skillnad",
                ]
            } else {
                [
                    "Feels less safe than records show",
                    "More recorded than pinned",
                    "No difference",
                ]
            };
            let classes: Vec<Category> = [
                ("perceived_only", 0x2c7bb6),
                ("recorded_only", 0xd7191c),
                ("similar", 0xbababa),
            ]
            .iter()
            .zip(labels)
            .map(|(&(value, c), label)| Category {
                value: value.into(),
                label: label.into(),
                symbol: Symbol::fill(
                    Rgba::hex(c).with_alpha(0.7),
                    Rgba::hex(0xffffff).with_alpha(0.6),
                    0.1,
                ),
            })
            .collect();
            categorized_qml(SymbolKind::Polygon, "class", &classes)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_classes_carry_upper_bounds_and_a_transparent_floor() {
        let q = raster_classes_qml(
            &[1.0, 2.0, 4.0],
            &[
                Rgba::hex(0xffffcc),
                Rgba::hex(0xfd8d3c),
                Rgba::hex(0x800026),
            ],
            &["1 – 2".into(), "2 – 4".into(), "≥ 4 <b>".into()],
        );
        let items: Vec<&str> = q.lines().filter(|l| l.contains("<item")).collect();
        assert_eq!(items.len(), 4, "{q}");
        assert!(items[0].contains("value=\"1\"") && items[0].contains("alpha=\"0\""));
        assert!(items[1].contains("value=\"2\"") && items[1].contains("#ffffcc"));
        assert!(items[2].contains("value=\"4\"") && items[2].contains("#fd8d3c"));
        assert!(items[3].contains("value=\"inf\"") && items[3].contains("#800026"));
        assert!(q.contains("≥ 4 &lt;b&gt;"), "labels are escaped");
        assert!(q.contains("colorRampType=\"DISCRETE\""));
    }

    #[test]
    fn gi_classes_are_hot_red_and_cold_blue() {
        let c = gi_star_classes(["h99", "h95", "h90", "c99", "c95", "c90"]);
        assert_eq!(c[0].value, "3");
        assert_eq!(c[0].symbol.fill, Rgba::hex(0xb2182b));
        assert_eq!(c[3].value, "-3");
        assert_eq!(c[3].symbol.fill, Rgba::hex(0x2166ac));
        let q = categorized_qml(SymbolKind::Polygon, "gi_bin", &c);
        assert!(q.contains("attr=\"gi_bin\""));
        assert!(q.contains("value=\"178,24,43,255\""), "{q}");
        assert_eq!(q.matches("<category ").count(), 6);
        assert_eq!(q.matches("<symbol ").count(), 6);
    }

    #[test]
    fn every_report_layer_has_a_style() {
        for l in [
            "boundary",
            "schools",
            "school_zones",
            "hotspots",
            "patrol_zones",
            "patrol_route",
            "gi_star",
            "count_grid",
            "cluster_hulls",
            "incidents",
        ] {
            let q = report_layer_qml(l, "sv").unwrap();
            assert!(
                q.starts_with("<!DOCTYPE qgis") && q.ends_with("</qgis>\n"),
                "{l}"
            );
        }
        let inc = report_layer_qml("incidents", "en").unwrap();
        assert!(
            inc.contains("value=\"violence\"") && inc.contains("213,94,0,255"),
            "{inc}"
        );
        assert!(report_layer_qml("nonsense", "sv").is_none());
    }

    #[test]
    fn outlines_have_no_fill() {
        let q = single_symbol_qml(
            SymbolKind::Polygon,
            &Symbol::outline(Rgba::hex(0x542788), 0.6),
        );
        assert!(q.contains("name=\"style\" value=\"no\""), "{q}");
        assert!(q.contains("84,39,136,255"));
    }
}
