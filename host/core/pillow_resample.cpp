// Pillow 13 LANCZOS resampling of 8-bit grey images; see pillow_resample.hpp.
#include "host/core/pillow_resample.hpp"

#include <algorithm>
#include <cmath>

#include "host/core/errors.hpp"
#include "host/core/phash_math.hpp"
#include "host/core/pillow_resample_avx2.hpp"

namespace hashsieve::pillow {
namespace {

constexpr double kLanczosSupport = 3.0;  // Pillow's LANCZOS filter: truncated sinc, a = 3

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * M_PI;
  return std::sin(x) / x;
}

double lanczos(double x) {
  if (-kLanczosSupport <= x && x < kLanczosSupport) return sinc(x) * sinc(x / kLanczosSupport);
  return 0.0;
}

// Pillow stores the normalised double weight as (int)(w * 2^22 +- 0.5): truncation of the
// half-shifted value, i.e. rounding half away from zero.
int32_t toFixed(double w) {
  const double scaled = w * static_cast<double>(int32_t{1} << phash::kResamplePrecisionBits);
  return static_cast<int32_t>(w < 0 ? -0.5 + scaled : 0.5 + scaled);
}

/// One output sample of an 8-bit pass: integer dot product, then Pillow's rounding clip.
inline uint8_t applyTaps(const uint8_t* in, std::ptrdiff_t step, const int32_t* k, int n) {
  int32_t acc = phash::kResampleHalf;
  for (int x = 0; x < n; ++x) acc += static_cast<int32_t>(in[x * step]) * k[x];
  return phash::resampleClip8(acc);
}

/// Row y of the frame as Pillow "L" samples.
void greyRow(const ImageView& img, int y, uint8_t* out) {
  const uint8_t* p = img.row(y);
  if (img.format == PixelFormat::Gray8) {
    std::copy_n(p, img.width, out);
    return;
  }
  if (detail::haveAvx2()) {
    detail::greyRowAvx2(p, img.width, out);
    return;
  }
  for (int x = 0; x < img.width; ++x)
    out[x] = phash::pillowLuma(p[3 * x], p[3 * x + 1], p[3 * x + 2]);
}

}  // namespace

ResampleTaps lanczosTaps(int inSize, int outSize) {
  ResampleTaps t;
  t.inSize = inSize;
  t.outSize = outSize;
  // Pillow passes the box edges as float and computes the scale in double.
  const double scale = static_cast<double>(static_cast<float>(inSize)) / outSize;
  const double filterScale = scale < 1.0 ? 1.0 : scale;  // upsampling keeps the filter width
  const double support = kLanczosSupport * filterScale;
  t.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  t.first.resize(outSize);
  t.count.resize(outSize);
  t.coef.assign(static_cast<size_t>(outSize) * t.taps, 0);
  std::vector<double> w(t.taps);
  const double invScale = 1.0 / filterScale;
  for (int i = 0; i < outSize; ++i) {
    const double center = (i + 0.5) * scale;
    // Pillow "rounds" with (int)(v + 0.5), which truncates toward zero, then clamps.
    int lo = static_cast<int>(center - support + 0.5);  // NOLINT(bugprone-incorrect-roundings)
    if (lo < 0) lo = 0;
    int hi = static_cast<int>(center + support + 0.5);  // NOLINT(bugprone-incorrect-roundings)
    if (hi > inSize) hi = inSize;
    const int n = hi - lo;
    double sum = 0.0;
    for (int x = 0; x < n; ++x) {
      w[x] = lanczos((x + lo - center + 0.5) * invScale);
      sum += w[x];
    }
    int32_t* k = &t.coef[static_cast<size_t>(i) * t.taps];
    for (int x = 0; x < n; ++x) k[x] = toFixed(sum != 0.0 ? w[x] / sum : w[x]);
    t.first[i] = lo;
    t.count[i] = n;
  }
  return t;
}

