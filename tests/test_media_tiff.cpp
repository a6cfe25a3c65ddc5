// TIFF through libtiff (layouts against pixels known by construction, pages, orientation, error
// records, silence on stderr), the plausibility guard on FFmpeg's misdecodes of the same files,
// and JPEG leniency before the first scan. Files are written at test time by libtiff's tools
// (ppm2tiff, tiffcp, tiffset) and by hand; Pillow agreement is tests/test_media_pillow.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/input_file.hpp"
#include "host/media/plausibility.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

constexpr int kW = 101, kH = 75;  // odd sizes: partial tiles and strips at the edges

#define HS_REQUIRE_LIBTIFF_TOOLS()                                                         \
  if (!haveCommand("{ command -v tiffcp && command -v ppm2tiff && command -v tiffset; }")) \
  GTEST_SKIP() << "libtiff's tools (tiffcp, ppm2tiff, tiffset) are absent"

void run(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

/// src.ppm (noise, RGB) and src.tiff (uncompressed, one strip) in `dir`; returns the pixels.
Bytes writeSource(const TempDir& dir, uint32_t seed = 7) {
  Bytes rgb = noise(size_t{kW} * kH * 3, seed);
  writeBytes(dir / "src.ppm", pnmFile(kW, kH, 3, 255, rgb));
  run("ppm2tiff " + shellQuote((dir / "src.ppm").string()) + " " +
      shellQuote((dir / "src.tiff").string()));
  return rgb;
}

fs::path tiffcp(const TempDir& dir, const std::string& opts, const std::string& name) {
  fs::path out = dir / name;
  run("tiffcp " + opts + " " + shellQuote((dir / "src.tiff").string()) + " " +
      shellQuote(out.string()));
  return out;
}

TEST(MediaTiff, StripsTilesAndPlanesGiveTheStoredPixels) {
  HS_REQUIRE_LIBTIFF_TOOLS();
  TempDir dir;
  const Bytes rgb = writeSource(dir);
  const std::pair<const char*, const char*> layouts[] = {
      {"", "raw.tiff"},
      {"-c lzw -t -w 16 -l 16", "tiled-lzw.tiff"},
      {"-c zip -p separate", "planar-deflate.tiff"},
      {"-p separate -t -w 32 -l 32", "planar-tiled.tiff"},
      {"-c packbits -r 7", "strips7-packbits.tiff"}};
  for (const auto& [opts, name] : layouts) {
    SCOPED_TRACE(name);
    const Decoded d = decodeAll(tiffcp(dir, opts, name));
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_EQ(d.info.container, "tiff");
    EXPECT_EQ(d.frames[0].format, PixelFormat::Rgb8);
    EXPECT_EQ(d.frames[0].width, kW);
    EXPECT_EQ(d.frames[0].height, kH);
    EXPECT_TRUE(d.frames[0].pixels == rgb) << "pixels differ";
  }
}

TEST(MediaTiff, EveryPageWithAllFramesFirstOtherwise) {
  HS_REQUIRE_LIBTIFF_TOOLS();
  TempDir dir;
  const Bytes rgb = writeSource(dir);
  const fs::path lzw = tiffcp(dir, "-c lzw", "a.tiff");
  const fs::path two = dir / "two.tiff";
  run("tiffcp " + shellQuote(lzw.string()) + " " + shellQuote((dir / "src.tiff").string()) + " " +
      shellQuote(two.string()));
  EXPECT_EQ(decodeAll(two).frames.size(), 1u);
  media::Options all;
  all.allFrames = true;
  const Decoded d = decodeAll(two, all);
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_EQ(d.frameInfo[1].index, 1);
  EXPECT_TRUE(d.frames[0].pixels == rgb && d.frames[1].pixels == rgb);
}

// Pillow turns a TIFF by its Orientation tag when it loads it (only TIFF), so the decoder does
// too; --apply-orientation must not turn it a second time.
TEST(MediaTiff, OrientationTagAppliedAsPillowDoes) {
  HS_REQUIRE_LIBTIFF_TOOLS();
  TempDir dir;
  writeSource(dir);
  const fs::path f = tiffcp(dir, "", "o.tiff");
  run("tiffset -s 274 6 " + shellQuote(f.string()));  // 6: rotate 90 clockwise for display
  const Decoded stored = decodeAll(f);
  EXPECT_EQ(stored.info.orientationDegrees, 90);
  EXPECT_TRUE(stored.info.orientationApplied);
  EXPECT_EQ(stored.frames.at(0).width, kH);
  media::Options o;
  o.applyOrientation = true;
  const Decoded turned = decodeAll(f, o);
  EXPECT_EQ(turned.frames.at(0).width, kH);
  EXPECT_TRUE(turned.info.orientationApplied);
  EXPECT_TRUE(turned.frames.at(0).pixels == stored.frames.at(0).pixels);
}

/// A big-endian TIFF with the given directory entries (tag, type SHORT/LONG, one value each)
/// and `data` after the directory; StripOffsets (273) is pointed at `data`.
Bytes handTiff(const std::vector<std::pair<uint16_t, uint32_t>>& tags, const Bytes& data) {
  Bytes b = {'M', 'M', 0, 42, 0, 0, 0, 8};
  put16be(b, static_cast<uint32_t>(tags.size()));
  const uint32_t dataAt = 8 + 2 + 12 * static_cast<uint32_t>(tags.size()) + 4;
  for (auto [tag, value] : tags) {
    put16be(b, tag);
    put16be(b, 4);  // LONG
    put32be(b, 1);
    put32be(b, tag == 273 ? dataAt : value);
  }
  put32be(b, 0);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<std::pair<uint16_t, uint32_t>> greyTags(uint32_t w, uint32_t h, uint32_t bytes) {
  return {{256, w}, {257, h}, {258, 8}, {259, 1},    {262, 1},
          {273, 0}, {277, 1}, {278, h}, {279, bytes}};
}

TEST(MediaTiff, BadFilesGiveErrorRecordsAndPrintNothing) {
  TempDir dir;
  const Bytes px = noise(64 * 48, 3);
  writeBytes(dir / "ok.tiff", handTiff(greyTags(64, 48, 64 * 48), px));
  Decoded ok = decodeAll(dir / "ok.tiff");
  ASSERT_EQ(ok.frames.size(), 1u);
  EXPECT_EQ(ok.frames[0].format, PixelFormat::Gray8);
  EXPECT_TRUE(ok.frames[0].pixels == px);

  Bytes cut = readBytes(dir / "ok.tiff");
  cut.resize(cut.size() / 2);
  writeBytes(dir / "cut.tiff", cut);
  // 100000 x 100000 claimed in a file of a few bytes: refused from the header.
  writeBytes(dir / "huge.tiff", handTiff(greyTags(100000, 100000, 16), Bytes(16)));
  auto lab = greyTags(64, 48, 64 * 48);
  lab[4].second = 8;  // photometric CIELab
  writeBytes(dir / "lab.tiff", handTiff(lab, px));
  auto floats = greyTags(16, 16, 16 * 16 * 4);
  floats[2].second = 32;
  floats.push_back({339, 3});  // SampleFormat IEEE float
  writeBytes(dir / "float.tiff", handTiff(floats, Bytes(16 * 16 * 4)));
  // Within --max-pixels, but 16 bytes of LZW cannot hold 14000 x 14000 samples: refused
  // before the sample buffer (196 MB) is allocated.
  auto bomb = greyTags(14000, 14000, 16);
  bomb[3].second = 5;  // LZW
  writeBytes(dir / "bomb.tiff", handTiff(bomb, Bytes(16)));
  Bytes badIfd = {'I', 'I', 42, 0, 0xF0, 0xFF, 0, 0, 1, 2, 3};
  writeBytes(dir / "bad-ifd.tiff", badIfd);

  testing::internal::CaptureStderr();
  EXPECT_EQ(rejectReason(dir / "cut.tiff"), "truncated");
  EXPECT_EQ(rejectReason(dir / "huge.tiff"), "too large");
  EXPECT_EQ(rejectReason(dir / "bomb.tiff"), "corrupt");
  EXPECT_EQ(rejectReason(dir / "lab.tiff"), "unsupported format");
  EXPECT_EQ(rejectReason(dir / "float.tiff"), "unsupported format");
  EXPECT_EQ(rejectReason(dir / "bad-ifd.tiff"), "corrupt");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "") << "libtiff printed to stderr";
}

// The guard on the decoder that produced the misdecodes: FFmpeg 5.1's TIFF decoder turns a
// JPEG-compressed and a tiled TIFF into one flat colour; decodeFile (libtiff) gives the picture.
TEST(MediaPlausibility, FfmpegTiffMisdecodesAreSuspect) {
  HS_REQUIRE_LIBTIFF_TOOLS();
  TempDir dir;
  writeSource(dir);
  for (const char* opts : {"-c jpeg:90 -r 16", "-c lzw -t -w 16 -l 16"}) {
    SCOPED_TRACE(opts);
    const fs::path f = tiffcp(dir, opts, "m.tiff");
    media::Options opt;
    media::detail::Deadline deadline(opt.limits.timeoutSeconds);
    media::detail::InputFile file(f, opt.limits);
    media::MediaInfo info;
    info.bytes = file.size();
    std::string reason;
    const media::FrameCallback check = [&](const ImageView& v, const media::FrameInfo&) {
      try {
        media::detail::checkPlausible(v, info);
      } catch (const InputError& e) {
        reason = e.reason();
      }
    };
    const media::detail::DecodeJob job{file, opt, deadline, info, check};
    media::detail::decodeWithFFmpeg(job, nullptr);  // FFmpeg probes it: tiff_pipe
    EXPECT_EQ(reason, "suspect") << "FFmpeg decoded it and the guard let it through";
    EXPECT_EQ(rejectReason(f), "");
  }
}

TEST(MediaPlausibility, FlatPicturesThatFitTheirBytesPass) {
  Image flat(200, 100, PixelFormat::Rgb8);
  Image varied = flat;
  varied.pixels[7] = 1;
  media::MediaInfo info;
  info.codec = "png";
  info.bytes = 500;  // what a flat PNG compresses to
  EXPECT_NO_THROW(media::detail::checkPlausible(flat.view(), info));
  info.bytes = 1 << 20;
  EXPECT_NO_THROW(media::detail::checkPlausible(varied.view(), info));
  EXPECT_THROW(media::detail::checkPlausible(flat.view(), info), InputError);
  info.codec = "bmp";  // uncompressed: a flat picture fills the file
  EXPECT_NO_THROW(media::detail::checkPlausible(flat.view(), info));
  info.codec = "png";
  info.kind = media::MediaKind::Video;  // videos fade to black legitimately
  EXPECT_NO_THROW(media::detail::checkPlausible(flat.view(), info));
}

/// Offset just past the SOS segment header (the first entropy-coded byte).
size_t scanDataStart(const Bytes& j) {
  for (size_t i = 2; i + 3 < j.size(); ++i)
    if (j[i] == 0xFF && j[i + 1] == 0xDA) return i + 2 + (size_t{j[i + 2]} << 8 | j[i + 3]);
  return 0;
}

// libjpeg-turbo and Pillow decode a JPEG with stray bytes between header segments to the right
// picture; stray bytes inside the entropy-coded data are refused with a detail that says so.
TEST(MediaJpegLeniency, StrayBytesBeforeTheFirstScanOnly) {
  HS_REQUIRE_FFMPEG_CLI();
  TempDir dir;
  writeBytes(dir / "src.ppm", pnmFile(kW, kH, 3, 255, noise(size_t{kW} * kH * 3, 9)));
  run("ffmpeg -v error -y -i " + shellQuote((dir / "src.ppm").string()) + " -q:v 3 " +
      shellQuote((dir / "a.jpg").string()));
  const Bytes clean = readBytes(dir / "a.jpg");
  const Decoded want = decodeAll(dir / "a.jpg");
  const Bytes stray = {0x00, 0x13, 0x37};
  for (const uint8_t marker : {uint8_t{0xDB}, uint8_t{0xC0}, uint8_t{0xC4}}) {
    SCOPED_TRACE(static_cast<int>(marker));
    Bytes j = clean;
    const Bytes needle = {0xFF, marker};
    const auto at = std::search(j.begin() + 2, j.end(), needle.begin(), needle.end());
    ASSERT_NE(at, j.end());
    j.insert(at, stray.begin(), stray.end());
    writeBytes(dir / "stray.jpg", j);
    const Decoded got = decodeAll(dir / "stray.jpg");
    ASSERT_EQ(got.frames.size(), 1u);
    EXPECT_TRUE(got.frames[0].pixels == want.frames.at(0).pixels);
  }
  Bytes j = clean;
  const size_t scan = scanDataStart(j);
  ASSERT_GT(scan, 0u);
  const Bytes marker = {0xFF, 0xD5};  // a restart marker where none belongs
  j.insert(j.begin() + static_cast<std::ptrdiff_t>(scan + (j.size() - scan) / 2), marker.begin(),
           marker.end());
  writeBytes(dir / "in-scan.jpg", j);
  try {
    decodeAll(dir / "in-scan.jpg");
    ADD_FAILURE() << "damaged scan data accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.reason(), "corrupt");
    EXPECT_NE(std::string(e.what()).find("scan data"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hashsieve::test
