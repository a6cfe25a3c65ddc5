// hashsieve CLI entry: subcommand dispatch and the mapping of errors to exit statuses.
#include <cstdio>
#include <exception>

#include "host/core/errors.hpp"
#include "tools/hashsieve/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hashsieve: bulk perceptual hashing (PDQ, pHash) and exact hash-list matching",
               "hashsieve"};
  app.set_version_flag("--version",
                       "hashsieve " HASHSIEVE_VERSION " (commit " HASHSIEVE_GIT_COMMIT ")");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 every input processed, 1 some inputs failed (error records written),\n"
      "2 usage error, 3 fatal error (e.g. output not writable); 130 (143) interrupted by\n"
      "Ctrl-C (SIGTERM): unfinished outputs removed, a --journal keeps the work done.");
  int exitCode = 0;
  hashsieve::cli::addHashCommand(app, exitCode);
  hashsieve::cli::addListCommand(app, exitCode);
  hashsieve::cli::addMatchCommand(app, exitCode);
  hashsieve::cli::addScanCommand(app, exitCode);
  hashsieve::cli::addInfoCommand(app, exitCode);
  hashsieve::cli::addBenchCommand(app, exitCode);
  hashsieve::cli::addMergeCommand(app, exitCode);
  hashsieve::cli::addPlanCommand(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const hashsieve::UsageError& e) {
    std::fprintf(stderr, "hashsieve: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hashsieve: fatal: %s\n", e.what());
    return 3;
  }
  return exitCode;
}
