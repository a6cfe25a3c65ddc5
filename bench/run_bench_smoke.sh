#!/bin/sh
# One tiny run of a Google Benchmark binary's CPU or CUDA cases (ctest smoke; bench_smoke.cmake).
# usage: run_bench_smoke.sh cpu|gpu BINARY
# Cases named *Cuda* are the GPU cases. A case that reports an error (SkipWithError) fails the cpu
# entry always, and the gpu entry when HASHSIEVE_REQUIRE_GPU=1 (without a device the CUDA cases
# skip, which must not pass for green on a GPU machine). A binary with no case of the label passes.
label=$1
binary=$2
if [ "$label" = gpu ]; then filter=Cuda; else filter=-Cuda; fi
out=$(HASHSIEVE_BENCH_TINY=1 "$binary" --benchmark_filter="$filter" --benchmark_min_time=0.001 \
      --benchmark_color=false 2>&1)
status=$?
printf '%s\n' "$out"
[ $status -eq 0 ] || exit $status
if printf '%s\n' "$out" | grep -q 'ERROR OCCURRED'; then
  if [ "$label" = cpu ] || [ "${HASHSIEVE_REQUIRE_GPU:-0}" = 1 ]; then
    echo "run_bench_smoke: a benchmark case reported an error" >&2
    exit 1
  fi
fi
exit 0
