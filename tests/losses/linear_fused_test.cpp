#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

#include "loss_testing.hpp"

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

namespace {

gl::Labels cyclic_labels(std::size_t n, std::size_t c) {
    gl::Labels y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = (i * 7 + 3) % c;
    return y;
}

// The raw kernel's view of x (N, D), w (D, C), labels and an optional bias (all rows, in order).
gl::LinearLossInputs kernel_inputs(const Tensor& x, const Tensor& w, const gl::Labels& y, const Tensor* b) {
    gl::LinearLossInputs in;
    in.x = x.data();
    in.x_rows = in.batch = x.shape()[0];
    in.dims = x.shape()[1];
    in.w = w.data();
    in.classes = w.shape()[1];
    in.b = b != nullptr ? b->data() : nullptr;
    in.labels = y.data();
    return in;
}

// Value and the gradients of x, W and b of one loss, all three leaves watched on one tape.
struct AllGrads {
    double value;
    Tensor dx, dw, db;
};

using Route = Var (*)(gl::LinearLoss, const Var& x, const Var& w, const Var* b, const gl::Labels& y, double delta);

// The reference: linear scores by matmul (+ b), then the composed loss from tape ops.
Var composed(gl::LinearLoss loss, const Var& x, const Var& w, const Var* b, const gl::Labels& y, double delta) {
    Var s = b != nullptr ? matmul(x, w) + *b : matmul(x, w);
    return loss == gl::LinearLoss::Svm ? gl::svm_composed(s, y, delta) : gl::softmax_cross_entropy_composed(s, y);
}
Var fused(gl::LinearLoss loss, const Var& x, const Var& w, const Var* b, const gl::Labels& y, double delta) {
    if (loss == gl::LinearLoss::Svm) return b != nullptr ? gl::linear_svm(x, w, *b, y, delta) : gl::linear_svm(x, w, y, delta);
    return b != nullptr ? gl::linear_softmax(x, w, *b, y) : gl::linear_softmax(x, w, y);
}

AllGrads run(Route route, gl::LinearLoss loss, const Tensor& x, const Tensor& w, const Tensor* b,
             const gl::Labels& y, double delta = 1.0) {
    gradlab::Parameter px(x, "x"), pw(w, "W"), pb(b != nullptr ? *b : Tensor(), "b");
    gradlab::Tape tape;
    const Var xv = tape.watch(px), wv = tape.watch(pw);
    Var bv;
    if (b != nullptr) bv = tape.watch(pb);
    const Var l = route(loss, xv, wv, b != nullptr ? &bv : nullptr, y, delta);
    tape.backward(l);
    return {l.value()(), px.grad, pw.grad, b != nullptr ? pb.grad : Tensor()};
}

void require_same(const AllGrads& f, const AllGrads& c, bool with_bias) {
    CHECK(std::abs(f.value - c.value) <= 1e-12);
    CHECK(max_abs_diff(f.dw, c.dw) <= 1e-12);
    CHECK(max_abs_diff(f.dx, c.dx) <= 1e-12);
    if (with_bias) CHECK(max_abs_diff(f.db, c.db) <= 1e-12);
}

// Restores the default thread count and instruction set when a test that sets them ends.
struct KernelScope {
    KernelScope(unsigned threads, gl::KernelIsa isa) {
        gl::set_kernel_threads(threads);
        gl::set_kernel_isa(isa);
    }
    ~KernelScope() {
        gl::set_kernel_threads(0);
        gl::set_kernel_isa(gl::KernelIsa::Auto);
    }
};

}  // namespace

TEST_CASE("fused linear losses equal matmul + composed loss to 1e-12: value, dL/dx, dL/dW, dL/db",
          "[linear_fused]") {
    // Shapes chosen for the kernel's edges: D below, at and past its 8- and 16-wide vectors; C = 1
    // and C not a multiple of the 5-class tile; N not a multiple of the 4-row tile; N past one
    // block of rows (about 256 KB of X: 109 rows at D = 300) and not a multiple of it.
    struct Case {
        std::size_t n, d, c;
    };
    const Case cases[] = {{1, 1, 1}, {3, 5, 2}, {7, 8, 3}, {13, 17, 7}, {37, 33, 10}, {250, 300, 11}, {9, 3073, 10}};
    const unsigned threads = GENERATE(1u, 2u);
    // Each compiled copy of the kernel (its own vector width and register tiles) this CPU runs.
    const gl::KernelIsa isa = GENERATE(gl::KernelIsa::Avx512, gl::KernelIsa::Avx2, gl::KernelIsa::Baseline);
    if (!gl::kernel_isa_supported(isa)) {
        WARN("this CPU cannot run the " << gl::kernel_isa_name(isa) << " kernel: not tested here");
        return;
    }
    const KernelScope scope(threads, isa);
    for (const Case& k : cases) {
        const Tensor x = randn({k.n, k.d}, 10 + k.d);
        const Tensor w = randn({k.d, k.c}, 20 + k.d, 0.3);
        const Tensor b = randn({k.c}, 30 + k.d);
        const gl::Labels y = cyclic_labels(k.n, k.c);
        for (const gl::LinearLoss loss : {gl::LinearLoss::Svm, gl::LinearLoss::Softmax}) {
            INFO("N " << k.n << " D " << k.d << " C " << k.c << " threads " << threads << " isa "
                      << gl::kernel_isa_name(isa) << " loss "
                      << (loss == gl::LinearLoss::Svm ? "svm" : "softmax"));
            require_same(run(fused, loss, x, w, nullptr, y), run(composed, loss, x, w, nullptr, y), false);
            require_same(run(fused, loss, x, w, &b, y), run(composed, loss, x, w, &b, y), true);
        }
    }
}

