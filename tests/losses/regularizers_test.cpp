#include <catch2/catch.hpp>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/svm.hpp>

#include "loss_testing.hpp"

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

namespace {
const Tensor kW = {{1.0, -2.0, 0.0}, {0.5, 0.0, -0.25}};
}

TEST_CASE("l2 is the plain sum of squares (no 1/2) and its gradient is 2W", "[regularizers]") {
    const auto vg = value_and_grad([](const Var& w) { return gl::l2(w); }, kW);
    CHECK(vg.value == Approx(1.0 + 4.0 + 0.25 + 0.0625).epsilon(1e-15));
    CHECK(max_abs_diff(vg.grad, Tensor(2.0 * kW)) == 0.0);
}

TEST_CASE("l1 is the sum of |W|; its gradient is sign(W) with abs'(0) = 0", "[regularizers]") {
    const auto vg = value_and_grad([](const Var& w) { return gl::l1(w); }, kW);
    CHECK(vg.value == Approx(3.75).epsilon(1e-15));
    const Tensor sign = {{1.0, -1.0, 0.0}, {1.0, 0.0, -1.0}};
    CHECK(max_abs_diff(vg.grad, sign) == 0.0);
}

TEST_CASE("elastic net blends l1 and l2 by l1_ratio, reaching both ends", "[regularizers]") {
    const double l1 = 3.75, l2 = 5.3125;
    CHECK(value_of([](const Var& w) { return gl::elastic_net(w, 0.3); }, kW) == Approx(0.3 * l1 + 0.7 * l2).epsilon(1e-15));
    CHECK(value_of([](const Var& w) { return gl::elastic_net(w, 0.0); }, kW) == Approx(l2).epsilon(1e-15));
    CHECK(value_of([](const Var& w) { return gl::elastic_net(w, 1.0); }, kW) == Approx(l1).epsilon(1e-15));
    // Away from zero weights (no kinks) the checker agrees.
    const Tensor w = {{1.0, -2.0, 0.3}, {0.5, 0.7, -0.25}};
    const LossOf en = [](const Var& v) { return gl::elastic_net(v, 0.4); };
    CHECK_THAT(value_and_grad(en, w).grad, gradlab::GradientMatches(as_function(en), w));
}

TEST_CASE("full loss = data loss + alpha R(W): the penalty adds 2 alpha W to dL/dW", "[regularizers]") {
    const Tensor x = randn({8, 3}, 31);
    const gl::Labels y = {0, 1, 2, 0, 2, 1, 0, 1};
    const Tensor w = randn({3, 3}, 32);
    const double alpha = 0.1;
    const auto data = value_and_grad([&](const Var& v) { return gl::svm(matmul(v.tape().constant(x), v), y); }, w);
    const LossOf full = [&](const Var& v) { return gl::full_loss(gl::svm(matmul(v.tape().constant(x), v), y), v, alpha); };
    const auto both = value_and_grad(full, w);
    double sq = 0.0;
    for (double e : w) sq += e * e;
    CHECK(both.value == Approx(data.value + alpha * sq).epsilon(1e-14));
    CHECK(max_abs_diff(both.grad, Tensor(data.grad + 2.0 * alpha * w)) <= 1e-15);
    CHECK_THAT(both.grad, gradlab::GradientMatches(as_function(full), w));
}

TEST_CASE("full loss regularizes every weight given, with the chosen penalty, and alpha 0 adds nothing", "[regularizers]") {
    gradlab::Tape tape;
    const Var a = tape.variable(kW, "a");
    const Var b = tape.variable(row({3.0}), "b");
    const Var data = tape.scalar(1.5);
    CHECK(gl::full_loss(data, {a, b}, {0.5, gl::Penalty::L1}).value()() == Approx(1.5 + 0.5 * (3.75 + 3.0)));
    CHECK(gl::full_loss(data, {a, b}, {0.5, gl::Penalty::ElasticNet, 0.25}).value()() ==
          Approx(1.5 + 0.5 * (0.25 * 6.75 + 0.75 * (5.3125 + 9.0))));
    CHECK(gl::full_loss(data, {a, b}, {0.0, gl::Penalty::L2}).id() == data.id());
}

TEST_CASE("regularizers reject a negative strength, a bad ratio and a non-scalar loss", "[regularizers][errors]") {
    gradlab::Tape tape;
    const Var w = tape.variable(kW);
    const Var data = tape.scalar(1.0);
    CHECK_THROWS_WITH(gl::full_loss(data, w, -0.1), "full_loss: regularization strength must be finite and >= 0, got -0.1");
    CHECK_THROWS_AS(gl::full_loss(data, w, INFINITY), gradlab::ValueError);
    CHECK_THROWS_WITH(gl::elastic_net(w, 1.5), "elastic_net: l1_ratio must lie in [0, 1], got 1.5");
    CHECK_THROWS_WITH(gl::full_loss(data, {w}, {1.0, gl::Penalty::ElasticNet, -0.5}),
                      "full_loss: l1_ratio must lie in [0, 1], got -0.5");
    CHECK_THROWS_WITH(gl::full_loss(w, w, 1.0), "full_loss: the data loss must be a scalar, got shape (2, 3)");
    gradlab::Tape other;
    CHECK_THROWS_AS(gl::full_loss(data, other.variable(kW), 1.0), gradlab::TapeError);
}
