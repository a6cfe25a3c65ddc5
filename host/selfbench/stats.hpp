// Summary statistics of repeated timings: the median is what the report quotes, min and max
// show the spread, and every run is kept so a reader can judge the noise.
#pragma once

#include <vector>

namespace hashsieve::bench {

struct Summary {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
  std::vector<double> runs;  // in the order measured
};

/// Median (mean of the two middle values for an even count), min and max of `values`.
/// An empty input gives all zeros.
Summary summarize(std::vector<double> values);

/// `work / seconds` for each run: a rate's median is work / median time, its min comes from the
/// slowest run and its max from the fastest. Zero seconds give a zero rate (nothing measured).
Summary rateOf(const Summary& seconds, double work);

}  // namespace hashsieve::bench
