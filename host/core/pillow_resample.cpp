// Pillow 13 LANCZOS resampling of 8-bit grey images; see pillow_resample.hpp.
#include "host/core/pillow_resample.hpp"

#include <algorithm>
#include <cmath>

#include "host/core/errors.hpp"
#include "host/core/phash_math.hpp"

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
    int lo = static_cast<int>(center - support + 0.5);
    if (lo < 0) lo = 0;
    int hi = static_cast<int>(center + support + 0.5);
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

// Horizontal pass first (Pillow's usual order): only the source rows the vertical pass reads
// (Pillow's ybox) are converted and filtered.
void horizontalFirst(const ImageView& img, int outW, int outH, bool needH, bool needV,
                     std::vector<uint8_t>& out) {
  const int inW = img.width, inH = img.height;
  const ResampleTaps vt = lanczosTaps(inH, outH);
  const int yFirst = needV ? vt.first[0] : 0;
  const int yLast = needV ? vt.first[outH - 1] + vt.count[outH - 1] : inH;
  const int tempW = needH ? outW : inW;
  std::vector<uint8_t> temp(static_cast<size_t>(yLast - yFirst) * tempW), row(inW);
  const ResampleTaps ht = needH ? lanczosTaps(inW, outW) : ResampleTaps{};
  for (int y = yFirst; y < yLast; ++y) {
    uint8_t* dst = &temp[static_cast<size_t>(y - yFirst) * tempW];
    if (!needH) {
      greyRow(img, y, dst);
      continue;
    }
    greyRow(img, y, row.data());
    for (int x = 0; x < outW; ++x)
      dst[x] = applyTaps(row.data() + ht.first[x], 1, &ht.coef[static_cast<size_t>(x) * ht.taps],
                         ht.count[x]);
  }
  if (!needV) {
    out = std::move(temp);
    return;
  }
  for (int y = 0; y < outH; ++y) {
    const uint8_t* src = &temp[static_cast<size_t>(vt.first[y] - yFirst) * tempW];
    const int32_t* k = &vt.coef[static_cast<size_t>(y) * vt.taps];
    for (int x = 0; x < outW; ++x)
      out[static_cast<size_t>(y) * outW + x] = applyTaps(src + x, tempW, k, vt.count[y]);
  }
}

// Vertical pass first (Pillow 13 picks it when the height shrinks by more than twice as many
// pixels as the width). Each source row is converted once and added into every output row whose
// window holds it; integer sums do not depend on the order, so this equals Pillow's column sums.
void verticalFirst(const ImageView& img, int outW, int outH, bool needH,
                   std::vector<uint8_t>& out) {
  const int inW = img.width, inH = img.height;
  const ResampleTaps vt = lanczosTaps(inH, outH);
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
  const ResampleTaps ht = lanczosTaps(inW, outW);
  for (int y = 0; y < outH; ++y) {
    const uint8_t* src = &temp[static_cast<size_t>(y) * inW];
    for (int x = 0; x < outW; ++x)
      out[static_cast<size_t>(y) * outW + x] =
          applyTaps(src + ht.first[x], 1, &ht.coef[static_cast<size_t>(x) * ht.taps], ht.count[x]);
  }
}

}  // namespace

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
    horizontalFirst(img, outW, outH, needH, needV, out);
  else
    verticalFirst(img, outW, outH, needH, out);
}

}  // namespace hashsieve::pillow
