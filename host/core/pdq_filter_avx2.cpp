// AVX2 PDQ filter; see pdq_filter_avx2.hpp. Row passes run 8 rows at once (one lane per row, the
// rows transposed into column-interleaved blocks); column passes run 8 columns at once. Each lane
// performs boxLine's float adds, subtracts and divides in boxLine's order, so results are exact.
// The build disables FMA contraction (-ffp-contract=off), and only mul/add/sub/div are used.
#include "host/core/pdq_filter_avx2.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "host/core/phash_math.hpp"
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

/// Luma of 8 RGB pixels (lumaFromRgb: products rounded, then (R + G) + B) from float channels.
HS_AVX2_INLINE __m256 lumaOf(__m256 r, __m256 g, __m256 b) {
  const __m256 rg = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(kLumaR), r),
                                  _mm256_mul_ps(_mm256_set1_ps(kLumaG), g));
  return _mm256_add_ps(rg, _mm256_mul_ps(_mm256_set1_ps(kLumaB), b));
}

/// Luma of one row, or the grey sample; with `grey`, also the row's Pillow "L" samples.
HS_AVX2 void lumaRow(const uint8_t* p, int width, PixelFormat format, float* out, uint8_t* grey) {
  int x = 0;
  if (format == PixelFormat::Gray8) {
    for (; x + kLanes <= width; x += kLanes) {
      const __m128i s = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + x));
      _mm256_storeu_ps(out + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(s)));
    }
    for (; x < width; ++x) out[x] = static_cast<float>(p[x]);
    if (grey) std::memcpy(grey, p, width);
    return;
  }
  for (; hashsieve::detail::rgb8Readable(x, width); x += kLanes) {
    __m256 r, g, b;
    hashsieve::detail::rgb8Floats(p + kRgbBytes * x, r, g, b);
    _mm256_storeu_ps(out + x, lumaOf(r, g, b));
    if (grey) hashsieve::detail::storeBytes8(hashsieve::detail::pillowGrey8(r, g, b), grey + x);
  }
  for (; x < width; ++x) {
    const uint8_t* q = p + kRgbBytes * x;
    out[x] = lumaFromRgb(q[0], q[1], q[2]);
    if (grey) grey[x] = phash::pillowLuma(q[0], q[1], q[2]);
  }
}

/// The 4x4 transposes of the 128-bit halves of v[0..3]: half h of v[k] gets element k of half h
/// of each of v[0..3], in order.
HS_AVX2_INLINE void transpose4x4Halves(__m256 v[4]) {
  const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
  const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
  v[0] = _mm256_shuffle_ps(t0, t2, 0x44);
  v[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
  v[2] = _mm256_shuffle_ps(t1, t3, 0x44);
  v[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
}

/// The four 8-byte quarters of `bytes` to rows a, b (low half) and c, d (high half).
HS_AVX2_INLINE void storeQuarters(__m256i bytes, uint8_t* a, uint8_t* b, uint8_t* c, uint8_t* d) {
  const __m128i lo = _mm256_castsi256_si128(bytes), hi = _mm256_extracti128_si256(bytes, 1);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(a), lo);
  _mm_storeh_pd(reinterpret_cast<double*>(b), _mm_castsi128_pd(lo));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(c), hi);
  _mm_storeh_pd(reinterpret_cast<double*>(d), _mm_castsi128_pd(hi));
}

