/// \file ops_internal.hpp
/// \brief Helpers shared by the ops' source files (ops*.cpp). Not part of the public API.
#pragma once

#include <cstddef>

#include "tape.hpp"

namespace gradlab::detail {

/// Throws TapeError naming `op` unless both handles live on the same tape.
inline void require_same_tape(const char* op, const Var& a, const Var& b) {
    if (&a.tape() != &b.tape()) throw TapeError(fmt::format("{}: operands live on different tapes", op));
}

/// Throws ShapeError naming `op` unless `axis` is an axis of x.
inline std::size_t check_axis(const char* op, const Var& x, std::size_t axis) {
    if (axis >= x.shape().size())
        throw ShapeError(fmt::format("{}: axis {} is out of range for shape {}", op, axis,
                                     shape_str(x.shape())));
    return axis;
}

/// A row-major shape seen as (outer, n, inner) around one axis: element (o, k, i) sits at
/// o * n * inner + k * inner + i, and the reduced result's element (o, i) at o * inner + i --
/// with or without keepdims. Reductions along an axis loop over this directly (no lazy xtensor
/// reducers, no keep_dims trap).
struct AxisSplit {
    std::size_t outer = 1, n = 1, inner = 1;
    AxisSplit(const Shape& shape, std::size_t axis) {
        for (std::size_t d = 0; d < axis; ++d) outer *= shape[d];
        n = shape[axis];
        for (std::size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
    }
};

/// `shape` with `axis` removed, or set to 1 when keepdims.
inline Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdims) {
    Shape out = shape;
    if (keepdims) {
        out[axis] = 1;
    } else {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(axis));
    }
    return out;
}

/// Records a binary elementwise op after checking that the shapes broadcast and share a tape.
template <class Forward>
Var binary(const char* op, const Var& a, const Var& b, Forward forward, BackwardFn backward,
           std::vector<std::uint8_t> branch = {}) {
    broadcast_shapes(op, a.shape(), b.shape());
    require_same_tape(op, a, b);
    Tensor v = forward(a.value(), b.value());
    return a.tape().record(op, std::move(v), {a, b}, std::move(backward), std::move(branch));
}

}  // namespace gradlab::detail
