// Append-only, checksummed, fsync'd resume journal; see journal.hpp for the layout.
#include "host/pipeline/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "host/core/errors.hpp"
#include "host/pipeline/crc32.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/path_text.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr std::string_view kMagic = "hashsieve-journal-1";
constexpr size_t kCrcChars = 8;
constexpr size_t kReadChunk = 1 << 20;

std::string crcHex(std::string_view body) {
  char buf[kCrcChars + 1];
  std::snprintf(buf, sizeof buf, "%08x", crc32(body));
  return std::string(buf, kCrcChars);
}

/// The body of a framed line (text after "CCCCCCCC "), or nullopt when the checksum fails.
std::optional<std::string_view> checkedBody(std::string_view line) {
  if (line.size() < kCrcChars + 1 || line[kCrcChars] != ' ') return std::nullopt;
  const std::string_view body = line.substr(kCrcChars + 1);
  if (line.substr(0, kCrcChars) != crcHex(body)) return std::nullopt;
  return body;
}

struct ParsedEntry {
  JournalKey key;
  std::string_view json;
};

std::optional<ParsedEntry> parseEntry(std::string_view body) {
  ParsedEntry e;
  std::string_view rest = body;
  auto token = [&]() -> std::optional<std::string_view> {
    const size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    std::string_view t = rest.substr(0, sp);
    rest.remove_prefix(sp + 1);
    return t;
  };
  auto toInt = [](std::string_view t, int64_t& v) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && p == t.data() + t.size();
  };
  const auto hex = token(), size = token(), mtime = token();
  if (!hex || !size || !mtime) return std::nullopt;
  try {
    e.key.path = hexToBytes(*hex);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
  if (!toInt(*size, e.key.size) || !toInt(*mtime, e.key.mtimeNs)) return std::nullopt;
  e.json = rest;
  return e;
}

/// The "; "-separated option fingerprint split into its items.
std::vector<std::string_view> optionItems(std::string_view s) {
  std::vector<std::string_view> items;
  for (size_t start = 0; start <= s.size();) {
    size_t end = s.find("; ", start);
    if (end == std::string_view::npos) end = s.size();
    items.push_back(s.substr(start, end - start));
    start = end + 2;
  }
  return items;
}

}  // namespace

std::string describeOptionChange(std::string_view journalled, std::string_view now) {
  const auto before = optionItems(journalled), after = optionItems(now);
  auto missing = [](const std::vector<std::string_view>& from,
                    const std::vector<std::string_view>& in) {
    std::string out;
    for (std::string_view item : from)
      if (std::find(in.begin(), in.end(), item) == in.end())
        out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
  };
  const std::string was = missing(before, after), is = missing(after, before);
  return "journal: " + (was.empty() ? std::string("-") : was) +
         "; this run: " + (is.empty() ? std::string("-") : is);
}

namespace {

bool sameKey(const JournalKey& a, const JournalKey& b) {
  return a.size == b.size && a.mtimeNs == b.mtimeNs && a.path == b.path;
}

}  // namespace

uint64_t journalKeyHash(const JournalKey& key) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  auto mix = [&](const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;  // FNV prime
  };
  mix(key.path.data(), key.path.size());
  mix(&key.size, sizeof key.size);
  mix(&key.mtimeNs, sizeof key.mtimeNs);
  return h;
}

Journal::Journal(const std::string& path, std::string options)
    : path_(path), options_(std::move(options)) {
  std::replace(options_.begin(), options_.end(), '\n', ' ');
  fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_) throw FatalError("journal " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw UsageError("journal " + path + " is not a regular file");
  // One writer per journal; the kernel drops the lock when the process dies, even by kill -9.
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0)
    throw FatalError("journal " + path + " is in use by another process");
  load();
}

std::string Journal::frame(const std::string& body) const {
  return crcHex(body) + " " + body + "\n";
}

