// Decodes one file for decode_stages.sh. Modes:
//   decode FILE [N]   hashsieve's decoder (media::decodeFile, digests included) N times (default
//                     2); callgrind counts only the last call (hsProbeDecode): the steady state of
//                     a worker thread, after one-time setup. Prints frames, and the process CPU
//                     time and minor page faults per call over calls 2..N (native runs).
//   jpeg-coef|jpeg-raw|jpeg-ycc|jpeg-rgb FILE
//                     libjpeg-turbo alone, with the settings of host/media/jpeg_decoder.cpp, run
//                     to a growing stage: entropy decoding only (jpeg_read_coefficients), + IDCT
//                     (raw_data_out), + upsampling (YCbCr output), + colour conversion (RGB). The
//                     differences of their counts split libjpeg's share by stage.
//   inflate-zlib|inflate-libdeflate FILE
//                     a non-interlaced PNG's IDAT stream inflated by zlib (what FFmpeg's PNG
//                     decoder uses) or by libdeflate (whole buffer at once): what a direct
//                     libdeflate PNG path would save on inflate, the PNG decode's largest stage.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <jpeglib.h>
#include <libdeflate.h>
#include <zlib.h>
}

#include "host/media/media.hpp"

namespace {

struct Counts {
  int64_t frames = 0;
  uint64_t checksum = 0;  // keeps the pixels observable
};

__attribute__((noinline)) Counts decodeOnce(const char* path) {
  Counts c;
  hashsieve::media::Options opts;
  try {
    hashsieve::media::decodeFile(
        path, opts, [&](const hashsieve::ImageView& v, const hashsieve::media::FrameInfo&) {
          ++c.frames;
          c.checksum += v.data[0] + v.row(v.height - 1)[0];
        });
  } catch (const hashsieve::InputError& e) {
    std::fprintf(stderr, "decode_stage_probe: %s\n", e.what());
  }
  return c;
}

// The call callgrind counts (--toggle-collect): the last one.
__attribute__((noinline)) Counts hsProbeDecode(const char* path) { return decodeOnce(path); }

std::vector<unsigned char> readFile(const char* path) {
  std::vector<unsigned char> bytes;
  if (FILE* f = std::fopen(path, "rb")) {
    unsigned char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
      bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(f);
  }
  return bytes;
}

// libjpeg to the stage named by `mode`; errors exit (the probe's inputs are valid files).
__attribute__((noinline)) uint64_t hsProbeJpeg(const std::string& mode,
                                               const std::vector<unsigned char>& bytes) {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  uint64_t sum = 0;
  if (mode == "jpeg-coef") {
    jvirt_barray_ptr* coefs = jpeg_read_coefficients(&cinfo);
    sum = coefs != nullptr;
  } else if (mode == "jpeg-raw") {
    cinfo.raw_data_out = TRUE;
    jpeg_start_decompress(&cinfo);
    const int rows = cinfo.max_v_samp_factor * DCTSIZE;
    std::vector<std::vector<JSAMPLE>> planes(cinfo.num_components);
    std::vector<std::vector<JSAMPROW>> rowPtrs(cinfo.num_components);
    std::vector<JSAMPARRAY> comps(cinfo.num_components);
    for (int c = 0; c < cinfo.num_components; ++c) {
      const jpeg_component_info& ci = cinfo.comp_info[c];
      const size_t stride = ci.width_in_blocks * DCTSIZE;
      const int compRows = ci.v_samp_factor * DCTSIZE;
      planes[c].resize(stride * compRows);
      for (int r = 0; r < compRows; ++r) rowPtrs[c].push_back(planes[c].data() + r * stride);
      comps[c] = rowPtrs[c].data();
    }
    while (cinfo.output_scanline < cinfo.output_height) {
      jpeg_read_raw_data(&cinfo, comps.data(), rows);
      sum += planes[0][0];
    }
  } else {
    if (mode == "jpeg-ycc" && cinfo.jpeg_color_space == JCS_YCbCr)
      cinfo.out_color_space = JCS_YCbCr;
    else if (cinfo.jpeg_color_space == JCS_GRAYSCALE)
      cinfo.out_color_space = JCS_GRAYSCALE;
    else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK)
      cinfo.out_color_space = JCS_CMYK;
    else
      cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    const size_t stride = size_t{cinfo.output_width} * cinfo.output_components;
    std::vector<JSAMPLE> out(stride * cinfo.output_height);
    while (cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW row = out.data() + cinfo.output_scanline * stride;
      jpeg_read_scanlines(&cinfo, &row, 1);
    }
    sum = out[0] + out.back();
  }
  jpeg_abort_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return sum;
}

