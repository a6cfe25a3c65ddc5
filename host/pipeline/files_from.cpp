// Reading --files-from lists, newline- or NUL-separated.
#include "host/pipeline/files_from.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "host/core/errors.hpp"

namespace hashsieve::pipeline {

namespace {

PartialWalk readShardPathList(std::istream& in, bool nulSeparated, ShardSpec shard,
                              const std::vector<std::string>& given,
                              std::vector<std::string>& roots) {
  PartialWalk partial;
  roots = given;
  partial.skippedBefore.assign(given.size(), 0);
  for (const std::string& r : given) partial.rootsFnv = fnv1a64(r + '\0', partial.rootsFnv);
  partial.roots = given.size();
  uint64_t skipped = 0;
  std::string entry;
  struct stat st {};
  while (std::getline(in, entry, nulSeparated ? '\0' : '\n')) {
    if (entry.empty()) continue;
    ++partial.roots;
    partial.rootsFnv = fnv1a64(entry, partial.rootsFnv);
    partial.rootsFnv = fnv1a64(std::string_view("\0", 1), partial.rootsFnv);
    // A root that is not a directory is one input keyed by the name as given (shard.hpp).
    if (shardOf(entry, shard.count) != shard.index &&
        !(::stat(entry.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
      ++skipped;
      continue;
    }
    roots.push_back(std::move(entry));
    partial.skippedBefore.push_back(skipped);
    skipped = 0;
  }
  partial.skippedAfter = skipped;
  return partial;
}

}  // namespace

std::vector<std::string> readPathList(std::istream& in, bool nulSeparated) {
  std::vector<std::string> paths;
  std::string entry;
  while (std::getline(in, entry, nulSeparated ? '\0' : '\n'))
    if (!entry.empty()) paths.push_back(std::move(entry));
  return paths;
}

std::vector<std::string> readPathList(const std::string& source, bool nulSeparated) {
  if (source == "-") return readPathList(std::cin, nulSeparated);
  std::ifstream in(source, std::ios::binary);
  if (!in) throw UsageError("--files-from " + source + ": " + std::strerror(errno));
  return readPathList(in, nulSeparated);
}

PartialWalk readShardPathList(const std::string& source, bool nulSeparated, ShardSpec shard,
                              const std::vector<std::string>& given,
                              std::vector<std::string>& roots) {
  if (source == "-") return readShardPathList(std::cin, nulSeparated, shard, given, roots);
  std::ifstream in(source, std::ios::binary);
  if (!in) throw UsageError("--files-from " + source + ": " + std::strerror(errno));
  return readShardPathList(in, nulSeparated, shard, given, roots);
}

}  // namespace hashsieve::pipeline
