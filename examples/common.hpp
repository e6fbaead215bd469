/// \file common.hpp
/// \brief What the experiments share (internal to the examples library): loading the data an
/// experiment asked for, the linear classifier's loss as the notes' strategies see it, timing,
/// and small output helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/autodiff/tensor.hpp>
#include <gradlab/losses/metrics.hpp>

#include "experiments.hpp"
#include "support/datasets.hpp"

namespace gradlab::examples {

/// The stream an experiment prints to: `*out`, or std::cout when it is null.
std::ostream& output(std::ostream* out);

/// A training and a test set.
struct TrainTest {
    data::Dataset train;
    data::Dataset test;
};

/// Loads what `options` asks for, raw (pixels 0..255; blobs as generated), and prints one line
/// saying what was loaded. For blobs, n_train + n_test points are drawn and split at random.
TrainTest load_data(const DataOptions& options, std::ostream& out);

/// Wall time since construction, in seconds.
class Stopwatch {
public:
    Stopwatch() : start_(std::chrono::steady_clock::now()) {}
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
};

/// The notes' setting for the three strategies: a linear classifier W (D + 1, C) on examples
/// that carry the bias trick's column of ones, scored by the multiclass SVM loss (no
/// regularization, as in the notes' search code).
class SvmProblem {
public:
    /// Appends the bias column to both sets' features.
    SvmProblem(const data::Dataset& train, const data::Dataset& test);

    /// Shape of W: (D + 1, C).
    Shape weight_shape() const;
    /// The SVM loss of W on the training examples.
    double loss(const Tensor& w) const;
    /// The loss and, into `grad`, its gradient dL/dW, from the tape: svm(matmul(X, W)) with the
    /// training examples X shared onto each step's tape, not copied.
    double loss_and_gradient(const Tensor& w, Tensor& grad) const;
    /// Accuracy of W on the training examples.
    double train_accuracy(const Tensor& w) const;
    /// Accuracy of W on the test examples.
    double test_accuracy(const Tensor& w) const;
    /// Training examples.
    std::size_t n_train() const { return y_train_.size(); }

private:
    std::shared_ptr<const Tensor> x_train_;  // read by every step's tape (Tape::constant shares it)
    Tensor x_test_;
    losses::Labels y_train_, y_test_;
    std::size_t classes_;
};

/// "12.3 %" for a fraction.
std::string percent(double fraction);

/// True if an executable called `program` is on the PATH.
bool program_on_path(const std::string& program);

/// Runs `argv` (argv[0] looked up on the PATH) without a shell and waits; returns its exit
/// status, or -1 if it could not be started or did not exit normally.
int run_program(const std::vector<std::string>& argv);

}  // namespace gradlab::examples
