//! A control chart of one zone's follow-up: the count of each period against the band of normal
//! variation under the baseline (the interval of `hotspot::followup`), the expected count, the
//! baseline mean per whole period, and the periods signalled lower or higher marked.
//!
//! Every text comes from the caller; a count of `None` (suppressed in public mode) is drawn as a
//! gap with the band kept.

use crate::chart::{GRID, INK, MUTED, decimals_for, frame, nice_step};
use crate::draw::{Canvas, H, V};
use crate::error::{RenderError, Result, draw_err};
use crate::style::{Colour, Locale, Size};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The signal of a period as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Below the band: a green downward marker.
    Lower,
    /// Above the band: a red upward marker.
    Higher,
    /// Inside the band.
    None,
}

/// One period of a [`ControlChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct ControlPoint {
    /// Tick label (`2026-T1`).
    pub label: String,
    /// The count, `None` = suppressed.
    pub count: Option<f64>,
    /// Expected count under the baseline.
    pub expected: f64,
    /// Lower end of the band.
    pub lower: f64,
    /// Upper end of the band.
    pub upper: f64,
    /// The signal.
    pub mark: Mark,
    /// Covered only partly (drawn with a hollow marker).
    pub partial: bool,
}

/// Legend texts of a [`ControlChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct ControlLegend {
    /// The count line.
    pub count: String,
    /// The band.
    pub band: String,
    /// The expected count.
    pub expected: String,
    /// The baseline mean line.
    pub baseline_mean: String,
    /// A period signalled lower.
    pub lower: String,
    /// A period signalled higher.
    pub higher: String,
}

/// A control chart (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct ControlChart {
    /// Title.
    pub title: String,
    /// One point per period, in time order.
    pub points: Vec<ControlPoint>,
    /// The baseline mean per whole period (a dashed line), if any.
    pub baseline_mean: Option<f64>,
    /// Legend texts.
    pub legend: ControlLegend,
    /// Y axis title.
    pub y_label: String,
    /// Note under the chart.
    pub note: String,
    /// Number format.
    pub locale: Locale,
}

const COUNT: Colour = Colour::rgb(33, 102, 172);
const BAND: Colour = Colour::rgb(210, 222, 235);
const EXPECTED: Colour = Colour::rgb(90, 90, 90);
const LOWER: Colour = Colour::rgb(26, 152, 80);
const HIGHER: Colour = Colour::rgb(215, 48, 39);

impl ControlChart {
    /// Renders the chart as an SVG document.
    ///
    /// # Errors
    /// [`RenderError::Invalid`] for no points or non-finite values; [`RenderError::Draw`] from the backend.
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
    /// As [`ControlChart::render_svg`]; [`RenderError::Io`] when the file cannot be written.
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

