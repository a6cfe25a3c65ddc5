// `hashsieve list build` (text lists -> .hsl) and `hashsieve list info` (counts, checksum,
// most frequent entries).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/bundle_builder.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"
#include "host/match/list_set.hpp"
#include "host/match/te_lines.hpp"
#include "tools/hashsieve/commands.hpp"

namespace hashsieve::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct BuildArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string type = "auto";
  bool strict = false;
  bool allowMalformed = false;
  std::string pdqLuma = "unknown";
};

hsl::PdqLuma parsePdqLuma(const std::string& name) {
  if (name == "reference") return hsl::PdqLuma::Reference;
  if (name == "float64") return hsl::PdqLuma::Float64;
  return hsl::PdqLuma::Unknown;
}

void printParseStats(const std::string& in, const ListParseStats& s) {
  std::fprintf(stderr,
               "hashsieve list build: %s: %s, %zu lines, %zu entries, %zu malformed (skipped), "
               "%zu ignored",
               in.c_str(), listTextFormatName(s.format), s.lines, s.entries, s.malformed,
               s.ignored);
  if (s.removed) std::fprintf(stderr, ", %zu deletions", s.removed);
  std::fprintf(stderr, "\n");
  for (const auto& [kind, n] : s.unusable)
    std::fprintf(stderr, "  ignored %zu %s fingerprints (hashsieve cannot compute %s)\n", n,
                 kind.c_str(), kind.c_str());
  for (const std::string& m : s.malformedSamples) std::fprintf(stderr, "  %s\n", m.c_str());
  if (s.malformed > s.malformedSamples.size())
    std::fprintf(stderr, "  ... and %zu more\n", s.malformed - s.malformedSamples.size());
}

int runBuild(const BuildArgs& a) {
  const auto t0 = Clock::now();
  ListParseOptions opts;
  opts.autoType = a.type == "auto";
  if (!opts.autoType) parseHashTypeName(a.type, opts.type);
  opts.strict = a.strict;
  BundleBuilder builder;
  builder.setPdqLuma(parsePdqLuma(a.pdqLuma));
  // Reserve for the largest plausible entry count (a bare hash per line) up front: growing
  // a 10M-entry buffer by doubling costs more than the parse.
  uintmax_t bytes = 0;
  for (const std::string& in : a.inputs) {
    if (in == "-") continue;
    std::error_code ec;
    if (!std::filesystem::exists(in, ec)) throw InputError("unreadable", in + ": no such file");
    if (std::filesystem::is_regular_file(in, ec)) bytes += std::filesystem::file_size(in, ec);
  }
  if (!opts.autoType)
    builder.reserve(opts.type, static_cast<size_t>(bytes / (hexCharsPerHash(opts.type) + 1)),
                    static_cast<size_t>(bytes / 4));
  size_t malformed = 0;
  bool read64AsPdq = false;
  for (const std::string& in : a.inputs) {
    // With several inputs, default ids name the file too, so line numbers stay unambiguous.
    opts.defaultIdPrefix =
        a.inputs.size() > 1 ? std::filesystem::path(in).filename().string() + ":" : "";
    size_t pdqEntries = 0;
    const ListParseStats s = parseListInput(
        in, opts,
        [&](const ListEntryView& e) {
          builder.add(e);
          pdqEntries += e.type == HashType::Pdq;
        },
        [&](std::string_view id, bool deletion) { builder.remove(id, deletion); });
    // Plain lines are the one format where nothing names the kind of a 64-hex value.
    read64AsPdq =
        read64AsPdq || (opts.autoType && s.format == ListTextFormat::Plain && pdqEntries > 0);
    malformed += s.malformed;
    printParseStats(in, s);
  }
  const double parseSeconds = secondsSince(t0);
  if (builder.empty())
    throw FormatError("no usable entries in the input" +
                      std::string(malformed ? " (every entry was malformed)" : ""));
  std::vector<BundleBuilder::TypeSummary> sums;
  const hsl::Image image = builder.build(&sums);
  hsl::writeImage(image, a.output);
  const ListSet written = ListSet::fromImage(image, {false});
  std::fprintf(stderr,
               "hashsieve list build: wrote %s: %s%zu bytes, sha256 %s; parse %.2f s, "
               "total %.2f s\n",
               a.output.c_str(), sums.size() > 1 ? "bundle, " : "", image.bytes,
               hsl::checksumHex(written.checksum()).c_str(), parseSeconds, secondsSince(t0));
  for (const auto& [type, sum] : sums)
    std::fprintf(stderr, "  %s: %zu entries (%zu duplicates merged), %zu ids, %zu videos%s\n",
                 hashTypeName(type), sum.entries, sum.mergedDuplicates, sum.ids, sum.videos,
                 sum.removed ? (", " + std::to_string(sum.removed) + " removed").c_str() : "");
  if (read64AsPdq && a.type == "auto")
    std::fprintf(stderr,
                 "hashsieve list build: note: 64-hex values without a column or key naming "
                 "their kind are read as PDQ; pass --type sha256 for SHA-256 digests\n");
  size_t entries = 0;
  for (const auto& ts : sums) entries += ts.summary.entries;
  if (entries == 0) std::fprintf(stderr, "hashsieve list build: warning: the list is empty\n");
  if (malformed > 0 && !a.allowMalformed) {
    std::fprintf(stderr,
                 "hashsieve list build: %zu malformed entries were skipped (exit 1; pass "
                 "--allow-malformed to accept that)\n",
                 malformed);
    return 1;
  }
  return 0;
}

