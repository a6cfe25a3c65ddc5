#!/usr/bin/env bash
# Sharding: a shard streams --files-from and keeps only its share. One shard of 64 over a list
# of 1,000,000 names must peak at about the RSS it has over a list of 10,000 (holding the whole
# list would add tens of MB: each name is a heap string and a vector slot). The names do not
# exist (each shard's share become "not found" records), so the test needs no files.
# usage: files_from_memory.sh HASHSIEVE_BIN WORK_DIR
set -uo pipefail
BIN=$1 WORK=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || fail "cannot use $WORK"
BOUND_MIB=24  # generous: measured 2.2 MiB (28.0 vs 30.2 MiB peak)
peak() {  # LINES: the shard's peak RSS in bytes over a list of LINES names
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; ++i) printf "/nonexistent/backlog/case%03d/IMG_%07d.jpg\n", i % 500, i }' >"list.$1"
  "$BIN" hash -q --threads 1 --files-from "list.$1" --shard 0/64 -o "out.$1.%i.jsonl" \
    --stats-json "stats.$1.%i.json" 2>err.txt
  [ $? -le 1 ] || fail "hash over $1 names: $(cat err.txt)"
  local records
  records=$(wc -l <"out.$1.0.jsonl")
  [ "$records" -gt $(($1 / 100)) ] && [ "$records" -lt $(($1 / 40)) ] ||
    fail "shard 0/64 of $1 names wrote $records records"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["peak_rss_bytes"])' "stats.$1.0.json"
}
small=$(peak 10000) || exit 1
large=$(peak 1000000) || exit 1
echo "peak RSS of shard 0/64: $((small >> 10)) KiB over 10,000 names, $((large >> 10)) KiB over 1,000,000"
[ $((large - small)) -lt $((BOUND_MIB << 20)) ] ||
  fail "the shard's memory grew by $(((large - small) >> 20)) MiB with the list (bound $BOUND_MIB MiB)"
echo PASS
