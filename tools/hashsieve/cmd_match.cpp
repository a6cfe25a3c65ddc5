// `hashsieve match --list LIST.hsl [QUERIES|-]`: exact matching of hash records (the output of
// `hashsieve hash`), or of a list text's hashes, against a list; one JSON record per (query,
// list entry) pair, or the matched entries as ThreatExchange lines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "host/backend/matcher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/core/policy.hpp"
#include "host/match/exact_index.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_set.hpp"
#include "host/match/query_input.hpp"
#include "host/match/query_records.hpp"
#include "host/match/te_lines.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// Query frames matched per matcher call: large enough to amortise a list scan (and a GPU
/// launch), small enough that output starts streaming early.
constexpr size_t kBatchFrames = 8192;

struct MatchArgs {
  std::string list;
  std::string queries = "-";
  int threshold = -1;
  bool thresholdGiven = false;
  int minQuality = policy::kPdqMinQuality;
  bool dihedral = true;
  bool dihedralGiven = false;
  int topK = 0;
  std::string device = "auto";
  int threads = 0;
  size_t degenerate = kDegenerateMatches;
  bool stats = false;
  bool verify = true;
  std::string audit;             // --audit FILE
  std::string format = "jsonl";  // te: the matched list entries as ThreatExchange lines
};

struct Totals {
  size_t records = 0, frames = 0, skipped = 0, malformed = 0, matches = 0, degenerate = 0;
  size_t exactMatches = 0;     // of `matches`: digest-list matches
  size_t matchedRecords = 0;   // records with at least one match (the audit record's count)
  size_t withoutVariants = 0;  // PDQ images matched without pdq_dihedral (as stored only)
  double matchSeconds = 0;
};

/// An image whose PDQ can be matched but comes without its eight variants.
bool lacksVariants(const QueryRecord& r) {
  if (r.error) return false;
  for (const QueryFrame& f : r.frames)
    if (!f.frame && f.hash && !f.dihedral) return true;
  return false;
}

void writeOut(const std::string& s) {
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), stdout) != s.size())
    throw std::runtime_error("cannot write the output");
}

class BatchMatcher {
 public:
  /// `list`/`matcher`: the perceptual list and its matcher, or null when the file holds only
  /// digest lists; `exact`: one index per digest list.
  BatchMatcher(const MatchArgs& a, const HashList* list, Matcher* matcher,
               std::span<const ExactIndex> exact, Totals& totals)
      : a_(a),
        te_(a.format == "te"),
        list_(list),
        matcher_(matcher),
        exact_(exact),
        totals_(totals) {}

  void add(QueryRecord r) {
    frames_ += std::max<size_t>(1, r.frames.size());
    records_.push_back(std::move(r));
    if (frames_ >= kBatchFrames) flush();
  }

