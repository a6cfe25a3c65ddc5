// Runs bench/compare_peers.py per peer, feeds it through a pipe, checks what it returns.
#include "host/selfbench/peers.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "host/selfbench/backends.hpp"
#include "host/selfbench/subprocess.hpp"

namespace hashsieve::bench {
namespace {

using nlohmann::json;

/// Meta's acceptance bound for a PDQ implementation end to end (docs/ALGORITHMS.md §3):
/// a peer further than this from our hash on the same pixels means one of us is broken.
constexpr int kPeerAgreementBits = 10;

json runPeer(const PeerSetup& setup, const std::vector<std::string>& args,
             const std::function<void(const PipeWriter&)>& feed) {
  std::vector<std::string> argv = {setup.python, setup.script};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--warmup=" + std::to_string(setup.method.warmup));
  argv.push_back("--repeat=" + std::to_string(setup.method.repeat));
  const ChildResult child = runChild(argv, feed);
  if (child.exitStatus != 0) {
    throw std::runtime_error("compare_peers.py " + args.front() + " exited with status " +
                             std::to_string(child.exitStatus));
  }
  json out = json::parse(child.out, nullptr, false);
  if (!out.is_object()) throw std::runtime_error("compare_peers.py printed no JSON object");
  return out;
}

void fillRates(PeerResult& p, const json& out, double work, const WorkloadResult& hs,
               const char* rateKey) {
  p.seconds = summarize(out.at("seconds").get<std::vector<double>>());
  p.work = work;
  p.rate = rateOf(p.seconds, work);
  p.hashsieveRate = ratesJson(hs).at(rateKey).at("median").get<double>();
  p.ratio = p.rate.median > 0 ? p.hashsieveRate / p.rate.median : 0.0;
}

std::string configOf(const WorkloadResult& r) {
  return r.workload + " " + r.backend + " " + r.variant + ", " + std::to_string(r.threads) +
         (r.threads == 1 ? " thread" : " threads");
}

/// How close the peer's hex hashes are to ours: "N/M bit-identical, max D bits".
std::string agreement(const std::vector<Hash256>& ours, const json& theirs, int& maxDistance,
                      int& compared) {
  int identical = 0;
  maxDistance = 0;
  compared = 0;
  for (size_t i = 0; i < ours.size() && i < theirs.size(); ++i) {
    if (!theirs[i].is_string()) continue;
    const auto h = parseHash256(theirs[i].get<std::string>());
    if (!h) continue;
    const int d = hamming(ours[i], *h);
    ++compared;
    identical += d == 0;
    maxDistance = std::max(maxDistance, d);
  }
  return std::to_string(identical) + "/" + std::to_string(compared) + " bit-identical, max " +
         std::to_string(maxDistance) + " bits apart";
}

template <typename Fn>
PeerResult guardedPeer(PeerResult p, Fn&& fn) {
  try {
    fn(p);
  } catch (const CheckError& e) {
    p.status = std::string("failed: check: ") + e.what();
  } catch (const std::exception& e) {
    p.status = std::string("failed: ") + e.what();
  }
  return p;
}

}  // namespace

PeerResult peerPdqFrames(const PeerSetup& setup, const FramePool& pool, const WorkloadResult& hs) {
  PeerResult p;
  p.peer = "pdqhash";
  p.input = "frames";
  p.unit = "frames/s";
  p.hashsieveConfig = configOf(hs);
  return guardedPeer(p, [&](PeerResult& r) {
    if (!hs.ok()) throw std::runtime_error("the hashsieve record it is set against failed");
    const json out = runPeer(setup, {"frames"}, [&](const PipeWriter& write) {
      for (const Image& f : pool.frames) {
        const std::string header = std::to_string(f.width) + " " + std::to_string(f.height) + " " +
                                   std::to_string(bytesPerPixel(f.format)) + "\n";
        if (!write(header.data(), header.size())) return;
        if (!write(f.pixels.data(), f.pixels.size())) return;
      }
    });
    r.peer = out.value("peer", r.peer);
    checkEqual<int64_t>("frames hashed by the peer", static_cast<int64_t>(pool.frames.size()),
                        out.at("count").get<int64_t>());
    // Our PDQ of the same frames (CPU backend, the oracle), to compare the peer's against.
    std::vector<Hash256> ours;
    const auto hasher = makeCpuHasher();
    HashRequest req;
    req.phash = false;
    for (const Image& f : pool.frames) {
      const ImageView v = f.view();
      FrameHash h;
      hasher->hash(std::span(&v, 1), req, std::span(&h, 1));
      ours.push_back(h.pdq);
    }
    int maxD = 0, compared = 0;
    r.check = "peer hashed all " + std::to_string(pool.frames.size()) + " frames; " +
              agreement(ours, out.at("hashes"), maxD, compared) + " from hashsieve's";
    checkEqual<int>("peer hashes compared", static_cast<int>(pool.frames.size()), compared);
    if (maxD > kPeerAgreementBits) throw CheckError(r.check);
    fillRates(r, out, static_cast<double>(pool.frames.size()), hs, "frames_per_s");
    r.note = out.value("note", "") + (out.value("note", "").empty() ? "" : "; ") +
             "frames piped to the peer, each distinct frame once per run";
  });
}

PeerResult peerPdqFiles(const PeerSetup& setup, const BenchConfig& cfg,
                        const std::vector<RecordDigest>& reference,
                        std::vector<WorkloadResult>& results) {
  PeerResult p;
  p.peer = "pdqhash + Pillow";
  p.input = "files";
  p.unit = "files/s";
  // Still images only: Pillow reads no video, and a file it refuses would flatter it.
  BenchConfig sub = cfg;
  sub.corpus->files.clear();
  sub.corpus->totalBytes = 0;
  std::vector<Hash256> ours;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i].kind != pipeline::RecordKind::Image || reference[i].frames.size() > 1)
      continue;
    sub.corpus->files.push_back(cfg.corpus->files[i]);
    sub.corpus->totalBytes += cfg.corpus->files[i].bytes;
    ours.push_back(reference[i].pdq);
  }
  sub.request = HashRequest{};
  sub.request.phash = false;

  WorkloadResult hs;
  hs.workload = "hash";
  hs.backend = "cpu";
  hs.variant = "pdq";
  hs.peerBaseline = true;
  hs = runRecord(hs, [&](WorkloadResult& rec) {
    CorpusHashRun last;
    rec.seconds = measure(
        cfg.method,
        [&] {
          last = hashCorpus(sub, Device::Cpu, 1, 0);
          checkEqual<size_t>("records", ours.size(), last.records.size());
          int64_t differ = 0;
          for (size_t i = 0; i < ours.size(); ++i) differ += last.records[i].pdq != ours[i];
          checkEqual<int64_t>("PDQ hashes differing from the full hash run's", 0, differ);
          return last.seconds;
        },
        &rec.cpuSeconds);
    rec.counts = countsOf(last, *sub.corpus);
    rec.stageShares = stageSharesOf(last, 1, false);
    rec.check = "every file's PDQ equal to the hash workload's CPU reference";
    rec.note = "still images only (" + std::to_string(ours.size()) +
               " files), set against pdqhash + Pillow";
  });
  results.push_back(hs);
  p.hashsieveConfig = configOf(hs) + ", still images";
  return guardedPeer(p, [&](PeerResult& r) {
    if (!hs.ok()) throw std::runtime_error("the hashsieve record it is set against failed");
    const json out = runPeer(setup, {"files"}, [&](const PipeWriter& write) {
      for (const CorpusFile& f : sub.corpus->files) {
        const std::string& path = f.path.native();
        if (!write(path.c_str(), path.size() + 1)) return;  // NUL-separated: names may hold '\n'
      }
    });
    r.peer = out.value("peer", r.peer);
    checkEqual<int64_t>("files given to the peer", static_cast<int64_t>(ours.size()),
                        out.at("count").get<int64_t>());
    int maxD = 0, compared = 0;
    const std::string agree = agreement(ours, out.at("hashes"), maxD, compared);
    r.check = "peer read " + std::to_string(compared) + " of " + std::to_string(ours.size()) +
              " files (" + std::to_string(out.value("failed", 0)) + " refused by Pillow); " +
              agree + " from hashsieve's (different decoders may differ by a few bits)";
    fillRates(r, out, static_cast<double>(ours.size()), hs, "files_per_s");
  });
}

