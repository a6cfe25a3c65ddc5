// Build description; build_commit.inc is rewritten by build_commit.cmake on every build.
#include "host/audit/build_stamp.hpp"

namespace hashsieve::audit {

std::string buildType() { return HASHSIEVE_BUILD_TYPE; }
std::string buildCommit() {
  return
#include "build_commit.inc"
      ;
}
std::string buildCompiler() { return HASHSIEVE_COMPILER; }

}  // namespace hashsieve::audit
