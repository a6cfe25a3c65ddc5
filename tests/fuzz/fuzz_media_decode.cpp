// Fuzz target: the media entry point, bytes in, hash record or error record out, through the
// real path: media::decodeFile (content sniffing, libjpeg-turbo / libwebp / FFmpeg, EXIF and
// orientation, the default limits) and the pipeline's FileJob + inline CPU hashing, ending in
// the record's JSON line. decodeFile takes a path, so each input is written to a private file.
// Properties: the only exception is InputError with a documented reason tag; every frame
// handed out is a valid view (the hasher reads all of it, so ASan sees any short buffer);
// frame counts, byte count and digests agree with the input.
// Which options apply is taken from the input's length (bit 0: --apply-orientation, bit 1:
// --all-frames), so a saved input reproduces exactly.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <string>

#include "host/core/errors.hpp"
#include "host/core/file_digests.hpp"
#include "host/core/hasher.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/file_job.hpp"
#include "host/pipeline/hash_stage.hpp"
#include "host/pipeline/record.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;
namespace fs = std::filesystem;

// media.hpp's documented reason tags.
const std::set<std::string> kReasons = {
    "not a regular file", "unreadable", "empty file", "too large", "unsupported format",
    "truncated",          "corrupt",    "no frames",  "timeout",   "suspect"};

const fs::path& scratchPath() {
  static const fs::path p = [] {
    const fs::path dir =
        fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    return dir / ("hs-fuzz-media-" + std::to_string(::getpid()));
  }();
  return p;
}

void writeInput(const uint8_t* data, size_t size) {
  std::ofstream out(scratchPath(), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  HS_FUZZ_CHECK(out.good());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  writeInput(data, size);
  media::Options opts;  // the default limits
  opts.applyOrientation = (size & 1) != 0;
  opts.allFrames = (size & 2) != 0;

  pipeline::InputItem item;
  item.path = scratchPath().string();
  item.ok = true;
  item.size = static_cast<int64_t>(size);
  pipeline::FileJob job(0, item, /*wantDihedral=*/true);
  HashRequest request;
  request.dihedral = true;
  pipeline::InlineHashStage stage(makeCpuHasher(), request);

  int64_t frames = 0;
  try {
    const media::MediaInfo info = media::decodeFile(
        scratchPath(), opts, [&](const ImageView& view, const media::FrameInfo& f) {
          HS_FUZZ_CHECK(view.width > 0 && view.height > 0);
          HS_FUZZ_CHECK(static_cast<int64_t>(view.width) * view.height <= opts.limits.maxPixels);
          const size_t slot = job.addFrame(f, view.width, view.height);
          stage.submit(view, [&job, slot](const FrameHash& h) { job.setHash(slot, h); });
          ++frames;
        });
    HS_FUZZ_CHECK(info.framesEmitted == frames);
    HS_FUZZ_CHECK(info.framesDecoded >= info.framesEmitted);
    HS_FUZZ_CHECK(info.bytes == static_cast<int64_t>(size));
    const FileDigests expected = digestBytes({data, size});
    HS_FUZZ_CHECK(info.digests.sha256 == expected.sha256 && info.digests.md5 == expected.md5);
    HS_FUZZ_CHECK(frames > 0);  // success means at least one frame ("no frames" otherwise)
    job.decodeFinished(info);
  } catch (const InputError& e) {
    if (!kReasons.count(e.reason())) {
      std::fprintf(stderr, "undocumented reason tag: \"%s\" (%s)\n", e.reason().c_str(), e.what());
      HS_FUZZ_CHECK(kReasons.count(e.reason()));
    }
    job.decodeFailed(e.reason(), e.what());
  }
  const pipeline::Record record = job.record();
  const std::string line = pipeline::toJsonLine(record);
  HS_FUZZ_CHECK(!line.empty() && line.back() == '\n');
  return 0;
}
