/// \file ops_internal.hpp
/// \brief Helpers shared by the ops' source files (ops*.cpp). Not part of the public API.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <xtensor/xnoalias.hpp>

#include "tape.hpp"

namespace gradlab::detail {

/// Elementwise arithmetic usable on doubles (the plain loops below) and on xtensor expressions
/// (their broadcasting paths).
constexpr auto kAdd = [](const auto& x, const auto& y) { return x + y; };
constexpr auto kSub = [](const auto& x, const auto& y) { return x - y; };
constexpr auto kMul = [](const auto& x, const auto& y) { return x * y; };
constexpr auto kDiv = [](const auto& x, const auto& y) { return x / y; };

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
    /// Calls f(first, slice) for every 1-D slice along the axis: its k-th element sits at flat
    /// index first + k * inner, and `slice` is the flat index of its entry in the reduced result.
    template <class F>
    void for_each_slice(F f) const {
        for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t i = 0; i < inner; ++i) f(o * n * inner + i, o * inner + i);
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

/// The sum of x along `axis` (kept as size 1 with keepdims), by a plain loop in the order of the
/// data; a sum over an empty axis gives zeros, as in numpy. Used by sum(x, axis) and by backward's
/// sum_to_shape.
Tensor sum_axis(const Tensor& x, std::size_t axis, bool keepdims);

/// f applied to every element of x, by a plain loop. On the small tensors of a long chain of ops
/// xtensor's expression machinery costs more than the arithmetic; this keeps per-op cost low.
template <class F>
Tensor map(const Tensor& x, F f) {
    Tensor out = Tensor::from_shape(x.shape());
    const double* p = x.data();
    double* q = out.data();
    for (std::size_t i = 0, n = x.size(); i < n; ++i) q[i] = f(p[i]);
    return out;
}

/// out = f(a, b) elementwise with numpy broadcasting, into `out`, which already has the broadcast
/// shape: a plain loop for equal shapes and 0-d operands (on the small tensors of a long chain of
/// ops xtensor's expression machinery costs more than the arithmetic), xtensor (no temporary)
/// otherwise, so `f` must be a generic lambda that works on doubles and on xtensor expressions
/// alike, e.g. `[](const auto& x, const auto& y) { return x * y; }`.
template <class F>
void zip_into(Tensor& out, const Tensor& a, const Tensor& b, F f) {
    const double* pa = a.data();
    const double* pb = b.data();
    double* q = out.data();
    const std::size_t n = out.size();
    if (same_shape(a.shape(), b.shape())) {
        for (std::size_t i = 0; i < n; ++i) q[i] = f(pa[i], pb[i]);
    } else if (b.dimension() == 0) {
        for (std::size_t i = 0; i < n; ++i) q[i] = f(pa[i], pb[0]);
    } else if (a.dimension() == 0) {
        for (std::size_t i = 0; i < n; ++i) q[i] = f(pa[0], pb[i]);
    } else {
        xt::noalias(out) = f(a, b);
    }
}

/// f applied elementwise to a and b with numpy broadcasting, as a new tensor (see zip_into).
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F f) {
    Tensor out = Tensor::from_shape(broadcast_shapes("zip", a.shape(), b.shape()));
    zip_into(out, a, b, f);
    return out;
}

/// The allocation-free way for an elementwise backward to send input k its share (a performance
/// path; see Tape::record): adds f(x[i], y[i]) into `args.grad_in(k)`. When x has input k's shape
/// and y has it too or is 0-d this is a plain loop straight into the gradient buffer; otherwise
/// (an operand was broadcast) f is applied with broadcasting and BackwardArgs::accumulate sums
/// the broadcast axes away -- which needs an `f` that also works on xtensor expressions (a
/// generic lambda such as kMul). For an `f` on doubles only, a shape mismatch throws ShapeError
/// naming the op (a unary op's backward always has matching shapes).
template <class F>
void add_to_grad(const BackwardArgs& args, std::size_t k, const Tensor& x, const Tensor& y, F f) {
    Tensor& dst = args.grad_in(k);
    const bool same = same_shape(x.shape(), y.shape());
    if ((same || y.dimension() == 0) && same_shape(x.shape(), dst.shape())) {
        double* d = dst.data();
        const double* px = x.data();
        const double* py = y.data();
        const std::size_t n = dst.size();
        if (same) {
            for (std::size_t i = 0; i < n; ++i) d[i] += f(px[i], py[i]);
        } else {
            for (std::size_t i = 0; i < n; ++i) d[i] += f(px[i], py[0]);
        }
    } else if constexpr (std::is_invocable_v<F, const Tensor&, const Tensor&>) {
        args.accumulate(k, zip(x, y, f));
    } else {
        throw ShapeError(fmt::format("backward of an elementwise op: shapes {} and {} do not match input "
                                     "{}'s gradient of shape {}",
                                     shape_str(x.shape()), shape_str(y.shape()), k, shape_str(dst.shape())));
    }
}

/// The same for f(x[i]) of one tensor: a plain loop when x has input k's shape, else f is mapped
/// and BackwardArgs::accumulate sums the broadcast axes away.
template <class F>
void add_to_grad(const BackwardArgs& args, std::size_t k, const Tensor& x, F f) {
    Tensor& dst = args.grad_in(k);
    if (same_shape(x.shape(), dst.shape())) {
        double* d = dst.data();
        const double* px = x.data();
        for (std::size_t i = 0, n = dst.size(); i < n; ++i) d[i] += f(px[i]);
        return;
    }
    args.accumulate(k, map(x, f));
}

/// Records a unary elementwise op, value f(x) computed straight into the node's buffer (a plain
/// loop; `f` takes a double).
template <class F, class Backward>
Var unary(const char* op, const Var& x, F f, Backward&& backward, std::vector<std::uint8_t> branch = {}) {
    return x.tape().record_into(
        op, x.shape(), {x},
        [&x, f](Tensor& out) {
            const double* p = x.value().data();
            double* q = out.data();
            for (std::size_t i = 0, n = out.size(); i < n; ++i) q[i] = f(p[i]);
        },
        std::forward<Backward>(backward), std::move(branch));
}

/// Records a binary elementwise op, value f(a, b) with broadcasting computed straight into the
/// node's buffer, after checking that the shapes broadcast and share a tape. `f` is generic, as
/// for zip_into.
template <class F, class Backward>
Var binary(const char* op, const Var& a, const Var& b, F f, Backward&& backward) {
    Shape shape = broadcast_shapes(op, a.shape(), b.shape());
    require_same_tape(op, a, b);
    return a.tape().record_into(
        op, std::move(shape), {a, b}, [&a, &b, f](Tensor& out) { zip_into(out, a.value(), b.value(), f); },
        std::forward<Backward>(backward));
}

}  // namespace gradlab::detail
