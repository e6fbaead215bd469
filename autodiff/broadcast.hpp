/// \file broadcast.hpp
/// \brief numpy's broadcasting rule, and its undoing for gradients (invariant 3 in tape.hpp).
#pragma once

#include "tensor.hpp"

namespace gradlab {

/// Sums a (broadcast) gradient back down to `shape` by numpy's rules: leading axes the operand
/// lacked are summed away, and axes where the operand had size 1 are summed with keepdims.
/// Throws ShapeError naming `op` if `shape` does not broadcast to g's shape.
Tensor sum_to_shape(const Tensor& g, const Shape& shape, const char* op = "sum_to_shape");

/// The numpy broadcast of two shapes; throws ShapeError naming `op` and both shapes otherwise.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

}  // namespace gradlab
