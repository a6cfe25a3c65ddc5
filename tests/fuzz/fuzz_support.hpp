// Helpers shared by the libFuzzer targets: a property check that crashes loudly (so libFuzzer
// saves the input), and bytes-to-string views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

/// A property the target asserts on every input; a failure is a finding, like a crash.
#define HS_FUZZ_CHECK(cond)                                                                 \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                     \
    }                                                                                       \
  } while (0)

namespace hashsieve::fuzz {

inline std::string_view asText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace hashsieve::fuzz
