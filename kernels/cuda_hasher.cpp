// The CUDA Hasher. Frames are grouped into batches that fit the workspace; two slots alternate:
// while the device runs batch i on slot A's stream, the host packs batch i+1 into slot B's pinned
// staging and B's stream copies it up. Synchronisation points (all host-side waits):
//  1. before reusing a slot's pinned staging: its resultsReady event (the batch two back is done);
//  2. at the end of hash(): every slot still in flight.
// Device-side ordering only otherwise: a slot's kernels wait (cudaStreamWaitEvent) for the other
// slot's kernels, because the float planes and the pHash temp are shared by both slots.
#include "kernels/cuda_hasher.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "host/core/pdq_math.hpp"
#include "kernels/pdq_box.cuh"
#include "kernels/pdq_finish.cuh"
#include "kernels/phash_resample.cuh"

namespace hashsieve::cuda {
namespace {

// Capacity policy (chooseCapacity). A batch should give every pass several waves of 32-line
// warps on every SM: ~2 Mpx per SM is about one 1080p frame (1080 row lines, 1920 column lines).
constexpr uint64_t kPixelsPerSm = uint64_t{2} << 20;
constexpr double kDeviceMemoryShare = 0.5;  // of the free memory: the matcher and others keep half
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

BatchCapacity chooseCapacity(const cudaDeviceProp& prop, size_t freeBytes) {
  // Device bytes per batch pixel: two slots of RGB staging, two float planes, the pHash temp
  // and the compact buffer (bounded below by their own limits).
  constexpr uint64_t kDeviceBytesPerPixel = 2 * kRgbBytes + 2 * sizeof(float) + 1 + 1;
  uint64_t pixels = uint64_t(prop.multiProcessorCount) * kPixelsPerSm;
  pixels = std::min(pixels, kMaxPinnedPixelBytes / kRgbBytes);
  pixels =
      std::min(pixels, uint64_t(double(freeBytes) * kDeviceMemoryShare) / kDeviceBytesPerPixel);
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
  explicit Slot(const BatchCapacity& cap)
      : pdqTables(pdqTableBytes(cap.frames)),
        phashItems(alignUp(cap.frames * sizeof(PhashItem))),
        tableBytes(pdqTables + phashItems + alignUp(cap.tapBytes)),
        hPixels(cap.pixelBytes),
        dPixels(cap.pixelBytes),
        hTables(tableBytes),
        dTables(tableBytes),
        hResults(cap.frames),
        dResults(cap.frames),
        hGrey(size_t(cap.frames) * kPhashCells),
        dGrey(size_t(cap.frames) * kPhashCells) {}

  size_t pdqTables, phashItems, tableBytes;
  PinnedBuffer<uint8_t> hPixels;
  DeviceBuffer<uint8_t> dPixels;
  PinnedBuffer<uint8_t> hTables;  // PDQ tables | pHash items | pHash taps
  DeviceBuffer<uint8_t> dTables;
  PinnedBuffer<PdqFrameResult> hResults;
  DeviceBuffer<PdqFrameResult> dResults;
  PinnedBuffer<uint8_t> hGrey;
  DeviceBuffer<uint8_t> dGrey;
  CudaStream stream;
  CudaEvent kernelsDone;   // the shared workspaces are free again
  CudaEvent resultsReady;  // hResults / hGrey hold this batch's outputs
  bool kernelsRecorded = false;
  bool busy = false;
  std::vector<size_t> index;  // input positions of this batch's frames
};

struct CudaHasher::Batch {
  std::vector<size_t> index;
};

CudaHasher::CudaHasher(std::optional<BatchCapacity> capacity) : cpu_(makeCpuHasher()) {
  int device = 0;
  HS_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  HS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  size_t freeBytes = 0, totalBytes = 0;
  HS_CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
  cap_ = capacity ? *capacity : chooseCapacity(prop, freeBytes);
  uploadPdqDctMatrix();
  // Another process may take memory between cudaMemGetInfo and here: on out-of-memory, halve.
  for (;;) {
    try {
      plane1_ = DeviceBuffer<float>(cap_.planeFloats);
      plane2_ = DeviceBuffer<float>(cap_.planeFloats);
      compact_ = DeviceBuffer<float>(cap_.compactFloats);
      a_ = DeviceBuffer<float>(size_t(cap_.frames) * pdq::kBufDim * pdq::kBufDim);
      phashTemp_ = DeviceBuffer<uint8_t>(cap_.tempBytes);
      slots_[0] = std::make_unique<Slot>(cap_);
      slots_[1] = std::make_unique<Slot>(cap_);
      break;
    } catch (const CudaError& e) {
      if (!e.outOfMemory() || capacity || cap_.planeFloats / 2 < kMinBatchPixels) throw;
      cudaGetLastError();  // clear the (non-sticky) allocation error
      slots_[0].reset();
      slots_[1].reset();
      for (auto* b : {&plane1_, &plane2_, &compact_, &a_}) b->reset();
      phashTemp_.reset();
      cap_.planeFloats /= 2;
      cap_.pixelBytes /= 2;
      cap_.compactFloats /= 2;
      cap_.tempBytes /= 2;
      cap_.tapBytes /= 2;
    }
  }
}

CudaHasher::~CudaHasher() {
  for (auto& s : slots_)
    if (s) HS_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(s->stream.get()));
}

void CudaHasher::hash(std::span<const ImageView> frames, const HashRequest& req,
                      std::span<FrameHash> out) {
  if (out.size() != frames.size()) throw std::invalid_argument("CudaHasher::hash: out.size()");
  // Frames the workspace cannot take go to the CPU backend, with a note in their record.
  std::vector<size_t> onDevice;
  for (size_t i = 0; i < frames.size(); ++i) {
    out[i] = FrameHash{};
    std::string why = deviceRejection(frames[i], cap_);
    if (why.empty()) {
      onDevice.push_back(i);
      continue;
    }
    cpu_->hash(frames.subspan(i, 1), req, out.subspan(i, 1));
    out[i].note = std::move(why);
  }
  // Greedy batches in input order.
  std::vector<Batch> batches;
  FrameCost used{};
  for (size_t i : onDevice) {
    const FrameCost c = costOf(frames[i]);
    const bool full = batches.empty() || int(batches.back().index.size()) == cap_.frames ||
                      used.pixelBytes + c.pixelBytes > cap_.pixelBytes ||
                      used.planeFloats + c.planeFloats > cap_.planeFloats ||
                      used.compactFloats + c.compactFloats > cap_.compactFloats ||
                      used.tapBytes + c.tapBytes > cap_.tapBytes ||
                      used.tempBytes + c.tempBytes > cap_.tempBytes;
    if (full) {
      batches.emplace_back();
      used = FrameCost{};
    }
    batches.back().index.push_back(i);
    used = FrameCost{used.pixelBytes + c.pixelBytes, used.planeFloats + c.planeFloats,
                     used.compactFloats + c.compactFloats, used.tapBytes + c.tapBytes,
                     used.tempBytes + c.tempBytes};
  }
  int cur = 0;
  try {
    for (const Batch& b : batches) {
      Slot& slot = *slots_[cur];
      if (slot.busy) collect(slot, req, out);  // sync point 1
      submit(slot, *slots_[cur ^ 1], b, frames, req);
      cur ^= 1;
    }
    // Sync point 2: the older batch first (order does not matter for the outputs).
    for (int k = 0; k < 2; ++k) {
      Slot& slot = *slots_[(cur + k) % 2];
      if (slot.busy) collect(slot, req, out);
    }
  } catch (...) {
    // Never leave a batch in flight for the next call to collect into the wrong outputs.
    for (auto& s : slots_) {
      if (s->busy) HS_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(s->stream.get()));
      s->busy = false;
    }
    throw;
  }
}

