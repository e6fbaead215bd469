// Shared by the examples' tests: hermetic data options, temporary directories, whether the real
// Fashion-MNIST files are installed, and how a test that cannot run says so.
#pragma once

#include <filesystem>
#include <random>
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

/// A fresh empty directory under the system's temporary directory, removed on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& tag) {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("gradlab-" + tag + "-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace examples_testing
