// Decoded pixels equal Pillow's (digests from tests/media/pillow_oracle.py, a ctest fixture)
// on the corpus and refdata images, and PDQ of the refdata images through decodeFile equals
// Meta's reference library output (refdata lib_fullres*.csv).
#include <gtest/gtest.h>

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

TEST(MediaPillow, PixelsIdenticalToPillow) {
  const fs::path oracle = fs::path(HASHSIEVE_BINARY_DIR) / "media-oracle/pillow.tsv";
  if (!fs::exists(oracle)) GTEST_SKIP() << "no Pillow oracle (venv or corpus absent): " << oracle;
  std::ifstream in(oracle);
  std::map<std::string, fs::path> roots;
  int compared = 0, identical = 0, bothRejected = 0, rejectedByDesign = 0;
  std::map<std::string, std::pair<int, int>> byExt;
  for (std::string line; std::getline(in, line);) {
    const auto f = splitTabs(line);
    if (f.size() >= 3 && f[0] == "#root") {
      roots[f[1]] = f[2];
      continue;
    }
    ASSERT_EQ(f.size(), 9u) << line;
    const fs::path p = roots.at(f[0]) / f[1];
    SCOPED_TRACE(p.string());
    // One decode: the frames, or the reason it was refused.
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
    // Pillow decodes two damaged corpus files silently (corrupt scan, bad CRC); we reject them.
    if (f[1].rfind("bad/", 0) == 0 &&
        (f[1].find("corrupt") != std::string::npos || f[1].find("bad-crc") != std::string::npos)) {
      EXPECT_NE(reason, "");
      ++rejectedByDesign;
      continue;
    }
    if (!reason.empty()) {
      ADD_FAILURE() << "Pillow decodes it; decodeFile refused it: " << reason;
      continue;
    }
    ASSERT_EQ(d.frames.size(), 1u);
    const Image& img = d.frames[0];
    ++compared;
    const std::string ext = p.extension().string();
    ++byExt[ext].first;
    const bool same = img.width == std::stoi(f[4]) && img.height == std::stoi(f[5]) &&
                      (img.format == PixelFormat::Gray8) == (f[3] == "gray") &&
                      pixelDigest(img) == f[6];
    EXPECT_TRUE(same) << "differs from Pillow (" << f[3] << " " << f[4] << "x" << f[5] << ")";
    if (same) {
      ++identical;
      ++byExt[ext].second;
    }
  }
  std::cout << "Pillow agreement: " << identical << "/" << compared << " images pixel-identical;";
  for (const auto& [ext, n] : byExt) std::cout << " " << ext << " " << n.second << "/" << n.first;
  std::cout << "; rejected by both: " << bothRejected
            << "; damaged files Pillow accepts, we reject: " << rejectedByDesign << "\n";
  EXPECT_GT(compared, 0);
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
