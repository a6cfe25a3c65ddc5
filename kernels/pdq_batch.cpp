// Table packing and the launch sequence of one PDQ batch.
#include "kernels/pdq_batch.hpp"

#include <cstring>

#include "kernels/pdq_box.cuh"
#include "kernels/pdq_finish.cuh"

namespace hashsieve::cuda {
namespace {

constexpr size_t kTableAlign = 16;  // each table starts 16-byte aligned for the kernels' loads

size_t alignUp(size_t v) { return (v + kTableAlign - 1) / kTableAlign * kTableAlign; }

}  // namespace

PdqTableLayout pdqTableLayout(const PdqBatchPlan& plan) {
  PdqTableLayout l;
  size_t at = 0;
  for (int p = 0; p < kLinePasses; ++p) {
    l.passOffset[p] = at;
    at = alignUp(at + plan.pass[p].size() * sizeof(LinePassItem));
  }
  l.finishOffset = at;
  l.bytes = alignUp(at + plan.finish.size() * sizeof(FinishItem));
  return l;
}

void packPdqTables(const PdqBatchPlan& plan, const PdqTableLayout& layout, uint8_t* dst) {
  for (int p = 0; p < kLinePasses; ++p)
    if (!plan.pass[p].empty())
      std::memcpy(dst + layout.passOffset[p], plan.pass[p].data(),
                  plan.pass[p].size() * sizeof(LinePassItem));
  if (!plan.finish.empty())
    std::memcpy(dst + layout.finishOffset, plan.finish.data(),
                plan.finish.size() * sizeof(FinishItem));
}

void enqueuePdqBatch(const PdqBatchPlan& plan, const PdqTableLayout& layout,
                     const PdqDeviceBatch& d, bool dihedral, cudaStream_t stream) {
  auto items = [&](int p) {
    return reinterpret_cast<const LinePassItem*>(d.tables + layout.passOffset[p]);
  };
  // Pass p reads what pass p-1 wrote; same stream, so no extra synchronisation.
  const float* src[kLinePasses] = {nullptr, d.plane1, d.plane2, d.compact};
  float* dst[kLinePasses] = {d.plane1, d.plane2, d.compact, d.a};
  for (int p = 0; p < kLinePasses; ++p)
    launchPdqLinePass(p, items(p), int(plan.pass[p].size()), plan.passWarps[p], plan.maxWindow[p],
                      d.sharedMemOptin, d.pixels, src[p], dst[p], stream);
  launchPdqFinish(reinterpret_cast<const FinishItem*>(d.tables + layout.finishOffset),
                  int(plan.finish.size()), d.pixels, d.a, dihedral, d.results, d.dct, stream);
}

}  // namespace hashsieve::cuda
