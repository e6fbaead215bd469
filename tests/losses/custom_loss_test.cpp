// A user's new losses, each written once composed and once as a custom op, then gradient-checked:
// the same definitions as examples/custom_loss.cpp, kept honest by tests. The smooth SVM has no
// kink; the Crammer-Singer hinge takes a max over the wrong classes (masked_fill with -inf).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>
#include <gradlab/losses/svm.hpp>

#include "loss_testing.hpp"

using namespace gradlab;
using losses::Labels;
using losses::require_scores_and_labels;
using losses_testing::max_abs_diff;

namespace {

// ---- smooth SVM: log(1 + e^m) in place of the hinge max(0, m), m = s_j - s_{y_i} + 1 ----------

Var smooth_svm_composed(const Var& s, const Labels& y) {
    require_scores_and_labels("smooth_svm", s.value(), y);
    const std::size_t n = s.shape()[0], c = s.shape()[1];
    Var correct = reshape(gather(s, y), {n, 1});
    Var soft = log(1.0 + exp(s - correct + 1.0));
    return sum(mask(soft, 1.0 - one_hot(y, c))) / double(n);
}

// ForgetCorrectClass plants the most common bug, to show the checker catches it.
template <bool ForgetCorrectClass>
Var smooth_svm_op_impl(const Var& s, const Labels& y) {
    require_scores_and_labels("smooth_svm", s.value(), y);
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < c; ++j) {
            if (j == y[i]) continue;
            const double m = v(i, j) - v(i, y[i]) + 1.0;
            total += std::log1p(std::exp(m));
            const double g = 1.0 / (1.0 + std::exp(-m)) / n;  // d/dm log(1 + e^m) = sigmoid(m)
            grad(i, j) += g;
            if (!ForgetCorrectClass) grad(i, y[i]) -= g;
        }
    return s.tape().record("smooth_svm", scalar(total / n), {s},
                           [grad](const BackwardArgs& a) { return Grads{grad * a.grad()}; });
}

Var smooth_svm_op(const Var& s, const Labels& y) { return smooth_svm_op_impl<false>(s, y); }

// ---- Crammer-Singer: 1/N sum_i max(0, 1 + max_{j != y_i} s_ij - s_{i,y_i}) ---------------------

Var crammer_singer_composed(const Var& s, const Labels& y) {
    require_scores_and_labels("crammer_singer", s.value(), y);
    const double inf = std::numeric_limits<double>::infinity();
    Var best_wrong = max(masked_fill(s, one_hot(y, s.shape()[1]), -inf), 1);  // max_{j != y_i} s_ij
    return mean(relu(1.0 + best_wrong - gather(s, y)));
}

template <bool ForgetCorrectClass>
Var crammer_singer_op_impl(const Var& s, const Labels& y) {
    require_scores_and_labels("crammer_singer", s.value(), y);
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());
    std::vector<std::uint8_t> branch(v.size(), 0);  // kinks: 1 marks a row's active best wrong class
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t k = c;  // the best wrong class (the first on a tie); none if c == 1
        for (std::size_t j = 0; j < c; ++j)
            if (j != y[i] && (k == c || v(i, j) > v(i, k))) k = j;
        if (k == c || 1.0 + v(i, k) - v(i, y[i]) <= 0.0) continue;  // hinge inactive
        total += 1.0 + v(i, k) - v(i, y[i]);
        grad(i, k) += 1.0 / n;  // dL/ds_ik = 1/N, dL/ds_{i,y_i} = -1/N
        if (!ForgetCorrectClass) grad(i, y[i]) -= 1.0 / n;
        branch[i * c + k] = 1;
    }
    return s.tape().record("crammer_singer", scalar(total / n), {s},
                           [grad](const BackwardArgs& a) { return Grads{grad * a.grad()}; }, std::move(branch));
}

Var crammer_singer_op(const Var& s, const Labels& y) { return crammer_singer_op_impl<false>(s, y); }

using LossFn = Var (*)(const Var&, const Labels&);

const Tensor kX = losses::random_normal({8, 5}, 1.0, 1);
const Labels kY = {0, 1, 2, 0, 1, 2, 0, 1};
const Tensor kW = losses::random_normal({5, 3}, 0.5, 2);

// The loss of the scores X W, as the tape-aware checker wants it (p[0] is W).
TapeLossFn of_w(LossFn loss) {
    return [loss](Tape& t, const std::vector<Var>& p) { return loss(matmul(t.constant(kX), p[0]), kY); };
}

