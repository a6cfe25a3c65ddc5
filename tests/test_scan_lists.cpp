// Lists with video frames (for scan's vPDQ percentages): vPDQ frame files and `hashsieve hash`
// video records parsed into frames, grouped per video in the .hsl video section, repeats of a
// hash in one video folded, image-only lists unchanged, and the section's corruption rejected.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::test {
namespace {

struct Parsed {
  Hash256 hash;
  int quality;
  std::string id;
  int64_t frame;
};

std::vector<Parsed> parse(const std::string& text, const std::string& source,
                          ListParseStats* stats = nullptr) {
  std::vector<Parsed> out;
  ListParseOptions opts;
  const ListParseStats s = parseListText(text, source, opts, [&](const ListEntryView& e) {
    if (e.frames.empty()) return out.push_back({e.hash, e.quality, std::string(e.id), -1});
    // A video entry: its first frame is also the entry's own hash and quality.
    EXPECT_EQ(e.hash, e.frames.front().hash);
    EXPECT_EQ(e.quality, e.frames.front().quality);
    for (const ListVideoFrame& f : e.frames)
      out.push_back({f.hash, f.quality, std::string(e.id), f.frame});
  });
  if (stats) *stats = s;
  return out;
}

HashList build(const std::vector<Parsed>& entries, ListBuilder::Summary* sum = nullptr) {
  ListBuilder b(HashType::Pdq);
  for (const Parsed& e : entries) {
    if (e.frame >= 0)
      b.addVideoFrame(e.hash, e.quality, e.id, e.frame);
    else
      b.add(e.hash, e.quality, e.id);
  }
  return HashList::fromImage(b.build(sum));
}

/// The entry holding hash h (lists are sorted by hash, so search linearly: tests are small).
size_t entryOf(const HashList& list, const Hash256& h) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list.hash(i) == h) return i;
  ADD_FAILURE() << "hash not in the list";
  return 0;
}

class ScanLists : public testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(2024);
    for (auto& h : h_) h = randomHash(rng, HashType::Pdq);
  }
  Hash256 h_[4];
};

TEST_F(ScanLists, VpdqFrameFilesAreVideosNamedByTheirSource) {
  // The vPDQ C++ tool's layout: frameNumber,quality,pdqHex,timestamp (3 decimals).
  const std::string text = "0,100," + toHex(h_[0]) + ",0.000\n" + "30,90," + toHex(h_[1]) +
                           ",1.000\r\n" + "60,12," + toHex(h_[2]) + ",2.000\n" + "90,95," +
                           toHex(h_[0]) + ",3.000\n" + "x,95," + toHex(h_[0]) + ",4.000\n";
  ListParseStats stats;
  const auto got = parse(text, "clips/a.vpdq", &stats);
  EXPECT_EQ(stats.format, ListTextFormat::VpdqFrames);
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_EQ(stats.entries, 4u);
  ASSERT_EQ(got.size(), 4u);
  const int64_t frames[] = {0, 30, 60, 90};
  const int qualities[] = {100, 90, 12, 95};
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, "clips/a.vpdq");
    EXPECT_EQ(got[i].frame, frames[i]);
    EXPECT_EQ(got[i].quality, qualities[i]);
  }
  EXPECT_EQ(got[3].hash, h_[0]);
}

TEST_F(ScanLists, HashVideoRecordsBecomeFramesOfTheirPath) {
  using nlohmann::json;
  const json video = {{"path", "v.mp4"},
                      {"kind", "video"},
                      {"frames",
                       {{{"frame", 0}, {"t", 0.0}, {"pdq", toHex(h_[0])}, {"quality", 80}},
                        {{"frame", 25}, {"t", 1.0}, {"pdq", toHex(h_[1])}, {"quality", 40}}}}};
  const json image = {
      {"path", "i.jpg"}, {"kind", "image"}, {"pdq", toHex(h_[2])}, {"pdq_quality", 70}};
  const json empty = {{"path", "e.mp4"}, {"kind", "video"}, {"frames", json::array()}};
  const json bad = {{"path", "b.mp4"}, {"kind", "video"}, {"frames", {{{"pdq", "zz"}}}}};
  ListParseStats stats;
  const auto got =
      parse(video.dump() + "\n" + image.dump() + "\n" + empty.dump() + "\n" + bad.dump() + "\n",
            "hashes.jsonl", &stats);
  EXPECT_EQ(stats.format, ListTextFormat::Jsonl);
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_EQ(stats.ignored, 1u);  // the video without frames
  EXPECT_EQ(stats.entries, 2u);  // one per line: the video (two frames) and the image
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].id, "v.mp4");
  EXPECT_EQ(got[0].frame, 0);
  EXPECT_EQ(got[0].quality, 80);
  EXPECT_EQ(got[1].id, "v.mp4");
  EXPECT_EQ(got[1].frame, 25);
  EXPECT_EQ(got[1].hash, h_[1]);
  EXPECT_EQ(got[2].id, "i.jpg");
  EXPECT_EQ(got[2].frame, -1);  // an image stays an image
}

