// CPU matcher: splits the list (or, for small lists, the queries) over threads; each thread
// walks list tiles small enough to stay in L1 and runs every query row over a tile before
// moving on, so the list streams from memory once per call whatever the number of queries.
#include "host/match/cpu_matcher.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "host/match/hash_list.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {
namespace {

using detail::ListTile;
using detail::QueryRow;
using detail::RowHit;
using detail::TopKHeap;

/// 64 blocks x 8 entries x 32 bytes = 16 KiB of PDQ list per tile: half an L1d, leaving room
/// for the query rows streaming past it.
constexpr size_t kTileBlocks = 64;
/// Top-k keeps one heap per query alive; this many queries per pass bounds that memory
/// (256 x 1024 x 12 bytes per thread).
constexpr size_t kTopKQueryChunk = 256;

struct Range {
  size_t begin, end;
};

/// Share `part` of `parts` of [0, n).
Range share(size_t n, size_t parts, size_t part) {
  return {n * part / parts, n * (part + 1) / parts};
}

/// Runs fn(part) for part in [0, parts) on `parts` threads (the caller's thread included) and
/// rethrows the first exception.
template <typename Fn>
void runParts(size_t parts, Fn&& fn) {
  std::exception_ptr error;
  std::mutex mu;
  auto guarded = [&](size_t part) {
    try {
      fn(part);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::jthread> workers;
  for (size_t p = 1; p < parts; ++p) workers.emplace_back(guarded, p);
  guarded(0);
  workers.clear();  // joins
  if (error) std::rethrow_exception(error);
}

class CpuMatcher final : public Matcher {
 public:
  CpuMatcher(const HashList& list, const CpuMatcherOptions& opts)
      : list_(list),
        isa_(opts.isa.value_or(detail::bestCpuIsa())),
        kernels_(detail::cpuScanKernels(isa_)),
        threads_(opts.threads > 0 ? static_cast<size_t>(opts.threads)
                                  : std::max(1u, std::thread::hardware_concurrency())) {}

  std::string name() const override {
    return std::string("cpu-") + detail::cpuIsaName(isa_) + " x" + std::to_string(threads_);
  }

  std::vector<Match> range(std::span<const MatchQuery> queries, int threshold) override {
    checkThreshold(threshold);
    const std::vector<QueryRow> rows = detail::expandQueries(queries, list_.words());
    const size_t blocks = blockCount();
    if (rows.empty() || blocks == 0) return {};
    const bool splitList = blocks >= threads_ * kTileBlocks || rows.size() < threads_;
    const size_t parts = std::min(threads_, splitList ? blocks : rows.size());
    std::vector<std::vector<RowHit>> hits(parts);
    runParts(parts, [&](size_t part) {
      const Range b = splitList ? share(blocks, parts, part) : Range{0, blocks};
      const Range r = splitList ? Range{0, rows.size()} : share(rows.size(), parts, part);
      for (size_t t = b.begin; t < b.end; t += kTileBlocks)
        kernels_.range(tile(t, std::min(b.end, t + kTileBlocks)), rows.data() + r.begin,
                       r.end - r.begin, static_cast<uint32_t>(r.begin), threshold, hits[part]);
    });
    std::vector<RowHit> all;
    for (auto& h : hits) all.insert(all.end(), h.begin(), h.end());
    return detail::mergeRowHits(all, rows);
  }

  std::vector<Match> topK(std::span<const MatchQuery> queries, int k) override {
    checkTopK(k);
    const std::vector<QueryRow> rows = detail::expandQueries(queries, list_.words());
    const std::vector<uint32_t> firstRow = detail::queryFirstRows(rows, queries.size());
    const size_t blocks = blockCount();
    std::vector<Match> out;
    if (blocks == 0) return out;
    const bool splitList = blocks >= threads_ * kTileBlocks || queries.size() < threads_;
    for (size_t c0 = 0; c0 < queries.size(); c0 += kTopKQueryChunk) {
      const size_t c1 = std::min(queries.size(), c0 + kTopKQueryChunk);
      const size_t parts = std::min(threads_, splitList ? blocks : c1 - c0);
      // heaps[part][q - c0]; with the list split every part sees every query of the chunk.
      std::vector<std::vector<TopKHeap>> heaps(parts);
      runParts(parts, [&](size_t part) {
        const Range b = splitList ? share(blocks, parts, part) : Range{0, blocks};
        const Range qr = splitList ? Range{c0, c1}
                                   : Range{c0 + share(c1 - c0, parts, part).begin,
                                           c0 + share(c1 - c0, parts, part).end};
        auto& mine = heaps[part];
        mine.assign(c1 - c0, TopKHeap(k));
        for (size_t t = b.begin; t < b.end; t += kTileBlocks) {
          const ListTile lt = tile(t, std::min(b.end, t + kTileBlocks));
          for (size_t q = qr.begin; q < qr.end; ++q)
            if (firstRow[q + 1] > firstRow[q])
              kernels_.topK(lt, rows.data() + firstRow[q],
                            static_cast<int>(firstRow[q + 1] - firstRow[q]), mine[q - c0]);
        }
      });
      for (size_t q = c0; q < c1; ++q) {
        const size_t start = out.size();
        for (auto& partHeaps : heaps)
          for (const auto& it : partHeaps[q - c0].items())
            out.push_back({static_cast<uint32_t>(q), it.entry, static_cast<uint16_t>(it.distance),
                           static_cast<uint8_t>(it.variant)});
        auto first = out.begin() + static_cast<std::ptrdiff_t>(start);
        std::sort(first, out.end(), [](const Match& a, const Match& b) {
          return a.distance != b.distance ? a.distance < b.distance : a.entry < b.entry;
        });
        if (out.size() - start > static_cast<size_t>(k)) out.resize(start + static_cast<size_t>(k));
      }
    }
    return out;
  }

 private:
  size_t blockCount() const { return hsl::paddedEntries(list_.size()) / hsl::kBlockEntries; }
  ListTile tile(size_t first, size_t end) const {
    return {list_.packedWords().data(), first, end - first, list_.size(), list_.words()};
  }

  const HashList& list_;
  CpuIsa isa_;
  detail::CpuScanKernels kernels_;
  size_t threads_;
};

}  // namespace

std::unique_ptr<Matcher> makeCpuMatcher(const HashList& list, const CpuMatcherOptions& opts) {
  return std::make_unique<CpuMatcher>(list, opts);
}

}  // namespace hashsieve
