// Helper locations; HASHSIEVE_SOURCE_DIR comes from the build (the checkout being benchmarked).
#include "host/selfbench/helper_paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace hashsieve::bench {

namespace fs = std::filesystem;

std::string helperScript(const std::string& name) {
  const char* dir = std::getenv("HASHSIEVE_BENCH_DIR");
  return (fs::path(dir && *dir ? dir : HASHSIEVE_SOURCE_DIR "/bench") / name).string();
}

std::string helperPython(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("HASHSIEVE_PYTHON"); env && *env) return env;
  const fs::path venv = fs::path(HASHSIEVE_SOURCE_DIR) / ".venv/bin/python";
  std::error_code ec;
  return fs::exists(venv, ec) ? venv.string() : "python3";
}

}  // namespace hashsieve::bench
