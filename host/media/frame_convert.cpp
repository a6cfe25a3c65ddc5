// Exact pixel-format rules for still images; the vPDQ swscale conversion for video frames.
#include "host/media/frame_convert.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstring>
#include <new>
#include <string>

#include "host/core/errors.hpp"
#include "host/media/pillow_pixels.hpp"

namespace hashsieve::media::detail {
namespace {

// 16-bit samples keep their high byte: Pillow unpacks 16-bit PNG this way ("RGB;16B").
inline uint8_t hi(const uint8_t* p, bool bigEndian) { return bigEndian ? p[0] : p[1]; }

const uint8_t* srcRow(const AVFrame& f, int plane, int y) {
  return f.data[plane] + static_cast<std::ptrdiff_t>(y) * f.linesize[plane];
}

// Packed formats: bytes per pixel and the byte offsets of R, G, B (of the grey sample: 0).
struct PackedLayout {
  AVPixelFormat format;
  int bytesPerPixel, r, g, b;
  bool grey, sixteen, bigEndian;
};

constexpr PackedLayout kPackedLayouts[] = {
    {AV_PIX_FMT_GRAY8, 1, 0, 0, 0, true, false, false},
    {AV_PIX_FMT_YA8, 2, 0, 0, 0, true, false, false},
    {AV_PIX_FMT_GRAY16BE, 2, 0, 0, 0, true, true, true},
    {AV_PIX_FMT_GRAY16LE, 2, 0, 0, 0, true, true, false},
    {AV_PIX_FMT_YA16BE, 4, 0, 0, 0, true, true, true},
    {AV_PIX_FMT_YA16LE, 4, 0, 0, 0, true, true, false},
    {AV_PIX_FMT_RGB24, 3, 0, 1, 2, false, false, false},
    {AV_PIX_FMT_BGR24, 3, 2, 1, 0, false, false, false},
    {AV_PIX_FMT_RGBA, 4, 0, 1, 2, false, false, false},
    {AV_PIX_FMT_RGB0, 4, 0, 1, 2, false, false, false},
    {AV_PIX_FMT_BGRA, 4, 2, 1, 0, false, false, false},
    {AV_PIX_FMT_BGR0, 4, 2, 1, 0, false, false, false},
    {AV_PIX_FMT_ARGB, 4, 1, 2, 3, false, false, false},
    {AV_PIX_FMT_0RGB, 4, 1, 2, 3, false, false, false},
    {AV_PIX_FMT_ABGR, 4, 3, 2, 1, false, false, false},
    {AV_PIX_FMT_0BGR, 4, 3, 2, 1, false, false, false},
    {AV_PIX_FMT_RGB48BE, 6, 0, 2, 4, false, true, true},
    {AV_PIX_FMT_RGB48LE, 6, 0, 2, 4, false, true, false},
    {AV_PIX_FMT_RGBA64BE, 8, 0, 2, 4, false, true, true},
    {AV_PIX_FMT_RGBA64LE, 8, 0, 2, 4, false, true, false},
};

const PackedLayout* packedLayout(AVPixelFormat fmt) {
  for (const PackedLayout& l : kPackedLayouts)
    if (l.format == fmt) return &l;
  return nullptr;
}

void convertPacked(const AVFrame& f, const PackedLayout& l, const FrameTarget& out) {
  const int w = f.width, h = f.height, bpp = l.bytesPerPixel;
  // Samples already in the output's order (GRAY8, RGB24): whole rows at once.
  const bool sameLayout = !l.sixteen && l.r == 0 && (l.grey ? bpp == 1 : bpp == 3 && l.g == 1);
  const bool rgbx = !l.sixteen && !l.grey && bpp == 4 && l.r == 0 && l.g == 1 && l.b == 2;
  for (int y = 0; y < h; ++y) {
    const uint8_t* s = srcRow(f, 0, y);
    uint8_t* d = out.row(y);
    if (sameLayout) {
      std::memcpy(d, s, static_cast<size_t>(w) * bpp);
    } else if (rgbx) {
      rgbFromRgbx(s, d, static_cast<size_t>(w));
    } else if (l.grey) {
      for (int x = 0; x < w; ++x, s += bpp) d[x] = l.sixteen ? hi(s, l.bigEndian) : s[0];
    } else if (l.sixteen) {
      for (int x = 0; x < w; ++x, s += bpp, d += 3) {
        d[0] = hi(s + l.r, l.bigEndian);
        d[1] = hi(s + l.g, l.bigEndian);
        d[2] = hi(s + l.b, l.bigEndian);
      }
    } else {
      for (int x = 0; x < w; ++x, s += bpp, d += 3) {
        d[0] = s[l.r];
        d[1] = s[l.g];
        d[2] = s[l.b];
      }
    }
  }
}

// Palette -> true RGB (alpha of the entries dropped).
void convertPalette(const AVFrame& f, const FrameTarget& out) {
  const auto* pal = reinterpret_cast<const uint32_t*>(f.data[1]);  // native-endian ARGB
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* s = srcRow(f, 0, y);
    uint8_t* d = out.row(y);
    for (int x = 0; x < f.width; ++x, d += 3) {
      const uint32_t c = pal[s[x]];
      d[0] = static_cast<uint8_t>(c >> 16);
      d[1] = static_cast<uint8_t>(c >> 8);
      d[2] = static_cast<uint8_t>(c);
    }
  }
}

// 1-bit: 0/255 grey, as Pillow and ImageMagick give.
void convertMono(const AVFrame& f, bool oneIsWhite, const FrameTarget& out) {
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* s = srcRow(f, 0, y);
    uint8_t* d = out.row(y);
    for (int x = 0; x < f.width; ++x) {
      const bool bit = (s[x >> 3] >> (7 - (x & 7))) & 1;
      d[x] = (bit == oneIsWhite) ? 255 : 0;
    }
  }
}

