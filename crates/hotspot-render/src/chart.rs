//! Charts for the report: incidents per month by problem area (stacked bars),
//! an hour-of-day × weekday heat table, a forest plot of rate ratios with
//! confidence intervals on a log scale, horizontal bars of category counts,
//! and line charts (PAI by area coverage, one line per method).
//!
//! Charts are drawn directly in pixel space with the embedded font; every text
//! (titles, labels, number formats through [`Locale`]) comes from the caller.
//! A value of `None` means "suppressed" (public mode) and is drawn as such,
//! never as zero.

use crate::draw::{Canvas, H, V};
use crate::error::{RenderError, Result, draw_err};
use crate::style::{Colour, ColourScale, Locale, Size};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One series of a stacked bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub colour: Colour,
    /// One value per x label; `None` = suppressed.
    pub values: Vec<Option<f64>>,
}

/// Stacked vertical bars (incidents per month by problem area).
#[derive(Clone, Debug, PartialEq)]
pub struct StackedBars {
    /// Title.
    pub title: String,
    /// Bar labels (months).
    pub x_labels: Vec<String>,
    /// Stacked series, bottom first.
    pub series: Vec<Series>,
    /// Y axis title.
    pub y_label: String,
    /// Note under the chart.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

/// A table of cells coloured by value (hour of day × weekday).
#[derive(Clone, Debug, PartialEq)]
pub struct HeatTable {
    /// Title.
    pub title: String,
    /// Row labels (weekdays).
    pub row_labels: Vec<String>,
    /// Column labels (hours).
    pub col_labels: Vec<String>,
    /// `values[row][col]`; `None` = suppressed.
    pub values: Vec<Vec<Option<f64>>>,
    /// Text for a suppressed cell (e.g. "<5").
    pub suppressed: String,
    /// Note under the table.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

/// One row of a forest plot.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    /// Row label (school).
    pub label: String,
    /// Point estimate (rate ratio), `None` when not estimable or suppressed.
    pub estimate: Option<f64>,
    /// Lower confidence limit.
    pub lo: f64,
    /// Upper confidence limit.
    pub hi: f64,
    /// Text at the right (e.g. "1,8 (1,2–2,6)").
    pub text: String,
}

/// Rate ratios with confidence intervals on a log axis.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestPlot {
    /// Title.
    pub title: String,
    /// Rows, top first.
    pub rows: Vec<ForestRow>,
    /// X axis title.
    pub x_label: String,
    /// Note under the chart.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

/// One horizontal bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Label.
    pub label: String,
    /// Value, `None` = suppressed.
    pub value: Option<f64>,
    /// Colour.
    pub colour: Colour,
}

/// Horizontal bars (category counts).
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// Bars, top first.
    pub bars: Vec<Bar>,
    /// Text for a suppressed value.
    pub suppressed: String,
    /// Note under the chart.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

/// One line of a [`LineChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct LineSeries {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub colour: Colour,
    /// Points `(x, y)` in increasing `x`; `y = None` (not defined) breaks the line.
    pub points: Vec<(f64, Option<f64>)>,
}

/// Lines with point markers on linear axes from zero (PAI by coverage).
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// Title.
    pub title: String,
    /// The lines, drawn in order (legend in the same order).
    pub series: Vec<LineSeries>,
    /// X axis title.
    pub x_label: String,
    /// Y axis title.
    pub y_label: String,
    /// Write x tick values as percentages of 1 (`0.05` → `5 %`).
    pub x_percent: bool,
    /// Note under the chart.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

/// A chart.
#[derive(Clone, Debug, PartialEq)]
pub enum Chart {
    /// Stacked bars.
    StackedBars(StackedBars),
    /// Heat table.
    Heat(HeatTable),
    /// Forest plot.
    Forest(ForestPlot),
    /// Horizontal bars.
    Bars(BarChart),
    /// Lines.
    Lines(LineChart),
}

impl Chart {
    /// Renders the chart as an SVG document.
    ///
    /// # Errors
    /// [`RenderError::Invalid`] for inconsistent input; [`RenderError::Draw`] from the backend.
    pub fn render_svg(&self, size: Size) -> Result<String> {
        size.check()?;
        crate::font::ensure_registered()?;
        let mut out = String::new();
        {
            let root =
                SVGBackend::with_string(&mut out, (size.width, size.height)).into_drawing_area();
            self.draw(&root, size)?;
            root.present().map_err(draw_err)?;
        }
        Ok(out)
    }