struct InfoArgs {
  std::string list;
  size_t top = 10;
  bool json = false;
  bool verify = true;
};

/// Per-category counts of a list: ids by the "category" of their metadata ("" = none).
std::map<std::string, size_t> categoryCounts(const HashList& list) {
  std::vector<std::string> categoryOf(list.metaCount());
  for (size_t k = 0; k < categoryOf.size(); ++k) {
    const auto m = nlohmann::json::parse(list.metaString(k), nullptr, false);
    if (m.is_object() && m.contains("category"))
      categoryOf[k] =
          m["category"].is_string() ? m["category"].get<std::string>() : m["category"].dump();
  }
  std::map<std::string, size_t> counts;
  for (size_t i = 0; i < list.size(); ++i)
    for (size_t j = 0; j < list.idCountOf(i); ++j) {
      const uint32_t k = list.metaIndexOf(i, j);
      ++counts[k < categoryOf.size() ? categoryOf[k] : std::string()];
    }
  return counts;
}

struct Frequent {
  std::vector<std::pair<size_t, size_t>> byIds;  // (ids, entry), the top ones first
  size_t several = 0;                            // entries with more than one id
};

// Most frequent entries: the hashes that merged the most ids.
Frequent mostFrequent(const HashList& list, size_t topN) {
  Frequent f;
  for (size_t i = 0; i < list.size(); ++i)
    if (list.idCountOf(i) > 1) f.byIds.emplace_back(list.idCountOf(i), i);
  f.several = f.byIds.size();
  const size_t top = std::min(topN, f.byIds.size());
  std::partial_sort(f.byIds.begin(), f.byIds.begin() + static_cast<std::ptrdiff_t>(top),
                    f.byIds.end(), [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : x.second < y.second;
                    });
  f.byIds.resize(top);
  return f;
}

constexpr size_t kIdsShown = 5;

nlohmann::ordered_json listInfoJson(const HashList& list, size_t topN) {
  const Frequent f = mostFrequent(list, topN);
  nlohmann::ordered_json j;
  j["type"] = hashTypeName(list.type());
  j["entries"] = list.size();
  j["ids"] = list.idCount();
  j["videos"] = list.videoCount();
  if (list.type() == HashType::Pdq) j["pdq_luma"] = hsl::pdqLumaName(list.pdqLuma());
  j["entries_with_several_ids"] = f.several;
  if (list.hasMeta()) {
    auto& c = j["categories"] = nlohmann::ordered_json::object();
    for (const auto& [name, n] : categoryCounts(list)) c[name.empty() ? "(none)" : name] = n;
  }
  j["sha256"] = hsl::checksumHex(list.checksum());
  auto& arr = j["most_frequent"] = nlohmann::ordered_json::array();
  for (const auto& [ids, entry] : f.byIds) {
    nlohmann::ordered_json e;
    e["hash"] = list.hashHex(entry);
    e["ids"] = ids;
    auto& shown = e["first_ids"] = nlohmann::ordered_json::array();
    for (size_t m = 0; m < std::min(kIdsShown, ids); ++m)
      shown.push_back(std::string(list.id(entry, m)));
    arr.push_back(std::move(e));
  }
  return j;
}

