// The match workload's input: a planted hash set loaded as a HashList (as `list build` would
// write it), the queries in both forms (original only / all dihedral variants), and the
// brute-force recount of a sample of queries that every timed run is checked against.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "host/match/hash_list.hpp"
#include "host/match/matcher.hpp"
#include "host/selfbench/synthetic.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

/// Queries recounted by brute force per mode (the first ones; q % 4 != 0 have planted pairs).
inline constexpr int64_t kRecountQueries = 16;

struct MatchMode {
  bool dihedral = false;
  std::vector<MatchQuery> queries;
  int64_t expected = 0;                     // matches by construction
  std::vector<std::vector<Match>> recount;  // per sample query, sorted like Matcher::range
  double comparisonsPerRun = 0.0;           // queries x variants x list entries
};

struct MatchData {
  PlantedHashSet set;  // set.list is emptied once the HashList is built
  std::optional<HashList> list;
  MatchMode plain, dihedral;
};

/// Builds the list (ListBuilder, in memory) and both query modes; the recounts run here, once.
MatchData makeMatchData(const BenchConfig& cfg);

/// Brute-force range search of queries[0..n) against every list entry, one scalar hamming()
/// per variant and entry, with the dihedral rule (minimum over variants, lowest variant on ties).
std::vector<std::vector<Match>> bruteForce(const HashList& list,
                                           std::span<const MatchQuery> queries, int threshold);

/// Throws CheckError unless `got` has `mode.expected` matches and the sample queries' matches
/// equal the recount.
void checkMatches(const MatchMode& mode, const std::vector<Match>& got);

}  // namespace hashsieve::bench
