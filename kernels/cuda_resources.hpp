// One CudaResources per device and process: properties and limits read once, the one memory
// budget that the hasher and the matcher on the device divide (instead of each taking a share of
// whatever is free when it is created), and selecting the device for the calling thread.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <memory>
#include <mutex>

namespace hashsieve::cuda {

class CudaResources {
 public:
  /// Share of the memory free at the first use that the budget holds; the rest is headroom
  /// for the context, kernels' own needs and other processes.
  static constexpr double kBudgetShareOfFree = 0.9;

  /// The process's instance for device `ordinal` (made on first use, kept while anyone holds
  /// it), made current for the calling thread. Throws CudaError for a device that does not
  /// exist.
  static std::shared_ptr<CudaResources> forDevice(int ordinal);

  /// Bytes of the budget held until destroyed.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& o) noexcept { *this = std::move(o); }
    Reservation& operator=(Reservation&& o) noexcept;
    ~Reservation();
    size_t bytes() const { return bytes_; }

   private:
    friend class CudaResources;
    std::shared_ptr<CudaResources> owner_;
    size_t bytes_ = 0;
  };

  int device() const { return device_; }
  const cudaDeviceProp& properties() const { return prop_; }
  /// CUDA's current device is per thread: every entry point of a backend object calls this.
  void makeCurrent() const;
  size_t budgetBytes() const { return budget_; }
  size_t availableBytes() const;
  /// Up to `want` bytes of what is left of the budget (less when less is left).
  Reservation reserve(size_t want);

  explicit CudaResources(int ordinal);  // use forDevice()

 private:
  int device_;
  cudaDeviceProp prop_{};
  size_t budget_ = 0;
  mutable std::mutex mutex_;
  size_t reserved_ = 0;
  std::weak_ptr<CudaResources> self_;
};

/// Shared memory a block may opt in to, in bytes, on the calling thread's current device (read
/// once per device): the one limit the launch wrappers size dynamic shared memory against.
size_t sharedMemOptinBytes();

}  // namespace hashsieve::cuda
