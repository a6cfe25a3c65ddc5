// The CUDA matcher: owns the device copy of the list (resident, or one chunk at a time) and the
// query and hit buffers, all reserved from the device's one budget (CudaResources), and runs on
// the device's match stream. Range search is one launch per chunk with an overflow check; top-k
// is one pass per chunk whose blocks each keep their k best (distance, entry) per query, merged
// on the host with the CPU backend's tie rule. Queries whose buffers do not fit the budget run
// in smaller groups (host/match/query_groups.hpp).
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "host/match/hash_list.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/query_groups.hpp"
#include "host/match/query_rows.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_check.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/cuda_resources.hpp"
#include "kernels/hamming.cuh"

namespace hashsieve::cuda {
namespace {

namespace hd = ::hashsieve::detail;
using hd::QueryRow;
using hd::RowHit;

static_assert(sizeof(DeviceHit) == sizeof(RowHit) &&
                  offsetof(DeviceHit, row) == offsetof(RowHit, row) &&
                  offsetof(DeviceHit, entry) == offsetof(RowHit, entry) &&
                  offsetof(DeviceHit, distance) == offsetof(RowHit, distance),
              "hits are copied from the device straight into RowHit vectors");

/// Share of the device's budget a resident list may take by default (the rest: queries, hits,
/// and a hasher on the same device, which reserves its share first when made first).
constexpr double kListShareOfBudget = 0.75;
/// Budget bytes a list leaves for the query, threshold, hit and partial-result buffers when it
/// would otherwise take all that is left (a hasher on the device reserved its share first).
constexpr size_t kMinWorkBytes = size_t{256} << 20;
/// Queries per top-k launch: bounds the partial results (at most 4096 x 1024 keys when each
/// query group gets one block) and keeps gridDim.y within CUDA's limit.
constexpr size_t kTopKQueryBatch = 4096;

class CudaMatcher final : public Matcher {
 public:
  CudaMatcher(const HashList& list, const CudaMatcherOptions& opts)
      : res_(CudaResources::forDevice(opts.device)),
        stream_(res_->matchStream()),
        list_(list),
        opts_(opts) {
    res_->makeCurrent();
    smCount_ = res_->properties().multiProcessorCount;
    deviceName_ = res_->properties().name;
    words_ = list.words();
    totalBlocks_ = hsl::paddedEntries(list.size()) / hsl::kBlockEntries;
    const size_t blockBytes = static_cast<size_t>(words_) * hsl::kBlockEntries * sizeof(uint64_t);
    // The list's part of the device budget: all of it when it fits, else chunks of what is left.
    const size_t listBytes = totalBlocks_ * blockBytes;
    const size_t cap =
        static_cast<size_t>(static_cast<double>(res_->budgetBytes()) * kListShareOfBudget);
    const size_t left = res_->availableBytes();
    const size_t room = left > 2 * kMinWorkBytes ? left - kMinWorkBytes : left / 2;
    budget_ = res_->reserve(opts.maxListBytes ? std::min(opts.maxListBytes, listBytes)
                                              : std::min({cap, listBytes, room}));
    work_ = res_->reserve(0);  // grows with the buffers below
    const size_t budget = budget_.bytes();
    chunkBlocks_ = std::clamp<size_t>(budget / blockBytes, 1, std::max<size_t>(totalBlocks_, 1));
    resident_ = chunkBlocks_ >= totalBlocks_;
    dList_ = DeviceBuffer<uint64_t>(chunkBlocks_ * words_ * hsl::kBlockEntries);
    dCount_ = DeviceBuffer<unsigned long long>(1);
    hCount_ = PinnedBuffer<unsigned long long>(1);
    try {
      ensureCapacity(dHits_, std::max<size_t>(opts.initialHitCapacity, 1));
    } catch (const OutOfDeviceMemory&) {
      ensureCapacity(dHits_, 1);  // a full budget: the buffer grows (or the group halves) later
    }
    if (resident_ && totalBlocks_ > 0) {
      HS_CUDA_CHECK(cudaMemcpyAsync(dList_.data(), list.packedWords().data(),
                                    list.packedWords().size_bytes(), cudaMemcpyHostToDevice,
                                    stream_));
      sync();  // sync point: the list is resident before the first search
    }
  }

  std::string name() const override {
    return "cuda " + deviceName_ + (resident_ ? "" : " (chunked list)");
  }

  std::vector<Match> range(std::span<const MatchQuery> queries, int threshold) override {
    res_->makeCurrent();  // callers' threads start on device 0
    checkThreshold(threshold);
    std::vector<Match> out;
    if (list_.size() == 0) return out;
    rangeGroup_ = hd::forEachQueryGroup(queries.size(), rangeGroup_, [&](size_t b0, size_t n) {
      std::vector<Match> part = rangeBatch(queries.subspan(b0, n), threshold);
      for (Match& m : part) m.query += static_cast<uint32_t>(b0);
      out.insert(out.end(), part.begin(), part.end());
    });
    return out;
  }

