#!/usr/bin/env bash
# Backprop.Functional against numpy and PyTorch on the three workloads of the performance issue
# (and, on the seed workload, against the seed notebook's own per-sample loop),
# side by side: every repetition runs all peers on a workload back to back (in an order that
# rotates), so that they share the machine's load, and the table reports medians.
#
#   benchmarks/compare.sh [--reps N] [--threads "2 1"] [--no-build] [--raw FILE]
#
# Needs the .NET SDK and, for the peers, apt-get install python3-numpy python3-torch libopenblas0-pthread.
# A peer that cannot run (no numpy, no torch) is left out of the table with a note.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=5
thread_counts="2 1"
build=1
raw=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --threads) thread_counts=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --raw) raw=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python=${PYTHON:-/usr/bin/python3}
[[ -x $python ]] || python=python3
raw=${raw:-$(mktemp -t compare.XXXXXX.jsonl)}
: >"$raw"

if [[ $build == 1 ]]; then
  dotnet build -c Release "$root/src/Backprop.Cli" -v quiet -nologo >/dev/null
fi
backprop="$root/src/Backprop.Cli/bin/Release/net10.0/backprop"

# The workloads exactly as the issue states them.
workloads=(
  "seed|--layers 10,32,32,32,32,32,32,2 --batch-size 1 --rows 1 --epochs 200"
  "small|--layers 64,128,64,10 --batch-size 32 --rows 4096 --epochs 3"
  "wide|--layers 784,256,128,10 --batch-size 64 --rows 8192 --epochs 2"
)
peers=(backprop numpy torch notebook)
declare -A missing=()
for peer in numpy torch notebook; do
  module=$peer; [[ $peer == notebook ]] && module=numpy
  if ! "$python" -c "import $module" 2>/dev/null; then missing[$peer]=1; fi
done

run_peer() { # peer threads flags...
  local peer=$1 threads=$2; shift 2
  case $peer in
    backprop) "$backprop" bench "$@" --threads "$threads" --json ;;
    numpy) (cd "$root/benchmarks/peers" && "$python" numpy_bench.py "$@" --threads "$threads" --json) ;;
    torch) (cd "$root/benchmarks/peers" && "$python" torch_bench.py "$@" --threads "$threads" --json) ;;
    notebook) (cd "$root/benchmarks/peers" && "$python" seed_notebook_loop.py "$@" --threads "$threads" --json) ;;
  esac
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
for rep in $(seq "$reps"); do
  for threads in $thread_counts; do
    for entry in "${workloads[@]}"; do
      name=${entry%%|*}
      read -r -a flags <<<"${entry#*|}"
      count=${#peers[@]}
      for ((i = 0; i < count; i++)); do
        peer=${peers[$(((i + rep) % count))]}
        [[ -n ${missing[$peer]:-} ]] && continue
        # The notebook's loop only knows its own network: the seed workload.
        [[ $peer == notebook && $name != seed ]] && continue
        json=$(run_peer "$peer" "$threads" "${flags[@]}")
        echo "{\"workload\": \"$name\", \"peer\": \"$peer\", \"threads\": $threads, \"rep\": $rep, \"load\": \"$(cut -d' ' -f1 /proc/loadavg)\", \"result\": $json}" >>"$raw"
      done
    done
  done
  echo "repetition $rep of $reps done" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$python" - "$raw" "$reps" "$started" "$load_before" "$load_after" "${!missing[*]}" <<'PY'
import json, statistics, sys, platform, subprocess
raw, reps, started, before, after, missing = sys.argv[1:7]
rows = [json.loads(line) for line in open(raw)]
order = {"seed": 0, "small": 1, "wide": 2}
names = {"backprop": "Backprop.Functional", "numpy": "numpy", "torch": "PyTorch", "notebook": "seed notebook loop"}
groups = {}
for r in rows:
    groups.setdefault((r["workload"], r["threads"], r["peer"]), []).append(r["result"])
def median(results, key):
    return statistics.median(x[key] for x in results)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
versions = {r["peer"]: r["result"]["peer"] for r in rows}
print(f"Medians of {reps} interleaved repetitions, {started}; {cpu}, {__import__('os').cpu_count()} cores;")
print(f"load average (1, 5, 15 min) {before} before, {after} after. " + ", ".join(f"{names[p]}: {v}" for p, v in sorted(versions.items())) + ".")
if missing:
    print(f"Not measured (not installed): {missing}.")
print()
print("| workload | threads | peer | µs / step | samples / s | × numpy |")
print("|---|--:|---|--:|--:|--:|")
for (workload, threads, peer) in sorted(groups, key=lambda k: (order[k[0]], -k[1], list(names).index(k[2]))):
    results = groups[(workload, threads, peer)]
    us, sps = median(results, "us_per_step"), median(results, "samples_per_second")
    base = groups.get((workload, threads, "numpy"))
    ratio = f"{sps / median(base, 'samples_per_second'):.2f}" if base else "–"
    label = f"**{names[peer]}**" if peer == "backprop" else names[peer]
    print(f"| {workload} | {threads} | {label} | {us:,.1f} | {sps:,.0f} | {ratio} |")
wide = groups.get(("wide", max(t for (_, t, _) in groups), "backprop"))
if wide:
    print()
    print("Backprop.Functional, wide workload (medians): "
          f"{median(wide, 'allocated_bytes_per_step') / 1024:,.1f} KiB allocated per step, "
          f"GC collections gen0/1/2 {median(wide, 'gen0_collections'):g}/{median(wide, 'gen1_collections'):g}/{median(wide, 'gen2_collections'):g} "
          f"in {wide[0]['steps']} steps, {median(wide, 'gc_pause_seconds') * 1e3:.1f} ms paused, "
          f"peak working set {median(wide, 'peak_working_set_bytes') / 2**20:,.0f} MB.")
print(f"\nRaw results: {raw}")
PY
