#!/usr/bin/env bash
# Whole-process timings of the speed targets in the issues, on the seeded sample
# scene (`hotspot sample --n 1000000 --seed 2025`), printed as a Markdown table
# with wall clock, CPU (user + sys) and peak memory. Never run in CI.
#
#   benches/targets.sh              # scene in target/bench-targets (generated once)
#   SCENE=/tmp/s1m benches/targets.sh
#
# Run it on an idle machine: the table's first line records the load average at
# the start and at the end, so a contended run shows itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p hotspot-cli
BIN=target/release/hotspot
SCENE=${SCENE:-target/bench-targets}
OUT=${OUT:-target/bench-targets-out}
mkdir -p "$SCENE" "$OUT"
if [ ! -f "$SCENE/incidents.csv" ]; then
  "$BIN" -q sample --out "$SCENE" --n 1000000 --seed 2025
fi
if [ ! -f "$SCENE/incidents-100k.csv" ]; then
  head -n 100001 "$SCENE/incidents.csv" > "$SCENE/incidents-100k.csv"
fi
cat > "$SCENE/report.toml" <<TOML
place = "Vingåker (1M synthetic)"
source = "hotspot sample --n 1000000 --seed 2025"
incidents = "incidents.csv"
boundary = "boundary.geojson"
schools = "schools.geojson"
print = true
TOML

load() { cut -d' ' -f1 /proc/loadavg; }
echo "machine: $(nproc) cores, $(uname -sr); load average at start $(load); $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| job | command | wall s | CPU s | peak MB | target |"
echo "|---|---|---:|---:|---:|---|"
row() {
  local name=$1 target=$2
  shift 2
  local tf
  tf=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" >/dev/null 2>&1 || { echo "| $name | \`${*#"$BIN" }\` | failed | | | $target |"; rm -f "$tf"; return; }
  read -r wall user sys kb < "$tf"
  rm -f "$tf"
  printf '| %s | `hotspot %s` | %.2f | %.2f | %.0f | %s |\n' "$name" "${*:2}" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$kb / 1024" | bc)" "$target"
}
C=$SCENE/incidents.csv
"$BIN" -q inspect "$C" >/dev/null  # warm the page cache
row "read 1M CSV rows (inspect)" "< 0.5 s (reading)" "$BIN" -q inspect "$C"
row "exact KDE, 1M, cell 50 m, quartic 300 m" "<= KDEpy process (0.76 s)" "$BIN" -q kde "$C" --bandwidth 300 --cell 50 --out "$OUT/kde.asc"
row "DBSCAN 1M, eps 31.6 m, min 10" "10x scikit-learn; < 300 B/incident" "$BIN" -q cluster "$C" --method dbscan --eps 31.6 --min-points 10 --labels "$OUT/l1.csv"
row "DBSCAN 1M, eps 100 m, min 10" "< 300 B/incident" "$BIN" -q cluster "$C" --method dbscan --eps 100 --min-points 10 --labels "$OUT/l2.csv"
row "HDBSCAN 100k, mcs = ms = 50" "2x fastest peer (fast-hdbscan 4.4 s)" "$BIN" -q cluster "$SCENE/incidents-100k.csv" --method hdbscan --min-cluster-size 50 --min-samples 50 --labels "$OUT/l3.csv"
row "HDBSCAN 1M, mcs = ms = 50" "< 15 s" "$BIN" -q cluster "$C" --method hdbscan --min-cluster-size 50 --min-samples 50 --labels "$OUT/l4.csv"
row "Gi* 1M incidents on 25 m cells, band 75 m" "<= numpy convolution process" "$BIN" -q gistar "$C" --cell 25 --distance 75 --cells "$OUT/cells.csv"
row "stats: NNI, Moran's I, Knox (1M)" "NNI part < 0.5 s" "$BIN" -q stats "$C" --json
row "report, 1M incidents, all maps" "< 30 s" "$BIN" -q report "$SCENE/report.toml" --out "$OUT/report"
row "report, Vingåker sample (4 000)" "< 5 s" "$BIN" -q report data/vingaker/report.toml --out "$OUT/report-sample"
echo
echo "load average at end $(load)"
