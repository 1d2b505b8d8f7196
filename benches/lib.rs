//! Benchmarks for `hotspot`: one criterion file per analysis (`cargo bench -p hotspot-benches`),
//! plus peer-comparison scripts in this folder.

/// SplitMix64 uniform in `[0, 1)`: a tiny seeded generator so benches do not depend on rand's versioning.
pub fn splitmix(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` clustered incidents in a `side_m` square with origin (0, 0), like a town
/// scene: 70% in 40 Gaussian clusters (sd 150-600 m), 30% uniform background.
/// Deterministic for a seed.
pub fn clustered_scene(n: usize, side_m: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut u = splitmix(seed);
    let centres: Vec<(f64, f64, f64)> = (0..40)
        .map(|_| {
            (
                side_m * (0.1 + 0.8 * u()),
                side_m * (0.1 + 0.8 * u()),
                150.0 + 450.0 * u(),
            )
        })
        .collect();
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    while x.len() < n {
        let (px, py) = if u() < 0.3 {
            (side_m * u(), side_m * u())
        } else {
            let (cx, cy, sd) = centres[((u() * 40.0) as usize).min(39)];
            // Box-Muller.
            let (a, b) = (u().max(1e-300), u());
            let r = (-2.0 * a.ln()).sqrt() * sd;
            let t = 2.0 * std::f64::consts::PI * b;
            (cx + r * t.cos(), cy + r * t.sin())
        };
        if (0.0..side_m).contains(&px) && (0.0..side_m).contains(&py) {
            x.push(px);
            y.push(py);
        }
    }
    (x, y)
}

/// SplitMix64 in [0, 1): a tiny seeded generator so the benches do not depend on rand's versioning.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next uniform value in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` clustered points (metres) in a 20 km square: 80 % around `n / 1000`
/// hotspot centres (at least 10) with Gaussian spread, standard deviation
/// 40 m, hotspot popularity skewed (quadratic), and 20 % uniform background.
/// At 1M points, eps = 31.6 m gives about 100-200 neighbours per clustered point.
pub fn tight_clustered_scene(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut r = SplitMix(seed);
    let k = (n / 1000).max(10);
    let centres: Vec<(f64, f64)> = (0..k)
        .map(|_| (r.next_f64() * 20_000.0, r.next_f64() * 20_000.0))
        .collect();
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        if r.next_f64() < 0.2 {
            x.push(r.next_f64() * 20_000.0);
            y.push(r.next_f64() * 20_000.0);
        } else {
            let u = r.next_f64();
            let (cx, cy) = centres[((u * u) * k as f64) as usize % k];
            let rad = (-2.0 * (1.0 - r.next_f64()).ln()).sqrt() * 40.0;
            let a = r.next_f64() * std::f64::consts::TAU;
            x.push((cx + rad * a.cos()).clamp(0.0, 20_000.0));
            y.push((cy + rad * a.sin()).clamp(0.0, 20_000.0));
        }
    }
    (x, y)
}
pub mod scenes;
