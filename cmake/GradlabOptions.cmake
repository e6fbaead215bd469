# Compile options shared by every gradlab target, as one INTERFACE target.
add_library(gradlab_options INTERFACE)
target_compile_options(gradlab_options INTERFACE -Wall -Wextra -Wpedantic)
if(GRADLAB_SANITIZE)
  # Sanitizers apply to the whole build (libraries, tests, examples) so every TU is instrumented.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(XTENSOR_ENABLE_ASSERT)
endif()

if(GRADLAB_TSAN)
  # ThreadSanitizer for the whole build; it cannot be combined with ASan.
  if(GRADLAB_SANITIZE)
    message(FATAL_ERROR "GRADLAB_TSAN and GRADLAB_SANITIZE cannot be on together")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# Creates a gradlab library: gradlab_<name>, alias gradlab::<name>, exported as gradlab::<name>.
function(gradlab_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(gradlab_${name} ${ARG_SOURCES})
  add_library(gradlab::${name} ALIAS gradlab_${name})
  set_target_properties(gradlab_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(gradlab_${name} PUBLIC
    $<BUILD_INTERFACE:${GRADLAB_BUILD_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(gradlab_${name} PUBLIC ${ARG_DEPENDS} PRIVATE $<BUILD_INTERFACE:gradlab_options>)
  target_compile_features(gradlab_${name} PUBLIC cxx_std_17)
endfunction()