uint32_t be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// The concatenated IDAT data of a PNG and its inflated size; empty for interlaced or odd files.
std::vector<unsigned char> pngIdat(const std::vector<unsigned char>& png, size_t& rawBytes) {
  std::vector<unsigned char> idat;
  if (png.size() < 33 || png[28] != 0) return idat;  // interlaced: rows are not one pass
  const uint64_t w = be32(&png[16]), h = be32(&png[20]);
  const int depth = png[24], type = png[25];
  const int channels = type == 2 ? 3 : type == 4 ? 2 : type == 6 ? 4 : 1;
  rawBytes = h * (1 + (w * channels * depth + 7) / 8);
  for (size_t pos = 8; pos + 12 <= png.size();) {
    const size_t len = be32(&png[pos]);
    if (pos + 12 + len > png.size()) break;
    if (std::memcmp(&png[pos + 4], "IDAT", 4) == 0)
      idat.insert(idat.end(), png.begin() + pos + 8, png.begin() + pos + 8 + len);
    pos += 12 + len;
  }
  return idat;
}

__attribute__((noinline)) uint64_t hsProbeInflate(bool libdeflate,
                                                  const std::vector<unsigned char>& idat,
                                                  size_t rawBytes) {
  std::vector<unsigned char> raw(rawBytes);
  size_t got = 0;
  if (libdeflate) {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    if (libdeflate_zlib_decompress(d, idat.data(), idat.size(), raw.data(), raw.size(), &got) !=
        LIBDEFLATE_SUCCESS)
      got = 0;
    libdeflate_free_decompressor(d);
  } else {
    uLongf n = raw.size();
    if (uncompress(raw.data(), &n, idat.data(), idat.size()) == Z_OK) got = n;
  }
  return got == rawBytes ? raw[rawBytes / 2] + got : 0;
}

double cpuSeconds(const rusage& r) {
  return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: decode_stage_probe decode FILE [N] | "
        "jpeg-coef|jpeg-raw|jpeg-ycc|jpeg-rgb FILE | inflate-zlib|inflate-libdeflate FILE\n");
    return 2;
  }
  const std::string mode = argv[1];
  const char* path = argv[2];
  if (mode.starts_with("jpeg-")) {
    const std::vector<unsigned char> bytes = readFile(path);
    if (bytes.empty()) return 1;
    std::printf("%s %s -> %llu\n", mode.c_str(), path,
                static_cast<unsigned long long>(hsProbeJpeg(mode, bytes)));
    return 0;
  }
  if (mode.starts_with("inflate-")) {
    size_t rawBytes = 0;
    const std::vector<unsigned char> idat = pngIdat(readFile(path), rawBytes);
    const uint64_t r =
        idat.empty() ? 0 : hsProbeInflate(mode == "inflate-libdeflate", idat, rawBytes);
    std::printf("%s %s %zu -> %zu bytes: %s\n", mode.c_str(), path, idat.size(), rawBytes,
                r ? "ok" : "failed");
    return r ? 0 : 1;
  }
  if (mode != "decode") return 2;
  const int n = argc > 3 ? std::atoi(argv[3]) : 2;
  Counts c = decodeOnce(path);  // one-time setup: FFmpeg tables, contexts, thread caches
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  for (int i = 1; i < n; ++i) c = i + 1 < n ? decodeOnce(path) : hsProbeDecode(path);
  getrusage(RUSAGE_SELF, &after);
  const int calls = n > 1 ? n - 1 : 1;
  std::printf("frames %lld cpu_ms_per_call %.3f minflt_per_call %.1f checksum %llu\n",
              static_cast<long long>(c.frames),
              1e3 * (cpuSeconds(after) - cpuSeconds(before)) / calls,
              static_cast<double>(after.ru_minflt - before.ru_minflt) / calls,
              static_cast<unsigned long long>(c.checksum));
  return 0;
}
