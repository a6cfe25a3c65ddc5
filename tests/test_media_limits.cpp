// Bad input and limits: every corpus bad/ file rejected with a reason, bombs rejected before
// allocation, non-regular files never opened, timeouts, duration guards, and digests equal
// to openssl's.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

const std::set<std::string> kReasons = {
    "not a regular file", "unreadable", "empty file", "too large", "unsupported format",
    "truncated",          "corrupt",    "no frames",  "timeout",   "suspect"};

long peakRssKiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// A PNG header claiming w x h RGB, a valid IHDR CRC and two tiny rows of IDAT.
Bytes pngBomb(uint32_t w, uint32_t h) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  put32be(ihdr, w);
  put32be(ihdr, h);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
  appendChunk(png, "IHDR", ihdr);
  appendChunk(png, "IDAT", zlibStored(Bytes(64, 0)));
  appendChunk(png, "IEND", {});
  return png;
}

TEST(MediaLimits, PngBombRejectedBeforeAllocating) {
  TempDir dir;
  writeBytes(dir / "bomb.png", pngBomb(60000, 60000));
  // 16000 x 16000 = 256 MP: over the 200 MP default, but a size FFmpeg itself would allocate.
  writeBytes(dir / "big.png", pngBomb(16000, 16000));
  const long before = peakRssKiB();
  EXPECT_EQ(rejectReason(dir / "bomb.png"), "too large");
  EXPECT_EQ(rejectReason(dir / "big.png"), "too large");
  const long grownMiB = (peakRssKiB() - before) / 1024;
  EXPECT_LT(grownMiB, 64) << "peak RSS grew by " << grownMiB << " MiB (a frame would be GBs)";
}

TEST(MediaLimits, HeaderBombsOfOtherFormats) {
  TempDir dir;
  Bytes gif = gifFile(4, 4, Bytes(768, 0), {GifFrame{Bytes(16, 0), 10}});
  gif[6] = gif[7] = gif[8] = gif[9] = 0xFF;  // logical screen 65535 x 65535
  writeBytes(dir / "bomb.gif", gif);
  Bytes bmp = bmpFile(4, 4, Bytes(48, 0));
  bmp[18] = bmp[19] = 0xFF;  // width 65535 ...
  bmp[22] = bmp[23] = 0xFF;  // ... height 65535
  writeBytes(dir / "bomb.bmp", bmp);
  EXPECT_EQ(rejectReason(dir / "bomb.gif"), "too large");
  EXPECT_EQ(rejectReason(dir / "bomb.bmp"), "too large");
}

TEST(MediaLimits, MaxPixelsIsInclusive) {
  TempDir dir;
  writeBytes(dir / "a.png", pngFile(10, 10, 8, 0, Bytes(100, 7), 10));
  writeBytes(dir / "a.bmp", bmpFile(10, 10, Bytes(300, 7)));
  media::Options o;
  o.limits.maxPixels = 100;
  EXPECT_EQ(rejectReason(dir / "a.png", o), "");
  EXPECT_EQ(rejectReason(dir / "a.bmp", o), "");
  o.limits.maxPixels = 99;
  EXPECT_EQ(rejectReason(dir / "a.png", o), "too large");
  EXPECT_EQ(rejectReason(dir / "a.bmp", o), "too large");
}

TEST(MediaLimits, MaxPixelsOnJpegAndWebp) {
  HS_REQUIRE_SHARED(shared);
  media::Options o;
  o.limits.maxPixels = 1000;
  const fs::path modes = shared / "refdata/pdq/images/misc-images/modes";
  EXPECT_EQ(rejectReason(modes / "RGB.jpg", o), "too large");
  EXPECT_EQ(rejectReason(modes / "HSV.webp", o), "too large");
}

