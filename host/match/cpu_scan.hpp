// The CPU scan kernels behind the CPU matcher, one set per instruction-set level, chosen at run
// time: scalar popcount, AVX2 (nibble-table popcount), AVX-512 VPOPCNTDQ. Each kernel scans one
// tile of list blocks (hsl_format.hpp layout) against a range of query rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "host/match/query_rows.hpp"

namespace hashsieve::detail {

enum class CpuIsa { Scalar, Avx2, Avx512 };
const char* cpuIsaName(CpuIsa isa);
/// Whether this machine can run `isa` (__builtin_cpu_supports on x86-64; scalar everywhere).
bool cpuIsaSupported(CpuIsa isa);
/// The fastest supported level.
CpuIsa bestCpuIsa();

/// Blocks [firstBlock, firstBlock + blockCount) of a list's packed words. Lanes whose entry
/// index is >= entryCount are padding and never reported.
struct ListTile {
  const uint64_t* packed = nullptr;
  size_t firstBlock = 0;
  size_t blockCount = 0;
  size_t entryCount = 0;
  int words = 4;  // 4 (PDQ) or 1 (pHash)
};

/// A bounded max-heap of the k best (distance, entry) pairs of one query. Kernels visit
/// entries in increasing index order, so a candidate must beat bound() strictly: an equal
/// distance loses to the lower entry already kept (the documented tie rule).
class TopKHeap {
 public:
  static constexpr uint32_t kNoBound = 257;  // above every 256-bit distance
  explicit TopKHeap(int k) : k_(static_cast<size_t>(k)) { items_.reserve(k_); }
  uint32_t bound() const { return items_.size() < k_ ? kNoBound : items_.front().distance; }
  /// Precondition: distance < bound().
  void push(uint32_t distance, uint32_t entry, uint32_t variant);
  struct Item {
    uint32_t distance, entry, variant;
  };
  std::vector<Item>& items() { return items_; }

 private:
  size_t k_;
  std::vector<Item> items_;  // a max-heap on (distance, entry)
};

using RangeTileFn = void (*)(const ListTile& tile, const QueryRow* rows, size_t rowCount,
                             uint32_t firstRowIndex, int threshold, std::vector<RowHit>& hits);
/// `variants`: the rows of one query (1..8).
using TopKTileFn = void (*)(const ListTile& tile, const QueryRow* variants, int variantCount,
                            TopKHeap& heap);

struct CpuScanKernels {
  RangeTileFn range;
  TopKTileFn topK;
};

/// The kernels of one level; throws UsageError when this machine cannot run it.
CpuScanKernels cpuScanKernels(CpuIsa isa);

// Per-level tables (cpu_scan_*.cpp); only call those that cpuIsaSupported().
CpuScanKernels scalarScanKernels();
CpuScanKernels avx2ScanKernels();
CpuScanKernels avx512ScanKernels();

/// The variant of `variants` nearest to entry `entry` (lowest index on ties) and its distance;
/// kernels call it for the rare entries that enter a top-k heap.
inline void nearestVariant(const ListTile& tile, size_t entry, const QueryRow* variants,
                           int variantCount, uint32_t& distance, uint32_t& variant) {
  const size_t base = entry / 8 * tile.words * 8 + entry % 8;
  distance = 1u << 30;
  for (int v = 0; v < variantCount; ++v) {
    uint32_t d = 0;
    for (int j = 0; j < tile.words; ++j)
      d +=
          static_cast<uint32_t>(__builtin_popcountll(tile.packed[base + 8 * j] ^ variants[v].w[j]));
    if (d < distance) {
      distance = d;
      variant = variants[v].variant;
    }
  }
}

}  // namespace hashsieve::detail
