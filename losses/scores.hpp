/// \file scores.hpp
/// \brief Score functions f(x; W): the linear classifier (with its bias two ways) and a two-layer
/// network.
///
/// **Layout.** gradlab stores a batch as rows: x is (N, D), one example per row, and the linear
/// score function is \f$ f(x; W, b) = xW + b \f$ with W of shape (D, C) and b of shape (C,). The
/// notes write the same thing per column vector, \f$ f(x_i) = W x_i + b \f$ with W of shape
/// (C, D); gradlab's W is that matrix transposed, so one matmul scores the whole batch.
///
/// **The bias, two ways.**
/// 1. As its own Parameter: linear(x, W, b). The bias is broadcast over the rows, and the tape
///    sums its gradient back over them: \f$ \partial L / \partial b = \sum_i \partial L / \partial s_i \f$.
/// 2. The notes' bias trick: append a constant 1 to every example (append_ones_column(), x
///    becomes (N, D+1)) and fold b into W as one extra row (fold_bias(), W becomes (D+1, C)).
///    Then \f$ [x\ 1] \begin{bmatrix} W \\ b \end{bmatrix} = xW + b \f$, and linear(x, W) is a
///    single matmul with a single parameter. Note that the regularizer then also sees b.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/autodiff/tape.hpp>

namespace gradlab::losses {

/// \f$ xW + b \f$: x (N, D), W (D, C), b (C,) or (1, C). Throws ShapeError for other shapes.
Var linear(const Var& x, const Var& w, const Var& b);

/// \f$ xW \f$ -- with the bias trick, x already ends in a column of ones and W's last row is b.
/// Throws ShapeError unless x is (N, D) and W is (D, C).
Var linear(const Var& x, const Var& w);

/// The bias trick's data side: (N, D) -> (N, D+1) with a last column of ones, so that the
/// scores \f$ xW + b \f$ become the one product \f$ [x\ 1]\,[W; b] \f$ (see fold_bias).
/// Throws ShapeError unless x is 2-D.
Tensor append_ones_column(const Tensor& x);

/// The bias trick's parameter side: W (D, C) and b (C,) -> (D+1, C) with b as the last row.
/// Throws ShapeError for other shapes.
Tensor fold_bias(const Tensor& w, const Tensor& b);

/// Normally distributed numbers with mean 0 and standard deviation `stddev`: `stddev` times
/// randn(shape) from a generator seeded with `seed` (autodiff/random.hpp's Box--Muller stream,
/// the same on every platform, where std::normal_distribution is not).
/// Throws ValueError for a negative or non-finite stddev.
Tensor random_normal(const Shape& shape, double stddev, std::uint64_t seed);

/// The "coming up" step of the notes: two affine maps with a ReLU between them,
/// \f$ f(x) = \max(0, xW_1 + b_1)\,W_2 + b_2 \f$. No longer convex in the weights, but the tape
/// differentiates it just the same.
struct TwoLayerNet {
    Parameter W1;  ///< (D, H) first-layer weights
    Parameter b1;  ///< (H,) first-layer bias
    Parameter W2;  ///< (H, C) second-layer weights
    Parameter b2;  ///< (C,) second-layer bias

    /// Weights drawn as `weight_scale` * random_normal (W1 from `seed`, W2 from `seed + 1`),
    /// biases 0. Throws ValueError if a size is 0 or weight_scale is negative or non-finite.
    TwoLayerNet(std::size_t inputs, std::size_t hidden, std::size_t classes,
                std::uint64_t seed = 0, double weight_scale = 1e-2);

    /// The parameters as they sit on one tape, e.g. to regularize W1 and W2 with the same nodes.
    struct Watched {
        Var W1;  ///< the watched first-layer weights
        Var b1;  ///< the watched first-layer bias
        Var W2;  ///< the watched second-layer weights
        Var b2;  ///< the watched second-layer bias
    };
    /// Puts the four parameters on `tape`.
    Watched watch(Tape& tape);
    /// The scores for watched parameters: relu(x W1 + b1) W2 + b2.
    static Var forward(const Watched& p, const Var& x);
    /// Watches the parameters on `tape` and returns the scores of x (N, D) -> (N, C).
    Var forward(Tape& tape, const Var& x);
    /// {&W1, &b1, &W2, &b2}, for an optimizer step or zero_grad.
    std::vector<Parameter*> parameters();
};

}  // namespace gradlab::losses