void printFrequent(const HashList& list, const Frequent& f) {
  if (f.byIds.empty()) {
    std::printf("most frequent entries: none (no hash has more than one id)\n");
    return;
  }
  std::printf("most frequent entries (ids merged per hash):\n");
  for (const auto& [count, e] : f.byIds) {
    std::string ids;
    for (size_t m = 0; m < std::min(kIdsShown, count); ++m)
      ids += (m ? ", " : "") + std::string(list.id(e, m));
    if (count > kIdsShown) ids += ", ...";
    std::printf("  %s  %zu ids: %s\n", list.hashHex(e).c_str(), count, ids.c_str());
  }
}

// Counts and categories; in a bundle also the list's checksum and its most frequent entries.
void printListInfo(const HashList& list, size_t topN, bool inBundle) {
  const Frequent f = mostFrequent(list, topN);
  if (inBundle)
    std::printf("[%s]\ntype: %s\n", hashTypeName(list.type()), hashTypeName(list.type()));
  std::printf("entries: %zu\nids: %zu\nvideos: %zu\nentries with several ids: %zu\n", list.size(),
              list.idCount(), list.videoCount(), f.several);
  if (list.type() == HashType::Pdq)
    std::printf("pdq luma: %s\n", list.pdqLuma() == hsl::PdqLuma::Unknown
                                      ? "unknown (not declared when the list was built)"
                                      : hsl::pdqLumaName(list.pdqLuma()));
  if (list.hasMeta()) {
    std::printf("ids per category:\n");
    for (const auto& [name, n] : categoryCounts(list))
      std::printf("  %s: %zu\n", name.empty() ? "(none)" : name.c_str(), n);
  }
  if (!inBundle) return;
  std::printf("sha256: %s\n", hsl::checksumHex(list.checksum()).c_str());
  printFrequent(list, f);
}

