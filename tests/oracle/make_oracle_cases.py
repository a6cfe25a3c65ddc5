#!/usr/bin/env python3
"""Oracle cases for hashsieve's CPU PDQ and pHash: RGB images as binary PPM plus the hashes the
reference Python packages give for the very same uint8 arrays.

  make_oracle_cases.py OUT_DIR [--corpus CORPUS_DIR] [--seed N] [--jobs N] [--force]

OUT_DIR receives NNNN_<name>.ppm, expected.csv and versions.txt. Images: every original of a
make-corpus output (decoded with PIL, converted to RGB) when --corpus points at one, plus synthetic
images from a fixed seed (tiny sizes, 1xN/Nx1 lines, exactly 64x64 and 32x32, sizes around the PDQ
box-window boundaries at multiples of 128, random sizes, extreme aspect ratios, video frame sizes
and two very large smooth-plus-noise frames). Oracles, run on the same array:
  PDQ:  pdqhash.compute_dihedral(rgb) -> 8 hashes (orig, rot90, rot180, rot270, flipx, flipy,
        flipp, flipm) and the quality; the bit vector (most significant bit first) becomes our
        64-hex form (checked against refdata/pdq/expected/lib_fullres.csv).
  pHash: str(imagehash.phash(PIL.Image.fromarray(rgb))), 16 hex.
Regeneration is skipped when a stamp of (this script, the corpus originals, the package versions,
the seed) is unchanged.
"""

import argparse
import hashlib
import math
import multiprocessing
import os
import pathlib
import sys
import tempfile
from typing import NamedTuple, Optional

import numpy as np
import pdqhash
import imagehash
import PIL
import scipy
from PIL import Image

DIHEDRAL = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"]
ORIGINAL_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
# PDQ's Jarosz window is ceil(dim / 128): sizes on both sides of its steps.
WINDOW_EDGES = [127, 128, 129, 255, 256, 257, 383, 384, 385, 511, 512, 513, 639, 640, 641]
LINE_LENGTHS = [5, 7, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513,
                1000, 3000]
KINDS = ["noise", "smooth", "blocks", "grey", "flat", "lowcontrast", "stripes", "gradient"]


def pdq_hex(bits):
    """pdqhash's vector holds bit 255 first; the hex form is that 256-bit big-endian integer."""
    value = 0
    for b in bits:
        value = (value << 1) | int(b)
    return "%064x" % value


def check_bit_order():
    """Our hex form of pdqhash's bits must equal Meta's reference library output on a reference
    image (refdata beside the checkout, when present)."""
    shared = pathlib.Path(os.environ.get("HASHSIEVE_SHARED",
                                         pathlib.Path(__file__).resolve().parents[3] / "shared"))
    ppm = shared / "refdata/pdq/intermediates/bridge-1-original.decoded.ppm"
    csv = shared / "refdata/pdq/expected/lib_fullres.csv"
    if not (ppm.is_file() and csv.is_file()):
        print("oracle: ../shared absent, bit-order self-check skipped", flush=True)
        return
    expected = next(line.split(",")[1] for line in csv.read_text().splitlines()
                    if line.startswith("reg-test-input/dih/bridge-1-original.jpg,"))
    with Image.open(ppm) as im:
        got = pdq_hex(pdqhash.compute(np.asarray(im.convert("RGB")))[0])
    if got != expected:
        raise SystemExit(f"oracle: pdqhash bit order check failed: {got} != {expected}")


