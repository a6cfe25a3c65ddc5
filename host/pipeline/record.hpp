// The per-file result record and its canonical JSON form (one line of `--format jsonl`, and the
// form kept in the journal). Key order is fixed; see README "Record format".
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/core/file_digests.hpp"
#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"

namespace hashsieve::pipeline {

enum class RecordKind { Image, Video, Error, Archive };

/// One sampled frame of a video (or of an animated image with --all-frames).
struct FrameRecord {
  int64_t index = 0;  // 0-based count of decoded frames (vPDQ frameNumber)
  double t = 0.0;     // seconds, index / average frame rate, rounded to the millisecond
  Hash256 pdq;
  int quality = 0;
  Hash64 phash;
  bool operator==(const FrameRecord&) const = default;
};

struct Record {
  std::string path;  // exact bytes; JSON gets utf8Display(path) plus path_hex when not UTF-8
  RecordKind kind = RecordKind::Error;
  bool archiveMember = false;  // read from inside an archive (path in the `!/` notation)

  // Image and video.
  int width = 0, height = 0;  // size of the hashed (first) frame
  FileDigests digests;
  int orientationDegrees = 0;  // clockwise rotation the file asks for at display
  bool orientationApplied = false;
  bool mirrored = false;
  std::string decoder;  // --decoder gpu|auto: what produced the pixels; empty (left out) = cpu

  // Image: the hash of its (first) frame.
  Hash256 pdq;
  int pdqQuality = 0;
  Hash64 phash;
  std::optional<std::array<Hash256, kDihedralCount>> dihedral;

  // Video; also an animated image hashed with --all-frames (frames.size() > 1).
  double duration = 0.0;  // seconds, rounded to the millisecond
  double fps = 0.0;       // average frame rate as the container states it (not rounded)
  std::vector<FrameRecord> frames;

  // Archive: its own record, after its members (digests of the archive's bytes).
  std::string archiveFormat;  // libarchive's format name (+ filters)
  uint64_t archiveMembers = 0;

  // Error.
  std::string error;  // reason tag ("truncated", "unsupported format", ...)
  std::string detail;
};

/// Canonical JSON object, keys in the documented order.
nlohmann::ordered_json toJson(const Record& r);
/// One compact JSON line with '\n'; invalid UTF-8 in details is replaced, never thrown on.
std::string toJsonLine(const Record& r);
/// Inverse of toJson (used to re-render journalled records), through the record format's one
/// reader (host/core/record_reader.hpp), strictly: throws FormatError when a field the record's
/// kind has is missing or malformed.
Record recordFromJson(const nlohmann::ordered_json& j);

/// Rounding used for times in records (so journalled and fresh records are identical).
double roundMillis(double seconds);
double roundMicros(double value);

}  // namespace hashsieve::pipeline
