// The CUDA Hasher: the stream operations (FeedOps) the feed scheduler drives. Three slots, each
// with a stream: while slot A's kernels run, slot B uploads the next batch and slot C downloads
// the previous one. Frames staged in the pinned pool are copied up by DMA straight from there;
// other frames (synchronous hash() callers) are packed into the slot's pinned buffer first;
// frames decoded on the device (DeviceFramePool) are copied there on the device.
// Synchronisation points (all host-side waits):
//  1. finish(): the slot's resultsReady event (the scheduler reuses a slot only after it);
//  2. abandon(), shrink() and the destructor: the slot streams (the device's, shared with its
//     other hashers: such a wait may also cover their work).
// Device-side ordering only otherwise: a batch's kernels wait (cudaStreamWaitEvent) for the
// previous batch's kernels, because the float planes and the pHash temp are shared by the slots.
#include "kernels/cuda_hasher.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "host/core/pdq_math.hpp"
#include "kernels/device_frame_pool.hpp"
#include "kernels/pdq_box.cuh"
#include "kernels/pdq_finish.cuh"
#include "kernels/phash_resample.cuh"

namespace hashsieve::cuda {
namespace {

// Capacity policy (chooseCapacity). A batch should give every pass several waves of 32-line
// warps on every SM: ~2 Mpx per SM is about one 1080p frame (1080 row lines, 1920 column lines).
constexpr uint64_t kPixelsPerSm = uint64_t{2} << 20;
constexpr uint64_t kMaxPinnedPixelBytes = uint64_t{1} << 30;  // per slot, host page-locked
constexpr uint64_t kMinBatchPixels = uint64_t{1} << 20;
constexpr int kMaxFramesPerBatch = 4096;
constexpr int kRgbBytes = 3;
constexpr size_t kAlign = 16;

size_t alignUp(size_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

int channelsOf(const ImageView& f) { return f.format == PixelFormat::Gray8 ? 1 : kRgbBytes; }

// int32 entries of one axis's Lanczos taps for inSize -> 32 (0 when the axis keeps its size);
// Pillow's ksize = ceil(3 * max(1, in/32)) * 2 + 1, with the scale from a float size.
uint64_t tapInts(int inSize) {
  if (inSize == kPhashSide) return 0;
  const double scale = double(float(inSize)) / kPhashSide;
  const uint64_t ksize = uint64_t(std::ceil(3.0 * std::max(1.0, scale))) * 2 + 1;
  return 2 * kPhashSide + kPhashSide * ksize;
}

// Bytes of pHash pass-1 temp a frame may need (the larger of the two pass orders).
uint64_t phashTempBound(int w, int h) { return uint64_t(kPhashSide) * uint64_t(std::max(w, h)); }

struct FrameCost {
  uint64_t pixelBytes, planeFloats, compactFloats, tapBytes, tempBytes;
};

FrameCost costOf(const ImageView& f) {
  const uint64_t px = uint64_t(f.width) * uint64_t(f.height);
  const bool filtered = pdqMode(f.width, f.height) == PdqMode::Filtered;
  return FrameCost{px * channelsOf(f), filtered ? px : 0,
                   filtered ? uint64_t(pdq::kBufDim) * uint64_t(f.height) : 0,
                   (tapInts(f.width) + tapInts(f.height)) * sizeof(int32_t),
                   phashTempBound(f.width, f.height)};
}

uint64_t pdqTableBytes(int frames) {
  return alignUp(frames * sizeof(LinePassItem)) * kLinePasses +
         alignUp(frames * sizeof(FinishItem));
}

}  // namespace

BatchCapacity chooseCapacity(const cudaDeviceProp& prop, size_t deviceBytes) {
  // Device bytes per batch pixel: every slot's RGB staging, two float planes, the pHash temp
  // and the compact buffer (bounded below by their own limits).
  constexpr uint64_t kDeviceBytesPerPixel = kFeedSlots * kRgbBytes + 2 * sizeof(float) + 1 + 1;
  uint64_t pixels = uint64_t(prop.multiProcessorCount) * kPixelsPerSm;
  pixels = std::min(pixels, kMaxPinnedPixelBytes / kRgbBytes);
  pixels = std::min(pixels, uint64_t(deviceBytes) / kDeviceBytesPerPixel);
  BatchCapacity c;
  c.planeFloats = pixels;
  c.pixelBytes = pixels * kRgbBytes;
  c.compactFloats = pixels / sizeof(float);  // frames wider than 256 px never reach this limit
  c.tempBytes = pixels;
  c.tapBytes = pixels / 4;
  c.frames = kMaxFramesPerBatch;
  c.maxWindow = maxSupportedBoxWindow(prop.sharedMemPerBlockOptin);
  c.maxRowBytes = maxPhashRowBytes(prop.sharedMemPerBlockOptin);
  return c;
}

std::string deviceRejection(const ImageView& f, const BatchCapacity& cap) {
  if (f.width <= 0 || f.height <= 0 || !f.data) return "empty frame";
  const FrameCost c = costOf(f);
  const bool fits = c.pixelBytes <= cap.pixelBytes && c.planeFloats <= cap.planeFloats &&
                    c.compactFloats <= cap.compactFloats && c.tapBytes <= cap.tapBytes &&
                    c.tempBytes <= cap.tempBytes && pdq::boxWindow(f.width) <= cap.maxWindow &&
                    pdq::boxWindow(f.height) <= cap.maxWindow && f.width <= cap.maxRowBytes;
  if (fits) return {};
  return "cuda: " + std::to_string(f.width) + "x" + std::to_string(f.height) +
         " frame exceeds the device batch workspace; hashed on the CPU";
}

// One in-flight batch's staging and outputs (pinned host + device), its stream and events.
struct CudaHasher::Slot {
  Slot(const BatchCapacity& cap, cudaStream_t s)
      : stream(s),
        pdqTables(pdqTableBytes(cap.frames)),
        phashItems(alignUp(cap.frames * sizeof(PhashItem))),
        tableBytes(pdqTables + phashItems + alignUp(cap.tapBytes)),
        dPixels(cap.pixelBytes),
        hTables(tableBytes),
        dTables(tableBytes),
        hResults(cap.frames),
        dResults(cap.frames),
        hGrey(size_t(cap.frames) * kPhashCells),
        dGrey(size_t(cap.frames) * kPhashCells) {}

