#!/usr/bin/env bash
# Runs every peer on the three workloads at 1 and 2 threads; one JSON object per line.
# Needs: apt-get install python3-numpy python3-torch libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-/usr/bin/python3}
workloads=(
  "seed  --layers 10,32,32,32,32,32,32,2 --batch-size 1 --rows 1 --epochs 3000"
  "small --layers 64,128,64,10 --batch-size 32 --rows 1024 --epochs 30"
  "wide  --layers 784,256,128,10 --batch-size 64 --rows 1024 --epochs 6"
)
for threads in 1 2; do
  for workload in "${workloads[@]}"; do
    read -r name flags <<<"$workload"
    for peer in numpy_bench.py torch_bench.py; do
      # shellcheck disable=SC2086
      echo "{\"workload\": \"$name\", \"result\": $($python "$peer" $flags --threads "$threads" --json)}"
    done
  done
  echo "{\"workload\": \"seed\", \"result\": $($python seed_notebook_loop.py --epochs 3000 --threads "$threads" --json)}"
done
