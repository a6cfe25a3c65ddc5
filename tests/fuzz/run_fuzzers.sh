#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang-14, -fsanitize=fuzzer,address,undefined,
# into build-fuzz/) and runs each one in turn for TIME_SECONDS with its seed corpus, then prints
# executions, coverage (cov/ft from libFuzzer's final stats) and findings per target.
#
#   tests/fuzz/run_fuzzers.sh TIME_SECONDS [TARGET...]
#
# Seeds: tests/fuzz/seeds/<target>/ and tests/fuzz/regressions/<target>/ (committed), plus what
# tests/fuzz/make_seeds.py generates into build-fuzz/fuzz-seeds/ from the corpus
# ($HASHSIEVE_CORPUS, else build/corpus-small, else none). The working corpus grows in
# build-fuzz/fuzz-corpus/<target>/ across runs; findings land in build-fuzz/fuzz-findings/.
# Environment: HASHSIEVE_FUZZ_BUILD (build directory, default build-fuzz), HASHSIEVE_JOBS
# (build jobs, default 2), HASHSIEVE_CORPUS, HASHSIEVE_BIN (a built CLI, default build/hashsieve).
# Exit status: 0 no findings, 1 findings, 2 usage or build failure.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TIME_SECONDS [TARGET...]" >&2
  exit 2
fi
seconds=$1
shift

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${HASHSIEVE_FUZZ_BUILD:-$root/build-fuzz}  # another configured fuzz build may be named
cd "$root"

if ! command -v clang++-14 >/dev/null; then
  echo "run_fuzzers: clang++-14 not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
jobs=${HASHSIEVE_JOBS:-2}
if [[ ! -f $build/build.ninja ]]; then
  cmake --preset fuzz >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log" >&2
    exit 2
  }
fi
ninja -C "$build" -j"$jobs" fuzzers >"$build/fuzzers.build.log" 2>&1 || {
  tail -50 "$build/fuzzers.build.log" >&2
  exit 2
}

corpus=${HASHSIEVE_CORPUS:-}
if [[ -z $corpus && -f $root/build/corpus-small/manifest.jsonl ]]; then
  corpus=$root/build/corpus-small
fi
cli=${HASHSIEVE_BIN:-$root/build/hashsieve}  # for .hsl and hash-record seeds, when built
[[ -x $cli ]] || cli=
python3 "$root/tests/fuzz/make_seeds.py" --out "$build/fuzz-seeds" ${corpus:+--corpus "$corpus"} \
  ${cli:+--hashsieve "$cli"}

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$build/fuzz" && ls fuzz_* 2>/dev/null | sort)
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "run_fuzzers: no fuzz targets were built" >&2
  exit 2
fi

# Per-target libFuzzer limits. Media inputs run the real decoder and hasher under ASan with the
# default limits, so a 1 KB file may legitimately decode to a 40-200 megapixel canvas (minutes
# under ASan): the unit timeout is the tool's own per-file timeout (300 s) and the memory what
# such a frame needs. The parsers must be quick.
flagsFor() {
  case $1 in
    fuzz_media_decode) echo "-timeout=300 -rss_limit_mb=6144 -max_len=65536" ;;
    *) echo "-timeout=10 -rss_limit_mb=2048" ;;
  esac
}

# Every sanitizer report is a crash; UBSan skips only the known, reported findings.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/fuzz/ubsan.supp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

summary=$build/fuzz-summary.txt
printf '%-22s %7s %12s %9s %7s %8s %7s  %s\n' target seconds executions exec/s cov ft corpus \
  findings >"$summary"
status=0
for target in "${targets[@]}"; do
  bin=$build/fuzz/$target
  [[ -x $bin ]] || { echo "run_fuzzers: no binary $bin" >&2; exit 2; }
  work=$build/fuzz-corpus/$target
  findings=$build/fuzz-findings/$target
  log=$build/fuzz-logs/$target.log
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  seedDirs=()
  for d in "$root/tests/fuzz/seeds/$target" "$root/tests/fuzz/regressions/$target" \
           "$build/fuzz-seeds/$target"; do
    [[ -d $d ]] && seedDirs+=("$d")
  done
  dict=()
  [[ -f $root/tests/fuzz/$target.dict ]] && dict=(-dict="$root/tests/fuzz/$target.dict")
  find "$findings" -type f | sort >"$log.before"
  echo "== $target: ${seconds}s" >&2
  # shellcheck disable=SC2046
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$findings/" \
    $(flagsFor "$target") "${dict[@]}" "$work" "${seedDirs[@]}" >"$log" 2>&1 || true
  find "$findings" -type f | sort >"$log.after"
  newFiles=$(comm -13 "$log.before" "$log.after" | xargs -r -n1 basename | tr '\n' ' ')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # The last status line (DONE, or the line before a crash) carries cov and ft.
  last=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  units=$(find "$work" -type f | wc -l)
  note=none
  if [[ -n $newFiles ]]; then
    status=1
    note=$newFiles
    grep -m3 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error|fuzz property failed' \
      "$log" >&2 || true
  fi
  printf '%-22s %7s %12s %9s %7s %8s %7s  %s\n' "$target" "$seconds" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "$units" "$note" >>"$summary"
done
cat "$summary"
exit $status