    /// Renders the chart as a PNG file.
    ///
    /// # Errors
    /// As [`Chart::render_svg`]; [`RenderError::Io`] when the file cannot be written.
    pub fn render_png(&self, size: Size, path: &Path) -> Result<()> {
        size.check()?;
        crate::font::ensure_registered()?;
        crate::atomic::png_atomic(path, |tmp| {
            let root = crate::text::GlyphFix(BitMapBackend::new(tmp, (size.width, size.height)))
                .into_drawing_area();
            self.draw(&root, size)?;
            root.present().map_err(|e| crate::error::png_err(path, e))
        })
    }

    /// `base` with its height fitted to the content: tables, forest plots and
    /// bar charts grow with their rows (up to `base.height`), so short charts
    /// do not leave empty paper.
    pub fn suggested_size(&self, base: Size) -> Size {
        let pt = |v: f64| (v * base.px_per_pt).round() as u32;
        let chrome = pt(10.0 + 12.0 * 1.6 + 10.0 + 7.5 * 1.3 * 2.0 + 4.0);
        let h = match self {
            Chart::StackedBars(_) => base.height,
            Chart::Heat(t) => {
                let cw = base.width as f64 * 0.9 / t.col_labels.len().max(1) as f64;
                chrome
                    + pt(8.0 * 1.6)
                    + (t.row_labels.len() as f64 * cw.min(pt(22.0) as f64)) as u32
            }
            Chart::Forest(f) => {
                chrome + pt(4.0 + 8.0 * 3.2) + f.rows.len().max(1) as u32 * pt(22.0)
            }
            Chart::Bars(b) => chrome + b.bars.len().max(1) as u32 * pt(20.0),
            Chart::Lines(_) => base.height,
        };
        Size {
            height: h.clamp(150, base.height.max(150)),
            ..base
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, size: Size) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err)?;
        let cv = Canvas { area: root, size };
        match self {
            Chart::StackedBars(c) => stacked(&cv, c),
            Chart::Heat(c) => heat(&cv, c),
            Chart::Forest(c) => forest(&cv, c),
            Chart::Bars(c) => bars(&cv, c),
            Chart::Lines(c) => lines(&cv, c),
        }
    }
}

pub(crate) const INK: Colour = Colour::rgb(25, 25, 25);
pub(crate) const GRID: Colour = Colour::rgb(225, 225, 225);
pub(crate) const MUTED: Colour = Colour::rgb(100, 100, 100);

/// Title at the top and note at the bottom; returns the free band `(top, bottom)`.
pub(crate) fn frame<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    title: &str,
    note: &str,
) -> Result<(f64, f64)> {
    let m = cv.px(10.0);
    let w = cv.size.width as f64;
    let h = cv.size.height as f64;
    cv.text(title, m, m, 12.0, true, INK, H::Left, V::Top)?;
    let top = m + cv.px(12.0) * 1.6;
    let mut bottom = h - m;
    if !note.is_empty() {
        let lines = cv.wrap(note, 7.5, false, w - 2.0 * m)?;
        let lh = cv.px(7.5) * 1.3;
        bottom -= lines.len() as f64 * lh;
        for (i, l) in lines.iter().enumerate() {
            cv.text(
                l,
                m,
                bottom + i as f64 * lh,
                7.5,
                false,
                MUTED,
                H::Left,
                V::Top,
            )?;
        }
        bottom -= cv.px(4.0);
    }
    Ok((top, bottom))
}

/// A nice step (1, 2, 5 × 10ⁿ) giving about `n` intervals up to `max`.
pub(crate) fn nice_step(max: f64, n: f64) -> f64 {
    if !(max > 0.0) {
        return 1.0;
    }
    let raw = max / n;
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
}

pub(crate) fn decimals_for(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    }
}

