//! Maps of results that sit in a small part of the municipality (hotspots,
//! patrol zones, clusters, school zones) drawn as a close-up with the
//! overview beside it: `hotspot_render::CloseUp` (the close-up large, the
//! whole municipality small in its legend column with the close-up's frame).

use super::{FIGURE_PX, Run, Written};
use crate::error::ResultExt as _;
use hotspot_render::{CloseUp, CloseUpOptions, Layer, MapSpec, Size, closeup_extent};

/// Renders `map` (SVG for the HTML, screen PNG and, with `print`, the A4 PNG,
/// as `render_map` does) as a close-up of the `results` with the overview of
/// the whole study area beside it, when the results take at most
/// [`CloseUpOptions::max_share`] of the study area in each direction;
/// otherwise `map` as it is. Returns the SVG.
pub(super) fn render(
    run: &Run,
    name: &str,
    map: &MapSpec,
    results: &[&Layer],
    written: &mut Written,
) -> crate::Result<String> {
    let Some(e) = closeup_extent(
        results.iter().copied(),
        run.sit.extent,
        &CloseUpOptions::default(),
    ) else {
        return super::render_map(run, name, map, written);
    };
    let mut whole = map.clone();
    whole.extent = run.sit.extent;
    let fig = CloseUp::of(&whole, e, run.tr.t("map.locator"));
    // Drawn a little taller than the plain maps (width / 1.2, not / √2) so the legend
    // column has room for the overview under the legend.
    let mut shown = Size::shown_at(FIGURE_PX);
    shown.height = (FIGURE_PX as f64 / 1.2).round() as u32;
    let out = &run.s.out;
    let (svg, _) = fig.render_svg(shown)?;
    let p = out.join("maps").join(format!("{name}.svg"));
    std::fs::write(&p, &svg).with_context(|| format!("cannot write {}", p.display()))?;
    written.add(out, &p);
    let p = out.join("maps").join(format!("{name}.png"));
    fig.render_png(Size::SCREEN, &p)?;
    written.add(out, &p);
    if run.s.print {
        let p = out.join("maps").join(format!("{name}_a4.png"));
        fig.render_png(Size::A4_LANDSCAPE_300DPI, &p)?;
        written.add(out, &p);
    }
    Ok(svg)
}

/// Gap (m) under which two results belong to the same part of the municipality.
const GROUP_GAP_M: f64 = 1000.0;

/// The indices of `areas` in their largest group: areas whose bounding boxes
/// are at most [`GROUP_GAP_M`] apart, chained (single linkage); of equal
/// groups the one holding the earliest (top-ranked) area. Empty when there
/// are no areas.
pub(super) fn main_group(areas: &[geo::MultiPolygon<f64>]) -> Vec<usize> {
    use geo::BoundingRect;
    let boxes: Vec<Option<geo::Rect<f64>>> = areas.iter().map(|a| a.bounding_rect()).collect();
    let gap = |a: &geo::Rect<f64>, b: &geo::Rect<f64>| {
        let dx = (a.min().x - b.max().x).max(b.min().x - a.max().x).max(0.0);
        let dy = (a.min().y - b.max().y).max(b.min().y - a.max().y).max(0.0);
        dx.hypot(dy)
    };
    let mut seen = vec![false; boxes.len()];
    let mut best: Vec<usize> = Vec::new();
    for start in 0..boxes.len() {
        if seen[start] || boxes[start].is_none() {
            continue;
        }
        seen[start] = true;
        let mut group = vec![start];
        let mut k = 0;
        while k < group.len() {
            if let Some(a) = boxes[group[k]] {
                for (j, b) in boxes.iter().enumerate() {
                    if let Some(b) = b
                        && !seen[j]
                        && gap(&a, b) <= GROUP_GAP_M
                    {
                        seen[j] = true;
                        group.push(j);
                    }
                }
            }
            k += 1;
        }
        if group.len() > best.len() {
            best = group;
        }
    }
    best.sort_unstable();
    best
}

/// When the results of `layer` (an area layer, top-ranked first) are spread over the
/// municipality (no close-up of all of them) but most sit in one group ([`main_group`], e.g.
/// the town) small enough for a close-up: that group's close-up with the overview, written as
/// `{name}_town`; `None` otherwise.
pub(super) fn main_group_closeup(
    run: &Run,
    name: &str,
    map: &MapSpec,
    layer: &hotspot_render::AreaLayer,
    written: &mut Written,
) -> crate::Result<Option<String>> {
    let all = Layer::Area(layer.clone());
    let opts = CloseUpOptions::default();
    if closeup_extent([&all], run.sit.extent, &opts).is_some() {
        return Ok(None);
    }
    let idx = main_group(&layer.areas);
    if idx.len() < 2 {
        return Ok(None);
    }
    let mut part = layer.clone();
    part.areas = idx.iter().map(|&i| layer.areas[i].clone()).collect();
    part.labels = idx
        .iter()
        .filter_map(|&i| layer.labels.get(i).cloned())
        .collect();
    let part = Layer::Area(part);
    if closeup_extent([&part], run.sit.extent, &opts).is_none() {
        return Ok(None);
    }
    let mut m = map.clone();
    m.title = format!("{} – {}", map.title, run.tr.t("map.centre"));
    render(run, &format!("{name}_town"), &m, &[&part], written).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, Rect};

    fn sq(x: f64, y: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((x, y), (x + 100.0, y + 100.0)).to_polygon()])
    }

    #[test]
    fn main_group_chains_areas_within_a_kilometre_of_the_first() {
        // 0 and 1 are 900 m apart, 2 is 900 m from 1 (chained), 3 is 5 km away.
        let a = [
            sq(0.0, 0.0),
            sq(1000.0, 0.0),
            sq(2000.0, 0.0),
            sq(8000.0, 0.0),
        ];
        assert_eq!(main_group(&a), vec![0, 1, 2]);
        assert_eq!(main_group(&a[3..]), vec![0]);
        assert_eq!(main_group(&[]), Vec::<usize>::new());
        // 1100 m apart: not the same group; of two single ones the first.
        assert_eq!(main_group(&[sq(0.0, 0.0), sq(1200.0, 0.0)]), vec![0]);
        // The largest group wins even when the first area is on its own.
        let b = [
            sq(8000.0, 0.0),
            sq(0.0, 0.0),
            sq(500.0, 0.0),
            sq(0.0, 700.0),
        ];
        assert_eq!(main_group(&b), vec![1, 2, 3]);
    }
}
