// CPU PDQ and pHash against the Python reference packages on the same pixels (the acceptance
// check): tests/oracle/make_oracle_cases.py writes RGB PPMs plus what pdqhash.compute_dihedral and
// imagehash.phash return for them.
//
// PDQ: the pdqhash binding computes luma with numpy in float64 and casts it to float32; Meta's
// C++ library (our LumaMode::Reference, the source of truth) uses float products and sums. They
// differ by one ulp on about a third of RGB triples, which flips bits where the DCT has ties (flat
// or linear areas, images a few pixels wide). So: (1) LumaMode::Float64 end to end must equal
// pdqhash on every case (the bar: 100%); (2) LumaMode::Reference must equal pdqhash wherever the
// two luma planes agree bit for bit, and the rounding residue elsewhere is counted and printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/pdq_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "tests/test_support.hpp"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxReported = 10;  // mismatches printed in full

/// $HASHSIEVE_ORACLE_CASES, else <build>/oracle-cases (where the ctest fixture generates them).
fs::path casesDir() {
  if (const char* env = std::getenv("HASHSIEVE_ORACLE_CASES"); env && *env) return env;
  return fs::path(HASHSIEVE_BINARY_DIR) / "oracle-cases";
}

struct Expected {
  std::string file;
  int width = 0, height = 0, quality = -1;
  std::array<std::string, kDihedralCount> pdq;  // orig first, reference order
  std::string phash;
};

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

struct Outcome {
  Expected want;
  bool readOk = false;
  pdq::PdqResult pdq;         // PdqCpu::hash, Meta's float luma
  pdq::PdqResult pdqFloat64;  // PdqCpu with LumaMode::Float64, pdqhash's rounding
  bool lumaPlanesEqual = false;
  Hash64 phash;
};

/// Hash, quality and the 8 dihedral hashes of `got` against the expected row; "" when identical.
std::string pdqDifference(const pdq::PdqResult& got, const Expected& want, int& worst) {
  std::string detail;
  auto note = [&detail](const std::string& s) { detail += (detail.empty() ? "" : "; ") + s; };
  if (got.quality != want.quality)
    note("quality " + std::to_string(got.quality) + " want " + std::to_string(want.quality));
  for (int v = 0; v < kDihedralCount; ++v) {
    const auto w = parseHash256(want.pdq[v]);
    const int d = w ? hamming(*w, got.dihedral[v]) : Hash256::kBits;
    worst = std::max(worst, d);
    if (d != 0) note(std::string(kDihedralNames[v]) + " " + std::to_string(d) + " bits");
  }
  if (got.hash != got.dihedral[0]) note("hash differs from the orig dihedral");
  return detail;
}

/// Reads and hashes every case once for both tests (about 0.5 GB of pixels).
class OracleCases : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path dir = casesDir();
    std::ifstream csv(dir / "expected.csv");
    if (!csv) {
      skipReason_ = "no oracle cases at " + dir.string() +
                    " (the ctest fixture oracle_cases_generate makes them when the venv with "
                    "pdqhash and imagehash exists: set HASHSIEVE_PYTHON)";
      return;
    }
    if (std::ifstream v(dir / "versions.txt"); v)
      std::printf("oracle versions:\n%s", test::readText(dir / "versions.txt").c_str());
    std::string line;
    std::getline(csv, line);  // header
    pdq::PdqCpu hasher, hasherFloat64(pdq::LumaMode::Float64);
    while (std::getline(csv, line)) {
      const auto cells = splitCsv(line);
      if (cells.size() != 4 + kDihedralCount + 1) {
        skipReason_.clear();
        formatError_ = "malformed row: " + line;
        return;
      }
      Outcome o;
      o.want.file = cells[0];
      o.want.width = std::stoi(cells[1]);
      o.want.height = std::stoi(cells[2]);
      o.want.quality = std::stoi(cells[3]);
      for (int v = 0; v < kDihedralCount; ++v) o.want.pdq[v] = cells[4 + v];
      o.want.phash = cells[4 + kDihedralCount];
      if (auto img = test::readPnm(dir / o.want.file);
          img && img->width == o.want.width && img->height == o.want.height) {
        o.readOk = true;
        hasher.hash(img->view(), /*withDihedral=*/true, o.pdq);
        hasherFloat64.hash(img->view(), /*withDihedral=*/true, o.pdqFloat64);
        const size_t n = o.want.width * static_cast<size_t>(o.want.height);
        std::vector<float> ours(n), binding(n);
        pdq::lumaPlane(img->view(), ours.data(), pdq::LumaMode::Reference);
        pdq::lumaPlane(img->view(), binding.data(), pdq::LumaMode::Float64);
        o.lumaPlanesEqual = ours == binding;
        o.phash = phash::compute(img->view());
      }
      outcomes_.push_back(std::move(o));
    }
  }
  static void TearDownTestSuite() { outcomes_.clear(); }

  void SetUp() override {
    if (!skipReason_.empty()) GTEST_SKIP() << skipReason_;
    ASSERT_TRUE(formatError_.empty()) << formatError_;
    ASSERT_FALSE(outcomes_.empty()) << "expected.csv has no cases";
  }

  static inline std::string skipReason_;
  static inline std::string formatError_;
  static inline std::vector<Outcome> outcomes_;
};

