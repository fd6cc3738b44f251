#!/usr/bin/env bash
# benchmarks/jobs/run.sh: times the job area's local work with go test -bench and
# prints a Markdown table: results.csv parse + summary, PNG and SVG plots and the
# terminal chart of a 10,000-step run, and reading 5,000 job events (50 pages)
# from the in-process fake. BENCHTIME (default 5x) sets the iterations.
set -euo pipefail
cd "$(dirname "$0")/../.."
bt=${BENCHTIME:-5x}
echo "$(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); -benchtime $bt"
echo
echo "| benchmark | ms/op | MB/s | allocs/op | MB alloc/op |"
echo "|---|---|---|---|---|"
go test -run '^$' -bench . -benchmem -benchtime "$bt" ./pkg/results ./pkg/jobs 2>&1 |
  awk '/^Benchmark/ {
    name=$1; sub(/-[0-9]+$/, "", name); ns=""; mbs="-"; allocs=""; bytes=""
    for (i = 3; i <= NF; i++) {
      if ($(i) == "ns/op") ns = $(i-1)
      if ($(i) == "MB/s") mbs = $(i-1)
      if ($(i) == "allocs/op") allocs = $(i-1)
      if ($(i) == "B/op") bytes = $(i-1)
    }
    printf "| %s | %.1f | %s | %s | %.1f |\n", name, ns / 1e6, mbs, allocs, bytes / 1048576
  }'
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)."
