// pHash batch launches and the host finish from the device's 32x32 grey.
#include "kernels/phash_batch.hpp"

#include <algorithm>

#include "host/core/phash_dct.hpp"
#include "kernels/phash_resample.cuh"

namespace hashsieve::cuda {

void enqueuePhashBatch(const PhashBatchPlan& plan, const PhashDeviceBatch& d, cudaStream_t stream) {
  const int n = int(plan.items.size());
  // Pass 2 reads what pass 1 wrote; same stream, so no extra synchronisation.
  launchPhashPass1(d.items, n, plan.pass1Work, plan.maxRowBytes, d.sharedMemOptin, d.taps, d.pixels,
                   d.temp, stream);
  launchPhashPass2(d.items, n, d.taps, d.temp, d.grey, stream);
}

Hash64 phashFromGrey32(const uint8_t* grey) {
  phash::Grey32 g;
  std::copy_n(grey, g.size(), g.begin());
  const phash::Block8 block = phash::lowFrequencyBlock(g);
  return phash::thresholdBits(block.data(), phash::numpyMedian(block));
}

}  // namespace hashsieve::cuda