TEST(MediaLimits, FileSizeAndEmptyFile) {
  TempDir dir;
  writeBytes(dir / "empty.png", {});
  EXPECT_EQ(rejectReason(dir / "empty.png"), "empty file");
  writeBytes(dir / "a.png", pngFile(10, 10, 8, 0, Bytes(100, 7), 10));
  media::Options o;
  o.limits.maxFileBytes = static_cast<int64_t>(fs::file_size(dir / "a.png")) - 1;
  EXPECT_EQ(rejectReason(dir / "a.png", o), "too large");
}

TEST(MediaInputFile, FifoIsNeverOpened) {
  TempDir dir;
  const fs::path fifo = dir / "fifo.jpg";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto result = std::async(std::launch::async, [&] { return rejectReason(fifo); });
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // Unblock a reader stuck in open() so the test can end, then fail.
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
    FAIL() << "decodeFile blocked on a FIFO";
  }
  EXPECT_EQ(result.get(), "not a regular file");
}

TEST(MediaInputFile, DevicesDirectoriesAndMissingFiles) {
  TempDir dir;
  EXPECT_EQ(rejectReason("/dev/null"), "not a regular file");
  EXPECT_EQ(rejectReason(dir.path()), "not a regular file");
  EXPECT_EQ(rejectReason(dir / "vanished.png"), "unreadable");
}

TEST(MediaInputFile, UnreadableFile) {
  TempDir dir;
  writeBytes(dir / "locked.png", pngFile(10, 10, 8, 0, Bytes(100, 7), 10));
  ::chmod((dir / "locked.png").c_str(), 0);
  if (::access((dir / "locked.png").c_str(), R_OK) == 0)
    GTEST_SKIP() << "running as root: permissions are not enforced";
  EXPECT_EQ(rejectReason(dir / "locked.png"), "unreadable");
}

