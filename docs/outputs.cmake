# What the tutorial pages show from running gradlab, produced at docs-build time (included by
# docs/CMakeLists.txt). One small run of the tour provides the pages' program output and the
# figures, so all pages show numbers from the same run; the sizes are the tour's smoke sizes
# (300 training examples, 40 loss evaluations per strategy, 2 epochs; about 3 s), on the
# Fashion-MNIST images that .ci/install-deps installs (Debian's dataset-fashion-mnist): on them
# the step-size sweep overshoots and explodes as in the notes, which the easily separated
# synthetic blobs never do. GRADLAB_DOCS_DATA=blobs runs everything without dataset files.
set(GRADLAB_DOCS_DATA "fashion-mnist" CACHE STRING "data the docs' example runs use: fashion-mnist or blobs")
set_property(CACHE GRADLAB_DOCS_DATA PROPERTY STRINGS fashion-mnist blobs)

gradlab_docs_run(NAME tour PROGRAM tour ARGS --smoke --data ${GRADLAB_DOCS_DATA} --out .
                 FIGURES strategies.png step_size_sweep.png tape_graph.dot)

# gradlab_docs_section(<name> FROM <text> [TO <text>] [KEEP <regex>] [OF <run>]): the part of a
# run's output (default: the tour's) between two headings, as generated/output/<name>.txt.
function(gradlab_docs_section name)
  cmake_parse_arguments(ARG "" "FROM;TO;KEEP;OF" "" ${ARGN})
  if(NOT ARG_OF)
    set(ARG_OF tour)
  endif()
  set(in "${GRADLAB_DOCS_GENERATED}/output/${ARG_OF}.txt")
  set(out "${GRADLAB_DOCS_GENERATED}/output/${name}.txt")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DIN=${in}" "-DOUT=${out}" "-DFROM=${ARG_FROM}" "-DTO=${ARG_TO}"
            "-DKEEP=${ARG_KEEP}" -P "${CMAKE_CURRENT_SOURCE_DIR}/extract.cmake"
    DEPENDS "${in}" "${CMAKE_CURRENT_SOURCE_DIR}/extract.cmake"
    VERBATIM)
  set(GRADLAB_DOCS_PRODUCTS ${GRADLAB_DOCS_PRODUCTS} "${out}" PARENT_SCOPE)
endfunction()

gradlab_docs_section(random_search FROM "== Strategy 1" TO "== Strategy 2")
gradlab_docs_section(random_local_search FROM "== Strategy 2" TO "== Following the gradient")
gradlab_docs_section(numerical_gradient FROM "== Following the gradient" TO "== Strategy 3")
gradlab_docs_section(gradient_descent FROM "== Strategy 3" TO "== Gradient check")
gradlab_docs_section(gradient_check_table FROM "== Gradient check" TO "A kink crossing")
gradlab_docs_section(gradient_check_kink FROM "A kink crossing" TO "== Write your own loss")
gradlab_docs_section(custom_loss FROM "== Write your own loss" TO "== The tape")
gradlab_docs_section(tape_graph FROM "== The tape" TO "== Minibatch training")
gradlab_docs_section(train FROM "== Minibatch training" TO "== Summary")
gradlab_docs_section(tour_summary FROM "== Summary")

# The numerical gradient's own figures (pages 4, 5 and 10): every entry of dL/dW numerical
# against analytic, and the step-size study's V in double and in float, on 20 images (~1 s).
gradlab_docs_run(NAME numerical_gradient_study PROGRAM numerical_gradient
                 ARGS --data ${GRADLAB_DOCS_DATA} --n-train 20 --study --figures .
                 FIGURES numerical_vs_analytic.png step_size_v.svg step_size_float.svg)
gradlab_docs_section(step_size_study OF numerical_gradient_study FROM "element W(")
gradlab_docs_section(numerical_vs_analytic OF numerical_gradient_study FROM "cost of one gradient" TO "drew ")

# Page 6: how the per-entry relative errors of full checks spread against the verdict bands, on a
# somewhat larger synthetic problem than the tour's (50 examples, 20 features, 5 classes; ~1 s).
gradlab_docs_run(NAME gradient_check_errors PROGRAM gradient_check
                 ARGS --n 50 --dims 20 --classes 5 --figures .
                 FIGURES check_errors.svg)
gradlab_docs_section(gradient_check_errors_table OF gradient_check_errors FROM "loss " TO "A kink crossing")

# Page 8: the new losses next to the multiclass SVM along one direction (custom_loss's own problem).
gradlab_docs_run(NAME custom_loss_slice PROGRAM custom_loss ARGS --figures . FIGURES own_loss_slice.svg)

