// The interrupt handler uses only async-signal-safe calls (write, unlink, _exit) on memory
// fixed before it can run: paths are copied into static slots, published by an atomic flag.
#include "host/pipeline/interrupt.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace hashsieve::pipeline {
namespace {

struct Slot {
  std::atomic<bool> used{false};     // claimed by a writer
  std::atomic<bool> visible{false};  // path complete: the handler may unlink it
  char path[PATH_MAX];
};
Slot gSlots[kMaxTemporaries];
char gMessage[256];
size_t gMessageLength = 0;

void onInterrupt(int sig) {
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, gMessage, gMessageLength);
  for (Slot& s : gSlots)
    if (s.visible.load(std::memory_order_acquire)) ::unlink(s.path);
  ::_exit(128 + sig);
}

}  // namespace

void installInterruptHandler(const std::string& prefix) {
  const std::string text =
      "\n" + prefix + ": interrupted; rerun the same command with --journal to resume\n";
  gMessageLength = std::min(text.size(), sizeof gMessage);
  std::memcpy(gMessage, text.data(), gMessageLength);
  struct sigaction sa {};
  sa.sa_handler = onInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

int registerTemporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kMaxTemporaries; ++i) {
    bool expected = false;
    if (!gSlots[i].used.compare_exchange_strong(expected, true)) continue;
    std::memcpy(gSlots[i].path, path.c_str(), path.size() + 1);
    gSlots[i].visible.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void unregisterTemporary(int slot) {
  if (slot < 0 || slot >= kMaxTemporaries) return;
  gSlots[slot].visible.store(false, std::memory_order_release);
  gSlots[slot].used.store(false, std::memory_order_release);
}

}  // namespace hashsieve::pipeline
