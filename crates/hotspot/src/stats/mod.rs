//! Spatial and space-time statistics: Getis-Ord Gi*, Moran's I, nearest-neighbour, Ripley's K, Knox and near-repeat.
//!
//! Definitions, citations, degenerate cases and measured speed are collected in
//! `docs/statistics.md`.

pub mod centrography;
pub mod emerging;
pub mod fdr;
pub mod fishnet;
pub mod getis_ord;
pub mod global;
pub mod knox;
pub mod mann_kendall;
pub mod moran;
pub mod near_repeat;
pub mod nearest_neighbour;
pub mod optimized;
pub mod poisson;
pub mod repeats;
pub mod ripley;
pub mod sum;
pub mod weights;
