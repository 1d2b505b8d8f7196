//! Text on bitmaps with each glyph where the font puts it.
//!
//! plotters 0.3.7 rasterises text through `ab_glyph` but draws each glyph's
//! outline at the pen position, dropping the outline's own offset from the pen
//! (its left side bearing). Glyphs with a wide bearing then sit too far left:
//! DejaVu's tabular "1" leaves a gap after it ("K1 3" for "K13"), and so do
//! letters such as "B" before "S" ("HDB SCAN"). [`GlyphFix`] wraps a backend
//! and draws text itself with the bearing kept, the same anchors, rotation,
//! kerning, colour and vertical placement as plotters; everything else is
//! forwarded. The SVG backend writes `<text>` elements and needs no fix.

use ab_glyph::{Font, FontRef, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
    text_anchor::{HPos, VPos},
};
use std::sync::OnceLock;

/// The embedded fonts, parsed once; `None` if they do not parse (then text
/// falls back to the wrapped backend's own drawing).
fn fonts() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some((
                FontRef::try_from_slice(crate::font::REGULAR).ok()?,
                FontRef::try_from_slice(crate::font::BOLD).ok()?,
            ))
        })
        .as_ref()
}

/// A drawing backend whose text keeps every glyph's side bearing (see the
/// module docs); all other drawing goes to the wrapped backend unchanged.
pub struct GlyphFix<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for GlyphFix<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.0.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, (iw, ih), src)
    }

    /// plotters' default text drawing (anchor from the layout box, then the
    /// style's rotation), with the glyphs rasterised here.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let Some((regular, bold)) = fonts() else {
            return self.0.draw_text(text, style, pos);
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let font = if matches!(style.style(), FontStyle::Bold) {
            bold
        } else {
            regular
        };
        let size = style.size() as f32;
        let scaled = font.as_scaled(size);
        // plotters puts the baseline half the size below the text's top.
        let baseline = size / 2.0;
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scaled.scale(), point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let (ox, oy) = (b.min.x as i32, b.min.y as i32);
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((ox + x as i32, oy + y as i32, coverage)));
            for (x, y, coverage) in pixels {
                let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    self.0.draw_pixel((x, y), color.mix(f64::from(coverage)))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// Columns holding ink (any channel below 128) of `text` drawn at x = 10.
    fn ink_columns(text: &str, size: f64) -> Vec<usize> {
        crate::font::ensure_registered().unwrap();
        let (w, h) = (400u32, 200u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let mut b = GlyphFix(BitMapBackend::with_buffer(&mut buf, (w, h)));
            let style = (crate::font::FAMILY, size).into_font().color(&BLACK);
            b.draw_text(text, &style, (10, 10)).unwrap();
            b.present().unwrap();
        }
        (0..w as usize)
            .filter(|&x| (0..h as usize).any(|y| buf[(y * w as usize + x) * 3] < 128))
            .collect()
    }

    /// Each glyph's ink starts at its pen position plus its left side bearing,
    /// as the font's metrics say: the "1" of DejaVu Sans (a tabular figure
    /// with a wide bearing) no longer sits against the pen, and the gap
    /// before the next glyph is the font's, not that plus the bearing.
    #[test]
    fn glyphs_keep_their_side_bearings() {
        let size = 80.0;
        let font = FontRef::try_from_slice(crate::font::REGULAR).unwrap();
        let s = font.as_scaled(size as f32);
        let (one, six) = (s.glyph_id('1'), s.glyph_id('6'));
        let lsb1 = s.h_side_bearing(one);
        assert!(lsb1 > 5.0, "the test needs a wide bearing ({lsb1})");
        let ink1 = ink_columns("1", size);
        let first = *ink1.first().unwrap() as f32;
        assert!(
            (first - (10.0 + lsb1)).abs() <= 1.0,
            "'1' ink from {first}, pen 10 + bearing {lsb1}"
        );
        // In "16" the "6" starts at pen advance('1') + kern + its own bearing.
        let ink16 = ink_columns("16", size);
        let start6 = 10.0 + s.h_advance(one) + s.kern(one, six) + s.h_side_bearing(six);
        let gap_start = *ink1.last().unwrap() + 1;
        let six_first = *ink16.iter().find(|&&x| x > gap_start).unwrap() as f32;
        assert!(
            (six_first - start6).abs() <= 1.0,
            "'6' ink from {six_first}, expected {start6}"
        );
    }
}
