// numpy arrays to ImageView, copying only what the hashers cannot read in place.
#include "python/src/frames.hpp"

#include <climits>
#include <string>

namespace hashsieve::py {
namespace {

std::string shapeText(const ImageArray& a) {
  std::string s = "(";
  for (size_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

}  // namespace

Frame toFrame(const ImageArray& a) {
  const size_t nd = a.ndim();
  const size_t channels = nd == 3 ? a.shape(2) : 1;
  if ((nd != 2 && nd != 3) || (channels != 1 && channels != 3 && channels != 4))
    throw nb::value_error(
        ("image must be H x W, H x W x 1, H x W x 3 or H x W x 4 uint8; got shape " + shapeText(a))
            .c_str());
  if (a.shape(0) == 0 || a.shape(1) == 0)
    throw nb::value_error(("image is empty: shape " + shapeText(a)).c_str());
  if (a.shape(0) > INT_MAX || a.shape(1) > INT_MAX)
    throw nb::value_error(("image too large: shape " + shapeText(a)).c_str());
  const int h = static_cast<int>(a.shape(0)), w = static_cast<int>(a.shape(1));
  const int64_t sy = a.stride(0), sx = a.stride(1), sc = nd == 3 ? a.stride(2) : 1;
  const bool grey = channels == 1;
  const int64_t px = grey ? 1 : 3;

  Frame f;
  // Packed pixels in each row and rows that do not overlap: hash in place.
  if (channels != 4 && sx == px && (grey || sc == 1) && sy >= px * w) {
    f.view = ImageView{a.data(), w, h, static_cast<std::ptrdiff_t>(sy),
                       grey ? PixelFormat::Gray8 : PixelFormat::Rgb8};
    return f;
  }
  f.copy = Image(w, h, grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
  const uint8_t* src = a.data();
  for (int y = 0; y < h; ++y) {
    uint8_t* out = f.copy.row(y);
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = src + y * sy + x * sx;
      for (int c = 0; c < px; ++c) *out++ = p[c * sc];
    }
  }
  f.view = f.copy.view();
  return f;
}

}  // namespace hashsieve::py
