// Corpus listing from manifest.jsonl (make-corpus) or a directory walk.
#include "host/selfbench/corpus.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve::bench {
namespace {

namespace fs = std::filesystem;

// make-corpus writes non-UTF-8 names percent-escaped in "path" and exactly in "path_hex".
std::string bytesFromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

void addIfRegular(Corpus& c, const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return;  // follows symlinks; loops and dangling links fail
  const auto size = fs::file_size(p, ec);
  if (ec) return;
  c.files.push_back({p, static_cast<int64_t>(size)});
  c.totalBytes += static_cast<int64_t>(size);
}

}  // namespace

Corpus loadCorpus(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw UsageError("--corpus: not a directory: " + root.string());
  Corpus c;
  c.root = root;
  const fs::path manifest = root / "manifest.jsonl";
  if (fs::is_regular_file(manifest, ec)) {
    c.fromManifest = true;
    std::ifstream in(manifest);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const auto entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!entry.is_object() || !entry.contains("path")) {
        throw UsageError("--corpus: malformed line in " + manifest.string());
      }
      const std::string rel = entry.contains("path_hex") && entry["path_hex"].is_string()
                                  ? bytesFromHex(entry["path_hex"].get<std::string>())
                                  : entry["path"].get<std::string>();
      addIfRegular(c, root / rel);
    }
  } else {
    std::vector<fs::path> paths;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end(),
              [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
    for (const fs::path& p : paths) addIfRegular(c, p);
  }
  if (c.files.empty()) throw UsageError("--corpus: no files in " + root.string());
  return c;
}

}  // namespace hashsieve::bench
