#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>

using gradlab::Grads;
using gradlab::Parameter;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

namespace {
bool all_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
    return a.shape() == b.shape() && xt::allclose(a, b, 0.0, tol);
}
}  // namespace

TEST_CASE("fan-out accumulates: b = a + a, c = b * b gives dc/da = 8a", "[tape]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.5, -2.0});
    Var b = a + a;
    Var c = sum(b * b);
    tape.backward(c);
    CHECK(all_close(a.grad(), Tensor{12.0, -16.0}));
    CHECK(all_close(b.grad(), Tensor{6.0, -8.0}));  // dc/db = 2b
}

// [zero-grad]
TEST_CASE("a parameter's grad accumulates dL/dW across backward calls until zero_grad", "[tape]") {
    Parameter W(Tensor{{1.0, 2.0}, {3.0, 4.0}}, "W");
    Tape tape;
    Var w = tape.watch(W);
    Var L = sum(w * w);  // dL/dW = 2W
    tape.backward(L);
    CHECK(all_close(W.grad, 2.0 * W.value));
    tape.backward(L);  // documented: a second pass adds again
    CHECK(all_close(W.grad, 4.0 * W.value));
    W.zero_grad();
    CHECK(all_close(W.grad, Tensor{{0.0, 0.0}, {0.0, 0.0}}));
}
// [zero-grad]

TEST_CASE("intermediate gradients are recomputed, not accumulated, by a second backward", "[tape]") {
    Tape tape;
    Var a = tape.variable(Tensor{3.0});
    Var y = a * a;
    tape.backward(sum(y));
    tape.backward(sum(y));
    CHECK(all_close(y.grad(), Tensor{1.0}));
}

TEST_CASE("backward on a non-scalar needs a seed; with one it computes a vector-Jacobian product", "[tape]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0, 2.0, 3.0});
    Var y = a * a;
    CHECK_THROWS_AS(tape.backward(y), gradlab::TapeError);
    CHECK_THROWS_WITH(tape.backward(y), Catch::Contains("has shape (3,), not a scalar"));
    CHECK_THROWS_AS(tape.backward(y, Tensor{1.0, 1.0}), gradlab::ShapeError);
    tape.backward(y, Tensor{1.0, 0.0, -1.0});  // v^T J with J = diag(2a)
    CHECK(all_close(a.grad(), Tensor{2.0, 0.0, -6.0}));
}

TEST_CASE("handles are invalid after reset, and a reset tape records afresh", "[tape]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0});
    Var b = a * a;
    tape.reset();
    CHECK(tape.size() == 0);
    CHECK_THROWS_AS(b.value(), gradlab::TapeError);
    CHECK_THROWS_WITH(a + a, Catch::Contains("stale"));
    Var c = tape.variable(Tensor{2.0});
    tape.backward(sum(c * c * c));
    CHECK(all_close(c.grad(), Tensor{12.0}));
    Var empty;
    CHECK_THROWS_AS(empty.value(), gradlab::TapeError);
}

TEST_CASE("a handle from another tape is refused", "[tape]") {
    Tape t1, t2;
    Var a = t1.variable(Tensor{1.0});
    Var b = t2.variable(Tensor{1.0});
    CHECK_THROWS_AS(a + b, gradlab::TapeError);
    CHECK_THROWS_AS(t2.backward(sum(a)), gradlab::TapeError);
}

TEST_CASE("constants get no gradient and ops on constants only record no backward", "[tape]") {
    Tape tape;
    Var x = tape.constant(Tensor{1.0, 2.0});
    Var w = tape.variable(Tensor{3.0, 4.0});
    Var xx = x * x;  // constant-only
    CHECK_FALSE(xx.requires_grad());
    CHECK_FALSE(static_cast<bool>(tape.node(xx).backward));
    Var L = sum(xx * w);
    tape.backward(L);
    CHECK(all_close(w.grad(), Tensor{1.0, 4.0}));
    CHECK(all_close(x.grad(), Tensor{0.0, 0.0}));
    CHECK_FALSE(tape.node(x).has_grad);
}

