#!/bin/sh
# `hash` against `decode` alone, per corpus and thread count, from `hashsieve bench` JSON: the
# ratio of files/s (decode seconds / hash seconds) by wall time and by CPU time (process CPU
# seconds, the per-core figure that stays meaningful when other work shares the cores).
# usage: hash_vs_decode.sh HASHSIEVE_BINARY OUT_PREFIX CORPUS... (env: THREADS=1,2 REPEAT=3)
set -eu
bin=$1
prefix=$2
shift 2
py=${HASHSIEVE_PYTHON:-python3}
for corpus in "$@"; do
  json=$prefix.$(basename "$corpus").json
  "$bin" bench decode hash --corpus "$corpus" --device cpu --threads "${THREADS:-1,2}" \
    --repeat "${REPEAT:-3}" --warmup 1 --json "$json" >/dev/null 2>&1 ||
    { echo "hash_vs_decode: bench failed on $corpus" >&2; exit 1; }
  "$py" - "$json" "$corpus" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {(r["workload"], r["threads"]): r for r in d["results"] if r.get("status") == "ok"}
for t in sorted({k[1] for k in by}):
    dec, h = by.get(("decode", t)), by.get(("hash", t))
    if not dec or not h:
        continue
    w = dec["seconds"]["median"] / h["seconds"]["median"]
    c = dec["cpu_seconds"]["median"] / h["cpu_seconds"]["median"]
    print(f"{sys.argv[2]} threads={t}: decode {dec['seconds']['median']:.2f} s wall "
          f"{dec['cpu_seconds']['median']:.2f} s cpu, hash {h['seconds']['median']:.2f} s wall "
          f"{h['cpu_seconds']['median']:.2f} s cpu; hash/decode rate {w:.2f}x wall, {c:.2f}x cpu")
PY
done
