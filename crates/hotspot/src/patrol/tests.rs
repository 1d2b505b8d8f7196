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

// ---- Candidate sources: density peaks, cluster centroids, the default set ----

fn raster(cols: usize, rows: usize, values: Vec<f64>) -> crate::grid::Raster {
    crate::grid::Raster {
        spec: crate::grid::GridSpec::new(0.0, 0.0, 10.0, cols, rows).unwrap(),
        values,
    }
}

#[test]
fn raster_peaks_hand_built() {
    // Row 0 is the first line (south). 6 x 4 cells.
    #[rustfmt::skip]
    let v = vec![
        9.0, 1.0, 1.0, 1.0, 1.0, 1.0, // (0,0) = 9: a peak on the corner
        1.0, 1.0, 5.0, 1.0, 1.0, 4.0, // (2,1) = 5: interior peak; (5,1) = 4: east edge peak
        1.0, 1.0, 1.0, 1.0, 3.0, 3.0, // (4,2)-(5,2) = 3 next to 4: plateau that is not a peak
        1.0, 2.0, 2.0, 0.5, 1.0, 1.0, // (1,3)-(2,3) = 2: a plateau peak on the north edge
    ];
    let r = raster(6, 4, v.clone());
    let idx = |c: usize, row: usize| row * 6 + c;
    // Floor 0: every local maximum; the plateau (1,3)-(2,3) gives one cell, the lower index (tie on
    // distance to the plateau mean).
    assert_eq!(
        raster_peaks(&r, 0.0),
        vec![idx(0, 0), idx(2, 1), idx(5, 1), idx(1, 3)]
    );
    // A floor of 4 drops the 2-plateau and keeps values above it only (4 is not > 4).
    assert_eq!(raster_peaks(&r, 4.0), vec![idx(0, 0), idx(2, 1)]);
    // A three-cell plateau: the representative is the middle cell (nearest the plateau mean).
    let r3 = raster(5, 1, vec![0.0, 7.0, 7.0, 7.0, 0.0]);
    assert_eq!(raster_peaks(&r3, 0.0), vec![2]);
    // A flat raster is one plateau with nothing higher around it: one peak, at its middle.
    let flat = raster(3, 3, vec![1.0; 9]);
    assert_eq!(raster_peaks(&flat, 0.0), vec![4]);
    // All zero: nothing above the floor. NaN is neither a peak nor blocks one.
    assert!(raster_peaks(&raster(3, 3, vec![0.0; 9]), 0.0).is_empty());
    let mut nan = vec![1.0; 9];
    nan[4] = f64::NAN;
    nan[0] = 2.0;
    assert_eq!(raster_peaks(&raster(3, 3, nan), 0.0), vec![0]);
}

/// Two blobs of `n` incidents (a ring of radius `ring` plus nothing at the centre), far apart.
fn two_blobs(c1: [f64; 2], c2: [f64; 2], n: usize, ring: f64) -> (Vec<f64>, Vec<f64>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for c in [c1, c2] {
        for j in 0..n {
            let a = std::f64::consts::TAU * j as f64 / n as f64;
            x.push(c[0] + ring * a.cos());
            y.push(c[1] + ring * a.sin());
        }
    }
    (x, y)
}

fn incidents(x: &[f64], y: &[f64]) -> crate::Incidents {
    crate::Incidents::from_xy(crate::Crs::SWEREF99_TM, x, y).unwrap()
}

