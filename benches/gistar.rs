//! Getis-Ord Gi*: fishnet counting + closed-form z + FDR on square grids with a 3-cell band,
//! sizes up to the 1000 x 1000 grid of the issue; conditional permutations on a small grid.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::stats::getis_ord::{GiStarParams, hot_spots};
use hotspot::{Crs, Incidents};
use std::hint::black_box;

/// SplitMix64 points: a uniform background plus Gaussian-ish blobs, `n` in all,
/// on a square of `side` metres.
fn incidents(n: usize, side: f64, seed: u64) -> Incidents {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        if i % 2 == 0 {
            x.push(next() * side);
            y.push(next() * side);
        } else {
            let c = (i / 2) % 20;
            let (cx, cy) = (
                side * (0.1 + 0.04 * c as f64),
                side * (0.9 - 0.04 * c as f64),
            );
            let r = side * 0.02 * (next() + next() + next() - 1.5);
            let a = next() * std::f64::consts::TAU;
            x.push((cx + r * a.cos()).clamp(0.0, side - 1e-6));
            y.push((cy + r * a.sin()).clamp(0.0, side - 1e-6));
        }
    }
    Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).expect("finite points")
}

fn bench_gistar(c: &mut Criterion) {
    let mut g = c.benchmark_group("gistar_band3");
    g.sample_size(10);
    for &side_cells in &[100usize, 300, 1000] {
        let cells = side_cells * side_cells;
        let inc = incidents(cells, side_cells as f64 * 10.0, 7);
        let params = GiStarParams::new(10.0, 30.0).expect("valid");
        g.bench_with_input(BenchmarkId::new("cells", cells), &cells, |b, _| {
            b.iter(|| hot_spots(black_box(&inc), None, &params).expect("runs"))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("gistar_permutations_99");
    g.sample_size(10);
    for &side_cells in &[100usize, 200] {
        let cells = side_cells * side_cells;
        let inc = incidents(cells, side_cells as f64 * 10.0, 9);
        let params = GiStarParams::new(10.0, 30.0)
            .expect("valid")
            .with_permutations(99, 1)
            .expect("valid");
        g.bench_with_input(BenchmarkId::new("cells", cells), &cells, |b, _| {
            b.iter(|| hot_spots(black_box(&inc), None, &params).expect("runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_gistar);
criterion_main!(benches);
