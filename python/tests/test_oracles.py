"""Equality with the packages hashsieve replaces: pdqhash (through hashsieve.compat.pdqhash),
imagehash, vpdq, faiss-cpu. Random arrays always; the small corpus when present. Each test
prints its count so the ctest log has the oracle counts."""
import os
import pathlib

import numpy as np
import pytest

import hashsieve
import hashsieve.compat.pdqhash as compat
from conftest import VIDEO_EXTS, corpus_image_sample

SEED = 515


def random_images(n=40):
    rng = np.random.default_rng(SEED)
    out = []
    for i in range(n):
        h, w = int(rng.integers(5, 400)), int(rng.integers(5, 400))
        if i % 4 == 0:  # smooth content, where rounding differences would show
            y, x = np.mgrid[0:h, 0:w]
            base = (np.sin(x / 17.0) * 60 + np.cos(y / 11.0) * 60 + 128)[..., None]
            img = np.clip(base + rng.normal(0, 2, (h, w, 3)), 0, 255).astype(np.uint8)
        elif i % 4 == 1:  # flat colour: the float64 luma rounding matters here
            img = np.full((h, w, 3), rng.integers(0, 256, 3), np.uint8)
        else:
            img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        out.append(img)
    return out


def corpus_arrays(corpus, stride=4):
    Image = pytest.importorskip("PIL.Image")
    for p in corpus_image_sample(corpus, stride):
        try:
            with Image.open(p) as im:
                yield p, np.asarray(im.convert("RGB"))
        except Exception:  # noqa: BLE001 - files Pillow refuses are not oracle cases
            continue


def assert_pdqhash_equal(pdqhash, img, what):
    exp_bits, exp_q = pdqhash.compute(img)
    got_bits, got_q = compat.compute(img)
    assert got_bits.dtype == exp_bits.dtype and got_q == exp_q, what
    np.testing.assert_array_equal(got_bits, exp_bits, err_msg=what)
    exp_d, exp_dq = pdqhash.compute_dihedral(img)
    got_d, got_dq = compat.compute_dihedral(img)
    assert got_dq == exp_dq and len(got_d) == 8, what
    for v in range(8):
        np.testing.assert_array_equal(got_d[v], exp_d[v], err_msg=f"{what} variant {v}")
    exp_f, exp_fq = pdqhash.compute_float(img)
    got_f, got_fq = compat.compute_float(img)
    assert got_f.dtype == exp_f.dtype and got_fq == exp_fq, what
    np.testing.assert_array_equal(got_f, exp_f, err_msg=what)


def test_compat_pdqhash_random_arrays():
    pdqhash = pytest.importorskip("pdqhash")
    images = random_images()
    for i, img in enumerate(images):
        assert_pdqhash_equal(pdqhash, img, f"random image {i} {img.shape} seed {SEED}")
    print(f"pdqhash oracle: {len(images)} random arrays equal (compute, dihedral, float)")


def test_compat_pdqhash_corpus(corpus):
    pdqhash = pytest.importorskip("pdqhash")
    n = 0
    for p, img in corpus_arrays(corpus, stride=12):  # three pdqhash calls per image
        assert_pdqhash_equal(pdqhash, img, str(p))
        n += 1
    assert n > 0
    print(f"pdqhash oracle: {n} corpus images equal (compute, dihedral, float)")


def test_phash_equals_imagehash(corpus):
    imagehash = pytest.importorskip("imagehash")
    Image = pytest.importorskip("PIL.Image")
    n = 0
    for img in random_images(12):
        assert hashsieve.phash(img).hex == str(imagehash.phash(Image.fromarray(img)))
        n += 1
    for p, img in corpus_arrays(corpus):
        assert hashsieve.phash(img).hex == str(imagehash.phash(Image.fromarray(img))), str(p)
        n += 1
    print(f"imagehash oracle: {n} arrays equal")


def same_features(got, expected):
    return ([(f.frame_number, f.quality, f.hex) for f in got] ==
            [(f.frame_number, f.quality, f.hex) for f in expected] and
            [f.timestamp for f in got] == pytest.approx([f.timestamp for f in expected], abs=5e-4))


