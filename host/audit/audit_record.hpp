// The audit record: one JSON document per run saying what ran, on what, with which settings,
// over which lists and inputs, and how many files came out each way. Hashes and paths only.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hashsieve::audit {

/// Bumped when a key is renamed or removed (adding keys keeps it).
inline constexpr int kAuditSchemaVersion = 1;

/// One hash list the run matched against.
struct ListInfo {
  std::string path;      // as given (bytes; non-UTF-8 is kept exactly in path_hex)
  std::string hashType;  // "pdq", "phash", ...
  int64_t count = 0;     // entries after duplicates were merged
  std::string checksum;  // the list's own checksum as its loader verified it (hex)
  std::string pdqLuma;   // PDQ lists: the luma rounding the list declares, or "unknown"
};

/// Thresholds in force; unset ones are omitted (e.g. `hash` matches nothing).
struct Thresholds {
  std::optional<int> pdqDistance;  // a match is distance <= this
  std::optional<int> phashDistance;
  std::optional<int> minQuality;  // queries below this PDQ quality are not matched
};

struct Counts {
  int64_t hashed = 0;              // files that produced a hash record
  int64_t failed = 0;              // files that produced an error record
  std::optional<int64_t> matched;  // files with at least one match (match/scan only)
};

struct AuditRecord {
  std::string command;  // "hash", "match", "scan"
  std::string version;  // hashsieve version
  std::string commit;   // git commit the binary was built from
  std::string backend;  // "cpu", "cuda"
  std::string device;   // e.g. "x86_64, 2 threads" or the GPU's name
  /// "usable", or why CUDA was not used (no driver, driver too old, no device, out of memory);
  /// empty: not recorded (key omitted).
  std::string cuda;
  /// Algorithm variants, e.g. {"pdq": "Meta reference, library path", "phash": "imagehash..."}.
  nlohmann::ordered_json algorithms = nlohmann::ordered_json::object();
  /// Other settings that change results (limits, video fps, orientation, ...), caller's keys.
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();
  Thresholds thresholds;
  std::vector<ListInfo> lists;
  std::vector<std::string> inputRoots;  // paths as given on the command line (or --files-from)
  std::string output;                   // where records went ("-" for stdout)
  Counts counts;
  std::chrono::system_clock::time_point start, end;
  int exitStatus = 0;
};

/// The record as JSON, keys in a fixed order. Paths that are not valid UTF-8 are written in a
/// readable form with the exact bytes beside them as hex (`path_hex`, `roots_hex`).
nlohmann::ordered_json toJson(const AuditRecord& r);

/// Writes the record (pretty-printed, newline-terminated) to `path` atomically: a temporary file
/// beside it, then rename, so a reader never sees half a record. Throws std::runtime_error
/// naming the path when it cannot be written.
void writeAuditRecord(const AuditRecord& r, const std::filesystem::path& path);

/// Fails early (std::runtime_error naming the path) when the record could not be written there:
/// creates and removes the temporary that writeAuditRecord() would use.
void probeWritable(const std::filesystem::path& path);

/// Default place for the record when the run writes to a file: `OUTPUT.audit.json` beside it.
std::filesystem::path defaultAuditPath(const std::filesystem::path& output);

/// UTC ISO 8601 with milliseconds, e.g. "2024-05-01T12:00:00.123Z".
std::string isoUtc(std::chrono::system_clock::time_point t);

}  // namespace hashsieve::audit
