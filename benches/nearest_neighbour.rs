//! Nearest-neighbour distances (bucket grid) and the Clark-Evans index, 10k to 1M incidents.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::stats::nearest_neighbour::{nearest_distances, nearest_neighbour_index};
use std::hint::black_box;

fn points(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    // Half uniform, half in a dense core: NN search must cope with both.
    let x = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                next() * 20_000.0
            } else {
                9_000.0 + next() * 2_000.0
            }
        })
        .collect();
    let y = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                next() * 20_000.0
            } else {
                9_000.0 + next() * 2_000.0
            }
        })
        .collect();
    (x, y)
}

fn bench_nn(c: &mut Criterion) {
    let mut g = c.benchmark_group("nearest_neighbour");
    g.sample_size(10);
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let (x, y) = points(n, 3);
        g.bench_with_input(BenchmarkId::new("distances", n), &n, |b, _| {
            b.iter(|| nearest_distances(black_box(&x), black_box(&y)).expect("runs"))
        });
        g.bench_with_input(BenchmarkId::new("clark_evans_hull", n), &n, |b, _| {
            b.iter(|| nearest_neighbour_index(black_box(&x), black_box(&y), None).expect("runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_nn);
criterion_main!(benches);
