// One regular file opened for decoding, digested (MD5/SHA-1/SHA-256) as its bytes are read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "host/core/file_digests.hpp"
#include "host/media/media.hpp"

namespace hashsieve::media::detail {

/// Opens only regular files: the type is checked with stat() before open(), and open() uses
/// O_NONBLOCK so a file swapped for a FIFO in between cannot block. Reads are positional;
/// bytes are digested when a read reaches the digest cursor, so sequential decoding digests
/// in the same pass and finishDigests() reads only what seeking decoders skipped.
class InputFile {
 public:
  /// Throws InputError: "not a regular file", "unreadable", "empty file", "too large".
  InputFile(const std::filesystem::path& path, const Limits& limits);
  /// Bytes already in memory (an archive member): never touches the file system. `bytes` must
  /// outlive the InputFile. Throws InputError: "empty file", "too large".
  InputFile(std::span<const uint8_t> bytes, const Limits& limits);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  int64_t size() const { return size_; }

  /// Up to `n` bytes at `offset` into `dst`; returns the count (0 at end of file) or -errno.
  /// Never throws: FFmpeg and libjpeg call it from C callbacks.
  int64_t readAt(int64_t offset, uint8_t* dst, size_t n) noexcept;

  /// The whole file into memory (digested on the way). Throws InputError("unreadable").
  std::vector<uint8_t> readAll();

  /// Digests of every byte of the file; reads whatever was not digested yet.
  /// Throws InputError("unreadable") on a read error or when the file changed size.
  FileDigests finishDigests();

 private:
  int fd_ = -1;
  std::span<const uint8_t> memory_;  // the bytes when constructed from memory (fd_ < 0)
  int64_t size_ = 0;
  int64_t digested_ = 0;  // bytes [0, digested_) are in digest_
  bool digestFailed_ = false;
  MultiDigest digest_;
};

}  // namespace hashsieve::media::detail