    fn check(&self) -> Result<()> {
        if self.points.is_empty() {
            return Err(RenderError::invalid(
                "points",
                &self.title,
                "a control chart needs at least one period",
            ));
        }
        for p in &self.points {
            let vals = [p.expected, p.lower, p.upper];
            if vals.iter().any(|v| !v.is_finite()) || p.count.is_some_and(|c| !c.is_finite()) {
                return Err(RenderError::invalid(
                    "point",
                    &p.label,
                    "counts, expected and band must be finite",
                ));
            }
        }
        if self.baseline_mean.is_some_and(|m| !m.is_finite()) {
            return Err(RenderError::invalid(
                "baseline_mean",
                &self.title,
                "must be finite",
            ));
        }
        Ok(())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, size: Size) -> Result<()> {
        self.check()?;
        root.fill(&WHITE).map_err(draw_err)?;
        let cv = Canvas { area: root, size };
        let (top, bottom) = frame(&cv, &self.title, &self.note)?;
        let w = size.width as f64;
        let m = cv.px(10.0);
        // Legend: one row (wrapping) of swatches.
        let lg = &self.legend;
        let mut items: Vec<(&str, u8)> = vec![
            (&lg.count, 0),
            (&lg.band, 1),
            (&lg.expected, 2),
            (&lg.lower, 4),
            (&lg.higher, 5),
        ];
        if self.baseline_mean.is_some() {
            items.insert(3, (&lg.baseline_mean, 3));
        }
        let (mut lx, mut ly) = (m, top);
        for (name, kind) in items {
            let (tw, _) = cv.text_size(name, 8.0, false)?;
            if lx + cv.px(24.0) + tw > w - m {
                lx = m;
                ly += cv.px(8.0) * 1.5;
            }
            let cy = ly + cv.px(4.0);
            let (a, b) = (lx, lx + cv.px(16.0));
            match kind {
                0 => {
                    cv.line(&[(a, cy), (b, cy)], COUNT, 1.6)?;
                    cv.circle((a + b) / 2.0, cy, cv.px(2.5), Some(COUNT), None)?;
                }
                1 => cv.rect(a, cy - cv.px(4.0), b, cy + cv.px(4.0), Some(BAND), None)?,
                2 => cv.line(&[(a + cv.px(3.0), cy), (b - cv.px(3.0), cy)], EXPECTED, 1.2)?,
                3 => dashed(&cv, a, b, cy, MUTED)?,
                4 => triangle(&cv, (a + b) / 2.0, cy, cv.px(4.0), false, LOWER)?,
                _ => triangle(&cv, (a + b) / 2.0, cy, cv.px(4.0), true, HIGHER)?,
            }
            cv.text(name, lx + cv.px(20.0), ly, 8.0, false, INK, H::Left, V::Top)?;
            lx += cv.px(30.0) + tw;
        }
        let plot_top = ly + cv.px(8.0) * 1.5 + cv.px(14.0);
        let ymax_data = self
            .points
            .iter()
            .flat_map(|p| [p.count.unwrap_or(0.0), p.upper, p.expected])
            .chain(self.baseline_mean)
            .fold(0.0, f64::max);
        let ystep = nice_step(ymax_data * 1.05, 5.0);
        let ymax = (ymax_data * 1.05 / ystep - 1e-6).ceil().max(1.0) * ystep;
        let ydec = decimals_for(ystep);
        let (ytw, _) = cv.text_size(&self.locale.num(ymax, ydec), 8.0, false)?;
        let x0 = m + cv.px(14.0) + ytw;
        let x1 = w - m;
        let y1 = bottom - cv.px(8.0) * 2.2;
        let y0 = plot_top;
        let n = self.points.len();
        let slot = (x1 - x0) / n as f64;
        let xc = |k: usize| x0 + slot * (k as f64 + 0.5);
        let ypx = |v: f64| y1 - (v / ymax) * (y1 - y0);
        let mut t = 0.0;
        while t <= ymax + ystep * 0.01 {
            let y = ypx(t);
            cv.line(&[(x0, y), (x1, y)], GRID, 0.5)?;
            cv.text(
                &self.locale.num(t, ydec),
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
        if !self.y_label.is_empty() {
            cv.text(
                &self.y_label,
                x0,
                y0 - cv.px(2.0),
                7.5,
                false,
                MUTED,
                H::Left,
                V::Bottom,
            )?;
        }
        // Band and expected count per period.
        let half = slot * 0.38;
        for (k, p) in self.points.iter().enumerate() {
            let x = xc(k);
            cv.rect(
                x - half,
                ypx(p.upper),
                x + half,
                ypx(p.lower),
                Some(BAND),
                None,
            )?;
            cv.line(
                &[(x - half, ypx(p.expected)), (x + half, ypx(p.expected))],
                EXPECTED,
                1.2,
            )?;
            let label = if p.partial {
                format!("{}*", p.label)
            } else {
                p.label.clone()
            };
            cv.text(
                &label,
                x,
                y1 + cv.px(3.0),
                8.0,
                false,
                MUTED,
                H::Center,
                V::Top,
            )?;
        }
        if let Some(bm) = self.baseline_mean {
            dashed(&cv, x0, x1, ypx(bm), MUTED)?;
        }
        cv.line(&[(x0, y1), (x1, y1)], INK, 0.8)?;
        cv.line(&[(x0, y0), (x0, y1)], INK, 0.8)?;
        // Counts: runs of shown values joined; a suppressed value breaks the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (k, p) in self.points.iter().enumerate() {
            match p.count {
                Some(c) => run.push((xc(k), ypx(c))),
                None => {
                    cv.line(&run, COUNT, 1.6)?;
                    run.clear();
                }
            }
        }
        cv.line(&run, COUNT, 1.6)?;
        for (k, p) in self.points.iter().enumerate() {
            let Some(c) = p.count else { continue };
            let (x, y) = (xc(k), ypx(c));
            let fill = if p.partial {
                Colour::rgb(255, 255, 255)
            } else {
                COUNT
            };
            cv.circle(x, y, cv.px(2.8), Some(fill), Some((COUNT, 1.0)))?;
            match p.mark {
                Mark::Lower => triangle(&cv, x, y + cv.px(9.0), cv.px(4.5), false, LOWER)?,
                Mark::Higher => triangle(&cv, x, y - cv.px(9.0), cv.px(4.5), true, HIGHER)?,
                Mark::None => {}
            }
        }
        Ok(())
    }
}

fn dashed<DB: DrawingBackend>(cv: &Canvas<DB>, a: f64, b: f64, y: f64, c: Colour) -> Result<()> {
    let (dash, gap) = (cv.px(4.0), cv.px(3.0));
    let mut x = a;
    while x < b {
        cv.line(&[(x, y), ((x + dash).min(b), y)], c, 1.0)?;
        x += dash + gap;
    }
    Ok(())
}

fn triangle<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    x: f64,
    y: f64,
    r: f64,
    up: bool,
    c: Colour,
) -> Result<()> {
    let s = if up { -1.0 } else { 1.0 };
    cv.polygon(
        &[
            (x - r, y - s * r * 0.6),
            (x + r, y - s * r * 0.6),
            (x, y + s * r),
        ],
        c,
    )
}

