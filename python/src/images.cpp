// Hashing arrays: pdq, pdq_dihedral, pdq_float (pdqhash.compute_float), phash, pdq_batch.
// Every call checks and packs its arrays with the GIL held, then hashes without it.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <thread>

#include "host/backend/device.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/core/pdq_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "python/src/frames.hpp"

namespace hashsieve::py {
namespace {

/// Per-thread PDQ scratch for each luma mode, so concurrent calls share nothing.
pdq::PdqCpu& pdqScratch(pdq::LumaMode mode) {
  thread_local pdq::PdqCpu reference(pdq::LumaMode::Reference);
  thread_local pdq::PdqCpu float64(pdq::LumaMode::Float64);
  return mode == pdq::LumaMode::Float64 ? float64 : reference;
}

pdq::PdqResult hashPdq(const ImageArray& image, const std::string& luma, bool dihedral) {
  const pdq::LumaMode mode = parseLuma(luma);
  const Frame f = toFrame(image);
  pdq::PdqResult r;
  nb::gil_scoped_release nogil;
  pdqScratch(mode).hash(f.view, dihedral, r);
  return r;
}

std::pair<Hash256, int> pdqOne(const ImageArray& image, const std::string& luma) {
  const pdq::PdqResult r = hashPdq(image, luma, false);
  return {r.hash, r.quality};
}

std::pair<std::vector<Hash256>, int> pdqDihedral(const ImageArray& image, const std::string& luma) {
  const pdq::PdqResult r = hashPdq(image, luma, true);
  return {std::vector<Hash256>(r.dihedral.begin(), r.dihedral.end()), r.quality};
}

/// The 256 DCT coefficients before thresholding, in the order of the hash bits (bit 255 first),
/// as float64 like pdqhash.compute_float.
std::pair<nb::ndarray<nb::numpy, double, nb::ndim<1>>, int> pdqFloat(const ImageArray& image,
                                                                     const std::string& luma) {
  const pdq::LumaMode mode = parseLuma(luma);
  const Frame f = toFrame(image);
  std::vector<double> coefs(pdq::kDctCoefs);
  pdq::PdqResult r;
  {
    nb::gil_scoped_release nogil;
    pdq::PdqCpu& hasher = pdqScratch(mode);
    hasher.hash(f.view, false, r);
    const pdq::Dct16& b = hasher.dct16();
    for (int i = 0; i < pdq::kDctCoefs; ++i) coefs[i] = b[pdq::kDctCoefs - 1 - i];
  }
  return {toNumpy(std::move(coefs)), r.quality};
}

Hash64 phashOne(const ImageArray& image) {
  const Frame f = toFrame(image);
  nb::gil_scoped_release nogil;
  return phash::compute(f.view);
}

/// Many frames: one call of a batched backend (CUDA), or the CPU hasher on `threads` threads.
std::vector<std::pair<Hash256, int>> pdqBatch(const std::vector<ImageArray>& images,
                                              const std::string& device, const std::string& luma,
                                              int threads) {
  HashRequest req;
  req.phash = false;
  req.pdqLuma = parseLuma(luma);
  const Device backend = parseDevice(device);
  std::vector<Frame> frames;
  frames.reserve(images.size());
  for (const ImageArray& a : images) frames.push_back(toFrame(a));
  std::vector<ImageView> views(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) views[i] = frames[i].view;
  std::vector<FrameHash> out(frames.size());
  {
    nb::gil_scoped_release nogil;
    std::unique_ptr<Hasher> hasher = makeHasher(backend);
    if (hasher->name() != "cpu" || views.size() < 2) {
      hasher->hash(views, req, out);
    } else {
      // Contiguous slices, one CPU hasher each (a Hasher is not thread-safe).
      const size_t n = views.size();
      const size_t workers = std::min<size_t>(
          n, threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency()));
      std::vector<std::thread> pool;
      std::vector<std::exception_ptr> errors(workers);
      for (size_t t = 0; t < workers; ++t) {
        pool.emplace_back([&, t] {
          try {
            const size_t lo = n * t / workers, hi = n * (t + 1) / workers;
            auto cpu = makeCpuHasher();
            cpu->hash(std::span(views).subspan(lo, hi - lo), req,
                      std::span(out).subspan(lo, hi - lo));
          } catch (...) {
            errors[t] = std::current_exception();
          }
        });
      }
      for (std::thread& th : pool) th.join();
      for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    }
  }
  std::vector<std::pair<Hash256, int>> result;
  result.reserve(out.size());
  for (const FrameHash& h : out) result.emplace_back(h.pdq, h.pdqQuality);
  return result;
}

}  // namespace

void bindImages(nb::module_& m) {
  m.def("pdq", &pdqOne, nb::arg("image"), nb::arg("luma") = "reference");
  m.def("pdq_dihedral", &pdqDihedral, nb::arg("image"), nb::arg("luma") = "reference");
  m.def("pdq_float", &pdqFloat, nb::arg("image"), nb::arg("luma") = "reference");
  m.def("phash", &phashOne, nb::arg("image"));
  m.def("pdq_batch", &pdqBatch, nb::arg("images"), nb::arg("device") = "auto",
        nb::arg("luma") = "reference", nb::arg("threads") = 0);
}

}  // namespace hashsieve::py
