//! Spatial and space-time statistics: Getis-Ord Gi*, Moran's I, nearest-neighbour, Ripley's K, Knox and near-repeat.

pub mod emerging;
pub mod mann_kendall;
pub mod poisson;
