// Hash (PDQ, 256 bits) and Hash64 (pHash) value objects: hex, bits, bytes, distance.
#include <nanobind/stl/string.h>

#include <array>
#include <cstring>

#include "host/core/errors.hpp"
#include "python/src/bindings.hpp"

namespace hashsieve::py {

Hash256 hashFromBytes(const uint8_t* bytes) {
  Hash256 h;
  for (int j = 0; j < 32; ++j) h.w[3 - j / 8] |= uint64_t{bytes[j]} << (8 * (7 - j % 8));
  return h;
}

void hashToBytes(const Hash256& h, uint8_t* bytes) {
  for (int j = 0; j < 32; ++j) bytes[j] = static_cast<uint8_t>(h.w[3 - j / 8] >> (8 * (7 - j % 8)));
}

namespace {

/// Bits most significant first, as pdqhash.compute and imagehash's hash arrays hold them.
template <typename H>
nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>> bitsOf(const H& h) {
  std::vector<uint8_t> bits(H::kBits);
  for (int i = 0; i < H::kBits; ++i) {
    const int k = H::kBits - 1 - i;
    if constexpr (H::kBits == 256) {
      bits[i] = h.bit(k);
    } else {
      bits[i] = (h.v >> k) & 1u;
    }
  }
  return toNumpy(std::move(bits));
}

template <typename H>
H fromBits(nb::ndarray<const uint8_t, nb::ndim<1>, nb::device::cpu> a) {
  if (a.shape(0) != H::kBits)
    throw nb::value_error(
        ("expected " + std::to_string(H::kBits) + " bits, got " + std::to_string(a.shape(0)))
            .c_str());
  H h{};
  for (int i = 0; i < H::kBits; ++i) {
    const uint8_t b = a.data()[i * a.stride(0)];
    if (b > 1) throw nb::value_error("bits must be 0 or 1");
    const int k = H::kBits - 1 - i;
    if constexpr (H::kBits == 256) {
      if (b) h.setBit(k);
    } else {
      h.v |= uint64_t{b} << k;
    }
  }
  return h;
}

template <typename H>
H fromHex(const std::string& hex) {
  std::optional<H> h;
  if constexpr (H::kBits == 256) {
    h = parseHash256(hex);
  } else {
    h = parseHash64(hex);
  }
  if (!h)
    throw nb::value_error(
        ("not a " + std::to_string(H::kHexChars) + "-digit hex hash: \"" + hex + "\"").c_str());
  return *h;
}

}  // namespace

void bindHashes(nb::module_& m) {
  nb::class_<Hash256>(m, "Hash", "A PDQ hash (256 bits).")
      .def(nb::init<>())
      .def_static("from_hex", &fromHex<Hash256>, nb::arg("hex"))
      .def_static("from_bits", &fromBits<Hash256>, nb::arg("bits"))
      .def_static(
          "from_bytes",
          [](nb::bytes b) {
            if (b.size() != 32) throw nb::value_error("a PDQ hash is 32 bytes");
            return hashFromBytes(static_cast<const uint8_t*>(b.data()));
          },
          nb::arg("data"))
      .def_prop_ro("hex", [](const Hash256& h) { return toHex(h); })
      .def_prop_ro("bits", &bitsOf<Hash256>, nb::rv_policy::move)
      .def_prop_ro("bytes",
                   [](const Hash256& h) {
                     std::array<uint8_t, 32> b;
                     hashToBytes(h, b.data());
                     return nb::bytes(b.data(), b.size());
                   })
      .def("distance", [](const Hash256& a, const Hash256& b) { return hamming(a, b); })
      .def(
          "__eq__", [](const Hash256& a, const Hash256& b) { return a == b; }, nb::is_operator())
      .def("__hash__", [](const Hash256& h) { return static_cast<Py_ssize_t>(h.w[0] ^ h.w[3]); })
      .def("__str__", [](const Hash256& h) { return toHex(h); })
      .def("__repr__", [](const Hash256& h) { return "Hash('" + toHex(h) + "')"; });

  nb::class_<Hash64>(m, "Hash64", "A pHash (64 bits, imagehash's layout).")
      .def(nb::init<>())
      .def_static("from_hex", &fromHex<Hash64>, nb::arg("hex"))
      .def_static("from_bits", &fromBits<Hash64>, nb::arg("bits"))
      .def_prop_ro("hex", [](const Hash64& h) { return toHex(h); })
      .def_prop_ro("bits", &bitsOf<Hash64>, nb::rv_policy::move)
      .def_prop_ro("value", [](const Hash64& h) { return h.v; })
      .def("distance", [](const Hash64& a, const Hash64& b) { return hamming(a, b); })
      .def(
          "__eq__", [](const Hash64& a, const Hash64& b) { return a == b; }, nb::is_operator())
      .def("__hash__", [](const Hash64& h) { return static_cast<Py_ssize_t>(h.v); })
      .def("__str__", [](const Hash64& h) { return toHex(h); })
      .def("__repr__", [](const Hash64& h) { return "Hash64('" + toHex(h) + "')"; });
}

}  // namespace hashsieve::py
