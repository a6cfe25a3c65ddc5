// Checked CUDA runtime calls: HS_CUDA_CHECK throws a typed CudaError, HS_CUDA_CHECK_NOTHROW
// logs (for destructors), HS_CUDA_CHECK_LAUNCH closes every kernel launch wrapper.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace hashsieve::cuda {

/// A failed CUDA runtime call: the expression, where, and the runtime's name and text.
class CudaError : public std::runtime_error {
 public:
  CudaError(cudaError_t code, const char* expr, const char* file, int line)
      : std::runtime_error(std::string(expr) + " failed at " + file + ":" + std::to_string(line) +
                           ": " + cudaGetErrorName(code) + " (" + cudaGetErrorString(code) + ")"),
        code_(code) {}
  cudaError_t code() const { return code_; }
  /// Out-of-memory is recoverable (the caller may fall back to the CPU); the rest is not.
  bool outOfMemory() const { return code_ == cudaErrorMemoryAllocation; }

 private:
  cudaError_t code_;
};

namespace detail {

inline void check(cudaError_t code, const char* expr, const char* file, int line) {
  if (code != cudaSuccess) throw CudaError(code, expr, file, line);
}

inline void checkNoThrow(cudaError_t code, const char* expr, const char* file, int line) noexcept {
  if (code != cudaSuccess)
    std::fprintf(stderr, "hashsieve: %s failed at %s:%d: %s (%s)\n", expr, file, line,
                 cudaGetErrorName(code), cudaGetErrorString(code));
}

}  // namespace detail
}  // namespace hashsieve::cuda

#define HS_CUDA_CHECK(expr) ::hashsieve::cuda::detail::check((expr), #expr, __FILE__, __LINE__)
#define HS_CUDA_CHECK_NOTHROW(expr) \
  ::hashsieve::cuda::detail::checkNoThrow((expr), #expr, __FILE__, __LINE__)
/// After a <<<>>> launch: configuration errors surface here, not at the next sync.
#define HS_CUDA_CHECK_LAUNCH() HS_CUDA_CHECK(cudaGetLastError())
