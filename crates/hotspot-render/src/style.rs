//! Colours, colour scales, output sizes and number formatting.

use plotters::style::RGBAColor;

/// An sRGB colour with opacity `a` in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Colour {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity, 0 transparent to 1 opaque.
    pub a: f64,
}

impl Colour {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 1.0 }
    }

    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(v: u32) -> Self {
        Self::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    /// The same colour with opacity `a` (clamped to `[0, 1]`).
    pub fn with_alpha(self, a: f64) -> Self {
        Self {
            a: a.clamp(0.0, 1.0),
            ..self
        }
    }

    /// The opaque colour this one shows over white paper. Used for surfaces
    /// drawn cell by cell, where semi-transparent neighbours would show seams.
    pub fn over_white(self) -> Self {
        let m = |c: u8| (c as f64 * self.a + 255.0 * (1.0 - self.a)).round() as u8;
        Self::rgb(m(self.r), m(self.g), m(self.b))
    }

    /// `#rrggbb` for CSS.
    pub fn css(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Linear interpolation in sRGB between `self` (t = 0) and `o` (t = 1).
    pub fn lerp(self, o: Self, t: f64) -> Self {
        let t = t.clamp(0.0, 1.0);
        let m = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        Self {
            r: m(self.r, o.r),
            g: m(self.g, o.g),
            b: m(self.b, o.b),
            a: self.a + (o.a - self.a) * t,
        }
    }

    pub(crate) fn pc(&self) -> RGBAColor {
        RGBAColor(self.r, self.g, self.b, self.a)
    }
}

/// Fixed palettes.
pub mod palette {
    use super::Colour;

    /// Okabe–Ito colour-blind-safe qualitative palette (Okabe & Ito 2008,
    /// "Color Universal Design"), for problem areas and categories.
    pub const QUALITATIVE: [Colour; 8] = [
        Colour::hex(0xD55E00), // vermillion
        Colour::hex(0x0072B2), // blue
        Colour::hex(0xE69F00), // orange
        Colour::hex(0x009E73), // bluish green
        Colour::hex(0xCC79A7), // reddish purple
        Colour::hex(0x56B4E9), // sky blue
        Colour::hex(0xF0E442), // yellow
        Colour::hex(0x666666), // grey (other)
    ];

    /// Gi* hot spot classes, 99 %, 95 %, 90 % confidence (ColorBrewer RdBu, Brewer 2003).
    pub const GI_HOT: [Colour; 3] = [
        Colour::hex(0xb2182b),
        Colour::hex(0xef8a62),
        Colour::hex(0xfddbc7),
    ];
    /// Gi* cold spot classes, 99 %, 95 %, 90 % confidence (ColorBrewer RdBu).
    pub const GI_COLD: [Colour; 3] = [
        Colour::hex(0x2166ac),
        Colour::hex(0x67a9cf),
        Colour::hex(0xd1e5f0),
    ];

    /// Basemap: municipality boundary.
    pub const BOUNDARY: Colour = Colour::hex(0x555555);
    /// Basemap: roads.
    pub const ROAD: Colour = Colour::hex(0xb0b0b0);
    /// Basemap: water.
    pub const WATER: Colour = Colour::hex(0xc6dbef);
    /// Hotspot polygons outline.
    pub const HOTSPOT: Colour = Colour::hex(0x7f0000);
    /// Schools.
    pub const SCHOOL: Colour = Colour::hex(0x1b7837);
    /// Patrol zones and route.
    pub const PATROL: Colour = Colour::hex(0x542788);
    /// Cluster hulls.
    pub const CLUSTER: Colour = Colour::hex(0x01665e);

    /// Emerging hot spot patterns, in the order new, consecutive, intensifying,
    /// persistent, diminishing, sporadic, oscillating, historical: reds from
    /// dark (the newest, strongest signal) to pale, as in the ArcGIS Pro
    /// "Emerging Hot Spot Analysis" symbology (hot = reds). Steps of
    /// ColorBrewer Reds/OrRd (Brewer 2003).
    pub const EMERGING_HOT: [Colour; 8] = [
        Colour::hex(0x7f0000),
        Colour::hex(0xb30000),
        Colour::hex(0xd7301f),
        Colour::hex(0xef6548),
        Colour::hex(0xfc8d59),
        Colour::hex(0xfdbb84),
        Colour::hex(0xfdd49e),
        Colour::hex(0xfee8c8),
    ];
    /// Emerging cold spot patterns, same order as [`EMERGING_HOT`] (cold = blues,
    /// ColorBrewer Blues).
    pub const EMERGING_COLD: [Colour; 8] = [
        Colour::hex(0x08306b),
        Colour::hex(0x08519c),
        Colour::hex(0x2171b5),
        Colour::hex(0x4292c6),
        Colour::hex(0x6baed6),
        Colour::hex(0x9ecae1),
        Colour::hex(0xc6dbef),
        Colour::hex(0xdeebf7),
    ];
}

/// A sequential colour scale for surfaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColourScale {
    /// Matplotlib's viridis (van der Walt & Smith 2015), perceptually uniform.
    Viridis,
    /// ColorBrewer YlOrRd (Brewer 2003), sequential yellow–orange–red.
    YlOrRd,
    /// ColorBrewer RdBu (Brewer 2003) run blue (low, `t = 0`) – white
    /// (`t = 0.5`) – red (high, `t = 1`): a diverging scale for changes, to be
    /// used with limits symmetric about zero so white means no change.
    BuRd,
}

