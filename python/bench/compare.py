#!/usr/bin/env python3
"""One run of hashsieve's Python API against what Python users run today; prints ratios.

  compare.py [--corpus DIR] [--list-size N] [--queries N] [--threads N]

frames: hashsieve.pdq vs pdqhash.compute on the same decoded arrays (one thread each);
        pdq_batch (all threads) vs the pdqhash loop.
files:  hash_files (decode + hash, all threads) vs a Pillow + pdqhash loop (one process).
match:  List.match (range search, threshold 31) vs faiss IndexBinaryFlat.range_search on the same
        random list and queries near its entries (results checked equal).
pytx:   HashsievePdqSignal.hash_from_file vs PdqSignal's; HashsievePdqIndex vs PDQIndex queries.
"""
import argparse
import os
import pathlib
import sys
import time

import numpy as np


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def image_files(corpus):
    exts = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}
    return sorted(p for p in (corpus / "images" / "variants").rglob("*")
                  if p.is_file() and p.suffix.lower() in exts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.environ.get("HASHSIEVE_CORPUS", "build/corpus-small"))
    ap.add_argument("--list-size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()

    import faiss
    import pdqhash
    from PIL import Image

    import hashsieve

    corpus = pathlib.Path(a.corpus)
    files = image_files(corpus)
    arrays = []
    for p in files:
        try:
            with Image.open(p) as im:
                arrays.append(np.asarray(im.convert("RGB")))
        except Exception:  # noqa: BLE001 - Pillow refusals are not benchmark inputs
            pass
    mp = sum(x.shape[0] * x.shape[1] for x in arrays) / 1e6
    print(f"corpus {corpus}: {len(files)} image files, {len(arrays)} frames ({mp:.1f} MP); "
          f"{a.threads} threads")

    ref, t_ref = timed(lambda: [pdqhash.compute(x) for x in arrays])
    ours, t_ours = timed(lambda: [hashsieve.pdq(x, luma="float64") for x in arrays])
    assert all((h.bits == r[0]).all() and q == r[1] for (h, q), r in zip(ours, ref))
    _, t_batch = timed(hashsieve.pdq_batch, arrays, "cpu", "reference", a.threads)
    print(f"frames: pdqhash.compute {len(arrays) / t_ref:.1f}/s, hashsieve.pdq "
          f"{len(arrays) / t_ours:.1f}/s (x{t_ref / t_ours:.2f}, 1 thread); pdq_batch "
          f"{len(arrays) / t_batch:.1f}/s (x{t_ref / t_batch:.2f})")

    def pillow_loop():
        out = []
        for p in files:
            try:
                with Image.open(p) as im:
                    out.append(pdqhash.compute(np.asarray(im.convert("RGB"))))
            except Exception:  # noqa: BLE001
                out.append(None)
        return out

    _, t_pil = timed(pillow_loop)
    recs, t_files = timed(lambda: list(hashsieve.hash_files(files, threads=a.threads,
                                                            device="cpu")))
    _, t_files1 = timed(lambda: list(hashsieve.hash_files(files, threads=1, device="cpu")))
    print(f"files: Pillow+pdqhash {len(files) / t_pil:.1f} files/s, hash_files "
          f"{len(files) / t_files:.1f} files/s (x{t_pil / t_files:.2f}; 1 thread "
          f"x{t_pil / t_files1:.2f}; records carry pdq, pHash and MD5/SHA-1/SHA-256)")

    rng = np.random.default_rng(1)
    base = rng.integers(0, 256, (a.list_size, 32), dtype=np.uint8)
    queries = base[rng.integers(0, a.list_size, a.queries)].copy()
    bits = np.unpackbits(queries, axis=1)
    for row in bits:
        row[rng.choice(256, int(rng.integers(0, 40)), replace=False)] ^= 1
    queries = np.packbits(bits, axis=1)
    lst = hashsieve.List.from_hashes(base)
    index = faiss.IndexBinaryFlat(256)
    index.add(base)
    faiss.omp_set_num_threads(a.threads)
    (lims, dist, ids), t_faiss = timed(index.range_search, queries, 32)
    m, t_match = timed(lambda: lst.match(queries, threshold=31, dihedral=False, device="cpu"))
    entry_id = np.array([int(lst.ids(int(e))[0]) for e in m.entry])
    assert sorted(zip(m.query.tolist(), entry_id.tolist(), m.distance.tolist())) == sorted(
        (q, int(ids[j]), int(dist[j])) for q in range(len(queries))
        for j in range(lims[q], lims[q + 1]))
    print(f"match: {a.queries} queries x {a.list_size} hashes, {len(m)} pairs: faiss "
          f"range_search {t_faiss:.3f} s, List.match {t_match:.3f} s (x{t_faiss / t_match:.2f})")

    try:
        from threatexchange.signal_type.pdq.pdq_index import PDQIndex
        from threatexchange.signal_type.pdq.signal import PdqSignal

        from hashsieve.threatexchange import HashsievePdqIndex, HashsievePdqSignal
    except ImportError:
        print("pytx: threatexchange not installed; skipped")
        return
    stock, t_stock = timed(lambda: [PdqSignal.hash_from_file(p) for p in files])
    ext, t_ext = timed(lambda: [HashsievePdqSignal.hash_from_file(p) for p in files])
    same = sum(x == y for x, y in zip(stock, ext))
    print(f"pytx hash_from_file: pdq {len(files) / t_stock:.1f} files/s, hashsieve_pdq "
          f"{len(files) / t_ext:.1f} files/s (x{t_stock / t_ext:.2f}); {same}/{len(files)} equal")
    n = min(a.list_size, 100_000)
    hexes = [bytes(r).hex() for r in base[:n]]
    qhex = [bytes(r).hex() for r in queries]
    entries = list(zip(hexes, range(n)))
    pi = PDQIndex.build(entries)
    hi = HashsievePdqIndex.build(entries)
    hi.query(qhex[0])  # builds the list once
    r1, t_pi = timed(lambda: [sorted((m.similarity_info.distance, m.metadata) for m in pi.query(q))
                              for q in qhex])
    r2, t_hi = timed(lambda: [sorted((m.similarity_info.distance, m.metadata) for m in hi.query(q))
                              for q in qhex])
    print(f"pytx index: {len(qhex)} queries x {n} entries: PDQIndex {t_pi:.3f} s, "
          f"HashsievePdqIndex {t_hi:.3f} s (x{t_pi / t_hi:.2f}); results "
          f"{'equal' if r1 == r2 else 'DIFFER'}")


if __name__ == "__main__":
    sys.exit(main())
