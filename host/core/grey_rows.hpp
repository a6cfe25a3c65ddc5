// A consumer of Pillow "L" rows that another pass over the frame produces on the way: PDQ's luma
// pass computes them from the pixels it reads anyway, so pHash's resize does not read the RGB
// frame a second time.
#pragma once

#include <cstdint>

namespace hashsieve {

/// Bytes readable past the width of every row handed to GreyRowSink::row (its tap blocks may
/// read past the last sample; the padding's values never reach a result).
inline constexpr int kGreyRowPadding = 32;

class GreyRowSink {
 public:
  virtual ~GreyRowSink() = default;
  /// The rows wanted: [firstRow(), endRow()), delivered in increasing order, each once.
  virtual int firstRow() const = 0;
  virtual int endRow() const = 0;
  /// Row y's Pillow "L" samples (frame width bytes + kGreyRowPadding readable).
  virtual void row(int y, const uint8_t* grey) = 0;
};

}  // namespace hashsieve
