// Reductions: sum, mean, max, and the softmax family (logsumexp, softmax, log_softmax).
//
// Reductions along one axis loop over an AxisSplit (outer, n, inner) view of the row-major data
// instead of composing lazy xtensor reducers: xtensor 0.24's keep_dims reducers give wrong values
// when combined lazily (DESIGN.md, "Known traps"), and softmax is exactly where that bites.
#include "ops.hpp"

#include <cmath>
#include <limits>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>

#include "ops_internal.hpp"

namespace gradlab {

Tensor detail::sum_axis(const Tensor& x, std::size_t axis, bool keepdims) {
    const AxisSplit sp(x.shape(), axis);
    Tensor out = zeros(reduced_shape(x.shape(), axis, keepdims));
    const double* px = x.data();
    double* po = out.data();
    for (std::size_t o = 0; o < sp.outer; ++o)
        for (std::size_t k = 0; k < sp.n; ++k) {
            const double* row = px + (o * sp.n + k) * sp.inner;
            double* acc = po + o * sp.inner;
            for (std::size_t i = 0; i < sp.inner; ++i) acc[i] += row[i];
        }
    return out;
}

using detail::AxisSplit;
using detail::check_axis;
using detail::reduced_shape;

namespace {

// Spreads a reduced gradient back over the shape it was reduced from.
Tensor expand_reduced(const Tensor& g, const Shape& in_shape, std::size_t axis) {
    Shape kept = in_shape;
    kept[axis] = 1;
    Tensor gk = g;  // (with or without keepdims, the reduced data has the same row-major layout)
    gk.reshape(kept);
    return xt::broadcast(gk, in_shape);
}

// logsumexp of each slice along `axis`, shaped (outer * inner), computed stably.
std::vector<double> slice_logsumexp(const Tensor& x, const AxisSplit& sp) {
    const double* px = x.data();
    std::vector<double> out(sp.outer * sp.inner);
    sp.for_each_slice([&](std::size_t first, std::size_t slice) {
        const double* s = px + first;
        double m = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < sp.n; ++k) m = std::max(m, s[k * sp.inner]);
        double r = m;  // all -inf gives -inf; a +inf gives +inf (no inf - inf)
        if (std::isfinite(m)) {
            double acc = 0.0;  // every term is <= 1 and one of them is exactly 1
            for (std::size_t k = 0; k < sp.n; ++k) acc += std::exp(s[k * sp.inner] - m);
            r = m + std::log(acc);
        }
        for (std::size_t k = 0; k < sp.n; ++k)
            if (std::isnan(s[k * sp.inner])) r = s[k * sp.inner];  // NaN in, NaN out
        out[slice] = r;
    });
    return out;
}

void require_nonempty_axis(const char* op, const Var& x, std::size_t axis) {
    if (x.shape()[axis] == 0)
        throw ShapeError(fmt::format("{}: axis {} of shape {} is empty", op, axis, shape_str(x.shape())));
}

// softmax and log_softmax, which share everything but three formulas. Forward, per slice along
// `axis`: y_k = forward(x_k, lse) with lse the slice's logsumexp. Backward, per slice:
// total = sum_j reduce(g_j, y_j), then dL/dx_k = backward(g_k, y_k, total).
template <class Forward, class Reduce, class Backward>
Var normalize_slices(const char* op, const Var& x, std::size_t axis, Forward forward, Reduce reduce,
                     Backward backward) {
    check_axis(op, x, axis);
    require_nonempty_axis(op, x, axis);
    const AxisSplit sp(x.shape(), axis);
    const std::vector<double> lse = slice_logsumexp(x.value(), sp);
    Tensor v = zeros(x.shape());
    const double* px = x.value().data();
    sp.for_each_slice([&](std::size_t first, std::size_t slice) {
        for (std::size_t k = 0; k < sp.n; ++k) {
            const std::size_t at = first + k * sp.inner;
            v.data()[at] = forward(px[at], lse[slice]);
        }
    });
    return x.tape().record(op, std::move(v), {x}, [axis, reduce, backward](const BackwardArgs& args) {
        const AxisSplit s(args.out.shape(), axis);
        const double* y = args.out.data();
        const double* gy = args.grad.data();
        Tensor dx = zeros(args.out.shape());
        s.for_each_slice([&](std::size_t first, std::size_t) {
            double total = 0.0;
            for (std::size_t k = 0; k < s.n; ++k) total += reduce(gy[first + k * s.inner], y[first + k * s.inner]);
            for (std::size_t k = 0; k < s.n; ++k) {
                const std::size_t at = first + k * s.inner;
                dx.data()[at] = backward(gy[at], y[at], total);
            }
        });
        return Grads{std::move(dx)};
    });
}

}  // namespace

// ---- sum and mean ----------------------------------------------------------------------------

Var sum(const Var& x) {
    Tensor v = xt::sum(x.value(), xt::evaluation_strategy::immediate);
    return x.tape().record("sum", std::move(v), {x}, [](const BackwardArgs& args) {
        Tensor& dx = args.grad_in(0);  // d(sum x)/dx_i = 1: every element gets the output's gradient
        const double d = args.grad.flat(0);
        for (std::size_t i = 0; i < dx.size(); ++i) dx.flat(i) += d;
    });
}

