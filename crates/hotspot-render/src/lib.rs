//! # hotspot-render
//!
//! Maps and charts for `hotspot` results, drawn with plotters' pure-Rust
//! backends and an embedded font (DejaVu Sans, licence in `fonts/`), so no
//! fontconfig or other system library is needed.
//!
//! The input types are plain and library-agnostic: layers of polygons, lines
//! and points in working-CRS metres, rasters on a [`hotspot::grid::GridSpec`],
//! classes with colours and labels. The caller (the `hotspot report` command,
//! or a planner's own program) translates analysis results into these layers
//! and chooses every text, so the renderer knows no language.
//!
//! Rendering is deterministic: the same [`MapSpec`] and [`Size`] give
//! byte-identical SVG and PNG output.
//!
//! ```
//! use hotspot_render::{AreaLayer, Colour, Layer, MapSpec, Size};
//! use geo::{polygon, MultiPolygon};
//! let zone = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 800.0, y: 0.0), (x: 800.0, y: 600.0), (x: 0.0, y: 600.0)]]);
//! let map = MapSpec {
//!     title: "Demo".into(),
//!     extent: [-200.0, -200.0, 1000.0, 800.0],
//!     layers: vec![Layer::Area(AreaLayer::new("Zone", vec![zone], Some(Colour::hex(0xfdae61)), Some(Colour::hex(0x333333))))],
//!     ..MapSpec::default()
//! };
//! let (svg, stats) = map.render_svg(Size::SCREEN).unwrap();
//! assert!(svg.contains("\nZone\n</text>"));
//! assert_eq!(stats.legend_entries, vec!["Zone".to_string()]);
//! ```
#![deny(missing_docs)]

mod atomic;
pub mod basemap;
pub mod bivariate;
pub mod chart;
pub mod closeup;
pub mod clusters;
pub mod control_chart;
mod draw;
pub mod error;
pub mod font;
mod labels;
pub mod map;
pub mod style;
pub mod text;

pub use basemap::{BasemapLayer, BasemapLegend};
pub use chart::{
    Bar, BarChart, Chart, ForestPlot, ForestRow, HeatTable, LineChart, LineSeries, Series,
    StackedBars,
};
pub use closeup::{CloseUp, CloseUpOptions, closeup_extent};
pub use clusters::{ClusterShape, cluster_layers};
pub use control_chart::{ControlChart, ControlLegend, ControlPoint, Mark, control_points};
pub use error::{RenderError, Result};
pub use map::{
    AreaLayer, CellLayer, Class, LabelKind, Layer, LineLayer, MapSpec, PatrolLayer, PatrolZone,
    PlacedLabel, PointLayer, RenderStats, SurfaceLayer, Symbol, layers_extent,
};
pub use style::{Colour, ColourScale, Locale, Size, palette};
