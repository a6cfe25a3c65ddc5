// Final statistics: rates, per-stage times, peak memory.
#include "host/pipeline/run_stats.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace hashsieve::pipeline {
namespace {

double rate(double count, double seconds) { return seconds > 0 ? count / seconds : 0.0; }
constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace

uint64_t peakRssBytes() {
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

std::string statsJson(const RunStats& s) {
  nlohmann::ordered_json j;
  j["inputs"] = s.inputs;
  j["images"] = s.images;
  j["videos"] = s.videos;
  j["errors"] = s.errors;
  if (s.archives > 0) j["archives"] = s.archives;
  j["resumed"] = s.resumed;
  j["frames"] = s.frames;
  j["frames_decoded"] = s.framesDecoded;
  j["bytes"] = s.bytes;
  j["wall_seconds"] = s.wallSeconds;
  // Rates over the work done in this run: resumed records cost a journal look-up only.
  j["files_per_second"] = rate(double(s.inputs - s.resumed), s.wallSeconds);
  j["frames_per_second"] = rate(double(s.frames - s.resumedFrames), s.wallSeconds);
  j["decoded_frames_per_second"] = rate(double(s.framesDecoded), s.wallSeconds);
  j["mib_per_second"] = rate(double(s.bytes - s.resumedBytes) / kMiB, s.wallSeconds);
  nlohmann::ordered_json stages;
  stages["read"] = s.readSeconds;
  stages["decode"] = s.decodeSeconds;
  stages["hash"] = s.hashSeconds;
  stages["write"] = s.writeSeconds;
  j["stage_seconds"] = std::move(stages);
  j["peak_rss_bytes"] = s.peakRssBytes;
  j["threads"] = s.threads;
  j["backend"] = s.backend;
  j["batched"] = s.batched;
  if (s.batched) {
    j["batches"] = s.batches;
    j["peak_queued_frame_bytes"] = s.peakQueuedFrameBytes;
    j["frames_copied"] = s.framesCopied;
  }
  j["journal_entries_loaded"] = s.journalEntriesLoaded;
  j["journal_bytes_discarded"] = s.journalBytesDiscarded;
  j["errors_by_reason"] = s.errorsByReason;
  return j.dump(2) + "\n";
}

std::string statsSummary(const RunStats& s) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "hashsieve: %llu inputs (%llu images, %llu videos, %llu errors, %llu resumed), "
                "%llu frames hashed (%llu decoded), %.1f MiB in %.2f s: %.1f files/s, "
                "%.1f frames/s, %.1f MiB/s%s\n"
                "hashsieve: stage seconds summed over threads: read %.2f, decode %.2f, hash %.2f, "
                "write %.2f; %d threads, backend %s%s; peak RSS %.0f MiB\n",
                (unsigned long long)s.inputs, (unsigned long long)s.images,
                (unsigned long long)s.videos, (unsigned long long)s.errors,
                (unsigned long long)s.resumed, (unsigned long long)s.frames,
                (unsigned long long)s.framesDecoded, double(s.bytes) / kMiB, s.wallSeconds,
                rate(double(s.inputs - s.resumed), s.wallSeconds),
                rate(double(s.frames - s.resumedFrames), s.wallSeconds),
                rate(double(s.bytes - s.resumedBytes) / kMiB, s.wallSeconds),
                s.resumed > 0 ? " (rates over the files hashed now, not the resumed ones)" : "",
                s.readSeconds, s.decodeSeconds, s.hashSeconds, s.writeSeconds, s.threads,
                s.backend.c_str(), s.batched ? " (batched)" : "", double(s.peakRssBytes) / kMiB);
  std::string out = buf;
  if (!s.errorsByReason.empty()) {
    out += "hashsieve: errors:";
    for (const auto& [reason, n] : s.errorsByReason)
      out += " " + reason + " " + std::to_string(n) + ";";
    out.back() = '\n';
  }
  return out;
}

}  // namespace hashsieve::pipeline
