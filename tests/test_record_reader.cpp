// The record format's one reader (host/core/record_reader.hpp): records written out by hand
// as README "Record format" shows them; every field of an image, a video, an error and an
// archive record read well-formed, missing and malformed; and the three ways callers take a
// field (required, optional, valid).
#include <gtest/gtest.h>

#include <string>

#include "host/core/errors.hpp"
#include "host/core/record_reader.hpp"

namespace hashsieve {
namespace {

using Json = nlohmann::ordered_json;

const std::string kPdqHex = std::string(63, '0') + "1";  // bit 0 set
const std::string kMd5 = std::string(32, 'a');
const std::string kSha1 = std::string(40, 'b');
const std::string kSha256 = std::string(64, 'c');

Json imageJson() {
  Json j = Json::parse(R"({"path":"dir/a b.jpg","kind":"image","width":640,"height":480,
      "md5":")" + kMd5 +
                       R"(","sha1":")" + kSha1 + R"(","sha256":")" + kSha256 + R"(","pdq":")" +
                       kPdqHex + R"(","pdq_quality":87,
      "phash":"fedcba9876543210","orientation":{"degrees":90,"applied":false}})");
  for (int v = 0; v < kDihedralCount; ++v) j["pdq_dihedral"][kDihedralNames[v]] = kPdqHex;
  return j;
}

Json videoJson() {
  return Json::parse(R"({"path":"v.mp4","kind":"video","width":1280,"height":720,
      "md5":")" + kMd5 +
                     R"(","sha1":")" + kSha1 + R"(","sha256":")" + kSha256 +
                     R"(","duration":2.5,"fps":29.97,
      "orientation":{"degrees":0,"applied":true,"mirrored":true},
      "frames":[{"frame":0,"t":0.0,"pdq":")" +
                     kPdqHex +
                     R"(","quality":90,"phash":"0000000000000001"},
                {"frame":20,"t":1.0,"pdq":")" +
                     kPdqHex + R"(","quality":45,"phash":"8000000000000000"}]})");
}

TEST(RecordReader, GoodImageRecord) {
  const RecordFields f = readRecordFields(imageJson());
  EXPECT_EQ(f.path.required(), "dir/a b.jpg");
  EXPECT_FALSE(f.pathHex.present());
  EXPECT_FALSE(f.isError());
  EXPECT_EQ(f.kind.required(), "image");
  EXPECT_EQ(f.width.required(), 640);
  EXPECT_EQ(f.height.required(), 480);
  EXPECT_EQ(f.md5.required(), kMd5);
  EXPECT_EQ(f.sha1.required(), kSha1);
  EXPECT_EQ(f.sha256.required(), kSha256);
  EXPECT_EQ(f.pdq.required().w[0], 1u);
  EXPECT_EQ(f.pdq.required().w[3], 0u);
  EXPECT_EQ(f.pdqQuality.required(), 87);
  EXPECT_EQ(f.phash.required().v, 0xfedcba9876543210ull);
  EXPECT_EQ(f.orientationDegrees.required(), 90);
  EXPECT_FALSE(f.orientationApplied.required());
  EXPECT_FALSE(f.mirrored.present());
  ASSERT_TRUE(f.dihedral.valid());
  EXPECT_EQ((*f.dihedral.valid())[7].w[0], 1u);
  EXPECT_FALSE(f.frames.present());
  EXPECT_FALSE(f.duration.present());
}

TEST(RecordReader, GoodVideoRecord) {
  const RecordFields f = readRecordFields(videoJson());
  EXPECT_EQ(f.kind.required(), "video");
  EXPECT_DOUBLE_EQ(f.duration.required(), 2.5);
  EXPECT_DOUBLE_EQ(f.fps.required(), 29.97);
  EXPECT_TRUE(f.mirrored.required());
  const auto& frames = f.frames.required();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].frame.required(), 20);
  EXPECT_DOUBLE_EQ(frames[1].t.required(), 1.0);
  EXPECT_EQ(frames[1].quality.required(), 45);
  EXPECT_EQ(frames[1].phash.required().v, 0x8000000000000000ull);
  EXPECT_EQ(frames[1].pdq.name(), "frames[1].pdq");
  EXPECT_FALSE(f.pdq.present());
}