  /// Matches the pending records and writes their output, in input order: per record its
  /// exact (digest) matches, then its perceptual ones frame by frame.
  void flush() {
    std::vector<char> recordMatched(records_.size(), 0);
    const std::vector<std::string> exactLines = matchExact(recordMatched);
    struct Slot {
      size_t record, frame;
      std::optional<std::string> skip;
    };
    std::vector<Slot> slots;
    std::vector<MatchQuery> queries;
    std::vector<size_t> queryOfSlot;
    for (size_t r = 0; r < records_.size() && list_; ++r) {
      if (records_[r].error) continue;
      for (size_t f = 0; f < records_[r].frames.size(); ++f) {
        const QueryFrame& fr = records_[r].frames[f];
        auto skip = skipReason(fr, list_->type(), a_.minQuality);
        queryOfSlot.push_back(skip ? SIZE_MAX : queries.size());
        if (!skip) queries.push_back(toMatchQuery(fr, !a_.dihedralGiven || a_.dihedral));
        slots.push_back({r, f, std::move(skip)});
      }
    }
    std::vector<Match> matches;
    if (!queries.empty()) {
      const auto t0 = Clock::now();
      matches =
          a_.topK > 0 ? matcher_->topK(queries, a_.topK) : matcher_->range(queries, a_.threshold);
      totals_.matchSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
    }
    // Matches are sorted by query: walk them alongside the slots.
    std::string out;
    size_t m = 0, s = 0;
    for (size_t r = 0; r < records_.size(); ++r) {
      out += exactLines[r];
      for (; s < slots.size() && slots[s].record == r; ++s) {
        const QueryRecord& rec = records_[r];
        const QueryFrame& fr = rec.frames[slots[s].frame];
        ++totals_.frames;
        if (slots[s].skip) {
          ++totals_.skipped;
          if (!te_) out += skipRecordJson(rec, fr, *slots[s].skip);
          continue;
        }
        const uint32_t q = static_cast<uint32_t>(queryOfSlot[s]);
        size_t end = m;
        while (end < matches.size() && matches[end].query == q) ++end;
        size_t kept = 0;
        for (size_t k = m; k < end; ++k)
          kept += !a_.thresholdGiven || matches[k].distance <= a_.threshold;
        if (kept > 0) recordMatched[r] = 1;
        if (kept > a_.degenerate) {
          ++totals_.degenerate;
          if (!te_) out += degenerateRecordJson(rec, fr, kept);
        }
        for (; m < end; ++m)
          if (!a_.thresholdGiven || matches[m].distance <= a_.threshold)
            out += te_ ? teLineOnce(*list_, matches[m].entry)
                       : matchRecordJson(rec, fr, matches[m], *list_);
        totals_.matches += kept;
      }
    }
    writeOut(out);
    totals_.matchedRecords += std::count(recordMatched.begin(), recordMatched.end(), 1);
    records_.clear();
    frames_ = 0;
  }

 private:
  /// A matched entry's ThreatExchange line the first time it matches, else nothing: the output
  /// is the list of entries hit, as `list export --format te` writes entries.
  std::string teLineOnce(const HashList& list, uint32_t entry) {
    return written_.emplace(&list, entry).second ? threatExchangeLine(list, entry) : std::string();
  }

  /// Per record, the match lines of its digests found in the digest lists (error records
  /// included: files that were read but not decoded carry digests).
  std::vector<std::string> matchExact(std::vector<char>& recordMatched) {
    std::vector<std::string> lines(records_.size());
    const auto t0 = Clock::now();
    for (const ExactIndex& index : exact_) {
      const HashType type = index.list().type();
      std::vector<Hash256> keys;
      std::vector<size_t> owner;
      for (size_t r = 0; r < records_.size(); ++r)
        if (const auto& d = records_[r].digest(type)) {
          keys.push_back(*d);
          owner.push_back(r);
        }
      std::vector<int64_t> found(keys.size());
      index.findBatch(keys, found);
      for (size_t k = 0; k < keys.size(); ++k) {
        if (found[k] < 0) continue;
        const auto entry = static_cast<uint32_t>(found[k]);
        lines[owner[k]] += te_ ? teLineOnce(index.list(), entry)
                               : exactMatchRecordJson(records_[owner[k]], entry, index.list());
        recordMatched[owner[k]] = 1;
        ++totals_.matches;
        ++totals_.exactMatches;
      }
    }
    totals_.matchSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
    return lines;
  }

  const MatchArgs& a_;
  const bool te_;
  const HashList* list_;
  Matcher* matcher_;
  std::span<const ExactIndex> exact_;
  Totals& totals_;
  std::vector<QueryRecord> records_;
  size_t frames_ = 0;
  std::set<std::pair<const HashList*, uint32_t>> written_;  // --format te
};

