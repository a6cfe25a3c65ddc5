// nvImageCodec on its CPU backends (NVIMGCODEC_DEVICE_CPU_ONLY), the integration --decoder gpu
// runs on a machine without a device: batches decode as files one by one do; through
// decodeFile, stills it takes are described as the CPU decoders describe them, other formats
// and rejected files fall back to the CPU decoders with the same error reasons (one known
// exception: JPEG scan data libjpeg flags as corrupt, which nvImageCodec conceals), and the
// pixel limit is checked from the header. Skips when the build or machine lacks nvImageCodec.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "host/media/batch_decoder.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

#define HS_REQUIRE_NVIMGCODEC()                               \
  if (media::nvimgcodecStatus().rfind("unavailable", 0) == 0) \
  GTEST_SKIP() << "nvImageCodec " << media::nvimgcodecStatus()

constexpr int kThreads = 2;
constexpr int kFilesPerFormat = 16;

std::shared_ptr<media::BatchQueue> cpuQueue() {
  return std::make_shared<media::BatchQueue>(media::makeNvimgcodecDecoder(true, kThreads), 4, 1);
}

// Corpus files under images/ whose extension is in `exts`, sorted.
std::vector<fs::path> corpusFiles(const fs::path& corpus, const std::set<std::string>& exts) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "images"))
    if (e.is_regular_file() && exts.count(e.path().extension().string())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Nvimgcodec, BatchEqualsOneByOneInOrder) {
  HS_REQUIRE_NVIMGCODEC();
  HS_REQUIRE_CORPUS(corpus);
  auto files = corpusFiles(corpus, {".jpg", ".png", ".tiff"});
  if (files.size() > 48) files.resize(48);  // a mixed batch; the CLI test covers the rest
  std::vector<Bytes> bytes;
  for (const auto& f : files) bytes.push_back(readBytes(f));
  std::vector<media::BatchInput> batch;
  for (const auto& b : bytes) batch.push_back({b, int64_t{1} << 40});
  auto decoder = media::makeNvimgcodecDecoder(true, kThreads);
  EXPECT_EQ(decoder->name(), "nvimgcodec-cpu");
  const auto all = decoder->decode(batch);
  ASSERT_EQ(all.size(), batch.size());
  int ok = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto one = decoder->decode(std::span(&batch[i], 1));
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].status, all[i].status) << files[i];
    EXPECT_EQ(one[0].image.pixels, all[i].image.pixels) << files[i];
    EXPECT_EQ(one[0].width, all[i].width) << files[i];
    ok += all[i].status == media::BatchDecoded::Status::Ok;
  }
  EXPECT_GT(ok, static_cast<int>(files.size()) / 2)
      << "nvImageCodec decoded " << ok << " of " << files.size();
}

TEST(Nvimgcodec, StillsDescribedAsTheCpuDecodersDoAndOthersFallBack) {
  HS_REQUIRE_NVIMGCODEC();
  HS_REQUIRE_CORPUS(corpus);
  media::Options gpu;
  gpu.batchDecoder = cpuQueue();
  std::map<std::string, int> byDecoder;
  for (const auto& f : corpusFiles(corpus, {".jpg", ".png", ".tiff", ".gif", ".webp", ".bmp"})) {
    const std::string ext = f.extension().string();
    Decoded cpu, viaBatch;
    try {
      cpu = decodeAll(f);
    } catch (const InputError& e) {
      EXPECT_EQ(rejectReason(f, gpu), e.reason()) << f;
      continue;
    }
    ASSERT_NO_THROW(viaBatch = decodeAll(f, gpu)) << f;
    const media::MediaInfo &a = cpu.info, &b = viaBatch.info;
    ++byDecoder[ext + " " + b.decoder];
    EXPECT_TRUE(a.decoder.empty());
    if (ext == ".gif" || ext == ".webp" || ext == ".bmp") EXPECT_EQ(b.decoder, "cpu") << f;
    EXPECT_EQ(a.kind, b.kind) << f;
    EXPECT_EQ(a.container, b.container) << f;
    EXPECT_EQ(a.width, b.width) << f;
    EXPECT_EQ(a.height, b.height) << f;
    EXPECT_EQ(a.orientationDegrees, b.orientationDegrees) << f;
    EXPECT_EQ(a.mirrored, b.mirrored) << f;
    EXPECT_EQ(a.digests.sha256, b.digests.sha256) << f;
    ASSERT_EQ(cpu.frames.size(), viaBatch.frames.size()) << f;
    EXPECT_EQ(cpu.frames[0].format, viaBatch.frames[0].format) << f;
  }
  for (const auto& [k, n] : byDecoder) std::printf("  %-28s %d\n", k.c_str(), n);
  EXPECT_GT(byDecoder[".jpg nvimgcodec-cpu"], 0);
  EXPECT_GT(byDecoder[".png nvimgcodec-cpu"], 0);
}

