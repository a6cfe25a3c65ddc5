#!/usr/bin/env python3
"""Kill-and-resume test for `hashsieve hash --journal`.

Runs the same hash job again and again, killing it with SIGKILL at random points (fixed seed),
until a run completes; the final output must be byte-identical to an uninterrupted run, and
the journal must hold every finished input exactly once (nothing lost, nothing duplicated).
Inputs: images generated here (PPM, pure Python) plus, when the corpus is present, a slice of
it with videos and bad files. Needs only Debian's python3.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time


def write_ppm(path, width, height, seed):
    rng = random.Random(seed)
    a, b, c = rng.randrange(1, 8), rng.randrange(1, 6), rng.randrange(256)
    row = bytearray()
    pixels = bytearray()
    for y in range(height):
        row.clear()
        for x in range(width):
            row += bytes(((x * a + c) & 255, (y * b + c) & 255, ((x + y) * (a + b)) & 255))
        pixels += row
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height))
        f.write(pixels)


def make_inputs(work, corpus):
    gen = os.path.join(work, "gen")
    rng = random.Random(7)
    for i in range(120):
        d = os.path.join(gen, "d%d" % (i % 6))
        os.makedirs(d, exist_ok=True)
        write_ppm(os.path.join(d, "img%03d.ppm" % i), rng.randrange(40, 260), rng.randrange(40, 200), i)
    with open(os.path.join(gen, "not-an-image.jpg"), "w") as f:
        f.write("plain text\n")
    inputs = [gen]
    if corpus:
        # Bulk of similar-cost files so that kills land all through the run: hard links (no
        # disk cost) to a few real JPEG/WebP/PNG variants, each a separate input.
        links = os.path.join(work, "links")
        variants = os.path.join(corpus, "images/variants/sk-chelsea")
        if not os.path.isdir(variants):
            variants = os.path.join(corpus, "images/variants", sorted(os.listdir(os.path.join(corpus, "images/variants")))[0])
        sources = sorted(os.listdir(variants))[:20]
        for i in range(300):
            d = os.path.join(links, "l%02d" % (i // 50))
            os.makedirs(d, exist_ok=True)
            src = sources[i % len(sources)]
            os.link(os.path.join(variants, src), os.path.join(d, "%03d-%s" % (i, src)))
        inputs.append(links)
        for rel in ["images/variants/sk-astronaut", "images/variants/sk-coffee", "bad",
                    "videos/cockatoo__trim-2s-mid.mp4", "videos/realshort.mp4",
                    "videos/newtonscradle__to-mp4.mp4"]:
            p = os.path.join(corpus, rel)
            if os.path.exists(p):
                inputs.append(p)
    return inputs


def journal_keys(path):
    """The (path hex, size, mtime) key of every entry line after the header."""
    keys = []
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    for line in lines[1:]:
        if line:
            keys.append(tuple(line.split(b" ", 4)[1:4]))
    return keys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--default-corpus", default="")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--kills", type=int, default=12)
    args = ap.parse_args()

    corpus = os.environ.get("HASHSIEVE_CORPUS") or args.default_corpus
    if not corpus or not os.path.exists(os.path.join(corpus, "manifest.jsonl")):
        corpus = ""
        print("corpus absent: generated images only")
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    inputs = make_inputs(args.work, corpus)
    base = [args.cli, "hash", "-q", "--threads", "2"]

    ref = os.path.join(args.work, "reference.jsonl")
    t0 = time.monotonic()
    status = subprocess.run(base + ["-o", ref] + inputs, stdin=subprocess.DEVNULL).returncode
    full_seconds = time.monotonic() - t0
    if status not in (0, 1):
        sys.exit("uninterrupted run failed with status %d" % status)
    reference = open(ref, "rb").read()
    n_records = reference.count(b"\n")
    print("uninterrupted: %d records in %.1f s (status %d)" % (n_records, full_seconds, status))

    rng = random.Random(args.seed)
    out = os.path.join(args.work, "resumed.jsonl")
    journal = os.path.join(args.work, "journal")
    stats = os.path.join(args.work, "stats.json")
    kills = 0
    runs = 0
    while True:
        runs += 1
        proc = subprocess.Popen(base + ["--journal", journal, "-o", out, "--stats-json", stats] + inputs,
                                stdin=subprocess.DEVNULL)
        if kills < args.kills:
            delay = rng.uniform(0.05, max(0.2, 0.5 * full_seconds))
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                entries = len(journal_keys(journal)) if os.path.exists(journal) else 0
                print("run %d: killed after %.2f s; journal holds %d entries" % (runs, delay, entries))
                if os.path.exists(out):
                    sys.exit("a killed run left a partial output file in place")
                continue
        status = proc.wait()
        print("run %d: completed, status %d" % (runs, status))
        break

    if status not in (0, 1):
        sys.exit("final run failed with status %d" % status)
    got = open(out, "rb").read()
    if got != reference:
        sys.exit("FAIL: resumed output differs from the uninterrupted run (%d vs %d bytes)"
                 % (len(got), len(reference)))
    keys = journal_keys(journal)
    if len(keys) != len(set(keys)):
        sys.exit("FAIL: the journal holds %d duplicate entries" % (len(keys) - len(set(keys))))
    if len(keys) > n_records:
        sys.exit("FAIL: more journal entries (%d) than records (%d)" % (len(keys), n_records))
    leftovers = [f for f in os.listdir(args.work) if f.endswith(".tmp")]
    if leftovers:
        sys.exit("FAIL: temporary files left behind: %s" % leftovers)
    import json
    resumed = json.load(open(stats))["resumed"]
    print("OK: %d kills, %d runs; final output byte-identical (%d records); journal %d entries, "
          "no duplicates; final run took %d records from the journal" % (kills, runs, n_records, len(keys), resumed))
    if kills < 3:
        sys.exit("FAIL: only %d kills landed mid-run; the test did not test much" % kills)


if __name__ == "__main__":
    main()
