//! Quick start: incidents from coordinates in metres, an R-tree, and a radius query.
//!
//! Run with `cargo run --example quickstart`.

use hotspot::{Crs, Incidents, SpatialIndex};

fn main() -> Result<(), hotspot::Error> {
    // Three incidents near Vingåker's town centre, SWEREF 99 TM metres.
    let x = [549_917.0, 549_950.0, 551_200.0];
    let y = [6_545_388.0, 6_545_400.0, 6_546_000.0];
    let incidents = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y)?;
    let index = SpatialIndex::new(&incidents);
    let near = index.within(549_917.0, 6_545_388.0, 100.0);
    println!(
        "{} of {} incidents lie within 100 m of the square",
        near.len(),
        incidents.len()
    );
    Ok(())
}