  cudaStream_t stream;  // the device's, shared with the same slot of its other hashers
  size_t pdqTables, phashItems, tableBytes;
  PinnedBuffer<uint8_t> hPixels;  // allocated on first use: staged frames never need it
  DeviceBuffer<uint8_t> dPixels;
  PinnedBuffer<uint8_t> hTables;  // PDQ tables | pHash items | pHash taps
  DeviceBuffer<uint8_t> dTables;
  PinnedBuffer<PdqFrameResult> hResults;
  DeviceBuffer<PdqFrameResult> dResults;
  PinnedBuffer<uint8_t> hGrey;
  DeviceBuffer<uint8_t> dGrey;
  CudaEvent kernelsDone;   // the shared workspaces are free again
  CudaEvent resultsReady;  // hResults / hGrey hold this batch's outputs
  bool kernelsRecorded = false;
  bool busy = false;
  size_t frames = 0;
  std::string cpuNote;  // non-empty: a frame the workspace cannot take, hashed on the CPU
  ImageView cpuFrame;
};

namespace {

// Frames (from the first) that fit one batch of `cap`, at most `maxFrames`; stops before a
// frame the workspace cannot take (it goes alone, to the CPU).
size_t fittingFrames(std::span<const ImageView> frames, size_t maxFrames,
                     const BatchCapacity& cap) {
  FrameCost used{};
  size_t n = 0;
  for (const ImageView& f : frames) {
    if (n == maxFrames || int(n) == cap.frames || !deviceRejection(f, cap).empty()) break;
    const FrameCost c = costOf(f);
    if (used.pixelBytes + c.pixelBytes > cap.pixelBytes ||
        used.planeFloats + c.planeFloats > cap.planeFloats ||
        used.compactFloats + c.compactFloats > cap.compactFloats ||
        used.tapBytes + c.tapBytes > cap.tapBytes || used.tempBytes + c.tempBytes > cap.tempBytes)
      break;
    used = FrameCost{used.pixelBytes + c.pixelBytes, used.planeFloats + c.planeFloats,
                     used.compactFloats + c.compactFloats, used.tapBytes + c.tapBytes,
                     used.tempBytes + c.tempBytes};
    ++n;
  }
  return n;
}

}  // namespace

std::shared_ptr<StagingPool> CudaHasher::makePinnedPool() {
  return std::make_shared<StagingPool>(
      SlabAllocator{[](size_t bytes) {
                      void* p = nullptr;
                      HS_CUDA_CHECK(cudaHostAlloc(&p, bytes, cudaHostAllocPortable));
                      return p;
                    },
                    [](void* p) { HS_CUDA_CHECK_NOTHROW(cudaFreeHost(p)); }});
}

CudaHasher::CudaHasher(std::optional<BatchCapacity> capacity, int device,
                       std::shared_ptr<StagingPool> staging)
    : res_(CudaResources::forDevice(device)),
      budget_(res_->reserve(size_t(double(res_->budgetBytes()) * kHasherShareOfBudget))),
      fixedCapacity_(capacity.has_value()),
      cpu_(makeCpuHasher()),
      pool_(staging ? std::move(staging) : makePinnedPool()),
      frames_(makeDeviceFramePool(device)) {
  res_->makeCurrent();
  cap_ = capacity ? *capacity : chooseCapacity(res_->properties(), budget_.bytes());
  uploadPdqDctMatrix();
  // Another process may take memory between the budget's cudaMemGetInfo and here: on
  // out-of-memory, halve.
  for (;;) {
    try {
      allocate();
      break;
    } catch (const CudaError& e) {
      if (!e.outOfMemory()) throw;
      cudaGetLastError();  // clear the (non-sticky) allocation error
      if (!shrink()) throw;
    }
  }
  sched_ = std::make_unique<FeedScheduler>(static_cast<FeedOps&>(*this), size_t(cap_.frames));
}

CudaHasher::~CudaHasher() {
  HS_CUDA_CHECK_NOTHROW(cudaSetDevice(res_->device()));
  sched_.reset();  // abandons (waits for) whatever is still in flight
  release();
}

void CudaHasher::allocate() {
  plane1_ = DeviceBuffer<float>(cap_.planeFloats);
  plane2_ = DeviceBuffer<float>(cap_.planeFloats);
  compact_ = DeviceBuffer<float>(cap_.compactFloats);
  a_ = DeviceBuffer<float>(size_t(cap_.frames) * pdq::kBufDim * pdq::kBufDim);
  phashTemp_ = DeviceBuffer<uint8_t>(cap_.tempBytes);
  for (int i = 0; i < kFeedSlots; ++i)
    slots_[i] = std::make_unique<Slot>(cap_, res_->hashStream(i));
  lastLaunched_ = -1;
}

void CudaHasher::release() noexcept {
  for (auto& s : slots_) {
    if (s) HS_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(s->stream));
    s.reset();
  }
  for (auto* b : {&plane1_, &plane2_, &compact_, &a_}) b->reset();
  phashTemp_.reset();
  lastLaunched_ = -1;
}

bool CudaHasher::shrink() {
  // Called with nothing in flight. Halve every pixel-sized workspace and allocate again.
  if (fixedCapacity_ || cap_.planeFloats / 2 < kMinBatchPixels) return false;
  release();
  cap_.planeFloats /= 2;
  cap_.pixelBytes /= 2;
  cap_.compactFloats /= 2;
  cap_.tempBytes /= 2;
  cap_.tapBytes /= 2;
  for (;;) {
    try {
      allocate();
      return true;
    } catch (const CudaError& e) {
      if (!e.outOfMemory()) throw;
      cudaGetLastError();
      release();
      if (cap_.planeFloats / 2 < kMinBatchPixels) throw OutOfDeviceMemory(e.what());
      cap_.planeFloats /= 2;
      cap_.pixelBytes /= 2;
      cap_.compactFloats /= 2;
      cap_.tempBytes /= 2;
      cap_.tapBytes /= 2;
    }
  }
}

void CudaHasher::enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
                         const HashRequest& req, FeedDone done) {
  res_->makeCurrent();  // the feed runs on the batcher's thread
  sched_->enqueue(frames, tags, req, std::move(done));
}

