// --format vpdq: one reference-layout vPDQ file per video in an output directory.
#pragma once

#include <set>
#include <string>

#include "host/pipeline/record.hpp"

namespace hashsieve::pipeline {

class VpdqDirectoryWriter {
 public:
  /// Creates `dir` if needed. Throws FatalError when it cannot.
  explicit VpdqDirectoryWriter(std::string dir);

  /// For a video record, writes "<dir>/<file name>.txt" atomically (a second video with the same
  /// file name gets "<name>__2.txt", and so on, in input order) and returns its path; other
  /// records are ignored (empty return). Timestamps follow the reference (float division).
  std::string write(const Record& r);

 private:
  std::string dir_;
  std::set<std::string> used_;
};

}  // namespace hashsieve::pipeline
