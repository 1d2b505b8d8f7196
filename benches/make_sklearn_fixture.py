"""Writes data/cluster/sklearn_reference.csv: a tie-free point set and scikit-learn's
HDBSCAN/DBSCAN labels for several parameter sets, for the agreement test in
crates/hotspot/src/cluster/tests.rs. Run with the venv of benches/peers.py:

    benches/.venv/bin/python benches/make_sklearn_fixture.py
"""
import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, HDBSCAN

rng = np.random.default_rng(20251127)
parts = []
for (cx, cy, sd, m) in [(0, 0, 30, 180), (400, 50, 15, 90), (200, 400, 60, 150), (420, 380, 8, 40), (-300, 300, 25, 60)]:
    parts.append(rng.normal([cx, cy], sd, size=(m, 2)))
parts.append(rng.uniform(-600, 900, size=(80, 2)))
X = np.vstack(parts)
X = X[rng.permutation(len(X))]

runs = {
    "h_mcs10": HDBSCAN(min_cluster_size=10),
    "h_mcs15_ms5": HDBSCAN(min_cluster_size=15, min_samples=5),
    "h_mcs8_ms3_leaf": HDBSCAN(min_cluster_size=8, min_samples=3, cluster_selection_method="leaf"),
    "h_mcs10_eps40": HDBSCAN(min_cluster_size=10, cluster_selection_epsilon=40.0),
    "h_mcs25_single": HDBSCAN(min_cluster_size=25, min_samples=40, allow_single_cluster=True),
    "h_mcs10_ms1": HDBSCAN(min_cluster_size=10, min_samples=1),
    "d_eps20_min8": DBSCAN(eps=20.0, min_samples=8),
}
cols = {}
for name, est in runs.items():
    est.fit(X)
    cols[name] = est.labels_
    if name.startswith("h_"):
        cols[name + "_prob"] = est.probabilities_
    else:
        core = np.zeros(len(X), dtype=int)
        core[est.core_sample_indices_] = 1
        cols[name + "_core"] = core

with open("data/cluster/sklearn_reference.csv", "w") as f:
    f.write("x,y," + ",".join(cols) + "\n")
    for i in range(len(X)):
        vals = [repr(float(X[i, 0])), repr(float(X[i, 1]))]
        for k, v in cols.items():
            vals.append(repr(float(v[i])) if k.endswith("_prob") else str(int(v[i])))
        f.write(",".join(vals) + "\n")
print("scikit-learn", sklearn.__version__, "n =", len(X), {k: len(set(v)) - (1 if -1 in v else 0) for k, v in cols.items() if not k.endswith(("_prob", "_core"))})
