// decodeFile on still images whose pixels are known by construction (hand-written PNG, GIF,
// BMP, PNM; lossless files made by the ffmpeg CLI), the ImageMagick-decoded refdata JPEGs,
// and EXIF orientation against the EXIF specification's definitions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

Image expectImage(int w, int h, PixelFormat f, const Bytes& px) {
  Image img(w, h, f);
  img.pixels = px;
  return img;
}

void expectSame(const Image& got, const Image& want) {
  ASSERT_EQ(got.width, want.width);
  ASSERT_EQ(got.height, want.height);
  ASSERT_EQ(got.format, want.format);
  EXPECT_TRUE(got.pixels == want.pixels) << "pixels differ";
}

Image decodeOne(const fs::path& p, media::MediaInfo* info = nullptr, const media::Options& o = {}) {
  Decoded d = decodeAll(p, o);
  EXPECT_EQ(d.frames.size(), 1u);
  if (info) *info = d.info;
  return d.frames.empty() ? Image() : d.frames[0];
}

constexpr int kW = 13, kH = 7;  // odd sizes: no row happens to be aligned

TEST(MediaPng, Rgb8Exact) {
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 1);
  writeBytes(dir / "a.png", pngFile(kW, kH, 8, 2, rgb, kW * 3));
  media::MediaInfo info;
  expectSame(decodeOne(dir / "a.png", &info), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
  EXPECT_EQ(info.kind, media::MediaKind::Image);
  EXPECT_EQ(info.width, kW);
  EXPECT_EQ(info.height, kH);
  EXPECT_EQ(info.framesDecoded, 1);
}

TEST(MediaPng, GreyKeepsGreyPath) {
  TempDir dir;
  const Bytes g = noise(kW * kH, 2);
  writeBytes(dir / "g.png", pngFile(kW, kH, 8, 0, g, kW));
  expectSame(decodeOne(dir / "g.png"), expectImage(kW, kH, PixelFormat::Gray8, g));
}

TEST(MediaPng, GreyAlphaDropsAlphaNotComposited) {
  TempDir dir;
  const Bytes ga = noise(kW * kH * 2, 3);
  Bytes g;
  for (size_t i = 0; i < ga.size(); i += 2) g.push_back(ga[i]);
  writeBytes(dir / "ga.png", pngFile(kW, kH, 8, 4, ga, kW * 2));
  expectSame(decodeOne(dir / "ga.png"), expectImage(kW, kH, PixelFormat::Gray8, g));
}