void CudaHasher::drain() {
  res_->makeCurrent();
  sched_->drain();
}

size_t CudaHasher::batchLength(std::span<const ImageView> frames, size_t maxFrames) const {
  return std::max<size_t>(1, fittingFrames(frames, maxFrames, cap_));
}

void CudaHasher::launch(int slotIndex, std::span<const ImageView> frames, const HashRequest& req) {
  Slot& slot = *slots_[slotIndex];
  slot.cpuNote.clear();
  slot.frames = frames.size();
  if (frames.size() == 1) {
    std::string why = deviceRejection(frames[0], cap_);
    if (!why.empty()) {
      // Frames the workspace cannot take go to the CPU backend (in finish(), so outcomes stay
      // in order), with a note in their record.
      slot.cpuNote = std::move(why);
      slot.cpuFrame = frames[0];
      slot.busy = true;
      return;
    }
  }
  try {
    submit(slot, frames, req);
  } catch (const CudaError& e) {
    if (e.outOfMemory()) {  // the scheduler backs off to a smaller batch
      cudaGetLastError();
      throw OutOfDeviceMemory(e.what());
    }
    throw;
  }
  lastLaunched_ = slotIndex;
}

void CudaHasher::abandon(int slotIndex) noexcept {
  Slot& slot = *slots_[slotIndex];
  // Whatever part of the batch was queued must be done before its frames' memory is reused.
  HS_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(slot.stream));
  slot.busy = false;
}

