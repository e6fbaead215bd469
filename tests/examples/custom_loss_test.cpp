// The write-your-own-loss example: its four losses (examples/custom_loss.cpp, declared in
// custom_loss.hpp), each written once composed and once as a custom op, checked here as the
// example defines them; then the example's run, both routes passing the checker.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/testing/gradcheck_catch.hpp>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "custom_loss.hpp"

using namespace gradlab;
using namespace gradlab::examples;
using Catch::Contains;
using losses::Labels;

namespace {

using LossFn = Var (*)(const Var&, const Labels&);

// The classic slip, planted into either loss: its value, but a gradient that forgets the correct
// class (no -g for s_{i,y_i}). The right dL/ds comes from the loss on a tape of its own, and the
// correct class's column is dropped from it.
template <LossFn Loss>
Var forgets_correct_class(const Var& s, const Labels& y) {
    Tape inner;
    const Var si = inner.variable(s.value(), "s");
    const Var l = Loss(si, y);
    inner.backward(l);
    Tensor grad = si.grad();
    for (std::size_t i = 0; i < y.size(); ++i) grad(i, y[i]) = 0.0;
    return s.tape().record("forgets_correct_class", scalar(l.value()()), {s},
                           [grad](const BackwardArgs& args) { return Grads{grad * args.grad()}; });
}

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
    // Same value, wrong gradient: the checker says so.
    const Parameter w(kW, "W");
    const GradientReport report = check_gradients(of_w(forgets_correct_class<smooth_svm_op>), {&w});
    INFO(format_report(report));
    CHECK_FALSE(report.passed);
    CHECK(report.max_rel_error() > 1e-2);
}

TEST_CASE("composed and custom-op smooth SVM agree to 1e-12; both lie between hinge and hinge + (C-1) ln 2",
          "[custom_loss]") {
    CHECK(xt::allclose(grad_of_w(smooth_svm_composed), grad_of_w(smooth_svm_op), 0.0, 1e-12));
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
        CHECK(xt::allclose(s.grad(), expected, 0.0, 1e-15));
    }
}

TEST_CASE("Crammer-Singer passes the tape-aware matcher in one statement, composed and as a custom op",
          "[custom_loss][gradcheck]") {
    const Parameter w(kW, "W");
    REQUIRE_THAT(of_w(crammer_singer_composed), GradientsMatch({&w}));
    REQUIRE_THAT(of_w(crammer_singer_op), GradientsMatch({&w}));
    // and the planted slip fails it
    CHECK_FALSE(GradientsMatch({&w}).match(of_w(forgets_correct_class<crammer_singer_op>)));
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

TEST_CASE("custom_loss: the composed and the custom-op smooth SVM give the same loss and pass the check") {
    std::ostringstream out;
    const CustomLossResult r = run_custom_loss({&out, ""});
    REQUIRE(r.routes.size() == 2);
    CHECK(r.routes[0].route == "composed");
    CHECK(r.routes[1].route == "custom op");
    CHECK(r.routes[0].loss == Approx(r.routes[1].loss).epsilon(1e-12));
    for (const CustomLossRoute& route : r.routes) {
        INFO(route.route);
        CHECK(route.passed);
        CHECK(route.max_relative_error < 1e-7);  // a smooth loss
    }
    CHECK(r.all_passed);
    CHECK_THAT(out.str(), Contains("smooth SVM, custom op"));
}

TEST_CASE("custom_loss: Crammer-Singer, composed and as a custom op, passes the kink-aware check on its kinks") {
    std::ostringstream out;
    const CustomLossResult r = run_custom_loss({&out, ""});
    REQUIRE(r.kink_routes.size() == 2);
    CHECK(r.kink_routes[0].loss == Approx(r.kink_routes[1].loss).epsilon(1e-12));
    for (const CustomLossRoute& route : r.kink_routes) {
        INFO(route.route);
        CHECK(route.passed);
        CHECK(route.kinks >= 3);  // the hinge of row 0, and both tied classes of row 1
    }
    // The report names the op whose recorded branch flipped, for either route.
    CHECK_THAT(out.str(), Contains("crosses the kink of op") && Contains("(max)") && Contains("(crammer_singer)"));
}

TEST_CASE("custom_loss's slice: smooth SVM >= multiclass SVM >= Crammer-Singer at every point of the line") {
    test_support::ScratchDir dir("own-loss-slice");
    std::ostringstream out;
    gradlab::examples::CustomLossOptions o;
    o.figures_dir = dir.path().string();
    o.out = &out;
    gradlab::examples::run_custom_loss(o);
    // own_loss_slice.dat: three blocks of "a loss" lines, in the legend's order.
    std::vector<std::vector<double>> curves;
    for (const auto& block : examples_testing::figure_blocks(test_support::read_bytes(dir.path() / "own_loss_slice.dat"))) {
        curves.emplace_back();
        for (const auto& fields : block) curves.back().push_back(std::stod(fields.at(1)));
    }
    REQUIRE(curves.size() >= 3);
    const auto& svm = curves[0];
    const auto& smooth = curves[1];
    const auto& crammer_singer = curves[2];
    REQUIRE(svm.size() == 201);
    REQUIRE(smooth.size() == svm.size());
    REQUIRE(crammer_singer.size() == svm.size());
    for (std::size_t k = 0; k < svm.size(); ++k) {
        INFO("point " << k);
        CHECK(smooth[k] > svm[k]);          // log(1 + e^m) > max(0, m) for every margin
        CHECK(svm[k] >= crammer_singer[k]);  // a sum of hinges >= its largest term
    }
}
