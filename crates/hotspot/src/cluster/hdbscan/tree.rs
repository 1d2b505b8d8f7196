//! From the spanning tree to flat clusters: single-linkage hierarchy (merging equal
//! heights at once), condensed tree, stabilities, `eom`/`leaf` selection with
//! `cluster_selection_epsilon`, labels, membership probabilities and GLOSH scores.
//!
//! The steps follow Campello, Moulavi & Sander (2013) and McInnes & Healy
//! (2017) as implemented in scikit-learn's `sklearn/cluster/_hdbscan/_tree.pyx`,
//! with one deliberate difference on ties: edges of equal weight merge their
//! components in a single n-ary node, so the hierarchy (and hence the result)
//! does not depend on the order in which tied edges are processed or on which
//! of several equal-weight spanning trees was found. On data without equal
//! mutual-reachability distances the n-ary hierarchy is binary and the result
//! equals scikit-learn's.

#![allow(clippy::needless_range_loop)] // parallel arrays indexed together

use super::mst::Edge;

/// How HDBSCAN picks flat clusters from the condensed tree (scikit-learn's
/// `cluster_selection_method`). Formerly `Selection`, still reachable under that name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClusterSelection {
    /// Excess of mass (default): the most stable non-overlapping clusters.
    #[default]
    Eom,
    /// The leaves of the condensed tree: finer, more homogeneous clusters.
    Leaf,
}

/// An n-ary single-linkage hierarchy: points `0..n`, internal nodes `n..`.
struct Hierarchy {
    n: usize,
    child_start: Vec<u32>,
    children: Vec<u32>,
    lambda: Vec<f64>,
    size: Vec<u32>,
}

