// `hashsieve match --list LIST.hsl [QUERIES.jsonl|-]`: exact matching of hash records (the
// output of `hashsieve hash`) against a list; one JSON record per (query, list entry) pair.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "host/backend/matcher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/query_records.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// Query frames matched per matcher call: large enough to amortise a list scan (and a GPU
/// launch), small enough that output starts streaming early.
constexpr size_t kBatchFrames = 8192;
/// PDQ's quality floor (ALGORITHMS.md section 3: quality < 50 is not matched).
constexpr int kDefaultMinQuality = 50;

struct MatchArgs {
  std::string list;
  std::string queries = "-";
  int threshold = -1;
  bool thresholdGiven = false;
  int minQuality = kDefaultMinQuality;
  bool dihedral = true;
  bool dihedralGiven = false;
  int topK = 0;
  std::string device = "auto";
  int threads = 0;
  size_t degenerate = kDegenerateMatches;
  bool stats = false;
  bool verify = true;
  std::string audit;  // --audit FILE
};

struct Totals {
  size_t records = 0, frames = 0, skipped = 0, malformed = 0, matches = 0, degenerate = 0;
  size_t matchedRecords = 0;  // records with at least one match (the audit record's count)
  double matchSeconds = 0;
};

void writeOut(const std::string& s) {
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), stdout) != s.size())
    throw std::runtime_error("cannot write the output");
}

class BatchMatcher {
 public:
  BatchMatcher(const MatchArgs& a, const HashList& list, Matcher& matcher, Totals& totals)
      : a_(a), list_(list), matcher_(matcher), totals_(totals) {}

  void add(QueryRecord r) {
    frames_ += r.frames.size();
    records_.push_back(std::move(r));
    if (frames_ >= kBatchFrames) flush();
  }

  /// Matches the pending records and writes their output, in input order.
  void flush() {
    struct Slot {
      size_t record, frame;
      std::optional<std::string> skip;
    };
    std::vector<Slot> slots;
    std::vector<MatchQuery> queries;
    std::vector<size_t> queryOfSlot;
    for (size_t r = 0; r < records_.size(); ++r) {
      if (records_[r].error) continue;
      for (size_t f = 0; f < records_[r].frames.size(); ++f) {
        const QueryFrame& fr = records_[r].frames[f];
        auto skip = skipReason(fr, list_.type(), a_.minQuality);
        queryOfSlot.push_back(skip ? SIZE_MAX : queries.size());
        if (!skip) queries.push_back(toMatchQuery(fr, !a_.dihedralGiven || a_.dihedral));
        slots.push_back({r, f, std::move(skip)});
      }
    }
    const auto t0 = Clock::now();
    std::vector<Match> matches =
        a_.topK > 0 ? matcher_.topK(queries, a_.topK) : matcher_.range(queries, a_.threshold);
    totals_.matchSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
    // Matches are sorted by query: walk them alongside the slots.
    std::string out;
    size_t m = 0;
    std::vector<char> recordMatched(records_.size(), 0);
    for (size_t s = 0; s < slots.size(); ++s) {
      const QueryRecord& rec = records_[slots[s].record];
      const QueryFrame& fr = rec.frames[slots[s].frame];
      ++totals_.frames;
      if (slots[s].skip) {
        ++totals_.skipped;
        out += skipRecordJson(rec, fr, *slots[s].skip);
        continue;
      }
      const uint32_t q = static_cast<uint32_t>(queryOfSlot[s]);
      size_t end = m;
      while (end < matches.size() && matches[end].query == q) ++end;
      size_t kept = 0;
      for (size_t k = m; k < end; ++k)
        kept += !a_.thresholdGiven || matches[k].distance <= a_.threshold;
      if (kept > 0) recordMatched[slots[s].record] = 1;
      if (kept > a_.degenerate) {
        ++totals_.degenerate;
        out += degenerateRecordJson(rec, fr, kept);
      }
      for (; m < end; ++m)
        if (!a_.thresholdGiven || matches[m].distance <= a_.threshold)
          out += matchRecordJson(rec, fr, matches[m], list_);
      totals_.matches += kept;
    }
    writeOut(out);
    totals_.matchedRecords += std::count(recordMatched.begin(), recordMatched.end(), 1);
    records_.clear();
    frames_ = 0;
  }

 private:
  const MatchArgs& a_;
  const HashList& list_;
  Matcher& matcher_;
  Totals& totals_;
  std::vector<QueryRecord> records_;
  size_t frames_ = 0;
};

