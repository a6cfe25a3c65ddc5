// Test data for the matchers, with answers known by construction: random lists with entries
// planted at every distance 0..bits from each query variant (flip exactly d bits: distance d),
// and a brute-force oracle written as the plainest possible loop over the list.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve::test {

inline Hash256 randomHash(std::mt19937_64& rng, HashType type) {
  Hash256 h;
  for (int j = 0; j < wordsPerHash(type); ++j) h.w[j] = rng();
  return h;
}

/// `h` with exactly `d` distinct random bits (of the type's width) flipped.
inline Hash256 flipBits(Hash256 h, int d, HashType type, std::mt19937_64& rng) {
  std::vector<int> bits(static_cast<size_t>(wordsPerHash(type) * 64));
  std::iota(bits.begin(), bits.end(), 0);
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < d; ++i) h.w[bits[i] / 64] ^= uint64_t{1} << (bits[i] % 64);
  return h;
}

/// A matcher test case: hash type, dihedral variants or not, and the two-word early exit.
struct MatchCase {
  HashType type;
  bool dihedral;
  bool partialExit;
};

/// A gtest parameter name: "pdq_dihedral_exit", "phash_plain_full", ...
inline std::string matchCaseName(const MatchCase& c) {
  return std::string(hashTypeName(c.type)) + (c.dihedral ? "_dihedral" : "_plain") +
         (c.partialExit ? "_exit" : "_full");
}

struct PlantedData {
  HashList list;
  std::vector<MatchQuery> queries;
};

/// `randomEntries` unrelated entries, plus for every query and every d in 0..bits one entry at
/// distance d from a randomly chosen present variant. With `dihedral`, queries carry 8
/// variants, and query 0 has variants 3 and 6 equal (every entry ties between them).
inline PlantedData makePlanted(uint64_t seed, HashType type, size_t randomEntries,
                               size_t queryCount, bool dihedral) {
  std::mt19937_64 rng(seed);
  const int bits = wordsPerHash(type) * 64;
  std::vector<MatchQuery> queries(queryCount);
  for (size_t q = 0; q < queryCount; ++q) {
    auto& mq = queries[q];
    mq.variantMask = dihedral ? 0xff : 0x01;
    for (auto& v : mq.variants) v = randomHash(rng, type);
    if (dihedral && q == 0) mq.variants[6] = mq.variants[3];
  }
  ListBuilder builder(type);
  size_t id = 0;
  for (size_t i = 0; i < randomEntries; ++i)
    builder.add(randomHash(rng, type), -1, std::to_string(id++));
  for (const auto& mq : queries)
    for (int d = 0; d <= bits; ++d) {
      int v = 0;
      if (dihedral) v = static_cast<int>(rng() % kDihedralCount);
      builder.add(flipBits(mq.variants[v], d, type, rng), -1, std::to_string(id++));
    }
  return {HashList::fromImage(builder.build()), std::move(queries)};
}

/// Distance of every (query, entry) pair: min over present variants, lowest variant on ties.
struct OracleCell {
  int distance;
  int variant;
};
inline std::vector<std::vector<OracleCell>> oracleTable(const HashList& list,
                                                        const std::vector<MatchQuery>& queries) {
  std::vector<std::vector<OracleCell>> t(queries.size(), std::vector<OracleCell>(list.size()));
  for (size_t q = 0; q < queries.size(); ++q)
    for (size_t e = 0; e < list.size(); ++e) {
      OracleCell best{1000, -1};
      for (int v = 0; v < kDihedralCount; ++v) {
        if (!(queries[q].variantMask >> v & 1)) continue;
        const int d = list.type() == HashType::Pdq
                          ? hamming(queries[q].variants[v], list.hash(e))
                          : hamming(Hash64{queries[q].variants[v].w[0]}, Hash64{list.hash(e).w[0]});
        if (d < best.distance) best = {d, v};
      }
      t[q][e] = best;
    }
  return t;
}

using MatchKey = std::tuple<uint32_t, uint32_t, int, int>;  // query, entry, distance, transform

inline std::set<MatchKey> oracleRange(const std::vector<std::vector<OracleCell>>& table,
                                      int threshold) {
  std::set<MatchKey> out;
  for (size_t q = 0; q < table.size(); ++q)
    for (size_t e = 0; e < table[q].size(); ++e)
      if (table[q][e].distance <= threshold)
        out.insert({static_cast<uint32_t>(q), static_cast<uint32_t>(e), table[q][e].distance,
                    table[q][e].variant});
  return out;
}

inline std::set<MatchKey> asSet(const std::vector<Match>& matches) {
  std::set<MatchKey> out;
  for (const Match& m : matches) out.insert({m.query, m.entry, m.distance, m.transform});
  return out;
}

/// The documented order: query, distance, entry.
inline bool sortedByQueryDistanceEntry(const std::vector<Match>& m) {
  return std::is_sorted(m.begin(), m.end(), [](const Match& a, const Match& b) {
    return std::tie(a.query, a.distance, a.entry) < std::tie(b.query, b.distance, b.entry);
  });
}

}  // namespace hashsieve::test
