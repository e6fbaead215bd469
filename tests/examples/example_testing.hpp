// Shared by the examples' tests: hermetic data options, whether the real Fashion-MNIST files are
// installed, how a test that cannot run says so, and a figure's data file read back.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/experiment.hpp"
#include "support/datasets.hpp"

/// Ends the running test as *skipped*: ctest marks a test whose output matches "SKIPPED:" as
/// skipped, not passed (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt). For tests that need
/// a dataset or a program that may be missing.
#define EXAMPLES_SKIP(reason)              \
    do {                                   \
        WARN("SKIPPED: " << reason);       \
        return;                            \
    } while (false)

namespace examples_testing {

/// Synthetic blobs: instant and the same everywhere.
inline gradlab::examples::DataOptions blobs(std::size_t n_train = 300, std::size_t n_test = 200) {
    gradlab::examples::DataOptions d;
    d.source = gradlab::examples::DataSource::Blobs;
    d.n_train = n_train;
    d.n_test = n_test;
    return d;
}

/// True if the Fashion-MNIST files the loader reads by default are there.
inline bool have_fashion_mnist() {
    return std::filesystem::exists(std::filesystem::path(gradlab::data::fashion_mnist_dir()) /
                                   "train-images-idx3-ubyte.gz");
}

/// A figure's data file (plot::write_figure) read back: its blocks (each ended by two blank lines),
/// each as its non-empty lines split into whitespace-separated fields (a quoted label is one field).
inline std::vector<std::vector<std::vector<std::string>>> figure_blocks(const std::string& text) {
    std::vector<std::vector<std::vector<std::string>>> out(1);
    std::istringstream in(text);
    std::string line;
    int blank = 0;
    while (std::getline(in, line)) {
        if (line.empty()) {
            if (++blank == 2) out.emplace_back();
            continue;
        }
        blank = 0;
        std::vector<std::string> fields;
        std::istringstream ls(line);
        std::string f;
        while (ls >> f) {
            if (f.front() == '"')
                while (f.back() != '"' || f.size() == 1) {
                    std::string more;
                    if (!(ls >> more)) break;
                    f += " " + more;
                }
            fields.push_back(f);
        }
        out.back().push_back(fields);
    }
    while (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

}  // namespace examples_testing