TEST_F(OracleCases, PdqFloat64LumaIdenticalToPdqhash) {
  int identical = 0, reported = 0, worst = 0;
  for (const auto& o : outcomes_) {
    ASSERT_TRUE(o.readOk) << o.want.file << " unreadable or not " << o.want.width << "x"
                          << o.want.height;
    const std::string diff = pdqDifference(o.pdqFloat64, o.want, worst);
    if (diff.empty())
      ++identical;
    else if (reported++ < kMaxReported)
      ADD_FAILURE() << o.want.file << " (" << o.want.width << "x" << o.want.height << "): " << diff;
  }
  std::printf("PDQ oracle, LumaMode::Float64 vs pdqhash: compared %zu, identical %d\n",
              outcomes_.size(), identical);
  EXPECT_EQ(identical, static_cast<int>(outcomes_.size()));
}

TEST_F(OracleCases, PdqIdenticalToPdqhashWhereLumaAgrees) {
  int identical = 0, reported = 0, lumaDiffers = 0, residue = 0, residueQ50 = 0, worst = 0;
  for (const auto& o : outcomes_) {
    ASSERT_TRUE(o.readOk) << o.want.file;
    lumaDiffers += !o.lumaPlanesEqual;
    int caseWorst = 0;
    const std::string diff = pdqDifference(o.pdq, o.want, caseWorst);
    if (diff.empty()) {
      ++identical;
      continue;
    }
    if (o.lumaPlanesEqual) {  // same float luma, different hash: a real bug
      if (reported++ < kMaxReported)
        ADD_FAILURE() << o.want.file << " (" << o.want.width << "x" << o.want.height
                      << ") differs although both luma planes are equal: " << diff;
      continue;
    }
    ++residue;
    residueQ50 += o.want.quality >= pdq::kMinQuality;
    worst = std::max(worst, caseWorst);
    if (residue <= kMaxReported)
      std::printf("  luma-rounding residue: %s (%dx%d, quality %d): %s\n", o.want.file.c_str(),
                  o.want.width, o.want.height, o.want.quality, diff.c_str());
  }
  std::printf("PDQ oracle: compared %zu, identical %d\n", outcomes_.size(), identical);
  std::printf(
      "PDQ oracle: %d cases' luma planes differ by pdqhash's float64 rounding; %d of them "
      "hash differently (%d with quality >= %d), worst %d bits\n",
      lumaDiffers, residue, residueQ50, pdq::kMinQuality, worst);
  EXPECT_EQ(reported, 0);
}

TEST_F(OracleCases, PhashIdenticalToImagehash) {
  int identical = 0, worst = 0, reported = 0;
  for (const auto& o : outcomes_) {
    ASSERT_TRUE(o.readOk) << o.want.file;
    const auto want = parseHash64(o.want.phash);
    ASSERT_TRUE(want) << o.want.file << ": bad expected pHash " << o.want.phash;
    const int d = hamming(*want, o.phash);
    worst = std::max(worst, d);
    if (d == 0) {
      ++identical;
    } else if (reported++ < kMaxReported) {
      ADD_FAILURE() << o.want.file << " (" << o.want.width << "x" << o.want.height << "): got "
                    << toHex(o.phash) << " want " << o.want.phash << " (" << d << " bits)";
    }
  }
  std::printf("pHash oracle: compared %zu, identical %d (%.2f%%), worst distance %d\n",
              outcomes_.size(), identical, 100.0 * identical / outcomes_.size(), worst);
  // Pillow's resample is integer arithmetic and the DCT replays scipy's pocketfft operation by
  // operation, so no rounding residue is expected: every hash must be identical.
  EXPECT_EQ(identical, static_cast<int>(outcomes_.size()));
}

}  // namespace
}  // namespace hashsieve