const VIRIDIS: [u32; 11] = [
    0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151,
    0xbddf26, 0xfde725,
];
const BURD: [u32; 11] = [
    0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d,
    0xb2182b, 0x67001f,
];
const YLORRD: [u32; 9] = [
    0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026,
];

impl ColourScale {
    /// The colour at `t` in `[0, 1]` (low to high), interpolated between the
    /// published stops.
    pub fn at(&self, t: f64) -> Colour {
        let stops: &[u32] = match self {
            // Viridis runs dark (low) to bright (high); on a white map the high
            // end should stand out, so it is used reversed: low = light yellow.
            ColourScale::Viridis => &VIRIDIS,
            ColourScale::YlOrRd => &YLORRD,
            ColourScale::BuRd => &BURD,
        };
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let t = match self {
            ColourScale::Viridis => 1.0 - t,
            ColourScale::YlOrRd | ColourScale::BuRd => t,
        };
        let f = t * (stops.len() - 1) as f64;
        let i = (f.floor() as usize).min(stops.len() - 2);
        Colour::hex(stops[i]).lerp(Colour::hex(stops[i + 1]), f - i as f64)
    }

    /// `n` colours for `n` classes, evenly spaced over the scale (for n = 1 the top).
    pub fn classes(&self, n: usize) -> Vec<Colour> {
        match n {
            0 => Vec::new(),
            1 => vec![self.at(1.0)],
            _ => (0..n)
                .map(|i| self.at(0.12 + 0.88 * i as f64 / (n - 1) as f64))
                .collect(),
        }
    }
}

/// The smallest text size (points) drawn on maps: the attribution line and
/// road names. Every other map text is at least this large.
pub const MAP_MIN_TEXT_PT: f64 = 7.0;

/// The smallest text size in pixels (CSS `font-size`, the em) that
/// [`Size::shown_at`] gives, as the report requires at its 1280 px page width.
pub const MIN_TEXT_PX: f64 = 11.0;

/// A plotters font size is this many times the CSS `font-size` (em) of the
/// text drawn: its SVG backend writes `font-size = size / 1.24`. (On PNGs,
/// `ab_glyph` scales the font's ascent-to-descent height to the size, which
/// for DejaVu Sans is 1.16 em, so PNG text is slightly larger still.)
pub const FONT_SIZE_PER_EM: f64 = 1.24;

/// An output size: pixels and how many pixels one typographic point takes.
/// All text sizes and line widths are set in points, so a map looks the same
/// on screen and on paper.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels per point (1/72 inch); 300 dpi print = 300/72.
    pub px_per_pt: f64,
}

impl Size {
    /// Maps on screen: 1600 × 1131 px (A4 landscape proportions).
    pub const SCREEN: Size = Size {
        width: 1600,
        height: 1131,
        px_per_pt: 1.6,
    };
    /// Maps for A4 landscape print at 300 dpi: 3508 × 2480 px.
    pub const A4_LANDSCAPE_300DPI: Size = Size {
        width: 3508,
        height: 2480,
        px_per_pt: 300.0 / 72.0,
    };
    /// Charts on screen: 1200 × 700 px.
    pub const CHART_SCREEN: Size = Size {
        width: 1200,
        height: 700,
        px_per_pt: 1.6,
    };
    /// Charts for A4 print at 300 dpi: full text width (180 mm) × 105 mm.
    pub const CHART_A4_300DPI: Size = Size {
        width: 2126,
        height: 1240,
        px_per_pt: 300.0 / 72.0,
    };

    /// A map drawn at the size it is shown: `width` CSS pixels wide (e.g. the
    /// 1280 px of a report page), A4 landscape proportions (height = width /
    /// √2), and pixels per point chosen so the smallest map text
    /// ([`MAP_MIN_TEXT_PT`], the attribution line) has a CSS font size of
    /// [`MIN_TEXT_PX`] = 11 px (see [`FONT_SIZE_PER_EM`]).
    /// Embed the PNG at `width` pixels (or use the SVG) and no text is smaller.
    /// For sharp screens render [`Size::scaled`]`(2.0)` and show it at `width`.
    ///
    /// ```
    /// use hotspot_render::Size;
    /// let s = Size::shown_at(1280);
    /// assert_eq!((s.width, s.height), (1280, 905));
    /// use hotspot_render::style::{FONT_SIZE_PER_EM, MAP_MIN_TEXT_PT};
    /// assert!((s.pt(MAP_MIN_TEXT_PT) / FONT_SIZE_PER_EM - 11.0).abs() < 1e-9);
    /// ```
    pub fn shown_at(width: u32) -> Size {
        Size {
            width,
            height: (width as f64 / std::f64::consts::SQRT_2).round() as u32,
            px_per_pt: MIN_TEXT_PX * FONT_SIZE_PER_EM / MAP_MIN_TEXT_PT,
        }
    }

