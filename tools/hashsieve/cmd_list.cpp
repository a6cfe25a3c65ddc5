// `hashsieve list build` (text lists -> .hsl) and `hashsieve list info` (counts, checksum,
// most frequent entries).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"
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
  std::string type = "pdq";
  bool strict = false;
};

int runBuild(const BuildArgs& a) {
  const auto t0 = Clock::now();
  ListParseOptions opts;
  opts.type = a.type == "phash" ? HashType::Phash : HashType::Pdq;
  opts.strict = a.strict;
  ListBuilder builder(opts.type);
  // Reserve for the largest plausible entry count (a bare hash per line) up front: growing
  // a 10M-entry buffer by doubling costs more than the parse.
  uintmax_t bytes = 0;
  for (const std::string& in : a.inputs) bytes += std::filesystem::file_size(in);
  builder.reserve(static_cast<size_t>(bytes / (hexCharsPerHash(opts.type) + 1)),
                  static_cast<size_t>(bytes / 4));
  size_t malformed = 0;
  for (const std::string& in : a.inputs) {
    // With several inputs, default ids name the file too, so line numbers stay unambiguous.
    opts.defaultIdPrefix =
        a.inputs.size() > 1 ? std::filesystem::path(in).filename().string() + ":" : "";
    const ListParseStats s = parseListFile(in, opts, [&](const ListEntryView& e) {
      if (e.frames.empty()) return builder.add(e.hash, e.quality, e.id);
      // A video entry: every frame is a list entry of its own, grouped under the video's name.
      for (const ListVideoFrame& f : e.frames)
        builder.addVideoFrame(f.hash, f.quality, e.id, f.frame);
    });
    malformed += s.malformed;
    std::fprintf(stderr,
                 "hashsieve list build: %s: %s, %zu lines, %zu entries, %zu malformed (skipped), "
                 "%zu ignored\n",
                 in.c_str(), listTextFormatName(s.format), s.lines, s.entries, s.malformed,
                 s.ignored);
    for (const std::string& m : s.malformedSamples) std::fprintf(stderr, "  %s\n", m.c_str());
    if (s.malformed > s.malformedSamples.size())
      std::fprintf(stderr, "  ... and %zu more\n", s.malformed - s.malformedSamples.size());
  }
  const double parseSeconds = secondsSince(t0);
  ListBuilder::Summary sum;
  const hsl::Image image = builder.build(&sum);
  hsl::writeImage(image, a.output);
  const hsl::Header h = hsl::decodeHeader(image.view());
  std::fprintf(stderr,
               "hashsieve list build: wrote %s: %s, %zu entries (%zu duplicates merged), %zu ids, "
               "%zu videos, %zu malformed lines skipped, %zu bytes, sha256 %s; parse %.2f s, "
               "total %.2f s\n",
               a.output.c_str(), hashTypeName(opts.type), sum.entries, sum.mergedDuplicates,
               sum.ids, sum.videos, malformed, image.bytes, hsl::checksumHex(h.checksum).c_str(),
               parseSeconds, secondsSince(t0));
  if (sum.entries == 0) std::fprintf(stderr, "hashsieve list build: warning: the list is empty\n");
  return 0;
}

struct InfoArgs {
  std::string list;
  size_t top = 10;
  bool json = false;
  bool verify = true;
};

int runInfo(const InfoArgs& a) {
  const auto t0 = Clock::now();
  const HashList list = HashList::open(a.list, {a.verify});
  const double loadSeconds = secondsSince(t0);
  // Most frequent entries: the hashes that merged the most ids.
  std::vector<std::pair<size_t, size_t>> byIds;  // (ids, entry)
  byIds.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (list.idCountOf(i) > 1) byIds.emplace_back(list.idCountOf(i), i);
  const size_t top = std::min(a.top, byIds.size());
  std::partial_sort(byIds.begin(), byIds.begin() + static_cast<std::ptrdiff_t>(top), byIds.end(),
                    [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : x.second < y.second;
                    });
  constexpr size_t kIdsShown = 5;
  if (a.json) {
    nlohmann::ordered_json j;
    j["list"] = a.list;
    j["type"] = hashTypeName(list.type());
    j["version"] = hsl::kVersion;
    j["entries"] = list.size();
    j["ids"] = list.idCount();
    j["videos"] = list.videoCount();
    j["entries_with_several_ids"] = byIds.size();
    j["bytes"] = list.fileBytes();
    j["sha256"] = hsl::checksumHex(list.checksum());
    j["checksum_verified"] = a.verify;
    j["load_seconds"] = loadSeconds;
    auto& arr = j["most_frequent"] = nlohmann::ordered_json::array();
    for (size_t k = 0; k < top; ++k) {
      nlohmann::ordered_json e;
      e["hash"] = list.hashHex(byIds[k].second);
      e["ids"] = byIds[k].first;
      auto& shown = e["first_ids"] = nlohmann::ordered_json::array();
      for (size_t m = 0; m < std::min(kIdsShown, byIds[k].first); ++m)
        shown.push_back(std::string(list.id(byIds[k].second, m)));
      arr.push_back(std::move(e));
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf(
      "list: %s\ntype: %s\nversion: %u\nentries: %zu\nids: %zu\nvideos: %zu\n"
      "entries with several ids: %zu\nbytes: %llu\nsha256: %s (%s)\nload: %.3f s\n",
      a.list.c_str(), hashTypeName(list.type()), hsl::kVersion, list.size(), list.idCount(),
      list.videoCount(), byIds.size(), static_cast<unsigned long long>(list.fileBytes()),
      hsl::checksumHex(list.checksum()).c_str(), a.verify ? "verified" : "not verified",
      loadSeconds);
  if (top == 0) {
    std::printf("most frequent entries: none (no hash has more than one id)\n");
    return 0;
  }
  std::printf("most frequent entries (ids merged per hash):\n");
  for (size_t k = 0; k < top; ++k) {
    const size_t e = byIds[k].second;
    std::string ids;
    for (size_t m = 0; m < std::min(kIdsShown, byIds[k].first); ++m)
      ids += (m ? ", " : "") + std::string(list.id(e, m));
    if (byIds[k].first > kIdsShown) ids += ", ...";
    std::printf("  %s  %zu ids: %s\n", list.hashHex(e).c_str(), byIds[k].first, ids.c_str());
  }
  return 0;
}

}  // namespace

void addListCommand(CLI::App& app, int& exitCode) {
  CLI::App* list = app.add_subcommand("list", "Build and inspect binary hash lists (.hsl)");
  list->require_subcommand(1);

  auto build = std::make_shared<BuildArgs>();
  CLI::App* b = list->add_subcommand(
      "build",
      "Read text hash lists (hex lines with optional ,quality/,id; CSV with a header; "
      "ThreatExchange `pdq <hex>`; JSONL with pdq/id) into one .hsl list; duplicates merged. "
      "Video frames (vPDQ files `frameNumber,quality,pdqHex,timestamp`, named by their path; "
      "`hashsieve hash` video records, named by their path) are grouped per video for scan's "
      "vPDQ match percentages");
  b->add_option("inputs", build->inputs, "Text list files")->required()->check(CLI::ExistingFile);
  b->add_option("-o,--output", build->output, "The .hsl list to write")->required();
  b->add_option("--type", build->type, "Hash type of the list")
      ->check(CLI::IsMember({"pdq", "phash"}))
      ->capture_default_str();
  b->add_flag("--strict", build->strict,
              "Fail at the first malformed line (default: skip and count)");
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
}

}  // namespace hashsieve::cli
