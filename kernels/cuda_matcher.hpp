// The CUDA-free entry point of the CUDA matcher (kernels/match_cuda.cpp): host code includes
// only this header; builds without nvcc have no hashsieve_cuda and never include it.
#pragma once

#include <memory>

#include "host/match/cuda_matcher_options.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve {
class HashList;
}

namespace hashsieve::cuda {

/// A matcher on the current device over `list` (which must outlive it). The list is copied to
/// the device once when it fits opts.maxListBytes (default: most of the free memory), else it
/// is streamed through in chunks on every call. Throws CudaError (e.g. no device) on failure.
std::unique_ptr<Matcher> makeCudaMatcher(const HashList& list, const CudaMatcherOptions& opts = {});

}  // namespace hashsieve::cuda