TEST(MediaDamage, HandMadePngs) {
  TempDir dir;
  const Bytes good = pngFile(40, 30, 8, 2, noise(40 * 30 * 3, 60), 40 * 3);
  Bytes badCrc = good;
  badCrc[good.size() - 12 - 1] ^= 0x01;  // last byte of the IDAT CRC (IEND is the last 12)
  writeBytes(dir / "crc.png", badCrc);
  writeBytes(dir / "cut.png",
             Bytes(good.begin(), good.begin() + static_cast<long>(good.size() * 6 / 10)));
  EXPECT_EQ(rejectReason(dir / "crc.png"), "corrupt");
  EXPECT_EQ(rejectReason(dir / "cut.png"), "truncated");

  const Bytes gif = gifFile(8, 8, noise(768, 61), {GifFrame{noise(64, 62), 10}});
  writeBytes(dir / "cut.gif", Bytes(gif.begin(), gif.end() - 1));  // no trailer
  EXPECT_EQ(rejectReason(dir / "cut.gif"), "truncated");
  writeBytes(dir / "text.png", Bytes{'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_EQ(rejectReason(dir / "text.png"), "unsupported format");
}

/// An 8-bit RLE BMP (compression 1) of `idx` (top-down rows, w x h palette indices), each pixel
/// a run of one, with a grey palette; `keep` < 1 cuts the RLE data short while the header still
/// claims all of it.
Bytes bmpRle8(int w, int h, const Bytes& idx, double keep = 1.0) {
  Bytes rle;
  for (int y = h - 1; y >= 0; --y) {  // bottom-up
    for (int x = 0; x < w; ++x) rle.insert(rle.end(), {1, idx[size_t(y) * w + x]});
    rle.insert(rle.end(), {0, 0});  // end of line
  }
  rle.insert(rle.end(), {0, 1});  // end of bitmap
  constexpr uint32_t kTableBytes = 256 * 4, kHeaders = 14 + 40;
  Bytes b = {'B', 'M'};
  put32le(b, kHeaders + kTableBytes + uint32_t(rle.size()));
  put32le(b, 0);
  put32le(b, kHeaders + kTableBytes);
  for (uint32_t v : {40u, uint32_t(w), uint32_t(h)}) put32le(b, v);
  put16le(b, 1);
  put16le(b, 8);
  for (uint32_t v : {1u, uint32_t(rle.size()), 2835u, 2835u, 256u, 0u}) put32le(b, v);
  for (int i = 0; i < 256; ++i) b.insert(b.end(), {uint8_t(i), uint8_t(i), uint8_t(i), 0});
  b.insert(b.end(), rle.begin(), rle.begin() + static_cast<long>(rle.size() * keep));
  return b;
}

// FFmpeg's BMP decoder decodes RLE data cut short with only a log message ("not enough data
// ..., trying to decode anyway"): the file must be refused as corrupt, naming FFmpeg's message,
// and each of several parallel decodes must get its own file's verdict (the messages are
// routed per codec context, not through a process-wide flag).
TEST(MediaDamage, FFmpegWarningsRefuseStillsPerFile) {
  TempDir dir;
  constexpr int kW = 48, kH = 32;
  const Bytes idx = noise(kW * kH, 63);
  writeBytes(dir / "whole.bmp", bmpRle8(kW, kH, idx));
  writeBytes(dir / "cut.bmp", bmpRle8(kW, kH, idx, 0.6));
  const Decoded whole = decodeAll(dir / "whole.bmp");
  ASSERT_EQ(whole.frames.size(), 1u);
  Bytes rgb;
  for (uint8_t v : idx) rgb.insert(rgb.end(), {v, v, v});
  EXPECT_EQ(whole.frames[0].pixels, rgb);
  try {
    decodeAll(dir / "cut.bmp");
    ADD_FAILURE() << "a cut-short RLE BMP was decoded";
  } catch (const InputError& e) {
    EXPECT_EQ(e.reason(), "corrupt");
    EXPECT_NE(std::string(e.what()).find("FFmpeg: bmp: "), std::string::npos) << e.what();
  }
  constexpr int kThreads = 4, kRounds = 25;
  std::vector<std::future<int>> runs;
  for (int t = 0; t < kThreads; ++t)
    runs.push_back(std::async(std::launch::async, [&, t] {
      int wrong = 0;
      for (int i = 0; i < kRounds; ++i) {
        const bool cut = (i + t) % 2 == 0;
        const std::string why = rejectReason(dir / (cut ? "cut.bmp" : "whole.bmp"));
        wrong += why != (cut ? "corrupt" : "");
      }
      return wrong;
    }));
  for (auto& r : runs) EXPECT_EQ(r.get(), 0);
}

// Files that only point at other resources (an SDP session opens RTP sockets, playlists fetch
// URLs or files) are refused without touching anything else.
TEST(MediaDamage, ReferenceFilesRefused) {
  TempDir dir;
  auto text = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  writeBytes(dir / "a.sdp", text("v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\n"
                                 "m=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n"));
  writeBytes(dir / "a.m3u8",
             text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1/a.ts\n"));
  writeBytes(dir / "a.ffconcat", text("ffconcat version 1.0\nfile /etc/passwd\n"));
  media::Options o;
  o.limits.timeoutSeconds = 30;  // a regression would wait on a socket: fail, don't hang
  for (const char* name : {"a.sdp", "a.m3u8", "a.ffconcat"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(rejectReason(dir / name, o), "unsupported format");
  }
}

// Every file in the corpus's bad/ folder: `reject` ones give a known reason, the valid ones
// (hostile names and places) decode, with the manifest's SHA-256.
TEST(MediaCorpus, BadFolder) {
  HS_REQUIRE_CORPUS(corpus);
  std::ifstream manifest(corpus / "manifest.jsonl");
  std::map<std::string, int> byReason;
  int rejected = 0, decoded = 0;
  for (std::string line; std::getline(manifest, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["kind"] != "bad") continue;
    std::string rel = j["path"];
    if (j.contains("path_hex")) {  // non-UTF-8 name: the exact bytes
      const std::string hex = j["path_hex"];
      rel.clear();
      for (size_t i = 0; i + 1 < hex.size(); i += 2)
        rel.push_back(char(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    const fs::path p = corpus / rel;
    SCOPED_TRACE(j["path"].get<std::string>());
    if (rel.find("unreadable-chmod000") != std::string::npos && ::access(p.c_str(), R_OK) == 0) {
      std::cout << "[ skipped ] " << rel << ": readable (running as root)\n";
      continue;
    }
    if (j["expected"] == "reject") {
      const std::string reason = rejectReason(p);
      EXPECT_TRUE(kReasons.count(reason)) << "got '" << reason << "'";
      ++byReason[reason];
      ++rejected;
    } else {
      const Decoded d = decodeAll(p);
      EXPECT_EQ(d.frames.size(), 1u);
      EXPECT_EQ(d.info.digests.sha256, j["sha256"].get<std::string>());
      ++decoded;
    }
  }
  std::cout << "bad/: " << rejected << " rejected, " << decoded << " valid decoded; by reason:";
  for (const auto& [r, n] : byReason) std::cout << " [" << r << "] " << n;
  std::cout << "\n";
  EXPECT_GT(rejected, 10);
}

// ---------------------------------------------------------------- videos: time and length
class MediaVideoLimits : public ::testing::Test {
 protected:
  // 2 s at 10 fps, 64x48: an MP4 with its index at the end, one with it at the start
  // (faststart), and a raw H.264 stream (no duration).
  static void SetUpTestSuite() {
    if (!haveCommand("ffmpeg -version")) return;
    dirPtr_ = new TempDir;
    const std::string src = "ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=2 ";
    ok_ = std::system((src + "-c:v mpeg4 " + shellQuote((*dirPtr_ / "v.mp4").string())).c_str()) ==
              0 &&
          std::system((src + "-c:v libx264 -f h264 " + shellQuote((*dirPtr_ / "raw.h264").string()))
                          .c_str()) == 0 &&
          std::system((src + "-c:v mpeg4 -movflags +faststart " +
                       shellQuote((*dirPtr_ / "fast.mp4").string()))
                          .c_str()) == 0;
  }
  static void TearDownTestSuite() {
    delete dirPtr_;
    dirPtr_ = nullptr;
  }
  void SetUp() override {
    HS_REQUIRE_FFMPEG_CLI();
    ASSERT_TRUE(ok_) << "ffmpeg could not make the test videos";
  }
  static inline TempDir* dirPtr_ = nullptr;
  static inline bool ok_ = false;
  const TempDir& dir_ = *dirPtr_;
};

TEST_F(MediaVideoLimits, Timeout) {
  media::Options o;
  o.limits.timeoutSeconds = 1e-9;
  EXPECT_EQ(rejectReason(dir_ / "v.mp4", o), "timeout");
}

TEST_F(MediaVideoLimits, DurationLimitFromHeader) {
  media::Options o;
  o.limits.maxVideoSeconds = 1.0;
  EXPECT_EQ(rejectReason(dir_ / "v.mp4", o), "too large");
  o.limits.maxVideoSeconds = 3.0;
  EXPECT_EQ(rejectReason(dir_ / "v.mp4", o), "");
}

TEST_F(MediaVideoLimits, StreamWithoutContainerDurationStillBounded) {
  // A raw H.264 stream has no container duration: the frame guard has to stop it.
  media::Options o;
  o.limits.maxVideoSeconds = 0.5;
  EXPECT_EQ(rejectReason(dir_ / "raw.h264", o), "too large");
  o.limits.maxVideoSeconds = 60;
  const Decoded d = decodeAll(dir_ / "raw.h264", o);
  EXPECT_EQ(d.info.framesDecoded, 20);
}

// A video cut short after its index decodes what is there and says it is damaged (as a
// truncated image is rejected instead: a partial video still carries hashable frames).
TEST_F(MediaVideoLimits, VideoCutAfterItsIndexIsFlaggedDamaged) {
  const Bytes full = readBytes(dir_ / "fast.mp4");
  writeBytes(dir_ / "cut.mp4",
             Bytes(full.begin(), full.begin() + static_cast<long>(full.size() * 6 / 10)));
  const Decoded d = decodeAll(dir_ / "cut.mp4");
  EXPECT_GT(d.info.framesDecoded, 0);
  EXPECT_LT(d.info.framesDecoded, 20);
  EXPECT_GT(d.info.framesDamaged, 0);
  EXPECT_EQ(decodeAll(dir_ / "fast.mp4").info.framesDamaged, 0);
}

void expectOpensslDigests(const FileDigests& d, const fs::path& p) {
  auto openssl = [&](const char* algo) {
    std::istringstream out(
        captureCommand("openssl dgst -" + std::string(algo) + " -r " + shellQuote(p.string())));
    std::string hex;
    out >> hex;
    return hex;
  };
  EXPECT_EQ(d.md5, openssl("md5"));
  EXPECT_EQ(d.sha1, openssl("sha1"));
  EXPECT_EQ(d.sha256, openssl("sha256"));
}

// MD5/SHA-1/SHA-256 equal openssl's, including an MP4 whose index sits at the end (the
// demuxer seeks there first, so the digests cannot simply follow the reads).
TEST_F(MediaVideoLimits, DigestsEqualOpenssl) {
  if (!haveCommand("openssl version")) GTEST_SKIP() << "openssl CLI absent";
  writeBytes(dir_ / "a.png", pngFile(40, 30, 8, 2, noise(40 * 30 * 3, 70), 40 * 3));
  writeBytes(dir_ / "a.gif", gifFile(8, 8, noise(768, 71),
                                     {GifFrame{noise(64, 72), 10}, GifFrame{noise(64, 73), 10}}));
  for (const char* name : {"v.mp4", "raw.h264", "a.png", "a.gif"}) {
    SCOPED_TRACE(name);
    const fs::path p = dir_ / name;
    const media::MediaInfo info = decodeAll(p).info;
    expectOpensslDigests(info.digests, p);
    EXPECT_EQ(info.bytes, static_cast<int64_t>(fs::file_size(p)));
  }
}

// A file that opens but does not decode still gets its digests (of every byte, not only what
// the decoder read before it gave up), so it can be matched against MD5/SHA lists.
TEST_F(MediaVideoLimits, UndecodableFilesCarryTheirDigests) {
  if (!haveCommand("openssl version")) GTEST_SKIP() << "openssl CLI absent";
  const Bytes png = pngFile(40, 30, 8, 2, noise(40 * 30 * 3, 74), 40 * 3);
  writeBytes(dir_ / "cut.png", Bytes(png.begin(), png.begin() + static_cast<long>(png.size() / 2)));
  Bytes junk = noise(300000, 75);
  junk[0] = 'x';  // no signature any backend claims
  writeBytes(dir_ / "junk.bin", junk);
  for (const char* name : {"cut.png", "junk.bin"}) {
    SCOPED_TRACE(name);
    const fs::path p = dir_ / name;
    try {
      decodeAll(p);
      ADD_FAILURE() << "decoded";
    } catch (const media::UndecodableFile& e) {
      EXPECT_TRUE(kReasons.count(e.reason())) << e.reason();
      expectOpensslDigests(e.digests, p);
    }
  }
}

TEST_F(MediaVideoLimits, NoTemporaryFiles) {
  TempDir tmp;
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  decodeAll(dir_ / "v.mp4");
  writeBytes(dir_ / "a.png", pngFile(40, 30, 8, 2, noise(40 * 30 * 3, 80), 40 * 3));
  decodeAll(dir_ / "a.png");
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace hashsieve::test
