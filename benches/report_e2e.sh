#!/usr/bin/env bash
# End-to-end timing of `hotspot report`: the Vingåker sample (target < 5 s) and a
# 1 000 000-incident sample scene (target < 30 s), maps included.
#
#   benches/report_e2e.sh            # both
#   benches/report_e2e.sh sample     # only the 4 000-incident sample
#
# Builds the release binary first. The 1M scene is generated once with
# `hotspot sample` into $SCENE (default target/bench-scene-1m).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p hotspot-cli >/dev/null
BIN=target/release/hotspot
OUT=${OUT:-target/bench-report}
SCENE=${SCENE:-target/bench-scene-1m}
mkdir -p "$OUT"

t() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$(echo "$e - $s" | bc)"; }

echo "machine: $(nproc) cores, $(uname -sr)"
secs=$(t "$BIN" -q report data/vingaker/report.toml --out "$OUT/sample")
echo "sample report (4 000 incidents, A4 PNGs on): ${secs} s   [target < 5 s]"
secs=$(t "$BIN" -q report data/vingaker/report.toml --out "$OUT/sample-public" --public)
echo "sample report, public mode:                  ${secs} s"

[ "${1:-all}" = sample ] && exit 0

if [ ! -f "$SCENE/incidents.csv" ]; then
  echo "generating the 1M-incident scene in $SCENE ..."
  "$BIN" -q sample --out "$SCENE" --n 1000000 --seed 2025
fi
cat > "$SCENE/report.toml" <<TOML
place = "Vingåker (1M synthetic)"
source = "hotspot sample --n 1000000"
incidents = "incidents.csv"
boundary = "boundary.geojson"
schools = "schools.geojson"
print = true
TOML
secs=$(t "$BIN" -q report "$SCENE/report.toml" --out "$OUT/scene-1m")
echo "1M-incident report (A4 PNGs on):             ${secs} s   [target < 30 s]"
