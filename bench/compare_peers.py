#!/usr/bin/env python3
"""Peer tools timed for `hashsieve bench --compare`, on the input hashsieve pipes in.

  frames  stdin: frames, each "W H C\\n" then W*H*C bytes (C = 3 RGB or 1 grey); PyPI pdqhash
          on each frame. Frames arrive through the pipe and stay in memory: decoded pixels of
          user inputs are never written to disk.
  files   stdin: NUL-separated paths; Pillow decode (RGB, no EXIF rotation) + pdqhash per file.
  faiss   stdin: "N Q\\n", N list hashes then Q queries, 32 bytes each (hashsieve's in-memory
          Hash256); faiss-cpu IndexBinaryFlat.range_search at --radius (strict: threshold + 1).

Prints one JSON object: peer name and version, seconds of each timed run (after --warmup
untimed runs), and the outputs hashsieve checks (hashes, match counts).
"""
import argparse
import json
import os
import sys
import time


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        raise SystemExit(f"compare_peers: short read ({len(data)} of {n} bytes)")
    return data


def timed(warmup, repeat, fn):
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t0)
    return seconds


def hex_of(bits, np):
    # pdqhash gives 256 bits, most significant first: the reference's hex order.
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def pdqhash_version():
    from importlib.metadata import version
    return "pdqhash " + version("pdqhash")


def run_frames(args):
    import numpy as np
    import pdqhash

    stdin = sys.stdin.buffer
    frames, grey = [], 0
    while True:
        header = stdin.readline()
        if not header:
            break
        w, h, c = (int(x) for x in header.split())
        pixels = np.frombuffer(read_exact(stdin, w * h * c), dtype=np.uint8).reshape(h, w, c)
        if c == 1:
            grey += 1
            pixels = np.repeat(pixels, 3, axis=2)  # pdqhash takes RGB only
        frames.append(np.ascontiguousarray(pixels))
    results = []

    def once():
        results.clear()
        for f in frames:
            results.append(pdqhash.compute(f))

    seconds = timed(args.warmup, args.repeat, once)
    return {
        "peer": pdqhash_version(),
        "count": len(frames),
        "seconds": seconds,
        "hashes": [hex_of(h, np) for h, _ in results],
        "qualities": [int(q) for _, q in results],
        "note": f"{grey} grey frames given to pdqhash as RGB with R=G=B" if grey else "",
    }


def run_files(args):
    import numpy as np
    import pdqhash
    from PIL import Image, __version__ as pil_version

    raw = sys.stdin.buffer.read()
    paths = [os.fsdecode(p) for p in raw.split(b"\0") if p]
    results = []

    def once():
        results.clear()
        for p in paths:
            try:
                with Image.open(p) as im:
                    rgb = np.asarray(im.convert("RGB"))
                h, q = pdqhash.compute(rgb)
                results.append((hex_of(h, np), int(q)))
            except Exception as e:  # a file Pillow cannot read is a result, not a crash
                results.append((None, type(e).__name__))

    seconds = timed(args.warmup, args.repeat, once)
    return {
        "peer": f"{pdqhash_version()} + Pillow {pil_version}",
        "count": len(paths),
        "failed": sum(1 for h, _ in results if h is None),
        "seconds": seconds,
        "hashes": [h for h, _ in results],
    }


def run_faiss(args):
    import faiss
    import numpy as np

    stdin = sys.stdin.buffer
    n, q = (int(x) for x in stdin.readline().split())
    codes = np.frombuffer(read_exact(stdin, n * 32), dtype=np.uint8).reshape(n, 32)
    queries = np.frombuffer(read_exact(stdin, q * 32), dtype=np.uint8).reshape(q, 32)
    faiss.omp_set_num_threads(args.threads)
    index = faiss.IndexBinaryFlat(256)
    index.add(codes)
    out = {}

    def once():
        lims, _, _ = index.range_search(queries, args.radius)
        out["lims"] = lims

    seconds = timed(args.warmup, args.repeat, once)
    lims = out["lims"]
    return {
        "peer": f"faiss-cpu {faiss.__version__} IndexBinaryFlat.range_search",
        "list": n,
        "queries": q,
        "threads": args.threads,
        "seconds": seconds,
        "matches": int(lims[-1]),
        "per_query": [int(x) for x in np.diff(lims)],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["frames", "files", "faiss"])
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--radius", type=int, default=32)
    args = ap.parse_args()
    run = {"frames": run_frames, "files": run_files, "faiss": run_faiss}[args.mode]
    json.dump(run(args), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
