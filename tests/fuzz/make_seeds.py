#!/usr/bin/env python3
"""Generates seed inputs for the fuzz targets into OUT/<target>/ (deterministic).

  make_seeds.py --out DIR [--corpus CORPUS_DIR] [--hashsieve BIN]

fuzz_media_decode: small files of the corpus (every small bad/ file, a few tiny variants, the
  smallest videos) plus tiny images and clips in every container and codec the media layer
  takes, transcoded by the ffmpeg CLI from its own test pattern (no corpus needed).
fuzz_tiff_decode: the TIFFs among those, plus tiny TIFFs that libtiff's tiffcp re-encodes into
  tiles, planes, strips and every codec it has (when tiffcp is installed).
fuzz_list_text: list files in each text format (plain hex, hash,quality,path, CSV, ThreatExchange,
  JSONL, StopNCII JSON, pHash), with BOM, CRLF, comments and malformed lines.
fuzz_hsl_loader: .hsl lists built from those by `hashsieve list build` when BIN has it.
fuzz_archive_read: tiny archives in each format (zipfile/tarfile; 7z and bsdtar when installed),
  nested, truncated and with a corrupted central directory.
fuzz_query_reader: hash records (image, video, error, dihedral), and `hashsieve hash` output on
  the tiny images when BIN has it.
Only the Python standard library and, optionally, ffmpeg and the hashsieve CLI are used.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

SEED = 20240501  # fixed: the same seeds every run
# Seeds stay small: a big image costs the media fuzzer most of its speed under ASan.
MAX_CORPUS_SEED_BYTES = 16 * 1024
MAX_CORPUS_BAD_SEED_BYTES = 64 * 1024
# Corpus variants (file name after "__") that add a format feature to the media seeds.
CORPUS_VARIANT_TAGS = ("tiny", "format", "progressive", "cmyk", "png-16bit", "png-alpha",
                       "exif-orientation", "grayscale")


def hexhash(rng, chars=64):
    return "".join(rng.choice("0123456789abcdef") for _ in range(chars))


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def corpus_media_seeds(corpus, out):
    """Small corpus files: bad/ (all small ones), tiny variants, the smallest videos."""
    picked, seen = [], set()
    manifest = corpus / "manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        path = corpus / rec["path"]
        if "path_hex" in rec or not path.is_file() or path.is_symlink():
            continue
        size = rec.get("bytes") or path.stat().st_size
        digest = rec.get("sha256") or path.name
        limit = MAX_CORPUS_BAD_SEED_BYTES if rec["kind"] == "bad" else MAX_CORPUS_SEED_BYTES
        if size > limit or digest in seen:
            continue  # large, or the same bytes under another name
        tag = Path(rec["path"]).stem.split("__")[-1]
        if rec["kind"] in ("bad", "video") or tag.startswith(CORPUS_VARIANT_TAGS):
            picked.append(path)
            seen.add(digest)
    for i, path in enumerate(sorted(picked)):
        try:
            shutil.copyfile(path, out / f"corpus-{i:03d}-{path.name[-40:]}")
        except OSError:
            pass  # e.g. an unreadable file when not root
    return len(picked)


# (file name, ffmpeg output arguments) from a 3-frame 48x32 test pattern.
FFMPEG_OUTPUTS = [
    ("still.png", ["-frames:v", "1", "-pix_fmt", "rgb24"]),
    ("still-rgba.png", ["-frames:v", "1", "-pix_fmt", "rgba"]),
    ("still-grey.png", ["-frames:v", "1", "-pix_fmt", "gray"]),
    ("still-16bit.png", ["-frames:v", "1", "-pix_fmt", "rgb48be"]),
    ("still-palette.png", ["-frames:v", "1", "-pix_fmt", "pal8"]),
    ("still.jpg", ["-frames:v", "1", "-q:v", "5"]),
    ("still-grey.jpg", ["-frames:v", "1", "-pix_fmt", "gray"]),
    ("still.bmp", ["-frames:v", "1"]),
    ("still.tiff", ["-frames:v", "1", "-compression_algo", "lzw"]),
    ("still.webp", ["-frames:v", "1"]),
    ("anim.gif", []),
    ("anim.webp", ["-loop", "0"]),
    ("anim.apng", ["-f", "apng", "-plays", "0"]),
    ("clip-h264.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "2"]),
    ("clip-h264.mkv", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    ("clip-mpeg4.avi", ["-c:v", "mpeg4"]),
    ("clip-mjpeg.avi", ["-c:v", "mjpeg"]),
    ("clip-vp9.webm", ["-c:v", "libvpx-vp9"]),
    ("clip-vp8.webm", ["-c:v", "libvpx"]),
    ("clip.mov", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    ("clip.ts", ["-c:v", "mpeg2video"]),
    ("clip.y4m", ["-pix_fmt", "yuv420p"]),
]


def ffmpeg_media_seeds(out):
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        return 0
    made = 0
    for name, args in FFMPEG_OUTPUTS:
        target = out / ("gen-" + name)
        cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i",
               "testsrc=size=48x32:rate=10:duration=0.3", *args, "-fflags", "+bitexact",
               str(target)]
        if subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode == 0 and target.exists():
            made += 1
        else:
            target.unlink(missing_ok=True)
    return made


def list_text_seeds(out, rng):
    pdq = [hexhash(rng) for _ in range(6)]
    ph = [hexhash(rng, 16) for _ in range(4)]
    seeds = {
        "plain.txt": "\n".join(pdq) + "\n",
        "plain-quality-id.txt": "".join(f"{h},{q},id-{i}\n" for i, (h, q) in
                                        enumerate(zip(pdq, [100, 90, 49, 0, 50, 75]))),
        "reference-tool.csv": "".join(f"{h},{q},/images/{i}.jpg\n" for i, (h, q) in
                                      enumerate(zip(pdq, [100, 80, 60, 40, 20, 0]))),
        "header.csv": "id,pdq,quality\n" + "".join(f"e{i},{h},{50 + i}\n" for i, h in
                                                    enumerate(pdq)),
        "quoted.csv": 'name,hash_value,note\n"a, b",' + pdq[0] + ',"say ""hi"""\n' +
                      "b," + pdq[1].upper() + ",x\r\n",
        "threatexchange.txt": "".join(f"pdq {h}\n" for h in pdq) + "video_md5 " +
                              hexhash(rng, 32) + "\n",
        "list.jsonl": "".join(json.dumps({"pdq": h, "id": f"j{i}", "quality": 90}) + "\n"
                              for i, h in enumerate(pdq)) + json.dumps({"pdq": pdq[0], "id": 7}) +
                      "\n",
        "stopncii.jsonl": json.dumps({"signalType": "ImagePDQ", "hashValue": pdq[2]}) + "\n" +
                          json.dumps({"signalType": "VideoMD5", "hashValue": hexhash(rng, 32)}) +
                          "\n",
        "bom-crlf-comments.txt": "\ufeff# a comment\r\n\r\n" + pdq[3] + "\r\n# end\r\n",
        "malformed.txt": pdq[0] + "\nnot-a-hash\n" + pdq[1][:-1] + "\n" + pdq[2] + ",101\n" +
                         pdq[3] + ",-1\n" + pdq[4] + "g\n",
        "duplicates.txt": f"{pdq[0]},90,a\n{pdq[0]},80,b\n{pdq[0].upper()},70,a\n",
        "phash.txt": "\n".join(ph) + "\n",
        "phash.csv": "phash,id\n" + "".join(f"{h},p{i}\n" for i, h in enumerate(ph)),
        "empty.txt": "",
    }
    for name, text in seeds.items():
        write(out / name, text)
    return seeds


