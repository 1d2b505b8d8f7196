//! Exact counts of labelled points inside many discs: a uniform grid with per-row prefix sums.
//!
//! [`DiscCounter`] answers "how many points of each label lie within `radius` of `(x, y)`" without
//! visiting every point inside the disc. Points are binned into square cells of side `s`; for a query,
//! each grid row splits into cells that lie wholly inside the disc (summed in `O(labels)` from the row's
//! prefix sums) and cells that cross its edge (their points are tested one by one). A query therefore
//! costs `O(rows · labels + points in edge cells)` instead of `O(points in the disc)`: for the school
//! placebo zones of a 1M-incident town (20,000 discs of 600 m in the centre) about a tenth of the work.
//!
//! The counts are exact and equal to testing every point with the same predicate as
//! [`super::SpatialIndex::for_each_within`]: `(px − x)² + (py − y)² ≤ radius²`, in that floating-point
//! form. Cells are taken as wholly inside only with a safety margin far larger than the rounding error
//! of that expression, so a point near the edge is always tested explicitly.

/// Per-label point counts inside discs, see the module documentation.
#[derive(Debug, Clone)]
pub struct DiscCounter {
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Labels per point (`labels`), plus one slot for the total.
    stride: usize,
    /// Row prefix sums: `prefix[(row · (nx + 1) + col) · stride + k]` = points of label `k`
    /// (`k = labels`: all labels) in cells `0..col` of `row`.
    prefix: Vec<u32>,
    /// Start of each cell's points in `px`/`py`/`label` (cells in row-major order, `nx · ny + 1` entries).
    start: Vec<u32>,
    px: Vec<f64>,
    py: Vec<f64>,
    label: Vec<u32>,
}

/// Largest number of prefix-sum entries [`DiscCounter::new`] allocates (about 256 MB of `u32`); a finer
/// requested cell is coarsened to stay below it.
const MAX_PREFIX_ENTRIES: usize = 64 << 20;

impl DiscCounter {
    /// Bins the points `(x[i], y[i])` with labels `labels[i] < n_labels` into cells of about `cell_m`
    /// metres (coarsened when the grid would exceed a fixed memory budget). Points with a non-finite
    /// coordinate or a label `>= n_labels` are left out.
    ///
    /// Choose `cell_m` around a tenth of the smallest radius you will query.
    pub fn new(x: &[f64], y: &[f64], labels: &[usize], n_labels: usize, cell_m: f64) -> Self {
        let n = x.len().min(y.len()).min(labels.len());
        let keep = |i: usize| x[i].is_finite() && y[i].is_finite() && labels[i] < n_labels;
        let (mut x0, mut y0, mut x1, mut y1) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for i in (0..n).filter(|&i| keep(i)) {
            x0 = x0.min(x[i]);
            y0 = y0.min(y[i]);
            x1 = x1.max(x[i]);
            y1 = y1.max(y[i]);
        }
        let stride = n_labels + 1;
        if !(x0 <= x1) {
            return Self {
                x0: 0.0,
                y0: 0.0,
                cell: 1.0,
                nx: 0,
                ny: 0,
                stride,
                prefix: Vec::new(),
                start: vec![0],
                px: Vec::new(),
                py: Vec::new(),
                label: Vec::new(),
            };
        }
        let mut cell = if cell_m.is_finite() && cell_m > 0.0 {
            cell_m
        } else {
            1.0
        };
        let dims = |c: f64| {
            (
                ((x1 - x0) / c).floor() as usize + 1,
                ((y1 - y0) / c).floor() as usize + 1,
            )
        };
        loop {
            let (nx, ny) = dims(cell);
            if (nx + 1).saturating_mul(ny).saturating_mul(stride) <= MAX_PREFIX_ENTRIES {
                break;
            }
            cell *= 1.5;
        }
        let (nx, ny) = dims(cell);
        let cell_of = |i: usize| {
            let c = (((x[i] - x0) / cell) as usize).min(nx - 1);
            let r = (((y[i] - y0) / cell) as usize).min(ny - 1);
            r * nx + c
        };
        // Counting sort of the points by cell (stable: input order within a cell).
        let mut start = vec![0u32; nx * ny + 1];
        for i in (0..n).filter(|&i| keep(i)) {
            start[cell_of(i) + 1] += 1;
        }
        for c in 0..nx * ny {
            start[c + 1] += start[c];
        }
        let m = start[nx * ny] as usize;
        let (mut px, mut py, mut label) = (vec![0.0; m], vec![0.0; m], vec![0u32; m]);
        let mut next: Vec<u32> = start[..nx * ny].to_vec();
        let mut prefix = vec![0u32; (nx + 1) * ny * stride];
        for i in (0..n).filter(|&i| keep(i)) {
            let c = cell_of(i);
            let at = next[c] as usize;
            next[c] += 1;
            px[at] = x[i];
            py[at] = y[i];
            label[at] = labels[i] as u32;
            let (row, col) = (c / nx, c % nx);
            let base = (row * (nx + 1) + col + 1) * stride;
            prefix[base + labels[i]] += 1;
            prefix[base + n_labels] += 1;
        }
        for row in 0..ny {
            for col in 1..=nx {
                let (prev, cur) = (
                    (row * (nx + 1) + col - 1) * stride,
                    (row * (nx + 1) + col) * stride,
                );
                for k in 0..stride {
                    prefix[cur + k] += prefix[prev + k];
                }
            }
        }
        Self {
            x0,
            y0,
            cell,
            nx,
            ny,
            stride,
            prefix,
            start,
            px,
            py,
            label,
        }
    }

