// Running the built `hashsieve` CLI from tests: argv (no shell), captured stdout/stderr, exit
// status and the child's peak RSS from wait4's rusage, or started without waiting; the corpus
// location; images written as the CLI tests' inputs.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/image.hpp"
#include "tests/test_support.hpp"

extern char** environ;

namespace hashsieve::test {

struct CliResult {
  int status = -1;  // exit status; 128+signal when killed
  std::string out, err;
  uint64_t peakRssBytes = 0;
};

struct CliOptions {
  std::string stdinFile;                   // default /dev/null
  std::map<std::string, std::string> env;  // added or replaced
};

inline std::string cliPath() { return HASHSIEVE_CLI; }

/// Starts `hashsieve args...` without waiting: stdin from o.stdinFile (/dev/null when empty),
/// stdout and stderr to the given files (/dev/null when empty). Returns -1 when it cannot start.
inline pid_t spawnCli(const std::vector<std::string>& args, const std::string& outPath = "",
                      const std::string& errPath = "", const CliOptions& o = {}) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, o.stdinFile.empty() ? "/dev/null" : o.stdinFile.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, outPath.empty() ? "/dev/null" : outPath.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, errPath.empty() ? "/dev/null" : errPath.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv = {cliPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::map<std::string, std::string> envMap;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) envMap[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : o.env) envMap[k] = v;
  std::vector<std::string> envStrings;
  for (const auto& [k, v] : envMap) envStrings.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& s : envStrings) cenv.push_back(s.data());
  cenv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), cenv.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

/// Runs `hashsieve args...`; stdout and stderr go through files in `scratch`.
inline CliResult runCli(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                        const CliOptions& o = {}) {
  const std::string outPath = (scratch / "cli.stdout").string();
  const std::string errPath = (scratch / "cli.stderr").string();
  CliResult r;
  const pid_t pid = spawnCli(args, outPath, errPath, o);
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << cliPath();
    return r;
  }
  int wstatus = 0;
  rusage ru{};
  ::wait4(pid, &wstatus, 0, &ru);
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.peakRssBytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // KiB on Linux
  r.out = readText(outPath);
  r.err = readText(errPath);
  return r;
}

/// Writes `img` (RGB8) as a binary PPM, creating its folder.
inline void writePpm(const std::filesystem::path& p, const Image& img) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << "P6\n" << img.width << " " << img.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(img.pixels.data()), std::streamsize(img.pixels.size()));
}

/// `src` (RGB8) turned 90 degrees clockwise: destination (x, y) is source (y, h - 1 - x).
inline Image rotateClockwise(Image src) {
  Image dst(src.height, src.width, PixelFormat::Rgb8);
  for (int y = 0; y < dst.height; ++y)
    for (int x = 0; x < dst.width; ++x)
      for (int c = 0; c < 3; ++c) dst.row(y)[3 * x + c] = src.row(src.height - 1 - x)[3 * y + c];
  return dst;
}

inline std::vector<nlohmann::json> parseJsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

/// The small corpus from ../shared/corpus/make-corpus: $HASHSIEVE_CORPUS, else
/// <build>/corpus-small; nullopt when neither has a manifest.
inline std::optional<std::filesystem::path> cliCorpusDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("HASHSIEVE_CORPUS"); env && *env) {
    if (fs::exists(fs::path(env) / "manifest.jsonl")) return fs::path(env);
    return std::nullopt;
  }
  const fs::path p = fs::path(HASHSIEVE_BINARY_DIR) / "corpus-small";
  if (fs::exists(p / "manifest.jsonl")) return p;
  return std::nullopt;
}

}  // namespace hashsieve::test
