include(GNUInstallDirs)  # CMAKE_INSTALL_INCLUDEDIR, used below

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

# Publishes the public headers of the folder `dir` as <gradlab/<name>/...>: every *.hpp there
# except *_internal.hpp and the ones listed in `private_headers`. Each is linked, file by file,
# into ${GRADLAB_BUILD_INCLUDE_DIR}/gradlab/<name>/, so the build tree can include exactly what an
# install can; the list is kept on `target` (GRADLAB_PUBLIC_HEADERS) for GradlabInstall.cmake.
function(gradlab_publish_headers target name dir private_headers)
  file(GLOB headers CONFIGURE_DEPENDS "${dir}/*.hpp")
  list(FILTER headers EXCLUDE REGEX "_internal\\.hpp$")
  foreach(private ${private_headers})
    list(REMOVE_ITEM headers "${dir}/${private}")
  endforeach()
  set(out "${GRADLAB_BUILD_INCLUDE_DIR}/gradlab/${name}")
  file(REMOVE_RECURSE "${out}")  # a real directory of links: drops links to renamed headers
  file(MAKE_DIRECTORY "${out}")
  foreach(header ${headers})
    get_filename_component(file "${header}" NAME)
    file(CREATE_LINK "${header}" "${out}/${file}" SYMBOLIC)
  endforeach()
  set_target_properties(${target} PROPERTIES GRADLAB_PUBLIC_HEADERS "${headers}")
  target_include_directories(${target} ${ARGN}
    $<BUILD_INTERFACE:${GRADLAB_BUILD_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endfunction()

# Creates a gradlab library: gradlab_<name>, alias gradlab::<name>, exported as gradlab::<name>,
# from the current folder's SOURCES. DEPENDS are public link dependencies (their headers appear
# in this library's public headers), PRIVATE_DEPENDS only its sources'. PRIVATE_HEADERS names
# headers of the folder that are neither published nor installed (besides *_internal.hpp).
function(gradlab_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS;PRIVATE_HEADERS" ${ARGN})
  add_library(gradlab_${name} ${ARG_SOURCES})
  add_library(gradlab::${name} ALIAS gradlab_${name})
  set_target_properties(gradlab_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  gradlab_publish_headers(gradlab_${name} ${name} "${CMAKE_CURRENT_SOURCE_DIR}" "${ARG_PRIVATE_HEADERS}" PUBLIC)
  target_link_libraries(gradlab_${name} PUBLIC ${ARG_DEPENDS}
    PRIVATE ${ARG_PRIVATE_DEPENDS} $<BUILD_INTERFACE:gradlab_options>)
  target_compile_features(gradlab_${name} PUBLIC cxx_std_17)
endfunction()
