//! Reading + projecting incident CSV files: 100k and 1M rows (lon/lat in Vingåker,
//! category, time with offset, id), and 1M rows of `x,y` metres (the KDE job's
//! input), generated once into a temp file.
//!
//! `cargo bench -p hotspot-benches --bench ingest`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hotspot::ingest::{ReadOptions, read_path};
use std::hint::black_box;
use std::io::Write;

/// Writes `n` rows like a police export: id, lat, lon, type, time.
fn write_csv(path: &std::path::Path, n: usize, seed: u64) -> std::io::Result<()> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let types = [
        "Misshandel",
        "Skadegörelse",
        "Klotter",
        "Bedrägeri",
        "Rattfylleri",
    ];
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "id,lat,lon,type,time")?;
    for i in 0..n {
        let lat = 59.0 + 0.1 * next();
        let lon = 15.8 + 0.2 * next();
        let t = types[(next() * 5.0) as usize % 5];
        let day = 1 + (next() * 28.0) as u32;
        let month = 1 + (next() * 12.0) as u32;
        let hour = (next() * 24.0) as u32;
        let minute = (next() * 60.0) as u32;
        writeln!(
            w,
            "{i},{lat:.6},{lon:.6},{t},2025-{month:02}-{day:02} {hour}:{minute:02}:00 +01:00"
        )?;
    }
    w.flush()
}

/// Process CPU time (user + system) in seconds, from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is field 14, stime 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn bench_ingest(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no temp dir: {e}");
            return;
        }
    };
    let mut g = c.benchmark_group("ingest_csv");
    g.sample_size(10);
    for &n in &[100_000usize, 1_000_000] {
        let path = dir.path().join(format!("incidents_{n}.csv"));
        if let Err(e) = write_csv(&path, n, 42) {
            eprintln!("cannot write {}: {e}", path.display());
            return;
        }
        // One run with wall and CPU time: on a busy machine the CPU time shows
        // the work done, the wall time what this run got.
        let (w0, c0) = (std::time::Instant::now(), cpu_seconds());
        let ok = read_path(&path, &ReadOptions::default()).is_ok();
        eprintln!(
            "ingest {n} rows (ok: {ok}): wall {:.3} s, CPU {:.2} s, threads {}",
            w0.elapsed().as_secs_f64(),
            cpu_seconds() - c0,
            rayon::current_num_threads()
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("read_project", n), &n, |b, _| {
            b.iter(|| {
                let d = read_path(black_box(&path), &ReadOptions::default());
                black_box(d.map(|d| d.incidents.len()).unwrap_or(0))
            })
        });
    }
    // The KDE job's input (issue 3): 1M rows of `x,y` metres in SWEREF 99 TM.
    let path = dir.path().join("xy_1000000.csv");
    if let Err(e) = write_xy_csv(&path, 1_000_000, 42) {
        eprintln!("cannot write {}: {e}", path.display());
        return;
    }
    let opts = ReadOptions {
        crs: Some(hotspot::Crs::SWEREF99_TM),
        ..ReadOptions::default()
    };
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_with_input(BenchmarkId::new("read_xy", 1_000_000), &opts, |b, o| {
        b.iter(|| {
            let d = read_path(black_box(&path), o);
            black_box(d.map(|d| d.incidents.len()).unwrap_or(0))
        })
    });
    g.finish();
}

/// Writes `n` rows of `x,y` metres (SWEREF 99 TM, a 20 km square around
/// Vingåker, millimetre decimals) like the KDE benchmark's points.
fn write_xy_csv(path: &std::path::Path, n: usize, seed: u64) -> std::io::Result<()> {
    let mut u = hotspot_benches::SplitMix(seed);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "x,y")?;
    for _ in 0..n {
        let x = 540_000.0 + 20_000.0 * u.next_f64();
        let y = 6_530_000.0 + 20_000.0 * u.next_f64();
        writeln!(w, "{x:.3},{y:.3}")?;
    }
    w.flush()
}

/// The stages on their own, to see where the time goes: the csv crate's
/// sequential byte-record parse, time parsing, and lon/lat -> SWEREF 99 TM projection.
fn bench_stages(c: &mut Criterion) {
    let n = 100_000usize;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(_) => return,
    };
    let path = dir.path().join("stages.csv");
    if write_csv(&path, n, 7).is_err() {
        return;
    }
    let mut g = c.benchmark_group("ingest_stages");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("csv_byte_records", n), |b| {
        b.iter(|| {
            let mut rdr = match csv::Reader::from_path(&path) {
                Ok(r) => r,
                Err(_) => return 0,
            };
            let mut rec = csv::ByteRecord::new();
            let mut k = 0usize;
            while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                k += rec.len();
            }
            black_box(k)
        })
    });
    let times: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "2025-{:02}-{:02} {}:{:02}:00 +01:00",
                1 + i % 12,
                1 + i % 28,
                i % 24,
                i % 60
            )
        })
        .collect();
    g.bench_function(BenchmarkId::new("parse_time", n), |b| {
        b.iter(|| {
            times
                .iter()
                .filter(|t| hotspot::ingest::parse_time(t, chrono_tz::Europe::Stockholm).is_some())
                .count()
        })
    });
    let p = match hotspot::Projector::new(hotspot::Crs::SWEREF99_TM) {
        Ok(p) => p,
        Err(_) => return,
    };
    g.bench_function(BenchmarkId::new("project_1thread", n), |b| {
        b.iter(|| {
            let mut s = 0.0;
            for i in 0..n {
                let lon = 15.8 + 0.2 * (i as f64 / n as f64);
                if let Ok([x, _]) = p.to_metres(lon, 59.05) {
                    s += x;
                }
            }
            black_box(s)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_stages, bench_ingest);
criterion_main!(benches);
