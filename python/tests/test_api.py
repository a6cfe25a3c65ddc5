"""The array API: hash objects, accepted layouts, and errors that name the problem."""
import threading

import numpy as np
import pytest

import hashsieve
from hashsieve import Hash

RNG_SEED = 20261203


def rand_image(h, w, c=3, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    shape = (h, w) if c == 0 else (h, w, c)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def test_hash_forms_round_trip():
    h, q = hashsieve.pdq(rand_image(100, 120))
    assert 0 <= q <= 100
    assert len(h.hex) == 64 and int(h.hex, 16) >= 0
    assert h.bits.dtype == np.uint8 and h.bits.shape == (256,)
    assert "".join(map(str, h.bits)) == format(int(h.hex, 16), "0256b")
    assert h.bytes == bytes.fromhex(h.hex)
    assert Hash.from_hex(h.hex) == h
    assert Hash.from_bits(h.bits) == h
    assert Hash.from_bytes(h.bytes) == h
    assert h.distance(h) == 0
    flipped = Hash.from_hex("%064x" % (int(h.hex, 16) ^ 0b1011))
    assert h.distance(flipped) == 3
    assert h != "not a hash"
    with pytest.raises(ValueError, match="hex"):
        Hash.from_hex("xyz")


@pytest.mark.parametrize("layout", ["fortran", "reversed", "step", "transposed-copy"])
def test_strided_arrays_hash_like_their_contiguous_copy(layout):
    a = rand_image(97, 131)
    if layout == "fortran":
        v = np.asfortranarray(a)
    elif layout == "reversed":
        v = a[::-1, ::-1]
    elif layout == "step":
        v = rand_image(194, 262)[::2, ::2]
    else:
        v = np.transpose(np.transpose(a, (1, 0, 2)).copy(), (1, 0, 2))
    assert not v.flags.c_contiguous
    expected = hashsieve.pdq(np.ascontiguousarray(v))
    assert hashsieve.pdq(v) == expected
    assert hashsieve.phash(v) == hashsieve.phash(np.ascontiguousarray(v))


def test_alpha_is_dropped_and_grey_accepted():
    rgb = rand_image(64, 80)
    rgba = np.dstack([rgb, rand_image(64, 80, 0, seed=1)])
    assert hashsieve.pdq(rgba) == hashsieve.pdq(rgb)
    grey = rand_image(64, 80, 0)
    assert hashsieve.pdq(grey) == hashsieve.pdq(grey[:, :, None])


@pytest.mark.parametrize("bad,exc,words", [
    (np.zeros((10, 10, 3), np.float32), TypeError, "uint8"),
    (np.zeros((10, 10, 3), np.int64), TypeError, "int64"),
    (np.zeros((10, 10, 2), np.uint8), ValueError, "shape"),
    (np.zeros((10,), np.uint8), ValueError, "shape"),
    (np.zeros((2, 10, 10, 3), np.uint8), ValueError, "shape"),
    (np.zeros((0, 10, 3), np.uint8), ValueError, "empty"),
    ("a string", TypeError, "dtype"),
])
def test_bad_arrays_raise_named_errors(bad, exc, words):
    for f in (hashsieve.pdq, hashsieve.pdq_dihedral, hashsieve.phash):
        with pytest.raises(exc, match=words):
            f(bad)
    with pytest.raises(exc, match=words):
        hashsieve.pdq_batch([rand_image(8, 8), bad])


def test_bad_options_raise_usage_error():
    with pytest.raises(hashsieve.UsageError, match="luma"):
        hashsieve.pdq(rand_image(8, 8), luma="float32")
    with pytest.raises(hashsieve.UsageError):
        hashsieve.pdq_batch([rand_image(8, 8)], device="tpu")


def test_pdq_batch_equals_single_calls():
    images = [rand_image(40 + i, 70 + 3 * i, seed=i) for i in range(12)]
    batch = hashsieve.pdq_batch(images, device="cpu", threads=3)
    assert batch == [hashsieve.pdq(i) for i in images]


def test_dihedral_orig_is_pdq():
    a = rand_image(77, 55)
    hashes, q = hashsieve.pdq_dihedral(a)
    assert len(hashes) == 8
    assert (hashes[0], q) == hashsieve.pdq(a)
    # rot180 of the image is the rot180 variant of the original
    assert hashsieve.pdq(np.ascontiguousarray(a[::-1, ::-1]))[0] == hashes[2]


def test_threads_give_the_same_results_in_parallel():
    images = [rand_image(300, 400, seed=s) for s in range(8)]
    expected = [hashsieve.pdq(i) for i in images]
    results = {}

    def work(t):
        results[t] = [hashsieve.pdq(i) for i in images]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[t] == expected for t in range(4))


def test_decode_error_carries_reason_and_path(tmp_path):
    bad = tmp_path / "cut.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40)
    with pytest.raises(hashsieve.DecodeError) as e:
        hashsieve.hash_video(bad)
    assert e.value.reason in {"truncated", "corrupt", "unsupported format", "no frames"}
    assert e.value.path == str(bad) and str(bad) in str(e.value)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(hashsieve.DecodeError) as e:
        hashsieve.hash_video(empty)
    assert e.value.reason == "empty file"