TEST_CASE("every register tiling, AVX-512's included, equals matmul + composed loss on any CPU",
          "[linear_fused][tiles]") {
    // The AVX-512 tiles (8-wide vectors, 4 x 5 score and 5 x 4 gradient tiles) compiled for the
    // baseline instruction set, so their logic is checked on machines without AVX-512; likewise
    // the AVX2 tiles. Shapes with tails everywhere: D not a multiple of 8, 32 or the panel width
    // (C = 10: 192 columns; D = 3073 has a last panel wider than the others, D = 700 a narrower
    // one); C = 1, 3, 7, 11 (class tiles of 5 + a partial one); N not a multiple of 4 and past one
    // block of rows (44 rows at D = 700); N D C >= 2^20 at (150, 700, 11), so two threads run.
    struct Case {
        std::size_t n, d, c;
    };
    const Case cases[] = {{6, 1, 1}, {5, 9, 3}, {13, 31, 7}, {37, 33, 10}, {97, 700, 11}, {150, 700, 11}, {9, 3073, 10}};
    const gl::KernelIsa tiles = GENERATE(gl::KernelIsa::Avx512, gl::KernelIsa::Avx2, gl::KernelIsa::Baseline);
    for (const Case& k : cases) {
        const Tensor x = randn({k.n, k.d}, 40 + k.d);
        const Tensor w = randn({k.d, k.c}, 50 + k.d, 0.3);
        const Tensor b = randn({k.c}, 60 + k.d);
        const gl::Labels y = cyclic_labels(k.n, k.c);
        const gl::LinearLossInputs in = kernel_inputs(x, w, y, &b);
        for (const gl::LinearLoss loss : {gl::LinearLoss::Svm, gl::LinearLoss::Softmax}) {
            INFO("N " << k.n << " D " << k.d << " C " << k.c << " tiles " << gl::kernel_isa_name(tiles) << " loss "
                      << (loss == gl::LinearLoss::Svm ? "svm" : "softmax"));
            const AllGrads want = run(composed, loss, x, w, &b, y);
            Tensor dw = gradlab::zeros({k.d, k.c}), db = gradlab::zeros({k.c});
            const double value = gl::detail::linear_loss_grad_portable(loss, in, {dw.data(), db.data(), nullptr}, 2, tiles);
            CHECK(std::abs(value - want.value) <= 1e-12);
            CHECK(max_abs_diff(dw, want.dw) <= 1e-12);
            CHECK(max_abs_diff(db, want.db) <= 1e-12);
        }
    }
}

TEST_CASE("two threads split the rows and sum to what one thread computes", "[linear_fused][threads]") {
    // Large enough that the kernel really starts a second thread (N D C >= 2^20).
    const Tensor x = randn({600, 400}, 1);
    const Tensor w = randn({400, 10}, 2, 0.1);
    const Tensor b = randn({10}, 3);
    const gl::Labels y = cyclic_labels(600, 10);
    Tensor dw1 = gradlab::zeros({400, 10}), dw2 = dw1, db1 = gradlab::zeros({10}), db2 = db1;
    const gl::LinearLossInputs in = kernel_inputs(x, w, y, &b);
    for (const gl::LinearLoss loss : {gl::LinearLoss::Svm, gl::LinearLoss::Softmax}) {
        const double l1 = gl::linear_loss_grad(loss, in, {dw1.data(), db1.data(), nullptr}, 1);
        const double l2 = gl::linear_loss_grad(loss, in, {dw2.data(), db2.data(), nullptr}, 2);
        CHECK(std::abs(l1 - l2) <= 1e-12);
        CHECK(max_abs_diff(dw1, dw2) <= 1e-12);
        CHECK(max_abs_diff(db1, db2) <= 1e-12);
    }
}

