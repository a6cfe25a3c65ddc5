#!/usr/bin/env python3
"""Hostile-input soak for `hashsieve hash`.

  soak.py --n N [--seed S] [--corpus DIR] [--bin build/hashsieve] [--rss-bound-mb MB] ...

Mutates corpus files (bit flips, truncations, spliced headers, absurd dimensions in PNG IHDR /
JPEG SOF / GIF screen and image descriptors / BMP, endless GIF and video streams, zero-length
frames, huge MP4 durations, damaged runs, PNG decompression bombs at the pixel limit) into N
inputs mixed with untouched good files, runs
`hashsieve hash --threads 2` on them with the default limits under /usr/bin/time -v and a
wall-clock guard, and checks: exit status 0 or 1 (no signal), finished before the guard, peak
RSS under the bound, exactly one record per input, every good file's record identical (path
aside) to a clean run's, every mutated one an error record or a hash (counted apart). Prints
the figures; exit status 0 when every check holds, 1 otherwise, 2 when it cannot run (skip).
"""
import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SKIP = 2
# Share of the N inputs that are untouched good files.
GOOD_SHARE = 0.2
# Mutation mix: (name, weight). Names are the `kind` counted in the report.
MUTATIONS = [("bitflip", 28), ("truncate", 18), ("splice", 14), ("dims", 14), ("overrun", 8),
             ("zero-frames", 5), ("huge-duration", 4), ("endless", 3), ("corpus-bad", 6),
             ("bomb", 1)]
# Decompression bombs: valid black PNGs just under and just over the default 200-megapixel
# limit (14142^2 = 199,996,164; 14143^2 = 200,024,449), about 0.6 MB each.
BOMB_SIDES = (14142, 14143)
ENDLESS_GIF_FRAMES = 60_000  # about 1.4 MB, 600 s at 1 cs a frame
ENDLESS_TS_COPIES = 2_000    # a 0.3 s clip repeated: about 10 minutes of media


# Formats a mutation applies to (by content); kinds not listed take any source.
FORMATS_FOR = {"dims": ("png", "jpeg", "gif", "bmp"), "zero-frames": ("gif", "mp4"),
               "huge-duration": ("mp4",)}


def sniff(head):
    if head.startswith(mutate.PNG_SIG):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head[4:8] == b"ftyp":
        return "mp4"
    return "other"


# The memory bound. `hashsieve hash --help`: at most --threads files decode at once, each
# holding its decoder's buffers and one RGB frame of at most --max-pixels; finished records and
# queues are bounded by count. Made numeric: 16 bytes per pixel per thread (measured 13.9 for
# a 200 MP PNG: 3 decoded + 3 RGB + 8 for PDQ's full-resolution float buffers) plus 512 MiB.
THREADS = 2
MAX_PIXELS = 200_000_000  # the default --max-pixels
DEFAULT_RSS_BOUND_MB = THREADS * MAX_PIXELS * 16 / 2**20 + 512


def find_corpus(arg):
    for c in [arg, os.environ.get("HASHSIEVE_CORPUS"), ROOT / "build" / "corpus-small"]:
        if c and (Path(c) / "manifest.jsonl").is_file():
            return Path(c)
    return None


