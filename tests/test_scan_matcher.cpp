// Scan matching of hand-made hash records against lists with known distances (flip exactly d
// bits): images with their dihedral variants, the threshold edge, quality skips, error records,
// videos (frame matches and vPDQ percentages), top-k, warnings, and batch independence (the
// bytes of a record's line do not depend on the records batched with it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "host/match/cpu_matcher.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/scan/scan_matcher.hpp"
#include "host/scan/scan_record.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::test {
namespace {

namespace pl = hashsieve::pipeline;
using nlohmann::json;

/// prefix + decimal i (built in steps: GCC 12 warns falsely on "lit" + std::string).
std::string label(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

class ScanMatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    for (auto& v : variants_) v = random();
    ListBuilder b(HashType::Pdq);
    b.add(variants_[0], 90, "exact");
    b.add(flipBits(variants_[0], 31, HashType::Pdq, rng_), 90, "d31");
    b.add(flipBits(variants_[0], 32, HashType::Pdq, rng_), 90, "d32");
    b.add(flipBits(variants_[1], 4, HashType::Pdq, rng_), 90, "near-rot90");
    for (int i = 0; i < 3; ++i) videoFrames_.push_back(random());
    for (size_t f = 0; f < videoFrames_.size(); ++f)
      b.addVideoFrame(videoFrames_[f], 80, "listed.mp4", static_cast<int64_t>(f));
    b.addVideoFrame(videoFrames_[0], 80, "other.mp4", 0);
    b.addVideoFrame(random(), 80, "other.mp4", 1);
    for (int i = 0; i < 50; ++i) b.add(random(), 90, label("r", i));
    list_.emplace(HashList::fromImage(b.build()));
    matcher_ = makeCpuMatcher(*list_, {1, std::nullopt});
  }

  Hash256 random() { return randomHash(rng_, HashType::Pdq); }

  pl::Record image(const std::string& path, bool withDihedral, int quality = 90) {
    pl::Record r;
    r.path = path;
    r.kind = pl::RecordKind::Image;
    r.width = r.height = 64;
    r.digests = {"m", "s1", "s256"};
    r.pdq = variants_[0];
    r.pdqQuality = quality;
    if (withDihedral) r.dihedral = variants_;
    return r;
  }
  pl::Record video(const std::string& path, const std::vector<Hash256>& frames, int quality = 80) {
    pl::Record r;
    r.path = path;
    r.kind = pl::RecordKind::Video;
    r.width = r.height = 64;
    r.digests = {"m", "s1", "s256"};
    for (size_t i = 0; i < frames.size(); ++i)
      r.frames.push_back({static_cast<int64_t>(i) * 30, double(i), frames[i], quality, {}});
    return r;
  }
  std::vector<std::string> lines(const std::vector<pl::Record>& records, scan::ScanSettings s) {
    if (!s.threshold && s.topK == 0) s.threshold = 31;
    scan::ScanMatcher m(*list_, *matcher_, s);
    std::vector<std::string> out;
    for (auto& res : m.match(records)) out.push_back(scan::scanRecordLine(std::move(res), m));
    return out;
  }
  std::vector<json> scan(const std::vector<pl::Record>& records, scan::ScanSettings s = {}) {
    std::vector<json> out;
    for (const std::string& line : lines(records, s)) out.push_back(json::parse(line));
    return out;
  }
  static std::vector<std::string> ids(const json& rec) {
    std::vector<std::string> out;
    for (const json& m : rec["matches"]) out.push_back(m["list_id"]);
    return out;
  }

