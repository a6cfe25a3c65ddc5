// The corpus hashed by the real `hashsieve hash` pipeline (walk, decode pool, hash stage,
// ordered records), shared by the hash and scan workloads, with what a run is checked against.
#pragma once

#include <string>
#include <vector>

#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/record.hpp"
#include "host/pipeline/run_stats.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

/// The part of a record that must not change between runs, thread counts or backends.
struct RecordDigest {
  pipeline::RecordKind kind = pipeline::RecordKind::Error;
  std::string error;
  Hash256 pdq;
  int quality = 0;
  Hash64 phash;
  std::vector<pipeline::FrameRecord> frames;
  bool operator==(const RecordDigest&) const = default;
};

struct CorpusHashRun {
  std::vector<RecordDigest> records;  // in input order
  pipeline::RunStats stats;
  double pixels = 0.0;  // width x height of every hashed frame
  double seconds = 0.0;
};

/// The pipeline options of a run over every corpus file (what hashCorpus and scan run).
pipeline::PipelineOptions corpusPipeline(const BenchConfig& cfg, Device backend, int threads,
                                         int batch);

/// The digest of a record (what the checks compare).
RecordDigest digestOf(const pipeline::Record& r);
/// width x height x frames of a record (0 for an error).
double pixelsOf(const pipeline::Record& r);

/// One pipeline run over every corpus file. `batch` > 0 runs the batched hash stage (one
/// hasher fed `batch` frames per call, as for CUDA); 0 hashes inline in each worker.
CorpusHashRun hashCorpus(const BenchConfig& cfg, Device backend, int threads, int batch);

/// Throws CheckError unless `records` has one record per file and each equals `reference`; the
/// message counts the differing records and names the first (file, and what changed).
void checkRecords(const std::vector<RecordDigest>& reference,
                  const std::vector<RecordDigest>& records, const Corpus& corpus,
                  const std::string& what);

/// Work counts of a run (files, failures, frames, pixels, bytes).
Counts countsOf(const CorpusHashRun& run, const Corpus& corpus);

/// Stage shares of wall time: decode and hash summed over the worker threads (over threads x
/// wall); read (one walker thread), write (the caller's thread) and the batcher's hash thread
/// over wall alone.
std::vector<std::pair<std::string, double>> stageSharesOf(const CorpusHashRun& run, int threads,
                                                          bool batched);

}  // namespace hashsieve::bench
