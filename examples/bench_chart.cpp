// The benchmark table, drawn: bench/compare's medians as bars.
//
// bench/compare (issue 15) prints one Markdown table of medians: gradlab's fused kernels, the same
// fused op on the tape, the loss composed from tape ops, numpy and PyTorch, each at 1 and 2
// threads, and the bounds of the machine. This program reads that table and draws, for each
// workload, the best real-time median of each implementation next to the floor -- the workload's
// FLOPs at the machine's square-dgemm rate -- so the distance to the hardware and to the peers
// can be read at a glance. The docs build draws it from the table it printed on the results page.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "bench_chart.hpp"

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

// The cells of one Markdown table line "| a | b | c |", trimmed.
std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line.substr(line.find('|') + 1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
        const auto b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
        out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (!out.empty() && out.back().empty() && line.rfind('|') == line.find_last_not_of(" \r")) out.pop_back();
    return out;
}

double milliseconds(const std::string& cell, std::size_t line_no, const std::string& line) {
    std::size_t used = 0;
    double v = std::numeric_limits<double>::quiet_NaN();
    try {
        v = std::stod(cell, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != cell.size() || !std::isfinite(v))
        throw ValueError(fmt::format("bench_chart: line {}: '{}' is not a time in ms: {}", line_no, cell, line));
    return v;
}

}  // namespace

BenchTable parse_compare_table(std::istream& in) {
    BenchTable t;
    t.floor_ms = std::numeric_limits<double>::quiet_NaN();
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (line.rfind("| svm loss", 0) == 0 || line.rfind("| softmax loss", 0) == 0) {
            const std::vector<std::string> c = cells(line);
            if (c.size() < 5)
                throw ValueError(fmt::format("bench_chart: line {}: a workload row needs 5 cells (workload, "
                                             "implementation, threads, real ms, cpu ms), got {}: {}",
                                             n, c.size(), line));
            t.rows.push_back({c[0], c[1], static_cast<unsigned>(milliseconds(c[2], n, line)),
                              milliseconds(c[3], n, line), milliseconds(c[4], n, line)});
        } else if (line.rfind("| bound | floor:", 0) == 0) {
            const std::vector<std::string> c = cells(line);
            if (c.size() >= 4) t.floor_ms = milliseconds(c[3], n, line);
        }
    }
    if (t.rows.empty())
        throw ValueError("bench_chart: no '| svm loss' or '| softmax loss' row: is this bench/compare's output?");
    return t;
}

BenchChartResult run_bench_chart(const BenchChartOptions& o) {
    std::ostream& out = output(o.out);
    std::ifstream file(o.table);
    if (!file) throw IoError(fmt::format("bench_chart: cannot read the table '{}'", o.table));
    BenchChartResult r;
    r.table = parse_compare_table(file);

    // [best-of-threads]
    // Groups: the workloads; bars: each implementation's best median over the thread counts.
    for (const BenchRow& row : r.table.rows) {
        if (std::find(r.workloads.begin(), r.workloads.end(), row.workload) == r.workloads.end())
            r.workloads.push_back(row.workload);
        if (std::find(r.implementations.begin(), r.implementations.end(), row.implementation) ==
            r.implementations.end())
            r.implementations.push_back(row.implementation);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.best_ms.assign(r.workloads.size(), std::vector<double>(r.implementations.size(), nan));
    for (const BenchRow& row : r.table.rows) {
        const std::size_t w = std::find(r.workloads.begin(), r.workloads.end(), row.workload) - r.workloads.begin();
        const std::size_t i = std::find(r.implementations.begin(), r.implementations.end(), row.implementation) -
                              r.implementations.begin();
        double& best = r.best_ms[w][i];
        if (std::isnan(best) || row.real_ms < best) best = row.real_ms;
    }
    // [best-of-threads]

    fmt::print(out, "best real-time median per implementation (ms, over 1 and 2 threads):\n");
    for (std::size_t w = 0; w < r.workloads.size(); ++w) {
        fmt::print(out, "  {}\n", r.workloads[w]);
        for (std::size_t i = 0; i < r.implementations.size(); ++i)
            if (!std::isnan(r.best_ms[w][i]))
                fmt::print(out, "    {:<28} {:>9.2f}\n", r.implementations[i], r.best_ms[w][i]);
    }
    if (!std::isnan(r.table.floor_ms)) fmt::print(out, "  floor (FLOPs at the square-dgemm rate): {:.2f} ms\n", r.table.floor_ms);

    plot::BarChart chart;
    chart.title = "Loss + gradient through X W (N = 5000, D = 3073, C = 10): medians, best thread setting";
    chart.y_label = "milliseconds (lower is faster)";
    for (const std::string& w : r.workloads) chart.categories.push_back(w.substr(0, w.find(" +")));
    for (std::size_t i = 0; i < r.implementations.size(); ++i) {
        plot::BarSeries s{r.implementations[i], {}};
        for (std::size_t w = 0; w < r.workloads.size(); ++w) s.values.push_back(r.best_ms[w][i]);
        chart.series.push_back(s);
    }
    if (!std::isnan(r.table.floor_ms))
        chart.series.push_back({"floor: the FLOPs at the square-dgemm rate",
                                std::vector<double>(r.workloads.size(), r.table.floor_ms)});
    const plot::FigureFiles f = plot::write_figure(chart, o.out_dir, "bench_medians");
    r.figures = f.images;
    fmt::print(out, "{}\n", f.images.empty() ? f.message : "drew " + f.images.front() + " and " + f.images.back());
    return r;
}

int bench_chart_main(int argc, char** argv) {
    BenchChartOptions o;
    Flags app("bench_chart",
              "Draws the medians of bench/compare's table (save its output to a file first: "
              "bench/compare > table.txt) as bars, each implementation at its best thread setting, "
              "next to the floor.");
    app.add_option("table", o.table, "file holding bench/compare's output")->required();
    app.add_option("--out", o.out_dir, "existing directory for bench_medians.png and .svg");
    return run_program_main(app, argc, argv, [&] {
        run_bench_chart(o);
        return 0;
    });
}

}  // namespace gradlab::examples
