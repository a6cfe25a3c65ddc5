// Staging memory for frames on their way to a device: big slabs (pinned host memory for CUDA,
// from the backend's allocator) carved into power-of-two blocks that are reused, so decode
// workers copy a frame once, straight into memory the device can read by DMA.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace hashsieve {

/// Where a pool's slabs come from: `allocate` throws on failure, `release` never throws.
struct SlabAllocator {
  std::function<void*(size_t bytes)> allocate;
  std::function<void(void* p)> release;
};

class StagingPool {
  struct State;

 public:
  /// A block of at least the bytes asked for; given back to the pool when destroyed.
  class Block {
   public:
    Block() = default;
    Block(Block&& o) noexcept { *this = std::move(o); }
    Block& operator=(Block&& o) noexcept;
    ~Block();
    uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

   private:
    friend class StagingPool;
    void giveBack() noexcept;
    std::shared_ptr<State> state_;
    uint8_t* data_ = nullptr;
    size_t size_ = 0;
  };

  static constexpr size_t kMinBlock = size_t{64} << 10;   // small frames share a slab
  static constexpr size_t kSlabBytes = size_t{32} << 20;  // one allocation serves many blocks

  explicit StagingPool(SlabAllocator alloc);
  /// Slabs are released when the pool and every block taken from it are gone.
  ~StagingPool() = default;

  /// The size of the block take(bytes) gives: a power of two, at least kMinBlock.
  static size_t blockSize(size_t bytes);
  /// A block of at least `bytes` (blockSize(bytes)).
  Block take(size_t bytes);
  /// True when [p, p + bytes) lies inside one slab of this pool.
  bool owns(const void* p, size_t bytes) const;
  /// Bytes of slabs allocated so far (they are kept for reuse until the pool goes).
  size_t slabBytes() const;
  /// Blocks taken and not yet given back.
  size_t blocksOut() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace hashsieve
