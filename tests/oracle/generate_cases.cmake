# ctest fixture step: runs make_oracle_cases.py (it skips work when its outputs are up to date).
# Inputs: SOURCE_DIR, OUT_DIR, DEFAULT_CORPUS; environment HASHSIEVE_PYTHON, HASHSIEVE_CORPUS.
# A missing venv or oracle package is not an error here: the gtest then skips with a message.
if(DEFINED ENV{HASHSIEVE_PYTHON} AND NOT "$ENV{HASHSIEVE_PYTHON}" STREQUAL "")
  set(python "$ENV{HASHSIEVE_PYTHON}")
else()
  set(python "${SOURCE_DIR}/.venv/bin/python")
endif()
if(DEFINED ENV{HASHSIEVE_CORPUS} AND NOT "$ENV{HASHSIEVE_CORPUS}" STREQUAL "")
  set(corpus "$ENV{HASHSIEVE_CORPUS}")
else()
  set(corpus "${DEFAULT_CORPUS}")
endif()

if(NOT EXISTS "${python}")
  message(STATUS "oracle: no python at ${python} (set HASHSIEVE_PYTHON); cases not generated, "
                 "test_oracle_pdq_phash will skip")
  return()
endif()
execute_process(COMMAND "${python}" -c "import pdqhash, imagehash, PIL, numpy, scipy"
                RESULT_VARIABLE have_oracles OUTPUT_QUIET ERROR_QUIET)
if(NOT have_oracles EQUAL 0)
  message(STATUS "oracle: ${python} lacks pdqhash/imagehash/Pillow/numpy/scipy; cases not "
                 "generated, test_oracle_pdq_phash will skip")
  return()
endif()
execute_process(COMMAND "${python}" "${SOURCE_DIR}/tests/oracle/make_oracle_cases.py" "${OUT_DIR}"
                        --corpus "${corpus}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "oracle: make_oracle_cases.py failed (${rc})")
endif()
