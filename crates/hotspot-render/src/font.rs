//! The embedded font: DejaVu Sans (regular and bold, Bitstream Vera licence in
//! `fonts/LICENSE-DejaVu.txt`), registered with plotters' `ab_glyph` text
//! renderer under [`FAMILY`] and `sans-serif`.

use crate::error::{RenderError, Result};
use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// Font family name used for every text the renderer draws (also the SVG `font-family`).
pub const FAMILY: &str = "DejaVu Sans";

pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// Registers the embedded font once per process; every render call does this itself.
///
/// # Errors
/// [`RenderError::Font`] if the embedded font data cannot be parsed (not expected).
pub fn ensure_registered() -> Result<()> {
    REGISTERED
        .get_or_init(|| {
            for name in [FAMILY, "sans-serif"] {
                register_font(name, FontStyle::Normal, REGULAR)
                    .map_err(|_| format!("cannot parse the regular font for {name}"))?;
                register_font(name, FontStyle::Bold, BOLD)
                    .map_err(|_| format!("cannot parse the bold font for {name}"))?;
            }
            Ok(())
        })
        .clone()
        .map_err(RenderError::Font)
}
