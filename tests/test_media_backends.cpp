// The order --decoder gpu tries nvImageCodec's backends in and the names records give them:
// each file goes down the backends until one decodes it, files one backend decoded are not
// tried again, and the record names the backend that produced the pixels. Then decodeFile with
// a batch decoder that leaves frames in (host memory posing as) device memory: the frame is
// emitted there for the receiver to take over, the plausibility guard still reads it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "host/media/batch_decoder.hpp"
#include "host/media/decode_backends.hpp"
#include "tests/test_media_files.hpp"

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

// Decodes every file to a 16 x 8 grey frame in `pool` (flat or a ramp), as "nvjpeg-hw".
class DeviceScripted final : public BatchImageDecoder {
 public:
  DeviceScripted(std::shared_ptr<DeviceFramePool> pool, bool flat)
      : pool_(std::move(pool)), flat_(flat) {}
  std::vector<BatchDecoded> decode(std::span<const BatchInput> files) override {
    std::vector<BatchDecoded> out(files.size());
    for (BatchDecoded& r : out) {
      r.status = BatchDecoded::Status::Ok;
      r.width = 16;
      r.height = 8;
      r.codec = "jpeg";
      r.decoder = backendRecordName(DecodeBackend::HwGpu, r.codec);
      r.device = pool_->take(r.width, r.height, PixelFormat::Gray8);
      for (int i = 0; i < r.width * r.height; ++i) r.device.data()[i] = flat_ ? 7 : uint8_t(i);
    }
    return out;
  }
  std::string name() const override { return "scripted-gpu"; }

 private:
  std::shared_ptr<DeviceFramePool> pool_;
  bool flat_;
};

std::shared_ptr<DeviceFramePool> hostPosingAsDevice() {
  return std::make_shared<DeviceFramePool>(
      0,
      SlabAllocator{[](size_t n) {
                      void* p = std::malloc(n);
                      if (!p) throw std::bad_alloc();
                      return p;
                    },
                    [](void* p) { std::free(p); }},
      [](const ImageView& v, int y0, int rows, uint8_t* dst) {
        const size_t rowBytes = size_t(v.width) * bytesPerPixel(v.format);
        for (int y = 0; y < rows; ++y) std::memcpy(dst + y * rowBytes, v.row(y0 + y), rowBytes);
      });
}

// A corpus JPEG of more than 8 KiB (far more than a flat 16 x 8 picture needs).
std::filesystem::path largeJpeg(const std::filesystem::path& corpus) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus / "images"))
    if (e.path().extension() == ".jpg" && std::filesystem::file_size(e.path()) > 8192)
      return e.path();
  return {};
}

TEST(DeviceDecodedStills, EmittedInDeviceMemoryForTheReceiverToTakeOver) {
  HS_REQUIRE_CORPUS(corpus);
  const std::filesystem::path jpeg = largeJpeg(corpus);
  ASSERT_FALSE(jpeg.empty());
  Options opts;
  opts.deviceFrames = hostPosingAsDevice();
  opts.batchDecoder = std::make_shared<BatchQueue>(
      std::make_unique<DeviceScripted>(opts.deviceFrames, false), 1, 1);
  FrameMemory taken;
  int frames = 0;
  const MediaInfo info = decodeFile(jpeg, opts, [&](const ImageView& v, const FrameInfo&) {
    ++frames;
    EXPECT_TRUE(v.onDevice());
    EXPECT_EQ(v.device, 0);
    ASSERT_NE(v.memory, nullptr);
    taken = std::move(*v.memory);
  });
  EXPECT_EQ(frames, 1);
  EXPECT_EQ(info.decoder, "nvjpeg-hw");
  EXPECT_EQ(info.width, 16);
  EXPECT_EQ(opts.deviceFrames->framesOut(), 1u);  // held by the receiver, not given back
  taken = FrameMemory{};
  EXPECT_EQ(opts.deviceFrames->framesOut(), 0u);
  // A receiver that does not take the frame leaves it to be given back after the call.
  decodeFile(jpeg, opts, [](const ImageView&, const FrameInfo&) {});
  EXPECT_EQ(opts.deviceFrames->framesOut(), 0u);
}

TEST(DeviceDecodedStills, ThePlausibilityGuardReadsADeviceFrame) {
  HS_REQUIRE_CORPUS(corpus);
  const std::filesystem::path jpeg = largeJpeg(corpus);
  ASSERT_FALSE(jpeg.empty());
  Options opts;
  opts.deviceFrames = hostPosingAsDevice();
  // A flat 16 x 8 frame from a file of more than 8 KiB: not what the file holds.
  opts.batchDecoder =
      std::make_shared<BatchQueue>(std::make_unique<DeviceScripted>(opts.deviceFrames, true), 1, 1);
  EXPECT_EQ(test::rejectReason(jpeg, opts), "suspect");
  EXPECT_EQ(opts.deviceFrames->framesOut(), 0u);
}

}  // namespace
}  // namespace hashsieve::media
