// What each binding file registers on the `_hashsieve` module, and the helpers they share.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve::py {

namespace nb = nanobind;

void bindErrors(nb::module_& m);  // C++ errors -> hashsieve.errors classes
void bindHashes(nb::module_& m);  // Hash, Hash64
void bindImages(nb::module_& m);  // pdq, pdq_dihedral, pdq_float, phash, pdq_batch
void bindFiles(nb::module_& m);   // FileHashRun (hash_files), hash_video
void bindLists(nb::module_& m);   // HashList and its matcher

/// "reference" or "float64" (the CLI's --pdq-luma); UsageError otherwise.
pdq::LumaMode parseLuma(const std::string& name);

/// A 1-D numpy array that owns `values` (moved, no copy).
template <typename T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> toNumpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  nb::capsule free(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(owned->data(), {owned->size()}, free);
}

/// Hash256 <-> the 32 bytes of its hex form (big-endian, faiss IndexBinaryFlat's code layout).
Hash256 hashFromBytes(const uint8_t* bytes);
void hashToBytes(const Hash256& h, uint8_t* bytes);

}  // namespace hashsieve::py
