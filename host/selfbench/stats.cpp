// Median/min/max of timings and the rates derived from them.
#include "host/selfbench/stats.hpp"

#include <algorithm>

namespace hashsieve::bench {

Summary summarize(std::vector<double> values) {
  Summary s;
  s.runs = values;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  s.min = values.front();
  s.max = values.back();
  s.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  return s;
}

Summary rateOf(const Summary& seconds, double work) {
  auto rate = [work](double t) { return t > 0.0 ? work / t : 0.0; };
  Summary r;
  r.median = rate(seconds.median);
  r.min = rate(seconds.max);  // the slowest run gives the lowest rate
  r.max = rate(seconds.min);
  r.runs.reserve(seconds.runs.size());
  for (double t : seconds.runs) r.runs.push_back(rate(t));
  return r;
}

}  // namespace hashsieve::bench
