// One CudaResources per device and process: properties and limits read once, the one memory
// budget that the hasher and the matcher on the device divide (instead of each taking a share of
// whatever is free when it is created), the streams they run on, and selecting the device for the
// calling thread.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "kernels/cuda_raii.hpp"

namespace hashsieve::cuda {

class CudaResources {
 public:
  /// Share of the memory free at the first use that the budget holds; the rest is headroom
  /// for the context, kernels' own needs and other processes.
  static constexpr double kBudgetShareOfFree = 0.9;
  /// Streams of the hasher's in-flight batch slots (upload, kernels, download).
  static constexpr int kHashStreams = 3;

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
    /// Takes `more` bytes more when the budget has them left; false (unchanged) otherwise.
    bool grow(size_t more);
    /// Gives `less` of the reserved bytes back (at most all of them).
    void giveBack(size_t less);

   private:
    friend class CudaResources;
    std::shared_ptr<CudaResources> owner_;
    size_t bytes_ = 0;
  };

  int device() const { return device_; }
  const cudaDeviceProp& properties() const { return prop_; }
  /// Shared memory a block may opt in to on this device: what the box and pHash kernels size
  /// their tiles by (devices of a mixed machine differ).
  size_t sharedMemOptin() const { return prop_.sharedMemPerBlockOptin; }
  /// CUDA's current device is per thread: every entry point of a backend object calls this.
  void makeCurrent() const;
  /// Non-blocking streams made with the resources and destroyed with them: batch slot `slot`
  /// of a hasher runs on hashStream(slot), a matcher on matchStream(). Users of one device
  /// share them: one user's work may queue behind another's, never run unordered with its own.
  cudaStream_t hashStream(int slot) const;
  cudaStream_t matchStream() const { return streams_[kHashStreams].get(); }
  size_t budgetBytes() const { return budget_; }
  size_t availableBytes() const;
  /// Up to `want` bytes of what is left of the budget (less when less is left).
  Reservation reserve(size_t want);

  explicit CudaResources(int ordinal);  // use forDevice()
  ~CudaResources();
  CudaResources(const CudaResources&) = delete;
  CudaResources& operator=(const CudaResources&) = delete;

 private:
  int device_;
  cudaDeviceProp prop_{};
  size_t budget_ = 0;
  std::vector<CudaStream> streams_;  // kHashStreams, then the matcher's
  mutable std::mutex mutex_;
  size_t reserved_ = 0;
  std::weak_ptr<CudaResources> self_;
};

}  // namespace hashsieve::cuda
