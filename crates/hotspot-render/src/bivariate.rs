//! Cell layers for the perception comparison: a 3 x 3 bivariate classing
//! (recorded density x perceived density) and the three-class map
//! (`perceived_only`, `recorded_only`, `similar`).
//!
//! The bivariate palette is Joshua Stevens' blue-pink 3 x 3 scheme
//! ("Bivariate choropleth maps: a how-to guide", 2015): recorded rises to the
//! right (pink), perceived upwards (blue), both high is dark purple. The legend
//! is drawn by [`crate::MapSpec`] as nine entries listed row by row (perceived
//! high first); a layer made by [`bivariate_layer_with_axes`] is drawn as a
//! 3 x 3 square of the colours instead, perceived rising upwards and recorded
//! to the right, with the two axis texts.

use crate::map::{CellLayer, Class};
use crate::style::Colour;
use hotspot::grid::GridSpec;

/// Stevens' blue-pink scheme, `[perceived][recorded]`, each 0 low .. 2 high.
pub const BIVARIATE: [[u32; 3]; 3] = [
    [0xe8e8e8, 0xe4acac, 0xc85a5a],
    [0xb0d5df, 0xad9ea5, 0x985356],
    [0x64acbe, 0x627f8c, 0x574249],
];

/// A bivariate cell layer: `cells` are `(col, row, recorded_class, perceived_class)`
/// with classes 0..=2; `labels[p][r]` is the legend text of perceived class `p`
/// and recorded class `r` (the caller chooses the language). Classes above 2 are clamped.
pub fn bivariate_layer(
    title: impl Into<String>,
    spec: GridSpec,
    cells: &[(usize, usize, usize, usize)],
    labels: &[[String; 3]; 3],
) -> CellLayer {
    let mut classes = Vec::with_capacity(9);
    // Legend order: perceived high row first, recorded low to high.
    for p in (0..3).rev() {
        for r in 0..3 {
            classes.push(Class::new(
                labels[p][r].clone(),
                Colour::hex(BIVARIATE[p][r]),
            ));
        }
    }
    let idx = |p: usize, r: usize| (2 - p.min(2)) * 3 + r.min(2);
    CellLayer {
        title: title.into(),
        spec,
        cells: cells
            .iter()
            .map(|&(c, row, r, p)| (c, row, idx(p, r)))
            .collect(),
        classes,
    }
}

/// Separates the legend heading and the two axis texts in the title of a layer made by
/// [`bivariate_layer_with_axes`] (the map's legend recognises it and draws the 3 x 3 square).
const AXES_SEP: char = '\u{1f}';

/// As [`bivariate_layer`], with the legend drawn as a 3 x 3 square: `x_axis` names the recorded
/// axis (left to right, low to high), `y_axis` the perceived axis (bottom to top).
pub fn bivariate_layer_with_axes(
    title: &str,
    x_axis: &str,
    y_axis: &str,
    spec: GridSpec,
    cells: &[(usize, usize, usize, usize)],
    labels: &[[String; 3]; 3],
) -> CellLayer {
    bivariate_layer(
        format!("{title}{AXES_SEP}{x_axis}{AXES_SEP}{y_axis}"),
        spec,
        cells,
        labels,
    )
}

/// `(heading, x axis, y axis)` of a layer made by [`bivariate_layer_with_axes`].
pub(crate) fn square_legend(cl: &CellLayer) -> Option<(&str, &str, &str)> {
    let mut parts = cl.title.split(AXES_SEP);
    let (t, x, y) = (parts.next()?, parts.next()?, parts.next()?);
    let ours = cl.classes.len() == 9
        && (0..9).all(|k| cl.classes[k].colour == Colour::hex(BIVARIATE[2 - k / 3][k % 3]));
    (ours && parts.next().is_none()).then_some((t, x, y))
}

/// The three-class layer: `cells` are `(col, row, class)` with class 0
/// `perceived_only` (blue), 1 `recorded_only` (red), 2 `similar` (grey);
/// `labels` in that order.
pub fn class_layer(
    title: impl Into<String>,
    spec: GridSpec,
    cells: &[(usize, usize, usize)],
    labels: [String; 3],
) -> CellLayer {
    let [a, b, c] = labels;
    CellLayer {
        title: title.into(),
        spec,
        cells: cells.to_vec(),
        classes: vec![
            Class::new(a, Colour::hex(0x2c7bb6)),
            Class::new(b, Colour::hex(0xd7191c)),
            Class::new(c, Colour::hex(0xbababa)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bivariate_classes_map_to_the_scheme() {
        let spec = GridSpec::new(0.0, 0.0, 250.0, 4, 4).unwrap();
        let labels: [[String; 3]; 3] =
            std::array::from_fn(|p| std::array::from_fn(|r| format!("p{p} r{r}")));
        let l = bivariate_layer("t", spec, &[(0, 0, 2, 0), (1, 1, 0, 2)], &labels);
        assert_eq!(l.classes.len(), 9);
        // recorded high, perceived low -> last entry of the bottom legend row.
        let (_, _, k) = l.cells[0];
        assert_eq!(l.classes[k].label, "p0 r2");
        assert_eq!(l.classes[k].colour, Colour::hex(0xc85a5a));
        let (_, _, k) = l.cells[1];
        assert_eq!(l.classes[k].label, "p2 r0");
        assert_eq!(l.classes[k].colour, Colour::hex(0x64acbe));
        assert_eq!(square_legend(&l), None);
        let l = bivariate_layer_with_axes("t", "x", "y", spec, &[(0, 0, 2, 0)], &labels);
        assert_eq!(square_legend(&l), Some(("t", "x", "y")));
    }
}
