#!/usr/bin/env python3
"""End-to-end tests of `hashsieve hash --archives` on archives made here.

Archives are built at test time with Python's zipfile/tarfile, and with 7z (p7zip-full),
bsdtar (libarchive-tools) and zstd when present (their cases are skipped, and said so,
otherwise). Images: JPEG/PNG files from the corpus ($HASHSIEVE_CORPUS or ../shared beside
the repository's corpus-small) when present, else PPMs generated here. Every member record is
compared with the record of the same file hashed loose. Needs only Debian's python3.
"""
import argparse
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib

from compression_quine import gzip_quine, zip_quine

FAILURES = []
SKIPPED = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, flush=True)


def write_ppm(path, width, height, seed):
    rng = random.Random(seed)
    a, b, c = rng.randrange(1, 8), rng.randrange(1, 6), rng.randrange(256)
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            pixels += bytes(((x * a + c) & 255, (y * b + c) & 255, ((x + y) * (a + b)) & 255))
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height))
        f.write(pixels)


def pick_images(work, corpus):
    """A few image files (bytes) by name."""
    images = {}
    if corpus and os.path.isdir(os.path.join(corpus, "images/variants")):
        base = os.path.join(corpus, "images/variants")
        for d in sorted(os.listdir(base))[:3]:
            for name in sorted(os.listdir(os.path.join(base, d))):
                if name.endswith((".jpg", ".png")) and len(images) < 6:
                    with open(os.path.join(base, d, name), "rb") as f:
                        images[name] = f.read()
    if len(images) < 3:
        for i in range(4):
            p = os.path.join(work, "gen%d.ppm" % i)
            write_ppm(p, 64 + 16 * i, 48 + 8 * i, i)
            with open(p, "rb") as f:
                images["gen%d.ppm" % i] = f.read()
    return images


class Cli:
    def __init__(self, exe, work):
        self.exe, self.work = exe, work

    def hash(self, inputs, *extra, stdin=None, check_ok=True):
        threads = [] if "--threads" in extra else ["--threads", "1"]
        args = [self.exe, "hash", "-q"] + threads + list(extra) + list(inputs)
        r = subprocess.run(args, capture_output=True, cwd=self.work, input=stdin)
        # Exit status 1: some records are errors (expected in most cases here).
        if check_ok and r.returncode not in (0, 1):
            raise RuntimeError("%s failed (%d): %s" % (args, r.returncode, r.stderr.decode()))
        return r.stdout

    def records(self, inputs, *extra):
        out = self.hash(inputs, *extra)
        return [json.loads(line) for line in out.decode().splitlines()]


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED, zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression, allowZip64=True) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression  # a ZipInfo does not take the archive's default
            with z.open(info, "w", force_zip64=zip64) as f:
                f.write(data)
    return buf.getvalue()


def zip_compressed(members, compression):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def zip_zstd(members):
    """ZIP with Zstandard members (method 93), framed by hand: no Debian tool writes one
    (p7zip 16.02, bsdtar 3.6 and Python 3.11's zipfile cannot); the data is the zstd CLI's."""
    body, central = b"", b""
    for name, data in members:
        comp = subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True,
                              check=True).stdout
        n, crc = name.encode(), zlib.crc32(data)
        fields = (93, 0, 0x21, crc, len(comp), len(data), len(n))  # method, time, date, ...
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 63, 63, 0, *fields, 0, 0, 0,
                               0, 0, len(body)) + n
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 63, 0, *fields, 0) + n + comp
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(body), 0)
    return body + central + end


def rar5_stored(members):
    """RAR5 with stored members, framed by hand from RARLAB's format description (no RAR writer
    is packaged in Debian main; RAR compression has no free encoder): the reader's RAR5 path."""
    def vint(n):
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n >> 7 else 0))
            n >>= 7
            if not n:
                return bytes(out)

    def header(body):  # CRC-32 of the size field and the body, then both
        size = vint(len(body))
        return struct.pack("<I", zlib.crc32(size + body)) + size + body

    out = b"Rar!\x1a\x07\x01\x00" + header(vint(1) + vint(0) + vint(0))  # main header
    for name, data in members:
        n = name.encode()
        # File header: type 2, flags "data area", data size; file flags "CRC-32", size, mode,
        # CRC-32, compression 0 (store), host OS 1 (Unix), name.
        out += header(vint(2) + vint(2) + vint(len(data)) + vint(4) + vint(len(data)) +
                      vint(0o100644) + struct.pack("<I", zlib.crc32(data)) + vint(0) + vint(1) +
                      vint(len(n)) + n) + data
    return out + header(vint(5) + vint(0) + vint(0))  # end of archive


