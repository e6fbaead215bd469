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

# The machine: CPU, OS, compiler, and the kernel OpenBLAS picked (page Pitfalls, page Results).
set(machine "${GRADLAB_DOCS_GENERATED}/output/machine.txt")
add_custom_command(OUTPUT "${machine}"
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/describe_machine.py" "$<TARGET_FILE:tour>"
          "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}" "${machine}"
  DEPENDS tour "${CMAKE_CURRENT_SOURCE_DIR}/describe_machine.py"
  VERBATIM)
list(APPEND GRADLAB_DOCS_PRODUCTS "${machine}")

# A short run of the composed-versus-fused loss benchmark (medians of 3 short repetitions: rough,
# but measured by this build). Without the benchmarks the page says so instead.
set(bench "${GRADLAB_DOCS_GENERATED}/output/bench_losses.txt")
if(TARGET losses_bench)
  gradlab_docs_run(NAME bench_losses_run PROGRAM losses_bench
                   ARGS "--benchmark_filter=ThroughW/.*/N:500$" --benchmark_min_time=0.05
                        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
  gradlab_docs_section(bench_losses OF bench_losses_run FROM "---" KEEP "^(Benchmark|BM_.*_median)")
else()
  add_custom_command(OUTPUT "${bench}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${bench}" -P "${CMAKE_CURRENT_SOURCE_DIR}/no_bench.cmake"
    VERBATIM)
  list(APPEND GRADLAB_DOCS_PRODUCTS "${bench}")
endif()

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
