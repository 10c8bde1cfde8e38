# gpulet_test(NAME SOURCES a.cc ... DEPS lib ... [LABELS l ...] [ENV K=V ...]
#             [TEST_PREFIX p])
#
# One GoogleTest binary; each test case becomes its own ctest entry. Under
# GPULET_SANITIZE=thread only tests labelled "concurrency" are built, since
# ThreadSanitizer is there to check the concurrency stress tests.
function(gpulet_test name)
  cmake_parse_arguments(T "" "TEST_PREFIX" "SOURCES;DEPS;LABELS;ENV" ${ARGN})
  if(GPULET_SANITIZE STREQUAL "thread" AND NOT "concurrency" IN_LIST T_LABELS)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} gpulet_test_main)
  set_property(GLOBAL APPEND PROPERTY GPULET_TEST_TARGETS ${name})
  set(props "")
  if(T_LABELS)
    list(APPEND props LABELS "${T_LABELS}")
  endif()
  if(T_ENV)
    list(APPEND props ENVIRONMENT "${T_ENV}")
  endif()
  gtest_discover_tests(${name}
    TEST_PREFIX "${T_TEST_PREFIX}"
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT 300 ${props})
endfunction()

# gpulet_library(NAME SOURCES a.cc ... DEPS lib ...)
function(gpulet_library name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${L_DEPS})
endfunction()
