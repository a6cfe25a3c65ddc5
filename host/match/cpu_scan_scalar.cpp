// The scalar scan kernels: one 64-bit popcount per word. Built twice over: with the POPCNT
// instruction where the CPU has it, and as plain C++ (software popcount) elsewhere.
#include "host/match/cpu_scan.hpp"

namespace hashsieve::detail {
namespace {

#if defined(__x86_64__)
#define HS_TARGET_POPCNT __attribute__((target("popcnt")))
#else
#define HS_TARGET_POPCNT
#endif

template <int W>
inline __attribute__((always_inline)) uint32_t wordDistance(const uint64_t* base, int lane,
                                                            const uint64_t* q, int word) {
  return static_cast<uint32_t>(__builtin_popcountll(base[word * 8 + lane] ^ q[word]));
}

// kPrune is a template parameter, not a run-time flag: a data-dependent branch on the partial
// sum is only worth it when it is almost always taken (thresholds up to 47).
template <int W, bool kPrune>
inline __attribute__((always_inline)) void rangeImpl(const ListTile& t, const QueryRow* rows,
                                                     size_t rowCount, uint32_t firstRow,
                                                     int threshold, std::vector<RowHit>& hits) {
  const uint32_t T = static_cast<uint32_t>(threshold);
  for (size_t r = 0; r < rowCount; ++r) {
    const uint64_t* q = rows[r].w;
    for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
      const uint64_t* base = t.packed + b * W * 8;
      for (int lane = 0; lane < 8; ++lane) {
        uint32_t d;
        if constexpr (W == 4) {
          d = wordDistance<W>(base, lane, q, 0) + wordDistance<W>(base, lane, q, 1);
          if (kPrune && d > T) continue;
          d += wordDistance<W>(base, lane, q, 2) + wordDistance<W>(base, lane, q, 3);
        } else {
          d = wordDistance<W>(base, lane, q, 0);
        }
        if (d <= T) {
          const size_t entry = b * 8 + static_cast<size_t>(lane);
          if (entry < t.entryCount)
            hits.push_back({firstRow + static_cast<uint32_t>(r), static_cast<uint32_t>(entry), d});
        }
      }
    }
  }
}

template <int W>
inline __attribute__((always_inline)) void topKImpl(const ListTile& t, const QueryRow* variants,
                                                    int variantCount, TopKHeap& heap) {
  uint32_t bound = heap.bound();
  for (size_t b = t.firstBlock; b < t.firstBlock + t.blockCount; ++b) {
    const uint64_t* base = t.packed + b * W * 8;
    for (int lane = 0; lane < 8; ++lane) {
      uint32_t best = TopKHeap::kNoBound, bestVariant = 0;
      for (int v = 0; v < variantCount; ++v) {
        uint32_t d = 0;
        for (int j = 0; j < W; ++j) d += wordDistance<W>(base, lane, variants[v].w, j);
        if (d < best) {
          best = d;
          bestVariant = variants[v].variant;
        }
      }
      const size_t entry = b * 8 + static_cast<size_t>(lane);
      if (best < bound && entry < t.entryCount) {
        heap.push(best, static_cast<uint32_t>(entry), bestVariant);
        bound = heap.bound();
      }
    }
  }
}

template <int W, bool kPrune>
HS_TARGET_POPCNT void rangePopcnt(const ListTile& t, const QueryRow* rows, size_t n, uint32_t first,
                                  int threshold, std::vector<RowHit>& hits) {
  rangeImpl<W, kPrune>(t, rows, n, first, threshold, hits);
}
template <int W>
HS_TARGET_POPCNT void topKPopcnt(const ListTile& t, const QueryRow* v, int nv, TopKHeap& heap) {
  topKImpl<W>(t, v, nv, heap);
}
template <int W, bool kPrune>
void rangePortable(const ListTile& t, const QueryRow* rows, size_t n, uint32_t first, int threshold,
                   std::vector<RowHit>& hits) {
  rangeImpl<W, kPrune>(t, rows, n, first, threshold, hits);
}
template <int W>
void topKPortable(const ListTile& t, const QueryRow* v, int nv, TopKHeap& heap) {
  topKImpl<W>(t, v, nv, heap);
}

bool hasPopcnt() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("popcnt");
#else
  return true;  // other targets' builtin is already the native instruction or best sequence
#endif
}

void rangeScalar(const ListTile& t, const QueryRow* rows, size_t n, uint32_t first, int threshold,
                 std::vector<RowHit>& hits) {
  static const bool native = hasPopcnt();
  const bool prune = threshold <= kPrefixPruneMaxThreshold;
  if (t.words == 1)
    (native ? rangePopcnt<1, false> : rangePortable<1, false>)(t, rows, n, first, threshold, hits);
  else if (prune)
    (native ? rangePopcnt<4, true> : rangePortable<4, true>)(t, rows, n, first, threshold, hits);
  else
    (native ? rangePopcnt<4, false> : rangePortable<4, false>)(t, rows, n, first, threshold, hits);
}

void topKScalar(const ListTile& t, const QueryRow* v, int nv, TopKHeap& heap) {
  static const bool native = hasPopcnt();
  if (t.words == 4)
    (native ? topKPopcnt<4> : topKPortable<4>)(t, v, nv, heap);
  else
    (native ? topKPopcnt<1> : topKPortable<1>)(t, v, nv, heap);
}

}  // namespace

CpuScanKernels scalarScanKernels() { return {rangeScalar, topKScalar}; }

}  // namespace hashsieve::detail
