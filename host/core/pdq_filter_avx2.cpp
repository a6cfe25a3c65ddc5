// AVX2 PDQ filter; see pdq_filter_avx2.hpp. Row passes run 8 rows at once (one lane per row, the
// rows transposed into column-interleaved blocks); column passes run 8 columns at once. Each lane
// performs boxLine's float adds, subtracts and divides in boxLine's order, so results are exact.
// The build disables FMA contraction (-ffp-contract=off), and only mul/add/sub/div are used.
#include "host/core/pdq_filter_avx2.hpp"

#include <algorithm>
#include <vector>

#include "host/core/simd_avx2.hpp"

namespace hashsieve::pdq::detail {

bool pdqHaveAvx2() { return hashsieve::detail::cpuHasAvx2(); }

namespace {

constexpr int kLanes = 8;     // floats per 256-bit vector: rows per row-pass group
constexpr int kRgbBytes = 3;  // Rgb8

HS_AVX2_INLINE void transpose8(__m256 r[kLanes]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// Luma of one row (lumaFromRgb: products rounded, then (R + G) + B), or the grey sample.
HS_AVX2 void lumaRow(const uint8_t* p, int width, PixelFormat format, float* out) {
  int x = 0;
  if (format == PixelFormat::Gray8) {
    for (; x + kLanes <= width; x += kLanes) {
      const __m128i s = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + x));
      _mm256_storeu_ps(out + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(s)));
    }
    for (; x < width; ++x) out[x] = static_cast<float>(p[x]);
    return;
  }
  const __m256 wr = _mm256_set1_ps(kLumaR), wg = _mm256_set1_ps(kLumaG);
  const __m256 wb = _mm256_set1_ps(kLumaB);
  for (; hashsieve::detail::rgb8Readable(x, width); x += kLanes) {
    __m256i ri, gi, bi;
    hashsieve::detail::rgb8Channels(p + kRgbBytes * x, ri, gi, bi);
    const __m256 r = _mm256_cvtepi32_ps(ri);
    const __m256 g = _mm256_cvtepi32_ps(gi);
    const __m256 b = _mm256_cvtepi32_ps(bi);
    const __m256 rg = _mm256_add_ps(_mm256_mul_ps(wr, r), _mm256_mul_ps(wg, g));
    _mm256_storeu_ps(out + x, _mm256_add_ps(rg, _mm256_mul_ps(wb, b)));
  }
  for (; x < width; ++x)
    out[x] = lumaFromRgb(p[kRgbBytes * x], p[kRgbBytes * x + 1], p[kRgbBytes * x + 2]);
}

/// 8 rows (row r at rows + r * pitch) -> block[c * 8 + r].
HS_AVX2 void interleave(const float* rows, size_t pitch, int cols, float* block) {
  int c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    __m256 v[kLanes];
    for (int r = 0; r < kLanes; ++r) v[r] = _mm256_loadu_ps(rows + r * pitch + c);
    transpose8(v);
    for (int i = 0; i < kLanes; ++i) _mm256_storeu_ps(block + (c + i) * kLanes, v[i]);
  }
  for (; c < cols; ++c)
    for (int r = 0; r < kLanes; ++r) block[c * kLanes + r] = rows[r * pitch + c];
}

/// block[c * 8 + r] -> 8 rows (row r at rows + r * pitch).
HS_AVX2 void deinterleave(const float* block, int cols, float* rows, size_t pitch) {
  int c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    __m256 v[kLanes];
    for (int i = 0; i < kLanes; ++i) v[i] = _mm256_loadu_ps(block + (c + i) * kLanes);
    transpose8(v);
    for (int r = 0; r < kLanes; ++r) _mm256_storeu_ps(rows + r * pitch + c, v[r]);
  }
  for (; c < cols; ++c)
    for (int r = 0; r < kLanes; ++r) rows[r * pitch + c] = block[c * kLanes + r];
}

