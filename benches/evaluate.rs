//! Evaluation machinery over sizes: cell ranking + measures, and the space-time cube Gi*.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::GridSpec;
use hotspot::evaluate::{EvalGrid, GridCounts, HotspotMethod, Split, measure};
use hotspot::period::Period;
use hotspot::stats::emerging::{SpaceTimeCube, TimeStep, cube_gistar};
use hotspot_benches::scenes::{SIDE, X0, Y0, scene};
use std::hint::black_box;

fn bench_evaluate(c: &mut Criterion) {
    let mut g = c.benchmark_group("evaluate");
    g.sample_size(10);
    let tp = Period::parse("train", "2025").unwrap();
    let sp = Period::parse("test", "2026-01..2026-06").unwrap();
    for &n in &[10_000usize, 100_000] {
        let sc = scene("diffuse", n, 42).unwrap();
        let inc = &sc.incidents;
        let train = inc.subset(&tp.select(inc));
        let test = inc.subset(&sp.select(inc));
        let spec = GridSpec::new(X0, Y0, 50.0, 200, 200).unwrap();
        let grid = EvalGrid::new(spec, None).unwrap();
        let split = Split {
            train: &train,
            test: &test,
            train_period: Some(tp),
            test_period: Some(sp),
            shares: None,
        };
        g.bench_with_input(BenchmarkId::new("grid_rank_measure", n), &n, |b, _| {
            b.iter(|| {
                let s = GridCounts.score(&spec, &split).unwrap();
                let r = grid.rank(&s).unwrap();
                black_box(measure(&grid, &r, &train, &test, &[0.01, 0.05, 0.1]).unwrap())
            })
        });
        let cspec = GridSpec::new(X0, Y0, SIDE / 50.0, 50, 50).unwrap();
        let (cube, _) = SpaceTimeCube::build(
            inc,
            cspec,
            TimeStep::Month,
            None,
            chrono_tz::Europe::Stockholm,
        )
        .unwrap();
        g.bench_with_input(BenchmarkId::new("cube_gistar_50x50x18", n), &n, |b, _| {
            b.iter(|| black_box(cube_gistar(&cube, 600.0, 1).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
