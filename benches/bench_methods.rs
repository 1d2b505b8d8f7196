//! `bench-methods`: the clustering-method benchmark of issue 8.
//!
//! For each scene shape × size × method, a **child process** (this binary with
//! `--child`) generates the seeded scene, fits the method on 2025, ranks the cells
//! of a common grid, and judges the map on 2026-01..06. The child measures:
//! - `seconds`: wall time of fitting + ranking (not scene generation);
//! - `peak MiB`: the process's peak resident set (`VmHWM`) during fitting, after the
//!   scene is built (the high-water mark is reset through `/proc/self/clear_refs`
//!   before the method runs; Linux only);
//! - PAI and PEI* at 1 % and 5 % of the area;
//! - planted hotspots recovered: those whose centre's cell is among the selected cells at 5 %.
//!
//! The parent prints a Markdown table (and writes it with `--out FILE`).
//!
//! ```text
//! cargo run --release -p hotspot-benches --bin bench-methods -- \
//!     --sizes 10000,100000,1000000 --methods grid,previous,kde,dbscan,hdbscan,gistar
//! ```

use hotspot::GridSpec;
use hotspot::evaluate::{EvalGrid, MethodOptions, Split, builtin, measure};
use hotspot::period::Period;
use hotspot_benches::scenes::{SHAPES, SIDE, X0, Y0, scene};
use std::process::Command;
use std::time::Instant;

struct Opts {
    sizes: Vec<usize>,
    shapes: Vec<String>,
    methods: Vec<String>,
    cell: f64,
    seed: u64,
    out: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: bench-methods [--sizes 10000,100000] [--shapes {}] [--methods grid,previous,...] [--cell 100] [--seed 42] [--out FILE.md]",
        SHAPES.join(",")
    );
    std::process::exit(2)
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_args(args: &[String]) -> Opts {
    let mut o = Opts {
        sizes: vec![10_000, 100_000],
        shapes: SHAPES.iter().map(|s| s.to_string()).collect(),
        methods: hotspot::evaluate::METHOD_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        cell: 100.0,
        seed: 42,
        out: None,
    };
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_else(|| usage());
        match args[i].as_str() {
            "--sizes" => {
                o.sizes = list(&v)
                    .iter()
                    .map(|s| s.parse().unwrap_or_else(|_| usage()))
                    .collect()
            }
            "--shapes" => o.shapes = list(&v),
            "--methods" => o.methods = list(&v),
            "--cell" => o.cell = v.parse().unwrap_or_else(|_| usage()),
            "--seed" => o.seed = v.parse().unwrap_or_else(|_| usage()),
            "--out" => o.out = Some(v),
            _ => usage(),
        }
        i += 2;
    }
    o
}

fn proc_status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One measurement, run in this process: prints a tab-separated result line.
fn child(shape: &str, n: usize, method: &str, seed: u64, cell: f64) -> Result<String, String> {
    let sc = scene(shape, n, seed).ok_or_else(|| format!("unknown shape {shape}"))?;
    let inc = &sc.incidents;
    let tp = Period::parse("train", "2025").map_err(|e| e.to_string())?;
    let sp = Period::parse("test", "2026-01..2026-06").map_err(|e| e.to_string())?;
    let train = inc.subset(&tp.select(inc));
    let test = inc.subset(&sp.select(inc));
    let k = (SIDE / cell).round() as usize;
    let spec = GridSpec::new(X0, Y0, cell, k, k).map_err(|e| e.to_string())?;
    let grid = EvalGrid::new(spec, None).map_err(|e| e.to_string())?;
    let m = builtin(method, &MethodOptions::default()).map_err(|e| e.to_string())?;
    let split = Split {
        train: &train,
        test: &test,
        train_period: Some(tp),
        test_period: Some(sp),
        shares: None,
    };
    // Reset the peak-RSS mark so it measures the method, not the scene.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base = proc_status_kib("VmRSS:").unwrap_or(0);
    let t0 = Instant::now();
    let scores = m.score(&spec, &split).map_err(|e| e.to_string())?;
    let ranked = grid.rank(&scores).map_err(|e| e.to_string())?;
    let secs = t0.elapsed().as_secs_f64();
    let peak = proc_status_kib("VmHWM:").unwrap_or(0);
    let rows = measure(&grid, &ranked, &train, &test, &[0.01, 0.05]).map_err(|e| e.to_string())?;
    let sel: std::collections::HashSet<usize> =
        ranked[..grid.cells_for(0.05)].iter().copied().collect();
    let found = sc
        .planted
        .iter()
        .filter(|p| {
            spec.cell_of(p[0], p[1])
                .is_some_and(|(c, r)| sel.contains(&spec.index(c, r)))
        })
        .count();
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
    Ok(format!(
        "{secs:.4}\t{:.1}\t{:.1}\t{}\t{}\t{}\t{}\t{found}/{}\t{}",
        peak as f64 / 1024.0,
        peak.saturating_sub(base) as f64 / 1024.0,
        f(rows[0].counts.pai),
        f(rows[0].counts.pei_star),
        f(rows[1].counts.pai),
        f(rows[1].counts.pei_star),
        sc.planted.len(),
        if m.params().is_empty() {
            "-".to_string()
        } else {
            m.params()
        }
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let g = |i: usize| args.get(i).cloned().unwrap_or_else(|| usage());
        let n = g(2).parse().unwrap_or_else(|_| usage());
        let seed = g(4).parse().unwrap_or_else(|_| usage());
        let cell = g(5).parse().unwrap_or_else(|_| usage());
        match child(&g(1), n, &g(3), seed, cell) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1)
            }
        }
        return;
    }
    let o = parse_args(&args);
    let exe = std::env::current_exe().unwrap_or_else(|_| usage());
    let mut table = String::new();
    table.push_str(&format!(
        "Scenes 10 km x 10 km, {} m cells; train 2025, test 2026-01..06; seed {}.\n\n",
        o.cell, o.seed
    ));
    table.push_str("| scene | incidents | method | seconds | peak MiB | +MiB | PAI 1% | PEI* 1% | PAI 5% | PEI* 5% | planted found (5%) | params |\n");
    table.push_str("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for shape in &o.shapes {
        for &n in &o.sizes {
            for m in &o.methods {
                eprint!("{shape} {n} {m} ... ");
                let out = Command::new(&exe)
                    .args([
                        "--child",
                        shape,
                        &n.to_string(),
                        m,
                        &o.seed.to_string(),
                        &o.cell.to_string(),
                    ])
                    .output();
                let row = match out {
                    Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
                        .trim_end_matches(['\n', '\r'])
                        .to_string(),
                    Ok(out) => format!(
                        "failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                            .trim()
                            .replace('|', "/")
                    ),
                    Err(e) => format!("failed: {e}"),
                };
                eprintln!("{row}");
                let cols: Vec<&str> = row.split('\t').collect();
                if cols.len() == 9 {
                    table.push_str(&format!("| {shape} | {n} | {m} | {} |\n", cols.join(" | ")));
                } else {
                    table.push_str(&format!(
                        "| {shape} | {n} | {m} | {row} | | | | | | | | |\n"
                    ));
                }
            }
        }
    }
    print!("{table}");
    if let Some(p) = o.out
        && let Err(e) = std::fs::write(&p, &table)
    {
        eprintln!("{p}: {e}");
        std::process::exit(1)
    }
}
