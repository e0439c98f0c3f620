#!/usr/bin/env bash
# Backprop.Functional against numpy and PyTorch on the workloads of the performance issue (seed,
# small, wide, and networks of several shapes with layers of 100-1000 units and batches of 64-256),
# and, on the seed workload, against the seed notebook's own per-sample loop; plus a "dgemm" line:
# a 1024x1024 float64 product through our MatrixProduct against numpy's own (its BLAS).
# Side by side: every repetition runs all peers on a workload back to back (in an order that
# rotates), so that they share the machine's load; the table reports medians and, for each
# repetition, our throughput over numpy's in that repetition.
#
#   benchmarks/compare.sh [--reps N] [--threads "2 1"] [--workloads "seed small ..."] [--blas-core auto|none|NAME]
#                         [--peer-malloc reuse|default] [--no-build] [--raw FILE]
#
# --blas-core: OpenBLAS picks its kernel from the CPU's model; in a virtual machine that hides the
# model it may fall back to a generic SSE3 one (Prescott), far below what it runs on the same
# hardware otherwise. auto (default) sets OPENBLAS_CORETYPE for the peers to SkylakeX where the CPU
# has AVX-512, Haswell where it has AVX2, replacing a value the environment set (and saying so);
# none leaves the environment's.
# The table names the kernel numpy ran.
#
# Before and after the run, each CPU's own speed is measured alone (a 256² product pinned to it with
# taskset) and printed above the table: on a shared host one CPU can run 20-30% slower than the
# other for minutes, and that moves every two-thread figure. So does where the host placed the two
# CPUs: with a C compiler and AVX-512, the round trip of a cache line between them is measured too
# (benchmarks/probes/cross_core.c's first line): about 100 ns when they share a die, 450-550 when they
# do not (this VM has shown both within one hour), and a split step pays it on every value it hands over.
#
# --peer-malloc: numpy and PyTorch allocate fresh arrays every step. glibc maps an array above its
# mmap threshold anew and unmaps it when freed, so each one faults in its pages again, step after
# step; on a virtual machine whose page faults are slow that can cost the peer more than its
# arithmetic (numpy's big workload ran 4x slower). reuse (default) sets GLIBC_TUNABLES for the
# Python peers so freed memory stays in the heap for the next step's arrays, as Backprop.Functional
# reuses its workspace; default leaves glibc's own settings. An already set GLIBC_TUNABLES is kept.
#
# Needs the .NET SDK and, for the peers, apt-get install python3-numpy python3-torch libopenblas0-pthread.
# A peer that cannot run (no numpy, no torch) is left out of the table with a note.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=5
thread_counts="2 1"
build=1
raw=""
only=""
blas_core=auto
peer_malloc=reuse
while [[ $# -gt 0 ]]; do
  case $1 in --reps|--threads|--raw|--workloads|--blas-core|--peer-malloc)
    [[ $# -ge 2 && -n $2 ]] || { echo "$1 needs a value that is not empty (see --help)" >&2; exit 2; } ;;
  esac
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --threads) thread_counts=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --raw) raw=$2; shift 2 ;;
    --workloads) only=$2; shift 2 ;;
    --blas-core) blas_core=$2; shift 2 ;;
    --peer-malloc) peer_malloc=$2; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# Set only in the Python peers' environment (run_peer); 4 GiB thresholds: nothing a peer allocates is mapped apart or trimmed.
peer_env=()
case $peer_malloc in
  reuse) peer_env=("GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296}") ;;
  default) [[ -n ${GLIBC_TUNABLES:-} ]] && peer_env=("GLIBC_TUNABLES=$GLIBC_TUNABLES") ;;
  *) echo "--peer-malloc must be reuse or default, not '$peer_malloc'" >&2; exit 2 ;;
esac

python=${PYTHON:-/usr/bin/python3}
[[ -x $python ]] || python=python3
raw=${raw:-$(mktemp -t compare.XXXXXX.jsonl)}
: >"$raw"

if [[ $build == 1 ]]; then
  dotnet build -c Release "$root/src/Backprop.Cli" -v quiet -nologo >/dev/null
fi
backprop="$root/src/Backprop.Cli/bin/Release/net10.0/backprop"

if [[ $blas_core == auto ]]; then
  inherited=${OPENBLAS_CORETYPE:-}
  if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell
  fi
  # A kernel set by the machine's environment may be the slower one (Haswell on an AVX-512 EPYC:
  # 89 against 149 GFLOP/s for numpy's 1024² product): the peers get the fastest the CPU runs.
  if [[ -n $inherited && $inherited != "${OPENBLAS_CORETYPE:-}" ]]; then
    echo "compare.sh: OPENBLAS_CORETYPE=$inherited from the environment replaced by ${OPENBLAS_CORETYPE:-the kernel OpenBLAS picks} (--blas-core $inherited keeps it)" >&2
  fi
elif [[ $blas_core != none ]]; then
  export OPENBLAS_CORETYPE=$blas_core
