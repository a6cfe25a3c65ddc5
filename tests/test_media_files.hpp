// Media-test helpers: files written byte by byte (PNG, GIF, BMP, PNM) so that expected pixels
// are known by construction, temp dirs, the ffmpeg CLI, the corpus manifest, decode-to-memory.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/core/image.hpp"
#include "host/media/media.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::test {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hs-media-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void writeBytes(const fs::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// "prefix<n>ext" (built with +=: GCC 12 warns falsely on "lit" + to_string(n) + "lit").
inline std::string numbered(const char* prefix, int n, const char* ext) {
  std::string s = prefix;
  s += std::to_string(n);
  s += ext;
  return s;
}

inline Bytes readBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline void put16be(Bytes& b, uint32_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put32be(Bytes& b, uint32_t v) {
  put16be(b, v >> 16);
  put16be(b, v & 0xFFFF);
}
inline void put16le(Bytes& b, uint32_t v) {
  b.push_back(uint8_t(v));
  b.push_back(uint8_t(v >> 8));
}
inline void put32le(Bytes& b, uint32_t v) {
  put16le(b, v & 0xFFFF);
  put16le(b, v >> 16);
}

inline uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

// ---------------------------------------------------------------- PNG (stored deflate)
struct PngChunk {
  std::string type;
  Bytes data;
};

inline void appendChunk(Bytes& png, const std::string& type, const Bytes& data) {
  put32be(png, static_cast<uint32_t>(data.size()));
  Bytes td(type.begin(), type.end());
  td.insert(td.end(), data.begin(), data.end());
  png.insert(png.end(), td.begin(), td.end());
  put32be(png, crc32(td.data(), td.size()));
}

/// zlib stream of stored (uncompressed) deflate blocks.
inline Bytes zlibStored(const Bytes& raw) {
  Bytes z = {0x78, 0x01};
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    z.push_back(pos + n == raw.size() ? 1 : 0);
    put16le(z, static_cast<uint32_t>(n));
    put16le(z, static_cast<uint32_t>(~n & 0xFFFF));
    z.insert(z.end(), raw.begin() + static_cast<long>(pos),
             raw.begin() + static_cast<long>(pos + n));
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;
  for (uint8_t v : raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put32be(z, (b << 16) | a);
  return z;
}

/// A PNG from unfiltered rows (`rowBytes` each); `before` chunks go between IHDR and IDAT.
inline Bytes pngFile(uint32_t w, uint32_t h, int bitDepth, int colorType, const Bytes& rows,
                     size_t rowBytes, const std::vector<PngChunk>& before = {}) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  put32be(ihdr, w);
  put32be(ihdr, h);
  ihdr.insert(ihdr.end(), {uint8_t(bitDepth), uint8_t(colorType), 0, 0, 0});
  appendChunk(png, "IHDR", ihdr);
  for (const auto& c : before) appendChunk(png, c.type, c.data);
  Bytes raw;
  for (size_t y = 0; y * rowBytes < rows.size(); ++y) {
    raw.push_back(0);  // filter: none
    raw.insert(raw.end(), rows.begin() + static_cast<long>(y * rowBytes),
               rows.begin() + static_cast<long>((y + 1) * rowBytes));
  }
  appendChunk(png, "IDAT", zlibStored(raw));
  appendChunk(png, "IEND", {});
  return png;
}

// ---------------------------------------------------------------- GIF (literal-only LZW)
struct GifFrame {
  Bytes indices;     // w*h palette indices
  int delayCs = 10;  // hundredths of a second
};

inline Bytes gifLzwLiterals(const Bytes& idx) {
  // 8-bit minimum code size: 9-bit codes. A clear code every 250 literals keeps the decoder's
  // table below 512 entries, so the width never grows.
  constexpr uint32_t kClear = 256, kEoi = 257, kWidth = 9;
  constexpr size_t kLiteralsPerClear = 250;
  Bytes out;
  uint32_t acc = 0, bits = 0;
  auto emit = [&](uint32_t code) {
    acc |= code << bits;
    bits += kWidth;
    while (bits >= 8) {
      out.push_back(uint8_t(acc));
      acc >>= 8;
      bits -= 8;
    }
  };
  for (size_t i = 0; i < idx.size(); ++i) {
    if (i % kLiteralsPerClear == 0) emit(kClear);
    emit(idx[i]);
  }
  emit(kEoi);
  if (bits) out.push_back(uint8_t(acc));
  return out;
}

/// GIF89a with a 256-entry global palette (`palette` = 768 bytes) and one image per frame.
inline Bytes gifFile(int w, int h, const Bytes& palette, const std::vector<GifFrame>& frames) {
  Bytes g = {'G', 'I', 'F', '8', '9', 'a'};
  put16le(g, w);
  put16le(g, h);
  g.insert(g.end(), {0xF7, 0, 0});  // global table of 2^(7+1) colours
  g.insert(g.end(), palette.begin(), palette.end());
  for (const auto& f : frames) {
    g.insert(g.end(), {0x21, 0xF9, 0x04, 0x00});  // graphic control: no transparency
    put16le(g, f.delayCs);
    g.insert(g.end(), {0x00, 0x00});
    g.push_back(0x2C);
    put16le(g, 0);
    put16le(g, 0);
    put16le(g, w);
    put16le(g, h);
    g.push_back(0x00);
    g.push_back(8);  // LZW minimum code size
    const Bytes lzw = gifLzwLiterals(f.indices);
    for (size_t p = 0; p < lzw.size(); p += 255) {
      const size_t n = std::min<size_t>(255, lzw.size() - p);
      g.push_back(uint8_t(n));
      g.insert(g.end(), lzw.begin() + static_cast<long>(p), lzw.begin() + static_cast<long>(p + n));
    }
    g.push_back(0x00);
  }
  g.push_back(0x3B);
  return g;
}

// ---------------------------------------------------------------- BMP, PNM
/// 24-bit BI_RGB, bottom-up, from top-down RGB rows.
inline Bytes bmpFile(int w, int h, const Bytes& rgb) {
  const int stride = (w * 3 + 3) / 4 * 4;
  Bytes b = {'B', 'M'};
  put32le(b, 54 + stride * h);
  put32le(b, 0);
  put32le(b, 54);
  put32le(b, 40);
  put32le(b, w);
  put32le(b, h);
  put16le(b, 1);
  put16le(b, 24);
  put32le(b, 0);
  put32le(b, stride * h);
  put32le(b, 2835);
  put32le(b, 2835);
  put32le(b, 0);
  put32le(b, 0);
  for (int y = h - 1; y >= 0; --y) {
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = &rgb[3 * (y * w + x)];
      b.insert(b.end(), {p[2], p[1], p[0]});
    }
    for (int pad = w * 3; pad < stride; ++pad) b.push_back(0);
  }
  return b;
}