  std::mt19937_64 rng_{99};
  std::array<Hash256, kDihedralCount> variants_;
  std::vector<Hash256> videoFrames_;
  std::optional<HashList> list_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(ScanMatcherTest, ImagesMatchEveryEntryWithinTheThresholdWithTheirTransform) {
  const auto out = scan({image("a.jpg", true)});
  ASSERT_EQ(out.size(), 1u);
  const json& r = out[0];
  // The hash record comes first, unchanged, then the matches (distance, then entry order).
  EXPECT_EQ(r["path"], "a.jpg");
  EXPECT_EQ(r["pdq"], toHex(variants_[0]));
  EXPECT_EQ(r["pdq_dihedral"]["rot90"], toHex(variants_[1]));
  EXPECT_EQ(ids(r), (std::vector<std::string>{"exact", "near-rot90", "d31"}));
  EXPECT_EQ(r["matches"][0]["transform"], "orig");
  EXPECT_EQ(r["matches"][0]["distance"], 0);
  EXPECT_EQ(r["matches"][0]["list_hash"], toHex(variants_[0]));
  EXPECT_EQ(r["matches"][1]["transform"], "rot90");
  EXPECT_EQ(r["matches"][1]["distance"], 4);
  EXPECT_EQ(r["matches"][2]["distance"], 31);
  EXPECT_FALSE(r.contains("skipped"));
  EXPECT_FALSE(r.contains("video_matches"));
  // The line is the hash record's line with "matches" appended.
  const std::string line = lines({image("a.jpg", true)}, {})[0];
  const std::string hashLine = pl::toJsonLine(image("a.jpg", true));
  EXPECT_EQ(line.substr(0, hashLine.size() - 2), hashLine.substr(0, hashLine.size() - 2));
  EXPECT_EQ(line.substr(hashLine.size() - 2, 12), ",\"matches\":[");
}

TEST_F(ScanMatcherTest, WithoutDihedralOnlyTheHashItselfIsMatched) {
  const auto out = scan({image("a.jpg", false)});
  EXPECT_EQ(ids(out[0]), (std::vector<std::string>{"exact", "d31"}));
}

TEST_F(ScanMatcherTest, LowQualityImagesAreSkippedAndErrorsStayAsTheyAre) {
  const pl::Record err = pl::errorRecord("bad.jpg", "truncated", "ends early");
  scan::ScanSettings s;
  s.minQuality = 50;
  const auto out = scan({image("low.jpg", true, 49), err, image("ok.jpg", true, 50)}, s);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["skipped"], "low quality");
  EXPECT_TRUE(out[0]["matches"].empty());
  EXPECT_EQ(out[1], json::parse(pl::toJsonLine(err)));  // no matches key on an error
  EXPECT_EQ(out[2]["matches"].size(), 3u);
}

TEST_F(ScanMatcherTest, ThresholdAndTopK) {
  scan::ScanSettings s;
  s.threshold = 30;
  EXPECT_EQ(ids(scan({image("a.jpg", true)}, s)[0]),
            (std::vector<std::string>{"exact", "near-rot90"}));
  scan::ScanSettings k;
  k.topK = 4;  // no threshold: the 4 nearest, d32 included
  EXPECT_EQ(ids(scan({image("a.jpg", true)}, k)[0]),
            (std::vector<std::string>{"exact", "near-rot90", "d31", "d32"}));
  k.threshold = 31;  // top-k filtered by a threshold when one is given
  EXPECT_EQ(ids(scan({image("a.jpg", true)}, k)[0]),
            (std::vector<std::string>{"exact", "near-rot90", "d31"}));
}

TEST_F(ScanMatcherTest, DegenerateQueriesWarn) {
  scan::ScanSettings s;
  s.degenerate = 2;
  const auto out = scan({image("a.jpg", true)}, s);
  ASSERT_TRUE(out[0].contains("warnings"));
  EXPECT_NE(out[0]["warnings"][0].get<std::string>().find("degenerate query: 3 list entries"),
            std::string::npos);
  EXPECT_EQ(out[0]["matches"].size(), 3u);  // all still reported
}

