// Text hash-list parsers: every format (plain hex with quality/id columns, the reference tool's
// hash,quality,path, CSV with a header, ThreatExchange `pdq <hex>`, JSONL, pHash lists),
// tolerance (BOM, CRLF, blanks, comments), malformed lines (counted, or strict with the line
// number), and duplicate merging in the builder.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/hex_words.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"

namespace hashsieve {
namespace {

// Two PDQ hashes written out by hand: A's last hex digit is bit 0 (w[0] = 1).
const std::string kA = std::string(63, '0') + "1";
const std::string kB = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

Hash256 hashA() {
  Hash256 h;
  h.w[0] = 1;
  return h;
}
Hash256 hashB() {
  Hash256 h;  // the hex above, 16 digits per word, most significant word first
  h.w[3] = 0xf8f8f0cee0f4a84fULL;
  h.w[2] = 0x06370a22038f63f0ULL;
  h.w[1] = 0xb36e2ed596621e1dULL;
  h.w[0] = 0x33e6b39c4e9c9b22ULL;
  return h;
}

struct Entry {
  Hash256 hash;
  int quality;
  std::string id;
};

struct Parsed {
  ListParseStats stats;
  std::vector<Entry> entries;
};

Parsed parse(const std::string& text, HashType type = HashType::Pdq, bool strict = false) {
  Parsed p;
  ListParseOptions o;
  o.type = type;
  o.strict = strict;
  p.stats = parseListText(text, "list.txt", o, [&](const ListEntryView& e) {
    p.entries.push_back({e.hash, e.quality, std::string(e.id)});
  });
  return p;
}

TEST(ListParsers, PlainHexWithOptionalQualityAndId) {
  const auto p = parse(kA + "\n" + kB + ",87\n" + kA + ",90,photo one.jpg\n" + kB + ",case-17\n" +
                       kA + ",case-9,extra,columns\n");
  EXPECT_EQ(p.stats.format, ListTextFormat::Plain);
  ASSERT_EQ(p.entries.size(), 5u);
  EXPECT_EQ(p.entries[0].hash, hashA());
  EXPECT_EQ(p.entries[0].quality, -1);
  EXPECT_EQ(p.entries[0].id, "1");  // no id: the 1-based line number
  EXPECT_EQ(p.entries[1].hash, hashB());
  EXPECT_EQ(p.entries[1].quality, 87);
  EXPECT_EQ(p.entries[1].id, "2");
  EXPECT_EQ(p.entries[2].quality, 90);
  EXPECT_EQ(p.entries[2].id, "photo one.jpg");  // the reference tool's hash,quality,path
  EXPECT_EQ(p.entries[3].quality, -1);
  EXPECT_EQ(p.entries[3].id, "case-17");
  EXPECT_EQ(p.entries[4].id, "case-9");
  EXPECT_EQ(p.stats.malformed, 0u);
}

TEST(ListParsers, ToleratesBomCrlfBlanksCommentsAndUpperCase) {
  std::string upper = kB;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto p = parse("\xEF\xBB\xBF# exported list\r\n\r\n  " + kA +
                       "  \r\n# another comment\r\n" + upper + "\r\n\r\n");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].hash, hashA());
  EXPECT_EQ(p.entries[0].id, "3");  // physical line numbers, comments and blanks counted
  EXPECT_EQ(p.entries[1].hash, hashB());
  EXPECT_EQ(p.entries[1].id, "5");
  EXPECT_EQ(p.stats.lines, 2u);
}

TEST(ListParsers, CsvWithHeaderInAnyColumnOrder) {
  const auto p = parse("Quality,ID,PDQ,source\n90,\"a, with comma\"," + kA + ",x\n,id2," + kB +
                       ",y\n55,\"say \"\"hi\"\"\"," + kB + ",z\n");
  EXPECT_EQ(p.stats.format, ListTextFormat::Csv);
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].hash, hashA());
  EXPECT_EQ(p.entries[0].quality, 90);
  EXPECT_EQ(p.entries[0].id, "a, with comma");
  EXPECT_EQ(p.entries[1].quality, -1);  // empty quality cell
  EXPECT_EQ(p.entries[1].id, "id2");
  EXPECT_EQ(p.entries[2].id, "say \"hi\"");
  EXPECT_EQ(p.stats.lines, 4u);  // the header counts as a line, not an entry
}

