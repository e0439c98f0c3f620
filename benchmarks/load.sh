#!/usr/bin/env bash
# Loading a large CSV: our loader (backprop train --epochs 0, which reads, checks and fingerprints
# the table and writes state 0) against numpy loadtxt and pandas read_csv on the same file, in
# the same run, each timed as a whole process with its peak resident memory (/usr/bin/time).
#
#   benchmarks/load.sh [--rows N] [--cols N] [--reps N] [--no-build]
#
# Defaults: 1,000,000 rows of 20 features and a target (about 190 MB), 3 repetitions, the
# median reported. The file is generated once under $TMPDIR by numpy with a fixed seed.
# Needs the .NET SDK and /usr/bin/python3 with numpy; pandas (apt-get install python3-pandas)
# is optional and left out of the table with a note when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=1000000
cols=20
reps=3
build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --cols) cols=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/load-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$root/benchmarks/.load-build"
if [[ $build == 1 ]]; then
  dotnet build "$root/src/Backprop.Cli" -c Release -o "$out" >/dev/null
fi
csv="$work/big.csv"
"$python" "$root/benchmarks/make-table.py" "$csv" "$rows" "$cols"
echo "file: $rows rows x $((cols + 1)) columns, $(du -m "$csv" | cut -f1) MB"

# One timed process: prints "seconds peak-MB".
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$work/time"
}
ours() { rm -rf "$work/run"; timed "$out/backprop" train --data "$csv" --target y --epochs 0 --threads 1 --out "$work/run"; }
numpy() { timed "$python" -c "import numpy as np, sys; a = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1); print(a.shape)" "$csv"; }
pandas() { timed "$python" -c "import pandas as pd, sys; d = pd.read_csv(sys.argv[1]); print(d.shape)" "$csv"; }
peers="ours numpy"
"$python" -c "import pandas" 2>/dev/null && peers="$peers pandas" || echo "note: pandas is not installed (apt-get install python3-pandas); left out"

for peer in $peers; do : > "$work/$peer"; done
for ((r = 1; r <= reps; r++)); do
  for peer in $peers; do $peer >> "$work/$peer"; done
done
echo "| loader | median seconds | median peak MB | runs (s) |"
echo "|---|---|---|---|"
for peer in $peers; do
  median_s=$(cut -d' ' -f1 "$work/$peer" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  median_mb=$(cut -d' ' -f2 "$work/$peer" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  case $peer in
    ours) name="backprop train --epochs 0" ;;
    numpy) name="numpy loadtxt" ;;
    pandas) name="pandas read_csv" ;;
  esac
  echo "| $name | $median_s | $median_mb | $(cut -d' ' -f1 "$work/$peer" | paste -sd' ') |"
done