/// boxLine along 8 interleaved rows at once. Outputs o with keep(o) are divided and passed to
/// store(o, vector); the running sum visits every sample either way.
template <typename Keep, typename Store>
HS_AVX2_INLINE void sweepRows(const float* in, int cols, int window, Keep&& keep, Store&& store) {
  const int lead = (window + 2) / 2 - 1;
  __m256 sum = _mm256_setzero_ps();
  for (int c = 0; c < lead; ++c) sum = _mm256_add_ps(sum, _mm256_loadu_ps(in + c * kLanes));
  for (int o = 0; o < cols; ++o) {
    const int incoming = o + lead, outgoing = o + lead - window;
    const int lo = outgoing + 1 < 0 ? 0 : outgoing + 1;
    const int hi = incoming < cols ? incoming : cols - 1;
    if (incoming < cols) sum = _mm256_add_ps(sum, _mm256_loadu_ps(in + incoming * kLanes));
    if (outgoing >= 0) sum = _mm256_sub_ps(sum, _mm256_loadu_ps(in + outgoing * kLanes));
    if (keep(o)) store(o, _mm256_div_ps(sum, _mm256_set1_ps(static_cast<float>(hi - lo + 1))));
  }
}

/// One output row of boxColumns (pdq_cpu.cpp), 8 columns per vector: sum += add (when given),
/// sum -= sub (when given), dst = sum / count (when dst is given; else the division is skipped).
HS_AVX2_INLINE void columnStep(float* sum, const float* add, const float* sub, float* dst,
                               float count, int cols) {
  const int vecCols = cols / kLanes * kLanes;
  const __m256 vcount = _mm256_set1_ps(count);
  for (int c = 0; c < vecCols; c += kLanes) {
    __m256 s = _mm256_loadu_ps(sum + c);
    if (add) s = _mm256_add_ps(s, _mm256_loadu_ps(add + c));
    if (sub) s = _mm256_sub_ps(s, _mm256_loadu_ps(sub + c));
    _mm256_storeu_ps(sum + c, s);
    if (dst) _mm256_storeu_ps(dst + c, _mm256_div_ps(s, vcount));
  }
  for (int c = vecCols; c < cols; ++c) {
    if (add) sum[c] += add[c];
    if (sub) sum[c] -= sub[c];
    if (dst) dst[c] = sum[c] / count;
  }
}

/// boxColumns over `rows` rows given by row(r) (pointers valid when called): output row o is
/// passed to dstOf(o), which returns where to store it or null to skip its division.
template <typename Row, typename Dst>
HS_AVX2_INLINE void boxColumnsStreamed(int rows, int cols, int window, float* sum, Row&& row,
                                       Dst&& dstOf) {
  const int lead = (window + 2) / 2 - 1;
  std::fill_n(sum, cols, 0.0f);
  for (int r = 0; r < lead; ++r) columnStep(sum, row(r), nullptr, nullptr, 0.0f, cols);
  for (int o = 0; o < rows; ++o) {
    const int incoming = o + lead, outgoing = o + lead - window;
    const int lo = outgoing + 1 < 0 ? 0 : outgoing + 1;
    const int hi = incoming < rows ? incoming : rows - 1;
    columnStep(sum, incoming < rows ? row(incoming) : nullptr,
               outgoing >= 0 ? row(outgoing) : nullptr, dstOf(o), static_cast<float>(hi - lo + 1),
               cols);
  }
}

}  // namespace

