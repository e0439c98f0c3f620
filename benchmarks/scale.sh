#!/usr/bin/env bash
# How loading and training grow with the rows: for each size, a CSV of that many rows of 20
# features and a target (benchmarks/make-table.py), then
#   load:  backprop train --epochs 0 (read, check, fingerprint, write state 0), wall time and peak memory;
#   epoch: backprop train --epochs 1 with the data defaults (20-32-32-1 tanh, adam, batches of 32),
#          the training time train prints and the whole run's peak memory.
#
#   benchmarks/scale.sh [--rows "100000 1000000 10000000"] [--threads N] [--no-build]
#
# The 10,000,000-row file is about 1.9 GB; files are made once under $TMPDIR and removed at the end.
# Needs the .NET SDK and /usr/bin/python3 with numpy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes="100000 1000000 10000000"
threads=2
build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) sizes=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/scale-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$root/benchmarks/.load-build"
if [[ $build == 1 ]]; then
  dotnet build "$root/src/Backprop.Cli" -c Release -o "$out" >/dev/null
fi
echo "| rows | file MB | load s | load peak MB | epoch s | train peak MB |"
echo "|---|---|---|---|---|---|"
for rows in $sizes; do
  csv="$work/rows-$rows.csv"
  "$python" "$root/benchmarks/make-table.py" "$csv" "$rows" 20
  /usr/bin/time -f "%e %M" -o "$work/load" "$out/backprop" train --data "$csv" --target y --epochs 0 --threads "$threads" --out "$work/run0" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  /usr/bin/time -f "%e %M" -o "$work/epoch" "$out/backprop" train --data "$csv" --target y --epochs 1 --threads "$threads" --out "$work/run1" >"$work/log" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  epoch=$(sed -n 's/^\([0-9.]*\) seconds elapsed\.$/\1/p' "$work/log")
  read -r load_s load_kb < "$work/load"
  read -r _ train_kb < "$work/epoch"
  echo "| $rows | $(du -m "$csv" | cut -f1) | $load_s | $((load_kb / 1024)) | $epoch | $((train_kb / 1024)) |"
  rm -rf "$csv" "$work/run0" "$work/run1"
done
