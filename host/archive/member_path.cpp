// Escaping and splitting of `!/` member paths.
#include "host/archive/member_path.hpp"

namespace hashsieve::archive {

std::string escapeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    out += name[i];
    if (name[i] == '!' && (i + 1 == name.size() || name[i + 1] == '!' || name[i + 1] == '/'))
      out += '!';
  }
  return out;
}

std::string joinMember(std::string_view archivePath, std::string_view member) {
  std::string out(archivePath);
  out += kMemberSeparator;
  out += escapeName(member);
  return out;
}

std::vector<std::string> splitMemberPath(std::string_view path) {
  if (path.find(kMemberSeparator) == std::string_view::npos) return {std::string(path)};
  // Left to right: "!!" is a literal '!', "!/" a separator, any other '!' is literal.
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '!' && i + 1 < path.size() && path[i + 1] == '!') {
      parts.back() += '!';
      ++i;
    } else if (path[i] == '!' && i + 1 < path.size() && path[i + 1] == '/') {
      parts.emplace_back();
      ++i;
    } else {
      parts.back() += path[i];
    }
  }
  return parts;
}

}  // namespace hashsieve::archive
