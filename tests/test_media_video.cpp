// Video decoding: vPDQ sampling (frame counts, indices, timestamps) on videos made by the
// ffmpeg CLI and on the corpus videos (frame counts and rates from the manifest), and the
// display-matrix rotation.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

class MediaVideo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!haveCommand("ffmpeg -version")) return;
    dir_ = new TempDir;
    // 20 frames at 10 fps, 64x48; and the same with a 90-degree display matrix (tkhd).
    const std::string src =
        "ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=2 -c:v mpeg4 ";
    const std::string v = shellQuote((*dir_ / "v.mp4").string());
    const std::string rot = shellQuote((*dir_ / "rot.mp4").string());
    // FFmpeg 5.1 writes the rotate tag as a tkhd display matrix only when stream-copying.
    ok_ =
        std::system((src + v).c_str()) == 0 &&
        std::system(
            ("ffmpeg -v error -y -i " + v + " -c copy -metadata:s:v:0 rotate=90 " + rot).c_str()) ==
            0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    HS_REQUIRE_FFMPEG_CLI();
    ASSERT_TRUE(ok_) << "ffmpeg could not make the test videos";
  }
  static inline TempDir* dir_ = nullptr;
  static inline bool ok_ = false;
};

TEST_F(MediaVideo, SamplingFollowsVpdqFrameMod) {
  // frameMod = (int)(avg_frame_rate / videoFps): 10 fps at 1 -> every 10th, at 2 -> every 5th,
  // at 0 -> every frame; at 0.5 -> every 20th.
  const std::pair<double, std::vector<int64_t>> cases[] = {
      {1.0, {0, 10}}, {2.0, {0, 5, 10, 15}}, {0.5, {0}}, {0.0, {}}};
  for (const auto& [fps, want] : cases) {
    SCOPED_TRACE("videoFps " + std::to_string(fps));
    media::Options o;
    o.videoFps = fps;
    const Decoded d = decodeAll(*dir_ / "v.mp4", o);
    EXPECT_EQ(d.info.kind, media::MediaKind::Video);
    EXPECT_EQ(d.info.framesDecoded, 20);
    EXPECT_DOUBLE_EQ(d.info.fps, 10.0);
    EXPECT_NEAR(d.info.duration, 2.0, 0.05);
    EXPECT_EQ(d.info.codec, "mpeg4");
    std::vector<int64_t> expect = want;
    if (fps == 0.0)
      for (int64_t n = 0; n < 20; ++n) expect.push_back(n);
    ASSERT_EQ(d.frameInfo.size(), expect.size());
    EXPECT_EQ(d.info.framesEmitted, static_cast<int64_t>(expect.size()));
    for (size_t i = 0; i < expect.size(); ++i) {
      EXPECT_EQ(d.frameInfo[i].index, expect[i]);
      EXPECT_DOUBLE_EQ(d.frameInfo[i].timestamp, static_cast<double>(expect[i]) / 10.0);
      EXPECT_EQ(d.frames[i].width, 64);
      EXPECT_EQ(d.frames[i].height, 48);
      EXPECT_EQ(d.frames[i].format, PixelFormat::Rgb8);
    }
  }
}

