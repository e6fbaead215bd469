/// \file ops.hpp
/// \brief The differentiable ops. Each computes its value now and records its backward.
///
/// Every op is written the same way (see Tape::record): its forward value, then its backward
/// lambda, with the partial derivatives stated in a one-line comment next to them. A backward
/// either returns one gradient per input in a Grads (the recommended way: transpose, reshape,
/// the reductions, the softmax family, maximum/minimum, the masks, gather) or adds into the inputs' gradient buffers
/// (the allocation-free way: the arithmetic and elementwise ops, through detail::add_to_grad, and
/// matmul, through dgemm). Binary elementwise ops broadcast by numpy's rules; the tape sums each
/// operand's gradient back to its own shape.
///
/// Subgradient conventions at kinks, chosen once: relu'(0) = 0, abs'(0) = 0, and a tie in max
/// sends the whole gradient to the first maximal element (maximum/minimum: to the first operand).
/// Kink ops record the branch they took in Node::branch, by one rule (stated there): one code per
/// element of the op's inputs broadcast together -- the input's shape for relu, abs, clip, max and
/// the fused losses, the broadcast shape for maximum and minimum.
///
/// The definitions are split by kind: ops.cpp (arithmetic, matmul, transpose, reshape),
/// ops_elementwise.cpp, ops_reduce.cpp (sum, mean, max, softmax family), ops_index.cpp (gather,
/// one_hot). This header is the one public entry point for all of them.
#pragma once

#include <cstddef>
#include <vector>

#include "ops_mixed.hpp"
#include "tape.hpp"

