//! Multiple-testing correction: Benjamini-Hochberg false discovery rate adjusted p-values.

/// Benjamini & Hochberg (1995) step-up adjusted p-values ("q-values").
///
/// For p-values sorted ascending `p_(1) <= ... <= p_(m)` the adjusted value is
/// `q_(k) = min_{j >= k} min(1, m p_(j) / j)`. Rejecting every hypothesis with
/// `q <= alpha` is exactly the BH procedure at false discovery rate `alpha`, which
/// is what ArcGIS's Hot Spot Analysis applies per confidence level when its FDR
/// option is on.
///
/// NaN p-values are treated as 1 (never significant) and counted in `m`.
/// Ties are ordered by input position, so the result is deterministic.
/// Complexity: `O(m log m)`.
///
/// # Example
/// ```
/// use hotspot::stats::fdr::benjamini_hochberg;
/// let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]);
/// assert!((q[0] - 0.04).abs() < 1e-12);
/// assert!((q[2] - 0.16 / 3.0).abs() < 1e-12);
/// assert!((q[1] - 0.16 / 3.0).abs() < 1e-12);
/// assert_eq!(q[3], 0.5);
/// ```
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let clean = |v: f64| if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean(p[a]).total_cmp(&clean(p[b])).then(a.cmp(&b)));
    let mut q = vec![1.0; m];
    let mut running = 1.0f64;
    for (rank0, &i) in order.iter().enumerate().rev() {
        let k = (rank0 + 1) as f64;
        let v = (clean(p[i]) * m as f64 / k).min(1.0);
        running = running.min(v);
        q[i] = running;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: q_i = min over j with p_j >= p_i of m p_j / rank_j.
    fn brute(p: &[f64]) -> Vec<f64> {
        let m = p.len();
        let mut sorted: Vec<f64> = p.to_vec();
        sorted.sort_by(f64::total_cmp);
        p.iter()
            .map(|&pi| {
                let mut best = 1.0f64;
                for (j, &pj) in sorted.iter().enumerate() {
                    if pj >= pi {
                        best = best.min(pj * m as f64 / (j + 1) as f64);
                    }
                }
                best
            })
            .collect()
    }

    #[test]
    fn hand_worked_example() {
        // m = 4: sorted 0.01, 0.03, 0.04, 0.5 -> 0.04, 0.06, 0.0533, 0.5 -> step-up min: 0.04, 0.0533, 0.0533, 0.5
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]);
        let want = [0.04, 0.16 / 3.0, 0.16 / 3.0, 0.5];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn matches_brute_force_on_pseudo_random_input() {
        let mut s = 12345u64;
        let p: Vec<f64> = (0..300)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64).powi(3)
            })
            .collect();
        let q = benjamini_hochberg(&p);
        let b = brute(&p);
        for (x, y) in q.iter().zip(&b) {
            assert!((x - y).abs() < 1e-12);
        }
        assert!(q.iter().zip(&p).all(|(q, p)| q >= p));
    }

    #[test]
    fn degenerate_inputs() {
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[0.2]), vec![0.2]);
        assert_eq!(benjamini_hochberg(&[f64::NAN, 0.01]), vec![1.0, 0.02]);
    }
}
