// AVX2 scan kernels: 4 entries per 256-bit register (word j of 4 lanes of a block), popcount
// by 4-bit table lookups (vpshufb), per-lane sums by vpsadbw. Compiled for AVX2 through
// function attributes only, so nothing here leaks AVX2 code into shared inline functions.
#include <immintrin.h>

#include "host/match/cpu_scan.hpp"

namespace hashsieve::detail {
namespace {

#define HS_AVX2 __attribute__((target("avx2,popcnt")))
#define HS_AVX2_INLINE inline __attribute__((target("avx2,popcnt"), always_inline))

/// Byte-wise popcount of x (each byte 0..8): two 16-entry table lookups per byte.
HS_AVX2_INLINE __m256i popcountBytes(__m256i x) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(x, nibble);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
  return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}

/// Byte counts of `words` words (lanes h*4..h*4+3 of a block) XOR the query; bytes stay <= 32.
template <int From, int To>
HS_AVX2_INLINE __m256i countWords(const uint64_t* base, int half, const __m256i* q) {
  __m256i c = _mm256_setzero_si256();
  for (int j = From; j < To; ++j) {
    const __m256i x = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + j * 8 + half * 4)), q[j]);
    c = _mm256_add_epi8(c, popcountBytes(x));
  }
  return c;
}

/// 4 lane distances (u64) from byte counts.
HS_AVX2_INLINE __m256i laneSums(__m256i c) { return _mm256_sad_epu8(c, _mm256_setzero_si256()); }

/// Bit l set where lane l of the u64 vector a is > t.
HS_AVX2_INLINE int greaterMask(__m256i a, __m256i t) {
  return _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(a, t)));
}

HS_AVX2_INLINE void emit(size_t block, int lane, uint32_t d, uint32_t row, size_t entryCount,
                         std::vector<RowHit>& hits) {
  const size_t entry = block * 8 + static_cast<size_t>(lane);
  if (entry < entryCount) hits.push_back({row, static_cast<uint32_t>(entry), d});
}

template <int W, bool kPrune>
HS_AVX2 void rangeAvx2(const ListTile& t, const QueryRow* rows, size_t rowCount, uint32_t firstRow,
                       int threshold, std::vector<RowHit>& hits) {
  const __m256i tv = _mm256_set1_epi64x(threshold);
  alignas(32) uint64_t lanes[8];
  for (size_t r = 0; r < rowCount; ++r) {
    __m256i q[W];
    for (int j = 0; j < W; ++j) q[j] = _mm256_set1_epi64x(static_cast<long long>(rows[r].w[j]));
    const uint32_t row = firstRow + static_cast<uint32_t>(r);
    for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
      const uint64_t* base = t.packed + b * W * 8;
      if constexpr (kPrune) {
        const __m256i s0 = laneSums(countWords<0, 2>(base, 0, q));
        const __m256i s1 = laneSums(countWords<0, 2>(base, 1, q));
        const int pruned = greaterMask(s0, tv) | greaterMask(s1, tv) << 4;
        if (pruned == 0xff) continue;  // the common case: every lane already too far
        for (int lane = 0; lane < 8; ++lane) {
          if (pruned >> lane & 1) continue;
          uint32_t d = 0;
          for (int j = 0; j < W; ++j)
            d += static_cast<uint32_t>(__builtin_popcountll(base[j * 8 + lane] ^ rows[r].w[j]));
          if (d <= static_cast<uint32_t>(threshold)) emit(b, lane, d, row, t.entryCount, hits);
        }
      } else {
        const __m256i s0 = laneSums(countWords<0, W>(base, 0, q));
        const __m256i s1 = laneSums(countWords<0, W>(base, 1, q));
        const int far = greaterMask(s0, tv) | greaterMask(s1, tv) << 4;
        if (far == 0xff) continue;
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s0);
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes + 4), s1);
        for (int lane = 0; lane < 8; ++lane)
          if (!(far >> lane & 1))
            emit(b, lane, static_cast<uint32_t>(lanes[lane]), row, t.entryCount, hits);
      }
    }
  }
}

template <int W>
HS_AVX2 void topKAvx2(const ListTile& t, const QueryRow* variants, int variantCount,
                      TopKHeap& heap) {
  __m256i q[kDihedralCount][W];
  for (int v = 0; v < variantCount; ++v)
    for (int j = 0; j < W; ++j)
      q[v][j] = _mm256_set1_epi64x(static_cast<long long>(variants[v].w[j]));
  __m256i bound = _mm256_set1_epi64x(heap.bound());
  for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
    const uint64_t* base = t.packed + b * W * 8;
    __m256i m0 = laneSums(countWords<0, W>(base, 0, q[0]));
    __m256i m1 = laneSums(countWords<0, W>(base, 1, q[0]));
    for (int v = 1; v < variantCount; ++v) {
      // Distances fit in 32 bits and the upper halves are zero, so an unsigned 32-bit min is
      // the 64-bit min (AVX2 has no vpminuq).
      m0 = _mm256_min_epu32(m0, laneSums(countWords<0, W>(base, 0, q[v])));
      m1 = _mm256_min_epu32(m1, laneSums(countWords<0, W>(base, 1, q[v])));
    }
    // Candidates: distance < bound, i.e. bound > distance.
    const int candidates = greaterMask(bound, m0) | greaterMask(bound, m1) << 4;
    if (candidates == 0) continue;
    for (int lane = 0; lane < 8; ++lane) {
      const size_t entry = b * 8 + static_cast<size_t>(lane);
      if (!(candidates >> lane & 1) || entry >= t.entryCount) continue;
      uint32_t d = 0, variant = 0;
      nearestVariant(t, entry, variants, variantCount, d, variant);
      if (d < heap.bound()) heap.push(d, static_cast<uint32_t>(entry), variant);
    }
    bound = _mm256_set1_epi64x(heap.bound());
  }
}

void rangeDispatch(const ListTile& t, const QueryRow* rows, size_t n, uint32_t first, int threshold,
                   std::vector<RowHit>& hits) {
  if (t.words == 1)
    rangeAvx2<1, false>(t, rows, n, first, threshold, hits);
  else if (threshold <= kPrefixPruneMaxThreshold)
    rangeAvx2<4, true>(t, rows, n, first, threshold, hits);
  else
    rangeAvx2<4, false>(t, rows, n, first, threshold, hits);
}

void topKDispatch(const ListTile& t, const QueryRow* v, int nv, TopKHeap& heap) {
  if (t.words == 4)
    topKAvx2<4>(t, v, nv, heap);
  else
    topKAvx2<1>(t, v, nv, heap);
}

}  // namespace

CpuScanKernels avx2ScanKernels() { return {rangeDispatch, topKDispatch}; }

}  // namespace hashsieve::detail
