// Runs one CPU hashing stage once on a seeded random RGB frame, for callgrind_stages.sh: the
// stage sits in a noinline function that callgrind counts alone (--toggle-collect), so setup and
// frame generation are not in the figure. Instruction counts are repeatable on a busy machine.
// usage: cpu_stage_probe pdq|pdq-dihedral|phash|pdq-phash|digests WIDTH HEIGHT
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "host/core/file_digests.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_cpu.hpp"
#include "host/core/pdq_phash_cpu.hpp"
#include "host/core/phash_cpu.hpp"

namespace hashsieve {
namespace {

// Digests read one byte per pixel: a stand-in for the file bytes of a well-compressed frame.
constexpr int kDigestBytesPerPixel = 1;

__attribute__((noinline)) uint64_t hsProbeStage(const std::string& stage, const Image& img,
                                                const std::vector<uint8_t>& fileBytes) {
  if (stage == "pdq" || stage == "pdq-dihedral") {
    pdq::PdqCpu pdq;
    pdq::PdqResult r;
    pdq.hash(img.view(), stage == "pdq-dihedral", r);
    return r.hash.w[0] ^ uint64_t(r.quality);
  }
  if (stage == "phash") return phash::compute(img.view()).v;
  if (stage == "pdq-phash") {  // both, as the CPU backend runs them (one pass over the frame)
    pdq::PdqCpu pdq;
    pdq::PdqResult r;
    return pdqAndPhash(pdq, img.view(), false, r).v ^ r.hash.w[0];
  }
  if (stage == "digests") return digestBytes(fileBytes).sha256.size();
  return 0;
}

}  // namespace
}  // namespace hashsieve

int main(int argc, char** argv) {
  using namespace hashsieve;
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: cpu_stage_probe pdq|pdq-dihedral|phash|pdq-phash|digests WIDTH HEIGHT\n");
    return 2;
  }
  const std::string stage = argv[1];
  const int w = std::atoi(argv[2]), h = std::atoi(argv[3]);
  if (w <= 0 || h <= 0) {
    std::fprintf(stderr, "cpu_stage_probe: bad size %s x %s\n", argv[2], argv[3]);
    return 2;
  }
  Image img(w, h, PixelFormat::Rgb8);
  std::mt19937 rng(1234);
  for (auto& p : img.pixels) p = uint8_t(rng());
  std::vector<uint8_t> fileBytes(size_t(w) * h * kDigestBytesPerPixel);
  for (auto& b : fileBytes) b = uint8_t(rng());
  std::printf("%s %dx%d -> %llx\n", stage.c_str(), w, h,
              static_cast<unsigned long long>(hsProbeStage(stage, img, fileBytes)));
  return 0;
}
