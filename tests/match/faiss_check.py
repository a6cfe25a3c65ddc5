#!/usr/bin/env python3
"""`hashsieve match` against faiss-cpu IndexBinaryFlat range search, as sets.

Builds a random PDQ list with entries planted at every distance 0..64 from each query variant,
runs `hashsieve list build` and `hashsieve match` (with and without dihedral variants, several
thresholds), and compares each query's matches with FAISS's range search. FAISS's radius is
strict (distance < r), so it gets threshold + 1. Dihedral: the expected distance of a pair is
the minimum over the variants, the transform the lowest variant index attaining it.

Exit status 77 (ctest SKIP_RETURN_CODE) when the Python venv with faiss-cpu is absent.
"""
import argparse
import json
import os
import random
import subprocess
import sys

SKIP = 77
NAMES = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"]


def reexec_in_venv(venv):
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        if not os.path.exists(py):
            print(f"SKIP: no venv at {venv}")
            sys.exit(SKIP)
        os.execv(py, [py] + sys.argv)


def flip(h, d, rng):
    for b in rng.sample(range(256), d):
        h ^= 1 << b
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hashsieve", required=True)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--seed", type=int, default=4242)
    args = ap.parse_args()
    reexec_in_venv(args.venv)
    try:
        import faiss
        import numpy as np
    except ImportError as e:
        print(f"SKIP: {e}")
        return SKIP

    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    os.makedirs(args.workdir, exist_ok=True)
    nq, nrand = 40, 20000
    queries = []  # (path, [variant ints], dihedral?)
    for q in range(nq):
        variants = [rng.getrandbits(256) for _ in range(8)]
        queries.append((f"q{q}.jpg", variants, q % 2 == 0))
    entries = [rng.getrandbits(256) for _ in range(nrand)]
    for path, variants, dihedral in queries:
        for d in range(65):
            v = rng.randrange(8) if dihedral else 0
            entries.append(flip(variants[v], d, rng))
    entries = list(dict.fromkeys(entries))  # distinct hashes: one list entry each

    list_txt = os.path.join(args.workdir, "list.txt")
    with open(list_txt, "w") as f:
        for i, h in enumerate(entries):
            f.write(f"{h:064x},id{i}\n")
    list_hsl = os.path.join(args.workdir, "list.hsl")
    subprocess.run([args.hashsieve, "list", "build", list_txt, "-o", list_hsl], check=True)

    queries_jsonl = os.path.join(args.workdir, "queries.jsonl")
    with open(queries_jsonl, "w") as f:
        for path, variants, dihedral in queries:
            rec = {"path": path, "kind": "image", "pdq": f"{variants[0]:064x}", "pdq_quality": 100}
            if dihedral:
                rec["pdq_dihedral"] = {NAMES[v]: f"{variants[v]:064x}" for v in range(8)}
            f.write(json.dumps(rec) + "\n")
        f.write(json.dumps({"path": "low.jpg", "pdq": f"{entries[0]:064x}", "pdq_quality": 10}) + "\n")
        f.write(json.dumps({"path": "broken.jpg", "error": "decode", "detail": "x"}) + "\n")

    def codes(ints):
        return np.frombuffer(b"".join(h.to_bytes(32, "big") for h in ints), dtype=np.uint8).reshape(-1, 32)

    index = faiss.IndexBinaryFlat(256)
    index.add(codes(entries))

    failures = 0
    for threshold in (0, 1, 31, 32, 64):
        for dihedral_flag in ("--dihedral", "--no-dihedral"):
            out = subprocess.run([args.hashsieve, "match", "--list", list_hsl, queries_jsonl, "--threshold",
                                  str(threshold), "--device", "cpu", dihedral_flag, "--degenerate-matches", "100000"],
                                 check=True, capture_output=True, text=True).stdout
            got, skipped = set(), set()
            for line in out.splitlines():
                r = json.loads(line)
                if "skipped" in r:
                    skipped.add((r["path"], r["skipped"]))
                else:
                    got.add((r["path"], r["list_hash"], r["distance"], r["transform"]))
            want = set()
            for path, variants, dihedral in queries:
                used = range(8) if (dihedral and dihedral_flag == "--dihedral") else range(1)
                best = {}
                for v in used:
                    lims, dist, ids = index.range_search(codes([variants[v]]), threshold + 1)  # strict <
                    for d, i in zip(dist[lims[0]:lims[1]], ids[lims[0]:lims[1]]):
                        if i not in best or d < best[i][0]:  # variants in order: lowest wins ties
                            best[i] = (int(d), v)
                for i, (d, v) in best.items():
                    want.add((path, f"{entries[i]:064x}", d, NAMES[v]))
            ok = got == want and skipped == {("low.jpg", "low quality")}
            print(f"threshold {threshold} {dihedral_flag}: {len(got)} matches, faiss {len(want)}: "
                  f"{'ok' if ok else 'MISMATCH'}")
            if not ok:
                failures += 1
                print("  only hashsieve:", sorted(got - want)[:5])
                print("  only faiss:", sorted(want - got)[:5])
                print("  skipped:", skipped)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