def synthetic_specs(seed):
    """(name, width, height, kind) for every synthetic image, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    specs = []

    def add(w, h, kind=None):
        kind = kind or KINDS[len(specs) % len(KINDS)]
        specs.append((f"syn-{kind}-{w}x{h}", int(w), int(h), kind))

    for w in range(1, 7):  # below PDQ's 5-pixel minimum and just above it
        for h in range(1, 7):
            add(w, h)
    for n in LINE_LENGTHS:  # 1xN and Nx1
        add(1, n)
        add(n, 1)
    for kind in KINDS:  # PDQ's exactly-64x64 bypass
        add(64, 64, kind)
    for w, h in [(63, 64), (64, 63), (65, 64), (64, 65)]:
        add(w, h)
    for kind in ["noise", "smooth", "flat", "gradient"]:  # pHash's no-resize size
        add(32, 32, kind)
    add(31, 32)
    add(32, 33)
    for _ in range(80):
        add(rng.choice(WINDOW_EDGES), rng.choice(WINDOW_EDGES))
    for _ in range(330):  # log-uniform sizes
        w, h = np.exp(rng.uniform(math.log(5), math.log(1200), 2)).astype(int)
        add(w, h)
    for w, h in [(40, 2000), (100, 3000), (3000, 100), (7, 900), (900, 7), (33, 1200),
                 (1200, 33), (250, 1500), (1500, 250), (64, 4000)]:
        add(w, h)  # extreme aspect ratios (Pillow resizes vertically first for the tall ones)
    for w, h in [(1920, 1080), (1080, 1920), (1280, 720), (720, 1280)]:
        add(w, h, "smooth")
    for w, h in [(6000, 4000), (4001, 2999)]:
        add(w, h, "smooth")
    return specs


def make_image(index, w, h, kind, seed):
    """uint8 HxWx3 array; each image draws from its own generator so specs stay independent."""
    rng = np.random.default_rng([seed, index])
    if kind == "noise":
        return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    if kind == "flat":
        return np.broadcast_to(rng.integers(0, 256, 3, dtype=np.uint8), (h, w, 3)).copy()
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    if kind == "gradient":
        a, b = rng.uniform(-200, 200, 2)
        plane = np.clip(128 + a * (x - 0.5) + b * (y - 0.5), 0, 255)
        return np.repeat(plane[:, :, None], 3, axis=2).astype(np.uint8)
    if kind == "stripes":
        period = rng.uniform(2, max(3.0, min(w, h) / 2))
        angle = rng.uniform(0, math.pi)
        phase = (x * w * math.cos(angle) + y * h * math.sin(angle)) / period
        plane = np.where(np.floor(phase).astype(np.int64) % 2 == 0, rng.integers(0, 128),
                         rng.integers(128, 256))
        img = np.repeat(plane[:, :, None], 3, axis=2).astype(np.uint8)
        img[..., int(rng.integers(0, 3))] //= 2
        return img
    if kind == "blocks":
        img = np.empty((h, w, 3), dtype=np.uint8)
        img[:] = rng.integers(0, 256, 3, dtype=np.uint8)
        for _ in range(int(rng.integers(2, 12))):
            x0, x1 = sorted(rng.integers(0, w + 1, 2))
            y0, y1 = sorted(rng.integers(0, h + 1, 2))
            img[y0:y1, x0:x1] = rng.integers(0, 256, 3, dtype=np.uint8)
        noise = rng.normal(0, rng.uniform(0, 6), (h, w, 3)).astype(np.float32)
        return np.clip(img + noise, 0, 255).astype(np.uint8)
    # smooth, grey, lowcontrast: a few low-frequency waves and a tilt, plus noise.
    channels = 1 if kind == "grey" else 3
    amplitude = rng.uniform(1.5, 4.0) if kind == "lowcontrast" else rng.uniform(30, 90)
    out = np.empty((h, w, channels), dtype=np.float32)
    for c in range(channels):
        plane = np.full((h, w), rng.uniform(60, 196), dtype=np.float32)
        for _ in range(4):
            fx, fy = rng.uniform(0.3, 6.0, 2)
            px, py = rng.uniform(0, 2 * math.pi, 2)
            plane += np.float32(amplitude / 2) * (np.sin(np.float32(2 * math.pi * fx) * x + px) *
                                                  np.cos(np.float32(2 * math.pi * fy) * y + py))
        plane += np.float32(rng.uniform(-40, 40)) * (x - 0.5) + np.float32(rng.uniform(-40, 40)) * (y - 0.5)
        sigma = 0.7 if kind == "lowcontrast" else rng.uniform(2, 14)
        plane += rng.normal(0, sigma, (h, w)).astype(np.float32)
        out[:, :, c] = plane
    img = np.clip(out, 0, 255).astype(np.uint8)
    return np.repeat(img, 3, axis=2) if channels == 1 else img


def write_ppm(path, rgb):
    h, w, _ = rgb.shape
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(np.ascontiguousarray(rgb).tobytes())


def hash_row(fname, rgb):
    hashes, quality = pdqhash.compute_dihedral(rgb)
    phash = str(imagehash.phash(Image.fromarray(rgb)))
    h, w, _ = rgb.shape
    return [fname, str(w), str(h), str(int(quality))] + [pdq_hex(v) for v in hashes] + [phash]


class Task(NamedTuple):
    """One image to produce: a corpus file (path set) or a synthetic spec (kind set)."""
    out_dir: str
    index: int  # position in the case list: the file name prefix
    name: str
    seed: int
    path: Optional[str] = None
    syn_index: int = 0  # seeds the synthetic image, independent of how many originals exist
    width: int = 0
    height: int = 0
    kind: str = ""

    def cost(self):
        return 1 << 40 if self.path else self.width * self.height


def job(task):
    """One image: decode or build it, write the PPM, return its CSV row."""
    if task.path:
        with Image.open(task.path) as im:
            rgb = np.asarray(im.convert("RGB"))
    else:
        rgb = make_image(task.syn_index, task.width, task.height, task.kind, task.seed)
    fname = f"{task.index:04d}_{task.name}.ppm"
    write_ppm(os.path.join(task.out_dir, fname), rgb)
    return hash_row(fname, rgb)


def corpus_originals(corpus):
    if corpus is None:
        return []
    d = pathlib.Path(corpus) / "images" / "originals"
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.suffix.lower() in ORIGINAL_EXTS)


def stamp_of(originals, seed):
    h = hashlib.sha256()
    h.update(pathlib.Path(__file__).read_bytes())
    for p in originals:
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    h.update(versions_text().encode())
    h.update(str(seed).encode())
    return h.hexdigest()


def versions_text():
    return (f"pdqhash {pdqhash.__version__}\nimagehash {imagehash.__version__}\n"
            f"Pillow {PIL.__version__}\nnumpy {np.__version__}\nscipy {scipy.__version__}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--corpus", help="make-corpus output directory (its images/originals are used)")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--force", action="store_true", help="regenerate even when up to date")
    args = ap.parse_args()

    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    originals = corpus_originals(args.corpus)
    if not originals:
        print(f"oracle: no corpus originals at {args.corpus}/images/originals; "
              "synthetic images only", flush=True)
    stamp = stamp_of(originals, args.seed)
    stamp_file, csv_file = out / "stamp.txt", out / "expected.csv"
    if not args.force and csv_file.is_file() and stamp_file.is_file() \
            and stamp_file.read_text().strip() == stamp:
        print(f"oracle: {out} is up to date", flush=True)
        return 0

    check_bit_order()
    for old in list(out.glob("*.ppm")) + [csv_file, stamp_file]:
        if old.exists():
            old.unlink()
    tasks = [Task(str(out), i, p.stem, args.seed, path=str(p)) for i, p in enumerate(originals)]
    for i, (name, w, h, kind) in enumerate(synthetic_specs(args.seed)):
        tasks.append(Task(str(out), len(originals) + i, name, args.seed, syn_index=i, width=w,
                          height=h, kind=kind))
    tasks.sort(key=Task.cost, reverse=True)  # largest first, so the pool's tail is short
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            rows = pool.map(job, tasks, chunksize=1)
    else:
        rows = [job(t) for t in tasks]
    rows.sort(key=lambda r: r[0])

    header = ["file", "width", "height", "quality"] + [f"pdq_{d}" for d in DIHEDRAL] + ["phash"]
    with tempfile.NamedTemporaryFile("w", dir=out, delete=False, suffix=".tmp") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    os.replace(f.name, csv_file)
    (out / "versions.txt").write_text(versions_text())
    stamp_file.write_text(stamp + "\n")
    print(f"oracle: wrote {len(rows)} cases ({len(originals)} corpus originals, "
          f"{len(rows) - len(originals)} synthetic) to {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
