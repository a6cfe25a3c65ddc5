// Match workload input and its independent recount.
#include "host/selfbench/match_data.hpp"

#include <algorithm>

#include "host/match/list_builder.hpp"

namespace hashsieve::bench {
namespace {

MatchMode makeMode(const PlantedHashSet& set, const HashList& list, bool dihedral) {
  MatchMode m;
  m.dihedral = dihedral;
  const int64_t q = set.queryCount();
  m.queries.resize(static_cast<size_t>(q));
  for (int64_t i = 0; i < q; ++i) {
    MatchQuery& mq = m.queries[static_cast<size_t>(i)];
    for (int v = 0; v < set.variants; ++v)
      mq.variants[v] = set.queries[static_cast<size_t>(i * set.variants + v)];
    mq.variantMask = dihedral ? static_cast<uint8_t>((1u << set.variants) - 1) : uint8_t{1};
  }
  m.expected = dihedral ? set.expectedAll : set.expectedOrig;
  const int variants = dihedral ? set.variants : 1;
  m.comparisonsPerRun = static_cast<double>(q) * variants * static_cast<double>(list.size());
  const int64_t sample = std::min<int64_t>(q, kRecountQueries);
  m.recount =
      bruteForce(list, std::span(m.queries.data(), static_cast<size_t>(sample)), set.threshold);
  return m;
}

}  // namespace

std::vector<std::vector<Match>> bruteForce(const HashList& list,
                                           std::span<const MatchQuery> queries, int threshold) {
  std::vector<std::vector<Match>> out(queries.size());
  for (size_t e = 0; e < list.size(); ++e) {
    const Hash256 h = list.hash(e);
    for (size_t q = 0; q < queries.size(); ++q) {
      int best = Hash256::kBits + 1, bestVariant = 0;
      for (int v = 0; v < kDihedralCount; ++v) {
        if (!(queries[q].variantMask >> v & 1)) continue;
        const int d = hamming(queries[q].variants[v], h);
        if (d < best) best = d, bestVariant = v;
      }
      if (best <= threshold) {
        out[q].push_back(Match{static_cast<uint32_t>(q), static_cast<uint32_t>(e),
                               static_cast<uint16_t>(best), static_cast<uint8_t>(bestVariant)});
      }
    }
  }
  for (auto& matches : out) {
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
      return a.distance != b.distance ? a.distance < b.distance : a.entry < b.entry;
    });
  }
  return out;
}

MatchData makeMatchData(const BenchConfig& cfg) {
  MatchData d;
  d.set = makePlantedHashSet(cfg.listSize, cfg.queries, kDihedralCount, cfg.threshold,
                             cfg.maxPlanted, cfg.seed);
  ListBuilder builder(HashType::Pdq);
  for (const Hash256& h : d.set.list) builder.add(h, -1, {});
  std::vector<Hash256>().swap(d.set.list);  // the HashList holds them now
  ListLoadOptions load;
  load.verifyChecksum = false;  // built here, in memory
  d.list.emplace(HashList::fromImage(builder.build(), load));
  d.plain = makeMode(d.set, *d.list, false);
  d.dihedral = makeMode(d.set, *d.list, true);
  return d;
}

void checkMatches(const MatchMode& mode, const std::vector<Match>& got) {
  checkEqual<int64_t>("matches (planted by construction)", mode.expected,
                      static_cast<int64_t>(got.size()));
  // Matcher::range sorts by query, so each sample query's matches are one contiguous run.
  auto it = got.begin();
  for (size_t q = 0; q < mode.recount.size(); ++q) {
    auto end = std::find_if(it, got.end(), [q](const Match& m) { return m.query != q; });
    const std::vector<Match> mine(it, end);
    if (mine != mode.recount[q]) {
      throw CheckError("query " + std::to_string(q) + ": " + std::to_string(mine.size()) +
                       " matches differ from the brute-force recount's " +
                       std::to_string(mode.recount[q].size()));
    }
    it = end;
  }
}

}  // namespace hashsieve::bench