TEST(RecordReader, ErrorAndArchiveRecords) {
  const RecordFields plain = readRecordFields(
      Json::parse(R"({"path":"%FF.jpg","path_hex":"ff2e6a7067","error":"truncated",)"
                  R"("detail":"ends early"})"));
  EXPECT_TRUE(plain.isError());
  EXPECT_EQ(plain.error.required(), "truncated");
  EXPECT_EQ(plain.detail.required(), "ends early");
  EXPECT_EQ(plain.pathHex.required(), "ff2e6a7067");
  EXPECT_FALSE(plain.md5.present());  // a file that was never read has no digests
  EXPECT_FALSE(plain.kind.present());

  const RecordFields read = readRecordFields(
      Json::parse(R"({"path":"cut.jpg","error":"truncated","detail":"","md5":")" + kMd5 + R"("})"));
  EXPECT_TRUE(read.isError());
  EXPECT_EQ(read.md5.required(), kMd5);

  const RecordFields archive = readRecordFields(
      Json::parse(R"({"path":"a.zip!/in.tar","archive_member":true,"kind":"archive","md5":")" +
                  kMd5 + R"(","sha1":")" + kSha1 + R"(","sha256":")" + kSha256 +
                  R"(","format":"GNU tar format","members":3})"));
  EXPECT_TRUE(archive.archiveMember.required());
  EXPECT_EQ(archive.kind.required(), "archive");
  EXPECT_EQ(archive.archiveFormat.required(), "GNU tar format");
  EXPECT_EQ(archive.archiveMembers.required(), 3u);
}

// Each field of a good record, missing: absent (not malformed), and required() names it.
TEST(RecordReader, EachFieldMissing) {
  for (const Json& good : {imageJson(), videoJson()}) {
    for (const auto& item : good.items()) {
      Json j = good;
      j.erase(item.key());
      const RecordFields f = readRecordFields(j);
      const auto checkAbsent = [&](const auto& field) {
        EXPECT_FALSE(field.present()) << field.name();
        EXPECT_FALSE(field.optional()) << field.name();
        try {
          (void)field.required();
          ADD_FAILURE() << field.name() << " is required but did not throw";
        } catch (const FormatError& e) {
          EXPECT_EQ(std::string(e.what()), "record lacks \"" + field.name() + "\"");
        }
      };
      const std::string& k = item.key();
      if (k == "path") checkAbsent(f.path);
      if (k == "kind") checkAbsent(f.kind);
      if (k == "width") checkAbsent(f.width);
      if (k == "height") checkAbsent(f.height);
      if (k == "md5") checkAbsent(f.md5);
      if (k == "sha1") checkAbsent(f.sha1);
      if (k == "sha256") checkAbsent(f.sha256);
      if (k == "pdq") checkAbsent(f.pdq);
      if (k == "pdq_quality") checkAbsent(f.pdqQuality);
      if (k == "phash") checkAbsent(f.phash);
      if (k == "pdq_dihedral") checkAbsent(f.dihedral);
      if (k == "duration") checkAbsent(f.duration);
      if (k == "fps") checkAbsent(f.fps);
      if (k == "frames") checkAbsent(f.frames);
      if (k == "orientation") {
        checkAbsent(f.orientationDegrees);
        checkAbsent(f.orientationApplied);
      }
    }
  }
  // JSON null is "none", as other tools write it.
  Json j = imageJson();
  j["pdq"] = nullptr;
  EXPECT_FALSE(readRecordFields(j).pdq.present());
}

// A field present with a wrong value: malformed, valid() empty, optional() and required()
// throw naming the field and why.
struct Garbled {
  const char* key;
  Json value;
  const char* why;  // part of the message
};

class RecordReaderMalformed : public ::testing::TestWithParam<Garbled> {};

template <typename T>
void expectMalformed(const RecordField<T>& field, const Garbled& g) {
  EXPECT_TRUE(field.present());
  EXPECT_TRUE(field.malformed());
  EXPECT_FALSE(field.valid());
  EXPECT_THROW((void)field.optional(), FormatError);
  try {
    (void)field.required();
    ADD_FAILURE() << "accepted";
  } catch (const FormatError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("record field \"" + field.name() + "\": ", 0), 0u) << what;
    EXPECT_NE(what.find(g.why), std::string::npos) << what;
  }
}