void Journal::load() {
  // Scan line by line; stop at the first line without a newline or with a bad checksum.
  std::string data, line;
  uint64_t fileOffset = 0, lineStart = 0, validEnd = 0;
  bool header = false, stop = false;
  std::vector<char> chunk(kReadChunk);
  for (;;) {
    const ssize_t n =
        ::pread(fd_.get(), chunk.data(), chunk.size(), static_cast<off_t>(fileOffset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FatalError("journal " + path_ + ": read: " + std::strerror(errno));
    }
    if (n == 0) break;
    fileOffset += static_cast<uint64_t>(n);
    data.append(chunk.data(), static_cast<size_t>(n));
    size_t pos = 0;
    for (size_t nl; !stop && (nl = data.find('\n', pos)) != std::string::npos; pos = nl + 1) {
      const std::string_view text(data.data() + pos, nl - pos);
      const auto body = checkedBody(text);
      if (!header) {
        if (!body || body->substr(0, kMagic.size()) != kMagic)
          throw UsageError("journal " + path_ + " is not a hashsieve journal");
        if (*body != std::string(kMagic) + " " + options_)
          throw UsageError("journal " + path_ + " was written with different options (" +
                           describeOptionChange(
                               body->substr(std::min(body->size(), kMagic.size() + 1)), options_) +
                           "); rerun with the journal's options or use a new journal file");
        header = true;
      } else {
        const auto entry = body ? parseEntry(*body) : std::nullopt;
        if (!entry) {
          stop = true;
          break;
        }
        index_.push_back(
            Entry{journalKeyHash(entry->key), lineStart, static_cast<uint32_t>(text.size())});
      }
      lineStart += text.size() + 1;
      validEnd = lineStart;
    }
    if (stop) break;
    data.erase(0, pos);
  }
  const uint64_t fileSize = static_cast<uint64_t>(::lseek(fd_.get(), 0, SEEK_END));
  if (!header && fileSize > 0) {
    // A header torn by a crash is a proper prefix of the header line; anything else is someone
    // else's file, which must not be truncated.
    const std::string expected = frame(std::string(kMagic) + " " + options_);
    bool tornHeader = false;
    if (fileSize < expected.size()) {
      std::string head(fileSize, '\0');
      tornHeader =
          ::pread(fd_.get(), head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) &&
          expected.compare(0, head.size(), head) == 0;
    }
    if (!tornHeader) throw UsageError("journal " + path_ + " is not a hashsieve journal");
  }
  if (validEnd < fileSize) {
    discarded_ = fileSize - validEnd;
    if (::ftruncate(fd_.get(), static_cast<off_t>(validEnd)) != 0)
      throw FatalError("journal " + path_ + ": truncate: " + std::strerror(errno));
  }
  if (::lseek(fd_.get(), 0, SEEK_END) < 0)
    throw FatalError("journal " + path_ + ": seek: " + std::strerror(errno));
  if (!header) {
    buffer_ = frame(std::string(kMagic) + " " + options_);
    commit();
  }
  std::sort(index_.begin(), index_.end(),
            [](const Entry& a, const Entry& b) { return a.keyHash < b.keyHash; });
}

std::optional<std::string> Journal::lookup(const JournalKey& key) const {
  const uint64_t h = journalKeyHash(key);
  auto it = std::lower_bound(index_.begin(), index_.end(), h,
                             [](const Entry& e, uint64_t v) { return e.keyHash < v; });
  for (; it != index_.end() && it->keyHash == h; ++it) {
    std::string line(it->length, '\0');
    if (::pread(fd_.get(), line.data(), line.size(), static_cast<off_t>(it->offset)) !=
        static_cast<ssize_t>(line.size()))
      continue;
    const auto body = checkedBody(line);
    const auto entry = body ? parseEntry(*body) : std::nullopt;
    if (entry && sameKey(entry->key, key)) return std::string(entry->json);
  }
  return std::nullopt;
}

void Journal::append(const JournalKey& key, const std::string& recordJson) {
  buffer_ += frame(bytesToHex(key.path) + " " + std::to_string(key.size) + " " +
                   std::to_string(key.mtimeNs) + " " + recordJson);
  ++pending_;
}

void Journal::commit() {
  if (buffer_.empty()) return;
  // O_APPEND is not used so that the offset stays where load() left it; one writer only.
  if (!writeAll(fd_.get(), buffer_.data(), buffer_.size()))
    throw FatalError("journal " + path_ + ": write: " + std::strerror(errno));
  if (::fdatasync(fd_.get()) != 0)
    throw FatalError("journal " + path_ + ": fsync: " + std::strerror(errno));
  buffer_.clear();
  pending_ = 0;
}

}  // namespace hashsieve::pipeline
