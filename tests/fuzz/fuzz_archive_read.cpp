// Fuzz target: the archive reader (host/archive), bytes in, items out, through
// expandArchiveBytes with --archives nested and small limits (libarchive's ZIP/TAR/7z/RAR/ISO/
// CPIO readers, the raw compressed-stream path, nesting, the bomb and cycle checks).
// Properties: no exception escapes; every item's path lies below the input's name; error items
// carry a documented reason tag; members respect the member cap; the input's own record comes
// last and no item follows it.
#include <cstdio>
#include <set>
#include <span>
#include <string>

#include "host/archive/archive_expander.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

// archive_expander.hpp's documented reason tags.
const std::set<std::string> kReasons = {
    "corrupt",       "truncated",          "encrypted",         "unreadable",
    "too large",     "archive too large",  "compression ratio", "nesting too deep",
    "archive cycle", "not a regular file", "not found"};

constexpr char kName[] = "fuzz.bin";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  archive::ArchiveOptions opts;
  opts.mode = archive::ArchiveMode::Nested;
  opts.maxDepth = 3;
  opts.maxMemberBytes = 1 << 20;
  opts.maxArchiveBytes = 8 << 20;
  opts.ratioFloorBytes = 1 << 20;
  bool sawOwn = false;
  const bool complete = archive::expandArchiveBytes(
      std::span(data, size), kName, opts, [&](archive::ArchiveItem&& item) {
        HS_FUZZ_CHECK(!sawOwn);
        HS_FUZZ_CHECK(item.path.rfind(kName, 0) == 0);
        if (item.path == kName) sawOwn = true;
        if (item.kind == archive::ArchiveItem::Kind::Member) {
          HS_FUZZ_CHECK(item.bytes &&
                        static_cast<int64_t>(item.bytes->size()) <= opts.maxMemberBytes);
        } else if (item.kind == archive::ArchiveItem::Kind::Error && !kReasons.count(item.error)) {
          std::fprintf(stderr, "undocumented reason tag: \"%s\" (%s)\n", item.error.c_str(),
                       item.detail.c_str());
          HS_FUZZ_CHECK(kReasons.count(item.error));
        }
        return true;
      });
  HS_FUZZ_CHECK(complete && sawOwn);
  return 0;
}
