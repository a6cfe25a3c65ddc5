// A stream buffer that yields bytes already read ahead (to sniff a format), then the rest of
// the stream they came from: readers see the input from its first byte.
#pragma once

#include <array>
#include <streambuf>
#include <string>
#include <utility>

namespace hashsieve {

class PrefixStreambuf : public std::streambuf {
 public:
  PrefixStreambuf(std::string prefix, std::streambuf* rest)
      : prefix_(std::move(prefix)), rest_(rest) {
    setg(prefix_.data(), prefix_.data(), prefix_.data() + prefix_.size());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::streamsize n = rest_->sgetn(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    if (n <= 0) return traits_type::eof();
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string prefix_;
  std::streambuf* rest_;
  std::array<char, 64 * 1024> buf_;
};

}  // namespace hashsieve