// Tab-separated lists (spreadsheet and database exports): with a header, or hash-first lines;
// a ThreatExchange `pdq<TAB>hex` line stays ThreatExchange.
TEST(ListParsers, TabSeparatedWithOrWithoutHeader) {
  const auto csv = parse("PDQ\tquality\tid\r\n" + kA + "\t90\tcase 1\n" + kB + "\t\t\"b\tc\"\n");
  EXPECT_EQ(csv.stats.format, ListTextFormat::Csv);
  ASSERT_EQ(csv.entries.size(), 2u);
  EXPECT_EQ(csv.entries[0].hash, hashA());
  EXPECT_EQ(csv.entries[0].quality, 90);
  EXPECT_EQ(csv.entries[0].id, "case 1");
  EXPECT_EQ(csv.entries[1].hash, hashB());
  EXPECT_EQ(csv.entries[1].quality, -1);  // empty cell between two tabs
  EXPECT_EQ(csv.entries[1].id, "b\tc");
  const auto plain = parse(kA + "\t87\tphoto, one.jpg\n" + kB + "\n");
  EXPECT_EQ(plain.stats.format, ListTextFormat::Plain);
  ASSERT_EQ(plain.entries.size(), 2u);
  EXPECT_EQ(plain.entries[0].quality, 87);
  EXPECT_EQ(plain.entries[0].id, "photo, one.jpg");
  EXPECT_EQ(plain.stats.malformed, 0u);
  const auto te = parse("pdq\t" + kA + "\n");
  EXPECT_EQ(te.stats.format, ListTextFormat::ThreatExchange);
  ASSERT_EQ(te.entries.size(), 1u);
}

TEST(ListParsers, CsvHeaderNamingOnlyHashUsesLineNumbers) {
  const auto p = parse("hash\n" + kA + "\n" + kB + "\n");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[1].id, "3");
}

TEST(ListParsers, CsvHeaderWithoutHashColumnIsAnError) {
  EXPECT_THROW(parse("name,value\nfoo,bar\n"), FormatError);
}

TEST(ListParsers, CsvMalformedRows) {
  const auto p = parse("pdq,quality\n" + kA + ",101\n" + kA.substr(1) + ",50\n\"unterminated," +
                       kA + "\n" + kB + ",60\n");
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].quality, 60);
  EXPECT_EQ(p.stats.malformed, 3u);
  ASSERT_EQ(p.stats.malformedSamples.size(), 3u);
  EXPECT_NE(p.stats.malformedSamples[0].find("list.txt:2:"), std::string::npos);
  EXPECT_NE(p.stats.malformedSamples[1].find("list.txt:3:"), std::string::npos);
}

TEST(ListParsers, ThreatExchangeSignalLines) {
  const auto p =
      parse("pdq " + kA + "\nmd5 d41d8cd98f00b204e9800998ecf8427e\nPDQ\t" + kB + "\npdq nothex\n");
  EXPECT_EQ(p.stats.format, ListTextFormat::ThreatExchange);
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].hash, hashA());
  EXPECT_EQ(p.entries[1].hash, hashB());
  EXPECT_EQ(p.entries[1].id, "3");
  EXPECT_EQ(p.stats.ignored, 1u);  // the md5 line: another signal type
  EXPECT_EQ(p.stats.malformed, 1u);
}

TEST(ListParsers, JsonLines) {
  const auto p = parse(
      "{\"pdq\": \"" + kA + "\", \"id\": \"case-1\", \"quality\": 77}\n" + "{\"pdq\": \"" + kB +
      "\", \"id\": 42}\n" + "{\"pdq\": \"" + kB + "\"}\n" +
      "{\"path\": \"x.jpg\", \"error\": \"decode\"}\n" +
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kA + "\"}\n" +
      "{\"signalType\": \"VideoMD5\", \"hashValue\": \"d41d8cd98f00b204e9800998ecf8427e\"}\n" +
      "{\"path\": \"y.jpg\", \"pdq\": \"" + kA + "\", \"pdq_quality\": 12}\n" + "{not json\n" +
      "{\"id\": \"no hash\"}\n");
  EXPECT_EQ(p.stats.format, ListTextFormat::Jsonl);
  ASSERT_EQ(p.entries.size(), 5u);
  EXPECT_EQ(p.entries[0].id, "case-1");
  EXPECT_EQ(p.entries[0].quality, 77);
  EXPECT_EQ(p.entries[1].id, "42");
  EXPECT_EQ(p.entries[2].id, "3");        // no id: the line number
  EXPECT_EQ(p.entries[3].hash, hashA());  // StopNCII record
  EXPECT_EQ(p.entries[4].id, "y.jpg");    // a `hashsieve hash` record: its path
  EXPECT_EQ(p.entries[4].quality, 12);
  EXPECT_EQ(p.stats.ignored, 2u);  // the error record and the VideoMD5 record
  EXPECT_EQ(p.stats.malformed, 2u);
}

