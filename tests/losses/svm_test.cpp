#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/losses/svm.hpp>

#include "loss_testing.hpp"

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

namespace {
// Three examples, three classes, worked out by hand: row losses 2.9, 0 and 12.9.
const Tensor kScores = {{3.2, 5.1, -1.7}, {1.3, 4.9, 2.0}, {2.2, 2.5, -3.1}};
const gl::Labels kLabels = {0, 1, 2};
}  // namespace

TEST_CASE("svm is the mean over examples of the sum of positive margins", "[svm]") {
    const double expected = (2.9 + 0.0 + 12.9) / 3.0;
    CHECK(gl::svm_value(kScores, kLabels) == Approx(expected).epsilon(1e-14));
    CHECK(value_of([](const Var& s) { return gl::svm(s, kLabels); }, kScores) == Approx(expected).epsilon(1e-14));
    CHECK(value_of([](const Var& s) { return gl::svm_composed(s, kLabels); }, kScores) == Approx(expected).epsilon(1e-14));
    // A margin delta of 0 only charges classes that outscore the correct one.
    CHECK(gl::svm_value(kScores, kLabels, 0.0) == Approx((1.9 + 0.0 + 10.9) / 3.0).epsilon(1e-14));
}

// [notes-rule]
TEST_CASE("svm gradient is the notes' rule: +x_i for each violating class, -count x_i for y_i", "[svm]") {
    // One example x, W (D, C): dW[:, j] = 1(m_j > 0) x for j != y, dW[:, y] = -count x.
    const Tensor x = {{1.0, -2.0, 0.5}};
    const Tensor w = {{0.2, -0.1, 0.4, 0.0}, {0.1, 0.3, -0.2, 0.05}, {-0.3, 0.2, 0.1, 0.6}};
    const gl::Labels y = {1};
    const auto vg = value_and_grad([&](const Var& wv) { return gl::svm(matmul(wv.tape().constant(x), wv), y); }, w);
    // scores = [0.2-0.2-0.15, -0.1-0.6+0.1, 0.4+0.4+0.05, 0-0.1+0.3] = [-0.15, -0.6, 0.85, 0.2]
    // margins vs s_y = -0.6: [1.45, -, 2.45, 1.8]: all three positive, count 3.
    const double ind[4] = {1.0, -3.0, 1.0, 1.0};
    for (std::size_t d = 0; d < 3; ++d)
        for (std::size_t j = 0; j < 4; ++j) CHECK(vg.grad(d, j) == Approx(ind[j] * x(0, d)).epsilon(1e-14));
    CHECK(vg.value == Approx(1.45 + 2.45 + 1.8).epsilon(1e-14));
}
// [notes-rule]

// [composed-equals-fused]
TEST_CASE("fused and composed svm agree to 1e-12 in value and in dL/dW through matmul", "[svm]") {
    const Tensor x = randn({40, 7}, 1);
    const Tensor w = randn({7, 5}, 2, 0.5);
    gl::Labels y(40);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i * 7 + 3) % 5;
    for (double delta : {1.0, 0.3, 0.0}) {
        auto fused = value_and_grad([&](const Var& wv) { return gl::svm(matmul(wv.tape().constant(x), wv), y, delta); }, w);
        auto composed = value_and_grad(
            [&](const Var& wv) { return gl::svm_composed(matmul(wv.tape().constant(x), wv), y, delta); }, w);
        CHECK(std::abs(fused.value - composed.value) <= 1e-12);
        CHECK(max_abs_diff(fused.grad, composed.grad) <= 1e-12);
        CHECK(fused.value > 0.0);
    }
}
// [composed-equals-fused]

TEST_CASE("both svm versions pass the gradient checker, w.r.t. the scores and w.r.t. W", "[svm][gradcheck]") {
    const Tensor x = randn({6, 4}, 3);
    const Tensor w = randn({4, 5}, 4);
    const gl::Labels y = {0, 4, 2, 2, 1, 3};
    const Tensor s = randn({6, 5}, 5);
    const LossOf fused_s = [&](const Var& v) { return gl::svm(v, y); };
    const LossOf composed_s = [&](const Var& v) { return gl::svm_composed(v, y); };
    const LossOf fused_w = [&](const Var& v) { return gl::svm(matmul(v.tape().constant(x), v), y); };
    const LossOf composed_w = [&](const Var& v) { return gl::svm_composed(matmul(v.tape().constant(x), v), y); };
    CHECK_THAT(value_and_grad(fused_s, s).grad, gradlab::GradientMatches(as_function(fused_s), s));
    CHECK_THAT(value_and_grad(composed_s, s).grad, gradlab::GradientMatches(as_function(composed_s), s));
    CHECK_THAT(value_and_grad(fused_w, w).grad, gradlab::GradientMatches(as_function(fused_w), w));
    CHECK_THAT(value_and_grad(composed_w, w).grad, gradlab::GradientMatches(as_function(composed_w), w));
}

TEST_CASE("a margin of exactly 0 gets subgradient 0 in both versions (relu'(0) = 0)", "[svm][kink]") {
    // Row 0: m_1 = 1 - 2 + 1 = 0 exactly (the kink), m_2 = -1. Row 1: m_0 = 0.5 > 0, m_2 = 0.
    const Tensor s = {{2.0, 1.0, 0.0}, {1.0, 1.5, 0.5}};
    const gl::Labels y = {0, 1};
    const Tensor expected = {{0.0, 0.0, 0.0}, {0.5, -0.5, 0.0}};  // 1(m > 0) / N
    for (const LossOf& loss : {LossOf([&](const Var& v) { return gl::svm(v, y); }),
                               LossOf([&](const Var& v) { return gl::svm_composed(v, y); })}) {
        const auto vg = value_and_grad(loss, s);
        CHECK(vg.value == Approx(0.25).epsilon(1e-15));
        CHECK(max_abs_diff(vg.grad, expected) == 0.0);
    }
}

