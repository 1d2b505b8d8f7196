//! Cell layers for the perception comparison: a 3 x 3 bivariate classing
//! (recorded density x perceived density) and the three-class map
//! (`perceived_only`, `recorded_only`, `similar`).
//!
//! The bivariate palette is Joshua Stevens' blue-pink 3 x 3 scheme
//! ("Bivariate choropleth maps: a how-to guide", 2015): recorded rises to the
//! right (pink), perceived upwards (blue), both high is dark purple. The legend
//! is drawn by [`crate::MapSpec`] as nine entries listed row by row (perceived
//! high first), not as a 3 x 3 square.

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
    }
}