  std::vector<Match> topK(std::span<const MatchQuery> queries, int k) override {
    res_->makeCurrent();
    checkTopK(k);
    std::vector<Match> out;
    if (list_.size() == 0) return out;
    topKGroup_ = hd::forEachQueryGroup(queries.size(), topKGroup_, [&](size_t b0, size_t n) {
      std::vector<Match> part = topKBatch(queries.subspan(b0, n), k);
      for (Match& m : part) m.query += static_cast<uint32_t>(b0);
      out.insert(out.end(), part.begin(), part.end());
    });
    return out;
  }

 private:
  /// Grows a device buffer to at least `count` elements (contents are not kept) within the
  /// matcher's part of the device budget. OutOfDeviceMemory when the budget or the device has
  /// no room: the query group is then halved.
  template <typename T>
  void ensureCapacity(DeviceBuffer<T>& buf, size_t count) {
    if (buf.size() >= count) return;
    const size_t bytes = count * sizeof(T);
    if (!work_.grow((count - buf.size()) * sizeof(T)))
      throw OutOfDeviceMemory("cuda matcher: " + std::to_string(bytes) +
                              " bytes of query or hit buffer exceed the device budget");
    buf.reset();
    try {
      buf = DeviceBuffer<T>(count);
    } catch (const CudaError& e) {
      work_.giveBack(bytes);  // the old buffer is gone too
      if (!e.outOfMemory()) throw;
      cudaGetLastError();  // clear the (non-sticky) allocation error
      throw OutOfDeviceMemory(e.what());
    }
  }

