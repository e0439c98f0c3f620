#!/usr/bin/env bash
# Mutation testing with Stryker.NET (a local tool, .config/dotnet-tools.json): the pure core
# (src/Backprop.Functional) and the IO readers, one command. Not part of .ci/run: a whole run
# takes over an hour on two cores. Reports go to mutation-reports/ (gitignored).
#
#   tools/mutation.sh                          # core, then the IO readers
#   tools/mutation.sh --target core --files '**/Activations/Softmax.cs'
#   tools/mutation.sh --target io --files '**/Csv*.cs' --concurrency 2
#   tools/mutation.sh --target core --files '**/Rng.cs' --tests 'FullyQualifiedName~RngTests'
#
# Options: --target core|io|all (default all); --files GLOB (repeatable; a Stryker mutate glob,
# default every file of the core, or the readers below for io); --concurrency N (default 1);
# --tests FILTER (a dotnet test filter: only these tests run against the mutants, so the score is
# a lower bound, but a run of a few files takes minutes instead of the whole suite's hour).
# Prints, per target, the mutants Stryker tested, its status counts, the score of each file and
# the time taken. Survivors judged equivalent are listed in tools/mutation-equivalent.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

target=all
concurrency=1
files=()
tests=""
while [[ $# -gt 0 ]]; do
    case "$1" in --target|--files|--concurrency|--tests)
        [[ $# -ge 2 && -n "$2" ]] || { echo "mutation.sh: $1 needs a value that is not empty (see --help)" >&2; exit 2; } ;;
    esac
    case "$1" in
        --target) target="$2"; shift 2 ;;
        --files) files+=("$2"); shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --tests) tests="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "mutation.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$target" in core|io|all) ;; *) echo "mutation.sh: --target must be core, io or all, not '$target'" >&2; exit 2 ;; esac
[[ "$concurrency" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "mutation.sh: --concurrency must be a whole number from 1 to 999, not '$concurrency'" >&2; exit 2; }
# The scores are read from Stryker's JSON report with jq; check before a run of half an hour, not after.
for tool in jq column; do
    command -v "$tool" > /dev/null || { echo "mutation.sh: needs $tool (apt-get install jq bsdextrautils)" >&2; exit 2; }
done

# The readers of src/Backprop.Functional.IO: everything that turns bytes from a file into values.
io_readers=('**/Csv.cs' '**/CsvTable.cs' '**/CsvReader.cs' '**/CsvColumn.cs' '**/CsvDialect.cs' '**/TextScan.cs'
    '**/PlainDecimal.cs' '**/TextBudget.cs' '**/SideThread.cs' '**/ParquetTable.cs' '**/TabularData.cs' '**/FileInput.cs'
    '**/FileRegionStream.cs' '**/SafeTensors.cs' '**/SafeTensorsFile.cs' '**/Tensor.cs' '**/ModelReader.cs'
    '**/NetworkTensors.cs' '**/SchemaMetadata.cs' '**/StateFile.cs' '**/Seal.cs')

# Tests that start the CLI as a child process never see the mutant (Stryker switches it on inside
# the test process), so every mutant would fail them: false kills. They are left out of the run.
child_process_tests=(StateStorageTests DiskTroubleTests InterruptionTests CrashTests ReplayTests
    BackpropCliTests HostileRunDirectoryTests BenchCommandTests RunRefusalTests)
filter=""
for t in "${child_process_tests[@]}"; do filter+="${filter:+&}FullyQualifiedName!~.${t}."; done
[[ -n "$tests" ]] && filter="($tests)&$filter"

dotnet tool restore > /dev/null
reports="$PWD/mutation-reports"
mkdir -p "$reports"

run() {
    local name="$1" project="$2"; shift 2
    local globs=("$@") out="$reports/$name-$(date -u +%Y%m%dT%H%M%SZ)"
    local args=()
    for g in "${globs[@]}"; do args+=(--mutate "$g"); done
    echo "== $name: $project, mutating ${globs[*]}, concurrency $concurrency"
    local start; start=$(date +%s)
    (cd tests/Backprop.Functional.Tests && dotnet stryker --project "$project" --configuration Debug \
        --concurrency "$concurrency" --test-case-filter "$filter" --skip-version-check \
        --reporter Json --reporter Html --reporter Progress --output "$out" "${args[@]}")
    local elapsed=$(( $(date +%s) - start ))
    local json="$out/reports/mutation-report.json"
    [[ -f "$json" ]] || { echo "mutation.sh: no report at $json" >&2; return 1; }
    # Score = (killed + timeout) / (killed + timeout + survived + no coverage), per file and in total.
    jq -r '
      def score(ms): (ms | map(select(.status == "Killed" or .status == "Timeout")) | length) as $k
        | (ms | map(select(.status == "Killed" or .status == "Timeout" or .status == "Survived" or .status == "NoCoverage")) | length) as $n
        | {k: $k, n: $n, s: (ms | map(select(.status == "Survived")) | length), c: (ms | map(select(.status == "NoCoverage")) | length),
           t: (ms | map(select(.status == "Timeout")) | length), pct: (if $n == 0 then "-" else ((1000 * $k / $n | floor) / 10 | tostring) + "%" end)};
      (.files | to_entries | sort_by(.key) | .[] | (score(.value.mutants)) as $s | select($s.n > 0)
        | "\(.key | split("/src/")[-1])\tmutants \($s.n)\tkilled \($s.k) (timeout \($s.t))\tsurvived \($s.s)\tno coverage \($s.c)\tscore \($s.pct)"),
      ([.files[].mutants[]] | score(.) | "TOTAL\tmutants \(.n)\tkilled \(.k) (timeout \(.t))\tsurvived \(.s)\tno coverage \(.c)\tscore \(.pct)")
    ' "$json" | column -t -s $'\t'
    echo "== $name: $(printf '%dm%02ds' $((elapsed / 60)) $((elapsed % 60))), report $out/reports/mutation-report.html"
}

if [[ $target == core || $target == all ]]; then
    if [[ ${#files[@]} -gt 0 ]]; then run core Backprop.Functional.csproj "${files[@]}"; else run core Backprop.Functional.csproj '**/*.cs'; fi
fi
if [[ $target == io || $target == all ]]; then
    if [[ ${#files[@]} -gt 0 ]]; then run io Backprop.Functional.IO.csproj "${files[@]}"; else run io Backprop.Functional.IO.csproj "${io_readers[@]}"; fi
fi
