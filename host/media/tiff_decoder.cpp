// TIFF through libtiff, the library Pillow reads TIFF with, instead of FFmpeg: FFmpeg 5.1 decodes
// JPEG-compressed, YCbCr, tiled, planar and 16-bit tiled TIFFs to black/green/white frames,
// 2- and 4-bit grey to garbage and 16-bit CMYK inverted. Samples are mapped to 8 bits by
// Pillow's rules (TiffImagePlugin OPEN_INFO and Unpack.c), so the pixels equal Pillow's.
#include <tiffio.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/orientation.hpp"
#include "host/media/pillow_pixels.hpp"
#include "host/media/sampling.hpp"
#include "host/media/tiff_layout.hpp"

namespace hashsieve::media::detail {
namespace {

// libtiff's own allocations are capped too (a tag can claim gigabytes in a tiny file).
constexpr tmsize_t kMaxLibtiffAllocation = tmsize_t{1} << 31;
constexpr size_t kMaxMessage = 512;

// Handle for libtiff's client callbacks: positional reads on the InputFile, and the messages
// libtiff reports (never printed: errors become InputError, warnings are judged by phase).
struct Client {
  InputFile* file = nullptr;
  int64_t pos = 0;
  std::string error;
  std::string warning;  // the first warning of the current phase
};

tmsize_t readProc(thandle_t h, void* buf, tmsize_t n) {
  auto* c = static_cast<Client*>(h);
  tmsize_t done = 0;
  while (done < n) {
    const int64_t got =
        c->file->readAt(c->pos, static_cast<uint8_t*>(buf) + done, static_cast<size_t>(n - done));
    if (got < 0) return -1;
    if (got == 0) break;
    c->pos += got;
    done += got;
  }
  return done;
}
tmsize_t writeProc(thandle_t, void*, tmsize_t) { return -1; }
toff_t seekProc(thandle_t h, toff_t off, int whence) {
  auto* c = static_cast<Client*>(h);
  const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? c->pos : c->file->size();
  const int64_t target = base + static_cast<int64_t>(off);
  if (target < 0) return static_cast<toff_t>(-1);
  c->pos = target;
  return static_cast<toff_t>(target);
}
int closeProc(thandle_t) { return 0; }
toff_t sizeProc(thandle_t h) { return static_cast<toff_t>(static_cast<Client*>(h)->file->size()); }
int mapProc(thandle_t, void**, toff_t*) { return 0; }  // no mapping: every read goes via readAt
void unmapProc(thandle_t, void*, toff_t) {}

std::string formatMessage(const char* module, const char* fmt, va_list ap) {
  char text[kMaxMessage];
  std::vsnprintf(text, sizeof text, fmt, ap);
  return module && *module ? std::string(module) + ": " + text : std::string(text);
}
int onError(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* c = static_cast<Client*>(user);
  if (c->error.empty()) c->error = formatMessage(module, fmt, ap);
  return 1;  // handled: libtiff prints nothing
}
int onWarning(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* c = static_cast<Client*>(user);
  if (c->warning.empty()) c->warning = formatMessage(module, fmt, ap);
  return 1;
}

// Messages libtiff emits without a TIFF* go to the process-wide handlers: silence those.
void silenceLibtiffOnce() {
  static const bool once = [] {
    TIFFSetErrorHandler(nullptr);
    TIFFSetWarningHandler(nullptr);
    return true;
  }();
  (void)once;
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
struct OptionsFree {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

[[noreturn]] void fail(const Client& c, const char* reason, const std::string& what) {
  throw InputError(reason, c.error.empty() ? what : what + " (" + c.error + ")");
}

// Every strip/tile must lie inside the file (a cut-off file is "truncated", not "corrupt"),
// and together they must be able to hold the picture: no codec expands data beyond
// kMaxExpansion (deflate tops out near 1032:1, LZW near 4096:1 less its code overhead), so a
// tiny file claiming a huge picture is refused before the sample buffer is allocated.
constexpr uint64_t kMaxExpansion = 4096;
constexpr uint64_t kExpansionSlackBytes = uint64_t{1} << 20;  // blank fax pages (CCITT G4)

void checkChunks(TIFF* tif, const TiffLayout& l, const Client& c) {
  const bool tiled = TIFFIsTiled(tif);
  const uint32_t n = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
  const auto fileSize = static_cast<uint64_t>(c.file->size());
  uint64_t stored = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t off = TIFFGetStrileOffset(tif, i);
    const uint64_t len = TIFFGetStrileByteCount(tif, i);
    if (off > fileSize || len > fileSize - off)
      throw InputError("truncated", "TIFF image data beyond the end of the file");
    stored += len;
  }
  const uint64_t needed = uint64_t{l.rowBytes()} * l.height * l.planes();
  if (needed > stored * kMaxExpansion + kExpansionSlackBytes)
    throw InputError("corrupt", "TIFF claims " + std::to_string(l.width) + "x" +
                                    std::to_string(l.height) + " pixels from " +
                                    std::to_string(stored) + " bytes of image data");
}

// YCbCr without JPEG compression (and old-style JPEG): Pillow reads these through libtiff's
// RGBA interface (TiffDecode.c), so do we; its YCbCr->RGB is libtiff's, alpha is dropped.
// Asking for the file's own orientation keeps the rows as stored (Pillow sets both orientations
// to top-left); decodeTiff turns every page afterwards, as Pillow does.
Image readViaRgba(TIFF* tif, const TiffLayout& l, Client& c) {
  std::vector<uint32_t> rgba(static_cast<size_t>(l.width) * l.height);
  const int stored = l.orientation >= ORIENTATION_TOPLEFT && l.orientation <= ORIENTATION_LEFTBOT
                         ? l.orientation
                         : ORIENTATION_TOPLEFT;
  if (!TIFFReadRGBAImageOriented(tif, l.width, l.height, rgba.data(), stored, 0))
    fail(c, "corrupt", "TIFF pixel data undecodable");
  Image img(static_cast<int>(l.width), static_cast<int>(l.height), PixelFormat::Rgb8);
  for (size_t i = 0; i < rgba.size(); ++i) {
    img.pixels[3 * i] = static_cast<uint8_t>(TIFFGetR(rgba[i]));
    img.pixels[3 * i + 1] = static_cast<uint8_t>(TIFFGetG(rgba[i]));
    img.pixels[3 * i + 2] = static_cast<uint8_t>(TIFFGetB(rgba[i]));
  }
  return img;
}

// Raw samples of the whole image, plane after plane (one plane when contiguous), rows of
// l.rowBytes() bytes; 16-bit samples in host order (libtiff swabs them).
std::vector<uint8_t> readSamples(TIFF* tif, const TiffLayout& l, Client& c, const Deadline& dl) {
  const size_t rowBytes = l.rowBytes();
  const size_t planeBytes = rowBytes * l.height;
  std::vector<uint8_t> raw(planeBytes * l.planes());
  if (!TIFFIsTiled(tif)) {
    uint32_t rps = l.height;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
    if (rps == 0 || rps > l.height) rps = l.height;
    const uint32_t perPlane = (l.height + rps - 1) / rps;
    if (TIFFNumberOfStrips(tif) < perPlane * l.planes())
      fail(c, "corrupt", "TIFF has fewer strips than its size needs");
    for (uint32_t p = 0; p < l.planes(); ++p)
      for (uint32_t s = 0; s < perPlane; ++s) {
        dl.check();
        const uint32_t row0 = s * rps, rows = std::min(rps, l.height - row0);
        uint8_t* dst = raw.data() + p * planeBytes + row0 * rowBytes;
        const tmsize_t want = static_cast<tmsize_t>(rows * rowBytes);
        if (TIFFReadEncodedStrip(tif, p * perPlane + s, dst, want) < want)
          fail(c, "corrupt", "TIFF strip " + std::to_string(s) + " undecodable");
      }
    return raw;
  }
  uint32_t tw = 0, th = 0;
  TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
  TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
  if (tw == 0 || th == 0 || static_cast<int64_t>(tw) * th > l.maxTilePixels)
    fail(c, "corrupt", "invalid TIFF tile size");
  const size_t tileRowBytes = (static_cast<size_t>(tw) * l.bitsPerPixelInPlane() + 7) / 8;
  std::vector<uint8_t> tile(tileRowBytes * th);
  for (uint32_t p = 0; p < l.planes(); ++p)
    for (uint32_t y = 0; y < l.height; y += th)
      for (uint32_t x = 0; x < l.width; x += tw) {
        dl.check();
        const ttile_t t = TIFFComputeTile(tif, x, y, 0, static_cast<uint16_t>(p));
        if (TIFFReadEncodedTile(tif, t, tile.data(), static_cast<tmsize_t>(tile.size())) <
            static_cast<tmsize_t>(tile.size()))
          fail(c, "corrupt", "TIFF tile " + std::to_string(t) + " undecodable");
        // Tile widths are multiples of 16, so every tile starts on a byte boundary.
        const size_t dstX = static_cast<size_t>(x) * l.bitsPerPixelInPlane() / 8;
        const size_t bytes =
            (static_cast<size_t>(std::min(tw, l.width - x)) * l.bitsPerPixelInPlane() + 7) / 8;
        for (uint32_t r = 0; r < th && y + r < l.height; ++r)
          std::memcpy(raw.data() + p * planeBytes + (y + r) * rowBytes + dstX,
                      tile.data() + r * tileRowBytes, bytes);
      }
  return raw;
}

Image decodePage(TIFF* tif, const TiffLayout& l, Client& c, const Deadline& dl) {
  if (l.viaRgba) return readViaRgba(tif, l, c);
  const std::vector<uint8_t> raw = readSamples(tif, l, c, dl);
  return convertSamples(raw, l);
}

}  // namespace

void decodeTiff(const DecodeJob& job) {
  silenceLibtiffOnce();
  Client client;
  client.file = &job.file;
  std::unique_ptr<TIFFOpenOptions, OptionsFree> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), kMaxLibtiffAllocation);
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), onError, &client);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), onWarning, &client);
  // "m": no memory mapping, so every read goes through readAt (and the digest).
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("", "rm", &client, readProc, writeProc,
                                                          seekProc, closeProc, sizeProc, mapProc,
                                                          unmapProc, options.get()));
  if (!tif) {
    if (job.file.size() < kTiffMinHeaderBytes) throw InputError("truncated", "TIFF header cut");
    fail(client, "corrupt", "TIFF header or first directory unreadable");
  }

  MediaInfo& info = job.info;
  info.kind = MediaKind::Image;
  info.container = "tiff";
  const int64_t maxFrames = maxAnimationFrames(job.opts.limits);
  for (int64_t n = 0;; ++n) {
    job.deadline.check();
    if (n >= maxFrames) throw InputError("too large", "too many TIFF pages");
    client.warning.clear();  // directory warnings (unknown tags, ...) are harmless
    const TiffLayout l = describeTiff(tif.get(), job.opts.limits);  // throws before any decode
    checkChunks(tif.get(), l, client);
    if (n == 0) {
      info.codec = l.codecName;
      info.pixelFormat = l.pixelFormatName;
      info.width = static_cast<int>(l.width);
      info.height = static_cast<int>(l.height);
      const Orientation o = orientationFromExif(l.orientation);
      info.orientationDegrees = o.degrees;
      info.mirrored = o.mirrored;
    }
    client.error.clear();
    Image img = decodePage(tif.get(), l, client, job.deadline);
    // A warning while decoding pixels means libtiff filled in data it could not read.
    if (!client.warning.empty())
      throw InputError("corrupt", "damaged TIFF image data (" + client.warning + ")");
    // Pillow turns every TIFF page by its Orientation tag when it loads it (TiffImagePlugin
    // load_end: exif_transpose), unlike JPEG, PNG and WebP, whose pixels it gives as stored.
    if (const Orientation o = orientationFromExif(l.orientation); !o.identity()) {
      img = applyOrientation(img.view(), o);
      info.orientationApplied = true;
      info.orientedByDecoder = true;
    }
    info.framesDecoded = n + 1;
    info.framesEmitted = n + 1;
    job.emit(img.view(), FrameInfo{n, 0.0});
    if (!job.opts.allFrames || !TIFFReadDirectory(tif.get())) break;
  }
}

}  // namespace hashsieve::media::detail
