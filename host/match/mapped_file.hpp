// A read-only memory mapping of a whole file (RAII): .hsl lists are used in place, and text lists
// are parsed without copying them into memory first.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace hashsieve {

class MappedFile {
 public:
  /// Maps `path` read-only. Throws InputError("unreadable") when it cannot be opened or mapped.
  /// An empty file maps to an empty span.
  explicit MappedFile(const std::filesystem::path& path);
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  std::string_view text() const { return {reinterpret_cast<const char*>(data_), size_}; }
  /// Hint that the mapping will be read front to back once (text parsing).
  void adviseSequential() const;

 private:
  void reset() noexcept;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace hashsieve
