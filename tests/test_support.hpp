// Shared test helpers: where ../shared and generated fixtures live, image loading for tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/image.hpp"

namespace hashsieve::test {

/// ../shared beside the checkout (or $HASHSIEVE_SHARED); nullopt when absent.
inline std::optional<std::filesystem::path> sharedDir() {
  if (const char* env = std::getenv("HASHSIEVE_SHARED"); env && *env) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  auto p = std::filesystem::path(HASHSIEVE_SOURCE_DIR).parent_path() / "shared";
  if (std::filesystem::is_directory(p)) return p;
  return std::nullopt;
}

/// Skips the test when ../shared is absent (tests use it when present, never copy it).
#define HS_REQUIRE_SHARED(var)                                                        \
  auto var##_opt = ::hashsieve::test::sharedDir();                                    \
  if (!var##_opt) GTEST_SKIP() << "../shared is absent; reference-data test skipped"; \
  const std::filesystem::path var = *var##_opt

inline std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Binary PPM (P6) or PGM (P5), 8-bit; nullopt on anything else.
inline std::optional<Image> readPnm(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string magic;
  int w = 0, h = 0, maxv = 0;
  in >> magic >> w >> h >> maxv;
  if (!in || (magic != "P6" && magic != "P5") || maxv != 255) return std::nullopt;
  in.get();
  Image img(w, h, magic == "P6" ? PixelFormat::Rgb8 : PixelFormat::Gray8);
  in.read(reinterpret_cast<char*>(img.pixels.data()),
          static_cast<std::streamsize>(img.pixels.size()));
  if (!in) return std::nullopt;
  return img;
}

}  // namespace hashsieve::test
