// The vPDQ per-frame text layout: formatting by construction, and a byte-exact round trip of
// every line Meta's tool wrote (refdata/vpdq sample-hashes and the FFmpeg 5.1 regeneration).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "host/media/vpdq_format.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::media {
namespace {

TEST(VpdqFormat, LineLayout) {
  VpdqFrame f;
  f.frameNumber = 30;
  f.quality = 87;
  f.pdq = *parseHash256("e271017c5f2e1b6b0c5e4f2a3a1d2c3b4a5968778695a4b3c2d1e0f0e1d2c3b4");
  f.timestamp = 1.0005;  // %.3f rounds half away from zero on this binary value (1.000499...)
  EXPECT_EQ(formatVpdqLine(f),
            "30,87,e271017c5f2e1b6b0c5e4f2a3a1d2c3b4a5968778695a4b3c2d1e0f0e1d2c3b4,1.000");
  f.timestamp = 12.3456;
  EXPECT_EQ(formatVpdqLine(f).substr(formatVpdqLine(f).rfind(',') + 1), "12.346");
  std::ostringstream out;
  const VpdqFrame frames[2] = {f, f};
  writeVpdq(out, frames);
  EXPECT_EQ(out.str(), formatVpdqLine(f) + "\n" + formatVpdqLine(f) + "\n");
}

TEST(VpdqFormat, TimestampIsAFloatDivision) {
  // The reference divides in float: 1/30 in float is 0.0333333351..., printed 0.033.
  EXPECT_EQ(vpdqTimestamp(1, 30.0), 1.0f / 30.0f);
  EXPECT_EQ(vpdqTimestamp(299, 29.97002997), 299.0f / static_cast<float>(29.97002997));
}

TEST(VpdqFormat, ParseRejectsMalformed) {
  const std::string hex(64, 'a');
  EXPECT_TRUE(parseVpdqLine("0,100," + hex + ",0.000").has_value());
  EXPECT_TRUE(parseVpdqLine("0,100," + hex + ",0.000,extra").has_value());
  EXPECT_FALSE(parseVpdqLine("0,100," + hex).has_value());
  EXPECT_FALSE(parseVpdqLine("x,100," + hex + ",0.000").has_value());
  EXPECT_FALSE(parseVpdqLine("0,101," + hex + ",0.000").has_value());
  EXPECT_FALSE(parseVpdqLine("0,100," + hex.substr(1) + ",0.000").has_value());
  EXPECT_FALSE(parseVpdqLine("0,100," + hex + ",zero").has_value());
}

TEST(VpdqFormat, RoundTripsMetaFiles) {
  HS_REQUIRE_SHARED(shared);
  int files = 0, lines = 0;
  for (const char* sub : {"refdata/vpdq/sample-hashes", "refdata/vpdq/regenerated-ffmpeg-5.1.9"}) {
    for (const auto& e : std::filesystem::directory_iterator(shared / sub)) {
      if (e.path().extension() != ".txt") continue;
      std::ifstream in(e.path());
      ++files;
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto f = parseVpdqLine(line);
        ASSERT_TRUE(f.has_value()) << e.path() << ": " << line;
        ASSERT_EQ(formatVpdqLine(*f), line) << e.path();
        ++lines;
      }
    }
  }
  std::cout << "vPDQ files round-tripped: " << files << " files, " << lines << " lines\n";
  EXPECT_GT(lines, 1000);
}

}  // namespace
}  // namespace hashsieve::media