// 16-bit 5-5-5 / 5-6-5 RGB (BMP): each field scaled as Pillow's BGR;15 and BGR;16 unpackers
// scale it, v * 255 / max truncated; swscale repeats the top bits instead, one level higher
// on about half the values.
void convertRgb16(const AVFrame& f, int greenBits, bool bigEndian, const FrameTarget& out) {
  constexpr int kFiveBitMax = 31;
  const int greenMax = (1 << greenBits) - 1;
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* s = srcRow(f, 0, y);
    uint8_t* d = out.row(y);
    for (int x = 0; x < f.width; ++x, s += 2, d += 3) {
      const int v = bigEndian ? (s[0] << 8 | s[1]) : (s[1] << 8 | s[0]);
      d[0] = static_cast<uint8_t>(((v >> (5 + greenBits)) & kFiveBitMax) * 255 / kFiveBitMax);
      d[1] = static_cast<uint8_t>(((v >> 5) & greenMax) * 255 / greenMax);
      d[2] = static_cast<uint8_t>((v & kFiveBitMax) * 255 / kFiveBitMax);
    }
  }
}

// Planar G, B, R (+A), 8 or 16 bits.
void convertPlanarGbr(const AVFrame& f, bool is16, bool bigEndian, const FrameTarget& out) {
  const int step = is16 ? 2 : 1;
  constexpr int kPlaneOfChannel[3] = {2, 0, 1};  // R, G, B live in planes 2, 0, 1
  for (int y = 0; y < f.height; ++y) {
    uint8_t* d = out.row(y);
    for (int c = 0; c < 3; ++c) {
      const uint8_t* s = srcRow(f, kPlaneOfChannel[c], y);
      for (int x = 0; x < f.width; ++x) d[3 * x + c] = is16 ? hi(s + step * x, bigEndian) : s[x];
    }
  }
}

// swscale's target rows and size, as av_frame_get_buffer(frame, 0) lays them out in FFmpeg 5.1
// (rows padded to 32 pixels, height to 32 rows, 4 x 32 bytes of slack): the same padding whether
// the frame goes to the converter's own AVFrame or to a FrameAllocator's memory.
constexpr int kSwsAlign = 32;
constexpr size_t kSwsSlackBytes = 4 * kSwsAlign;

int alignUp(int v, int a) { return (v + a - 1) / a * a; }

}  // namespace