/// Binary PNM: P5 (channels 1) or P6 (3); 8-bit or big-endian 16-bit samples.
inline Bytes pnmFile(int w, int h, int channels, int maxval, const Bytes& samples) {
  const std::string head = std::string(channels == 1 ? "P5" : "P6") + "\n" + std::to_string(w) +
                           " " + std::to_string(h) + "\n" + std::to_string(maxval) + "\n";
  Bytes b(head.begin(), head.end());
  b.insert(b.end(), samples.begin(), samples.end());
  return b;
}

/// Deterministic pseudo-random bytes (a fixed LCG; the seed is in the test name).
inline Bytes noise(size_t n, uint32_t seed) {
  Bytes b(n);
  for (auto& v : b) {
    seed = seed * 1664525u + 1013904223u;
    v = uint8_t(seed >> 24);
  }
  return b;
}

// ---------------------------------------------------------------- decoding into memory
struct Decoded {
  media::MediaInfo info;
  std::vector<Image> frames;
  std::vector<media::FrameInfo> frameInfo;
};

inline Image copyView(const ImageView& v) {
  Image img(v.width, v.height, v.format);
  for (int y = 0; y < v.height; ++y) std::copy(v.row(y), v.row(y) + img.stride(), img.row(y));
  return img;
}

inline Decoded decodeAll(const fs::path& p, const media::Options& opts = {}) {
  Decoded d;
  d.info = media::decodeFile(p, opts, [&](const ImageView& v, const media::FrameInfo& f) {
    // Frames left in device memory (opts.deviceFrames) are copied down to be compared.
    d.frames.push_back(v.onDevice() ? opts.deviceFrames->download(v) : copyView(v));
    d.frameInfo.push_back(f);
  });
  return d;
}

/// The InputError reason of decoding `p`, or "" when it decodes.
inline std::string rejectReason(const fs::path& p, const media::Options& opts = {}) {
  try {
    media::decodeFile(p, opts, [](const ImageView&, const media::FrameInfo&) {});
  } catch (const InputError& e) {
    return e.reason();
  }
  return "";
}

// ---------------------------------------------------------------- tools and the corpus
/// Whether `cmd` runs (answers cached: starting ffmpeg costs a few hundred ms).
inline bool haveCommand(const std::string& cmd) {
  static std::map<std::string, bool> known;
  auto it = known.find(cmd);
  if (it == known.end())
    it = known.emplace(cmd, std::system((cmd + " >/dev/null 2>&1").c_str()) == 0).first;
  return it->second;
}

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs `cmd` through the shell; its stdout.
inline std::string captureCommand(const std::string& cmd) {
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

/// The small corpus made by ../shared/corpus/make-corpus: $HASHSIEVE_CORPUS, else
/// <build>/corpus-small; nullopt when neither holds a manifest.
inline std::optional<fs::path> corpusDir() {
  if (const char* env = std::getenv("HASHSIEVE_CORPUS"); env && *env) {
    if (fs::exists(fs::path(env) / "manifest.jsonl")) return fs::path(env);
    return std::nullopt;
  }
  const fs::path p = fs::path(HASHSIEVE_BINARY_DIR) / "corpus-small";
  if (fs::exists(p / "manifest.jsonl")) return p;
  return std::nullopt;
}

#define HS_REQUIRE_CORPUS(var)                                                                  \
  auto var##_opt = ::hashsieve::test::corpusDir();                                              \
  if (!var##_opt) GTEST_SKIP() << "corpus absent (set HASHSIEVE_CORPUS or build corpus-small)"; \
  const std::filesystem::path var = *var##_opt

#define HS_REQUIRE_FFMPEG_CLI()                           \
  if (!::hashsieve::test::haveCommand("ffmpeg -version")) \
  GTEST_SKIP() << "the ffmpeg command-line tool is absent"

}  // namespace hashsieve::test
