// The CPU Hasher backend: PdqCpu + pHash per frame.
#include "host/core/pdq_cpu.hpp"
#include "host/core/pdq_phash_cpu.hpp"
#include "host/core/phash_cpu.hpp"

namespace hashsieve {
namespace {

class CpuHasher final : public Hasher {
 public:
  std::string name() const override { return "cpu"; }
  void hash(std::span<const ImageView> frames, const HashRequest& req,
            std::span<FrameHash> out) override {
    for (size_t i = 0; i < frames.size(); ++i) {
      FrameHash& o = out[i];
      o = FrameHash{};
      if (req.pdq || req.dihedral) {
        pdq::PdqCpu& pdq = req.pdqLuma == pdq::LumaMode::Float64 ? pdqF64_ : pdq_;
        if (req.phash)
          o.phash = pdqAndPhash(pdq, frames[i], req.dihedral, result_);  // one read of the frame
        else
          pdq.hash(frames[i], req.dihedral, result_);
        o.pdq = result_.hash;
        o.pdqQuality = result_.quality;
        o.pdqDihedral = result_.dihedral;
      } else if (req.phash) {
        o.phash = phash::compute(frames[i]);
      }
    }
  }

 private:
  pdq::PdqCpu pdq_;
  pdq::PdqCpu pdqF64_{pdq::LumaMode::Float64};
  pdq::PdqResult result_;
};

}  // namespace

std::unique_ptr<Hasher> makeCpuHasher() { return std::make_unique<CpuHasher>(); }

}  // namespace hashsieve
