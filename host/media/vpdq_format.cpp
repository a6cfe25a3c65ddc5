// Formatting and parsing of vPDQ per-frame lines.
#include "host/media/vpdq_format.hpp"

#include <charconv>
#include <cstdio>
#include <ostream>
#include <vector>

namespace hashsieve::media {

float vpdqTimestamp(int64_t frameNumber, double avgFrameRate) {
  return static_cast<float>(frameNumber) / static_cast<float>(avgFrameRate);
}

std::string formatVpdqLine(const VpdqFrame& f) {
  char ts[64];
  // std::fixed << setprecision(3) in the reference: the same as %.3f.
  std::snprintf(ts, sizeof ts, "%.3f", f.timestamp);
  return std::to_string(f.frameNumber) + "," + std::to_string(f.quality) + "," + toHex(f.pdq) +
         "," + ts;
}

void writeVpdq(std::ostream& out, std::span<const VpdqFrame> frames) {
  for (const VpdqFrame& f : frames) out << formatVpdqLine(f) << '\n';
}

std::optional<VpdqFrame> parseVpdqLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    parts.push_back(line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (parts.size() < 4) return std::nullopt;
  VpdqFrame f;
  auto parseInt = [](std::string_view s, auto& v) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  if (!parseInt(parts[0], f.frameNumber) || f.frameNumber < 0) return std::nullopt;
  if (!parseInt(parts[1], f.quality) || f.quality < 0 || f.quality > 100) return std::nullopt;
  const auto hash = parseHash256(parts[2]);
  if (!hash) return std::nullopt;
  f.pdq = *hash;
  const auto [p, ec] =
      std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), f.timestamp);
  if (ec != std::errc() || p != parts[3].data() + parts[3].size() || parts[3].empty())
    return std::nullopt;
  return f;
}

}  // namespace hashsieve::media
