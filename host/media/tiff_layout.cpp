// TIFF tags -> TiffLayout, and Pillow's sample rules (TiffImagePlugin OPEN_INFO, Unpack.c).
#include "host/media/tiff_layout.hpp"

#include <algorithm>
#include <cstring>

#include "host/core/errors.hpp"
#include "host/media/pillow_pixels.hpp"

namespace hashsieve::media::detail {
namespace {

// Tiles may exceed a small image (256x256 tiles on a 10x10 picture); this floor keeps such
// files decodable under a low --max-pixels while still bounding the tile buffer.
constexpr int64_t kMinTilePixelBound = int64_t{1} << 20;

std::string codecName(uint16_t compression) {
  switch (compression) {
    case COMPRESSION_NONE:
      return "raw";
    case COMPRESSION_LZW:
      return "lzw";
    case COMPRESSION_JPEG:
      return "jpeg";
    case COMPRESSION_OJPEG:
      return "ojpeg";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return "deflate";
    case COMPRESSION_PACKBITS:
      return "packbits";
    case COMPRESSION_CCITTRLE:
    case COMPRESSION_CCITTFAX3:
    case COMPRESSION_CCITTFAX4:
      return "ccitt";
    case COMPRESSION_LZMA:
      return "lzma";
    case COMPRESSION_ZSTD:
      return "zstd";
    case COMPRESSION_WEBP:
      return "webp";
    default:
      return "tiff-" + std::to_string(compression);
  }
}

[[noreturn]] void unsupported(const std::string& what) {
  throw InputError("unsupported format", "TIFF " + what);
}

bool oneOf(uint16_t v, std::initializer_list<uint16_t> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

void readPalette(TIFF* tif, TiffLayout& l) {
  uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
  if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b))
    throw InputError("corrupt", "TIFF palette image without a colour map");
  const size_t n = size_t{1} << l.bitsPerSample;
  const uint16_t* maps[3] = {r, g, b};
  for (int c = 0; c < 3; ++c) {
    l.palette[c].resize(n);
    // Pillow keeps the high byte of each 16-bit colour-map entry (b // 256).
    for (size_t i = 0; i < n; ++i) l.palette[c][i] = static_cast<uint8_t>(maps[c][i] >> 8);
  }
}

// One sample as stored: 1/2/4-bit packed MSB first, 8-bit, or 16-bit in host order.
inline uint32_t sampleAt(const uint8_t* row, size_t index, int bits) {
  switch (bits) {
    case 8:
      return row[index];
    case 16: {
      uint16_t v;
      std::memcpy(&v, row + 2 * index, 2);
      return v;
    }
    default: {
      const size_t bit = index * bits;
      const int shift = 8 - bits - static_cast<int>(bit % 8);
      return (row[bit / 8] >> shift) & ((1u << bits) - 1);
    }
  }
}

// Pillow's unpackers: L;2 scales by 0x55, L;4 by 0x11, mode "1" to 0/255, 16-bit high byte.
inline uint8_t to8(uint32_t v, int bits) {
  switch (bits) {
    case 1:
      return v ? 255 : 0;
    case 2:
      return static_cast<uint8_t>(v * 0x55);
    case 4:
      return static_cast<uint8_t>(v * 0x11);
    case 16:
      return static_cast<uint8_t>(v >> 8);
    default:
      return static_cast<uint8_t>(v);
  }
}

}  // namespace

