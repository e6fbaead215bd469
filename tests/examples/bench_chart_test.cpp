// bench_chart: reading bench/compare's table, and drawing its medians.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/autodiff/error.hpp>

#include "../support/scratch_dir.hpp"
#include "bench_chart.hpp"
#include "example_testing.hpp"
#include "support/plot.hpp"

using namespace gradlab::examples;

namespace {

// The shape of bench/compare's output: a header, workload rows, bounds, the floor, the targets.
const char* kTable =
    "OpenBLAS kernels (openblas_get_corename): gradlab Zen; gradlab fused kernel ISA: avx2\n"
    "| workload (N=5000, D=3073, C=10, double) | implementation | threads | real ms | cpu ms | ratio |\n"
    "|---|---|---|---|---|---|\n"
    "| svm loss + dL/dW, dL/db | gradlab fused | 1 | 25.8 | 25.8 | 1.00 |\n"
    "| svm loss + dL/dW, dL/db | gradlab fused | 2 | 14.4 | 26.2 | 1.00 |\n"
    "| svm loss + dL/dW, dL/db | numpy | 1 | 71.1 | 47.7 | 2.75 |\n"
    "| softmax loss + dL/dW, dL/db | gradlab fused | 1 | 27.9 | 27.9 | 1.00 |\n"
    "| softmax loss + dL/dW, dL/db | gradlab fused | 2 | 30.5 | 30.5 | 1.00 |\n"
    "| bound | X W (dgemm, 10 cols) | 1 | 29.5 | 22.7 | |\n"
    "| bound | floor: 614.6 MFLOP at the best square-dgemm rate (46.6 GFLOP/s) | | 13.19 | | |\n"
    "\nTargets (real-time medians of this run; best thread setting per implementation):\n"
    "- fused svm: 14.4 ms (2 thr) = 1.09x the floor 13.2 ms (target <= 2x): met\n"
    "\nSkipped:\n- PyTorch autograd: /usr/bin/python3 cannot import torch (apt-get install python3-torch)\n";

}  // namespace

TEST_CASE("bench_chart reads the workload rows and the floor of bench/compare's table") {
    std::istringstream in(kTable);
    const BenchTable t = parse_compare_table(in);
    REQUIRE(t.rows.size() == 5);  // the bound rows are not workloads
    CHECK(t.rows[0].workload == "svm loss + dL/dW, dL/db");
    CHECK(t.rows[0].implementation == "gradlab fused");
    CHECK(t.rows[1].threads == 2);
    CHECK(t.rows[1].real_ms == 14.4);
    CHECK(t.rows[2].cpu_ms == 47.7);
    CHECK(t.floor_ms == 13.19);
}

TEST_CASE("bench_chart draws each implementation at its best thread count, next to the floor") {
    test_support::ScratchDir dir("bench-chart");
    const std::string table = (dir.path() / "compare.txt").string();
    test_support::write_bytes(table, kTable);
    std::ostringstream out;
    const BenchChartResult r = run_bench_chart({table, dir.path().string(), &out});
    REQUIRE(r.workloads.size() == 2);
    REQUIRE(r.implementations == std::vector<std::string>{"gradlab fused", "numpy"});
    CHECK(r.best_ms[0][0] == 14.4);  // svm, fused: the 2-thread median is the better one
    CHECK(r.best_ms[0][1] == 71.1);
    CHECK(r.best_ms[1][0] == 27.9);  // softmax, fused: the 1-thread one
    CHECK(std::isnan(r.best_ms[1][1]));  // no numpy row for softmax: no bar
    if (gradlab::plot::gnuplot_available()) {
        CHECK(r.figures.size() == 2);
        CHECK(std::filesystem::file_size(dir.path() / "bench_medians.svg") > 1000);
    }
}

TEST_CASE("bench_chart refuses a file that is not bench/compare's output, naming the line") {
    std::istringstream none("(the benchmarks were not built: GRADLAB_BUILD_BENCH=OFF)\n");
    CHECK_THROWS_WITH(parse_compare_table(none), Catch::Contains("bench/compare's output"));
    std::istringstream bad("| svm loss + dL/dW, dL/db | numpy | 1 | fast | 47.7 | 2.75 |\n");
    CHECK_THROWS_AS(parse_compare_table(bad), gradlab::ValueError);
    std::istringstream bad2("| svm loss + dL/dW, dL/db | numpy | 1 | fast | 47.7 | 2.75 |\n");
    CHECK_THROWS_WITH(parse_compare_table(bad2), Catch::Contains("line 1") && Catch::Contains("'fast'"));
}
