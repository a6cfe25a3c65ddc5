// POSIX fd helpers.
#include "host/pipeline/unique_fd.hpp"

#include <cerrno>

namespace hashsieve::pipeline {

bool writeAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace hashsieve::pipeline
