// Running the built `hashsieve` CLI from tests: argv (no shell), captured stdout/stderr, exit
// status and the child's peak RSS from wait4's rusage; the corpus location.
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

/// Runs `hashsieve args...`; stdout and stderr go through files in `scratch`.
inline CliResult runCli(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                        const CliOptions& o = {}) {
  const std::string outPath = (scratch / "cli.stdout").string();
  const std::string errPath = (scratch / "cli.stderr").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, o.stdinFile.empty() ? "/dev/null" : o.stdinFile.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

  CliResult r;
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
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
