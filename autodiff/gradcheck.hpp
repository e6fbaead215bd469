/// \file gradcheck.hpp
/// \brief Numerical gradients by centered differences, and checking analytic gradients with them.
///
/// The checker knows nothing of the tape: it takes any callable `double f(const Tensor&)`, so it
/// serves hand-written gradients as well as the tape's (optimization notes, "Computing the
/// gradient numerically with finite differences").
#pragma once

#include <functional>

#include "tensor.hpp"

namespace gradlab {

/// A scalar function of one tensor: a loss as a function of the parameters.
using ScalarFn = std::function<double(const Tensor&)>;

/// The gradient of `f` at `x` by centered differences:
/// \f$ \partial f / \partial x_i \approx [f(x + h e_i) - f(x - h e_i)] / 2h \f$ for every element
/// of `x`, whatever its rank. Costs 2 * x.size() evaluations of `f`. `x` is probed in place and
/// each element is restored bit for bit after its probe, so `f` may read `x` through a closure.
Tensor numerical_gradient(const ScalarFn& f, Tensor& x, double h = 1e-5);

}  // namespace gradlab
