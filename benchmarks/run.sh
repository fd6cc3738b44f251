#!/usr/bin/env bash
# make bench: runs every area's benchmark script and appends the figures, with
# the machine and date, to benchmarks/out/results.md (copy what you keep into
# benchmarks/README.md). Each script prints a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/out
out=benchmarks/out/results.md
{
  echo "## make bench — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3-4), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo
} > "$out"
for d in benchmarks/*/; do
  s=$(basename "$d")
  if [ -f "benchmarks/$s/run.sh" ]; then
    echo "### $s" | tee -a "$out"
    bash "benchmarks/$s/run.sh" | tee -a "$out"
    echo | tee -a "$out"
  fi
done
echo "figures written to $out"
