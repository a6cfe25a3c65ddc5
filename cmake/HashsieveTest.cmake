# hs_add_gtest(NAME SOURCES a.cpp... LIBS lib... LABELS cpu|gpu [TIMEOUT s])
# Registers one GoogleTest binary as one ctest entry, labelled so `ctest -L cpu|gpu` selects it.
function(hs_add_gtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE HASHSIEVE_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             HASHSIEVE_BINARY_DIR="${CMAKE_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
