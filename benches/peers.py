"""Peer timings for clustering: scikit-learn DBSCAN/HDBSCAN, `dbscan` (Wang, Gu & Shun,
SIGMOD 2020), hdbscan and fast-hdbscan on the CSV written by `gen-scene`.

Never run in CI. Set up once (the venv is git-ignored):

    python3 -m venv benches/.venv
    benches/.venv/bin/pip install scikit-learn hdbscan fast-hdbscan dbscan
    cargo run --release -p hotspot-benches --bin gen-scene -- 1000000 /tmp/scene_1m.csv
    benches/.venv/bin/python benches/peers.py /tmp/scene_1m.csv dbscan 31.6 10
    benches/.venv/bin/python benches/peers.py /tmp/scene_100k.csv hdbscan 50 50

Each peer runs in its own process: "compute" is the clustering call only, "whole" the
process including imports and CSV reading, "peak" the maximum resident set size.
A peer that fails (memory, error) is reported as such.
"""
import json
import subprocess
import sys
import time

RUNNER = r'''
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np
path, peer, a, b = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
X = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(1, 2))
X -= X.min(axis=0)
t1 = time.perf_counter()
if peer == "sklearn-dbscan":
    from sklearn.cluster import DBSCAN
    labels = DBSCAN(eps=a, min_samples=b, n_jobs=-1).fit(X).labels_
elif peer == "wang-gu-shun-dbscan":
    from dbscan import DBSCAN
    labels, core = DBSCAN(X, eps=a, min_samples=b)
elif peer == "sklearn-hdbscan":
    from sklearn.cluster import HDBSCAN
    labels = HDBSCAN(min_cluster_size=int(a), min_samples=b, copy=True).fit(X).labels_
elif peer == "hdbscan":
    import hdbscan
    labels = hdbscan.HDBSCAN(min_cluster_size=int(a), min_samples=b, core_dist_n_jobs=-1).fit(X).labels_
elif peer == "fast-hdbscan":
    import fast_hdbscan
    labels = fast_hdbscan.HDBSCAN(min_cluster_size=int(a), min_samples=b).fit(X).labels_
else:
    raise SystemExit("unknown peer " + peer)
t2 = time.perf_counter()
n_clusters = int(labels.max()) + 1
print(json.dumps({"compute_s": t2 - t1, "clusters": n_clusters, "noise": int((labels < 0).sum()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

DBSCAN_PEERS = ["wang-gu-shun-dbscan", "sklearn-dbscan"]
HDBSCAN_PEERS = ["fast-hdbscan", "hdbscan", "sklearn-hdbscan"]


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    path, method, a, b = sys.argv[1:5]
    only = sys.argv[5].split(",") if len(sys.argv) > 5 else None
    peers = DBSCAN_PEERS if method == "dbscan" else HDBSCAN_PEERS
    versions = {}
    for mod in ["sklearn", "hdbscan", "fast_hdbscan", "numpy"]:
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = "?"
    try:
        from importlib.metadata import version
        versions["dbscan"] = version("dbscan")
        versions["fast_hdbscan"] = version("fast_hdbscan")
    except Exception:
        pass
    print("versions:", versions)
    for peer in peers:
        if only and peer not in only:
            continue
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", RUNNER, path, peer, a, b], capture_output=True, text=True)
        whole = time.perf_counter() - t0
        if p.returncode != 0:
            print(f"{peer:22s} FAILED (exit {p.returncode}) after {whole:.1f} s: {p.stderr.strip().splitlines()[-1:] }")
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        print(f"{peer:22s} compute {r['compute_s']:8.2f} s  whole {whole:8.2f} s  peak {r['peak_mb']:8.0f} MB  "
              f"clusters {r['clusters']}  noise {r['noise']}")


if __name__ == "__main__":
    main()
