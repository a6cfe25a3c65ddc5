// The `!/` notation for archive members: `outer.zip!/dir/inner.zip!/photo.jpg`. See README
// "Archives" for the escaping rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hashsieve::archive {

/// The separator between an archive's path and a member name inside it.
inline constexpr std::string_view kMemberSeparator = "!/";

/// `name` with each '!' doubled when it is followed by '!' or '/' or ends the name, so a real
/// "!/" can never read as a separator. Names without such a '!' come back unchanged.
std::string escapeName(std::string_view name);

/// `archivePath` + "!/" + escapeName(member). `archivePath` is already in the notation (the
/// escaped outer path, or a real path at the top).
std::string joinMember(std::string_view archivePath, std::string_view member);

/// Splits `path` at every unescaped "!/" and unescapes the parts: {outer, member, member...}.
/// A path without a separator gives one part, returned as given (loose files are not escaped).
std::vector<std::string> splitMemberPath(std::string_view path);

}  // namespace hashsieve::archive
