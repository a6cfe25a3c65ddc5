// --files-from: the list of input paths read from a file or stdin.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace hashsieve::pipeline {

/// Splits `in` on '\n' (or on '\0' when `nulSeparated`, for names that contain newlines).
/// Empty entries are dropped; nothing else is trimmed (a name may end in a space or '\r').
std::vector<std::string> readPathList(std::istream& in, bool nulSeparated);

/// Reads the list from `source` ("-" = stdin). Throws UsageError when it cannot be opened.
/// The whole list is held in memory: about the size of the list file.
std::vector<std::string> readPathList(const std::string& source, bool nulSeparated);

}  // namespace hashsieve::pipeline
