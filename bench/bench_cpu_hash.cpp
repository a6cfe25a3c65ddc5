// CPU hashing, stage by stage, at 1080p and 12 MP RGB: luma, Jarosz filter, decimation, DCT,
// median + bits, whole PDQ, pHash. frames/s (items) and bytes/s of RGB input per frame.
// HASHSIEVE_BENCH_TINY=1 runs every case at 160x120 for smoke tests.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

#include "host/core/file_digests.hpp"
#include "host/core/pdq_cpu.hpp"
#include "host/core/pdq_phash_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "host/core/phash_dct.hpp"

namespace hashsieve {
namespace {

struct Size {
  int w, h;
};
constexpr Size k1080p{1920, 1080};
constexpr Size k12Mp{4000, 3000};
constexpr Size kTiny{160, 120};

bool tiny() {
  const char* v = std::getenv("HASHSIEVE_BENCH_TINY");
  return v && *v && *v != '0';
}

Size sizeArg(const benchmark::State& state) {
  return tiny() ? kTiny : Size{int(state.range(0)), int(state.range(1))};
}

Image randomFrame(Size s) {
  Image img(s.w, s.h, PixelFormat::Rgb8);
  std::mt19937 rng(1234);
  for (auto& p : img.pixels) p = uint8_t(rng());
  return img;
}

void setCounters(benchmark::State& state, Size s) {
  state.SetItemsProcessed(state.iterations());                           // frames
  state.SetBytesProcessed(state.iterations() * int64_t(s.w) * s.h * 3);  // RGB bytes in
  state.counters["frames/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["MP/s"] =
      benchmark::Counter(double(state.iterations()) * s.w * s.h / 1e6, benchmark::Counter::kIsRate);
}

void BM_CpuLuma(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  std::vector<float> out(size_t(s.w) * s.h);
  for (auto _ : state) {
    pdq::lumaPlane(img.view(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  setCounters(state, s);
}

void BM_CpuJaroszFilter(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  std::vector<float> luma(size_t(s.w) * s.h), buf1(luma.size()), buf2(luma.size());
  pdq::lumaPlane(img.view(), luma.data());
  for (auto _ : state) {
    state.PauseTiming();
    buf1 = luma;  // the filter works in place
    state.ResumeTiming();
    pdq::jaroszFilter(buf1.data(), buf2.data(), s.h, s.w);
    benchmark::DoNotOptimize(buf1.data());
  }
  setCounters(state, s);
}

void BM_CpuDecimate(benchmark::State& state) {
  const Size s = sizeArg(state);
  std::vector<float> plane(size_t(s.w) * s.h, 1.0f);
  pdq::Buffer64 a;
  for (auto _ : state) {
    pdq::decimate(plane.data(), s.h, s.w, a);
    benchmark::DoNotOptimize(a.data());
  }
  setCounters(state, s);
}

// The stages after decimation do not depend on the frame size: one 64x64 buffer each.
pdq::Buffer64 randomBuffer64() {
  pdq::Buffer64 a;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 255.0f);
  for (float& v : a) v = u(rng);
  return a;
}

void BM_CpuDct(benchmark::State& state) {
  const pdq::Buffer64 a = randomBuffer64();
  pdq::Dct16 b;
  for (auto _ : state) {
    pdq::dct(a, b);
    benchmark::DoNotOptimize(b.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CpuMedianAndBits(benchmark::State& state) {
  pdq::Dct16 b;
  pdq::dct(randomBuffer64(), b);
  for (auto _ : state) {
    const Hash256 h = pdq::thresholdBits(b.data(), pdq::lowerMedian(b));
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CpuPdq(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  pdq::PdqCpu pdq;
  pdq::PdqResult r;
  for (auto _ : state) {
    pdq.hash(img.view(), state.range(2) != 0, r);
    benchmark::DoNotOptimize(r.hash);
  }
  setCounters(state, s);
}

void BM_CpuPhash(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  for (auto _ : state) {
    const Hash64 h = phash::compute(img.view());
    benchmark::DoNotOptimize(h);
  }
  setCounters(state, s);
}

// PDQ and pHash as the CPU backend runs them: one pass over the frame (pdqAndPhash).
void BM_CpuPdqPhash(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  pdq::PdqCpu pdq;
  pdq::PdqResult r;
  for (auto _ : state) {
    const Hash64 h = pdqAndPhash(pdq, img.view(), false, r);
    benchmark::DoNotOptimize(h);
  }
  setCounters(state, s);
}

// Everything the CPU backend does per decoded frame: PDQ, pHash and the three digests of the file
// bytes (arg 3, in bytes per 1000 pixels, stand in for the file). Rate = pixels/s in "MP/s".
void BM_CpuAllStages(benchmark::State& state) {
  const Size s = sizeArg(state);
  const Image img = randomFrame(s);
  // Arg 3: file bytes per pixel in thousandths (1000 = one byte per pixel).
  std::vector<uint8_t> fileBytes(size_t(double(s.w) * s.h * state.range(2) / 1000.0), 0x5a);
  pdq::PdqCpu pdq;
  pdq::PdqResult r;
  for (auto _ : state) {
    const Hash64 h = pdqAndPhash(pdq, img.view(), false, r);
    const FileDigests d = digestBytes(fileBytes);
    benchmark::DoNotOptimize(r.hash);
    benchmark::DoNotOptimize(h);
    benchmark::DoNotOptimize(d.md5.data());
  }
  setCounters(state, s);
}

// MD5 + SHA-1 + SHA-256 of a file's bytes (what the decoder feeds them, one 1 MiB read at a time).
void BM_CpuDigests(benchmark::State& state) {
  constexpr size_t kChunk = size_t{1} << 20;
  const size_t bytes = tiny() ? 4096 : size_t(state.range(0)) << 20;
  std::vector<uint8_t> file(bytes, 0x5a);
  for (auto _ : state) {
    MultiDigest d;
    for (size_t off = 0; off < bytes; off += kChunk)
      d.update({file.data() + off, std::min(kChunk, bytes - off)});
    const FileDigests out = d.finish();
    benchmark::DoNotOptimize(out.sha256.data());
  }
  state.SetBytesProcessed(state.iterations() * int64_t(bytes));
}

// pHash after the resample (32x32 grey -> DCT block, median, bits): the part the CUDA backend
// still runs on the host, per frame.
void BM_CpuPhashDctFinish(benchmark::State& state) {
  phash::Grey32 g;
  std::mt19937 rng(5);
  for (auto& v : g) v = uint8_t(rng());
  for (auto _ : state) {
    const phash::Block8 block = phash::lowFrequencyBlock(g);
    const Hash64 h = phash::thresholdBits(block.data(), phash::numpyMedian(block));
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Args({k1080p.w, k1080p.h})->Args({k12Mp.w, k12Mp.h})->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_CpuLuma)->Apply(sizes);
BENCHMARK(BM_CpuJaroszFilter)->Apply(sizes);
BENCHMARK(BM_CpuDecimate)->Apply(sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CpuDct)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CpuMedianAndBits)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CpuPdq)
    ->Args({k1080p.w, k1080p.h, 0})
    ->Args({k1080p.w, k1080p.h, 1})
    ->Args({k12Mp.w, k12Mp.h, 0})
    ->ArgNames({"w", "h", "dihedral"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CpuPhash)->Apply(sizes);
BENCHMARK(BM_CpuPdqPhash)->Apply(sizes);
// File bytes per 1000 pixels: 1000 (one byte per pixel), 416 (the small corpus's images), 150
// (its JPEGs; the 12 MP JPEG backlog has 145), as measured for bench/results/*hash-stages.md.
BENCHMARK(BM_CpuAllStages)
    ->ArgsProduct({{k1080p.w}, {k1080p.h}, {1000, 416, 150}})
    ->ArgsProduct({{k12Mp.w}, {k12Mp.h}, {1000, 416, 150}})
    ->ArgNames({"w", "h", "file_bytes_per_kpx"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CpuDigests)->Arg(16)->ArgName("MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CpuPhashDctFinish)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hashsieve

BENCHMARK_MAIN();