int runMatch(MatchArgs a) {
  const auto started = std::chrono::system_clock::now();
  if (!a.audit.empty()) audit::probeWritable(a.audit);
  const auto t0 = Clock::now();
  const ListSet lists = ListSet::open(a.list, {a.verify});
  const HashList* perceptual = lists.perceptual();
  std::vector<ExactIndex> exact;
  for (const HashList& l : lists.lists())
    if (!isPerceptual(l.type())) exact.emplace_back(l);
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  // Range search always has a threshold; top-k applies one only when asked to.
  const HashType queryType = perceptual ? perceptual->type() : lists.lists()[0].type();
  if (!a.thresholdGiven) a.threshold = defaultThreshold(queryType);
  if (a.topK == 0 || a.thresholdGiven) checkThreshold(a.threshold);
  if (a.topK != 0) checkTopK(a.topK);
  MatcherOptions opts;
  opts.cpu.threads = a.threads;
  std::unique_ptr<Matcher> matcher;
  if (perceptual) matcher = makeMatcher(parseDeviceSpec(a.device), *perceptual, opts);
  const std::string matcherName = matcher ? matcher->name() : std::string("exact");
  const bool dihedral =
      perceptual && perceptual->type() == HashType::Pdq && (!a.dihedralGiven || a.dihedral);

  if (a.queries != "-" && !std::ifstream(a.queries)) throw UsageError("cannot read " + a.queries);
  Totals totals;
  BatchMatcher batch(a, perceptual, matcher.get(), exact, totals);
  QueryInputOptions in;
  in.type = queryType;
  // A bare 64-hex value is a PDQ hash unless only digest lists (SHA-256) can use it.
  in.hex64 = perceptual || !lists.find(HashType::Sha256) ? HashType::Pdq : HashType::Sha256;
  const QueryInputStats read = readQueryInput(a.queries, in, [&](QueryRecord record) {
    if (dihedral && lacksVariants(record)) ++totals.withoutVariants;
    batch.add(std::move(record));
    ++totals.records;
  });
  totals.malformed = read.parse.malformed;
  // The first few are named; the rest counted once (a file given by mistake would otherwise
  // print one line per input line).
  for (const std::string& m : read.parse.malformedSamples)
    std::fprintf(stderr, "hashsieve match: %s\n", m.c_str());
  if (totals.malformed > 0)
    std::fprintf(stderr,
                 "hashsieve match: %zu lines were not %s (%zu shown); match reads the "
                 "JSON lines `hashsieve hash` and `hashsieve scan` write (one object per line "
                 "with \"path\" and \"pdq\"/\"phash\"/\"md5\"/\"sha1\"/\"sha256\"), "
                 "or a list text as `hashsieve list build` reads it (CSV with a header, hex "
                 "lines, ThreatExchange `pdq <hex>` lines, {\"pdq\": ...} JSON lines)\n",
                 totals.malformed, read.records ? "hash records" : "queries",
                 read.parse.malformedSamples.size());
  batch.flush();
  std::fflush(stdout);
  if (totals.withoutVariants > 0 && read.records)
    std::fprintf(stderr,
                 "hashsieve match: warning: %zu image records lack pdq_dihedral and were matched "
                 "as stored only (rotated or flipped copies are missed); hash them again without "
                 "--no-dihedral\n",
                 totals.withoutVariants);
  else if (totals.withoutVariants > 0)
    std::fprintf(stderr,
                 "hashsieve match: warning: %zu queries of a %s list carry no dihedral variants "
                 "and were matched as stored only (rotated or flipped copies are missed); "
                 "`hashsieve hash` records carry them\n",
                 totals.withoutVariants, listTextFormatName(read.parse.format));
  if (a.stats)
    std::fprintf(stderr,
                 "hashsieve match: %s, list %zu entries (load %.3f s), %zu records, %zu query "
                 "frames, %zu skipped, "
                 "%zu malformed, %zu matches (%zu exact), %zu degenerate queries, match %.3f s\n",
                 matcherName.c_str(), lists.totalEntries(), loadSeconds, totals.records,
                 totals.frames, totals.skipped, totals.malformed, totals.matches,
                 totals.exactMatches, totals.degenerate, totals.matchSeconds);
  const int status = totals.malformed ? 1 : 0;
  if (!a.audit.empty()) {
    audit::AuditRecord r = startAuditRecord("match", matcherName);
    r.algorithms["matching"] = a.topK > 0 ? "exact top-k (Hamming)" : "exact range (Hamming)";
    if (!exact.empty()) r.algorithms["digest_matching"] = "equality (MD5/SHA-1/SHA-256)";
    for (const HashList& l : lists.lists()) r.lists.push_back(listAuditInfo(a.list, l));
    // Top-k without --threshold applies none.
    std::optional<int> threshold;
    if (a.topK == 0 || a.thresholdGiven) threshold = a.threshold;
    if (queryType == HashType::Pdq) {
      r.thresholds.pdqDistance = threshold;
      r.thresholds.minQuality = a.minQuality;
    } else if (queryType == HashType::Phash) {
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

/// The dihedral variants as ThreatExchange's PDQ names them (orig, rot90, ..., flipPlus1,
/// flipMinus1), checked against pdqhash.compute_dihedral on rotated copies.
constexpr const char* kMatchFooter =
    R"(A match's "transform" names the variant of the query image that matched the list entry:
the query with that pixel operation applied looks like the listed image. ThreatExchange's
PDQ names, in pdq_dihedral order:
  orig     the image as stored
  rot90    rotated 90 degrees counter-clockwise (so a copy turned 90 degrees clockwise
           matches its original through rot90)
  rot180   rotated 180 degrees
  rot270   rotated 90 degrees clockwise
  flipx    flipped top to bottom (mirrored about the horizontal axis)
  flipy    mirrored left to right (about the vertical axis)
  flipp    transposed about the main diagonal, top-left to bottom-right (flipPlus1)
  flipm    transposed about the anti-diagonal, top-right to bottom-left (flipMinus1)
Variants come from the record's pdq_dihedral, which `hashsieve hash` writes by default;
records without it are matched as stored (a warning counts them).)";

void addMatchCommand(CLI::App& app, int& exitCode) {
  auto a = std::make_shared<MatchArgs>();
  CLI::App* c = app.add_subcommand(
      "match",
      "Match hash records (the output of `hashsieve hash`) against a .hsl list: one JSON record "
      "per "
      "(query, list entry) within the threshold, plus one per query skipped for low quality");
  c->footer(kMatchFooter);
  c->add_option("--list", a->list, "The .hsl list (see `hashsieve list build`)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("queries", a->queries,
                "JSONL hash records, or a list text (CSV, hex lines, ThreatExchange lines, "
                "{\"pdq\": ...} JSON lines; each line a query), or - for standard input")
      ->capture_default_str();
  CLI::Option* threshold = c->add_option(
      "--threshold", a->threshold,
      "Match when distance <= N (default " + std::to_string(policy::kPdqMatchThreshold) +
          " for PDQ, " + std::to_string(policy::kPhashMatchThreshold) +
          " for pHash; with --top-k: none)");
  c->add_option("--min-quality", a->minQuality, "PDQ queries below this quality are skipped")
      ->capture_default_str();
  CLI::Option* dihedral = c->add_flag(
      "--dihedral,!--no-dihedral", a->dihedral,
      "Match all 8 dihedral variants when the record carries pdq_dihedral (default on)");
  c->add_option("--top-k", a->topK, "Report the K nearest entries per query instead (K <= 1024)");
  c->add_option("--device", a->device, "auto, cpu, cuda or cuda:N (matching uses one device)")
      ->check([](const std::string& s) { return deviceSpecError(s); })
      ->capture_default_str();
  c->add_option("--threads", a->threads, "CPU threads (0: all)")->capture_default_str();
  c->add_option(
       "--degenerate-matches", a->degenerate,
       "Warn (a \"degenerate query\" record) when one query matches more entries than this")
      ->capture_default_str();
  c->add_option("--format", a->format,
                "jsonl: one JSON record per match, skip and warning; te: each matched list "
                "entry once as a ThreatExchange `<type> <hex>` line (as `list export --format "
                "te`), for python-threatexchange")
      ->check(CLI::IsMember({"jsonl", "te"}))
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
