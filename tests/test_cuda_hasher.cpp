// The CUDA hasher against the CPU path on a real device: every float stage compared bit for bit
// with the CPU's stage functions, then whole hashes on >= 2,000 random frames, edge sizes, the
// CPU fallback and strided input (the corpus: test_cuda_corpus.cpp). Skips without a device
// (fails under HASHSIEVE_REQUIRE_GPU=1). Links no FFmpeg, so it runs on a bare GPU machine.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "host/core/pdq_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "host/core/pillow_resample.hpp"
#include "kernels/cuda_hasher.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/pdq_batch.hpp"
#include "kernels/pdq_finish.cuh"
#include "kernels/phash_batch.hpp"
#include "tests/gpu_test_support.hpp"

namespace hashsieve::cuda {
namespace {

using pdq::kBufDim;

enum class Content { Noise, Smooth, Flat, TwoTone };

Image makeFrame(int w, int h, PixelFormat fmt, Content content, std::mt19937& rng) {
  Image img(w, h, fmt);
  std::uniform_int_distribution<int> byte(0, 255);
  const int c0 = byte(rng), c1 = byte(rng);
  const int bpp = bytesPerPixel(fmt);
  for (size_t k = 0; k < img.pixels.size(); ++k) {
    const int x = int((k / bpp) % size_t(w)), y = int((k / bpp) / size_t(w));
    switch (content) {
      case Content::Noise:
        img.pixels[k] = uint8_t(byte(rng));
        break;
      case Content::Smooth:
        img.pixels[k] = uint8_t((x * 7 + y * 3 + int(k % 3) * 50) & 255);
        break;
      case Content::Flat:
        img.pixels[k] = uint8_t(c0);
        break;
      case Content::TwoTone:
        img.pixels[k] = uint8_t(x < w / 2 ? c0 : c1);
        break;
    }
  }
  return img;
}

std::string describe(const Image& f, unsigned seed, size_t i) {
  return std::to_string(f.width) + "x" + std::to_string(f.height) +
         (f.format == PixelFormat::Gray8 ? " grey" : " rgb") + " frame " + std::to_string(i) +
         " seed " + std::to_string(seed);
}

template <typename T>
std::vector<T> download(const DeviceBuffer<T>& d, size_t n) {
  std::vector<T> h(n);
  if (n) HS_CUDA_CHECK(cudaMemcpy(h.data(), d.data(), n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}

template <typename T>
DeviceBuffer<T> upload(const std::vector<T>& h) {
  DeviceBuffer<T> d(h.size());
  if (!h.empty())
    HS_CUDA_CHECK(cudaMemcpy(d.data(), h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}

bool sameBits(const float* a, const float* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(float)) == 0;
}

class CudaStages : public test::GpuTest {};

// Every PDQ intermediate after one batched run against the CPU's own stage functions
// (lumaPlane, boxLine per row / column, decimate, dct): exact equality of every float.
TEST_F(CudaStages, PdqFloatStagesEqualCpuStages) {
  const unsigned seed = 77;
  std::mt19937 rng(seed);
  const int sizes[][2] = {{640, 480}, {33, 1000}, {1000, 33}, {64, 64},
                          {129, 257}, {4200, 40}, {3, 9},     {97, 61}};
  std::vector<Image> frames;
  for (size_t i = 0; i < std::size(sizes); ++i)
    frames.push_back(makeFrame(sizes[i][0], sizes[i][1],
                               i % 2 ? PixelFormat::Gray8 : PixelFormat::Rgb8, Content(i % 4),
                               rng));
  std::vector<FrameGeom> geoms;
  for (const Image& f : frames) geoms.push_back({f.width, f.height, bytesPerPixel(f.format)});
  const PdqBatchPlan plan = planPdqBatch(geoms);
  std::vector<uint8_t> pixels(plan.pixelBytes);
  for (size_t f = 0; f < frames.size(); ++f)
    std::memcpy(pixels.data() + plan.finish[f].pixelOffset, frames[f].pixels.data(),
                frames[f].pixels.size());
  const PdqTableLayout layout = pdqTableLayout(plan);
  std::vector<uint8_t> tables(layout.bytes);
  packPdqTables(plan, layout, tables.data());

  uploadPdqDctMatrix();
  auto dPixels = upload(pixels);
  auto dTables = upload(tables);
  DeviceBuffer<float> p1(plan.planeFloats), p2(plan.planeFloats), compact(plan.compactFloats),
      a(plan.aFloats), dct(frames.size() * pdq::kDctCoefs);
  DeviceBuffer<PdqFrameResult> results(frames.size());
  PdqDeviceBatch d{dPixels.data(), dTables.data(), p1.data(),
                   p2.data(),      compact.data(), a.data(),
                   results.data(), dct.data(),     CudaResources::forDevice(0)->sharedMemOptin()};
  CudaStream stream;
  enqueuePdqBatch(plan, layout, d, true, stream.get());
  stream.synchronize();
  const auto hP1 = download(p1, plan.planeFloats), hP2 = download(p2, plan.planeFloats);
  const auto hC = download(compact, plan.compactFloats), hA = download(a, plan.aFloats);
  const auto hDct = download(dct, frames.size() * pdq::kDctCoefs);
  const auto hRes = download(results, frames.size());

  size_t passItem = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    const Image& img = frames[f];
    const std::string what = describe(img, seed, f);
    pdq::PdqCpu cpu;
    pdq::PdqResult want;
    cpu.hash(img.view(), true, want);
    EXPECT_EQ(hRes[f].hash, want.hash) << what;
    EXPECT_EQ(hRes[f].quality, want.quality) << what;
    for (int v = 0; v < kDihedralCount; ++v)
      EXPECT_EQ(hRes[f].dihedral[v], want.dihedral[v]) << what << " v" << v;
    if (pdqMode(img.width, img.height) == PdqMode::Tiny) continue;
    EXPECT_TRUE(sameBits(&hDct[f * pdq::kDctCoefs], cpu.dct16().data(), pdq::kDctCoefs))
        << what << " DCT";
    if (pdqMode(img.width, img.height) != PdqMode::Filtered) continue;
    const int W = img.width, H = img.height;
    // CPU stages: luma, then boxLine along rows (into row-major r1), columns (r2), rows (r3).
    std::vector<float> luma(size_t(W) * H), r1(luma.size()), r2(luma.size()), r3(luma.size());
    pdq::lumaPlane(img.view(), luma.data());
    for (int r = 0; r < H; ++r)
      pdq::boxLine(&luma[size_t(r) * W], &r1[size_t(r) * W], W, 1, pdq::boxWindow(W));
    for (int c = 0; c < W; ++c) pdq::boxLine(&r1[c], &r2[c], H, W, pdq::boxWindow(H));
    for (int r = 0; r < H; ++r)
      pdq::boxLine(&r2[size_t(r) * W], &r3[size_t(r) * W], W, 1, pdq::boxWindow(W));
    const LinePassItem& i0 = plan.pass[0][passItem];
    const LinePassItem& i2 = plan.pass[2][passItem];
    ++passItem;
    bool p1ok = true, p2ok = true, cok = true;
    for (int r = 0; r < H; ++r)
      for (int c = 0; c < W; ++c) {
        p1ok &= sameBits(&hP1[i0.dstOffset + size_t(c) * H + r], &r1[size_t(r) * W + c], 1);
        p2ok &= sameBits(&hP2[i0.dstOffset + size_t(r) * W + c], &r2[size_t(r) * W + c], 1);
      }
    for (int j = 0; j < kBufDim; ++j)
      for (int r = 0; r < H; ++r)
        cok &= sameBits(&hC[i2.dstOffset + size_t(j) * H + r],
                        &r3[size_t(r) * W + pdq::decimateIndex(j, W)], 1);
    EXPECT_TRUE(p1ok) << what << " row pass 1";
    EXPECT_TRUE(p2ok) << what << " column pass 1";
    EXPECT_TRUE(cok) << what << " row pass 2 (decimated columns)";
    EXPECT_TRUE(sameBits(&hA[plan.finish[f].aOffset], cpu.buffer64().data(), kBufDim * kBufDim))
        << what << " 64x64";
  }
}

// The pHash resample's 32x32 grey against pillow::resizeLanczosL (the CPU stage), both pass orders.
TEST_F(CudaStages, PhashResampleEqualsPillowStage) {
  const unsigned seed = 78;
  std::mt19937 rng(seed);
  const int sizes[][2] = {{640, 480}, {40, 900}, {900, 40}, {32, 32}, {32, 500},
                          {500, 32},  {1, 1},    {7, 3},    {33, 31}, {1920, 1080}};
  std::vector<Image> frames;
  for (size_t i = 0; i < std::size(sizes); ++i)
    frames.push_back(makeFrame(sizes[i][0], sizes[i][1],
                               i % 2 ? PixelFormat::Gray8 : PixelFormat::Rgb8, Content(i % 4),
                               rng));
  std::vector<FrameGeom> geoms;
  std::vector<uint64_t> offsets;
  std::vector<uint8_t> pixels;
  for (const Image& f : frames) {
    geoms.push_back({f.width, f.height, bytesPerPixel(f.format)});
    offsets.push_back(pixels.size());
    pixels.insert(pixels.end(), f.pixels.begin(), f.pixels.end());
  }
  TapCache cache;
  const PhashBatchPlan plan = planPhashBatch(geoms, offsets, cache);
  auto dPixels = upload(pixels);
  auto dItems = upload(plan.items);
  auto dTaps = upload(plan.taps);
  DeviceBuffer<uint8_t> temp(plan.tempBytes), grey(frames.size() * kPhashCells);
  CudaStream stream;
  enqueuePhashBatch(plan,
                    PhashDeviceBatch{dPixels.data(), dItems.data(), dTaps.data(), temp.data(),
                                     grey.data(), CudaResources::forDevice(0)->sharedMemOptin()},
                    stream.get());
  stream.synchronize();
  const auto hGrey = download(grey, frames.size() * kPhashCells);
  for (size_t f = 0; f < frames.size(); ++f) {
    std::vector<uint8_t> want;
    pillow::resizeLanczosL(frames[f].view(), kPhashSide, kPhashSide, want);
    EXPECT_EQ(0, std::memcmp(want.data(), &hGrey[f * kPhashCells], kPhashCells))
        << describe(frames[f], seed, f);
    EXPECT_EQ(phashFromGrey32(&hGrey[f * kPhashCells]), phash::compute(frames[f].view()))
        << describe(frames[f], seed, f);
  }
}

class CudaHasherTest : public test::GpuTest {
 protected:
  static void expectSameAsCpu(const std::vector<Image>& frames, const HashRequest& req, Hasher& gpu,
                              unsigned seed) {
    std::vector<ImageView> views;
    for (const Image& f : frames) views.push_back(f.view());
    std::vector<FrameHash> got(frames.size()), want(frames.size());
    gpu.hash(views, req, got);
    makeCpuHasher()->hash(views, req, want);
    for (size_t i = 0; i < frames.size(); ++i) {
      const std::string what = describe(frames[i], seed, i);
      ASSERT_EQ(toHex(got[i].pdq), toHex(want[i].pdq)) << what;
      ASSERT_EQ(got[i].pdqQuality, want[i].pdqQuality) << what;
      for (int v = 0; v < kDihedralCount; ++v)
        ASSERT_EQ(got[i].pdqDihedral[v], want[i].pdqDihedral[v]) << what << " variant " << v;
      ASSERT_EQ(toHex(got[i].phash), toHex(want[i].phash)) << what;
    }
  }
  /// A workspace of about 300k floats holding `frames` frames: small batches, and a 1000x1000
  /// frame it cannot take.
  static BatchCapacity smallCapacity(int device, int frames) {
    cudaDeviceProp prop{};
    HS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    BatchCapacity cap = chooseCapacity(prop, size_t(1) << 30);
    cap.planeFloats = 300'000;
    cap.pixelBytes = 3 * cap.planeFloats;
    cap.compactFloats = cap.planeFloats / 4;
    cap.tempBytes = cap.planeFloats;
    cap.tapBytes = cap.planeFloats / 4;
    cap.frames = frames;
    return cap;
  }
};

TEST_F(CudaHasherTest, TwoThousandRandomFramesMatchCpuBitForBit) {
  const unsigned seed = 2026;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(1, 700), content(0, 3), coin(0, 1);
  std::vector<Image> frames;
  for (int i = 0; i < 2000; ++i) {
    const int w = side(rng), h = side(rng);
    frames.push_back(makeFrame(w, h, coin(rng) ? PixelFormat::Rgb8 : PixelFormat::Gray8,
                               Content(content(rng)), rng));
  }
  CudaHasher gpu;
  std::printf("seed %u, batch capacity %llu px, %d frames\n", seed,
              (unsigned long long)gpu.capacity().planeFloats, gpu.capacity().frames);
  expectSameAsCpu(frames, HashRequest{true, true, true}, gpu, seed);
}

TEST_F(CudaHasherTest, EdgeSizes) {
  const unsigned seed = 3;
  std::mt19937 rng(seed);
  const int sizes[][2] = {{1, 1},     {1, 777},     {777, 1},     {4, 4},     {4, 50},
                          {5, 5},     {64, 64},     {64, 65},     {65, 64},   {128, 128},
                          {129, 129}, {3840, 2160}, {6000, 4000}, {20000, 30}};
  std::vector<Image> frames;
  for (size_t i = 0; i < std::size(sizes); ++i)
    frames.push_back(makeFrame(sizes[i][0], sizes[i][1],
                               i % 3 == 1 ? PixelFormat::Gray8 : PixelFormat::Rgb8, Content(i % 4),
                               rng));
  CudaHasher gpu;
  expectSameAsCpu(frames, HashRequest{true, true, true}, gpu, seed);
  expectSameAsCpu(frames, HashRequest{true, false, false}, gpu, seed);
  expectSameAsCpu(frames, HashRequest{false, false, true}, gpu, seed);
  HashRequest f64{true, true, false};
  f64.pdqLuma = pdq::LumaMode::Float64;  // pdqhash-compatible luma rounding
  expectSameAsCpu(frames, f64, gpu, seed);
}

// Small forced batches: many batches through both slots, and a frame too big for the workspace
// goes to the CPU with a note and the same hash.
TEST_F(CudaHasherTest, SmallBatchesAndCpuFallback) {
  const unsigned seed = 11;
  std::mt19937 rng(seed);
  int device = 0;
  HS_CUDA_CHECK(cudaGetDevice(&device));
  CudaHasher gpu(smallCapacity(device, 7));
  std::vector<Image> frames;
  for (int i = 0; i < 60; ++i)
    frames.push_back(makeFrame(100 + 7 * i, 90 + 3 * i, PixelFormat::Rgb8, Content::Noise, rng));
  frames.push_back(makeFrame(1000, 1000, PixelFormat::Rgb8, Content::Smooth, rng));  // > capacity
  expectSameAsCpu(frames, HashRequest{true, true, true}, gpu, seed);
  std::vector<ImageView> views;
  for (const Image& f : frames) views.push_back(f.view());
  std::vector<FrameHash> out(frames.size());
  gpu.hash(views, HashRequest{}, out);
  EXPECT_NE(out.back().note.find("hashed on the CPU"), std::string::npos);
  for (size_t i = 0; i + 1 < out.size(); ++i) EXPECT_TRUE(out[i].note.empty());
}

// Frames decoded on the device (the hasher's DeviceFramePool) mixed with host frames: copied
// on the device into the batch, equal to the CPU bit for bit, in order; one the workspace
// cannot take is downloaded and hashed on the CPU; all device memory is given back.
TEST_F(CudaHasherTest, DeviceResidentFramesMatchCpu) {
  const unsigned seed = 31;
  std::mt19937 rng(seed);
  CudaHasher gpu(smallCapacity(0, 6), 0);
  const std::shared_ptr<DeviceFramePool> pool = gpu.deviceFrames();
  ASSERT_TRUE(pool);
  EXPECT_EQ(gpu.deviceOrdinal(), 0);
  std::vector<Image> frames;
  for (int i = 0; i < 47; ++i)
    frames.push_back(makeFrame(60 + 11 * i, 200 - 3 * i,
                               i % 4 ? PixelFormat::Rgb8 : PixelFormat::Gray8, Content(i % 4),
                               rng));
  frames.push_back(makeFrame(1000, 1000, PixelFormat::Rgb8, Content::Smooth, rng));  // > capacity
  std::vector<DeviceImage> onDevice;
  std::vector<ImageView> views;
  for (size_t i = 0; i < frames.size(); ++i) {
    const Image& f = frames[i];
    if (i % 3 == 1 && i + 1 != frames.size()) {
      views.push_back(f.view());
      continue;
    }
    onDevice.push_back(pool->take(f.width, f.height, f.format));
    HS_CUDA_CHECK(cudaMemcpy(onDevice.back().data(), f.pixels.data(), f.pixels.size(),
                             cudaMemcpyHostToDevice));
    views.push_back(onDevice.back().view());
  }
  const HashRequest req{true, true, true};
  std::vector<FrameHash> got(frames.size()), want(frames.size());
  gpu.hash(views, req, got);
  std::vector<ImageView> hostViews;
  for (const Image& f : frames) hostViews.push_back(f.view());
  makeCpuHasher()->hash(hostViews, req, want);
  for (size_t i = 0; i < frames.size(); ++i) {
    const std::string what = describe(frames[i], seed, i);
    ASSERT_EQ(toHex(got[i].pdq), toHex(want[i].pdq)) << what;
    ASSERT_EQ(got[i].pdqDihedral, want[i].pdqDihedral) << what;
    ASSERT_EQ(toHex(got[i].phash), toHex(want[i].phash)) << what;
  }
  EXPECT_NE(got.back().note.find("hashed on the CPU"), std::string::npos);
  onDevice.clear();
  EXPECT_EQ(pool->framesOut(), 0u);
}

TEST_F(CudaHasherTest, StridedRowsAreRead) {
  std::mt19937 rng(12);
  const Image img = makeFrame(301, 203, PixelFormat::Rgb8, Content::Noise, rng);
  const std::ptrdiff_t stride = img.stride() + 37;
  std::vector<uint8_t> padded(size_t(stride) * img.height, 0xAB);
  for (int y = 0; y < img.height; ++y)
    std::memcpy(&padded[size_t(y) * stride], img.pixels.data() + y * img.stride(), img.stride());
  const ImageView view{padded.data(), img.width, img.height, stride, img.format};
  CudaHasher gpu;
  FrameHash got, want;
  gpu.hash({&view, 1}, HashRequest{true, true, true}, {&got, 1});
  makeCpuHasher()->hash({&view, 1}, HashRequest{true, true, true}, {&want, 1});
  EXPECT_EQ(got.pdq, want.pdq);
  EXPECT_EQ(got.phash, want.phash);
}

// The asynchronous feed as the pipeline drives it: frames staged in the hasher's pinned pool
// (some with padded rows), small batches over several enqueue() calls (all three slots in flight
// across calls), one drain(); every outcome once, in order, bit-identical to the CPU.
TEST_F(CudaHasherTest, StagedFramesAcrossEnqueueCallsMatchCpu) {
  const unsigned seed = 13;
  std::mt19937 rng(seed);
  int device = 0;
  HS_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  HS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  BatchCapacity cap = chooseCapacity(prop, size_t(1) << 30);
  cap.frames = 5;
  CudaHasher gpu(cap);
  std::vector<Image> frames;
  std::vector<StagingPool::Block> blocks;
  std::vector<ImageView> staged;
  for (int i = 0; i < 83; ++i) {
    frames.push_back(makeFrame(40 + 9 * i, 300 - 2 * i,
                               i % 5 ? PixelFormat::Rgb8 : PixelFormat::Gray8, Content(i % 4),
                               rng));
    const Image& f = frames.back();
    // Every third frame with padded rows, as swscale writes them into the pool (a 2D upload).
    const std::ptrdiff_t stride = f.stride() + (i % 3 == 0 ? 29 : 0);
    blocks.push_back(gpu.staging()->take(size_t(stride) * f.height));
    for (int y = 0; y < f.height; ++y)
      std::memcpy(blocks.back().data() + y * stride, f.pixels.data() + y * f.stride(), f.stride());
    staged.push_back(ImageView{blocks.back().data(), f.width, f.height, stride, f.format});
  }
  const HashRequest req{true, true, true};
  std::vector<FrameHash> want(frames.size());
  makeCpuHasher()->hash(staged, req, want);
  std::vector<uint64_t> tags(frames.size());
  for (size_t i = 0; i < tags.size(); ++i) tags[i] = i;
  std::vector<uint64_t> order;
  const FeedDone done = [&](uint64_t tag, const FrameHash* h, std::exception_ptr e) {
    order.push_back(tag);
    ASSERT_TRUE(h != nullptr) << (e ? "error" : "no hash");
    EXPECT_EQ(toHex(h->pdq), toHex(want[tag].pdq)) << describe(frames[tag], seed, tag);
    EXPECT_EQ(h->pdqDihedral, want[tag].pdqDihedral) << describe(frames[tag], seed, tag);
    EXPECT_EQ(toHex(h->phash), toHex(want[tag].phash)) << describe(frames[tag], seed, tag);
  };
  const std::span<const ImageView> all(staged);
  const std::span<const uint64_t> allTags(tags);
  for (size_t at = 0; at < staged.size(); at += 17) {
    const size_t n = std::min<size_t>(17, staged.size() - at);
    gpu.enqueue(all.subspan(at, n), allTags.subspan(at, n), req, done);
  }
  gpu.drain();
  ASSERT_EQ(order.size(), frames.size());
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

// One budget per device: a hasher reserves its share of the device's CudaResources budget
// (not of whatever is free when it is made) and gives it back when it goes.
TEST_F(CudaHasherTest, HashersShareTheDeviceBudget) {
  const std::shared_ptr<CudaResources> res = CudaResources::forDevice(0);
  const size_t before = res->availableBytes();
  {
    CudaHasher first;
    const size_t taken = before - res->availableBytes();
    EXPECT_GT(taken, 0u);
    EXPECT_LE(taken, size_t(double(res->budgetBytes()) * kHasherShareOfBudget));
    CudaHasher second;  // takes from what is left, never beyond the budget
    EXPECT_LE(before - res->availableBytes(), res->budgetBytes());
  }
  EXPECT_EQ(res->availableBytes(), before);
  // The hashers ran on the device's streams: three for the slots, one for matchers.
  std::set<cudaStream_t> streams{res->matchStream()};
  for (int i = 0; i < kFeedSlots; ++i) streams.insert(res->hashStream(i));
  EXPECT_EQ(streams.size(), size_t(kFeedSlots) + 1);
  EXPECT_EQ(streams.count(nullptr), 0u);
}

}  // namespace
}  // namespace hashsieve::cuda
