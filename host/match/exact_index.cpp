// Bucketed exact look-up over a sorted list (see exact_index.hpp).
#include "host/match/exact_index.hpp"

#include <algorithm>
#include <bit>

#include "host/match/hash_list.hpp"

namespace hashsieve {
namespace {

/// Queries in flight in findBatch: enough to cover a DRAM miss with the work of the others.
constexpr size_t kPrefetchDistance = 16;
/// Average entries per bucket the table aims at (a table entry costs 4 bytes; an entry 16-32).
constexpr uint64_t kEntriesPerBucket = 2;
constexpr int kMaxBucketBits = 30;

}  // namespace

ExactIndex::ExactIndex(const HashList& list) : list_(list), words_(list.words()) {
  top_ = words_ - 1;
  const uint64_t n = list.size();
  const int bits =
      n <= kEntriesPerBucket
          ? 0
          : std::min(kMaxBucketBits, static_cast<int>(std::bit_width(n / kEntriesPerBucket)));
  shift_ = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  start_.assign(buckets + 1, 0);
  // Entries are sorted by hash, most significant word first: bucket starts by one merge pass.
  const auto packed = list.packedWords();
  size_t b = 0;
  for (uint64_t e = 0; e < n; ++e) {
    const uint64_t lead = packed[hsl::wordIndex(e, top_, words_)];
    const size_t eb = bits == 0 ? 0 : static_cast<size_t>(lead >> shift_);
    while (b < eb) start_[++b] = static_cast<uint32_t>(e);
  }
  while (b < buckets) start_[++b] = static_cast<uint32_t>(n);
}

int64_t ExactIndex::scan(const Hash256& key, size_t bucket) const {
  const auto packed = list_.packedWords();
  for (uint32_t e = start_[bucket], end = start_[bucket + 1]; e < end; ++e) {
    bool equal = true;
    for (int w = top_; w >= 0 && equal; --w)
      equal = packed[hsl::wordIndex(e, w, words_)] == key.w[w];
    if (equal) return e;
  }
  return -1;
}

int64_t ExactIndex::find(const Hash256& key) const { return scan(key, bucketOf(key)); }

void ExactIndex::findBatch(std::span<const Hash256> keys, std::span<int64_t> out) const {
  const auto packed = list_.packedWords();
  const size_t n = keys.size();
  // Two stages ahead of the look-up: the bucket-table entry 2d queries ahead, the bucket's
  // first entry d queries ahead (its table entry is cached by then).
  for (size_t i = 0; i < std::min(n, 2 * kPrefetchDistance); ++i)
    __builtin_prefetch(&start_[bucketOf(keys[i])]);
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 * kPrefetchDistance < n)
      __builtin_prefetch(&start_[bucketOf(keys[i + 2 * kPrefetchDistance])]);
    if (i + kPrefetchDistance < n) {
      const uint32_t e = start_[bucketOf(keys[i + kPrefetchDistance])];
      if (e < list_.size()) __builtin_prefetch(&packed[hsl::wordIndex(e, top_, words_)]);
    }
    out[i] = scan(keys[i], bucketOf(keys[i]));
  }
}

}  // namespace hashsieve
