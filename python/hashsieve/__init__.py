"""hashsieve: PDQ, pHash and vPDQ hashing and exact Hamming matching from Python.

numpy in, numpy out; the GIL is released while hashing, decoding and matching.

    import hashsieve
    h, quality = hashsieve.pdq(rgb_array)          # H x W x 3 uint8
    hits = hashsieve.List.load("known.hsl").match([h])
"""
import json
import os
from typing import Any, Dict, Iterator, List as _ListT, Optional, Sequence, Tuple, Union

import numpy as np

from . import _hashsieve
from ._hashsieve import Hash, Hash64
from .errors import DecodeError, Error, FormatError, InputError, UsageError
from .matching import List, Matches
from .video import VpdqFeature, hash_video

__all__ = [
    "Hash", "Hash64", "List", "Matches", "VpdqFeature", "Error", "InputError", "DecodeError",
    "FormatError", "UsageError", "pdq", "pdq_dihedral", "phash", "pdq_batch", "hash_files",
    "hash_video",
]

_CHANNELS = (1, 3, 4)


def _image(image: Any) -> np.ndarray:
    """A uint8 H x W[ x C] ndarray, or TypeError/ValueError naming what is wrong."""
    if not isinstance(image, np.ndarray):
        image = np.asarray(image)  # PIL images, nested lists
    if image.dtype != np.uint8:
        raise TypeError(f"image dtype must be uint8, got {image.dtype}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in _CHANNELS):
        raise ValueError(
            f"image must be H x W, H x W x 1, H x W x 3 or H x W x 4; got shape {image.shape}")
    return image


def pdq(image: Any, luma: str = "reference") -> Tuple[Hash, int]:
    """PDQ hash and quality (0..100) of an H x W x 3 RGB (H x W grey, H x W x 4 alpha dropped)
    uint8 array. luma="float64" rounds luma as the pdqhash binding does."""
    return _hashsieve.pdq(_image(image), luma)


def pdq_dihedral(image: Any, luma: str = "reference") -> Tuple[_ListT[Hash], int]:
    """The 8 dihedral PDQ hashes (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm) and
    the quality."""
    return _hashsieve.pdq_dihedral(_image(image), luma)


def phash(image: Any) -> Hash64:
    """imagehash.phash's 64-bit pHash (hash_size=8, highfreq_factor=4)."""
    return _hashsieve.phash(_image(image))


def pdq_batch(images: Sequence[Any], device: str = "auto", luma: str = "reference",
              threads: int = 0) -> _ListT[Tuple[Hash, int]]:
    """pdq() of many frames at once: one batch on the GPU (device "auto" or "cuda"), or the CPU
    backend on `threads` threads (0 = all cores)."""
    return _hashsieve.pdq_batch([_image(i) for i in images], device, luma, threads)


PathLike = Union[str, "os.PathLike[str]"]


def hash_files(paths: Union[PathLike, Sequence[PathLike]], threads: int = 0,
               device: str = "auto", video_fps: float = 1.0, dihedral: bool = True,
               luma: str = "reference", all_frames: bool = False,
               apply_orientation: bool = False,
               follow_symlinks: bool = False) -> Iterator[Dict[str, Any]]:
    """Hashes files and directories (walked in sorted order) as `hashsieve hash` does, yielding
    its JSONL records as dicts in input order, errors included ({"path", "error", "detail"}).
    Streams: at most a bounded number of records wait for the consumer. Closing the generator
    stops the run."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    roots = [os.fsdecode(p) for p in paths]
    run = _hashsieve.FileHashRun(roots, threads, device, video_fps, dihedral, luma, all_frames,
                                 apply_orientation, follow_symlinks)
    try:
        while True:
            line = run.next()
            if line is None:
                return
            yield json.loads(line)
    finally:
        run.close()
