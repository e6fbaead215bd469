#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/losses/metrics.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>

#include "loss_testing.hpp"

using gradlab::Parameter;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;
using namespace losses_testing;

TEST_CASE("the bias trick: [x 1] [W; b] equals x W + b, and so do the gradients", "[scores]") {
    const Tensor x = randn({5, 3}, 41);
    Parameter w(randn({3, 4}, 42), "W"), b(randn({4}, 43), "b");
    Parameter wb(gl::fold_bias(w.value, b.value), "Wb");
    const gl::Labels y = {0, 3, 1, 2, 2};

    Tape tape;
    const Var s = gl::linear(tape.constant(x), tape.watch(w), tape.watch(b));
    const Var s_trick = gl::linear(tape.constant(gl::append_ones_column(x)), tape.watch(wb));
    CHECK(max_abs_diff(s.value(), s_trick.value()) <= 1e-15);
    tape.backward(gl::softmax_cross_entropy(s, y));
    tape.backward(gl::softmax_cross_entropy(s_trick, y));
    // The folded gradient is dL/dW stacked on dL/db.
    CHECK(max_abs_diff(wb.grad, gl::fold_bias(w.grad, b.grad)) <= 1e-15);
}

TEST_CASE("the bias gradient is the column sum of the score gradient", "[scores]") {
    Parameter w(randn({3, 2}, 44), "W"), b(gradlab::zeros({2}), "b");
    Tape tape;
    const Var s = gl::linear(tape.constant(randn({4, 3}, 45)), tape.watch(w), tape.watch(b));
    const Tensor seed = {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}, {7.0, 8.0}};
    tape.backward(s, seed);
    CHECK(b.grad(0) == 16.0);
    CHECK(b.grad(1) == 20.0);
}

TEST_CASE("two-layer net: relu(x W1 + b1) W2 + b2, every parameter passes the gradient checker", "[scores][two_layer]") {
    gl::TwoLayerNet net(4, 6, 3, 7, 0.5);
    const Tensor x = randn({5, 4}, 46);
    const gl::Labels y = {0, 2, 1, 1, 0};
    // Nonzero biases so that the check also sees them at work.
    net.b1.value = randn({6}, 47, 0.1);
    net.b2.value = randn({3}, 48, 0.1);
    Tape tape;
    tape.backward(gl::softmax_cross_entropy(net.forward(tape, tape.constant(x)), y));

    const gradlab::MultiScalarFn f = [&](const std::vector<Tensor>& p) {
        Tape t;
        gl::TwoLayerNet::Watched v{t.constant(p[0]), t.constant(p[1]), t.constant(p[2]), t.constant(p[3])};
        return gl::softmax_cross_entropy(gl::TwoLayerNet::forward(v, t.constant(x)), y).value()();
    };
    std::vector<gradlab::NamedInput> inputs;
    std::vector<Tensor> analytic;
    for (Parameter* p : net.parameters()) {
        inputs.push_back({p->name, p->value});
        analytic.push_back(p->grad);
    }
    const auto report = gradlab::check_gradients(f, analytic, inputs);
    INFO(gradlab::format_report(report));
    CHECK(report.passed);
    CHECK(report.checked() == 4 * 6 + 6 + 6 * 3 + 3);
}

TEST_CASE("initialization is seeded: the same seed gives the same net, another seed another", "[scores][two_layer]") {
    gl::TwoLayerNet a(5, 4, 3, 123), b(5, 4, 3, 123), c(5, 4, 3, 124);
    CHECK(max_abs_diff(a.W1.value, b.W1.value) == 0.0);
    CHECK(max_abs_diff(a.W2.value, b.W2.value) == 0.0);
    CHECK(max_abs_diff(a.W1.value, c.W1.value) > 0.0);
    CHECK(max_abs_diff(a.b1.value, gradlab::zeros({4})) == 0.0);
    CHECK(a.W1.name == "W1");
}

TEST_CASE("random_normal has mean 0 and the requested standard deviation", "[scores]") {
    const Tensor r = gl::random_normal({100000}, 2.0, 5);
    double mean = 0.0, sq = 0.0;
    for (double v : r) mean += v;
    mean /= static_cast<double>(r.size());
    for (double v : r) sq += (v - mean) * (v - mean);
    CHECK(std::abs(mean) < 0.03);  // 4 standard errors (2 / sqrt(1e5) = 0.0063)
    CHECK(std::sqrt(sq / static_cast<double>(r.size())) == Approx(2.0).margin(0.03));
}

TEST_CASE("predict and accuracy read a score Var's value", "[scores][metrics]") {
    Tape tape;
    const Var s = tape.variable(Tensor{{0.1, 0.9}, {2.0, 1.0}});
    CHECK(gl::predict(s) == gl::Labels{1, 0});
    CHECK(gl::accuracy(s, {1, 1}) == 0.5);
}

TEST_CASE("score functions reject shapes that do not fit, with hints", "[scores][errors]") {
    Tape tape;
    const Var x = tape.constant(gradlab::zeros({2, 3}));
    CHECK_THROWS_WITH(gl::linear(x, tape.constant(gradlab::zeros({4, 2}))),
                      "linear: expects x (N, D) and W (D, C), got x (2, 3) and W (4, 2) (W has one row more "
                      "than x has columns: for the bias trick, pass append_ones_column(x))");
    CHECK_THROWS_WITH(gl::linear(x, tape.constant(gradlab::zeros({3, 2})), tape.constant(gradlab::zeros({3}))),
                      "linear: bias must have shape (2,) or (1, 2) for W (3, 2), got (3,)");
    CHECK_THROWS_WITH(gl::append_ones_column(Tensor{1.0}), "append_ones_column: x must be 2-D (N, D), got (1,)");
    CHECK_THROWS_WITH(gl::fold_bias(gradlab::zeros({3, 2}), gradlab::zeros({3})),
                      "fold_bias: expects W (D, C) and b (C,), got W (3, 2) and b (3,)");
    CHECK_THROWS_WITH(gl::TwoLayerNet(0, 3, 2), "TwoLayerNet: sizes must be positive, got inputs 0, hidden 3, classes 2");
    CHECK_THROWS_AS(gl::TwoLayerNet(2, 3, 2, 0, -1.0), gradlab::ValueError);
    CHECK_THROWS_AS(gl::random_normal({2}, NAN, 0), gradlab::ValueError);
}
