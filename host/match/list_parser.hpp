// Readers for the text hash-list formats in use (docs/ALGORITHMS.md §7): plain hex
// lines, CSV with a header, ThreatExchange `pdq <hex>` lines, JSONL. The format is detected per
// file from its first significant line; each entry goes to a sink (usually a ListBuilder).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  NcmecXml,        // NCMEC hash-sharing XML (ncmec_xml.hpp)
  VicsJson,        // Project VIC VICS JSON (vics_json.hpp)
};
const char* listTextFormatName(ListTextFormat f);

struct ListParseOptions {
  /// The list's type; entries of other types are ignored (counted), and a plain line holding
  /// another kind of hash (an MD5 in a PDQ list) is malformed, its reason naming the kind.
  HashType type = HashType::Pdq;
  /// Read every type instead (`list build` without --type): a hash's kind comes from its
  /// column, key or signal type, else from its length (16 pHash, 32 MD5, 40 SHA-1, 64 `hex64`).
  bool autoType = false;
  HashType hex64 = HashType::Pdq;
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
  HashType type = HashType::Pdq;  // the hash's kind (always the list's type unless autoType)
  std::string_view meta;          // metadata as a compact JSON object, or empty
  size_t line = 0;                // 1-based line of a text format (0: XML / VICS documents)
};

struct ListParseStats {
  ListTextFormat format = ListTextFormat::Plain;
  size_t lines = 0;      // lines that were neither blank nor comments (header included)
  size_t entries = 0;    // entries passed to the sink
  size_t malformed = 0;  // skipped (non-strict mode)
  size_t ignored = 0;    // well-formed but not this list's type (other signal types, error records)
  std::vector<std::string> malformedSamples;  // the first few, as "source:line: reason"
  size_t removed = 0;                         // deletions (NCMEC deletedImage/deletedVideo)
  /// Fingerprints of kinds hashsieve cannot use (PhotoDNA, TMK, ...), by element name.
  std::vector<std::pair<std::string, size_t>> unusable;
  void countUnusable(std::string_view kind);
  /// Records a malformed entry (throws FormatError instead in strict mode).
  void addMalformed(std::string message, bool strict);
};

using ListEntrySink = std::function<void(const ListEntryView&)>;
/// Called by formats with updates (NCMEC): with `deletion` for an entry a later page deletes,
/// without it before an entry that may replace an earlier page's entry of the same id.
using ListRemoveSink = std::function<void(std::string_view id, bool deletion)>;

/// Parses a whole text (UTF-8 BOM, CRLF, blank lines and `#` comments tolerated).
/// `source` names the text in messages. Throws FormatError in strict mode or when a CSV header
/// names no hash column.
ListParseStats parseListText(std::string_view text, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink);
/// Maps and parses a file. Throws InputError when it cannot be read.
ListParseStats parseListFile(const std::filesystem::path& path, const ListParseOptions& opts,
                             const ListEntrySink& sink);
/// Any list input: a file, or `-` for standard input (pipes and /dev/stdin too). NCMEC XML and
/// VICS JSON are detected from the first bytes and parsed streaming; text formats as above.
ListParseStats parseListInput(const std::string& input, const ListParseOptions& opts,
                              const ListEntrySink& sink, const ListRemoveSink& remove);
/// The same from a stream whose first bytes, `head`, were already read from it (to look at
/// them first); `source` names it in messages.
ListParseStats parseListStream(std::istream& in, std::string head, const std::string& source,
                               const ListParseOptions& opts, const ListEntrySink& sink,
                               const ListRemoveSink& remove);

}  // namespace hashsieve
