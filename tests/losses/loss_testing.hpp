// Helpers shared by the losses tests: run a loss of one tensor on a fresh tape, with and without
// a gradient, so each test states only the loss it is about.
#pragma once

#include <functional>
#include <utility>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/scores.hpp>

namespace losses_testing {

using gradlab::Tensor;
using gradlab::Var;

/// A loss as a function of one input put on the tape, e.g. W or the scores themselves.
using LossOf = std::function<Var(const Var&)>;

struct ValueGrad {
    double value;
    Tensor grad;
};

/// The loss and its gradient from one forward and backward pass on a fresh tape.
inline ValueGrad value_and_grad(const LossOf& loss, const Tensor& x) {
    gradlab::Parameter p(x, "x");
    gradlab::Tape tape;
    const Var l = loss(tape.watch(p));
    tape.backward(l);
    return {l.value()(), p.grad};
}

/// The loss value alone (the input is a constant: fused ops skip their gradient work).
inline double value_of(const LossOf& loss, const Tensor& x) {
    gradlab::Tape tape;
    return loss(tape.constant(x)).value()();
}

/// f(x) for the gradient checker.
inline gradlab::ScalarFn as_function(LossOf loss) {
    return [loss = std::move(loss)](const Tensor& x) { return value_of(loss, x); };
}

/// Largest absolute elementwise difference of two same-shaped tensors.
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    double m = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a.flat(k) - b.flat(k)));
    return m;
}

/// An (n, 1) column ({{a}, {b}} is ambiguous to xtensor's initializer-list constructors).
inline Tensor column(const std::vector<double>& v) {
    Tensor t = gradlab::zeros({v.size(), 1});
    for (std::size_t i = 0; i < v.size(); ++i) t(i, 0) = v[i];
    return t;
}

/// A (1, n) row, for the same reason.
inline Tensor row(const std::vector<double>& v) {
    Tensor t = gradlab::zeros({1, v.size()});
    for (std::size_t j = 0; j < v.size(); ++j) t(0, j) = v[j];
    return t;
}

/// Deterministic test data: standard normals from a seed.
inline Tensor randn(const gradlab::Shape& shape, std::uint64_t seed, double stddev = 1.0) {
    return gradlab::losses::random_normal(shape, stddev, seed);
}

}  // namespace losses_testing
