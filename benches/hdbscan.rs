//! HDBSCAN over sizes (10k, 100k, 1M; min_cluster_size = min_samples = 50), against petal-clustering.
//!
//! The peer runs at 10k and 100k only (95 s per run at 1M).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::cluster::{HdbscanParams, hdbscan_xy};
use hotspot_benches::tight_clustered_scene;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("hdbscan");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let p = HdbscanParams::new(50).unwrap_or_else(|e| panic!("{e}"));
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let (x, y) = tight_clustered_scene(n, 42);
        g.bench_with_input(BenchmarkId::new("hotspot", n), &n, |b, _| {
            b.iter(|| hdbscan_xy(black_box(&x), black_box(&y), &p))
        });
        if n <= 100_000 {
            let arr =
                ndarray::Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { x[i] } else { y[i] });
            g.bench_with_input(BenchmarkId::new("petal", n), &n, |b, _| {
                use petal_clustering::{Fit, HDbscan};
                b.iter(|| {
                    let mut m = HDbscan {
                        min_samples: 50,
                        min_cluster_size: 50,
                        ..HDbscan::default()
                    };
                    black_box(m.fit(&arr, None))
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