    /// The same layout with `k` times the pixels in each direction (text and
    /// lines grow with it), e.g. `k = 2` for high-density screens.
    pub fn scaled(self, k: f64) -> Size {
        let k = if k.is_finite() && k > 0.0 { k } else { 1.0 };
        Size {
            width: (self.width as f64 * k).round() as u32,
            height: (self.height as f64 * k).round() as u32,
            px_per_pt: self.px_per_pt * k,
        }
    }

    /// Pixels for `pt` points.
    pub fn pt(&self, pt: f64) -> f64 {
        pt * self.px_per_pt
    }

    pub(crate) fn check(&self) -> crate::Result<()> {
        if self.width < 200 || self.height < 150 || self.width > 20_000 || self.height > 20_000 {
            return Err(crate::RenderError::invalid(
                "size",
                format!("{} x {}", self.width, self.height),
                "width must be 200..=20000 and height 150..=20000 pixels",
            ));
        }
        if !(self.px_per_pt.is_finite() && self.px_per_pt > 0.1 && self.px_per_pt < 50.0) {
            return Err(crate::RenderError::invalid(
                "px_per_pt",
                self.px_per_pt,
                "pixels per point must be between 0.1 and 50",
            ));
        }
        Ok(())
    }
}

/// How numbers are written: decimal and thousands separators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locale {
    /// Decimal separator (`,` in Swedish).
    pub decimal: char,
    /// Thousands separator (no-break space in Swedish, `,` in English).
    pub thousands: char,
}

impl Locale {
    /// Swedish: `12 345,6` (no-break space).
    pub const SV: Locale = Locale {
        decimal: ',',
        thousands: '\u{a0}',
    };
    /// English: `12,345.6`.
    pub const EN: Locale = Locale {
        decimal: '.',
        thousands: ',',
    };

    /// `v` with `decimals` digits after the separator and grouped thousands.
    /// NaN and infinities are written as `–`.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        let s = format!("{:.*}", decimals, v.abs());
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (s.clone(), None),
        };
        let mut grouped = String::new();
        let n = int.len();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (n - i) % 3 == 0 {
                grouped.push(self.thousands);
            }
            grouped.push(ch);
        }
        let negative = v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
        let mut out = String::new();
        if negative {
            out.push('−');
        }
        out.push_str(&grouped);
        if let Some(f) = frac {
            out.push(self.decimal);
            out.push_str(&f);
        }
        out
    }

    /// An integer count with grouped thousands.
    pub fn int(&self, v: u64) -> String {
        self.num(v as f64, 0)
    }
}

impl Default for Locale {
    fn default() -> Self {
        Locale::EN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_locale() {
        assert_eq!(Locale::SV.num(12345.678, 1), "12\u{a0}345,7");
        assert_eq!(Locale::EN.num(12345.678, 1), "12,345.7");
        assert_eq!(Locale::EN.num(999.0, 0), "999");
        assert_eq!(Locale::EN.num(1000.0, 0), "1,000");
        assert_eq!(Locale::SV.num(-0.5, 2), "−0,50");
        assert_eq!(Locale::SV.num(-0.001, 1), "0,0");
        assert_eq!(Locale::EN.int(1_234_567), "1,234,567");
        assert_eq!(Locale::EN.num(f64::NAN, 1), "–");
    }

    #[test]
    fn scales_run_light_to_dark() {
        let lum = |c: Colour| 0.2126 * c.r as f64 + 0.7152 * c.g as f64 + 0.0722 * c.b as f64;
        for s in [ColourScale::Viridis, ColourScale::YlOrRd] {
            let cs = s.classes(6);
            assert_eq!(cs.len(), 6);
            for w in cs.windows(2) {
                assert!(lum(w[0]) > lum(w[1]), "{s:?} {cs:?}");
            }
        }
        assert_eq!(ColourScale::YlOrRd.at(0.0), Colour::hex(0xffffcc));
        assert_eq!(ColourScale::BuRd.at(0.5), Colour::hex(0xf7f7f7));
        assert_eq!(ColourScale::BuRd.at(0.0), Colour::hex(0x053061));
        assert_eq!(ColourScale::BuRd.at(1.0), Colour::hex(0x67001f));
        assert_eq!(ColourScale::Viridis.at(0.0), Colour::hex(0xfde725));
        assert_eq!(
            Colour::hex(0x000000).with_alpha(0.5).over_white(),
            Colour::rgb(128, 128, 128)
        );
    }
}
