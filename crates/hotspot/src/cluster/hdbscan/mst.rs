//! Core distances and the mutual-reachability minimum spanning tree: a 2-d KD-tree,
//! parallel k-nearest-neighbour queries, and Borůvka's algorithm with component-aware pruning.
//!
//! Borůvka (1926) adds, in each round, the lightest edge leaving every
//! component; on a KD-tree each point searches its nearest point of another
//! component under the mutual-reachability distance
//! `mrd(p, q) = max(core(p), core(q), d(p, q))` (Campello et al. 2013),
//! skipping nodes whose points all lie in its own component and nodes whose
//! lower bound `max(core(p), min core in node, d(p, box))` exceeds the best
//! edge known for the component (the pruning of March, Ram & Gray 2010 and of
//! McInnes & Healy 2017, applied point by point). No distance matrix is built.
//!
//! Edges are totally ordered by `(weight, min index, max index)` with original
//! incident indices, which makes the tree deterministic whatever the thread
//! count and guarantees Borůvka never forms a cycle on ties.
//!
//! Complexity: building `O(n log n)`; core distances `O(n k log n)` in
//! practice; `O(log n)` Borůvka rounds of `n` pruned searches.
//! Memory: `O(n)` (about 80 bytes per point).

#![allow(clippy::needless_range_loop)] // parallel arrays indexed together

use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

const LEAF: usize = 24;

#[derive(Clone, Copy, Debug)]
struct Node {
    bbox: [f64; 4],
    start: u32,
    end: u32,
    /// Index of the second child; the first child is the next node. 0 for leaves.
    right: u32,
}

/// A 2-d KD-tree with points stored in tree order.
pub(crate) struct KdTree {
    nodes: Vec<Node>,
    /// Coordinates in tree order.
    px: Vec<f64>,
    py: Vec<f64>,
    /// Original index of each tree position.
    pub(crate) idx: Vec<u32>,
    /// Tree position of each original index.
    inv: Vec<u32>,
}

fn box_d2(b: &[f64; 4], x: f64, y: f64) -> f64 {
    let dx = (b[0] - x).max(0.0).max(x - b[2]);
    let dy = (b[1] - y).max(0.0).max(y - b[3]);
    dx * dx + dy * dy
}

impl KdTree {
    pub(crate) fn new(x: &[f64], y: &[f64]) -> Self {
        let n = x.len();
        let mut items: Vec<(f64, f64, u32)> = (0..n).map(|i| (x[i], y[i], i as u32)).collect();
        let mut nodes = Vec::with_capacity(2 * n / LEAF + 2);
        build(&mut items, 0, &mut nodes);
        let mut inv = vec![0u32; n];
        for (p, t) in items.iter().enumerate() {
            inv[t.2 as usize] = p as u32;
        }
        KdTree {
            nodes,
            px: items.iter().map(|t| t.0).collect(),
            py: items.iter().map(|t| t.1).collect(),
            idx: items.iter().map(|t| t.2).collect(),
            inv,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.px.len()
    }

    /// Distance to the `k`-th nearest point (itself included) of every tree position.
    pub(crate) fn kth_distances(&self, k: usize) -> Vec<f64> {
        (0..self.len())
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(k + 1),
                |heap: &mut Vec<f64>, p| {
                    heap.clear();
                    self.knn_d2(self.px[p], self.py[p], k, heap);
                    heap.last().copied().unwrap_or(f64::INFINITY).sqrt()
                },
            )
            .collect()
    }

    /// Fills `best` with the `k` smallest squared distances from `(x, y)`, ascending.
    fn knn_d2(&self, x: f64, y: f64, k: usize, best: &mut Vec<f64>) {
        let mut stack: Vec<(u32, f64)> = vec![(0, 0.0)];
        while let Some((ni, lb)) = stack.pop() {
            // `>=`: a node no nearer than the current k-th cannot improve it. (With
            // `>` an address holding thousands of incidents at one spot would be
            // scanned in full by each of them: quadratic.)
            if best.len() == k && lb >= best[k - 1] {
                continue;
            }
            let nd = &self.nodes[ni as usize];
            if nd.right == 0 {
                for t in nd.start as usize..nd.end as usize {
                    let dx = self.px[t] - x;
                    let dy = self.py[t] - y;
                    let d2 = dx * dx + dy * dy;
                    if best.len() < k {
                        let pos = best.partition_point(|&v| v <= d2);
                        best.insert(pos, d2);
                    } else if d2 < best[k - 1] {
                        best.pop();
                        let pos = best.partition_point(|&v| v <= d2);
                        best.insert(pos, d2);
                    }
                }
            } else {
                let a = ni + 1;
                let b = nd.right;
                let da = box_d2(&self.nodes[a as usize].bbox, x, y);
                let db = box_d2(&self.nodes[b as usize].bbox, x, y);
                if da <= db {
                    stack.push((b, db));
                    stack.push((a, da));
                } else {
                    stack.push((a, da));
                    stack.push((b, db));
                }
            }
        }
    }
}

