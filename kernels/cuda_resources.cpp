// Per-device resources and the shared memory budget.
#include "kernels/cuda_resources.hpp"

#include <map>
#include <utility>

#include "kernels/cuda_check.hpp"

namespace hashsieve::cuda {

std::shared_ptr<CudaResources> CudaResources::forDevice(int ordinal) {
  static std::mutex registryMutex;
  static std::map<int, std::weak_ptr<CudaResources>> registry;
  std::lock_guard lock(registryMutex);
  if (auto live = registry[ordinal].lock()) {
    live->makeCurrent();
    return live;
  }
  auto made = std::make_shared<CudaResources>(ordinal);
  made->self_ = made;
  registry[ordinal] = made;
  return made;
}

CudaResources::CudaResources(int ordinal) : device_(ordinal) {
  HS_CUDA_CHECK(cudaSetDevice(device_));
  HS_CUDA_CHECK(cudaGetDeviceProperties(&prop_, device_));
  size_t freeBytes = 0, totalBytes = 0;
  HS_CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
  budget_ = size_t(double(freeBytes) * kBudgetShareOfFree);
}

size_t sharedMemOptinBytes() {
  int device = 0;
  HS_CUDA_CHECK(cudaGetDevice(&device));
  static std::mutex cacheMutex;
  static std::map<int, size_t> cache;
  std::lock_guard lock(cacheMutex);
  if (auto it = cache.find(device); it != cache.end()) return it->second;
  int value = 0;
  HS_CUDA_CHECK(cudaDeviceGetAttribute(&value, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  return cache[device] = size_t(value);
}

void CudaResources::makeCurrent() const { HS_CUDA_CHECK(cudaSetDevice(device_)); }

size_t CudaResources::availableBytes() const {
  std::lock_guard lock(mutex_);
  return budget_ - reserved_;
}

CudaResources::Reservation CudaResources::reserve(size_t want) {
  Reservation r;
  std::lock_guard lock(mutex_);
  r.bytes_ = std::min(want, budget_ - reserved_);
  reserved_ += r.bytes_;
  r.owner_ = self_.lock();
  return r;
}

CudaResources::Reservation& CudaResources::Reservation::operator=(Reservation&& o) noexcept {
  if (this != &o) {
    if (owner_) {
      std::lock_guard lock(owner_->mutex_);
      owner_->reserved_ -= bytes_;
    }
    owner_ = std::move(o.owner_);
    bytes_ = std::exchange(o.bytes_, 0);
  }
  return *this;
}

CudaResources::Reservation::~Reservation() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->reserved_ -= bytes_;
}

}  // namespace hashsieve::cuda
