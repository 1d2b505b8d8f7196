//! Kernel density estimation: kernels, bandwidth rules, the exact parallel estimate, relative risk, Monte-Carlo significance, and hotspot polygons from the surface.
//!
//! Start with [`Kde::new`] and [`KdeOptions`]; see `docs/kde.md` for formulas,
//! units and measured speed.

pub mod bandwidth;
pub mod bandwidth_cv;
pub mod kde;
pub mod kernels;

pub use bandwidth::{AdaptiveSummary, Bandwidth, BandwidthReport, BandwidthRule};
pub use bandwidth_cv::{BandwidthSelection, PredictiveOptions, select_bandwidth};
pub use kde::{DensitySurface, DensityUnits, Extent, Kde, KdeOptions};
pub use kernels::Kernel;
pub mod hotspots;
pub mod relative_risk;
pub mod significance;

pub use hotspots::{
    Delineation, Hotspot, HotspotOptions, HotspotThreshold, Hotspots, find_hotspots,
    find_hotspots_with,
};
pub use relative_risk::{RelativeRisk, relative_risk};
pub use significance::{SignificanceOptions, SignificanceThresholds, monte_carlo_thresholds};

#[cfg(test)]
mod town_tests;
