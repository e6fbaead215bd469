// The gradient_check example: every loss passes in every mode, the smooth ones below 1e-7, and
// the kink demo is recognized as a kink.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "gradient_check.hpp"

using namespace gradlab::examples;
using Catch::Contains;

TEST_CASE("SVM, softmax (composed and fused) and the two-layer net pass the full, sparse and directional checks") {
    std::ostringstream out;
    GradientCheckOptions o;
    o.out = &out;
    const GradientCheckResult r = run_gradient_check(o);
    REQUIRE(r.checks.size() == 5 * 3);
    std::set<std::string> modes;
    for (const CheckSummary& c : r.checks) {
        INFO(c.loss << " / " << c.mode);
        CHECK(c.passed);
        CHECK(c.evaluations > 0);
        if (c.mode != "directional") CHECK(c.checked > 0);  // directional probes a direction, not coordinates
        modes.insert(c.mode);
        if (c.smooth) CHECK(c.max_relative_error < 1e-7);
    }
    CHECK(modes == std::set<std::string>{"full", "sparse", "directional"});
    CHECK(r.max_smooth_error < 1e-7);
    CHECK(r.all_passed);
}

TEST_CASE("a full check probes every coordinate, sparse probes `samples`, directional costs a couple of evaluations") {
    GradientCheckOptions o;
    std::ostringstream out;
    o.out = &out;
    const GradientCheckResult r = run_gradient_check(o);
    const std::size_t linear_params = o.dims * o.classes + o.classes;
    CHECK(r.checks[0].checked == linear_params);
    CHECK(r.checks[0].evaluations >= 2 * linear_params);
    CHECK(r.checks[1].checked == o.samples);
    CHECK(r.checks[2].evaluations < r.checks[0].evaluations / 5);
}

TEST_CASE("a margin within h of the hinge is reported as a kink crossing, accepted as a subgradient") {
    std::ostringstream out;
    GradientCheckOptions o;
    o.out = &out;
    const GradientCheckResult r = run_gradient_check(o);
    CHECK(r.kink_demo.kinks >= 1);
    CHECK(r.kink_demo.passed);
    CHECK_THAT(r.kink_reason, Contains("kink"));
    CHECK_THAT(out.str(), Contains("A kink crossing"));
}

TEST_CASE("the check_errors figure counts every entry of each full check once, in its half decade") {
    test_support::ScratchDir dir("check-errors");
    std::ostringstream out;
    GradientCheckOptions o;
    o.figures_dir = dir.path().string();
    o.out = &out;
    run_gradient_check(o);
    // check_errors.dat: one data block per loss, a step outline that gives each bin's count at
    // both of its edges; the legend says how many entries were exactly 0.
    const auto blocks = examples_testing::figure_blocks(test_support::read_bytes(dir.path() / "check_errors.dat"));
    std::vector<double> totals;
    for (const auto& block : blocks) {
        totals.push_back(0.0);
        for (const auto& fields : block) totals.back() += std::stod(fields.at(1)) / 2.0;
    }
    // The full checks of "SVM (fused)", "softmax (fused)" (W: 6 x 4 and b: 4) and the net
    // (W1 6 x 5, b1 5, W2 5 x 4, b2 4), minus the entries that agree exactly, which the legend
    // counts instead.
    const std::string gp = test_support::read_bytes(dir.path() / "check_errors.gp");
    auto zeros = [&](const std::string& name) {
        const auto at = gp.find(name + ": ");
        REQUIRE(at != std::string::npos);
        std::istringstream ss(gp.substr(gp.find("entries, ", at) + 9));
        double z = 0;
        ss >> z;
        return z;
    };
    REQUIRE(totals.size() >= 3);
    CHECK(totals[0] + zeros("SVM (fused)") == 28.0);
    CHECK(totals[1] + zeros("softmax (fused)") == 28.0);
    CHECK(totals[2] + zeros("two-layer net") == 59.0);
}