int runInfo(const InfoArgs& a) {
  const auto t0 = Clock::now();
  const ListSet lists = ListSet::open(a.list, {a.verify});
  const double loadSeconds = secondsSince(t0);
  const auto all = lists.lists();
  if (a.json) {
    nlohmann::ordered_json j;
    j["list"] = a.list;
    if (lists.isBundle()) {
      j["bundle"] = true;
      j["version"] = hsl::kVersion;
      j["bytes"] = lists.fileBytes();
      j["sha256"] = hsl::checksumHex(lists.checksum());
      j["checksum_verified"] = a.verify;
      j["load_seconds"] = loadSeconds;
      auto& arr = j["lists"] = nlohmann::ordered_json::array();
      for (const HashList& l : all) arr.push_back(listInfoJson(l, a.top));
    } else {
      // A single list keeps its flat form.
      nlohmann::ordered_json one = listInfoJson(all[0], a.top);
      j["type"] = one["type"];
      j["version"] = hsl::kVersion;
      for (auto& el : one.items())
        if (el.key() != "type" && el.key() != "sha256" && el.key() != "most_frequent")
          j[el.key()] = el.value();
      j["bytes"] = lists.fileBytes();
      j["sha256"] = one["sha256"];
      j["checksum_verified"] = a.verify;
      j["load_seconds"] = loadSeconds;
      j["most_frequent"] = one["most_frequent"];
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("list: %s\n", a.list.c_str());
  if (lists.isBundle()) {
    std::printf(
        "bundle: %zu lists\nversion: %u\nbytes: %llu\nsha256: %s (header; %s)\nload: %.3f s\n",
        all.size(), hsl::kVersion, static_cast<unsigned long long>(lists.fileBytes()),
        hsl::checksumHex(lists.checksum()).c_str(), a.verify ? "verified" : "not verified",
        loadSeconds);
    for (const HashList& l : all) printListInfo(l, a.top, true);
    return 0;
  }
  const HashList& list = all[0];
  std::printf("type: %s\nversion: %u\n", hashTypeName(list.type()), hsl::kVersion);
  printListInfo(list, 0, false);  // counts and categories; the frequent entries come last
  std::printf("bytes: %llu\nsha256: %s (%s)\nload: %.3f s\n",
              static_cast<unsigned long long>(list.fileBytes()),
              hsl::checksumHex(list.checksum()).c_str(), a.verify ? "verified" : "not verified",
              loadSeconds);
  printFrequent(list, mostFrequent(list, a.top));
  return 0;
}

struct ExportArgs {
  std::string list;
  std::string format = "te";
  bool verify = true;
};

// Every entry of every list in the file, in list order: `<type> <hex>` (ThreatExchange lines,
// which python-threatexchange reads back) or `hex,id` (plain, one line per id).
int runExport(const ExportArgs& a) {
  const ListSet lists = ListSet::open(a.list, {a.verify});
  std::string out;
  for (const HashList& l : lists.lists()) {
    for (size_t i = 0; i < l.size(); ++i) {
      if (a.format == "te") {
        out += threatExchangeLine(l, i);
      } else {
        for (size_t j = 0; j < l.idCountOf(i); ++j)
          out += l.hashHex(i) + "," + std::string(l.id(i, j)) + "\n";
      }
      if (out.size() > (1u << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 3;
}

}  // namespace

void addListCommand(CLI::App& app, int& exitCode) {
  CLI::App* list = app.add_subcommand("list", "Build and inspect binary hash lists (.hsl)");
  list->require_subcommand(1);

  auto build = std::make_shared<BuildArgs>();
  CLI::App* b = list->add_subcommand(
      "build",
      "Read hash lists (hex lines with optional ,quality/,id; CSV with a header, "
      "python-threatexchange's signal_type,signal_str,collab,category,tags included; "
      "ThreatExchange `pdq <hex>`/`md5 <hex>`; JSONL with pdq/md5/sha1/sha256/id; NCMEC "
      "hash-sharing XML; Project VIC VICS JSON) into one .hsl list (a bundle when they hold "
      "several types); duplicates merged, metadata (category, source, member, ...) kept. "
      "Video frames (vPDQ files `frameNumber,quality,pdqHex,timestamp`, named by their path; "
      "`hashsieve hash` video records, named by their path) are grouped per video for scan's "
      "vPDQ match percentages");
  b->add_option("inputs", build->inputs,
                "List files (- or /dev/stdin: standard input); NCMEC hash-sharing XML pages in "
                "order (later pages update and delete entries of earlier ones)")
      ->required();
  b->add_option("-o,--output", build->output, "The .hsl list to write")->required();
  b->add_option("--type", build->type,
                "Hash type of the list; auto: every type the inputs hold (by column, key, signal "
                "type or hex length; 64 hex = PDQ), several types making a bundle")
      ->check(CLI::IsMember({"auto", "pdq", "phash", "md5", "sha1", "sha256"}))
      ->capture_default_str();
  b->add_option("--pdq-luma", build->pdqLuma,
                "The luma rounding the PDQ hashes were made with, recorded in the list and shown "
                "by `list info`: reference (hashsieve's default, Meta's C++ library) or float64 "
                "(`hash --pdq-luma float64`; the pdqhash binding, so python-threatexchange and "
                "HMA exports); unknown records nothing")
      ->check(CLI::IsMember({"unknown", "reference", "float64"}))
      ->capture_default_str();
  b->add_flag("--strict", build->strict,
              "Fail at the first malformed line (default: skip and count, exit 1)");
  b->add_flag("--allow-malformed", build->allowMalformed,
              "Exit 0 although malformed lines were skipped");
  b->callback([build, &exitCode] { exitCode = runBuild(*build); });

  auto info = std::make_shared<InfoArgs>();
  CLI::App* i = list->add_subcommand(
      "info", "Counts, type, checksum and most frequent entries of a .hsl list");
  i->add_option("list", info->list, "The .hsl list")->required()->check(CLI::ExistingFile);
  i->add_option("--top", info->top, "How many of the most frequent entries to show")
      ->capture_default_str();
  i->add_flag("--json", info->json, "Print JSON");
  i->add_flag("!--no-verify", info->verify, "Skip the checksum verification on load");
  i->callback([info, &exitCode] { exitCode = runInfo(*info); });

  auto exp = std::make_shared<ExportArgs>();
  CLI::App* e = list->add_subcommand(
      "export",
      "Write a .hsl list's entries as text: ThreatExchange `<type> <hex>` lines (te, "
      "what python-threatexchange reads) or `hex,id` lines (plain)");
  e->add_option("list", exp->list, "The .hsl list or bundle")->required()->check(CLI::ExistingFile);
  e->add_option("--format", exp->format, "te or plain")
      ->check(CLI::IsMember({"te", "plain"}))
      ->capture_default_str();
  e->add_flag("!--no-verify", exp->verify, "Skip the checksum verification on load");
  e->callback([exp, &exitCode] { exitCode = runExport(*exp); });
}

}  // namespace hashsieve::cli
