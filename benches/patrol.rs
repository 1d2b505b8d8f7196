//! Patrol zones: candidate generation (grid + incidents, and the default set of density peaks, cluster
//! centroids and grid), lazy vs plain greedy maximal covering, and grid-cell-cluster zones, over sizes.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::patrol::{
    CandidateSources, CellZoneParams, CellZones, CoverProblem, PatrolParams, candidate_set,
    candidates,
};
use hotspot::{Crs, Incidents};
use std::hint::black_box;

/// Seeded clustered points in a 10 km square: half around 20 centres (sd ~150 m), half uniform.
fn points(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let centres: Vec<(f64, f64)> = (0..20)
        .map(|_| (next() * 10_000.0, next() * 10_000.0))
        .collect();
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        if i % 2 == 0 {
            let (cx, cy) = centres[i % 20];
            // Sum of three uniforms: a cheap bell shape, sd ~ 150 m.
            let dx = (next() + next() + next() - 1.5) * 300.0;
            let dy = (next() + next() + next() - 1.5) * 300.0;
            x.push(cx + dx);
            y.push(cy + dy);
        } else {
            x.push(next() * 10_000.0);
            y.push(next() * 10_000.0);
        }
    }
    (x, y)
}

fn bench_patrol(c: &mut Criterion) {
    let mut g = c.benchmark_group("patrol");
    g.sample_size(10);
    let params = PatrolParams::new(5, 250.0, 0.0).unwrap_or_else(|e| panic!("{e}"));
    for &n in &[1_000usize, 10_000, 50_000] {
        let (x, y) = points(n, 7);
        let w = vec![1.0; n];
        g.bench_with_input(BenchmarkId::new("candidates", n), &n, |b, _| {
            b.iter(|| candidates(black_box(&x), black_box(&y), &w, 250.0, &[]))
        });
        let cands = candidates(&x, &y, &w, 250.0, &[]).unwrap_or_else(|e| panic!("{e}"));
        let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
        g.bench_with_input(BenchmarkId::new("cover_lists", n), &n, |b, _| {
            b.iter(|| CoverProblem::new(&x, &y, &w, black_box(&centres), &params))
        });
        let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap_or_else(|e| panic!("{e}"));
        g.bench_with_input(BenchmarkId::new("greedy_lazy_k5", n), &n, |b, _| {
            b.iter(|| black_box(&p).greedy(5, &[]))
        });
        if n <= 10_000 {
            g.bench_with_input(BenchmarkId::new("greedy_plain_k5", n), &n, |b, _| {
                b.iter(|| black_box(&p).greedy_plain(5, &[]))
            });
        }
        // The default candidate set: KDE peaks + DBSCAN centroids + grid.
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap_or_else(|e| panic!("{e}"));
        let sources = CandidateSources::default();
        g.bench_with_input(BenchmarkId::new("candidate_set_default", n), &n, |b, _| {
            b.iter(|| candidate_set(black_box(&inc), &w, 250.0, &sources, &[]))
        });
        // Cell zones (125 m cells, up to 13 cells): grow one zone per cell with harm, then lazy greedy.
        let cp = CellZoneParams::for_radius(250.0).unwrap_or_else(|e| panic!("{e}"));
        g.bench_with_input(BenchmarkId::new("cell_zones_build", n), &n, |b, _| {
            b.iter(|| CellZones::build(black_box(&x), &y, &w, &cp, &[], true))
        });
        let zones = CellZones::build(&x, &y, &w, &cp, &[], true).unwrap_or_else(|e| panic!("{e}"));
        let pc = CoverProblem::from_cells(&x, &y, &w, zones, 0.0).unwrap_or_else(|e| panic!("{e}"));
        g.bench_with_input(BenchmarkId::new("cell_greedy_lazy_k5", n), &n, |b, _| {
            b.iter(|| black_box(&pc).greedy(5, &[]))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_patrol);
criterion_main!(benches);