TEST_F(ScanMatcherTest, VideosGetFrameMatchesAndVpdqPercentages) {
  // Frames: listed 0, listed 0 again (deduped), listed 1 at distance 10, an unrelated frame.
  const std::vector<Hash256> frames = {videoFrames_[0], videoFrames_[0],
                                       flipBits(videoFrames_[1], 10, HashType::Pdq, rng_),
                                       random()};
  const auto out = scan({video("q.mp4", frames)});
  const json& r = out[0];
  // Frames 0 and 30 match the entry both videos share (one hash, two ids), frame 60 listed's
  // second frame.
  ASSERT_EQ(r["matches"].size(), 3u);
  EXPECT_EQ(r["matches"][0]["frame"], 0);
  EXPECT_EQ(r["matches"][0]["t"], 0.0);
  EXPECT_EQ(r["matches"][0]["list_ids"], (json{"listed.mp4", "other.mp4"}));
  EXPECT_EQ(r["matches"][1]["frame"], 30);
  EXPECT_EQ(r["matches"][2]["frame"], 60);
  EXPECT_EQ(r["matches"][2]["distance"], 10);
  ASSERT_EQ(r["video_matches"].size(), 2u);
  // listed.mp4: query 2 of 3 distinct frames, list 2 of 3; other.mp4: query 1/3, list 1/2.
  const json& a = r["video_matches"][0];
  EXPECT_EQ(a["list_id"], "listed.mp4");
  EXPECT_EQ(a["query_frames_matched"], 2);
  EXPECT_EQ(a["query_frames"], 3);
  EXPECT_EQ(a["list_frames_matched"], 2);
  EXPECT_EQ(a["list_frames"], 3);
  EXPECT_DOUBLE_EQ(a["query_match_percent"].get<double>(), 200.0 / 3);
  const json& b = r["video_matches"][1];
  EXPECT_EQ(b["list_id"], "other.mp4");
  EXPECT_DOUBLE_EQ(b["query_match_percent"].get<double>(), 100.0 / 3);
  EXPECT_DOUBLE_EQ(b["compared_match_percent"].get<double>(), 50.0);
}

TEST_F(ScanMatcherTest, AVideoOfTheListedFramesIsHundredPercent) {
  const auto out = scan({video("same.mp4", videoFrames_)});
  const json& v = out[0]["video_matches"][0];
  EXPECT_EQ(v["list_id"], "listed.mp4");
  EXPECT_EQ(v["query_match_percent"], 100.0);
  EXPECT_EQ(v["compared_match_percent"], 100.0);
}

TEST_F(ScanMatcherTest, LowQualityFramesAreCountedNotMatched) {
  const auto out = scan({video("dim.mp4", videoFrames_, 20)});
  EXPECT_TRUE(out[0]["matches"].empty());
  EXPECT_EQ(out[0]["skipped_frames"], 3);
  EXPECT_TRUE(out[0]["video_matches"].empty());
}

TEST_F(ScanMatcherTest, BatchesDoNotChangeAnyRecord) {
  std::vector<pl::Record> records = {image("a.jpg", true), pl::errorRecord("e", "x", "y"),
                                     video("v.mp4", videoFrames_), image("b.jpg", false, 10)};
  for (int i = 0; i < 20; ++i) records.push_back(video(label("v", i), {random()}));
  const auto together = scan(records);
  for (size_t i = 0; i < records.size(); ++i)
    EXPECT_EQ(scan({records[i]})[0].dump(), together[i].dump()) << "record " << i;
}

TEST_F(ScanMatcherTest, TypedQueriesEqualWhatMatchReadsFromTheRecordLine) {
  // Scan builds its queries from the typed record; `hashsieve match` reads the JSON line. Every
  // record kind must give both the same QueryRecord, for each list type.
  pl::Record digestsOnly = image("d.jpg", false);
  digestsOnly.digests = {std::string(32, 'a'), std::string(40, 'b'), std::string(64, 'c')};
  digestsOnly.phash = Hash64{0x0123456789abcdefULL};
  pl::Record animated = video("anim.gif", videoFrames_);
  animated.kind = pl::RecordKind::Image;
  pl::Record oneFrame = image("one.gif", false);
  oneFrame.frames.push_back({0, 0.0, random(), 70, Hash64{5}});
  pl::Record readError = pl::errorRecord("r.jpg", "truncated", "d");
  readError.digests = digestsOnly.digests;
  pl::Record archive;
  archive.path = "a.zip";
  archive.kind = pl::RecordKind::Archive;
  archive.digests = digestsOnly.digests;
  const std::vector<pl::Record> records = {image("a.jpg", true),
                                           image(std::string("bad\xff.jpg"), false, 10),
                                           digestsOnly,
                                           video("v.mp4", videoFrames_),
                                           video("empty.mp4", {}),
                                           animated,
                                           oneFrame,
                                           pl::errorRecord("e", "x", "y"),
                                           readError,
                                           archive};
  for (HashType type : kAllHashTypes)
    for (const pl::Record& r : records)
      EXPECT_EQ(scan::queryRecordOf(r, type), queryRecordFromJson(pl::toJson(r), type))
          << r.path << " as " << hashTypeName(type);
}

}  // namespace
}  // namespace hashsieve::test
