#!/usr/bin/env bash
# Whole-scan throughput and peak memory of a release build over the public corpus, with one
# and with two worker threads. Usage: bench/scan.sh [CORPUS_DIR] [RUNS]
# Prints, per thread count, the best wall time of RUNS runs, files/s, MB/s and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-${PGGUARD_CORPUS:-../shared/corpus}}
runs=${2:-5}
cargo build --release --quiet
bin=target/release/pgguard
files=$(find "$corpus" -type f \( -name '*.bicep' -o -name '*.bicepparam' -o -name '*.json' \) | wc -l)
bytes=$(find "$corpus" -type f \( -name '*.bicep' -o -name '*.bicepparam' -o -name '*.json' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "corpus: $corpus, $files files, $((bytes / 1000000)) MB"
for threads in 1 2; do
  best=""
  peak=0
  for _ in $(seq "$runs"); do
    # Exit status 1 is expected: the corpus holds intentionally invalid samples.
    out=$( { /usr/bin/time -f "%e %M" "$bin" scan "$corpus" --format json --fail-on never --threads "$threads" > /dev/null || true; } 2>&1 | tail -n 1)
    read -r secs kb <<< "$out"
    if [ -z "$best" ] || awk "BEGIN {exit !($secs < $best)}"; then best=$secs; fi
    if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
  done
  awk -v t="$threads" -v s="$best" -v f="$files" -v b="$bytes" -v k="$peak" \
    'BEGIN {printf "threads=%d  best %.2f s  %.0f files/s  %.1f MB/s  peak RSS %.0f MB\n", t, s, f / s, b / s / 1e6, k / 1024}'
done
