//! A planner's situation report (lägesbild) with the library alone: read a `report.toml`, build the
//! situation and print it as JSON, the same `analyses` value as the report's `summary.json`.
//!
//! Run with `cargo run --release -p hotspot-examples --example situation -- data/vingaker/report.toml`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(config) = std::env::args().nth(1).map(PathBuf::from) else {
        return Err("usage: situation CONFIG.toml".into());
    };
    let s = hotspot_examples::situation_from_config(&config)?;
    println!("{}", serde_json::to_string_pretty(&s)?);
    Ok(())
}
