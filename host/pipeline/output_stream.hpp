// The main record stream: stdout, or a file that is written under a temporary name beside it
// and renamed over it at the end, so FILE is either absent/old or complete, never half written.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "host/pipeline/unique_fd.hpp"

namespace hashsieve::pipeline {

class OutputStream {
 public:
  /// "-" (or empty) = stdout. A file's temporary is created now, so an unwritable output is
  /// reported before any work starts. Throws FatalError.
  static std::unique_ptr<OutputStream> open(const std::string& path);
  ~OutputStream();  // an uncommitted temporary is removed
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  /// Buffered. Throws FatalError (disk full, closed pipe, ...).
  void write(std::string_view text);
  /// Flushes; for a file also fsyncs and renames the temporary over the target.
  void commit();

 private:
  OutputStream(int fd, bool owned, std::string target, std::string temp);
  void flush();

  UniqueFd owned_;
  int fd_;
  std::string target_, temp_;
  std::string buffer_;
  bool committed_ = false;
  int interruptSlot_ = -1;  // the temporary, removed by the interrupt handler
};

/// Writes `text` to `path` atomically (temporary beside it, fsync, rename). Throws FatalError.
void writeFileAtomically(const std::string& path, std::string_view text);

}  // namespace hashsieve::pipeline
