// Files: hash_files streams the CLI's JSONL records out of the pipeline (a bounded queue between
// the pipeline thread and Python), hash_video gives vPDQ's features of one file.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <tuple>

#include "host/backend/device.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/backend/pipeline_hasher.hpp"
#include "host/core/pdq_cpu.hpp"
#include "host/media/media.hpp"
#include "host/media/vpdq_format.hpp"
#include "host/pipeline/bounded_queue.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/pipeline.hpp"
#include "python/src/bindings.hpp"
#include "python/src/file_error.hpp"

namespace hashsieve::py {
namespace {

struct RunSettings {
  int threads = 0;
  std::string device = "auto";
  double videoFps = 1.0;
  bool dihedral = true;  // as `hashsieve hash` (--no-dihedral to leave the variants out)
  std::string luma = "reference";
  bool allFrames = false;
  bool applyOrientation = false;
  bool followSymlinks = false;
};

/// The pipeline set up as `hashsieve hash` sets it up (tools/hashsieve/run_options.cpp).
pipeline::PipelineOptions pipelineOptions(std::vector<std::string> roots, const RunSettings& s) {
  pipeline::PipelineOptions opts;
  opts.roots = std::move(roots);
  opts.walk.followSymlinks = s.followSymlinks;
  opts.media.applyOrientation = s.applyOrientation;
  opts.media.allFrames = s.allFrames;
  opts.media.videoFps = s.videoFps;
  opts.request.dihedral = s.dihedral;
  opts.request.pdqLuma = parseLuma(s.luma);
  opts.threads = s.threads > 0
                     ? s.threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opts.decode = media::decodeFile;
  // Archive members as `hashsieve hash` reads them by default (--archives nested).
  opts.archives.mode = archive::ArchiveMode::Nested;
  opts.decodeMemory = media::decodeMemory;
  opts.backgroundCount = false;  // no progress display to feed
  setPipelineHasher(opts, parseDeviceSpec(s.device));
  return opts;
}

/// One hash_files run: the pipeline on its own thread, records handed over as JSON lines.
/// Memory stays bounded: the pipeline waits while kQueued lines are unread.
class FileHashRun {
 public:
  static constexpr size_t kQueued = 256;

  FileHashRun(std::vector<std::string> roots, const RunSettings& s)
      : opts_(pipelineOptions(std::move(roots), s)), queue_(kQueued) {
    thread_ = std::thread([this] { run(); });
  }
  ~FileHashRun() { close(); }
  FileHashRun(const FileHashRun&) = delete;
  FileHashRun& operator=(const FileHashRun&) = delete;

  /// The next record's JSON line, or nullopt at the end (after rethrowing a run-ending error).
  std::optional<std::string> next() {
    std::optional<std::string> line;
    {
      nb::gil_scoped_release nogil;
      line = queue_.pop();
      if (!line) join();
    }
    if (!line && error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return line;
  }

  /// Stops the run early (the pipeline sees its sink fail and winds down) and waits for it.
  void close() {
    cancelled_ = true;
    queue_.close(/*discard=*/true);
    nb::gil_scoped_release nogil;
    join();
  }

 private:
  void run() {
    try {
      pipeline::runPipeline(
          opts_,
          [this](const pipeline::Record& r) {
            if (!queue_.push(pipeline::toJsonLine(r)))
              throw pipeline::FatalError("hash_files: the consumer stopped reading");
          },
          live_);
    } catch (...) {
      if (!cancelled_) error_ = std::current_exception();
    }
    queue_.close();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  pipeline::PipelineOptions opts_;
  pipeline::BoundedQueue<std::string> queue_;
  pipeline::LiveCounters live_;
  std::atomic<bool> cancelled_{false};
  std::exception_ptr error_;
  std::thread thread_;
};

using VpdqFeature = std::tuple<int64_t, int, Hash256, double>;  // frame, quality, hash, seconds

/// vPDQ's features: frames sampled every seconds_per_hash (0 = every frame), the reference's
/// luma, timestamps computed as the reference computes them (float division).
std::vector<VpdqFeature> hashVideo(const std::string& path, double secondsPerHash) {
  if (!(secondsPerHash >= 0)) throw UsageError("seconds_per_hash must be >= 0");
  media::Options o;
  o.videoFps = secondsPerHash > 0 ? 1.0 / secondsPerHash : 0.0;
  std::vector<VpdqFeature> out;
  nb::gil_scoped_release nogil;
  pdq::PdqCpu hasher;
  pdq::PdqResult r;
  try {
    const media::MediaInfo info =
        media::decodeFile(path, o, [&](const ImageView& v, const media::FrameInfo& fi) {
          hasher.hash(v, false, r);
          out.emplace_back(fi.index, r.quality, r.hash, 0.0);
        });
    // A still picture (or an animated GIF, which decodeFile treats as one) has no frame rate:
    // its one frame is frame 0, at 0 s whatever the rate (not 0 / 0).
    for (auto& [frame, quality, hash, t] : out)
      t = info.fps > 0 ? media::vpdqTimestamp(frame, info.fps) : 0.0;
  } catch (const InputError& e) {
    throw FileError(e, path);
  }
  return out;
}

}  // namespace

void bindFiles(nb::module_& m) {
  nb::class_<FileHashRun>(m, "FileHashRun")
      .def(
          "__init__",
          [](FileHashRun* self, std::vector<std::string> roots, int threads,
             const std::string& device, double videoFps, bool dihedral, const std::string& luma,
             bool allFrames, bool applyOrientation, bool followSymlinks) {
            RunSettings s{threads, device,    videoFps,         dihedral,
                          luma,    allFrames, applyOrientation, followSymlinks};
            new (self) FileHashRun(std::move(roots), s);
          },
          nb::arg("roots"), nb::arg("threads") = 0, nb::arg("device") = "auto",
          nb::arg("video_fps") = 1.0, nb::arg("dihedral") = true, nb::arg("luma") = "reference",
          nb::arg("all_frames") = false, nb::arg("apply_orientation") = false,
          nb::arg("follow_symlinks") = false)
      .def("next", &FileHashRun::next)
      .def("close", &FileHashRun::close);
  m.def("hash_video", &hashVideo, nb::arg("path"), nb::arg("seconds_per_hash") = 1.0);
}

}  // namespace hashsieve::py
