#!/bin/sh
# bench/gpu_checks.sh without a GPU: shellcheck-clean (when shellcheck is installed), and its
# --dry-run lists every step of the device verification, writes nothing, and refuses bad flags.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPT=$ROOT/bench/gpu_checks.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if command -v shellcheck >/dev/null; then
  shellcheck "$SCRIPT" || fail "shellcheck"
else
  echo "note: shellcheck not installed, lint skipped"
fi

"$SCRIPT" --dry-run --build /carried/build --results "$tmp/results" >"$tmp/plan.txt" ||
  fail "--dry-run exited $?"
for s in gtest_test_cuda_hasher gtest_test_cuda_corpus gtest_test_match_cuda \
  sanitizer_memcheck_hasher sanitizer_racecheck_hasher sanitizer_synccheck_hasher \
  sanitizer_initcheck_hasher sanitizer_memcheck_matcher sanitizer_initcheck_matcher \
  bench_cuda_hash bench_match bench_kernel_match ncu_hamming ncu_hamming_topk ncu_box_pass report; do
  grep -q "^\[$s\] " "$tmp/plan.txt" || fail "step $s missing from the plan"
done
grep -q '^\[gtest_test_cuda_hasher\] env HASHSIEVE_REQUIRE_GPU=1 /carried/build/tests/' \
  "$tmp/plan.txt" || fail "GPU tests must run from --build with HASHSIEVE_REQUIRE_GPU=1"
grep -q '^\[parity\] skipped: no --corpus' "$tmp/plan.txt" || fail "parity without a corpus"
grep -q '^\[faiss_gpu\] skipped' "$tmp/plan.txt" || fail "faiss-gpu without wheels"
grep -q '^\[decode_drift\] skipped: no --corpus' "$tmp/plan.txt" || fail "drift without a corpus"
grep -q '^\[decode_throughput\] skipped: no --backlogs' "$tmp/plan.txt" ||
  fail "decode throughput without backlogs"
"$SCRIPT" --dry-run --corpus /c --backlogs /b --results "$tmp/results" >"$tmp/plan2.txt" ||
  fail "--dry-run with --corpus --backlogs exited $?"
for s in decode_drift decode_jpeg1080p decode_jpeg12mp decode_h264_1080p decode_backend_names; do
  grep -q "^\[$s\] " "$tmp/plan2.txt" || fail "step $s missing from the plan with backlogs"
done
[ ! -e "$tmp/results" ] || fail "--dry-run wrote results"

"$SCRIPT" --dry-run --corpus /carried/corpus --results "$tmp/results" >"$tmp/plan2.txt" ||
  fail "--dry-run --corpus exited $?"
grep -q '^\[parity\] parity /carried/corpus' "$tmp/plan2.txt" || fail "parity step with a corpus"
grep -q '^\[bench_hash_e2e\] .* --corpus /carried/corpus' "$tmp/plan2.txt" ||
  fail "end-to-end bench with a corpus"

if "$SCRIPT" --no-such-flag >/dev/null 2>&1; then fail "an unknown flag was accepted"; fi
echo "gpu_checks.sh dry run: $(grep -c '^\[' "$tmp/plan.txt") steps planned"
