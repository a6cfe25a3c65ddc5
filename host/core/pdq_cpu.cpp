// PDQ CPU stages; see pdq_math.hpp for the shared per-sample math.
#include "host/core/pdq_cpu.hpp"

#include <algorithm>
#include <cmath>

namespace hashsieve::pdq {

const std::array<float, kDctDim * kBufDim>& dctMatrix() {
  static const auto table = [] {
    std::array<float, kDctDim * kBufDim> d{};
    // (float)sqrt(2/64) times a double cosine, rounded to float once (as the reference does).
    const float scale = static_cast<float>(std::sqrt(2.0 / kBufDim));
    for (int i = 0; i < kDctDim; ++i)
      for (int k = 0; k < kBufDim; ++k)
        d[i * kBufDim + k] =
            static_cast<float>(scale * std::cos((M_PI / 2 / kBufDim) * (i + 1) * (2 * k + 1)));
    return d;
  }();
  return table;
}

void lumaPlane(const ImageView& img, float* out, LumaMode mode) {
  for (int y = 0; y < img.height; ++y) {
    const uint8_t* p = img.row(y);
    float* o = out + static_cast<size_t>(y) * img.width;
    if (img.format == PixelFormat::Gray8) {
      for (int x = 0; x < img.width; ++x) o[x] = static_cast<float>(p[x]);
    } else {
      for (int x = 0; x < img.width; ++x) o[x] = luma(mode, p[3 * x], p[3 * x + 1], p[3 * x + 2]);
    }
  }
}

namespace {

// The column pass of boxLine, run for all columns at once (row-major sweeps instead of strided
// walks). Per column it performs exactly boxLine's float operations in boxLine's order.
void boxColumns(const float* in, float* out, int rows, int cols, int window) {
  const int half = (window + 2) / 2;
  const int lead = half - 1;  // samples summed before the first output
  std::vector<float> sum(cols, 0.0f);
  auto row = [&](int r) { return in + static_cast<size_t>(r) * cols; };
  for (int r = 0; r < lead; ++r)
    for (int c = 0; c < cols; ++c) sum[c] += row(r)[c];
  for (int o = 0; o < rows; ++o) {
    const int incoming = o + lead, outgoing = o + lead - window;
    const int lo = outgoing + 1 < 0 ? 0 : outgoing + 1;
    const int hi = incoming < rows ? incoming : rows - 1;
    const float count = static_cast<float>(hi - lo + 1);
    float* dst = out + static_cast<size_t>(o) * cols;
    if (incoming < rows && outgoing >= 0) {
      const float* add = row(incoming);
      const float* sub = row(outgoing);
      for (int c = 0; c < cols; ++c) {
        sum[c] = (sum[c] + add[c]) - sub[c];
        dst[c] = sum[c] / count;
      }
    } else if (incoming < rows) {
      const float* add = row(incoming);
      for (int c = 0; c < cols; ++c) {
        sum[c] += add[c];
        dst[c] = sum[c] / count;
      }
    } else {
      const float* sub = row(outgoing);
      for (int c = 0; c < cols; ++c) {
        sum[c] -= sub[c];
        dst[c] = sum[c] / count;
      }
    }
  }
}

// The row pass of boxLine for kLanes rows at once (one SIMD lane per row): per row, exactly
// boxLine's float operations in boxLine's order.
constexpr int kLanes = 8;

void boxRowsInterleaved(const float* in, float* out, int cols, int window) {
  const int half = (window + 2) / 2;
  const int lead = half - 1;
  float sum[kLanes] = {};
  auto at = [&](const float* base, int lane, int c) {
    return base[static_cast<size_t>(lane) * cols + c];
  };
  for (int c = 0; c < lead; ++c)
    for (int l = 0; l < kLanes; ++l) sum[l] += at(in, l, c);
  for (int o = 0; o < cols; ++o) {
    const int incoming = o + lead, outgoing = o + lead - window;
    const int lo = outgoing + 1 < 0 ? 0 : outgoing + 1;
    const int hi = incoming < cols ? incoming : cols - 1;
    const float count = static_cast<float>(hi - lo + 1);
    if (incoming < cols)
      for (int l = 0; l < kLanes; ++l) sum[l] += at(in, l, incoming);
    if (outgoing >= 0)
      for (int l = 0; l < kLanes; ++l) sum[l] -= at(in, l, outgoing);
    for (int l = 0; l < kLanes; ++l) out[static_cast<size_t>(l) * cols + o] = sum[l] / count;
  }
}

}  // namespace

void jaroszFilter(float* buf1, float* buf2, int rows, int cols) {
  const int windowAlongRows = boxWindow(cols);
  const int windowAlongCols = boxWindow(rows);
  for (int rep = 0; rep < kJaroszPasses; ++rep) {
    int r = 0;
    for (; r + kLanes <= rows; r += kLanes) {
      const size_t off = static_cast<size_t>(r) * cols;
      boxRowsInterleaved(buf1 + off, buf2 + off, cols, windowAlongRows);
    }
    for (; r < rows; ++r) {
      const size_t off = static_cast<size_t>(r) * cols;
      boxLine(buf1 + off, buf2 + off, cols, 1, windowAlongRows);
    }
    boxColumns(buf2, buf1, rows, cols, windowAlongCols);
  }
}

void decimate(const float* plane, int rows, int cols, Buffer64& out) {
  for (int i = 0; i < kBufDim; ++i) {
    const float* row = plane + static_cast<size_t>(decimateIndex(i, rows)) * cols;
    for (int j = 0; j < kBufDim; ++j) out[i * kBufDim + j] = row[decimateIndex(j, cols)];
  }
}

int quality(const Buffer64& a) {
  int sum = 0;
  for (int i = 0; i < kBufDim - 1; ++i)
    for (int j = 0; j < kBufDim; ++j)
      sum += qualityTerm(a[i * kBufDim + j], a[(i + 1) * kBufDim + j]);
  for (int i = 0; i < kBufDim; ++i)
    for (int j = 0; j < kBufDim - 1; ++j)
      sum += qualityTerm(a[i * kBufDim + j], a[i * kBufDim + j + 1]);
  return qualityFromGradientSum(sum);
}

void dct(const Buffer64& a, Dct16& b) {
  const auto& d = dctMatrix();
  std::array<float, kDctDim * kBufDim> t;
  for (int i = 0; i < kDctDim; ++i) {
    for (int j = 0; j < kBufDim; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < kBufDim; ++k) sum += d[i * kBufDim + k] * a[k * kBufDim + j];
      t[i * kBufDim + j] = sum;
    }
  }
  for (int i = 0; i < kDctDim; ++i) {
    for (int j = 0; j < kDctDim; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < kBufDim; ++k) sum += t[i * kBufDim + k] * d[j * kBufDim + k];
      b[i * kDctDim + j] = sum;
    }
  }
}