int runMatch(MatchArgs a) {
  const auto started = std::chrono::system_clock::now();
  if (!a.audit.empty()) audit::probeWritable(a.audit);
  const auto t0 = Clock::now();
  const HashList list = HashList::open(a.list, {a.verify});
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  // Range search always has a threshold; top-k applies one only when asked to.
  if (!a.thresholdGiven) a.threshold = defaultThreshold(list.type());
  if (a.topK == 0 || a.thresholdGiven) checkThreshold(a.threshold);
  if (a.topK != 0) checkTopK(a.topK);
  MatcherOptions opts;
  opts.cpu.threads = a.threads;
  auto matcher = makeMatcher(parseDevice(a.device), list, opts);

  std::ifstream file;
  if (a.queries != "-") {
    file.open(a.queries, std::ios::binary);
    if (!file) throw UsageError("cannot read " + a.queries);
  }
  std::istream& in = a.queries == "-" ? std::cin : file;
  Totals totals;
  BatchMatcher batch(a, list, *matcher, totals);
  std::string text;
  size_t lineNo = 0;
  while (std::getline(in, text)) {
    ++lineNo;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      batch.add(parseQueryRecord(text, list.type()));
      ++totals.records;
    } catch (const FormatError& e) {
      ++totals.malformed;
      std::fprintf(stderr, "hashsieve match: %s:%zu: %s\n", a.queries.c_str(), lineNo, e.what());
    }
  }
  batch.flush();
  std::fflush(stdout);
  if (a.stats)
    std::fprintf(stderr,
                 "hashsieve match: %s, list %zu entries (load %.3f s), %zu records, %zu query "
                 "frames, %zu skipped, "
                 "%zu malformed, %zu matches, %zu degenerate queries, match %.3f s\n",
                 matcher->name().c_str(), list.size(), loadSeconds, totals.records, totals.frames,
                 totals.skipped, totals.malformed, totals.matches, totals.degenerate,
                 totals.matchSeconds);
  const int status = totals.malformed ? 1 : 0;
  if (!a.audit.empty()) {
    audit::AuditRecord r = startAuditRecord("match", matcher->name());
    r.algorithms["matching"] = a.topK > 0 ? "exact top-k (Hamming)" : "exact range (Hamming)";
    r.lists.push_back(listAuditInfo(a.list, list));
    // Top-k without --threshold applies none.
    std::optional<int> threshold;
    if (a.topK == 0 || a.thresholdGiven) threshold = a.threshold;
    if (list.type() == HashType::Pdq) {
      r.thresholds.pdqDistance = threshold;
      r.thresholds.minQuality = a.minQuality;
    } else {
      r.thresholds.phashDistance = threshold;
    }
    r.settings["dihedral"] = !a.dihedralGiven || a.dihedral;
    r.settings["top_k"] = a.topK;
    r.settings["checksum_verified"] = a.verify;
    r.inputRoots = {a.queries};
    r.output = "-";
    r.counts = {static_cast<int64_t>(totals.records), static_cast<int64_t>(totals.malformed),
                static_cast<int64_t>(totals.matchedRecords)};
    r.start = started;
    r.end = std::chrono::system_clock::now();
    r.exitStatus = status;
    audit::writeAuditRecord(r, a.audit);
  }
  return status;
}

}  // namespace

void addMatchCommand(CLI::App& app, int& exitCode) {
  auto a = std::make_shared<MatchArgs>();
  CLI::App* c = app.add_subcommand(
      "match",
      "Match hash records (the output of `hashsieve hash`) against a .hsl list: one JSON record "
      "per "
      "(query, list entry) within the threshold, plus one per query skipped for low quality");
  c->add_option("--list", a->list, "The .hsl list (see `hashsieve list build`)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("queries", a->queries, "JSONL hash records, or - for standard input")
      ->capture_default_str();
  CLI::Option* threshold = c->add_option(
      "--threshold", a->threshold,
      "Match when distance <= N (default 31 for PDQ, 10 for pHash; with --top-k: none)");
  c->add_option("--min-quality", a->minQuality, "PDQ queries below this quality are skipped")
      ->capture_default_str();
  CLI::Option* dihedral = c->add_flag(
      "--dihedral,!--no-dihedral", a->dihedral,
      "Match all 8 dihedral variants when the record carries pdq_dihedral (default on)");
  c->add_option("--top-k", a->topK, "Report the K nearest entries per query instead (K <= 1024)");
  c->add_option("--device", a->device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  c->add_option("--threads", a->threads, "CPU threads (0: all)")->capture_default_str();
  c->add_option(
       "--degenerate-matches", a->degenerate,
       "Warn (a \"degenerate query\" record) when one query matches more entries than this")
      ->capture_default_str();
  c->add_flag("--stats", a->stats, "Print counts and timings to stderr");
  c->add_flag("!--no-verify", a->verify, "Skip the list checksum verification on load");
  c->add_option("--audit", a->audit,
                "Write the run's audit record (JSON: version, backend, list path/count/checksum, "
                "thresholds, counts, times; hashes and paths only) to FILE");
  c->callback([a, threshold, dihedral, &exitCode] {
    a->thresholdGiven = threshold->count() > 0;
    a->dihedralGiven = dihedral->count() > 0;
    exitCode = runMatch(*a);
  });
}

}  // namespace hashsieve::cli
