// The order in which --decoder gpu tries nvImageCodec's backends on a file, and the name each
// record gives the backend that produced its pixels (nvImageCodec's API reports no backend, so
// one decoder is made per backend kind and the files go through them in turn).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hashsieve::media {

/// nvImageCodec's backend kinds, in the order they are tried.
enum class DecodeBackend {
  HwGpu,         // the GPU's hardware JPEG decoder (NVJPG): baseline JPEG
  HybridCpuGpu,  // Huffman decoding on the CPU, the rest on the GPU (progressive JPEG)
  Gpu,           // CUDA decoders (nvJPEG, nvJPEG2000, nvTIFF)
  Cpu,           // CPU decoders (libjpeg-turbo, libpng, libtiff, OpenJPEG)
};

/// Every kind, hardware first; only Cpu when `cpuOnly` (no device).
std::vector<DecodeBackend> backendOrder(bool cpuOnly);

/// The record's name for pixels `backend` decoded from a `codec` stream (nvImageCodec's codec
/// name: "jpeg", "png", ...): "nvjpeg-hw", "nvjpeg-hybrid", "nvjpeg-gpu" for JPEG, else
/// "nvimgcodec-hybrid", "nvimgcodec-gpu"; "nvimgcodec-cpu" for any codec on the CPU backend.
std::string backendRecordName(DecodeBackend backend, std::string_view codec);

/// Tries `files` files on `backends` backends in turn: `attempt(b, which)` decodes the files
/// `which` (ascending) with backend b and returns one success flag per entry; a file goes on to
/// the next backend only if b failed it. Returns, per file, the backend that decoded it or -1.
std::vector<int> decodeInOrder(
    size_t files, size_t backends,
    const std::function<std::vector<bool>(size_t backend, std::span<const size_t> which)>& attempt);

}  // namespace hashsieve::media
