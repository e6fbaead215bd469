/// \file experiment.hpp
/// \brief The types several experiments' headers share: where the examples come from
/// (DataOptions) and what one of the notes' three strategies reached (StrategyResult).
///
/// Each experiment is one file, examples/<name>.cpp, read top to bottom: the notes' section it
/// retells, the experiment function, and its program's body with the flags. Its options and
/// result, the types the tour and the tests need to call it, are in examples/<name>.hpp beside it.
/// No xtensor in this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gradlab::examples {

/// Where an experiment's examples come from.
enum class DataSource {
    FashionMnist,  ///< Debian's dataset-fashion-mnist (28x28 grey images, 10 classes)
    Cifar10,       ///< CIFAR-10's binary files, for the notes' own numbers (needs `dir`)
    Blobs,         ///< Gaussian blobs: synthetic, instant, no files (tests and smoke runs)
};

/// "fashion-mnist", "cifar-10" or "blobs".
std::string to_string(DataSource source);

/// Parses the names to_string() gives; throws gradlab::ValueError for anything else.
DataSource parse_data_source(const std::string& name);

/// Which examples to load. Features are raw (pixels 0..255, as the notes' strategies use them);
/// each experiment states the preprocessing it applies on top.
struct DataOptions {
    DataSource source = DataSource::FashionMnist;
    std::string dir;             ///< dataset directory; empty: the loader's default
    std::size_t n_train = 5000;  ///< training examples (the first ones); 0 = the whole split
    std::size_t n_test = 10000;  ///< test examples; 0 = the whole split
    /// Blobs only: the generator's seed, the dimension and the spread of each blob.
    std::uint64_t blobs_seed = 7;
    std::size_t blobs_dims = 20;
    double blobs_stddev = 3.0;
};

/// What one strategy reached. Accuracies are fractions in [0, 1].
struct StrategyResult {
    std::string strategy;             ///< "random search", "random local search", "gradient descent"
    double initial_loss = 0.0;        ///< the first loss evaluated
    double best_loss = 0.0;           ///< the lowest training loss reached
    double train_accuracy = 0.0;      ///< accuracy of the best W on the training examples
    double test_accuracy = 0.0;       ///< accuracy of the best W on the test examples
    std::size_t evaluations = 0;      ///< loss evaluations used (a gradient counts as one)
    std::size_t accepted = 0;         ///< candidates that improved the best
    double seconds = 0.0;             ///< wall time of the search itself
    std::vector<double> best_so_far;  ///< running best loss, one entry per evaluation
};

}  // namespace gradlab::examples
