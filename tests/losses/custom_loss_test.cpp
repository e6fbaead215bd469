// A user's new loss, written once composed and once as a custom op, then gradient-checked: the
// same two definitions as examples/custom_loss.cpp, kept honest by tests.
#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/losses/svm.hpp>

#include "loss_testing.hpp"

using namespace gradlab;
using losses::Labels;
using losses_testing::max_abs_diff;

namespace {

// Smooth SVM: log(1 + e^m) in place of the hinge max(0, m), m = s_j - s_{y_i} + delta.
Var smooth_svm_composed(const Var& s, const Labels& y, double delta = 1.0) {
    const std::size_t n = s.shape()[0], c = s.shape()[1];
    Var correct = reshape(gather(s, y), {n, 1});
    Var soft = log(1.0 + exp(s - correct + delta));
    Var wrong = mask(soft, Tensor(1.0 - one_hot(y, c)));
    return sum(wrong) / static_cast<double>(n);
}

// ForgetCorrectClass plants the most common bug, to show the checker catches it.
template <bool ForgetCorrectClass>
Var smooth_svm_op_impl(const Var& s, const Labels& y, double delta) {
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < c; ++j) {
            if (j == y[i]) continue;
            const double m = v(i, j) - v(i, y[i]) + delta;
            total += std::log1p(std::exp(m));
            const double g = 1.0 / (1.0 + std::exp(-m)) / n;  // d/dm log(1 + e^m) = sigmoid(m)
            grad(i, j) += g;
            if (!ForgetCorrectClass) grad(i, y[i]) -= g;
        }
    Tensor value = zeros({});
    value() = total / n;
    return s.tape().record("smooth_svm", std::move(value), {s},
                           [grad](const BackwardArgs& a) { return Grads{Tensor(grad * a.grad())}; });
}

Var smooth_svm_op(const Var& s, const Labels& y, double delta = 1.0) {
    return smooth_svm_op_impl<false>(s, y, delta);
}

using LossFn = Var (*)(const Var&, const Labels&, double);

const Tensor kX = losses::random_normal({8, 5}, 1.0, 1);
const Labels kY = {0, 1, 2, 0, 1, 2, 0, 1};
const Tensor kW = losses::random_normal({5, 3}, 0.5, 2);

// dL/dW from the tape, and the report of the checker against f(W).
GradientReport check(LossFn loss, Tensor* grad_out = nullptr) {
    Parameter w(kW, "W");
    Tape tape;
    tape.backward(loss(matmul(tape.constant(kX), tape.watch(w)), kY, 1.0));
    if (grad_out != nullptr) *grad_out = w.grad;
    auto f = [loss](const Tensor& wv) {
        Tape t;
        return loss(matmul(t.constant(kX), t.constant(wv)), kY, 1.0).value()();
    };
    return check_gradient(f, w.grad, w.value);
}

}  // namespace

TEST_CASE("a user's smooth SVM passes the gradient checker, composed and as a custom op", "[custom_loss][gradcheck]") {
    for (LossFn loss : {LossFn(smooth_svm_composed), LossFn(smooth_svm_op)}) {
        const GradientReport report = check(loss);
        INFO(format_report(report));
        CHECK(report.passed);
        CHECK(report.max_rel_error() < 1e-7);
        CHECK(report.checked() == 15);
    }
}

TEST_CASE("the checker catches a custom op whose gradient forgets the correct class", "[custom_loss][gradcheck]") {
    // The classic slip: no "-g" for s_{i,y_i}. Same value, wrong gradient: the checker says so.
    const GradientReport report = check(smooth_svm_op_impl<true>);
    INFO(format_report(report));
    CHECK_FALSE(report.passed);
    CHECK(report.max_rel_error() > 1e-2);
}

TEST_CASE("composed and custom-op smooth SVM agree to 1e-12; both lie between hinge and hinge + (C-1) ln 2",
          "[custom_loss]") {
    Tensor g_composed, g_op;
    check(smooth_svm_composed, &g_composed);
    check(smooth_svm_op, &g_op);
    CHECK(max_abs_diff(g_composed, g_op) <= 1e-12);

    Tape tape;
    const Var s = matmul(tape.constant(kX), tape.constant(kW));
    const double a = smooth_svm_composed(s, kY).value()(), b = smooth_svm_op(s, kY).value()();
    CHECK(std::abs(a - b) <= 1e-12);
    const double hinge = losses::svm_value(s.value(), kY);
    CHECK(a > hinge);
    CHECK(a < hinge + 2.0 * std::log(2.0));
}
