#!/bin/sh
# Instruction counts per CPU hashing stage under callgrind: repeatable where wall time is not
# (shared machines). Each stage runs once on a seeded random RGB frame (cpu_stage_probe); only the
# stage function is counted. Prints stage, size, instructions, instructions per pixel.
# usage: callgrind_stages.sh [PROBE] [WxH ...]   (default sizes: 1920x1080 4000x3000)
# Exit status 77 (ctest: skipped) without valgrind.
set -eu
probe=${1:-build/bench/callgrind/cpu_stage_probe}
[ $# -gt 0 ] && shift
sizes=${*:-1920x1080 4000x3000}
command -v valgrind >/dev/null || { echo "callgrind_stages: valgrind not found, skipped" >&2; exit 77; }
[ -x "$probe" ] || { echo "callgrind_stages: no probe at $probe (build cpu_stage_probe)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-14s %-10s %15s %10s\n' stage size instructions per_pixel
for size in $sizes; do
  w=${size%x*}
  h=${size#*x}
  for stage in pdq pdq-dihedral phash pdq-phash digests; do
    out=$tmp/cg.out
    valgrind --tool=callgrind --callgrind-out-file="$out" \
      --toggle-collect='*hsProbeStage*' "$probe" "$stage" "$w" "$h" >/dev/null 2>"$tmp/log" ||
      { cat "$tmp/log" >&2; exit 1; }
    ir=$(sed -n 's/^summary: //p' "$out" | awk '{print $1}')
    [ "${ir:-0}" -gt 0 ] || { echo "callgrind_stages: no count for $stage $size" >&2; exit 1; }
    awk -v s="$stage" -v z="$size" -v ir="$ir" -v px=$((w * h)) \
      'BEGIN { printf "%-14s %-10s %15d %10.1f\n", s, z, ir, ir / px }'
  done
done
