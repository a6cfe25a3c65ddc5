// Peer tools measured in the same run on the same input (bench/compare_peers.py under the venv's
// Python): pdqhash on the same decoded frames, pdqhash + Pillow on the same image files, and
// faiss-cpu IndexBinaryFlat on the same list and queries. Each peer's output is checked too.
#pragma once

#include <string>
#include <vector>

#include "host/selfbench/corpus_hashing.hpp"
#include "host/selfbench/frame_pool.hpp"
#include "host/selfbench/match_data.hpp"
#include "host/selfbench/report.hpp"

namespace hashsieve::bench {

struct PeerSetup {
  std::string python;  // interpreter with pdqhash, faiss-cpu, numpy, pillow
  std::string script;  // bench/compare_peers.py
  Method method;
};

/// pdqhash on every distinct pool frame, piped (never written to disk). Its hashes are compared
/// with the CPU backend's; `hashsieve` is the kernel record it is set against (PDQ only, 1 thread).
PeerResult peerPdqFrames(const PeerSetup& setup, const FramePool& pool,
                         const WorkloadResult& hashsieve);

/// pdqhash + Pillow on the still images of the corpus (paths piped), beside hashsieve's pipeline
/// on the same files computing PDQ alone on 1 thread; that hashsieve record is appended to
/// `results`. `reference` is the CPU records of the whole corpus (to pick the still images).
PeerResult peerPdqFiles(const PeerSetup& setup, const BenchConfig& cfg,
                        const std::vector<RecordDigest>& reference,
                        std::vector<WorkloadResult>& results);

/// faiss IndexBinaryFlat.range_search (radius threshold + 1: faiss's radius is strict) on the
/// same list and queries, on `hashsieve.threads` OpenMP threads; its match count is checked.
PeerResult peerFaiss(const PeerSetup& setup, const MatchData& data, const MatchMode& mode,
                     const WorkloadResult& hashsieve);

}  // namespace hashsieve::bench
