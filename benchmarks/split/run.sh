#!/usr/bin/env bash
# benchmarks/split/run.sh [SIZE_MiB]: generates a synthetic chat corpus (default
# 512 MiB), then times `ftprep split` on it (file input and stdin, with and
# without --dedupe/tokens) and prints a Markdown table: wall time, CPU seconds
# (user+sys) and peak RSS. Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."
mib=${1:-${SPLIT_BENCH_MIB:-512}}
work=$(mktemp -d "${TMPDIR:-/tmp}/ftprep-split-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/ftprep" ./cmd/ftprep
go run ./benchmarks/split/gen -size $((mib << 20)) > "$work/in.jsonl"
lines=$(wc -l < "$work/in.jsonl")
echo "Input: $mib MiB synthetic chat JSONL, $lines lines; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | wall s | CPU s | peak RSS MB | MB/s |"
echo "|---|---|---|---|---|"
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/manifest.json" 2> "$work/err" || { cat "$work/err" >&2; echo "| $name | failed | | | |"; return; }
  read -r wall user sys rss < "$work/time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$mib" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.0f | %.0f |\n", n, w, u + s, r / 1024, (w > 0 ? b * 1.048576 / w : 0) }'
  rm -f "$work/t.jsonl" "$work/v.jsonl"
}
run "split file, --no-tokens" "$work/ftprep" split "$work/in.jsonl" --train "$work/t.jsonl" --valid "$work/v.jsonl" --no-tokens --max-train-bytes 511MiB
run "split file, --dedupe --group-by, --no-tokens" "$work/ftprep" split "$work/in.jsonl" --train "$work/t.jsonl" --valid "$work/v.jsonl" --no-tokens --dedupe --group-by /messages/1/content --max-train-bytes 511MiB
run "split stdin (spooled), --no-tokens" sh -c "\"$work/ftprep\" split - --train \"$work/t.jsonl\" --valid \"$work/v.jsonl\" --no-tokens --max-train-bytes 511MiB < \"$work/in.jsonl\""
if [ "${SPLIT_BENCH_TOKENS:-0}" = 1 ]; then
  run "split file, with tokens" "$work/ftprep" split "$work/in.jsonl" --train "$work/t.jsonl" --valid "$work/v.jsonl" --max-train-bytes 511MiB
fi
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg). Token counting is off by default here (SPLIT_BENCH_TOKENS=1 adds it): its cost belongs to the tokens area's benchmark."
