// Expanding an archive (and the archives inside it) into a stream of items in archive order:
// members with their bytes in memory, error records for what cannot be read, and each
// archive's own record after its members. Nothing is written to disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "host/core/file_digests.hpp"

namespace hashsieve::archive {

enum class ArchiveMode {
  None,    // archives are files like any other
  Top,     // members of archives named or found in the walk; archives inside them are members
  Nested,  // archives inside archives too, up to maxDepth levels
};

struct ArchiveOptions {
  ArchiveMode mode = ArchiveMode::None;
  int maxDepth = 4;                      // archive levels opened (the outermost is level 1)
  int64_t maxMemberBytes = 512LL << 20;  // a member is held in memory up to this size
  int64_t maxArchiveBytes = 16LL << 30;  // uncompressed bytes of all levels of one archive
  double maxRatio = 1000.0;              // uncompressed / compressed bytes of one level ...
  int64_t ratioFloorBytes = 64LL << 20;  // ... once it has produced this many bytes
};

struct ArchiveItem {
  enum class Kind {
    Member,   // a member to decode: `bytes`
    Error,    // a member or archive that could not be read: `error`, `detail`, maybe `digests`
    Archive,  // an archive read to its end: `digests`, `format`, `members`
  };
  Kind kind = Kind::Member;
  std::string path;    // `outer.zip!/dir/inner.zip!/photo.jpg` (member_path.hpp)
  bool member = true;  // false for the outermost archive's own record
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  FileDigests digests;
  std::string error, detail;
  std::string format;    // libarchive's format name (+ filters)
  uint64_t members = 0;  // entries read, directories excluded
};

/// Receives each item in archive order; returns false to stop.
using ArchiveSink = std::function<bool(ArchiveItem&&)>;

/// Expands the archive file `path` (fileLooksLikeArchive said yes; mode is not None).
/// Error reasons: "corrupt", "truncated", "encrypted", "unreadable", "too large" (a member over
/// maxMemberBytes; it still gets its digests), "archive too large" (maxArchiveBytes),
/// "compression ratio" (maxRatio), "nesting too deep" (maxDepth), "archive cycle" (an archive
/// whose bytes equal one of its enclosing archives), "not a regular file" (links, devices).
/// A limit that trips stops the archive and every enclosing one: their records are errors too.
/// `only`: the member names of a `!/` path below `path`; only that member is expanded or
/// emitted (no archive records), or a "not found" error. Returns false when the sink stopped.
bool expandArchiveFile(const std::string& path, const ArchiveOptions& opts, const ArchiveSink& sink,
                       std::span<const std::string> only = {});

/// The same over bytes in memory named `path` (tests and the fuzz target).
bool expandArchiveBytes(std::span<const uint8_t> bytes, const std::string& path,
                        const ArchiveOptions& opts, const ArchiveSink& sink);

}  // namespace hashsieve::archive