impl Hierarchy {
    fn kids(&self, v: usize) -> &[u32] {
        let k = v - self.n;
        &self.children[self.child_start[k] as usize..self.child_start[k + 1] as usize]
    }
    fn size_of(&self, v: usize) -> u32 {
        if v < self.n { 1 } else { self.size[v - self.n] }
    }
    fn root(&self) -> Option<usize> {
        (!self.size.is_empty()).then(|| self.n + self.size.len() - 1)
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

fn single_linkage(n: usize, mut edges: Vec<Edge>) -> Hierarchy {
    edges.sort_unstable_by(|p, q| p.w.total_cmp(&q.w).then((p.a, p.b).cmp(&(q.a, q.b))));
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut node_of_root: Vec<u32> = (0..n as u32).collect();
    let mut h = Hierarchy {
        n,
        child_start: vec![0],
        children: Vec::new(),
        lambda: Vec::new(),
        size: Vec::new(),
    };
    let mut i = 0;
    let mut pre: Vec<(u32, u32)> = Vec::new();
    let mut groups: Vec<(u32, u32)> = Vec::new();
    while i < edges.len() {
        let w = edges[i].w;
        let mut j = i;
        while j < edges.len() && edges[j].w == w {
            j += 1;
        }
        pre.clear();
        for e in &edges[i..j] {
            for v in [e.a, e.b] {
                let r = find(&mut parent, v);
                pre.push((r, node_of_root[r as usize]));
            }
        }
        for e in &edges[i..j] {
            let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
        groups.clear();
        for &(r, node) in &pre {
            groups.push((find(&mut parent, r), node));
        }
        groups.sort_unstable();
        groups.dedup();
        let lam = if w > 0.0 { 1.0 / w } else { f64::INFINITY };
        let mut g = 0;
        while g < groups.len() {
            let root = groups[g].0;
            let mut size = 0;
            while g < groups.len() && groups[g].0 == root {
                h.children.push(groups[g].1);
                size += h.size_of(groups[g].1 as usize);
                g += 1;
            }
            h.child_start.push(h.children.len() as u32);
            h.lambda.push(lam);
            h.size.push(size);
            node_of_root[root as usize] = (n + h.size.len() - 1) as u32;
        }
        i = j;
    }
    h
}

/// One row of the condensed tree (scikit-learn's layout): `child < n` is a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Row {
    pub(crate) parent: u32,
    pub(crate) child: u32,
    pub(crate) lambda: f64,
    pub(crate) size: u32,
}

fn condense(h: &Hierarchy, min_cluster_size: usize) -> Vec<Row> {
    let n = h.n;
    let mut rows = Vec::with_capacity(n + 16);
    let Some(root) = h.root() else {
        return rows;
    };
    let mut next_label = n as u32 + 1;
    let mut stack: Vec<(usize, u32)> = vec![(root, n as u32)];
    let mut dfs: Vec<u32> = Vec::new();
    let mcs = min_cluster_size as u32;
    while let Some((v, label)) = stack.pop() {
        let lam = h.lambda[v - n];
        let kids = h.kids(v);
        let n_big = kids
            .iter()
            .filter(|&&k| h.size_of(k as usize) >= mcs)
            .count();
        for &k in kids {
            let k = k as usize;
            let sz = h.size_of(k);
            if sz >= mcs {
                if n_big >= 2 {
                    rows.push(Row {
                        parent: label,
                        child: next_label,
                        lambda: lam,
                        size: sz,
                    });
                    stack.push((k, next_label));
                    next_label += 1;
                } else {
                    stack.push((k, label));
                }
            } else {
                dfs.clear();
                dfs.push(k as u32);
                while let Some(u) = dfs.pop() {
                    if (u as usize) < n {
                        rows.push(Row {
                            parent: label,
                            child: u,
                            lambda: lam,
                            size: 1,
                        });
                    } else {
                        dfs.extend_from_slice(h.kids(u as usize));
                    }
                }
            }
        }
    }
    rows
}

/// Flat clustering from the condensed tree.
pub(crate) struct Flat {
    /// Per point: selected cluster id (condensed numbering) or `u32::MAX`.
    pub(crate) cluster: Vec<u32>,
    pub(crate) probability: Vec<f64>,
    pub(crate) outlier: Vec<f64>,
    /// Stability per condensed cluster id minus `n`.
    pub(crate) stability: Vec<f64>,
}

/// Runs everything after the spanning tree.
pub(crate) fn flat_clusters(
    n: usize,
    edges: Vec<Edge>,
    min_cluster_size: usize,
    selection: ClusterSelection,
    epsilon: f64,
    allow_single: bool,
) -> Flat {
    let h = single_linkage(n, edges);
    let rows = condense(&h, min_cluster_size);
    drop(h);
    select(n, &rows, selection, epsilon, allow_single)
}

fn select(
    n: usize,
    rows: &[Row],
    selection: ClusterSelection,
    epsilon: f64,
    allow_single: bool,
) -> Flat {
    let mut flat = Flat {
        cluster: vec![u32::MAX; n],
        probability: vec![0.0; n],
        outlier: vec![0.0; n],
        stability: Vec::new(),
    };
    if rows.is_empty() {
        return flat;
    }
    let root = n;
    let n_clusters = rows.iter().map(|r| r.parent as usize).max().unwrap_or(root) - root + 1;
    let ci = |c: u32| c as usize - root;
    // Births, parent links, point rows.
    let mut birth = vec![0.0f64; n_clusters];
    let mut cparent = vec![u32::MAX; n_clusters];
    let mut kids: Vec<Vec<u32>> = vec![Vec::new(); n_clusters];
    let mut point_row = vec![usize::MAX; n];
    let mut death_direct = vec![0.0f64; n_clusters];
    for (k, r) in rows.iter().enumerate() {
        if (r.child as usize) < n {
            point_row[r.child as usize] = k;
        } else {
            birth[ci(r.child)] = r.lambda;
            cparent[ci(r.child)] = r.parent;
            kids[ci(r.parent)].push(r.child);
        }
        let d = &mut death_direct[ci(r.parent)];
        *d = d.max(r.lambda);
    }
    let mut stab = vec![0.0f64; n_clusters];
    for r in rows {
        let b = birth[ci(r.parent)];
        // λ = birth = ∞ (duplicates) contributes nothing instead of NaN.
        if r.lambda != b {
            stab[ci(r.parent)] += (r.lambda - b) * r.size as f64;
        }
    }
    flat.stability = stab.clone();
    let descendants = |c: u32, out: &mut Vec<u32>| {
        out.clear();
        let mut st = vec![c];
        while let Some(u) = st.pop() {
            for &k in &kids[ci(u)] {
                out.push(k);
                st.push(k);
            }
        }
    };
    let mut node_list: Vec<u32> = (root as u32..(root + n_clusters) as u32).rev().collect();
    if !allow_single {
        node_list.pop();
    }
    let mut is_cluster = vec![false; n_clusters];
    for &c in &node_list {
        is_cluster[ci(c)] = true;
    }
    let mut buf = Vec::new();
    let eps_of = |c: u32| 1.0 / birth[ci(c)];
    let traverse_upwards = |mut leaf: u32| -> u32 {
        loop {
            let parent = cparent[ci(leaf)];
            if parent as usize == root {
                return if allow_single { parent } else { leaf };
            }
            if eps_of(parent) > epsilon {
                return parent;
            }
            leaf = parent;
        }
    };
    let epsilon_search = |leaves: &[u32]| -> Vec<u32> {
        let mut selected = Vec::new();
        let mut processed: Vec<u32> = Vec::new();
        let mut buf = Vec::new();
        for &leaf in leaves {
            if eps_of(leaf) < epsilon {
                if !processed.contains(&leaf) {
                    let ec = traverse_upwards(leaf);
                    selected.push(ec);
                    descendants(ec, &mut buf);
                    processed.extend_from_slice(&buf);
                }
            } else {
                selected.push(leaf);
            }
        }
        selected
    };
    let has_cluster_rows = n_clusters > 1;
    match selection {
        ClusterSelection::Eom => {
            for &c in &node_list {
                let sub: f64 = kids[ci(c)].iter().map(|&k| stab[ci(k)]).sum();
                if sub > stab[ci(c)] {
                    is_cluster[ci(c)] = false;
                    stab[ci(c)] = sub;
                } else {
                    descendants(c, &mut buf);
                    for &d in &buf {
                        is_cluster[ci(d)] = false;
                    }
                }
            }
            if epsilon != 0.0 && has_cluster_rows {
                let eom: Vec<u32> = (0..n_clusters)
                    .filter(|&k| is_cluster[k])
                    .map(|k| (k + root) as u32)
                    .collect();
                let selected = if eom.len() == 1 && eom[0] as usize == root {
                    if allow_single { eom } else { Vec::new() }
                } else {
                    epsilon_search(&eom)
                };
                for &c in &node_list {
                    is_cluster[ci(c)] = selected.contains(&c);
                }
            }
        }
        ClusterSelection::Leaf => {
            let leaves: Vec<u32> = if has_cluster_rows {
                (0..n_clusters)
                    .filter(|&k| kids[k].is_empty())
                    .map(|k| (k + root) as u32)
                    .collect()
            } else {
                Vec::new()
            };
            let selected = if epsilon != 0.0 {
                epsilon_search(&leaves)
            } else {
                leaves
            };
            is_cluster.iter_mut().for_each(|v| *v = false);
            for &c in &node_list {
                is_cluster[ci(c)] = selected.contains(&c);
            }
        }
    }
    let n_selected = is_cluster.iter().filter(|&&v| v).count();
    // Top selected ancestor-or-self of each condensed cluster (u32::MAX when none).
    let mut top = vec![u32::MAX; n_clusters];
    for k in 0..n_clusters {
        let up = if k == 0 {
            u32::MAX
        } else {
            top[ci(cparent[k])]
        };
        top[k] = if up != u32::MAX {
            up
        } else if is_cluster[k] {
            (k + root) as u32
        } else {
            u32::MAX
        };
    }
    let root_max_lambda = death_direct[0];
    // GLOSH: deepest λ in each subtree.
    let mut death_sub = death_direct.clone();
    for k in (1..n_clusters).rev() {
        let p = ci(cparent[k]);
        death_sub[p] = death_sub[p].max(death_sub[k]);
    }
    for p in 0..n {
        let Some(r) = rows.get(point_row[p]) else {
            continue;
        };
        let lp = r.lambda;
        let lmax = death_sub[ci(r.parent)];
        flat.outlier[p] = if lmax == 0.0 || !lp.is_finite() {
            0.0
        } else if !lmax.is_finite() {
            1.0
        } else {
            (lmax - lp) / lmax
        };
        let t = top[ci(r.parent)];
        let label = if t != u32::MAX && t as usize != root {
            t
        } else if t as usize == root && n_selected == 1 && allow_single {
            let keep = if epsilon != 0.0 {
                lp >= 1.0 / epsilon
            } else {
                lp >= root_max_lambda
            };
            if keep { t } else { u32::MAX }
        } else {
            u32::MAX
        };
        flat.cluster[p] = label;
        if label != u32::MAX {
            let max_l = death_direct[ci(label)];
            flat.probability[p] = if max_l == 0.0 || lp.is_infinite() {
                1.0
            } else {
                lp.min(max_l) / max_l
            };
        }
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(a: u32, b: u32, w: f64) -> Edge {
        Edge { a, b, w }
    }

    #[test]
    fn ties_merge_in_one_node() {
        // Three points joined by two equal edges form one ternary node.
        let h = single_linkage(3, vec![e(0, 1, 1.0), e(1, 2, 1.0)]);
        assert_eq!(h.size, vec![3]);
        assert_eq!(h.kids(3), &[0, 1, 2]);
        let h = single_linkage(4, vec![e(0, 1, 1.0), e(2, 3, 1.0), e(1, 2, 2.0)]);
        assert_eq!(h.size, vec![2, 2, 4]);
        assert_eq!(h.kids(6), &[4, 5]);
    }
}
