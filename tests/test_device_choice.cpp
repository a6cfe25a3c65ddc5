// Device choice in one place: the parser, the factories, the GPU status classification (every
// reason CUDA may not be used), the probe on this machine, and the CLI's messages and exit
// status for --device auto / cuda.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host/backend/build_info.hpp"
#include "host/backend/device.hpp"
#include "host/backend/gpu_status.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/backend/matcher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "tests/test_cli_support.hpp"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

TEST(DeviceChoice, ParsesTheThreeNamesAndRejectsOthers) {
  EXPECT_EQ(parseDevice("auto"), Device::Auto);
  EXPECT_EQ(parseDevice("cpu"), Device::Cpu);
  EXPECT_EQ(parseDevice("cuda"), Device::Cuda);
  for (const char* bad : {"gpu", "CUDA", "", "cuda ", "cpu,cuda"})
    EXPECT_THROW(parseDevice(bad), UsageError) << bad;
  for (Device d : {Device::Auto, Device::Cpu, Device::Cuda})
    EXPECT_EQ(parseDevice(deviceName(d)), d);
}

TEST(DeviceChoice, ParsesDeviceListsInTheSameParser) {
  const DeviceSpec all = parseDeviceSpec("cuda:all");
  EXPECT_EQ(all.kind, Device::Cuda);
  EXPECT_TRUE(all.allDevices);
  EXPECT_TRUE(all.ordinals.empty());
  const DeviceSpec two = parseDeviceSpec("cuda:0,2");
  EXPECT_EQ(two.kind, Device::Cuda);
  EXPECT_FALSE(two.allDevices);
  EXPECT_EQ(two.ordinals, (std::vector<int>{0, 2}));
  EXPECT_EQ(parseDeviceSpec("cuda:3").ordinals, std::vector<int>{3});
  EXPECT_EQ(parseDevice("cuda:1,0"), Device::Cuda);
  EXPECT_TRUE(parseDeviceSpec("cuda").ordinals.empty());
  for (const char* text : {"cuda:all", "cuda:0,2", "cuda:7", "cuda", "cpu", "auto"})
    EXPECT_EQ(deviceSpecName(parseDeviceSpec(text)), text);
  for (const char* bad : {"cuda:", "cuda:,1", "cuda:1,", "cuda:-1", "cuda:256", "cuda:x", "cuda:1 ",
                          "cuda:ALL", "cpu:0", "auto:all", "cuda:0,0", "cuda:+1"})
    EXPECT_THROW(parseDeviceSpec(bad), UsageError) << bad;
}

TEST(DeviceChoice, CpuGivesTheCpuHasherAndMatcher) {
  EXPECT_EQ(makeHasher(Device::Cpu)->name(), "cpu");
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  EXPECT_EQ(makeMatcher(Device::Cpu, list)->name().rfind("cpu", 0), 0u);
}

TEST(DeviceChoice, AutoPicksCudaExactlyWhenUsable) {
  EXPECT_EQ(makeHasher(Device::Auto)->name(), gpuStatus().usable() ? "cuda" : "cpu");
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  EXPECT_EQ(makeMatcher(Device::Auto, list)->name().rfind("cuda", 0) == 0, gpuStatus().usable());
}

TEST(DeviceChoice, CudaWithoutAUsableDeviceIsADeviceErrorGivingTheReason) {
  const GpuStatus s = gpuStatus();
  if (s.usable()) GTEST_SKIP() << "a CUDA device is usable; the error path cannot be reached";
  ASSERT_FALSE(s.reason.empty());
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  for (int which = 0; which < 2; ++which) {
    try {
      if (which == 0)
        makeHasher(Device::Cuda);
      else
        makeMatcher(Device::Cuda, list);
      ADD_FAILURE() << "expected DeviceError";
    } catch (const DeviceError& e) {
      EXPECT_EQ(std::string(e.what()), "--device cuda: " + s.reason);
    }
  }
}

// ---- classification of the runtime's facts ----

CudaProbeFacts cuda13Facts() {
  CudaProbeFacts f;
  f.runtimeVersion = 13000;
  f.driverVersion = 13000;
  f.deviceCount = 1;
  f.deviceName = "NVIDIA H200";
  return f;
}

