// Buffered, atomically-renamed output files.
#include "host/pipeline/output_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/interrupt.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 16;

/// ".<name>.hashsieve.tmp" in the target's directory (same filesystem, so rename is atomic).
/// The name is fixed, not per process, so a run killed with -9 leaves nothing behind once the
/// same command is rerun.
std::string tempPathFor(const std::string& target) {
  const std::filesystem::path p(target);
  std::string name = ".";
  name += p.filename().string();
  name += ".hashsieve.tmp";
  return (p.parent_path() / name).string();
}

[[noreturn]] void fatal(const std::string& what, const std::string& path) {
  throw FatalError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

OutputStream::OutputStream(int fd, bool owned, std::string target, std::string temp)
    : owned_(owned ? fd : -1), fd_(fd), target_(std::move(target)), temp_(std::move(temp)) {
  if (!temp_.empty()) interruptSlot_ = registerTemporary(temp_);
}

std::unique_ptr<OutputStream> OutputStream::open(const std::string& path) {
  if (path.empty() || path == "-")
    return std::unique_ptr<OutputStream>(new OutputStream(STDOUT_FILENO, false, {}, {}));
  if (std::filesystem::is_directory(path)) {
    errno = EISDIR;
    fatal("cannot write output", path);
  }
  const std::string temp = tempPathFor(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fatal("cannot write output", path);
  return std::unique_ptr<OutputStream>(new OutputStream(fd, true, path, temp));
}

OutputStream::~OutputStream() {
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  unregisterTemporary(interruptSlot_);
}

void OutputStream::write(std::string_view text) {
  buffer_.append(text);
  if (buffer_.size() >= kFlushBytes) flush();
}

void OutputStream::flush() {
  if (buffer_.empty()) return;
  if (!writeAll(fd_, buffer_.data(), buffer_.size()))
    fatal("cannot write output", temp_.empty() ? std::string("stdout") : target_);
  buffer_.clear();
}

void OutputStream::commit() {
  flush();
  if (temp_.empty() || committed_) return;
  if (::fsync(fd_) != 0) fatal("cannot sync output", target_);
  owned_.reset();
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fatal("cannot rename output to", target_);
  committed_ = true;
  unregisterTemporary(interruptSlot_);
  interruptSlot_ = -1;
}

void writeFileAtomically(const std::string& path, std::string_view text) {
  auto out = OutputStream::open(path);
  out->write(text);
  out->commit();
}

}  // namespace hashsieve::pipeline
