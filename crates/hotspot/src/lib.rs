//! # hotspot
//!
//! Geospatial crime hotspot analysis for analysts, planners and benchmarkers.
//!
//! Data flow one way: files in ([`ingest`]), incidents in metres
//! ([`Incidents`], [`crs`]), an R-tree ([`SpatialIndex`]), analyses
//! ([`density`], [`cluster`], [`stats`]), and results that leave as
//! RFC 7946 GeoJSON in lon/lat ([`output`]).
//!
//! ## Glossary: one name per concept
//! The same everyday words name different things in crime analysis; in this crate each has one
//! name (older names stay as aliases, so existing code builds):
//!
//! | word | what it is | type or call |
//! | --- | --- | --- |
//! | **hotspot** | a polygon of connected density cells above a threshold of a kernel density surface | [`density::Hotspot`], [`density::find_hotspots`] |
//! | **Gi\* hot spot cell** (cold spot cell) | a fishnet cell whose Getis-Ord Gi\* z is significantly high (low): bin > 0 (< 0) | [`stats::getis_ord::GiStarResult`] (`bin`), [`stats::getis_ord::hot_spots`] |
//! | **emerging hot spot** | a cell's space-time pattern class (new, persistent, ...) over Gi\* per time step | [`stats::emerging::EmergingClass`] |
//! | **top-cell zone** | connected cells holding the most incidents of a before period, compared before/after | [`evaluate::hotspot_zones`] (zones of kind `hotspot`) |
//! | **compared zone** | any zone counted before and after against a control: drawn, school or top-cell zone | [`evaluate::ComparedZone`] (was `evaluate::Zone`) |
//! | **patrol zone** | a circle or connected cell cluster chosen by harm-weighted maximal coverage, with its windows and statistics | [`patrol::PlanZone`], [`patrol::plan()`] |
//! | **cover** | the chosen set of candidate centres of a maximal covering problem | [`patrol::Cover`] (was `patrol::Selection`), [`patrol::CoverProblem`] |
//! | **school zone** | the disc of a given radius around one school, clipped to the study area | [`schools::SchoolZone`] |
//! | **follow-up zone** | a named zone whose counts are followed period by period against a baseline | [`followup::FollowupZone`] |
//! | **named area** | a polygon with a name (areal unit) read from GeoJSON, e.g. for the S-index over districts | [`ingest::layers::NamedArea`], [`ingest::layers::read_named_areas`] |
//! | **cluster** | a DBSCAN or HDBSCAN group of incidents | [`cluster`]; HDBSCAN's way of picking them is [`cluster::ClusterSelection`] (was `cluster::Selection`) |
//! | **study area** | the boundary the analysis is bounded by; without one, the data's (padded) box | [`StudyArea`], [`ingest::layers::padded_box`], [`ingest::layers::study_extent`] |
//! | **area at risk** | the part of the study area where incidents can happen (water removed, ...) | [`AreaAtRisk`] |
//! | **problem area** | a group of categories (violence, youth, vandalism, ...) with harm weights | [`categories::ProblemArea`] |
//! | **period** | an inclusive range of local dates; selecting incidents in one | [`period::Period`] (was `evaluate::Period`, kept as an alias), [`ingest::layers::in_period`] |
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
pub mod period;
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
pub use period::Period;
pub use situation::{Situation, SituationParams, situation};
pub use study_area::StudyArea;
pub use time::{IncidentTime, TimeResolution};
