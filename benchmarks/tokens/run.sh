#!/usr/bin/env bash
# Token counting speed: ftprep's counter (cold = fresh piece cache, text never
# seen; warm = second pass) vs github.com/pkoukk/tiktoken-go and, when node and
# npm tiktoken are present, npm tiktoken, on real text (Go source tree and docs,
# /usr/share/doc) and a multilingual mix. Prints a Markdown table on stdout.
# Usage: benchmarks/tokens/run.sh [MiB of real text, default 64] [MiB compared with the others, default 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
mib=${1:-64}
sample=${2:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FTPREP_NODE_DIR=${FTPREP_NODE_DIR:-$PWD/tools/node}
go build -o "$tmp/corpus" ./benchmarks/tokens/corpus
go build -o "$tmp/bench" ./benchmarks/tokens/bench
"$tmp/corpus" -kind real -mib "$mib" -o "$tmp/real.txt"
"$tmp/corpus" -kind multi -mib "$mib" -node "$FTPREP_NODE_DIR" -o "$tmp/multi.txt" 2>/dev/null
npm=()
if command -v node >/dev/null 2>&1 && [ -d "$FTPREP_NODE_DIR/node_modules/tiktoken" ]; then
  npm=(-npm-script benchmarks/tokens/npm-count.mjs)
fi
load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$tmp/bench" -header -label real -corpus "$tmp/real.txt" -sample "$sample" "${npm[@]}" 2>>"$tmp/notes"
"$tmp/bench" -label multilingual -corpus "$tmp/multi.txt" -sample "$sample" "${npm[@]}" 2>>"$tmp/notes"
echo
for enc in o200k_base cl100k_base; do
  "$tmp/bench" -stream -enc "$enc" -corpus "$tmp/real.txt" | sed 's/^/- counting alone, real: /'
done
echo
echo "Figures are MB (10^6 bytes of UTF-8 text) per CPU-second of one goroutine, except \"cold (wall)\"."
echo "tiktoken-go and npm tiktoken count the first $sample MiB of each corpus (same chunks of about 2 KiB);"
echo "\"sample totals equal\" compares the three token totals on that sample."
echo "$(nproc) cores; load average before/after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)."
sed 's/^/- /' "$tmp/notes"
