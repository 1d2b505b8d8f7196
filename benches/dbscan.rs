//! DBSCAN over sizes (10k, 100k, 1M) and densities, against petal-clustering and linfa.
//!
//! Peers run at 10k and 100k only (at 1M they take 10-25 s per run and petal's
//! stored neighbourhoods need gigabytes; see docs/clustering.md for one-shot figures).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::cluster::{DbscanParams, dbscan_xy};
use hotspot_benches::tight_clustered_scene;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("dbscan");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let (x, y) = tight_clustered_scene(n, 42);
        // Keep about the same neighbours per point across sizes: eps ∝ 1/√n.
        let eps_dense = 31.6 * (1_000_000.0 / n as f64).sqrt();
        for (name, eps) in [
            ("eps_dense", eps_dense),
            ("eps_wide", eps_dense * 100.0 / 31.6),
        ] {
            let p = DbscanParams::new(eps, 10).unwrap_or_else(|e| panic!("{e}"));
            g.bench_with_input(
                BenchmarkId::new(format!("hotspot_{name}"), n),
                &n,
                |b, _| b.iter(|| dbscan_xy(black_box(&x), black_box(&y), None, &p)),
            );
        }
        if n <= 100_000 {
            let arr17 =
                ndarray::Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { x[i] } else { y[i] });
            g.bench_with_input(BenchmarkId::new("petal_eps_dense", n), &n, |b, _| {
                use petal_clustering::{Dbscan, Fit};
                b.iter(|| {
                    let mut m = Dbscan {
                        eps: eps_dense,
                        min_samples: 10,
                        ..Dbscan::default()
                    };
                    black_box(m.fit(&arr17, None))
                })
            });
            let arr16 =
                ndarray16::Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { x[i] } else { y[i] });
            g.bench_with_input(BenchmarkId::new("linfa_eps_dense", n), &n, |b, _| {
                use linfa::prelude::*;
                let params = linfa_clustering::Dbscan::params(10)
                    .tolerance(eps_dense)
                    .check()
                    .unwrap_or_else(|e| panic!("{e}"));
                b.iter(|| black_box(params.transform(&arr16)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
