// scipy.fftpack.dct type II of length 32 with pocketfft's operation order; see phash_dct.hpp.
// Every add and multiply below is one IEEE double operation in the reference's order; the build
// disables FMA contraction (-ffp-contract=off), which the reference wheel does not use either.
#include "host/core/phash_dct.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hashsieve::phash {
namespace {

constexpr long double kPiL = 3.141592653589793238462643383279502884197L;
constexpr double kSqrt2 = static_cast<double>(1.414213562373095048801688724209698L);

// pocketfft factors a real length as radix-4 passes with a leading radix-2 pass: 32 = 2 * 4 * 4.
constexpr int kRadixCount = 3;
constexpr std::array<int, kRadixCount> kRadix = {2, 4, 4};
static_assert(kRadix[0] * kRadix[1] * kRadix[2] == kDctLen);

struct Root {
  double re, im;
};

/// One table entry of pocketfft's e^(2 pi i x / n): the angle is reduced to the first octant and
/// cos/sin are evaluated there in double (ang = pi / 4n, rounded from long double), then mapped
/// back by swaps and sign flips, which are exact.
Root rootFromOctant(long x, long n, double ang) {
  auto at = [ang](long eighths) {
    return Root{std::cos(double(eighths) * ang), std::sin(double(eighths) * ang)};
  };
  x <<= 3;
  if (x < 4 * n) {
    if (x < 2 * n) {  // first quadrant
      if (x < n) return at(x);
      const Root r = at(2 * n - x);
      return {r.im, r.re};
    }
    x -= 2 * n;  // second quadrant
    if (x < n) {
      const Root r = at(x);
      return {-r.im, r.re};
    }
    const Root r = at(2 * n - x);
    return {-r.re, r.im};
  }
  x = 8 * n - x;
  if (x < 2 * n) {  // fourth quadrant, mirrored
    if (x < n) {
      const Root r = at(x);
      return {r.re, -r.im};
    }
    const Root r = at(2 * n - x);
    return {r.im, -r.re};
  }
  x -= 2 * n;  // third quadrant
  if (x < n) {
    const Root r = at(x);
    return {-r.im, -r.re};
  }
  const Root r = at(2 * n - x);
  return {-r.re, -r.im};
}

/// e^(2 pi i idx / n) for 2 idx <= n, exactly as pocketfft's sincos_2pibyn builds it: the product
/// of a fine-table entry (idx mod 2^s) and a coarse one (idx >> s), rounded, so roots past the
/// first 2^s are generally not the correctly rounded cos/sin. Those roundings are in scipy's DCT.
Root unitRoot(long idx, long n) {
  const double ang = static_cast<double>(0.25L * kPiL / static_cast<long double>(n));
  const long values = (n + 2) / 2;
  int shift = 1;
  while ((1L << shift) * (1L << shift) < values) ++shift;
  const long mask = (1L << shift) - 1;
  const Root one{1.0, 0.0};  // table entry 0
  const Root f = (idx & mask) != 0 ? rootFromOctant(idx & mask, n, ang) : one;
  const Root c = (idx >> shift) != 0 ? rootFromOctant((idx >> shift) << shift, n, ang) : one;
  return {f.re * c.re - f.im * c.im, f.re * c.im + f.im * c.re};
}

struct Plan {
  // Per pass: twiddles (ip - 1) x (ido - 1), pairs (cos, sin); the last pass needs none.
  std::array<std::array<double, kDctLen>, kRadixCount> passTwiddle{};
  // DCT post-twiddle cos(pi/2 * (i + 1) / N), the real part of root i + 1 of a 4N-point table.
  std::array<double, kDctLen> dctTwiddle{};