fn build(items: &mut [(f64, f64, u32)], offset: usize, nodes: &mut Vec<Node>) -> usize {
    let mut bbox = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for t in items.iter() {
        bbox[0] = bbox[0].min(t.0);
        bbox[1] = bbox[1].min(t.1);
        bbox[2] = bbox[2].max(t.0);
        bbox[3] = bbox[3].max(t.1);
    }
    let me = nodes.len();
    nodes.push(Node {
        bbox,
        start: offset as u32,
        end: (offset + items.len()) as u32,
        right: 0,
    });
    if items.len() <= LEAF {
        return me;
    }
    let mid = items.len() / 2;
    if bbox[2] - bbox[0] >= bbox[3] - bbox[1] {
        items.select_nth_unstable_by(mid, |a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    } else {
        items.select_nth_unstable_by(mid, |a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
    }
    let (l, r) = items.split_at_mut(mid);
    build(l, offset, nodes);
    let right = build(r, offset + mid, nodes);
    nodes[me].right = right as u32;
    me
}

/// One edge of the spanning tree between original indices `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Edge {
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) w: f64,
}

fn key(w: f64, a: u32, b: u32) -> (f64, u32, u32) {
    if a < b { (w, a, b) } else { (w, b, a) }
}

fn less(x: (f64, u32, u32), y: (f64, u32, u32)) -> bool {
    x.0 < y.0 || (x.0 == y.0 && (x.1, x.2) < (y.1, y.2))
}

/// Mutual-reachability MST over the tree's points; `core` is in tree order.
/// Returns `n - 1` edges (original indices), unsorted.
pub(crate) fn boruvka_mst(tree: &KdTree, core: &[f64]) -> Vec<Edge> {
    let n = tree.len();
    let mut edges = Vec::with_capacity(n.saturating_sub(1));
    if n < 2 {
        return edges;
    }
    let nn = tree.nodes.len();
    // Per node: smallest core distance inside.
    let mut node_min_core = vec![f64::INFINITY; nn];
    for ni in (0..nn).rev() {
        let nd = tree.nodes[ni];
        node_min_core[ni] = if nd.right == 0 {
            core[nd.start as usize..nd.end as usize]
                .iter()
                .fold(f64::INFINITY, |a, &b| a.min(b))
        } else {
            node_min_core[ni + 1].min(node_min_core[nd.right as usize])
        };
    }
    // Union-find over tree positions; comp[p] = root.
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let p = parent[x as usize];
            parent[x as usize] = parent[p as usize];
            x = p;
        }
        x
    }
    let mut comp: Vec<u32> = (0..n as u32).collect();
    let mut node_comp = vec![u32::MAX; nn];
    let bound: Vec<AtomicU64> = (0..n)
        .map(|_| AtomicU64::new(f64::INFINITY.to_bits()))
        .collect();
    let mut n_comp = n;
    // Incidents at exactly the same position share their core distance `c`, and
    // `mrd` between them is `c`, no more than to any other point: join each to the
    // lowest-numbered incident at its position with weight `c` before Borůvka
    // starts. Its searches then skip such groups as one component instead of
    // comparing thousands of equal, tied candidates (address points).
    {
        let mut by_pos: Vec<u32> = (0..n as u32).collect();
        by_pos.par_sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            tree.px[a]
                .total_cmp(&tree.px[b])
                .then(tree.py[a].total_cmp(&tree.py[b]))
                .then(tree.idx[a].cmp(&tree.idx[b]))
        });
        let mut g = 0;
        while g < n {
            let first = by_pos[g] as usize;
            let mut h = g + 1;
            while h < n
                && tree.px[by_pos[h] as usize] == tree.px[first]
                && tree.py[by_pos[h] as usize] == tree.py[first]
            {
                let q = by_pos[h];
                parent[q as usize] = first as u32;
                edges.push(Edge {
                    a: tree.idx[first],
                    b: tree.idx[q as usize],
                    w: core[first].max(core[q as usize]),
                });
                n_comp -= 1;
                h += 1;
            }
            g = h;
        }
        for p in 0..n {
            comp[p] = find(&mut parent, p as u32);
        }
    }
    while n_comp > 1 {
        // Components per node.
        for ni in (0..nn).rev() {
            let nd = tree.nodes[ni];
            node_comp[ni] = if nd.right == 0 {
                let c = comp[nd.start as usize];
                if comp[nd.start as usize..nd.end as usize]
                    .iter()
                    .all(|&d| d == c)
                {
                    c
                } else {
                    u32::MAX
                }
            } else {
                let (a, b) = (node_comp[ni + 1], node_comp[nd.right as usize]);
                if a == b { a } else { u32::MAX }
            };
        }
        bound
            .par_iter()
            .for_each(|b| b.store(f64::INFINITY.to_bits(), Ordering::Relaxed));
        // Each point's lightest edge to another component.
        let best: Vec<Option<(f64, u32, u32)>> = (0..n)
            .into_par_iter()
            .map_init(Vec::new, |stack, p| {
                search(
                    tree,
                    core,
                    &comp,
                    &node_comp,
                    &node_min_core,
                    &bound,
                    p,
                    stack,
                )
            })
            .collect();
        // Lightest per component, in a fixed order.
        let mut comp_best: Vec<Option<(f64, u32, u32)>> = vec![None; n];
        for (p, b) in best.into_iter().enumerate() {
            if let Some(k) = b {
                let c = comp[p] as usize;
                if comp_best[c].is_none_or(|cur| less(k, cur)) {
                    comp_best[c] = Some(k);
                }
            }
        }
        // Tree positions of original indices are needed for the union-find.
        let mut added = 0;
        for k in comp_best.into_iter().flatten() {
            let (pa, pb) = (tree_pos(tree, k.1), tree_pos(tree, k.2));
            let (ra, rb) = (find(&mut parent, pa), find(&mut parent, pb));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
                edges.push(Edge {
                    a: k.1,
                    b: k.2,
                    w: k.0,
                });
                added += 1;
            }
        }
        if added == 0 {
            break; // cannot happen for finite data; avoids an endless loop
        }
        n_comp -= added;
        for p in 0..n {
            comp[p] = find(&mut parent, p as u32);
        }
    }
    edges
}

