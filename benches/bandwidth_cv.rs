//! Predictive bandwidth choice (temporal cross-validation of PAI, 8 candidates
//! 50-400 m, 3 folds, scored on a 25 m binned grid) on 100k and 1M clustered
//! incidents in a 20 km square with times spread over two years; and the
//! estimate with the chosen bandwidth next to it, for the share of the run time.
//!
//! Run: `cargo bench -p hotspot-benches --bench bandwidth_cv`.

use chrono::{DateTime, Duration};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hotspot::density::{Kernel, PredictiveOptions, select_bandwidth};
use hotspot::{Crs, IncidentRecord, IncidentTime, Incidents, IncidentsBuilder, TimeResolution};
use hotspot_benches::{clustered_scene, splitmix};
use std::hint::black_box;

fn timed_scene(n: usize) -> Incidents {
    let (x, y) = clustered_scene(n, 20_000.0, 7);
    let mut u = splitmix(11);
    let t0 = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+01:00").expect("date");
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).expect("crs");
    for i in 0..n {
        let t = t0 + Duration::seconds((u() * 2.0 * 365.0 * 86_400.0) as i64);
        b.push(IncidentRecord {
            x: x[i],
            y: y[i],
            weight: 1.0,
            category: "all",
            time: Some(IncidentTime::new(t, TimeResolution::Minute)),
            id: i.to_string(),
            lonlat: None,
        })
        .expect("push");
    }
    b.build()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("bandwidth_cv");
    g.sample_size(10);
    for n in [100_000usize, 1_000_000] {
        let inc = timed_scene(n);
        let o = PredictiveOptions::default();
        g.bench_with_input(BenchmarkId::new("select", n), &inc, |b, inc| {
            b.iter(|| select_bandwidth(black_box(inc), Kernel::Quartic, &o, None).expect("runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
