// vPDQ through decodeFile + the CPU PDQ, against Meta's vPDQ built on this machine's FFmpeg:
// (1) the PyPI `vpdq` package (features from tests/media/vpdq_oracle.py, a ctest fixture) on
// the corpus and refdata videos; (2) refdata/vpdq/regenerated-ffmpeg-5.1.9, vpdq-hash-video's
// every-frame output on Debian FFmpeg 5.1, line for line.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "host/core/pdq_cpu.hpp"
#include "host/media/vpdq_format.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

/// decodeFile at vPDQ's sampling rate, each emitted frame hashed by the CPU PDQ.
std::vector<media::VpdqFrame> ourVpdq(const fs::path& p, double secondsPerHash) {
  media::Options o;
  o.videoFps = secondsPerHash > 0 ? 1.0 / secondsPerHash : 0.0;
  pdq::PdqCpu hasher;
  pdq::PdqResult r;
  std::vector<media::VpdqFrame> out;
  const media::MediaInfo info =
      media::decodeFile(p, o, [&](const ImageView& v, const media::FrameInfo& fi) {
        hasher.hash(v, false, r);
        out.push_back({fi.index, r.quality, r.hash, 0.0});
      });
  for (auto& f : out) f.timestamp = media::vpdqTimestamp(f.frameNumber, info.fps);
  return out;
}

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  for (std::string s; std::getline(ss, s, '\t');) f.push_back(s);
  return f;
}

TEST(VpdqOracle, MatchesPypiVpdq) {
  const fs::path oracle = fs::path(HASHSIEVE_BINARY_DIR) / "media-oracle/vpdq.tsv";
  if (!fs::exists(oracle))
    GTEST_SKIP() << "no vpdq oracle (venv, corpus or ../shared absent): " << oracle;
  std::ifstream in(oracle);
  std::map<std::string, fs::path> roots;
  // (label, name, seconds per hash) -> vpdq's frames, in file order.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<media::VpdqFrame>> videos;
  std::vector<std::string> refused;
  for (std::string line; std::getline(in, line);) {
    const auto f = splitTabs(line);
    if (f.size() >= 3 && f[0] == "#root") {
      roots[f[1]] = f[2];
      continue;
    }
    ASSERT_GE(f.size(), 4u) << line;
    auto& frames = videos[{f[0], f[1], f[2]}];
    if (f[3] == "error") {
      refused.push_back(f[1]);
      continue;
    }
    ASSERT_EQ(f.size(), 8u) << line;
    media::VpdqFrame v;
    v.frameNumber = std::stoll(f[4]);
    v.quality = std::stoi(f[5]);
    v.pdq = *parseHash256(f[6]);
    v.timestamp = std::stod(f[7]);
    frames.push_back(v);
  }
  EXPECT_TRUE(refused.empty()) << "vpdq refused " << refused.size() << " videos, e.g. "
                               << refused[0];
  int nVideos = 0;
  int64_t compared = 0, identical = 0;
  int maxDistance = 0;
  for (const auto& [key, want] : videos) {
    const auto& [label, name, sph] = key;
    SCOPED_TRACE(label + "/" + name + " at " + sph + " s per hash");
    const auto got = ourVpdq(roots.at(label) / name, std::stod(sph));
    EXPECT_EQ(got.size(), want.size()) << "frame counts differ";
    ++nVideos;
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
      ASSERT_EQ(got[i].frameNumber, want[i].frameNumber);
      EXPECT_EQ(got[i].timestamp, want[i].timestamp) << "frame " << got[i].frameNumber;
      const int d = hamming(got[i].pdq, want[i].pdq);
      maxDistance = std::max(maxDistance, d);
      ++compared;
      if (d == 0 && got[i].quality == want[i].quality) ++identical;
      EXPECT_EQ(d, 0) << "frame " << got[i].frameNumber;
      EXPECT_EQ(got[i].quality, want[i].quality) << "frame " << got[i].frameNumber;
    }
  }
  std::cout << "vPDQ vs PyPI vpdq: " << nVideos << " videos, " << compared << " frames compared, "
            << identical << " identical, max distance " << maxDistance << "\n";
  EXPECT_GT(nVideos, 0);
}

// Every frame of a few refdata videos, formatted as vpdq-hash-video writes them, against its
// own output on Debian FFmpeg 5.1.9 (the 128x128 variants need frames rescaled: not offered).
TEST(VpdqOracle, MatchesRegeneratedReferenceFiles) {
  HS_REQUIRE_SHARED(shared);
  const fs::path vdir = shared / "refdata/vpdq";
  int lines = 0, same = 0;
  for (const char* name : {"test-padded-dimensions", "doorknob-hd-no-bar", "pattern-sd-grey-bar"}) {
    SCOPED_TRACE(name);
    std::ifstream ref(vdir / "regenerated-ffmpeg-5.1.9" / (std::string(name) + ".txt"));
    std::vector<std::string> want;
    for (std::string l; std::getline(ref, l);) want.push_back(l);
    const auto got = ourVpdq(vdir / "videos" / (std::string(name) + ".mp4"), 0.0);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string line = media::formatVpdqLine(got[i]);
      EXPECT_EQ(line, want[i]);
      ++lines;
      same += line == want[i];
    }
  }
  std::cout << "vpdq-hash-video (FFmpeg 5.1.9) every-frame files: " << same << "/" << lines
            << " lines identical\n";
}

}  // namespace
}  // namespace hashsieve::test
