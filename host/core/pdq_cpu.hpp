// PDQ on the CPU, stage by stage: the reference every other backend is tested against.
#pragma once

#include <array>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_filter_avx2.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve::pdq {

using Buffer64 = std::array<float, kBufDim * kBufDim>;  // row-major 64x64
using Dct16 = std::array<float, kDctCoefs>;             // row-major 16x16, B[i][j]

/// The 16x64 DCT-II matrix, rows = frequencies 1..16, built as the reference builds it.
const std::array<float, kDctDim * kBufDim>& dctMatrix();

/// Luma of every pixel into `out` (width*height floats, row-major). Grey frames take the sample.
void lumaPlane(const ImageView& img, float* out, LumaMode mode = LumaMode::Reference);
/// Two repetitions of (box along rows buf1->buf2, box along columns buf2->buf1); result in buf1.
void jaroszFilter(float* buf1, float* buf2, int rows, int cols);
/// Centre samples of the filtered plane.
void decimate(const float* plane, int rows, int cols, Buffer64& out);
int quality(const Buffer64& a);
/// B = D * A * D^T, float sums in k order.
void dct(const Buffer64& a, Dct16& b);
/// The 128th smallest of the 256 coefficients (the lower median, as Torben's method returns).
float lowerMedian(const Dct16& b);
/// Coefficients of dihedral variant v (0..7, the reference's order).
void dihedralDct(const Dct16& b, int variant, Dct16& out);

struct PdqResult {
  Hash256 hash;
  int quality = 0;
  std::array<Hash256, kDihedralCount> dihedral{};
};

/// Whole-frame PDQ with reusable scratch (one per thread).
class PdqCpu {
 public:
  explicit PdqCpu(LumaMode mode = LumaMode::Reference) : mode_(mode) {}
  /// With `grey`, the frame's Pillow "L" rows are handed to it when the vectorised pass runs
  /// (returns true); false means grey was not fed.
  bool hash(const ImageView& img, bool withDihedral, PdqResult& out, GreyRowSink* grey = nullptr);
  /// The 64x64 buffer before the DCT (for stage tests and dumps).
  const Buffer64& buffer64() const { return a_; }
  const Dct16& dct16() const { return b_; }

 private:
  void hashScalarBuffer(const ImageView& img);     // a_ from lumaPlane, jaroszFilter, decimate
  void finish(bool withDihedral, PdqResult& out);  // quality, DCT, bits from a_
  LumaMode mode_;
  std::vector<float> buf1_, buf2_;
  detail::FilterScratch simd_;
  Buffer64 a_{};
  Dct16 b_{};
};

}  // namespace hashsieve::pdq
