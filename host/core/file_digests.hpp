// MD5, SHA-1 and SHA-256 of a file's bytes, computed together in one pass.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace hashsieve {

struct FileDigests {
  std::string md5, sha1, sha256;  // lowercase hex
};

/// Incremental: update() with consecutive chunks, then finish() once.
class MultiDigest {
 public:
  MultiDigest();
  ~MultiDigest();
  MultiDigest(const MultiDigest&) = delete;
  MultiDigest& operator=(const MultiDigest&) = delete;
  void update(std::span<const uint8_t> bytes);
  FileDigests finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

FileDigests digestBytes(std::span<const uint8_t> bytes);

}  // namespace hashsieve