TEST_CASE("a shared constant is read in place, not copied, and gradients flow past it", "[tape]") {
    auto x = std::make_shared<const Tensor>(Tensor{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
    Tape tape;
    for (int pass = 0; pass < 2; ++pass) {  // the same data on two tapes in a row
        tape.reset();
        Var xc = tape.constant(x, "X");
        CHECK(&xc.value() == x.get());  // the tape's value is the caller's tensor itself
        Tensor w0 = gradlab::zeros({2, 1});  // (Tensor{{1.0}, {-1.0}} is ambiguous in xtensor 0.24)
        w0(0, 0) = 1.0;
        w0(1, 0) = -1.0;
        Var w = tape.variable(w0);
        tape.backward(sum(matmul(xc, w)));
        // d/dW sum(XW) = X^T 1: the column sums of X
        CHECK(w.grad()(0, 0) == 9.0);
        CHECK(w.grad()(1, 0) == 12.0);
        CHECK_FALSE(xc.requires_grad());
    }
    CHECK(x.use_count() == 2);  // the tape holds it until reset or destruction
    tape.reset();
    tape.constant(Tensor{1.0});  // node #0 is reused and lets go of the shared tensor
    CHECK(x.use_count() == 1);
    CHECK_THROWS_WITH(tape.constant(std::shared_ptr<const Tensor>(), "X"),
                      Catch::Contains("constant 'X': the shared tensor is null"));
}

TEST_CASE("no_grad records values without backward; detach cuts the graph", "[tape]") {
    Tape tape;
    Var w = tape.variable(Tensor{2.0});
    {
        gradlab::NoGrad guard(tape);
        Var y = w * w;
        CHECK(y.value()(0) == 4.0);
        CHECK_FALSE(y.requires_grad());
    }
    Var d = detach(w * w);  // treated as the constant 4
    Var L = sum(d * w);
    tape.backward(L);
    CHECK(all_close(w.grad(), Tensor{4.0}));  // not 3 w^2 = 12
}

// A user-defined op in a few lines: forward value, backward lambda, partials in a comment.
Var cube(const Var& x) {  // d(x^3)/dx = 3x^2
    Tensor v = x.value() * x.value() * x.value();
    return x.tape().record("cube", std::move(v), {x}, [](const gradlab::BackwardArgs& args) {
        return Grads{args.grad * 3.0 * args.input(0) * args.input(0)};
    });
}

// [custom-op]
TEST_CASE("a custom op with a hand-written backward composes with built-in ops", "[tape][custom]") {
    Tape tape;
    Var x = tape.variable(Tensor{{1.0, -2.0}, {0.5, 3.0}});
    tape.backward(sum(cube(x) * 2.0));
    CHECK(all_close(x.grad(), 6.0 * x.value() * x.value()));
    CHECK(tape.node(1).op == "cube");
}
// [custom-op]

// The same op written the allocation-free way: add straight into the input's gradient buffer.
Var cube_in_place(const Var& x) {  // d(x^3)/dx = 3x^2
    Tensor v = x.value() * x.value() * x.value();
    return x.tape().record("cube", std::move(v), {x}, [](const gradlab::BackwardArgs& args) {
        Tensor& gx = args.grad_in(0);
        for (std::size_t i = 0; i < gx.size(); ++i)
            gx.flat(i) += args.grad.flat(i) * 3.0 * args.input(0).flat(i) * args.input(0).flat(i);
    });
}

TEST_CASE("a custom op may add into grad_in instead of returning Grads, with the same gradient", "[tape][custom]") {
    Tape tape;
    Var x = tape.variable(Tensor{{1.0, -2.0}, {0.5, 3.0}});
    Var y = cube_in_place(x);
    tape.backward(sum(cube(x) + y));  // x feeds both forms: the two shares add up
    CHECK(all_close(x.grad(), 6.0 * x.value() * x.value()));
}

TEST_CASE("grad_in refuses an input that takes no gradient", "[tape][custom]") {
    Tape tape;
    Var c = tape.constant(Tensor{1.0, 2.0});
    Var w = tape.variable(Tensor{3.0, 4.0});
    Var y = tape.record("careless", Tensor(c.value() * w.value()), {c, w}, [](const gradlab::BackwardArgs& args) {
        args.grad_in(0) += args.grad;  // input 0 is a constant
    });
    CHECK_THROWS_WITH(tape.backward(sum(y)),
                      Catch::Contains("backward of 'careless' (node #2): input 0 is a constant"));
}

TEST_CASE("gradient buffers reused across reset and repeated backward hold no stale shares", "[tape]") {
    Tape tape;
    Tensor first;
    for (int pass = 0; pass < 3; ++pass) {  // same shapes each pass: every buffer is reused
        tape.reset();
        Var x = tape.variable(Tensor{{1.0, 2.0}, {3.0, -1.0}});
        Var b = tape.variable(Tensor{0.5, -0.5});
        Var L = sum(tanh(x * b + x) * x);
        tape.backward(L);
        tape.backward(L);  // a second pass on the same tape recomputes, it does not add
        const Tensor gx = x.grad();
        // d/dx sum(tanh(x (b + 1)) x) = tanh(u) + x (b + 1) (1 - tanh(u)^2), u = x (b + 1)
        const Tensor u = x.value() * (b.value() + 1.0);
        const Tensor t = xt::tanh(u);
        const Tensor want = t + x.value() * (b.value() + 1.0) * (1.0 - t * t);
        CHECK(all_close(gx, want));
        if (pass == 0) first = gx;
        CHECK(gx == first);
    }
}

TEST_CASE("a reset tape of the same shapes reuses every value and gradient buffer", "[tape]") {
    Tape tape;
    std::vector<const double*> values, grads;
    for (int pass = 0; pass < 2; ++pass) {
        tape.reset();
        Var x = tape.variable(Tensor{{1.0, 2.0}, {3.0, 4.0}});
        Var y = relu(tanh(x) * x - x);  // unary and binary ops: record_into
        tape.backward(sum(y));
        for (std::size_t i = 0; i < tape.size(); ++i) {
            const gradlab::Node& n = tape.node(i);
            if (pass == 0) {
                values.push_back(n.value().data());
                grads.push_back(n.has_grad ? n.grad.data() : nullptr);
            } else {
                CHECK(n.value().data() == values[i]);
                if (n.has_grad && i + 1 < tape.size()) CHECK(n.grad.data() == grads[i]);  // (not the seed)
            }
        }
    }
}

TEST_CASE("record_into: a fill that throws leaves the tape as it was", "[tape][custom]") {
    Tape tape;
    Var x = tape.variable(Tensor{1.0, 2.0});
    CHECK_THROWS_WITH(tape.record_into("bad", x.shape(), {x},
                                       [](Tensor&) { throw gradlab::ValueError("bad: cannot fill"); },
                                       [](const gradlab::BackwardArgs&) {}),
                      "bad: cannot fill");
    CHECK(tape.size() == 1);
    Var y = tape.record_into("twice", x.shape(), {x}, [&x](Tensor& out) { out = 2.0 * x.value(); },
                             [](const gradlab::BackwardArgs& args) { args.grad_in(0) += 2.0 * args.grad; });
    CHECK(y.id() == 1);
    tape.backward(sum(y));
    CHECK(all_close(x.grad(), Tensor{2.0, 2.0}));
}

TEST_CASE("division's gradient stays finite where b^2 would underflow", "[tape]") {
    // d(x/y)/dy = -(x/y)/y: with x = y = 1e-200 that is -1e200, while -x / y^2 would be -inf.
    Tape tape;
    Var x = tape.variable(Tensor{1e-200});
    Var y = tape.variable(Tensor{1e-200});
    tape.backward(sum(x / y));
    CHECK(y.grad()(0) == Approx(-1e200));
    CHECK(x.grad()(0) == Approx(1e200));
}

TEST_CASE("a backward returning the wrong number of gradients is a clear error", "[tape][custom]") {
    Tape tape;
    Var x = tape.variable(Tensor{1.0});
    Var y = tape.record("broken", x.value(), {x}, [](const gradlab::BackwardArgs&) { return Grads{}; });
    CHECK_THROWS_WITH(tape.backward(sum(y)), Catch::Contains("backward of 'broken' (node #1): returned 0 gradients for 1 inputs"));
}

TEST_CASE("sum_to_shape undoes numpy broadcasting by summing", "[tape][broadcast]") {
    const Tensor g = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
    CHECK(all_close(gradlab::sum_to_shape(g, {2, 3}), g));
    CHECK(all_close(gradlab::sum_to_shape(g, {3}), Tensor{5.0, 7.0, 9.0}));
    CHECK(all_close(gradlab::sum_to_shape(g, {1, 3}), Tensor{{5.0, 7.0, 9.0}}));
    const Tensor rows = gradlab::sum_to_shape(g, {2, 1});
    REQUIRE(rows.shape() == gradlab::Shape{2, 1});
    CHECK(rows(0, 0) == 6.0);
    CHECK(rows(1, 0) == 15.0);
    Tensor total = gradlab::sum_to_shape(g, {});
    CHECK(total.dimension() == 0);
    CHECK(total() == 21.0);
    CHECK_THROWS_AS(gradlab::sum_to_shape(g, {2}), gradlab::ShapeError);
}

TEST_CASE("broadcast_shapes follows numpy and names both shapes when it cannot", "[tape][broadcast]") {
    CHECK(gradlab::broadcast_shapes("add", {500, 10}, {10}) == gradlab::Shape{500, 10});
    CHECK(gradlab::broadcast_shapes("add", {4, 1}, {1, 3}) == gradlab::Shape{4, 3});
    CHECK_THROWS_WITH(gradlab::broadcast_shapes("add", {2, 3}, {4}),
                      "add: shapes (2, 3) and (4,) cannot be broadcast together (axis 1: 3 vs 4)");
}

TEST_CASE("anomaly mode names the first op that made a non-finite value", "[tape][anomaly]") {
    Tape tape;
    Var x = tape.variable(Tensor{1.0, 0.0});
    Var quiet = log(x);  // anomaly mode off: -inf passes silently
    CHECK(std::isinf(quiet.value()(1)));
    tape.reset();
    tape.set_anomaly_mode(true);
    Var y = tape.variable(Tensor{1.0, 0.0});
    CHECK_THROWS_WITH(log(y), Catch::Contains("node #1 (log) produced a non-finite value: element 1"));
}

TEST_CASE("anomaly mode names the op whose backward made a non-finite gradient", "[tape][anomaly]") {
    Tape tape;
    tape.set_anomaly_mode(true);
    // sqrt(0) = 0 is finite, but d sqrt(x)/dx = 1 / (2 sqrt(x)) is infinite at 0.
    Var x = tape.variable(Tensor{4.0, 0.0});
    Var L = sum(sqrt(x));
    CHECK(L.value()() == 2.0);
    CHECK_THROWS_WITH(tape.backward(L), Catch::Contains("backward of node #1 (sqrt) sent a non-finite gradient to its input 0"));
}

TEST_CASE("a Parameter whose grad was reshaped after watch() fails backward before any grad changes",
          "[tape][errors]") {
    Tape tape;
    Parameter w1(Tensor{1.0, 2.0}, "W1");
    Parameter w2(Tensor{3.0, 4.0}, "W2");
    Var L = sum(tape.watch(w1) * tape.watch(w2));
    w1.grad = gradlab::zeros({3});  // no longer the shape of its value on the tape
    CHECK_THROWS_AS(tape.backward(L), gradlab::ShapeError);
    CHECK_THROWS_WITH(tape.backward(L), Catch::Contains("parameter 'W1' has grad of shape (3,) but its value on "
                                                        "the tape has shape (2,)"));
    // All or nothing: W2, which the reverse sweep reaches before W1, got no share either.
    CHECK(all_close(w2.grad, Tensor{0.0, 0.0}));
    w1.zero_grad();
    tape.backward(L);  // d(w1 . w2)/dw1 = w2, d/dw2 = w1
    CHECK(all_close(w1.grad, Tensor{3.0, 4.0}));
    CHECK(all_close(w2.grad, Tensor{1.0, 2.0}));
}
