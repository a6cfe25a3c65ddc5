// Exact Hamming matching throughput: 1..10,000 queries (with and without 8 dihedral variants)
// against 1M and 10M random PDQ entries, CPU (all threads and one) and CUDA, in comparisons/s
// (one comparison = one query variant against one list entry). HASHSIEVE_BENCH_TINY=1 divides
// list sizes by 1000 for smoke runs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "host/backend/matcher_factory.hpp"
#include "host/match/cpu_matcher.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"

namespace hashsieve {
namespace {

constexpr uint64_t kSeed = 42;
constexpr int kThreshold = defaultThreshold(HashType::Pdq);

double processCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

size_t scaled(size_t entries) {
  const char* tiny = std::getenv("HASHSIEVE_BENCH_TINY");
  return tiny && *tiny && *tiny != '0' ? entries / 1000 : entries;
}

/// Random PDQ lists, built once per size and kept for the whole run.
const HashList& randomList(size_t entries) {
  static std::map<size_t, std::unique_ptr<HashList>> lists;
  auto& slot = lists[entries];
  if (!slot) {
    std::mt19937_64 rng(kSeed + entries);
    ListBuilder b(HashType::Pdq);
    for (size_t i = 0; i < entries; ++i) {
      Hash256 h;
      for (auto& w : h.w) w = rng();
      b.add(h, -1, std::to_string(i));
    }
    slot = std::make_unique<HashList>(HashList::fromImage(b.build()));
  }
  return *slot;
}

std::vector<MatchQuery> randomQueries(size_t n, bool dihedral) {
  std::mt19937_64 rng(kSeed);
  std::vector<MatchQuery> q(n);
  for (auto& mq : q) {
    mq.variantMask = dihedral ? 0xff : 0x01;
    for (auto& v : mq.variants)
      for (auto& w : v.w) w = rng();
  }
  return q;
}

/// Args: queries, list entries (millions), dihedral (0/1), threads (0 = all; CPU only).
void runRange(benchmark::State& state, Device device) {
  const size_t nq = static_cast<size_t>(state.range(0));
  const size_t entries = scaled(static_cast<size_t>(state.range(1)) * 1000000);
  const bool dihedral = state.range(2) != 0;
  const HashList& list = randomList(entries);
  const auto queries = randomQueries(nq, dihedral);
  std::unique_ptr<Matcher> matcher;
  try {
    MatcherOptions opts;
    opts.cpu.threads = static_cast<int>(state.range(3));
    matcher = makeMatcher(device, list, opts);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  size_t found = 0;
  const double cpu0 = processCpuSeconds();
  for (auto _ : state) {
    const auto m = matcher->range(queries, kThreshold);
    found = m.size();
    benchmark::DoNotOptimize(found);
  }
  const double cpuSeconds = processCpuSeconds() - cpu0;
  const double comparisons =
      static_cast<double>(nq) * (dihedral ? 8 : 1) * static_cast<double>(entries);
  state.counters["comparisons/s"] =
      benchmark::Counter(comparisons, benchmark::Counter::kIsIterationInvariantRate);
  // Per core-second of CPU actually used: the figure that survives a busy shared machine.
  if (device == Device::Cpu && cpuSeconds > 0)
    state.counters["cmp/core-s"] =
        comparisons * static_cast<double>(state.iterations()) / cpuSeconds;
  state.counters["matches"] = static_cast<double>(found);
  state.SetLabel(matcher->name());
}

void BM_RangeCpu(benchmark::State& state) { runRange(state, Device::Cpu); }
void BM_RangeCuda(benchmark::State& state) { runRange(state, Device::Cuda); }

void topKArgs(benchmark::internal::Benchmark* b) {
  for (int64_t k : {10, 1024}) b->Args({100, 1, 0, 0, k});
}

void runTopK(benchmark::State& state, Device device) {
  const size_t nq = static_cast<size_t>(state.range(0));
  const size_t entries = scaled(static_cast<size_t>(state.range(1)) * 1000000);
  const HashList& list = randomList(entries);
  const auto queries = randomQueries(nq, state.range(2) != 0);
  std::unique_ptr<Matcher> matcher;
  try {
    matcher = makeMatcher(device, list, {});
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const double cpu0 = processCpuSeconds();
  for (auto _ : state)
    benchmark::DoNotOptimize(matcher->topK(queries, static_cast<int>(state.range(4))));
  const double cpuSeconds = processCpuSeconds() - cpu0;
  const double comparisons =
      static_cast<double>(nq) * (state.range(2) ? 8 : 1) * static_cast<double>(entries);
  state.counters["comparisons/s"] =
      benchmark::Counter(comparisons, benchmark::Counter::kIsIterationInvariantRate);
  if (device == Device::Cpu && cpuSeconds > 0)
    state.counters["cmp/core-s"] =
        comparisons * static_cast<double>(state.iterations()) / cpuSeconds;
  state.SetLabel(matcher->name());
}
void BM_TopKCpu(benchmark::State& state) { runTopK(state, Device::Cpu); }
void BM_TopKCuda(benchmark::State& state) { runTopK(state, Device::Cuda); }

void rangeArgs(benchmark::internal::Benchmark* b, bool cpu) {
  for (int64_t entriesM : {1, 10})
    for (int64_t nq : {1, 100, 1000, 10000})
      for (int64_t dihedral : {0, 1})
        for (int64_t threads : cpu ? std::vector<int64_t>{0, 1} : std::vector<int64_t>{0})
          b->Args({nq, entriesM, dihedral, threads});
  b->ArgNames({"queries", "entriesM", "dihedral", "threads"})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

BENCHMARK(BM_RangeCpu)->Apply([](auto* b) { rangeArgs(b, true); });
BENCHMARK(BM_RangeCuda)->Apply([](auto* b) { rangeArgs(b, false); });
BENCHMARK(BM_TopKCpu)
    ->Apply(topKArgs)
    ->ArgNames({"queries", "entriesM", "dihedral", "threads", "k"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_TopKCuda)
    ->Apply(topKArgs)
    ->ArgNames({"queries", "entriesM", "dihedral", "threads", "k"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace hashsieve

BENCHMARK_MAIN();
