// The resume journal (--journal FILE): finished records appended in batches and fsync'd, one
// checksummed line each, so a rerun of the same command skips the files already done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/pipeline/unique_fd.hpp"

namespace hashsieve::pipeline {

/// Identifies a finished file: the same path with the same size and mtime is not redone.
struct JournalKey {
  std::string path;  // exact bytes
  int64_t size = -1;
  int64_t mtimeNs = -1;
};

/// File layout, one entry per line:  CCCCCCCC <path hex> <size> <mtime ns> <record JSON>
/// where CCCCCCCC is the CRC-32 (8 hex digits) of everything after its space. The first line
/// is a header, "CCCCCCCC hashsieve-journal-1 <options>", in the same framing. Lines are only ever
/// appended; at open, everything from the first line that fails its checksum or lacks its
/// newline (a write torn by kill -9 or power loss) is discarded and truncated away.
/// Memory: 24 bytes per entry (a hash of the key and the line's offset); records are read
/// back with pread on demand.
/// Which items of two option fingerprints ("a=1; b=2; ...") differ, for the refusal message:
/// "journal: dihedral=0; this run: dihedral=1".
std::string describeOptionChange(std::string_view journalled, std::string_view now);

class Journal {
 public:
  /// Opens or creates `path`. `options` fingerprints everything that changes a record; a
  /// journal written with other options is refused (UsageError), as is a file that is not a
  /// journal. Throws FatalError when the file cannot be created or written, or when another
  /// process holds it (an exclusive flock for the journal's lifetime).
  Journal(const std::string& path, std::string options);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// The journalled record (canonical JSON text) for `key`, if any. Thread-safe.
  std::optional<std::string> lookup(const JournalKey& key) const;

  /// Buffers one entry; `recordJson` is the canonical compact JSON of the record.
  /// Not thread-safe (one writer thread).
  void append(const JournalKey& key, const std::string& recordJson);
  /// Writes the buffered entries and fdatasync()s them. Throws FatalError on failure.
  void commit();
  size_t pendingEntries() const { return pending_; }

  size_t entriesLoaded() const { return index_.size(); }
  /// Bytes cut off the end at open (a torn tail); 0 normally.
  uint64_t bytesDiscarded() const { return discarded_; }

 private:
  struct Entry {
    uint64_t keyHash;
    uint64_t offset;  // of the line's first byte
    uint32_t length;  // without the newline
  };
  void load();
  std::string frame(const std::string& json) const;

  std::string path_;
  std::string options_;
  UniqueFd fd_;
  std::vector<Entry> index_;  // sorted by keyHash
  std::string buffer_;
  size_t pending_ = 0;
  uint64_t discarded_ = 0;
};

/// Hash of a key for the in-memory index (FNV-1a 64 over path, size, mtime).
uint64_t journalKeyHash(const JournalKey& key);

}  // namespace hashsieve::pipeline