TEST(MediaPng, RgbaDropsAlphaEvenWhereTransparent) {
  TempDir dir;
  Bytes rgba = noise(kW * kH * 4, 4);
  for (size_t i = 3; i < rgba.size(); i += 16) rgba[i] = 0;  // some fully transparent pixels
  Bytes rgb;
  for (size_t i = 0; i < rgba.size(); i += 4)
    rgb.insert(rgb.end(), {rgba[i], rgba[i + 1], rgba[i + 2]});
  writeBytes(dir / "rgba.png", pngFile(kW, kH, 8, 6, rgba, kW * 4));
  expectSame(decodeOne(dir / "rgba.png"), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
}

TEST(MediaPng, PaletteBecomesTrueRgb) {
  TempDir dir;
  constexpr int kColours = 40;
  const Bytes plte = noise(kColours * 3, 5);
  Bytes trns(kColours, 255);
  trns[3] = 0;  // a transparent entry: its colour still comes through
  Bytes idx = noise(kW * kH, 6);
  for (auto& v : idx) v %= kColours;
  Bytes rgb;
  for (uint8_t i : idx) rgb.insert(rgb.end(), {plte[3 * i], plte[3 * i + 1], plte[3 * i + 2]});
  writeBytes(dir / "p.png", pngFile(kW, kH, 8, 3, idx, kW, {{"PLTE", plte}, {"tRNS", trns}}));
  expectSame(decodeOne(dir / "p.png"), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
}

TEST(MediaPng, SixteenBitKeepsHighByte) {
  TempDir dir;
  const Bytes s16 = noise(kW * kH * 6, 7);  // big-endian 16-bit samples
  Bytes rgb;
  for (size_t i = 0; i < s16.size(); i += 2) rgb.push_back(s16[i]);
  writeBytes(dir / "rgb16.png", pngFile(kW, kH, 16, 2, s16, kW * 6));
  expectSame(decodeOne(dir / "rgb16.png"), expectImage(kW, kH, PixelFormat::Rgb8, rgb));

  const Bytes g16 = noise(kW * kH * 2, 8);
  Bytes g;
  for (size_t i = 0; i < g16.size(); i += 2) g.push_back(g16[i]);
  writeBytes(dir / "g16.png", pngFile(kW, kH, 16, 0, g16, kW * 2));
  expectSame(decodeOne(dir / "g16.png"), expectImage(kW, kH, PixelFormat::Gray8, g));
}

TEST(MediaPng, OneBitGreyIsBlackAndWhite) {
  TempDir dir;
  constexpr int kRowBytes = (kW + 7) / 8;
  const Bytes bits = noise(kRowBytes * kH, 9);
  Bytes g;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x)
      g.push_back(((bits[y * kRowBytes + x / 8] >> (7 - x % 8)) & 1) ? 255 : 0);
  writeBytes(dir / "1.png", pngFile(kW, kH, 1, 0, bits, kRowBytes));
  expectSame(decodeOne(dir / "1.png"), expectImage(kW, kH, PixelFormat::Gray8, g));
}

TEST(MediaBmp, Bgr24BottomUpExact) {
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 10);
  writeBytes(dir / "a.bmp", bmpFile(kW, kH, rgb));
  expectSame(decodeOne(dir / "a.bmp"), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
}

TEST(MediaPnm, EightAndSixteenBit) {
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 11);
  writeBytes(dir / "a.ppm", pnmFile(kW, kH, 3, 255, rgb));
  expectSame(decodeOne(dir / "a.ppm"), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
  const Bytes g = noise(kW * kH, 12);
  writeBytes(dir / "g.pgm", pnmFile(kW, kH, 1, 255, g));
  expectSame(decodeOne(dir / "g.pgm"), expectImage(kW, kH, PixelFormat::Gray8, g));
  const Bytes s16 = noise(kW * kH * 6, 13);
  Bytes hi;
  for (size_t i = 0; i < s16.size(); i += 2) hi.push_back(s16[i]);
  writeBytes(dir / "a16.ppm", pnmFile(kW, kH, 3, 65535, s16));
  expectSame(decodeOne(dir / "a16.ppm"), expectImage(kW, kH, PixelFormat::Rgb8, hi));
}

TEST(MediaGif, FirstFrameByDefaultAllFramesOnRequest) {
  TempDir dir;
  const Bytes palette = noise(256 * 3, 14);
  std::vector<GifFrame> frames;
  std::vector<Bytes> expected;
  for (int f = 0; f < 3; ++f) {
    GifFrame gf{noise(kW * kH, 20 + f), 10 * (f + 1)};
    Bytes rgb;
    for (uint8_t i : gf.indices)
      rgb.insert(rgb.end(), {palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]});
    expected.push_back(rgb);
    frames.push_back(gf);
  }
  writeBytes(dir / "anim.gif", gifFile(kW, kH, palette, frames));

  const Decoded first = decodeAll(dir / "anim.gif");
  ASSERT_EQ(first.frames.size(), 1u);
  EXPECT_EQ(first.info.kind, media::MediaKind::Image);
  expectSame(first.frames[0], expectImage(kW, kH, PixelFormat::Rgb8, expected[0]));

  media::Options all;
  all.allFrames = true;
  const Decoded d = decodeAll(dir / "anim.gif", all);
  ASSERT_EQ(d.frames.size(), 3u);
  const double starts[3] = {0.0, 0.10, 0.30};  // delays of 10 and 20 hundredths
  for (int f = 0; f < 3; ++f) {
    expectSame(d.frames[f], expectImage(kW, kH, PixelFormat::Rgb8, expected[f]));
    EXPECT_EQ(d.frameInfo[f].index, f);
    EXPECT_NEAR(d.frameInfo[f].timestamp, starts[f], 1e-9);
  }
}