// Record fields are read by the record format's reader: a value not of its type, range or hex
// width makes the line malformed, naming the field; a video record's frames each need the hash.
TEST(ListParsers, JsonRecordFieldsOfTheWrongWidthOrRangeAreMalformed) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const auto p = parse(
      "{\"path\": \"short.jpg\", \"pdq\": \"" + kA.substr(1) + "\"}\n" +
          "{\"path\": \"q.jpg\", \"pdq\": \"" + kA + "\", \"pdq_quality\": 101}\n" +
          "{\"path\": \"v.mp4\", \"kind\": \"video\", \"frames\": [{\"frame\": 0, \"pdq\": \"" +
          kB + "\"}, {\"frame\": 30}]}\n" +
          "{\"path\": \"w.mp4\", \"kind\": \"video\", \"frames\": [7]}\n" +
          "{\"path\": \"ok.mp4\", \"kind\": \"video\", \"frames\": [{\"frame\": 0, \"pdq\": \"" +
          kB + "\", \"quality\": 90}, {\"frame\": 30, \"pdq\": \"" + kA + "\"}]}\n" +
          "{\"path\": \"e.jpg\", \"error\": \"truncated\", \"detail\": \"\", \"md5\": \"" + md5 +
          "\"}\n",
      HashType::Pdq);
  EXPECT_EQ(p.stats.malformed, 4u);
  ASSERT_EQ(p.stats.malformedSamples.size(), 4u);
  EXPECT_NE(p.stats.malformedSamples[0].find("list.txt:1: record field \"pdq\": not a 64-hex"),
            std::string::npos)
      << p.stats.malformedSamples[0];
  EXPECT_NE(p.stats.malformedSamples[1].find("\"pdq_quality\": not a whole number 0..100"),
            std::string::npos)
      << p.stats.malformedSamples[1];
  EXPECT_NE(p.stats.malformedSamples[2].find("record lacks \"frames[1].pdq\""), std::string::npos)
      << p.stats.malformedSamples[2];
  EXPECT_NE(p.stats.malformedSamples[3].find("element 0 is not an object"), std::string::npos)
      << p.stats.malformedSamples[3];
  // The good video is one entry (its frames ride along), named by its path, with its first
  // frame's hash; the PDQ list ignores the error record's digest.
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].id, "ok.mp4");
  EXPECT_EQ(p.entries[0].hash, hashB());
  EXPECT_EQ(p.entries[0].quality, 90);
  EXPECT_EQ(p.stats.ignored, 1u);

  // A digest list reads the digests: one of the wrong width is malformed.
  const auto d =
      parse("{\"path\": \"d.jpg\", \"md5\": \"" + md5.substr(2) + "\"}\n", HashType::Md5);
  EXPECT_EQ(d.stats.malformed, 1u);
  ASSERT_EQ(d.stats.malformedSamples.size(), 1u);
  EXPECT_NE(d.stats.malformedSamples[0].find("\"md5\": not a 32-hex md5 digest"), std::string::npos)
      << d.stats.malformedSamples[0];
}

