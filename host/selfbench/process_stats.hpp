// Peak resident memory per workload, read from the kernel's high-water mark.
#pragma once

#include <cstdint>
#include <vector>

namespace hashsieve::bench {

/// Resets the process's RSS high-water mark (writes 5 to /proc/self/clear_refs, Linux >= 4.0).
/// Returns false where that is not allowed; the peak then covers the whole process so far.
bool resetPeakRss();

/// VmHWM of /proc/self/status in bytes (0 when unreadable).
int64_t peakRssBytes();

/// The 1, 5 and 15 minute load averages of /proc/loadavg (empty when unreadable): a busy
/// machine makes every figure of the run suspect, so the report records it.
std::vector<double> loadAverage();

/// CPU time consumed by the calling thread, in seconds.
double threadCpuSeconds();

}  // namespace hashsieve::bench