/// Luma of rows r0..r0+7 straight into block[c * 8 + l] (the row pass's column-interleaved
/// layout, transposed in registers); with kGrey, also their Pillow "L" rows at grey + l * pitch.
template <bool kGrey>
HS_AVX2_INLINE void lumaGroup(const ImageView& img, int r0, float* block, uint8_t* grey,
                              size_t greyPitch) {
  const int cols = img.width;
  const uint8_t* p[kLanes];
  for (int l = 0; l < kLanes; ++l) p[l] = img.row(r0 + l);
  int c = 0;
  if (img.format == PixelFormat::Gray8) {
    for (; c + kLanes <= cols; c += kLanes) {
      __m256 v[kLanes];
      for (int l = 0; l < kLanes; ++l)
        v[l] = _mm256_cvtepi32_ps(
            _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p[l] + c))));
      transpose8(v);
      for (int i = 0; i < kLanes; ++i) _mm256_storeu_ps(block + (c + i) * kLanes, v[i]);
    }
    for (; c < cols; ++c)
      for (int l = 0; l < kLanes; ++l) block[c * kLanes + l] = static_cast<float>(p[l][c]);
    if constexpr (kGrey)
      for (int l = 0; l < kLanes; ++l) std::memcpy(grey + l * greyPitch, p[l], cols);
    return;
  }
  // Vector k of half h (columns c + 4h .. c + 4h + 3) holds row k's 4 pixels in its low 128 bits
  // and row k + 4's in its high 128 bits, so the in-half 4x4 transposes give each column's 8 rows
  // in order (no cross-half shuffles), and the grey packs give whole rows per 64-bit quarter.
  constexpr int kHalf = kLanes / 2;
  for (; hashsieve::detail::rgb8Readable(c, cols); c += kLanes) {
    __m256 v[2][kHalf];
    __m256i pairs[2];
#pragma GCC unroll 4  // the pairing below is by constant k once unrolled
    for (int k = 0; k < kHalf; ++k) {
      __m256i grey2[2];
      for (int h = 0; h < 2; ++h) {
        __m256i ri, gi, bi;
        const int x = kRgbBytes * (c + h * kHalf);
        hashsieve::detail::rgb4x2Channels(p[k] + x, p[k + kHalf] + x, ri, gi, bi);
        const __m256 r = _mm256_cvtepi32_ps(ri), g = _mm256_cvtepi32_ps(gi);
        const __m256 b = _mm256_cvtepi32_ps(bi);
        v[h][k] = lumaOf(r, g, b);
        if constexpr (kGrey) grey2[h] = hashsieve::detail::pillowGrey8(r, g, b);
      }
      if constexpr (kGrey) {
        // 0..255, so the packs never saturate: row k's 8 samples, then row k + 4's, in 16 bits;
        // two such pairs make rows k - 1, k (low half) and k + 3, k + 4 (high half) in bytes.
        pairs[k % 2] = _mm256_packus_epi32(grey2[0], grey2[1]);
        if (k % 2 == 1) {
          uint8_t* row = grey + c;
          storeQuarters(_mm256_packus_epi16(pairs[0], pairs[1]), row + (k - 1) * greyPitch,
                        row + k * greyPitch, row + (k + 3) * greyPitch, row + (k + 4) * greyPitch);
        }
      }
    }
    for (int h = 0; h < 2; ++h) {
      transpose4x4Halves(v[h]);
      for (int i = 0; i < kHalf; ++i)
        _mm256_storeu_ps(block + (c + h * kHalf + i) * kLanes, v[h][i]);
    }
  }
  for (; c < cols; ++c) {
    for (int l = 0; l < kLanes; ++l) {
      const uint8_t* q = p[l] + kRgbBytes * c;
      block[c * kLanes + l] = lumaFromRgb(q[0], q[1], q[2]);
      if constexpr (kGrey) grey[l * greyPitch + c] = phash::pillowLuma(q[0], q[1], q[2]);
    }
  }
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

/// boxLine's phases along n samples (see BoxPass): output o adds sample o + lead while that
/// exists, subtracts sample o + lead - window once that exists, and divides by the samples between.
struct BoxPhases {
  int n, window, lead;
  BoxPhases(int n, int window) : n(n), window(window), lead((window + 2) / 2 - 1) {}
  int growEnd() const { return window - lead; }  // outputs before: add only (window <= n)
  int slideEnd() const { return n - lead; }      // outputs before: add and subtract
  float count(int o) const {
    const int hi = std::min(o + lead, n - 1), lo = std::max(o + lead - window + 1, 0);
    return static_cast<float>(hi - lo + 1);
  }
};

