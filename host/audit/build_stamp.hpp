// The build's own description, stamped at build time (not configure time) so a result never
// names a stale commit.
#pragma once

#include <string>

namespace hashsieve::audit {

std::string buildType();      // CMAKE_BUILD_TYPE
std::string buildCommit();    // `git rev-parse --short HEAD`, "+dirty" with local changes
std::string buildCompiler();  // e.g. "GNU 12.2.0"

}  // namespace hashsieve::audit
