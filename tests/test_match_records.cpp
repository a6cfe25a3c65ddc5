// Query records for `hashsieve match` (what `hashsieve hash` writes) and the JSON records
// written back: images with and without dihedral variants, video frames, error records,
// quality gating, and the fields of match / skip / degenerate records.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/query_records.hpp"

namespace hashsieve {
namespace {

std::string hexOf(uint64_t low) {
  Hash256 h;
  h.w[0] = low;
  return toHex(h);
}

TEST(QueryRecords, ImageWithDihedralVariants) {
  nlohmann::json j = {{"path", "a.jpg"},
                      {"kind", "image"},
                      {"pdq", hexOf(1)},
                      {"pdq_quality", 93},
                      {"phash", "00000000000000ff"}};
  for (int v = 0; v < kDihedralCount; ++v) j["pdq_dihedral"][kDihedralNames[v]] = hexOf(100 + v);
  const QueryRecord r = parseQueryRecord(j.dump(), HashType::Pdq);
  EXPECT_EQ(r.path, "a.jpg");
  EXPECT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 1u);
  const QueryFrame& f = r.frames[0];
  EXPECT_FALSE(f.frame);
  EXPECT_EQ(f.hash->w[0], 1u);
  EXPECT_EQ(f.quality, 93);
  ASSERT_TRUE(f.dihedral);
  EXPECT_EQ((*f.dihedral)[5].w[0], 105u);

  const MatchQuery all = toMatchQuery(f, true);
  EXPECT_EQ(all.variantMask, 0xff);
  EXPECT_EQ(all.variants[2].w[0], 102u);
  const MatchQuery plain = toMatchQuery(f, false);  // --no-dihedral: the plain hash alone
  EXPECT_EQ(plain.variantMask, 0x01);
  EXPECT_EQ(plain.variants[0].w[0], 1u);

  const QueryRecord p = parseQueryRecord(j.dump(), HashType::Phash);  // pHash lists read "phash"
  EXPECT_EQ(p.frames[0].hash->w[0], 0xffu);
  EXPECT_EQ(p.frames[0].quality, -1);
  EXPECT_FALSE(p.frames[0].dihedral);
}

TEST(QueryRecords, VideoFramesAndErrors) {
  const nlohmann::json v = {{"path", "v.mp4"},
                            {"kind", "video"},
                            {"frames",
                             {{{"frame", 0}, {"t", 0.0}, {"pdq", hexOf(7)}, {"quality", 80}},
                              {{"frame", 30}, {"t", 1.0}, {"pdq", hexOf(8)}, {"quality", 20}}}}};
  const QueryRecord r = parseQueryRecord(v.dump(), HashType::Pdq);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(*r.frames[1].frame, 30);
  EXPECT_DOUBLE_EQ(*r.frames[1].t, 1.0);
  EXPECT_EQ(r.frames[1].hash->w[0], 8u);
  EXPECT_FALSE(skipReason(r.frames[0], HashType::Pdq, 50));
  EXPECT_EQ(skipReason(r.frames[1], HashType::Pdq, 50), "low quality");
  EXPECT_FALSE(skipReason(r.frames[1], HashType::Pdq, 20));  // >= min quality is matched

  EXPECT_TRUE(
      parseQueryRecord(R"({"path": "x", "error": "decode", "detail": "d"})", HashType::Pdq).error);
  const QueryRecord noHash =
      parseQueryRecord(R"({"path": "x", "phash": "00000000000000ff"})", HashType::Pdq);
  EXPECT_EQ(skipReason(noHash.frames[0], HashType::Pdq, 50), "no pdq hash");
  EXPECT_THROW(parseQueryRecord("[1,2]", HashType::Pdq), FormatError);
  EXPECT_THROW(parseQueryRecord(R"({"pdq": "00"})", HashType::Pdq), FormatError);  // no path
  EXPECT_THROW(parseQueryRecord(R"({"path": "x", "pdq": "00"})", HashType::Pdq), FormatError);
  EXPECT_THROW(parseQueryRecord(R"({"path": "x", "pdq": ")" + hexOf(1) +
                                    R"(", "pdq_dihedral": {"orig": ")" + hexOf(1) + R"("}})",
                                HashType::Pdq),
               FormatError);  // dihedral variants missing
}

TEST(QueryRecords, OutputRecords) {
  ListBuilder b(HashType::Pdq);
  Hash256 h;
  h.w[0] = 3;
  b.add(h, 90, "case-1");
  b.add(h, 90, "case-2");
  const HashList list = HashList::fromImage(b.build());
  QueryRecord r;
  r.path = "dir/a.jpg";
  r.pathHex = "6469722f612e6a7067";
  QueryFrame f;
  f.frame = 4;
  f.t = 2.5;
  f.quality = 12;
  const Match m{0, 0, 1, static_cast<uint8_t>(Dihedral::Rot270)};
  const auto j = nlohmann::json::parse(matchRecordJson(r, f, m, list));
  EXPECT_EQ(j["path"], "dir/a.jpg");
  EXPECT_EQ(j["path_hex"], "6469722f612e6a7067");
  EXPECT_EQ(j["frame"], 4);
  EXPECT_EQ(j["t"], 2.5);
  EXPECT_EQ(j["transform"], "rot270");
  EXPECT_EQ(j["distance"], 1);
  EXPECT_EQ(j["list_id"], "case-1");
  EXPECT_EQ(j["list_ids"], nlohmann::json({"case-1", "case-2"}));
  EXPECT_EQ(j["list_hash"], hexOf(3));
  const auto s = nlohmann::json::parse(skipRecordJson(r, f, "low quality"));
  EXPECT_EQ(s["skipped"], "low quality");
  EXPECT_EQ(s["quality"], 12);
  const auto d = nlohmann::json::parse(degenerateRecordJson(r, f, 5000));
  EXPECT_EQ(d["warning"], "degenerate query");
  EXPECT_EQ(d["matches"], 5000);
}

}  // namespace
}  // namespace hashsieve
