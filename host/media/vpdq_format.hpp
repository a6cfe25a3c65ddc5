// The reference vPDQ per-frame text layout (vpdq-hash-video output, vpdq/sample-hashes):
// one line per hashed frame, "frameNumber,quality,pdqHex,timestamp", timestamp with 3 decimals.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "host/core/hash_types.hpp"

namespace hashsieve::media {

struct VpdqFrame {
  int64_t frameNumber = 0;  // 0-based count of decoded frames
  int quality = 0;          // PDQ quality 0..100
  Hash256 pdq;
  double timestamp = 0.0;  // seconds
};

/// The reference's timestamp: it divides in float, (float)frameNumber / (float)avgFrameRate,
/// and prints that float with 3 decimals; computing it the same way keeps files identical.
float vpdqTimestamp(int64_t frameNumber, double avgFrameRate);

/// One line without the newline, e.g. "0,100,e271...,0.000".
std::string formatVpdqLine(const VpdqFrame& f);

/// Every frame, one line each, "\n"-terminated; frames are written in the order given
/// (the reference sorts by frame number).
void writeVpdq(std::ostream& out, std::span<const VpdqFrame> frames);

/// Parses one line of the layout (extra fields after the fourth are ignored, as the reference
/// reader does); nullopt on malformed input.
std::optional<VpdqFrame> parseVpdqLine(std::string_view line);

}  // namespace hashsieve::media
