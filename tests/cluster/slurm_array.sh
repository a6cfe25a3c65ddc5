#!/usr/bin/env bash
# Sharding on a real (single-node, throw-away) Slurm cluster: the shipped sbatch template runs
# `hash` over the small corpus as a 4-task array plus its dependent merge job, with one task
# cancelled (scancel) and requeued and another one's hashsieve killed with -9, and the merged
# output must be byte-identical to one unsharded run; the same for `scan --format csv` against a
# list; `--shard auto` outside an array is exit 2; merge refusals. Skips (77) when not root, or
# without Slurm or the corpus ($HASHSIEVE_CORPUS). Daemons are stopped on every exit.
# usage: slurm_array.sh HASHSIEVE_BIN SOURCE_DIR WORK_DIR [DEFAULT_CORPUS]
set -uo pipefail
BIN=$1 SRC=$2 WORK=$3
CORPUS=${HASHSIEVE_CORPUS:-${4:-}}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmctld/slurmd/munged"
for t in slurmctld slurmd munged sbatch; do command -v "$t" >/dev/null || skip "$t not installed"; done
[ -n "$CORPUS" ] && [ -f "$CORPUS/manifest.jsonl" ] || skip "no corpus (HASHSIEVE_CORPUS)"

fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
# shellcheck source=tests/cluster/slurm_cluster.sh
source "$SRC/tests/cluster/slurm_cluster.sh"
rm -rf "$WORK" && mkdir -p "$WORK" || fail "cannot make $WORK"
trap 'hs_slurm_stop' EXIT
hs_slurm_start "$WORK/slurm" || fail "the cluster did not start"
echo "slurm: $(sinfo -V), node: $(sinfo -h -N -o '%N %c CPUs')"

state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
wait_state() {  # JOB STATE-REGEX SECONDS
  local i
  for ((i = 0; i < $3 * 5; ++i)); do
    [[ "$(state "$1")" =~ ^($2)$ ]] && return 0
    sleep 0.2
  done
  fail "job $1 is $(state "$1"), not $2, after $3 s"
}
# Journal entries committed (the first line is the header).
journal_entries() { [ -f "$1" ] && echo $(($(wc -l <"$1") - 1)) || echo 0; }
wait_journal() {  # FILE SECONDS
  local i
  for ((i = 0; i < $2 * 10; ++i)); do
    [ "$(journal_entries "$1")" -ge 1 ] && return 0
    sleep 0.1
  done
  fail "$1 got no entry in $2 s"
}
# The PID of our hashsieve running as array task $1 (found by binary and environment).
task_pid() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$(readlink -f "$BIN")" ] || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "SLURM_ARRAY_TASK_ID=$1" && {
      echo "${p#/proc/}"
      return 0
    }
  done
  return 1
}
submit() {  # OUT_DIR: submits the template; sets ARRAY and MERGE
  local ids
  ids=$(HS_BIN=$BIN HS_OUT=$1 HS_SHARDS=4 bash "$SRC/tools/cluster/hashsieve.sbatch" submit) ||
    fail "submit failed"
  read -r _ ARRAY _ MERGE <<<"$ids"
}

C=$CORPUS
# --- hash: 4-task array + merge, one task cancelled and requeued, one killed -9 -------------
"$BIN" hash "$C/images" "$C/bad" "$C/videos" -q --threads 2 -o "$WORK/single.jsonl" &
single=$!
t0=$(now)
HS_INPUTS="$C/images $C/bad $C/videos" submit "$WORK/hash"
echo "hash: array $ARRAY, merge $MERGE"
wait_state "${ARRAY}_1" RUNNING 60
wait_journal "$WORK/hash/journal.1" 60
scancel "${ARRAY}_1"
wait_state "${ARRAY}_1" CANCELLED 30
echo "hash: task 1 cancelled with $(journal_entries "$WORK/hash/journal.1") journal entries"
HS_SHARDS=4 bash "$SRC/tools/cluster/hashsieve.sbatch" requeue "$ARRAY" 1 "$MERGE" ||
  fail "requeue of ${ARRAY}_1"
wait_state "${ARRAY}_2" RUNNING 90
wait_journal "$WORK/hash/journal.2" 60
pid=$(task_pid 2) || fail "no hashsieve process for task 2"
kill -9 "$pid"
echo "hash: killed -9 task 2's hashsieve (pid $pid) at $(journal_entries "$WORK/hash/journal.2") journal entries"
wait_state "$MERGE" COMPLETED 300
t1=$(now)
wait "$single"
[ $? -le 1 ] || fail "the single hash run failed"
for i in 0 1 2 3; do
  [ "$(state "${ARRAY}_$i")" = COMPLETED ] || fail "task $i is $(state "${ARRAY}_$i")"
