// Inputs generated on the fly: frames of a named size ("1080p:5000") and hash lists with
// planted neighbours, whose match count is known by construction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/image.hpp"

namespace hashsieve::bench {

struct FrameSpec {
  int width = 0;
  int height = 0;
  int64_t count = 0;
  std::string text;  // as given, for the report
};

/// "1080p:5000", "720p:100", "4k:10" or "WxH:N". Throws UsageError on anything else.
FrameSpec parseFrameSpec(const std::string& text);

/// Distinct frames held in memory; workloads cycle through them to reach FrameSpec::count
/// (a 1080p RGB frame is 6 MiB, so 5000 of them could not all be held).
inline constexpr int kSyntheticPoolFrames = 16;

/// A deterministic RGB frame: smooth gradients and blobs (so PDQ quality is realistic) plus
/// pixel noise. Different seeds give unrelated hashes.
Image makeSyntheticFrame(int width, int height, uint64_t seed);

/// min(count, kSyntheticPoolFrames) frames of the spec's size, seeds 0, 1, ...
std::vector<Image> makeFramePool(const FrameSpec& spec);

/// A list and queries with planted neighbours. Each query has `variants` hashes (1, or 8 as if
/// dihedral); query q gets q % (maxPlanted + 1) list entries within `threshold` of one of its
/// variants, at distinct distances (so no two are equal). Every other pair is uniformly random,
/// for which P(distance <= 31) is about 1e-40, so the expected counts are the true counts (the
/// benchmark still recounts a sample of queries by brute force).
struct PlantedHashSet {
  std::vector<Hash256> list;
  std::vector<Hash256> queries;  // query q's variant v at q * variants + v
  int variants = 1;
  int threshold = 0;
  int64_t expectedOrig = 0;  // pairs found by variant 0 alone (matching without dihedral)
  int64_t expectedAll = 0;   // pairs found with every variant (dihedral matching)
  int64_t queryCount() const { return static_cast<int64_t>(queries.size()) / variants; }
};

/// Plant j of query q sits near variant (q + j) % variants.
PlantedHashSet makePlantedHashSet(int64_t listSize, int64_t queries, int variants, int threshold,
                                  int maxPlanted, uint64_t seed);

/// `h` with exactly `d` distinct bits flipped, chosen by `rng`.
Hash256 flipBits(const Hash256& h, int d, uint64_t& rng);

/// splitmix64: small, fast, and the same on every platform (std:: distributions are not).
uint64_t splitmix64(uint64_t& state);

}  // namespace hashsieve::bench
