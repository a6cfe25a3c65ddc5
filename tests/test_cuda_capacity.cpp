// Batch capacity policy of the CUDA hasher from device properties (no device needed): what fits,
// what falls back to the CPU, and that memory limits shrink the batch rather than overrun it.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "kernels/cuda_hasher.hpp"
#include "kernels/pdq_box.cuh"
#include "kernels/pdq_box_lanes.hpp"
#include "kernels/phash_resample.cuh"

namespace hashsieve::cuda {
namespace {

cudaDeviceProp hopperLike() {
  cudaDeviceProp p{};
  p.multiProcessorCount = 132;
  p.sharedMemPerBlockOptin = 227 * 1024;
  return p;
}

ImageView frame(int w, int h) {
  static const uint8_t byte = 0;
  return ImageView{&byte, w, h, std::ptrdiff_t(w) * 3, PixelFormat::Rgb8};
}

TEST(CudaCapacity, LargeDeviceTakes24MegapixelPhotosAnd4kFrames) {
  const BatchCapacity cap = chooseCapacity(hopperLike(), size_t(78) << 30);
  EXPECT_EQ(deviceRejection(frame(6000, 4000), cap), "");
  EXPECT_EQ(deviceRejection(frame(3840, 2160), cap), "");
  EXPECT_EQ(deviceRejection(frame(1, 1), cap), "");
  EXPECT_GE(cap.planeFloats, uint64_t(100) * 1920 * 1080);  // >= 100 1080p frames per batch
  EXPECT_EQ(cap.pixelBytes, 3 * cap.planeFloats);
  // Bytes per batch pixel on the device: 3 slots x 3 (RGB) + 2 planes x 4 + temp + compact.
  EXPECT_LE(cap.planeFloats * 19, uint64_t(78) << 30);
}

TEST(CudaCapacity, ScarceMemoryShrinksTheBatchAndHugeFramesGoToTheCpu) {
  const size_t deviceBytes = size_t(256) << 20;  // the hasher's part of the device budget
  const BatchCapacity cap = chooseCapacity(hopperLike(), deviceBytes);
  EXPECT_LE(cap.planeFloats * 19, deviceBytes);
  EXPECT_EQ(deviceRejection(frame(640, 480), cap), "");
  const std::string why = deviceRejection(frame(8000, 6000), cap);
  EXPECT_NE(why.find("hashed on the CPU"), std::string::npos) << why;
}

TEST(CudaCapacity, SidesBeyondTheTileRingGoToTheCpu) {
  const BatchCapacity cap = chooseCapacity(hopperLike(), size_t(78) << 30);
  // A 227 KiB ring holds 55 tiles of 32 samples; the ring's slot count is a power of two, so
  // 32 slots: windows up to 31 * 32 = 992, sides up to 992 * 128 = 126,976 samples.
  EXPECT_EQ(cap.maxWindow, 992);
  EXPECT_EQ(deviceRejection(frame(126'976, 8), cap), "");
  EXPECT_NE(deviceRejection(frame(126'977, 8), cap), "");
  EXPECT_NE(deviceRejection(ImageView{}, cap), "");
}

// The box and pHash launches size their shared memory by the limit of the device they run on,
// handed in (CudaResources::sharedMemOptin), not one read once from the first device: a limit
// too small for the work is refused before anything is launched (no device needed), so a
// smaller device of a mixed machine is never given tiles sized for a larger one.
TEST(CudaCapacity, LaunchesUseTheSharedMemoryLimitTheyAreGiven) {
  const auto* items = reinterpret_cast<const LinePassItem*>(uintptr_t{256});
  const int window = 992;  // the longest a 32-slot ring takes
  const size_t ring = size_t(pdqbox::ringSlots(window)) * pdqbox::kTileFloats * sizeof(float);
  EXPECT_THROW(launchPdqLinePass(1, items, 1, 1, window, 0, nullptr, nullptr, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_THROW(
      launchPdqLinePass(1, items, 1, 1, window, ring - 1, nullptr, nullptr, nullptr, nullptr),
      std::invalid_argument);
  EXPECT_EQ(maxSupportedBoxWindow(ring), window);
  EXPECT_LT(maxSupportedBoxWindow(ring - 1), window);

  const auto* phashItems = reinterpret_cast<const PhashItem*>(uintptr_t{256});
  EXPECT_THROW(launchPhashPass1(phashItems, 1, 1, 4096, 0, nullptr, nullptr, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_THROW(launchPhashPass1(phashItems, 1, 1, 4096, 4095, nullptr, nullptr, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_EQ(maxPhashRowBytes(4096), 4096);
}

}  // namespace
}  // namespace hashsieve::cuda