TEST_CASE("fused svm records which hinge terms were active", "[svm][kink]") {
    gradlab::Tape tape;
    const Var l = gl::svm(tape.variable(Tensor{{2.0, 1.0, 0.0}, {1.0, 1.5, 0.5}}), {0, 1});
    const auto& branch = tape.node(l).branch;
    REQUIRE(branch.size() == 6);
    CHECK(std::vector<int>(branch.begin(), branch.end()) == std::vector<int>{0, 0, 0, 1, 0, 0});
}

TEST_CASE("the svm kernel blocked over rows adds up to the whole batch, bit for bit", "[svm][kernel]") {
    const Tensor s = randn({10, 4}, 6);
    const gl::Labels y = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1};
    Tensor whole = gradlab::zeros(s.shape()), blocked = gradlab::zeros(s.shape());
    const double total = gl::svm_loss_grad_rows(s.data(), 4, y.data(), 10, 1.0, 0.1, whole.data());
    const double first = gl::svm_loss_grad_rows(s.data(), 4, y.data(), 3, 1.0, 0.1, blocked.data());
    const double rest = gl::svm_loss_grad_rows(s.data() + 12, 4, y.data() + 3, 7, 1.0, 0.1, blocked.data() + 12);
    CHECK(first + rest == Approx(total).epsilon(1e-15));
    CHECK(max_abs_diff(whole, blocked) == 0.0);
    CHECK(total / 10.0 == Approx(gl::svm_value(s, y)).epsilon(1e-15));
}

TEST_CASE("squared hinge sums squared positive margins; its gradient is 2 max(0, m)", "[svm][squared_hinge]") {
    const double expected = (2.9 * 2.9 + 0.0 + (6.3 * 6.3 + 6.6 * 6.6)) / 3.0;
    const LossOf loss = [](const Var& v) { return gl::squared_hinge(v, kLabels); };
    CHECK(value_of(loss, kScores) == Approx(expected).epsilon(1e-14));
    const Tensor s = randn({5, 3}, 7);
    const LossOf loss5 = [](const Var& v) { return gl::squared_hinge(v, {0, 1, 2, 1, 0}, 0.7); };
    CHECK_THAT(value_and_grad(loss5, s).grad, gradlab::GradientMatches(as_function(loss5), s));
}

TEST_CASE("svm with W = 0.0001 randn and 10 classes starts near C - 1 = 9", "[svm][sanity]") {
    const Tensor x = randn({200, 3073}, 8);
    const Tensor w = randn({3073, 10}, 9, 1e-4);
    gl::Labels y(200);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 10;
    const double l = value_of([&](const Var& wv) { return gl::svm(matmul(wv.tape().constant(x), wv), y); }, w);
    // Every score is ~0.005, so every one of the 9 margins is ~delta = 1.
    CHECK(l == Approx(9.0).margin(0.05));
}

TEST_CASE("svm rejects bad input with an error naming the loss and the values", "[svm][errors]") {
    gradlab::Tape tape;
    const Var s = tape.variable(kScores);
    CHECK_THROWS_WITH(gl::svm(s, {0, 1, 3}), "svm: label 3 of row 2 is out of range for 3 classes");
    CHECK_THROWS_WITH(gl::svm(s, {0, 1}), "svm: 2 labels for 3 rows of scores (3, 3)");
    CHECK_THROWS_WITH(gl::svm(tape.variable(Tensor{1.0, 2.0}), {0, 1}),
                      "svm: scores must be 2-D (N, C), got shape (2,)");
    CHECK_THROWS_WITH(gl::svm(tape.variable(gradlab::zeros({0, 3})), {}), "svm: empty batch: scores have shape (0, 3)");
    CHECK_THROWS_WITH(gl::svm(s, kLabels, -1.0), "svm: margin delta must be finite and >= 0, got -1");
    CHECK_THROWS_AS(gl::svm(s, kLabels, std::nan("")), gradlab::ValueError);
    Tensor bad = kScores;
    bad(1, 2) = std::nan("");
    CHECK_THROWS_WITH(gl::svm(tape.variable(bad), kLabels), "svm: score (1, 2) is not finite: nan");
    CHECK_THROWS_WITH(gl::svm_composed(tape.variable(bad), kLabels), "svm_composed: score (1, 2) is not finite: nan");
    CHECK_THROWS_WITH(gl::svm_composed(s, {0, 5, 1}), "svm_composed: label 5 of row 1 is out of range for 3 classes");
    CHECK_THROWS_WITH(gl::svm_composed(s, kLabels, -0.5), "svm_composed: margin delta must be finite and >= 0, got -0.5");
    CHECK_THROWS_WITH(gl::squared_hinge(s, {0, 1, 9}), "squared_hinge: label 9 of row 2 is out of range for 3 classes");
    const gl::Labels y = {0};
    CHECK_THROWS_AS(gl::svm_loss_grad_rows(kScores.data(), 0, y.data(), 1, 1.0, 1.0, nullptr), gradlab::ShapeError);
}
