// See digests_stitched.hpp. MD5 follows RFC 1321; SHA-1 and SHA-256 follow FIPS 180-4 with the
// SHA extensions' four-round steps and message-schedule instructions (Intel's SHA extensions
// paper). test_file_digests checks every path against OpenSSL.
#include "host/core/digests_stitched.hpp"

#include <cpuid.h>

#include <array>
#include <bit>
#include <cstring>
#include <utility>

#define HS_SHANI __attribute__((target("sha,sse4.1,ssse3")))
#define HS_SHANI_INLINE inline __attribute__((target("sha,sse4.1,ssse3"), always_inline))

namespace hashsieve::detail {
namespace {

constexpr std::array<uint32_t, 64> kMd5T = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr int kMd5Shift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

alignas(16) constexpr std::array<uint32_t, 64> kSha256K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// MD5 step i on the rotated roles (a, b, c, d). b is the newest value, so the sums are ordered to
// leave as few operations as possible after it: a + x + T first, and round 2's function split
// into its two disjoint halves, (c & ~d) added before (b & d).
template <int i>
HS_SHANI_INLINE void md5Step(uint32_t& a, uint32_t b, uint32_t c, uint32_t d, const uint32_t* x) {
  constexpr int kRound = i / 16;
  constexpr int kWord = kRound == 0   ? i
                        : kRound == 1 ? (5 * i + 1) & 15
                        : kRound == 2 ? (3 * i + 5) & 15
                                      : (7 * i) & 15;
  uint32_t sum = a + x[kWord] + kMd5T[i];
  if constexpr (kRound == 0) {
    sum += d ^ (b & (c ^ d));
  } else if constexpr (kRound == 1) {
    sum += c & ~d;
    sum += b & d;
  } else if constexpr (kRound == 2) {
    sum += b ^ (c ^ d);
  } else {
    sum += c ^ (b | ~d);
  }
  a = b + std::rotl(sum, kMd5Shift[kRound][i & 3]);
}

// The message quads of SHA-1 and SHA-256 live in 4 rotating slots: slot t & 3 holds quad t.
struct Sha1Regs {
  __m128i abcd, e0, eSave, w[4];
};
struct Sha256Regs {
  __m128i s0, s1, w[4];
};

template <int t>
HS_SHANI_INLINE void sha1Quad(Sha1Regs& r, const uint8_t* p) {
  if constexpr (t < 4) {
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
    r.w[t] =
        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * t)), reverse);
  } else {
    r.w[t & 3] = _mm_sha1msg2_epu32(
        _mm_xor_si128(_mm_sha1msg1_epu32(r.w[t & 3], r.w[(t + 1) & 3]), r.w[(t + 2) & 3]),
        r.w[(t + 3) & 3]);
  }
  __m128i e;
  if constexpr (t == 0)
    e = _mm_add_epi32(r.e0, r.w[0]);
  else
    e = _mm_sha1nexte_epu32(r.eSave, r.w[t & 3]);
  r.eSave = r.abcd;
  r.abcd = _mm_sha1rnds4_epu32(r.abcd, e, t / 5);
}

template <int t>
HS_SHANI_INLINE void sha256Quad(Sha256Regs& r, const uint8_t* p) {
  if constexpr (t < 4) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    r.w[t] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * t)), swap);
  } else {
    const __m128i w7 = _mm_alignr_epi8(r.w[(t + 3) & 3], r.w[(t + 2) & 3], 4);
    r.w[t & 3] = _mm_sha256msg2_epu32(
        _mm_add_epi32(_mm_sha256msg1_epu32(r.w[t & 3], r.w[(t + 1) & 3]), w7), r.w[(t + 3) & 3]);
  }
  __m128i msg = _mm_add_epi32(
      r.w[t & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(kSha256K.data() + 4 * t)));
  r.s1 = _mm_sha256rnds2_epu32(r.s1, r.s0, msg);
  msg = _mm_shuffle_epi32(msg, 0x0E);
  r.s0 = _mm_sha256rnds2_epu32(r.s0, r.s1, msg);
}

// Group g of a block: MD5 steps 4g..4g+3, SHA-256's quad g and SHA-1's quads 5g/4..5(g+1)/4-1
// (20 quads over 16 groups).
template <bool kMd5, bool kSha, int g>
HS_SHANI_INLINE void group(uint32_t (&m)[4], const uint32_t* x, Sha1Regs& s1, Sha256Regs& s256,
                           const uint8_t* p) {
  if constexpr (kSha) sha256Quad<g>(s256, p);
  if constexpr (kMd5) {
    md5Step<4 * g>(m[0], m[1], m[2], m[3], x);
    md5Step<4 * g + 1>(m[3], m[0], m[1], m[2], x);
  }
  if constexpr (kSha) {
    sha1Quad<g * 5 / 4>(s1, p);
    if constexpr ((g + 1) * 5 / 4 - g * 5 / 4 == 2) sha1Quad<g * 5 / 4 + 1>(s1, p);
  }
  if constexpr (kMd5) {
    md5Step<4 * g + 2>(m[2], m[3], m[0], m[1], x);
    md5Step<4 * g + 3>(m[1], m[2], m[3], m[0], x);
  }
}

