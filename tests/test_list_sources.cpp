// List sources as hotlines receive them: NCMEC hash-sharing XML pages (entries, deletions and
// updates across pages, fingerprints hashsieve cannot use, hostile documents), Project VIC VICS
// JSON 1.x and 2.0 (hostile nesting, malformed media), python-threatexchange's CSV export and TE
// lines, plain MD5/SHA-1/SHA-256 lists, and `hashsieve hash` records read for every type. The
// fixtures are written here from the formats' descriptions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/bundle_builder.hpp"
#include "host/match/exact_index.hpp"
#include "host/match/hash_keys.hpp"
#include "host/match/list_parser.hpp"
#include "host/match/list_set.hpp"
#include "host/match/ncmec_xml.hpp"
#include "host/match/vics_json.hpp"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

struct Got {
  HashType type;
  std::string hex, id, meta;
};

struct Parsed {
  ListParseStats stats;
  std::vector<Got> entries;
  std::vector<std::pair<std::string, bool>> removals;
};

ListParseOptions autoOptions(bool strict = false) {
  ListParseOptions o;
  o.autoType = true;
  o.strict = strict;
  return o;
}

ListEntrySink collect(Parsed& p) {
  return [&p](const ListEntryView& e) {
    p.entries.push_back(
        {e.type, typedHashHex(e.hash, e.type), std::string(e.id), std::string(e.meta)});
  };
}

Parsed parseXml(const std::string& xml, const ListParseOptions& o = autoOptions()) {
  Parsed p;
  std::istringstream in(xml);
  p.stats = parseNcmecXml(in, {}, "page.xml", o, collect(p), [&p](std::string_view id, bool del) {
    p.removals.emplace_back(std::string(id), del);
  });
  return p;
}

Parsed parseVics(const std::string& json, const ListParseOptions& o = autoOptions()) {
  Parsed p;
  std::istringstream in(json);
  p.stats = parseVicsJson(in, "case.json", o, collect(p));
  return p;
}

Parsed parseText(const std::string& text, const ListParseOptions& o = autoOptions()) {
  Parsed p;
  p.stats = parseListText(text, "list.txt", o, collect(p));
  return p;
}

const std::string kMd5A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const std::string kSha1A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const std::string kMd5B = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1";
const std::string kPdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const std::string kNs = "https://hashsharing.ncmec.org/hashsharing/v2";

std::string page(const std::string& body, const std::string& ns = kNs) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<queryResult xmlns=\"" +
         ns + "\">\n" + body + "</queryResult>\n";
}

std::string image(const std::string& id, const std::string& cls, const std::string& prints,
                  const std::string& tag = "image") {
  return "<" + tag + "><member id=\"42\">Example Member</member>" +
         "<timestamp>2017-10-24T15:00:00Z</timestamp><id>" + id + "</id>" +
         (cls.empty() ? "" : "<classification>" + cls + "</classification>") + "<fingerprints>" +
         prints + "</fingerprints>" +
         // Feedback nests member elements: not the entry's member.
         "<feedback><affirmativeFeedback type=\"Md5\"><members><member id=\"7\">Other</member>"
         "</members></affirmativeFeedback></feedback></" +
         tag + ">\n";
}

