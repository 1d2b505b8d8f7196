//! Benchmarks for `hotspot`: one criterion file per analysis (`cargo bench -p hotspot-benches`),
//! plus peer-comparison scripts in this folder.

pub mod scenes;