fi

# The three workloads exactly as the issue states them, then networks whose layers have
# 100-1000 units trained with batches of 64-256, then the 1024x1024 product.
all_workloads=(
  "seed|--layers 10,32,32,32,32,32,32,2 --batch-size 1 --rows 1 --epochs 200"
  "small|--layers 64,128,64,10 --batch-size 32 --rows 4096 --epochs 3"
  "wide|--layers 784,256,128,10 --batch-size 64 --rows 8192 --epochs 2"
  "narrow|--layers 100,200,100,10 --batch-size 64 --rows 16384 --epochs 3"
  "mid|--layers 256,512,512,10 --batch-size 128 --rows 8192 --epochs 2"
  "funnel|--layers 512,256,128,10 --batch-size 256 --rows 16384 --epochs 2"
  "big|--layers 1000,1000,1000,10 --batch-size 256 --rows 4096 --epochs 1"
  "dgemm|--product 1024"
)
workloads=()
for entry in "${all_workloads[@]}"; do
  if [[ -z $only || " $only " == *" ${entry%%|*} "* ]]; then workloads+=("$entry"); fi
done
peers=(backprop numpy torch notebook)
declare -A missing=()
for peer in numpy torch notebook; do
  module=$peer; [[ $peer == notebook ]] && module=numpy
  if ! "$python" -c "import $module" 2>/dev/null; then missing[$peer]=1; fi
done

run_peer() { # peer threads flags...
  local peer=$1 threads=$2; shift 2
  local script
  case $peer in
    backprop) "$backprop" bench "$@" --threads "$threads" --json; return ;;
    numpy) if [[ $1 == --product ]]; then script=numpy_dgemm.py; else script=numpy_bench.py; fi ;;
    torch) script=torch_bench.py ;;
    notebook) script=seed_notebook_loop.py ;;
  esac
  (cd "$root/benchmarks/peers" && env "${peer_env[@]}" "$python" "$script" "$@" --threads "$threads" --json)
}

# Each CPU's own speed, alone: a 256² product pinned to it. On a shared host one CPU may run
# slower than the other for minutes at a time (another guest's work on its core), and a step
# split over both waits for the slower one; the table says what the CPUs did around the run.
cpu_speeds() {
  if ! command -v taskset >/dev/null; then echo "not measured (no taskset)"; return; fi
  local cpu speeds=()
  for cpu in $("$python" -c 'import os; print(*sorted(os.sched_getaffinity(0)))'); do
    speeds+=("CPU $cpu $( (taskset -c "$cpu" "$backprop" bench --product 256 --threads 1 --json | "$python" -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["gflops"])') 2>/dev/null || echo "?")")
  done
  local joined
  printf -v joined '%s, ' "${speeds[@]}"
  echo "${joined%, }"
}
# The cross-core probe, built once for this run (removed at exit).
probe=""
if command -v cc >/dev/null && grep -qw avx512f /proc/cpuinfo; then
  probe=$(mktemp -t cross_core.XXXXXX)
  trap 'rm -f "$probe"' EXIT
  cc -O2 -mavx512f -pthread "$root/benchmarks/probes/cross_core.c" -o "$probe" 2>/dev/null || probe=""
fi
round_trip() {
  if [[ -z $probe ]]; then echo "not measured (no C compiler or no AVX-512)"; return; fi
  local out
  out=$("$probe" 2>/dev/null) || { echo "?"; return; }
  grep -o '[0-9]* ns' <<<"${out%%$'\n'*}" || echo "?"
}
speeds_before=$(cpu_speeds)
trip_before=$(round_trip)
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
        # Only numpy has a product of its own to set beside ours.
        [[ $name == dgemm && $peer != backprop && $peer != numpy ]] && continue
        json=$(run_peer "$peer" "$threads" "${flags[@]}")
        echo "{\"workload\": \"$name\", \"peer\": \"$peer\", \"threads\": $threads, \"rep\": $rep, \"load\": \"$(cut -d' ' -f1 /proc/loadavg)\", \"result\": $json}" >>"$raw"
      done
    done
  done
  echo "repetition $rep of $reps done" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
speeds_after=$(cpu_speeds)
trip_after=$(round_trip)

"$python" - "$raw" "$reps" "$started" "$load_before" "$load_after" "${!missing[*]}" "${OPENBLAS_CORETYPE:-}" "${peer_env[*]}" "$speeds_before" "$speeds_after" "$trip_before" "$trip_after" <<'PY'
import json, os, platform, statistics, sys
raw, reps, started, before, after, missing, coretype, peer_env, speeds_before, speeds_after, trip_before, trip_after = sys.argv[1:13]
rows = [json.loads(line) for line in open(raw)]
order = ["seed", "small", "wide", "narrow", "mid", "funnel", "big", "dgemm"]
names = {"backprop": "Backprop.Functional", "numpy": "numpy", "torch": "PyTorch", "notebook": "seed notebook loop"}
groups, by_rep = {}, {}
for r in rows:
    groups.setdefault((r["workload"], r["threads"], r["peer"]), []).append(r["result"])
    by_rep[(r["workload"], r["threads"], r["peer"], r["rep"])] = r["result"]
