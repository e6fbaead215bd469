# cmake -P script: install, check the installed header set, configure the consumer against the
# install, build it, run it (and its Catch2 tests through gradlab::testing, when EXPECT_TESTING).
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${GRADLAB_BINARY_DIR}" --prefix "${prefix}")

# Only public headers are installed: the internal ones stay in the source tree, and the Catch2
# matcher is installed only as part of gradlab::testing.
set(inc "${prefix}/include/gradlab")
foreach(public autodiff/tape.hpp autodiff/grads.hpp autodiff/random.hpp autodiff/tensor_io.hpp
               losses/svm.hpp optim/sgd.hpp)
  if(NOT EXISTS "${inc}/${public}")
    message(FATAL_ERROR "public header ${public} was not installed")
  endif()
endforeach()
foreach(private autodiff/ops_internal.hpp autodiff/gradcheck_probe.hpp autodiff/gradcheck_catch.hpp
                losses/validate_internal.hpp)
  if(EXISTS "${inc}/${private}")
    message(FATAL_ERROR "internal header ${private} was installed")
  endif()
endforeach()
if(EXPECT_TESTING AND NOT EXISTS "${inc}/testing/gradcheck_catch.hpp")
  message(FATAL_ERROR "gradlab::testing's header testing/gradcheck_catch.hpp was not installed")
endif()

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/build"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}"
    "-DGRADLAB_EXPECT_TESTING=${EXPECT_TESTING}"
    "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
if(EXPECT_TESTING)
  run("${WORK_DIR}/build/consumer_tests")
endif()
