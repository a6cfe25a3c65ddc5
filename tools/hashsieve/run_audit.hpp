// The audit record of a CLI run (host/audit): where it goes and what a `hash` run puts in it.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "host/audit/audit_record.hpp"
#include "host/match/hash_list.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/run_stats.hpp"
#include "host/pipeline/shard.hpp"

namespace hashsieve::cli {

/// --audit FILE when given; else OUTPUT.audit.json beside a file output; none for stdout.
std::optional<std::filesystem::path> auditPathFor(const std::string& auditArg,
                                                  const std::string& output);

/// The record of a finished `hash` run: settings from `opts`, counts from `stats`.
audit::AuditRecord hashAuditRecord(const pipeline::PipelineOptions& opts, const std::string& output,
                                   const pipeline::RunStats& stats,
                                   std::chrono::system_clock::time_point start,
                                   std::chrono::system_clock::time_point end, int exitStatus);

/// A sharded run's `settings.shard` ("I/N") and, for a plan chunk, `settings.plan` (its inputs;
/// input_roots is then empty).
void noteShard(audit::AuditRecord& r, const std::optional<pipeline::ShardSpec>& shard,
               const std::string& plan);

/// A record with what every command shares filled in: version, build commit, backend, device.
audit::AuditRecord startAuditRecord(const std::string& command, const std::string& backend);

/// A loaded list as the audit names it: path, type, entries and its verified checksum.
audit::ListInfo listAuditInfo(const std::string& path, const HashList& list);

/// What hashed: the CPU model and thread count, or the GPU for the CUDA backend.
std::string deviceDescription(const std::string& backend);

}  // namespace hashsieve::cli
