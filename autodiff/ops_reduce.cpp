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
    for (std::size_t o = 0; o < sp.outer; ++o)
        for (std::size_t i = 0; i < sp.inner; ++i) {
            const double* s = px + o * sp.n * sp.inner + i;
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
            out[o * sp.inner + i] = r;
        }
    return out;
}

void require_nonempty_axis(const char* op, const Var& x, std::size_t axis) {
    if (x.shape()[axis] == 0)
        throw ShapeError(fmt::format("{}: axis {} of shape {} is empty", op, axis, shape_str(x.shape())));
}

}  // namespace

// ---- sum and mean ----------------------------------------------------------------------------

Var sum(const Var& x) {
    Tensor v = xt::sum(x.value(), xt::evaluation_strategy::immediate);
    return x.tape().record("sum", std::move(v), {x}, [](const BackwardArgs& g) {
        Tensor& dx = g.grad_in(0);  // d(sum x)/dx_i = 1: every element gets the output's gradient
        const double d = g.grad.flat(0);
        for (std::size_t i = 0; i < dx.size(); ++i) dx.flat(i) += d;
    });
}

Var sum(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("sum", x, axis);
    // A plain loop over (outer, n, inner): a sum over an empty axis is 0, as in numpy (xtensor
    // 0.24's reducer reads out of bounds there), and there is no keep_dims trap.
    Tensor v = detail::sum_axis(x.value(), axis, keepdims);
    return x.tape().record("sum", std::move(v), {x}, [axis](const BackwardArgs& g) {
        return Grads{expand_reduced(g.grad, g.input(0).shape(), axis)};  // d(sum_k x_k)/dx_j = 1
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

Var max(const Var& x) {
    const Tensor& xv = x.value();
    if (xv.size() == 0) throw ShapeError("max: input is empty, shape " + shape_str(x.shape()));
    std::size_t arg = 0;
    for (std::size_t i = 1; i < xv.size(); ++i)
        if (xv.flat(i) > xv.flat(arg)) arg = i;  // strict: a tie keeps the first maximal element
    Tensor v = zeros({});
    v() = xv.flat(arg);
    std::vector<std::uint8_t> branch(xv.size(), 0);
    branch[arg] = 1;
    return x.tape().record(
        "max", std::move(v), {x},
        [arg](const BackwardArgs& g) {  // d(max x)/dx_i = 1 for the (first) argmax, else 0
            Tensor dx = zeros(g.input(0).shape());
            dx.flat(arg) = g.grad();
            return Grads{std::move(dx)};
        },
        std::move(branch));
}

Var max(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("max", x, axis);
    require_nonempty_axis("max", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const double* px = x.value().data();
    Tensor v = zeros(reduced_shape(x.shape(), axis, keepdims));
    std::vector<std::size_t> arg(sp.outer * sp.inner);  // flat input index of each slice's max
    std::vector<std::uint8_t> branch(x.value().size(), 0);
    for (std::size_t o = 0; o < sp.outer; ++o)
        for (std::size_t i = 0; i < sp.inner; ++i) {
            std::size_t best = o * sp.n * sp.inner + i;
            for (std::size_t k = 1; k < sp.n; ++k) {
                const std::size_t at = o * sp.n * sp.inner + k * sp.inner + i;
                if (px[at] > px[best]) best = at;  // strict: ties keep the first
            }
            arg[o * sp.inner + i] = best;
            v.data()[o * sp.inner + i] = px[best];
            branch[best] = 1;
        }
    return x.tape().record(
        "max", std::move(v), {x},
        [arg = std::move(arg)](const BackwardArgs& g) {  // each slice: 1 at its argmax, else 0
            Tensor dx = zeros(g.input(0).shape());
            for (std::size_t j = 0; j < arg.size(); ++j) dx.data()[arg[j]] += g.grad.data()[j];
            return Grads{std::move(dx)};
        },
        std::move(branch));
}

// ---- softmax family --------------------------------------------------------------------------

Var logsumexp(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("logsumexp", x, axis);
    require_nonempty_axis("logsumexp", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const std::vector<double> lse = slice_logsumexp(x.value(), sp);
    Tensor v = zeros(reduced_shape(x.shape(), axis, keepdims));
    std::copy(lse.begin(), lse.end(), v.data());
    return x.tape().record("logsumexp", std::move(v), {x}, [axis](const BackwardArgs& g) {
        // d lse / dx_k = exp(x_k - lse) = softmax(x)_k
        const AxisSplit s(g.input(0).shape(), axis);
        const double* px = g.input(0).data();
        Tensor dx = zeros(g.input(0).shape());
        for (std::size_t o = 0; o < s.outer; ++o)
            for (std::size_t i = 0; i < s.inner; ++i) {
                const double l = g.out.data()[o * s.inner + i];
                const double gi = g.grad.data()[o * s.inner + i];
                for (std::size_t k = 0; k < s.n; ++k) {
                    const std::size_t at = o * s.n * s.inner + k * s.inner + i;
                    dx.data()[at] = gi * std::exp(px[at] - l);
                }
            }
        return Grads{std::move(dx)};
    });
}

Var softmax(const Var& x, std::size_t axis) {
    check_axis("softmax", x, axis);
    require_nonempty_axis("softmax", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const std::vector<double> lse = slice_logsumexp(x.value(), sp);
    Tensor v = zeros(x.shape());
    const double* px = x.value().data();
    for (std::size_t o = 0; o < sp.outer; ++o)
        for (std::size_t k = 0; k < sp.n; ++k)
            for (std::size_t i = 0; i < sp.inner; ++i) {
                const std::size_t at = o * sp.n * sp.inner + k * sp.inner + i;
                v.data()[at] = std::exp(px[at] - lse[o * sp.inner + i]);  // e^(x - lse): no overflow
            }
    return x.tape().record("softmax", std::move(v), {x}, [axis](const BackwardArgs& g) {
        // dL/dx_k = y_k (g_k - sum_j g_j y_j)
        const AxisSplit s(g.out.shape(), axis);
        const double* y = g.out.data();
        const double* gy = g.grad.data();
        Tensor dx = zeros(g.out.shape());
        for (std::size_t o = 0; o < s.outer; ++o)
            for (std::size_t i = 0; i < s.inner; ++i) {
                const std::size_t base = o * s.n * s.inner + i;
                double dot = 0.0;
                for (std::size_t k = 0; k < s.n; ++k) dot += gy[base + k * s.inner] * y[base + k * s.inner];
                for (std::size_t k = 0; k < s.n; ++k) {
                    const std::size_t at = base + k * s.inner;
                    dx.data()[at] = y[at] * (gy[at] - dot);
                }
            }
        return Grads{std::move(dx)};
    });
}

Var log_softmax(const Var& x, std::size_t axis) {
    check_axis("log_softmax", x, axis);
    require_nonempty_axis("log_softmax", x, axis);
    const AxisSplit sp(x.shape(), axis);
    const std::vector<double> lse = slice_logsumexp(x.value(), sp);
    Tensor v = zeros(x.shape());
    const double* px = x.value().data();
    for (std::size_t o = 0; o < sp.outer; ++o)
        for (std::size_t k = 0; k < sp.n; ++k)
            for (std::size_t i = 0; i < sp.inner; ++i) {
                const std::size_t at = o * sp.n * sp.inner + k * sp.inner + i;
                v.data()[at] = px[at] - lse[o * sp.inner + i];
            }
    return x.tape().record("log_softmax", std::move(v), {x}, [axis](const BackwardArgs& g) {
        // dL/dx_k = g_k - softmax(x)_k sum_j g_j, with softmax = e^y
        const AxisSplit s(g.out.shape(), axis);
        const double* y = g.out.data();
        const double* gy = g.grad.data();
        Tensor dx = zeros(g.out.shape());
        for (std::size_t o = 0; o < s.outer; ++o)
            for (std::size_t i = 0; i < s.inner; ++i) {
                const std::size_t base = o * s.n * s.inner + i;
                double total = 0.0;
                for (std::size_t k = 0; k < s.n; ++k) total += gy[base + k * s.inner];
                for (std::size_t k = 0; k < s.n; ++k) {
                    const std::size_t at = base + k * s.inner;
                    dx.data()[at] = gy[at] - std::exp(y[at]) * total;
                }
            }
        return Grads{std::move(dx)};
    });
}

}  // namespace gradlab