fn stacked<DB: DrawingBackend>(cv: &Canvas<DB>, c: &StackedBars) -> Result<()> {
    let n = c.x_labels.len();
    if let Some(s) = c.series.iter().find(|s| s.values.len() != n) {
        return Err(RenderError::invalid(
            "series",
            &s.name,
            format!("has {} values for {n} bars", s.values.len()),
        ));
    }
    let (top, bottom) = frame(cv, &c.title, &c.note)?;
    let w = cv.size.width as f64;
    let m = cv.px(10.0);
    // Legend row under the title.
    let mut lx = m;
    let mut ly = top;
    for s in &c.series {
        let (tw, _) = cv.text_size(&s.name, 8.0, false)?;
        if lx + cv.px(16.0) + tw > w - m {
            lx = m;
            ly += cv.px(8.0) * 1.5;
        }
        cv.rect(
            lx,
            ly,
            lx + cv.px(10.0),
            ly + cv.px(8.0),
            Some(s.colour),
            None,
        )?;
        cv.text(
            &s.name,
            lx + cv.px(13.0),
            ly,
            8.0,
            false,
            INK,
            H::Left,
            V::Top,
        )?;
        lx += cv.px(22.0) + tw;
    }
    let plot_top = ly + cv.px(8.0) * 1.5 + cv.px(16.0);
    let totals: Vec<f64> = (0..n)
        .map(|i| c.series.iter().filter_map(|s| s.values[i]).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let step = nice_step(max, 5.0);
    let ymax = (max / step).ceil().max(1.0) * step;
    let dec = decimals_for(step);
    let (ytw, _) = cv.text_size(&c.locale.num(ymax, dec), 8.0, false)?;
    let x0 = m + cv.px(14.0) + ytw;
    let x1 = w - m;
    let y1 = bottom - cv.px(8.0) * 1.8;
    let y0 = plot_top;
    let ypx = |v: f64| y1 - (v / ymax) * (y1 - y0);
    // Y grid and axis title (rotated text is not used: the title sits above the axis).
    let mut t = 0.0;
    while t <= ymax + step * 0.01 {
        let y = ypx(t);
        cv.line(&[(x0, y), (x1, y)], GRID, 0.5)?;
        cv.text(
            &c.locale.num(t, dec),
            x0 - cv.px(4.0),
            y,
            8.0,
            false,
            MUTED,
            H::Right,
            V::Center,
        )?;
        t += step;
    }
    if !c.y_label.is_empty() {
        cv.text(
            &c.y_label,
            x0,
            y0 - cv.px(2.0),
            7.5,
            false,
            MUTED,
            H::Left,
            V::Bottom,
        )?;
    }
    if n == 0 {
        return Ok(());
    }
    let slot = (x1 - x0) / n as f64;
    let bw = slot * 0.75;
    let max_label_w = c
        .x_labels
        .iter()
        .map(|l| cv.text_size(l, 7.5, false).map(|s| s.0))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .fold(0.0, f64::max);
    let every = ((max_label_w + cv.px(4.0)) / slot).ceil().max(1.0) as usize;
    for i in 0..n {
        let cx = x0 + slot * (i as f64 + 0.5);
        let mut acc = 0.0;
        let mut suppressed = false;
        for s in &c.series {
            match s.values[i] {
                Some(v) if v > 0.0 => {
                    cv.rect(
                        cx - bw / 2.0,
                        ypx(acc + v),
                        cx + bw / 2.0,
                        ypx(acc),
                        Some(s.colour),
                        None,
                    )?;
                    acc += v;
                }
                Some(_) => {}
                None => suppressed = true,
            }
        }
        if suppressed {
            cv.text(
                "*",
                cx,
                ypx(acc) - cv.px(1.0),
                8.0,
                true,
                MUTED,
                H::Center,
                V::Bottom,
            )?;
        }
        if i % every == 0 {
            cv.text(
                &c.x_labels[i],
                cx,
                y1 + cv.px(3.0),
                7.5,
                false,
                INK,
                H::Center,
                V::Top,
            )?;
        }
    }
    cv.line(&[(x0, y1), (x1, y1)], INK, 0.8)?;
    Ok(())
}

fn heat<DB: DrawingBackend>(cv: &Canvas<DB>, c: &HeatTable) -> Result<()> {
    let nr = c.row_labels.len();
    let nc = c.col_labels.len();
    if c.values.len() != nr || c.values.iter().any(|r| r.len() != nc) {
        return Err(RenderError::invalid(
            "values",
            format!("{} rows", c.values.len()),
            format!("the table must be {nr} rows × {nc} columns"),
        ));
    }
    let (top, bottom) = frame(cv, &c.title, &c.note)?;
    let w = cv.size.width as f64;
    let m = cv.px(10.0);
    let rlw = c
        .row_labels
        .iter()
        .map(|l| cv.text_size(l, 8.0, false).map(|s| s.0))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .fold(0.0, f64::max);
    let x0 = m + rlw + cv.px(6.0);
    let y0 = top + cv.px(8.0) * 1.6;
    if nr == 0 || nc == 0 {
        return Ok(());
    }
    let cw = (w - m - x0) / nc as f64;
    let ch = ((bottom - y0) / nr as f64).min(cw * 1.2).min(cv.px(22.0));
    let max = c
        .values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0, f64::max);
    let scale = ColourScale::YlOrRd;
    let dec = if c
        .values
        .iter()
        .flatten()
        .flatten()
        .all(|v| v.fract() == 0.0)
    {
        0
    } else {
        1
    };
    for (j, l) in c.col_labels.iter().enumerate() {
        cv.text(
            l,
            x0 + cw * (j as f64 + 0.5),
            top,
            7.5,
            false,
            INK,
            H::Center,
            V::Top,
        )?;
    }
    for (i, row) in c.values.iter().enumerate() {
        let y = y0 + ch * i as f64;
        cv.text(
            &c.row_labels[i],
            x0 - cv.px(4.0),
            y + ch / 2.0,
            8.0,
            false,
            INK,
            H::Right,
            V::Center,
        )?;
        for (j, v) in row.iter().enumerate() {
            let x = x0 + cw * j as f64;
            let (fill, text, dark) = match v {
                None => (Colour::rgb(235, 235, 235), c.suppressed.clone(), false),
                Some(v) => {
                    let t = if max > 0.0 { v / max } else { 0.0 };
                    let fill = if *v > 0.0 {
                        scale.at(0.08 + 0.92 * t)
                    } else {
                        Colour::rgb(255, 255, 255)
                    };
                    (fill, c.locale.num(*v, dec), t > 0.55)
                }
            };
            cv.rect(
                x,
                y,
                x + cw,
                y + ch,
                Some(fill),
                Some((Colour::rgb(255, 255, 255), 0.5)),
            )?;
            let (tw, _) = cv.text_size(&text, 7.0, false)?;
            if tw < cw - cv.px(2.0) {
                let ink = if dark {
                    Colour::rgb(255, 255, 255)
                } else {
                    INK
                };
                cv.text(
                    &text,
                    x + cw / 2.0,
                    y + ch / 2.0,
                    7.0,
                    false,
                    ink,
                    H::Center,
                    V::Center,
                )?;
            }
        }
    }
    Ok(())
}

fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi * 1.0001 {
        for k in [1.0, 2.0, 5.0] {
            let t = k * p;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                v.push(t);
            }
        }
        p *= 10.0;
    }
    v
}

fn forest<DB: DrawingBackend>(cv: &Canvas<DB>, c: &ForestPlot) -> Result<()> {
    for r in &c.rows {
        if let Some(e) = r.estimate
            && !(e > 0.0 && e.is_finite() && r.lo > 0.0 && r.lo <= e && e <= r.hi)
        {
            return Err(RenderError::invalid(
                "rate ratio",
                format!("{} ({}, {}) for {}", e, r.lo, r.hi, r.label),
                "estimates and limits must be positive with lo <= estimate <= hi",
            ));
        }
    }
    let (top, bottom) = frame(cv, &c.title, &c.note)?;
    let w = cv.size.width as f64;
    let m = cv.px(10.0);
    let width_of = |f: &dyn Fn(&ForestRow) -> &str| -> Result<f64> {
        let mut mx: f64 = 0.0;
        for r in &c.rows {
            mx = mx.max(cv.text_size(f(r), 8.0, false)?.0);
        }
        Ok(mx)
    };
    let lw = width_of(&|r| &r.label)?.min(w * 0.35);
    let tw = width_of(&|r| &r.text)?;
    let x0 = m + lw + cv.px(10.0);
    let x1 = w - m - tw - cv.px(10.0);
    // Axis range: all finite limits and 1, widened to whole 1-2-5 ticks.
    let mut lo: f64 = 1.0;
    let mut hi: f64 = 1.0;
    for r in c.rows.iter().filter(|r| r.estimate.is_some()) {
        if r.lo.is_finite() {
            lo = lo.min(r.lo);
        }
        if r.hi.is_finite() {
            hi = hi.max(r.hi);
        }
    }
    lo = lo.max(1e-3);
    hi = hi.min(1e3);
    let snap_down = |v: f64| {
        let p = 10f64.powf(v.log10().floor());
        [5.0, 2.0, 1.0]
            .iter()
            .map(|k| k * p)
            .find(|t| *t <= v)
            .unwrap_or(p)
    };
    let snap_up = |v: f64| {
        let p = 10f64.powf(v.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|k| k * p)
            .find(|t| *t >= v)
            .unwrap_or(10.0 * p)
    };
    let (lo, hi) = (snap_down(lo), snap_up(hi));
    let (llo, lhi) = (lo.ln(), hi.ln());
    let xpx = |v: f64| x0 + (v.clamp(lo, hi).ln() - llo) / (lhi - llo) * (x1 - x0);
    let n = c.rows.len().max(1);
    let y0 = top + cv.px(4.0);
    let y1 = bottom - cv.px(8.0) * 3.2;
    let rh = ((y1 - y0) / n as f64).min(cv.px(22.0));
    let plot_bottom = y0 + rh * n as f64;
    for t in log_ticks(lo, hi) {
        let x = xpx(t);
        cv.line(&[(x, y0), (x, plot_bottom)], GRID, 0.5)?;
        let dec = if t >= 1.0 { 0 } else { decimals_for(t) };
        cv.text(
            &c.locale.num(t, dec),
            x,
            plot_bottom + cv.px(3.0),
            8.0,
            false,
            MUTED,
            H::Center,
            V::Top,
        )?;
    }
    let xr = xpx(1.0);
    cv.line(&[(xr, y0), (xr, plot_bottom)], INK, 0.8)?;
    cv.text(
        &c.x_label,
        (x0 + x1) / 2.0,
        plot_bottom + cv.px(8.0) * 1.6,
        8.0,
        false,
        INK,
        H::Center,
        V::Top,
    )?;
    for (i, r) in c.rows.iter().enumerate() {
        let y = y0 + rh * (i as f64 + 0.5);
        cv.text(&r.label, m, y, 8.0, false, INK, H::Left, V::Center)?;
        cv.text(&r.text, w - m, y, 8.0, false, INK, H::Right, V::Center)?;
        if let Some(e) = r.estimate {
            let (a, b) = (xpx(r.lo), xpx(r.hi));
            cv.line(&[(a, y), (b, y)], INK, 1.2)?;
            // Open-ended intervals get an arrow-like tick at the axis end.
            for (lim, x) in [(r.lo, a), (r.hi, b)] {
                if !(lim >= lo && lim <= hi) {
                    cv.line(&[(x, y - cv.px(3.0)), (x, y + cv.px(3.0))], INK, 1.2)?;
                }
            }
            let s = cv.px(3.5);
            let xe = xpx(e);
            let fill = if r.lo > 1.0 {
                Colour::hex(0xb2182b)
            } else if r.hi < 1.0 {
                Colour::hex(0x2166ac)
            } else {
                Colour::rgb(90, 90, 90)
            };
            cv.rect(xe - s, y - s, xe + s, y + s, Some(fill), None)?;
        }
    }
    Ok(())
}

