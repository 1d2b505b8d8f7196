//! Writes the clustered bench scene as CSV (`id,x,y`, SWEREF 99 TM metres offset to
//! Vingåker) for whole-process runs of `hotspot cluster` and for `peers.py`.
//!
//! `cargo run --release -p hotspot-benches --bin gen-scene -- N OUT.csv [SEED]`
use std::io::Write;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen-scene N OUT.csv [SEED]");
        std::process::exit(2);
    }
    let n: usize = args[1].parse().unwrap_or(0);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let (x, y) = hotspot_benches::tight_clustered_scene(n, seed);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&args[2])?);
    writeln!(w, "id,x,y")?;
    for i in 0..n {
        // Offset into SWEREF 99 TM around Vingåker so the CLI's distance checks pass.
        writeln!(
            w,
            "{},{:.2},{:.2}",
            i + 1,
            540_000.0 + x[i],
            6_535_000.0 + y[i]
        )?;
    }
    w.flush()
}