/// step(0) .. step(steps - 1), two per loop iteration (fewer loop instructions per step).
template <typename Step>
HS_AVX2_INLINE void twoStepsPerIteration(int steps, Step&& step) {
  int i = 0;
  for (; i + 2 <= steps; i += 2) {
    step(i);
    step(i + 1);
  }
  if (i < steps) step(i);
}

/// Steps o in [o0, o1) of boxLine along kGroups blocks of 8 interleaved rows (sample i of block
/// g's 8 rows at in[g] + i * 8), without dividing: the running sums' float adds and subtracts in
/// boxLine's order. The groups' chains are interleaved step by step (their latencies overlap).
template <int kGroups>
HS_AVX2_INLINE void boxAdvance(const float* const* in, const BoxPhases& ph, int o0, int o1,
                               __m256* sum) {
  int o = o0;
  for (const int e = std::min(o1, ph.growEnd()); o < e; ++o)
    for (int g = 0; g < kGroups; ++g)
      sum[g] = _mm256_add_ps(sum[g], _mm256_loadu_ps(in[g] + (o + ph.lead) * kLanes));
  const int slideEnd = std::min(o1, ph.slideEnd());
  if (o < slideEnd) {
    const float* add[kGroups];
    const float* sub[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      add[g] = in[g] + (o + ph.lead) * kLanes;
      sub[g] = in[g] + (o + ph.lead - ph.window) * kLanes;
    }
    auto step = [&](int i) HS_AVX2_LAMBDA {
      for (int g = 0; g < kGroups; ++g) {
        sum[g] = _mm256_add_ps(sum[g], _mm256_loadu_ps(add[g] + i * kLanes));
        sum[g] = _mm256_sub_ps(sum[g], _mm256_loadu_ps(sub[g] + i * kLanes));
      }
    };
    twoStepsPerIteration(slideEnd - o, step);
    o = slideEnd;
  }
  for (; o < o1; ++o)
    for (int g = 0; g < kGroups; ++g)
      sum[g] = _mm256_sub_ps(sum[g], _mm256_loadu_ps(in[g] + (o + ph.lead - ph.window) * kLanes));
}

/// boxAdvance of one group.
HS_AVX2_INLINE __m256 boxAdvance(const float* in, const BoxPhases& ph, int o0, int o1, __m256 sum) {
  boxAdvance<1>(&in, ph, o0, o1, &sum);
  return sum;
}

/// The running sum before output 0: the first lead samples.
HS_AVX2_INLINE __m256 boxStart(const float* in, const BoxPhases& ph) {
  __m256 sum = _mm256_setzero_ps();
  for (int c = 0; c < ph.lead; ++c) sum = _mm256_add_ps(sum, _mm256_loadu_ps(in + c * kLanes));
  return sum;
}

