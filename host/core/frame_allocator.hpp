// Where decoders put the frames they convert: the seam that lets the GPU feed have frames decoded
// straight into its pinned staging memory, with no host copy between decoder and upload.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hashsieve {

/// Memory for the frame a decoder is about to write (host memory, writable). A decoder asks once
/// per frame, writes the frame there and emits a view of it; the memory stays valid until the
/// next call on the same allocator. One per decode worker (not thread-safe). Throws when no
/// memory can be had. Decoders without one use a reusable buffer of their own (the heap).
class FrameAllocator {
 public:
  virtual ~FrameAllocator() = default;
  /// At least `bytes` bytes.
  virtual uint8_t* frameMemory(size_t bytes) = 0;
};

}  // namespace hashsieve
