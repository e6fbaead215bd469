/// \file gradcheck_catch.hpp
/// \brief Catch2 (v2) matcher for gradient checks -- for test code only.
///
/// Header-only and the only gradlab header that includes <catch2/catch.hpp>: it belongs to the
/// target gradlab::testing, which links Catch2 (the libraries never do). Include it from test
/// files as <gradlab/testing/gradcheck_catch.hpp>. It lets a test read
///
/// \code
/// REQUIRE_THAT(analytic, gradlab::GradientMatches(f, x));
/// \endcode
///
/// and, when the gradient is wrong, prints the full GradientReport (table and summary) as the
/// failure's explanation, so the failing element and its values are in the test log.
///
/// For a loss built on a tape, one statement checks the gradient of every Parameter it uses:
///
/// \code
/// auto loss = [&](gradlab::Tape& t, const std::vector<gradlab::Var>& p) {   // p[k]: params[k]
///     return my_loss(matmul(t.constant(X), p[0]) + p[1], y);
/// };
/// REQUIRE_THAT(loss, gradlab::GradientsMatch({&W, &b}));
/// \endcode
///
/// A failure prints the per-input report under the Parameters' names ("W", "b").
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/autodiff/tape_check.hpp>

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

/// Matches a tape-built loss (a TapeLossFn, or any lambda `Var(Tape&, const std::vector<Var>&)`)
/// whose inputs are the given Parameters, in order: the tape's gradient of every Parameter agrees
/// with centered differences at the Parameters' current values (check_gradients in
/// tape_check.hpp, with kink reasons naming the op). The Parameters' grads are left untouched.
class TapeGradientsMatcher : public Catch::MatcherBase<TapeLossFn> {
public:
    /// Checks against the Parameters' current values with the given options.
    TapeGradientsMatcher(std::vector<const Parameter*> params, CheckOptions options)
        : params_(std::move(params)), options_(std::move(options)) {}

    /// Runs the check; keeps the printed report for describe().
    bool match(const TapeLossFn& loss) const override {
        const GradientReport report = check_gradients(loss, params_, options_);
        report_ = format_report(report);
        return report.passed;
    }

    /// "has the numerical gradient in W, b" and the report of the last match.
    std::string describe() const override {
        std::string names;
        for (const Parameter* p : params_)
            names += (names.empty() ? "" : ", ") + (p == nullptr ? std::string("(null)") : p->name.empty() ? std::string("W") : p->name);
        return "has the tape gradients the numerical check expects, in " + names + "\n" + report_;
    }

private:
    std::vector<const Parameter*> params_;
    CheckOptions options_;
    mutable std::string report_;  // match() is const in Catch's interface
};

/// `REQUIRE_THAT(loss, GradientsMatch({&W, &b}))`: checks the tape's dL/dW and dL/db of the
/// tape-built `loss` (whose input k is params[k]) against centered differences, in one statement
/// (full check, default tolerance unless `options` says otherwise).
inline TapeGradientsMatcher GradientsMatch(std::initializer_list<const Parameter*> params, CheckOptions options = {}) {
    return TapeGradientsMatcher(std::vector<const Parameter*>(params), std::move(options));
}

}  // namespace gradlab