/// boxLine along kGroups blocks of 8 interleaved rows at once, every output: out[g][o * 8 +
/// lane]. The groups' running sums are independent chains, interleaved step by step so that one
/// group's add and subtract latency overlaps the other's; each lane keeps boxLine's order.
template <int kGroups>
HS_AVX2_INLINE void sweepRows(const float* const* in, int cols, int window, float* const* out) {
  const BoxPhases ph(cols, window);
  __m256 sum[kGroups];
  for (int g = 0; g < kGroups; ++g) sum[g] = boxStart(in[g], ph);
  int o = 0;
  for (; o < ph.growEnd(); ++o) {
    for (int g = 0; g < kGroups; ++g) {
      sum[g] = boxAdvance(in[g], ph, o, o + 1, sum[g]);
      _mm256_storeu_ps(out[g] + o * kLanes, _mm256_div_ps(sum[g], _mm256_set1_ps(ph.count(o))));
    }
  }
  const __m256 full = _mm256_set1_ps(static_cast<float>(window));  // the slide's count
  const int e = ph.slideEnd();
  if (o < e) {
    const float* add[kGroups];
    const float* sub[kGroups];
    float* dst[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      add[g] = in[g] + (o + ph.lead) * kLanes;
      sub[g] = in[g] + (o + ph.lead - window) * kLanes;
      dst[g] = out[g] + o * kLanes;
    }
    auto step = [&](int i) HS_AVX2_LAMBDA {
      for (int g = 0; g < kGroups; ++g) {
        sum[g] = _mm256_add_ps(sum[g], _mm256_loadu_ps(add[g] + i * kLanes));
        sum[g] = _mm256_sub_ps(sum[g], _mm256_loadu_ps(sub[g] + i * kLanes));
        _mm256_storeu_ps(dst[g] + i * kLanes, _mm256_div_ps(sum[g], full));
      }
    };
    twoStepsPerIteration(e - o, step);
    o = e;
  }
  for (; o < cols; ++o) {
    for (int g = 0; g < kGroups; ++g) {
      sum[g] = boxAdvance(in[g], ph, o, o + 1, sum[g]);
      _mm256_storeu_ps(out[g] + o * kLanes, _mm256_div_ps(sum[g], _mm256_set1_ps(ph.count(o))));
    }
  }
}

/// boxLine along kGroups blocks of 8 interleaved rows, only the outputs in `kept` (ascending):
/// store(g, k, v) gets block g's output kept[k]. The steps past the last kept output change no
/// result and are skipped.
template <int kGroups, typename Store>
HS_AVX2_INLINE void sweepRowsKept(const float* const* in, int cols, int window, const int* kept,
                                  int nKept, Store&& store) {
  const BoxPhases ph(cols, window);
  __m256 sum[kGroups];
  for (int g = 0; g < kGroups; ++g) sum[g] = boxStart(in[g], ph);
  int o = 0;
  for (int k = 0; k < nKept; ++k) {
    boxAdvance<kGroups>(in, ph, o, kept[k] + 1, sum);
    o = kept[k] + 1;
    const __m256 count = _mm256_set1_ps(ph.count(kept[k]));
    for (int g = 0; g < kGroups; ++g) store(g, k, _mm256_div_ps(sum[g], count));
  }
}

/// One output row of boxColumns (pdq_cpu.cpp), 8 columns per vector: sum += add (kAdd),
/// sum -= sub (kSub), dst = sum / count (when dst is given; else the division is skipped).
template <bool kAdd, bool kSub>
HS_AVX2_INLINE void columnStep(float* sum, const float* add, const float* sub, float* dst,
                               float count, int cols) {
  const int vecCols = cols / kLanes * kLanes;
  const __m256 vcount = _mm256_set1_ps(count);
  auto step = [&](int c) HS_AVX2_LAMBDA {
    __m256 s = _mm256_loadu_ps(sum + c);
    if constexpr (kAdd) s = _mm256_add_ps(s, _mm256_loadu_ps(add + c));
    if constexpr (kSub) s = _mm256_sub_ps(s, _mm256_loadu_ps(sub + c));
    _mm256_storeu_ps(sum + c, s);
    return s;
  };
  if (dst) {
    for (int c = 0; c < vecCols; c += kLanes)
      _mm256_storeu_ps(dst + c, _mm256_div_ps(step(c), vcount));
  } else {
    for (int c = 0; c < vecCols; c += kLanes) step(c);
  }
  for (int c = vecCols; c < cols; ++c) {
    if constexpr (kAdd) sum[c] += add[c];
    if constexpr (kSub) sum[c] -= sub[c];
    if (dst) dst[c] = sum[c] / count;
  }
}