TiffLayout describeTiff(TIFF* tif, const Limits& limits) {
  TiffLayout l;
  if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l.width) ||
      !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l.height) || l.width == 0 || l.height == 0)
    throw InputError("corrupt", "TIFF without valid dimensions");
  if (int64_t{l.width} * l.height > limits.maxPixels)
    throw InputError("too large", std::to_string(l.width) + "x" + std::to_string(l.height) +
                                      " exceeds the pixel limit");
  l.maxTilePixels = std::max(limits.maxPixels, kMinTilePixelBound);

  uint16_t compression = COMPRESSION_NONE, photometric = PHOTOMETRIC_MINISWHITE;
  uint16_t planar = PLANARCONFIG_CONTIG, sampleFormat = SAMPLEFORMAT_UINT;
  uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);  // Pillow's default: 0 (MinIsWhite)
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &l.bitsPerSample);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &l.samplesPerPixel);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &sampleFormat);
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
  l.orientation = orientation;
  l.separatePlanes = planar == PLANARCONFIG_SEPARATE && l.samplesPerPixel > 1;
  l.codecName = codecName(compression);
  if (!TIFFIsCODECConfigured(compression)) unsupported("compression " + l.codecName);
  if (sampleFormat != SAMPLEFORMAT_UINT) unsupported("signed or floating-point samples");
  // Pillow reads old-style JPEG as YCbCr whatever the tag says.
  if (compression == COMPRESSION_OJPEG) photometric = PHOTOMETRIC_YCBCR;

  uint16_t extraCount = 0;
  uint16_t* extra = nullptr;
  TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extraCount, &extra);
  const int bits = l.bitsPerSample;
  const std::string depth = std::to_string(bits);
  int colours = 1;
  switch (photometric) {
    case PHOTOMETRIC_MINISWHITE:
    case PHOTOMETRIC_MINISBLACK:
      if (!oneOf(bits, {1, 2, 4, 8, 16})) unsupported(depth + "-bit grey");
      l.kind = TiffLayout::Kind::Grey;
      // Pillow has no inverting 16-bit mode: it reads 16-bit MinIsWhite as MinIsBlack.
      l.invert = photometric == PHOTOMETRIC_MINISWHITE && bits != 16;
      l.pixelFormatName = "gray" + depth;
      break;
    case PHOTOMETRIC_RGB:
      if (!oneOf(bits, {8, 16})) unsupported(depth + "-bit RGB");
      l.kind = TiffLayout::Kind::Rgb;
      colours = 3;
      l.pixelFormatName = (l.samplesPerPixel > 3 ? "rgba" : "rgb") + depth;
      break;
    case PHOTOMETRIC_PALETTE:
      if (!oneOf(bits, {1, 2, 4, 8})) unsupported(depth + "-bit palette");
      l.kind = TiffLayout::Kind::Palette;
      l.pixelFormatName = "palette" + depth;
      readPalette(tif, l);
      break;
    case PHOTOMETRIC_SEPARATED: {
      uint16_t inkset = INKSET_CMYK;
      TIFFGetFieldDefaulted(tif, TIFFTAG_INKSET, &inkset);
      if (inkset != INKSET_CMYK || !oneOf(bits, {8, 16})) unsupported("separated, not CMYK");
      l.kind = TiffLayout::Kind::Cmyk;
      colours = 4;
      l.pixelFormatName = "cmyk" + depth;
      break;
    }
    case PHOTOMETRIC_YCBCR:
      if (bits != 8) unsupported(depth + "-bit YCbCr");
      l.kind = TiffLayout::Kind::Rgb;
      colours = 3;
      l.pixelFormatName = "ycbcr";
      // As Pillow: new-style JPEG in one plane is decoded by libjpeg straight to RGB; every
      // other YCbCr file goes through libtiff's RGBA reader (Pillow's TiffDecode.c).
      if (compression == COMPRESSION_JPEG && !l.separatePlanes)
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      else
        l.viaRgba = true;
      break;
    default:
      unsupported("photometric interpretation " + std::to_string(photometric));
  }
  if (l.samplesPerPixel < colours) throw InputError("corrupt", "TIFF with too few samples");
  l.associatedAlpha = l.kind == TiffLayout::Kind::Rgb && l.samplesPerPixel > 3 && extraCount > 0 &&
                      extra[0] == EXTRASAMPLE_ASSOCALPHA;
  return l;
}

Image convertSamples(const std::vector<uint8_t>& raw, const TiffLayout& l) {
  const bool grey = l.kind == TiffLayout::Kind::Grey;
  Image img(static_cast<int>(l.width), static_cast<int>(l.height),
            grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
  const int bits = l.bitsPerSample, spp = l.samplesPerPixel;
  const size_t rowBytes = l.rowBytes(), planeBytes = rowBytes * l.height;
  const auto sample = [&](uint32_t x, uint32_t y, int channel) {
    if (l.separatePlanes)
      return sampleAt(raw.data() + channel * planeBytes + y * rowBytes, x, bits);
    return sampleAt(raw.data() + y * rowBytes, size_t{x} * spp + channel, bits);
  };
  for (uint32_t y = 0; y < l.height; ++y) {
    uint8_t* out = img.row(static_cast<int>(y));
    for (uint32_t x = 0; x < l.width; ++x) {
      switch (l.kind) {
        case TiffLayout::Kind::Grey: {
          const uint8_t v = to8(sample(x, y, 0), bits);
          out[x] = l.invert ? static_cast<uint8_t>(255 - v) : v;
          break;
        }
        case TiffLayout::Kind::Palette: {
          const uint32_t i = sample(x, y, 0);
          for (int c = 0; c < 3; ++c) out[3 * x + c] = l.palette[c][i];
          break;
        }
        case TiffLayout::Kind::Rgb: {
          const int a = l.associatedAlpha ? to8(sample(x, y, 3), bits) : 255;
          for (int c = 0; c < 3; ++c)
            out[3 * x + c] = pillowUnpremultiply(to8(sample(x, y, c), bits), a);
          break;
        }
        case TiffLayout::Kind::Cmyk: {
          const int k = to8(sample(x, y, 3), bits);
          for (int c = 0; c < 3; ++c)
            out[3 * x + c] = pillowCmykChannel(to8(sample(x, y, c), bits), k);
          break;
        }
      }
    }
  }
  return img;
}

}  // namespace hashsieve::media::detail
