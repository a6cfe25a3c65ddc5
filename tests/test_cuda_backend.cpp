// Backend selection: parsing, the CPU default, and `--device cuda` without a usable device.
#include <gtest/gtest.h>

#include "host/backend/backend.hpp"
#include "host/core/errors.hpp"

namespace hashsieve {
namespace {

TEST(Backend, ParsesTheThreeNamesAndRejectsOthers) {
  EXPECT_EQ(parseBackend("auto"), Backend::Auto);
  EXPECT_EQ(parseBackend("cpu"), Backend::Cpu);
  EXPECT_EQ(parseBackend("cuda"), Backend::Cuda);
  EXPECT_THROW(parseBackend("gpu"), UsageError);
  EXPECT_THROW(parseBackend("CUDA"), UsageError);
  EXPECT_THROW(parseBackend(""), UsageError);
  for (Backend b : {Backend::Auto, Backend::Cpu, Backend::Cuda}) EXPECT_EQ(parseBackend(backendName(b)), b);
}

TEST(Backend, CpuIsTheCpuHasher) { EXPECT_EQ(makeHasher(Backend::Cpu)->name(), "cpu"); }

TEST(Backend, AutoPicksCudaExactlyWhenUsable) {
  EXPECT_EQ(makeHasher(Backend::Auto)->name(), cudaUsable() ? "cuda" : "cpu");
}

TEST(Backend, CudaWithoutAUsableDeviceIsAUsageErrorSayingWhy) {
  if (cudaUsable()) GTEST_SKIP() << "a CUDA device is present; the error path cannot be reached";
  try {
    makeHasher(Backend::Cuda);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--device cuda"), std::string::npos) << e.what();
  }
}

TEST(Backend, InfoNamesBackendsAndBuild) {
  const std::string s = describeBackends() + describeBuild();
  EXPECT_NE(s.find("backends: cpu"), std::string::npos) << s;
  EXPECT_NE(s.find("-ffp-contract=off"), std::string::npos) << s;
  if (cudaCompiledIn()) {
    EXPECT_NE(s.find("-fmad=false"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace hashsieve
