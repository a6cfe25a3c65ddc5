// Move-only owners of CUDA resources: DeviceBuffer<T>, PinnedBuffer<T>, CudaStream, CudaEvent.
// Constructors throw CudaError; destructors never throw (they log through HS_CUDA_CHECK_NOTHROW).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "kernels/cuda_check.hpp"

namespace hashsieve::cuda {

namespace detail {

struct DeviceAlloc {
  static constexpr bool kHostAccessible = false;
  static void allocate(void** p, size_t bytes) { HS_CUDA_CHECK(cudaMalloc(p, bytes)); }
  static void release(void* p) noexcept { HS_CUDA_CHECK_NOTHROW(cudaFree(p)); }
};

struct PinnedAlloc {
  static constexpr bool kHostAccessible = true;
  static void allocate(void** p, size_t bytes) {
    HS_CUDA_CHECK(cudaHostAlloc(p, bytes, cudaHostAllocDefault));
  }
  static void release(void* p) noexcept { HS_CUDA_CHECK_NOTHROW(cudaFreeHost(p)); }
};

/// `count` elements of T (uninitialised) from `Alloc`. Empty when count == 0.
template <typename T, typename Alloc>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t count) : count_(count) {
    if (count > 0) Alloc::allocate(reinterpret_cast<void**>(&ptr_), count * sizeof(T));
  }
  Buffer(Buffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      reset();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { reset(); }

  void reset() noexcept {
    if (ptr_) Alloc::release(ptr_);
    ptr_ = nullptr;
    count_ = 0;
  }
  T* data() const { return ptr_; }
  T& operator[](size_t i) const requires Alloc::kHostAccessible { return ptr_[i]; }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }
  bool empty() const { return count_ == 0; }

 private:
  T* ptr_ = nullptr;
  size_t count_ = 0;
};

}  // namespace detail

/// Device global memory.
template <typename T>
using DeviceBuffer = detail::Buffer<T, detail::DeviceAlloc>;

/// Page-locked host memory, so cudaMemcpyAsync really is asynchronous.
template <typename T>
using PinnedBuffer = detail::Buffer<T, detail::PinnedAlloc>;

/// A non-blocking stream: never synchronises implicitly with the legacy default stream.
class CudaStream {
 public:
  /// Non-blocking by default; cudaStreamDefault for work that must follow the legacy default
  /// stream (FFmpeg's NVDEC copies).
  explicit CudaStream(unsigned flags = cudaStreamNonBlocking) {
    HS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, flags));
  }
  CudaStream(CudaStream&& o) noexcept : stream_(std::exchange(o.stream_, nullptr)) {}
  CudaStream& operator=(CudaStream&& o) noexcept {
    if (this != &o) {
      reset();
      stream_ = std::exchange(o.stream_, nullptr);
    }
    return *this;
  }
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  ~CudaStream() { reset(); }

  cudaStream_t get() const { return stream_; }
  /// A host sync point: blocks until all work queued on this stream is done.
  void synchronize() const { HS_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

 private:
  void reset() noexcept {
    if (stream_) HS_CUDA_CHECK_NOTHROW(cudaStreamDestroy(stream_));
    stream_ = nullptr;
  }
  cudaStream_t stream_ = nullptr;
};

/// An event; timing is off by default (cheaper for pure ordering), on for benchmarks.
class CudaEvent {
 public:
  explicit CudaEvent(bool timing = false) {
    HS_CUDA_CHECK(
        cudaEventCreateWithFlags(&event_, timing ? cudaEventDefault : cudaEventDisableTiming));
  }
  CudaEvent(CudaEvent&& o) noexcept : event_(std::exchange(o.event_, nullptr)) {}
  CudaEvent& operator=(CudaEvent&& o) noexcept {
    if (this != &o) {
      reset();
      event_ = std::exchange(o.event_, nullptr);
    }
    return *this;
  }
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
  ~CudaEvent() { reset(); }

  cudaEvent_t get() const { return event_; }
  void record(cudaStream_t stream) const { HS_CUDA_CHECK(cudaEventRecord(event_, stream)); }
  /// Makes `stream` wait (on the device, no host block) for the last record of this event.
  void waitOn(cudaStream_t stream) const { HS_CUDA_CHECK(cudaStreamWaitEvent(stream, event_, 0)); }
  /// A host sync point: blocks until the recorded work is done.
  void synchronize() const { HS_CUDA_CHECK(cudaEventSynchronize(event_)); }
  /// Milliseconds between two recorded timing events (both must have completed).
  static float elapsedMs(const CudaEvent& start, const CudaEvent& stop) {
    float ms = 0.0f;
    HS_CUDA_CHECK(cudaEventElapsedTime(&ms, start.event_, stop.event_));
    return ms;
  }

 private:
  void reset() noexcept {
    if (event_) HS_CUDA_CHECK_NOTHROW(cudaEventDestroy(event_));
    event_ = nullptr;
  }
  cudaEvent_t event_ = nullptr;
};

}  // namespace hashsieve::cuda