// Lossless encodes by the ffmpeg CLI: TIFF, WebP (still and animated), from a known PPM.
TEST(MediaLossless, TiffAndWebpFromFfmpegCli) {
  HS_REQUIRE_FFMPEG_CLI();
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 30);
  writeBytes(dir / "src.ppm", pnmFile(kW, kH, 3, 255, rgb));
  const std::string src = shellQuote((dir / "src.ppm").string());
  ASSERT_EQ(
      std::system(
          ("ffmpeg -v error -y -i " + src + " " + shellQuote((dir / "a.tiff").string())).c_str()),
      0);
  ASSERT_EQ(std::system(("ffmpeg -v error -y -i " + src + " -c:v libwebp -lossless 1 " +
                         shellQuote((dir / "a.webp").string()))
                            .c_str()),
            0);
  for (const char* name : {"a.tiff", "a.webp"}) {
    SCOPED_TRACE(name);
    expectSame(decodeOne(dir / name), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
  }
}

// Lossless JPEG (SOF3): libjpeg-turbo refuses the process, FFmpeg's decoder takes over.
TEST(MediaLossless, LosslessJpegFallsBackToFfmpeg) {
  HS_REQUIRE_FFMPEG_CLI();
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 32);
  writeBytes(dir / "src.ppm", pnmFile(kW, kH, 3, 255, rgb));
  ASSERT_EQ(std::system(("ffmpeg -v error -y -i " + shellQuote((dir / "src.ppm").string()) +
                         " -c:v ljpeg -pix_fmt bgr24 -f image2 " +
                         shellQuote((dir / "lossless.jpg").string()))
                            .c_str()),
            0);
  media::MediaInfo info;
  expectSame(decodeOne(dir / "lossless.jpg", &info), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
  EXPECT_EQ(info.codec, "mjpeg");
}

TEST(MediaLossless, AnimatedWebpFirstAndAllFrames) {
  HS_REQUIRE_FFMPEG_CLI();
  TempDir dir;
  std::vector<Bytes> frames;
  for (int f = 0; f < 3; ++f) {
    frames.push_back(noise(kW * kH * 3, 40 + f));
    writeBytes(dir / numbered("f", f, ".ppm"), pnmFile(kW, kH, 3, 255, frames.back()));
  }
  ASSERT_EQ(
      std::system(("ffmpeg -v error -y -framerate 4 -i " + shellQuote((dir / "f%d.ppm").string()) +
                   " -c:v libwebp_anim -lossless 1 -loop 0 " +
                   shellQuote((dir / "anim.webp").string()))
                      .c_str()),
      0);
  expectSame(decodeOne(dir / "anim.webp"), expectImage(kW, kH, PixelFormat::Rgb8, frames[0]));
  media::Options all;
  all.allFrames = true;
  const Decoded d = decodeAll(dir / "anim.webp", all);
  ASSERT_EQ(d.frames.size(), 3u);
  for (int f = 0; f < 3; ++f) {
    expectSame(d.frames[f], expectImage(kW, kH, PixelFormat::Rgb8, frames[f]));
    EXPECT_NEAR(d.frameInfo[f].timestamp, 0.25 * f, 1e-9);  // 4 frames per second
  }
}

TEST(MediaSniffing, ContentNotExtension) {
  TempDir dir;
  const Bytes rgb = noise(kW * kH * 3, 50);
  writeBytes(dir / "really-a-png.jpg", pngFile(kW, kH, 8, 2, rgb, kW * 3));
  writeBytes(dir / "no-extension", bmpFile(kW, kH, rgb));
  for (const char* name : {"really-a-png.jpg", "no-extension"}) {
    SCOPED_TRACE(name);
    expectSame(decodeOne(dir / name), expectImage(kW, kH, PixelFormat::Rgb8, rgb));
  }
}

