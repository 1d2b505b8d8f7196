#!/usr/bin/env python3
"""Peer comparison for `hotspot kde` (issue 3): the same job with KDEpy's FFTKDE
and scikit-learn's KernelDensity. Never run in CI; use kde_peers.sh, which makes
its own virtual environment in benches/.venv.

The job: N clustered incidents in a 20 km square (70% in 40 Gaussian clusters,
30% uniform; like benches/lib.rs::clustered_scene, but numpy's generator), a
400 x 400 grid of 50 m cells, kernel radius 300 m:
  * hotspot: exact quartic, radius 300 m (`hotspot kde` on a CSV);
  * KDEpy FFTKDE: biweight (= quartic) on a binned grid, bw = 300/sqrt(8) m
    (KDEpy's bw is the kernel's standard deviation); linear binning, not exact;
  * scikit-learn KernelDensity: exact Epanechnikov, bandwidth (radius) 300 m,
    kd-tree, evaluated at the 160,000 cell centres.

Modes (each run as its own process by the wrapper, which times whole processes):
  make N DIR      write DIR/points.npy and DIR/points.csv (x,y in SWEREF 99 TM metres)
  kdepy DIR       KDEpy on DIR/points.npy; prints compute seconds
  sklearn DIR     scikit-learn on DIR/points.npy; prints compute seconds
"""
import sys
import time

import numpy as np

SIDE = 20_000.0
CELL = 50.0
H = 300.0
X0, Y0 = 540_000.0, 6_530_000.0  # put the square in Sweden (SWEREF 99 TM)


def make(n, out):
    rng = np.random.default_rng(42)
    centres = np.column_stack([
        SIDE * (0.1 + 0.8 * rng.random(40)),
        SIDE * (0.1 + 0.8 * rng.random(40)),
        150.0 + 450.0 * rng.random(40),
    ])
    pts = []
    have = 0
    while have < n:
        m = n
        bg = rng.random(m) < 0.3
        k = rng.integers(0, 40, m)
        c = centres[k]
        xy = c[:, :2] + rng.standard_normal((m, 2)) * c[:, 2:3]
        xy[bg] = rng.random((bg.sum(), 2)) * SIDE
        keep = (xy[:, 0] >= 0) & (xy[:, 0] < SIDE) & (xy[:, 1] >= 0) & (xy[:, 1] < SIDE)
        pts.append(xy[keep])
        have += keep.sum()
    xy = np.concatenate(pts)[:n]
    xy[:, 0] += X0
    xy[:, 1] += Y0
    np.save(f"{out}/points.npy", xy)
    with open(f"{out}/points.csv", "w") as f:
        f.write("x,y\n")
        np.savetxt(f, xy, fmt="%.3f", delimiter=",")


def grid_centres():
    xs = X0 + (np.arange(400) + 0.5) * CELL
    ys = Y0 + (np.arange(400) + 0.5) * CELL
    return xs, ys


def run_kdepy(d):
    from KDEpy import FFTKDE
    xy = np.load(f"{d}/points.npy")
    t = time.perf_counter()
    # FFTKDE needs an equidistant grid covering the data plus the kernel support.
    pad = int(np.ceil(H / CELL)) + 1
    xs = X0 + (np.arange(-pad, 400 + pad) + 0.5) * CELL
    ys = Y0 + (np.arange(-pad, 400 + pad) + 0.5) * CELL
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    z = FFTKDE(kernel="biweight", bw=H / np.sqrt(8.0), norm=2).fit(xy).evaluate(grid)
    dens = z.reshape(len(xs), len(ys))[pad:-pad, pad:-pad] * len(xy) * 1e6
    secs = time.perf_counter() - t
    print(f"kdepy_compute_s {secs:.4f} max_per_km2 {dens.max():.2f}")


def run_sklearn(d):
    from sklearn.neighbors import KernelDensity
    xy = np.load(f"{d}/points.npy")
    t = time.perf_counter()
    xs, ys = grid_centres()
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    kd = KernelDensity(kernel="epanechnikov", bandwidth=H, algorithm="kd_tree").fit(xy)
    logd = kd.score_samples(grid)
    secs = time.perf_counter() - t
    print(f"sklearn_compute_s {secs:.4f} max_log_density {logd.max():.4f}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif mode == "kdepy":
        run_kdepy(sys.argv[2])
    elif mode == "sklearn":
        run_sklearn(sys.argv[2])
    else:
        sys.exit(__doc__)
