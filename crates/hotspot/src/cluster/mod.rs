//! Clustering incidents: DBSCAN, HDBSCAN and per-cluster summaries.
//!
//! Both methods return one label per incident in input order: a cluster number
//! `0, 1, …` (numbered by descending size, then by lowest incident index) or
//! [`NOISE`] (`-1`). [`summarize`] turns labels into per-cluster summaries
//! (hulls, standard deviational ellipses, time profiles) and
//! [`suggest_eps`] proposes a DBSCAN radius from the k-distance curve.

mod dbscan;
mod hdbscan;
mod kdist;
mod summary;

pub use dbscan::{Dbscan, DbscanParams, NOISE, dbscan, dbscan_xy};
pub use hdbscan::{ClusterSelection, Hdbscan, HdbscanParams, Selection, hdbscan, hdbscan_xy};
pub use kdist::{EpsSuggestion, suggest_eps, suggest_eps_xy};
pub use summary::{ClusterSummary, Ellipse, summarize, summarize_with};

#[cfg(test)]
mod tests;
