// --files-from: the list of input paths read from a file or stdin.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "host/pipeline/shard.hpp"

namespace hashsieve::pipeline {

/// Splits `in` on '\n' (or on '\0' when `nulSeparated`, for names that contain newlines).
/// Empty entries are dropped; nothing else is trimmed (a name may end in a space or '\r').
std::vector<std::string> readPathList(std::istream& in, bool nulSeparated);

/// Reads the list from `source` ("-" = stdin). Throws UsageError when it cannot be opened.
/// The whole list is held in memory: about the size of the list file.
std::vector<std::string> readPathList(const std::string& source, bool nulSeparated);

/// A shard's share of the roots: `given` (the command line's, all kept) then the list `source`,
/// read as a stream so that a list of millions of names is never held whole. `roots` receives
/// `given` and the entries the shard may own: its own keys (shard.hpp), and directories, whose
/// files are keyed below them. Every other entry is one input of the whole walk (stat'ed once to
/// tell it from a directory), counted in the result's skips. The result also has the count and
/// digest of all the roots, so the shard fingerprint equals an unstreamed run's. Memory: the
/// shard's own entries. Throws UsageError when the list cannot be opened.
PartialWalk readShardPathList(const std::string& source, bool nulSeparated, ShardSpec shard,
                              const std::vector<std::string>& given,
                              std::vector<std::string>& roots);

}  // namespace hashsieve::pipeline