  Plan() {
    int l1 = 1;
    for (int p = 0; p < kRadixCount; ++p) {
      const int ip = kRadix[p], ido = kDctLen / (l1 * ip);
      if (p < kRadixCount - 1) {
        for (int j = 1; j < ip; ++j)
          for (int i = 1; i <= (ido - 1) / 2; ++i) {
            const Root w = unitRoot(j * l1 * i, kDctLen);
            passTwiddle[p][(j - 1) * (ido - 1) + 2 * i - 2] = w.re;
            passTwiddle[p][(j - 1) * (ido - 1) + 2 * i - 1] = w.im;
          }
      }
      l1 *= ip;
    }
    for (int i = 0; i < kDctLen; ++i) dctTwiddle[i] = unitRoot(i + 1, 4 * kDctLen).re;
  }
};

const Plan& plan() {
  static const Plan p;
  return p;
}

// FFTPACK's half-complex layouts: the input of a pass is cc[a + ido * (b + ip * c)] and its
// output ch[a + ido * (b + l1 * c)] (a: position within a block, b: radix leg, c: block).

/// Backward real radix-2 pass.
void radix2Backward(int ido, int l1, const double* cc, double* ch, const double* wa) {
  auto CC = [&](int a, int b, int c) { return cc[a + ido * (b + 2 * c)]; };
  auto CH = [&](int a, int b, int c) -> double& { return ch[a + ido * (b + l1 * c)]; };
  for (int k = 0; k < l1; ++k) {
    CH(0, k, 0) = CC(0, 0, k) + CC(ido - 1, 1, k);
    CH(0, k, 1) = CC(0, 0, k) - CC(ido - 1, 1, k);
  }
  if ((ido & 1) == 0)
    for (int k = 0; k < l1; ++k) {
      CH(ido - 1, k, 0) = 2.0 * CC(ido - 1, 0, k);
      CH(ido - 1, k, 1) = -2.0 * CC(0, 1, k);
    }
  if (ido <= 2) return;
  for (int k = 0; k < l1; ++k)
    for (int i = 2; i < ido; i += 2) {
      const int ic = ido - i;
      CH(i - 1, k, 0) = CC(i - 1, 0, k) + CC(ic - 1, 1, k);
      const double tr2 = CC(i - 1, 0, k) - CC(ic - 1, 1, k);
      const double ti2 = CC(i, 0, k) + CC(ic, 1, k);
      CH(i, k, 0) = CC(i, 0, k) - CC(ic, 1, k);
      const double wr = wa[i - 2], wi = wa[i - 1];
      CH(i, k, 1) = wr * ti2 + wi * tr2;
      CH(i - 1, k, 1) = wr * tr2 - wi * ti2;
    }
}

/// Backward real radix-4 pass.
void radix4Backward(int ido, int l1, const double* cc, double* ch, const double* wa) {
  auto CC = [&](int a, int b, int c) { return cc[a + ido * (b + 4 * c)]; };
  auto CH = [&](int a, int b, int c) -> double& { return ch[a + ido * (b + l1 * c)]; };
  for (int k = 0; k < l1; ++k) {
    const double tr2 = CC(0, 0, k) + CC(ido - 1, 3, k);
    const double tr1 = CC(0, 0, k) - CC(ido - 1, 3, k);
    const double tr3 = 2.0 * CC(ido - 1, 1, k);
    const double tr4 = 2.0 * CC(0, 2, k);
    CH(0, k, 0) = tr2 + tr3;
    CH(0, k, 2) = tr2 - tr3;
    CH(0, k, 3) = tr1 + tr4;
    CH(0, k, 1) = tr1 - tr4;
  }
  if ((ido & 1) == 0)
    for (int k = 0; k < l1; ++k) {
      const double ti1 = CC(0, 3, k) + CC(0, 1, k);
      const double ti2 = CC(0, 3, k) - CC(0, 1, k);
      const double tr2 = CC(ido - 1, 0, k) + CC(ido - 1, 2, k);
      const double tr1 = CC(ido - 1, 0, k) - CC(ido - 1, 2, k);
      CH(ido - 1, k, 0) = tr2 + tr2;
      CH(ido - 1, k, 1) = kSqrt2 * (tr1 - ti1);
      CH(ido - 1, k, 2) = ti2 + ti2;
      CH(ido - 1, k, 3) = -kSqrt2 * (tr1 + ti1);
    }
  if (ido <= 2) return;
  auto WA = [&](int x, int i) { return wa[i + x * (ido - 1)]; };
  for (int k = 0; k < l1; ++k)
    for (int i = 2; i < ido; i += 2) {
      const int ic = ido - i;
      const double tr2 = CC(i - 1, 0, k) + CC(ic - 1, 3, k);
      const double tr1 = CC(i - 1, 0, k) - CC(ic - 1, 3, k);
      const double ti1 = CC(i, 0, k) + CC(ic, 3, k);
      const double ti2 = CC(i, 0, k) - CC(ic, 3, k);
      const double tr4 = CC(i, 2, k) + CC(ic, 1, k);
      const double ti3 = CC(i, 2, k) - CC(ic, 1, k);
      const double tr3 = CC(i - 1, 2, k) + CC(ic - 1, 1, k);
      const double ti4 = CC(i - 1, 2, k) - CC(ic - 1, 1, k);
      CH(i - 1, k, 0) = tr2 + tr3;
      const double cr3 = tr2 - tr3;
      CH(i, k, 0) = ti2 + ti3;
      const double ci3 = ti2 - ti3;
      const double cr4 = tr1 + tr4;
      const double cr2 = tr1 - tr4;
      const double ci2 = ti1 + ti4;
      const double ci4 = ti1 - ti4;
      // (CH(i), CH(i-1)) = w * (ci, cr): a = wr*ci + wi*cr, b = wr*cr - wi*ci.
      CH(i, k, 1) = WA(0, i - 2) * ci2 + WA(0, i - 1) * cr2;
      CH(i - 1, k, 1) = WA(0, i - 2) * cr2 - WA(0, i - 1) * ci2;
      CH(i, k, 2) = WA(1, i - 2) * ci3 + WA(1, i - 1) * cr3;
      CH(i - 1, k, 2) = WA(1, i - 2) * cr3 - WA(1, i - 1) * ci3;
      CH(i, k, 3) = WA(2, i - 2) * ci4 + WA(2, i - 1) * cr4;
      CH(i - 1, k, 3) = WA(2, i - 2) * cr4 - WA(2, i - 1) * ci4;
    }
}

/// Unscaled real backward FFT of half-complex input, in place (pocketfft rfftp::backward, fct 1).
void realBackwardFft(double* c) {
  const Plan& pl = plan();
  std::array<double, kDctLen> scratch;
  double* in = c;
  double* out = scratch.data();
  int l1 = 1;
  for (int p = 0; p < kRadixCount; ++p) {
    const int ip = kRadix[p], ido = kDctLen / (ip * l1);
    if (ip == 4)
      radix4Backward(ido, l1, in, out, pl.passTwiddle[p].data());
    else
      radix2Backward(ido, l1, in, out, pl.passTwiddle[p].data());
    std::swap(in, out);
    l1 *= ip;
  }
  if (in != c) std::memcpy(c, in, sizeof(double) * kDctLen);
}

}  // namespace

