//! Synthetic perception pins for the sample scene (a map survey of places people avoid). **Invented.**

use super::Scene;
use super::scene::{CENTRE, PlaceKind};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// Seed of the bundled `data/vingaker/perceived.geojson`.
pub const PERCEPTION_SEED: u64 = 2020;

/// A pinned place with no incidents planted: a pedestrian underpass east of the centre.
pub const UNDERPASS_OFFSET_M: [f64; 2] = [900.0, -650.0];

fn offset(lon: f64, lat: f64, dx: f64, dy: f64) -> [f64; 2] {
    let m_per_deg = 111_320.0;
    [
        lon + dx / (m_per_deg * lat.to_radians().cos()),
        lat + dy / m_per_deg,
    ]
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl Scene {
    /// A synthetic perception layer (GeoJSON, lon/lat): pins of a made-up map
    /// survey with `weight` (respondents) and `concern`, around the square, the
    /// station, the youth centre and the schools, at an invented underpass where
    /// the scene plants no incidents (it should come out `perceived_only`), and
    /// one polygon of an area marked unsafe. Deterministic in `seed`. Every
    /// feature carries `"synthetic": true`.
    pub fn perception_geojson(&self, seed: u64) -> String {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut feats: Vec<Value> = Vec::new();
        let mut pin = |rng: &mut ChaCha8Rng, lon: f64, lat: f64, spread: f64, concern: &str| {
            let dx = (rng.random::<f64>() - 0.5) * 2.0 * spread;
            let dy = (rng.random::<f64>() - 0.5) * 2.0 * spread;
            let [x, y] = offset(lon, lat, dx, dy);
            let w = 1 + (rng.random::<f64>() * 3.0) as u32;
            feats.push(json!({"type": "Feature",
                "properties": {"weight": w, "concern": concern, "synthetic": true},
                "geometry": {"type": "Point", "coordinates": [round6(x), round6(y)]}}));
        };
        for p in self.places() {
            let (n, concern) = match p.kind {
                PlaceKind::Square => (25, "berusade personer"),
                PlaceKind::Station => (18, "otrygg väntplats"),
                PlaceKind::YouthCentre => (8, "ungdomsgrupper"),
                PlaceKind::School => (3, "skadegörelse"),
                _ => (0, ""),
            };
            for _ in 0..n {
                pin(&mut rng, p.lon, p.lat, 60.0, concern);
            }
        }
        let [ulon, ulat] = offset(
            CENTRE[0],
            CENTRE[1],
            UNDERPASS_OFFSET_M[0],
            UNDERPASS_OFFSET_M[1],
        );
        for _ in 0..20 {
            pin(&mut rng, ulon, ulat, 25.0, "mörk gångtunnel");
        }
        // A park marked as unsafe after dark: one polygon (counted at its representative point).
        let ring: Vec<[f64; 2]> = [
            [-700.0, 300.0],
            [-450.0, 300.0],
            [-450.0, 500.0],
            [-700.0, 500.0],
            [-700.0, 300.0],
        ]
        .iter()
        .map(|&[dx, dy]| {
            let [x, y] = offset(CENTRE[0], CENTRE[1], dx, dy);
            [round6(x), round6(y)]
        })
        .collect();
        feats.push(json!({"type": "Feature",
            "properties": {"weight": 6, "concern": "mörk park", "synthetic": true},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}));
        let fc = json!({"type": "FeatureCollection",
            "name": "SYNTHETIC perception survey (invented, not real answers)",
            "features": feats});
        serde_json::to_string_pretty(&fc).unwrap_or_default()
    }
}
