#include "ops.hpp"

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor-blas/xlinalg.hpp>

namespace gradlab {

namespace {

// Records a binary elementwise op after checking that the shapes broadcast.
template <class Forward>
Var binary(const char* op, const Var& a, const Var& b, Forward forward, BackwardFn backward) {
    broadcast_shapes(op, a.shape(), b.shape());
    if (&a.tape() != &b.tape()) throw TapeError(fmt::format("{}: operands live on different tapes", op));
    Tensor v = forward(a.value(), b.value());
    return a.tape().record(op, std::move(v), {a, b}, std::move(backward));
}

std::size_t check_axis(const char* op, const Var& x, std::size_t axis) {
    if (axis >= x.value().dimension())
        throw ShapeError(fmt::format("{}: axis {} is out of range for shape {}", op, axis,
                                     shape_str(x.shape())));
    return axis;
}

// Spreads a reduced gradient back over the shape it was reduced from.
Tensor expand_reduced(const Tensor& g, const Shape& in_shape, std::size_t axis, bool keepdims) {
    Shape kept = in_shape;
    kept[axis] = 1;
    Tensor gk = keepdims ? g : Tensor(xt::reshape_view(g, kept));
    return xt::broadcast(gk, in_shape);
}

}  // namespace

// ---- arithmetic ------------------------------------------------------------------------------

Var operator+(const Var& a, const Var& b) {
    return binary("add", a, b, [](const Tensor& x, const Tensor& y) -> Tensor { return x + y; },
                  [](const BackwardArgs& g) {  // d(a+b)/da = 1, d(a+b)/db = 1
                      return Grads{g.grad, g.grad};
                  });
}

Var operator-(const Var& a, const Var& b) {
    return binary("sub", a, b, [](const Tensor& x, const Tensor& y) -> Tensor { return x - y; },
                  [](const BackwardArgs& g) {  // d(a-b)/da = 1, d(a-b)/db = -1
                      return Grads{g.grad, g.needs_grad(1) ? Tensor(-g.grad) : Tensor()};
                  });
}

Var operator*(const Var& a, const Var& b) {
    return binary("mul", a, b, [](const Tensor& x, const Tensor& y) -> Tensor { return x * y; },
                  [](const BackwardArgs& g) {  // d(ab)/da = b, d(ab)/db = a
                      return Grads{g.needs_grad(0) ? Tensor(g.grad * g.input(1)) : Tensor(),
                                   g.needs_grad(1) ? Tensor(g.grad * g.input(0)) : Tensor()};
                  });
}

Var operator/(const Var& a, const Var& b) {
    return binary("div", a, b, [](const Tensor& x, const Tensor& y) -> Tensor { return x / y; },
                  [](const BackwardArgs& g) {  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
                      const Tensor& bv = g.input(1);
                      return Grads{g.needs_grad(0) ? Tensor(g.grad / bv) : Tensor(),
                                   g.needs_grad(1) ? Tensor(-g.grad * g.input(0) / (bv * bv)) : Tensor()};
                  });
}

Var operator-(const Var& a) {
    return a.tape().record("neg", -a.value(), {a},
                           [](const BackwardArgs& g) { return Grads{-g.grad}; });  // d(-a)/da = -1
}

Var operator+(const Var& a, double b) { return a + a.tape().scalar(b); }
Var operator+(double a, const Var& b) { return b.tape().scalar(a) + b; }
Var operator-(const Var& a, double b) { return a - a.tape().scalar(b); }
Var operator-(double a, const Var& b) { return b.tape().scalar(a) - b; }
Var operator*(const Var& a, double b) { return a * a.tape().scalar(b); }
Var operator*(double a, const Var& b) { return b.tape().scalar(a) * b; }
Var operator/(const Var& a, double b) { return a / a.tape().scalar(b); }
Var operator/(double a, const Var& b) { return b.tape().scalar(a) / b; }

// ---- linear algebra --------------------------------------------------------------------------

Var matmul(const Var& a, const Var& b) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    if (sa.size() != 2 || sb.size() != 2)
        throw ShapeError(fmt::format("matmul: operands must be 2-D, got {} x {}", shape_str(sa), shape_str(sb)));
    if (sa[1] != sb[0])
        throw ShapeError(fmt::format("matmul: inner dimensions differ: {} x {}", shape_str(sa), shape_str(sb)));
    if (&a.tape() != &b.tape()) throw TapeError("matmul: operands live on different tapes");
    Tensor v = xt::linalg::dot(a.value(), b.value());
    return a.tape().record("matmul", std::move(v), {a, b}, [](const BackwardArgs& g) {
        // dL/dA = G B^T, dL/dB = A^T G
        Grads out(2);
        if (g.needs_grad(0)) {
            const Tensor bt = xt::transpose(g.input(1));
            out[0] = xt::linalg::dot(g.grad, bt);
        }
        if (g.needs_grad(1)) {
            const Tensor at = xt::transpose(g.input(0));
            out[1] = xt::linalg::dot(at, g.grad);
        }
        return out;
    });
}

// ---- reductions ------------------------------------------------------------------------------

Var sum(const Var& x) {
    Tensor v = xt::sum(x.value(), xt::evaluation_strategy::immediate);
    return x.tape().record("sum", std::move(v), {x}, [](const BackwardArgs& g) {
        return Grads{xt::broadcast(g.grad, g.input(0).shape())};  // d(sum x)/dx_i = 1
    });
}

Var sum(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("sum", x, axis);
    Tensor v = keepdims ? Tensor(xt::sum(x.value(), {axis}, xt::keep_dims | xt::evaluation_strategy::immediate))
                        : Tensor(xt::sum(x.value(), {axis}, xt::evaluation_strategy::immediate));
    return x.tape().record("sum", std::move(v), {x}, [axis, keepdims](const BackwardArgs& g) {
        return Grads{expand_reduced(g.grad, g.input(0).shape(), axis, keepdims)};
    });
}

Var mean(const Var& x) {
    if (x.value().size() == 0) throw ShapeError("mean: input is empty, shape " + shape_str(x.shape()));
    return sum(x) / static_cast<double>(x.value().size());
}

Var mean(const Var& x, std::size_t axis, bool keepdims) {
    check_axis("mean", x, axis);
    if (x.shape()[axis] == 0)
        throw ShapeError(fmt::format("mean: axis {} of shape {} is empty", axis, shape_str(x.shape())));
    return sum(x, axis, keepdims) / static_cast<double>(x.shape()[axis]);
}

// ---- elementwise -----------------------------------------------------------------------------

Var exp(const Var& x) {
    return x.tape().record("exp", xt::exp(x.value()), {x}, [](const BackwardArgs& g) {
        return Grads{g.grad * g.out};  // d(e^x)/dx = e^x
    });
}

Var log(const Var& x) {
    return x.tape().record("log", xt::log(x.value()), {x}, [](const BackwardArgs& g) {
        return Grads{g.grad / g.input(0)};  // d(log x)/dx = 1/x
    });
}

Var relu(const Var& x) {
    const Tensor& xv = x.value();
    std::vector<std::uint8_t> branch(xv.size());
    for (std::size_t i = 0; i < xv.size(); ++i) branch[i] = xv.flat(i) > 0.0;
    return x.tape().record(
        "relu", xt::maximum(xv, 0.0), {x},
        [](const BackwardArgs& g) {  // d relu(x)/dx = 1 if x > 0 else 0 (relu'(0) = 0)
            return Grads{g.grad * xt::cast<double>(g.input(0) > 0.0)};
        },
        std::move(branch));
}

}  // namespace gradlab
