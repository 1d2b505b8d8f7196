//! The synthetic scene generator: streaming CSV and in-memory incidents over sizes.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hotspot::sample::Scene;
use std::hint::black_box;

fn bench_sample(c: &mut Criterion) {
    let scene = Scene::vingaker(2025).expect("embedded scene");
    let mut g = c.benchmark_group("sample");
    g.sample_size(10);
    for &n in &[10_000u64, 100_000, 1_000_000] {
        g.throughput(Throughput::Elements(n));
        g.bench_with_input(BenchmarkId::new("write_csv", n), &n, |b, &n| {
            b.iter(|| scene.write_csv(black_box(n), std::io::sink()))
        });
        g.bench_with_input(BenchmarkId::new("generate", n), &n, |b, &n| {
            b.iter(|| scene.generate(black_box(n as usize)))
        });
    }
    g.bench_function("scene_vingaker", |b| {
        b.iter(|| Scene::vingaker(black_box(1)))
    });
    g.finish();
}

criterion_group!(benches, bench_sample);
criterion_main!(benches);