Var sum(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("sum", x, axis);
    // A plain loop over (outer, n, inner): a sum over an empty axis is 0, as in numpy (xtensor
    // 0.24's reducer reads out of bounds there), and there is no keep_dims trap.
    Tensor v = detail::sum_axis(x.value(), axis, keepdims);
    return x.tape().record("sum", std::move(v), {x}, [axis](const BackwardArgs& args) {
        return Grads{expand_reduced(args.grad, args.input(0).shape(), axis)};  // d(sum_k x_k)/dx_j = 1
    });
}

Var mean(const Var& x) {
    if (x.value().size() == 0) throw ShapeError("mean: input is empty, shape " + shape_str(x.shape()));
    return sum(x) / static_cast<double>(x.value().size());
}

Var mean(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("mean", x, axis);
    require_nonempty_axis("mean", x, axis);
    return sum(x, axis, keepdims) / static_cast<double>(x.shape()[axis]);
}

// ---- max -------------------------------------------------------------------------------------

namespace {

// Records a max whose output element j is the input's flat element arg[j] (the first maximal one
// of its slice): d(max)/dx = 1 there and 0 elsewhere, so the backward scatters each output
// gradient to its argmax. The branch marks the picked elements.
Var record_max(const Var& x, Tensor v, std::vector<std::size_t> arg) {
    std::vector<std::uint8_t> branch(x.value().size(), 0);
    for (std::size_t at : arg) branch[at] = 1;
    return x.tape().record(
        "max", std::move(v), {x},
        [arg = std::move(arg)](const BackwardArgs& args) {
            Tensor dx = zeros(args.input(0).shape());
            for (std::size_t j = 0; j < arg.size(); ++j) dx.data()[arg[j]] += args.grad.data()[j];
            return Grads{std::move(dx)};
        },
        std::move(branch));
}

}  // namespace

Var max(const Var& x) {
    const Tensor& xv = x.value();
    if (xv.size() == 0) throw ShapeError("max: input is empty, shape " + shape_str(x.shape()));
    std::size_t arg = 0;
    for (std::size_t i = 1; i < xv.size(); ++i)
        if (xv.flat(i) > xv.flat(arg)) arg = i;  // strict: a tie keeps the first maximal element
    Tensor v = zeros({});
    v() = xv.flat(arg);
    return record_max(x, std::move(v), {arg});
}

Var max(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("max", x, axis);
    require_nonempty_axis("max", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const double* px = x.value().data();
    Tensor v = zeros(reduced_shape(x.shape(), axis, keepdims));
    std::vector<std::size_t> arg(sp.outer * sp.inner);  // flat input index of each slice's max
    sp.for_each_slice([&](std::size_t first, std::size_t slice) {
        std::size_t best = first;
        for (std::size_t k = 1; k < sp.n; ++k) {
            const std::size_t at = first + k * sp.inner;
            if (px[at] > px[best]) best = at;  // strict: ties keep the first
        }
        arg[slice] = best;
        v.data()[slice] = px[best];
    });
    return record_max(x, std::move(v), std::move(arg));
}

// ---- softmax family --------------------------------------------------------------------------

Var logsumexp(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("logsumexp", x, axis);
    require_nonempty_axis("logsumexp", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const std::vector<double> lse = slice_logsumexp(x.value(), sp);
    Tensor v = zeros(reduced_shape(x.shape(), axis, keepdims));
    std::copy(lse.begin(), lse.end(), v.data());
    return x.tape().record("logsumexp", std::move(v), {x}, [axis](const BackwardArgs& args) {
        // d lse / dx_k = exp(x_k - lse) = softmax(x)_k
        const AxisSplit s(args.input(0).shape(), axis);
        const double* px = args.input(0).data();
        Tensor dx = zeros(args.input(0).shape());
        s.for_each_slice([&](std::size_t first, std::size_t slice) {
            const double l = args.out.data()[slice];
            const double gi = args.grad.data()[slice];
            for (std::size_t k = 0; k < s.n; ++k) {
                const std::size_t at = first + k * s.inner;
                dx.data()[at] = gi * std::exp(px[at] - l);
            }
        });
        return Grads{std::move(dx)};
    });
}

Var softmax(const Var& x, std::size_t axis) {
    return normalize_slices(
        "softmax", x, axis,
        [](double xk, double lse) { return std::exp(xk - lse); },  // y_k = e^(x_k - lse): no overflow
        // dL/dx_k = y_k (g_k - sum_j g_j y_j)
        [](double gk, double yk) { return gk * yk; },
        [](double gk, double yk, double dot) { return yk * (gk - dot); });
}

Var log_softmax(const Var& x, std::size_t axis) {
    return normalize_slices(
        "log_softmax", x, axis,
        [](double xk, double lse) { return xk - lse; },  // y_k = x_k - lse
        // dL/dx_k = g_k - softmax(x)_k sum_j g_j, with softmax = e^y
        [](double gk, double) { return gk; },
        [](double gk, double yk, double total) { return gk - std::exp(yk) * total; });
}

}  // namespace gradlab
