#!/usr/bin/env python3
"""vPDQ features from the PyPI `vpdq` package (Meta's C++ over this machine's FFmpeg) for every
video under the given roots, as the oracle of tests/test_vpdq_oracle.cpp.

Output: "#root<TAB>LABEL<TAB>DIR" lines name the roots; then lines (tab-separated): label, path relative to the root, seconds_per_hash, then either
"frame", frameNumber, quality, pdqHex, timestamp, or "error", message (vpdq refused the file).
Each spec is LABEL=DIR[@SECONDS_PER_HASH[:NAME,NAME...]]: SECONDS_PER_HASH defaults to 1
(vpdq's default), 0 hashes every frame; the names, when given, pick files of DIR.
Usage: vpdq_oracle.py OUT.tsv SPEC [SPEC ...]
"""
import os
import sys

import vpdq

VIDEO_EXTS = {".mp4", ".mkv", ".mov", ".avi", ".webm"}


def main():
    out_path, specs = sys.argv[1], sys.argv[2:]
    lines = []
    for spec in specs:
        label, rest = spec.split("=", 1)
        root, _, tail = rest.partition("@")
        sph, _, names = tail.partition(":")
        seconds_per_hash = float(sph) if sph else 1.0
        only = set(names.split(",")) if names else set()
        if not os.path.isdir(root):
            continue
        lines.append(f"#root\t{label}\t{os.path.abspath(root)}")
        for name in sorted(os.listdir(root)):
            full = os.path.join(root, name)
            if os.path.splitext(name)[1].lower() not in VIDEO_EXTS or not os.path.isfile(full):
                continue
            if only and name not in only:
                continue
            head = f"{label}\t{name}\t{seconds_per_hash!r}"
            try:
                feats = vpdq.computeHash(full, seconds_per_hash=seconds_per_hash)
            except Exception as e:  # noqa: BLE001 - vpdq raises a bare Exception on failure
                lines.append(f"{head}\terror\t{e}")
                continue
            for f in feats:
                lines.append(f"{head}\tframe\t{f.frame_number}\t{f.quality}\t{f.hex}\t{f.timestamp!r}")
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, out_path)
    print(f"vpdq_oracle: {len(lines)} lines -> {out_path}")


if __name__ == "__main__":
    main()