/// boxColumns over `rows` rows given by row(r) (pointers valid when called): output row o is
/// passed to dstOf(o), which returns where to store it or null to skip its division.
template <typename Row, typename Dst>
HS_AVX2_INLINE void boxColumnsStreamed(int rows, int cols, int window, float* sum, Row&& row,
                                       Dst&& dstOf) {
  const BoxPhases ph(rows, window);
  std::fill_n(sum, cols, 0.0f);
  for (int r = 0; r < ph.lead; ++r) columnStep<true, false>(sum, row(r), nullptr, nullptr, 0, cols);
  int o = 0;
  for (; o < ph.growEnd(); ++o)
    columnStep<true, false>(sum, row(o + ph.lead), nullptr, dstOf(o), ph.count(o), cols);
  for (; o < ph.slideEnd(); ++o) {
    const float* add = row(o + ph.lead);  // produced first: it may extend the ring
    columnStep<true, true>(sum, add, row(o + ph.lead - window), dstOf(o), ph.count(o), cols);
  }
  for (; o < rows; ++o)
    columnStep<false, true>(sum, nullptr, row(o + ph.lead - window), dstOf(o), ph.count(o), cols);
}

/// Output rows o0..o0+n-1 (n <= 8) of boxColumns (pdq_cpu.cpp), 8 columns per vector, each
/// column's running sum kept in a register across the n rows: row l adds add[l] (when not null),
/// subtracts sub[l] (when not null) and divides by count[l]. kSlide: all 8 rows add and subtract
/// and divide by count[0]. n == 8 writes dst[c * 8 + l] (the row pass's interleaved layout,
/// transposed in registers); a shorter group writes rows dst + l * cols.
template <bool kSlide>
HS_AVX2_INLINE void columnGroup(float* sums, int cols, const float* const* add,
                                const float* const* sub, const float* count, int n, float* dst) {
  int c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    __m256 s = _mm256_loadu_ps(sums + c);
    __m256 v[kLanes];
    if constexpr (kSlide) {
      const __m256 vcount = _mm256_set1_ps(count[0]);
      for (int l = 0; l < kLanes; ++l) {
        s = _mm256_add_ps(s, _mm256_loadu_ps(add[l] + c));
        s = _mm256_sub_ps(s, _mm256_loadu_ps(sub[l] + c));
        v[l] = _mm256_div_ps(s, vcount);
      }
    } else {
      for (int l = 0; l < n; ++l) {
        if (add[l]) s = _mm256_add_ps(s, _mm256_loadu_ps(add[l] + c));
        if (sub[l]) s = _mm256_sub_ps(s, _mm256_loadu_ps(sub[l] + c));
        v[l] = _mm256_div_ps(s, _mm256_set1_ps(count[l]));
      }
    }
    _mm256_storeu_ps(sums + c, s);
    if (kSlide || n == kLanes) {
      transpose8(v);
      for (int i = 0; i < kLanes; ++i) _mm256_storeu_ps(dst + (c + i) * kLanes, v[i]);
    } else {
      for (int l = 0; l < n; ++l) _mm256_storeu_ps(dst + static_cast<size_t>(l) * cols + c, v[l]);
    }
  }
  for (; c < cols; ++c) {
    float s = sums[c];
    for (int l = 0; l < n; ++l) {
      if (add[l]) s += add[l][c];
      if (sub[l]) s -= sub[l][c];
      const float v = s / count[l];
      if (n == kLanes)
        dst[c * kLanes + l] = v;
      else
        dst[static_cast<size_t>(l) * cols + c] = v;
    }
    sums[c] = s;
  }
}

}  // namespace