fn bars<DB: DrawingBackend>(cv: &Canvas<DB>, c: &BarChart) -> Result<()> {
    let (top, bottom) = frame(cv, &c.title, &c.note)?;
    let w = cv.size.width as f64;
    let m = cv.px(10.0);
    let mut lw: f64 = 0.0;
    for b in &c.bars {
        lw = lw.max(cv.text_size(&b.label, 8.0, false)?.0);
    }
    let lw = lw.min(w * 0.4);
    let x0 = m + lw + cv.px(8.0);
    let max = c.bars.iter().filter_map(|b| b.value).fold(0.0, f64::max);
    let (vw, _) = cv.text_size(&c.locale.num(max, 0), 8.0, false)?;
    let x1 = w - m - vw - cv.px(8.0);
    let n = c.bars.len().max(1);
    let rh = ((bottom - top) / n as f64).min(cv.px(20.0));
    for (i, b) in c.bars.iter().enumerate() {
        let y = top + rh * i as f64;
        let cy = y + rh / 2.0;
        cv.text(
            &b.label,
            x0 - cv.px(6.0),
            cy,
            8.0,
            false,
            INK,
            H::Right,
            V::Center,
        )?;
        let (end, text) = match b.value {
            Some(v) => {
                let end = if max > 0.0 {
                    x0 + v / max * (x1 - x0)
                } else {
                    x0
                };
                if v > 0.0 {
                    cv.rect(x0, y + rh * 0.15, end, y + rh * 0.85, Some(b.colour), None)?;
                }
                let dec = if v.fract() == 0.0 { 0 } else { 1 };
                (end, c.locale.num(v, dec))
            }
            None => (x0, c.suppressed.clone()),
        };
        cv.text(
            &text,
            end + cv.px(4.0),
            cy,
            8.0,
            false,
            INK,
            H::Left,
            V::Center,
        )?;
    }
    cv.line(&[(x0, top), (x0, top + rh * n as f64)], INK, 0.8)?;
    Ok(())
}

