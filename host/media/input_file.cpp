// Regular-file checks, positional reads and the digest cursor.
#include "host/media/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve::media::detail {
namespace {

constexpr size_t kChunkBytes = 1 << 20;  // sequential read size for readAll/finishDigests

std::string errnoText(int err) { return std::strerror(err); }

}  // namespace

InputFile::InputFile(const std::filesystem::path& path, const Limits& limits) {
  // stat() first: FIFOs, sockets and devices are refused without ever being opened.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError("unreadable", errnoText(errno));
  if (!S_ISREG(st.st_mode)) throw InputError("not a regular file", "");
  if (st.st_size == 0) throw InputError("empty file", "");
  if (st.st_size > limits.maxFileBytes)
    throw InputError("too large",
                     std::to_string(st.st_size) + " bytes exceeds the file size limit");

  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd_ < 0) throw InputError("unreadable", errnoText(errno));
  struct stat st2 {};
  if (::fstat(fd_, &st2) != 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
      st2.st_dev != st.st_dev) {
    ::close(fd_);
    fd_ = -1;
    throw InputError("not a regular file", "the file was replaced while being opened");
  }
  size_ = st2.st_size;
  if (size_ == 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError("empty file", "");
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

InputFile::InputFile(std::span<const uint8_t> bytes, const Limits& limits) : memory_(bytes) {
  if (bytes.empty()) throw InputError("empty file", "");
  size_ = static_cast<int64_t>(bytes.size());
  if (size_ > limits.maxFileBytes)
    throw InputError("too large", std::to_string(size_) + " bytes exceeds the file size limit");
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

int64_t InputFile::readAt(int64_t offset, uint8_t* dst, size_t n) noexcept {
  if (offset < 0) return -EINVAL;
  size_t got = 0;
  if (fd_ < 0) {
    got = offset < size_ ? static_cast<size_t>(std::min<int64_t>(n, size_ - offset)) : 0;
    if (got) std::memcpy(dst, memory_.data() + offset, got);
  }
  while (fd_ >= 0 && got < n) {
    const ssize_t r = ::pread(fd_, dst + got, n - got, offset + static_cast<int64_t>(got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  // Digest the part of this read that continues the digested prefix.
  const int64_t end = offset + static_cast<int64_t>(got);
  if (offset <= digested_ && digested_ < end && !digestFailed_) {
    try {
      digest_.update({dst + (digested_ - offset), static_cast<size_t>(end - digested_)});
      digested_ = end;
    } catch (...) {
      digestFailed_ = true;  // reported by finishDigests()
    }
  }
  return static_cast<int64_t>(got);
}

std::vector<uint8_t> InputFile::readAll() {
  std::vector<uint8_t> bytes(static_cast<size_t>(size_));
  int64_t pos = 0;
  while (pos < size_) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(kChunkBytes, size_ - pos));
    const int64_t r = readAt(pos, bytes.data() + pos, want);
    if (r < 0) throw InputError("unreadable", errnoText(static_cast<int>(-r)));
    if (r == 0) throw InputError("unreadable", "the file shrank while being read");
    pos += r;
  }
  return bytes;
}

FileDigests InputFile::finishDigests() {
  std::vector<uint8_t> buf(static_cast<size_t>(std::min<int64_t>(kChunkBytes, size_)));
  while (digested_ < size_ && !digestFailed_) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(buf.size(), size_ - digested_));
    const int64_t r = readAt(digested_, buf.data(), want);
    if (r < 0) throw InputError("unreadable", errnoText(static_cast<int>(-r)));
    if (r == 0) throw InputError("unreadable", "the file shrank while being read");
  }
  if (digestFailed_) throw InputError("unreadable", "digest computation failed");
  // A file that grew while being read would give digests of a prefix: refuse them.
  struct stat st {};
  if (fd_ >= 0 && (::fstat(fd_, &st) != 0 || st.st_size != size_))
    throw InputError("unreadable", "the file changed size while being read");
  return digest_.finish();
}

}  // namespace hashsieve::media::detail
