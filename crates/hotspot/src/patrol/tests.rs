use super::*;
use geo::polygon;
use rand::{RngExt, SeedableRng};

fn brute_force(p: &CoverProblem, k: usize) -> f64 {
    fn rec(p: &CoverProblem, k: usize, from: usize, cur: &mut Vec<usize>, best: &mut f64) {
        *best = best.max(p.value(cur).0);
        if cur.len() == k {
            return;
        }
        for c in from..p.len() {
            if p.compatible(c, cur) {
                cur.push(c);
                rec(p, k, c + 1, cur, best);
                cur.pop();
            }
        }
    }
    let mut best = 0.0;
    rec(p, k, 0, &mut Vec::new(), &mut best);
    best
}

fn random_case(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut w = Vec::new();
    for _ in 0..n {
        x.push(rng.random_range(0.0..1000.0));
        y.push(rng.random_range(0.0..1000.0));
        w.push([1.0, 2.0, 5.0][rng.random_range(0..3)]);
    }
    (x, y, w)
}

#[test]
fn lazy_greedy_equals_plain_greedy() {
    for seed in 0..30 {
        let (x, y, w) = random_case(seed, 60);
        let overlap = [1.0, 0.2, 0.0][(seed % 3) as usize];
        let params = PatrolParams::new(4, 150.0, overlap).unwrap();
        let cands = candidates(&x, &y, &w, 150.0, &[]).unwrap();
        let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
        let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
        let a = p.greedy(4, &[]).unwrap();
        let b = p.greedy_plain(4, &[]).unwrap();
        assert_eq!(a, b, "seed {seed}");
        // Marginal gains never increase (submodularity) and add up to the value.
        assert!(a.gains.windows(2).all(|g| g[1] <= g[0] + 1e-12));
        assert!((a.gains.iter().sum::<f64>() - a.covered_weight).abs() < 1e-9);
    }
}

#[test]
fn greedy_and_exact_against_brute_force() {
    let bound = 1.0 - (-1.0f64).exp();
    for seed in 0..25 {
        let (x, y, w) = random_case(100 + seed, 25);
        // A small candidate set so that brute force is cheap: 14 random incident locations.
        let centres: Vec<[f64; 2]> = (0..14).map(|i| [x[i], y[i]]).collect();
        for overlap in [1.0, 0.0] {
            let params = PatrolParams::new(3, 200.0, overlap).unwrap();
            let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
            let opt = brute_force(&p, 3);
            let g = p.greedy(3, &[]).unwrap();
            let e = p.exact(3, &[], 1_000_000).unwrap().unwrap();
            assert!(
                (e.covered_weight - opt).abs() < 1e-9,
                "seed {seed}: exact {} vs {opt}",
                e.covered_weight
            );
            assert!(g.covered_weight <= opt + 1e-9);
            if overlap >= 1.0 {
                assert!(
                    g.covered_weight >= bound * opt - 1e-9,
                    "seed {seed}: greedy {} < (1-1/e)·{opt}",
                    g.covered_weight
                );
            }
            assert_eq!(p.value(&e.chosen).0, e.covered_weight);
        }
    }
}

#[test]
fn obvious_optimum_three_clusters() {
    // Clusters of 10, 7 and 4 incidents 2 km apart plus scattered singles: k = 3 takes the three clusters.
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (cx, cy, n) in [(0.0, 0.0, 10), (2000.0, 0.0, 7), (0.0, 2000.0, 4)] {
        for j in 0..n {
            x.push(cx + (j % 3) as f64 * 20.0);
            y.push(cy + (j / 3) as f64 * 20.0);
        }
    }
    for s in [[5000.0, 5000.0], [7000.0, 1000.0], [1000.0, 7000.0]] {
        x.push(s[0]);
        y.push(s[1]);
    }
    let w = vec![1.0; x.len()];
    let params = PatrolParams::new(3, 250.0, 0.0).unwrap();
    let cands = candidates(&x, &y, &w, 250.0, &[]).unwrap();
    let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
    let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
    let g = p.greedy(3, &[]).unwrap();
    assert_eq!(g.covered_count, 21);
    assert_eq!(g.gains, vec![10.0, 7.0, 4.0]);
    let e = p.exact(3, &[], 1_000_000).unwrap().unwrap();
    assert_eq!(e.covered_count, 21);
    // Forcing a single's location first still leaves room for two clusters.
    let single = centres.iter().position(|c| *c == [5000.0, 5000.0]).unwrap();
    let f = p.greedy(3, &[single]).unwrap();
    assert_eq!(f.chosen[0], single);
    assert_eq!(f.gains, vec![1.0, 10.0, 7.0]);
    assert_eq!(f, p.greedy_plain(3, &[single]).unwrap());
}

