// Hash lists from Python: load an .hsl, build one from text lists or arrays, and match queries
// (exact range search or top-k, with dihedral variants) on the CPU or CUDA matcher.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <filesystem>
#include <mutex>
#include <optional>

#include "host/backend/matcher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"
#include "python/src/bindings.hpp"

namespace hashsieve::py {
namespace {

using QueryArray = nb::ndarray<const uint8_t, nb::device::cpu, nb::c_contig>;
using MatchArrays = std::tuple<
    nb::ndarray<nb::numpy, uint32_t, nb::ndim<1>>, nb::ndarray<nb::numpy, uint32_t, nb::ndim<1>>,
    nb::ndarray<nb::numpy, uint16_t, nb::ndim<1>>, nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>>;

HashType parseType(const std::string& name) {
  if (name == "pdq") return HashType::Pdq;
  if (name == "phash") return HashType::Phash;
  throw UsageError("list type must be \"pdq\" or \"phash\", got \"" + name + "\"");
}

/// A HashList and the matchers made for it (lazily, one per device; matching is serialised per
/// list, different lists match in parallel).
class PyList {
 public:
  explicit PyList(HashList list) : list_(std::move(list)) {}

  static PyList* load(const std::string& path, bool verify) {
    nb::gil_scoped_release nogil;
    return new PyList(HashList::open(path, {verify}));
  }

  /// Text lists (any format `hashsieve list build` reads), built as that command builds them.
  static PyList* build(const std::vector<std::string>& inputs, const std::string& type, bool strict,
                       const std::optional<std::string>& output) {
    ListParseOptions opts;
    opts.type = parseType(type);
    opts.strict = strict;
    nb::gil_scoped_release nogil;
    ListBuilder builder(opts.type);
    for (const std::string& in : inputs) {
      opts.defaultIdPrefix =
          inputs.size() > 1 ? std::filesystem::path(in).filename().string() + ":" : "";
      parseListFile(in, opts, [&](const ListEntryView& e) {
        if (e.frames.empty()) return builder.add(e.hash, e.quality, e.id);
        for (const ListVideoFrame& f : e.frames)
          builder.addVideoFrame(f.hash, f.quality, e.id, f.frame);
      });
    }
    return fromBuilder(builder, output);
  }

  /// Hashes as an (n, bytes) array (the hex digits' bytes), ids and qualities (-1: unknown).
  static PyList* fromArrays(const QueryArray& hashes, const std::vector<std::string>& ids,
                            const std::vector<int>& qualities, const std::string& type,
                            const std::optional<std::string>& output) {
    const HashType t = parseType(type);
    const size_t bytes = wordsPerHash(t) * 8;
    if (hashes.ndim() != 2 || hashes.shape(1) != bytes)
      throw nb::value_error(
          ("hashes must be an (n, " + std::to_string(bytes) + ") uint8 array").c_str());
    const size_t n = hashes.shape(0);
    if (ids.size() != n || (!qualities.empty() && qualities.size() != n))
      throw nb::value_error("ids (and qualities, when given) need one value per hash");
    nb::gil_scoped_release nogil;
    ListBuilder builder(t);
    for (size_t i = 0; i < n; ++i)
      builder.add(fromBytes(hashes.data() + i * bytes, t), qualities.empty() ? -1 : qualities[i],
                  ids[i]);
    return fromBuilder(builder, output);
  }

  size_t size() const { return list_.size(); }
  std::string type() const { return hashTypeName(list_.type()); }
  std::string hex(size_t i) const { return list_.hashHex(checked(i)); }
  int quality(size_t i) const {
    const uint8_t q = list_.quality(checked(i));
    return q == hsl::kQualityUnknown ? -1 : q;
  }
  std::vector<std::string> ids(size_t i) const {
    std::vector<std::string> out;
    for (size_t j = 0; j < list_.idCountOf(checked(i)); ++j) out.emplace_back(list_.id(i, j));
    return out;
  }

