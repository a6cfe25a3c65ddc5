"""hash_files (the pipeline from Python) and List.build/match against the CLI."""
import json
import subprocess

import numpy as np
import pytest

import hashsieve

SEED = 77


def write_png(path, arr):
    Image = pytest.importorskip("PIL.Image")
    Image.fromarray(arr).save(path)


def test_hash_files_records_and_errors(tmp_path):
    rng = np.random.default_rng(SEED)
    arrays = [rng.integers(0, 256, (60 + i, 90, 3), dtype=np.uint8) for i in range(5)]
    for i, a in enumerate(arrays):
        write_png(tmp_path / f"img{i}.png", a)
    (tmp_path / "img5_truncated.png").write_bytes((tmp_path / "img0.png").read_bytes()[:100])
    records = list(hashsieve.hash_files(tmp_path, threads=2, device="cpu", dihedral=True))
    assert [r["path"] for r in records] == sorted(str(p) for p in tmp_path.iterdir())
    for r, a in zip(records, arrays):  # PNG is lossless: the record hashes the same pixels
        h, q = hashsieve.pdq(a)
        assert (r["kind"], r["pdq"], r["pdq_quality"]) == ("image", h.hex, q)
        assert r["phash"] == hashsieve.phash(a).hex
        assert r["pdq_dihedral"]["rot90"] == hashsieve.pdq_dihedral(a)[0][1].hex
    assert records[-1]["error"] in {"truncated", "corrupt"}


def test_hash_files_can_stop_early(tmp_path):
    rng = np.random.default_rng(SEED)
    for i in range(40):
        write_png(tmp_path / f"{i:03d}.png", rng.integers(0, 256, (40, 40, 3), dtype=np.uint8))
    gen = hashsieve.hash_files(tmp_path, threads=2, device="cpu")
    first = next(gen)
    gen.close()  # must stop the pipeline and return, not hang
    assert first["path"].endswith("000.png")


def run_cli(cli, *args, ok=(0,)):
    """stdout of the CLI; `ok` lists the accepted exit statuses (hash exits 1 when some input
    became an error record)."""
    r = subprocess.run([cli, *map(str, args)], capture_output=True, text=True)
    assert r.returncode in ok, f"{args}: exit {r.returncode}: {r.stderr}"
    return r.stdout


def test_hash_files_equals_cli_hash(corpus, cli, tmp_path):
    roots = [corpus / "images" / "originals", corpus / "bad", corpus / "videos" / "realshort.mp4"]
    out = tmp_path / "cli.jsonl"
    run_cli(cli, "hash", "--device", "cpu", "--threads", "2", "-o", out, *roots, ok=(0, 1))
    expected = [json.loads(line) for line in out.read_text().splitlines()]
    got = list(hashsieve.hash_files(roots, threads=2, device="cpu"))
    assert got == expected
    errors = sum("error" in r for r in got)
    assert errors > 0
    print(f"hash_files vs CLI: {len(got)} records equal ({errors} errors)")


def test_list_match_equals_cli_match(corpus, cli, tmp_path):
    records = tmp_path / "records.jsonl"
    run_cli(cli, "hash", "--device", "cpu", "--threads", "2", "--dihedral", "-o", records,
            corpus / "images", ok=(0, 1))
    hsl = tmp_path / "list.hsl"
    run_cli(cli, "list", "build", "--type", "pdq", "-o", hsl, records)  # perceptual matches only
    cli_matches = [json.loads(x) for x in
                   run_cli(cli, "match", "--list", hsl, "--device", "cpu", records).splitlines()]
    cli_pairs = sorted((m["path"], m["list_hash"], m["distance"], m["transform"])
                       for m in cli_matches if "distance" in m)

    lst = hashsieve.List.load(hsl)
    assert len(lst) == len(hashsieve.List.build([records]))
    queries = [json.loads(x) for x in records.read_text().splitlines()]
    queries = [q for q in queries if q.get("pdq") and q.get("pdq_quality", 0) >= 50]
    variants = [[q["pdq_dihedral"][v] for v in
                 ("orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm")]
                for q in queries]
    m = lst.match(variants, threshold=31, dihedral=True, device="cpu")
    names = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"]
    got = sorted((queries[q]["path"], lst.hex(e), int(d), names[t])
                 for q, e, d, t in zip(m.query, m.entry, m.distance, m.transform))
    assert got == cli_pairs
    print(f"List.match vs CLI match: {len(got)} pairs equal")


def test_hash_files_reads_archive_members_as_cli(cli, tmp_path):
    """Archive members as `hashsieve hash` reads them by default: member records, then the
    archive's own record, equal to the CLI's."""
    import zipfile
    from PIL import Image
    rng = np.random.default_rng(7)
    arc = tmp_path / "a.zip"
    with zipfile.ZipFile(arc, "w") as z:
        for i in range(2):
            png = tmp_path / f"{i}.png"
            Image.fromarray(rng.integers(0, 256, (80, 96, 3), dtype=np.uint8)).save(png)
            z.write(png, f"dir/{i}.png")
    out = tmp_path / "cli.jsonl"
    run_cli(cli, "hash", "--device", "cpu", "-o", out, arc)
    expected = [json.loads(line) for line in out.read_text().splitlines()]
    got = list(hashsieve.hash_files([arc], device="cpu"))
    assert got == expected
    assert [r.get("archive_member", False) for r in got] == [True, True, False]