TEST(ListParsers, PhashListsTakeSixteenHexDigits) {
  const auto p = parse("8000000000000001,a\n" + kA + ",b\nphash\n", HashType::Phash);
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].hash.w[0], 0x8000000000000001ULL);
  EXPECT_EQ(p.entries[0].id, "a");
  EXPECT_EQ(p.stats.malformed, 2u);  // a PDQ hash is not a pHash
  const auto te = parse("phash 00000000000000ff\npdq " + kA + "\n", HashType::Phash);
  ASSERT_EQ(te.entries.size(), 1u);
  EXPECT_EQ(te.entries[0].hash.w[0], 0xffu);
  EXPECT_EQ(te.stats.ignored, 1u);
  const auto js =
      parse("{\"phash\": \"00000000000000ff\", \"pdq\": \"" + kA + "\"}\n", HashType::Phash);
  ASSERT_EQ(js.entries.size(), 1u);
  EXPECT_EQ(js.entries[0].hash.w[0], 0xffu);
}

TEST(ListParsers, StrictModeNamesTheLine) {
  const std::string text = "# header comment\n" + kA + "\n\n" + kB + "x\n" + kA + "\n";
  try {
    parse(text, HashType::Pdq, /*strict=*/true);
    FAIL() << "strict mode accepted a malformed line";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("list.txt:4:"), std::string::npos) << e.what();
  }
  const auto lenient = parse(text);
  EXPECT_EQ(lenient.entries.size(), 2u);
  EXPECT_EQ(lenient.stats.malformed, 1u);
  EXPECT_THROW(parse("{\"pdq\": 5}\n", HashType::Pdq, true), FormatError);
  EXPECT_THROW(parse("pdq,id\n" + kA + "zz,1\n", HashType::Pdq, true), FormatError);
}

TEST(ListParsers, DefaultIdPrefix) {
  ListParseOptions o;
  o.defaultIdPrefix = "a.txt:";
  std::vector<std::string> ids;
  parseListText(kA + "\n" + kB + "\n", "a.txt", o,
                [&](const ListEntryView& e) { ids.emplace_back(e.id); });
  EXPECT_EQ(ids, (std::vector<std::string>{"a.txt:1", "a.txt:2"}));
}

TEST(ListBuilder, DuplicatesMergedKeepingEveryIdInInputOrder) {
  ListBuilder b(HashType::Pdq);
  b.add(hashB(), 40, "first");
  b.add(hashA(), -1, "only");
  b.add(hashB(), 85, "second");
  b.add(hashB(), -1, "first");  // the same (hash, id) again: kept once
  b.add(hashB(), 60, "third");
  ListBuilder::Summary s;
  const HashList list = HashList::fromImage(b.build(&s));
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.ids, 4u);
  EXPECT_EQ(s.mergedDuplicates, 3u);
  ASSERT_EQ(list.size(), 2u);
  // Sorted by hash: A (w[0] = 1, the rest 0) before B.
  EXPECT_EQ(list.hash(0), hashA());
  EXPECT_EQ(list.quality(0), hsl::kQualityUnknown);
  EXPECT_EQ(list.hash(1), hashB());
  EXPECT_EQ(list.quality(1), 85);  // the highest quality given
  ASSERT_EQ(list.idCountOf(1), 3u);
  EXPECT_EQ(list.id(1, 0), "first");
  EXPECT_EQ(list.id(1, 1), "second");
  EXPECT_EQ(list.id(1, 2), "third");
}

TEST(ListParsers, FastHexDecoderAgreesWithCoreHexForm) {
  // The list parser's table-driven decoder must read hashes exactly as host/core writes them.
  std::mt19937_64 rng(99);
  for (int i = 0; i < 2000; ++i) {
    Hash256 h;
    for (auto& w : h.w) w = rng();
    std::string hex = toHex(h);
    if (i % 2)
      for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    Hash256 got;
    ASSERT_TRUE(detail::parseHexWords(hex, got.w, 4));
    EXPECT_EQ(got, h);
    EXPECT_EQ(got, *parseHash256(hex));
    hex[rng() % hex.size()] = "g-x /:@`G"[rng() % 9];  // one non-hex character
    EXPECT_FALSE(detail::parseHexWords(hex, got.w, 4)) << hex;
    EXPECT_FALSE(parseHash256(hex)) << hex;
  }
  uint64_t w = 0;
  EXPECT_TRUE(detail::parseHexWords("8000000000000001", &w, 1));
  EXPECT_EQ(w, parseHash64("8000000000000001")->v);
  EXPECT_FALSE(detail::parseHexWords("800000000000001", &w, 1));
}

}  // namespace
}  // namespace hashsieve
