// The step-size sweep along the numerical gradient, and the numerical-versus-analytic comparison.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "example_testing.hpp"
#include "numerical_gradient.hpp"

using namespace gradlab::examples;
using Catch::Contains;

namespace {

NumericalGradientResult run(std::ostringstream& out) {
    NumericalGradientOptions o;
    o.data = examples_testing::blobs(40, 1);
    o.timing_repeats = 3;
    o.out = &out;
    return run_numerical_gradient(o);
}

}  // namespace

TEST_CASE("the sweep tries 1e-10 ... 1e-1 along the negative gradient, and the loss goes down") {
    std::ostringstream out;
    const NumericalGradientResult r = run(out);
    REQUIRE(r.step_sizes.size() == 10);
    CHECK(r.step_sizes.front() == Approx(1e-10));
    CHECK(r.step_sizes.back() == Approx(1e-1));
    REQUIRE(r.losses.size() == 10);
    CHECK(r.best_loss < r.loss0);
    CHECK(r.best_loss == *std::min_element(r.losses.begin(), r.losses.end()));
    CHECK(r.best_step_size > 1e-10);
    // The tiniest step barely moves the loss: L(W - eta g) ~ L(W) - eta |g|^2.
    CHECK(r.losses.front() == Approx(r.loss0).epsilon(1e-6));
    CHECK_THAT(out.str(), Contains("for step size 1e-06 new loss:"));
}

TEST_CASE("one numerical gradient costs two loss evaluations per weight and agrees with the tape's") {
    std::ostringstream out;
    const NumericalGradientResult r = run(out);
    CHECK(r.parameters == 21 * 10);  // (blobs' 20 features + bias) x 10 classes
    CHECK(r.numerical_evaluations == 2 * r.parameters);
    CHECK(r.numerical_seconds > 0.0);
    CHECK(r.analytic_seconds > 0.0);
    // The SVM is piecewise linear: away from its kinks, centered differences are exact up to
    // round-off.
    CHECK(r.max_relative_error < 1e-6);
    CHECK_THAT(out.str(), Contains("times faster"));
}

TEST_CASE("on Fashion-MNIST pixels, the largest step explodes the loss as in the notes (skipped without the data)") {
    if (!examples_testing::have_fashion_mnist()) EXAMPLES_SKIP("Fashion-MNIST is not installed");
    std::ostringstream out;
    NumericalGradientOptions o;
    o.data.n_train = 10;  // 785 x 10 weights: 15700 cheap evaluations
    o.timing_repeats = 1;
    o.out = &out;
    const NumericalGradientResult r = run_numerical_gradient(o);
    CHECK(r.loss0 == Approx(9.0).margin(0.5));
    CHECK(r.best_loss < r.loss0);
    CHECK(r.best_step_size < 1e-1);
    CHECK(r.losses.back() > r.loss0);
    CHECK_THAT(out.str(), Contains("explodes"));
}