TEST(NcmecXml, EntriesFingerprintsMetadataAndDeletions) {
  const Parsed p = parseXml(
      page("<images count=\"2\">" +
           image("image1", "A1",
                 "<md5>" + kMd5A + "</md5><sha1>" + kSha1A + "</sha1><pdna>a1a1...</pdna><pdq>" +
                     kPdq + "</pdq>") +
           "<deletedImage><member id=\"43\">M2</member><id>image4</id>"
           "<timestamp>2017-10-24T15:10:00Z</timestamp></deletedImage></images>"
           "<videos count=\"1\">" +
           image("video1", "",
                 "<md5>" + kMd5B +
                     "</md5><tmk-pdqf rel=\"self\" href=\"/v2/entries/1/fingerprints/TMK_PDQF\"/>"
                     "<videntifier rel=\"self\" href=\"/v2/x\"/>",
                 "video") +
           "</videos><paging><next>/v2/entries?from=a&amp;to=b</next></paging>"));
  EXPECT_EQ(p.stats.format, ListTextFormat::NcmecXml);
  EXPECT_EQ(p.stats.malformed, 0u);
  ASSERT_EQ(p.entries.size(), 4u);
  EXPECT_EQ(p.entries[0].type, HashType::Md5);
  EXPECT_EQ(p.entries[0].hex, kMd5A);
  EXPECT_EQ(p.entries[0].id, "image1");
  EXPECT_EQ(p.entries[0].meta,
            R"({"category":"A1","source":"ncmec","media":"image","member":"Example Member",)"
            R"("member_id":"42","timestamp":"2017-10-24T15:00:00Z"})");
  EXPECT_EQ(p.entries[1].type, HashType::Sha1);
  EXPECT_EQ(p.entries[2].type, HashType::Pdq);
  EXPECT_EQ(p.entries[2].hex, kPdq);
  EXPECT_EQ(p.entries[3].id, "video1");
  EXPECT_NE(p.entries[3].meta.find(R"("media":"video")"), std::string::npos);
  EXPECT_EQ(p.entries[3].meta.find("category"), std::string::npos);
  EXPECT_EQ(p.stats.removed, 1u);
  const std::vector<std::pair<std::string, bool>> removals = {
      {"image1", false}, {"image4", true}, {"video1", false}};
  EXPECT_EQ(p.removals, removals);
  std::map<std::string, size_t> unusable(p.stats.unusable.begin(), p.stats.unusable.end());
  EXPECT_EQ(unusable,
            (std::map<std::string, size_t>{{"pdna", 1}, {"tmk-pdqf", 1}, {"videntifier", 1}}));
}

TEST(NcmecXml, LaterPagesUpdateAndDeleteEarlierEntries) {
  // Page 1 lists two videos; page 2 reclassifies one and deletes the other (pytx's example).
  const std::string p1 =
      page("<videos>" + image("willupdate", "A1", "<md5>" + kMd5A + "</md5>", "video") +
           image("willdelete", "A1", "<md5>" + kMd5B + "</md5>", "video") + "</videos>");
  const std::string p2 =
      page("<videos>" + image("willupdate", "A2", "<md5>" + kMd5A + "</md5>", "video") +
           "<deletedVideo><id>willdelete</id></deletedVideo></videos>");
  BundleBuilder b;
  for (const std::string& xml : {p1, p2}) {
    std::istringstream in(xml);
    parseNcmecXml(
        in, {}, "p", autoOptions(), [&](const ListEntryView& e) { b.add(e); },
        [&](std::string_view id, bool del) { b.remove(id, del); });
  }
  const ListSet set = ListSet::fromImage(b.build());
  ASSERT_EQ(set.lists().size(), 1u);
  const HashList& md5 = set.lists()[0];
  ASSERT_EQ(md5.size(), 1u);
  EXPECT_EQ(md5.hashHex(0), kMd5A);
  ASSERT_EQ(md5.idCountOf(0), 1u);
  EXPECT_EQ(md5.id(0), "willupdate");
  EXPECT_NE(md5.meta(0).find(R"("category":"A2")"), std::string::npos) << md5.meta(0);
}

TEST(NcmecXml, MalformedEntriesAreSkippedAndNamedOrFailInStrictMode) {
  const std::string xml = page("<images>" + image("ok", "A1", "<md5>" + kMd5A + "</md5>") +
                               image("bad", "A1", "<md5>xyz</md5>") +
                               image("", "A1", "<md5>" + kMd5B + "</md5>") + "</images>");
  const Parsed p = parseXml(xml);
  EXPECT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.stats.malformed, 2u);
  ASSERT_EQ(p.stats.malformedSamples.size(), 2u);
  EXPECT_NE(p.stats.malformedSamples[0].find("page.xml:"), std::string::npos);
  EXPECT_NE(p.stats.malformedSamples[0].find("entry bad: <md5>"), std::string::npos);
  EXPECT_NE(p.stats.malformedSamples[1].find("without an <id>"), std::string::npos);
  EXPECT_THROW(parseXml(xml, autoOptions(/*strict=*/true)), FormatError);
}