namespace {

/// Taps of one resize, kept per thread: frames of one size repeat, and building the taps costs
/// thousands of sin() calls. `split` holds them as the AVX2 horizontal pass reads them.
struct CachedTaps {
  ResampleTaps taps;
  detail::SplitTaps split;
};

const CachedTaps& cachedTaps(int inSize, int outSize, bool horizontal) {
  thread_local CachedTaps cache[2];  // [0] vertical, [1] horizontal
  CachedTaps& c = cache[horizontal ? 1 : 0];
  if (c.taps.inSize != inSize || c.taps.outSize != outSize || c.taps.taps == 0) {
    c.taps = lanczosTaps(inSize, outSize);
    c.split = horizontal && detail::haveAvx2() ? detail::splitTaps(c.taps) : detail::SplitTaps{};
  }
  return c;
}

/// One row of the horizontal pass. `row` must hold kGreyRowPadding readable bytes past the image
/// width.
void horizontalRow(const uint8_t* row, const CachedTaps& h, uint8_t* dst) {
  const ResampleTaps& ht = h.taps;
  if (detail::haveAvx2()) {
    detail::horizontalTapsAvx2(row, ht, h.split, dst);
    return;
  }
  for (int x = 0; x < ht.outSize; ++x)
    dst[x] =
        applyTaps(row + ht.first[x], 1, &ht.coef[static_cast<size_t>(x) * ht.taps], ht.count[x]);
}

/// The vertical pass over a packed `tempW`-wide buffer whose row 0 is source row `yFirst`; taps
/// are applied row by row across all columns (integer sums: the order does not matter).
void verticalPass(const std::vector<uint8_t>& temp, int tempW, int yFirst, const ResampleTaps& vt,
                  uint8_t* out) {
  if (detail::haveAvx2()) {
    detail::verticalTapsAvx2(temp.data(), tempW, yFirst, vt, out);
    return;
  }
  std::vector<int32_t> acc(tempW);
  for (int y = 0; y < vt.outSize; ++y) {
    std::fill(acc.begin(), acc.end(), phash::kResampleHalf);
    const int32_t* k = &vt.coef[static_cast<size_t>(y) * vt.taps];
    for (int j = 0; j < vt.count[y]; ++j) {
      const uint8_t* src = &temp[static_cast<size_t>(vt.first[y] + j - yFirst) * tempW];
      for (int x = 0; x < tempW; ++x) acc[x] += static_cast<int32_t>(src[x]) * k[j];
    }
    for (int x = 0; x < tempW; ++x)
      out[static_cast<size_t>(y) * tempW + x] = phash::resampleClip8(acc[x]);
  }
}

// Horizontal pass first (Pillow's usual order): only the source rows the vertical pass reads
// (Pillow's ybox) are converted and filtered.
void horizontalFirst(const ImageView& img, int outW, int outH, std::vector<uint8_t>& out) {
  StreamedResize resize(img.width, img.height, outW, outH);
  std::vector<uint8_t> row(static_cast<size_t>(img.width) + kGreyRowPadding, 0);
  for (int y = resize.firstRow(); y < resize.endRow(); ++y) {
    greyRow(img, y, row.data());
    resize.row(y, row.data());
  }
  resize.finish(out);
}

// Vertical pass first (Pillow 13 picks it when the height shrinks by more than twice as many
// pixels as the width). Each source row is converted once and added into every output row whose
// window holds it; integer sums do not depend on the order, so this equals Pillow's column sums.
void verticalFirst(const ImageView& img, int outW, int outH, bool needH,
                   std::vector<uint8_t>& out) {
  const int inW = img.width, inH = img.height;
  const ResampleTaps& vt = cachedTaps(inH, outH, false).taps;
  std::vector<int32_t> acc(static_cast<size_t>(outH) * inW, phash::kResampleHalf);
  std::vector<uint8_t> row(inW);
  int yBegin = 0;  // first output row whose window may still include source row r
  for (int r = 0; r < inH; ++r) {
    while (yBegin < outH && vt.first[yBegin] + vt.count[yBegin] <= r) ++yBegin;
    if (yBegin == outH) break;
    if (vt.first[yBegin] > r) continue;  // no window reads this row
    greyRow(img, r, row.data());
    for (int y = yBegin; y < outH && vt.first[y] <= r; ++y) {
      if (r >= vt.first[y] + vt.count[y]) continue;
      const int32_t k = vt.coef[static_cast<size_t>(y) * vt.taps + (r - vt.first[y])];
      int32_t* a = &acc[static_cast<size_t>(y) * inW];
      for (int x = 0; x < inW; ++x) a[x] += static_cast<int32_t>(row[x]) * k;
    }
  }
  std::vector<uint8_t> temp(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) temp[i] = phash::resampleClip8(acc[i]);
  if (!needH) {
    out = std::move(temp);
    return;
  }
  const CachedTaps& ht = cachedTaps(inW, outW, true);
  temp.resize(temp.size() + kGreyRowPadding);  // padding for horizontalRow
  for (int y = 0; y < outH; ++y)
    horizontalRow(&temp[static_cast<size_t>(y) * inW], ht, &out[static_cast<size_t>(y) * outW]);
}

}  // namespace