#[test]
fn overlap_limit_is_respected() {
    assert!((overlap_share(100.0, 0.0) - 1.0).abs() < 1e-12);
    assert_eq!(overlap_share(100.0, 200.0), 0.0);
    let params = PatrolParams::new(5, 250.0, 0.1).unwrap();
    let d = params.min_separation_m();
    assert!((overlap_share(250.0, d) - 0.1).abs() < 1e-9 && d > 0.0 && d < 500.0);
    assert_eq!(
        PatrolParams::new(2, 250.0, 0.0).unwrap().min_separation_m(),
        500.0
    );
    let (x, y, w) = random_case(9, 200);
    let cands = candidates(&x, &y, &w, 250.0, &[]).unwrap();
    let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
    let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
    let g = p.greedy(5, &[]).unwrap();
    for (i, &a) in g.chosen.iter().enumerate() {
        for &b in &g.chosen[..i] {
            let (ca, cb) = (centres[a], centres[b]);
            assert!(overlap_share(250.0, (ca[0] - cb[0]).hypot(ca[1] - cb[1])) <= 0.1 + 1e-9);
        }
    }
}

#[test]
fn zone_stats_hand_checked() {
    // 10 incidents, 4 within 100 m of (500, 500); study area 1 km².
    let mut x = vec![500.0, 520.0, 480.0, 500.0];
    let mut y = vec![500.0, 500.0, 500.0, 560.0];
    for j in 0..6 {
        x.push(100.0 + j as f64 * 150.0);
        y.push(50.0);
    }
    let harm = vec![2.0; 10];
    let study = StudyArea::new(MultiPolygon::new(vec![polygon![
        (x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)
    ]]))
    .unwrap();
    let params = PatrolParams::new(1, 100.0, 0.0).unwrap();
    let p = CoverProblem::new(&x, &y, &harm, &[[500.0, 500.0]], &params).unwrap();
    let s = p.greedy(1, &[]).unwrap();
    let z = zone_stats(&x, &y, &harm, &p, &s, 100.0, &study);
    assert_eq!(z[0].members, vec![0, 1, 2, 3]);
    assert_eq!(z[0].harm, 8.0);
    let share_area = std::f64::consts::PI * 0.01;
    assert!((z[0].share_area - share_area).abs() < 1e-9);
    assert!((z[0].pai - 0.4 / share_area).abs() < 1e-6);
}

#[test]
fn degenerate_inputs() {
    let params = PatrolParams::new(3, 250.0, 0.0).unwrap();
    let p = CoverProblem::new(&[], &[], &[], &[], &params).unwrap();
    let g = p.greedy(3, &[]).unwrap();
    assert!(g.chosen.is_empty() && g.covered_weight == 0.0);
    assert!(candidates(&[], &[], &[], 250.0, &[]).unwrap().is_empty());
    // All incidents at one point: one zone covers all, the rest add nothing and are not chosen.
    let x = vec![10.0; 5];
    let y = vec![10.0; 5];
    let w = vec![1.0; 5];
    let cands = candidates(&x, &y, &w, 250.0, &[[0.0, 0.0]]).unwrap();
    assert_eq!(cands[0].source, CandidateSource::Given);
    assert_eq!(
        cands
            .iter()
            .filter(|c| c.source == CandidateSource::Incident)
            .count(),
        1
    );
    let centres: Vec<[f64; 2]> = cands.iter().map(|c| c.pos).collect();
    let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
    let g = p.greedy(3, &[]).unwrap();
    assert_eq!((g.chosen.len(), g.covered_count), (1, 5));
    assert!(PatrolParams::new(0, 250.0, 0.0).is_err());
    assert!(PatrolParams::new(3, -1.0, 0.0).is_err());
    assert!(PatrolParams::new(3, 250.0, 1.5).is_err());
    assert!(p.greedy(3, &[999]).is_err());
    assert!(CoverProblem::new(&[1.0], &[1.0], &[-1.0], &[], &params).is_err());
}
