// AVX2 kernels of pillow_resample.cpp; see pillow_resample_avx2.hpp.
#include "host/core/pillow_resample_avx2.hpp"

#include <cstddef>
#include <cstdint>

#include "host/core/phash_math.hpp"
#include "host/core/simd_avx2.hpp"

namespace hashsieve::pillow::detail {

bool haveAvx2() { return hashsieve::detail::cpuHasAvx2(); }

namespace {
constexpr int kPixelsPerStep = hashsieve::detail::kRgbPixelsPerVector;  // int32 lumas per vector
constexpr int kRgbBytes = 3;
}  // namespace

HS_AVX2 void greyRowAvx2(const uint8_t* rgb, int width, uint8_t* out) {
  int x = 0;
  for (; hashsieve::detail::rgb8Readable(x, width); x += kPixelsPerStep) {
    __m256 r, g, b;
    hashsieve::detail::rgb8Floats(rgb + kRgbBytes * x, r, g, b);
    hashsieve::detail::storeBytes8(hashsieve::detail::pillowGrey8(r, g, b), out + x);
  }
  for (; x < width; ++x)
    out[x] = phash::pillowLuma(rgb[kRgbBytes * x], rgb[kRgbBytes * x + 1], rgb[kRgbBytes * x + 2]);
}

SplitTaps splitTaps(const ResampleTaps& t) {
  SplitTaps s;
  s.pitch = (t.taps + kSplitBlock - 1) / kSplitBlock * kSplitBlock;
  s.direct.assign(static_cast<size_t>(t.outSize) * s.pitch, 0);
  s.hi.assign(s.direct.size(), 0);
  s.bandBegin.assign(t.outSize, 0);
  s.bandEnd.assign(t.outSize, 0);
  for (int i = 0; i < t.outSize; ++i) {
    const int32_t* coef = &t.coef[static_cast<size_t>(i) * t.taps];
    const size_t row = static_cast<size_t>(i) * s.pitch;
    int first = -1, last = -1;  // taps that do not fit int16
    for (int j = 0; j < t.count[i]; ++j) {
      if (coef[j] < INT16_MIN || coef[j] > INT16_MAX) {
        if (first < 0) first = j;
        last = j;
      }
    }
    const int begin = first < 0 ? 0 : first / kSplitBlock * kSplitBlock;
    const int end = first < 0 ? 0 : (last / kSplitBlock + 1) * kSplitBlock;
    s.bandBegin[i] = begin;
    s.bandEnd[i] = end;
    for (int j = 0; j < t.count[i]; ++j) {
      if (j >= begin && j < end) {
        // |coef| < 2^23 (normalised weights), so hi fits int16; the shift is arithmetic.
        s.hi[row + j] = static_cast<int16_t>(coef[j] >> kSplitBits);
        s.direct[row + j] = static_cast<int16_t>(coef[j] & ((int32_t{1} << kSplitBits) - 1));
      } else {
        s.direct[row + j] = static_cast<int16_t>(coef[j]);
      }
    }
  }
  return s;
}

namespace {

/// 32 samples from in + j, zero-extended to int16 lanes.
HS_AVX2_INLINE void samples32(const uint8_t* in, std::ptrdiff_t j, __m256i& s0, __m256i& s1) {
  s0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j)));
  s1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j + 16)));
}

/// acc + the products of 16 int16 samples and the 16 int16 taps at c, pairs summed (madd).
HS_AVX2_INLINE __m256i madd16(__m256i acc, __m256i s, const int16_t* c) {
  acc = _mm256_add_epi32(
      acc, _mm256_madd_epi16(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c))));
  // Keeps each add on its accumulator: GCC otherwise reassociates the integer adds and copies
  // the loop's accumulators with a register move per step.
  __asm__("" : "+x"(acc));
  return acc;
}

/// Eight int32 partial sums whose total is sum_j in[j] * coef(j) over one output's taps, padded
/// to `end` (a multiple of 32). Samples (0..255) times int16 taps never overflow a madd; the int32
/// adds wrap, so any order gives Pillow's accumulator (whose exact sum fits int32).
HS_AVX2_INLINE __m256i outputSums(const uint8_t* in, const int16_t* direct, const int16_t* hi,
                                  std::ptrdiff_t end, std::ptrdiff_t bandBegin,
                                  std::ptrdiff_t bandEnd) {
  // Two accumulators for the direct (and lo) products: independent chains.
  __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
  std::ptrdiff_t j = 0;
  for (; j + 2 * kSplitBlock <= end; j += 2 * kSplitBlock) {  // 64 taps per step
    __m256i s0, s1, s2, s3;
    samples32(in, j, s0, s1);
    samples32(in, j + kSplitBlock, s2, s3);
    acc0 = madd16(acc0, s0, direct + j);
    acc1 = madd16(acc1, s1, direct + j + 16);
    acc0 = madd16(acc0, s2, direct + j + 32);
    acc1 = madd16(acc1, s3, direct + j + 48);
  }
  if (j < end) {
    __m256i s0, s1;
    samples32(in, j, s0, s1);
    acc0 = madd16(acc0, s0, direct + j);
    acc1 = madd16(acc1, s1, direct + j + 16);
  }
  // The band's hi halves (its lo halves are in `direct`).
  __m256i accHi = _mm256_setzero_si256();
  for (std::ptrdiff_t k = bandBegin; k < bandEnd; k += kSplitBlock) {
    __m256i s0, s1;
    samples32(in, k, s0, s1);
    accHi = madd16(madd16(accHi, s0, hi + k), s1, hi + k + 16);
  }
  return _mm256_add_epi32(_mm256_slli_epi32(accHi, kSplitBits), _mm256_add_epi32(acc0, acc1));
}