void CudaHasher::submit(Slot& slot, Slot& other, const Batch& batch,
                        std::span<const ImageView> frames, const HashRequest& req) {
  const bool pdqWanted = req.pdq || req.dihedral;
  std::vector<FrameGeom> geoms;
  geoms.reserve(batch.index.size());
  for (size_t i : batch.index)
    geoms.push_back({frames[i].width, frames[i].height, channelsOf(frames[i])});
  const PdqBatchPlan pdqPlan = planPdqBatch(geoms, req.pdqLuma);
  std::vector<uint64_t> pixelOffsets;
  for (const FinishItem& fi : pdqPlan.finish) pixelOffsets.push_back(fi.pixelOffset);

  // Host packing into pinned staging (free: sync point 1 retired this slot's previous batch).
  for (size_t k = 0; k < batch.index.size(); ++k) {
    const ImageView& f = frames[batch.index[k]];
    const size_t rowBytes = size_t(f.width) * channelsOf(f);
    uint8_t* dst = slot.hPixels.data() + pixelOffsets[k];
    if (f.stride == std::ptrdiff_t(rowBytes)) {
      std::memcpy(dst, f.data, rowBytes * f.height);
    } else {
      for (int y = 0; y < f.height; ++y) std::memcpy(dst + y * rowBytes, f.row(y), rowBytes);
    }
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

  cudaStream_t s = slot.stream.get();
  HS_CUDA_CHECK(cudaMemcpyAsync(slot.dPixels.data(), slot.hPixels.data(), pdqPlan.pixelBytes,
                                cudaMemcpyHostToDevice, s));
  HS_CUDA_CHECK(cudaMemcpyAsync(slot.dTables.data(), slot.hTables.data(), tableBytes,
                                cudaMemcpyHostToDevice, s));
  // The shared planes and temp are free once the other slot's kernels are done (device wait).
  if (other.kernelsRecorded) other.kernelsDone.waitOn(s);
  const int n = int(batch.index.size());
  if (pdqWanted) {
    PdqDeviceBatch d;
    d.pixels = slot.dPixels.data();
    d.tables = slot.dTables.data();
    d.plane1 = plane1_.data();
    d.plane2 = plane2_.data();
    d.compact = compact_.data();
    d.a = a_.data();
    d.results = slot.dResults.data();
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
  slot.index = batch.index;
  slot.busy = true;
}

void CudaHasher::collect(Slot& slot, const HashRequest& req, std::span<FrameHash> out) {
  slot.resultsReady.synchronize();
  const bool pdqWanted = req.pdq || req.dihedral;
  for (size_t k = 0; k < slot.index.size(); ++k) {
    FrameHash& o = out[slot.index[k]];
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
  slot.busy = false;
}

}  // namespace hashsieve::cuda
