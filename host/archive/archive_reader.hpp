// One archive level read with libarchive: formats chosen by content, entries one at a time,
// member data streamed in chunks. Never extracts, never prompts for a password.
#pragma once

#include <archive.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "host/media/input_file.hpp"

namespace hashsieve::archive {

struct Entry {
  enum class Type { File, Directory, Link, Other };
  std::string name;  // the stored pathname bytes, as they are (never used as a path here)
  Type type = Type::File;
  std::string linkTarget;  // Link: the symlink or hard-link target
  int64_t size = -1;       // declared uncompressed size; -1 when the header does not say
  bool encrypted = false;  // data (or metadata) encrypted: unreadable without a password
};

/// Throws InputError with the reason tags "corrupt", "truncated", "encrypted" (or
/// "unreadable" for a read error of the file underneath). Formats: ZIP (incl. ZIP64; store,
/// deflate, bzip2, lzma, xz, zstd), TAR (any of the filters), 7z, RAR 4/5, ISO 9660, CPIO, and
/// a lone gzip/bzip2/xz/lzma/zstd stream (libarchive's raw format: one entry).
class ArchiveReader {
 public:
  /// Reads `file` (positional reads, so the file's digests are collected as it goes).
  explicit ArchiveReader(media::detail::InputFile& file);
  /// Reads bytes in memory (a nested archive); `bytes` must outlive the reader.
  explicit ArchiveReader(std::span<const uint8_t> bytes);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  /// The next entry; false after the last one.
  bool next(Entry& entry);
  /// Up to `n` bytes of the current entry's data; 0 at its end.
  size_t read(uint8_t* dst, size_t n);
  /// Skips the rest of the current entry's data.
  void skip();

  /// Compressed bytes the reader has taken from its source so far (for the ratio limit).
  int64_t sourceBytesRead() const { return consumed_; }
  /// libarchive's format name plus its compression filters, e.g. "GNU tar format + gzip".
  std::string formatName() const;
  /// libarchive's raw format: a lone compressed stream whose single entry has no real name.
  bool isRawStream() const;

 private:
  struct Deleter {
    void operator()(struct archive* a) const;
  };
  void open();
  [[noreturn]] void fail(const char* during) const;
  static la_ssize_t readCallback(struct archive*, void* self, const void** buffer);
  static la_int64_t skipCallback(struct archive*, void* self, la_int64_t request);
  static la_int64_t seekCallback(struct archive*, void* self, la_int64_t offset, int whence);

  std::unique_ptr<struct archive, Deleter> a_;
  media::detail::InputFile* file_ = nullptr;  // the source: a file ...
  std::span<const uint8_t> memory_;           // ... or bytes in memory
  int64_t size_ = 0;
  int64_t pos_ = 0;
  int64_t consumed_ = 0;
  int readErrno_ = 0;
  std::unique_ptr<uint8_t[]> buffer_;  // file reads land here
};

}  // namespace hashsieve::archive
