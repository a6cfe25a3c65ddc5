// libarchive behind a small class: callbacks over an InputFile or memory, errors as InputError.
#include "host/archive/archive_reader.hpp"

#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string_view>

#include "host/core/errors.hpp"

namespace hashsieve::archive {
namespace {

constexpr size_t kReadChunkBytes = 64 * 1024;  // per read callback, file or memory

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

/// libarchive has no error codes for these; its messages are stable across 3.x.
std::string reasonFor(std::string_view message) {
  if (contains(message, "ncrypt") || contains(message, "assphrase")) return "encrypted";
  if (contains(message, "runcat") || contains(message, "remature end") ||
      contains(message, "nexpected EOF") || contains(message, "nexpected end"))
    return "truncated";
  return "corrupt";
}

Entry::Type entryType(struct archive_entry* e) {
  if (archive_entry_hardlink(e)) return Entry::Type::Link;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return Entry::Type::File;
    case AE_IFDIR:
      return Entry::Type::Directory;
    case AE_IFLNK:
      return Entry::Type::Link;
    default:
      return Entry::Type::Other;
  }
}

}  // namespace

void ArchiveReader::Deleter::operator()(struct archive* a) const { archive_read_free(a); }

ArchiveReader::ArchiveReader(media::detail::InputFile& file)
    : file_(&file), size_(file.size()), buffer_(new uint8_t[kReadChunkBytes]) {
  open();
}

ArchiveReader::ArchiveReader(std::span<const uint8_t> bytes)
    : memory_(bytes), size_(static_cast<int64_t>(bytes.size())) {
  open();
}

ArchiveReader::~ArchiveReader() = default;

void ArchiveReader::open() {
  a_.reset(archive_read_new());
  if (!a_) throw std::bad_alloc();
  struct archive* a = a_.get();
  // Only the formats and filters we mean to read. No "all": that would add mtree (any text
  // file) and filters that run external programs.
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_7zip(a);
  archive_read_support_format_rar(a);
  archive_read_support_format_rar5(a);
  archive_read_support_format_iso9660(a);
  archive_read_support_format_cpio(a);
  archive_read_support_format_raw(a);
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_zstd(a);
  archive_read_set_callback_data(a, this);
  archive_read_set_read_callback(a, &readCallback);
  archive_read_set_skip_callback(a, &skipCallback);
  archive_read_set_seek_callback(a, &seekCallback);
  if (archive_read_open1(a) != ARCHIVE_OK) fail("opening");
}

void ArchiveReader::fail(const char* during) const {
  if (readErrno_ != 0) throw InputError("unreadable", std::strerror(readErrno_));
  const char* message = archive_error_string(a_.get());
  const std::string text = message ? message : "unknown libarchive error";
  throw InputError(reasonFor(text), std::string(during) + ": " + text);
}

bool ArchiveReader::next(Entry& entry) {
  struct archive_entry* e = nullptr;
  const int r = archive_read_next_header(a_.get(), &e);
  if (r == ARCHIVE_EOF) return false;
  if (r < ARCHIVE_WARN) fail("reading an entry header");
  // Raw format accepts anything; only a real compressed stream is an archive here.
  if (isRawStream() && archive_filter_count(a_.get()) <= 1)
    throw InputError("corrupt", "not a recognised archive");
  const char* name = archive_entry_pathname(e);
  entry.name = name ? name : "";
  entry.type = entryType(e);
  const char* link = archive_entry_hardlink(e);
  if (!link) link = archive_entry_symlink(e);
  entry.linkTarget = link ? link : "";
  entry.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
  entry.encrypted = archive_entry_is_encrypted(e) != 0;
  return true;
}

size_t ArchiveReader::read(uint8_t* dst, size_t n) {
  const la_ssize_t r = archive_read_data(a_.get(), dst, n);
  if (r < 0) fail("reading member data");
  return static_cast<size_t>(r);
}

void ArchiveReader::skip() {
  if (archive_read_data_skip(a_.get()) < ARCHIVE_WARN) fail("skipping member data");
}

std::string ArchiveReader::formatName() const {
  const char* format = archive_format_name(a_.get());
  std::string name = format ? format : "unknown";
  // Filter 0 is the outermost decompression; the last one is the "none" reader itself.
  const int filters = archive_filter_count(a_.get());
  for (int i = filters - 2; i >= 0; --i)
    name += std::string(" + ") + archive_filter_name(a_.get(), i);
  return name;
}

bool ArchiveReader::isRawStream() const { return archive_format(a_.get()) == ARCHIVE_FORMAT_RAW; }

la_ssize_t ArchiveReader::readCallback(struct archive*, void* opaque, const void** buffer) {
  auto* self = static_cast<ArchiveReader*>(opaque);
  const int64_t want =
      std::min<int64_t>(kReadChunkBytes, std::max<int64_t>(0, self->size_ - self->pos_));
  if (want == 0) return 0;
  if (self->file_) {
    const int64_t n =
        self->file_->readAt(self->pos_, self->buffer_.get(), static_cast<size_t>(want));
    if (n < 0) {
      self->readErrno_ = static_cast<int>(-n);
      return ARCHIVE_FATAL;
    }
    *buffer = self->buffer_.get();
    self->pos_ += n;
    self->consumed_ += n;
    return static_cast<la_ssize_t>(n);
  }
  *buffer = self->memory_.data() + self->pos_;
  self->pos_ += want;
  self->consumed_ += want;
  return static_cast<la_ssize_t>(want);
}

la_int64_t ArchiveReader::skipCallback(struct archive*, void* opaque, la_int64_t request) {
  auto* self = static_cast<ArchiveReader*>(opaque);
  const int64_t skipped = std::clamp<int64_t>(request, 0, self->size_ - self->pos_);
  self->pos_ += skipped;
  return skipped;
}

la_int64_t ArchiveReader::seekCallback(struct archive*, void* opaque, la_int64_t offset,
                                       int whence) {
  auto* self = static_cast<ArchiveReader*>(opaque);
  int64_t target = offset;
  if (whence == SEEK_CUR) target += self->pos_;
  if (whence == SEEK_END) target += self->size_;
  if (target < 0 || target > self->size_) return ARCHIVE_FATAL;
  self->pos_ = target;
  return target;
}

}  // namespace hashsieve::archive
