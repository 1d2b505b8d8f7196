//! A closed patrol route from a start point (e.g. the police station) through the zone centres:
//! nearest-neighbour construction, then 2-opt improvement (Croes 1958; Lin 1965), Euclidean metres.
//!
//! 2-opt reverses a segment of the tour whenever that shortens it, until no reversal does; the result is
//! 2-optimal (no two edges can be exchanged for a gain), which for points in convex position is the optimal
//! tour. Complexity O(n²) per pass; zones are few (k ≤ a few dozen), so this is instant.

/// A closed route: start → `order[0]` → … → `order[n-1]` → start.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Visiting order (indices into the points given).
    pub order: Vec<usize>,
    /// Length of the closed tour in metres.
    pub length_m: f64,
    /// Length of the nearest-neighbour tour before 2-opt, metres.
    pub nearest_neighbour_m: f64,
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Length of the closed tour start → points in `order` → start.
pub fn tour_length(start: [f64; 2], points: &[[f64; 2]], order: &[usize]) -> f64 {
    let mut prev = start;
    let mut len = 0.0;
    for &i in order {
        len += dist(prev, points[i]);
        prev = points[i];
    }
    len + dist(prev, start)
}

/// The route through `points` from and back to `start`: nearest neighbour (ties to the lower index), then
/// 2-opt with the start fixed. Empty `points` give an empty route of length 0.
pub fn plan_route(start: [f64; 2], points: &[[f64; 2]]) -> Route {
    let n = points.len();
    let mut left: Vec<usize> = (0..n).collect();
    let mut order = Vec::with_capacity(n);
    let mut at = start;
    while !left.is_empty() {
        let mut best = 0;
        for j in 1..left.len() {
            if dist(at, points[left[j]]) < dist(at, points[left[best]]) {
                best = j;
            }
        }
        let next = left.remove(best);
        order.push(next);
        at = points[next];
    }
    let nearest_neighbour_m = tour_length(start, points, &order);
    // 2-opt on the cycle [start, order..]: position 0 is the start and stays fixed.
    let pos = |t: &[usize], k: usize| {
        if k == 0 || k > t.len() {
            start
        } else {
            points[t[k - 1]]
        }
    };
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..n {
            for j in (i + 1)..n {
                // Edges (i, i+1) and (j+1, j+2) in cycle positions; reverse positions i+1..=j+1.
                let a = pos(&order, i);
                let b = pos(&order, i + 1);
                let c = pos(&order, j + 1);
                let d = pos(&order, j + 2);
                let delta = dist(a, c) + dist(b, d) - dist(a, b) - dist(c, d);
                if delta < -1e-9 {
                    order[i..=j].reverse();
                    improved = true;
                }
            }
        }
    }
    Route {
        length_m: tour_length(start, points, &order),
        order,
        nearest_neighbour_m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn brute(start: [f64; 2], pts: &[[f64; 2]]) -> f64 {
        fn rec(
            start: [f64; 2],
            pts: &[[f64; 2]],
            cur: &mut Vec<usize>,
            used: &mut [bool],
            best: &mut f64,
        ) {
            if cur.len() == pts.len() {
                *best = best.min(tour_length(start, pts, cur));
                return;
            }
            for i in 0..pts.len() {
                if !used[i] {
                    used[i] = true;
                    cur.push(i);
                    rec(start, pts, cur, used, best);
                    cur.pop();
                    used[i] = false;
                }
            }
        }
        let mut best = f64::INFINITY;
        rec(
            start,
            pts,
            &mut Vec::new(),
            &mut vec![false; pts.len()],
            &mut best,
        );
        best
    }

    #[test]
    fn two_opt_improves_nearest_neighbour_to_the_optimum() {
        // Nearest neighbour from the origin: (0,400) → (200,500) → (300,400) → (0,700) → (100,900) → back,
        // 2318.4 m with a crossing; the optimum (brute force) is 1977.3 m.
        let start = [0.0, 0.0];
        let pts = [
            [0.0, 700.0],
            [0.0, 400.0],
            [300.0, 400.0],
            [100.0, 900.0],
            [200.0, 500.0],
        ];
        let r = plan_route(start, &pts);
        assert!((r.nearest_neighbour_m - 2318.4375).abs() < 1e-3, "{r:?}");
        let opt = brute(start, &pts);
        assert!((opt - 1977.3387).abs() < 1e-3);
        assert!((r.length_m - opt).abs() < 1e-9, "{r:?}");
        let mut o = r.order.clone();
        o.sort();
        assert_eq!(o, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn two_opt_is_optimal_for_points_in_convex_position() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..20 {
            let n = rng.random_range(3..8usize);
            let mut angles: Vec<f64> = (0..=n)
                .map(|_| rng.random_range(0.0..std::f64::consts::TAU))
                .collect();
            angles.dedup();
            let pts: Vec<[f64; 2]> = angles
                .iter()
                .map(|a| [1000.0 * a.cos(), 1000.0 * a.sin()])
                .collect();
            let (start, rest) = (pts[0], &pts[1..]);
            let r = plan_route(start, rest);
            assert!((r.length_m - brute(start, rest)).abs() < 1e-6, "{r:?}");
        }
    }

    #[test]
    fn degenerate_routes() {
        let r = plan_route([5.0, 5.0], &[]);
        assert_eq!((r.order.len(), r.length_m), (0, 0.0));
        let r = plan_route([0.0, 0.0], &[[3.0, 4.0]]);
        assert_eq!((r.order.clone(), r.length_m), (vec![0], 10.0));
        let r = plan_route([0.0, 0.0], &[[3.0, 4.0], [3.0, 4.0]]);
        assert_eq!(r.length_m, 10.0);
    }
}