namespace gradlab {

/// \name Arithmetic (broadcasting)
/// \f$ \partial(a+b)/\partial a = 1 \f$, \f$ \partial(a-b)/\partial b = -1 \f$,
/// \f$ \partial(ab)/\partial a = b \f$, \f$ \partial(a/b)/\partial b = -a/b^2 \f$. A double operand becomes a constant scalar node.
///@{

/// \f$ a + b \f$; \f$ \partial/\partial a = \partial/\partial b = 1 \f$.
Var operator+(const Var& a, const Var& b);
/// \f$ a - b \f$; \f$ \partial/\partial a = 1,\ \partial/\partial b = -1 \f$.
Var operator-(const Var& a, const Var& b);
/// \f$ a b \f$ elementwise; \f$ \partial/\partial a = b,\ \partial/\partial b = a \f$.
Var operator*(const Var& a, const Var& b);
/// \f$ a / b \f$ elementwise; \f$ \partial/\partial a = 1/b,\ \partial/\partial b = -a/b^2 \f$.
Var operator/(const Var& a, const Var& b);
/// \f$ -a \f$; \f$ \partial/\partial a = -1 \f$.
Var operator-(const Var& a);
/// \f$ a + b \f$ with a constant b; \f$ \partial/\partial a = 1 \f$.
Var operator+(const Var& a, double b);
/// \f$ a + b \f$ with a constant a; \f$ \partial/\partial b = 1 \f$.
Var operator+(double a, const Var& b);
/// \f$ a - b \f$ with a constant b; \f$ \partial/\partial a = 1 \f$.
Var operator-(const Var& a, double b);
/// \f$ a - b \f$ with a constant a; \f$ \partial/\partial b = -1 \f$.
Var operator-(double a, const Var& b);
/// \f$ a b \f$ with a constant b; \f$ \partial/\partial a = b \f$.
Var operator*(const Var& a, double b);
/// \f$ a b \f$ with a constant a; \f$ \partial/\partial b = a \f$.
Var operator*(double a, const Var& b);
/// \f$ a / b \f$ with a constant b; \f$ \partial/\partial a = 1/b \f$.
Var operator/(const Var& a, double b);
/// \f$ a / b \f$ with a constant a; \f$ \partial/\partial b = -a/b^2 \f$.
Var operator/(double a, const Var& b);
///@}

/// Matrix product of 2-D operands through BLAS dgemm:
/// \f$ C = AB,\ \partial L/\partial A = G B^T,\ \partial L/\partial B = A^T G \f$.
Var matmul(const Var& a, const Var& b);

/// Sum of all elements (a 0-d result). \f$ \partial/\partial x_i = 1 \f$.
Var sum(const Var& x);
/// Sum along one axis; keepdims keeps that axis with size 1.
Var sum(const Var& x, std::size_t axis, bool keepdims = false);
/// Mean of all elements. \f$ \partial/\partial x_i = 1/n \f$.
Var mean(const Var& x);
/// Mean along one axis; keepdims keeps that axis with size 1.
Var mean(const Var& x, std::size_t axis, bool keepdims = false);

/// Largest element (a 0-d result). The gradient goes to the first maximal element (row-major)
/// and nowhere else. Records its branch: 1 for the element that was picked, 0 elsewhere.
Var max(const Var& x);
/// Largest element along `axis` (keepdims keeps that axis with size 1). Per slice, the gradient
/// goes to the first maximal element; the branch (1 for each picked element) has x's shape.
Var max(const Var& x, std::size_t axis, bool keepdims = false);

/// \f$ \log \sum_k e^{x_k} \f$ along `axis`, computed stably as
/// \f$ m + \log \sum_k e^{x_k - m} \f$ with \f$ m = \max_k x_k \f$ (no overflow for large x).
/// \f$ \partial/\partial x_k = e^{x_k - \mathrm{lse}} = \mathrm{softmax}(x)_k \f$.
Var logsumexp(const Var& x, std::size_t axis, bool keepdims = false);
/// \f$ y_k = e^{x_k} / \sum_j e^{x_j} \f$ along `axis` (computed stably). Backward:
/// \f$ \partial L/\partial x_k = y_k (g_k - \sum_j g_j y_j) \f$.
Var softmax(const Var& x, std::size_t axis);
/// \f$ y_k = x_k - \mathrm{logsumexp}(x) \f$ along `axis`. Backward:
/// \f$ \partial L/\partial x_k = g_k - \mathrm{softmax}(x)_k \sum_j g_j \f$.
Var log_softmax(const Var& x, std::size_t axis);

/// \name Elementwise functions
/// Applied to each element; each states its derivative.
///@{

/// \f$ e^x \f$; \f$ \partial/\partial x = e^x \f$.
Var exp(const Var& x);
/// Natural log; \f$ \partial/\partial x = 1/x \f$. log(0) is -inf (anomaly mode reports it).
Var log(const Var& x);
/// \f$ \max(0, x) \f$; derivative 1 where x > 0, else 0 (relu'(0) = 0). Records its branch
/// (1 where x > 0).
Var relu(const Var& x);
/// \f$ x^p \f$ for a constant exponent; \f$ \partial/\partial x = p x^{p-1} \f$. A negative
/// base with a non-integer p gives NaN (anomaly mode reports it). Throws ValueError if p is not
/// finite.
Var pow(const Var& x, double p);
/// \f$ \sqrt{x} \f$; \f$ \partial/\partial x = 1 / (2\sqrt{x}) \f$ (infinite at 0).
Var sqrt(const Var& x);
/// \f$ |x| \f$; derivative sign(x), with abs'(0) = 0. Records its branch (0: x < 0, 1: x = 0,
/// 2: x > 0).
Var abs(const Var& x);
/// \f$ \tanh x \f$; \f$ \partial/\partial x = 1 - \tanh^2 x \f$.
Var tanh(const Var& x);
/// \f$ \sigma(x) = 1/(1 + e^{-x}) \f$ (computed without overflow for large |x|);
/// \f$ \partial/\partial x = \sigma(x)(1 - \sigma(x)) \f$.
Var sigmoid(const Var& x);
/// x limited to [lo, hi]; derivative 1 strictly inside, 0 on and beyond the bounds (the same
/// convention as relu'(0) = 0). Records its branch (0: x <= lo, 1: inside, 2: x >= hi).
/// Throws ValueError unless lo <= hi (both not NaN).
Var clip(const Var& x, double lo, double hi);
///@}

/// \name Elementwise maximum / minimum (broadcasting)
/// \f$ \max(a, b) \f$: the gradient goes to a where a >= b, else to b -- a tie sends it to the
/// first operand. minimum likewise with a <= b. Both record their branch per element of the
/// broadcast shape (1: the first operand was taken, 0: the second). A double operand is a constant.
///@{

/// \f$ \max(a, b) \f$; the gradient goes to a where \f$ a \ge b \f$, else to b.
Var maximum(const Var& a, const Var& b);
/// \f$ \max(a, b) \f$ with a constant b; \f$ \partial/\partial a = [a \ge b] \f$.
Var maximum(const Var& a, double b);
/// \f$ \max(a, b) \f$ with a constant a; \f$ \partial/\partial b = [b > a] \f$ (a tie goes to a).
Var maximum(double a, const Var& b);
/// \f$ \min(a, b) \f$; the gradient goes to a where \f$ a \le b \f$, else to b.
Var minimum(const Var& a, const Var& b);
/// \f$ \min(a, b) \f$ with a constant b; \f$ \partial/\partial a = [a \le b] \f$.
Var minimum(const Var& a, double b);
/// \f$ \min(a, b) \f$ with a constant a; \f$ \partial/\partial b = [b < a] \f$ (a tie goes to a).
Var minimum(double a, const Var& b);
///@}

/// \name Constant masks
/// Choosing or blanking elements by a constant 0/1 tensor: the mask is data, only x (a, b) get
/// gradients.
///@{

/// Elementwise choice by a constant 0/1 `mask`: \f$ m\,a + (1 - m)\,b \f$, broadcasting mask,
/// a and b together. \f$ \partial/\partial a = m \f$, \f$ \partial/\partial b = 1 - m \f$.
/// Throws ValueError if the mask holds anything but 0 and 1, ShapeError if the shapes do not
/// broadcast.
/// \note Works called unqualified, `where(m, a, b)`: xtensor's `xt::where` template is also
/// found (argument-dependent lookup through the Tensor), but every parameter here is taken by
/// value, which binds as well as its forwarding references, so this non-template overload wins
/// for const and non-const arguments alike (see ops_mixed.hpp). A lazy mask expression
/// (`xt::equal(...)`) is evaluated into a Tensor first.
Var where(Tensor mask, Var a, Var b);
/// where() with a lazy mask expression: the mask is data, so it is evaluated, then as above.
template <class M, detail::if_lazy_expression<M> = 0>
Var where(M&& mask, Var a, Var b) {
    return where(Tensor(std::forward<M>(mask)), std::move(a), std::move(b));
}
/// x times a constant 0/1 mask (broadcasting): zeroes, and stops the gradient of, the masked-out
/// elements. \f$ \partial/\partial x = m \f$. Same errors as where().
Var mask(const Var& x, const Tensor& mask);
/// x with the elements where the constant 0/1 `mask` is 1 replaced by `value`, which may be
/// \f$ \pm\infty \f$: \f$ y = x \f$ where \f$ m = 0 \f$, \f$ y = v \f$ where \f$ m = 1 \f$
/// (a choice, so an infinite value never meets a 0 factor). \f$ \partial y/\partial x = 1 - m \f$:
/// no gradient reaches a filled element. The mask broadcasts into x's shape, the result has x's
/// shape. With value = -inf, "the largest score among the wrong classes" is one line:
/// \code
/// Var best_wrong = max(masked_fill(s, one_hot(y, C), -INFINITY), 1);   // max_{j != y_i} s_ij
/// \endcode
/// (a row whose every element is filled has max -inf; anomaly mode reports -inf values).
/// Throws ValueError for a mask that holds anything but 0 and 1 or a NaN value, ShapeError if
/// the mask does not broadcast into x's shape.
Var masked_fill(const Var& x, Tensor mask, double value);
///@}

/// \name Integer labels
/// Class labels as indices: picking the correct-class scores, and the indicator matrix.
///@{

/// Picks one score per row: \f$ y_i = s_{i, \mathrm{idx}_i} \f$ for scores s of shape (N, C),
/// giving shape (N,) -- the correct-class score of each example. Backward scatter-adds:
/// \f$ \partial L/\partial s_{ij} = g_i [j = \mathrm{idx}_i] \f$. Throws ShapeError if s is not
/// 2-D or idx does not hold N labels, ValueError if a label is not below C.
Var gather(const Var& s, const std::vector<std::size_t>& idx);
/// The (N, C) indicator matrix of integer labels: row i is 1 at column labels[i], 0 elsewhere.
/// A plain tensor (labels are data, not differentiable). Throws ValueError if num_classes is 0 or
/// a label is not below it.
Tensor one_hot(const std::vector<std::size_t>& labels, std::size_t num_classes);
///@}

/// \name Shape
/// Rearranging elements; the gradient is rearranged back.
///@{

/// Transpose of a 2-D tensor; the gradient is transposed back. Throws ShapeError otherwise.
Var transpose(const Var& x);
/// Same elements (row-major) in a new shape with the same number of elements; the gradient is
/// reshaped back. Throws ShapeError if the sizes differ.
Var reshape(const Var& x, const Shape& shape);
///@}

}  // namespace gradlab
