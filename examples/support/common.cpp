// Shared helpers of the experiments: data loading, the strategies' SVM problem, output.
#include "common.hpp"

#include <algorithm>
#include <iostream>
#include <limits>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor-blas/xlinalg.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/svm.hpp>

namespace gradlab::examples {

std::ostream& output(std::ostream* out) { return out != nullptr ? *out : std::cout; }

std::string to_string(DataSource source) {
    switch (source) {
        case DataSource::FashionMnist: return "fashion-mnist";
        case DataSource::Cifar10: return "cifar-10";
        case DataSource::Blobs: return "blobs";
    }
    return "?";
}

DataSource parse_data_source(const std::string& name) {
    for (DataSource s : {DataSource::FashionMnist, DataSource::Cifar10, DataSource::Blobs})
        if (to_string(s) == name) return s;
    throw ValueError(fmt::format("data source: unknown '{}', expected fashion-mnist, cifar-10 or blobs",
                                 name));
}

TrainTest load_data(const DataOptions& o, std::ostream& out) {
    const auto limit = [](std::size_t n) { return n == 0 ? std::nullopt : std::optional<std::size_t>(n); };
    TrainTest d;
    switch (o.source) {
        case DataSource::FashionMnist:
            d.train = data::load_fashion_mnist(data::Split::train, limit(o.n_train), o.dir);
            d.test = data::load_fashion_mnist(data::Split::test, limit(o.n_test), o.dir);
            break;
        case DataSource::Cifar10:
            if (o.dir.empty())
                throw ValueError("cifar-10: give the directory holding data_batch_1.bin ... test_batch.bin");
            d.train = data::load_cifar10(o.dir, data::Split::train, limit(o.n_train));
            d.test = data::load_cifar10(o.dir, data::Split::test, limit(o.n_test));
            break;
        case DataSource::Blobs: {
            // 10 blobs in a box, wide enough to overlap a little: a linear classifier can do well
            // but not perfectly, so the strategies' accuracies differ visibly.
            // Checked before any arithmetic on them, so that no sum of sizes can wrap around.
            constexpr std::size_t kMaxBlobs = 10'000'000;
            if (o.n_train > kMaxBlobs || o.n_test > kMaxBlobs)
                throw ValueError(fmt::format("blobs: at most {} training and {} test examples, asked for {} and {}",
                                             kMaxBlobs, kMaxBlobs, o.n_train, o.n_test));
            const std::size_t n_train = o.n_train == 0 ? 5000 : o.n_train;
            const std::size_t n_test = o.n_test == 0 ? 1000 : o.n_test;
            const std::size_t classes = 10;
            const std::size_t per_class = (n_train + n_test + classes - 1) / classes;
            const data::Dataset all =
                data::make_blobs(classes, o.blobs_dims, per_class, o.blobs_stddev, o.blobs_seed);
            const data::TrainValidation split =
                data::train_validation_split(all, all.size() - n_train, o.blobs_seed + 1);
            d.train = split.train;
            d.test = split.validation.subset(0, n_test);
            break;
        }
    }
    fmt::print(out, "data: {}, {} training and {} test examples of {} features, {} classes\n",
               to_string(o.source), d.train.size(), d.test.size(), d.train.dims(), d.train.num_classes);
    return d;
}

SvmProblem::SvmProblem(const data::Dataset& train, const data::Dataset& test)
    : x_train_(std::make_shared<const Tensor>(losses::append_ones_column(train.x))),
      x_test_(losses::append_ones_column(test.x)),
      y_train_(train.y),
      y_test_(test.y),
      classes_(train.num_classes) {}

Shape SvmProblem::weight_shape() const { return {x_train_->shape()[1], classes_}; }

double SvmProblem::loss(const Tensor& w) const {
    const Tensor scores = xt::linalg::dot(*x_train_, w);
    return losses::svm_value(scores, y_train_);
}

double SvmProblem::loss_and_gradient(const Tensor& w, Tensor& grad) const {
    // The whole loss on a tape as one fused op: S = X W, the SVM loss and dL/dW = X^T dL/dS in one
    // pass over X (losses/linear_fused.hpp; equal to svm(matmul(X, W)) to 1e-12). X is shared
    // onto the tape, not copied.
    Tape tape;
    const Var wv = tape.variable(w, "W");
    const Var loss = losses::linear_svm(tape.constant(x_train_, "X"), wv, y_train_);
    tape.backward(loss);
    grad = wv.grad();
    return loss.value()();
}

double SvmProblem::train_accuracy(const Tensor& w) const {
    const Tensor scores = xt::linalg::dot(*x_train_, w);
    return losses::accuracy(scores, y_train_);
}

double SvmProblem::test_accuracy(const Tensor& w) const {
    const Tensor scores = xt::linalg::dot(x_test_, w);
    return losses::accuracy(scores, y_test_);
}

std::string format_duration(double s) {
    if (s >= 1.0) return fmt::format("{:.1f} s", s);
    if (s >= 10e-3) return fmt::format("{:.0f} ms", 1e3 * s);
    if (s >= 1e-3) return fmt::format("{:.1f} ms", 1e3 * s);
    if (s >= 10e-6) return fmt::format("{:.0f} us", 1e6 * s);
    if (s >= 1e-6) return fmt::format("{:.1f} us", 1e6 * s);
    return fmt::format("{:.0f} ns", 1e9 * s);
}

void require_at_least(const char* op, const char* what, std::size_t value, std::size_t min) {
    if (value < min) throw ValueError(fmt::format("{}: {} must be at least {}, got {}", op, what, min, value));
}

std::string percent(double fraction) { return fmt::format("{:.1f} %", 100.0 * fraction); }

AttemptPrinter::AttemptPrinter(std::ostream& out, const char* word, std::size_t first, std::size_t every)
    : out_(out), word_(word), first_(first), every_(every), best_(std::numeric_limits<double>::infinity()) {}

void AttemptPrinter::operator()(double loss) {
    best_ = std::min(best_, loss);
    if (k_ < first_ || (every_ > 0 && k_ % every_ == 0))
        fmt::print(out_, "{} {:4}: loss {:.6f}, best {:.6f}\n", word_, k_, loss, best_);
    ++k_;
}

StrategyResult finish_strategy(const char* name, const SvmProblem& problem, const optim::SearchResult& r,
                               double seconds, std::ostream& out) {
    StrategyResult s;
    s.strategy = name;
    s.initial_loss = r.losses.front();
    s.best_loss = r.best_loss;
    s.train_accuracy = problem.train_accuracy(r.best_w);
    s.test_accuracy = problem.test_accuracy(r.best_w);
    s.evaluations = r.losses.size();
    s.accepted = r.accepted;
    s.seconds = seconds;
    s.best_so_far = r.best_so_far;
    fmt::print(out,
               "{}: best loss {:.6f} (from {:.6f}) after {} loss evaluations in {}\n"
               "accuracy of the best W: {} on the training examples, {} on the test set\n\n",
               name, s.best_loss, s.initial_loss, s.evaluations, format_duration(seconds),
               percent(s.train_accuracy), percent(s.test_accuracy));
    return s;
}

}  // namespace gradlab::examples
