//! # hotspot
//!
//! Geospatial crime hotspot analysis for analysts, planners and benchmarkers.
//!
//! Data flow one way: files in ([`ingest`]), incidents in metres
//! ([`Incidents`], [`crs`]), an R-tree ([`SpatialIndex`]), analyses
//! ([`density`], [`cluster`], [`stats`]), and results that leave as
//! RFC 7946 GeoJSON in lon/lat ([`output`]).
//!
//! ## Parallelisation
//! Analyses use rayon internally; no rayon type appears in the public API and
//! every result is independent of the number of threads. Callers choose the
//! thread count by installing a rayon thread pool around the call.
#![deny(missing_docs)]

pub mod area_at_risk;
pub mod basemap;
pub mod categories;
pub mod cluster;
pub mod crs;
pub mod density;
pub mod disclosure;
mod error;
pub mod evaluate;
pub mod followup;
pub mod gpkg;
pub mod grid;
mod incident;
pub mod index;
pub mod ingest;
pub mod output;
pub mod patrol;
pub mod perception;
pub mod raster_io;
pub mod sample;
pub mod schools;
pub mod situation;
pub mod stats;
pub mod study_area;
pub mod style;
pub mod temporal;
pub mod time;

pub use area_at_risk::{AreaAtRisk, AreaAtRiskOptions};
pub use crs::{Crs, Projector};
pub use error::{Error, Result};
pub use grid::{GridSpec, Raster};
pub use incident::{CategoryId, IncidentRecord, Incidents, IncidentsBuilder};
pub use index::SpatialIndex;
pub use ingest::RejectReason;
pub use ingest::{Ingested, ReadOptions, read_path};
pub use patrol::{PatrolPlan, PlanParams, plan};
pub use situation::{Situation, SituationParams, situation};
pub use study_area::StudyArea;
pub use time::{IncidentTime, TimeResolution};
