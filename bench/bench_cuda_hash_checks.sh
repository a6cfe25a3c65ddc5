#!/usr/bin/env bash
# The GPU checks in one go, on a machine with a CUDA device: the GPU tests under
# HASHSIEVE_REQUIRE_GPU=1, compute-sanitizer memcheck and racecheck on the hasher tests, and the
# CUDA hashing benchmarks. Runs prebuilt binaries from $BUILD (default build-cuda), so a GPU
# machine without the build's libraries only needs them carried (libbenchmark is the one shared
# library the bench needs beyond libc/libstdc++/libcrypto: put it in $BUILD/lib).
# Logs go to $OUT (default bench/results/cuda_hash_<UTC date>); exit status 1 if any check failed.
set -uo pipefail
BUILD=${BUILD:-build-cuda}
OUT=${OUT:-bench/results/cuda_hash_$(date -u +%Y%m%d)}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$BUILD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export HASHSIEVE_REQUIRE_GPU=1
status=0

check() {
  local name=$1
  shift
  echo "== $name: $*"
  "$@" >"$OUT/$name.txt" 2>&1
  local rc=$?
  echo "   exit $rc"
  tail -n 4 "$OUT/$name.txt"
  [ "$rc" -eq 0 ] || status=1
}

{
  date -u
  git rev-parse HEAD 2>/dev/null || echo "commit unknown"
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
} >"$OUT/env.txt" 2>&1

check gpu_tests "$BUILD/tests/test_cuda_hasher"
if [ -x "$BUILD/tests/test_cuda_corpus" ]; then check gpu_corpus "$BUILD/tests/test_cuda_corpus"; fi
# Sanitizers on the stage tests and the cases that cover ragged batches, both slots, fallback
# and the largest frames (the 2,000-frame case adds time, not coverage).
check memcheck compute-sanitizer --tool memcheck --error-exitcode 1 "$BUILD/tests/test_cuda_hasher" \
  --gtest_filter='CudaStages.*:*EdgeSizes:*SmallBatches*:*Strided*'
check racecheck compute-sanitizer --tool racecheck --error-exitcode 1 "$BUILD/tests/test_cuda_hasher" \
  --gtest_filter='CudaStages.*:*SmallBatches*'
check bench_cuda_hash "$BUILD/bench/bench_cuda_hash" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$OUT/bench_cuda_hash.json" \
  --benchmark_out_format=json
exit $status
