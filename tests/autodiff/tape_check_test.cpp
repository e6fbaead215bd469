#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>

using gradlab::NamedInput;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

namespace {

const Tensor kX = {{1.0, 2.0}, {-0.5, 0.7}, {0.3, -1.2}};

// mean(relu(X W + b)) -- the score-and-hinge shape the notes use.
Var relu_layer(Tape& t, const std::vector<Var>& p) {
    return mean(relu(matmul(t.constant(kX, "X"), p[0]) + p[1]));
}

// d(x^3)/dx = 3x^2, but this backward says 2x^2: a planted bug.
Var wrong_cube(const Var& x) {
    Tensor v = x.value() * x.value() * x.value();
    return x.tape().record("wrong_cube", std::move(v), {x}, [](const gradlab::BackwardArgs& args) {
        return gradlab::Grads{args.grad * 2.0 * args.input(0) * args.input(0)};
    });
}

// relu with a correct backward but no recorded branch: a kink the tape cannot name.
Var silent_relu(const Var& x) {
    return x.tape().record("silent_relu", xt::maximum(x.value(), 0.0), {x}, [](const gradlab::BackwardArgs& args) {
        return gradlab::Grads{args.grad * xt::cast<double>(args.input(0) > 0.0)};
    });
}

}  // namespace

TEST_CASE("checking a tape-built loss takes one call and passes for mean(relu(xW + b))", "[tape_check]") {
    const Tensor W = {{0.3, -0.8, 0.5}, {0.9, 0.2, -0.4}};
    const Tensor b = {0.1, -0.2, 0.05};
    const gradlab::GradientReport r = gradlab::check_gradients(relu_layer, {{"W", W}, {"b", b}});
    INFO(gradlab::format_report(r));
    CHECK(r.passed);
    CHECK(r.checked() == 9);
    REQUIRE(r.inputs.size() == 2);
    CHECK(r.inputs[0].name == "W");
    CHECK(r.inputs[1].name == "b");
    CHECK(r.max_rel_error() < 1e-7);
}

TEST_CASE("the Parameter and single-input overloads check at the current values and leave grads alone", "[tape_check]") {
    gradlab::Parameter W(Tensor{{0.3, -0.8, 0.5}, {0.9, 0.2, -0.4}}, "W");
    gradlab::Parameter b(Tensor{0.1, -0.2, 0.05}, "bias");
    const auto r = gradlab::check_gradients(relu_layer, {&W, &b});
    CHECK(r.passed);
    CHECK(r.inputs[1].name == "bias");
    CHECK(xt::all(xt::equal(W.grad, 0.0)));

    const auto one = gradlab::check_gradient([](Tape&, const Var& x) { return sum(tanh(x) * x); },
                                             Tensor{0.5, -1.5, 2.0});
    CHECK(one.passed);
    CHECK(one.inputs[0].name == "x");
}

TEST_CASE("a wrong backward in a custom op fails the tape-fed check", "[tape_check]") {
    const auto r = gradlab::check_gradient([](Tape&, const Var& x) { return sum(wrong_cube(x)); },
                                           Tensor{0.5, -1.5, 2.0});
    CHECK_FALSE(r.passed);
    CHECK(r.inputs[0].failures == 3);
    CHECK(r.max_rel_error() == Approx(1.0 / 3.0));  // |2x^2 - 3x^2| / 3x^2
}

TEST_CASE("a coordinate that crosses a relu kink is named with the op's id and kind", "[tape_check][kinks]") {
    // Row 0 of X W + b is 1*W00 + 2*W10 + b0 = 0.5 - 0.5 + 0 = 0: exactly at relu's kink, so
    // moving W(0,0), W(1,0) or b(0) by +-h switches the relu at node #5
    // (#0 W, #1 b, #2 X, #3 matmul, #4 add, #5 relu, #6 sum, #7 the 1/n constant, #8 div).
    const Tensor W = {{0.5, 1.0}, {-0.25, 0.3}};
    const Tensor b = {0.0, 0.1};
    const auto r = gradlab::check_gradients(
        [](Tape& t, const std::vector<Var>& p) {
            return sum(relu(matmul(t.constant(Tensor{{1.0, 2.0}}), p[0]) + p[1]));
        },
        {{"W", W}, {"b", b}});
    INFO(gradlab::format_report(r));
    CHECK(r.passed);  // relu'(0) = 0 lies between the one-sided slopes
    CHECK(r.inputs[0].kinks == 2);
    CHECK(r.inputs[1].kinks == 1);
    REQUIRE_FALSE(r.inputs[0].rows.empty());
    CHECK(r.inputs[0].rows[0].kink_reason == "coordinate (0, 0) of W crosses the kink of op #5 (relu)");
    CHECK(r.inputs[0].rows[1].kink_reason == "coordinate (1, 0) of W crosses the kink of op #5 (relu)");
    CHECK(r.inputs[1].rows[0].kink_reason == "coordinate (0) of b crosses the kink of op #5 (relu)");
}

TEST_CASE("kink reasons list every op that switched branch", "[tape_check][kinks]") {
    // x0 = 0 is a kink of both abs (#1) and maximum (#3, against the constant #2); maximum's tie
    // rule gives the subgradient 3 where the centered difference says 1.5, so the checker looks.
    const auto r = gradlab::check_gradient(
        [](Tape&, const Var& x) {
            Var a = abs(x);
            Var m = maximum(x, 0.0);
            return sum(a + m * 3.0);
        },
        Tensor{0.0, 1.0});
    REQUIRE(r.inputs[0].kinks == 1);
    CHECK(r.inputs[0].rows[0].kink_reason == "coordinate (0) of x crosses the kink of op #1 (abs) and op #3 (maximum)");
}

TEST_CASE("a kink in an op that records no branch, or a graph that changes, is said so", "[tape_check][kinks]") {
    const auto silent = gradlab::check_gradient([](Tape&, const Var& x) { return sum(silent_relu(x)); },
                                                Tensor{0.0, 1.0});
    REQUIRE(silent.inputs[0].kinks == 1);
    CHECK_THAT(silent.inputs[0].rows[0].kink_reason,
               Catch::StartsWith("coordinate (0) of x: no recorded kink op changed branch"));

    const auto branching = gradlab::check_gradient(
        [](Tape&, const Var& x) { return x.value()(0) > 0.0 ? sum(x * x) + sum(x) : sum(x * x); },
        Tensor{0.0, 1.0});
    REQUIRE(branching.inputs[0].kinks == 1);
    CHECK_THAT(branching.inputs[0].rows[0].kink_reason,
               Catch::Contains("builds different graphs at x + h and x - h"));
}

TEST_CASE("a loss that is not a single number is refused with its shape", "[tape_check][errors]") {
    CHECK_THROWS_WITH(gradlab::check_gradient([](Tape&, const Var& x) { return x * x; }, Tensor{1.0, 2.0}),
                      Catch::Contains("the loss must be a single number, but node #1 (mul) has shape (2,)"));
    CHECK_THROWS_AS(gradlab::check_gradient(gradlab::TapeLossFn1{}, Tensor{1.0}), gradlab::ValueError);
    CHECK_THROWS_AS(gradlab::check_gradients(relu_layer, std::vector<const gradlab::Parameter*>{nullptr}),
                    gradlab::ValueError);
}