// JPEG through libjpeg-turbo equals ImageMagick's decode (refdata intermediates, made with
// ImageMagick 6.9.11, itself equal to Pillow on these files); grey JPEGs stay grey.
TEST(MediaJpeg, EqualsImageMagickDecodedRefdata) {
  HS_REQUIRE_SHARED(shared);
  const fs::path pdq = shared / "refdata/pdq";
  const std::pair<const char*, const char*> cases[] = {
      {"images/reg-test-input/dih/bridge-1-original.jpg",
       "intermediates/bridge-1-original.decoded.ppm"},
      {"images/reg-test-input/labelme-subset/q0122.jpg", "intermediates/q0122.decoded.ppm"},
      {"images/misc-images/small.jpg", "intermediates/small.decoded.pgm"},
      {"images/misc-images/wee.jpg", "intermediates/wee.decoded.ppm"},
  };
  int compared = 0;
  for (const auto& [jpg, pnm] : cases) {
    SCOPED_TRACE(jpg);
    if (!fs::exists(pdq / pnm)) continue;
    const auto want = readPnm(pdq / pnm);
    ASSERT_TRUE(want.has_value());
    media::MediaInfo info;
    const Image got = decodeOne(pdq / jpg, &info);
    EXPECT_EQ(info.container, "jpeg");
    if (want->format == PixelFormat::Gray8 && got.format == PixelFormat::Rgb8) {
      // ImageMagick writes a PGM for any picture whose colours are all grey, even from a
      // YCbCr JPEG; Pillow (and we) keep such a JPEG RGB, with R = G = B = that grey.
      Image grey(got.width, got.height, PixelFormat::Gray8);
      for (size_t i = 0; i < grey.pixels.size(); ++i) {
        ASSERT_EQ(got.pixels[3 * i], got.pixels[3 * i + 1]);
        ASSERT_EQ(got.pixels[3 * i], got.pixels[3 * i + 2]);
        grey.pixels[i] = got.pixels[3 * i];
      }
      expectSame(grey, *want);
    } else {
      expectSame(got, *want);
    }
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

// Each thread keeps one libjpeg decompressor and frame buffer for file after file: a failed
// file, a larger and a smaller frame, and a JPEG decoded inside another's frame callback must
// all still give ImageMagick's pixels.
TEST(MediaJpeg, ThreadDecoderReusedAcrossFilesFailuresAndNesting) {
  HS_REQUIRE_SHARED(shared);
  const fs::path pdq = shared / "refdata/pdq";
  const fs::path big = pdq / "images/reg-test-input/dih/bridge-1-original.jpg";
  const fs::path small = pdq / "images/reg-test-input/labelme-subset/q0122.jpg";
  const auto bigWant = readPnm(pdq / "intermediates/bridge-1-original.decoded.ppm");
  const auto smallWant = readPnm(pdq / "intermediates/q0122.decoded.ppm");
  if (!bigWant || !smallWant) GTEST_SKIP() << "refdata intermediates absent";
  TempDir dir;
  const Bytes bytes = readBytes(big);
  writeBytes(dir / "cut.jpg", Bytes(bytes.begin(), bytes.begin() + bytes.size() / 2));

  expectSame(decodeOne(small), *smallWant);
  EXPECT_EQ(rejectReason(dir / "cut.jpg"), "truncated");
  expectSame(decodeOne(big), *bigWant);
  expectSame(decodeOne(small), *smallWant);

  Image outer, inner;
  media::decodeFile(big, {}, [&](const ImageView& v, const media::FrameInfo&) {
    inner = decodeOne(small);
    outer = copyView(v);  // after the nested decode: its buffer must be untouched
  });
  expectSame(outer, *bigWant);
  expectSame(inner, *smallWant);
  expectSame(decodeOne(big), *bigWant);
}

TEST(MediaJpeg, CmykBecomesRgbOfTheSamePicture) {
  HS_REQUIRE_SHARED(shared);
  const fs::path modes = shared / "refdata/pdq/images/misc-images/modes";
  media::MediaInfo info;
  const Image cmyk = decodeOne(modes / "CMYK.jpg", &info);
  EXPECT_EQ(info.pixelFormat, "cmyk");
  const Image rgb = decodeOne(modes / "RGB.jpg");
  ASSERT_EQ(cmyk.format, PixelFormat::Rgb8);
  ASSERT_EQ(cmyk.pixels.size(), rgb.pixels.size());
  double sum = 0;
  for (size_t i = 0; i < rgb.pixels.size(); ++i)
    sum += std::abs(int(cmyk.pixels[i]) - int(rgb.pixels[i]));
  // Same photo through two lossy encodes: a handful of levels apart on average, not inverted
  // (an un-inverted Adobe CMYK would be ~128 levels off).
  EXPECT_LT(sum / static_cast<double>(rgb.pixels.size()), 8.0);
}

// ---------------------------------------------------------------- orientation
/// A 3x2 test picture with distinct grey values, and an eXIf chunk with `code`.
Bytes pngWithOrientation(int code, Bytes* grey) {
  constexpr int w = 3, h = 2;
  Bytes g = {10, 20, 30, 40, 50, 60};
  *grey = g;
  Bytes tiff = {'M',  'M',  0, 42, 0, 0, 0, 8, 0, 1,  // header, IFD0 at 8, one entry
                0x01, 0x12, 0, 3,  0, 0, 0, 1, 0, uint8_t(code),
                0,    0,    0, 0,  0, 0};
  return pngFile(w, h, 8, 0, g, w, {{"eXIf", tiff}});
}

/// Stored (x, y) shown at display (X, Y), straight from the EXIF definition of each code
/// ("where the 0th row and 0th column of the stored image are shown").
std::pair<int, int> storedAt(int code, int X, int Y, int W, int H) {
  switch (code) {
    case 2:
      return {W - 1 - X, Y};  // row0 top, col0 right
    case 3:
      return {W - 1 - X, H - 1 - Y};  // row0 bottom, col0 right
    case 4:
      return {X, H - 1 - Y};  // row0 bottom, col0 left
    case 5:
      return {Y, X};  // row0 left, col0 top
    case 6:
      return {Y, H - 1 - X};  // row0 right, col0 top
    case 7:
      return {W - 1 - Y, H - 1 - X};  // row0 right, col0 bottom
    case 8:
      return {W - 1 - Y, X};  // row0 left, col0 bottom
    default:
      return {X, Y};
  }
}

TEST(MediaOrientation, ExifCodesFollowTheSpecification) {
  TempDir dir;
  constexpr int W = 3, H = 2;
  const int degrees[9] = {0, 0, 0, 180, 180, 270, 90, 90, 270};
  const bool mirrored[9] = {false, false, true, false, true, true, false, true, false};
  for (int code = 1; code <= 8; ++code) {
    SCOPED_TRACE("orientation " + std::to_string(code));
    Bytes stored;
    const fs::path p = dir / numbered("o", code, ".png");
    writeBytes(p, pngWithOrientation(code, &stored));

    media::MediaInfo asStored;
    expectSame(decodeOne(p, &asStored), expectImage(W, H, PixelFormat::Gray8, stored));
    EXPECT_EQ(asStored.orientationDegrees, degrees[code]);
    EXPECT_EQ(asStored.mirrored, mirrored[code]);
    EXPECT_FALSE(asStored.orientationApplied);

    media::Options o;
    o.applyOrientation = true;
    media::MediaInfo info;
    const Image shown = decodeOne(p, &info, o);
    const bool swap = code >= 5;
    const int DW = swap ? H : W, DH = swap ? W : H;
    Bytes want;
    for (int Y = 0; Y < DH; ++Y)
      for (int X = 0; X < DW; ++X) {
        const auto [x, y] = storedAt(code, X, Y, W, H);
        want.push_back(stored[y * W + x]);
      }
    expectSame(shown, expectImage(DW, DH, PixelFormat::Gray8, want));
    EXPECT_EQ(info.orientationApplied, code != 1);
    EXPECT_EQ(info.width, W) << "MediaInfo keeps the stored size";
  }
}

TEST(MediaOrientation, JpegExifFromRefdata) {
  HS_REQUIRE_SHARED(shared);
  const fs::path dir = shared / "refdata/pdq/images/reg-test-input/exif-rotn";
  const std::pair<const char*, int> cases[] = {{"exif-rotn-1.jpg", 0},
                                               {"exif-rotn-3.jpg", 180},
                                               {"exif-rotn-6.jpg", 90},
                                               {"exif-rotn-8.jpg", 270}};
  for (const auto& [name, deg] : cases) {
    SCOPED_TRACE(name);
    media::MediaInfo stored;
    const Image a = decodeOne(dir / name, &stored);
    EXPECT_EQ(stored.orientationDegrees, deg);
    EXPECT_FALSE(stored.mirrored);
    media::Options o;
    o.applyOrientation = true;
    media::MediaInfo info;
    const Image b = decodeOne(dir / name, &info, o);
    EXPECT_EQ(info.orientationApplied, deg != 0);
    if (deg == 90 || deg == 270) {
      EXPECT_EQ(b.width, a.height);
      EXPECT_EQ(b.height, a.width);
    } else {
      EXPECT_EQ(b.width, a.width);
    }
  }
}

}  // namespace
}  // namespace hashsieve::test
