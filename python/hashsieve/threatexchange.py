"""A python-threatexchange (pytx) extension: PDQ from hashsieve's decoders and hasher (the
pdqhash binding's float64 luma, so hashes equal stock pytx's), and a PDQ index on hashsieve's
exact matcher (every entry within the threshold, no approximation).

    threatexchange config extensions add hashsieve.threatexchange

adds the signal type `hashsieve_pdq` for photos; its index answers the same queries as the `pdq`
signal type's faiss index. With pytx's vPDQ extension importable (it needs the `vpdq` package),
it also adds `hashsieve_vpdq` for videos: the signal strings of pytx's `vpdq` (same features:
hashsieve's vPDQ equals the vpdq package's), hashed by hashsieve's decoder, matched with pytx's
own vPDQ index and comparison.
"""
import os
import pathlib
import tempfile
import typing as t

from threatexchange.content_type.content_base import ContentType
from threatexchange.content_type.photo import PhotoContent
from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest
from threatexchange.signal_type.index import (IndexMatchUntyped, SignalSimilarityInfoWithIntDistance,
                                              SignalTypeIndex, T as IndexT)
from threatexchange.signal_type.pdq.pdq_utils import PDQ_CONFIDENT_MATCH_THRESHOLD
from threatexchange.signal_type.pdq.signal import PdqSignal

from . import hash_files
from .matching import List

# pytx's PDQ decodes with Pillow and hashes with pdqhash, whose luma is float64.
_LUMA = "float64"


def pdq_from_file(path: t.Union[str, "os.PathLike[str]"]) -> t.Tuple[str, int]:
    """(hex, quality) of an image file; raises hashsieve.DecodeError-like errors as ValueError
    (pytx reports exceptions from hashers per file)."""
    for record in hash_files([path], threads=1, device="cpu", luma=_LUMA):
        if "error" in record:
            raise ValueError(f"{record['path']}: {record['error']}: {record.get('detail', '')}")
        if "pdq" not in record:  # a video: pytx photo hashing has no answer for it
            raise ValueError(f"{record['path']}: not a still image")
        return record["pdq"], record["pdq_quality"]
    raise ValueError(f"{path}: no record")


class HashsievePdqIndex(SignalTypeIndex[IndexT]):
    """PDQ index: exact range search (distance <= threshold) on hashsieve's matcher. The list is
    (re)built on the first query after additions."""

    def __init__(self, entries: t.Iterable[t.Tuple[str, IndexT]] = (), *,
                 threshold: int = PDQ_CONFIDENT_MATCH_THRESHOLD) -> None:
        super().__init__()
        self.threshold = threshold
        self._hashes: t.List[str] = []
        self._entries: t.List[IndexT] = []
        self._list: t.Optional[List] = None
        self.add_all(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, signal_str: str, entry: IndexT) -> None:
        self._hashes.append(signal_str)
        self._entries.append(entry)
        self._list = None

    def query(self, hash: str) -> t.Sequence[IndexMatchUntyped[SignalSimilarityInfoWithIntDistance,
                                                                IndexT]]:
        return self.query_many([hash])[0]

    def query_many(self, hashes: t.Sequence[str]) -> t.List[t.List[IndexMatchUntyped[
            SignalSimilarityInfoWithIntDistance, IndexT]]]:
        """query() of many hashes in one matcher call."""
        out: t.List[t.List[t.Any]] = [[] for _ in hashes]
        if not self._entries or not hashes:
            return out
        if self._list is None:
            # ids are entry positions: duplicates of a hash merge into one list entry with all.
            self._list = List.from_hashes(self._hashes, ids=range(len(self._hashes)))
        m = self._list.match(list(hashes), threshold=self.threshold, dihedral=False, device="cpu")
        for q, e, d in zip(m.query.tolist(), m.entry.tolist(), m.distance.tolist()):
            for i in self._list.ids(e):
                out[q].append(IndexMatchUntyped(SignalSimilarityInfoWithIntDistance(d),
                                                self._entries[int(i)]))
        return out

    def __getstate__(self) -> t.Dict[str, t.Any]:
        state = dict(self.__dict__)
        state["_list"] = None  # rebuilt on demand
        return state


class HashsievePdqSignal(PdqSignal):
    """PDQ computed by hashsieve; same hashes and matches as `pdq`, faster."""

    @classmethod
    def get_content_types(cls) -> t.List[t.Type[ContentType]]:
        return [PhotoContent]

    @classmethod
    def get_index_cls(cls) -> t.Type[HashsievePdqIndex]:  # type: ignore[override]
        return HashsievePdqIndex

    @classmethod
    def hash_from_file(cls, file: pathlib.Path) -> str:
        pdq_hash, quality = pdq_from_file(file)
        return pdq_hash if quality >= cls.QUALITY_THRESHOLD else ""

    @classmethod
    def hash_from_bytes(cls, bytes_: bytes) -> str:
        with tempfile.NamedTemporaryFile() as f:
            f.write(bytes_)
            f.flush()
            return cls.hash_from_file(pathlib.Path(f.name))


try:  # pytx's vPDQ extension needs the vpdq package
    from threatexchange.content_type.video import VideoContent
    from threatexchange.extensions.vpdq.vpdq import VPDQSignal
    from threatexchange.extensions.vpdq.vpdq_util import VpdqCompactFeature, vpdq_to_json
except ImportError:
    VPDQSignal = None

_SIGNALS: t.Tuple[type, ...] = (HashsievePdqSignal,)

if VPDQSignal is not None:
    from .video import hash_video

    class HashsieveVpdqSignal(VPDQSignal):
        """vPDQ computed by hashsieve; the signal strings, index and matches of `vpdq`."""

        @classmethod
        def get_content_types(cls) -> t.List[t.Type[ContentType]]:
            return [VideoContent]

        @classmethod
        def hash_from_file(cls, path: pathlib.Path, seconds_per_hash: float = 1) -> str:
            try:
                features = hash_video(path, seconds_per_hash=seconds_per_hash)
            except Exception as e:  # DecodeError: pytx reports hasher exceptions per file
                raise ValueError(f"{path}: {e}") from e
            return vpdq_to_json([VpdqCompactFeature(f.hex, f.quality, f.timestamp)
                                 for f in features])

    _SIGNALS += (HashsieveVpdqSignal,)

TX_MANIFEST = ThreatExchangeExtensionManifest(signal_types=_SIGNALS)
