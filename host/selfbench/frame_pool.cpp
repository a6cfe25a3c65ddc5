// Frame pool construction for kernel runs.
#include "host/selfbench/frame_pool.hpp"

#include <cstring>

#include "host/core/errors.hpp"

namespace hashsieve::bench {
namespace {

struct FirstFrameTaken {};

}  // namespace

double FramePool::pixelsPerRun() const {
  double total = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const Image& f = frames[static_cast<size_t>(i) % frames.size()];
    total += static_cast<double>(f.width) * f.height;
  }
  return total;
}

FramePool makeFramePool(const BenchConfig& cfg) {
  FramePool pool;
  if (cfg.synthetic) {
    pool.frames = makeFramePool(*cfg.synthetic);
    pool.count = cfg.synthetic->count;
    pool.source = "synthetic " + cfg.synthetic->text;
    return pool;
  }
  if (!cfg.corpus) throw UsageError("the kernel workload needs --synthetic or --corpus");
  int64_t bytes = 0;
  for (const CorpusFile& f : cfg.corpus->files) {
    if (pool.frames.size() >= kMaxPoolFrames || bytes >= kMaxPoolBytes) break;
    Image kept;
    try {
      media::decodeFile(f.path, cfg.media, [&kept](const ImageView& v, const media::FrameInfo&) {
        kept = Image(v.width, v.height, v.format);
        const size_t rowBytes = static_cast<size_t>(v.width) * bytesPerPixel(v.format);
        for (int y = 0; y < v.height; ++y) std::memcpy(kept.row(y), v.row(y), rowBytes);
        throw FirstFrameTaken{};  // the rest of a video is not needed
      });
    } catch (const FirstFrameTaken&) {
    } catch (const InputError&) {
      continue;
    }
    if (kept.pixels.empty()) continue;
    bytes += static_cast<int64_t>(kept.pixels.size());
    pool.frames.push_back(std::move(kept));
  }
  if (pool.frames.empty()) throw UsageError("--corpus: no decodable file for the kernel workload");
  pool.count = static_cast<int64_t>(pool.frames.size());
  pool.source = "corpus: first frames of " + std::to_string(pool.frames.size()) + " files";
  return pool;
}

}  // namespace hashsieve::bench
