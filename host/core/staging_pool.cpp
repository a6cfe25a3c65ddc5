// The staging pool: one free list per power-of-two block size; a slab is carved into blocks of
// one size when that list runs dry. Slabs are never returned early: the feed's queue bound
// (BatcherConfig::maxQueuedBytes) bounds how many blocks are ever out at once.
#include "host/core/staging_pool.hpp"

#include <bit>
#include <stdexcept>
#include <utility>

namespace hashsieve {

struct StagingPool::State {
  explicit State(SlabAllocator a) : alloc(std::move(a)) {}
  ~State() {
    for (auto& [start, bytes] : slabs) alloc.release(reinterpret_cast<void*>(start));
  }
  SlabAllocator alloc;
  mutable std::mutex mutex;
  std::map<uintptr_t, size_t> slabs;             // start -> bytes
  std::map<size_t, std::vector<uint8_t*>> free;  // block size -> free blocks
  size_t slabBytes = 0;
  size_t blocksOut = 0;
};

StagingPool::Block& StagingPool::Block::operator=(Block&& o) noexcept {
  if (this != &o) {
    giveBack();
    state_ = std::move(o.state_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

StagingPool::Block::~Block() { giveBack(); }

void StagingPool::Block::giveBack() noexcept {
  if (!state_ || !data_) return;
  std::lock_guard lock(state_->mutex);
  state_->free[size_].push_back(data_);  // reserved when the slab was carved: cannot throw
  --state_->blocksOut;
  data_ = nullptr;
  state_.reset();
}

StagingPool::StagingPool(SlabAllocator alloc) : state_(std::make_shared<State>(std::move(alloc))) {
  if (!state_->alloc.allocate || !state_->alloc.release)
    throw std::invalid_argument("StagingPool: allocator functions required");
}

size_t StagingPool::blockSize(size_t bytes) { return std::bit_ceil(std::max(bytes, kMinBlock)); }

StagingPool::Block StagingPool::take(size_t bytes) {
  const size_t size = blockSize(bytes);
  std::lock_guard lock(state_->mutex);
  std::vector<uint8_t*>& list = state_->free[size];
  if (list.empty()) {
    const size_t count = std::max<size_t>(1, kSlabBytes / size);
    auto* slab = static_cast<uint8_t*>(state_->alloc.allocate(count * size));
    try {
      state_->slabs.emplace(reinterpret_cast<uintptr_t>(slab), count * size);
      // Room for every block of this size, so that giving one back never allocates.
      const size_t blocks = state_->slabBytes / kMinBlock + count;
      list.reserve(std::max(list.capacity(), blocks));
    } catch (...) {
      state_->slabs.erase(reinterpret_cast<uintptr_t>(slab));
      state_->alloc.release(slab);
      throw;
    }
    state_->slabBytes += count * size;
    for (size_t i = count; i-- > 0;) list.push_back(slab + i * size);
  }
  Block b;
  b.state_ = state_;
  b.data_ = list.back();
  b.size_ = size;
  list.pop_back();
  ++state_->blocksOut;
  return b;
}

bool StagingPool::owns(const void* p, size_t bytes) const {
  const auto at = reinterpret_cast<uintptr_t>(p);
  std::lock_guard lock(state_->mutex);
  auto it = state_->slabs.upper_bound(at);
  if (it == state_->slabs.begin()) return false;
  --it;
  return at + bytes <= it->first + it->second;
}

size_t StagingPool::slabBytes() const {
  std::lock_guard lock(state_->mutex);
  return state_->slabBytes;
}

size_t StagingPool::blocksOut() const {
  std::lock_guard lock(state_->mutex);
  return state_->blocksOut;
}

}  // namespace hashsieve