PeerResult peerFaiss(const PeerSetup& setup, const MatchData& data, const MatchMode& mode,
                     const WorkloadResult& hs) {
  PeerResult p;
  p.peer = "faiss-cpu IndexBinaryFlat";
  p.input = mode.dihedral ? "list x8" : "list";
  p.unit = "comparisons/s";
  p.threads = hs.threads;
  p.hashsieveConfig = configOf(hs);
  return guardedPeer(p, [&](PeerResult& r) {
    if (!hs.ok()) throw std::runtime_error("the hashsieve record it is set against failed");
    const HashList& list = *data.list;
    // Every present variant is a query row of its own: faiss has no notion of dihedral.
    std::vector<Hash256> rows;
    for (const MatchQuery& q : mode.queries)
      for (int v = 0; v < kDihedralCount; ++v)
        if (q.variantMask >> v & 1) rows.push_back(q.variants[v]);
    const json out = runPeer(setup,
                             {"faiss", "--threads=" + std::to_string(hs.threads),
                              "--radius=" + std::to_string(data.set.threshold + 1)},
                             [&](const PipeWriter& write) {
                               const std::string header = std::to_string(list.size()) + " " +
                                                          std::to_string(rows.size()) + "\n";
                               if (!write(header.data(), header.size())) return;
                               constexpr size_t kChunk = 1 << 14;
                               std::vector<Hash256> chunk;
                               chunk.reserve(kChunk);
                               for (size_t i = 0; i < list.size(); i += kChunk) {
                                 chunk.clear();
                                 for (size_t j = i; j < std::min(list.size(), i + kChunk); ++j)
                                   chunk.push_back(list.hash(j));
                                 // Hash256 in memory: 4 little-endian words; faiss only needs the
                                 // same bytes both sides.
                                 if (!write(chunk.data(), chunk.size() * sizeof(Hash256))) return;
                               }
                               write(rows.data(), rows.size() * sizeof(Hash256));
                             });
    r.peer = out.value("peer", r.peer);
    checkEqual<int64_t>("faiss matches vs planted", mode.expected,
                        out.at("matches").get<int64_t>());
    r.check = "faiss found all " + std::to_string(mode.expected) + " planted matches, no other";
    fillRates(r, out, static_cast<double>(rows.size()) * static_cast<double>(list.size()), hs,
              "comparisons_per_s");
    r.note = "radius " + std::to_string(data.set.threshold + 1) +
             " (faiss range_search is strict); list sent once, index built before timing";
  });
}

}  // namespace hashsieve::bench
