// Exact look-up of file digests (MD5/SHA-1/SHA-256) in a sorted .hsl list: a table of bucket
// starts over the leading bits of each digest (digests are uniform, so a bucket holds about two
// entries), then a short scan of the bucket in the list's own block layout. Batched look-ups
// prefetch the bucket table and the entries several queries ahead, so random look-ups in a list
// far larger than the cache overlap their memory latency.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "host/core/hash_types.hpp"

namespace hashsieve {

class HashList;

class ExactIndex {
 public:
  /// `list` (any type; built for file-digest lists) must outlive the index. O(list size).
  explicit ExactIndex(const HashList& list);

  /// The entry holding exactly `key` (in the list's layout, hash_keys.hpp), or -1.
  int64_t find(const Hash256& key) const;
  /// out[i] = find(keys[i]); out.size() == keys.size().
  void findBatch(std::span<const Hash256> keys, std::span<int64_t> out) const;

  const HashList& list() const { return list_; }

 private:
  size_t bucketOf(const Hash256& key) const {
    return shift_ >= 64 ? 0 : static_cast<size_t>(key.w[top_] >> shift_);
  }
  int64_t scan(const Hash256& key, size_t bucket) const;

  const HashList& list_;
  int words_ = 0;
  int top_ = 0;                  // index of the most significant word
  int shift_ = 64;               // 64 - bucket bits
  std::vector<uint32_t> start_;  // bucket b holds entries [start_[b], start_[b+1])
};

}  // namespace hashsieve
