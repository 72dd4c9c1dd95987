# onus_add_module(NAME name SRCS a.cc b.cc DEPS onus::core ... [PUBLIC_DEPS ...])
#   Builds static library onus_<name> with alias onus::<name>; include/ is its public surface.
# onus_add_test(NAME name SRCS x_test.cc DEPS ... [LABELS unit|integration|slow])
#   One GoogleTest executable registered with ctest (per-test discovery) with the given labels.

set(ONUS_WARNINGS -Wall -Wextra -Werror -Wno-error=deprecated-declarations)

if(ONUS_SANITIZE)
  string(REPLACE "," ";" _onus_san_list "${ONUS_SANITIZE}")
  foreach(_s IN LISTS _onus_san_list)
    add_compile_options(-fsanitize=${_s})
    add_link_options(-fsanitize=${_s})
  endforeach()
  add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fno-sanitize-recover=all)
endif()

function(onus_add_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(M_SRCS)
    add_library(onus_${M_NAME} STATIC ${M_SRCS})
    target_include_directories(onus_${M_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                               PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(onus_${M_NAME} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
    target_compile_options(onus_${M_NAME} PRIVATE ${ONUS_WARNINGS})
  else()
    add_library(onus_${M_NAME} INTERFACE)
    target_include_directories(onus_${M_NAME} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(onus_${M_NAME} INTERFACE ${M_DEPS})
  endif()
  add_library(onus::${M_NAME} ALIAS onus_${M_NAME})
endfunction()

include(GoogleTest OPTIONAL RESULT_VARIABLE _onus_gtest_module)

function(onus_add_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT ONUS_BUILD_TESTS)
    # Declared but never built or registered, so module files may still configure the target.
    add_executable(${T_NAME} EXCLUDE_FROM_ALL ${T_SRCS})
  else()
    add_executable(${T_NAME} ${T_SRCS})
  endif()
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_options(${T_NAME} PRIVATE ${ONUS_WARNINGS})
  target_compile_definitions(${T_NAME} PRIVATE
    ONUS_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    ONUS_SHARED_DIR="${ONUS_SHARED_DIR}"
    ONUS_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(NOT ONUS_BUILD_TESTS)
    return()
  endif()
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

# onus_add_fuzzer(NAME name SRCS x_fuzz.cc DEPS ... CORPUS dir)
#   With ONUS_FUZZ (clang): a libFuzzer binary. Always: a replay driver that runs every corpus file
#   through the target, registered as a ctest (label fuzz-replay), so CI exercises the corpus.
function(onus_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SRCS;DEPS" ${ARGN})
  if(ONUS_FUZZ)
    add_executable(${F_NAME} ${F_SRCS})
    target_link_libraries(${F_NAME} PRIVATE ${F_DEPS})
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  endif()
  if(ONUS_BUILD_TESTS)
    add_executable(${F_NAME}_replay ${F_SRCS} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cc)
    target_link_libraries(${F_NAME}_replay PRIVATE ${F_DEPS})
    target_compile_options(${F_NAME}_replay PRIVATE ${ONUS_WARNINGS})
    add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay ${F_CORPUS})
    set_tests_properties(${F_NAME}_replay PROPERTIES LABELS "fuzz-replay;unit")
  endif()
endfunction()

# onus_add_glob_module(NAME name DEPS ...)
#   A module whose sources are src/**/*.cc (+ feeds/**/*.cc, minus *_test.cc) and whose tests are
#   tests/*_test.cc and feeds/**/*_test.cc, picked up by glob so adding a file edits no list.
function(onus_add_glob_module)
  cmake_parse_arguments(G "" "NAME" "DEPS" ${ARGN})
  set(_dir ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${_dir}/src/*.cc)
  if(EXISTS ${_dir}/feeds)
    file(GLOB_RECURSE _feed_srcs CONFIGURE_DEPENDS ${_dir}/feeds/*.cc)
    list(FILTER _feed_srcs EXCLUDE REGEX "_test\\.cc$")
    list(APPEND _srcs ${_feed_srcs})
  endif()
  onus_add_module(NAME ${G_NAME} SRCS ${_srcs} DEPS ${G_DEPS})
  file(GLOB_RECURSE _tests CONFIGURE_DEPENDS ${_dir}/tests/*_test.cc ${_dir}/feeds/*_test.cc)
  if(_tests)
    onus_add_test(NAME ${G_NAME}_tests SRCS ${_tests} DEPS onus::${G_NAME} LABELS unit)
    target_include_directories(${G_NAME}_tests PRIVATE ${_dir}/src)
  endif()
endfunction()
