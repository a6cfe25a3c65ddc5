"""The python-threatexchange extension through pytx's own CLI: `threatexchange hash` gives the
same PDQ hashes for `pdq` and `hashsieve_pdq`, and `threatexchange match` the same matches from a
local-file collaboration holding both signal types."""
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

from conftest import corpus_image_sample

pytest.importorskip("threatexchange")
HOW_MANY_MATCH_QUERIES = 6


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
    return run


def by_signal(out):
    got = {}
    for line in out.splitlines():
        name, _, rest = line.partition(" ")
        got.setdefault(name, []).append(rest)
    return got


def test_pytx_hash_equals_stock_pdq(corpus, tx):
    files = corpus_image_sample(corpus)
    t0 = time.perf_counter()
    stock = by_signal(tx("hash", "-S", "pdq", "photo", *files)).get("pdq", [])
    t1 = time.perf_counter()
    ours = by_signal(tx("hash", "-S", "hashsieve_pdq", "photo", *files)).get("hashsieve_pdq", [])
    t2 = time.perf_counter()
    assert len(stock) > 0
    assert ours == stock
    print(f"pytx hash: {len(ours)}/{len(files)} files, hashsieve_pdq == pdq; "
          f"CLI wall time pdq {t1 - t0:.2f} s, hashsieve_pdq {t2 - t1:.2f} s")


def test_pytx_match_equals_stock_pdq(corpus, tx, tmp_path):
    originals = sorted((corpus / "images" / "originals").iterdir())
    hashes = by_signal(tx("hash", "-S", "pdq", "photo", *originals))["pdq"]
    signals = tmp_path / "signals.txt"
    signals.write_text("".join(f"pdq {h}\nhashsieve_pdq {h}\n" for h in hashes))
    tx("config", "collab", "edit", "local_file", "--create", "--filename", signals, "local")
    tx("fetch")
    queries = corpus_image_sample(corpus)[:HOW_MANY_MATCH_QUERIES] + originals[:2]
    matched = 0
    for q in queries:
        got = by_signal(tx("match", "--all", "photo", q))
        assert sorted(got.get("hashsieve_pdq", [])) == sorted(got.get("pdq", [])), str(q)
        matched += bool(got.get("pdq"))
    assert matched > 0
    print(f"pytx match: {len(queries)} queries ({matched} with matches) equal")
