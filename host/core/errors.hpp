// Typed errors thrown by library code; only tools/ turn them into exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace hashsieve {

/// A per-file problem: the run records it and goes on. `reason` is a short stable tag
/// ("truncated", "unsupported format", "too large", ...); what() has the detail.
class InputError : public std::runtime_error {
 public:
  InputError(std::string reason, const std::string& detail)
      : std::runtime_error(detail.empty() ? reason : reason + ": " + detail),
        reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

/// A malformed hash list, query file or binary list.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Usage errors (bad flags, unknown names).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A device that was asked for and cannot be used here (`--device cuda` without a usable GPU);
/// what() says why (no driver, driver too old, no device, out of memory). The CLI exits 3.
class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A device allocation (or the device's memory budget) could not give what a batch needs; the
/// backends retry with smaller batches (the feed scheduler, the CUDA matcher's query groups).
class OutOfDeviceMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hashsieve
