// Pillow's convert("L") and its LANCZOS resize of 8-bit images, reproduced bit for bit
// (Pillow 13 libImaging/Convert.c and Resample.c): the first two stages of pHash.
#pragma once

#include <cstdint>
#include <vector>

#include "host/core/grey_rows.hpp"
#include "host/core/image.hpp"

namespace hashsieve::pillow {

/// Fixed-point filter taps of one axis, as Pillow's precompute_coeffs + normalize_coeffs_8bpc:
/// output sample i reads `count[i]` input samples from `first[i]` with weights
/// coef[i * taps .. i * taps + count[i]) (scaled by 2^22, rounded half away from zero).
struct ResampleTaps {
  int inSize = 0;
  int outSize = 0;
  int taps = 0;  // Pillow's ksize: the row length of `coef`
  std::vector<int> first, count;
  std::vector<int32_t> coef;
};

/// Lanczos-3 taps for resizing `inSize` samples to `outSize` (whole-image box, Pillow's default).
ResampleTaps lanczosTaps(int inSize, int outSize);

/// Grey ("L") frame resized with Pillow's LANCZOS: `out` is outW x outH bytes, row-major, packed.
/// Rgb8 input is first converted as Pillow's convert("L") does; Gray8 input is already L.
/// As Pillow 13: each pass rounds and clips to 0..255, a pass whose size does not change is
/// skipped, and the vertical pass goes first when the height shrinks by more than twice as many
/// pixels as the width (the order changes the result, since each pass rounds).
void resizeLanczosL(const ImageView& img, int outW, int outH, std::vector<uint8_t>& out);

/// resizeLanczosL fed one grey row at a time by a pass that makes the rows itself (PDQ's luma
/// pass): the same bytes. Only for Pillow's horizontal-first order (streamable). The taps come
/// from a per-thread cache: use one StreamedResize at a time per thread.
class StreamedResize final : public GreyRowSink {
 public:
  static bool streamable(int inW, int inH, int outW, int outH);
  StreamedResize(int inW, int inH, int outW, int outH);  // requires streamable
  int firstRow() const override { return yFirst_; }
  int endRow() const override { return yEnd_; }
  void row(int y, const uint8_t* grey) override;
  /// After every row [firstRow, endRow) was given: the outW x outH result, as resizeLanczosL's.
  void finish(std::vector<uint8_t>& out);

 private:
  int inW_, inH_, outW_, outH_;
  bool needH_, needV_;
  int yFirst_ = 0, yEnd_ = 0;
  std::vector<uint8_t> temp_;  // (yEnd - yFirst) x (needH ? outW : inW): the rows after pass 1
};

}  // namespace hashsieve::pillow
