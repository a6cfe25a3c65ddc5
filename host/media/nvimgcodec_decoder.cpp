// BatchImageDecoder over nvImageCodec's C API: code streams parsed from host memory, headers
// checked against the pixel limit, then one nvimgcodecDecoderDecode call for the batch.
#include <nvimgcodec.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/batch_decoder.hpp"

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

class NvimgcodecDecoder final : public BatchImageDecoder {
 public:
  NvimgcodecDecoder(bool cpuOnly, int cpuThreads) : cpuOnly_(cpuOnly) {
    const std::string extensions = extensionsPath();
    auto create =
        structOf<nvimgcodecInstanceCreateInfo_t>(NVIMGCODEC_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    create.load_builtin_modules = 1;
    create.load_extension_modules = 1;
    create.extension_modules_path = extensions.c_str();
    create.create_debug_messenger = 0;  // library code stays quiet; failures come back as results
    check(nvimgcodecInstanceCreate(&instance_, &create), "nvimgcodecInstanceCreate");

    auto exec = structOf<nvimgcodecExecutionParams_t>(NVIMGCODEC_STRUCTURE_TYPE_EXECUTION_PARAMS);
    exec.max_num_cpu_threads = cpuThreads;
    exec.device_id = cpuOnly ? NVIMGCODEC_DEVICE_CPU_ONLY : NVIMGCODEC_DEVICE_CURRENT;
    auto cpuBackend = structOf<nvimgcodecBackend_t>(NVIMGCODEC_STRUCTURE_TYPE_BACKEND);
    cpuBackend.kind = NVIMGCODEC_BACKEND_KIND_CPU_ONLY;
    cpuBackend.params =
        structOf<nvimgcodecBackendParams_t>(NVIMGCODEC_STRUCTURE_TYPE_BACKEND_PARAMS);
    cpuBackend.params.load_hint = 1.0f;
    cpuBackend.params.load_hint_policy = NVIMGCODEC_LOAD_HINT_POLICY_FIXED;
    if (cpuOnly) {
      exec.num_backends = 1;
      exec.backends = &cpuBackend;
    }
    const nvimgcodecStatus_t s = nvimgcodecDecoderCreate(instance_, &decoder_, &exec, nullptr);
    if (s != NVIMGCODEC_STATUS_SUCCESS) {
      nvimgcodecInstanceDestroy(instance_);
      check(s, "nvimgcodecDecoderCreate");
    }
  }
  ~NvimgcodecDecoder() override {
    nvimgcodecDecoderDestroy(decoder_);
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

    auto params = structOf<nvimgcodecDecodeParams_t>(NVIMGCODEC_STRUCTURE_TYPE_DECODE_PARAMS);
    params.apply_exif_orientation = 0;  // the media layer orients, by the project's EXIF rules
    nvimgcodecFuture_t future = nullptr;
    const int n = static_cast<int>(which.size());
    nvimgcodecStatus_t s =
        nvimgcodecDecoderDecode(decoder_, h.streams.data(), h.images.data(), n, &params, &future);
    std::vector<nvimgcodecProcessingStatus_t> status(which.size(),
                                                     NVIMGCODEC_PROCESSING_STATUS_UNKNOWN);
    if (s == NVIMGCODEC_STATUS_SUCCESS) {
      s = nvimgcodecFutureWaitForAll(future);
      size_t count = status.size();
      if (s == NVIMGCODEC_STATUS_SUCCESS)
        s = nvimgcodecFutureGetProcessingStatus(future, status.data(), &count);
    }
    if (future) nvimgcodecFutureDestroy(future);
    for (size_t k = 0; k < which.size(); ++k) {
      BatchDecoded& r = out[which[k]];
      if (s == NVIMGCODEC_STATUS_SUCCESS && status[k] == NVIMGCODEC_PROCESSING_STATUS_SUCCESS) {
        r.status = BatchDecoded::Status::Ok;
      } else {
        r.image = Image{};
        r.detail = s != NVIMGCODEC_STATUS_SUCCESS
                       ? statusText(s)
                       : "processing status " + std::to_string(status[k]);
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
    r.image = Image(r.width, r.height, grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);

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
    plane.row_stride = static_cast<size_t>(r.image.stride());
    plane.sample_type = NVIMGCODEC_SAMPLE_DATA_TYPE_UINT8;
    // Host output on every backend: the hashers read host frames (a device-resident hand-off
    // to the CUDA kernels is owed, see bench/gpu_checks.sh).
    outInfo.buffer = r.image.pixels.data();
    outInfo.buffer_kind = NVIMGCODEC_IMAGE_BUFFER_KIND_STRIDED_HOST;
    nvimgcodecImage_t image = nullptr;
    if (nvimgcodecImageCreate(instance_, &image, &outInfo) != NVIMGCODEC_STATUS_SUCCESS) {
      nvimgcodecCodeStreamDestroy(stream);
      r.image = Image{};
      r.detail = "output image not created";
      return false;
    }
    h.streams.push_back(stream);
    h.images.push_back(image);
    return true;
  }

  const bool cpuOnly_;
  nvimgcodecInstance_t instance_ = nullptr;
  nvimgcodecDecoder_t decoder_ = nullptr;
};

}  // namespace

std::unique_ptr<BatchImageDecoder> makeNvimgcodecDecoder(bool cpuOnly, int cpuThreads) {
  return std::make_unique<NvimgcodecDecoder>(cpuOnly, cpuThreads);
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
