// Query expansion and hit merging shared by the matcher backends.
#include "host/match/query_rows.hpp"

#include <algorithm>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve {

void checkThreshold(int threshold) {
  if (threshold < 0 || threshold > Hash256::kBits)
    throw UsageError("threshold " + std::to_string(threshold) + " is outside 0..256");
}

void checkTopK(int k) {
  if (k < 1 || k > kMaxTopK)
    throw UsageError("top-k " + std::to_string(k) + " is outside 1.." + std::to_string(kMaxTopK));
}

namespace detail {

std::vector<QueryRow> expandQueries(std::span<const MatchQuery> queries, int words) {
  std::vector<QueryRow> rows;
  rows.reserve(queries.size());
  for (size_t q = 0; q < queries.size(); ++q)
    for (int v = 0; v < kDihedralCount; ++v) {
      if (!(queries[q].variantMask >> v & 1)) continue;
      QueryRow r{};
      for (int j = 0; j < words; ++j) r.w[j] = queries[q].variants[v].w[j];
      r.query = static_cast<uint32_t>(q);
      r.variant = static_cast<uint32_t>(v);
      rows.push_back(r);
    }
  return rows;
}

std::vector<uint32_t> queryFirstRows(std::span<const QueryRow> rows, size_t queryCount) {
  std::vector<uint32_t> first(queryCount + 1, 0);
  for (const QueryRow& r : rows) ++first[r.query + 1];
  for (size_t q = 0; q < queryCount; ++q) first[q + 1] += first[q];
  return first;
}

std::vector<Match> mergeRowHits(std::vector<RowHit>& hits, std::span<const QueryRow> rows) {
  // Rows of a query are contiguous and in variant order, so ordering by (query, entry,
  // distance, row) puts the pair's winning variant first.
  std::sort(hits.begin(), hits.end(), [&](const RowHit& a, const RowHit& b) {
    const uint32_t qa = rows[a.row].query, qb = rows[b.row].query;
    if (qa != qb) return qa < qb;
    if (a.entry != b.entry) return a.entry < b.entry;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.row < b.row;
  });
  std::vector<Match> out;
  out.reserve(hits.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    const QueryRow& r = rows[hits[i].row];
    if (!out.empty() && out.back().query == r.query && out.back().entry == hits[i].entry) continue;
    out.push_back({r.query, hits[i].entry, static_cast<uint16_t>(hits[i].distance),
                   static_cast<uint8_t>(r.variant)});
  }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    if (a.query != b.query) return a.query < b.query;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.entry < b.entry;
  });
  return out;
}

}  // namespace detail
}  // namespace hashsieve
