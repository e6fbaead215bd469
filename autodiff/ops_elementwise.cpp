// Elementwise ops: smooth functions (exp, log, pow, sqrt, tanh, sigmoid), kink ops that record
// their branch (relu, abs, clip, maximum, minimum), and constant masks (where, mask).
#include "ops.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "ops_internal.hpp"

namespace gradlab {

using detail::add_to_grad;
using detail::kDiv;
using detail::kMul;
using detail::unary;
using detail::zip;

namespace {

// Throws ValueError naming `op` unless every element of `m` is 0 or 1.
void require_mask(const char* op, const Tensor& m) {
    for (std::size_t i = 0; i < m.size(); ++i) {
        const double v = m.flat(i);
        if (v != 0.0 && v != 1.0)
            throw ValueError(fmt::format("{}: the mask must hold only 0 and 1, but element {} (flat "
                                         "index) of the mask of shape {} is {}",
                                         op, i, shape_str(m.shape()), v));
    }
}

// One branch code per element of a (concrete) tensor.
template <class Classify>
std::vector<std::uint8_t> branches(const Tensor& t, Classify classify) {
    std::vector<std::uint8_t> b(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) b[i] = classify(t.flat(i));
    return b;
}

// maximum / minimum: `take_first(a, b)` decides, per broadcast element, whether a is taken.
template <class TakeFirst>
Var pick(const char* op, const Var& a, const Var& b, TakeFirst take_first) {
    broadcast_shapes(op, a.shape(), b.shape());
    detail::require_same_tape(op, a, b);
    const Tensor first = xt::cast<double>(take_first(a.value(), b.value()));  // broadcast shape
    Tensor v = xt::where(first, a.value(), b.value());
    return a.tape().record(
        op, std::move(v), {a, b},
        [take_first](const BackwardArgs& args) {  // d/da = [a taken], d/db = [b taken]
            const Tensor f = xt::cast<double>(take_first(args.input(0), args.input(1)));
            return Grads{args.needs_grad(0) ? Tensor(args.grad * f) : Tensor(),
                         args.needs_grad(1) ? Tensor(args.grad * (1.0 - f)) : Tensor()};
        },
        branches(first, [](double f) -> std::uint8_t { return f != 0.0; }));
}

}  // namespace

// ---- smooth functions ------------------------------------------------------------------------

Var exp(const Var& x) {
    return unary("exp", x, [](double v) { return std::exp(v); },
                           [](const BackwardArgs& args) {
                               add_to_grad(args, 0, args.grad, args.out, kMul);  // d(e^x)/dx = e^x
                           });
}

Var log(const Var& x) {
    return unary("log", x, [](double v) { return std::log(v); },
                           [](const BackwardArgs& args) {
                               add_to_grad(args, 0, args.grad, args.input(0), kDiv);  // d(log x)/dx = 1/x
                           });
}

Var pow(const Var& x, double p) {
    if (!std::isfinite(p)) throw ValueError(fmt::format("pow: the exponent must be finite, got {}", p));
    return unary("pow", x, [p](double v) { return std::pow(v, p); }, [p](const BackwardArgs& args) {
        // d(x^p)/dx = p x^(p-1); x^0 is constant (and 0 * 0^-1 would be NaN)
        if (p == 0.0) return;
        add_to_grad(args, 0, args.grad, args.input(0), [p](double a, double x) { return a * p * std::pow(x, p - 1.0); });
    });
}

Var sqrt(const Var& x) {
    return unary("sqrt", x, [](double v) { return std::sqrt(v); },
                           [](const BackwardArgs& args) {  // d sqrt(x)/dx = 1 / (2 sqrt(x))
                               add_to_grad(args, 0, args.grad, args.out, [](double a, double y) { return a * 0.5 / y; });
                           });
}

Var tanh(const Var& x) {
    return unary("tanh", x, [](double v) { return std::tanh(v); },
                           [](const BackwardArgs& args) {  // d tanh(x)/dx = 1 - tanh^2(x)
                               add_to_grad(args, 0, args.grad, args.out, [](double a, double y) { return a * (1.0 - y * y); });
                           });
}

Var sigmoid(const Var& x) {
    const auto sigma = [](double t) {
        // e^-|x| never overflows: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) for x < 0
        const double e = std::exp(-std::abs(t));
        return t >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    };
    return unary("sigmoid", x, sigma, [](const BackwardArgs& args) {
        // d sigma/dx = sigma (1 - sigma)
        add_to_grad(args, 0, args.grad, args.out, [](double a, double y) { return a * y * (1.0 - y); });
    });
}

// ---- kink ops: each records which branch every element took ----------------------------------

Var relu(const Var& x) {
    return unary(
        "relu", x, [](double t) { return t > 0.0 ? t : 0.0; },
        [](const BackwardArgs& args) {  // d relu(x)/dx = 1 if x > 0 else 0 (relu'(0) = 0)
            add_to_grad(args, 0, args.grad, args.input(0), [](double a, double t) { return t > 0.0 ? a : 0.0; });
        },
        branches(x.value(), [](double t) -> std::uint8_t { return t > 0.0; }));
}

Var abs(const Var& x) {
    return unary(
        "abs", x, [](double t) { return std::abs(t); },
        [](const BackwardArgs& args) {  // d|x|/dx = sign(x), abs'(0) = 0
            add_to_grad(args, 0, args.grad, args.input(0), [](double a, double t) { return t > 0.0 ? a : t < 0.0 ? -a : 0.0; });
        },
        branches(x.value(), [](double t) -> std::uint8_t { return t < 0.0 ? 0 : t == 0.0 ? 1 : 2; }));
}

Var clip(const Var& x, double lo, double hi) {
    if (!(lo <= hi))
        throw ValueError(fmt::format("clip: needs lo <= hi, got lo = {}, hi = {}", lo, hi));
    const Tensor& xv = x.value();
    return x.tape().record(
        "clip", xt::clip(xv, lo, hi), {x},
        [lo, hi](const BackwardArgs& args) {  // d clip/dx = 1 strictly inside (lo, hi), else 0
            add_to_grad(args, 0, args.grad, args.input(0), [lo, hi](double a, double t) { return t > lo && t < hi ? a : 0.0; });
        },
        branches(xv, [lo, hi](double t) -> std::uint8_t { return t <= lo ? 0 : t < hi ? 1 : 2; }));
}

Var maximum(const Var& a, const Var& b) {
    return pick("maximum", a, b, [](const Tensor& x, const Tensor& y) { return x >= y; });
}
Var maximum(const Var& a, double b) { return maximum(a, a.tape().scalar(b)); }
Var maximum(double a, const Var& b) { return maximum(b.tape().scalar(a), b); }

Var minimum(const Var& a, const Var& b) {
    return pick("minimum", a, b, [](const Tensor& x, const Tensor& y) { return x <= y; });
}
Var minimum(const Var& a, double b) { return minimum(a, a.tape().scalar(b)); }
Var minimum(double a, const Var& b) { return minimum(b.tape().scalar(a), b); }

// ---- constant masks --------------------------------------------------------------------------

Var where(Tensor mask, Var a, Var b) {  // by value: see the note in ops.hpp
    require_mask("where", mask);
    detail::require_same_tape("where", a, b);
    const Shape ab = broadcast_shapes("where", a.shape(), b.shape());
    broadcast_shapes("where (mask against operands)", mask.shape(), ab);
    Tensor v = xt::where(mask, a.value(), b.value());  // a choice, not m a + (1-m) b: inf stays inf
    return a.tape().record("where", std::move(v), {a, b}, [mask = std::move(mask)](const BackwardArgs& args) {
        // d/da = m, d/db = 1 - m
        return Grads{args.needs_grad(0) ? Tensor(args.grad * mask) : Tensor(),
                     args.needs_grad(1) ? Tensor(args.grad * (1.0 - mask)) : Tensor()};
    });
}

Var mask(const Var& x, const Tensor& mask) {
    require_mask("mask", mask);
    broadcast_shapes("mask", x.shape(), mask.shape());
    Tensor v = xt::where(mask, x.value(), 0.0);  // masked-out inf or NaN becomes 0, not NaN
    return x.tape().record("mask", std::move(v), {x}, [mask](const BackwardArgs& args) {
        return Grads{args.grad * mask};  // d(m x)/dx = m
    });
}

}  // namespace gradlab
