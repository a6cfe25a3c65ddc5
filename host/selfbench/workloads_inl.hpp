// runRecord: the error and memory bookkeeping every workload record shares.
#pragma once

#include <exception>

#include "host/selfbench/process_stats.hpp"

namespace hashsieve::bench {

template <typename Body>
WorkloadResult runRecord(WorkloadResult r, Body&& body) {
  resetPeakRss();
  try {
    body(r);
  } catch (const CheckError& e) {
    r.status = std::string("failed: check: ") + e.what();
  } catch (const std::exception& e) {
    r.status = std::string("failed: ") + e.what();
  }
  r.peakRssBytes = peakRssBytes();
  return r;
}

}  // namespace hashsieve::bench
