// CPU PDQ against Meta's reference data in ../shared/refdata/pdq: the DCT table and the
// per-stage hex-float dumps (64x64 buffer, median, 16x16 DCT) must match bit for bit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "host/core/pdq_cpu.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::pdq {
namespace {

namespace fs = std::filesystem;

std::vector<float> parseHexFloats(const std::string& text) {
  std::vector<float> v;
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) v.push_back(std::strtof(tok.c_str(), nullptr));
  return v;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

TEST(PdqRefdata, DctMatrixIsBitExact) {
  HS_REQUIRE_SHARED(shared);
  auto expected = parseHexFloats(
      test::readText(shared / "refdata/pdq/intermediates/dct_matrix_16x64.hexfloat.txt"));
  ASSERT_EQ(expected.size(), dctMatrix().size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(bitsOf(dctMatrix()[i]), bitsOf(expected[i])) << "entry " << i;
}

struct Dump {
  std::string hash;
  int quality = -1;
  std::string image;
  std::vector<float> buffer64, dct16;
  float median = 0;
};

Dump parseDump(const fs::path& p) {
  Dump d;
  std::istringstream in(test::readText(p));
  std::string line;
  std::getline(in, line);
  auto c1 = line.find(','), c2 = line.rfind(',');
  d.hash = line.substr(0, c1);
  d.quality = std::stoi(line.substr(c1 + 1, c2 - c1 - 1));
  d.image = line.substr(c2 + 1);
  std::string section, body;
  auto flush = [&] {
    if (section == "buffer64") d.buffer64 = parseHexFloats(body);
    if (section == "dct16") d.dct16 = parseHexFloats(body);
    body.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("  buffer64x64", 0) == 0) {
      flush();
      section = "buffer64";
      continue;
    }
    if (line.rfind("  dct16x16", 0) == 0) {
      flush();
      section = "dct16";
      continue;
    }
    if (line.rfind("  median=", 0) == 0) {
      flush();
      section.clear();
      d.median = std::strtof(line.c_str() + 9, nullptr);
      continue;
    }
    if (line.rfind("   ", 0) == 0) body += line + "\n";
  }
  flush();
  return d;
}

TEST(PdqRefdata, StageDumpsMatchBitForBit) {
  HS_REQUIRE_SHARED(shared);
  const fs::path dir = shared / "refdata/pdq/intermediates";
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().string().find(".dump.txt") == std::string::npos) continue;
    Dump d = parseDump(entry.path());
    auto img = test::readPnm(dir / d.image);
    if (!img) continue;  // a dump whose decoded pixels are not stored
    SCOPED_TRACE(d.image);
    ASSERT_EQ(d.buffer64.size(), 64u * 64u);
    ASSERT_EQ(d.dct16.size(), 256u);
    PdqCpu pdq;
    PdqResult r;
    pdq.hash(img->view(), false, r);
    int bufferDiffs = 0, dctDiffs = 0;
    for (int i = 0; i < 64 * 64; ++i)
      bufferDiffs += bitsOf(pdq.buffer64()[i]) != bitsOf(d.buffer64[i]);
    for (int i = 0; i < 256; ++i) dctDiffs += bitsOf(pdq.dct16()[i]) != bitsOf(d.dct16[i]);
    EXPECT_EQ(bufferDiffs, 0);
    EXPECT_EQ(dctDiffs, 0);
    EXPECT_EQ(bitsOf(lowerMedian(pdq.dct16())), bitsOf(d.median));
    EXPECT_EQ(toHex(r.hash), d.hash);
    EXPECT_EQ(r.quality, d.quality);
    ++compared;
  }
  std::printf("PDQ stage dumps compared: %d\n", compared);
  EXPECT_GE(compared, 4);
}

// The decoded bridge photo against the reference library's eight dihedral hashes.
TEST(PdqRefdata, DihedralHashesOfBridge) {
  HS_REQUIRE_SHARED(shared);
  auto img = test::readPnm(shared / "refdata/pdq/intermediates/bridge-1-original.decoded.ppm");
  ASSERT_TRUE(img);
  std::istringstream csv(test::readText(shared / "refdata/pdq/expected/lib_fullres_dihedral.csv"));
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(csv, line)) {
    if (line.rfind("reg-test-input/dih/bridge-1-original.jpg,", 0) != 0) continue;
    std::istringstream ls(line);
    std::string f;
    while (std::getline(ls, f, ',')) fields.push_back(f);
  }
  ASSERT_EQ(fields.size(), 10u) << "bridge-1 row not found";
  PdqCpu pdq;
  PdqResult r;
  pdq.hash(img->view(), true, r);
  for (int v = 0; v < kDihedralCount; ++v)
    EXPECT_EQ(toHex(r.dihedral[v]), fields[1 + v]) << kDihedralNames[v];
  EXPECT_EQ(r.quality, std::stoi(fields[9]));
}

}  // namespace
}  // namespace hashsieve::pdq