    /// Number of labels the counter was built with.
    pub fn labels(&self) -> usize {
        self.stride - 1
    }

    /// The cell side actually used, in metres.
    pub fn cell_m(&self) -> f64 {
        self.cell
    }

    /// Adds to `out[k]` the number of points of label `k` within `radius` of `(x, y)` (inclusive), and
    /// returns the number of points of any label within it. `out` must hold [`Self::labels`] entries
    /// (extra entries are untouched; with fewer, only the total is meaningful for the missing labels).
    pub fn count(&self, x: f64, y: f64, radius: f64, out: &mut [u32]) -> u64 {
        self.visit(x, y, radius, Some(out))
    }

    /// Number of points of any label within `radius` of `(x, y)` (inclusive).
    pub fn total(&self, x: f64, y: f64, radius: f64) -> u64 {
        self.visit(x, y, radius, None)
    }

    fn visit(&self, x: f64, y: f64, radius: f64, mut out: Option<&mut [u32]>) -> u64 {
        if self.nx == 0 || !(radius >= 0.0) || !x.is_finite() || !y.is_finite() {
            return 0;
        }
        let r2 = radius * radius;
        let s = self.cell;
        // A cell counts as wholly inside only if it is inside the disc shrunk by `margin`: far above the
        // rounding error of d² for the coordinates involved, far below a cell.
        let margin = 1e-7 * (radius + x.abs().max(y.abs()) + s);
        let n_labels = self.stride - 1;
        let row_lo = ((y - radius - margin - self.y0) / s).floor().max(0.0);
        let row_hi = ((y + radius + margin - self.y0) / s)
            .floor()
            .min(self.ny as f64 - 1.0);
        if row_lo > row_hi {
            return 0;
        }
        let mut total = 0u64;
        for row in row_lo as usize..=row_hi as usize {
            let yl = self.y0 + row as f64 * s;
            let yh = yl + s;
            let near = if y < yl {
                yl - y
            } else if y > yh {
                y - yh
            } else {
                0.0
            };
            if near > radius + margin {
                continue;
            }
            let far = (y - yl).abs().max((yh - y).abs());
            let hw_out = (radius * radius - near * near).max(0.0).sqrt() + margin;
            let c_lo = ((x - hw_out - self.x0) / s).floor().max(0.0);
            let c_hi = ((x + hw_out - self.x0) / s)
                .floor()
                .min(self.nx as f64 - 1.0);
            if c_lo > c_hi {
                continue;
            }
            let (c_lo, c_hi) = (c_lo as usize, c_hi as usize);
            // Wholly inside: columns whose x-range lies within the half-width at the row's far edge.
            let inner = radius - margin;
            let (mut f_lo, mut f_hi) = (1usize, 0usize);
            if inner > 0.0 && far < inner {
                let hw_in = (inner * inner - far * far).sqrt();
                let a = ((x - hw_in - self.x0) / s).ceil().max(c_lo as f64);
                let b = (((x + hw_in - self.x0) / s).floor() - 1.0).min(c_hi as f64);
                if a <= b {
                    f_lo = a as usize;
                    f_hi = b as usize;
                }
            }
            let row_base = row * (self.nx + 1);
            if f_lo <= f_hi {
                let lo = (row_base + f_lo) * self.stride;
                let hi = (row_base + f_hi + 1) * self.stride;
                total += u64::from(self.prefix[hi + n_labels] - self.prefix[lo + n_labels]);
                if let Some(out) = out.as_deref_mut() {
                    for (k, o) in out.iter_mut().enumerate().take(n_labels) {
                        *o += self.prefix[hi + k] - self.prefix[lo + k];
                    }
                }
            }
            for col in c_lo..=c_hi {
                if f_lo <= col && col <= f_hi {
                    continue;
                }
                let c = row * self.nx + col;
                for p in self.start[c] as usize..self.start[c + 1] as usize {
                    let d2 =
                        (self.px[p] - x) * (self.px[p] - x) + (self.py[p] - y) * (self.py[p] - y);
                    if d2 <= r2 {
                        total += 1;
                        if let Some(out) = out.as_deref_mut() {
                            if let Some(o) = out.get_mut(self.label[p] as usize) {
                                *o += 1;
                            }
                        }
                    }
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::SpatialIndex;
    use rand::{RngExt, SeedableRng};

    /// Brute force: the same predicate over every point.
    fn brute(
        x: &[f64],
        y: &[f64],
        l: &[usize],
        nl: usize,
        cx: f64,
        cy: f64,
        r: f64,
    ) -> (Vec<u32>, u64) {
        let mut out = vec![0u32; nl];
        let mut t = 0;
        for i in 0..x.len() {
            let d2 = (x[i] - cx) * (x[i] - cx) + (y[i] - cy) * (y[i] - cy);
            if d2 <= r * r {
                out[l[i]] += 1;
                t += 1;
            }
        }
        (out, t)
    }

    #[test]
    fn equals_brute_force_on_random_and_lattice_points() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for case in 0..40 {
            let n = 1 + case * 53;
            let nl = 1 + case % 5;
            let lattice = case % 3 == 0;
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    if lattice {
                        f64::from(rng.random_range(0i32..40)) * 25.0 + 6_500_000.0
                    } else {
                        rng.random_range(0.0..1000.0) + 500_000.0
                    }
                })
                .collect();
            let y: Vec<f64> = (0..n)
                .map(|_| {
                    if lattice {
                        f64::from(rng.random_range(0i32..40)) * 25.0 + 6_500_000.0
                    } else {
                        rng.random_range(0.0..1000.0) + 6_500_000.0
                    }
                })
                .collect();
            let l: Vec<usize> = (0..n).map(|_| rng.random_range(0..nl)).collect();
            let cell = [5.0, 25.0, 33.3, 200.0][case % 4];
            let dc = DiscCounter::new(&x, &y, &l, nl, cell);
            for _ in 0..60 {
                let i = rng.random_range(0..n);
                // Centres on points (distances exactly r on the lattice), and anywhere.
                let (cx, cy) = if rng.random_bool(0.5) {
                    (x[i], y[i])
                } else {
                    (
                        x[i] + rng.random_range(-300.0..300.0),
                        y[i] + rng.random_range(-300.0..300.0),
                    )
                };
                let r = if lattice {
                    25.0 * f64::from(rng.random_range(0i32..12))
                } else {
                    rng.random_range(0.0..700.0)
                };
                let (want, want_t) = brute(&x, &y, &l, nl, cx, cy, r);
                let mut got = vec![0u32; nl];
                let t = dc.count(cx, cy, r, &mut got);
                assert_eq!(
                    (got, t),
                    (want, want_t),
                    "case {case} centre ({cx}, {cy}) r {r} cell {cell}"
                );
                assert_eq!(dc.total(cx, cy, r), want_t);
            }
        }
    }

    #[test]
    fn agrees_with_the_rtree_query() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let n = 5000;
        let x: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..3000.0)).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..3000.0)).collect();
        let l = vec![0usize; n];
        let dc = DiscCounter::new(&x, &y, &l, 1, 30.0);
        let idx = SpatialIndex::from_xy(&x, &y);
        for k in 0..200 {
            let (cx, cy, r) = (x[k], y[k], 50.0 + k as f64 * 3.0);
            assert_eq!(dc.total(cx, cy, r), idx.count_within(cx, cy, r) as u64);
        }
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let dc = DiscCounter::new(&[], &[], &[], 3, 10.0);
        assert_eq!(dc.total(0.0, 0.0, 100.0), 0);
        // One point; a NaN point and a point with an out-of-range label are left out.
        let dc = DiscCounter::new(&[1.0, f64::NAN, 2.0], &[1.0, 0.0, 2.0], &[0, 0, 5], 2, 0.0);
        let mut out = [0u32; 2];
        assert_eq!(dc.count(1.0, 1.0, 0.0, &mut out), 1);
        assert_eq!(out, [1, 0]);
        assert_eq!(dc.total(1.0, 1.0, -1.0), 0);
        assert_eq!(dc.total(f64::NAN, 1.0, 5.0), 0);
    }

    #[test]
    fn a_huge_extent_is_coarsened_not_allocated() {
        let dc = DiscCounter::new(&[0.0, 1e9], &[0.0, 1e9], &[0, 0], 1, 1.0);
        assert!(dc.cell_m() > 1.0);
        assert_eq!(dc.total(0.0, 0.0, 10.0), 1);
    }
}
