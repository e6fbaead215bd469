#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/losses/softmax.hpp>

#include "loss_testing.hpp"

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

namespace {
const LossOf kFused = [](const Var& s) { return gl::softmax_cross_entropy(s, {2, 0}); };
const LossOf kComposed = [](const Var& s) { return gl::softmax_cross_entropy_composed(s, {2, 0}); };
}  // namespace

TEST_CASE("softmax cross-entropy is the mean of log sum exp minus the correct score", "[softmax]") {
    const Tensor s = {{1.0, 2.0, 3.0}, {0.5, -1.0, 0.0}};
    const double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
    const double row1 = std::log(std::exp(0.5) + std::exp(-1.0) + std::exp(0.0)) - 0.5;
    CHECK(value_of(kFused, s) == Approx((row0 + row1) / 2.0).epsilon(1e-14));
    CHECK(value_of(kComposed, s) == Approx((row0 + row1) / 2.0).epsilon(1e-14));
    CHECK(gl::softmax_cross_entropy_value(s, {2, 0}) == Approx((row0 + row1) / 2.0).epsilon(1e-14));
}

TEST_CASE("softmax loss ignores a shift of a row, even one that would overflow exp", "[softmax][stability]") {
    const Tensor s = {{1.0, 2.0, 3.0}, {0.5, -1.0, 0.0}};
    const Tensor shifted = {{1001.0, 1002.0, 1003.0}, {-799.5, -801.0, -800.0}};
    for (const LossOf& loss : {kFused, kComposed}) {
        const auto a = value_and_grad(loss, s);
        const auto b = value_and_grad(loss, shifted);
        CHECK(std::isfinite(b.value));
        // 1003 + log z carries one rounding at the scale of 1003 (~1e-13): compare at 1e-11.
        CHECK(b.value == Approx(a.value).epsilon(1e-11));
        CHECK(max_abs_diff(a.grad, b.grad) <= 1e-12);
    }
}

TEST_CASE("softmax gradient is (p - onehot(y)) / N and its rows sum to zero", "[softmax]") {
    const Tensor s = {{1.0, 2.0, 3.0}, {0.5, -1.0, 0.0}};
    const auto vg = value_and_grad(kFused, s);
    const double z0 = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    CHECK(vg.grad(0, 0) == Approx(std::exp(1.0) / z0 / 2.0).epsilon(1e-14));
    CHECK(vg.grad(0, 2) == Approx((std::exp(3.0) / z0 - 1.0) / 2.0).epsilon(1e-14));
    for (std::size_t i = 0; i < 2; ++i)
        CHECK(std::abs(vg.grad(i, 0) + vg.grad(i, 1) + vg.grad(i, 2)) <= 1e-16);
}

TEST_CASE("fused and composed softmax agree to 1e-12 in value and in dL/dW through matmul", "[softmax]") {
    const Tensor x = randn({40, 7}, 11);
    const Tensor w = randn({7, 5}, 12, 2.0);
    gl::Labels y(40);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i * 3 + 1) % 5;
    auto fused = value_and_grad(
        [&](const Var& wv) { return gl::softmax_cross_entropy(matmul(wv.tape().constant(x), wv), y); }, w);
    auto composed = value_and_grad(
        [&](const Var& wv) { return gl::softmax_cross_entropy_composed(matmul(wv.tape().constant(x), wv), y); }, w);
    CHECK(std::abs(fused.value - composed.value) <= 1e-12);
    CHECK(max_abs_diff(fused.grad, composed.grad) <= 1e-12);
    CHECK(fused.value > 0.5);  // not a trivially small loss
}

