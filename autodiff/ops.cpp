#include "ops.hpp"

#include "ops_internal.hpp"

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xmanipulation.hpp>
// OpenBLAS's C interface directly (not xt::linalg::dot): dgemm's transpose flags give G B^T and
// A^T G without materializing a transposed copy (A^T of a 500 x 3073 batch is 12 MB per backward).
// <cblas.h> must not share a TU with <xtensor-blas/xlinalg.hpp> (DESIGN.md, Known traps).
#include <cblas.h>

namespace gradlab {

using detail::add_to_grad;
using detail::binary;
using detail::kAdd;
using detail::kDiv;
using detail::kMul;
using detail::kSub;
using detail::unary;
using detail::zip;

// ---- arithmetic ------------------------------------------------------------------------------


// Each backward adds its share straight into the inputs' gradient buffers (add_to_grad: plain
// loops, nothing allocated unless an operand was broadcast).

Var operator+(const Var& a, const Var& b) {
    return binary("add", a, b, kAdd,
                  [](const BackwardArgs& args) {  // d(a+b)/da = 1, d(a+b)/db = 1
                      for (std::size_t k = 0; k < 2; ++k)
                          if (args.needs_grad(k)) add_to_grad(args, k, args.grad, [](double v) { return v; });
                  });
}

Var operator-(const Var& a, const Var& b) {
    return binary("sub", a, b, kSub,
                  [](const BackwardArgs& args) {  // d(a-b)/da = 1, d(a-b)/db = -1
                      if (args.needs_grad(0)) add_to_grad(args, 0, args.grad, [](double v) { return v; });
                      if (args.needs_grad(1)) add_to_grad(args, 1, args.grad, [](double v) { return -v; });
                  });
}

Var operator*(const Var& a, const Var& b) {
    return binary("mul", a, b, kMul,
                  [](const BackwardArgs& args) {  // d(ab)/da = b, d(ab)/db = a
                      if (args.needs_grad(0)) add_to_grad(args, 0, args.grad, args.input(1), kMul);
                      if (args.needs_grad(1)) add_to_grad(args, 1, args.grad, args.input(0), kMul);
                  });
}

Var operator/(const Var& a, const Var& b) {
    return binary("div", a, b, kDiv,
                  [](const BackwardArgs& args) {  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b
                      const Tensor& bv = args.input(1);
                      if (args.needs_grad(0)) add_to_grad(args, 0, args.grad, bv, kDiv);
                      if (args.needs_grad(1)) {
                          const Tensor q = zip(args.grad, args.out, kMul);  // G a/b, in the output's shape
                          add_to_grad(args, 1, q, bv, [](const auto& x, const auto& y) { return -x / y; });
                      }
                  });
}

Var operator-(const Var& a) {
    return unary("neg", a, [](double v) { return -v; }, [](const BackwardArgs& args) {  // d(-a)/da = -1
        add_to_grad(args, 0, args.grad, [](double v) { return -v; });
    });
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

namespace {

// C (m x n) += op(A) op(B) for row-major A and B, with op(X) = X or X^T; C already has its shape.
void gemm_add(const Tensor& A, bool trans_a, const Tensor& B, bool trans_b, Tensor& C, std::size_t m,
              std::size_t n, std::size_t k) {
    if (m == 0 || n == 0 || k == 0) return;
    const auto bi = [](std::size_t v) { return static_cast<blasint>(v); };
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                bi(m), bi(n), bi(k), 1.0, A.data(), bi(A.shape()[1]), B.data(), bi(B.shape()[1]), 1.0,
                C.data(), bi(n));
}

// C (m x n) = op(A) op(B).
Tensor gemm(const Tensor& A, bool trans_a, const Tensor& B, bool trans_b, std::size_t m, std::size_t n,
            std::size_t k) {
    Tensor c = zeros({m, n});
    gemm_add(A, trans_a, B, trans_b, c, m, n, k);
    return c;
}

}  // namespace

Var matmul(const Var& a, const Var& b) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    if (sa.size() != 2 || sb.size() != 2)
        throw ShapeError(fmt::format("matmul: operands must be 2-D, got {} x {}", shape_str(sa), shape_str(sb)));
    if (sa[1] != sb[0])
        throw ShapeError(fmt::format("matmul: inner dimensions differ: {} x {}", shape_str(sa), shape_str(sb)));
    detail::require_same_tape("matmul", a, b);
    return a.tape().record(
        "matmul", gemm(a.value(), false, b.value(), false, sa[0], sb[1], sa[1]), {a, b},
        [](const BackwardArgs& args) {
            // dL/dA = G B^T, dL/dB = A^T G  (A: m x k, B: k x n, G: m x n), added by dgemm
            // (beta = 1) straight into the gradient buffers
            const Tensor& A = args.input(0);
            const Tensor& B = args.input(1);
            const std::size_t m = A.shape()[0], k = A.shape()[1], n = B.shape()[1];
            if (args.needs_grad(0)) gemm_add(args.grad, false, B, true, args.grad_in(0), m, k, n);
            if (args.needs_grad(1)) gemm_add(A, true, args.grad, false, args.grad_in(1), k, n, m);
        });
}

// ---- shape ---------------------------------------------------------------------------------

Var transpose(const Var& x) {
    if (x.shape().size() != 2)
        throw ShapeError(fmt::format("transpose: expects a 2-D tensor, got shape {}", shape_str(x.shape())));
    Tensor v = xt::transpose(x.value());
    return x.tape().record("transpose", std::move(v), {x}, [](const BackwardArgs& args) {
        return Grads{Tensor(xt::transpose(args.grad))};  // (dL/dX) = (dL/dX^T)^T
    });
}

Var reshape(const Var& x, const Shape& shape) {
    const std::size_t n = require_shape_within_limit("reshape", shape);  // the product cannot wrap
    if (n != x.value().size())
        throw ShapeError(fmt::format("reshape: cannot reshape {} ({} elements) into {} ({} elements)",
                                     shape_str(x.shape()), x.value().size(), shape_str(shape), n));
    Tensor v = x.value();
    v.reshape(shape);
    return x.tape().record("reshape", std::move(v), {x}, [](const BackwardArgs& args) {
        Tensor r = args.grad;  // same elements in the same order: reshape the gradient back
        r.reshape(args.input(0).shape());
        return Grads{std::move(r)};
    });
}

}  // namespace gradlab
