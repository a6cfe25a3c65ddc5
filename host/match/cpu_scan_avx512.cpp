// AVX-512 VPOPCNTDQ scan kernels: one 512-bit register holds word j of all 8 entries of a
// block, so a block costs W loads, W XORs, W vpopcntq and a compare into a lane mask.
#include <immintrin.h>

#include "host/match/cpu_scan.hpp"

namespace hashsieve::detail {
namespace {

#define HS_AVX512 __attribute__((target("avx512f,avx512vpopcntdq,popcnt")))
#define HS_AVX512_INLINE \
  inline __attribute__((target("avx512f,avx512vpopcntdq,popcnt"), always_inline))

template <int From, int To>
HS_AVX512_INLINE __m512i blockDistance(const uint64_t* base, const __m512i* q) {
  __m512i d = _mm512_setzero_si512();
  for (int j = From; j < To; ++j)
    d = _mm512_add_epi64(
        d, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(base + j * 8), q[j])));
  return d;
}

template <int W, bool kPrune>
HS_AVX512 void rangeAvx512(const ListTile& t, const QueryRow* rows, size_t rowCount,
                           uint32_t firstRow, int threshold, std::vector<RowHit>& hits) {
  const __m512i tv = _mm512_set1_epi64(threshold);
  alignas(64) uint64_t lanes[8];
  for (size_t r = 0; r < rowCount; ++r) {
    __m512i q[W];
    for (int j = 0; j < W; ++j) q[j] = _mm512_set1_epi64(static_cast<long long>(rows[r].w[j]));
    const uint32_t row = firstRow + static_cast<uint32_t>(r);
    for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
      const uint64_t* base = t.packed + b * W * 8;
      __m512i d;
      __mmask8 near;
      if constexpr (kPrune) {
        d = blockDistance<0, 2>(base, q);
        near = _mm512_cmple_epu64_mask(d, tv);
        if (!near) continue;  // the common case: every lane already too far
        d = _mm512_add_epi64(d, blockDistance<2, W>(base, q));
        near = _mm512_mask_cmple_epu64_mask(near, d, tv);
      } else {
        d = blockDistance<0, W>(base, q);
        near = _mm512_cmple_epu64_mask(d, tv);
      }
      if (!near) continue;
      _mm512_store_si512(lanes, d);
      for (int lane = 0; lane < 8; ++lane) {
        const size_t entry = b * 8 + static_cast<size_t>(lane);
        if ((near >> lane & 1) && entry < t.entryCount)
          hits.push_back({row, static_cast<uint32_t>(entry), static_cast<uint32_t>(lanes[lane])});
      }
    }
  }
}

template <int W>
HS_AVX512 void topKAvx512(const ListTile& t, const QueryRow* variants, int variantCount,
                          TopKHeap& heap) {
  __m512i q[kDihedralCount][W];
  for (int v = 0; v < variantCount; ++v)
    for (int j = 0; j < W; ++j)
      q[v][j] = _mm512_set1_epi64(static_cast<long long>(variants[v].w[j]));
  __m512i bound = _mm512_set1_epi64(heap.bound());
  for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
    const uint64_t* base = t.packed + b * W * 8;
    __m512i m = blockDistance<0, W>(base, q[0]);
    // The masked form: the plain intrinsic trips a GCC 12 -Wmaybe-uninitialized false positive.
    for (int v = 1; v < variantCount; ++v)
      m = _mm512_mask_min_epu64(m, static_cast<__mmask8>(0xff), m, blockDistance<0, W>(base, q[v]));
    const __mmask8 candidates = _mm512_cmplt_epu64_mask(m, bound);
    if (!candidates) continue;
    for (int lane = 0; lane < 8; ++lane) {
      const size_t entry = b * 8 + static_cast<size_t>(lane);
      if (!(candidates >> lane & 1) || entry >= t.entryCount) continue;
      uint32_t d = 0, variant = 0;
      nearestVariant(t, entry, variants, variantCount, d, variant);
      if (d < heap.bound()) heap.push(d, static_cast<uint32_t>(entry), variant);
    }
    bound = _mm512_set1_epi64(heap.bound());
  }
}

void rangeDispatch(const ListTile& t, const QueryRow* rows, size_t n, uint32_t first, int threshold,
                   std::vector<RowHit>& hits) {
  if (t.words == 1)
    rangeAvx512<1, false>(t, rows, n, first, threshold, hits);
  else if (threshold <= kPrefixPruneMaxThreshold)
    rangeAvx512<4, true>(t, rows, n, first, threshold, hits);
  else
    rangeAvx512<4, false>(t, rows, n, first, threshold, hits);
}

void topKDispatch(const ListTile& t, const QueryRow* v, int nv, TopKHeap& heap) {
  if (t.words == 4)
    topKAvx512<4>(t, v, nv, heap);
  else
    topKAvx512<1>(t, v, nv, heap);
}

}  // namespace

CpuScanKernels avx512ScanKernels() { return {rangeDispatch, topKDispatch}; }

}  // namespace hashsieve::detail
