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

namespace hashsieve::media::detail {
namespace {

// 16-bit samples keep their high byte: Pillow unpacks 16-bit PNG this way ("RGB;16B").
inline uint8_t hi(const uint8_t* p, bool bigEndian) { return bigEndian ? p[0] : p[1]; }

void ensure(Image& img, int w, int h, PixelFormat f) {
  if (img.width != w || img.height != h || img.format != f) img = Image(w, h, f);
}

}  // namespace

ImageView FrameConverter::convert(const AVFrame& frame) {
  if (mode_ == Mode::Still && exact(frame)) return out_.view();
  const auto* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  const bool grey = desc && desc->nb_components <= 2 && !(desc->flags & AV_PIX_FMT_FLAG_RGB) &&
                    !(desc->flags & AV_PIX_FMT_FLAG_PAL);
  // Videos are always RGB24, as vPDQ hashes them; grey stills keep PDQ's grey path.
  return swscale(frame, mode_ == Mode::Still && grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
}

ImageView FrameConverter::swscale(const AVFrame& frame, PixelFormat out) {
  const int w = frame.width, h = frame.height;
  const AVPixelFormat dstFormat = out == PixelFormat::Rgb8 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  // The target is an AVFrame allocated as vPDQ allocates it (av_frame_get_buffer, align 1):
  // swscale's SIMD writers may run past the last row, which FFmpeg's padded buffers absorb.
  if (!swsOut_ || swsOut_->width != w || swsOut_->height != h || swsOut_->format != dstFormat) {
    swsOut_.reset(av_frame_alloc());
    if (!swsOut_) throw std::bad_alloc();
    swsOut_->format = dstFormat;
    swsOut_->width = w;
    swsOut_->height = h;
    if (av_frame_get_buffer(swsOut_.get(), 1) < 0) throw std::bad_alloc();
  }
  // vPDQ: sws_getContext(w, h, pix_fmt, w, h, RGB24, SWS_AREA, NULL, NULL, NULL); no
  // sws_setColorspaceDetails, so the frame's colour-space tags are ignored just as there.
  sws_.reset(sws_getCachedContext(sws_.release(), w, h, static_cast<AVPixelFormat>(frame.format), w,
                                  h, dstFormat, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws_) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
    throw InputError("unsupported format", std::string("pixel format ") + (name ? name : "?"));
  }
  // FFmpeg 5.1's unscaled x86 YUV->RGB converters write whole groups of 8 pixels only: on widths
  // that are not a multiple of 8 the last columns stay unwritten (854 wide: 6). Zero them, so the
  // hash never depends on stale memory. vPDQ hashes whatever its buffer held there: on the 854-wide
  // corpus video its frames differ from ours by 2-12 bits (widths divisible by 8 are identical).
  std::memset(swsOut_->data[0], 0, static_cast<size_t>(swsOut_->linesize[0]) * h);
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, h, swsOut_->data, swsOut_->linesize);
  return ImageView{swsOut_->data[0], w, h, swsOut_->linesize[0], out};
}

bool FrameConverter::exact(const AVFrame& f) {
  const int w = f.width, h = f.height;
  const auto fmt = static_cast<AVPixelFormat>(f.format);
  // Packed formats: bytes per pixel and the byte offsets of R, G, B (or of grey).
  int bpp = 0, r = 0, g = 0, b = 0;
  bool grey = false, sixteen = false, bigEndian = false;
  switch (fmt) {
    case AV_PIX_FMT_GRAY8:
      bpp = 1;
      grey = true;
      break;
    case AV_PIX_FMT_YA8:
      bpp = 2;
      grey = true;
      break;
    case AV_PIX_FMT_GRAY16BE:
      bpp = 2;
      grey = sixteen = bigEndian = true;
      break;
    case AV_PIX_FMT_GRAY16LE:
      bpp = 2;
      grey = sixteen = true;
      break;
    case AV_PIX_FMT_YA16BE:
      bpp = 4;
      grey = sixteen = bigEndian = true;
      break;
    case AV_PIX_FMT_YA16LE:
      bpp = 4;
      grey = sixteen = true;
      break;
    case AV_PIX_FMT_RGB24:
      bpp = 3;
      r = 0;
      g = 1;
      b = 2;
      break;
    case AV_PIX_FMT_BGR24:
      bpp = 3;
      r = 2;
      g = 1;
      b = 0;
      break;
    case AV_PIX_FMT_RGBA:
    case AV_PIX_FMT_RGB0:
      bpp = 4;
      r = 0;
      g = 1;
      b = 2;
      break;
    case AV_PIX_FMT_BGRA:
    case AV_PIX_FMT_BGR0:
      bpp = 4;
      r = 2;
      g = 1;
      b = 0;
      break;
    case AV_PIX_FMT_ARGB:
    case AV_PIX_FMT_0RGB:
      bpp = 4;
      r = 1;
      g = 2;
      b = 3;
      break;
    case AV_PIX_FMT_ABGR:
    case AV_PIX_FMT_0BGR:
      bpp = 4;
      r = 3;
      g = 2;
      b = 1;
      break;
    case AV_PIX_FMT_RGB48BE:
      bpp = 6;
      r = 0;
      g = 2;
      b = 4;
      sixteen = bigEndian = true;
      break;
    case AV_PIX_FMT_RGB48LE:
      bpp = 6;
      r = 0;
      g = 2;
      b = 4;
      sixteen = true;
      break;
    case AV_PIX_FMT_RGBA64BE:
      bpp = 8;
      r = 0;
      g = 2;
      b = 4;
      sixteen = bigEndian = true;
      break;
    case AV_PIX_FMT_RGBA64LE:
      bpp = 8;
      r = 0;
      g = 2;
      b = 4;
      sixteen = true;
      break;
    default:
      break;
  }
  if (bpp > 0) {
    ensure(out_, w, h, grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y) {
      const uint8_t* s = f.data[0] + static_cast<std::ptrdiff_t>(y) * f.linesize[0];
      uint8_t* d = out_.row(y);
      if (grey) {
        for (int x = 0; x < w; ++x, s += bpp) d[x] = sixteen ? hi(s, bigEndian) : s[0];
      } else if (sixteen) {
        for (int x = 0; x < w; ++x, s += bpp, d += 3) {
          d[0] = hi(s + r, bigEndian);
          d[1] = hi(s + g, bigEndian);
          d[2] = hi(s + b, bigEndian);
        }
      } else {
        for (int x = 0; x < w; ++x, s += bpp, d += 3) {
          d[0] = s[r];
          d[1] = s[g];
          d[2] = s[b];
        }
      }
    }
    return true;
  }
  switch (fmt) {
    case AV_PIX_FMT_PAL8: {  // palette -> true RGB (alpha of the entries dropped)
      ensure(out_, w, h, PixelFormat::Rgb8);
      const auto* pal = reinterpret_cast<const uint32_t*>(f.data[1]);  // native-endian ARGB
      for (int y = 0; y < h; ++y) {
        const uint8_t* s = f.data[0] + static_cast<std::ptrdiff_t>(y) * f.linesize[0];
        uint8_t* d = out_.row(y);
        for (int x = 0; x < w; ++x, d += 3) {
          const uint32_t c = pal[s[x]];
          d[0] = static_cast<uint8_t>(c >> 16);
          d[1] = static_cast<uint8_t>(c >> 8);
          d[2] = static_cast<uint8_t>(c);
        }
      }
      return true;
    }
    case AV_PIX_FMT_MONOBLACK:
    case AV_PIX_FMT_MONOWHITE: {  // 1-bit: 0/255 grey, as Pillow and ImageMagick give
      ensure(out_, w, h, PixelFormat::Gray8);
      const bool oneIsWhite = fmt == AV_PIX_FMT_MONOBLACK;
      for (int y = 0; y < h; ++y) {
        const uint8_t* s = f.data[0] + static_cast<std::ptrdiff_t>(y) * f.linesize[0];
        uint8_t* d = out_.row(y);
        for (int x = 0; x < w; ++x) {
          const bool bit = (s[x >> 3] >> (7 - (x & 7))) & 1;
          d[x] = (bit == oneIsWhite) ? 255 : 0;
        }
      }
      return true;
    }
    case AV_PIX_FMT_GBRP:
    case AV_PIX_FMT_GBRAP:
    case AV_PIX_FMT_GBRP16BE:
    case AV_PIX_FMT_GBRP16LE:
    case AV_PIX_FMT_GBRAP16BE:
    case AV_PIX_FMT_GBRAP16LE: {  // planar G, B, R (+A)
      const bool is16 = fmt != AV_PIX_FMT_GBRP && fmt != AV_PIX_FMT_GBRAP;
      const bool be = fmt == AV_PIX_FMT_GBRP16BE || fmt == AV_PIX_FMT_GBRAP16BE;
      const int step = is16 ? 2 : 1;
      ensure(out_, w, h, PixelFormat::Rgb8);
      constexpr int kPlaneOfChannel[3] = {2, 0, 1};  // R, G, B live in planes 2, 0, 1
      for (int y = 0; y < h; ++y) {
        uint8_t* d = out_.row(y);
        for (int c = 0; c < 3; ++c) {
          const int p = kPlaneOfChannel[c];
          const uint8_t* s = f.data[p] + static_cast<std::ptrdiff_t>(y) * f.linesize[p];
          for (int x = 0; x < w; ++x) d[3 * x + c] = is16 ? hi(s + step * x, be) : s[x];
        }
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace hashsieve::media::detail
