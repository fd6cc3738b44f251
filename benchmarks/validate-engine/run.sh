#!/usr/bin/env bash
# Benchmark of the validate engine (issue 2): generates a corpus of real text
# (VALIDATE_BENCH_MB MiB, default 512) once, then validates it with and without
# token counting in fresh processes, printing a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${VALIDATE_BENCH_MB:-512}
dir=${VALIDATE_BENCH_DIR:-${TMPDIR:-/tmp}/ftprep-bench}
mkdir -p "$dir"
bin="$dir/validate-engine"
go build -o "$bin" ./benchmarks/validate-engine
corpus="$dir/corpus-${mb}.jsonl"
if [ ! -s "$corpus" ]; then
  "$bin" -gen "$corpus" -mb "$mb"
fi
echo "Load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(go version | cut -d' ' -f3)"
echo
"$bin" -run "$corpus" -no-tokens -header
"$bin" -run "$corpus"