TEST_P(RecordReaderMalformed, IsReportedForThatField) {
  const Garbled& g = GetParam();
  Json j = g.key == std::string("frame0.quality") ? videoJson() : imageJson();
  if (g.key == std::string("frame0.quality")) {
    j["frames"][0]["quality"] = g.value;
    expectMalformed(readRecordFields(j).frames.required()[0].quality, g);
    return;
  }
  j[g.key] = g.value;
  const RecordFields f = readRecordFields(j);
  const std::string k = g.key;
  if (k == "path") expectMalformed(f.path, g);
  if (k == "path_hex") expectMalformed(f.pathHex, g);
  if (k == "archive_member") expectMalformed(f.archiveMember, g);
  if (k == "error") expectMalformed(f.error, g);
  if (k == "kind") expectMalformed(f.kind, g);
  if (k == "width") expectMalformed(f.width, g);
  if (k == "md5") expectMalformed(f.md5, g);
  if (k == "sha1") expectMalformed(f.sha1, g);
  if (k == "sha256") expectMalformed(f.sha256, g);
  if (k == "pdq") expectMalformed(f.pdq, g);
  if (k == "pdq_quality") expectMalformed(f.pdqQuality, g);
  if (k == "phash") expectMalformed(f.phash, g);
  if (k == "pdq_dihedral") expectMalformed(f.dihedral, g);
  if (k == "orientation") expectMalformed(f.orientationDegrees, g);
  if (k == "duration") expectMalformed(f.duration, g);
  if (k == "frames") expectMalformed(f.frames, g);
  if (k == "members") expectMalformed(f.archiveMembers, g);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, RecordReaderMalformed,
    ::testing::Values(
        Garbled{"path", 5, "not a string"}, Garbled{"path_hex", "abc", "not hex"},
        Garbled{"path_hex", "zz", "not hex"}, Garbled{"archive_member", 1, "not true or false"},
        Garbled{"error", Json::array(), "not a string"}, Garbled{"kind", 3, "not a string"},
        Garbled{"width", 1.5, "not a whole number"}, Garbled{"width", "640", "not a whole number"},
        Garbled{"md5", std::string(31, 'a'), "not a 32-hex md5 digest"},
        Garbled{"md5", std::string(31, 'a') + "g", "not a 32-hex md5 digest"},
        Garbled{"sha1", std::string(64, 'b'), "not a 40-hex sha1 digest"},
        Garbled{"sha256", std::string(40, 'c'), "not a 64-hex sha256 digest"},
        Garbled{"pdq", std::string(63, '0'), "not a 64-hex pdq hash"},
        Garbled{"pdq", std::string(63, '0') + "x", "not a 64-hex pdq hash"},
        Garbled{"pdq", 7, "not a string"}, Garbled{"pdq_quality", 101, "0..100"},
        Garbled{"pdq_quality", -1, "0..100"}, Garbled{"pdq_quality", "90", "0..100"},
        Garbled{"phash", std::string(64, '0'), "not a 16-hex phash hash"},
        Garbled{"pdq_dihedral", "x", "not an object"},
        Garbled{"pdq_dihedral", Json{{"orig", std::string(64, '0')}}, "lacks \"rot90\""},
        Garbled{"orientation", 90, "not an object"}, Garbled{"duration", "2s", "not a number"},
        Garbled{"frames", Json{{"pdq", "x"}}, "not an array"},
        Garbled{"frames", Json::array({1}), "element 0 is not an object"},
        Garbled{"members", -3, "not a whole number"}, Garbled{"frame0.quality", 250, "0..100"}));

TEST(RecordReader, DigestsKeepTheirCaseAndFrameNumbersAreNotNegative) {
  Json j = imageJson();
  j["sha1"] = std::string(40, 'B');
  EXPECT_EQ(readRecordFields(j).sha1.required(), std::string(40, 'B'));
  Json v = videoJson();
  v["frames"][1]["frame"] = -1;
  const RecordFields f = readRecordFields(v);
  EXPECT_TRUE(f.frames.required()[1].frame.malformed());
  EXPECT_EQ(f.frames.required()[0].frame.required(), 0);  // the other frame is unaffected
}

TEST(RecordReader, OnlyANonObjectThrows) {
  EXPECT_THROW(readRecordFields(Json::parse("[1]")), FormatError);
  EXPECT_THROW(readRecordFields(Json::parse("\"path\"")), FormatError);
  const RecordFields empty = readRecordFields(Json::object());
  EXPECT_FALSE(empty.path.present());
  EXPECT_FALSE(empty.isError());
}

}  // namespace
}  // namespace hashsieve
