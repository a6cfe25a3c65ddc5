#!/usr/bin/env bash
# Decode backlogs for bench/gpu_checks.sh (--backlogs OUT): OUT/jpeg1080p (N 1080p JPEGs),
# OUT/jpeg12mp (N/10 4000x3000 JPEGs), OUT/h264-1080p (4 ten-second 1080p H.264 videos), made
# with the ffmpeg CLI from its test sources (seeded by index). Run where ffmpeg is installed,
# then carry OUT to the device machine.
set -euo pipefail
OUT=${1:?usage: make_decode_backlogs.sh OUT [N]}
N=${2:-2000}
mkdir -p "$OUT/jpeg1080p" "$OUT/jpeg12mp" "$OUT/h264-1080p"
ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
# One 1080p clip, frames taken as stills: varied content, not one image repeated.
ff -f lavfi -i "testsrc2=size=1920x1080:rate=25,noise=alls=12:allf=t" -frames:v "$N" -q:v 3 \
  "$OUT/jpeg1080p/f%05d.jpg"
ff -f lavfi -i "mandelbrot=size=4000x3000:rate=25" -frames:v $((N / 10)) -q:v 3 \
  "$OUT/jpeg12mp/f%05d.jpg"
for i in 1 2 3 4; do
  ff -f lavfi -i "testsrc2=size=1920x1080:rate=30,hue=h=$((i * 40))" -t 10 -c:v libx264 \
    -pix_fmt yuv420p "$OUT/h264-1080p/v$i.mp4"
done
echo "backlogs in $OUT"
