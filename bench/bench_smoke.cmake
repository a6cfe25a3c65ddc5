# Registers every Google Benchmark executable of bench/ as a ctest smoke entry: one short run at
# the suites' tiny sizes (HASHSIEVE_BENCH_TINY=1), so a benchmark that crashes or throws fails
# the tests. No time is asserted. Deferred to the end of bench/CMakeLists.txt, so benchmarks
# added below the include() are registered too. Each binary gets a cpu entry (its cases not named
# *Cuda*) and a gpu entry (the *Cuda* cases).
function(hs_register_bench_smokes)
  if(NOT HASHSIEVE_TESTS)
    return()
  endif()
  get_property(targets DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "EXECUTABLE")
      continue()
    endif()
    # One entry per label: the CPU cases, and the *Cuda* cases (run_bench_smoke.sh filters).
    foreach(label cpu gpu)
      set(name bench_smoke_${target}_${label})
      add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_bench_smoke.sh ${label}
                                    $<TARGET_FILE:${target}>)
      set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 120)
    endforeach()
  endforeach()
endfunction()
cmake_language(DEFER CALL hs_register_bench_smokes)
