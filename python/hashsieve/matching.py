"""Hash lists and exact Hamming matching (range search or top-k, dihedral-aware)."""
import os
from dataclasses import dataclass
from typing import Any, List as _ListT, Optional, Sequence, Union

import numpy as np

from . import _hashsieve
from ._hashsieve import Hash, Hash64

_DIHEDRAL = 8


@dataclass
class Matches:
    """Parallel arrays, one row per (query, entry) pair, sorted by query, distance, entry.
    `transform` is the dihedral variant (0 = orig) that attains the distance."""
    query: np.ndarray      # uint32, index into the queries given
    entry: np.ndarray      # uint32, index into the list
    distance: np.ndarray   # uint16
    transform: np.ndarray  # uint8
    list: "List"

    def __len__(self) -> int:
        return len(self.query)

    def ids(self) -> _ListT[_ListT[str]]:
        """The ids of each row's entry (several when the list merged duplicate hashes)."""
        return [self.list.ids(int(e)) for e in self.entry]

    def hexes(self) -> _ListT[str]:
        return [self.list.hex(int(e)) for e in self.entry]


def _hash_bytes(h: Any, size: int) -> bytes:
    if isinstance(h, (Hash, Hash64)):
        return h.bytes if isinstance(h, Hash) else h.value.to_bytes(8, "big")
    if isinstance(h, str):
        if len(h) != 2 * size:
            raise ValueError(f"query hash must be {2 * size} hex digits, got {h!r}")
        return bytes.fromhex(h)
    if isinstance(h, (bytes, bytearray)) and len(h) == size:
        return bytes(h)
    raise TypeError(f"a query must be a hex string, a Hash or {size} bytes; got {type(h).__name__}")


def _queries(queries: Any, size: int) -> np.ndarray:
    """(n, size) or (n, 8, size) uint8, C order."""
    if isinstance(queries, np.ndarray):
        if queries.dtype != np.uint8:
            raise TypeError(f"query array dtype must be uint8, got {queries.dtype}")
        return np.ascontiguousarray(queries)
    rows = []
    variants = False
    for q in queries:
        if isinstance(q, (list, tuple)) and len(q) == _DIHEDRAL:  # pdq_dihedral's hashes
            rows.append([_hash_bytes(v, size) for v in q])
            variants = True
        else:
            rows.append([_hash_bytes(q, size)])
    if variants:  # plain hashes alongside dihedral ones: repeat them (the mask takes orig only
        rows = [r * _DIHEDRAL if len(r) == 1 else r for r in rows]  # when dihedral=False)
    buf = b"".join(b"".join(r) for r in rows)
    shape = (len(rows), _DIHEDRAL, size) if variants else (len(rows), size)
    return np.frombuffer(buf, dtype=np.uint8).reshape(shape) if rows else np.zeros(
        (0, size), np.uint8)


class List:
    """A loaded hash list (.hsl), as `hashsieve list build` writes it."""

    def __init__(self, impl: "_hashsieve.HashList"):
        self._impl = impl

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], verify: bool = True) -> "List":
        return cls(_hashsieve.HashList.load(os.fsdecode(path), verify))

    @classmethod
    def build(cls, inputs: Sequence[Union[str, "os.PathLike[str]"]], type: str = "pdq",
              strict: bool = False, output: Optional[str] = None) -> "List":
        """From text lists in any format `hashsieve list build` reads (hex lines, CSV,
        ThreatExchange `pdq <hex>`, JSONL records, vPDQ frame files); written to `output` too
        when given."""
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        return cls(_hashsieve.HashList.build([os.fsdecode(p) for p in inputs], type, strict,
                                             None if output is None else os.fsdecode(output)))

    @classmethod
    def from_hashes(cls, hashes: Any, ids: Optional[Sequence[str]] = None,
                    qualities: Optional[Sequence[int]] = None, type: str = "pdq",
                    output: Optional[str] = None) -> "List":
        """From hex strings, Hash objects or an (n, 32) uint8 array; ids default to "0", "1"..."""
        size = 32 if type == "pdq" else 8
        arr = _queries(hashes, size)
        if arr.ndim != 2:
            raise ValueError("list hashes must be one hash per row")
        ids = [str(i) for i in range(len(arr))] if ids is None else [str(i) for i in ids]
        return cls(_hashsieve.HashList.from_arrays(arr, ids, list(qualities or []), type, output))

    def __len__(self) -> int:
        return len(self._impl)

    @property
    def type(self) -> str:
        return self._impl.type

    def hex(self, entry: int) -> str:
        return self._impl.hex(entry)

    def ids(self, entry: int) -> _ListT[str]:
        return self._impl.ids(entry)

    def quality(self, entry: int) -> int:
        """0..100, or -1 when the list did not say."""
        return self._impl.quality(entry)

    def hash_bytes(self) -> np.ndarray:
        """Every entry's hash, (len, 32) uint8 for PDQ (faiss IndexBinaryFlat's layout)."""
        return self._impl.hash_bytes()

    def match(self, queries: Any, threshold: Optional[int] = 31, dihedral: bool = True,
              k: Optional[int] = None, device: str = "auto") -> Matches:
        """Every entry within `threshold` bits (inclusive) of each query, or with k the k nearest
        (then also within threshold unless threshold is None). Queries: hex strings, Hash
        objects, pdq_dihedral's 8-hash lists, an (n, 32) or (n, 8, 32) uint8 array. With
        dihedral, a query's distance is the minimum over its variants."""
        size = 32 if self.type == "pdq" else 8
        arr = _queries(queries, size)
        if k is None and threshold is None:
            raise ValueError("give a threshold, k, or both")
        q, e, d, t = self._impl.match(arr, 256 if threshold is None else int(threshold),
                                      dihedral, k, device)
        if k is not None and threshold is not None:
            keep = d <= threshold
            q, e, d, t = q[keep], e[keep], d[keep], t[keep]
        return Matches(q, e, d, t, self)
