// Fuzz target: the TIFF path alone (libtiff through detail::decodeTiff, TiffLayout and Pillow's
// sample rules), so every input reaches libtiff instead of being refused by content sniffing.
// Properties: the only exception is InputError with a documented reason tag; every frame is a
// valid view whose every byte is read (ASan sees any short buffer) and within --max-pixels. Bit 0
// of the input's length selects
// --all-frames, so a saved input reproduces exactly. A low pixel limit keeps runs fast.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/input_file.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;
namespace fs = std::filesystem;

// The reason tags decodeTiff may throw (a subset of media.hpp's).
const std::set<std::string> kReasons = {"unreadable", "too large", "unsupported format",
                                        "truncated",  "corrupt",   "timeout"};
constexpr int64_t kFuzzMaxPixels = int64_t{1} << 22;
volatile unsigned pixelSum = 0;  // written per frame: keeps the reads from being optimised away

const fs::path& scratchPath() {
  static const fs::path p = [] {
    const fs::path dir =
        fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    return dir / ("hs-fuzz-tiff-" + std::to_string(::getpid()));
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;  // InputFile refuses empty files before any decoder runs
  {
    std::ofstream out(scratchPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    HS_FUZZ_CHECK(out.good());
  }
  media::Options opts;
  opts.limits.maxPixels = kFuzzMaxPixels;
  opts.allFrames = (size & 1) != 0;
  media::detail::Deadline deadline(opts.limits.timeoutSeconds);
  media::detail::InputFile file(scratchPath(), opts.limits);
  media::MediaInfo info;
  int64_t frames = 0;
  const media::FrameCallback emit = [&](const ImageView& v, const media::FrameInfo& f) {
    HS_FUZZ_CHECK(v.width > 0 && v.height > 0);
    HS_FUZZ_CHECK(static_cast<int64_t>(v.width) * v.height <= opts.limits.maxPixels);
    HS_FUZZ_CHECK(f.index == frames);
    unsigned sum = 0;
    for (int y = 0; y < v.height; ++y)
      for (int x = 0; x < v.width * bytesPerPixel(v.format); ++x) sum += v.row(y)[x];
    pixelSum = sum;
    ++frames;
  };
  const media::detail::DecodeJob job{file, opts, deadline, info, emit};
  try {
    media::detail::decodeTiff(job);
    HS_FUZZ_CHECK(frames > 0 && info.framesEmitted == frames);
  } catch (const InputError& e) {
    if (!kReasons.count(e.reason())) {
      std::fprintf(stderr, "undocumented reason tag: \"%s\" (%s)\n", e.reason().c_str(), e.what());
      HS_FUZZ_CHECK(kReasons.count(e.reason()));
    }
  }
  return 0;
}
