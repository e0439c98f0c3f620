#!/usr/bin/env bash
# What writing a state every epoch costs: `train --out` against the same training without it,
# on the small workload (4096 random rows, 64 features, 10 targets, 64-128-64-10 sigmoid, mse,
# adam, the default optimizer with data, lr 0.01, batch 32). Runs alternate; the medians of the
# "seconds elapsed" train reports (which include waiting for the last state to reach the disk)
# are compared.
#
#   benchmarks/snapshot.sh [--reps N] [--epochs E] [--threads T] [--no-build]
#
# Needs only the .NET SDK (and awk).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=7
epochs=40
threads=2
build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $build == 1 ]]; then
  dotnet build -c Release "$root/src/Backprop.Cli" -v quiet -nologo >/dev/null
fi
backprop="$root/src/Backprop.Cli/bin/Release/net10.0/backprop"
work=$(mktemp -d -t snapshot.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 4096 rows of uniform values in [-1, 1): x0..x63, then y0..y9.
awk 'BEGIN {
  srand(4096)
  for (c = 0; c < 64; c++) printf "x%d,", c
  for (c = 0; c < 10; c++) printf "y%d%s", c, (c < 9 ? "," : "\n")
  for (r = 0; r < 4096; r++)
    for (c = 0; c < 74; c++) printf "%.17g%s", 2 * rand() - 1, (c < 73 ? "," : "\n")
}' >"$work/small.csv"

args=(train --data "$work/small.csv" --target y0,y1,y2,y3,y4,y5,y6,y7,y8,y9 --task regression
      --layers 64,128,64,10 --activation sigmoid --output-activation sigmoid --loss mse --lr 0.01
      --batch-size 32 --epochs "$epochs" --threads "$threads" --plain)
seconds() { "$@" | awk '/seconds elapsed/ { print $1 }'; }
without=(); with=()
for rep in $(seq "$reps"); do
  without+=("$(seconds "$backprop" "${args[@]}")")
  rm -rf "$work/run"
  with+=("$(seconds "$backprop" "${args[@]}" --out "$work/run")")
done
states=$(find "$work/run/states" -name '*.safetensors' | wc -l)
size=$(du -k "$work/run/states/$(printf '%06d' "$epochs").safetensors" | cut -f1)
awk -v a="${without[*]}" -v b="${with[*]}" -v e="$epochs" -v t="$threads" -v n="$states" -v k="$size" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
function median(s,   v, n, i, j, x) {
  n = split(s, v, " ")
  for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
BEGIN {
  ma = median(a); mb = median(b)
  printf "%d epochs of 128 steps, %d thread(s), load average %s\n", e, t, load
  printf "without --out: %.3f s (median of: %s)\n", ma, a
  printf "with --out:    %.3f s (median of: %s), %d states of %d KiB\n", mb, b, n, k
  printf "overhead: %+.1f%%\n", 100 * (mb / ma - 1)
}'
