#!/bin/sh
# Runs one Python oracle of the media tests with the project's venv ($HASHSIEVE_PYTHON, else
# SRC/.venv/bin/python). When that Python, its module or the inputs are missing it removes the
# output and exits 0: the C++ test that reads the output then skips.
# Usage: run_oracle.sh pillow|vpdq SRC_DIR BINARY_DIR
set -u
which=$1 src=$2 bin=$3
py=${HASHSIEVE_PYTHON:-$src/.venv/bin/python}
corpus=${HASHSIEVE_CORPUS:-$bin/corpus-small}
shared=${HASHSIEVE_SHARED:-$src/../shared}
outdir=$bin/media-oracle
mkdir -p "$outdir"
case $which in
  pillow) module=PIL out=$outdir/pillow.tsv ;;
  vpdq) module=vpdq out=$outdir/vpdq.tsv ;;
  *) echo "usage: $0 pillow|vpdq SRC BIN" >&2; exit 2 ;;
esac
rm -f "$out"
if ! "$py" -c "import $module, numpy" >/dev/null 2>&1; then
  echo "skipped: no Python with $module at $py"
  exit 0
fi
set --
[ -f "$corpus/manifest.jsonl" ] || corpus=
case $which in
  pillow)
    [ -n "$corpus" ] && set -- "$@" "corpus=$corpus"
    [ -d "$shared/refdata/pdq/images" ] && set -- "$@" "refdata=$shared/refdata/pdq"
    # Decoder-fidelity variants (TIFF/GIF/BMP/JPEG/PNG layouts), generated: always present.
    rm -rf "$outdir/synthetic"
    "$py" "$src/tests/media/make_variants.py" "$outdir/synthetic" || exit 1
    set -- "$@" "synthetic=$outdir/synthetic"
    ;;
  vpdq)
    # One video per codec/container family at vpdq's default 1 s per hash, the 854-wide one (a
    # width that is not a multiple of 8), one short video at every frame, and all of Meta's
    # sample videos: about a minute on one core.
    [ -n "$corpus" ] && set -- "$@" \
      "corpus=$corpus/videos@1:cockatoo.mp4,cockatoo__mjpeg.avi,cockatoo__mpeg4-xvid.avi,cockatoo__vp9.webm,cockatoo__hflip.mkv,cockatoo__logo-overlay.mov,cockatoo__vfr.mp4,cockatoo__trim-2s-mid.mp4,newtonscradle__to-mp4.mp4,portrait__rotated-metadata.mp4,cockatoo__scale-480p.mp4" \
      "corpus=$corpus/videos@0:realshort.mp4"
    [ -d "$shared/refdata/vpdq/videos" ] && set -- "$@" "refdata=$shared/refdata/vpdq/videos@1"
    ;;
esac
if [ $# -eq 0 ]; then
  echo "skipped: neither the corpus ($corpus) nor ../shared ($shared) is present"
  exit 0
fi
exec "$py" "$src/tests/media/${which}_oracle.py" "$out" "$@"
