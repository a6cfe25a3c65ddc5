// A per-file InputError with the path in front (hashsieve.DecodeError: message, reason, path).
#pragma once

#include <stdexcept>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve::py {

class FileError : public std::runtime_error {
 public:
  FileError(const InputError& e, const std::string& path)
      : std::runtime_error(path + ": " + e.what()), reason_(e.reason()), path_(path) {}
  const std::string& reason() const { return reason_; }
  const std::string& path() const { return path_; }

 private:
  std::string reason_, path_;
};

}  // namespace hashsieve::py
