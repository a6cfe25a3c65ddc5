#!/usr/bin/env bash
# Sharding without a scheduler (runs everywhere, in seconds): sharded `hash` runs merged back
# must equal the unsharded output byte for byte in jsonl, csv and pdq, over nested directories,
# bad files and a --files-from list; `--shard auto` from Slurm and Kubernetes variables; usage
# errors (exit 2) for a missing environment and an untemplated output; files added to the tree
# keep their shard; archives stay whole in one shard; `hashsieve plan` chunks run as shards.
# Images are made here with ImageMagick, archives with python3's zipfile.
# usage: shard_cli.sh HASHSIEVE_BIN WORK_DIR
set -uo pipefail
BIN=$1 WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
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

# Archives in the backlog: all the records of one archive (members, a nested archive's, its own)
# are in one shard, and the merge equals the unsharded run byte for byte.
mkdir -p arch/sub || fail "mkdir arch"
python3 - "$PWD" <<'PY' || fail "archives: cannot make the zips"
import io, os, sys, zipfile
w = sys.argv[1]
imgs = sorted(os.path.join(d, f) for d, _, fs in os.walk(w + "/in") for f in fs if f.endswith(".png"))
def zbytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()
for k in range(8):
    members = [("m%d/%s" % (k, os.path.basename(p)), open(p, "rb").read()) for p in imgs[k::8]]
    if k % 3 == 0:
        members.append(("inner.zip", zbytes(members[:2])))
    with open(os.path.join(w, "arch", "sub" if k % 2 else "", "a%d.zip" % k), "wb") as f:
        f.write(zbytes(members))
PY
run hash -q arch in -o arch.single.jsonl
for i in 0 1 2; do run hash -q arch in --shard "$i/3" -o "arch.%i.jsonl"; done
run merge arch.%i.jsonl -o arch.merged.jsonl
cmp arch.single.jsonl arch.merged.jsonl || fail "archives: merged output differs"
python3 - arch.0.jsonl arch.1.jsonl arch.2.jsonl <<'PY' || fail "archives split across shards"
import json, sys
owner, records = {}, 0
for i, f in enumerate(sys.argv[1:]):
    for line in open(f):
        records += 1
        top = json.loads(line)["path"].split("!/")[0]
        if owner.setdefault(top, i) != i:
            sys.exit("%s in shards %d and %d" % (top, owner[top], i))
zips = [t for t in owner if t.endswith(".zip")]
assert len(zips) == 8, zips
print("archives: %d records; each of 8 zips whole in one shard (shards used: %s)" %
      (records, sorted(set(owner[t] for t in zips))))
PY

# hashsieve plan: one walk, one chunk per shard; a shard reading its chunk (--plan) writes what
# --shard I/N over the whole walk writes, and the chunks merge into the unsharded output.
run plan in arch --files-from list.txt --chunks 3 -o plan
grep -q "inputs in 3 chunks" err.txt || fail "plan: no summary: $(cat err.txt)"
run plan in arch --files-from list.txt --chunks 3 -o plan2
for f in plan.json chunk-0.txt chunk-1.txt chunk-2.txt; do
  cmp "plan/$f" "plan2/$f" || fail "plan: $f differs between two plans of one tree"
done
run hash -q in arch --files-from list.txt -o plan.single.jsonl
for i in 0 1 2; do
  run hash -q --plan plan --shard "$i/3" -o "plan.%i.jsonl"
  run hash -q in arch --files-from list.txt --shard "$i/3" -o "walk.%i.jsonl"
  cmp "plan.$i.jsonl" "walk.$i.jsonl" || fail "plan: chunk $i differs from --shard $i/3"
done
run merge plan.%i.jsonl -o plan.merged.jsonl
cmp plan.single.jsonl plan.merged.jsonl || fail "plan: merged output differs"
python3 - plan <<'PY' || fail "plan: chunks do not cover the walk exactly once"
import json, sys
plan = json.load(open(sys.argv[1] + "/plan.json"))
seen, paths = [], []
for i in range(plan["chunks"]):
    recs = open("%s/chunk-%d.txt" % (sys.argv[1], i), "rb").read().split(b"\0")[:-1]
    assert len(recs) == plan["inputs"][i], (i, len(recs))
    seen += [int(r.split(b"\t")[0]) for r in recs]
    paths += [r.split(b"\t", 3)[3] for r in recs]
assert sorted(seen) == list(range(plan["walked"])), "ordinals"
assert len(set(paths)) == len(paths) and any(p.endswith(b".zip") for p in paths)
print("plan: %d inputs, per chunk %s inputs, %s bytes" % (plan["walked"], plan["inputs"], plan["bytes"]))
PY
echo "plan: 3 chunks equal the --shard runs and merge identical"
# The sbatch template's plan mode, its tasks run by hand: 2 tasks over 3 chunks (task 0 runs
# chunks 0 and 2), then its merge step.
sbatch_t="$HERE/../../tools/cluster/hashsieve.sbatch"
mkdir -p sb || fail "mkdir sb"
for t in 0 1; do
  HS_BIN=$BIN HS_OUT=$PWD/sb HS_PLAN=$PWD/plan HS_CHUNKS=3 HS_SHARDS=2 SLURM_ARRAY_TASK_ID=$t \
    bash "$sbatch_t" task 2>err.txt || fail "sbatch task $t: $(cat err.txt)"
done
HS_BIN=$BIN HS_OUT=$PWD/sb bash "$sbatch_t" merge 2>err.txt || fail "sbatch merge: $(cat err.txt)"
cmp plan.single.jsonl sb/out.jsonl || fail "sbatch plan mode: merged output differs"
echo "sbatch plan mode: 2 tasks ran 3 chunks, merged identical"

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
usage "has 3 chunks" "$BIN" hash --plan plan --shard 0/4 -o x.%i.jsonl
usage "drop PATHs" "$BIN" hash in --plan plan --shard 0/3 -o x.%i.jsonl
usage "--plan needs --shard" "$BIN" hash --plan plan -o x.jsonl
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
