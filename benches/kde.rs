//! Exact kernel density: 10k / 100k / 1M clustered incidents in a 20 km square,
//! 400 x 400 cells of 50 m, quartic kernel of 300 m (about 113 cells per incident).
//!
//! `bare_loop` is the reference of issue 3: a plain parallel scatter with one
//! grid per worker and a final sum (not deterministic across thread counts),
//! against which the library's exact, deterministic estimate is compared.
//!
//! Run: `cargo bench -p hotspot-benches --bench kde`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::density::{Extent, Kde, KdeOptions};
use hotspot::{Crs, GridSpec, Incidents};
use hotspot_benches::clustered_scene;
use rayon::prelude::*;
use std::hint::black_box;

const SIDE_M: f64 = 20_000.0;
const CELL_M: f64 = 50.0;
const H_M: f64 = 300.0;

fn bare_loop(grid: &GridSpec, x: &[f64], y: &[f64]) -> Vec<f64> {
    let (cols, rows, cell) = (grid.cols, grid.rows, grid.cell_m);
    let h2 = H_M * H_M;
    let c = 3.0 / std::f64::consts::PI / h2 * 1e6;
    let chunk = x.len().div_ceil(rayon::current_num_threads()).max(1);
    x.par_chunks(chunk)
        .zip(y.par_chunks(chunk))
        .map(|(xs, ys)| {
            let mut g = vec![0.0f64; cols * rows];
            for (&px, &py) in xs.iter().zip(ys) {
                let r0 = (((py - H_M - grid.y0) / cell - 0.5).ceil().max(0.0)) as usize;
                let r1 = (((py + H_M - grid.y0) / cell - 0.5)
                    .floor()
                    .min(rows as f64 - 1.0)) as usize;
                let c0 = (((px - H_M - grid.x0) / cell - 0.5).ceil().max(0.0)) as usize;
                let c1 = (((px + H_M - grid.x0) / cell - 0.5)
                    .floor()
                    .min(cols as f64 - 1.0)) as usize;
                for r in r0..=r1 {
                    let dy = grid.y0 + (r as f64 + 0.5) * cell - py;
                    let line = &mut g[r * cols..(r + 1) * cols];
                    for (col, v) in line.iter_mut().enumerate().take(c1 + 1).skip(c0) {
                        let dx = grid.x0 + (col as f64 + 0.5) * cell - px;
                        let d2 = dx * dx + dy * dy;
                        let t = 1.0 - d2 / h2;
                        *v += if d2 < h2 { c * t * t } else { 0.0 };
                    }
                }
            }
            g
        })
        .reduce(
            || vec![0.0; cols * rows],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(p, q)| *p += q);
                a
            },
        )
}

fn bench_kde(c: &mut Criterion) {
    let grid = GridSpec::new(0.0, 0.0, CELL_M, 400, 400).expect("grid");
    let mut g = c.benchmark_group("kde");
    g.sample_size(10);
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let (x, y) = clustered_scene(n, SIDE_M, 42);
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).expect("incidents");
        let mut o = KdeOptions::new(H_M, CELL_M);
        o.extent = Extent::Grid(grid);
        let kde = Kde::new(o).expect("options");
        g.bench_with_input(BenchmarkId::new("exact_quartic_300m", n), &n, |b, _| {
            b.iter(|| black_box(kde.estimate(black_box(&inc)).expect("kde")))
        });
        g.bench_with_input(BenchmarkId::new("bare_loop", n), &n, |b, _| {
            b.iter(|| black_box(bare_loop(&grid, black_box(&x), black_box(&y))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_kde);
criterion_main!(benches);