HS_AVX2 void filterDecimateAvx2(const ImageView& img, FilterScratch& s, float* out,
                                GreyRowSink* grey) {
  const int rows = img.height, cols = img.width;
  const int windowAlongRows = boxWindow(cols), windowAlongCols = boxWindow(rows);
  // The passes stream through the frame: repetition 1's row pass fills a ring of rows, its column
  // pass reads the ring and emits 8 rows at a time into `colOut`, repetition 2's row pass turns
  // each group into the 64 decimated columns (`kept`, rows x 64), and repetition 2's column pass
  // runs over `kept`. The ring must hold every row from a column step's outgoing row to the last
  // produced one (up to two groups past its incoming row): window + 16 rows, rounded to whole
  // groups.
  const int ringRows = (windowAlongCols + 4 * kLanes - 2) / kLanes * kLanes;
  const size_t blockSize = static_cast<size_t>(cols) * kLanes;
  float* ring = s.plane1.get(static_cast<size_t>(ringRows) * cols);
  // Repetition 1's column pass output: two full groups (see rowPass2), then the short last group.
  float* colOut = s.plane2.get(3 * blockSize);
  float* group = colOut + 2 * blockSize;
  float* luma = s.rows8.get(blockSize);
  // Two groups each: repetition 1's row pass runs two groups at once where the frame has them.
  float* block1 = s.block1.get(2 * blockSize);
  float* block2 = s.block2.get(2 * blockSize);
  float* kept = s.kept.get(static_cast<size_t>(rows) * kBufDim);
  float* sums = s.sums.get(cols);
  auto ringRow = [&](int r) { return ring + static_cast<size_t>(r % ringRows) * cols; };

  // pHash's grey rows, made from the pixels this pass reads (8 rows at a time).
  const int greyFirst = grey ? grey->firstRow() : 0, greyEnd = grey ? grey->endRow() : 0;
  const size_t greyPitch = static_cast<size_t>(cols) + kGreyRowPadding;
  if (grey && s.grey.size() < kLanes * greyPitch) s.grey.assign(kLanes * greyPitch, 0);
  uint8_t* greyRows = s.grey.data();
  auto handGrey = [&](int r0, int n) {
    for (int l = 0; l < n; ++l)
      if (r0 + l >= greyFirst && r0 + l < greyEnd) grey->row(r0 + l, greyRows + l * greyPitch);
  };

  // Repetition 1, rows: luma of 8 rows, transposed as it is made, box along them into the ring.
  // Groups start at multiples of 8 and ringRows is one too, so a group's rows are contiguous in
  // the ring.
  int produced = 0;
  auto lumaOfGroup = [&](int r0, float* dst) HS_AVX2_LAMBDA {
    if (r0 < greyEnd && r0 + kLanes > greyFirst) {
      lumaGroup<true>(img, r0, dst, greyRows, greyPitch);
      handGrey(r0, kLanes);
    } else {
      lumaGroup<false>(img, r0, dst, nullptr, 0);
    }
  };
  auto produceThrough = [&](int need) HS_AVX2_LAMBDA {
    while (produced <= need) {
      if (produced + 2 * kLanes <= rows) {
        float* const in[2] = {block1, block1 + blockSize};
        float* const out[2] = {block2, block2 + blockSize};
        lumaOfGroup(produced, in[0]);
        lumaOfGroup(produced + kLanes, in[1]);
        sweepRows<2>(in, cols, windowAlongRows, out);
        deinterleave(out[0], cols, ringRow(produced), cols);
        deinterleave(out[1], cols, ringRow(produced + kLanes), cols);
        produced += 2 * kLanes;
      } else if (produced + kLanes <= rows) {
        lumaOfGroup(produced, block1);
        sweepRows<1>(&block1, cols, windowAlongRows, &block2);
        deinterleave(block2, cols, ringRow(produced), cols);
        produced += kLanes;
      } else {
        const bool wantGrey = produced < greyEnd && produced >= greyFirst;
        lumaRow(img.row(produced), cols, img.format, luma, wantGrey ? greyRows : nullptr);
        if (wantGrey) handGrey(produced, 1);
        boxLine(luma, ringRow(produced), cols, 1, windowAlongRows);
        ++produced;
      }
    }
  };

  // Repetition 2, rows, on finished groups in colOut: only the 64 decimated columns.
  int keptCols[kBufDim];
  std::vector<int> rowToI(rows, -1);
  for (int j = 0; j < kBufDim; ++j) keptCols[j] = decimateIndex(j, cols);  // ascending, distinct
  for (int i = 0; i < kBufDim; ++i) rowToI[decimateIndex(i, rows)] = i;
  // Full groups of repetition 1's column pass wait in `colOut` in pairs, so that this pass
  // interleaves two groups' running sums; a lone group (the last) runs by itself.
  auto rowPass2 = [&](auto groups, int r0) HS_AVX2_LAMBDA {
    constexpr int kGroups = decltype(groups)::value;
    const float* const in[2] = {colOut, colOut + blockSize};
    sweepRowsKept<kGroups>(
        in, cols, windowAlongRows, keptCols, kBufDim, [&](int g, int j, __m256 v) HS_AVX2_LAMBDA {
          alignas(32) float lanes[kLanes];
          _mm256_store_ps(lanes, v);
          for (int l = 0; l < kLanes; ++l)
            kept[static_cast<size_t>(r0 + g * kLanes + l) * kBufDim + j] = lanes[l];
        });
  };
  using One = std::integral_constant<int, 1>;
  using Two = std::integral_constant<int, 2>;
  int pending = -1;  // first row of the full group waiting in colOut, or -1

  // Repetition 1, columns: ring -> one group of 8 output rows at a time, straight into
  // repetition 2's row pass.
  const BoxPhases colPh(rows, windowAlongCols);
  std::fill_n(sums, cols, 0.0f);
  for (int r = 0; r < colPh.lead; ++r) {
    produceThrough(r);
    columnStep<true, false>(sums, ringRow(r), nullptr, nullptr, 0, cols);
  }
  for (int o0 = 0; o0 < rows; o0 += kLanes) {
    const int n = std::min(kLanes, rows - o0);
    produceThrough(std::min(o0 + n - 1 + colPh.lead, rows - 1));
    const float* add[kLanes];
    const float* sub[kLanes];
    float count[kLanes];
    for (int l = 0; l < n; ++l) {
      const int incoming = o0 + l + colPh.lead, outgoing = incoming - windowAlongCols;
      add[l] = incoming < rows ? ringRow(incoming) : nullptr;
      sub[l] = outgoing >= 0 ? ringRow(outgoing) : nullptr;
      count[l] = colPh.count(o0 + l);
    }
    float* dst = n < kLanes ? group : colOut + (pending >= 0 ? blockSize : 0);
    if (n == kLanes && o0 >= colPh.growEnd() && o0 + kLanes <= colPh.slideEnd()) {
      columnGroup<true>(sums, cols, add, sub, count, n, dst);
    } else {
      columnGroup<false>(sums, cols, add, sub, count, n, dst);
    }
    if (n == kLanes) {
      if (pending >= 0) {
        rowPass2(Two{}, pending);  // pending and o0 are consecutive groups
        pending = -1;
      } else {
        pending = o0;
      }
      continue;
    }
    for (int l = 0; l < n; ++l) {  // the last, short group: one row at a time
      const float* line = group + static_cast<size_t>(l) * cols;
      float* dst = kept + static_cast<size_t>(o0 + l) * kBufDim;
      BoxPass pass(cols, windowAlongRows);
      int j = 0;
      pass.run(
          0, pass.steps(), [&](int i) { return line[i]; },
          [&](int o) { return j < kBufDim && o == keptCols[j]; },
          [&](int, float v) { dst[j++] = v; });
    }
  }

  if (pending >= 0) rowPass2(One{}, pending);

  // Repetition 2, columns over the kept 64 columns, dividing only at the 64 decimated rows.
  boxColumnsStreamed(
      rows, kBufDim, windowAlongCols, sums,
      [&](int r) { return kept + static_cast<size_t>(r) * kBufDim; },
      [&](int o) {
        return rowToI[o] >= 0 ? out + static_cast<size_t>(rowToI[o]) * kBufDim : nullptr;
      });
}

}  // namespace hashsieve::pdq::detail