# The machine: CPU, OS, compiler, and the kernel OpenBLAS picked (page Pitfalls, page Results).
set(machine "${GRADLAB_DOCS_GENERATED}/output/machine.txt")
add_custom_command(OUTPUT "${machine}"
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/describe_machine.py" "$<TARGET_FILE:tour>"
          "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}" "${machine}"
  DEPENDS tour "${CMAKE_CURRENT_SOURCE_DIR}/describe_machine.py"
  VERBATIM)
list(APPEND GRADLAB_DOCS_PRODUCTS "${machine}")

# Page 11's speed table: the one bench/compare prints (gradlab's benchmarks, the numpy and PyTorch
# peers where /usr/bin/python3 can import them, and the machine's bounds, at 1 and 2 threads), at
# a small setting that keeps it near a minute: one repetition, and without the two parts that take
# minutes (--skip train: ten epochs of Fashion-MNIST per implementation; --skip gd: the tour's
# 1000-step chapter). Where a peer is missing, compare's own "Skipped:" lines say so on the page.
set(compare "${GRADLAB_DOCS_GENERATED}/output/compare.txt")
if(TARGET fused_bench)
  set(GRADLAB_DOCS_COMPARE_ARGS --repetitions 1 --skip train --skip gd)
  set(compare_programs fused_bench)
  foreach(b gradcheck_bench libtorch_bench)
    if(TARGET ${b})
      list(APPEND compare_programs ${b})
    endif()
  endforeach()
  file(GLOB compare_peers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/bench/peers/*.py")
  string(REPLACE ";" " " shown "bench/compare ${GRADLAB_DOCS_COMPARE_ARGS}")
  add_custom_command(OUTPUT "${compare}"
    COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${compare}" "-DWORKDIR=${GRADLAB_DOCS_GENERATED}/figures"
            "-DSHOW_COMMAND=${shown}" -P "${CMAKE_CURRENT_SOURCE_DIR}/run_example.cmake"
            -- "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/bench/compare" ${GRADLAB_DOCS_COMPARE_ARGS}
               --build-dir "${PROJECT_BINARY_DIR}"
    DEPENDS ${compare_programs} "${PROJECT_SOURCE_DIR}/bench/compare" ${compare_peers}
            "${CMAKE_CURRENT_SOURCE_DIR}/run_example.cmake"
    COMMENT "docs: running ${shown} (about a minute)"
    VERBATIM)
  # The same medians as bars (page 11), drawn by the bench_chart example from that table.
  set(chart_text "${GRADLAB_DOCS_GENERATED}/output/bench_chart.txt")
  set(chart_figure "${GRADLAB_DOCS_GENERATED}/figures/bench_medians.svg")
  add_custom_command(OUTPUT "${chart_text}" "${chart_figure}"
    COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${chart_text}" "-DWORKDIR=${GRADLAB_DOCS_GENERATED}/figures"
            "-DFIGURES=bench_medians.svg" -P "${CMAKE_CURRENT_SOURCE_DIR}/run_example.cmake"
            -- "$<TARGET_FILE:bench_chart>" "${compare}" --out .
    DEPENDS bench_chart "${compare}" "${CMAKE_CURRENT_SOURCE_DIR}/run_example.cmake"
    COMMENT "docs: running bench_chart"
    VERBATIM)
  list(APPEND GRADLAB_DOCS_PRODUCTS "${chart_text}" "${chart_figure}")
else()
  add_custom_command(OUTPUT "${compare}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${compare}" -P "${CMAKE_CURRENT_SOURCE_DIR}/no_bench.cmake"
    VERBATIM)
endif()
list(APPEND GRADLAB_DOCS_PRODUCTS "${compare}")

# The loss landscapes (page 2; the step-size slice and the descent path on page 7): the landscape
# program at its small default size (500 examples, 41 x 41 grids), on the same data as the tour.
# Heat maps as PNG (an SVG of a heat map is one rectangle per cell), line plots as SVG.
if(TARGET landscape)
  gradlab_docs_run(NAME landscape PROGRAM landscape ARGS --data ${GRADLAB_DOCS_DATA} --out .
                   FIGURES svm_1d.svg softmax_1d.svg svm_2d_one.png svm_2d_mean.png softmax_2d_mean.png
                           svm_toy.svg svm_step_sizes.svg svm_trajectory.png)
endif()
if(TARGET landscape)
  gradlab_docs_section(landscape_summary OF landscape FROM "data:" TO "  ./svm_1d.dat")
endif()
