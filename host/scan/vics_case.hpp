// `--format vics`: the run's results as a Project VIC VICS JSON case file (OData 1.x media
// list), so forensic review tools that import VICS (Griffeye-style importers, IPED) load them:
// per file its MD5/SHA-1, name, path and size, and the category of the list entry it matched.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "host/pipeline/record.hpp"

namespace hashsieve::scan {

class VicsCaseWriter {
 public:
  /// `{"odata.metadata": ..., "value": [` (written once, first).
  std::string header() const;
  /// One media object (with a leading comma after the first), or "" for a record without
  /// digests (a file that could not be read). `categories`: the categories of the list entries
  /// the file matched, best first; the first that is a whole number becomes "Category" (VICS
  /// categories are numbers), all of them, with the match kinds and ids, go to "Comments".
  std::string media(const pipeline::Record& r, const std::vector<std::string>& categories,
                    const std::string& comments);
  /// `]}` and a newline (written once, last).
  std::string footer() const;

 private:
  size_t written_ = 0;
};

}  // namespace hashsieve::scan
