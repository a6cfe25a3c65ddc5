// The order --decoder gpu tries nvImageCodec's backends in and the names records give them:
// each file goes down the backends until one decodes it, files one backend decoded are not
// tried again, and the record names the backend that produced the pixels.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "host/media/decode_backends.hpp"

namespace hashsieve::media {
namespace {

TEST(DecodeBackends, HardwareFirstThenHybridGpuAndCpu) {
  EXPECT_EQ(backendOrder(false),
            (std::vector<DecodeBackend>{DecodeBackend::HwGpu, DecodeBackend::HybridCpuGpu,
                                        DecodeBackend::Gpu, DecodeBackend::Cpu}));
  EXPECT_EQ(backendOrder(true), std::vector<DecodeBackend>{DecodeBackend::Cpu});
}

TEST(DecodeBackends, RecordNames) {
  EXPECT_EQ(backendRecordName(DecodeBackend::HwGpu, "jpeg"), "nvjpeg-hw");
  EXPECT_EQ(backendRecordName(DecodeBackend::HybridCpuGpu, "jpeg"), "nvjpeg-hybrid");
  EXPECT_EQ(backendRecordName(DecodeBackend::Gpu, "jpeg"), "nvjpeg-gpu");
  EXPECT_EQ(backendRecordName(DecodeBackend::Gpu, "jpeg2k"), "nvimgcodec-gpu");
  EXPECT_EQ(backendRecordName(DecodeBackend::HybridCpuGpu, "tiff"), "nvimgcodec-hybrid");
  for (const char* codec : {"jpeg", "png", "tiff", "jpeg2k"})
    EXPECT_EQ(backendRecordName(DecodeBackend::Cpu, codec), "nvimgcodec-cpu") << codec;
}

TEST(DecodeBackends, EachFileGoesDownTheBackendsUntilOneDecodesIt) {
  // File i is decodable by backend b when b >= firstOk[i] (-1: by none): e.g. a baseline JPEG
  // by the hardware decoder, a progressive one from the hybrid backend on, a PNG on the GPU or
  // CPU, a corrupt file by none.
  const std::vector<int> firstOk = {0, 1, 2, 3, -1, 0, 3, 1};
  std::map<size_t, std::vector<size_t>> tried;  // backend -> files it was given
  const auto by = decodeInOrder(firstOk.size(), 4, [&](size_t b, std::span<const size_t> which) {
    tried[b].assign(which.begin(), which.end());
    std::vector<bool> ok;
    for (size_t f : which) ok.push_back(firstOk[f] >= 0 && int(b) >= firstOk[f]);
    return ok;
  });
  EXPECT_EQ(by, (std::vector<int>{0, 1, 2, 3, -1, 0, 3, 1}));
  EXPECT_EQ(tried[0], (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(tried[1], (std::vector<size_t>{1, 2, 3, 4, 6, 7}));
  EXPECT_EQ(tried[2], (std::vector<size_t>{2, 3, 4, 6}));
  EXPECT_EQ(tried[3], (std::vector<size_t>{3, 4, 6}));
}

TEST(DecodeBackends, StopsOnceEveryFileIsDecoded) {
  int calls = 0;
  const auto by = decodeInOrder(3, 4, [&](size_t, std::span<const size_t> which) {
    ++calls;
    return std::vector<bool>(which.size(), true);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(by, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(decodeInOrder(0, 4,
                          [](size_t, std::span<const size_t>) {
                            ADD_FAILURE() << "no files, no attempt";
                            return std::vector<bool>{};
                          }),
            std::vector<int>{});
}

TEST(DecodeBackends, OneFlagPerFileOrALogicError) {
  EXPECT_THROW(
      decodeInOrder(2, 1, [](size_t, std::span<const size_t>) { return std::vector<bool>{true}; }),
      std::logic_error);
}

}  // namespace
}  // namespace hashsieve::media