TEST(GpuStatusClassify, EveryReason) {
  CudaProbeFacts f = cuda13Facts();
  EXPECT_EQ(classifyCudaProbe(f).state, GpuState::Usable);
  EXPECT_TRUE(classifyCudaProbe(f).reason.empty());

  f.driverVersion = 0;
  GpuStatus s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::NoDriver);
  EXPECT_NE(s.reason.find("no NVIDIA driver"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("CUDA 13.0"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("R580"), std::string::npos) << s.reason;

  f.driverVersion = 12040;  // an R550 driver: CUDA 12.4 at most
  s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::DriverTooOld);
  EXPECT_NE(s.reason.find("supports CUDA 12.4"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("R580"), std::string::npos) << s.reason;

  f = cuda13Facts();
  f.driverVersion = 13020;  // a newer driver runs an older runtime
  EXPECT_EQ(classifyCudaProbe(f).state, GpuState::Usable);

  f = cuda13Facts();
  f.deviceCount = 0;
  f.countError = "cudaErrorNoDevice";
  s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::NoDevice);
  EXPECT_NE(s.reason.find("no CUDA device"), std::string::npos) << s.reason;

  f = cuda13Facts();
  f.deviceCount = 0;
  f.countError = "cudaErrorSystemNotReady";
  s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::Error);
  EXPECT_NE(s.reason.find("cudaErrorSystemNotReady"), std::string::npos) << s.reason;

  f = cuda13Facts();
  f.initOutOfMemory = true;
  f.initError = "cudaErrorMemoryAllocation (out of memory)";
  s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::OutOfMemory);
  EXPECT_NE(s.reason.find("out of device memory"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("NVIDIA H200"), std::string::npos) << s.reason;

  f = cuda13Facts();
  f.initError = "cudaErrorDevicesUnavailable (busy)";
  EXPECT_EQ(classifyCudaProbe(f).state, GpuState::Error);

  f = cuda13Facts();
  f.kernelsLoadable = false;
  s = classifyCudaProbe(f);
  EXPECT_EQ(s.state, GpuState::NoKernelImage);
  EXPECT_NE(s.reason.find("older than the architectures"), std::string::npos) << s.reason;
}

TEST(GpuStatusClassify, DriverBranchPerCudaMajor) {
  EXPECT_EQ(minimumDriverBranch(13000), 580);
  EXPECT_EQ(minimumDriverBranch(13020), 580);
  EXPECT_EQ(minimumDriverBranch(12080), 525);
  EXPECT_EQ(minimumDriverBranch(11080), 450);
  EXPECT_EQ(minimumDriverBranch(10020), 0);
  EXPECT_EQ(cudaVersionText(12040), "12.4");
  EXPECT_EQ(cudaVersionText(13000), "13.0");
}

// ---- the real probe on this machine ----

bool driverLibraryLoads() {
  void* h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (h) dlclose(h);
  return h != nullptr;
}

TEST(GpuStatusProbe, NoDriverExactlyWhenLibcudaIsMissing) {
  const GpuStatus s = gpuStatus();
  if (!s.built) {
    EXPECT_EQ(s.state, GpuState::NotBuilt);
    EXPECT_NE(s.reason.find("no CUDA backend"), std::string::npos) << s.reason;
    return;
  }
  EXPECT_EQ(s.state == GpuState::NoDriver, !driverLibraryLoads()) << s.reason;
  EXPECT_EQ(s.usable(), s.reason.empty()) << s.reason;
  const std::string info = describeDeviceSupport();
  if (!s.usable()) {
    EXPECT_NE(info.find("cuda not used: " + s.reason), std::string::npos) << info;
  }
}

// ---- the CLI ----

class DeviceCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("hashsieve_device_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "empty");
  }
  void TearDown() override { fs::remove_all(dir_); }
  test::CliResult run(const std::vector<std::string>& args) { return test::runCli(args, dir_); }
  static size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  fs::path dir_;
};

TEST_F(DeviceCli, CudaWithoutAUsableDeviceExits3WithTheReason) {
  const GpuStatus s = gpuStatus();
  if (s.usable()) GTEST_SKIP() << "a CUDA device is usable here";
  const test::CliResult r = run({"hash", "--device", "cuda", (dir_ / "empty").string()});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find(s.reason), std::string::npos) << r.err;
}

TEST_F(DeviceCli, AutoSaysOnceWhyCudaIsNotUsed) {
  const GpuStatus s = gpuStatus();
  std::ofstream(dir_ / "list.txt") << std::string(64, 'a') << ",planted\n";
  ASSERT_EQ(
      run({"list", "build", (dir_ / "list.txt").string(), "-o", (dir_ / "l.hsl").string()}).status,
      0);
  // scan makes a hasher and a matcher: both fall back, the reason is printed once.
  const test::CliResult r = run(
      {"scan", "--device", "auto", "--list", (dir_ / "l.hsl").string(), (dir_ / "empty").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  const size_t expected = s.built && !s.usable() ? 1 : 0;
  EXPECT_EQ(count(r.err, "not using CUDA"), expected) << r.err;
  if (expected) {
    EXPECT_NE(r.err.find("not using CUDA: " + s.reason), std::string::npos) << r.err;
  }
}

TEST_F(DeviceCli, InfoSaysWhyCudaIsNotUsed) {
  const GpuStatus s = gpuStatus();
  const test::CliResult r = run({"info"});
  ASSERT_EQ(r.status, 0) << r.err;
  if (s.built && !s.usable()) {
    EXPECT_NE(r.out.find("cuda not used: " + s.reason), std::string::npos) << r.out;
  } else {
    EXPECT_EQ(r.out.find("cuda not used"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace hashsieve
