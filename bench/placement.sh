#!/bin/sh
# bench/placement.sh: shift-aware placement on every committed model, every
# strategy and three hardware configs (1, 2 and 4 ports per track), measured
# in one run with `rtcc --report-placement` (which also checks that each
# strategy's predicted shifts equal the simulator's). Prints a Markdown
# table: shifts, % fewer than ofu, cycles, energy, placement and lowering
# wall time. Usage: bench/placement.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rtcc=$build/compiler/rtcc
data=$root/testdata
echo "| model | ports | strategy | shifts | % fewer than ofu | cycles | energy (nJ) | placement (s) | lowering (s) |"
echo "|---|--:|---|--:|--:|--:|--:|--:|--:|"
for m in lenet5 lenet5_k3_wide dwres; do
  for p in 1 2 4; do
    "$rtcc" "$data/models/$m/model.onnx" --calib "$data/fashion_mnist/calib.npy" \
      --bits 8 --set ports_per_track=$p --report-placement 2>/dev/null |
      awk -v m="$m" -v p="$p" '
        /^(ofu|liao|chen|shiftsreduce|interleave|exact|auto): n\/a/ {
          sub(":", "", $1); printf "| %s | %s | %s | n/a | | | | | |\n", m, p, $1; next }
        /^(ofu|liao|chen|shiftsreduce|interleave|exact|auto): [0-9]/ {
          name = $1; sub(":", "", name); pct = $4; sub(/^\(/, "", pct); sub(/%$/, "", pct)
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", m, p, name, $2, pct, $8, $10, $14, $17 }'
  done
done
