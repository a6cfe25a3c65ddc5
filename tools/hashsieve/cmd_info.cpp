// `hashsieve info`: version, commit, backends and devices, build flags, and which variant of
// each algorithm this build computes.
#include <cstdio>
#include <string>

#include "host/backend/build_info.hpp"
#include "host/media/batch_decoder.hpp"
#include "tools/hashsieve/commands.hpp"

namespace hashsieve::cli {

void addInfoCommand(CLI::App& app, int& exitCode) {
  CLI::App* cmd =
      app.add_subcommand("info", "Print version, backends, devices and algorithm variants");
  cmd->callback([&exitCode] {
    std::string s = "hashsieve " HASHSIEVE_VERSION " (commit " HASHSIEVE_GIT_COMMIT ")\n";
    s += describeDeviceSupport();
    s += describeBuild();
    // --decoder gpu's image decoder: its version, or why it is unavailable.
    s += "image decoders: cpu (libjpeg-turbo, libwebp, libtiff, FFmpeg); nvimgcodec " +
         media::nvimgcodecStatus() + "\n";
    s += "algorithms:\n"
         "  pdq: Meta PDQ, library path (full-resolution luma, 2x Jarosz box filter, 64x64\n"
         "       decimation, 16x16 DCT, lower median), bit-exact with Meta's C++ library; the\n"
         "       default float luma differs from the pdqhash Python binding's float64 luma on\n"
         "       small images (under ~20 px a side: up to ~40 bits; from 26 px up: 2 bits at\n"
         "       most); --pdq-luma float64 matches pdqhash exactly; list build --pdq-luma\n"
         "       records the choice in a list (list info shows it);\n"
         "       8 dihedral variants from one DCT; CPU and CUDA give the same bits\n"
         "  phash: imagehash.phash(hash_size=8, highfreq_factor=4): Pillow convert(\"L\") and\n"
         "         LANCZOS 32x32, scipy DCT-II (pocketfft order), numpy median of the 8x8 block\n"
         "  digests: md5, sha1, sha256 of the file bytes\n";
    std::fputs(s.c_str(), stdout);
    exitCode = 0;
  });
}

}  // namespace hashsieve::cli
