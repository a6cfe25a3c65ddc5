#!/usr/bin/env bash
# Throughput vs shard count on this machine: for each N, N `hashsieve hash --shard I/N`
# processes run at once (threads split evenly, at least 1 each) over the same inputs, then
# `hashsieve merge`; prints files/s of the whole array, the merge time, and checks the merged
# output against the N=1 run byte for byte. One task per GPU: add `--device cuda` through
# HS_ARGS and pin each process with CUDA_VISIBLE_DEVICES (documented in README).
# usage: bench/shard_scaling.sh HASHSIEVE INPUT_DIR WORK_DIR [SHARD_COUNTS...]  (default 1 2 4 8)
set -euo pipefail
BIN=$1 IN=$2 WORK=$3
shift 3
if [ $# -gt 0 ]; then COUNTS=("$@"); else COUNTS=(1 2 4 8); fi
CORES=$(nproc)
rm -rf "$WORK" && mkdir -p "$WORK"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $CORES cores," \
  "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %-8s %-8s %-10s %-10s %s\n' shards threads files wall_s files/s merge_s
for n in "${COUNTS[@]}"; do
  d=$WORK/n$n
  mkdir -p "$d"
  threads=$((CORES / n > 0 ? CORES / n : 1))
  t0=$(date +%s.%N)
  pids=()
  for ((i = 0; i < n; ++i)); do
    # shellcheck disable=SC2086
    "$BIN" hash --shard "$i/$n" --threads "$threads" -q -o "$d/out.%i.jsonl" ${HS_ARGS:-} "$IN" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || [ $? -eq 1 ]; done
  t1=$(date +%s.%N)
  "$BIN" merge "$d/out.%i.jsonl" -o "$d/merged.jsonl" || [ $? -eq 1 ]
  t2=$(date +%s.%N)
  files=$(wc -l <"$d/merged.jsonl")
  if [ "$n" != "${COUNTS[0]}" ]; then
    cmp -s "$WORK/n${COUNTS[0]}/merged.jsonl" "$d/merged.jsonl" || {
      echo "merged output of $n shards differs from ${COUNTS[0]} shard(s)" >&2
      exit 1
    }
  fi
  awk -v n="$n" -v th="$threads" -v f="$files" -v a="$t0" -v b="$t1" -v c="$t2" \
    'BEGIN { printf "%-7d %-8d %-8d %-10.2f %-10.1f %.3f\n", n, th, f, b - a, f / (b - a), c - b }'
done
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
