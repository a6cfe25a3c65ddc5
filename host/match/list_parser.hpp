// Readers for the text hash-list formats in use (docs/ALGORITHMS.md §7): plain hex
// lines, CSV with a header, ThreatExchange `pdq <hex>` lines, JSONL. The format is detected per
// file from its first significant line; each entry goes to a sink (usually a ListBuilder).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {

enum class ListTextFormat {
  Plain,           // hex[,quality][,id][,extra...]  (the reference tool's hash,quality,path)
  Csv,             // a header line naming the hash column (pdq/hash/phash), optional id, quality
  ThreatExchange,  // `<signal_type> <value>`; lines of other signal types are ignored
  Jsonl,           // {"pdq": hex, "id": ..., "quality": ...} per line (also StopNCII records)
  VpdqFrames,      // a vPDQ frame file: frameNumber,quality,pdqHex,timestamp per line
};
const char* listTextFormatName(ListTextFormat f);

struct ListParseOptions {
  HashType type = HashType::Pdq;
  /// Throw FormatError naming source:line at the first malformed line instead of skipping it.
  bool strict = false;
  /// An entry without an id gets `prefix + <1-based line number>`.
  std::string defaultIdPrefix;
};

/// One frame of a video entry.
struct ListVideoFrame {
  Hash256 hash;
  int quality = -1;
  int64_t frame = 0;  // the vPDQ frame number, >= 0
};

/// One parsed entry (one per list line); `id` and `frames` are valid only during the sink call.
/// quality -1 = none given. Video frames come as a video entry: `frames` non-empty (one for a
/// line of a vPDQ frame file, all sampled frames for a `hashsieve hash` video record), `id` the
/// video's name (the vPDQ file's source name, the record's path), hash and quality those of
/// its first frame.
struct ListEntryView {
  Hash256 hash;  // pHash lists: w[0] only
  int quality = -1;
  std::string_view id;
  std::span<const ListVideoFrame> frames;
};

struct ListParseStats {
  ListTextFormat format = ListTextFormat::Plain;
  size_t lines = 0;      // lines that were neither blank nor comments (header included)
  size_t entries = 0;    // entries passed to the sink
  size_t malformed = 0;  // skipped (non-strict mode)
  size_t ignored = 0;    // well-formed but not this list's type (other signal types, error records)
  std::vector<std::string> malformedSamples;  // the first few, as "source:line: reason"
};

using ListEntrySink = std::function<void(const ListEntryView&)>;

/// Parses a whole text (UTF-8 BOM, CRLF, blank lines and `#` comments tolerated).
/// `source` names the text in messages. Throws FormatError in strict mode or when a CSV header
/// names no hash column.
ListParseStats parseListText(std::string_view text, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink);
/// Maps and parses a file. Throws InputError when it cannot be read.
ListParseStats parseListFile(const std::filesystem::path& path, const ListParseOptions& opts,
                             const ListEntrySink& sink);

}  // namespace hashsieve