#[test]
fn cluster_centroids_land_on_blob_centres() {
    let (c1, c2) = ([1037.0, 2011.0], [4003.0, 2950.0]);
    let (x, y) = two_blobs(c1, c2, 16, 100.0);
    let inc = incidents(&x, &y);
    let c = cluster_centroids(&inc, &vec![1.0; x.len()], 250.0).unwrap();
    assert_eq!(c.len(), 2);
    for (got, want) in c.iter().zip([c1, c2]) {
        assert!((got[0] - want[0]).abs() < 1e-9 && (got[1] - want[1]).abs() < 1e-9);
    }
    // Zero harm leaves incidents out: only the second blob is clustered.
    let mut harm = vec![1.0; x.len()];
    harm[..16].iter_mut().for_each(|h| *h = 0.0);
    let c = cluster_centroids(&inc, &harm, 250.0).unwrap();
    assert_eq!(c.len(), 1);
    assert!((c[0][0] - c2[0]).abs() < 1e-9);
    // Fewer than five incidents with harm: no cluster.
    assert!(
        cluster_centroids(&inc, &[&[1.0; 4][..], &[0.0; 28][..]].concat(), 250.0)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn density_peaks_on_two_blobs() {
    // Two tight blobs (ring 20 m); the peaks are the density-grid cells at the blob centres: within
    // half a cell diagonal (cell = 250 / 5 = 50 m).
    let (c1, c2) = ([1037.0, 2011.0], [4003.0, 2950.0]);
    let (x, y) = two_blobs(c1, c2, 12, 20.0);
    let inc = incidents(&x, &y);
    let mut harm = vec![1.0; x.len()];
    let p = density_peaks(&inc, &harm, 250.0).unwrap();
    assert_eq!(p.len(), 2, "{p:?}");
    for (got, want) in p.iter().zip([c1, c2]) {
        assert!(
            (got[0] - want[0]).hypot(got[1] - want[1]) <= 25.0 * 2f64.sqrt() + 1e-9,
            "{got:?} vs {want:?}"
        );
    }
    // A blob with a twentieth of the other's harm falls under the 5 % floor.
    harm[12..].iter_mut().for_each(|h| *h = 0.04);
    assert_eq!(density_peaks(&inc, &harm, 250.0).unwrap().len(), 1);
    // No harm: no peak. Everything within one bandwidth: the weighted mean.
    assert!(
        density_peaks(&inc, &vec![0.0; x.len()], 250.0)
            .unwrap()
            .is_empty()
    );
    let one = incidents(&[10.0, 30.0], &[0.0, 0.0]);
    assert_eq!(
        density_peaks(&one, &[1.0, 3.0], 250.0).unwrap(),
        vec![[25.0, 0.0]]
    );
}

#[test]
fn candidate_set_union_is_deduplicated_and_holds_the_grid() {
    let (x, y, w) = random_case(5, 150);
    let inc = incidents(&x, &y);
    let all = candidate_set(&inc, &w, 150.0, &CandidateSources::default(), &[]).unwrap();
    let grid_only = CandidateSources::parse("grid").unwrap();
    let grid = candidate_set(&inc, &w, 150.0, &grid_only, &[]).unwrap();
    let key = |p: [f64; 2]| ((p[0] * 100.0).round() as i64, (p[1] * 100.0).round() as i64);
    let keys: std::collections::HashSet<_> = all.iter().map(|c| key(c.pos)).collect();
    assert_eq!(keys.len(), all.len(), "duplicates in the union");
    assert!(grid.iter().all(|c| keys.contains(&key(c.pos))));
    assert!(all.iter().any(|c| c.source == CandidateSource::Peak));
    // Sources in order: peaks, then clusters, then grid.
    let rank = |s: CandidateSource| match s {
        CandidateSource::Peak => 0,
        CandidateSource::Cluster => 1,
        _ => 2,
    };
    assert!(
        all.windows(2)
            .all(|p| rank(p[0].source) <= rank(p[1].source))
    );
    // The grid part equals the old builder's grid part, and the incidents source its incident part.
    let old = candidates(&x, &y, &w, 150.0, &[]).unwrap();
    let old_grid: Vec<_> = old
        .iter()
        .filter(|c| c.source == CandidateSource::Grid)
        .collect();
    assert_eq!(old_grid.len(), grid.len());
    assert!(old_grid.iter().zip(&grid).all(|(a, b)| a.pos == b.pos));
    let inc_only = CandidateSources::parse("incidents").unwrap();
    assert_eq!(
        candidate_set(&inc, &w, 150.0, &inc_only, &[])
            .unwrap()
            .len(),
        old.iter()
            .filter(|c| c.source == CandidateSource::Incident)
            .count()
    );
    // Given points come first and are kept even when they cover nothing.
    let given = [Candidate {
        pos: [-5000.0, -5000.0],
        source: CandidateSource::School,
    }];
    let g = candidate_set(&inc, &w, 150.0, &grid_only, &given).unwrap();
    assert_eq!(g[0], given[0]);
    assert_eq!(g.len(), grid.len() + 1);
    // Parsing.
    assert_eq!(
        CandidateSources::parse("default").unwrap(),
        CandidateSources::default()
    );
    assert_eq!(CandidateSources::default().label(), "peaks,clusters,grid");
    assert!(CandidateSources::parse("peaks,blobs").is_err());
    assert!(CandidateSources::parse("").is_err());
}

#[test]
fn default_set_never_worse_than_grid_where_optimum_is_obvious() {
    // Rings of 32 incidents of radius 0.95 r around centres off the grid lattice: only a centre within
    // 0.05 r of a ring's centre covers the whole ring. k = number of rings: the optimum covers all.
    let r = 250.0;
    for (seed, centres) in [
        [[0.0, 0.0], [3000.0, 170.0], [1210.0, 2890.0]],
        [[33.0, 71.0], [1500.0, 1500.0], [4000.0, -900.0]],
    ]
    .iter()
    .enumerate()
    {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (b, c) in centres.iter().enumerate() {
            for j in 0..32 {
                let a = std::f64::consts::TAU * (j as f64 + 0.3 * b as f64) / 32.0;
                x.push(c[0] + 0.95 * r * a.cos());
                y.push(c[1] + 0.95 * r * a.sin());
            }
        }
        let w: Vec<f64> = (0..x.len()).map(|i| 1.0 + (i / 32) as f64).collect();
        let inc = incidents(&x, &y);
        let params = PatrolParams::new(3, r, 0.0).unwrap();
        let solve = |sources: &str| {
            let c = candidate_set(&inc, &w, r, &CandidateSources::parse(sources).unwrap(), &[])
                .unwrap();
            let centres: Vec<[f64; 2]> = c.iter().map(|c| c.pos).collect();
            let p = CoverProblem::new(&x, &y, &w, &centres, &params).unwrap();
            let g = p.greedy(3, &[]).unwrap();
            (
                g.covered_weight,
                g.chosen.iter().map(|&i| c[i].source).collect::<Vec<_>>(),
            )
        };
        let total: f64 = w.iter().sum();
        let (all, src) = solve("default");
        let (grid, _) = solve("grid");
        assert_eq!(all, total, "case {seed}");
        assert!(all >= grid, "case {seed}: {all} < {grid}");
        assert!(
            grid < total,
            "case {seed}: the grid alone should miss ring points"
        );
        assert!(
            src.iter().all(|s| *s == CandidateSource::Cluster),
            "{src:?}"
        );
    }
}

// ---- Grid-cell-cluster zones ----

#[test]
fn cell_zones_hand_checked() {
    // Cells of 100 m, zones of 3 cells (block half-width 1). Harm per cell (col, row):
    // A(0,0) = 5, B(1,0) = 3, C(2,0) = 1, D(0,1) = 4, E(3,3) = 2.
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut w = Vec::new();
    for (c, r, h) in [(0, 0, 5), (1, 0, 3), (2, 0, 1), (0, 1, 4), (3, 3, 2)] {
        for _ in 0..h {
            x.push(c as f64 * 100.0 + 50.0);
            y.push(r as f64 * 100.0 + 50.0);
            w.push(1.0);
        }
    }
    let params = CellZoneParams::new(100.0, 3).unwrap();
    assert_eq!(params.reach(), 1);
    let zones = CellZones::build(&x, &y, &w, &params, &[], true).unwrap();
    let cell = |c: usize, r: usize| {
        zones
            .cell_of(c as f64 * 100.0 + 50.0, r as f64 * 100.0 + 50.0)
            .unwrap() as u32
    };
    // Seeds: the five cells with harm, row-major.
    assert_eq!(zones.zones.len(), 5);
    // From A: D (4) then B (3); C is two columns away (outside the block) and smaller anyway.
    let za = zones
        .zones
        .iter()
        .find(|z| z.seed as u32 == cell(0, 0))
        .unwrap();
    let mut want = vec![cell(0, 0), cell(1, 0), cell(0, 1)];
    want.sort();
    assert_eq!(za.cells, want);
    // From C: B (3); A is two columns from C (outside its block), so then the empty neighbour nearest C
    // with the lowest index: the padding cell south of C.
    let zc = zones
        .zones
        .iter()
        .find(|z| z.seed as u32 == cell(2, 0))
        .unwrap();
    let south = cell(2, 0) - zones.spec.cols as u32;
    let mut want = vec![south, cell(1, 0), cell(2, 0)];
    want.sort();
    assert_eq!(zc.cells, want);
    // E is isolated: E and its two empty neighbours with the lowest index (south, then west).
    let ze = zones
        .zones
        .iter()
        .find(|z| z.seed as u32 == cell(3, 3))
        .unwrap();
    let mut want = vec![
        cell(3, 3) - zones.spec.cols as u32,
        cell(3, 3) - 1,
        cell(3, 3),
    ];
    want.sort();
    assert_eq!(ze.cells, want);
    assert!(zones.zones.iter().all(|z| z.cells.len() == 3));

    let problem = CoverProblem::from_cells(&x, &y, &w, zones, 0.0).unwrap();
    let g = problem.greedy(2, &[]).unwrap();
    // A's zone (12), then disjoint from it: E (2) (C's zone shares B with A's).
    assert_eq!(g.gains, vec![12.0, 2.0]);
    assert_eq!(g, problem.greedy_plain(2, &[]).unwrap());
    // A's zone {A, B, D}: mean cell position (1/3, 1/3) from A, nearest cell A, so the anchor is A's centre.
    assert_eq!(problem.centre(g.chosen[0]), [50.0, 50.0]);
    let study = StudyArea::new(MultiPolygon::new(vec![polygon![
        (x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)
    ]]))
    .unwrap();
    let z = zone_stats(&x, &y, &w, &problem, &g, 0.0, &study);
    assert_eq!(z[0].members.len(), 12);
    assert_eq!(z[0].cells, 3);
    assert!((z[0].area_m2 - 30_000.0).abs() < 1e-6);
    assert!((z[0].share_area - 0.03).abs() < 1e-12);
    assert!((z[0].pai - (12.0 / 15.0) / 0.03).abs() < 1e-9);
    assert!((z[1].area_m2 - 30_000.0).abs() < 1e-6);
    assert_eq!(z[1].members.len(), 2);
    // With overlap allowed, C's zone (B + C = 4) still adds only C (1) after A's; E adds 2.
    let zones = CellZones::build(&x, &y, &w, &params, &[], true).unwrap();
    let p1 = CoverProblem::from_cells(&x, &y, &w, zones, 1.0).unwrap();
    assert_eq!(p1.greedy(3, &[]).unwrap().gains, vec![12.0, 2.0, 1.0]);
}

#[test]
fn cell_zone_greedy_against_brute_force() {
    let bound = 1.0 - (-1.0f64).exp();
    for seed in 0..12 {
        let (x, y, w) = random_case(300 + seed, 30);
        let x: Vec<f64> = x.iter().map(|v| v * 0.5).collect();
        let y: Vec<f64> = y.iter().map(|v| v * 0.5).collect();
        let params = CellZoneParams::new(100.0, 4).unwrap();
        for overlap in [1.0, 0.0] {
            let zones = CellZones::build(&x, &y, &w, &params, &[], true).unwrap();
            // Every zone has 4 cells including its seed, within the seed's 3 x 3 block, 4-connected.
            for z in &zones.zones {
                assert!(z.cells.len() == 4 && z.cells.contains(&(z.seed as u32)));
                let (sc, sr) = zones.spec.col_row(z.seed);
                for &c in &z.cells {
                    let (cc, rr) = zones.spec.col_row(c as usize);
                    assert!(cc.abs_diff(sc) <= 1 && rr.abs_diff(sr) <= 1);
                }
                let mut reached = vec![z.seed as u32];
                let mut at = 0;
                while at < reached.len() {
                    let (c, r) = zones.spec.col_row(reached[at] as usize);
                    at += 1;
                    for &o in &z.cells {
                        let (oc, or) = zones.spec.col_row(o as usize);
                        if oc.abs_diff(c) + or.abs_diff(r) == 1 && !reached.contains(&o) {
                            reached.push(o);
                        }
                    }
                }
                assert_eq!(reached.len(), 4, "zone not connected: {z:?}");
            }
            let p = CoverProblem::from_cells(&x, &y, &w, zones, overlap).unwrap();
            assert!(p.len() <= 36);
            let opt = brute_force(&p, 3);
            let g = p.greedy(3, &[]).unwrap();
            assert_eq!(g, p.greedy_plain(3, &[]).unwrap(), "seed {seed}");
            let e = p.exact(3, &[], 10_000_000).unwrap().unwrap();
            assert!((e.covered_weight - opt).abs() < 1e-9, "seed {seed}");
            assert!(g.covered_weight <= opt + 1e-9);
            if overlap >= 1.0 {
                assert!(g.covered_weight >= bound * opt - 1e-9, "seed {seed}");
            } else {
                let zs = p.cell_zones().unwrap();
                for (i, &a) in g.chosen.iter().enumerate() {
                    for &b in &g.chosen[..i] {
                        assert_eq!(
                            cells::shared_cells(&zs.zones[a].cells, &zs.zones[b].cells),
                            0
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn cell_zone_seeds_and_degenerate_inputs() {
    let params = CellZoneParams::for_radius(250.0).unwrap();
    assert_eq!(
        (params.cell_m(), params.max_cells(), params.reach()),
        (125.0, 13, 2)
    );
    assert!(CellZoneParams::new(0.0, 3).is_err());
    assert!(CellZoneParams::new(100.0, 0).is_err());
    let z = CellZones::build(&[], &[], &[], &params, &[], true).unwrap();
    assert!(z.zones.is_empty());
    // Seeds: a school in an empty cell is kept (first) and a second seed in the same cell is dropped.
    let x = vec![10.0, 10.0, 600.0];
    let y = vec![10.0, 10.0, 10.0];
    let w = vec![1.0, 1.0, 2.0];
    let seeds = [
        Candidate {
            pos: [200.0, 150.0],
            source: CandidateSource::School,
        },
        Candidate {
            pos: [210.0, 160.0],
            source: CandidateSource::Peak,
        },
    ];
    let z = CellZones::build(&x, &y, &w, &params, &seeds, true).unwrap();
    assert_eq!(z.zones.len(), 3);
    assert_eq!(z.zones[0].source, CandidateSource::School);
    assert!(
        z.zones[1..]
            .iter()
            .all(|z| z.source == CandidateSource::Grid)
    );
    // Without grid seeds only the school's zone: from its empty cell it grows through the nearest empty
    // cell (south) to the diagonal neighbour holding the two incidents at (10, 10); the one at 600 is
    // three columns away, outside the 5 x 5 block.
    let z = CellZones::build(&x, &y, &w, &params, &seeds, false).unwrap();
    assert_eq!(z.zones.len(), 1);
    let p = CoverProblem::from_cells(&x, &y, &w, z, 0.0).unwrap();
    assert_eq!(p.greedy(2, &[0]).unwrap().covered_weight, 2.0);
}

/// A seeded town: four places driving patrollable harm (assaults and criminal damage around a square, a
/// station, a pub street and a school yard), an elderly home with many telephone frauds (more harm than
/// any of the four), and thin background theft. Patrol zones weigh only patrollable incidents by default.
#[test]
fn no_patrol_zone_sits_on_a_phone_fraud_cluster() {
    use crate::categories::CategoryTable;
    use crate::crs::Crs;
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    let places = [
        [600.0, 600.0],
        [1500.0, 2400.0],
        [2400.0, 1500.0],
        [700.0, 2300.0],
    ];
    let home = [2500.0, 500.0];
    let mut rows: Vec<(f64, f64, &str)> = Vec::new();
    let near = |c: [f64; 2], spread: f64, rng: &mut rand_chacha::ChaCha8Rng| {
        let a = rng.random_range(0.0..std::f64::consts::TAU);
        let d = rng.random_range(0.0..spread);
        (c[0] + d * a.cos(), c[1] + d * a.sin())
    };
    for p in places {
        for k in 0..150 {
            let (x, y) = near(p, 60.0, &mut rng);
            rows.push((
                x,
                y,
                if k % 2 == 0 {
                    "Misshandel"
                } else {
                    "Skadegörelse"
                },
            ));
        }
    }
    for k in 0..410 {
        let (x, y) = near(home, 20.0, &mut rng);
        rows.push((
            x,
            y,
            if k < 400 {
                "Telefonbedrägeri"
            } else {
                "Bedrägeri, grovt"
            },
        ));
    }
    for _ in 0..800 {
        rows.push((
            rng.random_range(0.0..3000.0),
            rng.random_range(0.0..3000.0),
            "Stöld",
        ));
    }
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, (x, y, c)) in rows.iter().enumerate() {
        b.push(IncidentRecord {
            x: *x,
            y: *y,
            weight: 1.0,
            category: c,
            time: None,
            id: k.to_string(),
            lonlat: None,
        })
        .unwrap();
    }
    let inc = b.build();
    let cls = CategoryTable::default_table().classify(&inc);
    let params = PatrolParams::new(4, 250.0, 0.0).unwrap();
    let choose = |filter: PatrollableFilter| {
        let (w, summary) = filter.weights(cls.harms(), cls.patrollable()).unwrap();
        let centres: Vec<[f64; 2]> = (0..inc.len())
            .filter(|&i| w[i] > 0.0)
            .map(|i| inc.position(i))
            .collect();
        let p = CoverProblem::new(inc.x(), inc.y(), &w, &centres, &params).unwrap();
        let s = p.greedy(4, &[]).unwrap();
        let chosen: Vec<[f64; 2]> = s.chosen.iter().map(|&c| p.centre(c)).collect();
        (chosen, summary)
    };
    let dist = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let (zones, summary) = choose(PatrollableFilter::default());
    assert_eq!(summary.excluded_incidents, 410);
    assert!((summary.excluded_harm - (400.0 * 5.0 + 10.0 * 10.0)).abs() < 1e-9);
    for z in &zones {
        assert!(
            dist(*z, home) > 250.0,
            "a zone covers the elderly home: {z:?}"
        );
    }
    let on_places = zones
        .iter()
        .filter(|z| places.iter().any(|p| dist(**z, *p) < 150.0))
        .count();
    assert!(on_places >= 3, "{zones:?}");
    // Weighing every incident sends a zone to the fraud cluster: the filter is what keeps it away.
    let (all, summary) = choose(PatrollableFilter::from_include_all(true));
    assert_eq!(summary.excluded_incidents, 0);
    assert!(all.iter().any(|z| dist(*z, home) <= 250.0), "{all:?}");
}

#[test]
fn cell_zone_params_for_circle_defaults_by_hand() {
    use crate::patrol::CellZoneParams;
    // r = 250: cells of 125 m, round(pi 250² / 125²) = round(12.57) = 13.
    let p = CellZoneParams::for_circle(250.0, None, None).unwrap();
    assert_eq!((p.cell_m(), p.max_cells()), (125.0, 13));
    // Cells of 25 m: pi 250² / 25² = 314.2, kept at 100.
    let p = CellZoneParams::for_circle(250.0, Some(25.0), None).unwrap();
    assert_eq!(p.max_cells(), 100);
    // r = 10 with 100 m cells: 0.03 rounds to 0, kept at 1.
    let p = CellZoneParams::for_circle(10.0, Some(100.0), None).unwrap();
    assert_eq!(p.max_cells(), 1);
    // Given counts are used as given, and checked.
    let p = CellZoneParams::for_circle(250.0, None, Some(7)).unwrap();
    assert_eq!(p.max_cells(), 7);
    assert!(CellZoneParams::for_circle(250.0, None, Some(0)).is_err());
    assert!(CellZoneParams::for_circle(250.0, Some(-1.0), None).is_err());
}
