// Ctrl-C / SIGTERM during a run: say how to resume, remove the temporaries of unfinished
// outputs (the finished ones were renamed already) and exit 128 + signal, from the handler.
#pragma once

#include <string>

namespace hashsieve::pipeline {

/// Installs the SIGINT and SIGTERM handler. It writes "<prefix>: interrupted; rerun the same
/// command with --journal to resume" to stderr, unlinks every registered temporary and
/// _exit()s with 128 + signal (130 for Ctrl-C). Journalled records are already on disk
/// (journal.hpp: a torn line is cut off at the next open), so the rerun resumes.
void installInterruptHandler(const std::string& prefix);

/// Registers a temporary file for removal on interrupt; returns a slot for unregisterTemporary.
/// At most kMaxTemporaries at once (more are not removed on interrupt). Thread-safe.
int registerTemporary(const std::string& path);
/// Forgets slot `slot` (negative: no-op), e.g. once the temporary is renamed or removed.
void unregisterTemporary(int slot);

inline constexpr int kMaxTemporaries = 16;

}  // namespace hashsieve::pipeline