Tensor grad_of_w(LossFn loss) {
    Parameter w(kW, "W");
    Tape tape;
    tape.backward(loss(matmul(tape.constant(kX), tape.watch(w)), kY));
    return w.grad;
}

Tensor matrix(std::initializer_list<std::initializer_list<double>> rows) { return Tensor(rows); }

}  // namespace

TEST_CASE("a user's smooth SVM passes the gradient checker, composed and as a custom op", "[custom_loss][gradcheck]") {
    const Parameter w(kW, "W");
    for (LossFn loss : {LossFn(smooth_svm_composed), LossFn(smooth_svm_op)}) {
        const GradientReport report = check_gradients(of_w(loss), {&w});
        INFO(format_report(report));
        CHECK(report.passed);
        CHECK(report.max_rel_error() < 1e-7);
        CHECK(report.checked() == 15);
    }
}

TEST_CASE("the checker catches a custom op whose gradient forgets the correct class", "[custom_loss][gradcheck]") {
    // The classic slip: no "-g" for s_{i,y_i}. Same value, wrong gradient: the checker says so.
    const Parameter w(kW, "W");
    const GradientReport report = check_gradients(of_w(smooth_svm_op_impl<true>), {&w});
    INFO(format_report(report));
    CHECK_FALSE(report.passed);
    CHECK(report.max_rel_error() > 1e-2);
}

TEST_CASE("composed and custom-op smooth SVM agree to 1e-12; both lie between hinge and hinge + (C-1) ln 2",
          "[custom_loss]") {
    CHECK(max_abs_diff(grad_of_w(smooth_svm_composed), grad_of_w(smooth_svm_op)) <= 1e-12);
    Tape tape;
    const Var s = matmul(tape.constant(kX), tape.constant(kW));
    const double a = smooth_svm_composed(s, kY).value()(), b = smooth_svm_op(s, kY).value()();
    CHECK(std::abs(a - b) <= 1e-12);
    const double hinge = losses::svm_value(s.value(), kY);
    CHECK(a > hinge);
    CHECK(a < hinge + 2.0 * std::log(2.0));
}

TEST_CASE("Crammer-Singer by masked_fill(-inf) equals a hand computation, also when every score is negative",
          "[custom_loss][masked_fill]") {
    // Row 0: best wrong 2.0, 1 + 2 - 1 = 2. Row 1: 1 + 0.2 - 3 < 0, so 0. Row 2, all negative:
    // best wrong -1.5, 1 - 1.5 + 1 = 0.5 (a mask() writing 0 would have taken 0: 1 + 0 + 1 = 2).
    const Tensor s0 = matrix({{1.0, 2.0, 0.5}, {0.2, -1.0, 3.0}, {-2.0, -1.5, -1.0}});
    const Labels y = {0, 2, 2};
    for (LossFn loss : {LossFn(crammer_singer_composed), LossFn(crammer_singer_op)}) {
        Tape tape;
        Var s = tape.variable(s0, "s");
        Var l = loss(s, y);
        CHECK(l.value()() == Approx(2.5 / 3.0).epsilon(1e-15));
        tape.backward(l);
        // dL/ds: +1/N at each active row's best wrong class, -1/N at its correct class.
        const Tensor expected = matrix({{-1.0, 1.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 1.0, -1.0}}) / 3.0;
        CHECK(max_abs_diff(s.grad(), expected) <= 1e-15);
    }
}

TEST_CASE("Crammer-Singer passes the tape-aware matcher in one statement, composed and as a custom op",
          "[custom_loss][gradcheck]") {
    const Parameter w(kW, "W");
    REQUIRE_THAT(of_w(crammer_singer_composed), GradientsMatch({&w}));
    REQUIRE_THAT(of_w(crammer_singer_op), GradientsMatch({&w}));
    // and the planted slip fails it
    CHECK_FALSE(GradientsMatch({&w}).match(of_w(crammer_singer_op_impl<true>)));
}

TEST_CASE("a custom loss validates its labels with require_scores_and_labels: no out-of-bounds read",
          "[custom_loss]") {
    Tape tape;
    const Var s = tape.constant(zeros({2, 3}));
    for (LossFn loss : {LossFn(smooth_svm_op), LossFn(crammer_singer_op), LossFn(crammer_singer_composed)}) {
        CHECK_THROWS_AS(loss(s, Labels{0, 3}), ValueError);
        CHECK_THROWS_AS(loss(s, Labels{0}), ShapeError);
    }
    CHECK_THROWS_WITH(crammer_singer_op(s, Labels{0, 7}),
                      Catch::Contains("crammer_singer") && Catch::Contains("label 7 of row 1"));
}
