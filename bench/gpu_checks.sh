#!/usr/bin/env bash
# One-shot device verification on an H100/H200, from a build made elsewhere:
#   1. every gpu-labelled test with HASHSIEVE_REQUIRE_GPU=1 (a missing device fails, not skips);
#   2. compute-sanitizer memcheck, racecheck, synccheck and initcheck on small inputs;
#   3. GPU vs CPU parity: `hashsieve hash` on >= 2,000 images, every hash bit-identical;
#   4. bench rows: kernel-only 1080p frames/s, end-to-end files/s, match 1k x 10M plain and
#      dihedral, top-k (bench_cuda_hash, bench_match, `hashsieve bench`);
#   5. faiss-gpu GpuIndexBinaryFlat beside our matcher, when its wheel is carried;
#   6. Nsight Compute counters for the Hamming range and top-k kernels and one box pass (ncu);
#   7. GPU decode: drift of --decoder gpu against --decoder cpu (PDQ distance median,
#      p99, max per decoder) on the --corpus, and files/s and frames/s of both on the
#      --backlogs (jpeg1080p/, jpeg12mp/, h264-1080p/, made by bench/make_decode_backlogs.sh);
#      the device-resident hand-off (nvImageCodec and NVDEC frames read by the hashing kernels
#      from device memory: the gtest steps and sanitizers cover it) and the backend names the
#      records give (a baseline 1080p JPEG must say nvjpeg-hw on an H100/H200);
#   8. bench/results/<date>_<gpu>.{json,md}: every step's status and where its log is.
# What to carry (see README, "Checking a GPU in one run"): the build directory (--build), FFmpeg's
# runtime libraries unpacked with `dpkg -x` (--libs), Python wheels for faiss-gpu (--wheels), a
# corpus of >= 2,000 images (--corpus), decode backlogs (--backlogs). `--dry-run` prints the steps
# and runs nothing (tested on the CPU by tests/bench/gpu_checks_dry_run.sh). Exit status: 0 when every step passed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
LIBS=""
WHEELS=""
CORPUS=""
BACKLOGS=""
DRY_RUN=0
RESULTS=$ROOT/bench/results
PARITY_MIN=2000

usage() {
  sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  echo "usage: $0 [--build DIR] [--libs DIR] [--wheels DIR] [--corpus DIR] [--backlogs DIR] [--results DIR] [--dry-run]"
}

while [ $# -gt 0 ]; do
  case $1 in
    --build) BUILD=$2; shift 2 ;;
    --libs) LIBS=$2; shift 2 ;;
    --wheels) WHEELS=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --backlogs) BACKLOGS=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gpu_checks: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

HS=$BUILD/hashsieve
DATE=$(date -u +%Y-%m-%d)
if [ "$DRY_RUN" = 1 ]; then
  GPU=dry-run
else
  GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1 |
        tr '[:upper:] ' '[:lower:]-' | tr -cd 'a-z0-9-')
  GPU=${GPU:-no-gpu}
fi
OUT=$RESULTS/${DATE}_${GPU}
LOGS=$OUT.logs
STEPS=()    # "name<TAB>status<TAB>log"
failed=0

# step NAME CMD...: runs CMD with its output in $LOGS/NAME.log (or prints it under --dry-run).
step() {
  local name=$1
  shift
  if [ "$DRY_RUN" = 1 ]; then
    printf '[%s] %s\n' "$name" "$*"
    STEPS+=("$name	planned	-")
    return 0
  fi
  echo "== $name"
  "$@" >"$LOGS/$name.log" 2>&1
  local rc=$?
  tail -n 3 "$LOGS/$name.log"
  if [ "$rc" -eq 0 ]; then
    STEPS+=("$name	ok	$LOGS/$name.log")
  else
    STEPS+=("$name	failed (exit $rc)	$LOGS/$name.log")
    failed=1
  fi
}

# skip NAME WHY: a step that cannot run here, said so in the report.
skip() {
  [ "$DRY_RUN" = 1 ] && printf '[%s] skipped: %s\n' "$1" "$2"
  STEPS+=("$1	skipped: $2	-")
}

# parity CORPUS: `hash` on the CPU, on CUDA and on every device (cuda:all, the multi-device
# dealing); every record's hashes must be identical.
# shellcheck disable=SC2317  # invoked through step
parity() {
  local dir=$1 n
  n=$(find "$dir" -type f | wc -l)
  if [ "$n" -lt "$PARITY_MIN" ]; then
    echo "parity: $dir has $n files, fewer than $PARITY_MIN"
    return 1
  fi
  "$HS" hash --device cpu -o "$LOGS/parity_cpu.jsonl" "$dir" || [ $? -eq 1 ]
  "$HS" hash --device cuda -o "$LOGS/parity_cuda.jsonl" "$dir" || [ $? -eq 1 ]
  "$HS" hash --device cuda:all -o "$LOGS/parity_cuda_all.jsonl" "$dir" || [ $? -eq 1 ]
  python3 - "$LOGS/parity_cpu.jsonl" "$LOGS/parity_cuda.jsonl" "$LOGS/parity_cuda_all.jsonl" <<'PY'
import json, sys
keys = ("pdq", "pdq_quality", "phash", "pdq_dihedral", "frames", "error")
def load(path):
    return {r["path"]: {k: r.get(k) for k in keys} for r in map(json.loads, open(path))}
cpu, bad = load(sys.argv[1]), False
for other in sys.argv[2:]:
    gpu = load(other)
    diff = [p for p in cpu if cpu[p] != gpu.get(p)]
    print(f"{other}: {len(cpu)} records; {len(diff)} differ" + (f", first: {diff[0]}" if diff else ""))
    bad = bad or bool(diff) or set(cpu) != set(gpu)
sys.exit(1 if bad else 0)
PY
}