void dctII(double* c) {
  const Plan& pl = plan();
  constexpr int n = kDctLen, half = (n + 1) / 2;
  c[0] *= 2.0;
  c[n - 1] *= 2.0;                      // even length
  for (int k = 1; k < n - 1; k += 2) {  // (c[k+1], c[k]) <- (c[k+1] - c[k], c[k+1] + c[k])
    const double t = c[k + 1];
    c[k + 1] = t - c[k];
    c[k] = t + c[k];
  }
  realBackwardFft(c);
  const double* tw = pl.dctTwiddle.data();
  for (int k = 1, kc = n - 1; k < half; ++k, --kc) {
    const double t1 = tw[k - 1] * c[kc] + tw[kc - 1] * c[k];
    const double t2 = tw[k - 1] * c[k] - tw[kc - 1] * c[kc];
    c[k] = 0.5 * (t1 + t2);
    c[kc] = 0.5 * (t1 - t2);
  }
  c[half] *= tw[half - 1];
}

Block8 lowFrequencyBlock(const Grey32& grey) {
  // Axis 0 (down each column); only its first kHashSize outputs feed the block.
  std::array<double, kImgSize * kHashSize> colPass;  // row-major kHashSize x kImgSize
  std::array<double, kDctLen> v;
  for (int x = 0; x < kImgSize; ++x) {
    for (int y = 0; y < kImgSize; ++y) v[y] = grey[y * kImgSize + x];
    dctII(v.data());
    for (int k = 0; k < kHashSize; ++k) colPass[k * kImgSize + x] = v[k];
  }
  Block8 block;
  for (int k = 0; k < kHashSize; ++k) {
    std::copy_n(&colPass[k * kImgSize], kImgSize, v.begin());
    dctII(v.data());
    std::copy_n(v.begin(), kHashSize, &block[k * kHashSize]);
  }
  return block;
}

double numpyMedian(const Block8& block) {
  Block8 s = block;
  std::sort(s.begin(), s.end());
  return (s[kBlockCoefs / 2 - 1] + s[kBlockCoefs / 2]) / 2.0;
}

}  // namespace hashsieve::phash