void CudaHasher::submit(Slot& slot, std::span<const ImageView> frames, const HashRequest& req) {
  const bool pdqWanted = req.pdq || req.dihedral;
  std::vector<FrameGeom> geoms;
  geoms.reserve(frames.size());
  for (const ImageView& f : frames) geoms.push_back({f.width, f.height, channelsOf(f)});
  const PdqBatchPlan pdqPlan = planPdqBatch(geoms, req.pdqLuma);
  std::vector<uint64_t> pixelOffsets;
  for (const FinishItem& fi : pdqPlan.finish) pixelOffsets.push_back(fi.pixelOffset);

  cudaStream_t s = slot.stream;
  // Pixels in (uploadFor): a frame decoded on this device is copied on the device, never
  // crossing PCIe; a frame decoded (or copied) into the pinned pool is copied by DMA from where
  // it lies, a 2D copy packing padded rows (swscale's targets); any other frame is packed into
  // the slot's pinned buffer first (free: sync point 1 retired this slot's previous batch).
  for (size_t k = 0; k < frames.size(); ++k) {
    const ImageView& f = frames[k];
    const size_t rowBytes = size_t(f.width) * channelsOf(f);
    const size_t bytes = rowBytes * f.height;
    uint8_t* dDst = slot.dPixels.data() + pixelOffsets[k];
    const FrameUpload how = uploadFor(f, res_->device(), *pool_);
    if (how != FrameUpload::PackedDma) {
      HS_CUDA_CHECK(cudaMemcpy2DAsync(
          dDst, rowBytes, f.data, size_t(f.stride), rowBytes, size_t(f.height),
          how == FrameUpload::DeviceCopy ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice, s));
      continue;
    }
    if (slot.hPixels.empty()) slot.hPixels = PinnedBuffer<uint8_t>(cap_.pixelBytes);
    uint8_t* hDst = slot.hPixels.data() + pixelOffsets[k];
    if (f.stride == std::ptrdiff_t(rowBytes)) {
      std::memcpy(hDst, f.data, bytes);
    } else {
      for (int y = 0; y < f.height; ++y) std::memcpy(hDst + y * rowBytes, f.row(y), rowBytes);
    }
    HS_CUDA_CHECK(cudaMemcpyAsync(dDst, hDst, bytes, cudaMemcpyHostToDevice, s));
  }
  const PdqTableLayout layout = pdqTableLayout(pdqPlan);
  packPdqTables(pdqPlan, layout, slot.hTables.data());
  PhashBatchPlan phashPlan;
  if (req.phash) {
    phashPlan = planPhashBatch(geoms, pixelOffsets, taps_);
    if (phashPlan.taps.size() * sizeof(int32_t) > cap_.tapBytes ||
        phashPlan.tempBytes > cap_.tempBytes)
      throw std::logic_error("CudaHasher: pHash batch exceeds its planned capacity");
    std::memcpy(slot.hTables.data() + slot.pdqTables, phashPlan.items.data(),
                phashPlan.items.size() * sizeof(PhashItem));
    std::memcpy(slot.hTables.data() + slot.pdqTables + slot.phashItems, phashPlan.taps.data(),
                phashPlan.taps.size() * sizeof(int32_t));
  }
  const size_t tableBytes =
      req.phash ? slot.pdqTables + slot.phashItems + phashPlan.taps.size() * sizeof(int32_t)
                : layout.bytes;

  HS_CUDA_CHECK(cudaMemcpyAsync(slot.dTables.data(), slot.hTables.data(), tableBytes,
                                cudaMemcpyHostToDevice, s));
  // The shared planes and temp are free once the previous batch's kernels are done (device
  // wait; that batch waited for the one before it).
  if (lastLaunched_ >= 0 && slots_[lastLaunched_]->kernelsRecorded)
    slots_[lastLaunched_]->kernelsDone.waitOn(s);
  const int n = int(frames.size());
  if (pdqWanted) {
    PdqDeviceBatch d;
    d.pixels = slot.dPixels.data();
    d.tables = slot.dTables.data();
    d.plane1 = plane1_.data();
    d.plane2 = plane2_.data();
    d.compact = compact_.data();
    d.a = a_.data();
    d.results = slot.dResults.data();
    d.sharedMemOptin = res_->sharedMemOptin();
    enqueuePdqBatch(pdqPlan, layout, d, req.dihedral, s);
  }
  if (req.phash) {
    PhashDeviceBatch d;
    d.pixels = slot.dPixels.data();
    d.items = reinterpret_cast<const PhashItem*>(slot.dTables.data() + slot.pdqTables);
    d.taps =
        reinterpret_cast<const int32_t*>(slot.dTables.data() + slot.pdqTables + slot.phashItems);
    d.temp = phashTemp_.data();
    d.grey = slot.dGrey.data();
    d.sharedMemOptin = res_->sharedMemOptin();
    enqueuePhashBatch(phashPlan, d, s);
  }
  slot.kernelsDone.record(s);
  slot.kernelsRecorded = true;
  if (pdqWanted)
    HS_CUDA_CHECK(cudaMemcpyAsync(slot.hResults.data(), slot.dResults.data(),
                                  n * sizeof(PdqFrameResult), cudaMemcpyDeviceToHost, s));
  if (req.phash)
    HS_CUDA_CHECK(cudaMemcpyAsync(slot.hGrey.data(), slot.dGrey.data(), size_t(n) * kPhashCells,
                                  cudaMemcpyDeviceToHost, s));
  slot.resultsReady.record(s);
  slot.busy = true;
}