TEST_CASE("back-to-back calls on 1, 2 and 3 threads reuse the worker threads and give one thread's sums",
          "[linear_fused][threads]") {
    // The pool's workers spin between calls and block after a while; calls that come quickly
    // (as in a training loop), calls that need fewer threads than the pool has, and calls after
    // a pause long enough for the workers to block must all run every share exactly once.
    const Tensor x = randn({600, 400}, 4);
    const Tensor w = randn({400, 10}, 5, 0.1);
    const gl::Labels y = cyclic_labels(600, 10);
    const gl::LinearLossInputs in = kernel_inputs(x, w, y, nullptr);
    Tensor dw1 = gradlab::zeros({400, 10}), dw = dw1;
    const double l1 = gl::linear_loss_grad(gl::LinearLoss::Softmax, in, {dw1.data(), nullptr, nullptr}, 1);
    for (int call = 0; call < 60; ++call) {
        const unsigned threads = 1 + static_cast<unsigned>(call % 3);
        if (call % 20 == 19) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // workers block
        const double l = gl::linear_loss_grad(gl::LinearLoss::Softmax, in, {dw.data(), nullptr, nullptr}, threads);
        INFO("call " << call << " on " << threads << " threads");
        REQUIRE(std::abs(l - l1) <= 1e-12);
        REQUIRE(max_abs_diff(dw, dw1) <= 1e-12);
    }
}

TEST_CASE("a margin of exactly 0 gets subgradient 0 in the fused kernel as in the composed svm",
          "[linear_fused][kink]") {
    // Small integers: every score is exact in any summation order, so the margins below are
    // exactly 0, and fused and composed must agree on the kink, not merely near it.
    // scores = x W: row 0 = (2, 1, 1) with y = 0 -> margins 0, 0 (both kinks);
    //               row 1 = (1, 2, 3) with y = 2 -> margins -1, 0 (one kink, one inactive).
    const Tensor x = {{1.0, 1.0}, {0.0, 1.0}};
    const Tensor w = {{1.0, -1.0, -2.0}, {1.0, 2.0, 3.0}};
    const gl::Labels y = {0, 2};
    for (const bool trick : {false, true}) {
        const Tensor b = {0.0, 0.0, 0.0};
        const AllGrads f = run(fused, gl::LinearLoss::Svm, x, w, trick ? nullptr : &b, y);
        const AllGrads c = run(composed, gl::LinearLoss::Svm, x, w, trick ? nullptr : &b, y);
        CHECK(f.value == 0.0);
        CHECK(c.value == 0.0);
        CHECK(max_abs_diff(f.dw, gradlab::zeros({2, 3})) == 0.0);  // every hinge at or below its kink
        require_same(f, c, !trick);
    }
    // delta = 2.5 moves the same four margins to 1.5, 1.5, 0.5, 1.5: all active.
    const AllGrads f = run(fused, gl::LinearLoss::Svm, x, w, nullptr, y, 2.5);
    const AllGrads c = run(composed, gl::LinearLoss::Svm, x, w, nullptr, y, 2.5);
    CHECK(f.value == Approx((1.5 + 1.5 + 0.5 + 1.5) / 2.0).epsilon(1e-15));
    require_same(f, c, false);
}

TEST_CASE("the fused svm records its active hinges, as svm() does", "[linear_fused][kink]") {
    gradlab::Tape tape;
    const Tensor x = {{1.0, 1.0}, {0.0, 1.0}};
    const Tensor w = {{1.0, -1.0, -2.0}, {1.0, 2.0, 3.0}};
    const Var l = gl::linear_svm(tape.constant(x), tape.variable(w), {1, 0}, 1.0);
    // scores (2, 1, 1) y = 1: margins 2, -, 1; scores (1, 2, 3) y = 0: margins -, 2, 3.
    const auto& branch = tape.node(l).branch;
    CHECK(std::vector<int>(branch.begin(), branch.end()) == std::vector<int>{1, 0, 1, 0, 1, 1});
}

TEST_CASE("fused linear losses pass the gradient checker for x, W and b", "[linear_fused][gradcheck]") {
    const Tensor x = randn({9, 19}, 41);
    const Tensor w = randn({19, 4}, 42, 0.4);
    const Tensor b = randn({4}, 43);
    const gl::Labels y = cyclic_labels(9, 4);
    for (const gl::LinearLoss loss : {gl::LinearLoss::Svm, gl::LinearLoss::Softmax}) {
        const auto op = [loss](const Var& xv, const Var& wv, const Var& bv, const gl::Labels& yy) {
            return loss == gl::LinearLoss::Svm ? gl::linear_svm(xv, wv, bv, yy, 1.0) : gl::linear_softmax(xv, wv, bv, yy);
        };
        const LossOf of_w = [&](const Var& v) { return op(v.tape().constant(x), v, v.tape().constant(b), y); };
        const LossOf of_x = [&](const Var& v) { return op(v, v.tape().constant(w), v.tape().constant(b), y); };
        const LossOf of_b = [&](const Var& v) { return op(v.tape().constant(x), v.tape().constant(w), v, y); };
        CHECK_THAT(value_and_grad(of_w, w).grad, gradlab::GradientMatches(as_function(of_w), w));
        CHECK_THAT(value_and_grad(of_x, x).grad, gradlab::GradientMatches(as_function(of_x), x));
        CHECK_THAT(value_and_grad(of_b, b).grad, gradlab::GradientMatches(as_function(of_b), b));
    }
}