fn lines<DB: DrawingBackend>(cv: &Canvas<DB>, c: &LineChart) -> Result<()> {
    for s in &c.series {
        if let Some(p) = s
            .points
            .iter()
            .find(|(x, y)| !x.is_finite() || y.is_some_and(|y| !y.is_finite()))
        {
            return Err(RenderError::invalid(
                "point",
                format!("({}, {:?}) of {}", p.0, p.1, s.name),
                "line chart points must be finite",
            ));
        }
    }
    let (top, bottom) = frame(cv, &c.title, &c.note)?;
    let w = cv.size.width as f64;
    let m = cv.px(10.0);
    // Legend row(s) under the title: a line with a marker, then the name.
    let mut lx = m;
    let mut ly = top;
    for s in &c.series {
        let (tw, _) = cv.text_size(&s.name, 8.0, false)?;
        if lx + cv.px(24.0) + tw > w - m {
            lx = m;
            ly += cv.px(8.0) * 1.5;
        }
        let cy = ly + cv.px(4.0);
        cv.line(&[(lx, cy), (lx + cv.px(16.0), cy)], s.colour, 1.6)?;
        cv.circle(lx + cv.px(8.0), cy, cv.px(2.5), Some(s.colour), None)?;
        cv.text(
            &s.name,
            lx + cv.px(20.0),
            ly,
            8.0,
            false,
            INK,
            H::Left,
            V::Top,
        )?;
        lx += cv.px(30.0) + tw;
    }
    let plot_top = ly + cv.px(8.0) * 1.5 + cv.px(16.0);
    let pts = || c.series.iter().flat_map(|s| s.points.iter());
    let xmax_data = pts().map(|p| p.0).fold(0.0, f64::max);
    let ymax_data = pts().filter_map(|p| p.1).fold(0.0, f64::max);
    let xstep = nice_step(xmax_data, 5.0);
    // A value a hair above a tick (a coverage of 20.0003 %) does not add a whole step.
    let xmax = (xmax_data / xstep - 1e-6).ceil().max(1.0) * xstep;
    let ystep = nice_step(ymax_data, 5.0);
    let ymax = (ymax_data / ystep - 1e-6).ceil().max(1.0) * ystep;
    let ydec = decimals_for(ystep);
    let xdec = decimals_for(if c.x_percent { xstep * 100.0 } else { xstep });
    let xtext = |v: f64| {
        if c.x_percent {
            format!("{} %", c.locale.num(100.0 * v, xdec))
        } else {
            c.locale.num(v, xdec)
        }
    };
    let (ytw, _) = cv.text_size(&c.locale.num(ymax, ydec), 8.0, false)?;
    let x0 = m + cv.px(14.0) + ytw;
    let x1 = w - m - cv.px(10.0);
    let y1 = bottom - cv.px(8.0) * 3.4;
    let y0 = plot_top;
    let xpx = |v: f64| x0 + (v / xmax) * (x1 - x0);
    let ypx = |v: f64| y1 - (v / ymax) * (y1 - y0);
    let mut t = 0.0;
    while t <= ymax + ystep * 0.01 {
        let y = ypx(t);
        cv.line(&[(x0, y), (x1, y)], GRID, 0.5)?;
        cv.text(
            &c.locale.num(t, ydec),
            x0 - cv.px(4.0),
            y,
            8.0,
            false,
            MUTED,
            H::Right,
            V::Center,
        )?;
        t += ystep;
    }
    let mut t = 0.0;
    while t <= xmax + xstep * 0.01 {
        let x = xpx(t);
        cv.line(&[(x, y0), (x, y1)], GRID, 0.5)?;
        cv.text(
            &xtext(t),
            x,
            y1 + cv.px(3.0),
            8.0,
            false,
            MUTED,
            H::Center,
            V::Top,
        )?;
        t += xstep;
    }
    if !c.y_label.is_empty() {
        cv.text(
            &c.y_label,
            x0,
            y0 - cv.px(2.0),
            7.5,
            false,
            MUTED,
            H::Left,
            V::Bottom,
        )?;
    }
    cv.text(
        &c.x_label,
        (x0 + x1) / 2.0,
        y1 + cv.px(8.0) * 1.8,
        8.0,
        false,
        INK,
        H::Center,
        V::Top,
    )?;
    cv.line(&[(x0, y1), (x1, y1)], INK, 0.8)?;
    cv.line(&[(x0, y0), (x0, y1)], INK, 0.8)?;
    for s in &c.series {
        // Runs of defined points are joined; an undefined value breaks the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for p in s.points.iter().chain(std::iter::once(&(0.0, None))) {
            match p.1 {
                Some(y) => run.push((xpx(p.0), ypx(y))),
                None => {
                    cv.line(&run, s.colour, 1.6)?;
                    for (x, y) in run.drain(..) {
                        cv.circle(
                            x,
                            y,
                            cv.px(2.5),
                            Some(s.colour),
                            Some((Colour::rgb(255, 255, 255), 0.5)),
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_and_log_ticks() {
        assert_eq!(nice_step(47.0, 5.0), 10.0);
        assert_eq!(nice_step(3.0, 5.0), 1.0);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
        assert_eq!(log_ticks(0.5, 5.0), vec![0.5, 1.0, 2.0, 5.0]);
        assert_eq!(decimals_for(0.2), 1);
    }

    #[test]
    fn line_chart_has_its_legend_and_ticks() {
        let c = Chart::Lines(LineChart {
            title: "PAI".into(),
            series: vec![
                LineSeries {
                    name: "kde".into(),
                    colour: Colour::hex(0xD55E00),
                    points: vec![(0.01, Some(12.0)), (0.05, Some(6.5)), (0.1, None)],
                },
                LineSeries {
                    name: "grid".into(),
                    colour: Colour::hex(0x0072B2),
                    points: vec![(0.01, Some(9.0)), (0.05, Some(5.0)), (0.1, Some(3.2))],
                },
            ],
            x_label: "Area".into(),
            y_label: "PAI".into(),
            x_percent: true,
            note: String::new(),
            locale: Locale::EN,
        });
        let svg = c.render_svg(Size::CHART_SCREEN).unwrap();
        for t in [
            "\nkde\n</text>",
            "\ngrid\n</text>",
            "\n10 %\n</text>",
            "\n15\n</text>",
        ] {
            assert!(svg.contains(t), "{t}");
        }
        // 2 legend markers; 5 point markers (fill and outline; the undefined point has none).
        assert_eq!(svg.matches("<circle").count(), 2 + 2 * 5);
        let bad = Chart::Lines(LineChart {
            series: vec![LineSeries {
                name: "x".into(),
                colour: Colour::hex(0),
                points: vec![(f64::NAN, Some(1.0))],
            }],
            ..match c {
                Chart::Lines(l) => l,
                _ => unreachable!(),
            }
        });
        assert!(bad.render_svg(Size::CHART_SCREEN).is_err());
    }
}
