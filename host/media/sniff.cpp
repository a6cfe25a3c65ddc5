// Signatures for the libjpeg/libwebp/libtiff decoders; av_probe_input_format2 for the rest.
#include "host/media/sniff.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "host/core/errors.hpp"

namespace hashsieve::media::detail {
namespace {

// Probe sizes as libavformat grows them (2 KiB first, up to 1 MiB): a confident match on a
// short prefix stops early; an unsure one looks further.
constexpr int64_t kProbeSizes[] = {2048, 64 * 1024, 1 << 20};
// Below this score a match on the full probe is a guess; libavformat warns "misdetection
// possible" there. Such files are refused rather than handed to a demuxer that guessed.
constexpr int kMinProbeScore = AVPROBE_SCORE_RETRY;

// Demuxers that describe other resources rather than hold media: playlists, manifests and
// session descriptions would make FFmpeg fetch files or open sockets. Refused outright (and
// AvioInput denies nested opens and every protocol as well).
constexpr std::string_view kReferenceDemuxers[] = {"concat", "dash", "hls",  "imf",
                                                   "sdp",    "rtp",  "rtsp", "webm_dash_manifest"};

bool isReferenceDemuxer(const AVInputFormat* f) {
  for (const std::string_view name : kReferenceDemuxers)
    if (name == f->name) return true;
  return false;
}

bool isJpeg(const uint8_t* p, size_t n) {
  return n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF;
}
bool isWebp(const uint8_t* p, size_t n) {
  return n >= 12 && std::memcmp(p, "RIFF", 4) == 0 && std::memcmp(p + 8, "WEBP", 4) == 0;
}
// Classic TIFF (42) and BigTIFF (43), either byte order.
bool isTiff(const uint8_t* p, size_t n) {
  if (n < 4) return false;
  return (p[0] == 'I' && p[1] == 'I' && (p[2] == 42 || p[2] == 43) && p[3] == 0) ||
         (p[0] == 'M' && p[1] == 'M' && p[2] == 0 && (p[3] == 42 || p[3] == 43));
}

bool isGif(const uint8_t* p, size_t n) {
  return n >= 6 && (std::memcmp(p, "GIF87a", 6) == 0 || std::memcmp(p, "GIF89a", 6) == 0);
}

}  // namespace

Sniffed sniff(InputFile& file) {
  std::vector<uint8_t> buf;
  int64_t have = 0;
  for (const int64_t want : kProbeSizes) {
    const int64_t size = std::min(want, file.size());
    if (size <= have) break;
    buf.resize(static_cast<size_t>(size) + AVPROBE_PADDING_SIZE, 0);
    const int64_t n = file.readAt(have, buf.data() + have, static_cast<size_t>(size - have));
    if (n < 0) throw InputError("unreadable", std::strerror(static_cast<int>(-n)));
    have += n;
    std::fill(buf.begin() + have, buf.end(), 0);  // zero padding the probe requires
    if (have == n) {  // first round: the signatures we decode without FFmpeg
      if (isJpeg(buf.data(), static_cast<size_t>(have))) return {Decoder::Jpeg, nullptr};
      if (isWebp(buf.data(), static_cast<size_t>(have))) return {Decoder::Webp, nullptr};
      if (isTiff(buf.data(), static_cast<size_t>(have))) return {Decoder::Tiff, nullptr};
      // FFmpeg's GIF probe wants a non-zero logical screen; Pillow opens a 0x0 one.
      if (isGif(buf.data(), static_cast<size_t>(have)))
        return {Decoder::FFmpeg, av_find_input_format("gif")};
    }
    AVProbeData pd{};
    pd.filename = "";
    pd.buf = buf.data();
    pd.buf_size = static_cast<int>(have);
    int score = 0;
    const AVInputFormat* fmt = av_probe_input_format2(&pd, 1, &score);
    if (fmt && isReferenceDemuxer(fmt))
      throw InputError("unsupported format",
                       std::string("refers to other resources (") + fmt->name + ")");
    if (fmt && score > AVPROBE_SCORE_RETRY) return {Decoder::FFmpeg, fmt};
    const bool last = have >= file.size() || want == std::end(kProbeSizes)[-1];
    if (last) {
      if (fmt && score >= kMinProbeScore) return {Decoder::FFmpeg, fmt};
      break;
    }
  }
  throw InputError("unsupported format", "content not recognised");
}

}  // namespace hashsieve::media::detail
