// HS_HD marks functions compiled for both host (g++) and device (nvcc); the CPU path is the oracle.
#pragma once

#if defined(__CUDACC__)
#define HS_HD __host__ __device__
#else
#define HS_HD
#endif

namespace hashsieve::detail {

// Round-to-nearest float ops that nvcc may never fuse into FMA: PDQ's bit-exactness depends on
// every product being rounded before the add (the reference x86-64 build has no FMA).
HS_HD inline float mulRn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
HS_HD inline float addRn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}
HS_HD inline float subRn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fsub_rn(a, b);
#else
  return a - b;
#endif
}
HS_HD inline float divRn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}

HS_HD inline double mulRnD(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}
HS_HD inline double addRnD(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

HS_HD inline int popcount64(unsigned long long x) {
#if defined(__CUDA_ARCH__)
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

}  // namespace hashsieve::detail
