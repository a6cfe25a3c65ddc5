// Backend plumbing shared by CPU and CUDA matchers: queries flattened into one row per variant,
// raw per-row hits, and the merge of row hits into per-query Matches (the dihedral rule).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "host/match/matcher.hpp"

namespace hashsieve::detail {

/// Two words (128 bits) of unrelated PDQ hashes differ in 64 +- 5.7 bits, so up to this
/// threshold the scans (CPU and CUDA) first sum two words and finish only the rare pairs still
/// within it (the partial sum is a lower bound, so this is exact). Above it they compute the
/// full distance directly.
inline constexpr int kPrefixPruneMaxThreshold = 47;

/// One variant of one query, as the scan kernels read it.
struct QueryRow {
  uint64_t w[Hash256::kWords];
  uint32_t query;
  uint32_t variant;  // Dihedral index
};

/// A scan result before merging: row index, entry index, distance.
struct RowHit {
  uint32_t row;
  uint32_t entry;
  uint32_t distance;
};

/// Rows of all present variants, queries in order, variants in Dihedral order. pHash lists
/// (words == 1) clear w[1..3].
std::vector<QueryRow> expandQueries(std::span<const MatchQuery> queries, int words);

/// Where each query's rows start in expandQueries' output: the rows of query q are
/// [first[q], first[q + 1]), so the result has queryCount + 1 entries.
std::vector<uint32_t> queryFirstRows(std::span<const QueryRow> rows, size_t queryCount);

/// Applies the dihedral rule (minimum distance per (query, entry), lowest variant on ties) and
/// sorts by query, distance, entry. `hits` is reordered.
std::vector<Match> mergeRowHits(std::vector<RowHit>& hits, std::span<const QueryRow> rows);

}  // namespace hashsieve::detail