void CudaHasher::finish(int slotIndex, const HashRequest& req, std::span<FrameHash> out) {
  Slot& slot = *slots_[slotIndex];
  slot.busy = false;
  if (!slot.cpuNote.empty()) {
    ImageView frame = slot.cpuFrame;
    Image host;
    if (frame.onDevice()) {  // rare (a frame the workspace cannot take): one download
      host = frames_->download(frame);
      frame = host.view();
    }
    cpu_->hash(std::span<const ImageView>(&frame, 1), req, out.first(1));
    out[0].note = slot.cpuNote;
    return;
  }
  slot.resultsReady.synchronize();  // sync point 1
  const bool pdqWanted = req.pdq || req.dihedral;
  for (size_t k = 0; k < slot.frames; ++k) {
    FrameHash& o = out[k];
    if (pdqWanted) {
      const PdqFrameResult& r = slot.hResults[k];
      o.pdq = r.hash;
      o.pdqQuality = r.quality;
      if (req.dihedral)
        std::copy(std::begin(r.dihedral), std::end(r.dihedral), o.pdqDihedral.begin());
    }
    // The DCT of pHash runs here, on the host, with the CPU path's own function.
    if (req.phash) o.phash = phashFromGrey32(slot.hGrey.data() + k * kPhashCells);
  }
}

}  // namespace hashsieve::cuda