TEST_F(MediaVideo, DisplayMatrixReportedAndApplied) {
  // Oracles: ffprobe's rotation (counter-clockwise degrees) and the ffmpeg CLI's autorotated
  // first frame (converted with the same swscale flags).
  const std::string rot = shellQuote((*dir_ / "rot.mp4").string());
  const int ccw =
      std::stoi(captureCommand("ffprobe -v error -select_streams v:0 -show_entries "
                               "stream_side_data=rotation -of csv=p=0 " +
                               rot));
  const Decoded stored = decodeAll(*dir_ / "rot.mp4");
  EXPECT_EQ(stored.info.orientationDegrees, ((-ccw % 360) + 360) % 360);
  EXPECT_NE(stored.info.orientationDegrees, 0);
  EXPECT_FALSE(stored.info.orientationApplied);
  ASSERT_FALSE(stored.frames.empty());
  EXPECT_EQ(stored.frames[0].width, 64);

  media::Options o;
  o.applyOrientation = true;
  const Decoded shown = decodeAll(*dir_ / "rot.mp4", o);
  EXPECT_TRUE(shown.info.orientationApplied);
  ASSERT_EQ(shown.frames.size(), stored.frames.size());
  const Image& b = shown.frames[0];
  EXPECT_EQ(b.width, 48);
  EXPECT_EQ(b.height, 64);
  const std::string cli = captureCommand(
      "ffmpeg -v error -i " + rot + " -frames:v 1 -sws_flags area -f rawvideo -pix_fmt rgb24 -");
  ASSERT_EQ(cli.size(), b.pixels.size());
  EXPECT_TRUE(
      std::equal(b.pixels.begin(), b.pixels.end(), reinterpret_cast<const uint8_t*>(cli.data())))
      << "differs from the ffmpeg CLI's autorotated frame";
}

// Corpus videos: decoded frame counts and rates as the manifest (ffprobe) states them; one
// emitted frame per frameMod decoded frames; the rotated portrait's display matrix.
TEST(MediaCorpusVideo, FrameCountsAndRates) {
  HS_REQUIRE_CORPUS(corpus);
  // The short ones and one per codec/container family keep this test quick.
  const std::set<std::string> chosen = {
      "videos/cockatoo__trim-2s-mid.mp4", "videos/realshort.mp4",
      "videos/newtonscradle__to-mp4.mp4", "videos/cockatoo__vfr.mp4",
      "videos/cockatoo__mjpeg.avi",       "videos/cockatoo__vp9.webm",
      "videos/cockatoo__hflip.mkv",       "videos/portrait__rotated-metadata.mp4"};
  std::ifstream manifest(corpus / "manifest.jsonl");
  int checked = 0;
  for (std::string line; std::getline(manifest, line);) {
    const auto j = nlohmann::json::parse(line);
    if (!chosen.count(j["path"].get<std::string>())) continue;
    SCOPED_TRACE(j["path"].get<std::string>());
    const Decoded d = decodeAll(corpus / j["path"].get<std::string>());
    const int64_t frames = j["frames"];
    const double fps = j["fps"];
    EXPECT_EQ(d.info.framesDecoded, frames);
    EXPECT_NEAR(d.info.fps, fps, 1e-3);
    EXPECT_NEAR(d.info.duration, j["duration"].get<double>(), 0.1);
    const int64_t mod = std::max<int64_t>(1, static_cast<int64_t>(d.info.fps));  // videoFps 1
    EXPECT_EQ(d.info.framesEmitted, (frames + mod - 1) / mod);
    EXPECT_EQ(d.info.framesDamaged, 0);
    EXPECT_EQ(d.info.digests.sha256, j["sha256"].get<std::string>());
    const int rotation = j.contains("display_rotation") && !j["display_rotation"].is_null()
                             ? j["display_rotation"].get<int>()
                             : 0;
    EXPECT_EQ(d.info.orientationDegrees,
              ((-rotation % 360) + 360) % 360);  // ffprobe: counter-clockwise
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(chosen.size()));
}

TEST(MediaCorpusVideo, AnimatedGifAllFrames) {
  HS_REQUIRE_CORPUS(corpus);
  media::Options o;
  o.allFrames = true;
  const Decoded d = decodeAll(corpus / "videos/newtonscradle.gif", o);
  EXPECT_EQ(d.info.kind, media::MediaKind::Image);
  EXPECT_EQ(d.info.framesDecoded, 36);  // manifest: frames 36
  EXPECT_EQ(d.frames.size(), 36u);
  EXPECT_EQ(decodeAll(corpus / "videos/newtonscradle.gif").frames.size(), 1u);
}

}  // namespace
}  // namespace hashsieve::test
