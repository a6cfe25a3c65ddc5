#!/usr/bin/env python3
"""Pillow's decoded pixels for every image under the given roots, as digests.

Lines "#root<TAB>LABEL<TAB>DIR" name the roots; then one tab-separated line per file: root label, path relative to the root, status ("ok" or
"error"), kind ("gray" or "rgb"), width, height, sha256 of the tightly packed pixels, and
pdqhash's PDQ hex and quality of those pixels (grey as three equal channels; "-" without pdqhash).
The pixels are the ones hashsieve is expected to deliver (docs/ALGORITHMS.md §1, "library path"):
grey modes (1, L, LA) as one grey channel, 16-bit grey reduced to its high byte (Pillow's own
rule for 16-bit RGB), everything else convert("RGB") (alpha dropped, palette and CMYK to true
RGB). First frame only. Used by tests/test_media_pillow.cpp as its oracle.
Usage: pillow_oracle.py OUT.tsv LABEL=DIR [LABEL=DIR ...]
"""
import hashlib
import os
import sys

import numpy as np
from PIL import Image

try:
    import pdqhash
except ImportError:
    pdqhash = None

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".pcx"}
GREY_MODES = {"1", "L", "LA"}
SIXTEEN_BIT_GREY = {"I;16", "I;16B", "I;16L"}


def expected_pixels(path):
    with Image.open(path) as im:
        im.seek(0)
        if im.mode in GREY_MODES:
            return "gray", np.asarray(im.convert("L"))
        if im.mode in SIXTEEN_BIT_GREY:
            return "gray", (np.asarray(im).astype(np.uint16) >> 8).astype(np.uint8)
        return "rgb", np.asarray(im.convert("RGB"))


def pdq_columns(kind, arr):
    """pdqhash on the expected pixels; its vector holds bit 255 first (tests/oracle)."""
    if pdqhash is None:
        return "-\t-"
    rgb = np.stack([arr] * 3, axis=-1) if kind == "gray" else arr
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    value = 0
    for b in bits:
        value = (value << 1) | int(b)
    return "%064x\t%d" % (value, quality)


def main():
    out_path, roots = sys.argv[1], sys.argv[2:]
    lines = []
    for spec in roots:
        label, root = spec.split("=", 1)
        if not os.path.isdir(root):
            continue
        lines.append(f"#root\t{label}\t{os.path.abspath(root)}")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                if os.path.splitext(name)[1].lower() not in IMAGE_EXTS:
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root)
                try:
                    kind, arr = expected_pixels(full)
                    arr = np.ascontiguousarray(arr, dtype=np.uint8)
                    digest = hashlib.sha256(arr.tobytes()).hexdigest()
                    lines.append(f"{label}\t{rel}\tok\t{kind}\t{arr.shape[1]}\t{arr.shape[0]}"
                                 f"\t{digest}\t{pdq_columns(kind, arr)}")
                except Exception as e:  # noqa: BLE001 - Pillow raises many types on bad files
                    lines.append(f"{label}\t{rel}\terror\t{type(e).__name__}\t0\t0\t-\t-\t-")
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out_path)
    print(f"pillow_oracle: {len(lines)} files -> {out_path}")


if __name__ == "__main__":
    main()
