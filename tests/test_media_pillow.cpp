// Decoded pixels equal Pillow's and PDQ agrees with pdqhash (digests and hashes from
// tests/media/pillow_oracle.py, a ctest fixture) on the corpus, refdata and generated variants
// (tests/media/make_variants.py), differences only as tests/media/FIDELITY.md explains them;
// PDQ of the refdata images through decodeFile equals Meta's reference library output.
#include <fnmatch.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/file_digests.hpp"
#include "host/core/pdq_cpu.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  for (std::string s; std::getline(ss, s, '\t');) f.push_back(s);
  return f;
}

std::vector<std::string> splitCsv(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> f;
  std::stringstream ss(line);
  for (std::string s; std::getline(ss, s, ',');) f.push_back(s);
  return f;
}

/// sha256 of the tightly packed pixels, as the oracle computes it.
std::string pixelDigest(const Image& img) { return digestBytes(img.pixels).sha256; }

/// A row of the known-differences table in tests/media/FIDELITY.md: a glob on "root/relpath"
/// and what we do with the file ("refused" or "differs").
struct KnownDifference {
  std::string glob, ours;
};

/// The table is the documentation: rows "| `glob` | refused|differs | why |".
std::vector<KnownDifference> knownDifferences() {
  std::ifstream in(fs::path(HASHSIEVE_SOURCE_DIR) / "tests/media/FIDELITY.md");
  std::vector<KnownDifference> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string c; std::getline(ss, c, '|');) {
      c.erase(0, c.find_first_not_of(' '));
      c.erase(c.find_last_not_of(' ') + 1);
      cells.push_back(c);
    }
    if (cells.size() >= 2 && cells[0].size() > 2)
      rows.push_back({cells[0].substr(1, cells[0].size() - 2), cells[1]});
  }
  return rows;
}

std::string explained(const std::vector<KnownDifference>& table, const std::string& key,
                      const std::string& ours) {
  for (const auto& row : table)
    if (row.ours == ours && ::fnmatch(row.glob.c_str(), key.c_str(), 0) == 0) return row.glob;
  return "";
}

/// Per file extension: what Pillow decoded, what we decoded, pixel and PDQ agreement.
struct FormatStats {
  int pillow = 0, decoded = 0, pixelIdentical = 0, pdqCompared = 0, pdqIdentical = 0,
      pdqWithin10 = 0, pdqMax = 0;
};

constexpr int kAgreeBits = 10;         // the agreement threshold asked for
constexpr double kTargetShare = 0.98;  // decoded share and agreement share (the targets asked for)

// One decode per file: pixels against Pillow's (identical, or refused/different as the
// FIDELITY.md table explains), and PDQ with the pdqhash-compatible luma (--pdq-luma float64)
// against pdqhash on Pillow's pixels. Prints the per-format table FIDELITY.md quotes.
TEST(MediaPillow, PixelsAndPdqAgreeWithPillow) {
  const fs::path oracle = fs::path(HASHSIEVE_BINARY_DIR) / "media-oracle/pillow.tsv";
  if (!fs::exists(oracle)) GTEST_SKIP() << "no Pillow oracle (venv absent): " << oracle;
  const std::vector<KnownDifference> table = knownDifferences();
  ASSERT_FALSE(table.empty()) << "tests/media/FIDELITY.md has no known-differences table";
  std::ifstream in(oracle);
  std::map<std::string, fs::path> roots;
  std::map<std::string, FormatStats> byExt;
  FormatStats all;
  int bothRejected = 0, explainedCount = 0;
  pdq::PdqCpu hasher(pdq::LumaMode::Float64), reference(pdq::LumaMode::Reference);
  pdq::PdqResult r, rr;
  int lumaCompared = 0, lumaDiffer = 0, lumaMax = 0;  // --pdq-luma reference vs float64
  for (std::string line; std::getline(in, line);) {
    const auto f = splitTabs(line);
    if (f.size() >= 3 && f[0] == "#root") {
      roots[f[1]] = f[2];
      continue;
    }
    ASSERT_EQ(f.size(), 9u) << line;
    const fs::path p = roots.at(f[0]) / f[1];
    const std::string key = f[0] + "/" + f[1];
    SCOPED_TRACE(p.string());
    std::string reason;
    Decoded d;
    try {
      d = decodeAll(p);
    } catch (const InputError& e) {
      reason = e.reason();
    }
    if (f[2] != "ok") {
      EXPECT_NE(reason, "") << "Pillow refuses it (" << f[3] << "), decodeFile accepted it";
      ++bothRejected;
      continue;
    }
    std::string ext = p.extension().string();
    if (ext == ".jpeg") ext = ".jpg";
    if (ext == ".tif") ext = ".tiff";
    FormatStats& st = byExt[ext];
    ++st.pillow;
    ++all.pillow;
    if (!reason.empty()) {
      if (explained(table, key, "refused").empty())
        ADD_FAILURE() << "Pillow decodes it; decodeFile refused it (" << reason
                      << ") and FIDELITY.md does not explain it";
      else
        ++explainedCount;
      continue;
    }
    ASSERT_EQ(d.frames.size(), 1u);
    ++st.decoded;
    ++all.decoded;
    const Image& img = d.frames[0];
    const bool same = img.width == std::stoi(f[4]) && img.height == std::stoi(f[5]) &&
                      (img.format == PixelFormat::Gray8) == (f[3] == "gray") &&
                      pixelDigest(img) == f[6];
    st.pixelIdentical += same;
    all.pixelIdentical += same;
    const bool excused = !same && !explained(table, key, "differs").empty();
    explainedCount += excused;
    EXPECT_TRUE(same || excused) << "differs from Pillow (" << f[3] << " " << f[4] << "x" << f[5]
                                 << ") and FIDELITY.md does not explain it";
    hasher.hash(img.view(), false, r);
    reference.hash(img.view(), false, rr);
    const int lumaDist = hamming(r.hash, rr.hash);
    ++lumaCompared;
    lumaDiffer += lumaDist > 0;
    lumaMax = std::max(lumaMax, lumaDist);
    if (f[7] == "-") continue;  // no pdqhash in the venv
    const int dist = hamming(r.hash, *parseHash256(f[7]));
    for (FormatStats* s : {&st, &all}) {
      ++s->pdqCompared;
      s->pdqIdentical += dist == 0;
      s->pdqWithin10 += dist <= kAgreeBits;
      s->pdqMax = std::max(s->pdqMax, dist);
    }
    if (dist > kAgreeBits) {
      EXPECT_FALSE(explained(table, key, "differs").empty())
          << "PDQ " << dist << " bits from pdqhash on Pillow's pixels, not explained";
    }
  }
  std::cout << "format  pillow  decoded  pixel-identical  pdq: compared identical within"
            << kAgreeBits << " max\n";
  byExt["all"] = all;
  for (const auto& [ext, s] : byExt)
    std::cout << ext << "  " << s.pillow << "  " << s.decoded << "  " << s.pixelIdentical << "  "
              << s.pdqCompared << " " << s.pdqIdentical << " " << s.pdqWithin10 << " " << s.pdqMax
              << "\n";
  std::cout << "--pdq-luma reference vs float64 on these pictures: " << lumaDiffer << "/"
            << lumaCompared << " hashes differ, at most " << lumaMax << " bits\n";
  std::cout << "rejected by both: " << bothRejected
            << "; differences explained in FIDELITY.md: " << explainedCount << "\n";
  ASSERT_GT(all.pillow, 0);
  EXPECT_GE(all.decoded, kTargetShare * all.pillow);
  if (all.pdqCompared > 0) {
    EXPECT_GE(all.pdqWithin10, kTargetShare * all.pdqCompared);
  }
}

