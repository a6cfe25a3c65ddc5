// `hashsieve plan`: walks a backlog once and writes one input list per shard (walk_plan.hpp), for
// arrays that should not each walk, or list, the whole backlog.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/pipeline/walk_plan.hpp"
#include "tools/hashsieve/commands.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;

struct PlanArgs {
  std::vector<std::string> paths;
  std::string filesFrom;
  bool nul = false;
  bool followSymlinks = false;
  uint32_t chunks = 0;
  std::string output;
};

constexpr const char* kPlanFooter =
    R"(The inputs (PATHs, then the --files-from list, read as a stream) are walked once, as
`hash` walks them, and each walked input goes to chunk shardOf(its path below its root, N): the
assignment `--shard I/N` uses, so a chunk holds what shard I would hash, an archive with all its
members. DIR gets chunk-0.txt .. chunk-(N-1).txt (per input, in walk order: ordinal, ok or the
error tag, detail, path; NUL-terminated) and plan.json (written last: chunks, inputs of the
walk, the roots' count and digest, --follow-symlinks, inputs and bytes per chunk).

Run chunk I as shard I: `hashsieve hash --plan DIR --shard I/N -o out.%i.jsonl` (--shard auto
under an array of N tasks, or loop over several chunks per task where the array size is capped),
then `hashsieve merge out.%i.jsonl -o out.jsonl`: the output of one unsharded run over the same
inputs. Files are stat'ed again when a shard reads its chunk; the plan is the walk of its time.

Exit status: 0 written, 2 usage error, 3 DIR not writable.)";

int runPlan(const PlanArgs& a) {
  if (a.paths.empty() && a.filesFrom.empty())
    throw UsageError("plan: give files or directories, or --files-from FILE");
  if (a.nul && a.filesFrom.empty()) throw UsageError("-0 only applies to --files-from");
  if (a.chunks < 1 || a.chunks > pl::kMaxShards)
    throw UsageError("plan: --chunks must be 1.." + std::to_string(pl::kMaxShards));
  std::ifstream file;
  std::istream* list = nullptr;
  if (a.filesFrom == "-") {
    list = &std::cin;
  } else if (!a.filesFrom.empty()) {
    file.open(a.filesFrom, std::ios::binary);
    if (!file) throw UsageError("--files-from " + a.filesFrom + ": cannot open");
    list = &file;
  }
  size_t given = 0;
  const pl::RootSource next = [&](std::string& root) {
    if (given < a.paths.size()) {
      root = a.paths[given++];
      return true;
    }
    while (list && std::getline(*list, root, a.nul ? '\0' : '\n'))
      if (!root.empty()) return true;
    return false;
  };
  pl::WalkOptions walk;
  walk.followSymlinks = a.followSymlinks;
  const pl::PlanSummary plan = pl::writeWalkPlan(next, walk, a.chunks, a.output);
  const auto [lo, hi] = std::minmax_element(plan.inputs.begin(), plan.inputs.end());
  std::fprintf(stderr, "hashsieve plan: %llu inputs in %u chunks (%llu to %llu each) in %s\n",
               static_cast<unsigned long long>(plan.walked), plan.chunks,
               static_cast<unsigned long long>(*lo), static_cast<unsigned long long>(*hi),
               a.output.c_str());
  return 0;
}

}  // namespace

void addPlanCommand(CLI::App& app, int& exitCode) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* c = app.add_subcommand(
      "plan", "Walk the inputs once and write one input list per shard (for `hash|scan --plan`)");
  c->footer(kPlanFooter);
  c->add_option("paths", a->paths, "Files and directories (directories are walked recursively)");
  c->add_option("--files-from", a->filesFrom, "Read more input paths from FILE (- = stdin)");
  c->add_flag("-0,--null", a->nul, "--files-from entries are NUL-separated");
  c->add_flag("--follow-symlinks", a->followSymlinks,
              "Follow symlinks inside directories (the shards must be run with it too)");
  c->add_option("--chunks", a->chunks, "Chunks N: one per shard of `--shard I/N`")->required();
  c->add_option("-o,--output", a->output, "Directory for the chunks and plan.json")->required();
  c->callback([a, &exitCode] { exitCode = runPlan(*a); });
}

}  // namespace hashsieve::cli