  /// queries: (n, bytes) or (n, 8, bytes) uint8, C order; the 8 are the dihedral variants in
  /// the reference's order, used when `dihedral`. k: top-k instead of the range search.
  MatchArrays match(const QueryArray& queries, int threshold, bool dihedral, std::optional<int> k,
                    const std::string& device) {
    const size_t bytes = list_.words() * 8;
    const bool variants = queries.ndim() == 3;
    if (!((queries.ndim() == 2 && queries.shape(1) == bytes) ||
          (variants && queries.shape(1) == kDihedralCount && queries.shape(2) == bytes)))
      throw nb::value_error(("queries must be an (n, " + std::to_string(bytes) + ") or (n, 8, " +
                             std::to_string(bytes) + ") uint8 array for a " + type() + " list")
                                .c_str());
    const Device dev = parseDevice(device);
    std::vector<uint32_t> q, e;
    std::vector<uint16_t> d;
    std::vector<uint8_t> t;
    {
      nb::gil_scoped_release nogil;
      const size_t n = queries.shape(0);
      const size_t perQuery = variants ? kDihedralCount : 1;
      std::vector<MatchQuery> mq(n);
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = queries.data() + i * perQuery * bytes;
        const size_t used = variants && dihedral ? kDihedralCount : 1;
        for (size_t v = 0; v < used; ++v)
          mq[i].variants[v] = fromBytes(p + v * bytes, list_.type());
        mq[i].variantMask = static_cast<uint8_t>((1u << used) - 1);
      }
      std::lock_guard lock(mutex_);
      Matcher& m = matcher(dev);
      const std::vector<Match> found = k ? m.topK(mq, *k) : m.range(mq, threshold);
      q.reserve(found.size());
      e.reserve(found.size());
      d.reserve(found.size());
      t.reserve(found.size());
      for (const Match& x : found) {
        q.push_back(x.query);
        e.push_back(x.entry);
        d.push_back(x.distance);
        t.push_back(x.transform);
      }
    }
    return {toNumpy(std::move(q)), toNumpy(std::move(e)), toNumpy(std::move(d)),
            toNumpy(std::move(t))};
  }

  /// Every entry's hash bytes, (size, bytes) uint8 (faiss's layout for PDQ lists).
  nb::ndarray<nb::numpy, uint8_t, nb::ndim<2>> hashBytes() const {
    const size_t bytes = list_.words() * 8, n = list_.size();
    auto* owned = new std::vector<uint8_t>(n * bytes);
    for (size_t i = 0; i < n; ++i) {
      const Hash256 h = list_.hash(i);
      if (list_.type() == HashType::Pdq) {
        hashToBytes(h, owned->data() + i * bytes);
      } else {
        for (size_t j = 0; j < 8; ++j)
          (*owned)[i * bytes + j] = static_cast<uint8_t>(h.w[0] >> (56 - 8 * j));
      }
    }
    nb::capsule free(owned, [](void* p) noexcept { delete static_cast<std::vector<uint8_t>*>(p); });
    return nb::ndarray<nb::numpy, uint8_t, nb::ndim<2>>(owned->data(), {n, bytes}, free);
  }

 private:
  static Hash256 fromBytes(const uint8_t* p, HashType t) {
    if (t == HashType::Pdq) return hashFromBytes(p);
    Hash256 h;
    for (int j = 0; j < 8; ++j) h.w[0] = (h.w[0] << 8) | p[j];
    return h;
  }

  static PyList* fromBuilder(ListBuilder& builder, const std::optional<std::string>& output) {
    hsl::Image image = builder.build();
    if (output) hsl::writeImage(image, *output);
    return new PyList(HashList::fromImage(std::move(image)));
  }

  size_t checked(size_t i) const {
    if (i >= list_.size()) throw nb::index_error("list entry index out of range");
    return i;
  }

  Matcher& matcher(Device dev) {
    auto& slot = dev == Device::Cpu ? cpu_ : dev == Device::Cuda ? cuda_ : auto_;
    if (!slot) slot = makeMatcher(dev, list_);
    return *slot;
  }

  HashList list_;
  std::mutex mutex_;
  std::unique_ptr<Matcher> cpu_, cuda_, auto_;
};

}  // namespace

void bindLists(nb::module_& m) {
  nb::class_<PyList>(m, "HashList")
      .def_static("load", &PyList::load, nb::arg("path"), nb::arg("verify") = true)
      .def_static("build", &PyList::build, nb::arg("inputs"), nb::arg("type") = "pdq",
                  nb::arg("strict") = false, nb::arg("output") = nb::none())
      .def_static("from_arrays", &PyList::fromArrays, nb::arg("hashes"), nb::arg("ids"),
                  nb::arg("qualities"), nb::arg("type") = "pdq", nb::arg("output") = nb::none())
      .def("__len__", &PyList::size)
      .def_prop_ro("type", &PyList::type)
      .def("hex", &PyList::hex)
      .def("quality", &PyList::quality)
      .def("ids", &PyList::ids)
      .def("hash_bytes", &PyList::hashBytes)
      .def("match", &PyList::match, nb::arg("queries"), nb::arg("threshold"), nb::arg("dihedral"),
           nb::arg("k") = nb::none(), nb::arg("device") = "auto");
}

}  // namespace hashsieve::py
