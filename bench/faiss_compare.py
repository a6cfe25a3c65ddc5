#!/usr/bin/env python3
"""hashsieve's exact matcher beside faiss-cpu IndexBinaryFlat on the same data, in one run.

Writes a random PDQ list (plus neighbours planted near some queries, so both have real matches
to agree on), builds it with `hashsieve list build`, then times
  * range search: `hashsieve match --threshold T` (its own matcher time, from --stats) against
    faiss IndexBinaryFlat.range_search(radius T + 1: FAISS's radius is strict),
  * top-k (--top-k K): `hashsieve match --top-k K` against IndexBinaryFlat.search(k=K),
on the same number of threads, checks that the match counts agree, and prints the ratios.

Run with the venv's Python (faiss-cpu, numpy), e.g.
  .venv/bin/python bench/faiss_compare.py --hashsieve build/hashsieve --entries 1000000 --queries 1000
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import faiss
import numpy as np


def hashsieve_match(args, list_hsl, queries_jsonl, extra):
    cmd = [args.hashsieve, "match", "--list", list_hsl, queries_jsonl, "--stats", "--device", args.device,
           "--threads", str(args.threads), "--degenerate-matches", "1000000000"] + extra
    p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    m = re.search(r"(\d+) matches.*match ([0-9.]+) s", p.stderr)
    if not m:
        sys.exit(f"cannot read --stats from: {p.stderr}")
    backend = p.stderr.split("hashsieve match: ", 1)[1].split(",", 1)[0]
    return int(m.group(1)), float(m.group(2)), backend


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hashsieve", required=True, help="the hashsieve binary")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--threshold", type=int, default=31)
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings")
    ap.add_argument("--faiss-gpu", action="store_true",
                    help="top-k through faiss GpuIndexBinaryFlat (a faiss-gpu wheel); range search "
                         "stays on IndexBinaryFlat, the GPU binary index has none")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    entries = rng.integers(0, 256, size=(args.entries, 32), dtype=np.uint8)
    queries = rng.integers(0, 256, size=(args.queries, 32), dtype=np.uint8)
    # Plant a neighbour at distance (i % 40) for every tenth query (some within the threshold).
    for i in range(0, args.queries, 10):
        e = queries[i].copy()
        bits = rng.choice(256, size=i % 40, replace=False)
        for b in bits:
            e[b // 8] ^= 1 << (b % 8)
        entries[(i * 7919) % args.entries] = e

    with tempfile.TemporaryDirectory(prefix="hashsieve-faiss-") as tmp:
        list_txt, list_hsl = os.path.join(tmp, "list.txt"), os.path.join(tmp, "list.hsl")
        with open(list_txt, "w") as f:
            f.write("\n".join(bytes(row).hex() for row in entries))
            f.write("\n")
        t0 = time.perf_counter()
        subprocess.run([args.hashsieve, "list", "build", list_txt, "-o", list_hsl], check=True, capture_output=True)
        build_s = time.perf_counter() - t0
        queries_jsonl = os.path.join(tmp, "queries.jsonl")
        with open(queries_jsonl, "w") as f:
            for i, row in enumerate(queries):
                f.write(json.dumps({"path": f"q{i}", "pdq": bytes(row).hex(), "pdq_quality": 100}) + "\n")

        faiss.omp_set_num_threads(args.threads)
        index = faiss.IndexBinaryFlat(256)
        index.add(entries)
        topk_index, topk_name = index, "faiss IndexBinaryFlat"
        if args.faiss_gpu:
            gpu_resources = faiss.StandardGpuResources()
            topk_index = faiss.GpuIndexBinaryFlat(gpu_resources, 256)
            topk_index.add(entries)
            topk_name = "faiss GpuIndexBinaryFlat"
        comparisons = args.entries * args.queries
        print(f"{args.entries} entries x {args.queries} queries = {comparisons:.3g} comparisons, "
              f"{args.threads} threads; list build {build_s:.2f} s")

        # Range search.
        ours = [hashsieve_match(args, list_hsl, queries_jsonl, ["--threshold", str(args.threshold)])
                for _ in range(args.repeat)]
        our_s, our_matches, backend = min(o[1] for o in ours), ours[0][0], ours[0][2]
        faiss_s, faiss_matches = 1e30, 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            lims, _, _ = index.range_search(queries, args.threshold + 1)
            faiss_s = min(faiss_s, time.perf_counter() - t0)
            faiss_matches = int(lims[-1])
        print(f"range <= {args.threshold}: hashsieve ({backend}) {our_s * 1e3:.1f} ms = {comparisons / our_s:.3g} cmp/s, "
              f"{our_matches} matches | faiss IndexBinaryFlat {faiss_s * 1e3:.1f} ms = {comparisons / faiss_s:.3g} cmp/s, "
              f"{faiss_matches} matches | ratio {faiss_s / our_s:.2f}x" +
              ("" if our_matches == faiss_matches else "  MATCH COUNTS DIFFER"))

        # Top-k.
        ours = [hashsieve_match(args, list_hsl, queries_jsonl, ["--top-k", str(args.top_k)]) for _ in range(args.repeat)]
        our_s = min(o[1] for o in ours)
        faiss_s = 1e30
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            topk_index.search(queries, args.top_k)
            faiss_s = min(faiss_s, time.perf_counter() - t0)
        print(f"top-{args.top_k}: hashsieve {our_s * 1e3:.1f} ms = {comparisons / our_s:.3g} cmp/s | {topk_name} "
              f"{faiss_s * 1e3:.1f} ms = {comparisons / faiss_s:.3g} cmp/s | ratio {faiss_s / our_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