# decode_throughput DIR UNIT TARGET [HASH ARGS...]: end-to-end `hash` (decode + PDQ + pHash +
# digests) of DIR with --decoder cpu, then gpu, on every core; files/s and frames/s of each.
# Fails when the gpu run is under TARGET UNIT/s (UNIT files or frames; TARGET 0: none) or under
# 4x the cpu run's rate in that unit.
# shellcheck disable=SC2317  # invoked through step
decode_throughput() {
  local dir=$1 unit=$2 target=$3 d t0 t1
  shift 3
  for d in cpu gpu; do
    t0=$(date +%s.%N)
    "$HS" hash -q --device cuda --decoder "$d" "$@" -o "$LOGS/throughput_$d.jsonl" "$dir" ||
      [ $? -eq 1 ]
    t1=$(date +%s.%N)
    echo "$d $t0 $t1"
  done >"$LOGS/throughput_times.txt"
  python3 - "$LOGS/throughput_cpu.jsonl" "$LOGS/throughput_gpu.jsonl" "$unit" "$target" \
    "$LOGS/throughput_times.txt" <<'PY'
import json, sys
unit, target = sys.argv[3], float(sys.argv[4])
rates = {}
for line in open(sys.argv[5]):
    d, t0, t1 = line.split()
    recs = [json.loads(l) for l in open(sys.argv[1 if d == "cpu" else 2])]
    frames = sum(len(r.get("frames", [])) or 1 for r in recs if "error" not in r)
    secs = float(t1) - float(t0)
    decoders = sorted({r.get("decoder", "cpu") for r in recs if "error" not in r})
    rates[d] = (len(recs) if unit == "files" else frames) / secs
    print(f"{d}: {len(recs)} files, {frames} frames in {secs:.2f} s: {len(recs) / secs:.1f} files/s, "
          f"{frames / secs:.1f} frames/s; decoders {decoders}")
ratio = rates["gpu"] / rates["cpu"]
print(f"gpu/cpu {unit}/s: {ratio:.2f}x (target >= 4x); gpu target {target or '-'} {unit}/s")
sys.exit(0 if ratio >= 4 and rates["gpu"] >= target else 1)
PY
}

if [ "$DRY_RUN" = 0 ]; then
  mkdir -p "$LOGS"
  [ -n "$LIBS" ] && export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export HASHSIEVE_REQUIRE_GPU=1
  { date -u; nvidia-smi; "$HS" info; } >"$LOGS/env.log" 2>&1
fi

# decode_backend_names DIR NAME: `hash --decoder gpu` of DIR on the CUDA backend; prints how
# many records each decoder produced; fails unless NAME produced at least one.
# shellcheck disable=SC2317  # invoked through step
decode_backend_names() {
  "$HS" hash "$1" --decoder gpu --device cuda -q -o "$LOGS/decode_backend_names.jsonl" || true
  python3 - "$LOGS/decode_backend_names.jsonl" "$2" <<'PY'
import collections, json, sys
counts = collections.Counter(json.loads(l).get("decoder", "-") for l in open(sys.argv[1]))
for name, n in sorted(counts.items()):
    print(f"{name}: {n}")
sys.exit(0 if counts[sys.argv[2]] > 0 else 1)
PY
}

# 1. gpu-labelled tests (the hs_add_gtest binary carries the test's name).
for t in test_cuda_hasher test_cuda_corpus test_match_cuda test_nvdec; do
  step "gtest_$t" env HASHSIEVE_REQUIRE_GPU=1 "$BUILD/tests/$t" --gtest_color=no
done

# 2. compute-sanitizer on small inputs (the stage tests and ragged/small batches; match edges).
SMALL_HASH='CudaStages.*:*EdgeSizes:*SmallBatches*:*Strided*:*DeviceResident*'
SMALL_MATCH='CudaMatcher.*'
if [ "$DRY_RUN" = 1 ] || command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck synccheck initcheck; do
    step "sanitizer_${tool}_hasher" compute-sanitizer --tool "$tool" --error-exitcode 1 \
      "$BUILD/tests/test_cuda_hasher" --gtest_filter="$SMALL_HASH"
    step "sanitizer_${tool}_matcher" compute-sanitizer --tool "$tool" --error-exitcode 1 \
      "$BUILD/tests/test_match_cuda" --gtest_filter="$SMALL_MATCH"
  done
else
  skip sanitizers "compute-sanitizer not found"
fi

