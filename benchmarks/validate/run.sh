#!/usr/bin/env bash
# End-to-end `ftprep validate` on a generated chat corpus (default 512 MiB):
# wall time, CPU seconds, throughput and peak RSS from /usr/bin/time -v.
# Prints a Markdown table on stdout. SIZE_MIB=64 for a quicker run.
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${SIZE_MIB:-512}
dir=benchmarks/out/validate
mkdir -p "$dir"
go build -o "$dir/ftprep" ./cmd/ftprep
data="$dir/corpus-${size}mib.jsonl"
if [ ! -f "$data" ]; then
  go run ./benchmarks/validate/gen -mib "$size" -o "$data" >&2
fi
bytes=$(stat -L -c %s "$data")
if [ ! -x /usr/bin/time ]; then
  echo "benchmarks/validate: /usr/bin/time not found (apt-get install time)" >&2
  exit 1
fi

echo "Input: $data, $bytes bytes (benchmarks/validate/gen, seed 1); $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall s | CPU s (user+sys) | MB/s (wall) | MB per CPU-s | peak RSS MiB | exit |"
echo "|---|---|---|---|---|---|---|"
for flags in "" "--no-tokens"; do
  set +e
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$dir/time.txt" "$dir/ftprep" validate --format json --max-findings 5 $flags "$data" > "$dir/out.json"
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then
    echo "ftprep validate failed (exit $code)" >&2
    cat "$dir/time.txt" >&2
    exit 1
  fi
  awk -v flags="validate ${flags:-(with tokens)}" -v bytes="$bytes" -v code="$code" '
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
    /User time \(seconds\)/   { user = $NF }
    /System time \(seconds\)/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF }
    END { cpu = user + sys; printf "| %s | %.2f | %.2f | %.1f | %.1f | %.0f | %d |\n", flags, wall, cpu, bytes / 1e6 / (wall > 0 ? wall : 1), bytes / 1e6 / (cpu > 0 ? cpu : 1), rss / 1024, code }
  ' "$dir/time.txt"
done
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
