//! Order-independent parallel sums: fixed chunks, combined in index order.
//!
//! Floating-point addition is not associative, so a rayon `.sum::<f64>()`
//! gives a result that depends on how the work was split, which depends on
//! the thread count and on scheduling. [`par_sum`] splits `0..n` into chunks
//! of a fixed length ([`CHUNK`]), sums each chunk sequentially and adds the
//! chunk sums in chunk order: the same operations in the same order whatever
//! the number of threads, so the result is bit-identical run after run.

use rayon::prelude::*;

/// Terms per chunk: large enough that scheduling costs nothing, small enough to spread 2 cores' work.
pub const CHUNK: usize = 1024;

/// `sum(f(i) for i in 0..n)`, evaluated in parallel and bit-identical for every thread count.
pub fn par_sum<F>(n: usize, f: F) -> f64
where
    F: Fn(usize) -> f64 + Sync + Send,
{
    let chunks: Vec<f64> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| (c * CHUNK..((c + 1) * CHUNK).min(n)).map(&f).sum::<f64>())
        .collect();
    chunks.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(i: usize) -> f64 {
        // Terms of very different magnitude, so the order of addition shows in the last bits.
        let v = (i as f64 * 0.618_033_988_75).fract() - 0.5;
        v * 10f64.powi((i % 17) as i32 - 8)
    }

    #[test]
    fn par_sum_is_identical_at_every_thread_count() {
        let n: usize = 100_003;
        let sequential_chunks: f64 = (0..n.div_ceil(CHUNK))
            .map(|c| (c * CHUNK..((c + 1) * CHUNK).min(n)).map(term).sum::<f64>())
            .sum();
        for threads in [1, 2, 3, 4, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for _ in 0..3 {
                let s = pool.install(|| par_sum(n, term));
                assert_eq!(
                    s.to_bits(),
                    sequential_chunks.to_bits(),
                    "{threads} threads"
                );
            }
        }
    }

    #[test]
    fn par_sum_of_nothing_and_of_one_chunk() {
        assert_eq!(par_sum(0, term), 0.0);
        let direct: f64 = (0..10).map(term).sum();
        assert_eq!(par_sum(10, term).to_bits(), direct.to_bits());
    }
}