HS_AVX2 void filterDecimateAvx2(const ImageView& img, FilterScratch& s, float* out) {
  const int rows = img.height, cols = img.width;
  const int windowAlongRows = boxWindow(cols), windowAlongCols = boxWindow(rows);
  // The passes stream through the frame: repetition 1's row pass fills a ring of rows, its column
  // pass reads the ring and emits 8 rows at a time into `group`, repetition 2's row pass turns
  // each group into the 64 decimated columns (`kept`, rows x 64), and repetition 2's column pass
  // runs over `kept`. The ring must hold every row from a column step's outgoing row to the last
  // produced one (one group past its incoming row): window + 8 rows, rounded to whole groups.
  const int ringRows = (windowAlongCols + 2 * kLanes) / kLanes * kLanes;
  const size_t blockSize = static_cast<size_t>(cols) * kLanes;
  float* ring = s.plane1.get(static_cast<size_t>(ringRows) * cols);
  float* group = s.plane2.get(blockSize);
  float* luma = s.rows8.get(blockSize);
  float* block1 = s.block1.get(blockSize);
  float* block2 = s.block2.get(blockSize);
  float* kept = s.kept.get(static_cast<size_t>(rows) * kBufDim);
  float* sums = s.sums.get(cols);
  auto ringRow = [&](int r) { return ring + static_cast<size_t>(r % ringRows) * cols; };

  // Repetition 1, rows: luma of 8 rows (cache-warm), box along them into the ring. Groups start
  // at multiples of 8 and ringRows is one too, so a group's rows are contiguous in the ring.
  int produced = 0;
  auto all = [](int) { return true; };
  auto produceThrough = [&](int need) HS_AVX2_LAMBDA {
    while (produced <= need) {
      if (produced + kLanes <= rows) {
        for (int l = 0; l < kLanes; ++l)
          lumaRow(img.row(produced + l), cols, img.format, luma + size_t(l) * cols);
        interleave(luma, cols, cols, block1);
        sweepRows(block1, cols, windowAlongRows, all, [&](int o, __m256 v) HS_AVX2_LAMBDA {
          _mm256_storeu_ps(block2 + o * kLanes, v);
        });
        deinterleave(block2, cols, ringRow(produced), cols);
        produced += kLanes;
      } else {
        lumaRow(img.row(produced), cols, img.format, luma);
        boxLine(luma, ringRow(produced), cols, 1, windowAlongRows);
        ++produced;
      }
    }
  };

  // Repetition 2, rows, on one finished group: only the 64 decimated columns are divided.
  std::vector<int> colToJ(cols, -1), rowToI(rows, -1);
  for (int j = 0; j < kBufDim; ++j) colToJ[decimateIndex(j, cols)] = j;  // distinct: cols >= 64
  for (int i = 0; i < kBufDim; ++i) rowToI[decimateIndex(i, rows)] = i;
  auto keepCol = [&](int o) { return colToJ[o] >= 0; };
  auto rowPass2 = [&](int r0) HS_AVX2_LAMBDA {
    interleave(group, cols, cols, block2);
    sweepRows(block2, cols, windowAlongRows, keepCol, [&](int o, __m256 v) HS_AVX2_LAMBDA {
      alignas(32) float lanes[kLanes];
      _mm256_store_ps(lanes, v);
      for (int l = 0; l < kLanes; ++l)
        kept[static_cast<size_t>(r0 + l) * kBufDim + colToJ[o]] = lanes[l];
    });
  };

  // Repetition 1, columns: ring -> group; a full group goes straight to repetition 2's row pass.
  boxColumnsStreamed(
      rows, cols, windowAlongCols, sums,
      [&](int r) HS_AVX2_LAMBDA {
        produceThrough(r);
        return ringRow(r);
      },
      [&](int o) HS_AVX2_LAMBDA {
        if (o % kLanes == 0 && o > 0) rowPass2(o - kLanes);  // the previous group is complete
        return group + static_cast<size_t>(o % kLanes) * cols;
      });
  const int tail = rows % kLanes == 0 ? kLanes : rows % kLanes;  // rows in the last group
  const int lastGroup = rows - tail;
  if (tail == kLanes) {
    rowPass2(lastGroup);
  } else {
    for (int l = 0; l < tail; ++l) {
      const float* line = group + static_cast<size_t>(l) * cols;
      float* dst = kept + static_cast<size_t>(lastGroup + l) * kBufDim;
      BoxPass pass(cols, windowAlongRows);
      pass.run(
          0, pass.steps(), [&](int i) { return line[i]; }, keepCol,
          [&](int o, float v) { dst[colToJ[o]] = v; });
    }
  }

  // Repetition 2, columns over the kept 64 columns, dividing only at the 64 decimated rows.
  boxColumnsStreamed(
      rows, kBufDim, windowAlongCols, sums,
      [&](int r) { return kept + static_cast<size_t>(r) * kBufDim; },
      [&](int o) {
        return rowToI[o] >= 0 ? out + static_cast<size_t>(rowToI[o]) * kBufDim : nullptr;
      });
}

}  // namespace hashsieve::pdq::detail
