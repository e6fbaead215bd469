/// \file ops.hpp
/// \brief The differentiable ops. Each computes its value now and records its backward.
///
/// Every op is written the same way (see Tape::record): forward value, then a backward lambda
/// that returns one gradient per input, with the partial derivatives stated in a comment next to
/// it. Binary elementwise ops broadcast by numpy's rules; the tape sums each operand's gradient
/// back to its own shape.
///
/// Subgradient conventions at kinks, chosen once: relu'(0) = 0, abs'(0) = 0, and a tie in max
/// sends the whole gradient to the first maximal element.
#pragma once

#include <cstddef>

#include "tape.hpp"

namespace gradlab {

/// \name Arithmetic (broadcasting)
/// \f$ \partial(a+b)/\partial a = 1 \f$, \f$ \partial(a-b)/\partial b = -1 \f$,
/// \f$ \partial(ab)/\partial a = b \f$, \f$ \partial(a/b)/\partial b = -a/b^2 \f$. A double operand becomes a constant scalar node.
///@{
Var operator+(const Var& a, const Var& b);
Var operator-(const Var& a, const Var& b);
Var operator*(const Var& a, const Var& b);
Var operator/(const Var& a, const Var& b);
Var operator-(const Var& a);
Var operator+(const Var& a, double b);
Var operator+(double a, const Var& b);
Var operator-(const Var& a, double b);
Var operator-(double a, const Var& b);
Var operator*(const Var& a, double b);
Var operator*(double a, const Var& b);
Var operator/(const Var& a, double b);
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

/// \f$ e^x \f$; \f$ \partial/\partial x = e^x \f$.
Var exp(const Var& x);
/// Natural log; \f$ \partial/\partial x = 1/x \f$. log(0) is -inf (anomaly mode reports it).
Var log(const Var& x);
/// \f$ \max(0, x) \f$; derivative 1 where x > 0, else 0 (relu'(0) = 0). Records its branch.
Var relu(const Var& x);

}  // namespace gradlab