# 3. parity on >= 2,000 images.
if [ -n "$CORPUS" ]; then
  step parity parity "$CORPUS"
else
  skip parity "no --corpus given"
fi

# 4. bench rows.
step bench_cuda_hash "$BUILD/bench/bench_cuda_hash" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$LOGS/bench_cuda_hash.json" \
  --benchmark_out_format=json
step bench_match "$BUILD/bench/bench_match" --benchmark_filter='Cuda' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$LOGS/bench_match.json" \
  --benchmark_out_format=json
step bench_kernel_match "$HS" bench kernel match --device all --synthetic 1080p:20000 \
  --list-size 10000000 --queries 1000 --json "$LOGS/bench_kernel_match.json"
if [ -n "$CORPUS" ]; then
  step bench_hash_e2e "$HS" bench hash --device all --corpus "$CORPUS" --json "$LOGS/bench_hash.json"
else
  skip bench_hash_e2e "no --corpus given"
fi

# 5. faiss-gpu beside our matcher (top-k on GpuIndexBinaryFlat; range has no GPU binary index).
if [ -n "$WHEELS" ] && ls "$WHEELS"/faiss_gpu*.whl >/dev/null 2>&1; then
  step faiss_venv sh -c "python3 -m venv '$LOGS/venv' && '$LOGS/venv/bin/pip' install --no-index \
    --find-links '$WHEELS' '$WHEELS'/faiss_gpu*.whl numpy"
  step faiss_gpu "$LOGS/venv/bin/python" "$ROOT/bench/faiss_compare.py" --hashsieve "$HS" \
    --device cuda --faiss-gpu --entries 10000000 --queries 1000
else
  skip faiss_gpu "no faiss_gpu wheel in --wheels"
fi

# 6. Nsight Compute: POPC issued and DRAM bytes of the range and top-k kernels; one box pass.
if [ "$DRY_RUN" = 1 ] || command -v ncu >/dev/null; then
  step ncu_hamming ncu --kernel-name regex:rangeKernel --launch-count 1 \
    --metrics smsp__sass_inst_executed_op_popc.sum,dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum \
    "$BUILD/bench/bench_match" --benchmark_filter='BM_RangeCuda' --benchmark_min_time=0.01s
  step ncu_hamming_topk ncu --kernel-name regex:topKKernel --launch-count 1 \
    --metrics smsp__sass_inst_executed_op_popc.sum,dram__bytes_read.sum,gpu__time_duration.sum \
    "$BUILD/bench/bench_match" --benchmark_filter='BM_TopKCuda' --benchmark_min_time=0.01s
  step ncu_box_pass ncu --kernel-name regex:boxPassKernel --launch-count 1 \
    --metrics dram__bytes_read.sum,dram__bytes_write.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed,gpu__time_duration.sum \
    "$BUILD/bench/bench_cuda_hash" --benchmark_filter='BM_CudaKernels' --benchmark_min_time=0.01s
else
  skip ncu "ncu not found"
fi

# 7. GPU decode: drift (goal: median 0, p99 <= 4 bits) and throughput (goals: >= 2,000 1080p
# JPEG files/s and >= 4x the CPU path; NVDEC >= 1,500 1080p frames/s with every frame sampled).
if [ -n "$CORPUS" ]; then
  step decode_drift python3 "$ROOT/bench/decoder_compare.py" --cli "$HS" --corpus "$CORPUS" \
    --markdown "$LOGS/decode_drift.md" --goal-median 0 --goal-p99 4
else
  skip decode_drift "no --corpus given"
fi
if [ -n "$BACKLOGS" ]; then
  step decode_jpeg1080p decode_throughput "$BACKLOGS/jpeg1080p" files 2000
  step decode_jpeg12mp decode_throughput "$BACKLOGS/jpeg12mp" files 0
  # Every frame sampled: the NVDEC rate itself.
  step decode_h264_1080p decode_throughput "$BACKLOGS/h264-1080p" frames 1500 --video-fps 0
  step decode_backend_names decode_backend_names "$BACKLOGS/jpeg1080p" nvjpeg-hw
else
  skip decode_throughput "no --backlogs given"
fi

# 8. The report.
if [ "$DRY_RUN" = 1 ]; then
  echo "[report] $OUT.json and $OUT.md"
  exit 0
fi
{
  printf '{\n  "date": "%s",\n  "gpu": "%s",\n  "commit": "%s",\n  "steps": [\n' "$DATE" "$GPU" \
    "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  sep=""
  for s in "${STEPS[@]}"; do
    IFS=$'\t' read -r name status log <<<"$s"
    printf '%s    {"name": "%s", "status": "%s", "log": "%s"}' "$sep" "$name" "$status" "$log"
    sep=$',\n'
  done
  printf '\n  ]\n}\n'
} >"$OUT.json"
{
  echo "# GPU checks, $DATE, $GPU"
  echo
  echo "| step | status | log |"
  echo "|---|---|---|"
  for s in "${STEPS[@]}"; do
    IFS=$'\t' read -r name status log <<<"$s"
    echo "| $name | $status | $log |"
  done
} >"$OUT.md"
cat "$OUT.md"
exit "$failed"
