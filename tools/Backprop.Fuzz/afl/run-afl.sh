#!/usr/bin/env bash
# Coverage-guided fuzzing of one reader with afl-fuzz and SharpFuzz.
# Usage: tools/Backprop.Fuzz/afl/run-afl.sh csv|safetensors SECONDS [WORKDIR]
# Needs afl++ (apt-get install afl++) and sharpfuzz (dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0).
set -euo pipefail
reader=$1 seconds=$2 work=${3:-/tmp/backprop-afl}
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
PATH="$PATH:$HOME/.dotnet/tools"
mkdir -p "$work"

# The seeds come from an uninstrumented build: instrumented code only runs under afl-fuzz.
dotnet build "$repo/tools/Backprop.Fuzz" -c Release -v quiet
dotnet "$repo/tools/Backprop.Fuzz/bin/Release/net10.0/Backprop.Fuzz.dll" --write-seeds "$work/seeds"

dotnet publish "$repo/tools/Backprop.Fuzz" -c Release -o "$work/bin" -v quiet
sharpfuzz "$work/bin/Backprop.Functional.IO.dll"
sharpfuzz "$work/bin/Backprop.Functional.dll"

# No core-dump handler, shared cores and a managed binary: afl's start-up checks do not apply.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
nice -n 10 afl-fuzz -i "$work/seeds/$reader" -o "$work/findings-$reader" -x "$repo/tools/Backprop.Fuzz/afl/$reader.dict" \
  -t 5000 -m none -V "$seconds" -- dotnet "$work/bin/Backprop.Fuzz.dll" --afl "$reader"

# Judge what afl saved with the uninstrumented build.
shopt -s nullglob
saved=("$work/findings-$reader"/default/crashes/id* "$work/findings-$reader"/default/hangs/id*)
if ((${#saved[@]})); then dotnet "$repo/tools/Backprop.Fuzz/bin/Release/net10.0/Backprop.Fuzz.dll" --replay "$reader" "${saved[@]}"; fi
grep -E "run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs" "$work/findings-$reader/default/fuzzer_stats"
