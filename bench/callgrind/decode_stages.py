#!/usr/bin/env python3
"""Where decode time goes, per stage and per file, in callgrind instruction counts (repeatable on
a shared machine, where wall time is not). For each FILE, decode_stage_probe decodes it through
hashsieve's decoder twice and callgrind counts the second call (a worker's steady state; file
read and digests included). Self counts are grouped by library and by function into stages. For
JPEGs, libjpeg-turbo's share is split into entropy decoding, IDCT, upsampling and colour
conversion: libjpeg's internals carry no symbols in distribution builds, so the file is decoded
four more times to a growing stage, and each libjpeg function (by address) belongs to the stage
where it first runs; its count in the real decode goes to that stage. A native run adds process CPU time and minor page faults per
call (kernel work callgrind does not count; CPU time is noisy under load). For non-interlaced
PNGs, the IDAT stream is also inflated alone by zlib (FFmpeg's inflater) and by libdeflate.
usage: decode_stages.py [--probe PATH] [--native-calls N] FILE...
Exit status 77 (ctest: skipped) without valgrind."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (stage, object regex, function regex): the first match wins; None matches anything.
STAGES = [
    ("libjpeg-turbo", r"libjpeg\.", None),
    ("inflate (zlib)", r"libz\.", None),
    ("inflate (libdeflate)", r"libdeflate\.", None),
    ("swscale", r"libswscale\.", None),
    ("FFmpeg codec", r"libavcodec\.", None),
    ("FFmpeg demux", r"libavformat\.", None),
    ("FFmpeg util", r"libavutil\.", None),
    ("libwebp", r"libwebp|libsharpyuv", None),
    ("libtiff", r"libtiff\.", None),
    ("digests (OpenSSL)", r"libcrypto\.", None),
    ("memcpy/memmove", None, r"mem(cpy|move)"),
    ("memset (zero fill)", None, r"memset"),
    ("allocation", None,
     r"malloc|calloc|realloc|free|memalign|_int_|operator new|operator delete|mmap|munmap|brk"
     r"|tcache|arena|unlink_chunk|malloc_consolidate"),
    ("file read (syscall wrappers)", None, r"\bpread|__libc_pread|\bread\b|open|close|stat"),
    ("frame conversion (hashsieve)", None,
     r"FrameConverter|convertPacked|convertPalette|convertMono|convertPlanar|rgbFromRgbx"),
    ("GIF first-image scan (hashsieve)", None, r"readGifFirstImage|lzwPixels"),
]
JPEG_MODES = ["jpeg-coef", "jpeg-raw", "jpeg-ycc", "jpeg-rgb"]
JPEG_STAGES = ["entropy decoding (+ headers, memory)", "IDCT", "upsampling",
               "colour conversion"]
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*?)\s*\[(.*)\]\s*$")


def callgrind(probe, args, tmp):
    out = os.path.join(tmp, "cg.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                    "--toggle-collect=*hsProbe*", probe] + args,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", out],
                          check=True, capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            rows.append((int(m.group(1).replace(",", "")), m.group(2), m.group(3)))
    return rows


def stage_of(fn, obj, probe):
    for name, obj_re, fn_re in STAGES:
        if obj_re and not re.search(obj_re, obj):
            continue
        if fn_re and not re.search(fn_re, fn):
            continue
        return name
    return "hashsieve + other" if os.path.basename(obj) == probe else "other libraries"


def magic(path):
    with open(path, "rb") as f:
        return f.read(8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", default="build/bench/callgrind/decode_stage_probe")
    ap.add_argument("--native-calls", type=int, default=4)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        print("decode_stages: valgrind not found, skipped", file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        for path in a.files:
            native = subprocess.run([a.probe, "decode", path, str(a.native_calls + 1)],
                                    check=True, capture_output=True, text=True).stdout.split()
            fields = dict(zip(native[0::2], native[1::2]))
            rows = callgrind(a.probe, ["decode", path], tmp)
            total = sum(r[0] for r in rows)
            by = {}
            for ir, fn, obj in rows:
                s = stage_of(fn, obj, os.path.basename(a.probe))
                by[s] = by.get(s, 0) + ir
            print(f"== {path}: {total:,} instructions, frames {fields.get('frames')}, "
                  f"native {fields.get('cpu_ms_per_call')} ms CPU and "
                  f"{fields.get('minflt_per_call')} minor page faults per call")
            if magic(path).startswith(b"\xff\xd8\xff") and by.pop("libjpeg-turbo", 0):
                first = {}
                for i, m in enumerate(JPEG_MODES):
                    for ir, fn, obj in callgrind(a.probe, [m, path], tmp):
                        if "libjpeg." in obj and ir > 0:
                            first.setdefault(fn, i)
                for ir, fn, obj in rows:
                    if "libjpeg." in obj:
                        s = "libjpeg: " + (JPEG_STAGES[first[fn]] if fn in first else "other")
                        by[s] = by.get(s, 0) + ir
            for s, ir in sorted(by.items(), key=lambda kv: -kv[1]):
                print(f"  {s:40s} {ir:15,.0f} {100 * ir / total:6.1f}%")
            if magic(path) == b"\x89PNG\r\n\x1a\n":
                for m in ["inflate-zlib", "inflate-libdeflate"]:
                    try:
                        ir = sum(r[0] for r in callgrind(a.probe, [m, path], tmp))
                        print(f"  [alone] {m:32s} {ir:15,.0f}")
                    except subprocess.CalledProcessError:
                        print(f"  [alone] {m:32s} n/a (interlaced or unreadable IDAT)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
