#!/usr/bin/env bash
# jsonl parser throughput: MB/s of parsing a ~50 MB chat JSONL corpus (built in
# memory from the Go distribution's source text) with jsonl.Parser, jsonl.Parse,
# encoding/json and sonic, one goroutine. Prints a Markdown table (median of
# COUNT runs; wall-clock MB/s and MB per second of the process CPU time, which
# a loaded shared machine distorts less). Env: FTPREP_BENCH_MB (corpus size, default 50), COUNT (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${COUNT:-3}
before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkParse|BenchmarkCanonical|BenchmarkReader' -benchtime 3x -count "$count" -benchmem ./pkg/jsonl)
echo "Load before: $before (machine: $(nproc) cores; GOMAXPROCS=1; corpus ${FTPREP_BENCH_MB:-50} MB)"
echo
echo "| method | wall MB/s | CPU MB/s | B/op | allocs/op |"
echo "|---|---|---|---|---|"
echo "$out" | awk '/^Benchmark.*MB\/s/ {
  name=$1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
  for (i = 1; i <= NF; i++) { if ($(i+1) == "MB/s") mb = $i; if ($(i+1) == "cpu-MB/s") cm = $i; if ($(i+1) == "B/op") bo = $i; if ($(i+1) == "allocs/op") al = $i }
  if (!(name in seen)) { order[++n] = name; seen[name] = 1 }
  v[name] = v[name] " " mb; c[name] = c[name] " " cm; b[name] = bo; a[name] = al
}
END {
  for (k = 1; k <= n; k++) {
    name = order[k]; m = split(substr(v[name], 2), xs, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (xs[j] + 0 < xs[i] + 0) { t = xs[i]; xs[i] = xs[j]; xs[j] = t }
    wall = xs[int((m + 1) / 2)]
    m = split(substr(c[name], 2), xs, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (xs[j] + 0 < xs[i] + 0) { t = xs[i]; xs[i] = xs[j]; xs[j] = t }
    printf "| %s | %s | %s | %s | %s |\n", name, wall, xs[int((m + 1) / 2)], b[name], a[name]
  }
}'
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
