#!/usr/bin/env bash
# Runs the kernel density job of issue 3 with `hotspot kde`, KDEpy's FFTKDE and
# scikit-learn's KernelDensity, timing each as a whole process, and prints the ratios.
# Makes its own virtual environment in benches/.venv (git-ignored). Never run in CI.
#
# Usage: benches/kde_peers.sh [N]   (default N = 1000000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
n="${1:-1000000}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy KDEpy scikit-learn
fi
py="$venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "making $n clustered incidents in $work"
"$py" "$here/kde_peers.py" make "$n" "$work"

(cd "$root" && cargo build --release -q -p hotspot-cli)
hs="$root/target/release/hotspot"

now() { date +%s.%N; }
t0=$(now)
"$hs" kde "$work/points.csv" --x x --y y --crs EPSG:3006 --bandwidth 300 --cell 50 \
  --out "$work/grid.asc" --quiet
t_hs=$(echo "$(now) - $t0" | bc -l)

t0=$(now)
kdepy_out=$("$py" "$here/kde_peers.py" kdepy "$work")
t_kp=$(echo "$(now) - $t0" | bc -l)

t0=$(now)
sk_out=$("$py" "$here/kde_peers.py" sklearn "$work")
t_sk=$(echo "$(now) - $t0" | bc -l)

echo "machine: $(nproc) cores, $(uname -m)"
printf "hotspot kde (exact quartic, whole process, CSV): %.3f s\n" "$t_hs"
printf "KDEpy FFTKDE (binned biweight, whole process, .npy): %.3f s   [%s]\n" "$t_kp" "$kdepy_out"
printf "scikit-learn KernelDensity (exact Epanechnikov, whole process, .npy): %.3f s   [%s]\n" "$t_sk" "$sk_out"
printf "ratio KDEpy / hotspot: %.2f\n" "$(echo "$t_kp / $t_hs" | bc -l)"
printf "ratio scikit-learn / hotspot: %.2f\n" "$(echo "$t_sk / $t_hs" | bc -l)"
