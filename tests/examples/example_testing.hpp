// Shared by the examples' tests: hermetic data options, whether the real
// Fashion-MNIST files are installed, and how a test that cannot run says so.
#pragma once

#include <filesystem>
#include <string>

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

}  // namespace examples_testing