ImageView FrameConverter::convert(const AVFrame& frame) {
  ImageView view;
  if (mode_ == Mode::Still && exact(frame, view)) return view;
  const auto* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  const bool grey = desc && desc->nb_components <= 2 && !(desc->flags & AV_PIX_FMT_FLAG_RGB) &&
                    !(desc->flags & AV_PIX_FMT_FLAG_PAL);
  // Videos are always RGB24, as vPDQ hashes them; grey stills keep PDQ's grey path.
  return swscale(frame, mode_ == Mode::Still && grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
}

ImageView FrameConverter::swscale(const AVFrame& frame, PixelFormat out) {
  const int w = frame.width, h = frame.height;
  const AVPixelFormat dstFormat = out == PixelFormat::Rgb8 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  // The target is an AVFrame with FFmpeg's default row alignment (align 0: rows padded to the
  // SIMD width). FFmpeg 5.1's unscaled x86 YUV->RGB converters write whole groups of 8 pixels
  // and drop the last group when it would overrun the row stride: with tight rows (align 1)
  // and a width that is not a multiple of 8 (854), the last columns stay unwritten. Padded rows
  // let them be written; the ffmpeg CLI and the vpdq package get those pixels (measured: with
  // align 1, the 854-wide corpus video's frames were 2-12 bits from vpdq's; now 0).
  uint8_t* dst[4] = {};
  int dstStride[4] = {};
  if (alloc_) {  // the allocator's memory, laid out as that AVFrame would be
    dstStride[0] = bytesPerPixel(out) * alignUp(w, kSwsAlign);
    dst[0] = alloc_->frameMemory(static_cast<size_t>(dstStride[0]) * alignUp(h, kSwsAlign) +
                                 kSwsSlackBytes);
  } else if (!swsOut_ || swsOut_->width != w || swsOut_->height != h ||
             swsOut_->format != dstFormat) {
    swsOut_.reset(av_frame_alloc());
    if (!swsOut_) throw std::bad_alloc();
    swsOut_->format = dstFormat;
    swsOut_->width = w;
    swsOut_->height = h;
    if (av_frame_get_buffer(swsOut_.get(), 0) < 0) throw std::bad_alloc();
  }
  if (!alloc_) {
    dst[0] = swsOut_->data[0];
    dstStride[0] = swsOut_->linesize[0];
  }
  // vPDQ: sws_getContext(w, h, pix_fmt, w, h, RGB24, SWS_AREA, NULL, NULL, NULL); no
  // sws_setColorspaceDetails, so the frame's colour-space tags are ignored just as there.
  sws_.reset(sws_getCachedContext(sws_.release(), w, h, static_cast<AVPixelFormat>(frame.format), w,
                                  h, dstFormat, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws_) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
    throw InputError("unsupported format", std::string("pixel format ") + (name ? name : "?"));
  }
  // Zeroed all the same, so no converter that skips a column can make the hash depend on
  // stale memory.
  std::memset(dst[0], 0, static_cast<size_t>(dstStride[0]) * h);
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, h, dst, dstStride);
  return ImageView{dst[0], w, h, dstStride[0], out};
}

FrameTarget FrameConverter::packed(const AVFrame& f, PixelFormat out) {
  FrameTarget t{nullptr, static_cast<std::ptrdiff_t>(f.width) * bytesPerPixel(out), f.width,
                f.height, out};
  if (alloc_) {
    t.data = alloc_->frameMemory(static_cast<size_t>(t.stride) * f.height);
  } else {
    if (out_.width != f.width || out_.height != f.height || out_.format != out)
      out_ = Image(f.width, f.height, out);
    t.data = out_.pixels.data();
  }
  return t;
}

bool FrameConverter::exact(const AVFrame& f, ImageView& view) {
  const auto fmt = static_cast<AVPixelFormat>(f.format);
  const auto into = [&](PixelFormat out, const auto& fill) {
    const FrameTarget t = packed(f, out);
    fill(t);
    view = t.view();
    return true;
  };
  if (const PackedLayout* l = packedLayout(fmt))
    return into(l->grey ? PixelFormat::Gray8 : PixelFormat::Rgb8,
                [&](const FrameTarget& t) { convertPacked(f, *l, t); });
  switch (fmt) {
    case AV_PIX_FMT_PAL8:
      return into(PixelFormat::Rgb8, [&](const FrameTarget& t) { convertPalette(f, t); });
    case AV_PIX_FMT_MONOBLACK:
    case AV_PIX_FMT_MONOWHITE:
      return into(PixelFormat::Gray8,
                  [&](const FrameTarget& t) { convertMono(f, fmt == AV_PIX_FMT_MONOBLACK, t); });
    case AV_PIX_FMT_RGB555LE:
    case AV_PIX_FMT_RGB555BE:
    case AV_PIX_FMT_RGB565LE:
    case AV_PIX_FMT_RGB565BE: {
      const bool is565 = fmt == AV_PIX_FMT_RGB565LE || fmt == AV_PIX_FMT_RGB565BE;
      const bool bigEndian = fmt == AV_PIX_FMT_RGB555BE || fmt == AV_PIX_FMT_RGB565BE;
      return into(PixelFormat::Rgb8,
                  [&](const FrameTarget& t) { convertRgb16(f, is565 ? 6 : 5, bigEndian, t); });
    }
    case AV_PIX_FMT_GBRP:
    case AV_PIX_FMT_GBRAP:
      return into(PixelFormat::Rgb8,
                  [&](const FrameTarget& t) { convertPlanarGbr(f, false, false, t); });
    case AV_PIX_FMT_GBRP16BE:
    case AV_PIX_FMT_GBRAP16BE:
      return into(PixelFormat::Rgb8,
                  [&](const FrameTarget& t) { convertPlanarGbr(f, true, true, t); });
    case AV_PIX_FMT_GBRP16LE:
    case AV_PIX_FMT_GBRAP16LE:
      return into(PixelFormat::Rgb8,
                  [&](const FrameTarget& t) { convertPlanarGbr(f, true, false, t); });
    default:
      return false;
  }
}

}  // namespace hashsieve::media::detail
