#!/usr/bin/env bash
# Issue 13 without a scheduler (runs everywhere, in seconds): sharded `hash` runs merged back
# must equal the unsharded output byte for byte in jsonl, csv and pdq, over nested directories,
# bad files and a --files-from list; `--shard auto` from Slurm and Kubernetes variables; usage
# errors (exit 2) for a missing environment and an untemplated output; files added to the tree
# keep their shard. Images are made here with ImageMagick.
# usage: shard_cli.sh HASHSIEVE_BIN WORK_DIR
set -uo pipefail
BIN=$1 WORK=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v convert >/dev/null || { echo "SKIP: ImageMagick convert is absent"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK/in/a/b" "$WORK/in/c" "$WORK/more" || fail "mkdir $WORK"
cd "$WORK" || fail "cd $WORK"
for i in $(seq 0 29); do
  d=in/a; [ $((i % 3)) -eq 1 ] && d=in/a/b; [ $((i % 3)) -eq 2 ] && d=in/c
  convert -size 40x30 "plasma:" -seed "$i" "$d/img $i.png" 2>/dev/null ||
    convert -size 40x30 "xc:rgb($((i * 8)),$((255 - i * 8)),90)" "$d/img $i.png"
done
printf 'not an image' >in/c/bad.jpg
: >in/a/empty.png
convert -size 24x24 xc:red more/loose.jpg
printf '%s\n' "$WORK/more/loose.jpg" "$WORK/in/a/b" "$WORK/missing.png" >list.txt

run() {  # expected statuses 0 or 1 (error records); anything else fails
  "$BIN" "$@" 2>err.txt
  local rc=$?
  [ "$rc" -le 1 ] || fail "hashsieve $*: status $rc: $(cat err.txt)"
}
for fmt in jsonl csv pdq; do
  run hash -q in --files-from list.txt --format "$fmt" -o "single.$fmt"
  for i in 0 1 2; do
    run hash -q in --files-from list.txt --format "$fmt" --shard "$i/3" -o "out.%i.$fmt"
  done
  run merge out.2.$fmt out.0.$fmt out.1.$fmt -o "merged.$fmt"
  cmp "single.$fmt" "merged.$fmt" || fail "$fmt: merged output differs"
  echo "$fmt: 3 shards merged identical ($(wc -l <"single.$fmt") lines)"
done

# --shard auto from a Slurm array (ids 1-3) and from a Kubernetes Indexed Job.
for id in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 SLURM_ARRAY_TASK_COUNT=3 \
    run hash -q in --files-from list.txt --shard auto -o "slurm.%i.jsonl"
  JOB_COMPLETION_INDEX=$((id - 1)) run hash -q in --files-from list.txt --shard auto/3 -o "k8s.%i.jsonl"
done
for k in slurm k8s; do
  run merge "$k.%i.jsonl" -o "$k.jsonl"
  cmp single.jsonl "$k.jsonl" || fail "--shard auto ($k) merged output differs"
  for i in 0 1 2; do cmp "out.$i.jsonl" "$k.$i.jsonl" || fail "$k shard $i differs from --shard $i/3"; done
done
echo "--shard auto: Slurm and Kubernetes shards equal the explicit ones"

# Statistics and audit records merge: counts add up to the unsharded run's, each shard kept.
for i in 0 1 2; do
  run hash -q in --files-from list.txt --shard "$i/3" -o "st.%i.jsonl" --stats-json "st.%i.json"
done
run merge st.%i.jsonl -o st.jsonl --stats-json st.json
python3 - single.jsonl st.json st.jsonl.audit.json <<'PY' || fail "merged stats/audit do not add up"
import json, sys
lines = open(sys.argv[1], "rb").read().count(b"\n")
stats, audit = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
assert stats["inputs"] == lines and len(stats["shards"]) == 3, stats["inputs"]
assert stats["errors"] == sum(s["errors"] for s in stats["shards"]) > 0
assert audit["counts"]["hashed"] + audit["counts"]["failed"] == lines, audit["counts"]
assert len(audit["shards"]) == 3 and audit["output"] == "st.jsonl" and audit["exit_status"] == 1
PY
echo "stats and audit merged: counts add up"

usage() {  # TEXT ARGS...: must exit 2 and say TEXT
  local text=$1
  shift
  "$@" 2>err.txt >/dev/null
  local rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$text" err.txt || fail "hashsieve $*: status $rc: $(cat err.txt)"
}
usage "not in a Slurm job array" env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$BIN" hash in --shard auto -o x.%i.jsonl
usage "SLURM_ARRAY_TASK_COUNT" env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_COUNT -u SLURM_ARRAY_TASK_MIN -u SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_ID=1 "$BIN" hash in --shard auto -o x.%i.jsonl
usage "put %i" "$BIN" hash in --shard 0/2 -o x.jsonl
usage "needs -o FILE" "$BIN" hash in --shard 0/2
[ ! -e x.jsonl ] && [ ! -e x.0.jsonl ] || fail "a refused run wrote output"

# Files added to the backlog: every existing file stays in its shard.
grep -ho '"path":"[^"]*"' out.0.jsonl | sort >before.txt
for i in $(seq 100 140); do convert -size 20x20 "xc:rgb($i,0,0)" "in/c/new $i.png"; done
run hash -q in --files-from list.txt --shard 0/3 -o "grown.%i.jsonl"
grep -ho '"path":"[^"]*"' grown.0.jsonl | sort >after.txt
[ -z "$(comm -23 before.txt after.txt)" ] || fail "files moved out of shard 0: $(comm -23 before.txt after.txt)"
echo "adding 41 files: shard 0 kept its $(wc -l <before.txt) files, now $(wc -l <after.txt)"
# A shard of the grown tree cannot be merged with shards of the old one.
"$BIN" merge grown.0.jsonl out.1.jsonl out.2.jsonl -o refused.jsonl 2>err.txt
[ $? -eq 2 ] && grep -q "inputs changed between shards" err.txt || fail "mixed walks merged: $(cat err.txt)"
echo PASS
