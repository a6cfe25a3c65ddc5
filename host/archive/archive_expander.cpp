// Recursive, streaming archive expansion with the bomb, depth and cycle limits.
#include "host/archive/archive_expander.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "host/archive/archive_reader.hpp"
#include "host/archive/archive_sniff.hpp"
#include "host/archive/member_path.hpp"
#include "host/core/errors.hpp"
#include "host/media/input_file.hpp"

namespace hashsieve::archive {
namespace {

constexpr size_t kMemberChunkBytes = 256 * 1024;  // one archive_read_data call
constexpr int64_t kMaxReserveBytes = 64LL << 20;  // a declared size is trusted up to this

/// A limit tripped: the member's error is out; this archive and every enclosing one stop.
struct LimitTripped {
  std::string reason, detail;
};
/// The sink returned false.
struct SinkStopped {};

/// InputError::what() is "reason: detail"; records keep them apart.
std::string detailOf(const InputError& e) {
  const std::string what = e.what();
  const std::string prefix = e.reason() + ": ";
  return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : "";
}

/// The name of a lone compressed stream's content: the archive's name less its suffix.
std::string rawMemberName(std::string_view archivePath) {
  const size_t slash = archivePath.find_last_of('/');
  std::string_view name =
      slash == std::string_view::npos ? archivePath : archivePath.substr(slash + 1);
  for (std::string_view suffix : {".gz", ".bz2", ".xz", ".lzma", ".zst", ".zstd"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return std::string(name.substr(0, name.size() - suffix.size()));
  }
  return "data";
}

media::Limits unlimitedFile() {
  media::Limits limits;
  limits.maxFileBytes = INT64_MAX;  // archives are limited by what they expand to
  return limits;
}

class Expander {
 public:
  Expander(const ArchiveOptions& opts, const ArchiveSink& sink) : opts_(opts), sink_(sink) {}

  /// The outermost archive is a file: its digest is only computed for a cycle check.
  void setOutermostFile(const std::string& path, int64_t size) {
    topPath_ = path;
    topSize_ = size;
  }

  void emit(ArchiveItem&& item) {
    if (!sink_(std::move(item))) throw SinkStopped{};
  }

  void emitError(const std::string& path, std::string reason, std::string detail,
                 FileDigests digests = {}) {
    ArchiveItem item;
    item.kind = ArchiveItem::Kind::Error;
    item.path = path;
    item.error = std::move(reason);
    item.detail = std::move(detail);
    item.digests = std::move(digests);
    emit(std::move(item));
  }

  /// Reads one archive level at nesting `depth` (1 = outermost), emitting its members.
  /// Returns the entries read. Throws InputError when the level itself fails (after the record
  /// of a member whose data failed), LimitTripped, SinkStopped.
  uint64_t readLevel(ArchiveReader& reader, const std::string& archivePath, int depth,
                     std::span<const std::string> only, bool& found) {
    uint64_t members = 0;
    int64_t levelOut = 0;
    Entry entry;
    while (reader.next(entry)) {
      if (entry.type == Entry::Type::Directory) continue;  // structure, not content
      if (reader.isRawStream()) entry.name = rawMemberName(archivePath);
      if (!only.empty() && entry.name != only.front()) continue;
      found = true;
      ++members;
      const std::string path = joinMember(archivePath, entry.name);
      if (entry.type != Entry::Type::File) {
        emitError(path, "not a regular file",
                  entry.type == Entry::Type::Link ? "link to " + entry.linkTarget
                                                  : "special file in the archive");
      } else if (entry.encrypted) {
        emitError(path, "encrypted",
                  "member \"" + entry.name + "\" is encrypted; no password is tried");
      } else if (auto bytes = readMember(reader, entry, path, levelOut)) {
        dispatch(std::move(bytes), path, depth, only.empty() ? only : only.subspan(1));
      }
      if (!only.empty()) break;  // the one member named
    }
    return members;
  }

  /// A nested archive already in memory: its members, then its own record.
  void nested(const std::shared_ptr<const std::vector<uint8_t>>& bytes, const std::string& path,
              int depth, FileDigests digests, std::span<const std::string> only) {
    ancestors_.push_back(digests.sha256);
    ArchiveItem record;
    record.kind = ArchiveItem::Kind::Archive;
    record.path = path;
    record.digests = std::move(digests);
    bool found = false;
    try {
      ArchiveReader reader{std::span<const uint8_t>(*bytes)};
      record.members = readLevel(reader, path, depth, only, found);
      record.format = reader.formatName();
    } catch (const InputError& e) {
      record.kind = ArchiveItem::Kind::Error;
      record.error = e.reason();
      record.detail = detailOf(e);
    } catch (const LimitTripped& t) {
      ancestors_.pop_back();
      if (only.empty()) emitError(path, t.reason, t.detail, std::move(record.digests));
      throw;
    }
    ancestors_.pop_back();
    if (!only.empty() && record.kind != ArchiveItem::Kind::Error) {
      if (!found) emitNotFound(path, only);
      return;
    }
    emit(std::move(record));
  }

  void emitNotFound(const std::string& archivePath, std::span<const std::string> only) {
    std::string path = archivePath;
    for (const std::string& name : only) path = joinMember(path, name);
    emitError(path, "not found", "no such member in the archive");
  }

 private:
  /// The member's bytes, or null when it was over maxMemberBytes (its error record is out).
  std::shared_ptr<const std::vector<uint8_t>> readMember(ArchiveReader& reader, const Entry& entry,
                                                         const std::string& path,
                                                         int64_t& levelOut) {
    auto bytes = std::make_shared<std::vector<uint8_t>>();
    if (entry.size > 0)
      bytes->reserve(
          static_cast<size_t>(std::min({entry.size, opts_.maxMemberBytes, kMaxReserveBytes})));
    std::optional<MultiDigest> overflow;  // digests of a member too large to keep
    chunk_.resize(kMemberChunkBytes);
    try {
      while (const size_t n = reader.read(chunk_.data(), chunk_.size())) {
        total_ += static_cast<int64_t>(n);
        levelOut += static_cast<int64_t>(n);
        checkLimits(reader, levelOut, path);
        bytes->insert(bytes->end(), chunk_.begin(), chunk_.begin() + static_cast<ptrdiff_t>(n));
        if (static_cast<int64_t>(bytes->size()) > opts_.maxMemberBytes) {
          if (!overflow) overflow.emplace();
          overflow->update(*bytes);
          bytes->clear();
        }
      }
    } catch (const InputError& e) {
      emitError(path, e.reason(), detailOf(e));
      throw;
    }
    if (overflow) {
      overflow->update(*bytes);
      emitError(path, "too large",
                "member exceeds --max-member-bytes " + std::to_string(opts_.maxMemberBytes),
                overflow->finish());
      return nullptr;
    }
    return bytes;
  }

  void checkLimits(const ArchiveReader& reader, int64_t levelOut, const std::string& path) {
    std::optional<LimitTripped> tripped;
    if (total_ > opts_.maxArchiveBytes) {
      tripped = LimitTripped{"archive too large", "uncompressed bytes exceed --max-archive-bytes " +
                                                      std::to_string(opts_.maxArchiveBytes)};
    } else if (levelOut > opts_.ratioFloorBytes &&
               static_cast<double>(levelOut) >
                   opts_.maxRatio *
                       static_cast<double>(std::max<int64_t>(1, reader.sourceBytesRead()))) {
      tripped = LimitTripped{"compression ratio", std::to_string(levelOut) + " bytes out of " +
                                                      std::to_string(reader.sourceBytesRead()) +
                                                      " exceeds --max-archive-ratio"};
    }
    if (!tripped) return;
    emitError(path, tripped->reason, tripped->detail);
    throw *tripped;
  }

  void dispatch(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& path,
                int depth, std::span<const std::string> only) {
    if (opts_.mode != ArchiveMode::Nested || !bytesLookLikeArchive(*bytes)) {
      if (!only.empty()) return emitNotFound(path, only);
      ArchiveItem item;
      item.kind = ArchiveItem::Kind::Member;
      item.path = path;
      item.bytes = std::move(bytes);
      return emit(std::move(item));
    }
    FileDigests digests = digestBytes(*bytes);
    if (depth + 1 > opts_.maxDepth)
      return emitError(
          path, "nesting too deep",
          "archive nested deeper than --max-archive-depth " + std::to_string(opts_.maxDepth),
          std::move(digests));
    if (isAncestor(digests.sha256, static_cast<int64_t>(bytes->size())))
      return emitError(path, "archive cycle", "the archive contains a copy of an enclosing archive",
                       std::move(digests));
    nested(bytes, path, depth + 1, std::move(digests), only);
  }

  bool isAncestor(const std::string& sha256, int64_t size) {
    if (std::find(ancestors_.begin(), ancestors_.end(), sha256) != ancestors_.end()) return true;
    if (topPath_.empty() || size != topSize_) return false;
    if (!topSha256_) {
      try {
        media::detail::InputFile file(topPath_, unlimitedFile());
        topSha256_ = file.finishDigests().sha256;
      } catch (const InputError&) {
        topSha256_ = "";  // unreadable now: the outermost record reports it
      }
    }
    return *topSha256_ == sha256;
  }

  const ArchiveOptions& opts_;
  const ArchiveSink& sink_;
  int64_t total_ = 0;                   // uncompressed bytes of every level so far
  std::vector<std::string> ancestors_;  // SHA-256 of the nested archives being read
  std::string topPath_;
  int64_t topSize_ = -1;
  std::optional<std::string> topSha256_;
  std::vector<uint8_t> chunk_;
};

}  // namespace

bool expandArchiveFile(const std::string& path, const ArchiveOptions& opts, const ArchiveSink& sink,
                       std::span<const std::string> only) {
  Expander x(opts, sink);
  ArchiveItem record;
  record.kind = ArchiveItem::Kind::Archive;
  record.path = path;
  record.member = false;
  bool found = false;
  try {
    try {
      media::detail::InputFile file(path, unlimitedFile());
      x.setOutermostFile(path, file.size());
      try {
        ArchiveReader reader(file);
        record.members = x.readLevel(reader, escapeName(path), 1, only, found);
        record.format = reader.formatName();
      } catch (const InputError& e) {
        record.kind = ArchiveItem::Kind::Error;
        record.error = e.reason();
        record.detail = detailOf(e);
      } catch (const LimitTripped& t) {
        record.kind = ArchiveItem::Kind::Error;
        record.error = t.reason;
        record.detail = t.detail;
      }
      record.digests = file.finishDigests();
    } catch (const InputError& e) {
      record.kind = ArchiveItem::Kind::Error;
      record.error = e.reason();
      record.detail = detailOf(e);
    }
    if (!only.empty() && record.kind != ArchiveItem::Kind::Error) {
      if (!found) x.emitNotFound(escapeName(path), only);
      return true;
    }
    x.emit(std::move(record));
  } catch (const SinkStopped&) {
    return false;
  }
  return true;
}

bool expandArchiveBytes(std::span<const uint8_t> bytes, const std::string& path,
                        const ArchiveOptions& opts, const ArchiveSink& sink) {
  Expander x(opts, sink);
  auto copy = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  try {
    x.nested(copy, path, 1, digestBytes(bytes), {});
  } catch (const SinkStopped&) {
    return false;
  } catch (const LimitTripped&) {
    // Its error record is out.
  }
  return true;
}

}  // namespace hashsieve::archive
