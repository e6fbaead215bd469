/// \file tensor.hpp
/// \brief gradlab's tensor type and the shape helpers that error messages use.
///
/// A Tensor is a plain `xt::xarray<double>`: gradlab computes in double everywhere, so that the
/// gradient checker's centered differences are meaningful down to relative errors of 1e-10.
/// Every function that returns a Tensor returns a concrete array, never a lazy xtensor expression
/// (an expression holds references to its operands and dangles once they go out of scope).
///
/// Printing a tensor (`std::cout << t`, `fmt::print("{}", t)`) takes tensor_io.hpp, which pulls in
/// xtensor's stream printing: only the translation units that print pay for it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xarray.hpp>

#include "error.hpp"
#include "random.hpp"

namespace gradlab {

/// The one tensor type: a dynamically shaped, row-major array of doubles.
using Tensor = xt::xarray<double>;

/// A tensor shape, as xtensor stores it.
using Shape = Tensor::shape_type;

/// a == b for two shapes, by a plain loop (xtensor's == goes through memcmp, a library call that
/// costs more than the comparison itself on the tiny shapes every op compares).
inline bool same_shape(const Shape& a, const Shape& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

/// The largest tensor gradlab makes or accepts, in elements: 2^31 (16 GiB of doubles). Shapes
/// enter through the tensor makers (zeros, randn), the tape's leaves (so every op's inputs) and
/// files (checkpoints); each checks its shape with require_shape_within_limit before allocating.
inline constexpr std::size_t kMaxTensorElements = std::size_t{1} << 31;

/// The number of elements of `shape`, computed without overflow; throws ShapeError naming `op`
/// and the shape if it exceeds kMaxTensorElements. Dimensions of 0 are allowed (an empty tensor),
/// but the other dimensions still count: `(0, 2^63)` is refused, because xtensor's strides for
/// it would overflow.
std::size_t require_shape_within_limit(const char* op, const Shape& shape);

/// Throws ShapeError naming `op` and the leaf's `name` unless `t` can be a tape leaf or a
/// Parameter: its shape within kMaxTensorElements (require_shape_within_limit's rule), and its
/// storage holding exactly the elements that shape needs. A moved-from Tensor fails the second
/// test (it looks 0-d, a scalar, but holds no element), and so does an array made with
/// `Tensor::from_shape` for a shape whose element count overflowed (its size wrapped).
void require_leaf_tensor(const char* op, const char* name, const Tensor& t);

/// "(500, 3073)" for a shape; "()" for a scalar.
std::string shape_str(const Shape& shape);

/// A tensor of the given shape filled with zeros (`Tensor t({2, 3})` would be a 1-D tensor
/// holding the values 2 and 3 -- an xtensor trap; use this instead). Throws ShapeError for a
/// shape above kMaxTensorElements, before allocating.
Tensor zeros(const Shape& shape);

/// A 0-d tensor (a scalar) holding `value`: what a loss's value is. Read one back with `t()`, or
/// from a Var with Var::item(); put one on a tape as a constant with Tape::scalar. (Neither
/// `Tensor{value}`, which is 1-D, nor `Tensor{{value}}`, which is ambiguous, makes one.)
inline Tensor scalar(double value) {
    Tensor t = zeros({});
    t() = value;
    return t;
}

/// A standard-normal tensor of the given shape, filled in order from random::normal_pair (the
/// Box--Muller transform on the generator's raw output; random.hpp says why not
/// std::normal_distribution). Seeded initializations in gradlab's library (random search, weight
/// init, random_normal) draw from here; the gradient checker's directions and the examples'
/// synthetic sets use the same random.hpp source through its other functions.
Tensor randn(const Shape& shape, RandomEngine& rng);

/// Throws ShapeError naming `op` unless `a` and `b` have the same shape.
void require_same_shape(const char* op, const Shape& a, const Shape& b);

/// Throws ValueError naming `op` and the first offending element's index unless every element is
/// finite.
void require_finite(const char* op, const Tensor& t, const char* what = "input");

}  // namespace gradlab
