// One function per subcommand: each adds its CLI11 subcommand to the app and, when it runs,
// stores the process exit status in `exitCode` (0 ok, 1 some inputs failed, 2 usage, 3 fatal).
#pragma once

#include <CLI/CLI.hpp>

namespace hashsieve::cli {

void addHashCommand(CLI::App& app, int& exitCode);
void addListCommand(CLI::App& app, int& exitCode);
void addMatchCommand(CLI::App& app, int& exitCode);
void addScanCommand(CLI::App& app, int& exitCode);
void addInfoCommand(CLI::App& app, int& exitCode);
void addBenchCommand(CLI::App& app, int& exitCode);
void addMergeCommand(CLI::App& app, int& exitCode);
void addPlanCommand(CLI::App& app, int& exitCode);

}  // namespace hashsieve::cli
