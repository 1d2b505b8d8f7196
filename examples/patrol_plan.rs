//! Patrol zones in a few lines: read incidents, classify them, plan five zones of 250 m and print
//! where and when to patrol.
//!
//! Run with `cargo run --release -p hotspot-examples --example patrol_plan -- data/vingaker/incidents.csv`.

use hotspot::categories::CategoryTable;
use hotspot::patrol::{PlanInput, PlanParams, plan};
use hotspot::schools::ProblemAreas;
use hotspot::{ReadOptions, read_path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/vingaker/incidents.csv".into());
    let data = read_path(path.as_ref(), &ReadOptions::default())?;
    let classes = CategoryTable::default_table().classify(&data.incidents);
    let areas = ProblemAreas::from_classification(&classes);
    let params = PlanParams::new(5, 250.0, 0.0)?;
    let p = plan(
        PlanInput {
            incidents: &data.incidents,
            areas: &areas,
            schools: &[],
            study: data.study_area.as_ref(),
            candidates: &[],
            // Fraud and online offences do not draw patrol zones (they stay in the counts).
            patrollable: Some(classes.patrollable()),
        },
        &params,
    )?;
    println!(
        "{} zones cover {:.0}% of the harm of {} incidents",
        p.zones.len(),
        100.0 * p.covered_share(),
        p.analysed
    );
    for z in &p.zones {
        let [lon, lat] = data.projector.to_lonlat(z.centre[0], z.centre[1])?;
        println!(
            "zone {}: {lon:.5}, {lat:.5}: {} incidents, PAI {:.1}, patrol {}",
            z.rank,
            z.incidents,
            z.pai,
            z.windows.label()
        );
    }
    Ok(())
}
