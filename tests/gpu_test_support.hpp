// GPU test fixtures: without a CUDA device a GPU test is skipped, unless HASHSIEVE_REQUIRE_GPU=1
// says a device must be there, in which case it fails (a broken GPU setup can't pass as green).
// Only for tests built with the CUDA backend (they link hashsieve_cuda).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kernels/cuda_backend.hpp"

namespace hashsieve::test {

inline bool gpuRequired() {
  const char* v = std::getenv("HASHSIEVE_REQUIRE_GPU");
  return v && std::string(v) == "1";
}

inline bool gpuPresent() {
  try {
    return cuda::deviceAvailable();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace hashsieve::test

/// At the top of a GPU test (or a fixture's SetUp): skip, or fail under HASHSIEVE_REQUIRE_GPU=1.
#define HS_REQUIRE_GPU()                                        \
  do {                                                          \
    if (!::hashsieve::test::gpuPresent()) {                     \
      if (::hashsieve::test::gpuRequired())                     \
        FAIL() << "HASHSIEVE_REQUIRE_GPU=1 but no CUDA device"; \
      GTEST_SKIP() << "no CUDA device";                         \
    }                                                           \
  } while (0)

namespace hashsieve::test {

class GpuTest : public testing::Test {
 protected:
  void SetUp() override { HS_REQUIRE_GPU(); }
};

template <typename Param>
class GpuTestWithParam : public testing::TestWithParam<Param> {
 protected:
  void SetUp() override { HS_REQUIRE_GPU(); }
};

}  // namespace hashsieve::test
