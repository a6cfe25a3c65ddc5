// Text renderings of records for the main output stream: jsonl, csv and the reference PDQ
// tool's `hash,quality,path` lines. (vPDQ files are written by vpdq_writer.hpp.)
#pragma once

#include <memory>
#include <string>

#include "host/pipeline/record.hpp"

namespace hashsieve::pipeline {

enum class OutputFormat { Jsonl, Csv, Pdq, Vpdq };

/// "jsonl", "csv", "pdq", "vpdq"; nullopt-like failure is a UsageError.
OutputFormat parseOutputFormat(const std::string& name);

class RecordFormatter {
 public:
  virtual ~RecordFormatter() = default;
  /// Text written once before the first record (the CSV header); may be empty.
  virtual std::string header() const { return {}; }
  /// Appends the rendering of `r` (zero or more complete lines) to `out`.
  virtual void append(const Record& r, std::string& out) const = 0;
};

/// jsonl: toJsonLine. csv: RFC 4180, one row per image, one per sampled video frame, one per
/// error; `dihedral` adds the eight pdq_<variant> columns. pdq: `hash,quality,path` per image
/// (videos and errors have no line; the path is written as its exact bytes, like the
/// reference tool). vpdq: the main stream gets the jsonl records too.
std::unique_ptr<RecordFormatter> makeFormatter(OutputFormat format, bool dihedral);

/// CSV field quoting: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csvField(const std::string& s);

}  // namespace hashsieve::pipeline
