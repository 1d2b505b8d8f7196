//! # hotspot-render
//!
//! Maps and charts for `hotspot` results, drawn with plotters' pure-Rust
//! backends and an embedded font, so no fontconfig or other system library is
//! needed.
#![deny(missing_docs)]