TEST_F(ScanLists, VideoSectionGroupsFramesPerVideo) {
  // Video "b" first (ordinal 0), then "a" (ordinal 1); h0 is a frame of both and an image.
  const std::vector<Parsed> in = {
      {h_[0], 60, "b", 5},    {h_[1], 70, "b", 6}, {h_[0], 40, "a", 0},
      {h_[0], 90, "a", 9},  // a repeat of h0 in "a": one id, first frame 0, quality 90
      {h_[0], -1, "img", -1}, {h_[3], 80, "c", 1},
  };
  ListBuilder::Summary sum;
  const HashList list = build(in, &sum);
  ASSERT_TRUE(list.hasVideos());
  EXPECT_EQ(list.videoCount(), 3u);
  EXPECT_EQ(sum.videos, 3u);
  EXPECT_EQ(list.size(), 3u);
  const size_t e0 = entryOf(list, h_[0]);
  ASSERT_EQ(list.idCountOf(e0), 3u);  // b, a (folded), img, in input order
  EXPECT_EQ(list.id(e0, 0), "b");
  EXPECT_EQ(list.id(e0, 1), "a");
  EXPECT_EQ(list.id(e0, 2), "img");
  const hsl::IdVideo* b = list.idVideo(e0, 0);
  const hsl::IdVideo* a = list.idVideo(e0, 1);
  ASSERT_TRUE(b && a);
  EXPECT_EQ(b->video, 0u);
  EXPECT_EQ(b->frame, 5);
  EXPECT_EQ(b->quality, 60);
  EXPECT_EQ(a->video, 1u);
  EXPECT_EQ(a->frame, 0);
  EXPECT_EQ(a->quality, 90);
  EXPECT_EQ(list.idVideo(e0, 2), nullptr);
  EXPECT_EQ(list.quality(e0), 90);  // the entry keeps the highest quality of all its inputs
  const size_t e3 = entryOf(list, h_[3]);
  ASSERT_NE(list.idVideo(e3, 0), nullptr);
  EXPECT_EQ(list.idVideo(e3, 0)->video, 2u);
}

TEST_F(ScanLists, ImageOnlyListsHaveNoVideoSection) {
  const HashList list = build({{h_[0], 50, "x", -1}, {h_[1], -1, "y", -1}});
  EXPECT_FALSE(list.hasVideos());
  EXPECT_EQ(list.videoCount(), 0u);
  EXPECT_EQ(list.idVideo(0, 0), nullptr);
  ListBuilder b(HashType::Pdq);
  b.add(h_[0], 50, "x");
  const hsl::Image image = b.build();
  const auto bytes = image.view();
  for (size_t off = hsl::kOffVideoSection; off < hsl::kOffVideoCount + 8; ++off)
    EXPECT_EQ(bytes[off], std::byte{0}) << "header byte " << off;
}

TEST_F(ScanLists, NegativeFrameNumbersAreRefused) {
  ListBuilder b(HashType::Pdq);
  EXPECT_THROW(b.addVideoFrame(h_[0], 50, "v", -1), FormatError);
}

TEST_F(ScanLists, VideoSectionCorruptionIsRejected) {
  ListBuilder b(HashType::Pdq);
  b.addVideoFrame(h_[0], 60, "v", 0);
  b.addVideoFrame(h_[1], 60, "v", 1);
  b.add(h_[2], 60, "img");
  const hsl::Image good = b.build();
  const hsl::Header h = hsl::decodeHeader(good.view());
  ASSERT_GT(h.videoSection.size, 0u);
  // Header fields of the section, and every byte of the section itself.
  std::vector<size_t> offsets;
  for (size_t o = hsl::kOffVideoSection; o < hsl::kOffVideoCount + 8; ++o) offsets.push_back(o);
  for (size_t o = h.videoSection.offset; o < h.videoSection.offset + h.videoSection.size; ++o)
    offsets.push_back(o);
  size_t loadedUnverified = 0;
  for (size_t o : offsets) {
    hsl::Image bad = good;
    bad.view()[o] ^= std::byte{0xff};
    EXPECT_THROW(HashList::fromImage(bad), FormatError) << "byte " << o;
    try {
      const HashList list = HashList::fromImage(bad, {/*verifyChecksum=*/false});
      ++loadedUnverified;
      // Whatever loads keeps every ordinal in range (the scan trusts them).
      for (size_t e = 0; e < list.size(); ++e)
        for (size_t j = 0; j < list.idCountOf(e); ++j) {
          const hsl::IdVideo* v = list.idVideo(e, j);
          if (v) {
            EXPECT_LT(v->video, list.videoCount());
          }
        }
    } catch (const FormatError&) {
    }
  }
  EXPECT_GT(loadedUnverified, 0u);  // a flipped frame number or reserved byte does load
}

}  // namespace
}  // namespace hashsieve::test
