#include "scores.hpp"

#include <algorithm>
#include <cmath>

#include <gradlab/autodiff/ops.hpp>

namespace gradlab::losses {

Var linear(const Var& x, const Var& w, const Var& b) {
    const Shape& sb = b.shape();
    if (w.shape().size() != 2)
        throw ShapeError(fmt::format("linear: W must be 2-D (D, C), got {}", shape_str(w.shape())));
    const std::size_t c = w.shape()[1];
    const bool ok = (sb.size() == 1 && sb[0] == c) || (sb.size() == 2 && sb[0] == 1 && sb[1] == c);
    if (!ok)
        throw ShapeError(fmt::format("linear: bias must have shape ({},) or (1, {}) for W {}, got {}",
                                     c, c, shape_str(w.shape()), shape_str(sb)));
    return linear(x, w) + b;  // b broadcasts over the rows; the tape sums its gradient back
}

Var linear(const Var& x, const Var& w) {
    if (x.shape().size() != 2 || w.shape().size() != 2 || x.shape()[1] != w.shape()[0])
        throw ShapeError(fmt::format("linear: expects x (N, D) and W (D, C), got x {} and W {}{}",
                                     shape_str(x.shape()), shape_str(w.shape()),
                                     x.shape().size() == 2 && w.shape().size() == 2 &&
                                             x.shape()[1] + 1 == w.shape()[0]
                                         ? " (W has one row more than x has columns: for the bias "
                                           "trick, pass append_ones_column(x))"
                                         : ""));
    return matmul(x, w);
}

Tensor append_ones_column(const Tensor& x) {
    if (x.dimension() != 2)
        throw ShapeError(fmt::format("append_ones_column: x must be 2-D (N, D), got {}", shape_str(x.shape())));
    const std::size_t n = x.shape()[0], d = x.shape()[1];
    Tensor out = Tensor::from_shape({n, d + 1});  // every element is written below
    for (std::size_t i = 0; i < n; ++i) {
        double* row = out.data() + i * (d + 1);
        std::copy_n(x.data() + i * d, d, row);
        row[d] = 1.0;
    }
    return out;
}

Tensor fold_bias(const Tensor& w, const Tensor& b) {
    if (w.dimension() != 2 || b.dimension() != 1 || b.shape()[0] != w.shape()[1])
        throw ShapeError(fmt::format("fold_bias: expects W (D, C) and b (C,), got W {} and b {}",
                                     shape_str(w.shape()), shape_str(b.shape())));
    const std::size_t d = w.shape()[0], c = w.shape()[1];
    Tensor out = zeros({d + 1, c});
    for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < c; ++j) out(i, j) = w(i, j);
    for (std::size_t j = 0; j < c; ++j) out(d, j) = b(j);
    return out;
}

Tensor random_normal(const Shape& shape, double stddev, std::uint64_t seed) {
    if (!std::isfinite(stddev) || stddev < 0.0)
        throw ValueError(fmt::format("random_normal: stddev must be finite and >= 0, got {}", stddev));
    RandomEngine rng(seed);
    Tensor out = randn(shape, rng);
    out *= stddev;
    return out;
}

namespace {
// Validates the constructor's arguments before the first member is built; returns the scale.
double checked_init(std::size_t inputs, std::size_t hidden, std::size_t classes, double weight_scale) {
    if (inputs == 0 || hidden == 0 || classes == 0)
        throw ValueError(fmt::format("TwoLayerNet: sizes must be positive, got inputs {}, hidden {}, classes {}",
                                     inputs, hidden, classes));
    if (!std::isfinite(weight_scale) || weight_scale < 0.0)
        throw ValueError(fmt::format("TwoLayerNet: weight_scale must be finite and >= 0, got {}", weight_scale));
    return weight_scale;
}
}  // namespace

TwoLayerNet::TwoLayerNet(std::size_t inputs, std::size_t hidden, std::size_t classes,
                         std::uint64_t seed, double weight_scale)
    : W1(random_normal({inputs, hidden}, checked_init(inputs, hidden, classes, weight_scale), seed), "W1"),
      b1(zeros({hidden}), "b1"),
      W2(random_normal({hidden, classes}, weight_scale, seed + 1), "W2"),
      b2(zeros({classes}), "b2") {}

TwoLayerNet::Watched TwoLayerNet::watch(Tape& tape) {
    return {tape.watch(W1), tape.watch(b1), tape.watch(W2), tape.watch(b2)};
}

Var TwoLayerNet::forward(const Watched& p, const Var& x) {
    Var hidden = relu(linear(x, p.W1, p.b1));  // (N, H): affine, then max(0, .)
    return linear(hidden, p.W2, p.b2);         // (N, C) class scores
}

Var TwoLayerNet::forward(Tape& tape, const Var& x) { return forward(watch(tape), x); }

std::vector<Parameter*> TwoLayerNet::parameters() { return {&W1, &b1, &W2, &b2}; }

}  // namespace gradlab::losses
