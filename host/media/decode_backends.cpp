// Backend order, record names and the per-file walk down the backends.
#include "host/media/decode_backends.hpp"

#include <stdexcept>

namespace hashsieve::media {

std::vector<DecodeBackend> backendOrder(bool cpuOnly) {
  if (cpuOnly) return {DecodeBackend::Cpu};
  return {DecodeBackend::HwGpu, DecodeBackend::HybridCpuGpu, DecodeBackend::Gpu,
          DecodeBackend::Cpu};
}

std::string backendRecordName(DecodeBackend backend, std::string_view codec) {
  const std::string library = codec == "jpeg" ? "nvjpeg" : "nvimgcodec";
  switch (backend) {
    case DecodeBackend::HwGpu:
      return library + "-hw";
    case DecodeBackend::HybridCpuGpu:
      return library + "-hybrid";
    case DecodeBackend::Gpu:
      return library + "-gpu";
    case DecodeBackend::Cpu:
      break;
  }
  return "nvimgcodec-cpu";
}

std::vector<int> decodeInOrder(
    size_t files, size_t backends,
    const std::function<std::vector<bool>(size_t backend, std::span<const size_t> which)>&
        attempt) {
  std::vector<int> by(files, -1);
  std::vector<size_t> left(files);
  for (size_t i = 0; i < files; ++i) left[i] = i;
  for (size_t b = 0; b < backends && !left.empty(); ++b) {
    const std::vector<bool> ok = attempt(b, left);
    if (ok.size() != left.size()) throw std::logic_error("decodeInOrder: one flag per file");
    std::vector<size_t> still;
    for (size_t k = 0; k < left.size(); ++k) {
      if (ok[k])
        by[left[k]] = int(b);
      else
        still.push_back(left[k]);
    }
    left = std::move(still);
  }
  return by;
}

}  // namespace hashsieve::media
