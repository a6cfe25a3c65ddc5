#!/usr/bin/env python3
"""Members/s of `hashsieve hash` on a ZIP of N JPEGs vs the same N files loose.

  archive_members.py --cli build/tools/hashsieve/hashsieve --work DIR [--count 1000]
                     [--threads 2] [--repeats 3] [--corpus DIR]

The JPEGs are the corpus's (cycled, each copy a distinct file) or, without a corpus, generated
with Pillow. The ZIP stores them (JPEG does not deflate). Each run is timed from the outside
(wall clock of the whole command, output to /dev/null); the best of --repeats is reported, and
the record counts are checked (N members + 1 archive record vs N files).
"""
import argparse
import json
import os
import shutil
import subprocess
import time
import zipfile


def jpeg_sources(corpus):
    found = []
    base = os.path.join(corpus or "", "images/variants")
    if os.path.isdir(base):
        for d in sorted(os.listdir(base)):
            for n in sorted(os.listdir(os.path.join(base, d))):
                if n.endswith(".jpg"):
                    found.append(os.path.join(base, d, n))
    return found


def make_inputs(work, count, corpus):
    loose = os.path.join(work, "loose")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(loose)
    sources = jpeg_sources(corpus)
    if not sources:
        from PIL import Image  # only without a corpus
        for i in range(16):
            p = os.path.join(work, "gen%02d.jpg" % i)
            Image.effect_mandelbrot((640, 480), (-2 + i * 0.01, -1.2, 1, 1.2), 64).convert("RGB").save(p, quality=90)
            sources.append(p)
    for i in range(count):
        shutil.copyfile(sources[i % len(sources)], os.path.join(loose, "%05d.jpg" % i))
    archive = os.path.join(work, "jpegs.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for i in range(count):
            z.write(os.path.join(loose, "%05d.jpg" % i), "%05d.jpg" % i)
    return loose, archive, len(set(sources))


def timed(cli, path, threads):
    t0 = time.perf_counter()
    r = subprocess.run([cli, "hash", "-q", "--threads", str(threads), path],
                       capture_output=True, check=True)
    return time.perf_counter() - t0, r.stdout.count(b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--corpus", default=os.environ.get("HASHSIEVE_CORPUS", ""))
    a = ap.parse_args()
    loose, archive, distinct = make_inputs(a.work, a.count, a.corpus)
    best = {"loose": None, "zip": None}
    for _ in range(a.repeats):  # interleaved, so load changes hit both alike
        for kind, path in (("loose", loose), ("zip", archive)):
            secs, records = timed(a.cli, path, a.threads)
            want = a.count + (1 if kind == "zip" else 0)
            if records != want:
                raise SystemExit("%s: %d records, want %d" % (kind, records, want))
            if best[kind] is None or secs < best[kind]:
                best[kind] = secs
    result = {
        "count": a.count, "threads": a.threads, "distinct_sources": distinct,
        "loose_seconds": round(best["loose"], 3), "zip_seconds": round(best["zip"], 3),
        "loose_files_per_s": round(a.count / best["loose"], 1),
        "zip_members_per_s": round(a.count / best["zip"], 1),
        "ratio": round(best["loose"] / best["zip"], 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