/// The points and baseline mean of one follow-up series' control chart, shared by
/// `hotspot follow-up` and the report (each adds its own texts). `shown` gives the count as it may
/// be shown (the report's public suppression; `Some` for every count in the command): a hidden
/// count leaves a gap and carries no signal. `label` writes the period's name.
pub fn control_points(
    f: &hotspot::followup::Followup,
    s: &hotspot::followup::Series,
    shown: impl Fn(u64) -> Option<u64>,
    label: impl Fn(&str) -> String,
) -> (Vec<ControlPoint>, Option<f64>) {
    use hotspot::followup::Signal;
    let full_days = f
        .periods
        .iter()
        .find(|p| !p.partial)
        .map(|p| p.full.days())
        .unwrap_or(0);
    let points = s
        .rows
        .iter()
        .map(|r| {
            let count = shown(r.count);
            ControlPoint {
                label: label(&r.period),
                count: count.map(|c| c as f64),
                expected: r.expected,
                lower: r.lower as f64,
                upper: r.upper as f64,
                mark: match (count, r.signal) {
                    (None, _) | (_, Signal::None) => Mark::None,
                    (_, Signal::Lower) => Mark::Lower,
                    (_, Signal::Higher) => Mark::Higher,
                },
                partial: r.partial,
            }
        })
        .collect();
    let baseline_mean = (full_days > 0 && !f.params.seasonal).then(|| s.baseline_mean(full_days));
    (points, baseline_mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> ControlChart {
        let pt = |l: &str, c: Option<f64>, e: f64, lo: f64, hi: f64, mark: Mark| ControlPoint {
            label: l.into(),
            count: c,
            expected: e,
            lower: lo,
            upper: hi,
            mark,
            partial: false,
        };
        ControlChart {
            title: "Torget".into(),
            points: vec![
                pt("2025-T3", Some(60.0), 61.0, 45.0, 79.0, Mark::None),
                pt("2026-T1", Some(38.0), 61.0, 45.0, 79.0, Mark::Lower),
                pt("2026-T2", None, 61.0, 45.0, 79.0, Mark::None),
                pt("2026-T3", Some(90.0), 61.0, 45.0, 79.0, Mark::Higher),
            ],
            baseline_mean: Some(61.0),
            legend: ControlLegend {
                count: "Händelser".into(),
                band: "Normal variation".into(),
                expected: "Förväntat".into(),
                baseline_mean: "Basårets medel".into(),
                lower: "Färre".into(),
                higher: "Fler".into(),
            },
            y_label: "händelser per tertial".into(),
            note: "* delvis period".into(),
            locale: Locale::SV,
        }
    }

    #[test]
    fn draws_ticks_legend_and_is_deterministic() {
        let c = chart();
        let a = c.render_svg(Size::SCREEN).unwrap();
        assert_eq!(a, c.render_svg(Size::SCREEN).unwrap());
        for t in [
            "2026-T1",
            "Normal variation",
            "Basårets medel",
            "Färre",
            "Fler",
        ] {
            assert!(a.contains(t), "{t} missing");
        }
        // Without a baseline mean its legend entry is left out.
        let mut b = c.clone();
        b.baseline_mean = None;
        assert!(
            !b.render_svg(Size::SCREEN)
                .unwrap()
                .contains("Basårets medel")
        );
    }

    #[test]
    fn rejects_empty_and_non_finite_input() {
        let mut c = chart();
        c.points[0].upper = f64::NAN;
        assert!(c.render_svg(Size::SCREEN).is_err());
        c.points.clear();
        assert!(c.render_svg(Size::SCREEN).is_err());
    }
}
