//! Seeded benchmark scenes of several shapes, with planted hotspots and times over 18 months.
//!
//! A scene is a 10 km x 10 km square (SWEREF 99 TM metres, origin 500 000, 6 500 000).
//! Incidents get a day uniformly in 2025-01-01..2026-06-30; the planted structure is
//! stable over time, so a map made from 2025 should predict 2026's first half.
//!
//! | shape | what |
//! |---|---|
//! | `tight` | 10 Gaussian clusters, σ = 30 m, 50 % of incidents; the rest uniform |
//! | `diffuse` | 10 Gaussian clusters, σ = 300 m, 50 %; the rest uniform |
//! | `roads` | 6 straight roads (3-8 km) with 10 m jitter carry 60 %, a third of that on one 300 m hot stretch per road; the rest uniform |
//! | `address` | 5 addresses with 30 % of all incidents at exactly the same point; the rest uniform |
//! | `uniform` | all uniform; no planted hotspot |

use chrono::{FixedOffset, NaiveDate, TimeZone};
use hotspot::{Crs, IncidentRecord, IncidentTime, Incidents, IncidentsBuilder, TimeResolution};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// West edge of every scene.
pub const X0: f64 = 500_000.0;
/// South edge of every scene.
pub const Y0: f64 = 6_500_000.0;
/// Side of every scene, metres.
pub const SIDE: f64 = 10_000.0;

/// The scene shapes.
pub const SHAPES: [&str; 5] = ["tight", "diffuse", "roads", "address", "uniform"];

/// A generated scene.
pub struct Scene {
    /// The incidents, with day-resolution times.
    pub incidents: Incidents,
    /// Planted hotspot centres, metres.
    pub planted: Vec<[f64; 2]>,
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box-Muller.
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn inside(p: [f64; 2]) -> [f64; 2] {
    [
        p[0].clamp(X0, X0 + SIDE - 1e-6),
        p[1].clamp(Y0, Y0 + SIDE - 1e-6),
    ]
}

/// Generates `n` incidents of shape `shape` from `seed`; `None` for an unknown shape.
pub fn scene(shape: &str, n: usize, seed: u64) -> Option<Scene> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (n as u64).rotate_left(17));
    let uni = |rng: &mut ChaCha8Rng| {
        [
            X0 + rng.random::<f64>() * SIDE,
            Y0 + rng.random::<f64>() * SIDE,
        ]
    };
    let mut pts: Vec<[f64; 2]> = Vec::with_capacity(n);
    let mut planted = Vec::new();
    match shape {
        "tight" | "diffuse" => {
            let sigma = if shape == "tight" { 30.0 } else { 300.0 };
            let margin = 3.0 * sigma;
            for _ in 0..10 {
                planted.push([
                    X0 + margin + rng.random::<f64>() * (SIDE - 2.0 * margin),
                    Y0 + margin + rng.random::<f64>() * (SIDE - 2.0 * margin),
                ]);
            }
            for i in 0..n {
                if i % 2 == 0 {
                    let c = planted[rng.random_range(0..planted.len())];
                    pts.push(inside([
                        c[0] + sigma * normal(&mut rng),
                        c[1] + sigma * normal(&mut rng),
                    ]));
                } else {
                    pts.push(uni(&mut rng));
                }
            }
        }
        "roads" => {
            let mut roads = Vec::new();
            for _ in 0..6 {
                let a = uni(&mut rng);
                let ang: f64 = rng.random::<f64>() * std::f64::consts::PI;
                let len = 3000.0 + rng.random::<f64>() * 5000.0;
                let b = inside([a[0] + len * ang.cos(), a[1] + len * ang.sin()]);
                let hot = 0.2 + rng.random::<f64>() * 0.6;
                let l = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2))
                    .sqrt()
                    .max(1.0);
                roads.push((a, b, hot, 300.0 / l));
                planted.push([a[0] + hot * (b[0] - a[0]), a[1] + hot * (b[1] - a[1])]);
            }
            for i in 0..n {
                if i % 10 < 6 {
                    let (a, b, hot, w) = roads[rng.random_range(0..roads.len())];
                    let t = if rng.random_range(0..3) == 0 {
                        (hot + (rng.random::<f64>() - 0.5) * w).clamp(0.0, 1.0)
                    } else {
                        rng.random::<f64>()
                    };
                    pts.push(inside([
                        a[0] + t * (b[0] - a[0]) + 10.0 * normal(&mut rng),
                        a[1] + t * (b[1] - a[1]) + 10.0 * normal(&mut rng),
                    ]));
                } else {
                    pts.push(uni(&mut rng));
                }
            }
        }
        "address" => {
            for _ in 0..5 {
                planted.push(uni(&mut rng));
            }
            for i in 0..n {
                if i % 10 < 3 {
                    pts.push(planted[rng.random_range(0..planted.len())]);
                } else {
                    pts.push(uni(&mut rng));
                }
            }
        }
        "uniform" => {
            for _ in 0..n {
                pts.push(uni(&mut rng));
            }
        }
        _ => return None,
    }
    let off = FixedOffset::east_opt(3600)?;
    let day0 = NaiveDate::from_ymd_opt(2025, 1, 1)?;
    let days = 546; // 2025-01-01 ..= 2026-06-30
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).ok()?;
    b.reserve(n);
    for (i, p) in pts.iter().enumerate() {
        let d = day0 + chrono::TimeDelta::days(rng.random_range(0..days));
        let t = off.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()?;
        b.push(IncidentRecord {
            x: p[0],
            y: p[1],
            weight: 1.0,
            category: "",
            time: Some(IncidentTime::new(t, TimeResolution::Day)),
            id: (i + 1).to_string(),
            lonlat: None,
        })
        .ok()?;
    }
    Some(Scene {
        incidents: b.build(),
        planted,
    })
}