done
cmp "$WORK/single.jsonl" "$WORK/hash/out.jsonl" || fail "merged hash output differs"
grep -q 'retry 1' "$WORK/hash/slurm-${ARRAY}_2.log" || fail "task 2 was not resumed in place"
for i in 1 2; do
  loaded=$(sed -n 's/.*"journal_entries_loaded": \([0-9]*\).*/\1/p' "$WORK/hash/stats.$i.json")
  [ "${loaded:-0}" -ge 1 ] || fail "task $i did not resume from its journal"
  echo "hash: task $i resumed $loaded journal entries"
done
python3 - "$WORK/hash/stats.json" "$WORK/single.jsonl" <<'PY' || fail "merged stats do not add up"
import json, sys
s = json.load(open(sys.argv[1]))
n = sum(1 for _ in open(sys.argv[2], "rb"))
assert s["inputs"] == n and len(s["shards"]) == 4, (s["inputs"], n)
assert s["inputs"] == sum(x["inputs"] for x in s["shards"])
print("hash: shard sizes", [x["inputs"] for x in s["shards"]], "of", n)
PY
printf 'hash array: 4 tasks + merge, wall %.1f s, merged output identical (%s bytes)\n' \
  "$(awk "BEGIN { print $t1 - $t0 }")" "$(stat -c %s "$WORK/hash/out.jsonl")"

# --- scan --format csv against a list ----------------------------------------------------------
"$BIN" list build "$WORK/single.jsonl" -o "$WORK/list.hsl" >/dev/null || fail "list build"
"$BIN" scan "$C/images" "$C/bad" --list "$WORK/list.hsl" --format csv -q --threads 2 \
  -o "$WORK/single-scan.csv"
[ $? -le 1 ] || fail "the single scan run failed"
t0=$(now)
HS_COMMAND=scan HS_LIST=$WORK/list.hsl HS_FORMAT=csv HS_INPUTS="$C/images $C/bad" \
  submit "$WORK/scan"
wait_state "$MERGE" COMPLETED 300
t1=$(now)
cmp "$WORK/single-scan.csv" "$WORK/scan/out.csv" || fail "merged scan output differs"
printf 'scan array: 4 tasks + merge, wall %.1f s, merged csv identical (%s bytes)\n' \
  "$(awk "BEGIN { print $t1 - $t0 }")" "$(stat -c %s "$WORK/scan/out.csv")"

# --- --shard auto outside an array is a usage error, not a full run -----------------------------
job=$(sbatch --parsable --chdir="$WORK" --output=/dev/null \
  --wrap "exec '$BIN' hash --shard auto -q -o '$WORK/noarray.%i.jsonl' '$C/bad'")
wait_state "$job" 'FAILED|COMPLETED' 60
scontrol show job "$job" | grep -q 'ExitCode=2:0' || fail "--shard auto outside an array: $(
  scontrol show job "$job" | grep -o 'ExitCode=[0-9:]*')"
[ ! -e "$WORK/noarray.0.jsonl" ] || fail "--shard auto outside an array wrote output"

# --- merge refusals, each naming the culprit ----------------------------------------------------
refuse() {  # EXPECTED-STATUS EXPECTED-TEXT MERGE-ARGS...
  local want=$1 text=$2
  shift 2
  "$BIN" merge "$@" -o "$WORK/refused.jsonl" 2>"$WORK/refusal.txt"
  local rc=$?
  [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$WORK/refusal.txt" ||
    fail "merge $*: status $rc, expected $want with '$text': $(cat "$WORK/refusal.txt")"
  echo "refused ($rc): $(head -n 1 "$WORK/refusal.txt")"
}
H=$WORK/hash
refuse 2 "shard 3 of 4 is missing" "$H/out.0.jsonl" "$H/out.1.jsonl" "$H/out.2.jsonl"
cp "$H/out.2.jsonl" "$WORK/dup.jsonl" && cp "$H/out.2.jsonl.shard" "$WORK/dup.jsonl.shard"
refuse 2 "duplicate shard 2" "$H"/out.{0,1,2,3}.jsonl "$WORK/dup.jsonl"
head -c 1000 "$H/out.2.jsonl" >"$WORK/dup.jsonl"
refuse 3 "$WORK/dup.jsonl: truncated" "$H"/out.{0,1,3}.jsonl "$WORK/dup.jsonl"
refuse 2 "different options" "$H"/out.{0,1,2}.jsonl "$WORK/scan/out.3.csv"
[ ! -e "$WORK/refused.jsonl" ] || fail "a refused merge left an output"
echo "PASS"