TEST(NcmecXml, HostileDocumentsAreRefused) {
  // Billion laughs: refused at the first entity declaration, before any expansion.
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE queryResult [\n<!ENTITY lol0 \"lol\">\n";
  for (int i = 1; i < 10; ++i)
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"" + [&] {
      std::string s;
      for (int k = 0; k < 10; ++k) s += "&lol" + std::to_string(i - 1) + ";";
      return s;
    }() + "\">\n";
  laughs += "]>\n<queryResult xmlns=\"" + kNs + "\"><images>" +
            image("x", "&lol9;", "<md5>" + kMd5A + "</md5>") + "</images></queryResult>";
  try {
    parseXml(laughs);
    FAIL() << "billion laughs accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("entity declarations are refused"), std::string::npos)
        << e.what();
  }
  // An external entity: also a declaration, also refused (and never fetched).
  const std::string external =
      "<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">]><queryResult xmlns=\"" +
      kNs + "\"><images>" + image("x", "&x;", "") + "</images></queryResult>";
  EXPECT_THROW(parseXml(external), FormatError);
  // Another namespace, another root, not XML at all, truncated.
  EXPECT_THROW(parseXml(page("<images/>", "urn:example:not-ncmec")), FormatError);
  EXPECT_THROW(parseXml("<status xmlns=\"" + kNs + "\"><ipAddress/></status>"), FormatError);
  EXPECT_THROW(parseXml("<queryResult><images><image>"), FormatError);
  EXPECT_THROW(parseXml("<<<"), FormatError);
  // Deep nesting: refused by depth, not by the stack.
  std::string deep = "<queryResult>";
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  EXPECT_THROW(parseXml(deep), FormatError);
  // Elements of a foreign namespace inside a page are not entries.
  const Parsed foreign =
      parseXml(page("<images><x:image xmlns:x=\"urn:other\"><id>f</id>"
                    "<fingerprints><md5>" +
                    kMd5A + "</md5></fingerprints></x:image></images>"));
  EXPECT_TRUE(foreign.entries.empty());
}

const std::string kSha1B = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1";

TEST(VicsJson, Version1MediaWithCategoriesAndPhotoDna) {
  const std::string doc = R"({
  "odata.metadata": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/1.3.xml/UK/$metadata#Media",
  "value": [
    {"MediaID": 1, "Category": 1, "MD5": ")" +
                          kMd5A + R"(", "SHA1": ")" + kSha1A +
                          R"(", "PhotoDNA": "AAAA", "MediaSize": 1234, "IsPrecategorized": true,
     "Tags": ["x", {"nested": {"MD5": "not a media"}}]},
    {"MediaID": 2, "Category": 0, "MD5": ")" +
                          kMd5B + R"("},
    {"MediaID": 3, "PhotoDNA": "BBBB"},
    {"MediaID": 4, "MD5": "nothex"}
  ]
})";
  const Parsed p = parseVics(doc);
  EXPECT_EQ(p.stats.format, ListTextFormat::VicsJson);
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].type, HashType::Md5);
  EXPECT_EQ(p.entries[0].id, "1");
  EXPECT_EQ(p.entries[0].meta, R"({"category":"1","source":"vics"})");
  EXPECT_EQ(p.entries[1].type, HashType::Sha1);
  EXPECT_EQ(p.entries[1].hex, kSha1A);
  EXPECT_EQ(p.entries[2].hex, kMd5B);
  EXPECT_EQ(p.entries[2].meta, R"({"category":"0","source":"vics"})");
  EXPECT_EQ(p.stats.malformed, 1u);  // media 4
  EXPECT_EQ(p.stats.ignored, 1u);    // media 3: PhotoDNA only
  ASSERT_EQ(p.stats.unusable.size(), 1u);
  EXPECT_EQ(p.stats.unusable[0], (std::pair<std::string, size_t>{"PhotoDNA", 2}));
  EXPECT_THROW(parseVics(doc, autoOptions(/*strict=*/true)), FormatError);
}