fn tree_pos(tree: &KdTree, i: u32) -> u32 {
    tree.inv[i as usize]
}

#[allow(clippy::too_many_arguments)]
fn search(
    tree: &KdTree,
    core: &[f64],
    comp: &[u32],
    node_comp: &[u32],
    node_min_core: &[f64],
    bound: &[AtomicU64],
    p: usize,
    stack: &mut Vec<(u32, f64)>,
) -> Option<(f64, u32, u32)> {
    let c = comp[p];
    let cb = &bound[c as usize];
    let (x, y, cp) = (tree.px[p], tree.py[p], core[p]);
    let pi = tree.idx[p];
    if cp > f64::from_bits(cb.load(Ordering::Relaxed)) {
        return None;
    }
    let mut best: Option<(f64, u32, u32)> = None;
    let limit = |best: &Option<(f64, u32, u32)>| {
        let b = f64::from_bits(cb.load(Ordering::Relaxed));
        best.map_or(b, |k| k.0.min(b))
    };
    stack.clear();
    stack.push((0, cp.max(node_min_core[0])));
    while let Some((ni, lb)) = stack.pop() {
        if lb > limit(&best) || node_comp[ni as usize] == c {
            continue;
        }
        let nd = tree.nodes[ni as usize];
        if nd.right == 0 {
            for q in nd.start as usize..nd.end as usize {
                if comp[q] == c {
                    continue;
                }
                let dx = tree.px[q] - x;
                let dy = tree.py[q] - y;
                let w = (dx * dx + dy * dy).sqrt().max(cp).max(core[q]);
                let k = key(w, pi, tree.idx[q]);
                if best.is_none_or(|b| less(k, b)) {
                    best = Some(k);
                }
            }
            if let Some(k) = best {
                cb.fetch_min(k.0.to_bits(), Ordering::Relaxed);
            }
        } else {
            let a = ni + 1;
            let b = nd.right;
            let la = box_d2(&tree.nodes[a as usize].bbox, x, y)
                .sqrt()
                .max(cp)
                .max(node_min_core[a as usize]);
            let lbb = box_d2(&tree.nodes[b as usize].bbox, x, y)
                .sqrt()
                .max(cp)
                .max(node_min_core[b as usize]);
            if la <= lbb {
                stack.push((b, lbb));
                stack.push((a, la));
            } else {
                stack.push((a, la));
                stack.push((b, lbb));
            }
        }
    }
    best
}
