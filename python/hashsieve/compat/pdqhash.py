"""A drop-in for the PyPI `pdqhash` package: the same functions and return values (int64 bit
vectors with bit 255 first, the same dihedral order, float64 coefficients), computed by hashsieve
with the binding's float64 luma rounding, so the results are identical."""
from typing import List, Tuple

import numpy as np

from .. import _hashsieve
from .. import _image

_LUMA = "float64"  # pdqhash computes luma in numpy float64, then casts to float


def _bits(h) -> np.ndarray:
    return h.bits.astype(np.int64)


def compute(image: np.ndarray) -> Tuple[np.ndarray, int]:
    h, quality = _hashsieve.pdq(_image(image), _LUMA)
    return _bits(h), quality


def compute_dihedral(image: np.ndarray) -> Tuple[List[np.ndarray], int]:
    hashes, quality = _hashsieve.pdq_dihedral(_image(image), _LUMA)
    return [_bits(h) for h in hashes], quality


def compute_float(image: np.ndarray) -> Tuple[np.ndarray, int]:
    return _hashsieve.pdq_float(_image(image), _LUMA)