TEST(VicsJson, Version2CasesHoldMedia) {
  const std::string doc =
      R"({"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases",
 "value":[{"CaseID":"c-1","CaseNumber":"2024-1","Media":[
   {"MediaID":"m-10","Category":"2","MD5":")" +
      kMd5A + R"(","MediaFiles":[{"FileName":"a.jpg","MD5":")" + kMd5B +
      R"("}]},
   {"MediaID":"m-11","Category":"1","SHA1":")" +
      kSha1B + R"("}]}]})";
  const Parsed p = parseVics(doc);
  ASSERT_EQ(p.entries.size(), 2u);  // the MediaFiles object is not a media of its own
  EXPECT_EQ(p.entries[0].id, "m-10");
  EXPECT_EQ(p.entries[0].hex, kMd5A);
  EXPECT_EQ(p.entries[0].meta, R"({"category":"2","source":"vics"})");
  EXPECT_EQ(p.entries[1].id, "m-11");
  EXPECT_EQ(p.entries[1].type, HashType::Sha1);
}

TEST(VicsJson, HostileAndForeignDocumentsAreRefused) {
  EXPECT_THROW(parseVics(std::string(100000, '[')), FormatError);  // deep nesting
  std::string deepObjects = R"({"value":[)";
  for (int i = 0; i < 100000; ++i) deepObjects += R"({"a":)";
  EXPECT_THROW(parseVics(deepObjects), FormatError);
  EXPECT_THROW(parseVics(R"({"value":[{"MD5":")" + kMd5A), FormatError);  // truncated
  EXPECT_THROW(parseVics(R"({"items":[]})"), FormatError);                // no value array
  EXPECT_THROW(parseVics("not json"), FormatError);
  EXPECT_TRUE(parseVics(R"({"value":[]})").entries.empty());
}

TEST(TextSources, PythonThreatExchangeCsvExportKeepsCategoryAndTags) {
  const std::string csv =
      "signal_type,signal_str,collab,category,tags\n"
      "pdq," +
      kPdq +
      ",Bank A,adult,\"tag1 tag2\"\n"
      "video_md5," +
      kMd5A +
      ",Bank A,,\n"
      "url,https://example.com,Bank A,,\n";
  const Parsed p = parseText(csv);
  EXPECT_EQ(p.stats.format, ListTextFormat::Csv);
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].type, HashType::Pdq);
  EXPECT_EQ(p.entries[0].meta, R"({"collab":"Bank A","category":"adult","tags":"tag1 tag2"})");
  EXPECT_EQ(p.entries[1].type, HashType::Md5);
  EXPECT_EQ(p.stats.ignored, 1u);  // the url signal
  // A PDQ list reads the PDQ rows only.
  ListParseOptions pdqOnly;
  const Parsed q = parseText(csv, pdqOnly);
  ASSERT_EQ(q.entries.size(), 1u);
  EXPECT_EQ(q.stats.ignored, 2u);
}

TEST(TextSources, ThreatExchangeLinesOfSeveralSignalTypes) {
  const Parsed p = parseText("pdq " + kPdq + "\nmd5 " + kMd5A + "\nvideo_md5 " + kMd5B +
                             "\nurl https://example.com\n");
  EXPECT_EQ(p.stats.format, ListTextFormat::ThreatExchange);
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[1].type, HashType::Md5);
  EXPECT_EQ(p.entries[2].hex, kMd5B);
  EXPECT_EQ(p.stats.ignored, 1u);
}