def load_pool(corpus, max_bytes):
    """Good sources (images and short videos that must hash) and the corpus's bad files."""
    good, bad = [], []
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        path = corpus / rec["path"]
        if "path_hex" in rec or path.is_symlink() or not path.is_file():
            continue
        if not os.access(path, os.R_OK) or "chmod" in path.name:
            continue
        size = path.stat().st_size
        if rec["kind"] == "bad":
            if rec.get("expected") == "reject" and size <= max_bytes:
                bad.append(path)
        elif size <= max_bytes and (rec["kind"] == "image" or size <= max_bytes // 2):
            good.append(path)
    return sorted(good), sorted(bad)


def make_ts_clip(work):
    """A 0.3 s MPEG-TS clip from ffmpeg's test pattern (TS concatenates cleanly)."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        return None
    out = work / "clip.ts"
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i",
           "testsrc=size=64x48:rate=10:duration=0.3", "-c:v", "mpeg2video", "-fflags",
           "+bitexact", str(out)]
    if subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode != 0:
        return None
    return out.read_bytes()


class Mixer:
    """Builds the N inputs: a deterministic mix of good copies and mutants."""

    def __init__(self, rng, good, bad, ts_clip, mix_dir):
        self.rng, self.good, self.bad, self.ts_clip = rng, good, bad, ts_clip
        self.mix_dir = mix_dir
        self.cache = {}
        self.bombs = {}  # side -> bytes, made once (a few seconds each)

    def read(self, path):
        if path not in self.cache:
            if len(self.cache) > 64:
                self.cache.clear()
            self.cache[path] = path.read_bytes()
        return self.cache[path]

    def by_format(self, formats):
        """Good sources whose content (magic bytes) is one of `formats`."""
        if not hasattr(self, "formats"):
            self.formats = collections.defaultdict(list)
            for path in self.good:
                with open(path, "rb") as f:
                    self.formats[sniff(f.read(12))].append(path)
        return [p for fmt in formats for p in self.formats.get(fmt, [])]

    def mutant(self, kind):
        rng = self.rng
        # Format-specific mutations draw from sources of that format, so each kind is as
        # frequent as its weight says.
        pool = self.by_format(FORMATS_FOR.get(kind, ())) or self.good
        src = rng.choice(pool)
        data = self.read(src)
        if kind == "bitflip":
            return mutate.bitflip(data, rng), src
        if kind == "truncate":
            return mutate.truncate(data, rng), src
        if kind == "splice":
            return mutate.splice(data, self.read(rng.choice(self.good)), rng), src
        if kind == "overrun":
            return mutate.overwrite_run(data, rng), src
        if kind == "dims":
            return mutate.absurd_dims(data, rng), src
        if kind == "zero-frames":
            return (mutate.gif_zero_frames(data, rng) or mutate.mp4_zero_samples(data, rng)), src
        if kind == "huge-duration":
            return mutate.mp4_huge_duration(data, rng), src
        if kind == "endless":
            if self.ts_clip and rng.random() < 0.5:
                return mutate.repeat_stream(self.ts_clip, ENDLESS_TS_COPIES), Path("endless.ts")
            return mutate.endless_gif(ENDLESS_GIF_FRAMES + rng.randrange(2)), Path("endless.gif")
        if kind == "bomb":
            side = rng.choice(BOMB_SIDES)
            if side not in self.bombs:
                self.bombs[side] = mutate.png_bomb(side, side)
            return self.bombs[side], Path(f"bomb-{side}.png")
        if kind == "corpus-bad":
            src = rng.choice(self.bad)
            return self.read(src), src
        raise ValueError(kind)

    def build(self, n):
        """Writes the inputs; returns the manifest (one dict per input, in walk order)."""
        kinds = [k for k, _ in MUTATIONS]
        weights = [w for _, w in MUTATIONS]
        manifest = []
        for i in range(n):
            sub = self.mix_dir / f"d{i // 1000:03d}"
            sub.mkdir(exist_ok=True)
            if self.rng.random() < GOOD_SHARE:
                src = self.rng.choice(self.good)
                dest = sub / f"{i:06d}-good{src.suffix}"
                shutil.copyfile(src, dest)
                manifest.append({"path": str(dest), "kind": "good", "source": str(src)})
                continue
            data = None
            for _ in range(20):  # redraw until a mutation applies (e.g. dims needs an image)
                kind = self.rng.choices(kinds, weights)[0]
                data, src = self.mutant(kind)
                if data is not None:
                    break
            suffix = Path(str(src)).suffix if self.rng.random() < 0.8 else ".bin"
            dest = sub / f"{i:06d}-{kind}{suffix}"
            dest.write_bytes(data)
            manifest.append({"path": str(dest), "kind": kind, "source": str(src)})
        return manifest


def run_hash(binary, inputs, out, guard_s, extra=()):
    """Runs `hashsieve hash --threads 2` under /usr/bin/time -v; returns a result dict."""
    cmd = [str(binary), "hash", "--threads", str(THREADS), "--quiet", "-o", str(out), *extra,
           *inputs]
    timev = Path("/usr/bin/time")
    stderr_path = out.with_suffix(".stderr")
    start = time.monotonic()
    with open(stderr_path, "wb") as err:
        if timev.exists():
            proc = subprocess.Popen([str(timev), "-v", *cmd], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
        else:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err)
        hung = False
        try:
            proc.wait(timeout=guard_s)
        except subprocess.TimeoutExpired:
            hung = True
            proc.kill()
            proc.wait()
    wall = time.monotonic() - start
    text = stderr_path.read_text(errors="replace")
    rss_kb = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss_kb = int(m.group(1))
    status = proc.returncode
    signal = None
    m = re.search(r"Command terminated by signal (\d+)", text)
    if m:
        signal = int(m.group(1))
    m = re.search(r"Exit status: (\d+)", text)
    if m:
        status = int(m.group(1))
    if status is not None and status < 0:
        signal = -status
    return {"status": status, "signal": signal, "hung": hung, "wall": wall, "rss_kb": rss_kb,
            "stderr": text}


def read_records(path):
    records = {}
    dupes = 0
    if not path.exists():
        return records, dupes
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            key = rec.get("path")
            if key in records:
                dupes += 1
            records[key] = rec
    return records, dupes


def content(rec):
    """A record without its path: what must not change between the clean and the soak run."""
    return {k: v for k, v in rec.items() if k not in ("path", "path_hex")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="inputs in the mix")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", help="make-corpus output (default $HASHSIEVE_CORPUS, "
                                     "build/corpus-small)")
    ap.add_argument("--bin", default=str(ROOT / "build" / "hashsieve"))
    ap.add_argument("--work", help="where inputs go (default a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--max-source-bytes", type=int, default=1 << 20,
                    help="largest corpus file used as a source")
    ap.add_argument("--rss-bound-mb", type=float, default=DEFAULT_RSS_BOUND_MB,
                    help="peak RSS the run must stay under (default: the memory model of "
                         "`hashsieve hash --help` made numeric, see DEFAULT_RSS_BOUND_MB)")
    ap.add_argument("--file-timeout", type=float, default=300,
                    help="the per-file decode timeout in force (default limit)")
    args = ap.parse_args()

    corpus = find_corpus(args.corpus)
    binary = Path(args.bin)
    if corpus is None or not os.access(binary, os.X_OK):
        print(f"soak: skipped (corpus {corpus}, binary {binary} missing)", file=sys.stderr)
        return SKIP

    rng = random.Random(args.seed)
    good, bad = load_pool(corpus, args.max_source_bytes)
    if not good:
        print("soak: skipped (no usable corpus files)", file=sys.stderr)
        return SKIP
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="hs-soak-"))
    if work.exists() and any(work.iterdir()):
        shutil.rmtree(work)
    mix = work / "mix"
    mix.mkdir(parents=True)
    try:
        return soak(args, rng, good, bad, binary, work, mix)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def soak(args, rng, good, bad, binary, work, mix):
    t0 = time.monotonic()
    manifest = Mixer(rng, good, bad, make_ts_clip(work), mix).build(args.n)
    build_s = time.monotonic() - t0
    mix_bytes = sum(Path(m["path"]).stat().st_size for m in manifest)

    # Clean run: the good sources alone, as they are in the corpus.
    sources = sorted({m["source"] for m in manifest if m["kind"] == "good"})
    clean = run_hash(binary, sources, work / "clean.jsonl", guard_s=600 + 5 * len(sources))
    clean_records, _ = read_records(work / "clean.jsonl")

    # Guard: generous for the mix's size, plus one per-file timeout per worker in flight.
    guard = 600 + args.n * 1.0 + 2 * args.file_timeout
    run = run_hash(binary, [str(mix)], work / "soak.jsonl", guard_s=guard)
    records, dupes = read_records(work / "soak.jsonl")

    failures = []
    crashed = run["signal"] is not None or run["status"] not in (0, 1)
    if crashed:
        failures.append(f"soak run ended with status {run['status']} signal {run['signal']}")
    if run["hung"]:
        failures.append(f"soak run still going after the {guard:.0f} s guard (killed)")
    if clean["status"] not in (0, 1) or clean["signal"] is not None:
        failures.append(f"clean run ended with status {clean['status']}")
    rss_mb = (run["rss_kb"] or 0) / 1024
    if run["rss_kb"] is not None and rss_mb > args.rss_bound_mb:
        failures.append(f"peak RSS {rss_mb:.0f} MB over the {args.rss_bound_mb:.0f} MB bound")
    if dupes:
        failures.append(f"{dupes} duplicate records")

    by_kind = collections.Counter()
    hashed_mutants = collections.Counter()
    reasons = collections.Counter()
    missing, good_same, good_diff, good_total = [], 0, [], 0
    for m in manifest:
        by_kind[m["kind"]] += 1
        rec = records.get(m["path"])
        if rec is None:
            missing.append(m["path"])
            continue
        if "error" in rec:
            reasons[rec["error"]] += 1
        if m["kind"] == "good":
            good_total += 1
            ref = clean_records.get(m["source"])
            if ref is not None and "error" not in ref and content(ref) == content(rec):
                good_same += 1
            else:
                good_diff.append(m["path"])
        elif "error" not in rec:
            hashed_mutants[m["kind"]] += 1
    if missing:
        failures.append(f"{len(missing)} inputs without a record, e.g. {missing[:3]}")
    if good_diff:
        failures.append(f"{len(good_diff)} good files differ from the clean run, "
                        f"e.g. {good_diff[:3]}")
    extra = set(records) - {m["path"] for m in manifest}
    if extra:
        failures.append(f"{len(extra)} records for paths not in the mix")

    mutants = args.n - by_kind["good"]
    errors = sum(reasons.values())
    print(f"soak: {args.n} inputs ({mix_bytes / 1e6:.0f} MB, built in {build_s:.0f} s): "
          f"{by_kind['good']} good, {mutants} hostile")
    print("  hostile by kind: " + ", ".join(
        f"{k} {by_kind[k]} ({hashed_mutants[k]} still valid)" for k, _ in MUTATIONS))
    print(f"  records {len(records)}, errors {errors}: " +
          ", ".join(f"{r} {c}" for r, c in reasons.most_common()))
    print(f"  hostile inputs hashed as valid: {sum(hashed_mutants.values())}, rejected with an "
          f"error record: {mutants - sum(hashed_mutants.values()) - len(missing)}")
    print(f"  good files identical to the clean run: {good_same}/{good_total}")
    print(f"  exit status {run['status']}, signal {run['signal']}, hung {run['hung']}, "
          f"wall {run['wall']:.1f} s ({args.n / max(run['wall'], 1e-9):.1f} files/s), "
          f"peak RSS {rss_mb:.0f} MB (bound {args.rss_bound_mb:.0f} MB)")
    if failures:
        print("soak: FAILED\n  " + "\n  ".join(failures))
        tail = run["stderr"].strip().splitlines()[-15:]
        print("  stderr tail:\n    " + "\n    ".join(tail))
        return 1
    print("soak: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
