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
  /// kFastest: the stitched one-pass code where the CPU has the SHA extensions, else OpenSSL.
  /// kOpenSsl: OpenSSL's three digests one after the other (tests compare the two).
  enum class Engine { kFastest, kOpenSsl };
  explicit MultiDigest(Engine engine = Engine::kFastest);
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
