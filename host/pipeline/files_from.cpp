// Reading --files-from lists, newline- or NUL-separated.
#include "host/pipeline/files_from.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "host/core/errors.hpp"

namespace hashsieve::pipeline {

std::vector<std::string> readPathList(std::istream& in, bool nulSeparated) {
  std::vector<std::string> paths;
  std::string entry;
  while (std::getline(in, entry, nulSeparated ? '\0' : '\n'))
    if (!entry.empty()) paths.push_back(std::move(entry));
  return paths;
}

std::vector<std::string> readPathList(const std::string& source, bool nulSeparated) {
  if (source == "-") return readPathList(std::cin, nulSeparated);
  std::ifstream in(source, std::ios::binary);
  if (!in) throw UsageError("--files-from " + source + ": " + std::strerror(errno));
  return readPathList(in, nulSeparated);
}

}  // namespace hashsieve::pipeline
