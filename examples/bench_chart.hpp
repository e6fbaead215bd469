/// \file bench_chart.hpp
/// \brief The benchmark table, drawn: reading bench/compare's output and drawing its medians
/// (bench_chart.cpp).
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace gradlab::examples {

/// One row of the table `bench/compare` prints: a workload under one implementation and thread
/// count, as medians in milliseconds.
struct BenchRow {
    std::string workload;         ///< "svm loss + dL/dW, dL/db", "softmax loss + dL/dW, dL/db"
    std::string implementation;   ///< "gradlab fused", "numpy", "PyTorch autograd", ...
    unsigned threads = 0;         ///< 1 or 2
    double real_ms = 0.0;         ///< wall-clock median
    double cpu_ms = 0.0;          ///< whole-process CPU-time median
};

/// The workload rows of bench/compare's table (its lines `| svm loss ... |` and
/// `| softmax loss ... |`), and the floor (`| bound | floor: ... |`, NaN when absent).
struct BenchTable {
    std::vector<BenchRow> rows;  ///< in the table's order
    double floor_ms = 0.0;       ///< the workload's FLOPs at the square-dgemm rate
};

/// Reads bench/compare's printed output. Throws ValueError naming the line when a workload row has
/// too few cells or a cell that is not a number, and when there is no workload row at all.
BenchTable parse_compare_table(std::istream& in);

/// Options of run_bench_chart().
struct BenchChartOptions {
    std::string table;             ///< a file holding bench/compare's output
    std::string out_dir = ".";     ///< where bench_medians.{png,svg} go
    std::ostream* out = nullptr;
};

/// What run_bench_chart() read and drew.
struct BenchChartResult {
    BenchTable table;
    /// Per workload and implementation, the best real-time median over the thread counts, as
    /// drawn: best[w][i] for workload w and implementation i (NaN: not in the table).
    std::vector<std::string> workloads;
    std::vector<std::string> implementations;
    std::vector<std::vector<double>> best_ms;
    std::vector<std::string> figures;  ///< images drawn (empty without gnuplot)
};

/// Draws bench/compare's medians as grouped bars, one group per workload, with the floor
/// (bench_chart.cpp).
BenchChartResult run_bench_chart(const BenchChartOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if an
/// error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int bench_chart_main(int argc, char** argv);

}  // namespace gradlab::examples
