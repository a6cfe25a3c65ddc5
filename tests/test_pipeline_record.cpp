// Record formatting: JSON, CSV and pdq lines checked against strings written out by hand.
#include <gtest/gtest.h>

#include "host/core/errors.hpp"
#include "host/pipeline/path_text.hpp"
#include "host/pipeline/progress.hpp"
#include "host/pipeline/record.hpp"
#include "host/pipeline/record_format.hpp"

namespace hashsieve::pipeline {
namespace {

// Hashes whose hex is easy to write by hand: bit 0 set = "...01", bit 255 set = "80...".
Hash256 lowBit() {
  Hash256 h;
  h.setBit(0);
  return h;
}
Hash256 highBit() {
  Hash256 h;
  h.setBit(255);
  return h;
}
const std::string kLowHex = std::string(63, '0') + "1";
const std::string kHighHex = "8" + std::string(63, '0');

Record imageRecord() {
  Record r;
  r.path = "dir/a b.jpg";
  r.kind = RecordKind::Image;
  r.width = 640;
  r.height = 480;
  r.digests = {"md5x", "sha1x", "sha256x"};
  r.pdq = lowBit();
  r.pdqQuality = 87;
  r.phash = Hash64{0xfedcba9876543210ull};
  r.orientationDegrees = 90;
  r.orientationApplied = false;
  return r;
}

Record videoRecord() {
  Record r;
  r.path = "v.mp4";
  r.kind = RecordKind::Video;
  r.width = 1280;
  r.height = 720;
  r.digests = {"m", "s1", "s256"};
  r.duration = 2.5;
  r.fps = 20.0;
  r.frames = {FrameRecord{0, 0.0, lowBit(), 90, Hash64{1}},
              FrameRecord{20, 1.0, highBit(), 45, Hash64{0x8000000000000000ull}}};
  return r;
}

// Reading a record back checks the digests' hex widths, so round trips use real-width digests.
Record withHexDigests(Record r) {
  if (!r.digests.md5.empty())
    r.digests = {std::string(32, 'a'), std::string(40, 'b'), std::string(64, 'C')};
  return r;
}

TEST(RecordJson, ImageGolden) {
  EXPECT_EQ(toJsonLine(imageRecord()),
            "{\"path\":\"dir/a b.jpg\",\"kind\":\"image\",\"width\":640,\"height\":480,"
            "\"md5\":\"md5x\",\"sha1\":\"sha1x\",\"sha256\":\"sha256x\",\"pdq\":\"" +
                kLowHex +
                "\",\"pdq_quality\":87,\"phash\":\"fedcba9876543210\","
                "\"orientation\":{\"degrees\":90,\"applied\":false}}\n");
}

TEST(RecordJson, ImageWithDihedralGolden) {
  Record r = imageRecord();
  std::array<Hash256, kDihedralCount> d{};
  d[7] = highBit();
  r.dihedral = d;
  r.orientationApplied = true;
  r.mirrored = true;
  const std::string zero(64, '0');
  EXPECT_EQ(toJsonLine(r),
            "{\"path\":\"dir/a b.jpg\",\"kind\":\"image\",\"width\":640,\"height\":480,"
            "\"md5\":\"md5x\",\"sha1\":\"sha1x\",\"sha256\":\"sha256x\",\"pdq\":\"" +
                kLowHex +
                "\",\"pdq_quality\":87,\"phash\":\"fedcba9876543210\",\"pdq_dihedral\":{"
                "\"orig\":\"" +
                zero + "\",\"rot90\":\"" + zero + "\",\"rot180\":\"" + zero + "\",\"rot270\":\"" +
                zero + "\",\"flipx\":\"" + zero + "\",\"flipy\":\"" + zero + "\",\"flipp\":\"" +
                zero + "\",\"flipm\":\"" + kHighHex +
                "\"},\"orientation\":{\"degrees\":90,\"applied\":true,\"mirrored\":true}}\n");
}

TEST(RecordJson, VideoGolden) {
  EXPECT_EQ(toJsonLine(videoRecord()),
            "{\"path\":\"v.mp4\",\"kind\":\"video\",\"width\":1280,\"height\":720,\"md5\":\"m\","
            "\"sha1\":\"s1\",\"sha256\":\"s256\",\"duration\":2.5,\"fps\":20.0,"
            "\"orientation\":{\"degrees\":0,\"applied\":false},\"frames\":["
            "{\"frame\":0,\"t\":0.0,\"pdq\":\"" +
                kLowHex +
                "\",\"quality\":90,\"phash\":\"0000000000000001\"},"
                "{\"frame\":20,\"t\":1.0,\"pdq\":\"" +
                kHighHex + "\",\"quality\":45,\"phash\":\"8000000000000000\"}]}\n");
}

TEST(RecordJson, ErrorGoldenAndNonUtf8Path) {
  Record r;
  r.path = std::string("bad/caf\xe9-\xff\xfe.jpg");
  r.kind = RecordKind::Error;
  r.error = "truncated";
  r.detail = "ends \"early\"";
  EXPECT_EQ(toJsonLine(r),
            "{\"path\":\"bad/caf%E9-%FF%FE.jpg\",\"path_hex\":\"6261642f636166e92dfffe2e6a7067\","
            "\"error\":\"truncated\",\"detail\":\"ends \\\"early\\\"\"}\n");
}

TEST(RecordJson, ErrorWithDigestsGolden) {
  Record r;
  r.path = "cut.jpg";
  r.error = "truncated";
  r.digests = {"m", "s1", "s256"};
  EXPECT_EQ(toJsonLine(r),
            "{\"path\":\"cut.jpg\",\"error\":\"truncated\",\"detail\":\"\",\"md5\":\"m\","
            "\"sha1\":\"s1\",\"sha256\":\"s256\"}\n");
}

TEST(RecordJson, ArchiveAndMemberGoldenAndRoundTrip) {
  Record archive;
  archive.path = "a.zip!/in.tar";
  archive.kind = RecordKind::Archive;
  archive.archiveMember = true;
  archive.digests = {"m", "s1", "s256"};
  archive.archiveFormat = "GNU tar format";
  archive.archiveMembers = 3;
  EXPECT_EQ(toJsonLine(archive),
            "{\"path\":\"a.zip!/in.tar\",\"archive_member\":true,\"kind\":\"archive\",\"md5\":"
            "\"m\",\"sha1\":\"s1\",\"sha256\":\"s256\",\"format\":\"GNU tar format\","
            "\"members\":3}\n");
  Record member = imageRecord();
  member.path = "a.zip!/p.jpg";
  member.archiveMember = true;
  Record encrypted;
  encrypted.path = "a.zip!/secret.jpg";
  encrypted.archiveMember = true;
  encrypted.error = "encrypted";
  for (const Record& in : {archive, member, encrypted}) {
    const Record r = withHexDigests(in);
    const std::string line = toJsonLine(r);
    const Record back = recordFromJson(nlohmann::ordered_json::parse(line));
    EXPECT_EQ(toJsonLine(back), line);
    EXPECT_TRUE(back.archiveMember);
  }
}

TEST(RecordJson, InvalidUtf8InDetailIsReplacedNotThrown) {
  Record r;
  r.path = "x";
  r.error = "corrupt";
  r.detail = "bad \xff byte";
  EXPECT_EQ(toJsonLine(r),
            "{\"path\":\"x\",\"error\":\"corrupt\",\"detail\":\"bad \xef\xbf\xbd byte\"}\n");
}

TEST(RecordJson, RoundTripIsByteIdentical) {
  Record img = imageRecord();
  std::array<Hash256, kDihedralCount> d{};
  d[3] = highBit();
  img.dihedral = d;
  Record odd;
  odd.path = std::string("\x80\x81.png");
  odd.error = "unreadable";
  odd.detail = "Permission denied";
  Record digested = odd;
  digested.digests = {"m", "s1", "s256"};
  Record video = videoRecord();
  video.fps = roundMicros(30000.0 / 1001.0);
  video.frames[1].t = roundMillis(1001.0 / 30000.0 * 7);
  for (const Record& in : {imageRecord(), img, odd, digested, video}) {
    const Record r = withHexDigests(in);
    const std::string line = toJsonLine(r);
    const Record back = recordFromJson(nlohmann::ordered_json::parse(line));
    EXPECT_EQ(toJsonLine(back), line);
    EXPECT_EQ(back.path, r.path);
  }
}

TEST(RecordJson, MalformedRecordIsAFormatError) {
  EXPECT_THROW(recordFromJson(nlohmann::ordered_json::parse("{\"path\":\"x\",\"kind\":\"image\"}")),
               FormatError);
  EXPECT_THROW(recordFromJson(nlohmann::ordered_json::parse("[1]")), FormatError);
}

// The journal's policy: every field of the record's kind is required and well-formed, so a
// journalled line that lost or garbled any field is redone rather than trusted.
TEST(RecordJson, StrictReadRefusesEachMissingOrMalformedField) {
  Record img = withHexDigests(imageRecord());
  img.dihedral = std::array<Hash256, kDihedralCount>{};
  Record video = withHexDigests(videoRecord());
  for (const Record& r : {img, video}) {
    const auto good = toJson(r);
    ASSERT_NO_THROW(recordFromJson(good));
    for (const auto& [key, value] : good.items()) {
      if (key == "orientation") continue;  // its members are checked below
      auto missing = good;
      missing.erase(key);
      if (key != "pdq_dihedral") {  // the one optional field of these records
        EXPECT_THROW(recordFromJson(missing), FormatError) << key << " missing";
      }
      auto garbled = good;
      garbled[key] = value.is_string() ? nlohmann::ordered_json(12) : nlohmann::ordered_json("x");
      EXPECT_THROW(recordFromJson(garbled), FormatError) << key << " malformed";
    }
    for (const char* key : {"degrees", "applied"}) {
      auto missing = good;
      missing["orientation"].erase(key);
      EXPECT_THROW(recordFromJson(missing), FormatError) << key;
    }
  }
  auto shortDigest = toJson(img);
  shortDigest["md5"] = "m";  // not 32 hex digits
  EXPECT_THROW(recordFromJson(shortDigest), FormatError);
  auto frameLacksHash = toJson(video);
  frameLacksHash["frames"][1].erase("pdq");
  try {
    recordFromJson(frameLacksHash);
    ADD_FAILURE() << "a frame without its pdq was accepted";
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "record lacks \"frames[1].pdq\"");
  }
}

TEST(RecordCsv, HeaderAndRowsGolden) {
  auto f = makeFormatter(OutputFormat::Csv, false);
  EXPECT_EQ(f->header(),
            "path,path_hex,kind,frame,t,width,height,md5,sha1,sha256,pdq,pdq_quality,phash,error,"
            "detail\n");
  std::string out;
  Record img = imageRecord();
  img.path = "dir/a,b.jpg";
  f->append(img, out);
  f->append(videoRecord(), out);
  Record err;
  err.path = std::string("\xff.jpg");
  err.error = "truncated";
  err.detail = "line\nbreak";
  f->append(err, out);
  err.digests = {"m", "s1", "s256"};
  f->append(err, out);
  EXPECT_EQ(out, "\"dir/a,b.jpg\",,image,,,640,480,md5x,sha1x,sha256x," + kLowHex +
                     ",87,fedcba9876543210,,\n"
                     "v.mp4,,video,0,0.000,1280,720,m,s1,s256," +
                     kLowHex +
                     ",90,0000000000000001,,\n"
                     "v.mp4,,video,20,1.000,1280,720,m,s1,s256," +
                     kHighHex +
                     ",45,8000000000000000,,\n"
                     "%FF.jpg,ff2e6a7067,error,,,,,,,,,,,truncated,\"line\nbreak\"\n"
                     "%FF.jpg,ff2e6a7067,error,,,,,m,s1,s256,,,,truncated,\"line\nbreak\"\n");
}

TEST(RecordCsv, EveryRowHasTheHeadersColumnCount) {
  for (bool dihedral : {false, true}) {
    auto f = makeFormatter(OutputFormat::Csv, dihedral);
    auto commas = [](const std::string& line) { return std::count(line.begin(), line.end(), ','); };
    const auto want = commas(f->header());
    Record withD = imageRecord();
    withD.dihedral = std::array<Hash256, kDihedralCount>{};
    Record err;
    err.path = "e";
    err.error = "corrupt";
    Record digested = err;
    digested.digests = {"m", "s1", "s256"};
    for (const Record& r : {imageRecord(), withD, videoRecord(), err, digested}) {
      std::string out;
      f->append(r, out);
      std::size_t start = 0;
      for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
        EXPECT_EQ(commas(out.substr(start, nl - start + 1)), want) << out;
    }
  }
}

TEST(RecordPdq, ReferenceToolLinesForImagesOnly) {
  auto f = makeFormatter(OutputFormat::Pdq, false);
  std::string out;
  f->append(imageRecord(), out);
  f->append(videoRecord(), out);
  Record err;
  err.path = "e";
  err.error = "corrupt";
  f->append(err, out);
  EXPECT_EQ(out, kLowHex + ",87,dir/a b.jpg\n");
}

TEST(Progress, LineGolden) {
  ProgressSnapshot s;
  s.done = 50;
  s.total = 200;
  s.errors = 2;
  s.frames = 80;
  s.bytes = 25'000'000;
  s.seconds = 10.0;
  // Total still being counted: "+" and no ETA.
  EXPECT_EQ(formatProgress(s), "50/200+ files  5.0 files/s  2.5 MB/s  8.0 frames/s  2 errors");
  s.totalFinal = true;  // 150 files left at 5 files/s
  EXPECT_EQ(formatProgress(s),
            "50/200 files  5.0 files/s  2.5 MB/s  8.0 frames/s  2 errors  ETA 0m30s");
  s.total = 50'000;
  EXPECT_EQ(formatProgress(s),
            "50/50000 files  5.0 files/s  2.5 MB/s  8.0 frames/s  2 errors  ETA 2h46m");
}

TEST(Progress, ResumedFilesAreNotARateAndTheTailIsNotZeroTime) {
  ProgressSnapshot s;
  s.done = 120;
  s.resumed = 100;  // from the journal: 20 files hashed in 10 s
  s.total = 200;
  s.totalFinal = true;
  s.frames = 20;
  s.bytes = 1'000'000;
  s.seconds = 10.0;
  EXPECT_EQ(formatProgress(s),
            "120/200 files  2.0 files/s  0.1 MB/s  2.0 frames/s  0 errors  ETA 0m40s");
  // 999 small files in 1 s and one long video still decoding: no "ETA 0m00s".
  s = {};
  s.done = 999;
  s.total = 1000;
  s.totalFinal = true;
  s.seconds = 1.0;
  EXPECT_EQ(formatProgress(s),
            "999/1000 files  999.0 files/s  0.0 MB/s  0.0 frames/s  0 errors  finishing 1 file");
}

TEST(RunStats, SummaryRatesCountOnlyTheFilesHashedNow) {
  RunStats s;
  s.inputs = 10;
  s.images = 10;
  s.resumed = 8;
  s.frames = 10;
  s.resumedFrames = 8;
  s.bytes = 10 << 20;
  s.resumedBytes = 8 << 20;
  s.wallSeconds = 2.0;
  const std::string text = statsSummary(s);
  EXPECT_NE(text.find("1.0 files/s, 1.0 frames/s, 1.0 MiB/s (rates over the files hashed now, "
                      "not the resumed ones)"),
            std::string::npos)
      << text;
  const auto j = nlohmann::json::parse(statsJson(s));
  EXPECT_DOUBLE_EQ(j["files_per_second"].get<double>(), 1.0);
}

TEST(PathText, Utf8ValidationAndEscapes) {
  EXPECT_TRUE(isValidUtf8("plain"));
  EXPECT_TRUE(isValidUtf8("\xe6\x97\xa5\xf0\x9f\x99\x82"));  // 日 🙂
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));                     // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));                 // surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));             // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe6\x97"));                     // truncated
  EXPECT_EQ(utf8Display("a\xe6\x97\xa5\xff"), "a\xe6\x97\xa5%FF");
  EXPECT_EQ(bytesToHex(std::string("\x00\xff", 2)), "00ff");
  EXPECT_EQ(hexToBytes("00ff41"), std::string("\x00\xff"
                                              "A",
                                              3));
  EXPECT_THROW(hexToBytes("abc"), std::invalid_argument);
  EXPECT_THROW(hexToBytes("zz"), std::invalid_argument);
}

}  // namespace
}  // namespace hashsieve::pipeline
