// The step-size sweep along the numerical gradient, and the numerical-versus-analytic comparison.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "numerical_gradient.hpp"
#include "support/plot.hpp"

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

// --- the step-size study (the V of page 4) ----------------------------------------------------

namespace {

const StepSizeCurve& curve(const StepSizeStudyResult& r, const std::string& name) {
    for (const StepSizeCurve& c : r.curves)
        if (c.name == name) return c;
    FAIL("no curve named " << name);
    throw;  // unreachable
}

}  // namespace

TEST_CASE("step-size study: truncation falls as h^2 (centered) and h (forward), round-off grows as 1/h") {
    std::ostringstream out;
    StepSizeStudyOptions o;
    o.data = examples_testing::blobs(20, 1);
    o.out = &out;
    const StepSizeStudyResult r = run_step_size_study(o);
    REQUIRE(r.curves.size() == 4);
    const StepSizeCurve& centered = curve(r, "softmax, centered");
    const StepSizeCurve& forward = curve(r, "softmax, forward");
    REQUIRE(centered.h.size() == 61);  // 1e-1 ... 1e-16, four per decade
    CHECK(centered.h.front() == Approx(1e-1));
    CHECK(centered.h.back() == Approx(1e-16));
    INFO(out.str());
    // The two sides of the V on the log-log plot: E ~ h^2 |f'''| / 6 + eps |f| / h.
    CHECK(centered.right_slope == Approx(2.0).margin(0.2));
    CHECK(centered.left_slope == Approx(-1.0).margin(0.3));
    CHECK(forward.right_slope == Approx(1.0).margin(0.1));
    CHECK(forward.left_slope == Approx(-1.0).margin(0.3));
    // The bottoms balance the two terms: near cbrt(eps) ~ 6e-6 centered, sqrt(eps) ~ 1.5e-8 forward.
    CHECK(centered.best_h > 1e-7);
    CHECK(centered.best_h < 1e-3);
    CHECK(forward.best_h > 1e-10);
    CHECK(forward.best_h < 1e-6);
    // Centered differences are far more accurate at their best than forward ones at theirs.
    CHECK(centered.best_rel_error < 0.01 * forward.best_rel_error);
    // In single precision the quotient never gets near the 'good' band of 1e-7.
    CHECK(curve(r, "softmax in float, centered").best_rel_error > 1e-6);
    CHECK_THAT(out.str(), Contains("slope") && Contains("1e-16"));
}

TEST_CASE("step-size study: the piecewise-linear SVM has no truncation error away from its kinks") {
    std::ostringstream out;
    StepSizeStudyOptions o;
    o.data = examples_testing::blobs(20, 1);
    o.out = &out;
    const StepSizeStudyResult r = run_step_size_study(o);
    const StepSizeCurve& svm = curve(r, "SVM, centered");
    INFO(out.str());
    // Only round-off: the error keeps falling as h grows, as 1/h, until h reaches a kink.
    CHECK(svm.left_slope == Approx(-1.0).margin(0.3));
    CHECK(svm.best_h >= 1e-3);
}

TEST_CASE("numerical_gradient and its study draw their figures into the directory asked for") {
    if (!gradlab::plot::gnuplot_available()) EXAMPLES_SKIP("gnuplot is not installed");
    test_support::ScratchDir dir("numgrad-figures");
    std::ostringstream out;
    NumericalGradientOptions o;
    o.data = examples_testing::blobs(20, 1);
    o.timing_repeats = 1;
    o.figures_dir = dir.path().string();
    o.out = &out;
    run_numerical_gradient(o);
    StepSizeStudyOptions s;
    s.data = o.data;
    s.figures_dir = o.figures_dir;
    s.out = &out;
    const StepSizeStudyResult r = run_step_size_study(s);
    CHECK(r.figures.size() == 4);
    for (const char* f : {"numerical_vs_analytic.png", "step_size_v.svg", "step_size_float.png"})
        CHECK(std::filesystem::file_size(dir.path() / f) > 1000);
}