float lowerMedian(const Dct16& b) {
  Dct16 tmp = b;
  auto mid = tmp.begin() + (kDctCoefs - 1) / 2;
  std::nth_element(tmp.begin(), mid, tmp.end());
  return *mid;
}

void dihedralDct(const Dct16& b, int variant, Dct16& out) {
  for (int r = 0; r < kDctDim; ++r)
    for (int c = 0; c < kDctDim; ++c) out[r * kDctDim + c] = dihedralCoef(b.data(), variant, r, c);
}

bool PdqCpu::hash(const ImageView& img, bool withDihedral, PdqResult& out, GreyRowSink* grey) {
  out = PdqResult{};
  if (img.width < kMinDim || img.height < kMinDim) return false;  // reference: zero hash, quality 0
  const int rows = img.height, cols = img.width;
  const bool bypass = rows == kBufDim && cols == kBufDim;
  bool fedGrey = false;
  if (!bypass && rows >= kBufDim && cols >= kBufDim && mode_ == LumaMode::Reference &&
      detail::pdqHaveAvx2()) {
    detail::filterDecimateAvx2(img, simd_, a_.data(), grey);  // same bits, vectorised
    fedGrey = grey != nullptr;
  } else {
    hashScalarBuffer(img);
  }
  finish(withDihedral, out);
  return fedGrey;
}

void PdqCpu::hashScalarBuffer(const ImageView& img) {
  const int rows = img.height, cols = img.width;
  const size_t n = static_cast<size_t>(rows) * cols;
  if (buf1_.size() < n) buf1_.resize(n);
  lumaPlane(img, buf1_.data(), mode_);
  if (rows == kBufDim && cols == kBufDim) {
    std::copy_n(buf1_.begin(), kBufDim * kBufDim, a_.begin());  // reference bypass: no filter
  } else {
    if (buf2_.size() < n) buf2_.resize(n);
    jaroszFilter(buf1_.data(), buf2_.data(), rows, cols);
    decimate(buf1_.data(), rows, cols, a_);
  }
}

void PdqCpu::finish(bool withDihedral, PdqResult& out) {
  out.quality = quality(a_);
  dct(a_, b_);
  out.hash = thresholdBits(b_.data(), lowerMedian(b_));
  if (withDihedral) {
    out.dihedral[0] = out.hash;
    Dct16 v;
    for (int variant = 1; variant < kDihedralCount; ++variant) {
      dihedralDct(b_, variant, v);
      out.dihedral[variant] = thresholdBits(v.data(), lowerMedian(v));
    }
  }
}

}  // namespace hashsieve::pdq