TEST_CASE("both softmax versions pass the gradient checker, w.r.t. the scores and w.r.t. W", "[softmax][gradcheck]") {
    const Tensor s = randn({2, 3}, 13);
    CHECK_THAT(value_and_grad(kFused, s).grad, gradlab::GradientMatches(as_function(kFused), s));
    CHECK_THAT(value_and_grad(kComposed, s).grad, gradlab::GradientMatches(as_function(kComposed), s));
    const Tensor x = randn({6, 4}, 14);
    const Tensor w = randn({4, 5}, 15);
    const gl::Labels y = {0, 4, 2, 2, 1, 3};
    const LossOf fused_w = [&](const Var& v) { return gl::softmax_cross_entropy(matmul(v.tape().constant(x), v), y); };
    const LossOf composed_w = [&](const Var& v) {
        return gl::softmax_cross_entropy_composed(matmul(v.tape().constant(x), v), y);
    };
    CHECK_THAT(value_and_grad(fused_w, w).grad, gradlab::GradientMatches(as_function(fused_w), w));
    CHECK_THAT(value_and_grad(composed_w, w).grad, gradlab::GradientMatches(as_function(composed_w), w));
}

TEST_CASE("the softmax kernel blocked over rows adds up to the whole batch, bit for bit", "[softmax][kernel]") {
    const Tensor s = randn({9, 4}, 16);
    const gl::Labels y = {3, 1, 2, 0, 0, 1, 2, 3, 3};
    Tensor whole = gradlab::zeros(s.shape()), blocked = gradlab::zeros(s.shape());
    const double total = gl::softmax_loss_grad_rows(s.data(), 4, y.data(), 9, 1.0 / 9.0, whole.data());
    const double first = gl::softmax_loss_grad_rows(s.data(), 4, y.data(), 5, 1.0 / 9.0, blocked.data());
    const double rest = gl::softmax_loss_grad_rows(s.data() + 20, 4, y.data() + 5, 4, 1.0 / 9.0, blocked.data() + 20);
    CHECK(first + rest == Approx(total).epsilon(1e-15));
    CHECK(max_abs_diff(whole, blocked) == 0.0);
}

TEST_CASE("softmax with W = 0.0001 randn and 10 classes starts near ln 10 = 2.303", "[softmax][sanity]") {
    const Tensor x = randn({200, 3073}, 17);
    const Tensor w = randn({3073, 10}, 18, 1e-4);
    gl::Labels y(200);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i * 7) % 10;
    for (const LossOf& loss :
         {LossOf([&](const Var& wv) { return gl::softmax_cross_entropy(matmul(wv.tape().constant(x), wv), y); }),
          LossOf([&](const Var& wv) { return gl::softmax_cross_entropy_composed(matmul(wv.tape().constant(x), wv), y); })})
        CHECK(value_of(loss, w) == Approx(std::log(10.0)).margin(1e-3));
}

TEST_CASE("softmax rejects bad input with an error naming the loss and the values", "[softmax][errors]") {
    gradlab::Tape tape;
    const Var s = tape.variable(Tensor{{1.0, 2.0}, {3.0, 4.0}});
    CHECK_THROWS_WITH(gl::softmax_cross_entropy(s, {0, 2}),
                      "softmax_cross_entropy: label 2 of row 1 is out of range for 2 classes");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy(s, {0, 1, 1}),
                      "softmax_cross_entropy: 3 labels for 2 rows of scores (2, 2)");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy(tape.variable(gradlab::zeros({2, 2, 1})), {0, 1}),
                      "softmax_cross_entropy: scores must be 2-D (N, C), got shape (2, 2, 1)");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy(tape.variable(gradlab::zeros({0, 2})), {}),
                      "softmax_cross_entropy: empty batch: scores have shape (0, 2)");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy(tape.variable(row({1.0, INFINITY})), {0}),
                      "softmax_cross_entropy: score (0, 1) is not finite: inf");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy_composed(tape.variable(row({-INFINITY, 1.0})), {0}),
                      "softmax_cross_entropy_composed: score (0, 0) is not finite: -inf");
    CHECK_THROWS_WITH(gl::softmax_cross_entropy_composed(s, {7, 0}),
                      "softmax_cross_entropy_composed: label 7 of row 0 is out of range for 2 classes");
    CHECK_THROWS_AS(gl::softmax_cross_entropy_value(Tensor{1.0}, {0}), gradlab::ShapeError);
}
