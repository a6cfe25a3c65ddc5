// PDQ's luma + Jarosz filter + decimation in AVX2, equal bit for bit to lumaPlane, jaroszFilter
// and decimate (pdq_cpu.cpp): every output sample sees the same float operations in the same order.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "host/core/grey_rows.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve::pdq::detail {

/// Whether the CPU runs AVX2 (checked once).
bool pdqHaveAvx2();

/// A float array that grows on demand and is never zero-filled (every sample is written before it
/// is read; filling a 12 MP plane would cost as much as a filter pass).
class GrowBuffer {
 public:
  float* get(size_t n) {
    if (n > size_) {
      data_ = std::make_unique_for_overwrite<float[]>(n);
      size_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<float[]> data_;
  size_t size_ = 0;
};

/// Reusable scratch of filterDecimateAvx2 (one per thread; grows to the largest frame).
struct FilterScratch {
  GrowBuffer plane1, plane2;  // rows x cols
  GrowBuffer rows8;           // 8 x cols: luma of one group of 8 rows
  GrowBuffer block1, block2;  // cols x 8: one group of 8 rows, column-interleaved
  GrowBuffer kept;            // rows x 64: the last row pass at the decimated columns
  GrowBuffer sums;            // cols: running sums of a column pass
  std::vector<uint8_t> grey;  // 8 x (cols + kGreyRowPadding): Pillow "L" rows for a GreyRowSink
};

/// Whole-frame PDQ buffer (Reference luma): out = decimate(jaroszFilter(lumaPlane(img))), the
/// 64x64 buffer, row-major.
/// Requires img.width and img.height >= kBufDim. The last repetition only computes the samples
/// decimation reads (its running sums visit every sample they need, in the reference's order).
/// With `grey`, the Pillow "L" rows it asks for are made from the pixels the luma pass reads and
/// handed to it in order (pHash's resize then does not read the frame again).
void filterDecimateAvx2(const ImageView& img, FilterScratch& scratch, float* out,
                        GreyRowSink* grey = nullptr);

}  // namespace hashsieve::pdq::detail
