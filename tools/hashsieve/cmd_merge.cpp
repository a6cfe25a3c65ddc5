// `hashsieve merge`: joins the outputs of a sharded hash/scan run (--shard) into the file the
// unsharded run would have written, byte for byte, with its statistics and audit record.
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/pipeline/shard.hpp"
#include "host/pipeline/shard_merge.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/shard_reports.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;
using Json = nlohmann::ordered_json;

struct MergeArgs {
  std::vector<std::string> shards;
  std::string output;
  std::string statsJson;
  std::string audit;
};

constexpr const char* kMergeFooter =
    R"(Each shard output of `hashsieve hash|scan --shard I/N -o FILE` has an index beside it
(FILE.shard, written last, when the shard finished) recording the run's fingerprint (command,
every option that changes the output, the roots), the shard count, how many inputs the whole
walk had, and each record's ordinal in that walk and its length in bytes. Merge checks the set
(one run, every shard exactly once, the files intact: size and CRC-32), writes the common
header once and then the records in walk order: the file one unsharded run would have written.
One argument holding %i stands for all N shards (out.%i.jsonl), for arrays too large for a
command line. Refused sets are named: different options, missing or duplicate shard,
truncated or modified output, inputs that changed between shards.

Exit status: 0 merged, 2 the files are not one complete shard set, 3 a shard is unreadable,
truncated or damaged, or the output cannot be written.)";

std::vector<std::string> expandArguments(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].find("%i") == std::string::npos) return args;
  const uint32_t n =
      pl::readShardIndex(pl::shardIndexPath(pl::expandShardTemplate(args[0], 0))).shards;
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back(pl::expandShardTemplate(args[0], i));
  return out;
}

/// Every shard file is open at once while merging: allow as many as the hard limit does.
void raiseOpenFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/// The shards' reports of one kind (stats or audit); empty when no shard wrote one, FormatError
/// when only some did or one is unreadable.
std::vector<Json> loadReports(const pl::ShardSet& set, bool audit) {
  std::vector<Json> docs;
  for (size_t i = 0; i < set.indexes.size(); ++i) {
    const std::string& path = audit ? set.indexes[i].audit : set.indexes[i].stats;
    if (path.empty()) continue;
    std::ifstream in(path, std::ios::binary);
    try {
      docs.push_back(Json::parse(in));
    } catch (const std::exception& e) {
      throw FormatError(path + ": unreadable " + (audit ? "audit record" : "statistics") +
                        " of shard " + std::to_string(i) + ": " + e.what());
    }
  }
  if (!docs.empty() && docs.size() != set.indexes.size())
    throw FormatError(std::string("merge: only some shards wrote ") +
                      (audit ? "an audit record" : "--stats-json"));
  return docs;
}

int runMerge(const MergeArgs& a) {
  raiseOpenFileLimit();
  const pl::ShardSet set = pl::checkShardSet(expandArguments(a.shards));
  const std::vector<Json> stats = loadReports(set, false);
  const std::vector<Json> audits = loadReports(set, true);
  if (!a.statsJson.empty() && stats.empty())
    throw UsageError("--stats-json: the shards were run without --stats-json");

  auto out = pl::OutputStream::open(a.output);
  pl::mergeShardOutputs(set, *out);
  out->commit();
  if (!a.statsJson.empty())
    pl::writeFileAtomically(a.statsJson, mergeStatsJson(stats).dump(2) + "\n");
  std::string auditPath = a.audit;
  if (auditPath.empty() && a.output != "-") auditPath = a.output + ".audit.json";
  if (!audits.empty() && !auditPath.empty())
    pl::writeFileAtomically(auditPath, mergeAuditJson(audits, a.output).dump(2) + "\n");
  int status = 0;
  for (const Json& j : audits) status = std::max(status, j.value("exit_status", 0));
  // Error records in a shard (exit 1 there) are records of the merged run too.
  return status == 1 ? 1 : 0;
}

}  // namespace

void addMergeCommand(CLI::App& app, int& exitCode) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* c = app.add_subcommand(
      "merge", "Join the shard outputs of a `hash|scan --shard` run into the unsharded output");
  c->footer(kMergeFooter);
  c->add_option("shards", a->shards, "The shard outputs (any order), or one name with %i")
      ->required();
  c->add_option("-o,--output", a->output, "The merged output (- = stdout)")->required();
  c->add_option("--stats-json", a->statsJson,
                "Write the shards' --stats-json merged (counts summed, each shard kept)");
  c->add_option("--audit", a->audit,
                "Write the merged audit record here (default OUTPUT.audit.json when the shards "
                "have audit records and -o is a file)");
  c->callback([a, &exitCode] { exitCode = runMerge(*a); });
}

}  // namespace hashsieve::cli
