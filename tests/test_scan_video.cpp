// vPDQ video percentages: by construction (shared, duplicate and low-quality frames), and on
// random videos against a brute-force oracle written as python-threatexchange's
// match_VPDQ_hash_brute reads (quality filter and dedupe on each side, distance <= threshold,
// count * 100 / len), through the real list builder and the CPU matcher.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "host/match/cpu_matcher.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/scan/video_index.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::test {
namespace {

using scan::VideoIndex;
using scan::VideoMatch;

struct Frame {
  Hash256 hash;
  int quality;
};
using Video = std::vector<Frame>;

constexpr int kThreshold = 31;
constexpr int kMinQuality = 50;

/// python-threatexchange: quality_filter(dedupe(...)) on each side, then for each frame on one
/// side whether any frame on the other is within distance <= threshold.
std::vector<Hash256> prepare(const Video& v) {
  std::vector<Hash256> out;
  for (const Frame& f : v)
    if (f.quality >= kMinQuality && std::find(out.begin(), out.end(), f.hash) == out.end())
      out.push_back(f.hash);
  return out;
}
size_t countMatched(const std::vector<Hash256>& a, const std::vector<Hash256>& b) {
  size_t n = 0;
  for (const Hash256& x : a)
    n += std::any_of(b.begin(), b.end(),
                     [&](const Hash256& y) { return hamming(x, y) <= kThreshold; });
  return n;
}

struct Production {
  HashList list;
  std::vector<Hash256> queryDistinct;
  std::vector<VideoMatch> matches;
};

/// Runs the production path: list of videos -> .hsl -> VideoIndex; query frames matched by the
/// CPU matcher at kThreshold; VideoIndex::match.
Production production(const std::vector<Video>& listVideos, const Video& query) {
  ListBuilder b(HashType::Pdq);
  for (size_t v = 0; v < listVideos.size(); ++v)
    for (size_t f = 0; f < listVideos[v].size(); ++f)
      b.addVideoFrame(listVideos[v][f].hash, listVideos[v][f].quality, "video" + std::to_string(v),
                      static_cast<int64_t>(f));
  Production p{HashList::fromImage(b.build()), prepare(query), {}};
  const VideoIndex index(p.list, kMinQuality);
  std::vector<MatchQuery> qs(p.queryDistinct.size());
  for (size_t i = 0; i < qs.size(); ++i) qs[i].variants[0] = p.queryDistinct[i];
  auto matcher = makeCpuMatcher(p.list, {1, std::nullopt});
  const std::vector<Match> matches = matcher->range(qs, kThreshold);
  p.matches = index.match(p.queryDistinct.size(), matches);
  return p;
}

class ScanVideo : public testing::Test {
 protected:
  std::mt19937_64 rng_{77};
  Hash256 random() { return randomHash(rng_, HashType::Pdq); }
  Hash256 near(const Hash256& h, int d) { return flipBits(h, d, HashType::Pdq, rng_); }
};

TEST_F(ScanVideo, ByConstruction) {
  // List video 0: A B C D (all good). List video 1: E, and A at quality 20 (filtered out).
  const Hash256 A = random(), B = random(), C = random(), D = random(), E = random();
  const std::vector<Video> list = {{{A, 90}, {B, 90}, {C, 90}, {D, 90}}, {{E, 90}, {A, 20}}};
  // Query: A twice (deduped), B at distance 31 (matches), C at 32 (does not), an unrelated
  // frame, and a low-quality copy of D (dropped).
  const Video query = {{A, 80},           {A, 80},        {near(B, 31), 80},
                       {near(C, 32), 80}, {random(), 80}, {D, 10}};
  const Production p = production(list, query);
  const auto& got = p.matches;
  ASSERT_EQ(p.queryDistinct.size(), 4u);  // A, B', C', random
  ASSERT_EQ(got.size(), 1u);              // video 1's only copy of A is below the quality floor
  EXPECT_EQ(got[0].queryMatched, 2u);
  EXPECT_EQ(got[0].queryFrames, 4u);
  EXPECT_EQ(got[0].listMatched, 2u);
  EXPECT_EQ(got[0].listFrames, 4u);
  EXPECT_DOUBLE_EQ(got[0].queryPercent(), 50.0);
  EXPECT_DOUBLE_EQ(got[0].comparedPercent(), 50.0);
  const VideoIndex index(p.list, kMinQuality);
  EXPECT_EQ(index.name(got[0].video), "video0");
  EXPECT_EQ(index.frameCount(1), 1u);  // E only
}

TEST_F(ScanVideo, IdenticalVideoIsHundredPercentBothWays) {
  Video v;
  for (int i = 0; i < 12; ++i) v.push_back({random(), 60 + i});
  v.push_back(v[3]);  // a repeated frame (a still scene)
  const auto got = production({v}, v).matches;
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].queryFrames, 12u);
  EXPECT_EQ(got[0].listFrames, 12u);
  EXPECT_DOUBLE_EQ(got[0].queryPercent(), 100.0);
  EXPECT_DOUBLE_EQ(got[0].comparedPercent(), 100.0);
}

