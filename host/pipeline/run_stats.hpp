// Counters the pipeline updates while it runs (read by the progress line) and the final
// statistics (summary on stderr, --stats-json).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hashsieve::pipeline {

/// Updated with relaxed atomics from many threads; read by the progress reporter.
struct LiveCounters {
  std::atomic<uint64_t> counted{0};    // inputs found so far by the background count
  std::atomic<bool> countDone{false};  // `counted` is the final total
  std::atomic<uint64_t> done{0};       // records written
  std::atomic<uint64_t> errors{0};     // error records written
  std::atomic<uint64_t> resumed{0};    // records taken from the journal
  std::atomic<uint64_t> frames{0};     // frames hashed
  std::atomic<uint64_t> bytes{0};      // file bytes of the records written
  // Stage times in ns, summed over threads: read (walk, stat, journal look-ups), decode
  // (file I/O, digests, demux, decode, colour conversion), hash (PDQ + pHash), write (format,
  // output, journal commits).
  std::atomic<uint64_t> readNs{0}, decodeNs{0}, hashNs{0}, writeNs{0};
};

struct RunStats {
  uint64_t inputs = 0, images = 0, videos = 0, errors = 0, resumed = 0;
  uint64_t archives = 0;           // archives' own records (their members count as inputs too)
  uint64_t frames = 0, bytes = 0;  // frames hashed; bytes of the input files
  uint64_t framesDecoded = 0;      // frames decoded (videos decode more than they sample)
  uint64_t resumedFrames = 0, resumedBytes = 0;  // the part of frames/bytes from the journal
  double wallSeconds = 0.0;
  double readSeconds = 0.0, decodeSeconds = 0.0, hashSeconds = 0.0, writeSeconds = 0.0;
  uint64_t peakRssBytes = 0;
  int threads = 0;
  std::string backend;
  bool batched = false;
  uint64_t batches = 0;
  uint64_t peakQueuedFrameBytes = 0;
  uint64_t framesCopied = 0;  // batched: frames copied into the queue, not decoded into staging
  uint64_t journalEntriesLoaded = 0, journalBytesDiscarded = 0;
  std::map<std::string, uint64_t> errorsByReason;
  /// With PipelineOptions::shard: inputs of the whole walk (every shard), and each record's
  /// ordinal in it, in output order (what `hashsieve merge` interleaves by).
  uint64_t walked = 0;
  std::vector<uint64_t> ordinals;
};

/// Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
uint64_t peakRssBytes();

/// The --stats-json document (pretty-printed, stable key order).
std::string statsJson(const RunStats& s);
/// The human summary printed on stderr at the end.
std::string statsSummary(const RunStats& s);

}  // namespace hashsieve::pipeline
