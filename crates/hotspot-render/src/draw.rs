//! Drawing primitives shared by maps and charts: sizes in points, the embedded font, errors mapped.

use crate::error::{Result, draw_err};
use crate::font::FAMILY;
use crate::style::{Colour, Size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub(crate) use plotters::style::text_anchor::{HPos as H, VPos as V};

/// A drawing area with the output size, so everything can be given in points.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub size: Size,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    pub fn px(&self, pt: f64) -> f64 {
        self.size.pt(pt)
    }

    fn style(&self, pt: f64, bold: bool, colour: Colour, h: HPos, v: VPos) -> TextStyle<'static> {
        let font = FontDesc::new(
            FontFamily::Name(FAMILY),
            self.px(pt),
            if bold {
                FontStyle::Bold
            } else {
                FontStyle::Normal
            },
        );
        TextStyle {
            font,
            color: colour.pc().to_backend_color(),
            pos: Pos::new(h, v),
        }
    }

    /// Width and height in pixels of `s` at `pt` points.
    pub fn text_size(&self, s: &str, pt: f64, bold: bool) -> Result<(f64, f64)> {
        if s.is_empty() {
            return Ok((0.0, self.px(pt)));
        }
        let st = self.style(pt, bold, Colour::rgb(0, 0, 0), HPos::Left, VPos::Top);
        let (w, h) = self.area.estimate_text_size(s, &st).map_err(draw_err)?;
        Ok((w as f64, (h as f64).max(self.px(pt) * 0.8)))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        s: &str,
        x: f64,
        y: f64,
        pt: f64,
        bold: bool,
        colour: Colour,
        h: HPos,
        v: VPos,
    ) -> Result<()> {
        if s.is_empty() {
            return Ok(());
        }
        let st = self.style(pt, bold, colour, h, v);
        self.area
            .draw(&Text::new(
                s.to_string(),
                (x.round() as i32, y.round() as i32),
                st,
            ))
            .map_err(draw_err)
    }

    /// Splits `s` at spaces into lines no wider than `max_w` pixels.
    pub fn wrap(&self, s: &str, pt: f64, bold: bool, max_w: f64) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for word in s.split_whitespace() {
            let cand = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            if !cur.is_empty() && self.text_size(&cand, pt, bold)?.0 > max_w {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            } else {
                cur = cand;
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        Ok(lines)
    }

    pub fn rect(
        &self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Option<Colour>,
        stroke: Option<(Colour, f64)>,
    ) -> Result<()> {
        let p0 = (x0.round() as i32, y0.round() as i32);
        let p1 = (x1.round() as i32, y1.round() as i32);
        if let Some(f) = fill {
            self.area
                .draw(&Rectangle::new([p0, p1], f.pc().filled()))
                .map_err(draw_err)?;
        }
        if let Some((c, w)) = stroke {
            self.area
                .draw(&Rectangle::new(
                    [p0, p1],
                    c.pc().stroke_width(self.width(w)),
                ))
                .map_err(draw_err)?;
        }
        Ok(())
    }

    /// Filled rectangle on whole pixels `[x0, x1) × [y0, y1)`.
    pub fn cell(&self, x0: i32, y0: i32, x1: i32, y1: i32, fill: Colour) -> Result<()> {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.pc().filled()))
            .map_err(draw_err)
    }

    pub fn width(&self, pt: f64) -> u32 {
        self.px(pt).round().max(1.0) as u32
    }

    pub fn line(&self, pts: &[(f64, f64)], colour: Colour, width_pt: f64) -> Result<()> {
        if pts.len() < 2 {
            return Ok(());
        }
        let v: Vec<(i32, i32)> = dedup(pts);
        self.area
            .draw(&PathElement::new(
                v,
                colour.pc().stroke_width(self.width(width_pt)),
            ))
            .map_err(draw_err)
    }

    pub fn polygon(&self, pts: &[(f64, f64)], fill: Colour) -> Result<()> {
        if pts.len() < 3 {
            return Ok(());
        }
        let v = dedup(pts);
        if v.len() < 3 {
            return Ok(());
        }
        self.area
            .draw(&Polygon::new(v, fill.pc().filled()))
            .map_err(draw_err)
    }

    pub fn circle(
        &self,
        x: f64,
        y: f64,
        r_px: f64,
        fill: Option<Colour>,
        stroke: Option<(Colour, f64)>,
    ) -> Result<()> {
        let c = (x.round() as i32, y.round() as i32);
        let r = r_px.round().max(1.0) as i32;
        if let Some(f) = fill {
            self.area
                .draw(&Circle::new(c, r, f.pc().filled()))
                .map_err(draw_err)?;
        }
        if let Some((s, w)) = stroke {
            self.area
                .draw(&Circle::new(c, r, s.pc().stroke_width(self.width(w))))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

/// Rounds to whole pixels and drops repeated vertices (keeps SVG small and fills stable).
fn dedup(pts: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut v: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for &(x, y) in pts {
        let p = (x.round() as i32, y.round() as i32);
        if v.last() != Some(&p) {
            v.push(p);
        }
    }
    v
}
