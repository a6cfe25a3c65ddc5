// `hashsieve merge`: the shards' --stats-json and audit records combined into one each.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hashsieve::cli {

/// Counts add up (integers summed; threads and peak_* take the maximum), stage seconds add up,
/// wall_seconds is the longest shard's, rates are dropped (shards may not have run at once);
/// "shards" keeps every shard's own document.
nlohmann::ordered_json mergeStatsJson(const std::vector<nlohmann::ordered_json>& shards);

/// The first shard's record with counts summed, start/end the earliest/latest, elapsed between
/// them, the worst exit status, `output` the merged file; "shards" lists each shard's device,
/// counts, times and exit status.
nlohmann::ordered_json mergeAuditJson(const std::vector<nlohmann::ordered_json>& shards,
                                      const std::string& output);

}  // namespace hashsieve::cli
