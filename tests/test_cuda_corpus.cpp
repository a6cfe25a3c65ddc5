// The CUDA hasher against the CPU path on every decodable image and sampled video frame (1 fps)
// of the generated corpus ($HASHSIEVE_CORPUS or <build>/corpus-small). Skips without a device
// (fails under HASHSIEVE_REQUIRE_GPU=1) or without the corpus.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/media.hpp"
#include "kernels/cuda_hasher.hpp"
#include "tests/gpu_test_support.hpp"

namespace hashsieve::cuda {
namespace {

class CudaCorpus : public test::GpuTest {};

TEST_F(CudaCorpus, EveryFrameMatchesCpu) {
  const char* env = std::getenv("HASHSIEVE_CORPUS");
  const std::filesystem::path root =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(HASHSIEVE_BINARY_DIR) / "corpus-small";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no corpus at " << root;
  std::vector<Image> frames;
  std::vector<std::string> names;
  for (const char* sub : {"images", "videos"}) {
    if (!std::filesystem::is_directory(root / sub)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root / sub)) {
      if (!e.is_regular_file()) continue;
      try {
        media::decodeFile(
            e.path(), media::Options{}, [&](const ImageView& v, const media::FrameInfo& fi) {
              Image img(v.width, v.height, v.format);
              for (int y = 0; y < v.height; ++y)
                std::memcpy(img.row(y), v.row(y), size_t(img.stride()));
              frames.push_back(std::move(img));
              names.push_back(e.path().string() + " frame " + std::to_string(fi.index));
            });
      } catch (const InputError&) {
        // not decodable: the media layer's business, not this test's
      }
    }
  }
  if (frames.empty()) GTEST_SKIP() << "corpus at " << root << " has no decodable frames";
  std::printf("corpus %s: %zu frames\n", root.c_str(), frames.size());
  std::vector<ImageView> views;
  for (const Image& f : frames) views.push_back(f.view());
  const HashRequest req{true, true, true};
  std::vector<FrameHash> got(frames.size()), want(frames.size());
  CudaHasher gpu;
  gpu.hash(views, req, got);
  makeCpuHasher()->hash(views, req, want);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(toHex(got[i].pdq), toHex(want[i].pdq)) << names[i];
    EXPECT_EQ(got[i].pdqQuality, want[i].pdqQuality) << names[i];
    for (int v = 0; v < kDihedralCount; ++v)
      EXPECT_EQ(got[i].pdqDihedral[v], want[i].pdqDihedral[v]) << names[i];
    EXPECT_EQ(toHex(got[i].phash), toHex(want[i].phash)) << names[i];
  }
}

}  // namespace
}  // namespace hashsieve::cuda
