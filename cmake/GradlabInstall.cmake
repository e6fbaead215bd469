# Install headers, libraries and a relocatable package config, so an outside project can
#   find_package(gradlab CONFIG REQUIRED)  and link  gradlab::gradlab.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRADLAB_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/gradlab")

install(TARGETS gradlab gradlab_autodiff gradlab_losses gradlab_optim
        EXPORT gradlabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir autodiff losses optim)
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gradlab/${dir}
          FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(EXPORT gradlabTargets NAMESPACE gradlab:: DESTINATION ${GRADLAB_CMAKE_DIR})

configure_package_config_file(cmake/gradlabConfig.cmake.in
  "${PROJECT_BINARY_DIR}/gradlabConfig.cmake" INSTALL_DESTINATION ${GRADLAB_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/gradlabConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/gradlabConfig.cmake"
              "${PROJECT_BINARY_DIR}/gradlabConfigVersion.cmake"
        DESTINATION ${GRADLAB_CMAKE_DIR})