template <bool kMd5, bool kSha, int... G>
HS_SHANI_INLINE void groups(uint32_t (&m)[4], const uint32_t* x, Sha1Regs& s1, Sha256Regs& s256,
                            const uint8_t* p, std::integer_sequence<int, G...> /*groups*/) {
  (group<kMd5, kSha, G>(m, x, s1, s256, p), ...);
}

// kMd5 / kSha pick which states the blocks go to (the padded last blocks differ between them).
template <bool kMd5, bool kSha>
HS_SHANI void compress(StitchedDigestState& s, const uint8_t* p, size_t blocks) {
  uint32_t m[4] = {s.md5[0], s.md5[1], s.md5[2], s.md5[3]};
  Sha1Regs s1{s.sha1Abcd, s.sha1E, {}, {}};
  Sha256Regs s256{s.sha256Abef, s.sha256Cdgh, {}};
  for (; blocks > 0; --blocks, p += 64) {
    uint32_t x[16];
    std::memcpy(x, p, sizeof x);  // MD5 reads little-endian words; x86 is little-endian
    const uint32_t m0[4] = {m[0], m[1], m[2], m[3]};
    const __m128i abcd0 = s1.abcd, e0 = s1.e0, abef0 = s256.s0, cdgh0 = s256.s1;
    groups<kMd5, kSha>(m, x, s1, s256, p, std::make_integer_sequence<int, 16>{});
    if constexpr (kMd5)
      for (int i = 0; i < 4; ++i) m[i] += m0[i];
    if constexpr (kSha) {
      s1.e0 = _mm_sha1nexte_epu32(s1.eSave, e0);
      s1.abcd = _mm_add_epi32(s1.abcd, abcd0);
      s256.s0 = _mm_add_epi32(s256.s0, abef0);
      s256.s1 = _mm_add_epi32(s256.s1, cdgh0);
    }
  }
  std::memcpy(s.md5, m, sizeof m);
  s.sha1Abcd = s1.abcd;
  s.sha1E = s1.e0;
  s.sha256Abef = s256.s0;
  s.sha256Cdgh = s256.s1;
}

void storeBigEndian(uint32_t v, uint8_t* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

}  // namespace

bool stitchedDigestsAvailable() {
  // CPUID directly: clang's __builtin_cpu_supports does not know "sha".
  static const bool have = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA) != 0;
  }();
  return have;
}

HS_SHANI void stitchedInit(StitchedDigestState& s) {
  constexpr uint32_t kMd5Init[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::memcpy(s.md5, kMd5Init, sizeof kMd5Init);
  s.sha1Abcd = _mm_set_epi32(0x67452301, static_cast<int>(0xefcdab89), static_cast<int>(0x98badcfe),
                             0x10325476);
  s.sha1E = _mm_set_epi32(static_cast<int>(0xc3d2e1f0), 0, 0, 0);
  alignas(16) constexpr uint32_t kSha256Init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const __m128i cdab =
      _mm_shuffle_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(kSha256Init)), 0xB1);
  const __m128i efgh =
      _mm_shuffle_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(kSha256Init + 4)), 0x1B);
  s.sha256Abef = _mm_alignr_epi8(cdab, efgh, 8);
  s.sha256Cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

void stitchedBlocks(StitchedDigestState& s, const uint8_t* p, size_t blocks) {
  compress<true, true>(s, p, blocks);
}

HS_SHANI void stitchedFinish(StitchedDigestState& s, const uint8_t* tail, size_t tailBytes,
                             uint64_t totalBytes, uint8_t md5[16], uint8_t sha1[20],
                             uint8_t sha256[32]) {
  // One or two padding blocks: the tail, 0x80, zeros, then the bit length (MD5 little-endian,
  // SHA big-endian).
  uint8_t mdPad[128] = {}, shaPad[128] = {};
  std::memcpy(mdPad, tail, tailBytes);
  mdPad[tailBytes] = 0x80;
  const size_t blocks = tailBytes < 56 ? 1 : 2;
  std::memcpy(shaPad, mdPad, sizeof mdPad);
  const uint64_t bits = totalBytes * 8;
  for (int i = 0; i < 8; ++i) {
    mdPad[64 * blocks - 8 + i] = static_cast<uint8_t>(bits >> (8 * i));
    shaPad[64 * blocks - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  }
  compress<true, false>(s, mdPad, blocks);
  compress<false, true>(s, shaPad, blocks);

  std::memcpy(md5, s.md5, 16);
  alignas(16) uint32_t abcd[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(abcd), s.sha1Abcd);  // lanes D, C, B, A
  for (int i = 0; i < 4; ++i) storeBigEndian(abcd[3 - i], sha1 + 4 * i);
  storeBigEndian(static_cast<uint32_t>(_mm_extract_epi32(s.sha1E, 3)), sha1 + 16);
  const __m128i feba = _mm_shuffle_epi32(s.sha256Abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(s.sha256Cdgh, 0xB1);
  alignas(16) uint32_t h[8];
  _mm_store_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_store_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
  for (int i = 0; i < 8; ++i) storeBigEndian(h[i], sha256 + 4 * i);
}

}  // namespace hashsieve::detail
