// The files of a benchmark corpus: the paths a make-corpus manifest.jsonl lists, or else every
// regular file under the directory, in byte order (the same order on every run).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace hashsieve::bench {

struct CorpusFile {
  std::filesystem::path path;
  int64_t bytes = 0;
};

struct Corpus {
  std::filesystem::path root;
  bool fromManifest = false;
  std::vector<CorpusFile> files;
  int64_t totalBytes = 0;
};

/// Throws UsageError when `root` is not a directory or holds no file.
/// Entries that are not regular files (directories, dangling or looping symlinks) are left out.
Corpus loadCorpus(const std::filesystem::path& root);

}  // namespace hashsieve::bench
