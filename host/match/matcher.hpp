// The CUDA-free matching interface: exact Hamming range search and top-k of query hashes (each
// with up to 8 dihedral variants) against one HashList. CPU and CUDA backends implement it; the
// CPU scalar path is the oracle the others are tested against.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "host/core/policy.hpp"

namespace hashsieve {

class HashList;

/// One query: up to kDihedralCount variants of a hash, variants[v] being Dihedral v. Lists of
/// 64-bit hashes (pHash) read w[0] of each variant only.
struct MatchQuery {
  std::array<Hash256, kDihedralCount> variants{};
  uint8_t variantMask = 1;  // bit v set: variants[v] takes part (default: orig only)
};

/// One (query, list entry) result.
///
/// Dihedral rule: the distance of a query to an entry is the minimum over the query's variants;
/// `transform` is the variant that attains it, the lowest Dihedral index when several tie. So a
/// pair is reported once, however many of its variants are within the threshold.
struct Match {
  uint32_t query = 0;     // index into the queries passed in
  uint32_t entry = 0;     // HashList entry index
  uint16_t distance = 0;  // Hamming distance, 0..256
  uint8_t transform = 0;  // Dihedral index of the variant
  bool operator==(const Match&) const = default;
};

/// A query matching more list entries than this is reported as likely degenerate (a blank or
/// flat image hashes close to many things); its matches are all reported regardless.
inline constexpr size_t kDegenerateMatches = policy::kDegenerateMatches;

/// k of top-k is capped here (what the GPU top-k keeps in a block; FAISS GPU allows 2048).
inline constexpr int kMaxTopK = 1024;

class Matcher {
 public:
  virtual ~Matcher() = default;
  /// "cpu-avx2 x2 threads", "cuda", ...
  virtual std::string name() const = 0;

  /// Every (query, entry) with distance <= threshold (inclusive), no cap. Sorted by query, then
  /// distance, then entry. threshold in 0..256 (UsageError otherwise).
  virtual std::vector<Match> range(std::span<const MatchQuery> queries, int threshold) = 0;

  /// The k nearest entries of each query (fewer when the list is smaller), sorted like range().
  /// Ties at the k-th distance go to the lower entry index, so the result is deterministic.
  /// k in 1..kMaxTopK (UsageError otherwise).
  virtual std::vector<Match> topK(std::span<const MatchQuery> queries, int k) = 0;
};

/// Argument checks shared by the backends; throw UsageError.
void checkThreshold(int threshold);
void checkTopK(int k);

}  // namespace hashsieve
