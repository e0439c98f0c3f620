#!/usr/bin/env bash
# Runs every notebook under notebooks/ headless with dotnet-repl (the local tool pinned in
# .config/dotnet-tools.json) against the Debug build, and fails when
#   - dotnet-repl exits non-zero (it exits 2 when a cell errors),
#   - the executed notebook holds an error output (a cell that threw, such as a notebook's own
#     check of a value it states, or a cell that did not compile), or
#   - its outputs differ from the committed ones: a committed notebook carries its outputs so it
#     reads well without running, and they must be what it prints now.
# Usage:
#   tools/run-notebooks.sh            check every notebook (what .ci/run does; run `dotnet build` first)
#   tools/run-notebooks.sh --update   run every notebook and write its outputs back into it
set -euo pipefail
cd "$(dirname "$0")/.."

update=false
case "${1:-}" in
  "") ;;
  --update) update=true ;;
  *) echo "usage: tools/run-notebooks.sh [--update]" >&2; exit 2 ;;
esac

dotnet tool restore > /dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The execution times dotnet-repl writes into each cell's metadata change on every run.
outputs_of() { grep -v '"dotnet_repl_cellExecution' "$1"; }

failed=0
shopt -s nullglob
for notebook in notebooks/*.ipynb; do
  name="$(basename "$notebook")"
  executed="$work/$name"
  started=$SECONDS
  # From the notebook's own folder: its #r paths are relative to it, as in VS Code and Jupyter.
  if ! (cd notebooks && timeout 900 dotnet tool run dotnet-repl --run "$name" --exit-after-run --output-path "$executed" < /dev/null > "$work/$name.log" 2>&1); then
    echo "$notebook: dotnet-repl exited with an error"
    tail -n 20 "$work/$name.log"
    failed=1
  fi
  seconds=$((SECONDS - started))
  if [[ ! -s "$executed" ]]; then
    echo "$notebook: no executed notebook was written"
    failed=1
    continue
  fi
  if grep -q '"output_type": "error"' "$executed"; then
    echo "$notebook: a cell failed:"
    grep '"evalue"' "$executed" | cut -c1-400
    failed=1
    continue
  fi
  if $update; then
    cp "$executed" "$notebook"
    echo "$notebook: ran in ${seconds} s with no cell error; outputs written back"
  elif ! diff -q <(outputs_of "$notebook") <(outputs_of "$executed") > /dev/null; then
    echo "$notebook: ran with no cell error, but its outputs differ from the committed ones (run tools/run-notebooks.sh --update and commit):"
    diff <(outputs_of "$notebook") <(outputs_of "$executed") | head -n 40 || true
    failed=1
  else
    echo "$notebook: ran in ${seconds} s with no cell error; outputs as committed"
  fi
done
exit "$failed"
