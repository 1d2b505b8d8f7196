#!/usr/bin/env python3
"""Peer comparison for `hotspot gistar` (not run in CI).

Set up once (own venv, ignored by git):
    python3 -m venv benches/.venv && benches/.venv/bin/pip install esda libpysal numpy scipy pandas

Usage:
    benches/.venv/bin/python benches/gistar_peer.py make --side 1000 --out /tmp/gistar_pts.csv
    time benches/.venv/bin/python benches/gistar_peer.py convolution /tmp/gistar_pts.csv [--write out.csv]
    time benches/.venv/bin/python benches/gistar_peer.py esda /tmp/gistar_pts.csv
    time target/release/hotspot gistar /tmp/gistar_pts.csv --crs EPSG:3006 --cell 10 --distance 30 --cells out.csv -q

All three count the same points into the same 10 m grid (origin 500000, 6500000;
col = floor((x - x0) / 10)), use binary weights for centres within 3 cells
(the cell itself included) and the Getis-Ord closed form with the population SD.
`make` writes side*side points: half uniform, half in 20 blobs (SplitMix64, seed 7).
"""
import argparse
import sys

X0, Y0, CELL = 500_000.0, 6_500_000.0, 10.0


def splitmix(seed, n):
    import numpy as np
    # Vectorised SplitMix64.
    s = (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed))
    z = s.copy()
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def make(side, out):
    import numpy as np
    n = side * side
    L = side * CELL
    u = splitmix(7, 5 * n).reshape(5, n)
    x = u[0] * L
    y = u[1] * L
    blob = np.arange(n) % 2 == 1
    c = (np.arange(n) // 2) % 20
    cx, cy = L * (0.1 + 0.04 * c), L * (0.9 - 0.04 * c)
    r = L * 0.02 * (u[2] + u[3] + u[4] - 1.5)
    a = u[2] * 2 * np.pi
    x = np.where(blob, np.clip(cx + r * np.cos(a), 0, L - 1e-6), x)
    y = np.where(blob, np.clip(cy + r * np.sin(a), 0, L - 1e-6), y)
    with open(out, "w") as fh:
        fh.write("x,y\n")
        np.savetxt(fh, np.column_stack([x + X0, y + Y0]), fmt="%.3f", delimiter=",")


def counts(path):
    import numpy as np
    import pandas as pd
    d = pd.read_csv(path, dtype={"x": "f8", "y": "f8"})
    col = np.floor((d["x"].to_numpy() - X0) / CELL).astype(np.int64)
    row = np.floor((d["y"].to_numpy() - Y0) / CELL).astype(np.int64)
    ncol, nrow = col.max() + 1, row.max() + 1
    grid = np.zeros((nrow, ncol))
    np.add.at(grid, (row, col), 1.0)
    return grid


def convolution(path, write):
    import numpy as np
    from scipy import ndimage
    x = counts(path)
    r = 3
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    fp = ((dx * dx + dy * dy) <= r * r).astype(float)
    lx = ndimage.convolve(x, fp, mode="constant", cval=0.0)
    w = ndimage.convolve(np.ones_like(x), fp, mode="constant", cval=0.0)
    n = x.size
    mean = x.mean()
    sd = x.std()  # population SD
    z = (lx - mean * w) / (sd * np.sqrt((n * w - w * w) / (n - 1)))
    if write:
        rows, cols = np.indices(x.shape)
        np.savetxt(write, np.column_stack([cols.ravel(), rows.ravel(), x.ravel(), z.ravel()]),
                   fmt=["%d", "%d", "%g", "%.17g"], delimiter=",", header="col,row,count,z", comments="")
    print(f"convolution: {n} cells, max z {z.max():.6f}", file=sys.stderr)


def esda_run(path):
    import numpy as np
    from esda.getisord import G_Local
    from libpysal.graph import Graph
    x = counts(path)
    rows, cols = np.indices(x.shape)
    coords = np.column_stack([(cols.ravel() + 0.5) * CELL, (rows.ravel() + 0.5) * CELL])
    g = Graph.build_distance_band(coords, 3 * CELL * (1 + 1e-9))
    lg = G_Local(x.ravel(), g, transform="B", star=True, permutations=0)
    print(f"esda: {x.size} cells, max z {np.max(lg.Zs):.6f}", file=sys.stderr)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--side", type=int, default=1000)
    m.add_argument("--out", required=True)
    c = sub.add_parser("convolution")
    c.add_argument("input")
    c.add_argument("--write")
    e = sub.add_parser("esda")
    e.add_argument("input")
    a = ap.parse_args()
    if a.cmd == "make":
        make(a.side, a.out)
    elif a.cmd == "convolution":
        convolution(a.input, a.write)
    else:
        esda_run(a.input)
