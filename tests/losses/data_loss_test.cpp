#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/losses/data_loss.hpp>

#include "loss_testing.hpp"

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

TEST_CASE("binary logistic at score 0 costs ln 2 per classifier", "[data_loss][logistic]") {
    CHECK(value_of([](const Var& s) { return gl::binary_logistic(s, {0, 1, 1}); }, gradlab::zeros({3, 1})) ==
          Approx(std::log(2.0)).epsilon(1e-15));
    // One-vs-rest over 4 columns: 4 classifiers per row, each at ln 2.
    CHECK(value_of([](const Var& s) { return gl::binary_logistic(s, {3, 0}); }, gradlab::zeros({2, 4})) ==
          Approx(4.0 * std::log(2.0)).epsilon(1e-15));
}

TEST_CASE("binary logistic is -log sigmoid(z s) and stays finite for huge scores", "[data_loss][logistic]") {
    const Tensor s = column({2.0, -1.5, 800.0, -800.0});
    const gl::Labels y = {1, 1, 0, 0};  // z = +1, +1, -1, -1
    const double expected = (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(1.5)) + 800.0 + 0.0) / 4.0;
    const auto vg = value_and_grad([&](const Var& v) { return gl::binary_logistic(v, y); }, s);
    CHECK(vg.value == Approx(expected).epsilon(1e-14));
    // d/ds = -z sigmoid(-z s) / N: row 2 saturates at +1/4, row 3 at 0.
    CHECK(vg.grad(0, 0) == Approx(-1.0 / (1.0 + std::exp(2.0)) / 4.0).epsilon(1e-14));
    CHECK(vg.grad(2, 0) == Approx(0.25).epsilon(1e-15));
    CHECK(std::abs(vg.grad(3, 0)) < 1e-300);
}

TEST_CASE("mse is the mean of squared residuals; huber is half of it inside delta", "[data_loss][mse][huber]") {
    const Tensor s = {{1.0, 2.0}, {0.0, -1.0}};
    const Tensor t = {{0.5, 2.0}, {0.3, 0.0}};
    const double sq = 0.25 + 0.0 + 0.09 + 1.0;
    CHECK(value_of([&](const Var& v) { return gl::mse(v, t); }, s) == Approx(sq / 4.0).epsilon(1e-14));
    CHECK(value_of([&](const Var& v) { return gl::huber(v, t, 1.0); }, s) == Approx(0.5 * sq / 4.0).epsilon(1e-14));
    // Beyond delta = 0.4 the residuals 0.5 and -1 are charged linearly: delta (|r| - delta / 2).
    const double lin = 0.4 * (0.5 - 0.2) + 0.0 + 0.5 * 0.09 + 0.4 * (1.0 - 0.2);
    CHECK(value_of([&](const Var& v) { return gl::huber(v, t, 0.4); }, s) == Approx(lin / 4.0).epsilon(1e-14));
    // Against class labels, the targets are one-hot rows.
    CHECK(value_of([](const Var& v) { return gl::mse(v, gradlab::one_hot({1, 0}, 2)); }, s) ==
          Approx((1.0 + 1.0 + 1.0 + 1.0) / 4.0).epsilon(1e-14));
}

TEST_CASE("every small data loss passes the gradient checker", "[data_loss][gradcheck]") {
    const Tensor s = randn({4, 3}, 21, 2.0);
    const Tensor t = randn({4, 3}, 22);
    const Tensor s1 = randn({5, 1}, 23, 3.0);
    const std::vector<std::pair<const char*, LossOf>> table = {
        {"binary_logistic (N, 1)", [](const Var& v) { return gl::binary_logistic(v, {0, 1, 1, 0, 1}); }},
        {"binary_logistic one-vs-rest", [](const Var& v) { return gl::binary_logistic(v, {2, 0, 1, 1}); }},
        {"mse", [&](const Var& v) { return gl::mse(v, t); }},
        {"mse one-hot", [](const Var& v) { return gl::mse(v, gradlab::one_hot({2, 0, 1, 1}, 3)); }},
        {"huber", [&](const Var& v) { return gl::huber(v, t, 0.8); }},
        {"huber one-hot", [](const Var& v) { return gl::huber(v, gradlab::one_hot({2, 0, 1, 1}, 3), 0.5); }},
    };
    for (const auto& [name, loss] : table) {
        INFO(name);
        const Tensor& x = std::string(name).find("(N, 1)") != std::string::npos ? s1 : s;
        CHECK_THAT(value_and_grad(loss, x).grad, gradlab::GradientMatches(as_function(loss), x));
    }
}

TEST_CASE("the small data losses reject bad input naming the loss", "[data_loss][errors]") {
    gradlab::Tape tape;
    const Var s = tape.variable(Tensor{{1.0, 2.0}, {3.0, 4.0}});
    CHECK_THROWS_WITH(gl::binary_logistic(tape.variable(column({1.0, 2.0})), {0, 2}),
                      "binary_logistic: label 2 of row 1 must be 0 or 1 for scores of shape (2, 1)");
    CHECK_THROWS_WITH(gl::binary_logistic(s, {0, 2}), "binary_logistic: label 2 of row 1 is out of range for 2 classes");
    CHECK_THROWS_WITH(gl::binary_logistic(tape.variable(column({1.0})), {0, 1}),
                      "binary_logistic: 2 labels for 1 rows of scores (1, 1)");
    CHECK_THROWS_WITH(gl::binary_logistic(tape.variable(row({NAN, 1.0})), {0}),
                      "binary_logistic: score (0, 0) is not finite: nan");
    CHECK_THROWS_WITH(gl::mse(s, Tensor({1.0, 2.0})), "mse: shapes differ: (2, 2) vs (2,)");
    CHECK_THROWS_WITH(gl::mse(s, Tensor{{1.0, NAN}, {0.0, 0.0}}),
                      "mse: targets is not finite: element 1 (flat index) is nan");
    CHECK_THROWS_WITH(gl::mse(tape.variable(gradlab::zeros({0, 2})), gradlab::zeros({0, 2})),
                      "mse: empty batch: scores have shape (0, 2)");
    const Tensor t = gradlab::zeros({2, 2});
    CHECK_THROWS_WITH(gl::huber(s, t, -1.0), "huber: delta must be finite and > 0, got -1");
    CHECK_THROWS_WITH(gl::huber(s, t, 0.0), "huber: delta must be finite and > 0, got 0");
    CHECK_THROWS_WITH(gl::huber(s, gradlab::zeros({2, 3})), "huber: shapes differ: (2, 2) vs (2, 3)");
}
