//! Cluster maps: cluster outlines coloured by their main problem area, with
//! one legend entry per problem area shown and the cluster ids as labels.

use crate::error::{RenderError, Result};
use crate::map::{AreaLayer, Class, Layer};
use geo::MultiPolygon;

/// A cluster to draw: its outline, its label (e.g. `K3`) and the index of its
/// main problem area in the `classes` given to [`cluster_layers`].
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterShape {
    /// Outline (hull), metres.
    pub area: MultiPolygon<f64>,
    /// Label drawn in the cluster (empty = none).
    pub label: String,
    /// Main problem area (class index).
    pub class: usize,
}

/// One area layer per class that some cluster has, in class order: fill in
/// the class colour at 30 % opacity, outline in the class colour (1.2 pt),
/// the class label as legend text and the clusters' labels placed with
/// collision avoidance. Classes no cluster has get no layer and no legend entry.
///
/// # Errors
/// [`RenderError::Invalid`] when a cluster's class is not an index into `classes`.
pub fn cluster_layers(clusters: &[ClusterShape], classes: &[Class]) -> Result<Vec<Layer>> {
    if let Some(c) = clusters.iter().find(|c| c.class >= classes.len()) {
        return Err(RenderError::invalid(
            "class",
            c.class,
            format!("cluster {:?}: only {} classes", c.label, classes.len()),
        ));
    }
    let mut out = Vec::new();
    for (k, class) in classes.iter().enumerate() {
        let mine: Vec<&ClusterShape> = clusters.iter().filter(|c| c.class == k).collect();
        if mine.is_empty() {
            continue;
        }
        let mut a = AreaLayer::new(
            class.label.clone(),
            mine.iter().map(|c| c.area.clone()).collect(),
            Some(class.colour.with_alpha(0.3)),
            Some(class.colour),
        );
        a.stroke_pt = 1.2;
        a.labels = mine.iter().map(|c| c.label.clone()).collect();
        out.push(Layer::Area(a));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Colour;
    use geo::{MultiPolygon, Rect};

    fn sq(x: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((x, 0.0), (x + 10.0, 10.0)).to_polygon()])
    }

    #[test]
    fn one_layer_per_used_class_in_class_order() {
        let classes = vec![
            Class::new("Våld", Colour::hex(0xD55E00)),
            Class::new("Unga", Colour::hex(0x0072B2)),
            Class::new("Skadegörelse", Colour::hex(0xE69F00)),
        ];
        let cl = vec![
            ClusterShape {
                area: sq(0.0),
                label: "K1".into(),
                class: 2,
            },
            ClusterShape {
                area: sq(20.0),
                label: "K2".into(),
                class: 0,
            },
            ClusterShape {
                area: sq(40.0),
                label: "K3".into(),
                class: 2,
            },
        ];
        let layers = cluster_layers(&cl, &classes).unwrap();
        assert_eq!(layers.len(), 2);
        let Layer::Area(a) = &layers[0] else { panic!() };
        assert_eq!(
            (a.legend.as_str(), a.labels.clone()),
            ("Våld", vec!["K2".to_string()])
        );
        let Layer::Area(b) = &layers[1] else { panic!() };
        assert_eq!(b.legend, "Skadegörelse");
        assert_eq!(b.labels, vec!["K1".to_string(), "K3".to_string()]);
        assert_eq!(b.stroke, Some(Colour::hex(0xE69F00)));
        assert!((b.fill.unwrap().a - 0.3).abs() < 1e-12);
        let bad = vec![ClusterShape {
            area: sq(0.0),
            label: "K9".into(),
            class: 3,
        }];
        assert!(cluster_layers(&bad, &classes).is_err());
    }
}
