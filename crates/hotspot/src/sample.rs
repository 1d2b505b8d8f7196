//! A seeded, deterministic generator of a synthetic Vingåker-like incident scene, with schools, for examples, tests and benchmarks.
