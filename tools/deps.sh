# Sourced by tools/setup and tools/test: installs what hashsieve needs, only when it is missing.
# Debian packages (apt-get, as root or through sudo) and a Python venv (.venv) with the oracles.

HS_DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  libavdevice-dev libavfilter-dev           # the PyPI vpdq oracle builds against these
  libjpeg62-turbo-dev libwebp-dev           # JPEG and WebP decode bit-identical to Pillow
  libtiff-dev libtiff-tools                 # TIFF as Pillow decodes it; tiffcp test fixtures
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libssl-dev
  python3-venv python3-pip python3-dev
  ffmpeg imagemagick python3-pil openssl time   # test fixtures and make-corpus
  clang libclang-rt-14-dev                  # libFuzzer targets
  clang-format                              # tools/check-format (formatting is tested)
  ccache                                    # rebuilds of the same sources are cached
  libarchive-dev                            # archive members read in memory
  p7zip-full libarchive-tools zstd          # archive test fixtures: 7z, bsdtar, zstd
  slurmctld slurmd slurm-client munge python3-yaml   # scale-out tests: a real Slurm array, the Job YAML
  libexpat1-dev                             # NCMEC hash-sharing XML, streaming, entities refused
)
# nanobind + scikit-build-core build the Python package (python/); pytest runs its suite;
# threatexchange (pytx) is the host its extension is tested in.
# nvImageCodec (C API + codec plugins, with nvJPEG, nvJPEG2000, nvTIFF) is --decoder gpu's image
# decoder; CMake finds it in .venv (cmake/FindNvimgcodec.cmake).
HS_PYPI_PACKAGES=(pdqhash vpdq imagehash faiss-cpu numpy pillow scipy matplotlib
                  nanobind scikit-build-core pytest threatexchange "nvidia-nvimgcodec-cu13[all]")

hs_missing_debian_packages() {
  local missing=()
  for p in "${HS_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]}"
}

hs_install_debian_packages() {
  local missing
  missing=$(hs_missing_debian_packages)
  [ -z "$missing" ] && return 0
  echo "hashsieve: installing Debian packages: $missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing </dev/null
}

hs_install_python_venv() {
  local root=$1
  local py=$root/.venv/bin/python
  if [ ! -x "$py" ]; then
    /usr/bin/python3 -m venv "$root/.venv"
  fi
  if ! "$py" -c "import pdqhash, vpdq, imagehash, faiss, numpy, PIL, scipy, matplotlib, nanobind, scikit_build_core, pytest, threatexchange, nvidia.nvimgcodec" 2>/dev/null; then
    echo "hashsieve: installing Python oracles into .venv: ${HS_PYPI_PACKAGES[*]}"
    "$py" -m pip install -q --disable-pip-version-check "${HS_PYPI_PACKAGES[@]}" </dev/null
  fi
}

# ccache, when installed, for every compiler the build uses; paths are hashed relative to the
# checkout, so another clone of the same tree on this machine reuses the compiled objects.
hs_use_ccache() {
  command -v ccache >/dev/null 2>&1 || return 0
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_CUDA_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$1 CCACHE_NOHASHDIR=1
}

# Configures (once) and builds Release into $2 (default build/).
hs_build() {
  local root=$1 build=${2:-$1/build}
  shift 2 || true
  hs_use_ccache "$root"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  fi
  cmake --build "$build" -j "$(nproc)"
}
