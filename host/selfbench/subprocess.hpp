// Runs a helper program with data on its stdin and collects its stdout: how the peers get
// decoded frames (through a pipe, never a file, so user pixels are not written to disk).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hashsieve::bench {

/// Writes to the child's stdin; returns false to stop early (e.g. EPIPE).
using PipeWriter = std::function<bool(const void* data, size_t bytes)>;

struct ChildResult {
  int exitStatus = -1;  // exit code, or 128 + signal
  std::string out;      // everything the child wrote on stdout
};

/// Starts argv[0] (searched in PATH) with argv, calls `feed` on a thread of its own to write
/// the child's stdin (closed when feed returns), reads stdout until EOF and waits for the child.
/// stderr is inherited. Throws std::runtime_error when the child cannot be started.
ChildResult runChild(const std::vector<std::string>& argv,
                     const std::function<void(const PipeWriter&)>& feed);

}  // namespace hashsieve::bench
