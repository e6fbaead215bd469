/// \file common.hpp
/// \brief What several experiments share (internal to the examples): loading the data an
/// experiment asked for, the notes' SVM problem and the strategies' progress lines, timing, and
/// small output helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/autodiff/tensor.hpp>
#include <gradlab/losses/metrics.hpp>
#include <gradlab/optim/search.hpp>

#include "experiment.hpp"
#include "datasets.hpp"

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

/// Wraps a strategy's loss so that every evaluation prints the notes' "attempt k" line while the
/// search runs (the first `first` in full, then one every `every`), with the best loss so far.
class AttemptPrinter {
public:
    /// `word` starts each line ("attempt", "step").
    AttemptPrinter(std::ostream& out, const char* word, std::size_t first, std::size_t every);
    /// Reports the next evaluation's loss.
    void operator()(double loss);

private:
    std::ostream& out_;
    const char* word_;
    std::size_t first_, every_;
    std::size_t k_ = 0;
    double best_;
};

/// A strategy's result from its search, with the accuracies of the best W, printed as the
/// strategy's closing lines.
StrategyResult finish_strategy(const char* name, const SvmProblem& problem, const optim::SearchResult& r,
                               double seconds, std::ostream& out);

/// Throws ValueError "<op>: <what> must be at least <min>, got <value>" when value < min: the
/// experiments check their options before dividing by them or allocating for them.
void require_at_least(const char* op, const char* what, std::size_t value, std::size_t min);

/// A duration for people, three digits at most: "1.2 s", "35 ms", "4.1 ms", "120 us", "80 ns".
std::string format_duration(double seconds);

/// "12.3 %" for a fraction.
std::string percent(double fraction);

}  // namespace gradlab::examples
