// File-digest lists: building a 10M-entry MD5 list (parse-free: random digests straight into the
// builder, then sort, merge and serialise) and exact look-ups of 1M queries (half listed, half
// not) on one thread, single and batched (ExactIndex::findBatch prefetches), in look-ups/s.
// HASHSIEVE_BENCH_TINY=1 divides sizes by 1000 for smoke runs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host/match/exact_index.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"

namespace hashsieve {
namespace {

constexpr uint64_t kSeed = 42;
constexpr size_t kEntries = 10'000'000;
constexpr size_t kQueries = 1'000'000;

size_t scaled(size_t n) {
  const char* tiny = std::getenv("HASHSIEVE_BENCH_TINY");
  return tiny && *tiny && *tiny != '0' ? n / 1000 : n;
}

// Random MD5 digests: two random words, as parseTypedHash lays out 32 hex digits.
Hash256 randomMd5(std::mt19937_64& rng) {
  Hash256 h;
  h.w[0] = rng();
  h.w[1] = rng();
  return h;
}

hsl::Image buildMd5List(size_t entries) {
  std::mt19937_64 rng(kSeed);
  ListBuilder b(HashType::Md5);
  b.reserve(entries, entries * 8);
  for (size_t i = 0; i < entries; ++i) b.add(randomMd5(rng), -1, std::to_string(i));
  return b.build();
}

struct Fixture {
  explicit Fixture(hsl::Image image) : list(HashList::fromImage(std::move(image))), index(list) {}
  HashList list;
  ExactIndex index;  // over `list`, declared after it
  std::vector<Hash256> queries;
};

const Fixture& fixture() {
  static std::unique_ptr<Fixture> f;
  if (!f) {
    f = std::make_unique<Fixture>(buildMd5List(scaled(kEntries)));
    std::mt19937_64 rng(kSeed);  // the same stream: the first queries are listed digests
    std::mt19937_64 other(kSeed + 1);
    const size_t n = scaled(kQueries);
    for (size_t i = 0; i < n; ++i)
      f->queries.push_back(i % 2 == 0 ? randomMd5(rng) : randomMd5(other));
  }
  return *f;
}

void BM_BuildMd5List(benchmark::State& state) {
  const size_t entries = scaled(kEntries);
  for (auto _ : state) benchmark::DoNotOptimize(buildMd5List(entries).bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * entries));
}
BENCHMARK(BM_BuildMd5List)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_Md5LookupSingle(benchmark::State& state) {
  const Fixture& f = fixture();
  size_t hits = 0;
  for (auto _ : state)
    for (const Hash256& q : f.queries) hits += f.index.find(q) >= 0;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.queries.size()));
  state.counters["hit_fraction"] =
      static_cast<double>(hits) / static_cast<double>(state.iterations() * f.queries.size());
}
BENCHMARK(BM_Md5LookupSingle)->Unit(benchmark::kMillisecond);

void BM_Md5LookupBatched(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<int64_t> out(f.queries.size());
  for (auto _ : state) {
    f.index.findBatch(f.queries, out);
    benchmark::DoNotOptimize(out.data());
  }
  size_t hits = 0;
  for (int64_t e : out) hits += e >= 0;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.queries.size()));
  state.counters["hit_fraction"] = static_cast<double>(hits) / static_cast<double>(out.size());
}
BENCHMARK(BM_Md5LookupBatched)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hashsieve

BENCHMARK_MAIN();
