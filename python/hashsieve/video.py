"""vpdq-compatible video hashing."""
import os
from typing import List, NamedTuple, Union

from . import _hashsieve
from ._hashsieve import Hash


class VpdqFeature(NamedTuple):
    """One hashed frame, with the fields of vpdq.VpdqFeature."""
    quality: int
    frame_number: int
    hash: Hash
    timestamp: float

    @property
    def hex(self) -> str:
        return self.hash.hex


def hash_video(path: Union[str, "os.PathLike[str]"],
               seconds_per_hash: float = 1.0) -> List[VpdqFeature]:
    """vpdq.computeHash(path, seconds_per_hash): one frame every seconds_per_hash of media time
    (0 = every frame). Raises DecodeError (with the CLI's reason tag) for a bad file."""
    return [VpdqFeature(q, f, h, t)
            for f, q, h, t in _hashsieve.hash_video(os.fsdecode(path), float(seconds_per_hash))]