TEST(TextSources, PlainDigestListsAreTypedByLength) {
  const std::string sha256 = std::string(63, 'c') + "d";
  const Parsed p = parseText(kMd5A + ",case-1\n" + kSha1A + "\n" + kMd5B + "\n");
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].type, HashType::Md5);
  EXPECT_EQ(p.entries[0].id, "case-1");
  EXPECT_EQ(p.entries[1].type, HashType::Sha1);
  // 64 hex digits are PDQ unless told otherwise.
  EXPECT_EQ(parseText(sha256 + "\n").entries[0].type, HashType::Pdq);
  ListParseOptions o = autoOptions();
  o.hex64 = HashType::Sha256;
  EXPECT_EQ(parseText(sha256 + "\n", o).entries[0].type, HashType::Sha256);
  // A list of one type given another kind names the kind it holds.
  ListParseOptions pdq;
  const Parsed wrong = parseText(kMd5A + "\n" + kMd5B + "\n", pdq);
  EXPECT_TRUE(wrong.entries.empty());
  EXPECT_EQ(wrong.stats.malformed, 2u);
  ASSERT_FALSE(wrong.stats.malformedSamples.empty());
  EXPECT_NE(wrong.stats.malformedSamples[0].find("32-hex md5 hash, not pdq"), std::string::npos)
      << wrong.stats.malformedSamples[0];
  // A CSV with digest columns.
  const Parsed csv = parseText("md5,sha1,category,id\n" + kMd5A + "," + kSha1A + ",A1,n-1\n");
  ASSERT_EQ(csv.entries.size(), 2u);
  EXPECT_EQ(csv.entries[1].type, HashType::Sha1);
  EXPECT_EQ(csv.entries[1].id, "n-1");
  EXPECT_EQ(csv.entries[1].meta, R"({"category":"A1"})");
}

TEST(TextSources, HashRecordsGiveEveryDigest) {
  const std::string sha256 = std::string(64, 'e');
  const std::string rec = R"({"path":"/x/a.jpg","kind":"image","md5":")" + kMd5A + R"(","sha1":")" +
                          kSha1A + R"(","sha256":")" + sha256 + R"(","pdq":")" + kPdq +
                          R"(","pdq_quality":90,"phash":"0123456789abcdef"})" + "\n" +
                          R"({"path":"/x/broken.jpg","error":"undecodable","md5":")" + kMd5B +
                          R"("})" + "\n";
  const Parsed p = parseText(rec);
  ASSERT_EQ(p.entries.size(), 5u);
  EXPECT_EQ(p.entries[0].type, HashType::Pdq);
  EXPECT_EQ(p.entries[1].type, HashType::Md5);
  EXPECT_EQ(p.entries[2].type, HashType::Sha1);
  EXPECT_EQ(p.entries[3].type, HashType::Sha256);
  EXPECT_EQ(p.entries[3].hex, sha256);
  EXPECT_EQ(p.entries[4].id, "/x/broken.jpg");  // an error record's digests still list it
  EXPECT_EQ(p.entries[4].hex, kMd5B);
}

TEST(ListInput, FormatsAreDetectedFromTheFirstBytes) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("hashsieve_list_input_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  };
  auto formatOf = [&](const std::string& path) {
    Parsed p;
    p.stats = parseListInput(path, autoOptions(), collect(p), {});
    return p.stats.format;
  };
  EXPECT_EQ(formatOf(write("a.xml", "\xEF\xBB\xBF" + page("<images/>"))), ListTextFormat::NcmecXml);
  EXPECT_EQ(formatOf(write("v1.json", "{\n \"value\": []\n}\n")), ListTextFormat::VicsJson);
  EXPECT_EQ(formatOf(write("v2.json", R"({"odata.metadata":"x","value":[]})")),
            ListTextFormat::VicsJson);
  EXPECT_EQ(formatOf(write("r.jsonl", R"({"md5":")" + kMd5A + "\"}\n")), ListTextFormat::Jsonl);
  EXPECT_EQ(formatOf(write("p.txt", kMd5A + "\n")), ListTextFormat::Plain);
  EXPECT_THROW(parseListInput((dir / "missing").string(), autoOptions(), {}, {}), InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hashsieve
