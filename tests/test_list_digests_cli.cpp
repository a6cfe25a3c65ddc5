// Hotline lists end to end through the CLI: `list build` of digest lists (stdin, /dev/stdin,
// exit status on skipped lines), `list info` per type and category, and on the small corpus a
// bundle built from an NCMEC-style XML (two pages: a deletion and an update) plus a VICS file
// naming some files by MD5/SHA-1 and one by PDQ, then `scan` and `match`: every expected match,
// and no other, with its category. Digests of the corpus files are computed here with OpenSSL.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/test_cli_support.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string fileDigest(const fs::path& p, const EVP_MD* md) {
  const std::string bytes = readText(p);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kDigits[out[i] >> 4];
    hex += kDigits[out[i] & 15];
  }
  return hex;
}

void writeText(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

class ListDigestsCli : public testing::Test {
 protected:
  CliResult run(const std::vector<std::string>& args, const std::string& stdinFile = "") {
    CliOptions o;
    o.stdinFile = stdinFile;
    return runCli(args, dir_.path(), o);
  }
  ScratchDir dir_{"cli-list-digests"};
};

const std::string kMd5A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const std::string kSha1A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

TEST_F(ListDigestsCli, BuildFromStdinAndDevStdinAndExitStatusOnSkippedLines) {
  writeText(dir_.path() / "md5.txt", kMd5A + ",case-1\n" + kSha1A + ",case-2\nnot-a-hash\n");
  CliResult r = run({"list", "build", "-", "-o", dir_ / "a.hsl"}, dir_ / "md5.txt");
  EXPECT_EQ(r.status, 1) << r.err;  // one line skipped
  EXPECT_NE(r.err.find("<stdin>:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-malformed"), std::string::npos) << r.err;
  r = run({"list", "build", "--allow-malformed", "/dev/stdin", "-o", dir_ / "b.hsl"},
          dir_ / "md5.txt");
  EXPECT_EQ(r.status, 0) << r.err;
  r = run({"list", "info", "--json", dir_ / "b.hsl"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json info = json::parse(r.out);
  EXPECT_TRUE(info["bundle"].get<bool>());
  ASSERT_EQ(info["lists"].size(), 2u);
  EXPECT_EQ(info["lists"][0]["type"], "md5");
  EXPECT_EQ(info["lists"][0]["entries"], 1);
  EXPECT_EQ(info["lists"][1]["type"], "sha1");
  // Exported as ThreatExchange lines (what python-threatexchange reads), and built back.
  r = run({"list", "export", dir_ / "b.hsl"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "md5 " + kMd5A + "\nsha1 " + kSha1A + "\n");
  writeText(dir_.path() / "te.txt", r.out);
  r = run({"list", "build", dir_ / "te.txt", "-o", dir_ / "te.hsl"});
  EXPECT_EQ(r.status, 0) << r.err;
  r = run({"list", "export", "--format", "plain", dir_ / "b.hsl"});
  EXPECT_EQ(r.out, kMd5A + ",case-1\n" + kSha1A + ",case-2\n");
  // `match` reads list texts as queries, one per line, named by their id column; `--format
  // te` writes each matched entry once.
  std::string rows;
  for (int i = 0; i < 20; ++i) rows += kMd5A + ",row" + std::to_string(i) + "\n";
  writeText(dir_.path() / "rows.csv", rows);
  r = run({"match", "--list", dir_ / "b.hsl", dir_ / "rows.csv"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto hits = parseJsonLines(r.out);
  ASSERT_EQ(hits.size(), 20u) << r.out;
  EXPECT_EQ(hits[19]["path"], "row19");
  EXPECT_EQ(hits[19]["list_id"], "case-1");
  r = run({"match", "--format", "te", "--list", dir_ / "b.hsl", dir_ / "rows.csv"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "md5 " + kMd5A + "\n");
  // Given neither records nor a list text, it says so once, not once per line.
  std::string notQueries;
  for (int i = 0; i < 20; ++i) notQueries += "not-a-hash,row" + std::to_string(i) + "\n";
  writeText(dir_.path() / "junk.txt", notQueries);
  r = run({"match", "--list", dir_ / "b.hsl", dir_ / "junk.txt"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("20 lines were not queries (5 shown)"), std::string::npos) << r.err;
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  EXPECT_EQ(lines, 6u) << r.err;
  // An MD5 list built as PDQ: nothing of the wrong kind, the kind named, exit 1.
  writeText(dir_.path() / "only-md5.txt", kMd5A + "\n");
  r = run({"list", "build", "--type", "pdq", dir_ / "only-md5.txt", "-o", dir_ / "c.hsl"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("32-hex md5 hash, not pdq"), std::string::npos) << r.err;
}

// The corpus files the lists name, by name under images/originals (bad/ for the undecodable one).
struct Expected {
  std::string file, kind, listId, category;
  bool operator<(const Expected& o) const {
    return std::tie(file, kind, listId, category) < std::tie(o.file, o.kind, o.listId, o.category);
  }
  bool operator==(const Expected&) const = default;
};
void PrintTo(const Expected& e, std::ostream* os) {
  *os << e.file << " " << e.kind << " " << e.listId << " " << e.category;
}

TEST_F(ListDigestsCli, CorpusBundleFromNcmecXmlAndVicsScanAndMatch) {
  const auto corpus = cliCorpusDir();
  if (!corpus) GTEST_SKIP() << "corpus absent (set HASHSIEVE_CORPUS)";
  const fs::path originals = *corpus / "images" / "originals";
  const fs::path undecodable = *corpus / "bad" / "random-bytes.jpg";
  auto md5 = [&](const std::string& f) { return fileDigest(originals / f, EVP_md5()); };
  auto sha1 = [&](const std::string& f) { return fileDigest(originals / f, EVP_sha1()); };

  // The PDQ of one file, from `hashsieve hash` (tested against pdqhash elsewhere).
  CliResult r = run(
      {"hash", "-q", "-o", dir_ / "astronaut.jsonl", (originals / "sk-astronaut.png").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string astronautPdq =
      json::parse(readText(dir_.path() / "astronaut.jsonl"))["pdq"].get<std::string>();

  const std::string ns = "https://hashsharing.ncmec.org/hashsharing/v2";
  auto entry = [](const std::string& tag, const std::string& id, const std::string& cls,
                  const std::string& prints) {
    return "<" + tag + "><member id=\"42\">Example Member</member><timestamp>2024-01-0" +
           "2T00:00:00Z</timestamp><id>" + id + "</id><classification>" + cls +
           "</classification><fingerprints>" + prints + "</fingerprints></" + tag + ">";
  };
  const std::string page1 =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<queryResult xmlns=\"" + ns + "\"><images>" +
      entry("image", "n-dragonfly", "A1",
            "<md5>" + md5("lo-dragonfly.jpg") + "</md5><pdna>AAAA</pdna>") +
      entry("image", "n-kleiber", "B1", "<sha1>" + sha1("lo-kleiber.jpg") + "</sha1>") +
      entry("image", "n-astronaut", "A2", "<pdq>" + astronautPdq + "</pdq>") +
      entry("image", "n-wine", "A1", "<md5>" + md5("lo-wine.jpg") + "</md5>") +
      entry("image", "n-camera", "A1", "<md5>" + md5("sk-camera.png") + "</md5>") +
      "</images></queryResult>\n";
  // Page 2 deletes the wine entry and reclassifies the camera entry.
  const std::string page2 =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<queryResult xmlns=\"" + ns + "\"><images>" +
      "<deletedImage><id>n-wine</id></deletedImage>" +
      entry("image", "n-camera", "A2", "<md5>" + md5("sk-camera.png") + "</md5>") +
      "</images></queryResult>\n";
  writeText(dir_.path() / "page1.xml", page1);
  writeText(dir_.path() / "page2.xml", page2);
  const json vics = {
      {"odata.metadata",
       "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/1.3.xml/US/"
       "$metadata#Media"},
      {"value",
       {{{"MediaID", 1}, {"Category", 1}, {"MD5", md5("ma-ladybird.jpg")}},
        {{"MediaID", 2}, {"Category", 2}, {"SHA1", sha1("sk-coffee.png")}},
        {{"MediaID", 3}, {"Category", 3}, {"MD5", fileDigest(undecodable, EVP_md5())}}}}};
  writeText(dir_.path() / "case.json", vics.dump(2));

  r = run({"list", "build", dir_ / "page1.xml", dir_ / "page2.xml", dir_ / "case.json", "-o",
           dir_ / "bundle.hsl"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("ignored 1 pdna fingerprints"), std::string::npos) << r.err;
  r = run({"list", "info", dir_ / "bundle.hsl"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bundle: 3 lists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[md5]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  A2: 1"), std::string::npos) << r.out;

  const std::set<Expected> expected = {
      {"lo-dragonfly.jpg", "md5", "n-dragonfly", "A1"},
      {"lo-kleiber.jpg", "sha1", "n-kleiber", "B1"},
      {"sk-astronaut.png", "pdq", "n-astronaut", "A2"},
      {"sk-camera.png", "md5", "n-camera", "A2"},
      {"ma-ladybird.jpg", "md5", "1", "1"},
      {"sk-coffee.png", "sha1", "2", "2"},
      {"random-bytes.jpg", "md5", "3", "3"},
  };
  std::vector<std::string> inputs;
  for (const auto& e : fs::directory_iterator(originals)) inputs.push_back(e.path().string());
  inputs.push_back(undecodable.string());
  auto found = [](const std::vector<json>& records) {
    std::set<Expected> got;
    for (const json& rec : records) {
      const std::string file = fs::path(rec["path"].get<std::string>()).filename().string();
      auto add = [&](const json& m) {
        got.insert({file, m.value("kind", "pdq"), m["list_id"].get<std::string>(),
                    m["list_meta"]["category"].get<std::string>()});
      };
      if (rec.contains("matches"))
        for (const json& m : rec["matches"]) add(m);
      else if (rec.contains("list_id"))
        add(rec);  // `match` writes one record per match
    }
    return got;
  };

  std::vector<std::string> scanArgs = {
      "scan", "-q", "--threads", "2", "--list", dir_ / "bundle.hsl", "-o", dir_ / "scan.jsonl"};
  scanArgs.insert(scanArgs.end(), inputs.begin(), inputs.end());
  r = run(scanArgs);
  EXPECT_EQ(r.status, 1) << r.err;  // the undecodable file is an error record
  const std::vector<json> scanned = parseJsonLines(readText(dir_.path() / "scan.jsonl"));
  EXPECT_EQ(scanned.size(), inputs.size());
  EXPECT_EQ(found(scanned), expected);
  for (const json& rec : scanned)
    if (rec["path"].get<std::string>() == undecodable.string()) {
      EXPECT_TRUE(rec.contains("error"));
      EXPECT_EQ(rec["matches"][0]["distance"], 0);
    }

  // The same answer from `hash` then `match`.
  std::vector<std::string> hashArgs = {"hash", "-q", "--dihedral", "-o", dir_ / "h.jsonl"};
  hashArgs.insert(hashArgs.end(), inputs.begin(), inputs.end());
  EXPECT_EQ(run(hashArgs).status, 1);
  r = run({"match", "--list", dir_ / "bundle.hsl", dir_ / "h.jsonl"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(found(parseJsonLines(r.out)), expected);

  // A VICS case file: every file with digests, the VICS categories of the matched entries, and
  // it reads back as a VICS list source.
  std::vector<std::string> vicsArgs = {"scan",     "-q",
                                       "--format", "vics",
                                       "--list",   dir_ / "bundle.hsl",
                                       "-o",       dir_ / "case-out.json"};
  vicsArgs.insert(vicsArgs.end(), inputs.begin(), inputs.end());
  EXPECT_EQ(run(vicsArgs).status, 1);
  const json caseFile = json::parse(readText(dir_.path() / "case-out.json"));
  std::map<std::string, json> media;
  for (const json& m : caseFile["value"]) media[m["Name"].get<std::string>()] = m;
  EXPECT_EQ(media.size(), inputs.size());
  EXPECT_EQ(media["ma-ladybird.jpg"]["Category"], 1);
  EXPECT_EQ(media["sk-coffee.png"]["Category"], 2);
  EXPECT_EQ(media["random-bytes.jpg"]["Category"], 3);
  EXPECT_FALSE(media["lo-dragonfly.jpg"].contains("Category"));  // NCMEC's A1 is not a number
  EXPECT_NE(media["lo-dragonfly.jpg"]["Comments"].get<std::string>().find("md5 n-dragonfly (A1)"),
            std::string::npos);
  EXPECT_FALSE(media["lo-wine.jpg"]["IsPrecategorized"].get<bool>());
  std::string md5Upper = md5("lo-wine.jpg");
  for (char& c : md5Upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(media["lo-wine.jpg"]["MD5"], md5Upper);
  r = run({"list", "build", dir_ / "case-out.json", "-o", dir_ / "roundtrip.hsl"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("vics-json"), std::string::npos) << r.err;

  // `hash --format vics`: the same media without list categories.
  std::vector<std::string> hashVics = {"hash", "-q", "--format",
                                       "vics", "-o", dir_ / "hash-case.json"};
  hashVics.insert(hashVics.end(), inputs.begin(), inputs.end());
  EXPECT_EQ(run(hashVics).status, 1);
  const json hashCase = json::parse(readText(dir_.path() / "hash-case.json"));
  EXPECT_EQ(hashCase["value"].size(), inputs.size());
  for (const json& m : hashCase["value"]) {
    EXPECT_FALSE(m.contains("Category"));
    if (m["Name"] == "lo-wine.jpg") EXPECT_EQ(m["MD5"], md5Upper);
  }

  // CSV: the error row carries its digests and the exact match row its kind.
  r = run({"scan", "-q", "--format", "csv", "--list", dir_ / "bundle.hsl", "-o", dir_ / "scan.csv",
           undecodable.string()});
  const std::string csv = readText(dir_.path() / "scan.csv");
  EXPECT_NE(csv.find(fileDigest(undecodable, EVP_sha256())), std::string::npos) << csv;
  EXPECT_NE(csv.find(",md5,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace hashsieve::test
