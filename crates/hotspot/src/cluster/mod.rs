//! Clustering incidents: DBSCAN, HDBSCAN and per-cluster summaries.
