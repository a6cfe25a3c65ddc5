// The CUDA PDQ kernels' math and decomposition, proved on the CPU: a host replay of the kernels'
// thread mapping (ragged batch plan, warps of 32 lines, shared-memory tile ring, per-lane box
// passes, one 256-thread block per frame for the finish) calling the very HS_HD bodies the
// kernels run, checked bit for bit against pdq::PdqCpu. Needs no GPU and no CUDA toolkit.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "host/core/pdq_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "host/core/phash_dct.hpp"
#include "host/core/pillow_resample.hpp"
#include "kernels/pdq_box_lanes.hpp"
#include "kernels/pdq_finish_threads.hpp"
#include "kernels/pdq_plan.hpp"
#include "kernels/phash_plan.hpp"
#include "kernels/phash_threads.hpp"

namespace hashsieve::cuda {
namespace {

/// Bitwise equality of floats (their object representation is what must match).
template <size_t N>
bool sameBits(const std::array<float, N>& got, const float* want) {
  // NOLINTNEXTLINE(bugprone-suspicious-memory-comparison)
  return std::memcmp(got.data(), want, sizeof(got)) == 0;
}

using pdq::kBufDim;
using pdq::kDctCoefs;

// --- BoxPass (the resumable form the kernels run) against boxLine (the CPU's reference) -------

TEST(CudaEmulation, BoxPassInAnyChunkingEqualsBoxLine) {
  const unsigned seed = 20261123;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> sample(0.0f, 255.0f);
  std::uniform_int_distribution<int> chunkLen(1, 70);
  for (int n = 1; n <= 400; n += (n < 70 ? 1 : 37)) {
    std::vector<float> in(n), want(n), got(n);
    for (float& v : in) v = sample(rng);
    // Every window the filter can use on this length, plus the extremes.
    for (int window : {1, 2, 3, pdq::boxWindow(n), (n + 1) / 2, n}) {
      if (window < 1 || window > n) continue;
      pdq::boxLine(in.data(), want.data(), n, 1, window);
      pdq::BoxPass box(n, window);
      std::fill(got.begin(), got.end(), -1.0f);
      for (int s = 0; s < box.steps();) {
        const int e = std::min(box.steps(), s + chunkLen(rng));
        box.run(
            s, e, [&](int i) { return in[i]; }, [](int) { return true; },
            [&](int o, float v) { got[o] = v; });
        s = e;
      }
      ASSERT_EQ(0, std::memcmp(want.data(), got.data(), n * sizeof(float)))
          << "n=" << n << " window=" << window << " seed=" << seed;
    }
  }
}

// --- host replay of the kernels --------------------------------------------------------------

// One warp of boxPassKernel: the same chunk loop, each __syncwarp() a barrier between the
// lanes' loops (the lanes of a warp run the same chunk, then wait).
template <typename Source, typename Outputs>
void replayWarp(const LinePassItem& it, int line0, const Source& src, std::vector<Outputs>& out,
                int slots) {
  std::vector<float> ringStore(size_t(slots) * pdqbox::kTileFloats, -7.0f);
  const pdqbox::Ring ring{ringStore.data(), slots};
  std::vector<pdq::BoxPass> box(kWarpLanes, pdq::BoxPass(it.n, it.window));
  const int chunks = pdqbox::chunkCount(it.n, it.window);
  const int loaded = (it.n + pdqbox::kTile - 1) / pdqbox::kTile;
  for (int c = 0; c < chunks; ++c) {
    if (c < loaded)
      for (int lane = 0; lane < kWarpLanes; ++lane)
        pdqbox::loadTileLane(src, ring, lane, c, line0, it.lines, it.n);
    for (int lane = 0; lane < kWarpLanes; ++lane)
      pdqbox::runChunkLane(box[lane], ring, lane, c, out[lane]);
  }
}

// A line pass over the whole batch: warp w -> item by binary search, as the kernel does.
template <bool kFromPixels, bool kDecimated>
void replayPass(const PdqBatchPlan& plan, int pass, const uint8_t* pixels, const float* src,
                float* dst) {
  const auto& items = plan.pass[pass];
  const int slots = pdqbox::ringSlots(plan.maxWindow[pass]);
  for (int w = 0; w < plan.passWarps[pass]; ++w) {
    const LinePassItem it = items[findItem(items.data(), int(items.size()), w)];
    const int line0 = (w - it.firstWarp) * kWarpLanes;
    using Outputs = std::conditional_t<kDecimated, pdqbox::DecimatedOutputs, pdqbox::AllOutputs>;
    std::vector<Outputs> out;
    for (int lane = 0; lane < kWarpLanes; ++lane) {
      const int line = line0 + lane;
      const bool active = line < it.lines;
      if constexpr (kDecimated)
        out.push_back(pdqbox::DecimatedOutputs{dst + it.dstOffset, it.lines, line, it.n, active});
      else
        out.push_back(pdqbox::AllOutputs{dst + it.dstOffset, it.lines, line, active});
    }
    if constexpr (kFromPixels)
      replayWarp(
          it, line0,
          pdqbox::LumaSource{pixels + it.srcOffset, it.n, it.channels, pdq::LumaMode(it.lumaMode)},
          out, slots);
    else
      replayWarp(it, line0, pdqbox::FloatSource{src + it.srcOffset, it.n}, out, slots);
  }
}

struct ReplayFrame {
  PdqFrameResult result;
  std::array<float, kBufDim * kBufDim> a;
  std::array<float, kDctCoefs> b;
};

// phash_resample.cu's pass 1 for one work unit (one block): horizontal-first rows with the
// warp-split dot products (each lane's partial, then the reduction), or vertical-first columns.
void replayPhashPass1Unit(const PhashItem& it, int unit, const int32_t* taps, const uint8_t* pixels,
                          uint8_t* temp) {
  const uint8_t* frame = pixels + it.pixelOffset;
  uint8_t* out = temp + it.tempOffset;
  if (it.horizontalFirst) {
    const int y = it.yFirst + unit;
    std::vector<uint8_t> row(it.width);  // the kernel's shared-memory row
    for (int x = 0; x < it.width; ++x) row[x] = phashk::greyAt(frame, it, y, x);
    uint8_t* dst = out + int64_t(unit) * it.tempW;
    if (!it.needH) {
      std::copy(row.begin(), row.end(), dst);
      return;
    }
    const phashk::Taps h = phashk::Taps::at(taps, it.h);
    auto sample = [&](int c) { return row[c]; };
    for (int x = 0; x < kPhashSide; ++x) {
      int32_t dot = 0;
      for (int lane = 0; lane < kWarpLanes; ++lane)
        dot += phashk::tapPartial(h, x, sample, lane, kWarpLanes);
      dst[x] = phashk::finishTap(dot);
    }
    return;
  }
  const int chunks = (it.width + kPhashColumnChunk - 1) / kPhashColumnChunk;
  const int y = unit / chunks;
  const phashk::Taps v = phashk::Taps::at(taps, it.v);
  for (int t = 0; t < kPhashColumnChunk; ++t) {
    const int x = (unit % chunks) * kPhashColumnChunk + t;
    if (x >= it.width) break;
    auto sample = [&](int r) { return phashk::greyAt(frame, it, r, x); };
    out[int64_t(y) * it.width + x] = phashk::finishTap(phashk::tapPartial(v, y, sample, 0, 1));
  }
}

// One block of finishKernel: each loop over t is one phase between __syncthreads().
ReplayFrame replayFinish(const FinishItem& it, const uint8_t* pixels, const float* aAll,
                         bool dihedral) {
  using pdqfinish::kPitch;
  using pdqfinish::kThreads;
  ReplayFrame r{};
  if (it.mode == int32_t(PdqMode::Tiny)) return r;
  if (it.mode == int32_t(PdqMode::Bypass64)) {
    const uint8_t* px = pixels + it.pixelOffset;
    for (int k = 0; k < kBufDim * kBufDim; ++k)
      r.a[k] = it.channels == 1
                   ? float(px[k])
                   : pdq::luma(pdq::LumaMode(it.lumaMode), px[3 * k], px[3 * k + 1], px[3 * k + 2]);
  } else {
    std::copy_n(aAll + it.aOffset, kBufDim * kBufDim, r.a.begin());
  }
  std::vector<float> d(pdq::kDctDim * kPitch), tMat(pdq::kDctDim * kPitch);
  const auto& dct = pdq::dctMatrix();  // what uploadPdqDctMatrix copies to constant memory
  for (int k = 0; k < pdq::kDctDim * kBufDim; ++k) d[(k / kBufDim) * kPitch + k % kBufDim] = dct[k];
  int gradient = 0;
  for (int t = 0; t < kThreads; ++t) gradient += pdqfinish::qualityPartial(r.a.data(), t);
  r.result.quality = pdq::qualityFromGradientSum(gradient);
  for (int t = 0; t < kThreads; ++t) pdqfinish::dctStage1(d.data(), r.a.data(), tMat.data(), t);
  for (int t = 0; t < kThreads; ++t) r.b[t] = pdqfinish::dctStage2(tMat.data(), d.data(), t);
  for (int v = 0; v < (dihedral ? kDihedralCount : 1); ++v) {
    float vals[kDctCoefs];
    for (int t = 0; t < kThreads; ++t) vals[t] = pdqfinish::variantCoef(r.b.data(), v, t);
    int medianAt = kDctCoefs;
    for (int t = 0; t < kThreads; ++t)
      if (pdq::isLowerMedian(vals, vals[t])) medianAt = std::min(medianAt, t);
    EXPECT_LT(medianAt, kDctCoefs);
    Hash256 h;
    for (int t = 0; t < kThreads; ++t)
      if (vals[t] > vals[medianAt]) h.setBit(t);  // the ballot: bit t from thread t
    if (v == 0) r.result.hash = h;
    if (dihedral) r.result.dihedral[v] = h;
  }
  return r;
}

// The whole batch as the CUDA backend runs it: pack pixels, plan, 4 passes, finish.
std::vector<ReplayFrame> replayBatch(const std::vector<Image>& frames, bool dihedral,
                                     pdq::LumaMode luma = pdq::LumaMode::Reference) {
  std::vector<FrameGeom> geoms;
  for (const Image& f : frames)
    geoms.push_back({f.width, f.height, f.format == PixelFormat::Gray8 ? 1 : 3});
  const PdqBatchPlan plan = planPdqBatch(geoms, luma);
  std::vector<uint8_t> pixels(plan.pixelBytes);
  for (size_t f = 0; f < frames.size(); ++f)
    std::copy(frames[f].pixels.begin(), frames[f].pixels.end(),
              pixels.begin() + ptrdiff_t(plan.finish[f].pixelOffset));
  // Poisoned workspaces of exactly the planned sizes: a stray or missing write shows up.
  const float kPoison = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> p1(plan.planeFloats, kPoison), p2(plan.planeFloats, kPoison);
  std::vector<float> compact(plan.compactFloats, kPoison), a(plan.aFloats, kPoison);
  replayPass<true, false>(plan, 0, pixels.data(), nullptr, p1.data());
  replayPass<false, false>(plan, 1, nullptr, p1.data(), p2.data());
  replayPass<false, true>(plan, 2, nullptr, p2.data(), compact.data());
  replayPass<false, true>(plan, 3, nullptr, compact.data(), a.data());
  for (float v : compact) EXPECT_FALSE(std::isnan(v)) << "compact buffer cell never written";
  std::vector<ReplayFrame> out;
  for (const FinishItem& it : plan.finish)
    out.push_back(replayFinish(it, pixels.data(), a.data(), dihedral));
  return out;
}

// --- frames ----------------------------------------------------------------------------------

enum class Content { Noise, Smooth, Flat, TwoTone };

Image makeFrame(int w, int h, PixelFormat fmt, Content content, std::mt19937& rng) {
  Image img(w, h, fmt);
  std::uniform_int_distribution<int> byte(0, 255);
  const int c0 = byte(rng), c1 = byte(rng);
  for (size_t k = 0; k < img.pixels.size(); ++k) {
    const int x = int((k / bytesPerPixel(fmt)) % size_t(w)),
              y = int((k / bytesPerPixel(fmt)) / size_t(w));
    switch (content) {
      case Content::Noise:
        img.pixels[k] = uint8_t(byte(rng));
        break;
      case Content::Smooth:
        img.pixels[k] = uint8_t((x * 7 + y * 3 + int(k % 3) * 50) & 255);
        break;
      case Content::Flat:
        img.pixels[k] = uint8_t(c0);
        break;  // ties everywhere in the DCT
      case Content::TwoTone:
        img.pixels[k] = uint8_t(x < w / 2 ? c0 : c1);
        break;
    }
  }
  return img;
}

void expectSame(const ReplayFrame& got, const Image& img, bool dihedral, const std::string& what,
                pdq::LumaMode luma = pdq::LumaMode::Reference) {
  pdq::PdqCpu cpu(luma);
  pdq::PdqResult want;
  cpu.hash(img.view(), dihedral, want);
  EXPECT_EQ(toHex(got.result.hash), toHex(want.hash)) << what;
  EXPECT_EQ(got.result.quality, want.quality) << what;
  if (dihedral) {
    for (int v = 0; v < kDihedralCount; ++v)
      EXPECT_EQ(toHex(got.result.dihedral[v]), toHex(want.dihedral[v])) << what << " variant " << v;
  }
  if (img.width >= pdq::kMinDim && img.height >= pdq::kMinDim) {
    // Float stages compare bitwise: same operations in the same order give the same floats.
    EXPECT_TRUE(sameBits(got.a, cpu.buffer64().data())) << what << " (64x64)";
    EXPECT_TRUE(sameBits(got.b, cpu.dct16().data())) << what << " (DCT)";
  }
}

std::string describe(const Image& f, unsigned seed, size_t index) {
  return std::to_string(f.width) + "x" + std::to_string(f.height) +
         (f.format == PixelFormat::Gray8 ? " grey" : " rgb") + " frame " + std::to_string(index) +
         " seed " + std::to_string(seed);
}

TEST(CudaEmulation, EdgeSizesInOneRaggedBatch) {
  const unsigned seed = 5;
  std::mt19937 rng(seed);
  // 1xN, under 5, exactly 5, the 64x64 bypass and its neighbours, window 1/2 boundaries,
  // widths off the 32-sample tile, and sides long enough for a 3- and 4-tile ring.
  const int sizes[][2] = {{1, 1},     {1, 300},   {300, 1},   {4, 100},   {100, 4},
                          {5, 5},     {5, 200},   {64, 64},   {63, 64},   {64, 65},
                          {65, 64},   {31, 33},   {128, 128}, {129, 129}, {257, 96},
                          {33, 1000}, {4200, 40}, {40, 4200}, {8300, 6},  {6, 8300}};
  std::vector<Image> frames;
  int k = 0;
  for (auto [w, h] : sizes) {
    const auto fmt = (k % 3 == 2) ? PixelFormat::Gray8 : PixelFormat::Rgb8;
    frames.push_back(makeFrame(w, h, fmt, Content(k % 4), rng));
    ++k;
  }
  frames.push_back(makeFrame(64, 64, PixelFormat::Gray8, Content::Noise, rng));
  const auto got = replayBatch(frames, true);
  for (size_t f = 0; f < frames.size(); ++f)
    expectSame(got[f], frames[f], true, describe(frames[f], seed, f));
}

TEST(CudaEmulation, RandomSizesMatchPdqCpuBitForBit) {
  const unsigned seed = 424242;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(1, 420), content(0, 3), coin(0, 1);
  std::vector<Image> frames;
  for (int i = 0; i < 240; ++i) {
    const int w = side(rng), h = side(rng);
    frames.push_back(makeFrame(w, h, coin(rng) ? PixelFormat::Rgb8 : PixelFormat::Gray8,
                               Content(content(rng)), rng));
  }
  frames.push_back(makeFrame(1920, 1080, PixelFormat::Rgb8, Content::Noise, rng));
  const bool dihedral = true;
  const auto got = replayBatch(frames, dihedral);
  for (size_t f = 0; f < frames.size(); ++f)
    expectSame(got[f], frames[f], dihedral, describe(frames[f], seed, f));
}

// pdqhash-compatible luma (float64 then one rounding) through the same decomposition.
TEST(CudaEmulation, Float64LumaModeMatchesPdqCpuInThatMode) {
  const unsigned seed = 64;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(5, 300), content(0, 3);
  std::vector<Image> frames = {makeFrame(64, 64, PixelFormat::Rgb8, Content::Smooth, rng)};
  for (int i = 0; i < 40; ++i)
    frames.push_back(
        makeFrame(side(rng), side(rng), PixelFormat::Rgb8, Content(content(rng)), rng));
  const auto got = replayBatch(frames, true, pdq::LumaMode::Float64);
  for (size_t f = 0; f < frames.size(); ++f)
    expectSame(got[f], frames[f], true, describe(frames[f], seed, f), pdq::LumaMode::Float64);
}

TEST(CudaEmulation, WithoutDihedralTheVariantsStayZero) {
  std::mt19937 rng(9);
  std::vector<Image> frames = {makeFrame(200, 150, PixelFormat::Rgb8, Content::Noise, rng)};
  const auto got = replayBatch(frames, false);
  expectSame(got[0], frames[0], false, "200x150");
  for (const Hash256& h : got[0].result.dihedral) EXPECT_EQ(h, Hash256{});
}

// The pHash kernels' decomposition (plan, pass 1 by work unit with warp-split taps, pass 2 per
// cell) against the CPU's Pillow stage and whole pHash, both pass orders and the no-resize cases.
TEST(CudaEmulation, PhashResampleMatchesPillowStageAndHash) {
  const unsigned seed = 31337;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(1, 300), content(0, 3), coin(0, 1);
  std::vector<Image> frames;
  const int fixed[][2] = {{32, 32},  {32, 300}, {300, 32}, {1, 1},   {1, 500},     {500, 1},
                          {40, 900}, {900, 40}, {31, 33},  {33, 31}, {1920, 1080}, {200, 2000}};
  for (auto [w, h] : fixed)
    frames.push_back(makeFrame(w, h, PixelFormat::Rgb8, Content::Noise, rng));
  for (int i = 0; i < 150; ++i)
    frames.push_back(makeFrame(side(rng), side(rng),
                               coin(rng) ? PixelFormat::Rgb8 : PixelFormat::Gray8,
                               Content(content(rng)), rng));
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
  std::vector<uint8_t> temp(plan.tempBytes, 0xEE);
  for (int w = 0; w < plan.pass1Work; ++w) {
    const PhashItem& it = plan.items[findPhashItem(plan.items.data(), int(plan.items.size()), w)];
    replayPhashPass1Unit(it, w - it.firstWork, plan.taps.data(), pixels.data(), temp.data());
  }
  int vertical = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    const PhashItem& it = plan.items[f];
    vertical += !it.horizontalFirst;
    std::vector<uint8_t> grey(kPhashCells);
    for (int t = 0; t < kPhashCells; ++t)
      grey[t] = phashk::pass2Cell(it, temp.data() + it.tempOffset, plan.taps.data(), t / kPhashSide,
                                  t % kPhashSide);
    std::vector<uint8_t> want;
    pillow::resizeLanczosL(frames[f].view(), kPhashSide, kPhashSide, want);
    const std::string what = describe(frames[f], seed, f);
    ASSERT_EQ(want, grey) << what;
    phash::Grey32 g;
    std::copy(grey.begin(), grey.end(), g.begin());
    const phash::Block8 block = phash::lowFrequencyBlock(g);
    EXPECT_EQ(phash::thresholdBits(block.data(), phash::numpyMedian(block)),
              phash::compute(frames[f].view()))
        << what;
  }
  EXPECT_GT(vertical, 10);  // both of Pillow's pass orders were exercised
}

TEST(CudaEmulation, PlanSizesAndWarpPrefixes) {
  const std::vector<FrameGeom> geoms = {{1920, 1080, 3}, {3, 3, 3}, {64, 64, 1}, {100, 33, 1}};
  const PdqBatchPlan p = planPdqBatch(geoms);
  EXPECT_EQ(p.pixelBytes, 1920u * 1080 * 3 + 27 + 4096 + 3300);
  EXPECT_EQ(p.planeFloats, 1920u * 1080 + 3300);  // Filtered frames only
  EXPECT_EQ(p.compactFloats, 64u * (1080 + 33));
  EXPECT_EQ(p.aFloats, 4u * 4096);
  ASSERT_EQ(p.pass[0].size(), 2u);
  EXPECT_EQ(p.passWarps[0], 1080 / 32 + 1 + 2);  // 34 warps for 1080 rows, 2 for 33
  EXPECT_EQ(p.pass[1][1].firstWarp, 1920 / 32);
  EXPECT_EQ(p.maxWindow[0], 15);  // ceil(1920 / 128)
  EXPECT_EQ(p.maxWindow[1], 9);   // ceil(1080 / 128)
  EXPECT_EQ(findItem(p.pass[0].data(), 2, 33), 0);
  EXPECT_EQ(findItem(p.pass[0].data(), 2, 34), 1);
  EXPECT_EQ(p.finish[1].mode, int32_t(PdqMode::Tiny));
  EXPECT_EQ(p.finish[2].mode, int32_t(PdqMode::Bypass64));
}

}  // namespace
}  // namespace hashsieve::cuda