  void sync() const { HS_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

  std::vector<Match> rangeBatch(std::span<const MatchQuery> queries, int threshold) {
    const std::vector<QueryRow> rows = hd::expandQueries(queries, words_);
    if (rows.empty()) return {};
    uploadRows(rows, std::vector<uint16_t>(rows.size(), static_cast<uint16_t>(threshold)));
    std::vector<RowHit> hits = rangePass(rows.size(), threshold <= hd::kPrefixPruneMaxThreshold);
    return hd::mergeRowHits(hits, rows);
  }

  std::vector<Match> topKBatch(std::span<const MatchQuery> queries, int k) {
    const std::vector<QueryRow> rows = hd::expandQueries(queries, words_);
    if (rows.empty()) return {};
    const std::vector<uint32_t> firstRow = hd::queryFirstRows(rows, queries.size());
    uploadRows(rows, {});
    ensureCapacity(dFirstRow_, firstRow.size());
    HS_CUDA_CHECK(cudaMemcpyAsync(dFirstRow_.data(), firstRow.data(),
                                  firstRow.size() * sizeof(uint32_t), cudaMemcpyHostToDevice,
                                  stream_));
    // One pass per chunk; each block leaves its k best per query, merged here (any order).
    hamming::TopKMerger merger(queries.size(), static_cast<uint32_t>(k));
    std::vector<uint64_t> partial;
    forEachChunk([&](const uint64_t* dPacked, uint32_t entries, uint32_t entryBase) {
      TopKLaunch p;
      p.dPacked = dPacked;
      p.entries = entries;
      p.entryBase = entryBase;
      p.dRows = dRows_.data();
      p.dQueryFirstRow = dFirstRow_.data();
      p.queryCount = static_cast<uint32_t>(queries.size());
      p.words = words_;
      p.k = static_cast<uint32_t>(k);
      const hamming::TopKGrid g = hamming::topKGrid(entries, p.queryCount, p.k, words_, smCount_);
      const size_t keys = static_cast<size_t>(p.queryCount) * g.x * p.k;
      ensureCapacity(dPartial_, keys);
      p.dPartial = dPartial_.data();
      launchHammingTopK(p, g, stream_);
      partial.resize(keys);
      HS_CUDA_CHECK(cudaMemcpyAsync(partial.data(), dPartial_.data(), keys * sizeof(uint64_t),
                                    cudaMemcpyDeviceToHost, stream_));
      sync();  // sync point: the partial keys are on the host for the merge
      merger.add(partial.data(), g.x);
    });
    return merger.matches(rows, firstRow, 0);
  }

  void uploadRows(const std::vector<QueryRow>& rows, const std::vector<uint16_t>& thresholds) {
    std::vector<uint64_t> words(rows.size() * words_);
    for (size_t r = 0; r < rows.size(); ++r)
      for (int j = 0; j < words_; ++j) words[r * words_ + j] = rows[r].w[j];
    ensureCapacity(dRows_, words.size());
    ensureCapacity(dThreshold_, thresholds.size());
    HS_CUDA_CHECK(cudaMemcpyAsync(dRows_.data(), words.data(), words.size() * sizeof(uint64_t),
                                  cudaMemcpyHostToDevice, stream_));
    if (!thresholds.empty())  // top-k has none
      HS_CUDA_CHECK(cudaMemcpyAsync(dThreshold_.data(), thresholds.data(),
                                    thresholds.size() * sizeof(uint16_t), cudaMemcpyHostToDevice,
                                    stream_));
    // Pageable sources: the copies may still read them after returning; keep them alive.
    sync();
  }

  /// Runs the range kernel for the uploaded rows over every chunk; never loses a hit: a launch
  /// whose hits overflowed the buffer is re-run with a buffer of the reported size.
  std::vector<RowHit> rangePass(size_t rowCount, bool partialExit) {
    std::vector<RowHit> out;
    forEachChunk([&](const uint64_t* dPacked, uint32_t entries, uint32_t entryBase) {
      RangeLaunch p;
      p.dPacked = dPacked;
      p.entries = entries;
      p.entryBase = entryBase;
      p.dRows = dRows_.data();
      p.dRowThreshold = dThreshold_.data();
      p.rowCount = static_cast<uint32_t>(rowCount);
      p.words = words_;
      p.partialExit = partialExit && opts_.partialDistanceExit;
      p.dCount = dCount_.data();
      while (true) {
        p.dHits = dHits_.data();
        p.capacity = dHits_.size();
        HS_CUDA_CHECK(cudaMemsetAsync(dCount_.data(), 0, sizeof(unsigned long long), stream_));
        launchHammingRange(p, smCount_, stream_);
        HS_CUDA_CHECK(cudaMemcpyAsync(hCount_.data(), dCount_.data(), sizeof(unsigned long long),
                                      cudaMemcpyDeviceToHost, stream_));
        sync();  // sync point: the hit count decides whether to re-run
        const size_t found = static_cast<size_t>(hCount_[0]);
        if (found > dHits_.size()) {
          ensureCapacity(dHits_, hamming::grownHitCapacity(found));
          continue;
        }
        const size_t old = out.size();
        out.resize(old + found);
        if (found)
          HS_CUDA_CHECK(cudaMemcpyAsync(out.data() + old, dHits_.data(), found * sizeof(DeviceHit),
                                        cudaMemcpyDeviceToHost, stream_));
        sync();  // sync point: hits are on the host before the buffer is reused
        break;
      }
    });
    return out;
  }

  /// fn(dPacked, entries, entryBase) for each chunk of the list on the device: the resident
  /// copy once, or each chunk after copying it in (synchronously: chunking is the rare case
  /// of a list larger than the device).
  template <typename Fn>
  void forEachChunk(Fn&& fn) {
    const size_t wordsPerBlock = static_cast<size_t>(words_) * hsl::kBlockEntries;
    for (size_t b0 = 0; b0 < totalBlocks_; b0 += chunkBlocks_) {
      const size_t nb = std::min(chunkBlocks_, totalBlocks_ - b0);
      if (!resident_) {
        HS_CUDA_CHECK(cudaMemcpyAsync(
            dList_.data(), list_.packedWords().data() + b0 * wordsPerBlock,
            nb * wordsPerBlock * sizeof(uint64_t), cudaMemcpyHostToDevice, stream_));
      }
      const size_t entryBase = b0 * hsl::kBlockEntries;
      const size_t entries = std::min(nb * hsl::kBlockEntries, list_.size() - entryBase);
      fn(dList_.data(), static_cast<uint32_t>(entries), static_cast<uint32_t>(entryBase));
    }
  }

  std::shared_ptr<CudaResources> res_;
  cudaStream_t stream_;                // the device's match stream
  CudaResources::Reservation budget_;  // the list's part of the device budget
  CudaResources::Reservation work_;    // the query, threshold, hit and partial-key buffers
  const HashList& list_;
  CudaMatcherOptions opts_;
  int smCount_ = 1;
  std::string deviceName_;
  int words_ = 4;
  size_t totalBlocks_ = 0;
  size_t chunkBlocks_ = 1;
  bool resident_ = true;
  size_t rangeGroup_ = SIZE_MAX;        // queries per range group (halved on out-of-memory)
  size_t topKGroup_ = kTopKQueryBatch;  // queries per top-k launch (likewise)
  DeviceBuffer<uint64_t> dList_;
  DeviceBuffer<uint64_t> dRows_;
  DeviceBuffer<uint16_t> dThreshold_;
  DeviceBuffer<uint32_t> dFirstRow_;
  DeviceBuffer<uint64_t> dPartial_;
  DeviceBuffer<DeviceHit> dHits_;
  DeviceBuffer<unsigned long long> dCount_;
  PinnedBuffer<unsigned long long> hCount_;
};

}  // namespace

std::unique_ptr<Matcher> makeCudaMatcher(const HashList& list, const CudaMatcherOptions& opts) {
  return std::make_unique<CudaMatcher>(list, opts);
}

}  // namespace hashsieve::cuda