def all_videos(corpus):
    """Every video of the corpus's videos/ and Meta's sample videos under ../shared/refdata/vpdq
    when present. Not the animated GIF there: hash_video hashes a GIF as decodeFile does, as an
    image (its first frame, at 0 s), where vpdq decodes it as a video (36 frames at 45 fps)."""
    files = sorted(p for p in (corpus / "videos").iterdir()
                   if p.is_file() and p.suffix.lower() in VIDEO_EXTS)
    shared = os.environ.get("HASHSIEVE_SHARED") or str(
        pathlib.Path(__file__).resolve().parents[3] / "shared")
    refdata = pathlib.Path(shared) / "refdata" / "vpdq" / "videos"
    if refdata.is_dir():
        files += sorted(refdata.glob("*.mp4"))
    return files


def test_hash_video_equals_vpdq(corpus):
    """Equal features on every video, cockatoo__scale-480p.mp4 (854 wide) included: a width
    that is not a multiple of 8 once left FFmpeg's last columns unwritten (frame_convert.cpp)."""
    vpdq = pytest.importorskip("vpdq")
    videos = all_videos(corpus)
    frames = 0
    for p in videos:
        expected = vpdq.computeHash(str(p), seconds_per_hash=1.0)
        got = hashsieve.hash_video(p, seconds_per_hash=1.0)
        assert same_features(got, expected), str(p)
        frames += len(got)
    assert videos
    # every frame of a short video
    p = corpus / "videos" / "realshort.mp4"
    got = hashsieve.hash_video(p, seconds_per_hash=0)
    assert same_features(got, vpdq.computeHash(str(p), seconds_per_hash=0)), str(p)
    frames += len(got)
    print(f"vpdq oracle: {len(videos) + 1} video runs, {frames} frames equal")


def faiss_range(faiss, base, queries, threshold):
    index = faiss.IndexBinaryFlat(256)
    index.add(base)
    # faiss's radius is exclusive: distances < radius
    lims, dist, ids = index.range_search(queries, threshold + 1)
    return {(q, int(ids[j]), int(dist[j])) for q in range(len(queries))
            for j in range(lims[q], lims[q + 1])}


def test_match_equals_faiss_range_search():
    faiss = pytest.importorskip("faiss")
    rng = np.random.default_rng(SEED)
    base = rng.integers(0, 256, (3000, 32), dtype=np.uint8)
    # queries near list entries: flip a few bits of chosen entries
    queries = base[rng.integers(0, 3000, 200)].copy()
    bits = np.unpackbits(queries, axis=1)
    for row in bits:
        row[rng.choice(256, int(rng.integers(0, 45)), replace=False)] ^= 1
    queries = np.packbits(bits, axis=1)
    lst = hashsieve.List.from_hashes(base)
    ids = np.array([int(lst.ids(e)[0]) for e in range(len(lst))])
    for threshold in (0, 31, 60):
        m = lst.match(queries, threshold=threshold, dihedral=False, device="cpu")
        got = {(int(q), int(ids[e]), int(d)) for q, e, d in zip(m.query, m.entry, m.distance)}
        assert got == faiss_range(faiss, base, queries, threshold), threshold
        print(f"faiss oracle: threshold {threshold}: {len(got)} pairs equal")
    # top-k: the k smallest distances per query equal faiss's knn distances
    k = 5
    m = lst.match(queries, threshold=None, k=k, dihedral=False, device="cpu")
    index = faiss.IndexBinaryFlat(256)
    index.add(base)
    dist, _ = index.search(queries, k)
    for q in range(len(queries)):
        assert sorted(m.distance[m.query == q].tolist()) == sorted(dist[q].tolist())


def test_match_query_forms_and_dihedral():
    rng = np.random.default_rng(SEED + 1)
    img = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)
    hashes, _ = hashsieve.pdq_dihedral(img)
    rotated = np.ascontiguousarray(np.rot90(img))
    lst = hashsieve.List.from_hashes([hashes[0]], ids=["original"])
    rot_hashes, _ = hashsieve.pdq_dihedral(rotated)
    plain = lst.match([rot_hashes[0]], threshold=31, dihedral=False)
    assert len(plain) == 0  # a rotation is far away without the variants
    m = lst.match([rot_hashes], threshold=31, dihedral=True)
    assert len(m) == 1 and m.ids() == [["original"]] and m.distance[0] <= 31
    assert lst.match([hashes[0].hex]).distance.tolist() == [0]
    assert lst.match(np.frombuffer(hashes[0].bytes, np.uint8)[None, :]).entry.tolist() == [0]
    with pytest.raises(TypeError):
        lst.match([1.5])
    with pytest.raises(ValueError, match="hex"):
        lst.match(["abc"])