TEST_CASE("a minibatch read in place by row index equals the gathered batch", "[linear_fused][rows]") {
    const Tensor x_all = randn({50, 23}, 51);
    const Tensor w = randn({23, 6}, 52, 0.3);
    const Tensor b = randn({6}, 53);
    const std::vector<std::size_t> rows = {49, 3, 3, 17, 0, 22, 8};  // repeats and any order
    const gl::Labels y = cyclic_labels(rows.size(), 6);
    Tensor batch = gradlab::zeros({rows.size(), 23});
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < 23; ++j) batch(i, j) = x_all(rows[i], j);
    for (const gl::LinearLoss loss : {gl::LinearLoss::Svm, gl::LinearLoss::Softmax}) {
        const AllGrads gathered = run(composed, loss, batch, w, &b, y);
        gradlab::Parameter px(x_all, "X"), pw(w, "W"), pb(b, "b");
        gradlab::Tape tape;
        const Var l = gl::linear_loss_rows(loss, tape.watch(px), rows, tape.watch(pw), tape.watch(pb), y);
        tape.backward(l);
        CHECK(std::abs(l.value()() - gathered.value) <= 1e-12);
        CHECK(max_abs_diff(pw.grad, gathered.dw) <= 1e-12);
        CHECK(max_abs_diff(pb.grad, gathered.db) <= 1e-12);
        // dL/dX lands on the rows that were read, summed where a row was read twice.
        Tensor dx_expected = gradlab::zeros({50, 23});
        for (std::size_t i = 0; i < rows.size(); ++i)
            for (std::size_t j = 0; j < 23; ++j) dx_expected(rows[i], j) += gathered.dx(i, j);
        CHECK(max_abs_diff(px.grad, dx_expected) <= 1e-12);
    }
}

TEST_CASE("fused linear losses reject bad input, naming the op and the shapes", "[linear_fused][errors]") {
    gradlab::Tape tape;
    const Var x = tape.constant(randn({4, 3}, 1));
    const Var w = tape.variable(randn({3, 2}, 2));
    const Var w_bad = tape.variable(randn({4, 2}, 3));
    const Var b_bad = tape.variable(randn({3}, 4));
    CHECK_THROWS_AS(gl::linear_svm(x, w_bad, {0, 1, 0, 1}), gradlab::ShapeError);
    CHECK_THROWS_WITH(gl::linear_svm(x, w_bad, {0, 1, 0, 1}),
                      "linear_svm: expects x (N, D) and w (D, C), got x (4, 3) and w (4, 2)");
    CHECK_THROWS_WITH(gl::linear_softmax(x, w, b_bad, {0, 1, 0, 1}),
                      "linear_softmax: bias must be (2,) or (1, 2) for w (3, 2), got (3,)");
    CHECK_THROWS_WITH(gl::linear_softmax(x, w, {0, 1}),
                      "linear_softmax: 2 labels for a batch of 4 rows (x (4, 3)); need one per row");
    CHECK_THROWS_WITH(gl::linear_svm(x, w, {0, 1, 2, 1}), "linear_svm: label 2 of row 2 is out of range for 2 classes");
    CHECK_THROWS_WITH(gl::linear_svm(x, w, {0, 1, 0, 1}, -1.0),
                      "linear_svm: margin delta must be finite and >= 0, got -1");
    CHECK_THROWS_WITH(gl::linear_loss_rows(gl::LinearLoss::Softmax, x, {0, 4}, w, {0, 1}),
                      "linear_softmax: batch row 1 is row 4 of x, which has only 4 rows");
    Tensor xi = randn({4, 3}, 5);
    xi(2, 1) = std::nan("");
    CHECK_THROWS_AS(gl::linear_softmax(tape.constant(xi), w, {0, 1, 0, 1}), gradlab::ValueError);
    gradlab::Tape other;
    CHECK_THROWS_AS(gl::linear_svm(x, other.variable(randn({3, 2}, 6)), {0, 1, 0, 1}), gradlab::TapeError);
}
