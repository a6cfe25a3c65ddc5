// BatchImageDecoder over nvImageCodec's C API: code streams parsed from host memory, headers
// checked against the pixel limit, then one nvimgcodecDecoderDecode call for the batch per
// backend kind (what one backend fails goes to the next), into host or device buffers.
#include <nvimgcodec.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/batch_decoder.hpp"
#include "host/media/decode_backends.hpp"

namespace hashsieve::media {
namespace {

std::string statusText(nvimgcodecStatus_t s) { return "nvImageCodec status " + std::to_string(s); }

void check(nvimgcodecStatus_t s, const char* what) {
  if (s != NVIMGCODEC_STATUS_SUCCESS) throw DeviceError(std::string(what) + ": " + statusText(s));
}

template <typename T>
T structOf(nvimgcodecStructureType_t type) {
  T t{};
  t.struct_type = type;
  t.struct_size = sizeof(T);
  t.struct_next = nullptr;
  return t;
}

// The codec plugins sit in extensions/ beside libnvimgcodec.so.0 (where CMake found it);
// HASHSIEVE_NVIMGCODEC_EXTENSIONS overrides that for a relocated wheel.
std::string extensionsPath() {
  if (const char* env = std::getenv("HASHSIEVE_NVIMGCODEC_EXTENSIONS"); env && *env) return env;
  return HASHSIEVE_NVIMGCODEC_EXTENSIONS_DIR;
}

struct Handles {
  std::vector<nvimgcodecCodeStream_t> streams;
  std::vector<nvimgcodecImage_t> images;
  ~Handles() {
    for (auto* i : images)
      if (i) nvimgcodecImageDestroy(i);
    for (auto* s : streams)
      if (s) nvimgcodecCodeStreamDestroy(s);
  }
};

nvimgcodecBackendKind_t kindOf(DecodeBackend b) {
  switch (b) {
    case DecodeBackend::HwGpu:
      return NVIMGCODEC_BACKEND_KIND_HW_GPU_ONLY;
    case DecodeBackend::HybridCpuGpu:
      return NVIMGCODEC_BACKEND_KIND_HYBRID_CPU_GPU;
    case DecodeBackend::Gpu:
      return NVIMGCODEC_BACKEND_KIND_GPU_ONLY;
    case DecodeBackend::Cpu:
      break;
  }
  return NVIMGCODEC_BACKEND_KIND_CPU_ONLY;
}

class NvimgcodecDecoder final : public BatchImageDecoder {
 public:
  NvimgcodecDecoder(bool cpuOnly, int cpuThreads, std::shared_ptr<DeviceFramePool> deviceFrames)
      : cpuOnly_(cpuOnly), frames_(cpuOnly ? nullptr : std::move(deviceFrames)) {
    const std::string extensions = extensionsPath();
    auto create =
        structOf<nvimgcodecInstanceCreateInfo_t>(NVIMGCODEC_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    create.load_builtin_modules = 1;
    create.load_extension_modules = 1;
    create.extension_modules_path = extensions.c_str();
    create.create_debug_messenger = 0;  // library code stays quiet; failures come back as results
    check(nvimgcodecInstanceCreate(&instance_, &create), "nvimgcodecInstanceCreate");

    // One decoder per backend kind, so that each record can say which produced its pixels. A
    // kind this machine lacks (no decoder is created for it) is left out of the order.
    nvimgcodecStatus_t last = NVIMGCODEC_STATUS_SUCCESS;
    for (const DecodeBackend b : backendOrder(cpuOnly)) {
      auto exec = structOf<nvimgcodecExecutionParams_t>(NVIMGCODEC_STRUCTURE_TYPE_EXECUTION_PARAMS);
      exec.max_num_cpu_threads = cpuThreads;
      exec.device_id = cpuOnly   ? NVIMGCODEC_DEVICE_CPU_ONLY
                       : frames_ ? frames_->device()
                                 : NVIMGCODEC_DEVICE_CURRENT;
      auto backend = structOf<nvimgcodecBackend_t>(NVIMGCODEC_STRUCTURE_TYPE_BACKEND);
      backend.kind = kindOf(b);
      backend.params =
          structOf<nvimgcodecBackendParams_t>(NVIMGCODEC_STRUCTURE_TYPE_BACKEND_PARAMS);
      backend.params.load_hint = 1.0f;
      backend.params.load_hint_policy = NVIMGCODEC_LOAD_HINT_POLICY_FIXED;
      exec.num_backends = 1;
      exec.backends = &backend;
      nvimgcodecDecoder_t decoder = nullptr;
      last = nvimgcodecDecoderCreate(instance_, &decoder, &exec, nullptr);
      if (last == NVIMGCODEC_STATUS_SUCCESS && decoder) decoders_.push_back({b, decoder});
    }
    if (decoders_.empty()) {
      nvimgcodecInstanceDestroy(instance_);
      check(last == NVIMGCODEC_STATUS_SUCCESS ? NVIMGCODEC_STATUS_INTERNAL_ERROR : last,
            "nvimgcodecDecoderCreate");
    }
  }
  ~NvimgcodecDecoder() override {
    for (const auto& d : decoders_) nvimgcodecDecoderDestroy(d.handle);
    nvimgcodecInstanceDestroy(instance_);
  }
  NvimgcodecDecoder(const NvimgcodecDecoder&) = delete;
  NvimgcodecDecoder& operator=(const NvimgcodecDecoder&) = delete;

  std::string name() const override { return cpuOnly_ ? "nvimgcodec-cpu" : "nvimgcodec-gpu"; }

  std::vector<BatchDecoded> decode(std::span<const BatchInput> files) override {
    std::vector<BatchDecoded> out(files.size());
    Handles h;
    std::vector<size_t> which;  // out index of each stream/image pair sent to the decoder
    for (size_t i = 0; i < files.size(); ++i) {
      if (prepare(files[i], out[i], h)) which.push_back(i);
    }
    if (which.empty()) return out;

    // Each backend in turn on the files the ones before it failed (decode_backends.hpp).
    const std::vector<int> by = decodeInOrder(
        which.size(), decoders_.size(), [&](size_t b, std::span<const size_t> subset) {
          std::vector<nvimgcodecCodeStream_t> streams;
          std::vector<nvimgcodecImage_t> images;
          for (size_t k : subset) {
            streams.push_back(h.streams[k]);
            images.push_back(h.images[k]);
          }
          return decodeWith(decoders_[b].handle, streams, images);
        });
    // Sync point: device outputs are complete before the frames go to the hasher's streams.
    if (frames_) frames_->settle();
    for (size_t k = 0; k < which.size(); ++k) {
      BatchDecoded& r = out[which[k]];
      if (by[k] >= 0) {
        r.status = BatchDecoded::Status::Ok;
        r.decoder = backendRecordName(decoders_[size_t(by[k])].backend, r.codec);
      } else {
        r.image = Image{};
        r.device = DeviceImage{};
        r.detail = "no nvImageCodec backend decoded it";
      }
    }
    return out;
  }

 private:
  // Parses one file's header and creates its output image; false (with `r` saying why) when
  // the file is not sent to the decoder.
  bool prepare(const BatchInput& in, BatchDecoded& r, Handles& h) {
    nvimgcodecCodeStream_t stream = nullptr;
    if (nvimgcodecCodeStreamCreateFromHostMem(instance_, &stream, in.bytes.data(), in.bytes.size(),
                                              nullptr) != NVIMGCODEC_STATUS_SUCCESS ||
        !stream) {
      r.detail = "not a format nvImageCodec parses";
      return false;
    }
    auto info = structOf<nvimgcodecImageInfo_t>(NVIMGCODEC_STRUCTURE_TYPE_IMAGE_INFO);
    if (nvimgcodecCodeStreamGetImageInfo(stream, &info) != NVIMGCODEC_STATUS_SUCCESS ||
        info.num_planes == 0) {
      nvimgcodecCodeStreamDestroy(stream);
      r.detail = "header not parsed";
      return false;
    }
    // CMYK/YCCK JPEGs: the CPU decoders convert as Pillow does (Adobe-inverted samples), which
    // nvImageCodec does not (measured: 2 PDQ bits on the corpus), so those stay on the CPU.
    if (info.color_spec == NVIMGCODEC_COLORSPEC_CMYK ||
        info.color_spec == NVIMGCODEC_COLORSPEC_YCCK) {
      nvimgcodecCodeStreamDestroy(stream);
      r.detail = "CMYK: decoded on the CPU as Pillow converts it";
      return false;
    }
    r.codec = info.codec_name;
    r.width = static_cast<int>(info.plane_info[0].width);
    r.height = static_cast<int>(info.plane_info[0].height);
    const int64_t pixels = int64_t{r.width} * r.height;
    if (r.width <= 0 || r.height <= 0 || pixels > in.maxPixels) {
      nvimgcodecCodeStreamDestroy(stream);
      if (pixels > in.maxPixels) r.status = BatchDecoded::Status::TooLarge;
      r.detail = "header size " + std::to_string(r.width) + "x" + std::to_string(r.height);
      return false;
    }
    // Grey sources stay one channel, as the CPU decoders deliver them (PDQ's grey path).
    const bool grey = info.color_spec == NVIMGCODEC_COLORSPEC_GRAY ||
                      (info.num_planes == 1 && info.plane_info[0].num_channels == 1);
    const PixelFormat format = grey ? PixelFormat::Gray8 : PixelFormat::Rgb8;
    uint8_t* out = nullptr;
    std::ptrdiff_t stride = 0;
    try {
      if (frames_) {
        r.device = frames_->take(r.width, r.height, format);
        out = r.device.data();
        stride = r.device.stride();
      } else {
        r.image = Image(r.width, r.height, format);
        out = r.image.pixels.data();
        stride = r.image.stride();
      }
    } catch (const std::exception& e) {  // device memory exhausted: the CPU decoders take it
      nvimgcodecCodeStreamDestroy(stream);
      r.detail = std::string("output buffer: ") + e.what();
      return false;
    }

    auto outInfo = structOf<nvimgcodecImageInfo_t>(NVIMGCODEC_STRUCTURE_TYPE_IMAGE_INFO);
    outInfo.sample_format = grey ? NVIMGCODEC_SAMPLEFORMAT_I_Y : NVIMGCODEC_SAMPLEFORMAT_I_RGB;
    outInfo.color_spec = grey ? NVIMGCODEC_COLORSPEC_GRAY : NVIMGCODEC_COLORSPEC_SRGB;
    outInfo.chroma_subsampling = NVIMGCODEC_SAMPLING_NONE;
    outInfo.orientation = structOf<nvimgcodecOrientation_t>(NVIMGCODEC_STRUCTURE_TYPE_ORIENTATION);
    outInfo.num_planes = 1;
    auto& plane = outInfo.plane_info[0];
    plane = structOf<nvimgcodecImagePlaneInfo_t>(NVIMGCODEC_STRUCTURE_TYPE_IMAGE_PLANE_INFO);
    plane.width = static_cast<uint32_t>(r.width);
    plane.height = static_cast<uint32_t>(r.height);
    plane.num_channels = grey ? 1 : 3;
    plane.row_stride = static_cast<size_t>(stride);
    plane.sample_type = NVIMGCODEC_SAMPLE_DATA_TYPE_UINT8;
    // With a device hasher the pixels stay in its device's memory (delivered on the legacy
    // default stream, cuda_stream 0, which settle() waits for); otherwise host memory.
    outInfo.buffer = out;
    outInfo.buffer_kind = frames_ ? NVIMGCODEC_IMAGE_BUFFER_KIND_STRIDED_DEVICE
                                  : NVIMGCODEC_IMAGE_BUFFER_KIND_STRIDED_HOST;
    outInfo.cuda_stream = nullptr;
    nvimgcodecImage_t image = nullptr;
    if (nvimgcodecImageCreate(instance_, &image, &outInfo) != NVIMGCODEC_STATUS_SUCCESS) {
      nvimgcodecCodeStreamDestroy(stream);
      r.image = Image{};
      r.device = DeviceImage{};
      r.detail = "output image not created";
      return false;
    }
    h.streams.push_back(stream);
    h.images.push_back(image);
    return true;
  }

  // One nvimgcodecDecoderDecode call; a success flag per stream/image pair.
  static std::vector<bool> decodeWith(nvimgcodecDecoder_t decoder,
                                      std::vector<nvimgcodecCodeStream_t>& streams,
                                      std::vector<nvimgcodecImage_t>& images) {
    auto params = structOf<nvimgcodecDecodeParams_t>(NVIMGCODEC_STRUCTURE_TYPE_DECODE_PARAMS);
    params.apply_exif_orientation = 0;  // the media layer orients, by the project's EXIF rules
    nvimgcodecFuture_t future = nullptr;
    const int n = static_cast<int>(streams.size());
    nvimgcodecStatus_t s =
        nvimgcodecDecoderDecode(decoder, streams.data(), images.data(), n, &params, &future);
    std::vector<nvimgcodecProcessingStatus_t> status(streams.size(),
                                                     NVIMGCODEC_PROCESSING_STATUS_UNKNOWN);
    if (s == NVIMGCODEC_STATUS_SUCCESS) {
      s = nvimgcodecFutureWaitForAll(future);
      size_t count = status.size();
      if (s == NVIMGCODEC_STATUS_SUCCESS)
        s = nvimgcodecFutureGetProcessingStatus(future, status.data(), &count);
    }
    if (future) nvimgcodecFutureDestroy(future);
    std::vector<bool> ok(streams.size(), false);
    for (size_t k = 0; k < ok.size(); ++k)
      ok[k] = s == NVIMGCODEC_STATUS_SUCCESS && status[k] == NVIMGCODEC_PROCESSING_STATUS_SUCCESS;
    return ok;
  }

  struct Backend {
    DecodeBackend backend;
    nvimgcodecDecoder_t handle;
  };
  const bool cpuOnly_;
  const std::shared_ptr<DeviceFramePool> frames_;  // null: host output
  nvimgcodecInstance_t instance_ = nullptr;
  std::vector<Backend> decoders_;  // in backendOrder
};

}  // namespace

std::unique_ptr<BatchImageDecoder> makeNvimgcodecDecoder(
    bool cpuOnly, int cpuThreads, std::shared_ptr<DeviceFramePool> deviceFrames) {
  return std::make_unique<NvimgcodecDecoder>(cpuOnly, cpuThreads, std::move(deviceFrames));
}

std::string nvimgcodecStatus() {
  auto props = structOf<nvimgcodecProperties_t>(NVIMGCODEC_STRUCTURE_TYPE_PROPERTIES);
  if (nvimgcodecGetProperties(&props) != NVIMGCODEC_STATUS_SUCCESS)
    return "unavailable: nvimgcodecGetProperties failed";
  const uint32_t v = props.version;
  return std::to_string(NVIMGCODEC_MAJOR_FROM_SEMVER(v)) + "." +
         std::to_string(NVIMGCODEC_MINOR_FROM_SEMVER(v)) + "." +
         std::to_string(NVIMGCODEC_PATCH_FROM_SEMVER(v));
}

}  // namespace hashsieve::media