TEST(Nvimgcodec, BadFilesGiveTheCpuPathsErrors) {
  HS_REQUIRE_NVIMGCODEC();
  HS_REQUIRE_CORPUS(corpus);
  media::Options gpu;
  gpu.batchDecoder = cpuQueue();
  int compared = 0;
  std::vector<std::string> concealed;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "bad")) {
    if (!e.is_regular_file()) continue;
    const std::string cpuReason = rejectReason(e.path()), gpuReason = rejectReason(e.path(), gpu);
    ++compared;
    // nvImageCodec's JPEG decoders finish a scan libjpeg warns about (libjpeg's warning is an
    // error here); the only difference allowed, reported in the decoder comparison.
    if (gpuReason.empty() && cpuReason == "corrupt" && e.path().extension() == ".jpg") {
      concealed.push_back(e.path().filename().string());
      continue;
    }
    EXPECT_EQ(gpuReason, cpuReason) << e.path();
  }
  for (const auto& c : concealed) std::printf("  concealed by nvImageCodec: %s\n", c.c_str());
  // Made here: a JPEG cut short, and one with its entropy-coded data overwritten.
  TempDir dir;
  const auto jpgs = corpusFiles(corpus, {".jpg"});
  ASSERT_FALSE(jpgs.empty());
  Bytes whole = readBytes(jpgs.front());
  writeBytes(dir / "truncated.jpg", Bytes(whole.begin(), whole.begin() + whole.size() / 2));
  // Scan data overwritten with stray markers: rejected by both (nvImageCodec fails, so the CPU
  // decoder reports it).
  Bytes corrupt = whole;
  for (size_t i = corrupt.size() / 2; i < corrupt.size() - 2; i += 7) corrupt[i] = 0xFF;
  writeBytes(dir / "corrupt.jpg", corrupt);
  EXPECT_EQ(rejectReason(dir / "corrupt.jpg", gpu), rejectReason(dir / "corrupt.jpg"));
  EXPECT_NE(rejectReason(dir / "corrupt.jpg"), "");
  writeBytes(dir / "header-only.jpg", Bytes(whole.begin(), whole.begin() + 200));
  for (const char* name : {"truncated.jpg", "header-only.jpg"}) {
    const std::string cpuReason = rejectReason(dir / name);
    EXPECT_EQ(rejectReason(dir / name, gpu), cpuReason) << name;
    ++compared;
  }
  EXPECT_GT(compared, 3);
}

TEST(Nvimgcodec, PixelLimitCheckedFromTheHeader) {
  HS_REQUIRE_NVIMGCODEC();
  HS_REQUIRE_CORPUS(corpus);
  const auto files = corpusFiles(corpus, {".jpg", ".png"});
  ASSERT_FALSE(files.empty());
  const Bytes b = readBytes(files.front());
  auto decoder = media::makeNvimgcodecDecoder(true, kThreads);
  const media::BatchInput in{b, 1000};
  const auto r = decoder->decode(std::span(&in, 1));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, media::BatchDecoded::Status::TooLarge);
  EXPECT_TRUE(r[0].image.pixels.empty()) << "decoded although over the limit";
  media::Options gpu;
  gpu.limits.maxPixels = 1000;
  gpu.batchDecoder = cpuQueue();
  EXPECT_EQ(rejectReason(files.front(), gpu), "too large");
}

}  // namespace
}  // namespace hashsieve::test
