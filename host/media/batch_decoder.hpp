// Still images decoded in batches by a library other than the CPU decoders (nvImageCodec, for
// --decoder gpu): the CUDA-free interface the media layer calls, and the queue that gathers the
// files of concurrent decode workers into one batch.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "host/core/device_frames.hpp"
#include "host/core/image.hpp"

namespace hashsieve::media {

/// One whole encoded file in host memory and the pixel limit its header is checked against.
struct BatchInput {
  std::span<const uint8_t> bytes;
  int64_t maxPixels = 0;
};

/// What a batch decoder made of one file.
struct BatchDecoded {
  enum class Status { Ok, TooLarge, Rejected };
  Status status = Status::Rejected;
  Image image;                // Ok: the stored pixels (orientation not applied), host memory,
  DeviceImage device;         // ... or device memory when the decoder writes there
  int width = 0, height = 0;  // from the header (Ok, TooLarge)
  std::string codec;          // the library's codec name ("jpeg", "png", "tiff", "jpeg2k")
  std::string decoder;        // Ok: the backend that produced the pixels ("nvjpeg-hw", ...)
  std::string detail;         // Rejected: why, in the library's terms (logs and tests)

  /// The decoded frame, wherever it lies (Ok only).
  ImageView view() { return device.holdsMemory() ? device.view() : image.view(); }
};

class BatchImageDecoder {
 public:
  virtual ~BatchImageDecoder() = default;
  /// Decodes `files` as one batch; one result per file, in order. Files whose header exceeds
  /// their maxPixels are not decoded (TooLarge). Bad input is a Rejected result, never a throw.
  virtual std::vector<BatchDecoded> decode(std::span<const BatchInput> files) = 0;
  /// The decoder that produced the pixels, for records and the audit ("nvimgcodec-cpu").
  virtual std::string name() const = 0;
};

/// nvImageCodec (host/media/nvimgcodec_decoder.cpp): `cpuOnly` restricts it to its CPU
/// backends (NVIMGCODEC_DEVICE_CPU_ONLY), which is what a machine without a device runs;
/// otherwise each file goes through its backends in backendOrder (decode_backends.hpp).
/// `cpuThreads` sizes its thread pool. `deviceFrames` (with a device only): decode into that
/// device's memory, for a device hasher to read with no host round trip; null: host buffers.
/// Throws DeviceError when this build lacks nvImageCodec or the library does not start.
std::unique_ptr<BatchImageDecoder> makeNvimgcodecDecoder(
    bool cpuOnly, int cpuThreads, std::shared_ptr<DeviceFramePool> deviceFrames = nullptr);
/// "0.9.0" when the build has nvImageCodec and the library starts; otherwise why not, as
/// "unavailable: ...".
std::string nvimgcodecStatus();

/// Group commit across decode workers: each worker calls decode() for its file and blocks; one
/// of the waiting workers takes every pending file (up to maxBatch) and decodes them as a batch,
/// after waiting up to kGatherMicros for the other workers to arrive. Thread-safe.
class BatchQueue {
 public:
  static constexpr int kGatherMicros = 2000;  // short next to a batch's decode time
  /// `workers`: how many threads call decode(); a batch never waits for more than that.
  BatchQueue(std::unique_ptr<BatchImageDecoder> decoder, size_t maxBatch, size_t workers);
  BatchDecoded decode(const BatchInput& file);
  std::string name() const { return name_; }
  /// Batches run and the largest batch so far (statistics and tests).
  size_t batches() const;
  size_t largestBatch() const;
  /// Files waiting for a batch (tests: to know that callers have arrived).
  size_t pending() const;

 private:
  struct Slot {
    BatchInput input;
    BatchDecoded result;
    bool done = false;
  };
  void runBatch(std::unique_lock<std::mutex>& lock);

  const std::unique_ptr<BatchImageDecoder> decoder_;
  const std::string name_;
  const size_t maxBatch_, workers_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_, finished_;
  std::vector<Slot*> pending_;
  bool busy_ = false;
  size_t batches_ = 0, largest_ = 0;
};

}  // namespace hashsieve::media
