# nvImageCodec (PyPI wheel nvidia-nvimgcodec-cu13, which tools/deps.sh installs into .venv):
# nvimgcodec.h + libnvimgcodec.so.0 and its extensions/ folder of codec plugins. Its header
# includes cuda_runtime_api.h, so the CUDA toolkit's include folder is needed too (headers only;
# libnvimgcodec loads the CUDA libraries itself at run time, so binaries start without a driver).
# Hints: -DNVIMGCODEC_ROOT=<folder holding include/ and libnvimgcodec.so.0>, or the checkout's .venv.
# Result: Nvimgcodec_FOUND, target Nvimgcodec::nvimgcodec, NVIMGCODEC_EXTENSIONS_DIR.
file(GLOB _hs_nvimg_venv "${PROJECT_SOURCE_DIR}/.venv/lib/python3*/site-packages/nvidia/nvimgcodec")
find_path(NVIMGCODEC_INCLUDE_DIR nvimgcodec.h
  HINTS ${NVIMGCODEC_ROOT} $ENV{NVIMGCODEC_ROOT} ${_hs_nvimg_venv} PATH_SUFFIXES include)
find_library(NVIMGCODEC_LIBRARY NAMES nvimgcodec libnvimgcodec.so.0
  HINTS ${NVIMGCODEC_ROOT} $ENV{NVIMGCODEC_ROOT} ${_hs_nvimg_venv} PATH_SUFFIXES lib lib64 .)
if(NOT TARGET CUDA::toolkit)
  find_package(CUDAToolkit QUIET)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Nvimgcodec
  REQUIRED_VARS NVIMGCODEC_LIBRARY NVIMGCODEC_INCLUDE_DIR CUDAToolkit_INCLUDE_DIRS)
if(Nvimgcodec_FOUND AND NOT TARGET Nvimgcodec::nvimgcodec)
  get_filename_component(_hs_nvimg_libdir "${NVIMGCODEC_LIBRARY}" DIRECTORY)
  set(NVIMGCODEC_EXTENSIONS_DIR "${_hs_nvimg_libdir}/extensions")
  add_library(Nvimgcodec::nvimgcodec UNKNOWN IMPORTED)
  set_target_properties(Nvimgcodec::nvimgcodec PROPERTIES
    IMPORTED_LOCATION "${NVIMGCODEC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${NVIMGCODEC_INCLUDE_DIR};${CUDAToolkit_INCLUDE_DIRS}")
endif()
mark_as_advanced(NVIMGCODEC_INCLUDE_DIR NVIMGCODEC_LIBRARY)
