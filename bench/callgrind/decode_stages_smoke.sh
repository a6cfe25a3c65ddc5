#!/bin/sh
# Smoke for decode_stages.py: a tiny JPEG and PNG made by the ffmpeg CLI, each through the probe
# under callgrind (some seconds). Exit status 77 (ctest: skipped) without valgrind or ffmpeg.
set -eu
probe=$1
command -v valgrind >/dev/null || { echo "decode_stages_smoke: no valgrind, skipped" >&2; exit 77; }
command -v ffmpeg >/dev/null || { echo "decode_stages_smoke: no ffmpeg, skipped" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in small.jpg small.png; do
  ffmpeg -v error -f lavfi -i testsrc=size=64x48 -frames:v 1 "$tmp/$f"
done
out=$(python3 "$(dirname "$0")/decode_stages.py" --probe "$probe" --native-calls 1 \
  "$tmp/small.jpg" "$tmp/small.png")
echo "$out"
# Every stage the two decodes must pass through has a count.
for stage in 'libjpeg: IDCT' 'libjpeg: colour conversion' 'inflate \(zlib\)' '\[alone\] inflate-libdeflate'; do
  echo "$out" | grep -Eq "$stage +[1-9]" || { echo "decode_stages_smoke: no count for $stage" >&2; exit 1; }
done
