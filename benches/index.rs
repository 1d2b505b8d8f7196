//! R-tree build and radius queries over sizes.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::SpatialIndex;
use std::hint::black_box;

fn points(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    // SplitMix64: a tiny seeded generator so the bench does not depend on rand's versioning.
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let x = (0..n).map(|_| next() * 20_000.0).collect();
    let y = (0..n).map(|_| next() * 20_000.0).collect();
    (x, y)
}

fn bench_index(c: &mut Criterion) {
    let mut g = c.benchmark_group("index");
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let (x, y) = points(n, 42);
        g.bench_with_input(BenchmarkId::new("bulk_load", n), &n, |b, _| {
            b.iter(|| SpatialIndex::from_xy(black_box(&x), black_box(&y)))
        });
        let idx = SpatialIndex::from_xy(&x, &y);
        g.bench_with_input(BenchmarkId::new("radius_100m_x1000", n), &n, |b, _| {
            b.iter(|| {
                let mut total = 0;
                for i in 0..1000 {
                    total += idx.count_within(x[i], y[i], 100.0);
                }
                black_box(total)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_index);
criterion_main!(benches);