median = lambda results, key: statistics.median(x[key] for x in results)
def flops_per_sample(layers):
    w = [int(x) for x in layers.split(",")]
    return sum(2 * w[i] * w[i + 1] * (2 if i == 0 else 3) for i in range(len(w) - 1))
def speed(result):  # what "× numpy" compares: samples/s, or GFLOP/s for the product
    return result["gflops"] if "product" in result else result["samples_per_second"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
versions = {}
for r in rows:
    versions.setdefault(r["peer"], set()).add(r["result"]["peer"])
print(f"Medians of {reps} interleaved repetitions, {started}; {cpu}, {os.cpu_count()} cores;")
print(f"load average (1, 5, 15 min) {before} before, {after} after. " + "; ".join(f"{names[p]}: {', '.join(sorted(v))}" for p, v in sorted(versions.items()))
      + (f". OPENBLAS_CORETYPE={coretype} for the peers" if coretype else "")
      + (f"; {peer_env} for the Python peers." if peer_env else "."))
print(f"Each CPU alone (GFLOP/s of a 256² product pinned to it): {speeds_before} before; {speeds_after} after.")
print(f"A cache line's round trip between the CPUs (benchmarks/probes/cross_core.c): {trip_before} before, {trip_after} after.")
if missing:
    print(f"Not measured (not installed): {missing}.")
print()
print("| workload | threads | peer | µs / step | samples / s | products GFLOP/s | × numpy (median) | × numpy per repetition | % of numpy dgemm |")
print("|---|--:|---|--:|--:|--:|--:|---|--:|")
for (workload, threads, peer) in sorted(groups, key=lambda k: (order.index(k[0]), -k[1], list(names).index(k[2]))):
    results = groups[(workload, threads, peer)]
    base = groups.get((workload, threads, "numpy"))
    ratio = f"{median(results, 'gflops' if workload == 'dgemm' else 'samples_per_second') / median(base, 'gflops' if workload == 'dgemm' else 'samples_per_second'):.2f}" if base and peer != "numpy" else "–"
    reps_ratio = []
    for rep in sorted({r["rep"] for r in rows}):
        ours, theirs = by_rep.get((workload, threads, peer, rep)), by_rep.get((workload, threads, "numpy", rep))
        if ours and theirs and peer != "numpy":
            reps_ratio.append(f"{speed(ours) / speed(theirs):.2f}")
    label = f"**{names[peer]}**" if peer == "backprop" else names[peer]
    dgemm = groups.get(("dgemm", threads, "numpy"))
    if workload == "dgemm":
        gflops = median(results, "gflops")
        print(f"| dgemm 1024² | {threads} | {label} | {median(results, 'median_seconds') * 1e6:,.0f} | – | {gflops:,.1f} | {ratio} | {' '.join(reps_ratio) or '–'} | {100 * gflops / median(dgemm, 'gflops'):.0f}% |" if dgemm else
              f"| dgemm 1024² | {threads} | {label} | {median(results, 'median_seconds') * 1e6:,.0f} | – | {gflops:,.1f} | {ratio} | {' '.join(reps_ratio) or '–'} | – |")
        continue
    us, sps = median(results, "us_per_step"), median(results, "samples_per_second")
    gflops = flops_per_sample(results[0]["layers"]) * sps / 1e9
    share = f"{100 * gflops / median(dgemm, 'gflops'):.0f}%" if dgemm else "–"
    print(f"| {workload} | {threads} | {label} | {us:,.1f} | {sps:,.0f} | {gflops:,.1f} | {ratio} | {' '.join(reps_ratio) or '–'} | {share} |")
print()
print("products GFLOP/s: the floating-point operations of the step's matrix products (X·Wᵀ, δᵀ·X and δ·W of every layer)")
print("over the whole step's time, activations, loss and update included; % of numpy dgemm sets it against numpy's own")
print("1024² product measured in the same run on as many threads.")
wide = groups.get(("wide", max(t for (_, t, _) in groups), "backprop"))
if wide:
    print()
    print("Backprop.Functional, wide workload (medians): "
          f"{median(wide, 'allocated_bytes_per_step') / 1024:,.1f} KiB allocated per step, "
          f"GC collections gen0/1/2 {median(wide, 'gen0_collections'):g}/{median(wide, 'gen1_collections'):g}/{median(wide, 'gen2_collections'):g} "
          f"in {wide[0]['steps']} steps × {median(wide, 'repetitions'):g} run(s), {median(wide, 'gc_pause_seconds') * 1e3:.1f} ms paused, "
          f"peak working set {median(wide, 'peak_working_set_bytes') / 2**20:,.0f} MB.")
print(f"\nRaw results: {raw}")
PY
