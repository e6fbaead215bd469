/// \file gradcheck_catch.hpp
/// \brief Catch2 (v2) matcher for gradient checks -- for test code only.
///
/// Header-only and the only gradlab header that includes <catch2/catch.hpp>: include it from
/// test files, never from library code (the library does not link Catch2). It lets a test read
///
/// \code
/// REQUIRE_THAT(analytic, gradlab::GradientMatches(f, x));
/// \endcode
///
/// and, when the gradient is wrong, prints the full GradientReport (table and summary) as the
/// failure's explanation, so the failing element and its values are in the test log.
#pragma once

#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "gradcheck.hpp"

namespace gradlab {

/// Matches an analytic gradient against the centered-difference gradient of `f` at `x`
/// (check_gradient with the given options). Shape mismatches and bad input throw, as
/// check_gradient does, and Catch reports the exception.
class GradientMatcher : public Catch::MatcherBase<Tensor> {
public:
    /// Checks against f at x with the given options.
    GradientMatcher(ScalarFn f, Tensor x, CheckOptions options)
        : f_(std::move(f)), x_(std::move(x)), options_(std::move(options)) {}

    /// Runs the check; keeps the printed report for describe().
    bool match(const Tensor& analytic) const override {
        const GradientReport report = check_gradient(f_, analytic, x_, options_);
        report_ = format_report(report);
        return report.passed;
    }

    /// Catch prints this after the matched value: the report of the last match.
    std::string describe() const override {
        return "matches the numerical gradient\n" + report_;
    }

private:
    ScalarFn f_;
    Tensor x_;
    CheckOptions options_;
    mutable std::string report_;  // match() is const in Catch's interface
};

/// `REQUIRE_THAT(analytic, GradientMatches(f, x))`: the analytic gradient agrees with the
/// numerical gradient of `f` at `x` (full check, default tolerance unless `options` says otherwise).
inline GradientMatcher GradientMatches(ScalarFn f, Tensor x, CheckOptions options = {}) {
    return GradientMatcher(std::move(f), std::move(x), std::move(options));
}

}  // namespace gradlab
