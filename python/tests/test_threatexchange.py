"""The python-threatexchange extension through pytx's own CLI: `threatexchange hash` gives the
same PDQ hashes for `pdq` and `hashsieve_pdq`, and `threatexchange match` the same matches from a
local-file collaboration holding both signal types."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import corpus_image_sample

pytest.importorskip("threatexchange")


@pytest.fixture(scope="module")
def tx(tmp_path_factory):
    """Runs the pytx CLI with a private config dir and the extension added."""
    exe = shutil.which("threatexchange", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("no threatexchange CLI beside this Python")
    home = tmp_path_factory.mktemp("txhome")
    env = dict(os.environ, HOME=str(home),
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p))

    def run(*args):
        return subprocess.run([exe, *map(str, args)], env=env, check=True,
                              capture_output=True, text=True).stdout

    run("config", "extensions", "add", "hashsieve.threatexchange")
    try:  # stock vPDQ, the oracle of hashsieve_vpdq (needs the vpdq package)
        run("config", "extensions", "add", "threatexchange.extensions.vpdq.manifest")
    except subprocess.CalledProcessError:
        pass
    return run


def by_signal(out):
    got = {}
    for line in out.splitlines():
        name, _, rest = line.partition(" ")
        got.setdefault(name, []).append(rest)
    return got


# Pillow modes whose raw arrays pytx hands to pdqhash as if they were RGB/grey (palette indices,
# C/M/Y channels); hashsieve hashes the pictures themselves, so these are not compared.
PYTX_RAW_MODES = {"P", "CMYK"}
SAMPLE_STRIDE = 3  # each pytx CLI run costs seconds of imports: a third of the image sample


def test_pytx_hash_equals_stock_pdq(corpus, tx):
    Image = pytest.importorskip("PIL.Image")
    files = corpus_image_sample(corpus)[::SAMPLE_STRIDE]
    got = by_signal(tx("hash", "photo", *files))
    assert len(got["pdq"]) == len(got["hashsieve_pdq"]) == len(files)
    compared = 0
    for f, stock, ours in zip(files, got["pdq"], got["hashsieve_pdq"]):
        with Image.open(f) as im:
            if im.mode in PYTX_RAW_MODES:
                continue
        assert ours == stock, str(f)
        compared += 1
    assert compared > 0
    print(f"pytx hash: {compared}/{len(files)} files hashsieve_pdq == pdq "
          f"({len(files) - compared} palette/CMYK files not compared)")


def test_pytx_match_equals_stock_pdq(corpus, tx, tmp_path):
    originals = sorted((corpus / "images" / "originals").glob("sk-*"))
    hashes = by_signal(tx("hash", "-S", "pdq", "photo", *originals))["pdq"]
    signals = tmp_path / "signals.txt"
    signals.write_text("".join(f"pdq {h}\nhashsieve_pdq {h}\n" for h in hashes))
    tx("config", "collab", "edit", "local_file", "--create", "--filename", signals, "local")
    tx("fetch")
    Image = pytest.importorskip("PIL.Image")
    queries = []
    for p in corpus_image_sample(corpus):
        with Image.open(p) as im:
            if p.name.startswith("sk-") and im.mode not in PYTX_RAW_MODES:
                queries.append(p)
    got = by_signal(tx("match", "--all", "photo", *queries))
    assert got.get("pdq"), "no query matched: the test would compare nothing"
    assert sorted(got.get("hashsieve_pdq", [])) == sorted(got["pdq"])
    print(f"pytx match: {len(queries)} queries, {len(got['pdq'])} match lines equal")


# Short videos, the 854-wide one among them (a width that once gave different frames).
PYTX_VIDEOS = ["cockatoo__trim-2s-mid.mp4", "cockatoo__scale-480p.mp4", "realshort.mp4"]


def test_pytx_video_hash_and_match_equal_stock_vpdq(corpus, tx):
    """`threatexchange hash video` gives the same signal strings for `vpdq` and
    `hashsieve_vpdq`, and pytx's comparison matches each video with itself across the two."""
    files = [corpus / "videos" / n for n in PYTX_VIDEOS]
    got = by_signal(tx("hash", "video", *files))
    if "vpdq" not in got:
        pytest.skip("pytx's vPDQ extension did not load (no vpdq package)")
    assert len(got["vpdq"]) == len(got["hashsieve_vpdq"]) == len(files)
    assert got["hashsieve_vpdq"] == got["vpdq"]
    from hashsieve.threatexchange import HashsieveVpdqSignal
    for ours, stock in zip(got["hashsieve_vpdq"], got["vpdq"]):
        assert HashsieveVpdqSignal.compare_hash(ours, stock).match
    print(f"pytx video hash: {len(files)} videos hashsieve_vpdq == vpdq")


def test_pytx_video_match_equals_stock_vpdq(corpus, tx, tmp_path):
    """`threatexchange match video` against a collaboration holding one video under both signal
    types: the known video matches under both alike, another video under neither."""
    known, other = corpus / "videos" / "realshort.mp4", corpus / "videos" / PYTX_VIDEOS[0]
    lines = [ln for ln in tx("hash", "video", known).splitlines() if "vpdq " in ln]
    if not lines:
        pytest.skip("pytx's vPDQ extension did not load (no vpdq package)")
    signals = tmp_path / "video-signals.txt"
    signals.write_text("".join(ln + "\n" for ln in lines))
    tx("config", "collab", "edit", "local_file", "--create", "--filename", signals, "videos")
    tx("fetch")
    got = by_signal(tx("match", "--all", "video", known, other))
    assert got.get("vpdq"), "the known video did not match: the test would compare nothing"
    assert got.get("hashsieve_vpdq") == got["vpdq"]
    assert len(got["vpdq"]) == 1  # the other video matches nothing
    print(f"pytx video match: {got['vpdq']}")
