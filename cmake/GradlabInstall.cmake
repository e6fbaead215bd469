# Install the public headers, the libraries and a relocatable package config, so an outside
# project can  find_package(gradlab CONFIG REQUIRED)  and link  gradlab::gradlab  (and, where
# Catch2 v2 is installed,  gradlab::testing ). Internal headers (*_internal.hpp and each library's
# PRIVATE_HEADERS) are not installed.
include(CMakePackageConfigHelpers)

set(GRADLAB_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/gradlab")

install(TARGETS gradlab gradlab_autodiff gradlab_losses gradlab_optim
        EXPORT gradlabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(lib autodiff losses optim)
  get_target_property(headers gradlab_${lib} GRADLAB_PUBLIC_HEADERS)
  install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gradlab/${lib})
endforeach()
install(EXPORT gradlabTargets NAMESPACE gradlab:: DESTINATION ${GRADLAB_CMAKE_DIR})

# gradlab::testing in its own export set, so that the package needs Catch2 only for that target.
if(TARGET gradlab_testing)
  install(TARGETS gradlab_testing EXPORT gradlabTestingTargets)
  get_target_property(headers gradlab_testing GRADLAB_PUBLIC_HEADERS)
  install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gradlab/testing)
  install(EXPORT gradlabTestingTargets NAMESPACE gradlab:: DESTINATION ${GRADLAB_CMAKE_DIR})
endif()

configure_package_config_file(cmake/gradlabConfig.cmake.in
  "${PROJECT_BINARY_DIR}/gradlabConfig.cmake" INSTALL_DESTINATION ${GRADLAB_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/gradlabConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/gradlabConfig.cmake"
              "${PROJECT_BINARY_DIR}/gradlabConfigVersion.cmake"
        DESTINATION ${GRADLAB_CMAKE_DIR})
