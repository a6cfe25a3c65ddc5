# The Python module (python/): needs a Python with development headers and nanobind. Under
# scikit-build-core (pip install / pip wheel) SKBUILD is set and Python is the building one;
# otherwise the repository's .venv (tools/deps.sh installs nanobind there) when it exists.
# Sets HASHSIEVE_HAVE_PYTHON. The module links the project's static libraries into a shared
# object, so every target is built position independent when it is on.
set(HASHSIEVE_HAVE_PYTHON OFF)
if(NOT DEFINED Python_EXECUTABLE AND NOT SKBUILD AND EXISTS ${PROJECT_SOURCE_DIR}/.venv/bin/python)
  set(Python_EXECUTABLE ${PROJECT_SOURCE_DIR}/.venv/bin/python)
endif()
find_package(Python 3.9 COMPONENTS Interpreter Development.Module)
if(Python_FOUND)
  execute_process(COMMAND ${Python_EXECUTABLE} -m nanobind --cmake_dir
                  OUTPUT_VARIABLE HS_NANOBIND_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE HS_NANOBIND_RC ERROR_QUIET)
  if(HS_NANOBIND_RC EQUAL 0 AND HS_NANOBIND_DIR)
    list(APPEND CMAKE_PREFIX_PATH ${HS_NANOBIND_DIR})
    find_package(nanobind CONFIG)
  endif()
endif()
if(nanobind_FOUND)
  set(HASHSIEVE_HAVE_PYTHON ON)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
endif()
message(STATUS "hashsieve: Python module ${HASHSIEVE_HAVE_PYTHON} (${Python_EXECUTABLE})")