def tar_bytes(members, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def digests(data):
    return (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
            hashlib.sha256(data).hexdigest())


def rec_digests(r):
    return (r.get("md5"), r.get("sha1"), r.get("sha256"))


HASH_KEYS = ("kind", "width", "height", "md5", "sha1", "sha256", "pdq", "pdq_quality", "phash",
             "error", "detail")


def same_as_loose(member, loose):
    return all(member.get(k) == loose.get(k) for k in HASH_KEYS)


def tool_archive(work, tool_args, name, members, tool):
    """Runs an archiver CLI over `members` written to a scratch directory."""
    if not shutil.which(tool):
        SKIPPED.append("%s: %s not installed" % (name, tool))
        return None
    src = os.path.join(work, "src-" + name)
    shutil.rmtree(src, ignore_errors=True)
    for m, data in members:
        write(os.path.join(src, m), data)
    out = os.path.abspath(os.path.join(work, name))
    if os.path.exists(out):
        os.remove(out)
    subprocess.run(tool_args(out, [m for m, _ in members]), cwd=src, check=True,
                   capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def sevenz(extra=()):
    return lambda out, names: ["7z", "a", "-bd", "-y"] + list(extra) + [out] + names


def bsdtar(fmt):
    return lambda out, names: ["bsdtar", "--format", fmt, "-cf", out] + names


def test_formats(cli, work, images, loose):
    """Every format: member records equal the loose files' records, in archive order, and the
    archive's own record has the archive's digests."""
    members = [("dir/" + n, d) for n, d in images.items()]
    cases = {
        "stored.zip": zip_bytes(members, zipfile.ZIP_STORED),
        "deflate.zip": zip_bytes(members, zipfile.ZIP_DEFLATED),
        "bzip2.zip": zip_compressed(members, zipfile.ZIP_BZIP2),
        "lzma.zip": zip_compressed(members, zipfile.ZIP_LZMA),
        "zip64.zip": zip_bytes(members, zipfile.ZIP_DEFLATED, zip64=True),
        "stored.rar": rar5_stored(members),
        "plain.tar": tar_bytes(members),
        "gz.tar.gz": tar_bytes(members, "w:gz"),
        "bz2.tar.bz2": tar_bytes(members, "w:bz2"),
        "xz.tar.xz": tar_bytes(members, "w:xz"),
    }
    if shutil.which("zstd"):
        cases["zst.tar.zst"] = subprocess.run(["zstd", "-q", "-c"], input=tar_bytes(members),
                                              capture_output=True, check=True).stdout
        cases["zstd.zip"] = zip_zstd(members)
    else:
        SKIPPED.append("tar.zst, zstd.zip: zstd not installed")
    for name, tool, args in [("lzma.7z", "7z", sevenz()), ("bzip2.7z", "7z", sevenz(["-m0=BZip2"])),
                             ("image.iso", "bsdtar", bsdtar("iso9660")),
                             ("newc.cpio", "bsdtar", bsdtar("newc")),
                             ("odc.cpio", "bsdtar", bsdtar("odc"))]:
        data = tool_archive(work, args, name, members, tool)
        if data is not None:
            cases[name] = data
    first = next(iter(images.items()))
    cases["photo%s.gz" % os.path.splitext(first[0])[1]] = gzip.compress(first[1])
    cases["photo%s.xz" % os.path.splitext(first[0])[1]] = lzma.compress(first[1])
    cases["photo%s.bz2" % os.path.splitext(first[0])[1]] = bz2.compress(first[1])
    if shutil.which("zstd"):
        cases["photo%s.zst" % os.path.splitext(first[0])[1]] = subprocess.run(
            ["zstd", "-q", "-c"], input=first[1], capture_output=True, check=True).stdout

    adir = os.path.join(work, "formats")
    for name, data in cases.items():
        write(os.path.join(adir, name), data)
    recs = cli.records([adir])
    by_archive = {}
    for r in recs:
        top = r["path"].split("!/")[0]
        by_archive.setdefault(os.path.basename(top), []).append(r)
    for name, data in cases.items():
        rs = by_archive.get(name, [])
        own = rs[-1] if rs else {}
        check(own.get("kind") == "archive" and "archive_member" not in own,
              "%s: its own record comes last, kind archive: %s" % (name, own))
        check(rec_digests(own) == digests(data), "%s: archive digests" % name)
        got = rs[:-1]
        if name.startswith("photo"):
            expect = [("photo" + os.path.splitext(first[0])[1], first[0])]
        else:
            expect = [(m, m.split("/", 1)[1]) for m, _ in members]
            # ISO 9660 and cpio written by bsdtar list the directory first; tar/zip/7z keep order.
        check(len(got) == len(expect), "%s: %d member records, want %d" % (name, len(got), len(expect)))
        for r in got:
            check(r.get("archive_member") is True, "%s: archive_member on %s" % (name, r["path"]))
        names_got = [r["path"].split("!/", 1)[1] for r in got]
        if name.endswith((".iso", ".cpio", ".7z")):
            check(sorted(names_got) == sorted(m for m, _ in expect),
                  "%s: member names %s" % (name, names_got))
        else:
            check(names_got == [m for m, _ in expect], "%s: member order %s" % (name, names_got))
        for r in got:
            member = r["path"].split("!/", 1)[1]
            base = os.path.basename(member)
            src = base if base in loose else first[0]
            check(same_as_loose(r, loose[src]), "%s: %s hashes equal the loose file's" % (name, member))
    return cases


def nested_archive(images, depth):
    """depth levels: level 1 zip holding dir/level2.tar holding level3.7z-or-zip ... photo."""
    name, data = next(iter(images.items()))
    inner_name, inner = name, data
    chain = [name]
    for level in range(depth, 0, -1):
        if level % 2 == 0:
            inner_name, inner = "dir/level%d.tar" % level, tar_bytes([(inner_name, inner)])
        else:
            inner_name, inner = "level%d.zip" % level, zip_bytes([(inner_name, inner)])
        chain.insert(0, inner_name)
    return inner, chain


def test_nested(cli, work, images, loose):
    top, chain = nested_archive(images, 3)
    write(os.path.join(work, "nested", "outer.zip"), top)
    path = "nested/outer.zip"  # relative to the CLI's working directory, as records show it
    recs = cli.records([path])
    want = "nested/outer.zip!/" + "!/".join(chain[1:])
    paths = [r["path"] for r in recs]
    check(paths == [want,
                    "nested/outer.zip!/" + "!/".join(chain[1:3]),
                    "nested/outer.zip!/" + chain[1],
                    "nested/outer.zip"], "nested: record order %s" % paths)
    check(same_as_loose(recs[0], loose[chain[-1]]), "nested: member equals the loose file")
    check(all(r.get("kind") == "archive" for r in recs[1:]), "nested: archive records")
    # Depth limit: level 4 with --max-archive-depth 3 is a "nesting too deep" error with digests.
    deep, chain4 = nested_archive(images, 4)
    deep_path = write(os.path.join(work, "nested", "deep.zip"), deep)
    recs = cli.records([deep_path], "--max-archive-depth", "3")
    err = [r for r in recs if r.get("error")]
    check(len(err) == 1 and err[0]["error"] == "nesting too deep" and "sha256" in err[0],
          "depth limit: %s" % err)
    # --archives top: the nested archive is a member like any other (undecodable, digests).
    recs = cli.records([path], "--archives", "top")
    check(len(recs) == 2 and recs[0].get("error") == "unsupported format" and
          recs[0].get("archive_member") is True and recs[1]["kind"] == "archive",
          "--archives top: %s" % recs)
    recs = cli.records([path], "--archives", "none")
    check(len(recs) == 1 and recs[0].get("error") == "unsupported format" and
          rec_digests(recs[0]) == digests(top), "--archives none: %s" % recs)
    # --files-from names one member three levels down.
    listed = write(os.path.join(work, "nested", "list.txt"), (want + "\n").encode())
    recs = cli.records([], "--files-from", listed)
    check([r["path"] for r in recs] == [want] and same_as_loose(recs[0], loose[chain[-1]]),
          "--files-from member: %s" % recs)
    return path


def test_threads_identical(cli, work):
    outs = [cli.hash([os.path.join(work, "formats"), os.path.join(work, "nested", "outer.zip")],
                     "--threads", str(t)) for t in (1, 2, 3)]
    check(outs[0] == outs[1] == outs[2], "output identical for --threads 1, 2, 3")


def test_escaping(cli, work, images, loose):
    name, data = next(iter(images.items()))
    member = "we!rd!/x!y/" + name
    write(os.path.join(work, "esc", "d!", "a!.zip"), zip_bytes([(member, data)]))
    path = "esc/d!/a!.zip"
    recs = cli.records([path])
    want = "esc/d!!/a!.zip!/we!rd!!/x!y/" + name
    check(recs[0]["path"] == want, "escaped path %s, want %s" % (recs[0]["path"], want))
    listed = write(os.path.join(work, "esc", "list.txt"), (want + "\n").encode())
    recs = cli.records([], "--files-from", listed)
    check(len(recs) == 1 and same_as_loose(recs[0], loose[name]), "escaped --files-from: %s" % recs)


def test_hostile(cli, work, images, loose):
    os.makedirs(os.path.join(work, "hostile"), exist_ok=True)
    hdir = "hostile"  # relative: the CLI runs in `work`
    name, data = next(iter(images.items()))
    after = write(os.path.join(hdir, "zz-after.jpg"), data)  # the run goes on past each case

    # Zip bombs: total uncompressed limit, and compression ratio.
    zeros = b"\0" * (80 << 20)
    bomb = write(os.path.join(hdir, "bomb.zip"),
                 zip_bytes([("a.bin", zeros[: 30 << 20]), ("b.bin", zeros[: 30 << 20]), (name, data)]))
    recs = cli.records([bomb, after], "--max-archive-bytes", str(40 << 20))
    kinds = [(r["path"].split("!/")[-1], r.get("error")) for r in recs]
    check(kinds[1:3] == [("b.bin", "archive too large"), ("hostile/bomb.zip", "archive too large")]
          and recs[2].get("sha256") == digests(open(bomb, "rb").read())[2]
          and same_as_loose(recs[3], loose[name]), "total-size bomb: %s" % kinds)
    ratio = write(os.path.join(hdir, "ratio.zip"), zip_bytes([("z.bin", zeros)]))
    recs = cli.records([ratio, after], "--max-archive-ratio", "100")
    check([r.get("error") for r in recs[:2]] == ["compression ratio"] * 2 and
          same_as_loose(recs[2], loose[name]), "ratio bomb: %s" % [r.get("error") for r in recs])
    # Member over --max-member-bytes: an error record with its digests.
    recs = cli.records([bomb], "--max-member-bytes", str(1 << 20))
    check(recs[0].get("error") == "too large" and rec_digests(recs[0]) == digests(zeros[: 30 << 20]),
          "member cap: %s" % recs[0])

    # Path traversal names: recorded as they are, nothing written.
    trav = write(os.path.join(hdir, "trav.tar"),
                 tar_bytes([("../../escape.jpg", data), ("/abs/escape.jpg", data)]))
    recs = cli.records([trav])
    check([r["path"] for r in recs[:2]] ==
          ["hostile/trav.tar!/../../escape.jpg", "hostile/trav.tar!//abs/escape.jpg"] and
          all(same_as_loose(r, loose[name]) for r in recs[:2]), "traversal names: %s" % recs)
    check(not os.path.exists(os.path.join(work, "..", "..", "escape.jpg")) and
          not os.path.exists("/abs/escape.jpg"), "traversal: nothing written")

    # Encrypted members (7z AES, ZIP ZipCrypto) and encrypted 7z headers.
    if shutil.which("7z"):
        members = [(name, data), ("second.jpg", data)]
        enc7 = tool_archive(hdir, sevenz(["-psecret"]), "enc.7z", members, "7z")
        encz = tool_archive(hdir, sevenz(["-tzip", "-psecret"]), "enc.zip", members, "7z")
        hdr7 = tool_archive(hdir, sevenz(["-psecret", "-mhe=on"]), "hdr.7z", members, "7z")
        for n in ("enc.7z", "enc.zip"):
            recs = cli.records([os.path.join(hdir, n)])
            errs = [(r["path"].split("!/")[-1], r.get("error")) for r in recs[:2]]
            check(sorted(errs) == sorted([(name, "encrypted"), ("second.jpg", "encrypted")]) and
                  all(name in r["detail"] or "second.jpg" in r["detail"] for r in recs[:2]),
                  "%s: encrypted members %s" % (n, recs))
        recs = cli.records([os.path.join(hdir, "hdr.7z"), after])
        check(recs[0].get("error") in ("encrypted", "corrupt") and "sha256" in recs[0] and
              same_as_loose(recs[1], loose[name]), "encrypted 7z headers: %s" % recs[0])
        del enc7, encz, hdr7
    else:
        SKIPPED.append("encrypted archives: 7z not installed")

    # Corrupted central directory: the archive is an error record, the run goes on.
    z = bytearray(zip_bytes([(name, data), ("b.jpg", data)]))
    cd = z.rfind(b"PK\x01\x02")
    z[cd:cd + 4] = b"XXXX"
    bad_cd = write(os.path.join(hdir, "badcd.zip"), bytes(z))
    recs = cli.records([bad_cd, after])
    check(recs[-2]["path"] == "hostile/badcd.zip" and recs[-2].get("error") and
          rec_digests(recs[-2]) == digests(bytes(z)) and same_as_loose(recs[-1], loose[name]),
          "corrupt central directory: %s" % recs)

    # Truncated: members read so far, then error records.
    tgz = tar_bytes([("1.jpg", data), ("2.jpg", data), ("3.jpg", data)], "w:gz")
    cut = write(os.path.join(hdir, "cut.tar.gz"), tgz[: len(tgz) * 5 // 6])
    recs = cli.records([cut, after])
    check(len(recs) >= 4 and same_as_loose(recs[0], loose[name]) and
          recs[-3]["path"].startswith("hostile/cut.tar.gz!/") and
          recs[-3].get("error") == "truncated" and recs[-2]["path"] == "hostile/cut.tar.gz" and
          recs[-2].get("error") == "truncated" and same_as_loose(recs[-1], loose[name]),
          "truncated tar.gz: %s" % [(r["path"], r.get("error")) for r in recs])
    zcut = zip_bytes([("1.jpg", data), ("2.jpg", data), ("3.jpg", data)], zipfile.ZIP_STORED)
    cutz = write(os.path.join(hdir, "cut.zip"), zcut[: len(data) * 5 // 2])
    recs = cli.records([cutz])
    check(len(recs) >= 3 and same_as_loose(recs[0], loose[name]) and
          same_as_loose(recs[1], loose[name]) and recs[-1].get("error") == "truncated",
          "truncated zip: %s" % [(r["path"], r.get("error")) for r in recs])


def test_quines(cli, work, images, loose):
    """Archives that contain themselves: refused by digest with an error naming the member, the
    archive keeps its own record and the run goes on."""
    name, data = next(iter(images.items()))
    qdir = "quine"  # relative: the CLI runs in `work`
    after = write(os.path.join(qdir, "zz-after.jpg"), data)
    quine = zip_quine()
    qzip = write(os.path.join(qdir, "self.zip"), quine)
    recs = cli.records([qzip, after])
    check([(r["path"], r.get("error")) for r in recs[:2]] ==
          [("quine/self.zip!/self.zip", "archive cycle"), ("quine/self.zip", None)] and
          rec_digests(recs[0]) == digests(quine) and recs[1].get("kind") == "archive" and
          rec_digests(recs[1]) == digests(quine) and len(recs) == 3 and
          same_as_loose(recs[2], loose[name]), "zip quine: %s" % recs)
    # Inside another archive: the copy is caught against the enclosing (in-memory) archive.
    outer = write(os.path.join(qdir, "outer.zip"), zip_bytes([("in/self.zip", quine), (name, data)]))
    recs = cli.records([outer, after])
    check([(r["path"], r.get("error")) for r in recs] ==
          [("quine/outer.zip!/in/self.zip!/self.zip", "archive cycle"),
           ("quine/outer.zip!/in/self.zip", None), ("quine/outer.zip!/" + name, None),
           ("quine/outer.zip", None), ("quine/zz-after.jpg", None)] and
          rec_digests(recs[0]) == digests(quine), "nested zip quine: %s" % recs)
    # A .gz that decompresses to itself: libarchive stops stacking gzip filters; an error record.
    gz = gzip_quine()
    check(gzip.decompress(gz) == gz, "the gzip quine is one")
    qgz = write(os.path.join(qdir, "self.gz"), gz)
    recs = cli.records([qgz, after])
    check(recs[-2]["path"].startswith("quine/self.gz") and recs[-2].get("error") and
          same_as_loose(recs[-1], loose[name]), "gzip quine: %s" % recs)


def test_many_members(cli, work):
    """Bounded memory: peak RSS of 40,000 tiny members stays close to that of 4,000."""
    rss = {}
    for count in (4000, 40000):
        path = os.path.join(work, "many%d.zip" % count)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for i in range(count):
                z.writestr("m%06d.txt" % i, b"x")
        write(path, buf.getvalue())
        stats = os.path.join(work, "many%d.stats.json" % count)
        out = cli.hash([path], "--stats-json", stats)
        lines = out.count(b"\n")
        check(lines == count + 1, "many members: %d records, want %d" % (lines, count + 1))
        with open(stats) as f:
            rss[count] = json.load(f)["peak_rss_bytes"]
    check(rss[40000] - rss[4000] < 64 << 20, "many members: peak RSS %s" % rss)


def test_resume(cli, work):
    """A journal cut inside an archive: the rerun neither duplicates nor loses a member."""
    inputs = [os.path.join(work, "formats"), os.path.join(work, "nested", "outer.zip")]
    full = cli.hash(inputs)
    journal = os.path.join(work, "resume.journal")
    if os.path.exists(journal):
        os.remove(journal)
    cli.hash(inputs, "--journal", journal)
    with open(journal, "rb") as f:
        lines = f.read().split(b"\n")
    keep = len(lines) // 2
    with open(journal, "wb") as f:
        f.write(b"\n".join(lines[:keep]) + b"\n")
    stats = os.path.join(work, "resume.stats.json")
    again = cli.hash(inputs, "--journal", journal, "--stats-json", stats)
    with open(stats) as f:
        resumed = json.load(f)["resumed"]
    check(again == full, "resume: output equals the uninterrupted run")
    check(resumed == keep - 1, "resume: %d resumed, want %d" % (resumed, keep - 1))


def test_scan(cli, work, images):
    name, data = next(iter(images.items()))
    loose = write(os.path.join(work, "scan", name), data)
    listed = os.path.join(work, "scan", "loose.jsonl")
    with open(listed, "wb") as f:
        f.write(cli.hash([loose]))
    hsl = os.path.join(work, "scan", "list.hsl")
    subprocess.run([cli.exe, "list", "build", listed, "-o", hsl], check=True, capture_output=True)
    arch = write(os.path.join(work, "scan", "in.zip"), zip_bytes([("sub/" + name, data)]))
    r = subprocess.run([cli.exe, "scan", "-q", "--threads", "1", "--list", hsl, arch],
                       capture_output=True, check=True, cwd=work)
    recs = [json.loads(l) for l in r.stdout.decode().splitlines()]
    member = recs[0]
    check(member["path"].endswith("in.zip!/sub/" + name) and member.get("archive_member") and
          member["matches"] and member["matches"][0]["distance"] == 0,
          "scan matches a member: %s" % member)
    check(recs[1].get("kind") == "archive" and recs[1]["matches"] == [], "scan: archive record")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    exe = os.path.abspath(args.cli)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)  # relative paths below are the paths the records show
    corpus = os.environ.get("HASHSIEVE_CORPUS")
    images = pick_images(work, corpus)
    cli = Cli(exe, work)
    ldir = os.path.join(work, "loose")
    for n, d in images.items():
        write(os.path.join(ldir, n), d)
    loose = {os.path.basename(r["path"]): r for r in cli.records([ldir])}

    test_formats(cli, work, images, loose)
    test_nested(cli, work, images, loose)
    test_threads_identical(cli, work)
    test_escaping(cli, work, images, loose)
    test_hostile(cli, work, images, loose)
    test_quines(cli, work, images, loose)
    test_many_members(cli, work)
    test_resume(cli, work)
    test_scan(cli, work, images)

    for s in SKIPPED:
        print("skipped: " + s)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("archive e2e: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