bool StreamedResize::streamable(int inW, int inH, int outW, int outH) {
  return inW > 0 && inH > 0 && outW > 0 && outH > 0 && (inW != outW || inH != outH) &&
         phash::pillowHorizontalFirst(inW, inH, outW, outH);
}

StreamedResize::StreamedResize(int inW, int inH, int outW, int outH)
    : inW_(inW), inH_(inH), outW_(outW), outH_(outH), needH_(inW != outW), needV_(inH != outH) {
  const ResampleTaps& vt = cachedTaps(inH, outH, false).taps;
  yFirst_ = needV_ ? vt.first[0] : 0;
  yEnd_ = needV_ ? vt.first[outH - 1] + vt.count[outH - 1] : inH;
  if (needH_) cachedTaps(inW, outW, true);  // built before the rows arrive
  temp_.resize(static_cast<size_t>(yEnd_ - yFirst_) * (needH_ ? outW : inW));
}

void StreamedResize::row(int y, const uint8_t* grey) {
  if (!needH_) {
    std::copy_n(grey, inW_, &temp_[static_cast<size_t>(y - yFirst_) * inW_]);
    return;
  }
  horizontalRow(grey, cachedTaps(inW_, outW_, true),
                &temp_[static_cast<size_t>(y - yFirst_) * outW_]);
}

void StreamedResize::finish(std::vector<uint8_t>& out) {
  out.assign(static_cast<size_t>(outW_) * outH_, 0);
  if (!needV_) {
    std::copy_n(temp_.begin(), out.size(), out.begin());
    return;
  }
  verticalPass(temp_, needH_ ? outW_ : inW_, yFirst_, cachedTaps(inH_, outH_, false).taps,
               out.data());
}

void resizeLanczosL(const ImageView& img, int outW, int outH, std::vector<uint8_t>& out) {
  if (img.width <= 0 || img.height <= 0 || !img.data)
    throw InputError("empty image", "pHash needs at least one pixel");
  if (outW <= 0 || outH <= 0) throw InputError("bad size", "resize target must be at least 1x1");
  const int inW = img.width, inH = img.height;
  out.assign(static_cast<size_t>(outW) * outH, 0);
  const bool needH = inW != outW;
  const bool needV = inH != outH;
  if (!needH && !needV) {  // Pillow returns a copy
    for (int y = 0; y < inH; ++y) greyRow(img, y, &out[static_cast<size_t>(y) * outW]);
    return;
  }
  if (phash::pillowHorizontalFirst(inW, inH, outW, outH))
    horizontalFirst(img, outW, outH, out);
  else
    verticalFirst(img, outW, outH, needH, out);
}

}  // namespace hashsieve::pillow
