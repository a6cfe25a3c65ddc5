// Per-device resources and the shared memory budget.
#include "kernels/cuda_resources.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
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
  for (int i = 0; i <= kHashStreams; ++i) streams_.emplace_back();  // on this device (current)
}

CudaResources::~CudaResources() {
  // Users hold the resources while they queue work, so the streams are idle by now; destroy
  // them with their device current.
  HS_CUDA_CHECK_NOTHROW(cudaSetDevice(device_));
  streams_.clear();
}

cudaStream_t CudaResources::hashStream(int slot) const {
  if (slot < 0 || slot >= kHashStreams)
    throw std::out_of_range("CudaResources::hashStream: slot " + std::to_string(slot));
  return streams_[slot].get();
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

bool CudaResources::Reservation::grow(size_t more) {
  if (!owner_) return false;
  std::lock_guard lock(owner_->mutex_);
  if (owner_->budget_ - owner_->reserved_ < more) return false;
  owner_->reserved_ += more;
  bytes_ += more;
  return true;
}

void CudaResources::Reservation::giveBack(size_t less) {
  if (!owner_) return;
  less = std::min(less, bytes_);
  std::lock_guard lock(owner_->mutex_);
  owner_->reserved_ -= less;
  bytes_ -= less;
}

CudaResources::Reservation::~Reservation() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->reserved_ -= bytes_;
}

}  // namespace hashsieve::cuda