TEST_F(ScanVideo, ListsWithoutVideosGiveNothing) {
  ListBuilder b(HashType::Pdq);
  const Hash256 h = random();
  b.add(h, 90, "image");
  const HashList list = HashList::fromImage(b.build());
  const VideoIndex index(list, kMinQuality);
  EXPECT_TRUE(index.empty());
  EXPECT_TRUE(index.match(1, std::vector<Match>{{0, 0, 0, 0}}).empty());
}

TEST_F(ScanVideo, RandomVideosAgreeWithTheBruteForceOracle) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    rng_.seed(seed);
    // A pool of base frames; videos draw from it with noise, so they share scenes.
    std::vector<Hash256> pool(12);
    for (auto& h : pool) h = random();
    auto makeVideo = [&](size_t n) {
      Video v;
      for (size_t i = 0; i < n; ++i) {
        const Hash256& base = pool[rng_() % pool.size()];
        const int d = static_cast<int>(rng_() % 48);  // around the threshold
        v.push_back({rng_() % 5 == 0 ? base : near(base, d), static_cast<int>(rng_() % 101)});
      }
      return v;
    };
    std::vector<Video> list;
    for (size_t i = 0, n = 1 + rng_() % 5; i < n; ++i) list.push_back(makeVideo(1 + rng_() % 15));
    const Video query = makeVideo(1 + rng_() % 15);

    const Production p = production(list, query);
    const auto& got = p.matches;
    std::map<uint32_t, VideoMatch> byVideo;
    for (const VideoMatch& m : got) byVideo[m.video] = m;

    const std::vector<Hash256> q = prepare(query);
    ASSERT_EQ(p.queryDistinct.size(), q.size());
    for (size_t v = 0; v < list.size(); ++v) {
      const std::vector<Hash256> c = prepare(list[v]);
      const size_t qm = countMatched(q, c), cm = countMatched(c, q);
      if (qm == 0) {
        EXPECT_EQ(byVideo.count(static_cast<uint32_t>(v)), 0u) << "video " << v;
        continue;
      }
      ASSERT_EQ(byVideo.count(static_cast<uint32_t>(v)), 1u) << "video " << v;
      const VideoMatch& m = byVideo[static_cast<uint32_t>(v)];
      EXPECT_EQ(m.queryMatched, qm);
      EXPECT_EQ(m.queryFrames, q.size());
      EXPECT_EQ(m.listMatched, cm);
      EXPECT_EQ(m.listFrames, c.size());
      // The percentages are python's expression, count * 100 / len.
      EXPECT_EQ(m.queryPercent(), double(qm) * 100 / double(q.size()));
      EXPECT_EQ(m.comparedPercent(), double(cm) * 100 / double(c.size()));
    }
    // Ordered by query %, then compared %, then video.
    for (size_t i = 1; i < got.size(); ++i) {
      const auto key = [](const VideoMatch& m) {
        return std::make_tuple(-m.queryPercent(), -m.comparedPercent(), m.video);
      };
      EXPECT_LT(key(got[i - 1]), key(got[i]));
    }
  }
}

}  // namespace
}  // namespace hashsieve::test