def query_seeds(out, rng):
    pdq = [hexhash(rng) for _ in range(8)]
    image = {"path": "a.jpg", "kind": "image", "width": 640, "height": 480,
             "md5": hexhash(rng, 32), "sha1": hexhash(rng, 40), "sha256": hexhash(rng),
             "pdq": pdq[0], "pdq_quality": 100, "phash": hexhash(rng, 16)}
    dihedral = dict(image, path="b.png", pdq_dihedral=dict(zip(
        ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"], pdq)))
    video = {"path": "v.mp4", "kind": "video", "duration": 2.5, "fps": 25.0,
             "frames": [{"t": 0.0, "pdq": pdq[1], "quality": 90},
                        {"t": 1.0, "pdq": pdq[2], "quality": 30}]}
    error = {"path": "bad.jpg", "error": "truncated"}
    low = dict(image, path="low.jpg", pdq_quality=10)
    records = [image, dihedral, video, error, low]
    write(out / "records.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    for i, r in enumerate(records):
        write(out / f"record-{i}.jsonl", json.dumps(r) + "\n")
    write(out / "crlf-blank.jsonl", "\r\n" + json.dumps(image) + "\r\n\r\n")


def archive_seeds(out):
    """Tiny archives of the formats the archive reader takes (7z/bsdtar ones when installed; no
    ISO 9660: its smallest image is too big a seed),
    nested ones, and a truncated and a corrupted one."""
    import gzip, io, lzma, tarfile, zipfile
    out.mkdir(parents=True, exist_ok=True)
    members = [("a.txt", b"hello\n"), ("d/b.bin", bytes(range(64)))]

    def zip_of(items, method=zipfile.ZIP_DEFLATED):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as z:
            for name, data in items:
                z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data, method)
        return buf.getvalue()

    def tar_of(items, mode="w"):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode=mode, format=tarfile.USTAR_FORMAT) as t:
            for name, data in items:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        return buf.getvalue()

    seeds = {
        "stored.zip": zip_of(members, zipfile.ZIP_STORED),
        "deflate.zip": zip_of(members),
        "bzip2.zip": zip_of(members, zipfile.ZIP_BZIP2),
        "plain.tar": tar_of(members),
        "nested.zip": zip_of([("in.tar", tar_of([("x.zip", zip_of(members))]))]),
        "data.gz": gzip.compress(b"payload" * 20, mtime=0),
        "data.xz": lzma.compress(b"payload" * 20),
    }
    seeds["truncated.zip"] = seeds["deflate.zip"][:60]
    bad = bytearray(seeds["stored.zip"])
    bad[bad.rfind(b"PK\x01\x02") + 20] ^= 0xFF
    seeds["badcd.zip"] = bytes(bad)
    for name, data in seeds.items():
        write(out / name, data)
    src = out.parent / "archive-src"
    for name, data in members:
        write(src / name, data)
    for name, args in [("lzma.7z", ["7z", "a", "-bd"]), ("newc.cpio", ["bsdtar", "--format", "newc", "-cf"])]:
        if shutil.which(args[0]):
            subprocess.run(args + [str((out / name).resolve()), "a.txt", "d/b.bin"], cwd=src,
                           check=True, capture_output=True)
    shutil.rmtree(src)


def run_cli(binary, args, stdout=None):
    try:
        return subprocess.run([binary, *args], stdin=subprocess.DEVNULL, stdout=stdout,
                              stderr=subprocess.DEVNULL, timeout=120).returncode
    except (OSError, subprocess.TimeoutExpired):
        return -1


# tiffcp options for the TIFF seeds: layouts and codecs of the TIFF path (tests/media/FIDELITY.md).
TIFFCP_LAYOUTS = [
    ("lzw-tiled", ["-c", "lzw", "-t", "-w", "16", "-l", "16"]),
    ("zip-planar", ["-c", "zip", "-p", "separate"]),
    ("planar-tiled", ["-p", "separate", "-t", "-w", "16", "-l", "16"]),
    ("packbits-strips", ["-c", "packbits", "-r", "5"]),
    ("jpeg-ycbcr", ["-c", "jpeg", "-r", "16"]),
    ("jpeg-ycbcr-tiled", ["-c", "jpeg", "-t", "-w", "16", "-l", "16"]),
    ("jpeg-rgb", ["-c", "jpeg:r"]),
    ("lzw-predictor", ["-c", "lzw:2"]),
]


def tiff_seeds(media, out):
    out.mkdir(parents=True, exist_ok=True)
    tiffs = [p for p in sorted(media.iterdir()) if p.suffix.lower() in (".tif", ".tiff")]
    for p in tiffs:
        shutil.copyfile(p, out / p.name)
    tiffcp = shutil.which("tiffcp")
    src = media / "gen-still.tiff"
    made = len(tiffs)
    if tiffcp and src.exists():
        raw = out / "gen-raw.tiff"
        subprocess.run([tiffcp, "-c", "none", str(src), str(raw)], stdin=subprocess.DEVNULL)
        for name, opts in TIFFCP_LAYOUTS:
            target = out / f"gen-{name}.tiff"
            subprocess.run([tiffcp, *opts, str(raw), str(target)], stdin=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            made += target.exists()
        pages = out / "gen-pages.tiff"
        subprocess.run([tiffcp, str(raw), str(out / "gen-lzw-tiled.tiff"), str(pages)],
                       stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return made


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--hashsieve", help="CLI for .hsl and hash-record seeds (optional)")
    args = ap.parse_args()
    rng = random.Random(SEED)
    out = args.out
    if out.exists():
        shutil.rmtree(out)

    media = out / "fuzz_media_decode"
    media.mkdir(parents=True)
    from_corpus = 0
    if args.corpus and (args.corpus / "manifest.jsonl").is_file():
        from_corpus = corpus_media_seeds(args.corpus, media)
    generated = ffmpeg_media_seeds(media)
    tiffs = tiff_seeds(media, out / "fuzz_tiff_decode")

    lists = out / "fuzz_list_text"
    list_text_seeds(lists, rng)
    query_seeds(out / "fuzz_query_reader", rng)
    archive_seeds(out / "fuzz_archive_read")

    hsl = out / "fuzz_hsl_loader"
    hsl.mkdir(parents=True)
    # Odd first byte: build-then-corrupt mode; 8 control bytes, then 36-byte entries.
    for op in range(3):
        for n in (0, 1, 9):
            control = bytes([1, op]) + rng.randbytes(4) + bytes([0x5A, n % 2, 0])
            entries = b"".join(rng.randbytes(32) + bytes([rng.choice([0, 50, 100, 255])]) +
                               f"i{k:02d}".encode() for k in range(n))
            write(hsl / f"corrupt-op{op}-{n}", control + entries)
    built = 0
    cli = args.hashsieve
    if cli and os.access(cli, os.X_OK):
        for src in sorted(lists.iterdir()):
            kind = ["--type", "phash"] if src.name.startswith("phash") else []
            target = hsl / (src.stem + ".hsl")
            if run_cli(cli, ["list", "build", *kind, str(src), "-o", str(target)]) == 0:
                # Even first byte: the rest is a raw .hsl file.
                target.write_bytes(b"\0" + target.read_bytes())
                built += 1
        with open(out / "fuzz_query_reader" / "hash-output.jsonl", "wb") as f:
            stills = sorted(str(p) for p in media.glob("gen-still*"))
            if stills:
                run_cli(cli, ["hash", "--dihedral", *stills], stdout=f)
    print(f"make_seeds: media {from_corpus} from the corpus + {generated} generated, "
          f"tiff {tiffs}, lists {len(list(lists.iterdir()))}, hsl {built}", file=sys.stderr)


if __name__ == "__main__":
    main()