/// The totals of 8 vectors of 8 int32 lanes: lane k of the result sums v[k].
HS_AVX2_INLINE __m256i totals8(const __m256i v[8]) {
  const __m256i ab = _mm256_hadd_epi32(v[0], v[1]), cd = _mm256_hadd_epi32(v[2], v[3]);
  const __m256i ef = _mm256_hadd_epi32(v[4], v[5]), gh = _mm256_hadd_epi32(v[6], v[7]);
  const __m256i abcd = _mm256_hadd_epi32(ab, cd), efgh = _mm256_hadd_epi32(ef, gh);
  return _mm256_add_epi32(_mm256_permute2x128_si256(abcd, efgh, 0x20),
                          _mm256_permute2x128_si256(abcd, efgh, 0x31));
}

constexpr int kOutputsPerGroup = 8;

}  // namespace

HS_AVX2 void horizontalTapsAvx2(const uint8_t* row, const ResampleTaps& t, const SplitTaps& split,
                                uint8_t* out) {
  // Locals: the stores to `out` may alias anything, so GCC would reload members per output.
  const int* first = t.first.data();
  const int* count = t.count.data();
  const int* bandBegin = split.bandBegin.data();
  const int* bandEnd = split.bandEnd.data();
  const int16_t* direct = split.direct.data();
  const int16_t* hi = split.hi.data();
  const size_t pitch = split.pitch;
  auto sums = [&](int x) HS_AVX2_LAMBDA {
    const std::ptrdiff_t end = (count[x] + kSplitBlock - 1) & -kSplitBlock;
    return outputSums(row + first[x], direct + x * pitch, hi + x * pitch, end, bandBegin[x],
                      bandEnd[x]);
  };
  const int outSize = t.outSize;
  int x = 0;
  for (; x + kOutputsPerGroup <= outSize; x += kOutputsPerGroup) {
    __m256i v[kOutputsPerGroup];
    for (int k = 0; k < kOutputsPerGroup; ++k) v[k] = sums(x + k);
    // Pillow's clip8 on 8 lanes: arithmetic shift (-512..511), then the packs clamp to 0..255.
    const __m256i acc = _mm256_add_epi32(totals8(v), _mm256_set1_epi32(phash::kResampleHalf));
    hashsieve::detail::storeBytes8(_mm256_srai_epi32(acc, phash::kResamplePrecisionBits), out + x);
  }
  for (; x < outSize; ++x) {
    const __m256i acc = sums(x);
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
    // Unsigned add: the int32 sum wraps as Pillow's accumulator (which never overflows).
    out[x] =
        phash::resampleClip8(static_cast<int32_t>(static_cast<uint32_t>(phash::kResampleHalf) +
                                                  static_cast<uint32_t>(_mm_cvtsi128_si32(s4))));
  }
}

HS_AVX2 void verticalTapsAvx2(const uint8_t* temp, int width, int yFirst, const ResampleTaps& t,
                              uint8_t* out) {
  constexpr int kCols = 8;  // int32 lanes per vector
  for (int y = 0; y < t.outSize; ++y) {
    const int32_t* k = &t.coef[static_cast<size_t>(y) * t.taps];
    const uint8_t* src0 = temp + static_cast<size_t>(t.first[y] - yFirst) * width;
    uint8_t* dst = out + static_cast<size_t>(y) * width;
    int x = 0;
    for (; x + kCols <= width; x += kCols) {
      // Samples times 22-bit taps in int32 (< 2^31); the int32 adds are Pillow's accumulator.
      __m256i acc = _mm256_set1_epi32(phash::kResampleHalf);
      const uint8_t* src = src0 + x;
      for (int j = 0; j < t.count[y]; ++j, src += width) {
        const __m256i s =
            _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src)));
        acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(s, _mm256_set1_epi32(k[j])));
      }
      hashsieve::detail::storeBytes8(_mm256_srai_epi32(acc, phash::kResamplePrecisionBits),
                                     dst + x);
    }
    for (; x < width; ++x) {
      int32_t acc = phash::kResampleHalf;
      for (int j = 0; j < t.count[y]; ++j)
        acc += static_cast<int32_t>(src0[static_cast<size_t>(j) * width + x]) * k[j];
      dst[x] = phash::resampleClip8(acc);
    }
  }
}

}  // namespace hashsieve::pillow::detail
