// Helpers for the pipeline tests: a scratch directory and a fake decoder driven by the file's
// text, so the pipeline can be tested without FFmpeg and with known frames.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/core/errors.hpp"
#include "host/core/file_digests.hpp"
#include "host/core/image.hpp"
#include "host/media/media.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::test {

/// A fresh directory under the build tree, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    path_ = std::filesystem::path(HASHSIEVE_BINARY_DIR) / "test-scratch" /
            (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

/// prefix + decimal n (spelled out to dodge GCC 12's false -Wrestrict on "lit" + std::string).
inline std::string numbered(const std::string& prefix, long n, const std::string& suffix = "") {
  std::string s = prefix;
  s += std::to_string(n);
  s += suffix;
  return s;
}

inline void writeText(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// Deterministic pixels for a fake frame.
inline Image fakeFrame(int w, int h, uint32_t seed) {
  Image img(w, h, PixelFormat::Rgb8);
  std::mt19937 rng(seed);
  // Smooth-ish content (a few random gradients) so PDQ has a meaningful quality.
  const int a = int(rng() % 7) + 1, b = int(rng() % 5) + 1, c = int(rng() % 256);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.row(y) + 3 * x;
      p[0] = uint8_t((x * a + c) & 255);
      p[1] = uint8_t((y * b + c) & 255);
      p[2] = uint8_t(((x + y) * (a + b)) & 255);
    }
  return img;
}

/// Emits `img` as a decoder does: from the memory opts.frameAllocator gives, when there is one.
inline void emitFake(const Image& img, const media::Options& opts, const media::FrameInfo& info,
                     const media::FrameCallback& onFrame) {
  if (!opts.frameAllocator) return onFrame(img.view(), info);
  uint8_t* p = opts.frameAllocator->frameMemory(img.pixels.size());
  std::copy(img.pixels.begin(), img.pixels.end(), p);
  onFrame(ImageView{p, img.width, img.height, img.stride(), img.format}, info);
}

/// The fake decoder reads a one-line file:
///   "image W H SEED [DELAY_MS]"        one frame
///   "video N FPS W H SEED [DELAY_MS]"  N frames, frame i from seed SEED+i, t = i / FPS
///   "error REASON"                     throws InputError(REASON, "fake detail")
/// Anything else is "unsupported format". Digests are of the file's bytes.
inline media::MediaInfo fakeDecode(const std::filesystem::path& path, const media::Options& opts,
                                   const media::FrameCallback& onFrame) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("unreadable", "cannot open");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();
  std::istringstream line(bytes);
  std::string kind;
  line >> kind;
  media::MediaInfo info;
  info.bytes = static_cast<int64_t>(bytes.size());
  info.digests = digestBytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  auto pause = [](int ms) {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  };
  if (kind == "image") {
    int w = 0, h = 0, delay = 0;
    uint32_t seed = 0;
    line >> w >> h >> seed >> delay;
    info.kind = media::MediaKind::Image;
    info.width = w;
    info.height = h;
    pause(delay);
    emitFake(fakeFrame(w, h, seed), opts, media::FrameInfo{0, 0.0}, onFrame);
    info.framesDecoded = info.framesEmitted = 1;
    return info;
  }
  if (kind == "video") {
    int n = 0, w = 0, h = 0, delay = 0;
    double fps = 0;
    uint32_t seed = 0;
    line >> n >> fps >> w >> h >> seed >> delay;
    info.kind = media::MediaKind::Video;
    info.width = w;
    info.height = h;
    info.fps = fps;
    info.duration = n / fps;
    for (int i = 0; i < n; ++i) {
      pause(delay);
      emitFake(fakeFrame(w, h, seed + uint32_t(i)), opts, media::FrameInfo{i, i / fps}, onFrame);
    }
    info.framesDecoded = info.framesEmitted = n;
    return info;
  }
  if (kind == "error") {
    std::string reason;
    line >> reason;
    throw InputError(reason, "fake detail");
  }
  throw InputError("unsupported format", "not a fake media file");
}

}  // namespace hashsieve::test
