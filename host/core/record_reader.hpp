// The one reader of the per-file record format (README "Record format"; written by
// host/pipeline/record.cpp): the only place that reads its field names and checks its hex
// widths. Each field comes back absent, well-formed or malformed (with why); what a missing or
// malformed field means is the caller's policy (the journal refuses the record, `match` skips
// what it cannot use, `list build` counts the line as malformed).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"

namespace hashsieve {

/// One field as read. JSON null counts as absent (other tools write it for "none").
template <typename T>
class RecordField {
 public:
  explicit RecordField(std::string name = {}) : name_(std::move(name)) {}

  bool present() const { return value_.has_value() || !problem_.empty(); }
  bool malformed() const { return !problem_.empty(); }
  /// The field's name in messages ("pdq", "frames[2].quality", "orientation.degrees").
  const std::string& name() const { return name_; }
  /// Why a malformed field is malformed (empty otherwise).
  const std::string& problem() const { return problem_; }
  /// `record lacks "NAME"` when absent, `record field "NAME": WHY` when malformed.
  std::string message() const {
    return malformed() ? "record field \"" + name_ + "\": " + problem_
                       : "record lacks \"" + name_ + "\"";
  }

  /// Strict: the value; throws FormatError(message()) when absent or malformed.
  const T& required() const {
    if (!value_) throw FormatError(message());
    return *value_;
  }
  /// Optional but checked: nullopt when absent; throws FormatError when malformed.
  const std::optional<T>& optional() const {
    if (malformed()) throw FormatError(message());
    return value_;
  }
  /// Lenient: the value when well-formed; nullopt when absent or malformed alike.
  const std::optional<T>& valid() const { return value_; }

  void set(T value) { value_ = std::move(value); }
  void fail(std::string problem) { problem_ = std::move(problem); }

 private:
  std::string name_;
  std::optional<T> value_;
  std::string problem_;  // non-empty: present but malformed
};

/// One element of "frames" (video frames, or each frame of an animated image). The reader
/// names the fields with their element ("frames[2].pdq").
struct FrameFields {
  RecordField<int64_t> frame;  // >= 0
  RecordField<double> t;       // seconds
  RecordField<Hash256> pdq;    // 64 hex digits
  RecordField<int> quality;    // 0..100
  RecordField<Hash64> phash;   // 16 hex digits
};

/// Every field of a record, named as in its JSON form.
struct RecordFields {
  RecordField<std::string> path{"path"};         // display text
  RecordField<std::string> pathHex{"path_hex"};  // hex of the path's bytes (even length)
  RecordField<bool> archiveMember{"archive_member"};
  RecordField<std::string> error{"error"};  // present: an error record
  RecordField<std::string> detail{"detail"};
  // Hex of 32, 40 and 64 digits (either case; kept as written).
  RecordField<std::string> md5{"md5"}, sha1{"sha1"}, sha256{"sha256"};
  RecordField<std::string> kind{"kind"};  // "image", "video", "archive"; others: the caller's call
  RecordField<std::string> decoder{"decoder"};
  RecordField<int> width{"width"}, height{"height"};
  RecordField<int> orientationDegrees{"orientation.degrees"};
  RecordField<bool> orientationApplied{"orientation.applied"};
  RecordField<bool> mirrored{"orientation.mirrored"};
  // Images.
  RecordField<Hash256> pdq{"pdq"};
  RecordField<int> pdqQuality{"pdq_quality"};  // 0..100
  RecordField<Hash64> phash{"phash"};
  RecordField<std::array<Hash256, kDihedralCount>> dihedral{"pdq_dihedral"};  // all 8 variants
  // Videos (and animated images hashed frame by frame).
  RecordField<double> duration{"duration"}, fps{"fps"};
  RecordField<std::vector<FrameFields>> frames{"frames"};  // an array of objects
  // An archive's own record.
  RecordField<std::string> archiveFormat{"format"};
  RecordField<uint64_t> archiveMembers{"members"};

  bool isError() const { return error.present(); }
};

/// Reads every field of the record format from `j`. Throws FormatError only when `j` is not a
/// JSON object; everything else is reported per field.
RecordFields readRecordFields(const nlohmann::ordered_json& j);

}  // namespace hashsieve
