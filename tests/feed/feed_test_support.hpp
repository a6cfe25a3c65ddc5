// Test helpers for the device feed: small random frames and a CPU hasher's records as the oracle.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "host/core/hasher.hpp"
#include "host/core/image.hpp"

namespace hashsieve::test {

/// `count` RGB frames of 8..48 pixels a side (a few grey), from `seed`.
inline std::vector<Image> randomFrames(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(8, 48), byte(0, 255), grey(0, 7);
  std::vector<Image> frames;
  for (size_t i = 0; i < count; ++i) {
    Image img(side(rng), side(rng), grey(rng) == 0 ? PixelFormat::Gray8 : PixelFormat::Rgb8);
    for (uint8_t& p : img.pixels) p = uint8_t(byte(rng));
    frames.push_back(std::move(img));
  }
  return frames;
}

inline std::vector<ImageView> viewsOf(const std::vector<Image>& frames) {
  std::vector<ImageView> v;
  for (const Image& f : frames) v.push_back(f.view());
  return v;
}

/// The CPU backend's records for `frames`, one call per frame.
inline std::vector<FrameHash> cpuRecords(const std::vector<ImageView>& frames,
                                         const HashRequest& req) {
  auto cpu = makeCpuHasher();
  std::vector<FrameHash> out(frames.size());
  cpu->hash(frames, req, out);
  return out;
}

inline bool sameRecord(const FrameHash& a, const FrameHash& b) {
  return a.pdq == b.pdq && a.pdqQuality == b.pdqQuality && a.pdqDihedral == b.pdqDihedral &&
         a.phash == b.phash && a.note == b.note;
}

}  // namespace hashsieve::test
