// Turns the command line's files and directories into an ordered stream of inputs: directories
// walked depth-first with entries in byte order, so the same tree always gives the same order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hashsieve::pipeline {

/// One input. `ok` inputs are regular files to decode; the others carry the error record's
/// reason tag and detail and are never opened.
struct InputItem {
  std::string path;  // the bytes as given on the command line, joined with '/' below directories
  bool ok = false;
  std::string error;  // reason tag when !ok: "not found", "vanished", "unreadable",
                      // "not a regular file", "symlink not followed", "broken symlink",
                      // "symlink loop", "directory loop"
  std::string detail;
  int64_t size = -1;     // bytes (stat), for ok items
  int64_t mtimeNs = -1;  // modification time in ns since the epoch, for ok items
};

struct WalkOptions {
  /// Follow symlinks met inside directories. Without it each one becomes a
  /// "symlink not followed" error record (nothing is skipped silently). Paths named on the
  /// command line are always followed, as `find -H` does.
  bool followSymlinks = false;
};

/// Receives each input in order; returns false to stop the walk.
using InputSink = std::function<bool(InputItem&&)>;

/// Walks `roots` in the given order. A directory is read whole and sorted before descending, so
/// memory is the listings of the directories on the current path. Directory loops (a followed
/// symlink to an ancestor, found by device and inode) become "directory loop" errors.
/// Returns false when the sink stopped the walk.
bool walkInputs(const std::vector<std::string>& roots, const WalkOptions& opts,
                const InputSink& sink);

/// An input walked earlier (a `hashsieve plan` chunk) about to be read: an ok item is stat'ed
/// again (followed) for its size and mtime now; one gone or no longer a regular file becomes the
/// error record a walk would give now. Error items are returned as they are.
InputItem refreshPlanned(InputItem item);

}  // namespace hashsieve::pipeline