// Meta's reference library on ImageMagick-decoded pixels (refdata README): our decode plus
// our CPU PDQ must give the same 256 bits, quality and 8 dihedral hashes.
TEST(MediaRefdata, PdqThroughDecodeEqualsLibFullres) {
  HS_REQUIRE_SHARED(shared);
  const fs::path pdqDir = shared / "refdata/pdq";
  std::ifstream csv(pdqDir / "expected/lib_fullres_dihedral.csv");
  std::string line;
  std::getline(csv, line);  // header: image,orig,rot90,...,quality
  pdq::PdqCpu hasher;
  pdq::PdqResult r;
  int compared = 0, identical = 0;
  while (std::getline(csv, line)) {
    const auto f = splitCsv(line);
    ASSERT_EQ(f.size(), 10u) << line;
    SCOPED_TRACE(f[0]);
    const Decoded d = decodeAll(pdqDir / "images" / f[0]);
    ASSERT_EQ(d.frames.size(), 1u);
    hasher.hash(d.frames[0].view(), true, r);
    bool same = r.quality == std::stoi(f[9]);
    for (int v = 0; v < kDihedralCount; ++v) {
      EXPECT_EQ(toHex(r.dihedral[v]), f[1 + v]) << kDihedralNames[v];
      same = same && toHex(r.dihedral[v]) == f[1 + v];
    }
    EXPECT_EQ(toHex(r.hash), f[1]);
    EXPECT_EQ(r.quality, std::stoi(f[9]));
    ++compared;
    identical += same;
  }
  std::cout << "refdata lib_fullres (decode + PDQ + dihedral): " << identical << "/" << compared
            << " identical\n";
  EXPECT_EQ(compared, 49);
}

// python-threatexchange's literal vectors (refdata python_threatexchange_vectors.csv).
TEST(MediaRefdata, PythonThreatexchangeVectors) {
  HS_REQUIRE_SHARED(shared);
  const fs::path dir = shared / "refdata/pdq/images-python-threatexchange";
  const std::pair<const char*, const char*> cases[] = {
      {"LA.png", "accb6d39648035f8125c8ce6ba65007de7b54c67a2d93ef7b8f33b0611306715"},
      {"rgb.jpeg", "fb4eed46cb8a6c78819ca06b756c541f7b07ef6d02c82fccd00f862166272cda"},
      {"random_26x28_from_test_pdq_hasher.png",
       "ad64cd9875e131a177b1f2a0d6b38ae1de9ea80421e4c51dde1b0363deba3466"}};
  pdq::PdqCpu hasher;
  pdq::PdqResult r;
  for (const auto& [name, hex] : cases) {
    SCOPED_TRACE(name);
    const Decoded d = decodeAll(dir / name);
    ASSERT_EQ(d.frames.size(), 1u);
    hasher.hash(d.frames[0].view(), false, r);
    EXPECT_EQ(toHex(r.hash), hex);
  }
  // I16.png: python-threatexchange's vector needs 16-bit samples clipped to 255 (newer Pillow's
  // I;16 -> RGB); we keep the high byte, as for 16-bit RGB. Reported, not asserted.
  const Decoded d = decodeAll(dir / "I16.png");
  hasher.hash(d.frames.at(0).view(), false, r);
  const auto want =
      parseHash256("de2ef0e99ecdfc1d248a0eb055f023d1d61e79c3920cbb55d561c02accab1763");
  std::cout << "I16.png (16-bit grey, high byte): distance " << hamming(r.hash, *want)
            << " to the clipped-sample vector\n";
}

}  // namespace
}  // namespace hashsieve::test
